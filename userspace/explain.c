// SPDX-License-Identifier: GPL-2.0
/*
 * knat explain: what knat would do now with a packet, as "ip route get"
 * says where one would go.  Nothing is created or counted.
 */
#include <string.h>
#include <linux/knat.h>

#include "explain.h"
#include "flow.h"
#include "json_print.h"
#include "knat_nl.h"
#include "objects.h"
#include "policy.h"
#include "stats.h"
#include "utils.h"

void explain_usage(FILE *f)
{
	fprintf(f,
		"Usage: knat explain { tcp | udp } SRC:PORT DST:PORT [ iif DEV | local ]\n"
		"       knat explain icmp SRC[:ID] DST [ iif DEV | local ]\n"
		"       knat explain { tcp | udp } [SRC6]:PORT [DST6]:PORT [ iif DEV | local ]\n"
		"       knat explain icmpv6 { SRC6 | [SRC6]:ID } DST6 [ iif DEV | local ]\n"
		"where  SRC, DST are IPv4 addresses, SRC6, DST6 IPv6 ones (in brackets\n"
		"       before a port: [2001:db8::1]:8080); both of one family\n");
}

static bool is_echo(unsigned int proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* Indexed by enum knat_explain_verdict. */
static const char *const verdict_names[] = {
	[KNAT_EXPLAIN_PASS]	= "pass",
	[KNAT_EXPLAIN_FLOW]	= "flow",
	[KNAT_EXPLAIN_FORWARD]	= "forward",
	[KNAT_EXPLAIN_SERVICE]	= "service",
	[KNAT_EXPLAIN_SNAT]	= "snat",
	[KNAT_EXPLAIN_DROP]	= "drop",
	[KNAT_EXPLAIN_VIP_ECHO]	= "vip-echo",
};
_Static_assert(ARRAY_SIZE(verdict_names) == __KNAT_EXPLAIN_MAX,
	       "name every enum knat_explain_verdict");

/* Bit i of KNAT_EXP_A_FLAGS. */
static const char *const flag_names[] = {
	"port-preserved", "port-random", "hairpin", "persist-hit",
	"mapping-hit", "probe", "replaces", "replied", "pickup", "fastpath",
};

const char *explain_verdict_name(unsigned int verdict)
{
	return verdict < ARRAY_SIZE(verdict_names) ? verdict_names[verdict]
						   : NULL;
}

/* ---- request ---- */

int explain_parse(int argc, char **argv, struct explain_spec *es)
{
	struct endpoint src, dst;
	const char *why;
	bool echo;
	int proto, family;

	memset(es, 0, sizeof(*es));
	if (argc < 1)
		return missarg("tcp|udp|icmp|icmpv6");
	proto = proto_from_name(argv[0]);
	if (proto < 0)
		return invarg(argv[0], "protocol must be tcp, udp, icmp or icmpv6");
	es->proto = (uint8_t)proto;
	echo = is_echo(es->proto);

	if (argc < 2)
		return missarg("SRC");
	why = parse_endpoint(argv[1], EP_ADDR_REQUIRED |
			     (echo ? EP_PORT_ZERO : EP_PORT_REQUIRED), &src);
	if (why)
		return invarg(argv[1], why);
	/* Echo: ICMP is IPv4's, ICMPv6 IPv6's, as in flow filters. */
	family = src.addr_min.family;
	if (echo && family != (proto == IPPROTO_ICMP ? AF_INET : AF_INET6))
		return family_mix(argv[1], family, argv[0],
				  proto == IPPROTO_ICMP ? AF_INET : AF_INET6);
	if (argc < 3)
		return missarg("DST");
	why = parse_endpoint(argv[2], EP_ADDR_REQUIRED |
			     (echo ? 0 : EP_PORT_REQUIRED), &dst);
	if (!why && echo && dst.has_port)
		why = "ICMP echo has no destination port";
	if (why)
		return invarg(argv[2], why);
	if (dst.addr_min.family != family)
		return family_mix(argv[2], dst.addr_min.family, argv[1], family);
	es->src = src.addr_min;
	es->sport = src.port_min;
	es->dst = dst.addr_min;
	es->dport = dst.port_min;

	for (argc -= 3, argv += 3; argc > 0; argc--, argv++) {
		if (is_kw(argv[0], "local")) {
			if (es->local)
				return duparg("local", argv[0]);
			if (es->iif[0])
				return invarg(argv[0],
					      "a local packet has no input device");
			es->local = true;
		} else if (is_kw(argv[0], "iif")) {
			if (argc < 2)
				return needarg("iif");
			argc--;
			argv++;
			if (es->iif[0])
				return duparg("iif", argv[0]);
			if (es->local)
				return invarg(argv[0],
					      "a local packet has no input device");
			why = check_ifname(argv[0]);
			if (why)
				return invarg(argv[0], why);
			strcpy(es->iif, argv[0]);
		} else {
			return unexpected(argv[0]);
		}
	}
	return 0;
}

void explain_put(struct nlmsghdr *nlh, const struct explain_spec *es)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_EXPLAIN);

	mnl_attr_put_u8(nlh, KNAT_EXP_A_PROTO, es->proto);
	put_ipaddr(nlh, KNAT_EXP_A_SRC, KNAT_EXP_A_SRC6, &es->src);
	put_ipaddr(nlh, KNAT_EXP_A_DST, KNAT_EXP_A_DST6, &es->dst);
	put_port(nlh, KNAT_EXP_A_SPORT, es->sport);
	if (!is_echo(es->proto))
		put_port(nlh, KNAT_EXP_A_DPORT, es->dport);
	if (es->iif[0])
		mnl_attr_put_strz(nlh, KNAT_EXP_A_IIF, es->iif);
	if (es->local)
		mnl_attr_put(nlh, KNAT_EXP_A_LOCAL, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
}

/* ---- reply ---- */

static const enum mnl_attr_data_type exp_policy[KNAT_EXP_A_MAX + 1] = {
	[KNAT_EXP_A_PROTO]	= MNL_TYPE_U8,
	[KNAT_EXP_A_SRC]	= MNL_TYPE_U32,
	[KNAT_EXP_A_DST]	= MNL_TYPE_U32,
	[KNAT_EXP_A_SPORT]	= MNL_TYPE_U16,
	[KNAT_EXP_A_DPORT]	= MNL_TYPE_U16,
	[KNAT_EXP_A_IIF]	= MNL_TYPE_NUL_STRING,
	[KNAT_EXP_A_LOCAL]	= MNL_TYPE_FLAG,
	[KNAT_EXP_A_VERDICT]	= MNL_TYPE_U8,
	[KNAT_EXP_A_DROP]	= MNL_TYPE_U8,
	[KNAT_EXP_A_FLAGS]	= MNL_TYPE_U32,
	[KNAT_EXP_A_OUT]	= MNL_TYPE_NESTED,
	[KNAT_EXP_A_REPLY]	= MNL_TYPE_NESTED,
	[KNAT_EXP_A_KIND]	= MNL_TYPE_U8,
	[KNAT_EXP_A_STATE]	= MNL_TYPE_U8,
	[KNAT_EXP_A_FORWARD]	= MNL_TYPE_NESTED,
	[KNAT_EXP_A_SERVICE]	= MNL_TYPE_NESTED,
	[KNAT_EXP_A_BACKEND]	= MNL_TYPE_NESTED,
	[KNAT_EXP_A_SNAT]	= MNL_TYPE_NESTED,
	[KNAT_EXP_A_OIF]	= MNL_TYPE_NUL_STRING,
	[KNAT_EXP_A_PORT_MIN]	= MNL_TYPE_U16,
	[KNAT_EXP_A_PORT_MAX]	= MNL_TYPE_U16,
	[KNAT_EXP_A_SRC6]	= MNL_TYPE_BINARY,
	[KNAT_EXP_A_DST6]	= MNL_TYPE_BINARY,
};

static const char *attr_str(const struct nlattr *a)
{
	return a ? mnl_attr_get_str(a) : NULL;
}

/*
 * "10.0.0.1:80", "10.0.0.1:*" for a random port, "10.0.0.1" for ICMP;
 * IPv6 "[2001:db8::1]:80", "[2001:db8::1]:*", "2001:db8::1".
 */
static void print_endpoint(const char *fmt, const struct ipaddr *addr,
			   uint16_t port, bool icmp, bool random)
{
	char p[PORTS_BUF], buf[ENDPOINT_BUF];

	if (icmp)
		fmt_endpoint(addr, NULL, buf);
	else if (random)
		fmt_endpoint(addr, "*", buf);
	else
		fmt_endpoint(addr, fmt_ports(port, port, p), buf);
	print_fp(fmt, buf);
}

/*
 * A tuple: JSON object, and in text "SRC:PORT -> DST:PORT" (ICMP: the
 * addresses and "id N").  @random_src / @random_dst: that port is drawn
 * at random, null in JSON.
 */
static void print_tuple(const char *key, const struct nlattr *nest,
			bool icmp, bool random_src, bool random_dst)
{
	const struct nlattr *tb[KNAT_TUPLE_A_MAX + 1];
	struct ipaddr src, dst;
	uint16_t sport, dport;
	char buf[ADDR_BUF];

	knat_parse_nested(nest, knat_tuple_policy, KNAT_TUPLE_A_MAX, tb);
	attr_ipaddr(tb[KNAT_TUPLE_A_SRC], tb[KNAT_TUPLE_A_SRC6], &src);
	attr_ipaddr(tb[KNAT_TUPLE_A_DST], tb[KNAT_TUPLE_A_DST6], &dst);
	sport = attr_port(tb[KNAT_TUPLE_A_SPORT]);
	dport = attr_port(tb[KNAT_TUPLE_A_DPORT]);

	open_json_object(key);
	print_string(PRINT_JSON, "src", NULL, fmt_ipaddr(&src, buf));
	if (random_src)
		print_null(PRINT_JSON, "sport", NULL);
	else
		print_uint(PRINT_JSON, "sport", NULL, sport);
	print_string(PRINT_JSON, "dst", NULL, fmt_ipaddr(&dst, buf));
	if (random_dst)
		print_null(PRINT_JSON, "dport", NULL);
	else
		print_uint(PRINT_JSON, "dport", NULL, dport);
	close_json_object();

	print_endpoint(" %s", &src, sport, icmp, random_src);
	print_endpoint(" -> %s", &dst, dport, icmp, random_dst);
	if (icmp) {
		if (random_src || random_dst)
			print_fp(" id *");
		else
			print_fp(" id %u", sport);
	}
}

static void print_forward(const struct nlattr *nest)
{
	const struct nlattr *tb[KNAT_FWD_A_MAX + 1];
	char a[ADDR_BUF], p[PORTS_BUF], e[ENDPOINT_BUF];
	struct ipaddr addr, to_addr;
	uint16_t min, max, to;

	knat_parse_nested(nest, knat_fwd_policy, KNAT_FWD_A_MAX, tb);
	min = attr_port(tb[KNAT_FWD_A_PORT_MIN]);
	max = attr_port(tb[KNAT_FWD_A_PORT_MAX]);
	to = attr_port(tb[KNAT_FWD_A_TO_PORT]);
	attr_ipaddr(tb[KNAT_FWD_A_ADDR], tb[KNAT_FWD_A_ADDR6], &addr);
	attr_ipaddr(tb[KNAT_FWD_A_TO_ADDR], tb[KNAT_FWD_A_TO_ADDR6], &to_addr);
	/* An IPv6 forward without ADDR6 matches any local address (::). */
	if (to_addr.family == AF_INET6 && addr.family != AF_INET6) {
		memset(&addr, 0, sizeof(addr));
		addr.family = AF_INET6;
	}
	open_json_object("forward");
	print_string(PRINT_ANY, "proto", "  forward %s",
		     proto_name(attr_u8(tb[KNAT_FWD_A_PROTO])) ?: "?");
	if (ipaddr_is_any(&addr))
		print_null(PRINT_JSON, "addr", NULL);
	else
		print_string(PRINT_JSON, "addr", NULL, fmt_ipaddr(&addr, a));
	print_uint(PRINT_JSON, "port_min", NULL, min);
	print_uint(PRINT_JSON, "port_max", NULL, max);
	if (addr.family == AF_INET6) {
		/* As forward list writes it: [::] for any local address. */
		print_fp(" %s", fmt_endpoint(&addr, fmt_ports(min, max, p), e));
	} else {
		if (!ipaddr_is_any(&addr))
			print_fp(" %s", fmt_ipaddr(&addr, a));
		print_fp(":%s", fmt_ports(min, max, p));
	}
	print_string(PRINT_JSON, "to_addr", NULL, fmt_ipaddr(&to_addr, a));
	print_fp(" to %s",
		 fmt_endpoint(&to_addr, to ? fmt_ports(to, to + (max - min), p) :
				      NULL, e));
	if (to)
		print_uint(PRINT_JSON, "to_port", NULL, to);
	else
		print_null(PRINT_JSON, "to_port", NULL);
	close_json_object();
	print_nl();
}

/*
 * "ADDR:PORT" ("[ADDR6]:PORT") after fmt in text; JSON "addr" (bare) and
 * "port".
 */
static void print_addr_port(const char *fmt, const struct ipaddr *addr,
			    uint16_t port)
{
	char a[ADDR_BUF], p[PORTS_BUF], e[ENDPOINT_BUF];

	print_string(PRINT_JSON, "addr", NULL, fmt_ipaddr(addr, a));
	print_uint(PRINT_JSON, "port", NULL, port);
	print_fp(fmt, fmt_endpoint(addr, fmt_ports(port, port, p), e));
}

/* The service matched and the backend chosen: ADDR6 for IPv6 ones. */
static void print_service(const struct nlattr *svc, const struct nlattr *be)
{
	const struct nlattr *tb[KNAT_SVC_A_MAX + 1];
	const struct nlattr *bt[KNAT_BE_A_MAX + 1];
	struct ipaddr addr;

	knat_parse_nested(svc, knat_svc_policy, KNAT_SVC_A_MAX, tb);
	attr_ipaddr(tb[KNAT_SVC_A_ADDR], tb[KNAT_SVC_A_ADDR6], &addr);
	open_json_object("service");
	print_string(PRINT_ANY, "proto", "  service %s",
		     proto_name(attr_u8(tb[KNAT_SVC_A_PROTO])) ?: "?");
	print_addr_port(" %s", &addr, attr_port(tb[KNAT_SVC_A_PORT]));
	print_string(PRINT_ANY, "sched", " sched %s",
		     attr_str(tb[KNAT_SVC_A_SCHED]) ?: "?");
	close_json_object();
	if (be) {
		knat_parse_nested(be, knat_be_policy, KNAT_BE_A_MAX, bt);
		attr_ipaddr(bt[KNAT_BE_A_ADDR], bt[KNAT_BE_A_ADDR6], &addr);
		open_json_object("backend");
		print_addr_port(" backend %s", &addr,
				attr_port(bt[KNAT_BE_A_PORT]));
		close_json_object();
	}
	print_nl();
}

static void print_snat(const struct nlattr *nest)
{
	const struct nlattr *tb[KNAT_SNAT_A_MAX + 1];
	char a[ADDR_BUF], p[PORTS_BUF];
	struct ipaddr src, to_min, to_max;
	uint32_t flags;

	knat_parse_nested(nest, knat_snat_policy, KNAT_SNAT_A_MAX, tb);
	flags = attr_u32(tb[KNAT_SNAT_A_FLAGS]);
	attr_ipaddr(tb[KNAT_SNAT_A_SRC], tb[KNAT_SNAT_A_SRC6], &src);
	attr_ipaddr(tb[KNAT_SNAT_A_TO_MIN], tb[KNAT_SNAT_A_TO_MIN6], &to_min);
	attr_ipaddr(tb[KNAT_SNAT_A_TO_MAX], tb[KNAT_SNAT_A_TO_MAX6], &to_max);
	open_json_object("snat");
	print_string(PRINT_ANY, "src", "  snat from %s", fmt_ipaddr(&src, a));
	print_uint(PRINT_ANY, "plen", "/%u", attr_u8(tb[KNAT_SNAT_A_SRC_PLEN]));
	if (tb[KNAT_SNAT_A_OUT_IFNAME])
		print_string(PRINT_ANY, "out_ifname", " out %s",
			     attr_str(tb[KNAT_SNAT_A_OUT_IFNAME]));
	else
		print_null(PRINT_JSON, "out_ifname", NULL);
	print_bool(PRINT_JSON, "masquerade", NULL,
		   flags & KNAT_SNAT_F_MASQUERADE);
	if (flags & KNAT_SNAT_F_MASQUERADE) {
		print_fp(" masquerade");
	} else {
		print_string(PRINT_ANY, "to_min", " to %s",
			     fmt_ipaddr(&to_min, a));
		if (!ipaddr_equal(&to_max, &to_min))
			print_fp("-%s", fmt_ipaddr(&to_max, a));
		print_string(PRINT_JSON, "to_max", NULL, fmt_ipaddr(&to_max, a));
	}
	print_uint(PRINT_JSON, "port_min", NULL,
		   attr_port(tb[KNAT_SNAT_A_PORT_MIN]));
	print_uint(PRINT_JSON, "port_max", NULL,
		   attr_port(tb[KNAT_SNAT_A_PORT_MAX]));
	print_fp(" ports %s", fmt_ports(attr_port(tb[KNAT_SNAT_A_PORT_MIN]),
					attr_port(tb[KNAT_SNAT_A_PORT_MAX]), p));
	print_bool(PRINT_JSON, "apdm", NULL, flags & KNAT_SNAT_F_APDM);
	if (flags & KNAT_SNAT_F_APDM)
		print_fp(" apdm");
	close_json_object();
	print_nl();
}

static void print_flags(uint32_t flags)
{
	size_t i;

	open_json_array("flags");
	if (flags)
		print_fp("  flags");
	for (i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (flags & (1U << i))
			print_string(PRINT_ANY, NULL, " %s", flag_names[i]);
	for (; i < 32; i++)
		if (flags & (1U << i))
			print_uint(PRINT_ANY, NULL, " flag-%u", i);
	close_json_array();
	if (flags)
		print_nl();
}

int explain_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[KNAT_A_MAX + 1], *tb[KNAT_EXP_A_MAX + 1];
	const char *verdict, *name;
	char num[16], a[ADDR_BUF];
	struct ipaddr src, dst;
	uint32_t flags;
	bool icmp, random;
	uint8_t proto, v;

	(void)data;
	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	if (!top[KNAT_A_EXPLAIN])
		return MNL_CB_OK;
	knat_parse_nested(top[KNAT_A_EXPLAIN], exp_policy, KNAT_EXP_A_MAX, tb);
	proto = attr_u8(tb[KNAT_EXP_A_PROTO]);
	icmp = is_echo(proto);
	attr_ipaddr(tb[KNAT_EXP_A_SRC], tb[KNAT_EXP_A_SRC6], &src);
	attr_ipaddr(tb[KNAT_EXP_A_DST], tb[KNAT_EXP_A_DST6], &dst);
	flags = attr_u32(tb[KNAT_EXP_A_FLAGS]);
	random = flags & KNAT_EXPLAIN_F_PORT_RANDOM;
	v = attr_u8(tb[KNAT_EXP_A_VERDICT]);
	verdict = explain_verdict_name(v);
	if (!verdict) {
		snprintf(num, sizeof(num), "verdict-%u", v);
		verdict = num;
	}

	open_json_object(NULL);
	/* The packet asked about. */
	name = proto_name(proto);
	if (!name) {
		snprintf(num, sizeof(num), "%u", proto);
		name = num;
	}
	print_string(PRINT_ANY, "proto", "%s", name);
	print_string(PRINT_JSON, "family", NULL, family_name(src.family));
	print_string(PRINT_JSON, "src", NULL, fmt_ipaddr(&src, a));
	print_uint(PRINT_JSON, "sport", NULL, attr_port(tb[KNAT_EXP_A_SPORT]));
	print_string(PRINT_JSON, "dst", NULL, fmt_ipaddr(&dst, a));
	if (icmp)
		print_null(PRINT_JSON, "dport", NULL);
	else
		print_uint(PRINT_JSON, "dport", NULL,
			   attr_port(tb[KNAT_EXP_A_DPORT]));
	print_endpoint(" %s", &src, attr_port(tb[KNAT_EXP_A_SPORT]), icmp,
		       false);
	print_endpoint(" -> %s", &dst, attr_port(tb[KNAT_EXP_A_DPORT]), icmp,
		       false);
	if (icmp)
		print_fp(" id %u", attr_port(tb[KNAT_EXP_A_SPORT]));
	if (tb[KNAT_EXP_A_IIF])
		print_string(PRINT_ANY, "iif", " iif %s",
			     attr_str(tb[KNAT_EXP_A_IIF]));
	else
		print_null(PRINT_JSON, "iif", NULL);
	print_bool(PRINT_JSON, "local", NULL, tb[KNAT_EXP_A_LOCAL]);
	if (tb[KNAT_EXP_A_LOCAL])
		print_fp(" local");
	print_nl();

	/* What knat does with it. */
	print_string(PRINT_ANY, "verdict", "  %s", verdict);
	if (v == KNAT_EXPLAIN_DROP) {
		name = stats_drop_name(attr_u8(tb[KNAT_EXP_A_DROP]));
		if (!name) {
			snprintf(num, sizeof(num), "drop-%u",
				 attr_u8(tb[KNAT_EXP_A_DROP]));
			name = num;
		}
		print_string(PRINT_ANY, "drop", " %s", name);
	} else {
		print_null(PRINT_JSON, "drop", NULL);
	}
	if (tb[KNAT_EXP_A_KIND]) {
		name = flow_kind_name(attr_u8(tb[KNAT_EXP_A_KIND]));
		print_string(PRINT_JSON, "kind", NULL, name ?: "unknown");
		/* Text: only when the verdict does not already say it. */
		if (!name || strcmp(name, verdict))
			print_fp(" kind %s", name ?: "unknown");
	} else {
		print_null(PRINT_JSON, "kind", NULL);
	}
	if (tb[KNAT_EXP_A_STATE]) {
		name = flow_state_name(attr_u8(tb[KNAT_EXP_A_STATE]));
		print_string(PRINT_ANY, "state", " state %s",
			     name ?: "unknown");
	} else {
		print_null(PRINT_JSON, "state", NULL);
	}
	print_nl();

	if (tb[KNAT_EXP_A_FORWARD])
		print_forward(tb[KNAT_EXP_A_FORWARD]);
	if (tb[KNAT_EXP_A_SERVICE])
		print_service(tb[KNAT_EXP_A_SERVICE], tb[KNAT_EXP_A_BACKEND]);
	if (tb[KNAT_EXP_A_SNAT])
		print_snat(tb[KNAT_EXP_A_SNAT]);

	/* The packet as it leaves, and its answers as they come back. */
	if (tb[KNAT_EXP_A_OUT]) {
		print_fp("  out");
		print_tuple("out", tb[KNAT_EXP_A_OUT], icmp, random, false);
	} else {
		print_null(PRINT_JSON, "out", NULL);
	}
	if (tb[KNAT_EXP_A_OIF])
		print_string(PRINT_ANY, "oif",
			     tb[KNAT_EXP_A_OUT] ? " oif %s" : "  oif %s",
			     attr_str(tb[KNAT_EXP_A_OIF]));
	else
		print_null(PRINT_JSON, "oif", NULL);
	if (tb[KNAT_EXP_A_OUT] || tb[KNAT_EXP_A_OIF])
		print_nl();
	if (tb[KNAT_EXP_A_REPLY]) {
		print_fp("  reply");
		print_tuple("reply", tb[KNAT_EXP_A_REPLY], icmp, false, random);
		print_nl();
	} else {
		print_null(PRINT_JSON, "reply", NULL);
	}
	if (random) {
		char p[PORTS_BUF];

		open_json_object("port_range");
		print_uint(PRINT_JSON, "min", NULL,
			   attr_port(tb[KNAT_EXP_A_PORT_MIN]));
		print_uint(PRINT_JSON, "max", NULL,
			   attr_port(tb[KNAT_EXP_A_PORT_MAX]));
		close_json_object();
		print_fp("  port * drawn at random from %s\n",
			 fmt_ports(attr_port(tb[KNAT_EXP_A_PORT_MIN]),
				   attr_port(tb[KNAT_EXP_A_PORT_MAX]), p));
	}
	print_flags(flags);
	close_json_object();
	return MNL_CB_OK;
}

int do_explain(int argc, char **argv, const struct cli_opts *o)
{
	struct explain_spec es;
	struct nlmsghdr *nlh;
	struct mnlg *g;
	int ret;

	(void)o;
	ret = explain_parse(argc, argv, &es);
	if (ret)
		return ret;
	g = knat_open();
	if (!g)
		return EXIT_KERNEL;
	nlh = mnlg_msg(g, KNAT_CMD_EXPLAIN, NLM_F_ACK);
	explain_put(nlh, &es);
	ret = knat_run(g, nlh, explain_print, NULL);
	knat_close(g);
	return ret;
}
