// SPDX-License-Identifier: GPL-2.0
/* knat snat: add, delete and list source NAT rules. */
#include <inttypes.h>
#include <string.h>
#include <linux/knat.h>

#include "json_print.h"
#include "knat_nl.h"
#include "objects.h"
#include "policy.h"
#include "snat.h"
#include "utils.h"

/* Mapping behaviour (RFC 4787): the default, and KNAT_SNAT_F_APDM. */
static const char *const mapping_names[] = {
	"endpoint-independent",
	"address-port-dependent",
};

void snat_usage(FILE *f)
{
	fprintf(f,
		"Usage: knat snat add from PREFIX [ out DEV ] to TO\n"
		"                     [ ports PORT[-PORT] ] [ mapping MAPPING ]\n"
		"       knat snat add from PREFIX out DEV masquerade\n"
		"                     [ ports PORT[-PORT] ] [ mapping MAPPING ]\n"
		"       knat snat del from PREFIX [ out DEV ]\n"
		"       knat [ -s ] snat list\n"
		"where  PREFIX := { ADDR[/LEN] | ADDR6[/LEN] }\n"
		"       TO := { ADDR[-ADDR][:PORT[-PORT]] |\n"
		"               [ADDR6][-[ADDR6]][:PORT[-PORT]] | ADDR6[-ADDR6] }\n"
		"       ([ADDR6] is written in brackets: [2001:db8::5]-[2001:db8::9]:20000)\n"
		"       MAPPING := { %s | %s }\n",
		mapping_names[0], mapping_names[1]);
}

/* ---- add / del ---- */

/* Keyword loop state: which keywords came, for duplicates and conflicts. */
struct snat_seen {
	const char *from, *out, *to, *ports, *mapping;
	bool masquerade;
};

/* One keyword and its value; *used says how many words it took. */
static int parse_kw(int argc, char **argv, bool add, struct snat_spec *ss,
		    struct snat_seen *seen, int *used)
{
	const char *kw = argv[0], *arg = argc > 1 ? argv[1] : NULL;
	struct endpoint ep;
	const char *why;
	int m;

	*used = 2;
	if (is_kw(kw, "masquerade") && add) {
		if (seen->masquerade) {
			pr_err("duplicate \"%s\".", kw);
			return EXIT_USAGE;
		}
		seen->masquerade = true;
		ss->flags |= KNAT_SNAT_F_MASQUERADE;
		*used = 1;
		return 0;
	}
	if (!is_kw(kw, "from") && !is_kw(kw, "out") &&
	    !(add && (is_kw(kw, "to") || is_kw(kw, "ports") ||
		      is_kw(kw, "mapping"))))
		return unexpected(kw);
	if (!arg)
		return needarg(kw);

	if (is_kw(kw, "from")) {
		if (seen->from)
			return duparg(kw, arg);
		seen->from = arg;
		why = parse_ipprefix(arg, &ss->src, &ss->src_plen);
	} else if (is_kw(kw, "out")) {
		if (seen->out)
			return duparg(kw, arg);
		seen->out = arg;
		why = check_ifname(arg);
		if (!why)
			snprintf(ss->out, sizeof(ss->out), "%s", arg);
	} else if (is_kw(kw, "to")) {
		if (seen->to)
			return duparg(kw, arg);
		seen->to = arg;
		why = parse_endpoint(arg, EP_ADDR_REQUIRED | EP_ADDR_RANGE |
					  EP_PORT_RANGE, &ep);
		if (!why) {
			ss->has_to = true;
			ss->to_min = ep.addr_min;
			ss->to_max = ep.addr_max;
			if (ep.has_port) {
				if (seen->ports)
					return duparg("ports", arg);
				seen->ports = arg;
				ss->has_ports = true;
				ss->port_min = ep.port_min;
				ss->port_max = ep.port_max;
			}
		}
	} else if (is_kw(kw, "ports")) {
		/* Also a duplicate of the ports given as to ADDR:PORT-PORT. */
		if (seen->ports)
			return duparg(kw, arg);
		seen->ports = arg;
		ss->has_ports = true;
		why = parse_port_range(arg, true, false, &ss->port_min,
				       &ss->port_max);
	} else {	/* mapping */
		if (seen->mapping)
			return duparg(kw, arg);
		seen->mapping = arg;
		m = name_index(mapping_names, ARRAY_SIZE(mapping_names), arg);
		why = m < 0 ? "mapping must be endpoint-independent or address-port-dependent"
			    : NULL;
		if (m == 1)
			ss->flags |= KNAT_SNAT_F_APDM;
	}
	return why ? invarg(arg, why) : 0;
}

int snat_parse(int argc, char **argv, bool add, struct snat_spec *ss)
{
	struct snat_seen seen = { 0 };
	int used;

	memset(ss, 0, sizeof(*ss));
	for (; argc > 0; argc -= used, argv += used)
		if (parse_kw(argc, argv, add, ss, &seen, &used))
			return EXIT_USAGE;

	if (!seen.from)
		return missarg("from");
	if (!add)
		return 0;
	/* The prefix's family is the rule's. */
	if (seen.to && ss->to_min.family != ss->src.family)
		return family_mix(seen.to, ss->to_min.family, seen.from,
				  ss->src.family);
	if (seen.masquerade && seen.to) {
		pr_err("\"masquerade\" and \"to\" cannot be used together.");
		return EXIT_USAGE;
	}
	if (seen.masquerade && !seen.out) {
		pr_err("\"masquerade\" requires \"out\".");
		return EXIT_USAGE;
	}
	if (!seen.masquerade && !seen.to) {
		pr_err("\"to\" or \"masquerade\" is required.");
		return EXIT_USAGE;
	}
	return 0;
}

void snat_put(struct nlmsghdr *nlh, const struct snat_spec *ss, bool add)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SNAT);

	put_ipaddr(nlh, KNAT_SNAT_A_SRC, KNAT_SNAT_A_SRC6, &ss->src);
	mnl_attr_put_u8(nlh, KNAT_SNAT_A_SRC_PLEN, ss->src_plen);
	if (ss->out[0])
		mnl_attr_put_strz(nlh, KNAT_SNAT_A_OUT_IFNAME, ss->out);
	/* DEL matches on SRC (or SRC6), SRC_PLEN and OUT_IFNAME only. */
	if (add) {
		if (ss->has_to) {
			put_ipaddr(nlh, KNAT_SNAT_A_TO_MIN, KNAT_SNAT_A_TO_MIN6,
				   &ss->to_min);
			put_ipaddr(nlh, KNAT_SNAT_A_TO_MAX, KNAT_SNAT_A_TO_MAX6,
				   &ss->to_max);
		}
		/* Absent ports: the kernel's default range applies. */
		if (ss->has_ports) {
			put_port(nlh, KNAT_SNAT_A_PORT_MIN, ss->port_min);
			put_port(nlh, KNAT_SNAT_A_PORT_MAX, ss->port_max);
		}
		mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLAGS, ss->flags);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_add(struct nlmsghdr *nlh, const void *arg)
{
	snat_put(nlh, arg, true);
}

static void put_del(struct nlmsghdr *nlh, const void *arg)
{
	snat_put(nlh, arg, false);
}

static int snat_change(int argc, char **argv, bool add)
{
	struct snat_spec ss;
	int ret;

	ret = snat_parse(argc, argv, add, &ss);
	if (!ret)
		ret = knat_do(add ? KNAT_CMD_SNAT_NEW : KNAT_CMD_SNAT_DEL,
			      add ? put_add : put_del, &ss);
	if (!ret)
		print_empty_result();
	return ret;
}

/* ---- list ---- */

const char *snat_fmt_from(const struct nlattr **tb, char buf[SNAT_FROM_BUF])
{
	struct ipaddr src;
	char abuf[ADDR_BUF];

	attr_ipaddr(tb[KNAT_SNAT_A_SRC], tb[KNAT_SNAT_A_SRC6], &src);
	snprintf(buf, SNAT_FROM_BUF, "%s/%u", fmt_ipaddr(&src, abuf),
		 attr_u8(tb[KNAT_SNAT_A_SRC_PLEN]));
	return buf;
}

/* ---- the allocation attempts histogram ---- */

void snat_attempts_parse(const struct nlattr *nest, struct snat_attempts *h)
{
	const struct nlattr *a;
	unsigned int i;

	memset(h, 0, sizeof(*h));
	if (!nest)
		return;
	h->present = true;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0 || !mnl_attr_get_type(a))
			continue;
		i = mnl_attr_get_type(a) - 1u;
		if (i >= SNAT_ATTEMPT_BUCKETS_MAX)
			continue;
		h->bucket[i] = mnl_attr_get_u64(a);
		if (i + 1 > h->nbuckets)
			h->nbuckets = i + 1;
	}
	for (i = 0; i < h->nbuckets; i++)
		h->count += h->bucket[i];
}

uint64_t snat_attempts_le(const struct snat_attempts *h, unsigned int i)
{
	return i + 1 < h->nbuckets ? (2ull << i) - 1 : 0;
}

const char *snat_attempts_name(const struct snat_attempts *h, unsigned int i,
			       char buf[SNAT_ATTEMPTS_BUF])
{
	uint64_t lo = 1ull << i, hi = snat_attempts_le(h, i);

	if (!hi)
		snprintf(buf, SNAT_ATTEMPTS_BUF, "%" PRIu64 "+", lo);
	else if (hi == lo)
		snprintf(buf, SNAT_ATTEMPTS_BUF, "%" PRIu64, lo);
	else
		snprintf(buf, SNAT_ATTEMPTS_BUF, "%" PRIu64 "-%" PRIu64, lo, hi);
	return buf;
}

/*
 * -s: text "flows F ports-in-use P exhausted E" on the rule's line, then,
 * once a port was allocated, "  attempts 1:N 2-3:N ..." up to the highest
 * bucket not empty; JSON "flows", "ports_in_use", "exhausted", "attempts"
 * (the buckets, an array) and "attempts_sum".
 */
static void print_stats(const struct nlattr **tb)
{
	struct snat_attempts h;
	char name[SNAT_ATTEMPTS_BUF];
	unsigned int i, last = 0;

	print_uint(PRINT_ANY, "flows", " flows %u", attr_u32(tb[KNAT_SNAT_A_FLOWS]));
	if (tb[KNAT_SNAT_A_PORTS_IN_USE])
		print_uint(PRINT_ANY, "ports_in_use", " ports-in-use %u",
			   attr_u32(tb[KNAT_SNAT_A_PORTS_IN_USE]));
	else
		print_null(PRINT_JSON, "ports_in_use", NULL);
	print_u64(PRINT_ANY, "exhausted", " exhausted %" PRIu64,
		  attr_u64(tb[KNAT_SNAT_A_EXHAUSTED]));

	snat_attempts_parse(tb[KNAT_SNAT_A_ATTEMPTS], &h);
	if (!h.present) {
		print_null(PRINT_JSON, "attempts", NULL);
		print_null(PRINT_JSON, "attempts_sum", NULL);
		return;
	}
	open_json_array("attempts");
	for (i = 0; i < h.nbuckets; i++) {
		print_u64(PRINT_JSON, NULL, NULL, h.bucket[i]);
		if (h.bucket[i])
			last = i;
	}
	close_json_array();
	print_u64(PRINT_JSON, "attempts_sum", NULL,
		  attr_u64(tb[KNAT_SNAT_A_ATTEMPTS_SUM]));
	if (!h.count)
		return;
	print_fp("\n  attempts");
	for (i = 0; i <= last; i++)
		print_fp(" %s:%" PRIu64, snat_attempts_name(&h, i, name), h.bucket[i]);
}

void snat_print_nest(const struct nlattr *nest, const char *json_name,
		     bool stats)
{
	const struct nlattr *tb[KNAT_SNAT_A_MAX + 1];
	char abuf[ADDR_BUF], abuf2[ADDR_BUF], pbuf[PORTS_BUF];
	char from[SNAT_FROM_BUF];
	struct ipaddr src, to_min, to_max;
	uint16_t port_min, port_max;
	uint32_t flags;
	bool masq;

	knat_parse_nested(nest, knat_snat_policy, KNAT_SNAT_A_MAX, tb);

	flags = attr_u32(tb[KNAT_SNAT_A_FLAGS]);
	masq = flags & KNAT_SNAT_F_MASQUERADE;
	snat_fmt_from(tb, from);
	attr_ipaddr(tb[KNAT_SNAT_A_SRC], tb[KNAT_SNAT_A_SRC6], &src);

	open_json_object(json_name);
	print_string(PRINT_JSON, "family", NULL, family_name(src.family));
	print_string(PRINT_ANY, "from", "from %s", from);
	if (tb[KNAT_SNAT_A_OUT_IFNAME])
		print_string(PRINT_ANY, "out", " out %s",
			     mnl_attr_get_str(tb[KNAT_SNAT_A_OUT_IFNAME]));
	else
		print_null(PRINT_JSON, "out", NULL);
	print_bool(PRINT_JSON, "masquerade", NULL, masq);
	if (masq)
		print_fp(" masquerade");

	/* Without brackets: the ports follow as "ports", not ":PORT". */
	if (attr_has_ipaddr(tb[KNAT_SNAT_A_TO_MIN], tb[KNAT_SNAT_A_TO_MIN6])) {
		attr_ipaddr(tb[KNAT_SNAT_A_TO_MIN], tb[KNAT_SNAT_A_TO_MIN6], &to_min);
		if (attr_has_ipaddr(tb[KNAT_SNAT_A_TO_MAX], tb[KNAT_SNAT_A_TO_MAX6]))
			attr_ipaddr(tb[KNAT_SNAT_A_TO_MAX], tb[KNAT_SNAT_A_TO_MAX6],
				    &to_max);
		else
			to_max = to_min;
		print_string(PRINT_ANY, "to_min", " to %s", fmt_ipaddr(&to_min, abuf));
		fmt_ipaddr(&to_max, abuf2);
		print_string(PRINT_JSON, "to_max", NULL, abuf2);
		if (!ipaddr_equal(&to_max, &to_min))
			print_string(PRINT_FP, NULL, "-%s", abuf2);
	} else {
		print_null(PRINT_JSON, "to_min", NULL);
		print_null(PRINT_JSON, "to_max", NULL);
	}

	if (tb[KNAT_SNAT_A_PORT_MIN]) {
		port_min = attr_port(tb[KNAT_SNAT_A_PORT_MIN]);
		port_max = tb[KNAT_SNAT_A_PORT_MAX] ? attr_port(tb[KNAT_SNAT_A_PORT_MAX])
						    : port_min;
		print_uint(PRINT_JSON, "port_min", NULL, port_min);
		print_uint(PRINT_JSON, "port_max", NULL, port_max);
		print_string(PRINT_FP, NULL, " ports %s",
			     fmt_ports(port_min, port_max, pbuf));
	} else {
		print_null(PRINT_JSON, "port_min", NULL);
		print_null(PRINT_JSON, "port_max", NULL);
	}

	print_string(PRINT_ANY, "mapping", " mapping %s",
		     mapping_names[(flags & KNAT_SNAT_F_APDM) ? 1 : 0]);
	if (stats)
		print_stats(tb);
	close_json_object();
}

int snat_print(const struct nlmsghdr *nlh, void *data)
{
	const struct cli_opts *o = data;
	const struct nlattr *top[KNAT_A_MAX + 1];

	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	if (!top[KNAT_A_SNAT])
		return MNL_CB_OK;
	snat_print_nest(top[KNAT_A_SNAT], NULL, o && o->stats);
	print_nl();
	return MNL_CB_OK;
}

static int snat_list(int argc, char **argv, const struct cli_opts *o)
{
	if (argc)
		return unexpected(argv[0]);
	return knat_query(KNAT_CMD_SNAT_GET, NLM_F_DUMP, snat_print, (void *)o);
}

int do_snat(int argc, char **argv, const struct cli_opts *o)
{
	if (!argc)
		return snat_list(0, argv, o);
	if (is_cmd(argv[0], "list"))
		return snat_list(argc - 1, argv + 1, o);
	if (is_kw(argv[0], "add"))
		return snat_change(argc - 1, argv + 1, true);
	if (is_cmd(argv[0], "del"))
		return snat_change(argc - 1, argv + 1, false);
	return unknown_cmd("snat", argv[0]);
}
