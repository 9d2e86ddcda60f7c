// SPDX-License-Identifier: GPL-2.0
/*
 * Object argument parsing, as a table: each case is a command line for one
 * parser, the exit code and everything printed (the exact error line, or
 * nothing), and the attributes the request built from it must hold.  One
 * loop runs them all.
 */
#include <arpa/inet.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/knat.h>

#include "../config.h"
#include "../explain.h"
#include "../flow.h"
#include "../forward.h"
#include "../mnlg.h"
#include "../service.h"
#include "../snat.h"
#include "../utils.h"
#include "tap.h"
#include "unit.h"

/* ---- the parsers under test, by the command they serve ---- */

enum parser {
	FWD_ADD, FWD_DEL, SNAT_ADD, SNAT_DEL, FLOW, CONFIG,
	SVC_ADD, SVC_SET, SVC_DEL, BE_ADD, BE_SET, BE_DEL, BE_LIST, EXPLAIN,
};

static const char *const parser_name[] = {
	[FWD_ADD] = "forward add", [FWD_DEL] = "forward del",
	[SNAT_ADD] = "snat add", [SNAT_DEL] = "snat del",
	[FLOW] = "flow filter", [CONFIG] = "config set",
	[SVC_ADD] = "service add", [SVC_SET] = "service set",
	[SVC_DEL] = "service del", [BE_ADD] = "backend add",
	[BE_SET] = "backend set", [BE_DEL] = "backend del",
	[BE_LIST] = "backend add (list)", [EXPLAIN] = "explain",
};

union spec {
	struct forward_spec fwd;
	struct snat_spec snat;
	struct flow_filter flow;
	struct config_spec cfg;
	struct service_spec svc;
	struct backend_spec be[BACKEND_ADD_MAX];
	struct explain_spec exp;
};

static int parse(enum parser p, int argc, char **argv, union spec *u, int *n)
{
	switch (p) {
	case FWD_ADD:
	case FWD_DEL:
		return forward_parse(argc, argv, p == FWD_ADD, &u->fwd);
	case SNAT_ADD:
	case SNAT_DEL:
		return snat_parse(argc, argv, p == SNAT_ADD, &u->snat);
	case FLOW:
		return flow_parse_filter(argc, argv, &u->flow);
	case CONFIG:
		return config_parse_set(argc, argv, &u->cfg);
	case SVC_ADD:
		return service_parse(argc, argv, LB_ADD, &u->svc);
	case SVC_SET:
		return service_parse(argc, argv, LB_SET, &u->svc);
	case SVC_DEL:
		return service_parse(argc, argv, LB_DEL, &u->svc);
	case BE_ADD:
		return backend_parse(argc, argv, LB_ADD, u->be);
	case BE_SET:
		return backend_parse(argc, argv, LB_SET, u->be);
	case BE_DEL:
		return backend_parse(argc, argv, LB_DEL, u->be);
	case BE_LIST:
		return backend_parse_list(argc, argv, LB_ADD, u->be,
					  BACKEND_ADD_MAX, n);
	case EXPLAIN:
		return explain_parse(argc, argv, &u->exp);
	}
	return -1;
}

/* The request for what parse() filled in; @item: which listed backend. */
static void put(enum parser p, struct nlmsghdr *nlh, const union spec *u,
		int item)
{
	switch (p) {
	case FWD_ADD:
	case FWD_DEL:
		forward_put(nlh, &u->fwd, p == FWD_ADD);
		break;
	case SNAT_ADD:
	case SNAT_DEL:
		snat_put(nlh, &u->snat, p == SNAT_ADD);
		break;
	case FLOW:
		flow_put_filter(nlh, &u->flow);
		break;
	case CONFIG:
		config_put(nlh, &u->cfg);
		break;
	case SVC_ADD:
	case SVC_SET:
	case SVC_DEL:
		service_put(nlh, &u->svc);
		break;
	case BE_ADD:
	case BE_SET:
	case BE_DEL:
	case BE_LIST:
		backend_put(nlh, &u->be[item]);
		break;
	case EXPLAIN:
		explain_put(nlh, &u->exp);
		break;
	}
}

/* ---- what a request must hold ---- */

enum want_kind {
	W_COUNT,	/* @num attributes in the nest (duplicates count) */
	W_ABSENT,
	W_NEST,		/* present, NLA_F_NESTED set (strict validation) */
	W_U8,		/* each of these: exactly this payload size */
	W_BE16,
	W_U32,		/* host order */
	W_ADDR,		/* be32, @str as dotted quad */
	W_ADDR6,	/* 16 bytes, @str as an IPv6 address */
	W_STR,		/* NUL-terminated @str, payload at most @num if set */
};

/*
 * One attribute: @type in nest @nest (0: the top level) or, with @sub, in
 * @nest's nest @sub.  W_COUNT counts that level (@type unused).
 */
struct want {
	enum want_kind kind;
	uint16_t nest, sub, type;
	uint32_t num;
	const char *str;
	int item;		/* BE_LIST: which backend's request */
	const char *name;	/* the names, for the TAP line */
	const char *nest_name, *sub_name;
};

#define WANT(k, n, s, t, v, st, i) \
	{ .kind = (k), .nest = (n), .sub = (s), .type = (t), .num = (v), \
	  .str = (st), .item = (i), .name = #t, .nest_name = #n, \
	  .sub_name = #s }
#define COUNT(n, v)		WANT(W_COUNT, n, 0, 0, v, NULL, 0)
#define COUNT_IN(n, s, v)	WANT(W_COUNT, n, s, 0, v, NULL, 0)
#define ABSENT(n, t)		WANT(W_ABSENT, n, 0, t, 0, NULL, 0)
#define ABSENT_IN(n, s, t)	WANT(W_ABSENT, n, s, t, 0, NULL, 0)
#define NEST(n, t)		WANT(W_NEST, n, 0, t, 0, NULL, 0)
#define U8(n, t, v)		WANT(W_U8, n, 0, t, v, NULL, 0)
#define BE16(n, t, v)		WANT(W_BE16, n, 0, t, v, NULL, 0)
#define BE16_IN(n, s, t, v)	WANT(W_BE16, n, s, t, v, NULL, 0)
#define U32(n, t, v)		WANT(W_U32, n, 0, t, v, NULL, 0)
#define U32_IN(n, s, t, v)	WANT(W_U32, n, s, t, v, NULL, 0)
#define ADDR(n, t, a)		WANT(W_ADDR, n, 0, t, 0, a, 0)
#define ADDR_IN(n, s, t, a)	WANT(W_ADDR, n, s, t, 0, a, 0)
#define ADDR6(n, t, a)		WANT(W_ADDR6, n, 0, t, 0, a, 0)
#define ADDR6_IN(n, s, t, a)	WANT(W_ADDR6, n, s, t, 0, a, 0)
#define STR(n, t, s, max)	WANT(W_STR, n, 0, t, max, s, 0)

/* A service's identity in the nest @n: PROTO u8, ADDR be32, PORT be16. */
#define SVC_ID_IN(n, proto, addr, port, i)				\
	WANT(W_U8, n, 0, KNAT_SVC_A_PROTO, proto, NULL, i),		\
	WANT(W_ADDR, n, 0, KNAT_SVC_A_ADDR, 0, addr, i),		\
	WANT(W_BE16, n, 0, KNAT_SVC_A_PORT, port, NULL, i)
#define SVC_ID(proto, addr, port) \
	SVC_ID_IN(KNAT_A_SERVICE, proto, addr, port, 0)
/* An IPv6 service's: ADDR6 of 16 bytes instead of ADDR, never both. */
#define SVC_ID6_IN(n, proto, addr, port, i)				\
	WANT(W_U8, n, 0, KNAT_SVC_A_PROTO, proto, NULL, i),		\
	WANT(W_ADDR6, n, 0, KNAT_SVC_A_ADDR6, 0, addr, i),		\
	WANT(W_ABSENT, n, 0, KNAT_SVC_A_ADDR, 0, NULL, i),		\
	WANT(W_BE16, n, 0, KNAT_SVC_A_PORT, port, NULL, i)
#define SVC_ID6(proto, addr, port) \
	SVC_ID6_IN(KNAT_A_SERVICE, proto, addr, port, 0)

#define FWD		KNAT_A_FORWARD
#define SNAT		KNAT_A_SNAT
#define FLW		KNAT_A_FLOW
#define CFG		KNAT_A_CONFIG
#define SVC		KNAT_A_SERVICE
#define BE		KNAT_A_BACKEND
#define EXP		KNAT_A_EXPLAIN
#define TCP		IPPROTO_TCP
#define UDP		IPPROTO_UDP

#define MAX_WANTS 24

struct args_case {
	enum parser p;
	const char *line;
	int rc;
	const char *out;	/* all that is printed: "" on success */
	int items;		/* BE_LIST: backends parsed */
	struct want want[MAX_WANTS];
};

/* Parsed, printing nothing, and the request holds ...; or refused. */
#define OK(p, line, ...)	{ p, line, 0, "", 0, { __VA_ARGS__ } }
#define OK_N(p, line, n, ...)	{ p, line, 0, "", n, { __VA_ARGS__ } }
#define BAD(p, line, msg)	{ p, line, EXIT_USAGE, msg, 0, { } }

static const struct args_case cases[] = {
	/* ---- forward ---- */
	OK(FWD_ADD, "tcp :8080 to 10.0.2.2:80",
	   COUNT(0, 1), NEST(0, FWD), COUNT(FWD, 6),
	   U8(FWD, KNAT_FWD_A_PROTO, TCP), ADDR(FWD, KNAT_FWD_A_ADDR, "0.0.0.0"),
	   BE16(FWD, KNAT_FWD_A_PORT_MIN, 8080), BE16(FWD, KNAT_FWD_A_PORT_MAX, 8080),
	   ADDR(FWD, KNAT_FWD_A_TO_ADDR, "10.0.2.2"), BE16(FWD, KNAT_FWD_A_TO_PORT, 80)),
	OK(FWD_ADD, "udp 198.51.100.1:5000-5010 to 10.0.2.2:6000-6010",
	   U8(FWD, KNAT_FWD_A_PROTO, UDP), ADDR(FWD, KNAT_FWD_A_ADDR, "198.51.100.1"),
	   BE16(FWD, KNAT_FWD_A_PORT_MIN, 5000), BE16(FWD, KNAT_FWD_A_PORT_MAX, 5010),
	   BE16(FWD, KNAT_FWD_A_TO_PORT, 6000)),
	/* keep-port: TO_PORT 0 */
	OK(FWD_ADD, "tcp :22 to 10.0.2.2",
	   ADDR(FWD, KNAT_FWD_A_TO_ADDR, "10.0.2.2"), BE16(FWD, KNAT_FWD_A_TO_PORT, 0)),
	/* a range to a single first port */
	OK(FWD_ADD, "tcp :5000-5010 to 10.0.2.2:6000",
	   BE16(FWD, KNAT_FWD_A_TO_PORT, 6000)),
	OK(FWD_ADD, "tcp :8080 to 10.0.2.2:80-80",
	   BE16(FWD, KNAT_FWD_A_TO_PORT, 80)),
	BAD(FWD_ADD, "tcp :5000-5010 to 10.0.2.2:6000-6005",
	    "Error: argument \"10.0.2.2:6000-6005\" is wrong: port range size "
	    "differs from the match range (6 vs 11 ports)\n"),
	BAD(FWD_ADD, "tcp :80 to 10.0.2.2:6000-6010",
	    "Error: argument \"10.0.2.2:6000-6010\" is wrong: port range size "
	    "differs from the match range (11 vs 1 ports)\n"),
	BAD(FWD_ADD, "tcp :65530-65535 to 10.0.2.2:65534",
	    "Error: argument \"10.0.2.2:65534\" is wrong: port range would end past 65535\n"),
	BAD(FWD_ADD, "", "Error: \"tcp|udp\" is required.\n"),
	BAD(FWD_ADD, "sctp :80 to 1.1.1.1",
	    "Error: argument \"sctp\" is wrong: protocol must be tcp or udp\n"),
	BAD(FWD_ADD, "icmp :80 to 1.1.1.1",
	    "Error: argument \"icmp\" is wrong: protocol must be tcp or udp\n"),
	BAD(FWD_ADD, "tcp", "Error: \"[ADDR]:PORT\" is required.\n"),
	BAD(FWD_ADD, "tcp 1.2.3.4:99999 to 1.1.1.1",
	    "Error: argument \"1.2.3.4:99999\" is wrong: port out of range\n"),
	BAD(FWD_ADD, "tcp 8080 to 1.1.1.1",
	    "Error: argument \"8080\" is wrong: missing port\n"),
	BAD(FWD_ADD, "tcp :8090-8080 to 1.1.1.1",
	    "Error: argument \":8090-8080\" is wrong: port range is reversed\n"),
	BAD(FWD_ADD, "tcp :8080", "Error: \"to\" is required.\n"),
	BAD(FWD_ADD, "tcp :8080 to", "Error: \"to\" requires an argument.\n"),
	BAD(FWD_ADD, "tcp :8080 to :80",
	    "Error: argument \":80\" is wrong: missing address\n"),
	BAD(FWD_ADD, "tcp :8080 to 10.0.2.2:0",
	    "Error: argument \"10.0.2.2:0\" is wrong: port out of range\n"),
	BAD(FWD_ADD, "tcp :8080 to 1.1.1.1 to 2.2.2.2",
	    "Error: duplicate \"to\": \"2.2.2.2\" is the second value.\n"),
	BAD(FWD_ADD, "tcp :8080 to 1.1.1.1 xyz",
	    "Error: unexpected argument \"xyz\".\n"),
	/* del: PROTO, ADDR and PORT_MIN only */
	OK(FWD_DEL, "udp 198.51.100.1:5000-5010",
	   COUNT(FWD, 3), U8(FWD, KNAT_FWD_A_PROTO, UDP),
	   ADDR(FWD, KNAT_FWD_A_ADDR, "198.51.100.1"),
	   BE16(FWD, KNAT_FWD_A_PORT_MIN, 5000)),
	BAD(FWD_DEL, "tcp :8080 to 10.0.2.2", "Error: unexpected argument \"to\".\n"),
	/* IPv6: the ...6 twins, never the IPv4 attributes */
	OK(FWD_ADD, "tcp [2001:db8:1::1]:8080 to [fd00:1::4]:80",
	   COUNT(FWD, 6), U8(FWD, KNAT_FWD_A_PROTO, TCP),
	   ADDR6(FWD, KNAT_FWD_A_ADDR6, "2001:db8:1::1"), ABSENT(FWD, KNAT_FWD_A_ADDR),
	   BE16(FWD, KNAT_FWD_A_PORT_MIN, 8080), BE16(FWD, KNAT_FWD_A_PORT_MAX, 8080),
	   ADDR6(FWD, KNAT_FWD_A_TO_ADDR6, "fd00:1::4"), ABSENT(FWD, KNAT_FWD_A_TO_ADDR),
	   BE16(FWD, KNAT_FWD_A_TO_PORT, 80)),
	/* [::]: any local IPv6 address, sent as ADDR6 :: */
	OK(FWD_ADD, "udp [::]:5353 to fd00:1::4",
	   COUNT(FWD, 6), U8(FWD, KNAT_FWD_A_PROTO, UDP), ADDR6(FWD, KNAT_FWD_A_ADDR6, "::"),
	   ADDR6(FWD, KNAT_FWD_A_TO_ADDR6, "fd00:1::4"), BE16(FWD, KNAT_FWD_A_TO_PORT, 0)),
	OK(FWD_ADD, "udp [::]:5353 to [fd00:1::4]",
	   ADDR6(FWD, KNAT_FWD_A_TO_ADDR6, "fd00:1::4"), BE16(FWD, KNAT_FWD_A_TO_PORT, 0)),
	/* no match address: any local address of the target's family */
	OK(FWD_ADD, "tcp :8080 to [fd00:1::4]:80",
	   COUNT(FWD, 6), ADDR6(FWD, KNAT_FWD_A_ADDR6, "::"), ABSENT(FWD, KNAT_FWD_A_ADDR),
	   ADDR6(FWD, KNAT_FWD_A_TO_ADDR6, "fd00:1::4")),
	OK(FWD_ADD, "tcp [::1]:8000-8010 to [fd00::4]:9000-9010",
	   BE16(FWD, KNAT_FWD_A_PORT_MIN, 8000), BE16(FWD, KNAT_FWD_A_PORT_MAX, 8010),
	   BE16(FWD, KNAT_FWD_A_TO_PORT, 9000)),
	BAD(FWD_ADD, "tcp [2001:db8:1::1]:8080 to 10.0.2.2:80",
	    "Error: argument \"10.0.2.2:80\" is wrong: IPv4, but \"[2001:db8:1::1]:8080\" "
	    "is IPv6\n"),
	BAD(FWD_ADD, "tcp 198.51.100.1:8080 to [fd00:1::4]:80",
	    "Error: argument \"[fd00:1::4]:80\" is wrong: IPv6, but \"198.51.100.1:8080\" "
	    "is IPv4\n"),
	BAD(FWD_ADD, "tcp 2001:db8::1:8080 to fd00::4",
	    "Error: argument \"2001:db8::1:8080\" is wrong: missing port (an IPv6 address "
	    "with a port is written [ADDR]:PORT)\n"),
	BAD(FWD_ADD, "tcp [2001:db8::1]:5000-5010 to [fd00::4]:6000-6005",
	    "Error: argument \"[fd00::4]:6000-6005\" is wrong: port range size "
	    "differs from the match range (6 vs 11 ports)\n"),
	BAD(FWD_ADD, "tcp [2001:db8::1]:80 to [fd00::4]:",
	    "Error: argument \"[fd00::4]:\" is wrong: missing port\n"),
	BAD(FWD_ADD, "tcp [2001:db8::1:80 to fd00::4",
	    "Error: argument \"[2001:db8::1:80\" is wrong: missing \"]\" after the IPv6 "
	    "address\n"),
	BAD(FWD_ADD, "tcp [10.0.0.1]:80 to 10.0.2.2",
	    "Error: argument \"[10.0.0.1]:80\" is wrong: an IPv4 address takes no brackets\n"),
	OK(FWD_DEL, "tcp [2001:db8:1::1]:8080",
	   COUNT(FWD, 3), ADDR6(FWD, KNAT_FWD_A_ADDR6, "2001:db8:1::1"),
	   BE16(FWD, KNAT_FWD_A_PORT_MIN, 8080), ABSENT(FWD, KNAT_FWD_A_ADDR)),
	OK(FWD_DEL, "udp [::]:5353",
	   COUNT(FWD, 3), ADDR6(FWD, KNAT_FWD_A_ADDR6, "::")),
	/* del without an address is IPv4's any: [::] names IPv6's */
	OK(FWD_DEL, "udp :5353",
	   COUNT(FWD, 3), ADDR(FWD, KNAT_FWD_A_ADDR, "0.0.0.0")),

	/* ---- snat ---- */
	OK(SNAT_ADD, "from 10.0.1.0/24 out eth1 masquerade",
	   COUNT(0, 1), NEST(0, SNAT), COUNT(SNAT, 4),
	   ADDR(SNAT, KNAT_SNAT_A_SRC, "10.0.1.0"), U8(SNAT, KNAT_SNAT_A_SRC_PLEN, 24),
	   STR(SNAT, KNAT_SNAT_A_OUT_IFNAME, "eth1", 0),
	   U32(SNAT, KNAT_SNAT_A_FLAGS, KNAT_SNAT_F_MASQUERADE),
	   ABSENT(SNAT, KNAT_SNAT_A_TO_MIN), ABSENT(SNAT, KNAT_SNAT_A_PORT_MIN)),
	OK(SNAT_ADD, "from 10.0.1.0/24 to 198.51.100.1-198.51.100.2:1024-2047 "
		     "mapping address-port-dependent",
	   COUNT(SNAT, 7), ABSENT(SNAT, KNAT_SNAT_A_OUT_IFNAME),
	   ADDR(SNAT, KNAT_SNAT_A_TO_MIN, "198.51.100.1"),
	   ADDR(SNAT, KNAT_SNAT_A_TO_MAX, "198.51.100.2"),
	   BE16(SNAT, KNAT_SNAT_A_PORT_MIN, 1024), BE16(SNAT, KNAT_SNAT_A_PORT_MAX, 2047),
	   U32(SNAT, KNAT_SNAT_A_FLAGS, KNAT_SNAT_F_APDM)),
	/* to ADDR ports RANGE, in any order */
	OK(SNAT_ADD, "from 10.0.1.0/24 to 198.51.100.1 ports 20000-29999 out eth1",
	   ADDR(SNAT, KNAT_SNAT_A_TO_MIN, "198.51.100.1"),
	   ADDR(SNAT, KNAT_SNAT_A_TO_MAX, "198.51.100.1"),
	   BE16(SNAT, KNAT_SNAT_A_PORT_MIN, 20000), BE16(SNAT, KNAT_SNAT_A_PORT_MAX, 29999),
	   U32(SNAT, KNAT_SNAT_A_FLAGS, 0)),
	/* without ports: the kernel's default range, TO_MAX = TO_MIN */
	OK(SNAT_ADD, "from 10.0.1.0/24 to 198.51.100.1",
	   ABSENT(SNAT, KNAT_SNAT_A_PORT_MIN), ABSENT(SNAT, KNAT_SNAT_A_PORT_MAX),
	   ADDR(SNAT, KNAT_SNAT_A_TO_MAX, "198.51.100.1")),
	/* mapping endpoint-independent: no APDM flag */
	OK(SNAT_ADD, "from 10.0.1.0/24 out eth1 masquerade ports 1024-65535 "
		     "mapping endpoint-independent",
	   BE16(SNAT, KNAT_SNAT_A_PORT_MIN, 1024), BE16(SNAT, KNAT_SNAT_A_PORT_MAX, 65535),
	   U32(SNAT, KNAT_SNAT_A_FLAGS, KNAT_SNAT_F_MASQUERADE)),
	BAD(SNAT_ADD, "out eth1 masquerade", "Error: \"from\" is required.\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24",
	    "Error: \"to\" or \"masquerade\" is required.\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 masquerade",
	    "Error: \"masquerade\" requires \"out\".\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 out eth1 masquerade to 1.1.1.1",
	    "Error: \"masquerade\" and \"to\" cannot be used together.\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 out eth1 masquerade masquerade",
	    "Error: duplicate \"masquerade\".\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 to 1.1.1.1:1024-2047 ports 1024-2047",
	    "Error: duplicate \"ports\": \"1024-2047\" is the second value.\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 from 10.0.2.0/24 to 1.1.1.1",
	    "Error: duplicate \"from\": \"10.0.2.0/24\" is the second value.\n"),
	BAD(SNAT_ADD, "from 10.0.1.5/24 to 1.1.1.1",
	    "Error: argument \"10.0.1.5/24\" is wrong: host bits set beyond the "
	    "prefix length\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/33 to 1.1.1.1",
	    "Error: argument \"10.0.1.0/33\" is wrong: prefix length out of range\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 to 1.1.1.2-1.1.1.1",
	    "Error: argument \"1.1.1.2-1.1.1.1\" is wrong: address range is reversed\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 to 1.1.1.1 ports 2000-1000",
	    "Error: argument \"2000-1000\" is wrong: port range is reversed\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 to 1.1.1.1 mapping full-cone",
	    "Error: argument \"full-cone\" is wrong: mapping must be "
	    "endpoint-independent or address-port-dependent\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 out a/b masquerade",
	    "Error: argument \"a/b\" is wrong: invalid device name\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 out averyveryverylongname masquerade",
	    "Error: argument \"averyveryverylongname\" is wrong: device name too long\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 to", "Error: \"to\" requires an argument.\n"),
	BAD(SNAT_ADD, "from 10.0.1.0/24 to 1.1.1.1 bogus",
	    "Error: unexpected argument \"bogus\".\n"),
	/* del: SRC, SRC_PLEN, OUT_IFNAME */
	OK(SNAT_DEL, "from 10.0.1.0/24 out eth1",
	   COUNT(SNAT, 3), ADDR(SNAT, KNAT_SNAT_A_SRC, "10.0.1.0"),
	   U8(SNAT, KNAT_SNAT_A_SRC_PLEN, 24), STR(SNAT, KNAT_SNAT_A_OUT_IFNAME, "eth1", 0)),
	OK(SNAT_DEL, "from 10.0.1.0/24", COUNT(SNAT, 2)),
	BAD(SNAT_DEL, "from 10.0.1.0/24 to 1.1.1.1", "Error: unexpected argument \"to\".\n"),
	BAD(SNAT_DEL, "from 10.0.1.0/24 out eth1 masquerade",
	    "Error: unexpected argument \"masquerade\".\n"),
	BAD(SNAT_DEL, "", "Error: \"from\" is required.\n"),
	/* IPv6 */
	OK(SNAT_ADD, "from fd00:1::/64 out eth1 masquerade",
	   COUNT(SNAT, 4), ADDR6(SNAT, KNAT_SNAT_A_SRC6, "fd00:1::"),
	   ABSENT(SNAT, KNAT_SNAT_A_SRC), U8(SNAT, KNAT_SNAT_A_SRC_PLEN, 64),
	   STR(SNAT, KNAT_SNAT_A_OUT_IFNAME, "eth1", 0),
	   U32(SNAT, KNAT_SNAT_A_FLAGS, KNAT_SNAT_F_MASQUERADE)),
	OK(SNAT_ADD, "from fd00:2::/64 to [2001:db8:1::5]:20000-20099",
	   COUNT(SNAT, 7), ADDR6(SNAT, KNAT_SNAT_A_SRC6, "fd00:2::"),
	   ADDR6(SNAT, KNAT_SNAT_A_TO_MIN6, "2001:db8:1::5"),
	   ADDR6(SNAT, KNAT_SNAT_A_TO_MAX6, "2001:db8:1::5"),
	   ABSENT(SNAT, KNAT_SNAT_A_TO_MIN), ABSENT(SNAT, KNAT_SNAT_A_TO_MAX),
	   BE16(SNAT, KNAT_SNAT_A_PORT_MIN, 20000), BE16(SNAT, KNAT_SNAT_A_PORT_MAX, 20099)),
	/* nft's range */
	OK(SNAT_ADD, "from fd00:2::/64 to [2001:db8:1::5]-[2001:db8:1::9]:20000-20099 "
		     "mapping address-port-dependent",
	   COUNT(SNAT, 7), ADDR6(SNAT, KNAT_SNAT_A_TO_MIN6, "2001:db8:1::5"),
	   ADDR6(SNAT, KNAT_SNAT_A_TO_MAX6, "2001:db8:1::9"),
	   BE16(SNAT, KNAT_SNAT_A_PORT_MIN, 20000), BE16(SNAT, KNAT_SNAT_A_PORT_MAX, 20099),
	   U32(SNAT, KNAT_SNAT_A_FLAGS, KNAT_SNAT_F_APDM)),
	/* without ports, bare; and what list prints */
	OK(SNAT_ADD, "from fd00:2::/64 to 2001:db8:1::5",
	   COUNT(SNAT, 5), ADDR6(SNAT, KNAT_SNAT_A_TO_MIN6, "2001:db8:1::5"),
	   ADDR6(SNAT, KNAT_SNAT_A_TO_MAX6, "2001:db8:1::5"),
	   ABSENT(SNAT, KNAT_SNAT_A_PORT_MIN)),
	OK(SNAT_ADD, "from ::/0 to 2001:db8:1::5-2001:db8:1::9 ports 1024-2047",
	   ADDR6(SNAT, KNAT_SNAT_A_SRC6, "::"), U8(SNAT, KNAT_SNAT_A_SRC_PLEN, 0),
	   ADDR6(SNAT, KNAT_SNAT_A_TO_MAX6, "2001:db8:1::9"),
	   BE16(SNAT, KNAT_SNAT_A_PORT_MIN, 1024)),
	OK(SNAT_ADD, "from 2001:db8:2::7 to 2001:db8:1::5",
	   U8(SNAT, KNAT_SNAT_A_SRC_PLEN, 128)),
	BAD(SNAT_ADD, "from fd00:2::/64 to 198.51.100.1",
	    "Error: argument \"198.51.100.1\" is wrong: IPv4, but \"fd00:2::/64\" is IPv6\n"),
	BAD(SNAT_ADD, "to [2001:db8::5]:20000 from 10.0.1.0/24",
	    "Error: argument \"[2001:db8::5]:20000\" is wrong: IPv6, but \"10.0.1.0/24\" "
	    "is IPv4\n"),
	BAD(SNAT_ADD, "from fd00:1::1/64 to 2001:db8::5",
	    "Error: argument \"fd00:1::1/64\" is wrong: host bits set beyond the "
	    "prefix length\n"),
	BAD(SNAT_ADD, "from fd00::/129 to 2001:db8::5",
	    "Error: argument \"fd00::/129\" is wrong: prefix length out of range\n"),
	BAD(SNAT_ADD, "from fd00::/64 to [2001:db8::9]-[2001:db8::5]",
	    "Error: argument \"[2001:db8::9]-[2001:db8::5]\" is wrong: address range is "
	    "reversed\n"),
	BAD(SNAT_ADD, "from fd00::/64 to [2001:db8::5]:1024 ports 1024-2047",
	    "Error: duplicate \"ports\": \"1024-2047\" is the second value.\n"),
	OK(SNAT_DEL, "from fd00:1::/64 out eth1",
	   COUNT(SNAT, 3), ADDR6(SNAT, KNAT_SNAT_A_SRC6, "fd00:1::"),
	   U8(SNAT, KNAT_SNAT_A_SRC_PLEN, 64), ABSENT(SNAT, KNAT_SNAT_A_SRC)),

	/* ---- flow filter ---- */
	OK(FLOW, "", COUNT(0, 0)),
	OK(FLOW, "proto tcp src 10.0.1.2:40000 dst :8080 state ESTABLISHED kind hairpin",
	   COUNT(0, 1), NEST(0, FLW), COUNT(FLW, 4),
	   U8(FLW, KNAT_FLOW_A_PROTO, TCP), U8(FLW, KNAT_FLOW_A_STATE, KNAT_TCP_ESTABLISHED),
	   U8(FLW, KNAT_FLOW_A_KIND, KNAT_FLOW_KIND_FORWARD_SNAT),
	   NEST(FLW, KNAT_FLOW_A_ORIG),
	   /* ORIG holds only the given fields */
	   COUNT_IN(FLW, KNAT_FLOW_A_ORIG, 3), ABSENT_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_DST),
	   ADDR_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_SRC, "10.0.1.2"),
	   BE16_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_SPORT, 40000),
	   BE16_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_DPORT, 8080)),
	OK(FLOW, "proto icmp dst 198.51.100.9",
	   COUNT(FLW, 2), U8(FLW, KNAT_FLOW_A_PROTO, IPPROTO_ICMP),
	   COUNT_IN(FLW, KNAT_FLOW_A_ORIG, 1),
	   ADDR_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_DST, "198.51.100.9")),
	/* ICMP id 0 as src :0 */
	OK(FLOW, "src :0",
	   COUNT(FLW, 1), COUNT_IN(FLW, KNAT_FLOW_A_ORIG, 1),
	   BE16_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_SPORT, 0)),
	OK(FLOW, "kind service",
	   COUNT(FLW, 1), U8(FLW, KNAT_FLOW_A_KIND, KNAT_FLOW_KIND_SERVICE)),
	OK(FLOW, "kind service-hairpin proto udp",
	   COUNT(FLW, 2), U8(FLW, KNAT_FLOW_A_KIND, KNAT_FLOW_KIND_SERVICE_SNAT),
	   U8(FLW, KNAT_FLOW_A_PROTO, UDP)),
	/* syn_sent is SYN-SENT */
	OK(FLOW, "state syn_sent kind snat",
	   U8(FLW, KNAT_FLOW_A_STATE, KNAT_TCP_SYN_SENT)),
	BAD(FLOW, "proto sctp",
	    "Error: argument \"sctp\" is wrong: protocol must be tcp, udp, icmp or icmpv6\n"),
	BAD(FLOW, "state bogus", "Error: argument \"bogus\" is wrong: unknown TCP state\n"),
	BAD(FLOW, "kind nat",
	    "Error: argument \"nat\" is wrong: kind must be forward, snat, hairpin, "
	    "service or service-hairpin\n"),
	BAD(FLOW, "src 10.0.1.2 src 10.0.1.3",
	    "Error: duplicate \"src\": \"10.0.1.3\" is the second value.\n"),
	BAD(FLOW, "src 10.0.1.2:99999",
	    "Error: argument \"10.0.1.2:99999\" is wrong: port out of range\n"),
	BAD(FLOW, "dst 10.0.1.2:80-90",
	    "Error: argument \"10.0.1.2:80-90\" is wrong: port range not allowed here\n"),
	BAD(FLOW, "proto", "Error: \"proto\" requires an argument.\n"),
	BAD(FLOW, "port 80", "Error: unexpected argument \"port\".\n"),
	BAD(FLOW, "proto udp state established",
	    "Error: \"state\" applies only to tcp flows.\n"),
	/* IPv6: SRC6/DST6, and FAMILY with them */
	OK(FLOW, "src fd00:1::2",
	   COUNT(FLW, 2), U8(FLW, KNAT_FLOW_A_FAMILY, AF_INET6),
	   COUNT_IN(FLW, KNAT_FLOW_A_ORIG, 1),
	   ADDR6_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_SRC6, "fd00:1::2")),
	OK(FLOW, "proto udp src [fd00:1::2]:5555 dst [2001:db8::5]:53",
	   COUNT(FLW, 3), U8(FLW, KNAT_FLOW_A_PROTO, UDP),
	   U8(FLW, KNAT_FLOW_A_FAMILY, AF_INET6), COUNT_IN(FLW, KNAT_FLOW_A_ORIG, 4),
	   ADDR6_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_SRC6, "fd00:1::2"),
	   ADDR6_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_DST6, "2001:db8::5"),
	   ABSENT_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_SRC),
	   BE16_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_SPORT, 5555),
	   BE16_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_DPORT, 53)),
	OK(FLOW, "family inet6", COUNT(FLW, 1), U8(FLW, KNAT_FLOW_A_FAMILY, AF_INET6)),
	OK(FLOW, "family inet proto tcp",
	   COUNT(FLW, 2), U8(FLW, KNAT_FLOW_A_FAMILY, AF_INET)),
	OK(FLOW, "proto icmpv6",
	   COUNT(FLW, 1), U8(FLW, KNAT_FLOW_A_PROTO, IPPROTO_ICMPV6)),
	OK(FLOW, "proto icmp6 dst fd00::9 family inet6",
	   COUNT(FLW, 3), U8(FLW, KNAT_FLOW_A_PROTO, IPPROTO_ICMPV6),
	   U8(FLW, KNAT_FLOW_A_FAMILY, AF_INET6),
	   ADDR6_IN(FLW, KNAT_FLOW_A_ORIG, KNAT_TUPLE_A_DST6, "fd00::9")),
	/* an IPv4 address sends no FAMILY, as before */
	OK(FLOW, "src 10.0.1.2 family inet",
	   COUNT(FLW, 2), U8(FLW, KNAT_FLOW_A_FAMILY, AF_INET)),
	BAD(FLOW, "src fd00:1::2 dst 10.0.0.1",
	    "Error: argument \"10.0.0.1\" is wrong: IPv4, but \"fd00:1::2\" is IPv6\n"),
	BAD(FLOW, "family inet src [fd00::1]:80",
	    "Error: argument \"[fd00::1]:80\" is wrong: IPv6, but \"inet\" is IPv4\n"),
	BAD(FLOW, "proto icmp dst fd00::1",
	    "Error: argument \"fd00::1\" is wrong: IPv6, but \"icmp\" is IPv4\n"),
	BAD(FLOW, "src fd00::1 proto icmp",
	    "Error: argument \"icmp\" is wrong: IPv4, but \"fd00::1\" is IPv6\n"),
	BAD(FLOW, "proto icmpv6 family inet",
	    "Error: argument \"inet\" is wrong: IPv4, but \"icmpv6\" is IPv6\n"),
	BAD(FLOW, "family ipv6",
	    "Error: argument \"ipv6\" is wrong: family must be inet or inet6\n"),
	BAD(FLOW, "family", "Error: \"family\" requires an argument.\n"),
	BAD(FLOW, "family inet family inet6",
	    "Error: duplicate \"family\": \"inet6\" is the second value.\n"),
	BAD(FLOW, "src [fd00::1]:80-90",
	    "Error: argument \"[fd00::1]:80-90\" is wrong: port range not allowed here\n"),
	/* owners: a service and a backend, either family; IPv6 sends FAMILY */
	OK(FLOW, "service 198.51.100.10:80 backend 10.0.2.11",
	   COUNT(FLW, 2), ABSENT(FLW, KNAT_FLOW_A_FAMILY),
	   NEST(FLW, KNAT_FLOW_A_SERVICE), COUNT_IN(FLW, KNAT_FLOW_A_SERVICE, 2),
	   ADDR_IN(FLW, KNAT_FLOW_A_SERVICE, KNAT_SVC_A_ADDR, "198.51.100.10"),
	   BE16_IN(FLW, KNAT_FLOW_A_SERVICE, KNAT_SVC_A_PORT, 80),
	   NEST(FLW, KNAT_FLOW_A_BACKEND), COUNT_IN(FLW, KNAT_FLOW_A_BACKEND, 1),
	   ADDR_IN(FLW, KNAT_FLOW_A_BACKEND, KNAT_BE_A_ADDR, "10.0.2.11")),
	OK(FLOW, "service [2001:db8::10]:80",
	   COUNT(FLW, 2), U8(FLW, KNAT_FLOW_A_FAMILY, AF_INET6),
	   NEST(FLW, KNAT_FLOW_A_SERVICE), COUNT_IN(FLW, KNAT_FLOW_A_SERVICE, 2),
	   ADDR6_IN(FLW, KNAT_FLOW_A_SERVICE, KNAT_SVC_A_ADDR6, "2001:db8::10"),
	   ABSENT_IN(FLW, KNAT_FLOW_A_SERVICE, KNAT_SVC_A_ADDR),
	   BE16_IN(FLW, KNAT_FLOW_A_SERVICE, KNAT_SVC_A_PORT, 80)),
	/* a backend without a port: any of its ports; brackets or not */
	OK(FLOW, "backend fd00::11",
	   COUNT(FLW, 2), U8(FLW, KNAT_FLOW_A_FAMILY, AF_INET6),
	   COUNT_IN(FLW, KNAT_FLOW_A_BACKEND, 1),
	   ADDR6_IN(FLW, KNAT_FLOW_A_BACKEND, KNAT_BE_A_ADDR6, "fd00::11"),
	   ABSENT_IN(FLW, KNAT_FLOW_A_BACKEND, KNAT_BE_A_ADDR),
	   ABSENT_IN(FLW, KNAT_FLOW_A_BACKEND, KNAT_BE_A_PORT)),
	OK(FLOW, "backend [fd00::11]",
	   COUNT_IN(FLW, KNAT_FLOW_A_BACKEND, 1),
	   ADDR6_IN(FLW, KNAT_FLOW_A_BACKEND, KNAT_BE_A_ADDR6, "fd00::11")),
	OK(FLOW, "proto tcp service [2001:db8::10]:80 backend [fd00::11]:8080 family inet6",
	   COUNT(FLW, 4), U8(FLW, KNAT_FLOW_A_PROTO, TCP),
	   U8(FLW, KNAT_FLOW_A_FAMILY, AF_INET6),
	   ADDR6_IN(FLW, KNAT_FLOW_A_SERVICE, KNAT_SVC_A_ADDR6, "2001:db8::10"),
	   COUNT_IN(FLW, KNAT_FLOW_A_BACKEND, 2),
	   ADDR6_IN(FLW, KNAT_FLOW_A_BACKEND, KNAT_BE_A_ADDR6, "fd00::11"),
	   BE16_IN(FLW, KNAT_FLOW_A_BACKEND, KNAT_BE_A_PORT, 8080)),
	BAD(FLOW, "service [2001:db8::10]:80 backend 10.0.2.11",
	    "Error: argument \"10.0.2.11\" is wrong: IPv4, but \"[2001:db8::10]:80\" "
	    "is IPv6\n"),
	BAD(FLOW, "family inet service [2001:db8::10]:80",
	    "Error: argument \"[2001:db8::10]:80\" is wrong: IPv6, but \"inet\" is IPv4\n"),
	BAD(FLOW, "backend fd00::11 src 10.0.1.2",
	    "Error: argument \"10.0.1.2\" is wrong: IPv4, but \"fd00::11\" is IPv6\n"),
	BAD(FLOW, "service 2001:db8::10:80",
	    "Error: argument \"2001:db8::10:80\" is wrong: missing port (an IPv6 address "
	    "with a port is written [ADDR]:PORT)\n"),

	/* ---- config ---- */
	/* a timeout's attribute type is its enum + 1 */
	OK(CONFIG, "max-flows 1000 timeout tcp-established 3600 timeout icmp 15",
	   COUNT(0, 1), NEST(0, CFG), COUNT(CFG, 2),
	   U32(CFG, KNAT_CFG_A_MAX_FLOWS, 1000), NEST(CFG, KNAT_CFG_A_TIMEOUTS),
	   COUNT_IN(CFG, KNAT_CFG_A_TIMEOUTS, 2),
	   U32_IN(CFG, KNAT_CFG_A_TIMEOUTS, KNAT_TIMEOUT_TCP_ESTABLISHED + 1, 3600),
	   U32_IN(CFG, KNAT_CFG_A_TIMEOUTS, KNAT_TIMEOUT_ICMP + 1, 15)),
	/* timeouts at both limits, no MAX_FLOWS when not given */
	OK(CONFIG, "timeout tcp-syn-sent 1 timeout udp-replied 604800",
	   COUNT(CFG, 1), ABSENT(CFG, KNAT_CFG_A_MAX_FLOWS),
	   U32_IN(CFG, KNAT_CFG_A_TIMEOUTS, KNAT_TIMEOUT_TCP_SYN_SENT + 1, 1),
	   U32_IN(CFG, KNAT_CFG_A_TIMEOUTS, KNAT_TIMEOUT_UDP_REPLIED + 1, 604800)),
	OK(CONFIG, "max-flows 16777216", U32(CFG, KNAT_CFG_A_MAX_FLOWS, 16777216)),
	BAD(CONFIG, "",
	    "Error: \"max-flows\", \"timeout\", \"rate-interval\", \"rate-window\", "
	    "\"limit\" or \"fastpath\" is required.\n"),
	/* the fast path: a u8 0 or 1, alone or with the others */
	OK(CONFIG, "fastpath on",
	   COUNT(0, 1), NEST(0, CFG), COUNT(CFG, 1), U8(CFG, KNAT_CFG_A_FASTPATH, 1)),
	OK(CONFIG, "fastpath off",
	   COUNT(CFG, 1), U8(CFG, KNAT_CFG_A_FASTPATH, 0)),
	OK(CONFIG, "max-flows 1000 fastpath on rate-window 4",
	   COUNT(CFG, 3), U32(CFG, KNAT_CFG_A_MAX_FLOWS, 1000),
	   U8(CFG, KNAT_CFG_A_FASTPATH, 1), U32(CFG, KNAT_CFG_A_RATE_WINDOW, 4)),
	OK(CONFIG, "max-flows 1000", COUNT(CFG, 1), ABSENT(CFG, KNAT_CFG_A_FASTPATH)),
	BAD(CONFIG, "fastpath maybe",
	    "Error: argument \"maybe\" is wrong: fastpath must be on or off\n"),
	BAD(CONFIG, "fastpath 1",
	    "Error: argument \"1\" is wrong: fastpath must be on or off\n"),
	BAD(CONFIG, "fastpath ON",
	    "Error: argument \"ON\" is wrong: fastpath must be on or off\n"),
	BAD(CONFIG, "max-flows 1000 fastpath", "Error: \"fastpath\" requires an argument.\n"),
	BAD(CONFIG, "fastpath on fastpath off",
	    "Error: duplicate \"fastpath\": \"off\" is the second value.\n"),
	OK(CONFIG, "limit snats 8 limit max-flows 1000000",
	   COUNT(CFG, 1), NEST(CFG, KNAT_CFG_A_LIMITS), COUNT_IN(CFG, KNAT_CFG_A_LIMITS, 2),
	   U32_IN(CFG, KNAT_CFG_A_LIMITS, KNAT_LIMIT_SNATS + 1, 8),
	   U32_IN(CFG, KNAT_CFG_A_LIMITS, KNAT_LIMIT_MAX_FLOWS + 1, 1000000)),
	BAD(CONFIG, "limit ports 8",
	    "Error: argument \"ports\" is wrong: unknown limit name\n"),
	BAD(CONFIG, "limit snats 0",
	    "Error: argument \"0\" is wrong: limit must be 1..16777216\n"),
	BAD(CONFIG, "limit snats", "Error: \"snats\" requires an argument.\n"),
	OK(CONFIG, "rate-interval 1 rate-window 3600",
	   COUNT(CFG, 2), U32(CFG, KNAT_CFG_A_RATE_INTERVAL, 1),
	   U32(CFG, KNAT_CFG_A_RATE_WINDOW, 3600)),
	BAD(CONFIG, "rate-interval 0",
	    "Error: argument \"0\" is wrong: rate-interval must be 1..60\n"),
	BAD(CONFIG, "rate-interval 61",
	    "Error: argument \"61\" is wrong: rate-interval must be 1..60\n"),
	BAD(CONFIG, "rate-window 3601",
	    "Error: argument \"3601\" is wrong: rate-window must be 1..3600\n"),
	BAD(CONFIG, "rate-window soon",
	    "Error: argument \"soon\" is wrong: rate-window is not a number\n"),
	BAD(CONFIG, "rate-window 2 rate-window 4",
	    "Error: duplicate \"rate-window\": \"4\" is the second value.\n"),
	BAD(CONFIG, "rate-interval", "Error: \"rate-interval\" requires an argument.\n"),
	BAD(CONFIG, "max-flows 0",
	    "Error: argument \"0\" is wrong: max-flows must be 1..16777216\n"),
	BAD(CONFIG, "max-flows 16777217",
	    "Error: argument \"16777217\" is wrong: max-flows must be 1..16777216\n"),
	BAD(CONFIG, "max-flows lots",
	    "Error: argument \"lots\" is wrong: max-flows is not a number\n"),
	BAD(CONFIG, "max-flows 1 max-flows 2",
	    "Error: duplicate \"max-flows\": \"2\" is the second value.\n"),
	BAD(CONFIG, "max-flows", "Error: \"max-flows\" requires an argument.\n"),
	BAD(CONFIG, "timeout", "Error: \"timeout\" requires an argument.\n"),
	BAD(CONFIG, "timeout tcp-close", "Error: \"tcp-close\" requires an argument.\n"),
	BAD(CONFIG, "timeout tcp_close 10",
	    "Error: argument \"tcp_close\" is wrong: unknown timeout name\n"),
	BAD(CONFIG, "timeout icmp 0",
	    "Error: argument \"0\" is wrong: timeout must be 1..604800\n"),
	BAD(CONFIG, "timeout icmp 604801",
	    "Error: argument \"604801\" is wrong: timeout must be 1..604800\n"),
	BAD(CONFIG, "timeout icmp 10 timeout icmp 20",
	    "Error: duplicate \"icmp\": \"20\" is the second value.\n"),
	BAD(CONFIG, "max-flow 10", "Error: unexpected argument \"max-flow\".\n"),

	/* ---- service ---- */
	/* no options: SCHED, PERSIST, MAGLEV_SIZE omitted */
	OK(SVC_ADD, "tcp 198.51.100.10:80",
	   COUNT(0, 1), NEST(0, SVC), COUNT(SVC, 3), SVC_ID(TCP, "198.51.100.10", 80),
	   ABSENT(SVC, KNAT_SVC_A_SCHED), ABSENT(SVC, KNAT_SVC_A_PERSIST),
	   ABSENT(SVC, KNAT_SVC_A_MAGLEV_SIZE)),
	OK(SVC_ADD, "udp 198.51.100.10:53 sched maglev persist 300 maglev-size 65537",
	   COUNT(SVC, 6), SVC_ID(UDP, "198.51.100.10", 53),
	   STR(SVC, KNAT_SVC_A_SCHED, "maglev", KNAT_SCHED_NAME_LEN),
	   U32(SVC, KNAT_SVC_A_PERSIST, 300), U32(SVC, KNAT_SVC_A_MAGLEV_SIZE, 65537)),
	/* every scheduler name, and the limits */
	OK(SVC_ADD, "tcp 10.0.0.1:1 sched rr",
	   BE16(SVC, KNAT_SVC_A_PORT, 1), STR(SVC, KNAT_SVC_A_SCHED, "rr", 0)),
	OK(SVC_ADD, "tcp 10.0.0.1:65535 sched wrr",
	   BE16(SVC, KNAT_SVC_A_PORT, 65535), STR(SVC, KNAT_SVC_A_SCHED, "wrr", 0)),
	OK(SVC_ADD, "tcp 10.0.0.1:80 sched lc", STR(SVC, KNAT_SVC_A_SCHED, "lc", 0)),
	OK(SVC_ADD, "tcp 10.0.0.1:80 sched wlc", STR(SVC, KNAT_SVC_A_SCHED, "wlc", 0)),
	/* persist 0 is given (off), so it is sent */
	OK(SVC_ADD, "tcp 10.0.0.1:80 sched sh persist 0",
	   COUNT(SVC, 5), STR(SVC, KNAT_SVC_A_SCHED, "sh", 0),
	   U32(SVC, KNAT_SVC_A_PERSIST, 0)),
	/* maglev-size without sched maglev */
	OK(SVC_ADD, "tcp 10.0.0.1:80 persist 86400 maglev-size 251",
	   U32(SVC, KNAT_SVC_A_PERSIST, 86400), U32(SVC, KNAT_SVC_A_MAGLEV_SIZE, 251),
	   ABSENT(SVC, KNAT_SVC_A_SCHED)),
	/* the largest */
	OK(SVC_ADD, "tcp 10.0.0.1:80 maglev-size 1000003",
	   U32(SVC, KNAT_SVC_A_MAGLEV_SIZE, 1000003)),
	BAD(SVC_ADD, "", "Error: \"tcp|udp\" is required.\n"),
	BAD(SVC_ADD, "icmp 10.0.0.1:80",
	    "Error: argument \"icmp\" is wrong: protocol must be tcp or udp\n"),
	BAD(SVC_ADD, "tcp", "Error: \"VIP:PORT\" is required.\n"),
	BAD(SVC_ADD, "tcp :80", "Error: argument \":80\" is wrong: missing address\n"),
	/* IPv6: [VIP6]:PORT, sent as ADDR6 (16 bytes), never ADDR */
	OK(SVC_ADD, "tcp [2001:db8::10]:80 sched maglev",
	   COUNT(0, 1), NEST(0, SVC), COUNT(SVC, 4), SVC_ID6(TCP, "2001:db8::10", 80),
	   STR(SVC, KNAT_SVC_A_SCHED, "maglev", KNAT_SCHED_NAME_LEN)),
	OK(SVC_SET, "udp [2001:db8:0::10]:53 persist 60",
	   COUNT(SVC, 4), SVC_ID6(UDP, "2001:db8::10", 53), U32(SVC, KNAT_SVC_A_PERSIST, 60)),
	OK(SVC_DEL, "udp [::1]:53", COUNT(SVC, 3), SVC_ID6(UDP, "::1", 53)),
	/* a port after a bare IPv6 address is never guessed */
	BAD(SVC_ADD, "tcp 2001:db8::10:80",
	    "Error: argument \"2001:db8::10:80\" is wrong: missing port (an IPv6 address "
	    "with a port is written [ADDR]:PORT)\n"),
	BAD(SVC_ADD, "tcp [2001:db8::10]",
	    "Error: argument \"[2001:db8::10]\" is wrong: missing port\n"),
	BAD(SVC_ADD, "tcp [2001:db8::10]:0",
	    "Error: argument \"[2001:db8::10]:0\" is wrong: port out of range\n"),
	BAD(SVC_ADD, "tcp [2001:db8::10]:80-81",
	    "Error: argument \"[2001:db8::10]:80-81\" is wrong: port range not allowed "
	    "here\n"),
	BAD(SVC_ADD, "tcp [2001:db8::10]-[2001:db8::11]:80",
	    "Error: argument \"[2001:db8::10]-[2001:db8::11]:80\" is wrong: address "
	    "range not allowed here\n"),
	BAD(SVC_ADD, "tcp [203.0.113.10]:80",
	    "Error: argument \"[203.0.113.10]:80\" is wrong: an IPv4 address takes no "
	    "brackets\n"),
	BAD(SVC_ADD, "tcp [2001:db8::g]:80",
	    "Error: argument \"[2001:db8::g]:80\" is wrong: invalid IPv6 address\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1", "Error: argument \"10.0.0.1\" is wrong: missing port\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:0",
	    "Error: argument \"10.0.0.1:0\" is wrong: port out of range\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:65536",
	    "Error: argument \"10.0.0.1:65536\" is wrong: port out of range\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80-81",
	    "Error: argument \"10.0.0.1:80-81\" is wrong: port range not allowed here\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1-10.0.0.2:80",
	    "Error: argument \"10.0.0.1-10.0.0.2:80\" is wrong: address range not "
	    "allowed here\n"),
	BAD(SVC_ADD, "tcp 10.0.0.300:80",
	    "Error: argument \"10.0.0.300:80\" is wrong: invalid IPv4 address\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 sched fifo",
	    "Error: argument \"fifo\" is wrong: sched must be rr, wrr, lc, wlc, sh "
	    "or maglev\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 sched WRR",
	    "Error: argument \"WRR\" is wrong: sched must be rr, wrr, lc, wlc, sh "
	    "or maglev\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 sched", "Error: \"sched\" requires an argument.\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 sched rr sched wrr",
	    "Error: duplicate \"sched\": \"wrr\" is the second value.\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 persist 86401",
	    "Error: argument \"86401\" is wrong: persist must be 0..86400\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 persist -1",
	    "Error: argument \"-1\" is wrong: persist is not a number\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 persist 1h",
	    "Error: argument \"1h\" is wrong: persist is not a number\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 persist", "Error: \"persist\" requires an argument.\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 persist 1 persist 2",
	    "Error: duplicate \"persist\": \"2\" is the second value.\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 maglev-size 65536",
	    "Error: argument \"65536\" is wrong: maglev-size must be a prime number\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 maglev-size 1000001",
	    "Error: argument \"1000001\" is wrong: maglev-size must be a prime number\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 maglev-size 241",
	    "Error: argument \"241\" is wrong: maglev-size must be 251..1000003\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 maglev-size 1000033",
	    "Error: argument \"1000033\" is wrong: maglev-size must be 251..1000003\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 maglev-size 0x10001",
	    "Error: argument \"0x10001\" is wrong: maglev-size is not a number\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 maglev-size",
	    "Error: \"maglev-size\" requires an argument.\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 maglev-size 251 maglev-size 257",
	    "Error: duplicate \"maglev-size\": \"257\" is the second value.\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 weight 1", "Error: unexpected argument \"weight\".\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 sched rr extra",
	    "Error: unexpected argument \"extra\".\n"),
	/* set: the same options, at least one */
	OK(SVC_SET, "tcp 198.51.100.10:80 persist 60",
	   COUNT(SVC, 4), SVC_ID(TCP, "198.51.100.10", 80),
	   U32(SVC, KNAT_SVC_A_PERSIST, 60), ABSENT(SVC, KNAT_SVC_A_SCHED),
	   ABSENT(SVC, KNAT_SVC_A_MAGLEV_SIZE)),
	OK(SVC_SET, "tcp 198.51.100.10:80 sched maglev maglev-size 257",
	   STR(SVC, KNAT_SVC_A_SCHED, "maglev", 0), U32(SVC, KNAT_SVC_A_MAGLEV_SIZE, 257),
	   ABSENT(SVC, KNAT_SVC_A_PERSIST)),
	BAD(SVC_SET, "tcp 198.51.100.10:80", "Error: nothing to set.\n"),
	BAD(SVC_SET, "tcp 198.51.100.10:80 maglev-size 4",
	    "Error: argument \"4\" is wrong: maglev-size must be 251..1000003\n"),
	BAD(SVC_SET, "udp", "Error: \"VIP:PORT\" is required.\n"),
	/* the passive health check: add and set, each option alone too */
	OK(SVC_ADD, "tcp 198.51.100.10:80 sched wlc check-fails 5 check-timeout 3 "
		    "check-holddown 30",
	   COUNT(SVC, 7), STR(SVC, KNAT_SVC_A_SCHED, "wlc", 0),
	   U32(SVC, KNAT_SVC_A_CHECK_FAILS, 5), U32(SVC, KNAT_SVC_A_CHECK_TIMEOUT, 3),
	   U32(SVC, KNAT_SVC_A_CHECK_HOLDDOWN, 30), ABSENT(SVC, KNAT_SVC_A_PERSIST),
	   ABSENT(SVC, KNAT_SVC_A_MAGLEV_SIZE)),
	/* without check-*: the module's defaults */
	OK(SVC_ADD, "tcp 198.51.100.10:80 sched rr",
	   ABSENT(SVC, KNAT_SVC_A_CHECK_FAILS), ABSENT(SVC, KNAT_SVC_A_CHECK_TIMEOUT),
	   ABSENT(SVC, KNAT_SVC_A_CHECK_HOLDDOWN), ABSENT(SVC, KNAT_SVC_A_CHECK_CLIENTS)),
	/* check-fails 0: off */
	OK(SVC_SET, "tcp 198.51.100.10:80 check-fails 0",
	   COUNT(SVC, 4), U32(SVC, KNAT_SVC_A_CHECK_FAILS, 0),
	   ABSENT(SVC, KNAT_SVC_A_CHECK_TIMEOUT), ABSENT(SVC, KNAT_SVC_A_CHECK_HOLDDOWN)),
	OK(SVC_SET, "tcp 198.51.100.10:80 check-timeout 3600",
	   U32(SVC, KNAT_SVC_A_CHECK_TIMEOUT, 3600), ABSENT(SVC, KNAT_SVC_A_CHECK_FAILS),
	   ABSENT(SVC, KNAT_SVC_A_CHECK_HOLDDOWN)),
	OK(SVC_SET, "tcp 198.51.100.10:80 check-holddown 86400",
	   U32(SVC, KNAT_SVC_A_CHECK_HOLDDOWN, 86400), ABSENT(SVC, KNAT_SVC_A_CHECK_FAILS),
	   ABSENT(SVC, KNAT_SVC_A_CHECK_TIMEOUT)),
	/* the limits */
	OK(SVC_SET, "tcp 198.51.100.10:80 check-fails 100 check-timeout 1 check-holddown 1",
	   U32(SVC, KNAT_SVC_A_CHECK_FAILS, 100), U32(SVC, KNAT_SVC_A_CHECK_TIMEOUT, 1),
	   U32(SVC, KNAT_SVC_A_CHECK_HOLDDOWN, 1)),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 check-fails 101",
	    "Error: argument \"101\" is wrong: check-fails must be 0..100\n"),
	BAD(SVC_SET, "tcp 10.0.0.1:80 check-fails three",
	    "Error: argument \"three\" is wrong: check-fails is not a number\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 check-fails",
	    "Error: \"check-fails\" requires an argument.\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 check-fails 1 check-fails 2",
	    "Error: duplicate \"check-fails\": \"2\" is the second value.\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 check-timeout 0",
	    "Error: argument \"0\" is wrong: check-timeout must be 1..3600\n"),
	BAD(SVC_SET, "tcp 10.0.0.1:80 check-timeout 3601",
	    "Error: argument \"3601\" is wrong: check-timeout must be 1..3600\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 check-timeout 2s",
	    "Error: argument \"2s\" is wrong: check-timeout is not a number\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 check-timeout 2 check-timeout 2",
	    "Error: duplicate \"check-timeout\": \"2\" is the second value.\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 check-holddown 0",
	    "Error: argument \"0\" is wrong: check-holddown must be 1..86400\n"),
	BAD(SVC_SET, "tcp 10.0.0.1:80 check-holddown 86401",
	    "Error: argument \"86401\" is wrong: check-holddown must be 1..86400\n"),
	BAD(SVC_SET, "tcp 10.0.0.1:80 check-holddown",
	    "Error: \"check-holddown\" requires an argument.\n"),
	OK(SVC_SET, "tcp 198.51.100.10:80 check-clients 3",
	   COUNT(SVC, 4), U32(SVC, KNAT_SVC_A_CHECK_CLIENTS, 3),
	   ABSENT(SVC, KNAT_SVC_A_CHECK_FAILS)),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 check-clients 0",
	    "Error: argument \"0\" is wrong: check-clients must be 1..8\n"),
	BAD(SVC_SET, "tcp 10.0.0.1:80 check-clients 9",
	    "Error: argument \"9\" is wrong: check-clients must be 1..8\n"),
	BAD(SVC_ADD, "tcp 10.0.0.1:80 check 3", "Error: unexpected argument \"check\".\n"),
	BAD(SVC_DEL, "tcp 10.0.0.1:80 check-fails 3",
	    "Error: unexpected argument \"check-fails\".\n"),
	/* del: PROTO, ADDR and PORT only */
	OK(SVC_DEL, "udp 198.51.100.10:53",
	   COUNT(0, 1), NEST(0, SVC), COUNT(SVC, 3), SVC_ID(UDP, "198.51.100.10", 53)),
	BAD(SVC_DEL, "udp 198.51.100.10:53 sched rr", "Error: unexpected argument \"sched\".\n"),
	BAD(SVC_DEL, "udp 198.51.100.10:53 persist",
	    "Error: unexpected argument \"persist\".\n"),
	BAD(SVC_DEL, "", "Error: \"tcp|udp\" is required.\n"),

	/* ---- backend ---- */
	OK(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2:8080 weight 2",
	   COUNT(0, 2), NEST(0, SVC), NEST(0, BE),
	   COUNT(SVC, 3), SVC_ID(TCP, "198.51.100.10", 80),
	   COUNT(BE, 3), ADDR(BE, KNAT_BE_A_ADDR, "10.0.2.2"), BE16(BE, KNAT_BE_A_PORT, 8080),
	   U32(BE, KNAT_BE_A_WEIGHT, 2), ABSENT(BE, KNAT_BE_A_STATE),
	   ABSENT(BE, KNAT_BE_A_DRAIN)),
	/* without port: PORT 0 (the service's), WEIGHT omitted */
	OK(BE_ADD, "udp 198.51.100.10:53 10.0.2.3",
	   COUNT(BE, 2), BE16(BE, KNAT_BE_A_PORT, 0), ABSENT(BE, KNAT_BE_A_WEIGHT)),
	/* weight 0: drain */
	OK(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2 weight 0", U32(BE, KNAT_BE_A_WEIGHT, 0)),
	OK(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2 weight 65535",
	   U32(BE, KNAT_BE_A_WEIGHT, 65535)),
	BAD(BE_ADD, "", "Error: \"tcp|udp\" is required.\n"),
	BAD(BE_ADD, "sctp 198.51.100.10:80 10.0.2.2",
	    "Error: argument \"sctp\" is wrong: protocol must be tcp or udp\n"),
	BAD(BE_ADD, "tcp", "Error: \"VIP:PORT\" is required.\n"),
	BAD(BE_ADD, "tcp 198.51.100.10 10.0.2.2",
	    "Error: argument \"198.51.100.10\" is wrong: missing port\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80", "Error: \"ADDR[:PORT]\" is required.\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 :8080",
	    "Error: argument \":8080\" is wrong: missing address\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2:0",
	    "Error: argument \"10.0.2.2:0\" is wrong: port out of range\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2:8080-8081",
	    "Error: argument \"10.0.2.2:8080-8081\" is wrong: port range not allowed "
	    "here\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 10.0.2",
	    "Error: argument \"10.0.2\" is wrong: invalid IPv4 address\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2 weight 65536",
	    "Error: argument \"65536\" is wrong: weight must be 0..65535\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2 weight heavy",
	    "Error: argument \"heavy\" is wrong: weight is not a number\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2 weight",
	    "Error: \"weight\" requires an argument.\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2 weight 1 weight 2",
	    "Error: duplicate \"weight\": \"2\" is the second value.\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2 down",
	    "Error: unexpected argument \"down\".\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 10.0.2.2 drain 5",
	    "Error: unexpected argument \"drain\".\n"),
	/* add: several backends, as a shell brace expansion gives them */
	OK_N(BE_LIST, "tcp 198.51.100.10:80 10.0.2.11:8080 10.0.2.12:8080 10.0.2.13 weight 3",
	     3,
	     SVC_ID_IN(SVC, TCP, "198.51.100.10", 80, 0),
	     SVC_ID_IN(SVC, TCP, "198.51.100.10", 80, 1),
	     SVC_ID_IN(SVC, TCP, "198.51.100.10", 80, 2),
	     WANT(W_ADDR, BE, 0, KNAT_BE_A_ADDR, 0, "10.0.2.11", 0),
	     WANT(W_BE16, BE, 0, KNAT_BE_A_PORT, 8080, NULL, 0),
	     WANT(W_U32, BE, 0, KNAT_BE_A_WEIGHT, 3, NULL, 0),
	     WANT(W_ADDR, BE, 0, KNAT_BE_A_ADDR, 0, "10.0.2.12", 1),
	     WANT(W_BE16, BE, 0, KNAT_BE_A_PORT, 8080, NULL, 1),
	     WANT(W_U32, BE, 0, KNAT_BE_A_WEIGHT, 3, NULL, 1),
	     WANT(W_ADDR, BE, 0, KNAT_BE_A_ADDR, 0, "10.0.2.13", 2),
	     WANT(W_BE16, BE, 0, KNAT_BE_A_PORT, 0, NULL, 2),
	     WANT(W_U32, BE, 0, KNAT_BE_A_WEIGHT, 3, NULL, 2)),
	BAD(BE_LIST, "tcp 198.51.100.10:80 10.0.2.11:8080 10.0.2.1:8080 10.0.2.11:8080",
	    "Error: argument \"10.0.2.11:8080\" is wrong: the same backend twice\n"),
	BAD(BE_LIST, "tcp 198.51.100.10:80 10.0.2.11:8080 10.0.2.300",
	    "Error: argument \"10.0.2.300\" is wrong: invalid IPv4 address\n"),
	BAD(BE_LIST, "tcp 198.51.100.10:80 10.0.2.11 10.0.2.12 drain 5",
	    "Error: unexpected argument \"drain\".\n"),
	/* set and del take one backend */
	BAD(BE_SET, "tcp 198.51.100.10:80 10.0.2.11 10.0.2.12 down",
	    "Error: unexpected argument \"10.0.2.12\".\n"),
	/* set: weight, down, up */
	OK(BE_SET, "tcp 198.51.100.10:80 10.0.2.2:8080 down",
	   COUNT(0, 2), NEST(0, SVC), NEST(0, BE), COUNT(BE, 3),
	   U8(BE, KNAT_BE_A_STATE, KNAT_BACKEND_DOWN), ABSENT(BE, KNAT_BE_A_WEIGHT)),
	OK(BE_SET, "tcp 198.51.100.10:80 10.0.2.2 weight 5 up",
	   COUNT(BE, 4), U32(BE, KNAT_BE_A_WEIGHT, 5),
	   U8(BE, KNAT_BE_A_STATE, KNAT_BACKEND_UP), BE16(BE, KNAT_BE_A_PORT, 0)),
	OK(BE_SET, "tcp 198.51.100.10:80 10.0.2.2 weight 7",
	   U32(BE, KNAT_BE_A_WEIGHT, 7), ABSENT(BE, KNAT_BE_A_STATE)),
	BAD(BE_SET, "tcp 198.51.100.10:80 10.0.2.2", "Error: nothing to set.\n"),
	BAD(BE_SET, "tcp 198.51.100.10:80 10.0.2.2 down up",
	    "Error: \"down\" and \"up\" cannot be used together.\n"),
	BAD(BE_SET, "tcp 198.51.100.10:80 10.0.2.2 up down",
	    "Error: \"down\" and \"up\" cannot be used together.\n"),
	BAD(BE_SET, "tcp 198.51.100.10:80 10.0.2.2 down down",
	    "Error: duplicate \"down\".\n"),
	BAD(BE_SET, "tcp 198.51.100.10:80 10.0.2.2 up weight",
	    "Error: \"weight\" requires an argument.\n"),
	BAD(BE_SET, "tcp 198.51.100.10:80 10.0.2.2 weight -1",
	    "Error: argument \"-1\" is wrong: weight is not a number\n"),
	BAD(BE_SET, "tcp 198.51.100.10:80 10.0.2.2 drain 10",
	    "Error: unexpected argument \"drain\".\n"),
	/* del: identity, optional drain */
	OK(BE_DEL, "udp 198.51.100.10:53 10.0.2.3:5353",
	   SVC_ID(UDP, "198.51.100.10", 53), COUNT(BE, 2),
	   ADDR(BE, KNAT_BE_A_ADDR, "10.0.2.3"), BE16(BE, KNAT_BE_A_PORT, 5353),
	   ABSENT(BE, KNAT_BE_A_DRAIN)),
	OK(BE_DEL, "udp 198.51.100.10:53 10.0.2.3 drain 30",
	   COUNT(BE, 3), U32(BE, KNAT_BE_A_DRAIN, 30), ABSENT(BE, KNAT_BE_A_WEIGHT),
	   ABSENT(BE, KNAT_BE_A_STATE)),
	/* drain 0: remove now, given */
	OK(BE_DEL, "udp 198.51.100.10:53 10.0.2.3 drain 0", U32(BE, KNAT_BE_A_DRAIN, 0)),
	OK(BE_DEL, "udp 198.51.100.10:53 10.0.2.3 drain 86400",
	   U32(BE, KNAT_BE_A_DRAIN, 86400)),
	BAD(BE_DEL, "udp 198.51.100.10:53 10.0.2.3 drain 86401",
	    "Error: argument \"86401\" is wrong: drain must be 0..86400\n"),
	BAD(BE_DEL, "udp 198.51.100.10:53 10.0.2.3 drain soon",
	    "Error: argument \"soon\" is wrong: drain is not a number\n"),
	BAD(BE_DEL, "udp 198.51.100.10:53 10.0.2.3 drain",
	    "Error: \"drain\" requires an argument.\n"),
	BAD(BE_DEL, "udp 198.51.100.10:53 10.0.2.3 drain 1 drain 2",
	    "Error: duplicate \"drain\": \"2\" is the second value.\n"),
	BAD(BE_DEL, "udp 198.51.100.10:53 10.0.2.3 weight 1",
	    "Error: unexpected argument \"weight\".\n"),
	BAD(BE_DEL, "udp 198.51.100.10:53 10.0.2.3 down",
	    "Error: unexpected argument \"down\".\n"),
	BAD(BE_DEL, "udp 198.51.100.10:53", "Error: \"ADDR[:PORT]\" is required.\n"),
	/* IPv6: the service and its backends ADDR6, 16 bytes, never ADDR */
	OK(BE_ADD, "tcp [2001:db8::10]:80 [fd00:2::11]:8080 weight 2",
	   COUNT(0, 2), NEST(0, SVC), NEST(0, BE),
	   COUNT(SVC, 3), SVC_ID6(TCP, "2001:db8::10", 80),
	   COUNT(BE, 3), ADDR6(BE, KNAT_BE_A_ADDR6, "fd00:2::11"), ABSENT(BE, KNAT_BE_A_ADDR),
	   BE16(BE, KNAT_BE_A_PORT, 8080), U32(BE, KNAT_BE_A_WEIGHT, 2)),
	/* without a port, in brackets or bare: PORT 0 (the service's) */
	OK(BE_ADD, "tcp [2001:db8::10]:80 [fd00:2::11]",
	   COUNT(BE, 2), ADDR6(BE, KNAT_BE_A_ADDR6, "fd00:2::11"),
	   BE16(BE, KNAT_BE_A_PORT, 0), ABSENT(BE, KNAT_BE_A_WEIGHT)),
	OK(BE_ADD, "tcp [2001:db8::10]:80 fd00:2::11",
	   COUNT(BE, 2), ADDR6(BE, KNAT_BE_A_ADDR6, "fd00:2::11"), ABSENT(BE, KNAT_BE_A_ADDR),
	   BE16(BE, KNAT_BE_A_PORT, 0)),
	OK_N(BE_LIST, "udp [2001:db8::10]:53 [fd00:2::11]:5353 fd00:2::12 weight 3", 2,
	     SVC_ID6_IN(SVC, UDP, "2001:db8::10", 53, 0),
	     SVC_ID6_IN(SVC, UDP, "2001:db8::10", 53, 1),
	     WANT(W_ADDR6, BE, 0, KNAT_BE_A_ADDR6, 0, "fd00:2::11", 0),
	     WANT(W_ABSENT, BE, 0, KNAT_BE_A_ADDR, 0, NULL, 0),
	     WANT(W_BE16, BE, 0, KNAT_BE_A_PORT, 5353, NULL, 0),
	     WANT(W_U32, BE, 0, KNAT_BE_A_WEIGHT, 3, NULL, 0),
	     WANT(W_ADDR6, BE, 0, KNAT_BE_A_ADDR6, 0, "fd00:2::12", 1),
	     WANT(W_ABSENT, BE, 0, KNAT_BE_A_ADDR, 0, NULL, 1),
	     WANT(W_BE16, BE, 0, KNAT_BE_A_PORT, 0, NULL, 1),
	     WANT(W_U32, BE, 0, KNAT_BE_A_WEIGHT, 3, NULL, 1)),
	OK(BE_SET, "tcp [2001:db8::10]:80 [fd00:2::11]:8080 down",
	   COUNT(SVC, 3), SVC_ID6(TCP, "2001:db8::10", 80), COUNT(BE, 3),
	   ADDR6(BE, KNAT_BE_A_ADDR6, "fd00:2::11"), U8(BE, KNAT_BE_A_STATE, KNAT_BACKEND_DOWN)),
	OK(BE_DEL, "udp [2001:db8::10]:53 [fd00:2::11]:5353 drain 30",
	   SVC_ID6(UDP, "2001:db8::10", 53), COUNT(BE, 3),
	   ADDR6(BE, KNAT_BE_A_ADDR6, "fd00:2::11"), ABSENT(BE, KNAT_BE_A_ADDR),
	   BE16(BE, KNAT_BE_A_PORT, 5353), U32(BE, KNAT_BE_A_DRAIN, 30)),
	/* one family: a backend of the other is refused, both named */
	BAD(BE_ADD, "tcp [2001:db8::10]:80 10.0.2.11",
	    "Error: argument \"10.0.2.11\" is wrong: IPv4, but \"[2001:db8::10]:80\" "
	    "is IPv6\n"),
	BAD(BE_ADD, "tcp 198.51.100.10:80 [fd00::11]:8080",
	    "Error: argument \"[fd00::11]:8080\" is wrong: IPv6, but \"198.51.100.10:80\" "
	    "is IPv4\n"),
	BAD(BE_LIST, "tcp 198.51.100.10:80 10.0.2.11 fd00::12",
	    "Error: argument \"fd00::12\" is wrong: IPv6, but \"198.51.100.10:80\" "
	    "is IPv4\n"),
	BAD(BE_LIST, "tcp [2001:db8::10]:80 fd00:2::11 10.0.2.12:8080 weight 1",
	    "Error: argument \"10.0.2.12:8080\" is wrong: IPv4, but \"[2001:db8::10]:80\" "
	    "is IPv6\n"),
	BAD(BE_SET, "tcp [2001:db8::10]:80 10.0.2.11 down",
	    "Error: argument \"10.0.2.11\" is wrong: IPv4, but \"[2001:db8::10]:80\" "
	    "is IPv6\n"),
	BAD(BE_DEL, "tcp 198.51.100.10:80 fd00::11",
	    "Error: argument \"fd00::11\" is wrong: IPv6, but \"198.51.100.10:80\" "
	    "is IPv4\n"),
	/* the same backend twice, however it is spelled: all 16 bytes compared */
	BAD(BE_LIST, "tcp [2001:db8::10]:80 [fd00:2::11]:8080 [fd00:2:0::11]:8080",
	    "Error: argument \"[fd00:2:0::11]:8080\" is wrong: the same backend twice\n"),
	OK_N(BE_LIST, "tcp [2001:db8::10]:80 [fd00:2::11]:8080 [fd00:3::11]:8080", 2,
	     WANT(W_ADDR6, BE, 0, KNAT_BE_A_ADDR6, 0, "fd00:2::11", 0),
	     WANT(W_ADDR6, BE, 0, KNAT_BE_A_ADDR6, 0, "fd00:3::11", 1)),
	BAD(BE_ADD, "tcp [2001:db8::10]:80 [fd00:2::11]:8080-8081",
	    "Error: argument \"[fd00:2::11]:8080-8081\" is wrong: port range not allowed "
	    "here\n"),
	BAD(BE_ADD, "tcp [2001:db8::10]:80 [fd00:2::11",
	    "Error: argument \"[fd00:2::11\" is wrong: missing \"]\" after the IPv6 "
	    "address\n"),

	/* ---- explain ---- */
	OK(EXPLAIN, "tcp 198.51.100.2:40000 203.0.113.10:80",
	   COUNT(0, 1), NEST(0, EXP), COUNT(EXP, 5), U8(EXP, KNAT_EXP_A_PROTO, TCP),
	   ADDR(EXP, KNAT_EXP_A_SRC, "198.51.100.2"), ADDR(EXP, KNAT_EXP_A_DST, "203.0.113.10"),
	   BE16(EXP, KNAT_EXP_A_SPORT, 40000), BE16(EXP, KNAT_EXP_A_DPORT, 80),
	   ABSENT(EXP, KNAT_EXP_A_SRC6), ABSENT(EXP, KNAT_EXP_A_DST6)),
	OK(EXPLAIN, "udp 198.51.100.2:40000 192.0.2.2:53 iif br0",
	   COUNT(EXP, 6), STR(EXP, KNAT_EXP_A_IIF, "br0", 0), ABSENT(EXP, KNAT_EXP_A_LOCAL)),
	/* ICMP: the echo id (0 without one), no DPORT */
	OK(EXPLAIN, "icmp 198.51.100.2:7 192.0.2.2 local",
	   COUNT(EXP, 5), U8(EXP, KNAT_EXP_A_PROTO, IPPROTO_ICMP),
	   BE16(EXP, KNAT_EXP_A_SPORT, 7), ABSENT(EXP, KNAT_EXP_A_DPORT),
	   ABSENT(EXP, KNAT_EXP_A_IIF)),
	OK(EXPLAIN, "icmp 198.51.100.2 192.0.2.2", COUNT(EXP, 4),
	   BE16(EXP, KNAT_EXP_A_SPORT, 0)),
	/* IPv6: SRC6 and DST6, never SRC and DST */
	OK(EXPLAIN, "tcp [fd00:1::2]:5555 [2001:db8:1::1]:8080 iif r-lan",
	   COUNT(EXP, 6), U8(EXP, KNAT_EXP_A_PROTO, TCP),
	   ADDR6(EXP, KNAT_EXP_A_SRC6, "fd00:1::2"), ADDR6(EXP, KNAT_EXP_A_DST6, "2001:db8:1::1"),
	   ABSENT(EXP, KNAT_EXP_A_SRC), ABSENT(EXP, KNAT_EXP_A_DST),
	   BE16(EXP, KNAT_EXP_A_SPORT, 5555), BE16(EXP, KNAT_EXP_A_DPORT, 8080),
	   STR(EXP, KNAT_EXP_A_IIF, "r-lan", 0)),
	OK(EXPLAIN, "udp [::1]:53 [::1]:5353 local",
	   COUNT(EXP, 6), ADDR6(EXP, KNAT_EXP_A_SRC6, "::1"), ADDR6(EXP, KNAT_EXP_A_DST6, "::1")),
	/* ICMPv6 echo: bare addresses or [ADDR]:ID; icmp6 is its alias */
	OK(EXPLAIN, "icmpv6 fd00:1::2 2001:db8:1::2",
	   COUNT(EXP, 4), U8(EXP, KNAT_EXP_A_PROTO, IPPROTO_ICMPV6),
	   ADDR6(EXP, KNAT_EXP_A_SRC6, "fd00:1::2"), ADDR6(EXP, KNAT_EXP_A_DST6, "2001:db8:1::2"),
	   BE16(EXP, KNAT_EXP_A_SPORT, 0), ABSENT(EXP, KNAT_EXP_A_DPORT)),
	OK(EXPLAIN, "icmp6 [fd00:1::2]:4242 [2001:db8:1::2]",
	   U8(EXP, KNAT_EXP_A_PROTO, IPPROTO_ICMPV6), BE16(EXP, KNAT_EXP_A_SPORT, 4242),
	   ADDR6(EXP, KNAT_EXP_A_DST6, "2001:db8:1::2"), ABSENT(EXP, KNAT_EXP_A_DPORT)),
	BAD(EXPLAIN, "", "Error: \"tcp|udp|icmp|icmpv6\" is required.\n"),
	BAD(EXPLAIN, "sctp 1.2.3.4:5 6.7.8.9:10",
	    "Error: argument \"sctp\" is wrong: protocol must be tcp, udp, icmp or icmpv6\n"),
	BAD(EXPLAIN, "tcp fd00::2:5555 [2001:db8::1]:80",
	    "Error: argument \"fd00::2:5555\" is wrong: missing port (an IPv6 address "
	    "with a port is written [ADDR]:PORT)\n"),
	BAD(EXPLAIN, "tcp [fd00::2]:5555 203.0.113.10:80",
	    "Error: argument \"203.0.113.10:80\" is wrong: IPv4, but \"[fd00::2]:5555\" "
	    "is IPv6\n"),
	BAD(EXPLAIN, "udp 198.51.100.2:1 [2001:db8::1]:53",
	    "Error: argument \"[2001:db8::1]:53\" is wrong: IPv6, but \"198.51.100.2:1\" "
	    "is IPv4\n"),
	BAD(EXPLAIN, "icmp fd00::2 2001:db8::1",
	    "Error: argument \"fd00::2\" is wrong: IPv6, but \"icmp\" is IPv4\n"),
	BAD(EXPLAIN, "icmpv6 198.51.100.2 192.0.2.2",
	    "Error: argument \"198.51.100.2\" is wrong: IPv4, but \"icmpv6\" is IPv6\n"),
	BAD(EXPLAIN, "icmpv6 fd00::2 192.0.2.2",
	    "Error: argument \"192.0.2.2\" is wrong: IPv4, but \"fd00::2\" is IPv6\n"),
	BAD(EXPLAIN, "icmpv6 [fd00::2]:7 [2001:db8::1]:7",
	    "Error: argument \"[2001:db8::1]:7\" is wrong: ICMP echo has no destination "
	    "port\n"),
	BAD(EXPLAIN, "tcp [fd00::2]-[fd00::3]:1 [2001:db8::1]:80",
	    "Error: argument \"[fd00::2]-[fd00::3]:1\" is wrong: address range not allowed "
	    "here\n"),
	BAD(EXPLAIN, "udp [fd00::2]:1 [2001:db8::1]:53 local iif eth0",
	    "Error: argument \"eth0\" is wrong: a local packet has no input device\n"),
};

/* ---- the loop ---- */

#define MAX_WORDS 32

struct words {
	char buf[512];
	char *argv[MAX_WORDS];
	int argc;
};

static void split(struct words *w, const char *line)
{
	char *tok, *save;

	snprintf(w->buf, sizeof(w->buf), "%s", line);
	w->argc = 0;
	for (tok = strtok_r(w->buf, " ", &save); tok && w->argc < MAX_WORDS - 1;
	     tok = strtok_r(NULL, " ", &save))
		w->argv[w->argc++] = tok;
	w->argv[w->argc] = NULL;
}

static char msgbuf[MNLG_TX_SIZE];

static struct nlmsghdr *msg_new(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);

	nlh->nlmsg_type = GENL_MIN_ID;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	return nlh;
}

#define TB_MAX 32

struct attrs {
	const struct nlattr *tb[TB_MAX];
	unsigned int count;	/* attributes seen, duplicates included */
};

static int collect_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	uint16_t type = mnl_attr_get_type(a);

	at->count++;
	if (type < TB_MAX)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static void collect_nest(const struct nlattr *nest, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	if (nest)
		mnl_attr_parse_nested(nest, collect_cb, at);
}

/* The attributes at @w's level of the request for @u's backend w->item. */
static void collect(enum parser p, const union spec *u, const struct want *w,
		    struct attrs *at)
{
	struct nlmsghdr *nlh = msg_new();

	put(p, nlh, u, w->item);
	memset(at, 0, sizeof(*at));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect_cb, at);
	if (w->nest)
		collect_nest(at->tb[w->nest], at);
	if (w->sub)
		collect_nest(at->tb[w->sub], at);
}

static bool sized(const struct nlattr *a, uint16_t len)
{
	return a && mnl_attr_get_payload_len(a) == len;
}

static void check(const char *what, enum parser p, const union spec *u,
		  const struct want *w)
{
	const struct nlattr *a;
	struct in6_addr in6;
	struct attrs at;
	char where[64];

	collect(p, u, w, &at);
	snprintf(where, sizeof(where), "%s%s%s", w->nest ? w->nest_name : "top",
		 w->sub ? "/" : "", w->sub ? w->sub_name : "");
	if (p == BE_LIST)
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 " of backend %d", w->item + 1);
	a = w->type < TB_MAX ? at.tb[w->type] : NULL;
	switch (w->kind) {
	case W_COUNT:
		tap_num(at.count, w->num, "%s: [%s] attribute count", what, where);
		break;
	case W_ABSENT:
		tap_ok(!a, "%s: [%s] %s absent", what, where, w->name);
		break;
	case W_NEST:
		tap_ok(a && (a->nla_type & NLA_F_NESTED),
		       "%s: [%s] %s a nest, NLA_F_NESTED set", what, where, w->name);
		break;
	case W_U8:
		tap_ok(sized(a, 1) && mnl_attr_get_u8(a) == w->num,
		       "%s: [%s] %s u8 %u", what, where, w->name, w->num);
		break;
	case W_BE16:
		tap_ok(sized(a, 2) && ntohs(mnl_attr_get_u16(a)) == w->num,
		       "%s: [%s] %s be16 %u", what, where, w->name, w->num);
		break;
	case W_U32:
		tap_ok(sized(a, 4) && mnl_attr_get_u32(a) == w->num,
		       "%s: [%s] %s u32 %u", what, where, w->name, w->num);
		break;
	case W_ADDR:
		tap_ok(sized(a, 4) && mnl_attr_get_u32(a) == inet_addr(w->str),
		       "%s: [%s] %s be32 %s", what, where, w->name, w->str);
		break;
	case W_ADDR6:
		tap_ok(sized(a, 16) && inet_pton(AF_INET6, w->str, &in6) == 1 &&
		       !memcmp(mnl_attr_get_payload(a), &in6, sizeof(in6)),
		       "%s: [%s] %s 16 bytes %s", what, where, w->name, w->str);
		break;
	case W_STR:
		tap_ok(a && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0 &&
		       !strcmp(mnl_attr_get_str(a), w->str) &&
		       (!w->num || mnl_attr_get_payload_len(a) <= w->num),
		       "%s: [%s] %s NUL-terminated \"%s\"%s", what, where,
		       w->name, w->str, w->num ? ", within its limit" : "");
		break;
	}
}

/* The end of a case's wants: the zeroed rest of the array. */
static bool want_end(const struct want *w)
{
	return !w->name;
}

void test_args(void)
{
	unsigned int i, j;

	printf("# object arguments: %zu command lines\n",
	       sizeof(cases) / sizeof(cases[0]));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct args_case *c = &cases[i];
		static union spec u;
		char what[160];
		struct words w;
		const char *out;
		int rc, n = 0;

		snprintf(what, sizeof(what), "%s \"%s\"", parser_name[c->p],
			 c->line);
		memset(&u, 0, sizeof(u));
		split(&w, c->line);
		capture_start(false, false);
		rc = parse(c->p, w.argc, w.argv, &u, &n);
		out = capture_end();
		tap_num(rc, c->rc, "%s: exit code", what);
		tap_str(out, c->out, "%s: message", what);
		if (c->p == BE_LIST && !c->rc)
			tap_num(n, c->items, "%s: backends parsed", what);
		if (rc)
			continue;
		for (j = 0; j < MAX_WANTS && !want_end(&c->want[j]); j++)
			check(what, c->p, &u, &c->want[j]);
	}
}
