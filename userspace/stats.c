// SPDX-License-Identifier: GPL-2.0
/* knat stats: show and reset the counters and drop reasons. */
#include <inttypes.h>
#include <linux/knat.h>

#include "json_print.h"
#include "knat_nl.h"
#include "objects.h"
#include "prometheus.h"
#include "stats.h"
#include "utils.h"

/* Indexed by enum knat_counter; the nest's attribute type is index + 1. */
static const char *const counter_names[] = {
	[KNAT_CNT_PKTS_ORIG]		= "pkts-orig",
	[KNAT_CNT_BYTES_ORIG]		= "bytes-orig",
	[KNAT_CNT_PKTS_REPLY]		= "pkts-reply",
	[KNAT_CNT_BYTES_REPLY]		= "bytes-reply",
	[KNAT_CNT_FLOWS_CREATED_TCP]	= "flows-created-tcp",
	[KNAT_CNT_FLOWS_CREATED_UDP]	= "flows-created-udp",
	[KNAT_CNT_FLOWS_CREATED_ICMP]	= "flows-created-icmp",
	[KNAT_CNT_FLOWS_EXPIRED]	= "flows-expired",
	[KNAT_CNT_ICMP_ERR_TRANSLATED]	= "icmp-errors-translated",
	[KNAT_CNT_TCP_UNTRACKED]	= "tcp-untracked",
	[KNAT_CNT_PORT_PRESERVED]	= "port-preserved",
	[KNAT_CNT_ICMP_ERR_UNKNOWN]	= "icmp-errors-unknown",
	[KNAT_CNT_HAIRPIN]		= "hairpin",
	[KNAT_CNT_VIP_ECHO]		= "vip-echo",
	[KNAT_CNT_PICKUP_ORIG]		= "pickup-client",
	[KNAT_CNT_PICKUP_REPLY]		= "pickup-backend",
	[KNAT_CNT_CHECK_FAILED]		= "check-failed",
	[KNAT_CNT_CHECK_DOWN]		= "check-down",
	[KNAT_CNT_CHECK_UP]		= "check-up",
	[KNAT_CNT_TCP_SYN]		= "tcp-syn",
	[KNAT_CNT_TCP_SYN_RETRANS]	= "tcp-syn-retrans",
	[KNAT_CNT_TCP_HANDSHAKES]	= "tcp-handshakes",
	[KNAT_CNT_TCP_RST_CLIENT]	= "tcp-rst-client",
	[KNAT_CNT_TCP_RST_SERVER]	= "tcp-rst-server",
	[KNAT_CNT_TCP_FIN]		= "tcp-fin",
	[KNAT_CNT_ICMP_ECHO_REQUEST]	= "icmp-echo-request",
	[KNAT_CNT_ICMP_ECHO_REPLY]	= "icmp-echo-reply",
	[KNAT_CNT_ICMP_UNREACH_NET]	= "icmp-unreach-net",
	[KNAT_CNT_ICMP_UNREACH_HOST]	= "icmp-unreach-host",
	[KNAT_CNT_ICMP_UNREACH_PROTO]	= "icmp-unreach-proto",
	[KNAT_CNT_ICMP_UNREACH_PORT]	= "icmp-unreach-port",
	[KNAT_CNT_ICMP_FRAG_NEEDED]	= "icmp-frag-needed",
	[KNAT_CNT_ICMP_UNREACH_ADMIN]	= "icmp-unreach-admin",
	[KNAT_CNT_ICMP_UNREACH_OTHER]	= "icmp-unreach-other",
	[KNAT_CNT_ICMP_TIME_EXCEEDED]	= "icmp-time-exceeded",
	[KNAT_CNT_ICMP_PARAM_PROBLEM]	= "icmp-param-problem",
	[KNAT_CNT_EVENTS_LOST]		= "events-lost",
	[KNAT_CNT_ICMP_OTHER]		= "icmp-other",
};
_Static_assert(ARRAY_SIZE(counter_names) == __KNAT_CNT_MAX,
	       "name every enum knat_counter");

/* Indexed by enum knat_drop; the nest's attribute type is index + 1. */
static const char *const drop_names[] = {
	[KNAT_DROP_MALFORMED]		= "malformed",
	[KNAT_DROP_TABLE_FULL]		= "table-full",
	[KNAT_DROP_NO_PORT]		= "no-port",
	[KNAT_DROP_NO_ADDR]		= "no-addr",
	[KNAT_DROP_NOMEM]		= "nomem",
	[KNAT_DROP_UNWRITABLE]		= "unwritable",
	[KNAT_DROP_ICMP_UNRELATED]	= "icmp-unrelated",
	[KNAT_DROP_FRAGMENT]		= "fragment",
	[KNAT_DROP_TCP_NO_FLOW]		= "tcp-no-flow",
	[KNAT_DROP_UNSUPPORTED]		= "unsupported",
	[KNAT_DROP_NO_ROUTE]		= "no-route",
	[KNAT_DROP_CLASH]		= "clash",
	[KNAT_DROP_FLOW_GONE]		= "flow-gone",
	[KNAT_DROP_NO_BACKEND]		= "no-backend",
	[KNAT_DROP_RATE_LIMITED]	= "rate-limited",
};
_Static_assert(ARRAY_SIZE(drop_names) == __KNAT_DROP_MAX,
	       "name every enum knat_drop");

const char *stats_counter_name(unsigned int counter)
{
	return counter < ARRAY_SIZE(counter_names) ? counter_names[counter] : NULL;
}

const char *stats_drop_name(unsigned int drop)
{
	return drop < ARRAY_SIZE(drop_names) ? drop_names[drop] : NULL;
}

void stats_usage(FILE *f)
{
	fprintf(f,
		"Usage: knat stats [ show ] [ --prometheus ]\n"
		"       knat stats reset\n");
}

/* ---- show ---- */

static const enum mnl_attr_data_type top_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_STATS] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type stats_policy[KNAT_STATS_A_MAX + 1] = {
	[KNAT_STATS_A_COUNTERS]	= MNL_TYPE_NESTED,
	[KNAT_STATS_A_DROPS]	= MNL_TYPE_NESTED,
};

/*
 * One section, in the order the kernel sent it.  A counter a newer kernel
 * added prints as "<unknown>-<index>" rather than vanishing.
 */
static void print_section(const char *title, const struct nlattr *nest,
			  const char *(*name_of)(unsigned int),
			  const char *unknown)
{
	char fallback[32], key[32];
	const struct nlattr *a;
	const char *name;
	unsigned int idx;

	print_fp("%s:\n", title);
	open_json_object(title);
	if (nest) {
		mnl_attr_for_each_nested(a, nest) {
			if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				continue;
			idx = mnl_attr_get_type(a) - 1u;
			name = name_of(idx);
			if (!name) {
				snprintf(fallback, sizeof(fallback), "%s-%u",
					 unknown, idx);
				name = fallback;
			}
			json_key_from_name(key, sizeof(key), name);
			print_string(PRINT_FP, NULL, "  %s", name);
			print_u64(PRINT_ANY, key, " %" PRIu64 "\n",
				  mnl_attr_get_u64(a));
		}
	}
	close_json_object();
}

int stats_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[KNAT_A_MAX + 1];
	const struct nlattr *tb[KNAT_STATS_A_MAX + 1];

	(void)data;
	knat_parse_attrs(nlh, top_policy, KNAT_A_MAX, top);
	knat_parse_nested(top[KNAT_A_STATS], stats_policy, KNAT_STATS_A_MAX, tb);

	open_json_object(NULL);
	print_section("counters", tb[KNAT_STATS_A_COUNTERS],
		      stats_counter_name, "counter");
	print_section("drops", tb[KNAT_STATS_A_DROPS], stats_drop_name, "drop");
	close_json_object();
	return MNL_CB_OK;
}

static int stats_show(int argc, char **argv)
{
	/* The Prometheus text format: prometheus.c. */
	if (argc && is_kw(argv[0], "--prometheus")) {
		if (argc > 1)
			return unexpected(argv[1]);
		return prom_show();
	}
	if (argc)
		return unexpected(argv[0]);
	return knat_query(KNAT_CMD_STATS_GET, NLM_F_ACK, stats_print, NULL);
}

static int stats_reset(int argc, char **argv)
{
	int ret;

	if (argc)
		return unexpected(argv[0]);
	ret = knat_do(KNAT_CMD_STATS_RESET, NULL, NULL);
	if (!ret)
		print_empty_result();
	return ret;
}

int do_stats(int argc, char **argv, const struct cli_opts *o)
{
	(void)o;
	if (!argc || is_kw(argv[0], "--prometheus"))
		return stats_show(argc, argv);
	if (is_cmd(argv[0], "list"))
		return stats_show(argc - 1, argv + 1);
	if (is_kw(argv[0], "reset"))
		return stats_reset(argc - 1, argv + 1);
	return unknown_cmd("stats", argv[0]);
}
