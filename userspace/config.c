// SPDX-License-Identifier: GPL-2.0
/*
 * knat config: show and set max-flows, the flow timeouts, the rate
 * estimator, the limits and the fast path.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "config.h"
#include "json_print.h"
#include "knat_nl.h"
#include "objects.h"
#include "policy.h"
#include "utils.h"

/* Indexed by enum knat_timeout; the nest's attribute type is index + 1. */
static const char *const timeout_names[] = {
	[KNAT_TIMEOUT_TCP_SYN_SENT]	= "tcp-syn-sent",
	[KNAT_TIMEOUT_TCP_SYN_RECV]	= "tcp-syn-recv",
	[KNAT_TIMEOUT_TCP_ESTABLISHED]	= "tcp-established",
	[KNAT_TIMEOUT_TCP_FIN_WAIT]	= "tcp-fin-wait",
	[KNAT_TIMEOUT_TCP_CLOSE_WAIT]	= "tcp-close-wait",
	[KNAT_TIMEOUT_TCP_LAST_ACK]	= "tcp-last-ack",
	[KNAT_TIMEOUT_TCP_TIME_WAIT]	= "tcp-time-wait",
	[KNAT_TIMEOUT_TCP_CLOSE]	= "tcp-close",
	[KNAT_TIMEOUT_UDP_UNREPLIED]	= "udp-unreplied",
	[KNAT_TIMEOUT_UDP_REPLIED]	= "udp-replied",
	[KNAT_TIMEOUT_ICMP]		= "icmp",
};
/* A new timeout in the header must get a name here. */
_Static_assert(ARRAY_SIZE(timeout_names) == __KNAT_TIMEOUT_MAX,
	       "name every enum knat_timeout");
_Static_assert(__KNAT_TIMEOUT_MAX <= 32, "timeout_set is a 32-bit mask");

/* Indexed by enum knat_limit; the nest's attribute type is index + 1. */
static const char *const limit_names[] = {
	[KNAT_LIMIT_FORWARDS]		= "forwards",
	[KNAT_LIMIT_SNATS]		= "snats",
	[KNAT_LIMIT_SERVICES]		= "services",
	[KNAT_LIMIT_BACKENDS]		= "backends",
	[KNAT_LIMIT_SVC_BACKENDS]	= "service-backends",
	[KNAT_LIMIT_MAGLEV_SIZE]	= "maglev-size",
	[KNAT_LIMIT_MAX_FLOWS]		= "max-flows",
};
_Static_assert(ARRAY_SIZE(limit_names) == __KNAT_LIMIT_MAX,
	       "name every enum knat_limit");
_Static_assert(__KNAT_LIMIT_MAX <= 32, "limit_set is a 32-bit mask");

const char *config_timeout_name(unsigned int timeout)
{
	return timeout < ARRAY_SIZE(timeout_names) ? timeout_names[timeout] : NULL;
}

void config_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: knat config [ show ]\n"
		"       knat config set { max-flows N | timeout NAME SECONDS |\n"
		"                         rate-interval SECONDS | rate-window SECONDS |\n"
		"                         limit LIMIT N | fastpath { on | off } } ...\n"
		"where  N := 1..%u\n"
		"       SECONDS := 1..%u; rate-interval 1..%u, rate-window 1..%u\n"
		"       NAME := {",
		CONFIG_MAX_FLOWS_MAX, CONFIG_TIMEOUT_MAX, KNAT_RATE_INTERVAL_MAX,
		KNAT_RATE_WINDOW_MAX);
	for (i = 0; i < ARRAY_SIZE(timeout_names); i++)
		fprintf(f, "%s %s", i ? " |" : "", timeout_names[i]);
	fprintf(f, " }\n       LIMIT := {");
	for (i = 0; i < ARRAY_SIZE(limit_names); i++)
		fprintf(f, "%s %s", i ? " |" : "", limit_names[i]);
	fprintf(f, " }\n");
}

/* ---- set ---- */

static int parse_bounded(const char *arg, const char *what, unsigned long long max,
			 uint32_t *out)
{
	unsigned long long v;
	char why[64];
	int err;

	err = parse_uint(arg, 1, max, &v);
	if (err == -EINVAL) {
		snprintf(why, sizeof(why), "%s is not a number", what);
		return invarg(arg, why);
	}
	if (err) {
		snprintf(why, sizeof(why), "%s must be 1..%llu", what, max);
		return invarg(arg, why);
	}
	*out = (uint32_t)v;
	return 0;
}

int config_parse_set(int argc, char **argv, struct config_spec *cs)
{
	memset(cs, 0, sizeof(*cs));
	while (argc > 0) {
		const char *kw = argv[0];

		if (is_kw(kw, "max-flows")) {
			if (argc < 2)
				return needarg(kw);
			if (cs->has_max_flows)
				return duparg(kw, argv[1]);
			if (parse_bounded(argv[1], "max-flows",
					  CONFIG_MAX_FLOWS_MAX, &cs->max_flows))
				return EXIT_USAGE;
			cs->has_max_flows = true;
			argc -= 2;
			argv += 2;
		} else if (is_kw(kw, "rate-interval") || is_kw(kw, "rate-window")) {
			bool iv = is_kw(kw, "rate-interval");
			bool *has = iv ? &cs->has_rate_interval : &cs->has_rate_window;

			if (argc < 2)
				return needarg(kw);
			if (*has)
				return duparg(kw, argv[1]);
			if (parse_bounded(argv[1], iv ? "rate-interval" : "rate-window",
					  iv ? KNAT_RATE_INTERVAL_MAX : KNAT_RATE_WINDOW_MAX,
					  iv ? &cs->rate_interval : &cs->rate_window))
				return EXIT_USAGE;
			*has = true;
			argc -= 2;
			argv += 2;
		} else if (is_kw(kw, "fastpath")) {
			if (argc < 2)
				return needarg(kw);
			if (cs->has_fastpath)
				return duparg(kw, argv[1]);
			if (is_kw(argv[1], "on"))
				cs->fastpath = true;
			else if (!is_kw(argv[1], "off"))
				return invarg(argv[1], "fastpath must be on or off");
			cs->has_fastpath = true;
			argc -= 2;
			argv += 2;
		} else if (is_kw(kw, "timeout")) {
			int t;

			if (argc < 2)
				return needarg(kw);
			t = name_index(timeout_names, ARRAY_SIZE(timeout_names),
				       argv[1]);
			if (t < 0)
				return invarg(argv[1], "unknown timeout name");
			if (argc < 3)
				return needarg(argv[1]);
			if (cs->timeout_set & (1u << t))
				return duparg(argv[1], argv[2]);
			if (parse_bounded(argv[2], "timeout", CONFIG_TIMEOUT_MAX,
					  &cs->timeouts[t]))
				return EXIT_USAGE;
			cs->timeout_set |= 1u << t;
			argc -= 3;
			argv += 3;
		} else if (is_kw(kw, "limit")) {
			int l;

			if (argc < 2)
				return needarg(kw);
			l = name_index(limit_names, ARRAY_SIZE(limit_names),
				       argv[1]);
			if (l < 0)
				return invarg(argv[1], "unknown limit name");
			if (argc < 3)
				return needarg(argv[1]);
			if (cs->limit_set & (1u << l))
				return duparg(argv[1], argv[2]);
			if (parse_bounded(argv[2], "limit", CONFIG_MAX_FLOWS_MAX,
					  &cs->limits[l]))
				return EXIT_USAGE;
			cs->limit_set |= 1u << l;
			argc -= 3;
			argv += 3;
		} else {
			return unexpected(kw);
		}
	}
	if (!cs->has_max_flows && !cs->timeout_set && !cs->has_rate_interval &&
	    !cs->has_rate_window && !cs->limit_set && !cs->has_fastpath) {
		pr_err("\"max-flows\", \"timeout\", \"rate-interval\", \"rate-window\", \"limit\" or \"fastpath\" is required.");
		return EXIT_USAGE;
	}
	return 0;
}

void config_put(struct nlmsghdr *nlh, const struct config_spec *cs)
{
	struct nlattr *cfg, *tmo;
	unsigned int i;

	cfg = mnl_attr_nest_start(nlh, KNAT_A_CONFIG);
	if (cs->has_max_flows)
		mnl_attr_put_u32(nlh, KNAT_CFG_A_MAX_FLOWS, cs->max_flows);
	if (cs->timeout_set) {
		tmo = mnl_attr_nest_start(nlh, KNAT_CFG_A_TIMEOUTS);
		for (i = 0; i < __KNAT_TIMEOUT_MAX; i++)
			if (cs->timeout_set & (1u << i))
				mnl_attr_put_u32(nlh, (uint16_t)(i + 1),
						 cs->timeouts[i]);
		mnl_attr_nest_end(nlh, tmo);
	}
	if (cs->has_rate_interval)
		mnl_attr_put_u32(nlh, KNAT_CFG_A_RATE_INTERVAL, cs->rate_interval);
	if (cs->has_rate_window)
		mnl_attr_put_u32(nlh, KNAT_CFG_A_RATE_WINDOW, cs->rate_window);
	if (cs->limit_set) {
		tmo = mnl_attr_nest_start(nlh, KNAT_CFG_A_LIMITS);
		for (i = 0; i < __KNAT_LIMIT_MAX; i++)
			if (cs->limit_set & (1u << i))
				mnl_attr_put_u32(nlh, (uint16_t)(i + 1),
						 cs->limits[i]);
		mnl_attr_nest_end(nlh, tmo);
	}
	if (cs->has_fastpath)
		mnl_attr_put_u8(nlh, KNAT_CFG_A_FASTPATH, cs->fastpath);
	mnl_attr_nest_end(nlh, cfg);
}

static void config_put_cb(struct nlmsghdr *nlh, const void *arg)
{
	config_put(nlh, arg);
}

/* ---- show ---- */

static void print_limit(const struct nlattr *a)
{
	unsigned int idx = mnl_attr_get_type(a) - 1u;
	char fallback[32], key[32];
	const char *name;

	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return;
	/* A limit a newer kernel knows and we do not: show its number. */
	name = idx < ARRAY_SIZE(limit_names) ? limit_names[idx] : NULL;
	if (!name) {
		snprintf(fallback, sizeof(fallback), "limit-%u", idx);
		name = fallback;
	}
	json_key_from_name(key, sizeof(key), name);
	print_string(PRINT_FP, NULL, "limit %s", name);
	print_uint(PRINT_ANY, key, " %u\n", mnl_attr_get_u32(a));
}

static void print_timeout(const struct nlattr *a)
{
	unsigned int idx = mnl_attr_get_type(a) - 1u;
	const char *name = config_timeout_name(idx);
	char fallback[32], key[32];

	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return;
	/* A timeout a newer kernel knows and we do not: show its number. */
	if (!name) {
		snprintf(fallback, sizeof(fallback), "timeout-%u", idx);
		name = fallback;
	}
	json_key_from_name(key, sizeof(key), name);
	print_string(PRINT_FP, NULL, "timeout %s", name);
	print_uint(PRINT_ANY, key, " %u\n", mnl_attr_get_u32(a));
}

int config_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[KNAT_A_MAX + 1];
	const struct nlattr *tb[KNAT_CFG_A_MAX + 1];
	const struct nlattr *a;

	(void)data;
	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	knat_parse_nested(top[KNAT_A_CONFIG], knat_cfg_policy,
				  KNAT_CFG_A_MAX, tb);

	open_json_object(NULL);
	if (tb[KNAT_CFG_A_MAX_FLOWS])
		print_uint(PRINT_ANY, "max_flows", "max-flows %u\n",
			   mnl_attr_get_u32(tb[KNAT_CFG_A_MAX_FLOWS]));
	if (tb[KNAT_CFG_A_RATE_INTERVAL])
		print_uint(PRINT_ANY, "rate_interval", "rate-interval %u\n",
			   mnl_attr_get_u32(tb[KNAT_CFG_A_RATE_INTERVAL]));
	if (tb[KNAT_CFG_A_RATE_WINDOW])
		print_uint(PRINT_ANY, "rate_window", "rate-window %u\n",
			   mnl_attr_get_u32(tb[KNAT_CFG_A_RATE_WINDOW]));
	/* "fastpath on" or "off": config set words, as every line here. */
	if (tb[KNAT_CFG_A_FASTPATH]) {
		bool on = mnl_attr_get_u8(tb[KNAT_CFG_A_FASTPATH]) != 0;

		print_bool(PRINT_JSON, "fastpath", NULL, on);
		print_fp("fastpath %s\n", on ? "on" : "off");
	}
	open_json_object("timeouts");
	if (tb[KNAT_CFG_A_TIMEOUTS])
		mnl_attr_for_each_nested(a, tb[KNAT_CFG_A_TIMEOUTS])
			print_timeout(a);
	close_json_object();
	/* Only from a kernel that has limits: older output stays as it was. */
	if (tb[KNAT_CFG_A_LIMITS]) {
		open_json_object("limits");
		mnl_attr_for_each_nested(a, tb[KNAT_CFG_A_LIMITS])
			print_limit(a);
		close_json_object();
	}
	close_json_object();
	return MNL_CB_OK;
}

static int config_show(int argc, char **argv)
{
	if (argc)
		return unexpected(argv[0]);
	return knat_query(KNAT_CMD_CONFIG_GET, NLM_F_ACK, config_print, NULL);
}

static int config_set(int argc, char **argv)
{
	struct config_spec cs;
	int ret;

	ret = config_parse_set(argc, argv, &cs);
	if (!ret)
		ret = knat_do(KNAT_CMD_CONFIG_SET, config_put_cb, &cs);
	if (!ret)
		print_empty_result();
	return ret;
}

int do_config(int argc, char **argv, const struct cli_opts *o)
{
	(void)o;
	if (!argc)
		return config_show(0, argv);
	if (is_cmd(argv[0], "list"))
		return config_show(argc - 1, argv + 1);
	if (is_kw(argv[0], "set"))
		return config_set(argc - 1, argv + 1);
	return unknown_cmd("config", argv[0]);
}
