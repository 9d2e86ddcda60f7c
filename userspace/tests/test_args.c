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
	split(&w, "state syn_sent kind snat");
	tap_num(flow_parse_filter(w.argc, w.argv, &ff), 0, "flow filter: state syn_sent");
	tap_num(ff.state, KNAT_TCP_SYN_SENT, "flow filter: syn_sent is SYN-SENT");

	EXPECT_PARSE(flow_parse_filter, "proto sctp", EXIT_USAGE,
		     "Error: argument \"sctp\" is wrong: protocol must be tcp, udp or icmp\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "state bogus", EXIT_USAGE,
		     "Error: argument \"bogus\" is wrong: unknown TCP state\n", &ff);
	EXPECT_PARSE(flow_parse_filter, "kind nat", EXIT_USAGE,
		     "Error: argument \"nat\" is wrong: kind must be forward, snat or hairpin\n", &ff);
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
		     "Error: \"max-flows\" or \"timeout\" is required.\n", &cs);
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
}
