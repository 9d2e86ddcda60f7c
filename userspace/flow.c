// SPDX-License-Identifier: GPL-2.0
/* knat flow: list, count and delete flows, optionally through a filter. */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include <linux/knat.h>

#include "flow.h"
#include "json_print.h"
#include "knat_nl.h"
#include "objects.h"
#include "policy.h"
#include "utils.h"

/* Indexed by enum knat_tcp_state.  Text prints them upper-case. */
static const char *const state_names[] = {
	[KNAT_TCP_NONE]		= "none",
	[KNAT_TCP_SYN_SENT]	= "syn-sent",
	[KNAT_TCP_SYN_RECV]	= "syn-recv",
	[KNAT_TCP_ESTABLISHED]	= "established",
	[KNAT_TCP_FIN_WAIT]	= "fin-wait",
	[KNAT_TCP_CLOSE_WAIT]	= "close-wait",
	[KNAT_TCP_LAST_ACK]	= "last-ack",
	[KNAT_TCP_TIME_WAIT]	= "time-wait",
	[KNAT_TCP_CLOSE]	= "close",
};
_Static_assert(ARRAY_SIZE(state_names) == __KNAT_TCP_MAX,
	       "name every enum knat_tcp_state");

/* Indexed by enum knat_flow_kind. */
static const char *const kind_names[] = {
	[KNAT_FLOW_KIND_FORWARD]	= "forward",
	[KNAT_FLOW_KIND_SNAT]		= "snat",
	[KNAT_FLOW_KIND_FORWARD_SNAT]	= "hairpin",
	[KNAT_FLOW_KIND_SERVICE]	= "service",
	[KNAT_FLOW_KIND_SERVICE_SNAT]	= "service-hairpin",
};
_Static_assert(ARRAY_SIZE(kind_names) == __KNAT_FLOW_KIND_MAX,
	       "name every enum knat_flow_kind");

const char *flow_state_name(unsigned int state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : NULL;
}

const char *flow_kind_name(unsigned int kind)
{
	return kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : NULL;
}

int flow_state_from_name(const char *s)
{
	char buf[32];
	size_t i;

	/* Accept what the text output shows (ESTABLISHED, SYN-SENT) too. */
	for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
		buf[i] = s[i] == '_' ? '-' : (char)tolower((unsigned char)s[i]);
	if (s[i])
		return -1;
	buf[i] = '\0';
	return name_index(state_names, ARRAY_SIZE(state_names), buf);
}

void flow_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: knat flow list [ FILTER ]\n"
		"       knat flow count [ FILTER ]\n"
		"       knat flow del [ FILTER ]\n"
		"       knat flow flush\n"
		"where  FILTER := [ proto PROTO ] [ family FAMILY ] [ src ENDPOINT ]\n"
		"                 [ dst ENDPOINT ] [ state STATE ] [ kind KIND ]\n"
		"                 [ service VIP:PORT ] [ backend ADDR[:PORT] ]\n"
		"       PROTO := { tcp | udp | icmp | icmpv6 }\n"
		"       FAMILY := { inet | inet6 }\n"
		"       ENDPOINT := { ADDR[:PORT] | :PORT | ADDR6 | [ADDR6][:PORT] }\n"
		"       VIP:PORT := { ADDR:PORT | [ADDR6]:PORT }\n"
		"       ADDR[:PORT] := { ADDR[:PORT] | [ADDR6][:PORT] | ADDR6 }\n"
		"       STATE := {");
	for (i = 0; i < ARRAY_SIZE(state_names); i++)
		fprintf(f, "%s %s", i ? " |" : "", state_names[i]);
	fprintf(f, " }\n"
		"       KIND := {");
	for (i = 0; i < ARRAY_SIZE(kind_names); i++)
		fprintf(f, "%s %s", i ? " |" : "", kind_names[i]);
	fprintf(f, " }\n");
}

/* ---- filter ---- */

/*
 * The filter's one family: the first word that implied it (fam_arg) wins,
 * a later one of the other family is refused, naming both.
 */
static int set_family(struct flow_filter *ff, const char *arg, int family,
		      const char **fam_arg)
{
	if (*fam_arg && ff->family != family)
		return family_mix(arg, family, *fam_arg, ff->family);
	if (!*fam_arg) {
		*fam_arg = arg;
		ff->family = (uint8_t)family;
	}
	return 0;
}

/*
 * src / dst: ADDR, ADDR:PORT, :PORT, ADDR6 or [ADDR6]:PORT; port 0 is a
 * real ICMP identifier.
 */
static int parse_tuple_end(const char *arg, struct ipaddr *addr, uint16_t *port,
			   struct flow_filter *ff, unsigned int addr_bit,
			   unsigned int port_bit, const char **fam_arg)
{
	struct endpoint ep;
	const char *why;

	why = parse_endpoint(arg, EP_PORT_ZERO, &ep);
	if (why)
		return invarg(arg, why);
	if (ep.has_addr) {
		if (set_family(ff, arg, ep.addr_min.family, fam_arg))
			return EXIT_USAGE;
		*addr = ep.addr_min;
		ff->has |= addr_bit;
	}
	if (ep.has_port) {
		*port = ep.port_min;
		ff->has |= port_bit;
	}
	return 0;
}

/*
 * service VIP:PORT and backend ADDR[:PORT], said as service and backend
 * say them ([VIP6]:PORT, [ADDR6][:PORT], ADDR6); their family is the
 * filter's, as an address of src or dst sets it.
 */
static int parse_owner(const char *arg, bool need_port, struct ipaddr *addr,
		       uint16_t *port, bool *has_port, struct flow_filter *ff,
		       const char **fam_arg)
{
	struct endpoint ep;
	const char *why;

	why = parse_endpoint(arg, EP_ADDR_REQUIRED |
				  (need_port ? EP_PORT_REQUIRED : 0), &ep);
	if (why)
		return invarg(arg, why);
	if (set_family(ff, arg, ep.addr_min.family, fam_arg))
		return EXIT_USAGE;
	*addr = ep.addr_min;
	*port = ep.port_min;
	*has_port = ep.has_port;
	return 0;
}

int flow_parse_filter(int argc, char **argv, struct flow_filter *ff)
{
	unsigned int seen = 0, bit;
	const char *kw, *arg, *fam_arg = NULL;
	bool has_port = false;
	int v;

	memset(ff, 0, sizeof(*ff));
	for (; argc > 0; argc -= 2, argv += 2) {
		kw = argv[0];
		if (is_kw(kw, "proto"))
			bit = FILTER_PROTO;
		else if (is_kw(kw, "family"))
			bit = FILTER_FAMILY;
		else if (is_kw(kw, "kind"))
			bit = FILTER_KIND;
		else if (is_kw(kw, "state"))
			bit = FILTER_STATE;
		else if (is_kw(kw, "src"))
			bit = FILTER_SRC;
		else if (is_kw(kw, "dst"))
			bit = FILTER_DST;
		else if (is_kw(kw, "service"))
			bit = FILTER_SERVICE;
		else if (is_kw(kw, "backend"))
			bit = FILTER_BACKEND;
		else
			return unexpected(kw);
		if (argc < 2)
			return needarg(kw);
		arg = argv[1];
		if (seen & bit)
			return duparg(kw, arg);
		seen |= bit;

		switch (bit) {
		case FILTER_PROTO:
			v = proto_from_name(arg);
			if (v < 0)
				return invarg(arg, "protocol must be tcp, udp, icmp or icmpv6");
			/* ICMP is IPv4's, ICMPv6 IPv6's. */
			if (v == IPPROTO_ICMP &&
			    set_family(ff, arg, AF_INET, &fam_arg))
				return EXIT_USAGE;
			if (v == IPPROTO_ICMPV6 &&
			    set_family(ff, arg, AF_INET6, &fam_arg))
				return EXIT_USAGE;
			ff->proto = (uint8_t)v;
			ff->has |= bit;
			break;
		case FILTER_FAMILY:
			v = family_from_name(arg);
			if (v < 0)
				return invarg(arg, "family must be inet or inet6");
			if (set_family(ff, arg, v, &fam_arg))
				return EXIT_USAGE;
			ff->has |= bit;
			break;
		case FILTER_KIND:
			v = name_index(kind_names, ARRAY_SIZE(kind_names), arg);
			if (v < 0)
				return invarg(arg, "kind must be forward, snat, hairpin, service or service-hairpin");
			ff->kind = (uint8_t)v;
			ff->has |= bit;
			break;
		case FILTER_STATE:
			v = flow_state_from_name(arg);
			if (v < 0)
				return invarg(arg, "unknown TCP state");
			ff->state = (uint8_t)v;
			ff->has |= bit;
			break;
		case FILTER_SRC:
			if (parse_tuple_end(arg, &ff->src, &ff->sport, ff,
					    FILTER_SRC, FILTER_SPORT, &fam_arg))
				return EXIT_USAGE;
			break;
		case FILTER_DST:
			if (parse_tuple_end(arg, &ff->dst, &ff->dport, ff,
					    FILTER_DST, FILTER_DPORT, &fam_arg))
				return EXIT_USAGE;
			break;
		case FILTER_SERVICE:
			if (parse_owner(arg, true, &ff->svc_addr, &ff->svc_port,
					&has_port, ff, &fam_arg))
				return EXIT_USAGE;
			ff->has |= bit;
			break;
		case FILTER_BACKEND:
			if (parse_owner(arg, false, &ff->be_addr, &ff->be_port,
					&has_port, ff, &fam_arg))
				return EXIT_USAGE;
			ff->has |= bit;
			if (has_port)
				ff->has |= FILTER_BACKEND_PORT;
			break;
		}
	}
	/* Only TCP flows have a state: "proto udp state X" matches nothing. */
	if ((ff->has & FILTER_STATE) && (ff->has & FILTER_PROTO) &&
	    ff->proto != IPPROTO_TCP) {
		pr_err("\"state\" applies only to tcp flows.");
		return EXIT_USAGE;
	}
	/*
	 * An IPv6 address filters IPv6 flows (an IPv6 service's are all
	 * IPv6): say so to the kernel too.
	 */
	if (((ff->has & FILTER_SRC) && ff->src.family == AF_INET6) ||
	    ((ff->has & FILTER_DST) && ff->dst.family == AF_INET6) ||
	    ((ff->has & FILTER_SERVICE) && ff->svc_addr.family == AF_INET6) ||
	    ((ff->has & FILTER_BACKEND) && ff->be_addr.family == AF_INET6))
		ff->has |= FILTER_FAMILY;
	return 0;
}

void flow_put_filter(struct nlmsghdr *nlh, const struct flow_filter *ff)
{
	struct nlattr *nest, *orig;

	if (!ff->has)
		return;
	nest = mnl_attr_nest_start(nlh, KNAT_A_FLOW);
	if (ff->has & FILTER_PROTO)
		mnl_attr_put_u8(nlh, KNAT_FLOW_A_PROTO, ff->proto);
	if (ff->has & FILTER_FAMILY)
		mnl_attr_put_u8(nlh, KNAT_FLOW_A_FAMILY, ff->family);
	if (ff->has & FILTER_KIND)
		mnl_attr_put_u8(nlh, KNAT_FLOW_A_KIND, ff->kind);
	if (ff->has & FILTER_STATE)
		mnl_attr_put_u8(nlh, KNAT_FLOW_A_STATE, ff->state);
	if (ff->has & (FILTER_SRC | FILTER_DST | FILTER_SPORT | FILTER_DPORT)) {
		orig = mnl_attr_nest_start(nlh, KNAT_FLOW_A_ORIG);
		if (ff->has & FILTER_SRC)
			put_ipaddr(nlh, KNAT_TUPLE_A_SRC, KNAT_TUPLE_A_SRC6,
				   &ff->src);
		if (ff->has & FILTER_DST)
			put_ipaddr(nlh, KNAT_TUPLE_A_DST, KNAT_TUPLE_A_DST6,
				   &ff->dst);
		if (ff->has & FILTER_SPORT)
			put_port(nlh, KNAT_TUPLE_A_SPORT, ff->sport);
		if (ff->has & FILTER_DPORT)
			put_port(nlh, KNAT_TUPLE_A_DPORT, ff->dport);
		mnl_attr_nest_end(nlh, orig);
	}
	if (ff->has & FILTER_SERVICE) {
		orig = mnl_attr_nest_start(nlh, KNAT_FLOW_A_SERVICE);
		put_ipaddr(nlh, KNAT_SVC_A_ADDR, KNAT_SVC_A_ADDR6, &ff->svc_addr);
		put_port(nlh, KNAT_SVC_A_PORT, ff->svc_port);
		mnl_attr_nest_end(nlh, orig);
	}
	if (ff->has & FILTER_BACKEND) {
		orig = mnl_attr_nest_start(nlh, KNAT_FLOW_A_BACKEND);
		put_ipaddr(nlh, KNAT_BE_A_ADDR, KNAT_BE_A_ADDR6, &ff->be_addr);
		if (ff->has & FILTER_BACKEND_PORT)
			put_port(nlh, KNAT_BE_A_PORT, ff->be_port);
		mnl_attr_nest_end(nlh, orig);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_filter_cb(struct nlmsghdr *nlh, const void *arg)
{
	flow_put_filter(nlh, arg);
}

/* ---- printing ---- */

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/*
 * Text: " src=A:P dst=B:Q" (IPv6: " src=[A]:P dst=[B]:Q"), or " src=A
 * dst=B id=N" for ICMP and ICMPv6, whose two "ports" both carry the echo
 * identifier.  JSON: {"src","dst","sport","dport"}, addresses bare.
 */
static void print_tuple(const char *key, const struct nlattr *nest, uint8_t proto)
{
	const struct nlattr *tb[KNAT_TUPLE_A_MAX + 1];
	char src[ADDR_BUF], dst[ADDR_BUF];
	char sbuf[ENDPOINT_BUF], dbuf[ENDPOINT_BUF], pbuf[PORTS_BUF];
	struct ipaddr s, d;
	uint16_t sport, dport;

	if (!nest) {
		print_null(PRINT_JSON, key, NULL);
		return;
	}
	knat_parse_nested(nest, knat_tuple_policy, KNAT_TUPLE_A_MAX, tb);
	attr_ipaddr(tb[KNAT_TUPLE_A_SRC], tb[KNAT_TUPLE_A_SRC6], &s);
	attr_ipaddr(tb[KNAT_TUPLE_A_DST], tb[KNAT_TUPLE_A_DST6], &d);
	fmt_ipaddr(&s, src);
	fmt_ipaddr(&d, dst);
	sport = attr_port(tb[KNAT_TUPLE_A_SPORT]);
	dport = attr_port(tb[KNAT_TUPLE_A_DPORT]);

	open_json_object(key);
	print_string(PRINT_JSON, "src", NULL, src);
	print_string(PRINT_JSON, "dst", NULL, dst);
	print_uint(PRINT_JSON, "sport", NULL, sport);
	print_uint(PRINT_JSON, "dport", NULL, dport);
	close_json_object();

	if (is_icmp(proto)) {
		print_fp(" src=%s dst=%s id=%u", src, dst,
			 tb[KNAT_TUPLE_A_SPORT] ? sport : dport);
		return;
	}
	fmt_endpoint(&s, fmt_ports(sport, sport, pbuf), sbuf);
	fmt_endpoint(&d, fmt_ports(dport, dport, pbuf), dbuf);
	print_fp(" src=%s dst=%s", sbuf, dbuf);
}

/* The flow's family: KNAT_FLOW_A_FAMILY, or its original tuple's. */
static int flow_family(const struct nlattr **tb)
{
	const struct nlattr *tt[KNAT_TUPLE_A_MAX + 1];
	struct in6_addr in6;

	switch (attr_u8(tb[KNAT_FLOW_A_FAMILY])) {
	case AF_INET:
		return AF_INET;
	case AF_INET6:
		return AF_INET6;
	}
	knat_parse_nested(tb[KNAT_FLOW_A_ORIG], knat_tuple_policy,
				  KNAT_TUPLE_A_MAX, tt);
	return attr_in6(tt[KNAT_TUPLE_A_SRC6], &in6) ||
	       attr_in6(tt[KNAT_TUPLE_A_DST6], &in6) ? AF_INET6 : AF_INET;
}

static void print_upper(const char *fmt, const char *s)
{
	char buf[32];
	size_t i;

	for (i = 0; s[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (char)toupper((unsigned char)s[i]);
	buf[i] = '\0';
	print_string(PRINT_FP, NULL, fmt, buf);
}

int flow_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[KNAT_A_MAX + 1];

	(void)data;
	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	if (!top[KNAT_A_FLOW])
		return MNL_CB_OK;
	flow_print_nest(top[KNAT_A_FLOW], NULL);
	print_nl();
	return MNL_CB_OK;
}

/* One KNAT_A_FLOW nest: a line without its end, or a JSON object. */
void flow_print_nest(const struct nlattr *nest, const char *json_name)
{
	const struct nlattr *tb[KNAT_FLOW_A_MAX + 1];
	const char *proto_str, *state, *kind;
	char num[16], kind_num[16];
	bool replied;
	uint32_t flags;
	uint8_t proto;

	knat_parse_nested(nest, knat_flow_policy, KNAT_FLOW_A_MAX, tb);

	proto = attr_u8(tb[KNAT_FLOW_A_PROTO]);
	proto_str = proto_name(proto);
	if (!proto_str) {
		snprintf(num, sizeof(num), "%u", proto);
		proto_str = num;
	}
	state = NULL;
	if (proto == IPPROTO_TCP && tb[KNAT_FLOW_A_STATE]) {
		state = flow_state_name(attr_u8(tb[KNAT_FLOW_A_STATE]));
		if (!state)
			state = "unknown";
	}
	kind = NULL;
	if (tb[KNAT_FLOW_A_KIND]) {
		kind = flow_kind_name(attr_u8(tb[KNAT_FLOW_A_KIND]));
		if (!kind) {
			snprintf(kind_num, sizeof(kind_num), "kind-%u",
				 attr_u8(tb[KNAT_FLOW_A_KIND]));
			kind = kind_num;
		}
	}
	flags = attr_u32(tb[KNAT_FLOW_A_FLAGS]);
	replied = flags & KNAT_FLOW_F_REPLIED;

	/*
	 * JSON and text put things in different orders, so most calls below
	 * are for one of them only.
	 */
	open_json_object(json_name);
	print_string(PRINT_ANY, "proto", "%s", proto_str);
	print_string(PRINT_JSON, "family", NULL, family_name(flow_family(tb)));
	if (state) {
		print_string(PRINT_JSON, "state", NULL, state);
		print_upper(" %s", state);
	} else {
		print_null(PRINT_JSON, "state", NULL);
	}
	if (kind)
		print_string(PRINT_JSON, "kind", NULL, kind);
	else
		print_null(PRINT_JSON, "kind", NULL);
	print_tuple("orig", tb[KNAT_FLOW_A_ORIG], proto);
	/* As conntrack does: only the exception is worth a word. */
	if (!replied)
		print_fp(" [UNREPLIED]");
	/* A direction of it has a cached route: the fast path sends it. */
	if (flags & (KNAT_FLOW_F_FAST_ORIG | KNAT_FLOW_F_FAST_REPLY))
		print_fp(" [FAST]");
	print_fp(" reply");
	print_tuple("reply", tb[KNAT_FLOW_A_REPLY], proto);
	if (kind)
		print_string(PRINT_FP, NULL, " %s", kind);
	if (tb[KNAT_FLOW_A_AGE])
		print_uint(PRINT_ANY, "age", " age %u",
			   attr_u32(tb[KNAT_FLOW_A_AGE]));
	if (tb[KNAT_FLOW_A_EXPIRES])
		print_uint(PRINT_ANY, "expires", " expires %u",
			   attr_u32(tb[KNAT_FLOW_A_EXPIRES]));
	print_bool(PRINT_JSON, "replied", NULL, replied);
	/* The directions the fast path sends: [], ["orig"], ["orig","reply"] ... */
	open_json_array("fastpath");
	if (flags & KNAT_FLOW_F_FAST_ORIG)
		print_string(PRINT_JSON, NULL, NULL, "orig");
	if (flags & KNAT_FLOW_F_FAST_REPLY)
		print_string(PRINT_JSON, NULL, NULL, "reply");
	close_json_array();
	print_u64(PRINT_JSON, "packets_orig", NULL,
		  attr_u64(tb[KNAT_FLOW_A_PKTS_ORIG]));
	print_u64(PRINT_JSON, "bytes_orig", NULL,
		  attr_u64(tb[KNAT_FLOW_A_BYTES_ORIG]));
	print_u64(PRINT_JSON, "packets_reply", NULL,
		  attr_u64(tb[KNAT_FLOW_A_PKTS_REPLY]));
	print_u64(PRINT_JSON, "bytes_reply", NULL,
		  attr_u64(tb[KNAT_FLOW_A_BYTES_REPLY]));
	print_fp(" packets %" PRIu64 "/%" PRIu64 " bytes %" PRIu64 "/%" PRIu64,
		 attr_u64(tb[KNAT_FLOW_A_PKTS_ORIG]),
		 attr_u64(tb[KNAT_FLOW_A_PKTS_REPLY]),
		 attr_u64(tb[KNAT_FLOW_A_BYTES_ORIG]),
		 attr_u64(tb[KNAT_FLOW_A_BYTES_REPLY]));
	close_json_object();
}

/* PROTO and ORIG of a KNAT_A_FLOW nest: "udp src=A:P dst=B:Q". */
void flow_print_orig(const struct nlattr *nest, const char *json_name)
{
	const struct nlattr *tb[KNAT_FLOW_A_MAX + 1];
	const char *proto_str;
	char num[16];
	uint8_t proto;

	knat_parse_nested(nest, knat_flow_policy, KNAT_FLOW_A_MAX, tb);
	proto = attr_u8(tb[KNAT_FLOW_A_PROTO]);
	proto_str = proto_name(proto);
	if (!proto_str) {
		snprintf(num, sizeof(num), "%u", proto);
		proto_str = num;
	}
	open_json_object(json_name);
	print_string(PRINT_ANY, "proto", "%s", proto_str);
	print_string(PRINT_JSON, "family", NULL, family_name(flow_family(tb)));
	print_tuple("orig", tb[KNAT_FLOW_A_ORIG], proto);
	close_json_object();
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[KNAT_A_MAX + 1];
	uint64_t *count = data;

	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	if (top[KNAT_A_FLOW])
		(*count)++;
	return MNL_CB_OK;
}

/* ---- commands ---- */

/* list (count == NULL) or count (the dump only counts). */
static int flow_dump(int argc, char **argv, uint64_t *count)
{
	struct flow_filter ff;
	struct nlmsghdr *nlh;
	struct mnlg *g;
	int ret;

	ret = flow_parse_filter(argc, argv, &ff);
	if (ret)
		return ret;
	g = knat_open();
	if (!g)
		return EXIT_KERNEL;
	nlh = mnlg_msg(g, KNAT_CMD_FLOW_GET, NLM_F_DUMP);
	flow_put_filter(nlh, &ff);
	if (count) {
		ret = knat_run(g, nlh, count_cb, count);
	} else {
		open_json_array(NULL);
		ret = knat_run(g, nlh, flow_print, NULL);
		if (!ret)
			close_json_array();
	}
	knat_close(g);
	return ret;
}

static int flow_count(int argc, char **argv)
{
	uint64_t count = 0;
	int ret;

	ret = flow_dump(argc, argv, &count);
	if (ret)
		return ret;
	open_json_object(NULL);
	print_u64(PRINT_ANY, "count", "%" PRIu64 "\n", count);
	close_json_object();
	return 0;
}

/* del with no filter, and flush, empty the table (the header's rule). */
static int flow_del(int argc, char **argv)
{
	struct flow_filter ff;
	int ret;

	ret = flow_parse_filter(argc, argv, &ff);
	if (!ret)
		ret = knat_do(KNAT_CMD_FLOW_DEL, put_filter_cb, &ff);
	if (!ret)
		print_empty_result();
	return ret;
}

int do_flow(int argc, char **argv, const struct cli_opts *o)
{
	(void)o;
	if (!argc)
		return flow_dump(0, argv, NULL);
	if (is_cmd(argv[0], "list"))
		return flow_dump(argc - 1, argv + 1, NULL);
	if (is_kw(argv[0], "count"))
		return flow_count(argc - 1, argv + 1);
	if (is_cmd(argv[0], "del"))
		return flow_del(argc - 1, argv + 1);
	if (is_kw(argv[0], "flush")) {
		if (argc > 1)
			return unexpected(argv[1]);
		return flow_del(0, argv + 1);
	}
	return unknown_cmd("flow", argv[0]);
}
