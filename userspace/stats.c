// SPDX-License-Identifier: GPL-2.0
/* knat stats: show and reset the counters and drop reasons. */
#include <inttypes.h>
#include <string.h>
#include <linux/knat.h>

#include "flow.h"
#include "handshake.h"
#include "json_print.h"
#include "knat_nl.h"
#include "objects.h"
#include "policy.h"
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
	[KNAT_CNT_FLOWS_EXPIRED_TCP]	= "flows-expired-tcp",
	[KNAT_CNT_FLOWS_EXPIRED_UDP]	= "flows-expired-udp",
	[KNAT_CNT_FLOWS_EXPIRED_ICMP]	= "flows-expired-icmp",
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
	[KNAT_CNT_EARLY_DROP]		= "early-drop",
	[KNAT_CNT_HEALTH_IGNORED]	= "check-ignored",
	[KNAT_CNT_FAST_PKTS]		= "fastpath",
	[KNAT_CNT_FAST_LEARNED]		= "fastpath-learned",
	[KNAT_CNT_FAST_SLOW_TCPFLAGS]	= "fastpath-slow-tcpflags",
	[KNAT_CNT_FAST_SLOW_IPOPTS]	= "fastpath-slow-ipopts",
	[KNAT_CNT_FAST_SLOW_TTL]	= "fastpath-slow-ttl",
	[KNAT_CNT_FAST_SLOW_MTU]	= "fastpath-slow-mtu",
	[KNAT_CNT_FAST_SLOW_ROUTE]	= "fastpath-slow-route",
	[KNAT_CNT_FAST_SLOW_IIF]	= "fastpath-slow-iif",
	[KNAT_CNT_FAST_INGRESS]		= "fastpath-ingress",
	[KNAT_CNT_ICMP6_ECHO_REQUEST]	= "icmp6-echo-request",
	[KNAT_CNT_ICMP6_ECHO_REPLY]	= "icmp6-echo-reply",
	[KNAT_CNT_ICMP6_UNREACH_NOROUTE] = "icmp6-unreach-noroute",
	[KNAT_CNT_ICMP6_UNREACH_ADMIN]	= "icmp6-unreach-admin",
	[KNAT_CNT_ICMP6_UNREACH_ADDR]	= "icmp6-unreach-addr",
	[KNAT_CNT_ICMP6_UNREACH_PORT]	= "icmp6-unreach-port",
	[KNAT_CNT_ICMP6_UNREACH_OTHER]	= "icmp6-unreach-other",
	[KNAT_CNT_ICMP6_PKT_TOOBIG]	= "icmp6-pkt-toobig",
	[KNAT_CNT_ICMP6_TIME_EXCEEDED]	= "icmp6-time-exceeded",
	[KNAT_CNT_ICMP6_PARAM_PROBLEM]	= "icmp6-param-problem",
	[KNAT_CNT_ICMP6_ND]		= "icmp6-nd",
	[KNAT_CNT_ICMP6_OTHER]		= "icmp6-other",
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
	[KNAT_DROP_BAD_CHECKSUM]	= "bad-checksum",
	[KNAT_DROP_TCP_BAD_FLAGS]	= "tcp-bad-flags",
	[KNAT_DROP_TCP_OUT_OF_WINDOW]	= "tcp-out-of-window",
	[KNAT_DROP_ICMP_REDIRECT]	= "icmp-redirect",
	[KNAT_DROP_BAD_SOURCE]		= "bad-source",
	[KNAT_DROP_PICKUP_AMBIGUOUS]	= "pickup-ambiguous",
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

/*
 * The text output groups the counters; JSON keeps them in one object, in
 * the kernel's order.  Each known counter is in exactly one group (the unit
 * tests check that each prints once); one a newer kernel added goes to
 * "other" as "counter-<index>".
 */
struct counter_group {
	const char *title;
	const unsigned char *members;	/* enum knat_counter, display order */
	size_t n;
};

static const unsigned char grp_translated[] = {
	KNAT_CNT_PKTS_ORIG, KNAT_CNT_BYTES_ORIG, KNAT_CNT_PKTS_REPLY,
	KNAT_CNT_BYTES_REPLY, KNAT_CNT_PORT_PRESERVED, KNAT_CNT_HAIRPIN,
};
static const unsigned char grp_flows[] = {
	KNAT_CNT_FLOWS_CREATED_TCP, KNAT_CNT_FLOWS_CREATED_UDP,
	KNAT_CNT_FLOWS_CREATED_ICMP, KNAT_CNT_FLOWS_EXPIRED,
	KNAT_CNT_FLOWS_EXPIRED_TCP, KNAT_CNT_FLOWS_EXPIRED_UDP,
	KNAT_CNT_FLOWS_EXPIRED_ICMP, KNAT_CNT_EVENTS_LOST, KNAT_CNT_EARLY_DROP,
};
static const unsigned char grp_tcp[] = {
	KNAT_CNT_TCP_SYN, KNAT_CNT_TCP_SYN_RETRANS, KNAT_CNT_TCP_HANDSHAKES,
	KNAT_CNT_TCP_RST_CLIENT, KNAT_CNT_TCP_RST_SERVER, KNAT_CNT_TCP_FIN,
	KNAT_CNT_TCP_UNTRACKED,
};
static const unsigned char grp_icmp[] = {
	KNAT_CNT_ICMP_ECHO_REQUEST, KNAT_CNT_ICMP_ECHO_REPLY,
	KNAT_CNT_ICMP_UNREACH_NET, KNAT_CNT_ICMP_UNREACH_HOST,
	KNAT_CNT_ICMP_UNREACH_PROTO, KNAT_CNT_ICMP_UNREACH_PORT,
	KNAT_CNT_ICMP_FRAG_NEEDED, KNAT_CNT_ICMP_UNREACH_ADMIN,
	KNAT_CNT_ICMP_UNREACH_OTHER, KNAT_CNT_ICMP_TIME_EXCEEDED,
	KNAT_CNT_ICMP_PARAM_PROBLEM, KNAT_CNT_ICMP_OTHER,
	KNAT_CNT_ICMP_ERR_TRANSLATED, KNAT_CNT_ICMP_ERR_UNKNOWN,
};
static const unsigned char grp_icmp6[] = {
	KNAT_CNT_ICMP6_ECHO_REQUEST, KNAT_CNT_ICMP6_ECHO_REPLY,
	KNAT_CNT_ICMP6_UNREACH_NOROUTE, KNAT_CNT_ICMP6_UNREACH_ADMIN,
	KNAT_CNT_ICMP6_UNREACH_ADDR, KNAT_CNT_ICMP6_UNREACH_PORT,
	KNAT_CNT_ICMP6_UNREACH_OTHER, KNAT_CNT_ICMP6_PKT_TOOBIG,
	KNAT_CNT_ICMP6_TIME_EXCEEDED, KNAT_CNT_ICMP6_PARAM_PROBLEM,
	KNAT_CNT_ICMP6_ND, KNAT_CNT_ICMP6_OTHER,
};
static const unsigned char grp_lb[] = {
	KNAT_CNT_VIP_ECHO, KNAT_CNT_PICKUP_ORIG, KNAT_CNT_PICKUP_REPLY,
	KNAT_CNT_CHECK_FAILED, KNAT_CNT_CHECK_DOWN, KNAT_CNT_CHECK_UP,
	KNAT_CNT_HEALTH_IGNORED,
};
/* Packets the fast path sent, then those it left to the normal path, why. */
static const unsigned char grp_fast[] = {
	KNAT_CNT_FAST_PKTS, KNAT_CNT_FAST_LEARNED, KNAT_CNT_FAST_SLOW_TCPFLAGS,
	KNAT_CNT_FAST_SLOW_IPOPTS, KNAT_CNT_FAST_SLOW_TTL, KNAT_CNT_FAST_SLOW_MTU,
	KNAT_CNT_FAST_SLOW_ROUTE, KNAT_CNT_FAST_SLOW_IIF, KNAT_CNT_FAST_INGRESS,
};
_Static_assert(sizeof(grp_translated) + sizeof(grp_flows) + sizeof(grp_tcp) +
	       sizeof(grp_icmp) + sizeof(grp_icmp6) + sizeof(grp_lb) +
	       sizeof(grp_fast) ==
	       __KNAT_CNT_MAX,
	       "put every enum knat_counter in a group");

#define GROUP(t, m) { t, m, sizeof(m) }
static const struct counter_group groups[] = {
	GROUP("translated", grp_translated),
	GROUP("flows", grp_flows),
	GROUP("tcp", grp_tcp),
	GROUP("icmp", grp_icmp),
	GROUP("icmpv6", grp_icmp6),
	GROUP("load balancer", grp_lb),
	GROUP("fast path", grp_fast),
};
#define GROUP_FLOWS 1
#define GROUP_TCP 2

/* A counter's name, or "<unknown>-<index>" for one of a newer kernel. */
static const char *name_or_index(const char *(*name_of)(unsigned int),
				 const char *unknown, unsigned int idx,
				 char *buf, size_t size)
{
	const char *name = name_of(idx);

	if (name)
		return name;
	snprintf(buf, size, "%s-%u", unknown, idx);
	return buf;
}

/* The index of a u64 in a counter nest, or -1 for padding and junk. */
static int nest_index(const struct nlattr *a)
{
	if (!mnl_attr_get_type(a) || mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return -1;
	return mnl_attr_get_type(a) - 1;
}

/* JSON: one object, every counter in the order the kernel sent. */
static void json_section(const char *key, const struct nlattr *nest,
			 const char *(*name_of)(unsigned int),
			 const char *unknown)
{
	char buf[32], jkey[32];
	const struct nlattr *a;
	int idx;

	open_json_object(key);
	if (nest)
		mnl_attr_for_each_nested(a, nest) {
			idx = nest_index(a);
			if (idx < 0)
				continue;
			json_key_from_name(jkey, sizeof(jkey),
					   name_or_index(name_of, unknown, idx,
							 buf, sizeof(buf)));
			print_u64(PRINT_JSON, jkey, NULL, mnl_attr_get_u64(a));
		}
	close_json_object();
}

/* The text's columns: names padded to the longest, values right-aligned. */
struct columns {
	int name, value;
};

static void column_line(const struct columns *c, const char *name,
			uint64_t v)
{
	print_fp("  %-*s %*" PRIu64 "\n", c->name, name, c->value, v);
}

static void widen(struct columns *c, const char *name, uint64_t v)
{
	char num[24];
	int len = (int)strlen(name);

	if (len > c->name)
		c->name = len;
	len = snprintf(num, sizeof(num), "%" PRIu64, v);
	if (len > c->value)
		c->value = len;
}

/* Make room for every u64 of a counter nest. */
static void widen_nest(struct columns *c, const struct nlattr *nest,
		       const char *(*name_of)(unsigned int), const char *unknown)
{
	const struct nlattr *a;
	char buf[32];
	int idx;

	if (nest)
		mnl_attr_for_each_nested(a, nest) {
			idx = nest_index(a);
			if (idx >= 0)
				widen(c, name_or_index(name_of, unknown, idx, buf,
						       sizeof(buf)),
				      mnl_attr_get_u64(a));
		}
}

/* "  states: syn-sent 0  syn-recv 0 ...", wrapped under the first. */
struct wrap {
	unsigned int col, indent;
};

#define TEXT_WIDTH 80

static void wrap_item(struct wrap *w, const char *item)
{
	unsigned int len = (unsigned int)strlen(item);

	if (w->col > w->indent && w->col + 2 + len > TEXT_WIDTH) {
		print_fp("\n%*s", (int)w->indent, "");
		w->col = w->indent;
	}
	if (w->col > w->indent) {
		print_fp("  ");
		w->col += 2;
	}
	print_fp("%s", item);
	w->col += len;
}

/*
 * TCP flows in each state now, by enum knat_tcp_state + 1.  Text: "states:"
 * with every state ("none" only when some flow is in it), then
 * "half-open N", the flows in syn-sent and syn-recv.  JSON: "tcp_states",
 * every state the kernel sent.
 */
static void print_states(const struct nlattr *nest)
{
	char buf[32], key[32], item[64];
	struct wrap w = { 10, 10 };
	const struct nlattr *a;
	uint64_t half_open = 0;
	unsigned int st;
	const char *name;

	if (!nest)
		return;
	print_fp("  states: ");
	open_json_object("tcp_states");
	mnl_attr_for_each_nested(a, nest) {
		if (!mnl_attr_get_type(a) || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		st = mnl_attr_get_type(a) - 1u;
		name = name_or_index(flow_state_name, "state", st, buf, sizeof(buf));
		json_key_from_name(key, sizeof(key), name);
		print_uint(PRINT_JSON, key, NULL, mnl_attr_get_u32(a));
		if (st == KNAT_TCP_SYN_SENT || st == KNAT_TCP_SYN_RECV)
			half_open += mnl_attr_get_u32(a);
		if (st == KNAT_TCP_NONE && !mnl_attr_get_u32(a))
			continue;
		snprintf(item, sizeof(item), "%s %u", name, mnl_attr_get_u32(a));
		wrap_item(&w, item);
	}
	close_json_object();
	print_fp("\n  half-open %" PRIu64 "\n", half_open);
}

/*
 * Live flows by protocol.  Text: "  live: tcp N  udp N  icmp N".  JSON:
 * "live_flows": {"tcp": N, "udp": N, "icmp": N}.
 */
static void print_live(const struct nlattr *nest)
{
	static const char *const names[] = { "tcp", "udp", "icmp" };
	const struct nlattr *a;
	unsigned int t;

	if (!nest)
		return;
	print_fp("  live:");
	open_json_object("live_flows");
	mnl_attr_for_each_nested(a, nest) {
		t = mnl_attr_get_type(a);
		if (!t || t > ARRAY_SIZE(names) ||
		    mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		print_uint(PRINT_JSON, names[t - 1], NULL, mnl_attr_get_u32(a));
		print_fp(" %s %u", names[t - 1], mnl_attr_get_u32(a));
	}
	close_json_object();
	print_fp("\n");
}

/*
 * Text: "  handshake latency: count N min X avg Y max Z" and the buckets
 * from <1ms to the highest one not empty.  JSON: "handshake".
 */
static void print_handshake(const struct nlattr *nest)
{
	struct hs_hist h;

	if (!nest)
		return;
	hs_parse(nest, &h);
	print_fp("  handshake latency: ");
	hs_print_summary(&h);
	print_fp("\n");
	hs_print_buckets(&h, 4, TEXT_WIDTH);
	hs_print_json("handshake", &h);
}

static void text_counters(const struct nlattr *nest, const struct nlattr *states,
			  const struct nlattr *hs, const struct nlattr *live,
			  const struct columns *c)
{
	const struct nlattr *known[__KNAT_CNT_MAX] = { NULL };
	const struct nlattr *a;
	bool other = false;
	size_t g, i;
	char buf[32];
	int idx;

	if (nest)
		mnl_attr_for_each_nested(a, nest) {
			idx = nest_index(a);
			if (idx < 0)
				continue;
			if (idx < __KNAT_CNT_MAX)
				known[idx] = a;
			else
				other = true;
		}
	for (g = 0; g < ARRAY_SIZE(groups); g++) {
		/* A group this kernel has nothing of is left out. */
		bool any = (g == GROUP_TCP && (states || hs)) ||
			   (g == GROUP_FLOWS && live);

		for (i = 0; i < groups[g].n; i++)
			any = any || known[groups[g].members[i]];
		if (!any)
			continue;
		print_fp("%s:\n", groups[g].title);
		for (i = 0; i < groups[g].n; i++) {
			a = known[groups[g].members[i]];
			if (a)
				column_line(c, stats_counter_name(groups[g].members[i]),
					    mnl_attr_get_u64(a));
		}
		if (g == GROUP_FLOWS)
			print_live(live);
		if (g == GROUP_TCP) {
			print_states(states);
			print_handshake(hs);
		}
	}
	if (!other)
		return;
	print_fp("other:\n");
	mnl_attr_for_each_nested(a, nest) {
		idx = nest_index(a);
		if (idx >= __KNAT_CNT_MAX)
			column_line(c, name_or_index(stats_counter_name, "counter",
						     idx, buf, sizeof(buf)),
				    mnl_attr_get_u64(a));
	}
}

static void text_drops(const struct nlattr *nest, const struct columns *c)
{
	const struct nlattr *a;
	char buf[32];
	int idx;

	print_fp("drops:\n");
	if (nest)
		mnl_attr_for_each_nested(a, nest) {
			idx = nest_index(a);
			if (idx >= 0)
				column_line(c, name_or_index(stats_drop_name, "drop",
							     idx, buf, sizeof(buf)),
					    mnl_attr_get_u64(a));
		}
}

int stats_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[KNAT_A_MAX + 1];
	const struct nlattr *tb[KNAT_STATS_A_MAX + 1];
	struct columns c = { 0, 1 };

	(void)data;
	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	knat_parse_nested(top[KNAT_A_STATS], knat_stats_policy,
				  KNAT_STATS_A_MAX, tb);

	open_json_object(NULL);
	if (is_json_context()) {
		json_section("counters", tb[KNAT_STATS_A_COUNTERS],
			     stats_counter_name, "counter");
		json_section("drops", tb[KNAT_STATS_A_DROPS], stats_drop_name,
			     "drop");
		print_live(tb[KNAT_STATS_A_FLOWS]);
		print_states(tb[KNAT_STATS_A_TCP_STATES]);
		print_handshake(tb[KNAT_STATS_A_HANDSHAKE]);
	} else {
		widen_nest(&c, tb[KNAT_STATS_A_COUNTERS], stats_counter_name,
			   "counter");
		widen_nest(&c, tb[KNAT_STATS_A_DROPS], stats_drop_name, "drop");
		text_counters(tb[KNAT_STATS_A_COUNTERS],
			      tb[KNAT_STATS_A_TCP_STATES],
			      tb[KNAT_STATS_A_HANDSHAKE],
			      tb[KNAT_STATS_A_FLOWS], &c);
		text_drops(tb[KNAT_STATS_A_DROPS], &c);
	}
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
