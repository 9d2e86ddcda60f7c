// SPDX-License-Identifier: GPL-2.0
/*
 * Object argument parsing: the plain structs the words become, every usage
 * error with its exact message, and the attributes put into the request.
 */
#include <arpa/inet.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/knat.h>

#include "../config.h"
#include "../flow.h"
#include "../forward.h"
#include "../mnlg.h"
#include "../service.h"
#include "../snat.h"
#include "../utils.h"
#include "tap.h"
#include "unit.h"

static uint32_t A(const char *s)
{
	return inet_addr(s);
}

/* ---- running a parser on a command line given as one string ---- */

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

/* Parse line; check the exit code and everything printed. */
#define EXPECT_PARSE(fn, line, want_ret, want_msg, ...)			\
	do {								\
		struct words w_;					\
		const char *out_;					\
		int ret_;						\
									\
		split(&w_, line);					\
		capture_start(false, false);				\
		ret_ = fn(w_.argc, w_.argv, __VA_ARGS__);		\
		out_ = capture_end();					\
		tap_num(ret_, want_ret, #fn " \"%s\": exit code", line); \
		tap_str(out_, want_msg, #fn " \"%s\": message", line);	\
	} while (0)

/* ---- reading back the attributes we built ---- */

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

static void collect_msg(const struct nlmsghdr *nlh, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect_cb, at);
}

static void collect_nest(const struct nlattr *nest, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	if (nest)
		mnl_attr_parse_nested(nest, collect_cb, at);
}

/* Strict kernel validation wants NLA_F_NESTED on every nest. */
static bool is_nest(const struct nlattr *a)
{
	return a && (a->nla_type & NLA_F_NESTED);
}

static uint16_t be16_at(const struct attrs *at, int type)
{
	return at->tb[type] ? ntohs(mnl_attr_get_u16(at->tb[type])) : 0xffff;
}

static uint32_t u32_at(const struct attrs *at, int type)
{
	return at->tb[type] ? mnl_attr_get_u32(at->tb[type]) : 0xdeadbeef;
}

/* An attribute of exactly this payload size: u8 1, be16 2, u32/be32 4. */
static bool sized(const struct attrs *at, int type, uint16_t len)
{
	return at->tb[type] && mnl_attr_get_payload_len(at->tb[type]) == len;
}

/* ---- forward ---- */

static void test_forward(void)
{
	struct forward_spec fs;
	struct nlmsghdr *nlh;
	struct attrs top, at;
	struct words w;

	printf("# forward arguments\n");
	split(&w, "tcp :8080 to 10.0.2.2:80");
	tap_num(forward_parse(w.argc, w.argv, true, &fs), 0, "forward add tcp :8080 to 10.0.2.2:80");
	tap_ok(fs.proto == IPPROTO_TCP && fs.addr == 0 && fs.port_min == 8080 &&
	       fs.port_max == 8080 && fs.to_addr == A("10.0.2.2") && fs.to_port == 80,
	       "forward add: struct values");

	nlh = msg_new();
	forward_put(nlh, &fs, true);
	collect_msg(nlh, &top);
	tap_ok(top.count == 1 && is_nest(top.tb[KNAT_A_FORWARD]),
	       "forward add: one KNAT_A_FORWARD nest, NLA_F_NESTED set");
	collect_nest(top.tb[KNAT_A_FORWARD], &at);
	tap_num(at.count, 6, "forward add: six attributes");
	tap_ok(at.tb[KNAT_FWD_A_PROTO] && mnl_attr_get_payload_len(at.tb[KNAT_FWD_A_PROTO]) == 1 &&
	       mnl_attr_get_u8(at.tb[KNAT_FWD_A_PROTO]) == IPPROTO_TCP,
	       "forward add: PROTO u8 tcp");
	tap_num(u32_at(&at, KNAT_FWD_A_ADDR), 0, "forward add: ADDR 0 (any)");
	tap_num(be16_at(&at, KNAT_FWD_A_PORT_MIN), 8080, "forward add: PORT_MIN be16");
	tap_num(be16_at(&at, KNAT_FWD_A_PORT_MAX), 8080, "forward add: PORT_MAX be16");
	tap_num(u32_at(&at, KNAT_FWD_A_TO_ADDR), A("10.0.2.2"), "forward add: TO_ADDR be32");
	tap_num(be16_at(&at, KNAT_FWD_A_TO_PORT), 80, "forward add: TO_PORT be16");
	tap_ok(mnl_attr_get_payload_len(at.tb[KNAT_FWD_A_PORT_MIN]) == 2 &&
	       mnl_attr_get_payload_len(at.tb[KNAT_FWD_A_ADDR]) == 4,
	       "forward add: be16 and be32 sizes");

	split(&w, "udp 198.51.100.1:5000-5010 to 10.0.2.2:6000-6010");
	tap_num(forward_parse(w.argc, w.argv, true, &fs), 0, "forward add udp range to range");
	tap_ok(fs.proto == IPPROTO_UDP && fs.addr == A("198.51.100.1") &&
	       fs.port_min == 5000 && fs.port_max == 5010 && fs.to_port == 6000,
	       "forward add udp range: struct values");

	split(&w, "tcp :22 to 10.0.2.2");
	tap_num(forward_parse(w.argc, w.argv, true, &fs), 0, "forward add keep-port");
	tap_ok(fs.to_port == 0 && fs.to_addr == A("10.0.2.2"), "forward add keep-port: TO_PORT 0");

	split(&w, "tcp :5000-5010 to 10.0.2.2:6000");
	tap_num(forward_parse(w.argc, w.argv, true, &fs), 0,
		"forward add range to a single first port");
	tap_num(fs.to_port, 6000, "forward add range to first port: TO_PORT");

	split(&w, "tcp :8080 to 10.0.2.2:80-80");
	tap_num(forward_parse(w.argc, w.argv, true, &fs), 0, "forward add to PORT-PORT of one port");

	EXPECT_PARSE(forward_parse, "tcp :5000-5010 to 10.0.2.2:6000-6005", EXIT_USAGE,
		     "Error: argument \"10.0.2.2:6000-6005\" is wrong: port range size "
		     "differs from the match range (6 vs 11 ports)\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp :80 to 10.0.2.2:6000-6010", EXIT_USAGE,
		     "Error: argument \"10.0.2.2:6000-6010\" is wrong: port range size "
		     "differs from the match range (11 vs 1 ports)\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp :65530-65535 to 10.0.2.2:65534", EXIT_USAGE,
		     "Error: argument \"10.0.2.2:65534\" is wrong: port range would end past 65535\n",
		     true, &fs);
	EXPECT_PARSE(forward_parse, "", EXIT_USAGE, "Error: \"tcp|udp\" is required.\n", true, &fs);
	EXPECT_PARSE(forward_parse, "sctp :80 to 1.1.1.1", EXIT_USAGE,
		     "Error: argument \"sctp\" is wrong: protocol must be tcp or udp\n", true, &fs);
	EXPECT_PARSE(forward_parse, "icmp :80 to 1.1.1.1", EXIT_USAGE,
		     "Error: argument \"icmp\" is wrong: protocol must be tcp or udp\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp", EXIT_USAGE, "Error: \"[ADDR]:PORT\" is required.\n",
		     true, &fs);
	EXPECT_PARSE(forward_parse, "tcp 1.2.3.4:99999 to 1.1.1.1", EXIT_USAGE,
		     "Error: argument \"1.2.3.4:99999\" is wrong: port out of range\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp 8080 to 1.1.1.1", EXIT_USAGE,
		     "Error: argument \"8080\" is wrong: missing port\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp :8090-8080 to 1.1.1.1", EXIT_USAGE,
		     "Error: argument \":8090-8080\" is wrong: port range is reversed\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp :8080", EXIT_USAGE, "Error: \"to\" is required.\n",
		     true, &fs);
	EXPECT_PARSE(forward_parse, "tcp :8080 to", EXIT_USAGE,
		     "Error: \"to\" requires an argument.\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp :8080 to :80", EXIT_USAGE,
		     "Error: argument \":80\" is wrong: missing address\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp :8080 to 10.0.2.2:0", EXIT_USAGE,
		     "Error: argument \"10.0.2.2:0\" is wrong: port out of range\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp :8080 to 1.1.1.1 to 2.2.2.2", EXIT_USAGE,
		     "Error: duplicate \"to\": \"2.2.2.2\" is the second value.\n", true, &fs);
	EXPECT_PARSE(forward_parse, "tcp :8080 to 1.1.1.1 xyz", EXIT_USAGE,
		     "Error: unexpected argument \"xyz\".\n", true, &fs);

	/* del: PROTO, ADDR and PORT_MIN only */
	EXPECT_PARSE(forward_parse, "udp 198.51.100.1:5000-5010", 0, "", false, &fs);
	nlh = msg_new();
	forward_put(nlh, &fs, false);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_FORWARD], &at);
	tap_ok(at.count == 3 && at.tb[KNAT_FWD_A_PROTO] && at.tb[KNAT_FWD_A_ADDR] &&
	       at.tb[KNAT_FWD_A_PORT_MIN], "forward del: PROTO, ADDR, PORT_MIN only");
	tap_num(u32_at(&at, KNAT_FWD_A_ADDR), A("198.51.100.1"), "forward del: ADDR");
	tap_num(be16_at(&at, KNAT_FWD_A_PORT_MIN), 5000, "forward del: PORT_MIN");
	EXPECT_PARSE(forward_parse, "tcp :8080 to 10.0.2.2", EXIT_USAGE,
		     "Error: unexpected argument \"to\".\n", false, &fs);
}

/* ---- snat ---- */

static void test_snat(void)
{
	struct nlmsghdr *nlh;
	struct snat_spec ss;
	struct attrs top, at;
	struct words w;

	printf("# snat arguments\n");
	split(&w, "from 10.0.1.0/24 out eth1 masquerade");
	tap_num(snat_parse(w.argc, w.argv, true, &ss), 0, "snat add masquerade");
	tap_ok(ss.src == A("10.0.1.0") && ss.src_plen == 24 && !strcmp(ss.out, "eth1") &&
	       !ss.has_to && !ss.has_ports && ss.flags == KNAT_SNAT_F_MASQUERADE,
	       "snat add masquerade: struct values");
	nlh = msg_new();
	snat_put(nlh, &ss, true);
	collect_msg(nlh, &top);
	tap_ok(top.count == 1 && is_nest(top.tb[KNAT_A_SNAT]), "snat add: one KNAT_A_SNAT nest");
	collect_nest(top.tb[KNAT_A_SNAT], &at);
	tap_num(at.count, 4, "snat add masquerade: SRC, SRC_PLEN, OUT_IFNAME, FLAGS");
	tap_num(u32_at(&at, KNAT_SNAT_A_SRC), A("10.0.1.0"), "snat add: SRC be32");
	tap_ok(at.tb[KNAT_SNAT_A_SRC_PLEN] && mnl_attr_get_u8(at.tb[KNAT_SNAT_A_SRC_PLEN]) == 24,
	       "snat add: SRC_PLEN u8");
	tap_ok(at.tb[KNAT_SNAT_A_OUT_IFNAME] &&
	       mnl_attr_validate(at.tb[KNAT_SNAT_A_OUT_IFNAME], MNL_TYPE_NUL_STRING) == 0 &&
	       !strcmp(mnl_attr_get_str(at.tb[KNAT_SNAT_A_OUT_IFNAME]), "eth1"),
	       "snat add: OUT_IFNAME NUL-terminated string");
	tap_num(u32_at(&at, KNAT_SNAT_A_FLAGS), KNAT_SNAT_F_MASQUERADE, "snat add: FLAGS masquerade");

	split(&w, "from 10.0.1.0/24 to 198.51.100.1-198.51.100.2:1024-2047 mapping address-port-dependent");
	tap_num(snat_parse(w.argc, w.argv, true, &ss), 0, "snat add to range with ports, APDM");
	tap_ok(ss.has_to && ss.to_min == A("198.51.100.1") && ss.to_max == A("198.51.100.2") &&
	       ss.has_ports && ss.port_min == 1024 && ss.port_max == 2047 &&
	       ss.flags == KNAT_SNAT_F_APDM && !ss.out[0], "snat add to range: struct values");
	nlh = msg_new();
	snat_put(nlh, &ss, true);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SNAT], &at);
	tap_ok(at.count == 7 && !at.tb[KNAT_SNAT_A_OUT_IFNAME], "snat add to range: no OUT_IFNAME");
	tap_num(u32_at(&at, KNAT_SNAT_A_TO_MIN), A("198.51.100.1"), "snat add: TO_MIN");
	tap_num(u32_at(&at, KNAT_SNAT_A_TO_MAX), A("198.51.100.2"), "snat add: TO_MAX");
	tap_num(be16_at(&at, KNAT_SNAT_A_PORT_MIN), 1024, "snat add: PORT_MIN be16");
	tap_num(be16_at(&at, KNAT_SNAT_A_PORT_MAX), 2047, "snat add: PORT_MAX be16");
	tap_num(u32_at(&at, KNAT_SNAT_A_FLAGS), KNAT_SNAT_F_APDM, "snat add: FLAGS APDM");

	split(&w, "from 10.0.1.0/24 to 198.51.100.1 ports 20000-29999 out eth1");
	tap_num(snat_parse(w.argc, w.argv, true, &ss), 0, "snat add to ADDR ports RANGE, any order");
	tap_ok(ss.to_min == ss.to_max && ss.port_min == 20000 && ss.port_max == 29999 &&
	       ss.flags == 0, "snat add ports keyword: struct values");

	split(&w, "from 10.0.1.0/24 to 198.51.100.1");
	tap_num(snat_parse(w.argc, w.argv, true, &ss), 0, "snat add without ports");
	nlh = msg_new();
	snat_put(nlh, &ss, true);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SNAT], &at);
	tap_ok(!at.tb[KNAT_SNAT_A_PORT_MIN] && !at.tb[KNAT_SNAT_A_PORT_MAX] &&
	       u32_at(&at, KNAT_SNAT_A_TO_MAX) == A("198.51.100.1"),
	       "snat add without ports: kernel default (no PORT attrs), TO_MAX = TO_MIN");

	split(&w, "from 10.0.1.0/24 out eth1 masquerade ports 1024-65535 mapping endpoint-independent");
	tap_num(snat_parse(w.argc, w.argv, true, &ss), 0, "snat add masquerade ports mapping EIM");
	tap_ok(ss.has_ports && ss.flags == KNAT_SNAT_F_MASQUERADE, "snat add EIM: no APDM flag");

	EXPECT_PARSE(snat_parse, "out eth1 masquerade", EXIT_USAGE,
		     "Error: \"from\" is required.\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24", EXIT_USAGE,
		     "Error: \"to\" or \"masquerade\" is required.\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 masquerade", EXIT_USAGE,
		     "Error: \"masquerade\" requires \"out\".\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 out eth1 masquerade to 1.1.1.1", EXIT_USAGE,
		     "Error: \"masquerade\" and \"to\" cannot be used together.\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 out eth1 masquerade masquerade", EXIT_USAGE,
		     "Error: duplicate \"masquerade\".\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 to 1.1.1.1:1024-2047 ports 1024-2047", EXIT_USAGE,
		     "Error: duplicate \"ports\": \"1024-2047\" is the second value.\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 from 10.0.2.0/24 to 1.1.1.1", EXIT_USAGE,
		     "Error: duplicate \"from\": \"10.0.2.0/24\" is the second value.\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.5/24 to 1.1.1.1", EXIT_USAGE,
		     "Error: argument \"10.0.1.5/24\" is wrong: host bits set beyond the prefix length\n",
		     true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/33 to 1.1.1.1", EXIT_USAGE,
		     "Error: argument \"10.0.1.0/33\" is wrong: prefix length out of range\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 to 1.1.1.2-1.1.1.1", EXIT_USAGE,
		     "Error: argument \"1.1.1.2-1.1.1.1\" is wrong: address range is reversed\n",
		     true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 to 1.1.1.1 ports 2000-1000", EXIT_USAGE,
		     "Error: argument \"2000-1000\" is wrong: port range is reversed\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 to 1.1.1.1 mapping full-cone", EXIT_USAGE,
		     "Error: argument \"full-cone\" is wrong: mapping must be endpoint-independent "
		     "or address-port-dependent\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 out a/b masquerade", EXIT_USAGE,
		     "Error: argument \"a/b\" is wrong: invalid device name\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 out averyveryverylongname masquerade", EXIT_USAGE,
		     "Error: argument \"averyveryverylongname\" is wrong: device name too long\n",
		     true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 to", EXIT_USAGE,
		     "Error: \"to\" requires an argument.\n", true, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 to 1.1.1.1 bogus", EXIT_USAGE,
		     "Error: unexpected argument \"bogus\".\n", true, &ss);

	/* del: SRC, SRC_PLEN, OUT_IFNAME */
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 out eth1", 0, "", false, &ss);
	nlh = msg_new();
	snat_put(nlh, &ss, false);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SNAT], &at);
	tap_ok(at.count == 3 && at.tb[KNAT_SNAT_A_SRC] && at.tb[KNAT_SNAT_A_SRC_PLEN] &&
	       at.tb[KNAT_SNAT_A_OUT_IFNAME], "snat del: SRC, SRC_PLEN, OUT_IFNAME only");
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24", 0, "", false, &ss);
	nlh = msg_new();
	snat_put(nlh, &ss, false);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SNAT], &at);
	tap_num(at.count, 2, "snat del without out: SRC, SRC_PLEN");
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 to 1.1.1.1", EXIT_USAGE,
		     "Error: unexpected argument \"to\".\n", false, &ss);
	EXPECT_PARSE(snat_parse, "from 10.0.1.0/24 out eth1 masquerade", EXIT_USAGE,
		     "Error: unexpected argument \"masquerade\".\n", false, &ss);
	EXPECT_PARSE(snat_parse, "", EXIT_USAGE, "Error: \"from\" is required.\n", false, &ss);
}

/* ---- flow filter ---- */

static void test_flow(void)
{
	struct flow_filter ff;
	struct nlmsghdr *nlh;
	struct attrs top, at, orig;
	struct words w;
	uint32_t len;

	printf("# flow filter arguments\n");
	split(&w, "");
	tap_num(flow_parse_filter(w.argc, w.argv, &ff), 0, "flow filter: empty");
	nlh = msg_new();
	len = nlh->nlmsg_len;
	flow_put_filter(nlh, &ff);
	tap_ok(ff.has == 0 && nlh->nlmsg_len == len, "flow filter: empty puts no attribute");

	split(&w, "proto tcp src 10.0.1.2:40000 dst :8080 state ESTABLISHED kind hairpin");
	tap_num(flow_parse_filter(w.argc, w.argv, &ff), 0, "flow filter: every keyword");
	tap_ok(ff.has == (FILTER_PROTO | FILTER_SRC | FILTER_SPORT | FILTER_DPORT |
			  FILTER_STATE | FILTER_KIND) &&
	       ff.proto == IPPROTO_TCP && ff.src == A("10.0.1.2") && ff.sport == 40000 &&
	       ff.dport == 8080 && ff.state == KNAT_TCP_ESTABLISHED &&
	       ff.kind == KNAT_FLOW_KIND_FORWARD_SNAT, "flow filter: struct values");
	nlh = msg_new();
	flow_put_filter(nlh, &ff);
	collect_msg(nlh, &top);
	tap_ok(top.count == 1 && is_nest(top.tb[KNAT_A_FLOW]), "flow filter: one KNAT_A_FLOW nest");
	collect_nest(top.tb[KNAT_A_FLOW], &at);
	tap_ok(at.count == 4 && at.tb[KNAT_FLOW_A_PROTO] && at.tb[KNAT_FLOW_A_STATE] &&
	       at.tb[KNAT_FLOW_A_KIND] && is_nest(at.tb[KNAT_FLOW_A_ORIG]),
	       "flow filter: PROTO, KIND, STATE and an ORIG nest");
	tap_ok(mnl_attr_get_u8(at.tb[KNAT_FLOW_A_PROTO]) == IPPROTO_TCP &&
	       mnl_attr_get_u8(at.tb[KNAT_FLOW_A_STATE]) == KNAT_TCP_ESTABLISHED &&
	       mnl_attr_get_u8(at.tb[KNAT_FLOW_A_KIND]) == KNAT_FLOW_KIND_FORWARD_SNAT,
	       "flow filter: u8 values");
	collect_nest(at.tb[KNAT_FLOW_A_ORIG], &orig);
	tap_ok(orig.count == 3 && !orig.tb[KNAT_TUPLE_A_DST],
	       "flow filter: ORIG holds only the given fields (no DST)");
	tap_num(u32_at(&orig, KNAT_TUPLE_A_SRC), A("10.0.1.2"), "flow filter: ORIG SRC");
	tap_num(be16_at(&orig, KNAT_TUPLE_A_SPORT), 40000, "flow filter: ORIG SPORT be16");
	tap_num(be16_at(&orig, KNAT_TUPLE_A_DPORT), 8080, "flow filter: ORIG DPORT be16");

	split(&w, "proto icmp dst 198.51.100.9");
	tap_num(flow_parse_filter(w.argc, w.argv, &ff), 0, "flow filter: icmp dst");
	tap_ok(ff.has == (FILTER_PROTO | FILTER_DST) && ff.dst == A("198.51.100.9"),
	       "flow filter: icmp dst values");
	split(&w, "src :0");
	tap_num(flow_parse_filter(w.argc, w.argv, &ff), 0, "flow filter: ICMP id 0 as src :0");
	tap_ok(ff.has == FILTER_SPORT && ff.sport == 0, "flow filter: src :0 values");
	split(&w, "kind service");
	tap_ok(!flow_parse_filter(w.argc, w.argv, &ff) && ff.has == FILTER_KIND &&
	       ff.kind == KNAT_FLOW_KIND_SERVICE, "flow filter: kind service");
	split(&w, "kind service-hairpin proto udp");
	tap_ok(!flow_parse_filter(w.argc, w.argv, &ff) &&
	       ff.kind == KNAT_FLOW_KIND_SERVICE_SNAT, "flow filter: kind service-hairpin");
	nlh = msg_new();
	flow_put_filter(nlh, &ff);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_FLOW], &at);
	tap_ok(at.count == 2 && mnl_attr_get_u8(at.tb[KNAT_FLOW_A_KIND]) ==
	       KNAT_FLOW_KIND_SERVICE_SNAT, "flow filter: KIND u8 service-hairpin");
	split(&w, "state syn_sent kind snat");
	tap_num(flow_parse_filter(w.argc, w.argv, &ff), 0, "flow filter: state syn_sent");
	tap_num(ff.state, KNAT_TCP_SYN_SENT, "flow filter: syn_sent is SYN-SENT");

	EXPECT_PARSE(flow_parse_filter, "proto sctp", EXIT_USAGE,
		     "Error: argument \"sctp\" is wrong: protocol must be tcp, udp or icmp\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "state bogus", EXIT_USAGE,
		     "Error: argument \"bogus\" is wrong: unknown TCP state\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "kind nat", EXIT_USAGE,
		     "Error: argument \"nat\" is wrong: kind must be forward, snat, hairpin, "
		     "service or service-hairpin\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "src 10.0.1.2 src 10.0.1.3", EXIT_USAGE,
		     "Error: duplicate \"src\": \"10.0.1.3\" is the second value.\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "src 10.0.1.2:99999", EXIT_USAGE,
		     "Error: argument \"10.0.1.2:99999\" is wrong: port out of range\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "dst 10.0.1.2:80-90", EXIT_USAGE,
		     "Error: argument \"10.0.1.2:80-90\" is wrong: port range not allowed here\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "proto", EXIT_USAGE,
		     "Error: \"proto\" requires an argument.\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "port 80", EXIT_USAGE,
		     "Error: unexpected argument \"port\".\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "proto udp state established", EXIT_USAGE,
		     "Error: \"state\" applies only to tcp flows.\n", &ff);
}

/* ---- service ---- */

/* The KNAT_A_SERVICE identity: PROTO u8, ADDR be32, PORT be16. */
static void check_svc_id(const struct attrs *at, uint8_t proto, const char *addr,
			 uint16_t port, const char *what)
{
	tap_ok(sized(at, KNAT_SVC_A_PROTO, 1) &&
	       mnl_attr_get_u8(at->tb[KNAT_SVC_A_PROTO]) == proto,
	       "%s: PROTO u8 %u", what, proto);
	tap_ok(sized(at, KNAT_SVC_A_ADDR, 4) && u32_at(at, KNAT_SVC_A_ADDR) == A(addr),
	       "%s: ADDR be32 %s", what, addr);
	tap_ok(sized(at, KNAT_SVC_A_PORT, 2) && be16_at(at, KNAT_SVC_A_PORT) == port,
	       "%s: PORT be16 %u", what, port);
}

static void test_service(void)
{
	struct service_spec ss;
	struct nlmsghdr *nlh;
	struct attrs top, at;
	struct words w;

	printf("# service arguments\n");
	split(&w, "tcp 198.51.100.10:80");
	tap_num(service_parse(w.argc, w.argv, LB_ADD, &ss), 0, "service add tcp VIP:PORT");
	tap_ok(ss.id.proto == IPPROTO_TCP && ss.id.addr == A("198.51.100.10") &&
	       ss.id.port == 80 && !ss.has_sched && !ss.has_persist && !ss.has_maglev_size,
	       "service add, no options: struct values");
	nlh = msg_new();
	service_put(nlh, &ss);
	collect_msg(nlh, &top);
	tap_ok(top.count == 1 && is_nest(top.tb[KNAT_A_SERVICE]),
	       "service add: one KNAT_A_SERVICE nest, NLA_F_NESTED set");
	collect_nest(top.tb[KNAT_A_SERVICE], &at);
	tap_num(at.count, 3, "service add, no options: PROTO, ADDR, PORT only");
	check_svc_id(&at, IPPROTO_TCP, "198.51.100.10", 80, "service add");
	tap_ok(!at.tb[KNAT_SVC_A_SCHED] && !at.tb[KNAT_SVC_A_PERSIST] &&
	       !at.tb[KNAT_SVC_A_MAGLEV_SIZE],
	       "service add, no options: SCHED, PERSIST, MAGLEV_SIZE omitted");

	split(&w, "udp 198.51.100.10:53 sched maglev persist 300 maglev-size 65537");
	tap_num(service_parse(w.argc, w.argv, LB_ADD, &ss), 0, "service add with every option");
	tap_ok(ss.id.proto == IPPROTO_UDP && ss.id.port == 53 && ss.has_sched &&
	       !strcmp(service_sched_name(ss.sched), "maglev") &&
	       ss.has_persist && ss.persist == 300 &&
	       ss.has_maglev_size && ss.maglev_size == 65537,
	       "service add with every option: struct values");
	nlh = msg_new();
	service_put(nlh, &ss);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SERVICE], &at);
	tap_num(at.count, 6, "service add with every option: six attributes");
	check_svc_id(&at, IPPROTO_UDP, "198.51.100.10", 53, "service add udp");
	tap_ok(at.tb[KNAT_SVC_A_SCHED] &&
	       mnl_attr_validate(at.tb[KNAT_SVC_A_SCHED], MNL_TYPE_NUL_STRING) == 0 &&
	       !strcmp(mnl_attr_get_str(at.tb[KNAT_SVC_A_SCHED]), "maglev") &&
	       mnl_attr_get_payload_len(at.tb[KNAT_SVC_A_SCHED]) <= KNAT_SCHED_NAME_LEN,
	       "service add: SCHED NUL-terminated string within KNAT_SCHED_NAME_LEN");
	tap_ok(sized(&at, KNAT_SVC_A_PERSIST, 4) && u32_at(&at, KNAT_SVC_A_PERSIST) == 300,
	       "service add: PERSIST u32 host order");
	tap_ok(sized(&at, KNAT_SVC_A_MAGLEV_SIZE, 4) &&
	       u32_at(&at, KNAT_SVC_A_MAGLEV_SIZE) == 65537,
	       "service add: MAGLEV_SIZE u32 host order");

	/* Every scheduler name, and the limits. */
	split(&w, "tcp 10.0.0.1:1 sched rr");
	tap_ok(!service_parse(w.argc, w.argv, LB_ADD, &ss) && ss.sched == 0,
	       "service add sched rr");
	split(&w, "tcp 10.0.0.1:65535 sched wrr");
	tap_ok(!service_parse(w.argc, w.argv, LB_ADD, &ss) && ss.id.port == 65535 &&
	       !strcmp(service_sched_name(ss.sched), "wrr"), "service add sched wrr, port 65535");
	split(&w, "tcp 10.0.0.1:80 sched lc");
	tap_num(service_parse(w.argc, w.argv, LB_ADD, &ss), 0, "service add sched lc");
	split(&w, "tcp 10.0.0.1:80 sched wlc");
	tap_num(service_parse(w.argc, w.argv, LB_ADD, &ss), 0, "service add sched wlc");
	split(&w, "tcp 10.0.0.1:80 sched sh persist 0");
	tap_ok(!service_parse(w.argc, w.argv, LB_ADD, &ss) && ss.has_persist &&
	       ss.persist == 0, "service add sched sh persist 0 (given, off)");
	nlh = msg_new();
	service_put(nlh, &ss);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SERVICE], &at);
	tap_ok(u32_at(&at, KNAT_SVC_A_PERSIST) == 0 && at.count == 5,
	       "service add persist 0: PERSIST 0 is sent (it was given)");
	split(&w, "tcp 10.0.0.1:80 persist 86400 maglev-size 251");
	tap_ok(!service_parse(w.argc, w.argv, LB_ADD, &ss) && ss.persist == 86400 &&
	       ss.maglev_size == 251 && !ss.has_sched,
	       "service add persist 86400 maglev-size 251 without sched maglev");
	split(&w, "tcp 10.0.0.1:80 maglev-size 1000003");
	tap_ok(!service_parse(w.argc, w.argv, LB_ADD, &ss) && ss.maglev_size == 1000003,
	       "service add maglev-size 1000003 (largest)");

	EXPECT_PARSE(service_parse, "", EXIT_USAGE, "Error: \"tcp|udp\" is required.\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "icmp 10.0.0.1:80", EXIT_USAGE,
		     "Error: argument \"icmp\" is wrong: protocol must be tcp or udp\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp", EXIT_USAGE, "Error: \"VIP:PORT\" is required.\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp :80", EXIT_USAGE,
		     "Error: argument \":80\" is wrong: missing address\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1", EXIT_USAGE,
		     "Error: argument \"10.0.0.1\" is wrong: missing port\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:0", EXIT_USAGE,
		     "Error: argument \"10.0.0.1:0\" is wrong: port out of range\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:65536", EXIT_USAGE,
		     "Error: argument \"10.0.0.1:65536\" is wrong: port out of range\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80-81", EXIT_USAGE,
		     "Error: argument \"10.0.0.1:80-81\" is wrong: port range not allowed here\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1-10.0.0.2:80", EXIT_USAGE,
		     "Error: argument \"10.0.0.1-10.0.0.2:80\" is wrong: address range not "
		     "allowed here\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.300:80", EXIT_USAGE,
		     "Error: argument \"10.0.0.300:80\" is wrong: invalid IPv4 address\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 sched fifo", EXIT_USAGE,
		     "Error: argument \"fifo\" is wrong: sched must be rr, wrr, lc, wlc, sh "
		     "or maglev\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 sched WRR", EXIT_USAGE,
		     "Error: argument \"WRR\" is wrong: sched must be rr, wrr, lc, wlc, sh "
		     "or maglev\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 sched", EXIT_USAGE,
		     "Error: \"sched\" requires an argument.\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 sched rr sched wrr", EXIT_USAGE,
		     "Error: duplicate \"sched\": \"wrr\" is the second value.\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 persist 86401", EXIT_USAGE,
		     "Error: argument \"86401\" is wrong: persist must be 0..86400\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 persist -1", EXIT_USAGE,
		     "Error: argument \"-1\" is wrong: persist is not a number\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 persist 1h", EXIT_USAGE,
		     "Error: argument \"1h\" is wrong: persist is not a number\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 persist", EXIT_USAGE,
		     "Error: \"persist\" requires an argument.\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 persist 1 persist 2", EXIT_USAGE,
		     "Error: duplicate \"persist\": \"2\" is the second value.\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 maglev-size 65536", EXIT_USAGE,
		     "Error: argument \"65536\" is wrong: maglev-size must be a prime number\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 maglev-size 1000001", EXIT_USAGE,
		     "Error: argument \"1000001\" is wrong: maglev-size must be a prime number\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 maglev-size 241", EXIT_USAGE,
		     "Error: argument \"241\" is wrong: maglev-size must be 251..1000003\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 maglev-size 1000033", EXIT_USAGE,
		     "Error: argument \"1000033\" is wrong: maglev-size must be 251..1000003\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 maglev-size 0x10001", EXIT_USAGE,
		     "Error: argument \"0x10001\" is wrong: maglev-size is not a number\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 maglev-size", EXIT_USAGE,
		     "Error: \"maglev-size\" requires an argument.\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 maglev-size 251 maglev-size 257",
		     EXIT_USAGE, "Error: duplicate \"maglev-size\": \"257\" is the second value.\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 weight 1", EXIT_USAGE,
		     "Error: unexpected argument \"weight\".\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 sched rr extra", EXIT_USAGE,
		     "Error: unexpected argument \"extra\".\n", LB_ADD, &ss);

	/* set: the same options, at least one */
	EXPECT_PARSE(service_parse, "tcp 198.51.100.10:80 persist 60", 0, "", LB_SET, &ss);
	nlh = msg_new();
	service_put(nlh, &ss);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SERVICE], &at);
	tap_ok(at.count == 4 && u32_at(&at, KNAT_SVC_A_PERSIST) == 60 &&
	       !at.tb[KNAT_SVC_A_SCHED] && !at.tb[KNAT_SVC_A_MAGLEV_SIZE],
	       "service set persist: identity and PERSIST only");
	check_svc_id(&at, IPPROTO_TCP, "198.51.100.10", 80, "service set");
	EXPECT_PARSE(service_parse, "tcp 198.51.100.10:80 sched maglev maglev-size 257", 0, "",
		     LB_SET, &ss);
	tap_ok(ss.has_sched && ss.has_maglev_size && !ss.has_persist,
	       "service set sched maglev maglev-size: struct values");
	EXPECT_PARSE(service_parse, "tcp 198.51.100.10:80", EXIT_USAGE,
		     "Error: nothing to set.\n", LB_SET, &ss);
	EXPECT_PARSE(service_parse, "tcp 198.51.100.10:80 maglev-size 4", EXIT_USAGE,
		     "Error: argument \"4\" is wrong: maglev-size must be 251..1000003\n",
		     LB_SET, &ss);
	EXPECT_PARSE(service_parse, "udp", EXIT_USAGE, "Error: \"VIP:PORT\" is required.\n",
		     LB_SET, &ss);

	/* the passive health check: add and set, each option alone too */
	split(&w, "tcp 198.51.100.10:80 sched wlc check-fails 5 check-timeout 3 "
		  "check-holddown 30");
	tap_num(service_parse(w.argc, w.argv, LB_ADD, &ss), 0,
		"service add with check-fails, check-timeout, check-holddown");
	tap_ok(ss.has_check_fails && ss.check_fails == 5 &&
	       ss.has_check_timeout && ss.check_timeout == 3 &&
	       ss.has_check_holddown && ss.check_holddown == 30 && ss.has_sched &&
	       !ss.has_persist && !ss.has_maglev_size,
	       "service add check-*: struct values");
	nlh = msg_new();
	service_put(nlh, &ss);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SERVICE], &at);
	tap_num(at.count, 7, "service add check-*: identity, SCHED and three CHECK_*");
	tap_ok(sized(&at, KNAT_SVC_A_CHECK_FAILS, 4) &&
	       u32_at(&at, KNAT_SVC_A_CHECK_FAILS) == 5,
	       "service add: CHECK_FAILS u32 host order");
	tap_ok(sized(&at, KNAT_SVC_A_CHECK_TIMEOUT, 4) &&
	       u32_at(&at, KNAT_SVC_A_CHECK_TIMEOUT) == 3,
	       "service add: CHECK_TIMEOUT u32 host order");
	tap_ok(sized(&at, KNAT_SVC_A_CHECK_HOLDDOWN, 4) &&
	       u32_at(&at, KNAT_SVC_A_CHECK_HOLDDOWN) == 30,
	       "service add: CHECK_HOLDDOWN u32 host order");
	split(&w, "tcp 198.51.100.10:80 sched rr");
	service_parse(w.argc, w.argv, LB_ADD, &ss);
	nlh = msg_new();
	service_put(nlh, &ss);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SERVICE], &at);
	tap_ok(!ss.has_check_fails && !ss.has_check_timeout && !ss.has_check_holddown &&
	       !at.tb[KNAT_SVC_A_CHECK_FAILS] && !at.tb[KNAT_SVC_A_CHECK_TIMEOUT] &&
	       !at.tb[KNAT_SVC_A_CHECK_HOLDDOWN],
	       "service add without check-*: no CHECK_* (the module's defaults)");
	EXPECT_PARSE(service_parse, "tcp 198.51.100.10:80 check-fails 0", 0, "", LB_SET, &ss);
	nlh = msg_new();
	service_put(nlh, &ss);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SERVICE], &at);
	tap_ok(at.count == 4 && u32_at(&at, KNAT_SVC_A_CHECK_FAILS) == 0 &&
	       !at.tb[KNAT_SVC_A_CHECK_TIMEOUT] && !at.tb[KNAT_SVC_A_CHECK_HOLDDOWN],
	       "service set check-fails 0 (off): identity and CHECK_FAILS 0 only");
	EXPECT_PARSE(service_parse, "tcp 198.51.100.10:80 check-timeout 3600", 0, "",
		     LB_SET, &ss);
	tap_ok(ss.has_check_timeout && ss.check_timeout == 3600 && !ss.has_check_fails &&
	       !ss.has_check_holddown, "service set check-timeout alone, largest");
	EXPECT_PARSE(service_parse, "tcp 198.51.100.10:80 check-holddown 86400", 0, "",
		     LB_SET, &ss);
	tap_ok(ss.has_check_holddown && ss.check_holddown == 86400 && !ss.has_check_fails &&
	       !ss.has_check_timeout, "service set check-holddown alone, largest");
	EXPECT_PARSE(service_parse, "tcp 198.51.100.10:80 check-fails 100 check-timeout 1 "
		     "check-holddown 1", 0, "", LB_SET, &ss);
	tap_ok(ss.check_fails == 100 && ss.check_timeout == 1 && ss.check_holddown == 1,
	       "service set check-fails 100 check-timeout 1 check-holddown 1: the limits");
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-fails 101", EXIT_USAGE,
		     "Error: argument \"101\" is wrong: check-fails must be 0..100\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-fails three", EXIT_USAGE,
		     "Error: argument \"three\" is wrong: check-fails is not a number\n",
		     LB_SET, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-fails", EXIT_USAGE,
		     "Error: \"check-fails\" requires an argument.\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-fails 1 check-fails 2", EXIT_USAGE,
		     "Error: duplicate \"check-fails\": \"2\" is the second value.\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-timeout 0", EXIT_USAGE,
		     "Error: argument \"0\" is wrong: check-timeout must be 1..3600\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-timeout 3601", EXIT_USAGE,
		     "Error: argument \"3601\" is wrong: check-timeout must be 1..3600\n",
		     LB_SET, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-timeout 2s", EXIT_USAGE,
		     "Error: argument \"2s\" is wrong: check-timeout is not a number\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-timeout 2 check-timeout 2",
		     EXIT_USAGE,
		     "Error: duplicate \"check-timeout\": \"2\" is the second value.\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-holddown 0", EXIT_USAGE,
		     "Error: argument \"0\" is wrong: check-holddown must be 1..86400\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-holddown 86401", EXIT_USAGE,
		     "Error: argument \"86401\" is wrong: check-holddown must be 1..86400\n",
		     LB_SET, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-holddown", EXIT_USAGE,
		     "Error: \"check-holddown\" requires an argument.\n", LB_SET, &ss);
	EXPECT_PARSE(service_parse, "tcp 198.51.100.10:80 check-clients 3", 0, "",
		     LB_SET, &ss);
	tap_ok(ss.has_check_clients && ss.check_clients == 3 && !ss.has_check_fails,
	       "service set check-clients alone");
	nlh = msg_new();
	service_put(nlh, &ss);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SERVICE], &at);
	tap_ok(at.count == 4 && sized(&at, KNAT_SVC_A_CHECK_CLIENTS, 4) &&
	       u32_at(&at, KNAT_SVC_A_CHECK_CLIENTS) == 3,
	       "service set check-clients 3: identity and CHECK_CLIENTS 3");
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-clients 0", EXIT_USAGE,
		     "Error: argument \"0\" is wrong: check-clients must be 1..8\n",
		     LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-clients 9", EXIT_USAGE,
		     "Error: argument \"9\" is wrong: check-clients must be 1..8\n",
		     LB_SET, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check 3", EXIT_USAGE,
		     "Error: unexpected argument \"check\".\n", LB_ADD, &ss);
	EXPECT_PARSE(service_parse, "tcp 10.0.0.1:80 check-fails 3", EXIT_USAGE,
		     "Error: unexpected argument \"check-fails\".\n", LB_DEL, &ss);

	/* del: PROTO, ADDR and PORT only */
	EXPECT_PARSE(service_parse, "udp 198.51.100.10:53", 0, "", LB_DEL, &ss);
	nlh = msg_new();
	service_put(nlh, &ss);
	collect_msg(nlh, &top);
	tap_ok(top.count == 1 && is_nest(top.tb[KNAT_A_SERVICE]), "service del: one nest");
	collect_nest(top.tb[KNAT_A_SERVICE], &at);
	tap_num(at.count, 3, "service del: PROTO, ADDR, PORT only");
	check_svc_id(&at, IPPROTO_UDP, "198.51.100.10", 53, "service del");
	EXPECT_PARSE(service_parse, "udp 198.51.100.10:53 sched rr", EXIT_USAGE,
		     "Error: unexpected argument \"sched\".\n", LB_DEL, &ss);
	EXPECT_PARSE(service_parse, "udp 198.51.100.10:53 persist", EXIT_USAGE,
		     "Error: unexpected argument \"persist\".\n", LB_DEL, &ss);
	EXPECT_PARSE(service_parse, "", EXIT_USAGE, "Error: \"tcp|udp\" is required.\n",
		     LB_DEL, &ss);
}

/* ---- backend ---- */

static void test_backend_list(void)
{
	struct backend_spec bl[BACKEND_ADD_MAX];
	struct words w;
	int n = 0, i;
	bool same = true;

	split(&w, "tcp 198.51.100.10:80 10.0.2.11:8080 10.0.2.12:8080 10.0.2.13 weight 3");
	tap_num(backend_parse_list(w.argc, w.argv, LB_ADD, bl, BACKEND_ADD_MAX, &n), 0,
		"backend add with three backends");
	tap_num(n, 3, "backend add: three backends parsed");
	for (i = 0; i < 3; i++)
		same &= bl[i].svc.proto == IPPROTO_TCP && bl[i].svc.port == 80 &&
			bl[i].svc.addr == A("198.51.100.10") && bl[i].has_weight &&
			bl[i].weight == 3;
	tap_ok(same, "backend add: each has the service and the weight");
	tap_ok(bl[0].addr == A("10.0.2.11") && bl[0].port == 8080 &&
	       bl[1].addr == A("10.0.2.12") && bl[1].port == 8080 &&
	       bl[2].addr == A("10.0.2.13") && bl[2].port == 0,
	       "backend add: addresses and ports in order, the third without port");
	EXPECT_PARSE(backend_parse_list,
		     "tcp 198.51.100.10:80 10.0.2.11:8080 10.0.2.1:8080 10.0.2.11:8080", EXIT_USAGE,
		     "Error: argument \"10.0.2.11:8080\" is wrong: the same backend twice\n",
		     LB_ADD, bl, BACKEND_ADD_MAX, &n);
	EXPECT_PARSE(backend_parse_list, "tcp 198.51.100.10:80 10.0.2.11:8080 10.0.2.300", EXIT_USAGE,
		     "Error: argument \"10.0.2.300\" is wrong: invalid IPv4 address\n",
		     LB_ADD, bl, BACKEND_ADD_MAX, &n);
	EXPECT_PARSE(backend_parse_list, "tcp 198.51.100.10:80 10.0.2.11 10.0.2.12 drain 5",
		     EXIT_USAGE, "Error: unexpected argument \"drain\".\n",
		     LB_ADD, bl, BACKEND_ADD_MAX, &n);
	/* set and del take one backend, as before */
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.11 10.0.2.12 down", EXIT_USAGE,
		     "Error: unexpected argument \"10.0.2.12\".\n", LB_SET, bl);
}

static void test_backend(void)
{
	struct backend_spec bs;
	struct nlmsghdr *nlh;
	struct attrs top, svc, be;
	struct words w;

	printf("# backend arguments\n");
	split(&w, "tcp 198.51.100.10:80 10.0.2.2:8080 weight 2");
	tap_num(backend_parse(w.argc, w.argv, LB_ADD, &bs), 0, "backend add ADDR:PORT weight");
	tap_ok(bs.svc.proto == IPPROTO_TCP && bs.svc.addr == A("198.51.100.10") &&
	       bs.svc.port == 80 && bs.addr == A("10.0.2.2") && bs.port == 8080 &&
	       bs.has_weight && bs.weight == 2 && !bs.has_state && !bs.has_drain,
	       "backend add: struct values");
	nlh = msg_new();
	backend_put(nlh, &bs);
	collect_msg(nlh, &top);
	tap_ok(top.count == 2 && is_nest(top.tb[KNAT_A_SERVICE]) &&
	       is_nest(top.tb[KNAT_A_BACKEND]),
	       "backend add: a KNAT_A_SERVICE and a KNAT_A_BACKEND nest, NLA_F_NESTED set");
	collect_nest(top.tb[KNAT_A_SERVICE], &svc);
	tap_num(svc.count, 3, "backend add: service nest holds PROTO, ADDR, PORT only");
	check_svc_id(&svc, IPPROTO_TCP, "198.51.100.10", 80, "backend add service");
	collect_nest(top.tb[KNAT_A_BACKEND], &be);
	tap_num(be.count, 3, "backend add: ADDR, PORT, WEIGHT");
	tap_ok(sized(&be, KNAT_BE_A_ADDR, 4) && u32_at(&be, KNAT_BE_A_ADDR) == A("10.0.2.2"),
	       "backend add: ADDR be32");
	tap_ok(sized(&be, KNAT_BE_A_PORT, 2) && be16_at(&be, KNAT_BE_A_PORT) == 8080,
	       "backend add: PORT be16");
	tap_ok(sized(&be, KNAT_BE_A_WEIGHT, 4) && u32_at(&be, KNAT_BE_A_WEIGHT) == 2,
	       "backend add: WEIGHT u32 host order");

	split(&w, "udp 198.51.100.10:53 10.0.2.3");
	tap_num(backend_parse(w.argc, w.argv, LB_ADD, &bs), 0, "backend add ADDR without port");
	tap_ok(bs.port == 0 && !bs.has_weight, "backend add without port: port 0, no weight");
	nlh = msg_new();
	backend_put(nlh, &bs);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_BACKEND], &be);
	tap_ok(be.count == 2 && sized(&be, KNAT_BE_A_PORT, 2) &&
	       be16_at(&be, KNAT_BE_A_PORT) == 0 && !be.tb[KNAT_BE_A_WEIGHT],
	       "backend add without port: PORT 0 (the service's), WEIGHT omitted");
	split(&w, "tcp 198.51.100.10:80 10.0.2.2 weight 0");
	tap_ok(!backend_parse(w.argc, w.argv, LB_ADD, &bs) && bs.has_weight && bs.weight == 0,
	       "backend add weight 0 (drain)");
	split(&w, "tcp 198.51.100.10:80 10.0.2.2 weight 65535");
	tap_ok(!backend_parse(w.argc, w.argv, LB_ADD, &bs) && bs.weight == 65535,
	       "backend add weight 65535");

	EXPECT_PARSE(backend_parse, "", EXIT_USAGE, "Error: \"tcp|udp\" is required.\n",
		     LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "sctp 198.51.100.10:80 10.0.2.2", EXIT_USAGE,
		     "Error: argument \"sctp\" is wrong: protocol must be tcp or udp\n",
		     LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp", EXIT_USAGE, "Error: \"VIP:PORT\" is required.\n",
		     LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10 10.0.2.2", EXIT_USAGE,
		     "Error: argument \"198.51.100.10\" is wrong: missing port\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80", EXIT_USAGE,
		     "Error: \"ADDR[:PORT]\" is required.\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 :8080", EXIT_USAGE,
		     "Error: argument \":8080\" is wrong: missing address\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2:0", EXIT_USAGE,
		     "Error: argument \"10.0.2.2:0\" is wrong: port out of range\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2:8080-8081", EXIT_USAGE,
		     "Error: argument \"10.0.2.2:8080-8081\" is wrong: port range not allowed "
		     "here\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2", EXIT_USAGE,
		     "Error: argument \"10.0.2\" is wrong: invalid IPv4 address\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 weight 65536", EXIT_USAGE,
		     "Error: argument \"65536\" is wrong: weight must be 0..65535\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 weight heavy", EXIT_USAGE,
		     "Error: argument \"heavy\" is wrong: weight is not a number\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 weight", EXIT_USAGE,
		     "Error: \"weight\" requires an argument.\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 weight 1 weight 2",
		     EXIT_USAGE, "Error: duplicate \"weight\": \"2\" is the second value.\n",
		     LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 down", EXIT_USAGE,
		     "Error: unexpected argument \"down\".\n", LB_ADD, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 drain 5", EXIT_USAGE,
		     "Error: unexpected argument \"drain\".\n", LB_ADD, &bs);

	/* add: several backends, as a shell brace expansion gives them */
	test_backend_list();

	/* set: weight, down, up */
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2:8080 down", 0, "",
		     LB_SET, &bs);
	tap_ok(bs.has_state && bs.state == KNAT_BACKEND_DOWN && !bs.has_weight,
	       "backend set down: struct values");
	nlh = msg_new();
	backend_put(nlh, &bs);
	collect_msg(nlh, &top);
	tap_ok(top.count == 2 && is_nest(top.tb[KNAT_A_SERVICE]) &&
	       is_nest(top.tb[KNAT_A_BACKEND]), "backend set: service and backend nests");
	collect_nest(top.tb[KNAT_A_BACKEND], &be);
	tap_ok(be.count == 3 && sized(&be, KNAT_BE_A_STATE, 1) &&
	       mnl_attr_get_u8(be.tb[KNAT_BE_A_STATE]) == KNAT_BACKEND_DOWN &&
	       !be.tb[KNAT_BE_A_WEIGHT], "backend set down: ADDR, PORT, STATE u8 DOWN");
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 weight 5 up", 0, "",
		     LB_SET, &bs);
	nlh = msg_new();
	backend_put(nlh, &bs);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_BACKEND], &be);
	tap_ok(be.count == 4 && u32_at(&be, KNAT_BE_A_WEIGHT) == 5 &&
	       mnl_attr_get_u8(be.tb[KNAT_BE_A_STATE]) == KNAT_BACKEND_UP &&
	       be16_at(&be, KNAT_BE_A_PORT) == 0,
	       "backend set weight up: WEIGHT 5, STATE UP, PORT 0");
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 weight 7", 0, "",
		     LB_SET, &bs);
	tap_ok(bs.has_weight && bs.weight == 7 && !bs.has_state,
	       "backend set weight only: no state");
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2", EXIT_USAGE,
		     "Error: nothing to set.\n", LB_SET, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 down up", EXIT_USAGE,
		     "Error: \"down\" and \"up\" cannot be used together.\n", LB_SET, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 up down", EXIT_USAGE,
		     "Error: \"down\" and \"up\" cannot be used together.\n", LB_SET, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 down down", EXIT_USAGE,
		     "Error: duplicate \"down\".\n", LB_SET, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 up weight", EXIT_USAGE,
		     "Error: \"weight\" requires an argument.\n", LB_SET, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 weight -1", EXIT_USAGE,
		     "Error: argument \"-1\" is wrong: weight is not a number\n", LB_SET, &bs);
	EXPECT_PARSE(backend_parse, "tcp 198.51.100.10:80 10.0.2.2 drain 10", EXIT_USAGE,
		     "Error: unexpected argument \"drain\".\n", LB_SET, &bs);

	/* del: identity, optional drain */
	EXPECT_PARSE(backend_parse, "udp 198.51.100.10:53 10.0.2.3:5353", 0, "", LB_DEL, &bs);
	nlh = msg_new();
	backend_put(nlh, &bs);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_SERVICE], &svc);
	check_svc_id(&svc, IPPROTO_UDP, "198.51.100.10", 53, "backend del service");
	collect_nest(top.tb[KNAT_A_BACKEND], &be);
	tap_ok(be.count == 2 && u32_at(&be, KNAT_BE_A_ADDR) == A("10.0.2.3") &&
	       be16_at(&be, KNAT_BE_A_PORT) == 5353 && !be.tb[KNAT_BE_A_DRAIN],
	       "backend del: ADDR and PORT, no DRAIN when not given");
	EXPECT_PARSE(backend_parse, "udp 198.51.100.10:53 10.0.2.3 drain 30", 0, "",
		     LB_DEL, &bs);
	nlh = msg_new();
	backend_put(nlh, &bs);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_BACKEND], &be);
	tap_ok(be.count == 3 && sized(&be, KNAT_BE_A_DRAIN, 4) &&
	       u32_at(&be, KNAT_BE_A_DRAIN) == 30 && !be.tb[KNAT_BE_A_WEIGHT] &&
	       !be.tb[KNAT_BE_A_STATE], "backend del drain 30: DRAIN u32");
	split(&w, "udp 198.51.100.10:53 10.0.2.3 drain 0");
	tap_ok(!backend_parse(w.argc, w.argv, LB_DEL, &bs) && bs.has_drain && bs.drain == 0,
	       "backend del drain 0 (remove now) is given");
	split(&w, "udp 198.51.100.10:53 10.0.2.3 drain 86400");
	tap_ok(!backend_parse(w.argc, w.argv, LB_DEL, &bs) && bs.drain == 86400,
	       "backend del drain 86400");
	EXPECT_PARSE(backend_parse, "udp 198.51.100.10:53 10.0.2.3 drain 86401", EXIT_USAGE,
		     "Error: argument \"86401\" is wrong: drain must be 0..86400\n", LB_DEL, &bs);
	EXPECT_PARSE(backend_parse, "udp 198.51.100.10:53 10.0.2.3 drain soon", EXIT_USAGE,
		     "Error: argument \"soon\" is wrong: drain is not a number\n", LB_DEL, &bs);
	EXPECT_PARSE(backend_parse, "udp 198.51.100.10:53 10.0.2.3 drain", EXIT_USAGE,
		     "Error: \"drain\" requires an argument.\n", LB_DEL, &bs);
	EXPECT_PARSE(backend_parse, "udp 198.51.100.10:53 10.0.2.3 drain 1 drain 2", EXIT_USAGE,
		     "Error: duplicate \"drain\": \"2\" is the second value.\n", LB_DEL, &bs);
	EXPECT_PARSE(backend_parse, "udp 198.51.100.10:53 10.0.2.3 weight 1", EXIT_USAGE,
		     "Error: unexpected argument \"weight\".\n", LB_DEL, &bs);
	EXPECT_PARSE(backend_parse, "udp 198.51.100.10:53 10.0.2.3 down", EXIT_USAGE,
		     "Error: unexpected argument \"down\".\n", LB_DEL, &bs);
	EXPECT_PARSE(backend_parse, "udp 198.51.100.10:53", EXIT_USAGE,
		     "Error: \"ADDR[:PORT]\" is required.\n", LB_DEL, &bs);
}

/* ---- config ---- */

static void test_config(void)
{
	struct config_spec cs;
	struct nlmsghdr *nlh;
	struct attrs top, at, tmo;
	struct words w;

	printf("# config arguments\n");
	split(&w, "max-flows 1000 timeout tcp-established 3600 timeout icmp 15");
	tap_num(config_parse_set(w.argc, w.argv, &cs), 0, "config set: max-flows and two timeouts");
	tap_ok(cs.has_max_flows && cs.max_flows == 1000 &&
	       cs.timeout_set == ((1u << KNAT_TIMEOUT_TCP_ESTABLISHED) | (1u << KNAT_TIMEOUT_ICMP)) &&
	       cs.timeouts[KNAT_TIMEOUT_TCP_ESTABLISHED] == 3600 &&
	       cs.timeouts[KNAT_TIMEOUT_ICMP] == 15, "config set: struct values");
	nlh = msg_new();
	config_put(nlh, &cs);
	collect_msg(nlh, &top);
	tap_ok(top.count == 1 && is_nest(top.tb[KNAT_A_CONFIG]), "config set: one KNAT_A_CONFIG nest");
	collect_nest(top.tb[KNAT_A_CONFIG], &at);
	tap_ok(at.count == 2 && u32_at(&at, KNAT_CFG_A_MAX_FLOWS) == 1000 &&
	       is_nest(at.tb[KNAT_CFG_A_TIMEOUTS]), "config set: MAX_FLOWS and a TIMEOUTS nest");
	collect_nest(at.tb[KNAT_CFG_A_TIMEOUTS], &tmo);
	tap_ok(tmo.count == 2 &&
	       u32_at(&tmo, KNAT_TIMEOUT_TCP_ESTABLISHED + 1) == 3600 &&
	       u32_at(&tmo, KNAT_TIMEOUT_ICMP + 1) == 15,
	       "config set: timeout attribute type is enum + 1");

	split(&w, "timeout tcp-syn-sent 1 timeout udp-replied 604800");
	tap_num(config_parse_set(w.argc, w.argv, &cs), 0, "config set: timeouts at both limits");
	nlh = msg_new();
	config_put(nlh, &cs);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_CONFIG], &at);
	tap_ok(at.count == 1 && !at.tb[KNAT_CFG_A_MAX_FLOWS], "config set: no MAX_FLOWS when not given");
	split(&w, "max-flows 16777216");
	tap_num(config_parse_set(w.argc, w.argv, &cs), 0, "config set: max-flows 16M");

	EXPECT_PARSE(config_parse_set, "", EXIT_USAGE,
		     "Error: \"max-flows\", \"timeout\", \"rate-interval\", \"rate-window\" or \"limit\" is required.\n",
		     &cs);

	split(&w, "limit snats 8 limit max-flows 1000000");
	tap_num(config_parse_set(w.argc, w.argv, &cs), 0, "config set: two limits");
	nlh = msg_new();
	config_put(nlh, &cs);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_CONFIG], &at);
	tap_ok(at.count == 1 && at.tb[KNAT_CFG_A_LIMITS],
	       "config set: LIMITS, nothing else");
	collect_nest(at.tb[KNAT_CFG_A_LIMITS], &at);
	tap_ok(at.count == 2 && u32_at(&at, KNAT_LIMIT_SNATS + 1) == 8 &&
	       u32_at(&at, KNAT_LIMIT_MAX_FLOWS + 1) == 1000000,
	       "config set: limit snats 8, limit max-flows 1000000");
	EXPECT_PARSE(config_parse_set, "limit ports 8", EXIT_USAGE,
		     "Error: argument \"ports\" is wrong: unknown limit name\n", &cs);
	EXPECT_PARSE(config_parse_set, "limit snats 0", EXIT_USAGE,
		     "Error: argument \"0\" is wrong: limit must be 1..16777216\n", &cs);
	EXPECT_PARSE(config_parse_set, "limit snats", EXIT_USAGE,
		     "Error: \"snats\" requires an argument.\n", &cs);

	split(&w, "rate-interval 1 rate-window 3600");
	tap_num(config_parse_set(w.argc, w.argv, &cs), 0, "config set: rate-interval and rate-window");
	nlh = msg_new();
	config_put(nlh, &cs);
	collect_msg(nlh, &top);
	collect_nest(top.tb[KNAT_A_CONFIG], &at);
	tap_ok(at.count == 2 && u32_at(&at, KNAT_CFG_A_RATE_INTERVAL) == 1 &&
	       u32_at(&at, KNAT_CFG_A_RATE_WINDOW) == 3600,
	       "config set: RATE_INTERVAL and RATE_WINDOW, nothing else");
	EXPECT_PARSE(config_parse_set, "rate-interval 0", EXIT_USAGE,
		     "Error: argument \"0\" is wrong: rate-interval must be 1..60\n", &cs);
	EXPECT_PARSE(config_parse_set, "rate-interval 61", EXIT_USAGE,
		     "Error: argument \"61\" is wrong: rate-interval must be 1..60\n", &cs);
	EXPECT_PARSE(config_parse_set, "rate-window 3601", EXIT_USAGE,
		     "Error: argument \"3601\" is wrong: rate-window must be 1..3600\n", &cs);
	EXPECT_PARSE(config_parse_set, "rate-window soon", EXIT_USAGE,
		     "Error: argument \"soon\" is wrong: rate-window is not a number\n", &cs);
	EXPECT_PARSE(config_parse_set, "rate-window 2 rate-window 4", EXIT_USAGE,
		     "Error: duplicate \"rate-window\": \"4\" is the second value.\n", &cs);
	EXPECT_PARSE(config_parse_set, "rate-interval", EXIT_USAGE,
		     "Error: \"rate-interval\" requires an argument.\n", &cs);
	EXPECT_PARSE(config_parse_set, "max-flows 0", EXIT_USAGE,
		     "Error: argument \"0\" is wrong: max-flows must be 1..16777216\n", &cs);
	EXPECT_PARSE(config_parse_set, "max-flows 16777217", EXIT_USAGE,
		     "Error: argument \"16777217\" is wrong: max-flows must be 1..16777216\n", &cs);
	EXPECT_PARSE(config_parse_set, "max-flows lots", EXIT_USAGE,
		     "Error: argument \"lots\" is wrong: max-flows is not a number\n", &cs);
	EXPECT_PARSE(config_parse_set, "max-flows 1 max-flows 2", EXIT_USAGE,
		     "Error: duplicate \"max-flows\": \"2\" is the second value.\n", &cs);
	EXPECT_PARSE(config_parse_set, "max-flows", EXIT_USAGE,
		     "Error: \"max-flows\" requires an argument.\n", &cs);
	EXPECT_PARSE(config_parse_set, "timeout", EXIT_USAGE,
		     "Error: \"timeout\" requires an argument.\n", &cs);
	EXPECT_PARSE(config_parse_set, "timeout tcp-close", EXIT_USAGE,
		     "Error: \"tcp-close\" requires an argument.\n", &cs);
	EXPECT_PARSE(config_parse_set, "timeout tcp_close 10", EXIT_USAGE,
		     "Error: argument \"tcp_close\" is wrong: unknown timeout name\n", &cs);
	EXPECT_PARSE(config_parse_set, "timeout icmp 0", EXIT_USAGE,
		     "Error: argument \"0\" is wrong: timeout must be 1..604800\n", &cs);
	EXPECT_PARSE(config_parse_set, "timeout icmp 604801", EXIT_USAGE,
		     "Error: argument \"604801\" is wrong: timeout must be 1..604800\n", &cs);
	EXPECT_PARSE(config_parse_set, "timeout icmp 10 timeout icmp 20", EXIT_USAGE,
		     "Error: duplicate \"icmp\": \"20\" is the second value.\n", &cs);
	EXPECT_PARSE(config_parse_set, "max-flow 10", EXIT_USAGE,
		     "Error: unexpected argument \"max-flow\".\n", &cs);
}

void test_args(void)
{
	test_forward();
	test_snat();
	test_flow();
	test_config();
	test_service();
	test_backend();
}
