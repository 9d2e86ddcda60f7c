// SPDX-License-Identifier: GPL-2.0
/*
 * knat restore without a kernel: the lines of a file run through the
 * objects' own code while knat_nl.c collects, and the one request they
 * make is taken apart here: one KNAT_RESTORE_A_OP per change, its
 * KNAT_OP_A_CMD the command and its KNAT_OP_A_ATTRS byte for byte the
 * attributes that command alone would have sent; the extended ACK offset
 * of any byte of an op maps back to its line; what restore does not take
 * is refused; the buffer grows to 10 000 lines; and a request whose ops
 * do not fit the 16-bit length of their nest is refused, naming the first
 * line that does not fit.  Then mnlg's side against nlctrl: a request
 * built in a buffer of our own, bigger than 64 KiB, whose error comes
 * back capped and with the offset of the attribute refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/knat.h>

#include "../forward.h"
#include "../json_print.h"
#include "../knat_nl.h"
#include "../lb.h"
#include "../mnlg.h"
#include "../objects.h"
#include "../save.h"
#include "../snat.h"
#include "../utils.h"
#include "lbmsg.h"
#include "tap.h"
#include "unit.h"

#define WORDS 32

/* Run one line as "knat restore" would: the object's own do_*(). */
static int run_line(struct knat_restore *r, unsigned long no, const char *text,
		    const char **out)
{
	char buf[512], *argv[WORDS], *save, *w;
	int argc = 0, ret = EXIT_USAGE;
	size_t i;
	static const struct {
		const char *name;
		int (*run)(int, char **, const struct cli_opts *);
	} objs[] = {
		{ "config", do_config }, { "forward", do_forward },
		{ "snat", do_snat }, { "service", do_service },
		{ "backend", do_backend }, { "flow", do_flow },
		{ "stats", do_stats }, { "status", do_status },
	};

	snprintf(buf, sizeof(buf), "%s", text);
	for (w = strtok_r(buf, " ", &save); w && argc < WORDS;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	if (knat_restore_line(r, no, text))
		return EXIT_KERNEL;
	capture_start(false, false);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		if (!strcmp(argv[0], objs[i].name))
			ret = objs[i].run(argc - 1, argv + 1, NULL);
	*out = capture_end();
	return ret;
}

struct attrs {
	const struct nlattr *tb[KNAT_A_MAX + 1];
	unsigned int count;
	const struct nlattr *list[8];	/* the first ones, in order */
};

static int attrs_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	uint16_t type = mnl_attr_get_type(a);

	if (at->count < ARRAY_SIZE(at->list))
		at->list[at->count] = a;
	at->count++;
	if (type <= KNAT_A_MAX)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static void attrs_top(const struct nlmsghdr *nlh, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attrs_cb, at);
}

static void attrs_nested(const struct nlattr *nest, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	if (nest)
		mnl_attr_parse_nested(nest, attrs_cb, at);
}

static bool is_nest(const struct nlattr *a)
{
	return a && (a->nla_type & NLA_F_NESTED);
}

/*
 * The attributes the command of @line would have sent by itself: the
 * parse and put functions the object uses, into a message of its own.
 */
static char alone_buf[MNLG_TX_SIZE];

static const void *alone_forward(const char *line, size_t *len)
{
	struct forward_spec fs;
	char buf[256], *argv[WORDS], *save, *w;
	struct nlmsghdr *nlh;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	memset(&fs, 0, sizeof(fs));
	if (forward_parse(argc - 2, argv + 2, true, &fs))
		return NULL;
	nlh = mnl_nlmsg_put_header(alone_buf);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	forward_put(nlh, &fs, true);
	*len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(GENL_HDRLEN);
	return (char *)nlh + MNL_NLMSG_HDRLEN + MNL_ALIGN(GENL_HDRLEN);
}

/* Two lines, two ops: their commands, their attributes, their lines. */
static void test_two_lines(void)
{
	static const char *const lines[] = {
		"forward add tcp :8080 to 10.0.2.2:80",
		"backend add tcp 198.51.100.10:80 10.0.2.2:8080 weight 2",
	};
	struct attrs top, ops, op[2], inner;
	const struct nlmsghdr *nlh;
	struct knat_restore *r;
	const char *out, *text;
	unsigned long line;
	const void *alone;
	size_t len = 0;
	uint32_t off;
	int ret;

	r = knat_restore_begin("t.conf", false);
	if (!tap_ok(r != NULL, "restore: begin"))
		return;
	ret = run_line(r, 3, lines[0], &out);
	tap_ok(ret == 0 && !*out, "restore: line 3 (%s) collected, nothing printed (%d \"%s\")",
	       lines[0], ret, out);
	ret = run_line(r, 7, lines[1], &out);
	tap_ok(ret == 0 && !*out, "restore: line 7 (%s) collected, nothing printed (%d \"%s\")",
	       lines[1], ret, out);
	tap_num(knat_restore_nops(r), 2, "restore: two ops");
	nlh = knat_restore_finish(r);
	if (!tap_ok(nlh != NULL, "restore: finished")) {
		knat_restore_free(r);
		return;
	}
	tap_num(((const struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd,
		KNAT_CMD_RESTORE, "restore: genl cmd KNAT_CMD_RESTORE");
	tap_ok(mnl_nlmsg_ok(nlh, (int)nlh->nlmsg_len), "restore: nlmsg_len covers the request");

	attrs_top(nlh, &top);
	tap_num(top.count, 1, "restore: one top-level attribute without --flush");
	tap_ok(!top.tb[KNAT_A_RESTORE_FLUSH], "restore: no KNAT_A_RESTORE_FLUSH");
	tap_ok(is_nest(top.tb[KNAT_A_RESTORE_OPS]), "restore: KNAT_A_RESTORE_OPS, NLA_F_NESTED");
	tap_num((long long)((const char *)top.tb[KNAT_A_RESTORE_OPS] - (const char *)nlh) +
		top.tb[KNAT_A_RESTORE_OPS]->nla_len, nlh->nlmsg_len,
		"restore: the ops nest ends the request");
	attrs_nested(top.tb[KNAT_A_RESTORE_OPS], &ops);
	tap_num(ops.count, 2, "restore: two KNAT_RESTORE_A_OP nests");
	tap_ok(mnl_attr_get_type(ops.list[0]) == KNAT_RESTORE_A_OP && is_nest(ops.list[0]) &&
	       mnl_attr_get_type(ops.list[1]) == KNAT_RESTORE_A_OP && is_nest(ops.list[1]),
	       "restore: both of type KNAT_RESTORE_A_OP, NLA_F_NESTED");
	attrs_nested(ops.list[0], &op[0]);
	attrs_nested(ops.list[1], &op[1]);
	tap_ok(op[0].count == 2 && op[0].tb[KNAT_OP_A_CMD] &&
	       mnl_attr_get_payload_len(op[0].tb[KNAT_OP_A_CMD]) == 1 &&
	       mnl_attr_get_u8(op[0].tb[KNAT_OP_A_CMD]) == KNAT_CMD_FORWARD_NEW,
	       "restore: op 1: KNAT_OP_A_CMD u8 KNAT_CMD_FORWARD_NEW");
	tap_ok(op[1].count == 2 && op[1].tb[KNAT_OP_A_CMD] &&
	       mnl_attr_get_u8(op[1].tb[KNAT_OP_A_CMD]) == KNAT_CMD_BACKEND_NEW,
	       "restore: op 2: KNAT_OP_A_CMD u8 KNAT_CMD_BACKEND_NEW");
	tap_ok(is_nest(op[0].tb[KNAT_OP_A_ATTRS]) && is_nest(op[1].tb[KNAT_OP_A_ATTRS]),
	       "restore: KNAT_OP_A_ATTRS nests, NLA_F_NESTED");

	/* The forward's attributes: the bytes "forward add" alone sends. */
	alone = alone_forward(lines[0], &len);
	tap_ok(alone && op[0].tb[KNAT_OP_A_ATTRS] &&
	       mnl_attr_get_payload_len(op[0].tb[KNAT_OP_A_ATTRS]) == len &&
	       !memcmp(mnl_attr_get_payload(op[0].tb[KNAT_OP_A_ATTRS]), alone, len),
	       "restore: op 1's attributes are forward add's, byte for byte (%zu bytes)", len);
	attrs_nested(op[0].tb[KNAT_OP_A_ATTRS], &inner);
	tap_ok(inner.count == 1 && is_nest(inner.tb[KNAT_A_FORWARD]),
	       "restore: op 1: one KNAT_A_FORWARD, NLA_F_NESTED kept");
	attrs_nested(op[1].tb[KNAT_OP_A_ATTRS], &inner);
	tap_ok(inner.count == 2 && is_nest(inner.tb[KNAT_A_SERVICE]) &&
	       is_nest(inner.tb[KNAT_A_BACKEND]),
	       "restore: op 2: KNAT_A_SERVICE and KNAT_A_BACKEND, NLA_F_NESTED kept");
	if (inner.tb[KNAT_A_BACKEND]) {
		const struct nlattr *a, *weight = NULL, *addr = NULL;

		mnl_attr_for_each_nested(a, inner.tb[KNAT_A_BACKEND]) {
			if (mnl_attr_get_type(a) == KNAT_BE_A_WEIGHT)
				weight = a;
			if (mnl_attr_get_type(a) == KNAT_BE_A_ADDR)
				addr = a;
		}
		tap_ok(weight && mnl_attr_get_u32(weight) == 2,
		       "restore: op 2: KNAT_BE_A_WEIGHT 2");
		/* An offset as the kernel's extack gives it: the bad attribute. */
		off = addr ? (uint32_t)((const char *)addr - (const char *)nlh) : 0;
		tap_ok(addr && knat_restore_line_at(r, off, &line, &text) && line == 7 &&
		       !strcmp(text, lines[1]),
		       "restore: offset %u (op 2's KNAT_BE_A_ADDR) -> line 7", off);
	}

	/* Every byte of each op maps to its line; the rest to none. */
	{
		uint32_t start[2], end[2], o;
		bool all = true, none = true;
		int i;

		for (i = 0; i < 2; i++) {
			start[i] = (uint32_t)((const char *)ops.list[i] - (const char *)nlh);
			end[i] = start[i] + MNL_ALIGN(ops.list[i]->nla_len);
		}
		tap_num(end[0], start[1], "restore: op 2 right after op 1");
		for (i = 0; i < 2; i++)
			for (o = start[i]; o < end[i]; o++)
				all &= knat_restore_line_at(r, o, &line, &text) &&
				       line == (i ? 7UL : 3UL) && !strcmp(text, lines[i]);
		tap_ok(all, "restore: each of ops' bytes [%u,%u) [%u,%u) maps to its line",
		       start[0], end[0], start[1], end[1]);
		for (o = 0; o < start[0]; o++)
			none &= !knat_restore_line_at(r, o, &line, &text);
		none &= !knat_restore_line_at(r, end[1], &line, &text);
		none &= !knat_restore_line_at(r, UINT32_MAX, &line, &text);
		tap_ok(none, "restore: header, the ops nest's own header and past the end: no line");
	}
	knat_restore_free(r);
}

/* --flush, and an empty file. */
static void test_flush(void)
{
	const struct nlmsghdr *nlh;
	struct knat_restore *r;
	struct attrs top;

	r = knat_restore_begin("empty", true);
	if (!tap_ok(r != NULL, "restore --flush: begin"))
		return;
	nlh = knat_restore_finish(r);
	attrs_top(nlh, &top);
	tap_ok(top.count == 2 && top.tb[KNAT_A_RESTORE_FLUSH] &&
	       mnl_attr_get_payload_len(top.tb[KNAT_A_RESTORE_FLUSH]) == 0,
	       "restore --flush: KNAT_A_RESTORE_FLUSH, a flag");
	tap_ok(is_nest(top.tb[KNAT_A_RESTORE_OPS]) &&
	       mnl_attr_get_payload_len(top.tb[KNAT_A_RESTORE_OPS]) == 0,
	       "restore --flush of an empty file: an empty KNAT_A_RESTORE_OPS");
	tap_num(knat_restore_nops(r), 0, "restore --flush of an empty file: no op");
	knat_restore_free(r);

	/* Without --flush there is nothing to ask: not even the module. */
	r = knat_restore_begin("empty", false);
	capture_start(false, false);
	tap_num(knat_restore_send(r), 0, "restore of an empty file: nothing sent, 0");
	tap_str(capture_end(), "", "restore of an empty file: nothing printed");
	knat_restore_free(r);
}

/*
 * A config set line of a save: one CONFIG_SET op whose KNAT_A_CONFIG
 * holds what config set parsed, the fast path as a u8 among the rest.
 */
static void test_config_line(void)
{
	struct attrs top, ops, op, inner, cfg;
	const struct nlmsghdr *nlh;
	struct knat_restore *r;
	const char *out;
	int ret;

	r = knat_restore_begin("c.conf", false);
	if (!tap_ok(r != NULL, "restore: begin"))
		return;
	ret = run_line(r, 1, "config set fastpath on max-flows 5000", &out);
	tap_ok(ret == 0 && !*out && knat_restore_nops(r) == 1,
	       "restore: config set fastpath on max-flows 5000 collected (%d \"%s\")",
	       ret, out);
	ret = run_line(r, 2, "config set fastpath sometimes", &out);
	tap_ok(ret == EXIT_USAGE && knat_restore_nops(r) == 1 && !knat_restore_refused(r),
	       "restore: fastpath sometimes: EXIT_USAGE, no op");
	tap_str(out, "Error: argument \"sometimes\" is wrong: fastpath must be on or off\n",
		"restore: ... with config set's own message");
	nlh = knat_restore_finish(r);
	if (!tap_ok(nlh != NULL, "restore: finished")) {
		knat_restore_free(r);
		return;
	}
	attrs_top(nlh, &top);
	attrs_nested(top.tb[KNAT_A_RESTORE_OPS], &ops);
	attrs_nested(ops.count ? ops.list[0] : NULL, &op);
	tap_ok(ops.count == 1 && op.tb[KNAT_OP_A_CMD] &&
	       mnl_attr_get_u8(op.tb[KNAT_OP_A_CMD]) == KNAT_CMD_CONFIG_SET,
	       "restore: one op, KNAT_CMD_CONFIG_SET");
	attrs_nested(op.tb[KNAT_OP_A_ATTRS], &inner);
	attrs_nested(inner.tb[KNAT_A_CONFIG], &cfg);
	tap_ok(inner.count == 1 && is_nest(inner.tb[KNAT_A_CONFIG]) && cfg.count == 2 &&
	       cfg.tb[KNAT_CFG_A_MAX_FLOWS] &&
	       mnl_attr_get_u32(cfg.tb[KNAT_CFG_A_MAX_FLOWS]) == 5000 &&
	       cfg.tb[KNAT_CFG_A_FASTPATH] &&
	       mnl_attr_get_payload_len(cfg.tb[KNAT_CFG_A_FASTPATH]) == 1 &&
	       mnl_attr_get_u8(cfg.tb[KNAT_CFG_A_FASTPATH]) == 1,
	       "restore: KNAT_A_CONFIG: MAX_FLOWS 5000 and FASTPATH u8 1");
	knat_restore_free(r);
}

/* What restore does not take: refused, nothing added, nothing printed. */
static void test_refused(void)
{
	static const char *const lines[] = {
		"forward del tcp :8080",
		"snat del from 10.0.1.0/24",
		"service set tcp 198.51.100.10:80 sched rr",
		"service del tcp 198.51.100.10:80",
		"backend del tcp 198.51.100.10:80 10.0.2.2",
		"flow flush",
		"flow del kind snat",
		"stats reset",
		"forward list",
		"config show",
		"status",
		"service list",
		"flow count",
	};
	struct knat_restore *r, *inner;
	const char *out;
	size_t i;
	int ret;

	r = knat_restore_begin("r.conf", false);
	if (!tap_ok(r != NULL, "restore: begin"))
		return;
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		ret = run_line(r, i + 1, lines[i], &out);
		tap_ok(ret != 0 && knat_restore_refused(r) && !*out &&
		       knat_restore_nops(r) == 0,
		       "restore: \"%s\" refused, nothing printed (%d \"%s\")",
		       lines[i], ret, out);
	}
	ret = run_line(r, 20, "config set max-flows 1000", &out);
	tap_ok(ret == 0 && !knat_restore_refused(r) && knat_restore_nops(r) == 1,
	       "restore: the next line starts unrefused: config set collected");
	ret = run_line(r, 21, "backend set tcp 198.51.100.10:80 10.0.2.2 down", &out);
	tap_ok(ret == 0 && knat_restore_nops(r) == 2, "restore: backend set ... down collected");
	/* A parse error: the object's own message, no op, not refused. */
	ret = run_line(r, 22, "snat add from 10.0.1.0/33 to 1.1.1.1", &out);
	tap_ok(ret == EXIT_USAGE && !knat_restore_refused(r) && knat_restore_nops(r) == 2,
	       "restore: a line that does not parse: EXIT_USAGE, no op");
	tap_str(out, "Error: argument \"10.0.1.0/33\" is wrong: prefix length out of range\n",
		"restore: ... with the object's own message");

	knat_restore_line(r, 23, "restore x");
	errno = 0;
	inner = knat_restore_begin("x", false);
	tap_ok(!inner && errno == EBUSY && knat_restore_refused(r),
	       "restore: a restore while one collects: refused, EBUSY");
	knat_restore_free(r);
	r = knat_restore_begin("again", false);
	tap_ok(r != NULL, "restore: free ends the collecting");
	knat_restore_free(r);
}

/*
 * A big file: the request buffer grows many times over and every op keeps
 * its line; the ops pass what one nest's 16-bit length can say, so they
 * are spread over several KNAT_A_RESTORE_OPS, each under 64 KiB, in order.
 */
static void test_big(void)
{
	enum { N = 10000 };
	const struct nlmsghdr *nlh;
	const struct nlattr *a, *op;
	struct knat_restore *r;
	const char *out = "", *text;
	unsigned long line;
	unsigned int nests = 0, seen = 0;
	char buf[128];
	bool ok = true, fits = true, mapped = true;
	int i;

	r = knat_restore_begin("big.conf", true);
	if (!tap_ok(r != NULL, "restore of %d lines: begin", N))
		return;
	for (i = 0; i < N && ok; i++) {
		/* Blank and comment lines between: line numbers are the file's. */
		snprintf(buf, sizeof(buf), "forward add tcp 198.51.100.1:%d to 10.%d.%d.2:80",
			 10000 + i, i / 256 % 256, i % 256);
		ok = run_line(r, 2 * (unsigned long)i + 1, buf, &out) == 0;
	}
	tap_ok(ok && knat_restore_nops(r) == N, "restore of %d lines: every line collected%s%s",
	       N, ok ? "" : ": ", ok ? "" : out);
	nlh = knat_restore_finish(r);
	if (!tap_ok(nlh != NULL, "restore of %d lines: one request", N)) {
		knat_restore_free(r);
		return;
	}
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != KNAT_A_RESTORE_OPS)
			continue;
		nests++;
		/* A 16-bit length that wrapped would end it early: seen < N. */
		fits &= (const char *)a + a->nla_len <= (const char *)nlh + nlh->nlmsg_len;
		mnl_attr_for_each_nested(op, a) {
			uint32_t o = (uint32_t)((const char *)op - (const char *)nlh);

			snprintf(buf, sizeof(buf), "forward add tcp 198.51.100.1:%u to 10.%u.%u.2:80",
				 10000 + seen, seen / 256 % 256, seen % 256);
			mapped &= knat_restore_line_at(r, o + op->nla_len / 2, &line, &text) &&
				  line == 2 * (unsigned long)seen + 1 && !strcmp(text, buf);
			seen++;
		}
	}
	tap_ok(nests > 1 && fits && seen == N,
	       "restore of %d lines: %u ops in %u KNAT_A_RESTORE_OPS, each under 64 KiB",
	       N, seen, nests);
	tap_ok(mapped, "restore of %d lines: every op, wherever it lies, maps to its line", N);
	knat_restore_free(r);
}

/*
 * mnlg: a request in our own buffer, over 64 KiB (so the send buffer
 * must grow), refused by nlctrl at its last attribute: the error comes
 * back capped (not the request echoed, which the receive buffer would
 * not hold) with the attribute's offset.
 */
static void test_mnlg_big(void)
{
	enum { FILL = 60, FILL_LEN = 2000 };
	struct nlmsghdr *nlh;
	struct nlattr *bad;
	static char filler[FILL_LEN];
	uint32_t off = 0;
	struct mnlg *g;
	bool has;
	char *buf;
	int i, ret;

	g = mnlg_open("nlctrl", 2);
	if (!g) {
		tap_ok(true, "mnlg big request: # SKIP no generic netlink here (%s)",
		       strerror(errno));
		return;
	}
	buf = calloc(1, 256 * 1024);
	if (!buf)
		abort();
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	/* Types nlctrl does not know: GETFAMILY skips them. */
	for (i = 0; i < FILL; i++)
		mnl_attr_put(nlh, CTRL_ATTR_MAX + 10, sizeof(filler), filler);
	bad = (struct nlattr *)mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME,
			  "a-family-name-much-longer-than-genl-namsiz");
	mnlg_msg_init(g, nlh, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	tap_ok(nlh->nlmsg_len > 100000, "mnlg: a request of %u bytes in our buffer",
	       nlh->nlmsg_len);
	tap_num(mnlg_sndbuf(g, nlh->nlmsg_len), 0, "mnlg_sndbuf: the send buffer holds it");
	ret = mnlg_run(g, nlh, NULL, NULL);
	tap_ok(ret < 0 && errno == EINVAL, "mnlg: the big request refused by nlctrl (%s)",
	       strerror(errno));
	has = mnlg_ext_ack_offset(g, &off);
	tap_ok(has && off == (uint32_t)((char *)bad - buf),
	       "mnlg_ext_ack_offset: the refused attribute's, %u (want %u)", off,
	       (unsigned int)((char *)bad - buf));

	/* A plain request: no offset. */
	nlh = mnlg_msg(g, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	ret = mnlg_run(g, nlh, NULL, NULL);
	tap_ok(ret == 0 && !mnlg_ext_ack_offset(g, &off),
	       "mnlg_ext_ack_offset: none after a success");
	free(buf);
	mnlg_close(g);
}

/*
 * knat save prints "forward add " / "snat add " and the list's line; what
 * restore makes of that line must list as the same line: parse it, put
 * it, and print the nest it put as the kernel's dump would carry it.
 */
static const char *round_trip(bool forward, const char *line)
{
	static char msg[MNLG_TX_SIZE];
	char buf[256], *argv[WORDS], *save, *w;
	struct forward_spec fs;
	struct snat_spec ss;
	struct nlmsghdr *nlh;
	int argc = 0, ret;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " ", &save); w && argc < WORDS;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	nlh = mnl_nlmsg_put_header(msg);
	nlh->nlmsg_type = GENL_MIN_ID;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	capture_start(false, false);
	ret = forward ? forward_parse(argc, argv, true, &fs)
		      : snat_parse(argc, argv, true, &ss);
	if (!ret) {
		if (forward) {
			forward_put(nlh, &fs, true);
			forward_print(nlh, NULL);
		} else {
			snat_put(nlh, &ss, true);
			snat_print(nlh, NULL);
		}
	}
	return capture_end();
}

static void test_save_lines(void)
{
	static const struct {
		bool forward;
		const char *line, *listed;	/* listed NULL: line itself */
	} cases[] = {
		{ true, "tcp [2001:db8:1::1]:8080 to [fd00:1::4]:80", NULL },
		{ true, "udp [::]:5353 to fd00:1::4", NULL },
		{ true, "tcp [2001:db8::1]:8000-8010 to [fd00::4]:9000-9010", NULL },
		{ true, "tcp 198.51.100.1:9000-9002 to 10.0.1.2:7000-7002", NULL },
		{ true, "udp 0.0.0.0:5353 to 10.0.1.3", NULL },
		/* other spellings list as the one save prints */
		{ true, "udp :5353 to [fd00:1::4]", "udp [::]:5353 to fd00:1::4" },
		{ true, "udp [0:0::0]:5353 to [fd00:1:0::4]:5353",
		  "udp [::]:5353 to [fd00:1::4]:5353" },
		{ true, "udp :5353 to 10.0.1.3", "udp 0.0.0.0:5353 to 10.0.1.3" },
		{ false, "from fd00:1::/64 out eth1 masquerade ports 1024-65535 "
			 "mapping endpoint-independent", NULL },
		{ false, "from fd00:2::/64 to 2001:db8:1::5-2001:db8:1::9 ports 20000-20099 "
			 "mapping address-port-dependent", NULL },
		{ false, "from ::/0 to 2001:db8:1::5 mapping endpoint-independent", NULL },
		{ false, "from 10.0.2.0/24 to 198.51.100.10-198.51.100.11 ports 20000-29999 "
			 "mapping address-port-dependent", NULL },
		{ false, "from fd00:2::/64 to [2001:db8:1::5]-[2001:db8:1::9]:20000-20099",
		  "from fd00:2::/64 to 2001:db8:1::5-2001:db8:1::9 ports 20000-20099 "
		  "mapping endpoint-independent" },
		{ false, "from fd00:2::/64 to [2001:db8:1::5]:20000-20099",
		  "from fd00:2::/64 to 2001:db8:1::5 ports 20000-20099 "
		  "mapping endpoint-independent" },
	};
	char want[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(want, sizeof(want), "%s\n",
			 cases[i].listed ? cases[i].listed : cases[i].line);
		tap_str(round_trip(cases[i].forward, cases[i].line), want,
			"save/restore: %s add %s lists as it was saved",
			cases[i].forward ? "forward" : "snat", cases[i].line);
	}
}

/*
 * knat save of services and backends, an IPv6 one among them: the lines
 * save_print_services() prints from a listing as lb_collect() gathers
 * it; what restore makes of them (every line an op; an IPv6 service and
 * its backends named by ADDR6, 16 bytes, never ADDR); and, those ops'
 * attributes listed back as the two dumps carry them, the same lines.
 */
static const char saved_services[] =
	"service add tcp 203.0.113.10:80 sched wrr\n"
	"backend add tcp 203.0.113.10:80 10.0.2.11:8080 weight 1\n"
	"service add tcp [2001:db8::10]:80 sched maglev maglev-size 251 check-fails 3\n"
	"backend add tcp [2001:db8::10]:80 fd00:2::11 weight 2\n"
	"backend add tcp [2001:db8::10]:80 [fd00:2::12]:8080 weight 1\n"
	"backend set tcp [2001:db8::10]:80 [fd00:2::12]:8080 down\n";

/* The services and backends of t as save prints them. */
static const char *saved_text(struct lb_table *t)
{
	static char *text;
	size_t len;
	FILE *f;

	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	if (!f)
		abort();
	save_print_services(f, t);
	fclose(f);
	return text;
}

/* The listing: an IPv6 service first, its backends in no order. */
static const struct nlmsghdr *services_listing(void *buf)
{
	static const struct {
		const char *addr;
		uint16_t port;
		uint32_t weight;
		uint8_t state;
	} bes[] = {
		{ "fd00:2::12", 8080, 1, KNAT_BACKEND_DOWN },
		{ "fd00:2::13", 8080, 1, KNAT_BACKEND_DRAINING },	/* not saved */
		{ "fd00:2::11", 0, 2, KNAT_BACKEND_UP },
	};
	struct lbmsg m;
	struct nlmsghdr *nlh;
	size_t i;

	nlh = lbmsg_service(&m, buf, IPPROTO_TCP, "2001:db8::10", 80);
	mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, "maglev");
	mnl_attr_put_u32(nlh, KNAT_SVC_A_MAGLEV_SIZE, 251);
	mnl_attr_put_u32(nlh, KNAT_SVC_A_CHECK_FAILS, 3);
	for (i = 0; i < ARRAY_SIZE(bes); i++) {
		nlh = lbmsg_backend(&m);
		lbmsg_backend_addr(&m, bes[i].addr);
		mnl_attr_put_u16(nlh, KNAT_BE_A_PORT, htons(bes[i].port));
		mnl_attr_put_u32(nlh, KNAT_BE_A_WEIGHT, bes[i].weight);
		mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, bes[i].state);
	}
	nlh = lbmsg_next_service(&m, IPPROTO_TCP, "203.0.113.10", 80);
	mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, "wrr");
	nlh = lbmsg_backend(&m);
	lbmsg_backend_addr(&m, "10.0.2.11");
	mnl_attr_put_u16(nlh, KNAT_BE_A_PORT, htons(8080));
	mnl_attr_put_u32(nlh, KNAT_BE_A_WEIGHT, 1);
	mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, KNAT_BACKEND_UP);
	return lbmsg_end(&m);
}

/* In nest: its ADDR6 is 16 bytes and it has no ADDR. */
static bool named_by_addr6(const struct nlattr *nest, uint16_t type4,
			   uint16_t type6, const char *want)
{
	const struct nlattr *a, *a4 = NULL, *a6 = NULL;
	struct in6_addr in6;

	if (!nest)
		return false;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == type4)
			a4 = a;
		if (mnl_attr_get_type(a) == type6)
			a6 = a;
	}
	return !a4 && a6 && mnl_attr_get_payload_len(a6) == 16 &&
	       inet_pton(AF_INET6, want, &in6) == 1 &&
	       !memcmp(mnl_attr_get_payload(a6), &in6, 16);
}

/*
 * The ops of a restore listed back: each op's attributes as the message
 * of the dump that lists what it made.  A "backend set ... down" op
 * follows the add of its backend (save prints them so): its STATE joins
 * that backend's KNAT_A_BACKEND, the last attribute of the message before.
 */
static const struct nlmsghdr *ops_as_listing(const struct nlattr *ops, void *buf)
{
	struct nlmsghdr *nlh = NULL;
	const struct nlattr *op, *a;
	struct nlattr *last = NULL, *l;
	struct attrs o, inner;
	void *at = buf;
	uint16_t len;
	uint8_t cmd;

	mnl_attr_for_each_nested(op, ops) {
		attrs_nested(op, &o);
		if (!o.tb[KNAT_OP_A_CMD] || !o.tb[KNAT_OP_A_ATTRS])
			continue;
		cmd = mnl_attr_get_u8(o.tb[KNAT_OP_A_CMD]);
		if (cmd == KNAT_CMD_BACKEND_SET) {
			attrs_nested(o.tb[KNAT_OP_A_ATTRS], &inner);
			if (!last || mnl_attr_get_type(last) != KNAT_A_BACKEND ||
			    !inner.tb[KNAT_A_BACKEND])
				continue;
			mnl_attr_for_each_nested(a, inner.tb[KNAT_A_BACKEND]) {
				if (mnl_attr_get_type(a) != KNAT_BE_A_STATE)
					continue;
				mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, mnl_attr_get_u8(a));
				last->nla_len += MNL_ALIGN(MNL_ATTR_HDRLEN + 1);
			}
		} else {
			nlh = lbmsg_put(at, cmd == KNAT_CMD_SERVICE_NEW ?
					KNAT_CMD_SERVICE_GET : KNAT_CMD_BACKEND_GET);
			len = mnl_attr_get_payload_len(o.tb[KNAT_OP_A_ATTRS]);
			memcpy(mnl_nlmsg_get_payload_tail(nlh),
			       mnl_attr_get_payload(o.tb[KNAT_OP_A_ATTRS]), len);
			nlh->nlmsg_len += MNL_ALIGN(len);
			mnl_attr_for_each(l, nlh, sizeof(struct genlmsghdr))
				last = l;
		}
		at = (char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len);
	}
	memset(at, 0, sizeof(struct nlmsghdr));
	return buf;
}

static void test_save_services(void)
{
	static char listing[MNLG_TX_SIZE], again[MNLG_TX_SIZE];
	struct lb_table t = { 0 };
	struct attrs top, ops, op, inner;
	const struct nlmsghdr *nlh;
	struct knat_restore *r;
	char lines[sizeof(saved_services)], *line, *save;
	const char *out;
	unsigned long no = 0;
	bool collected = true, six = true;
	size_t i;

	lbmsg_feed(services_listing(listing), &t);
	tap_str(saved_text(&t), saved_services,
		"save: services sorted, each with its backends; IPv6 in brackets before a "
		"port, bare without; draining left out, down a second line");
	lb_table_free(&t);

	r = knat_restore_begin("s.conf", true);
	if (!tap_ok(r != NULL, "restore of saved services: begin"))
		return;
	snprintf(lines, sizeof(lines), "%s", saved_services);
	for (line = strtok_r(lines, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		collected &= run_line(r, ++no, line, &out) == 0 && !*out;
		if (*out)
			printf("# %s: %s", line, out);
	}
	tap_ok(collected && knat_restore_nops(r) == no,
	       "restore of saved services: each of the %lu lines an op, nothing printed", no);
	nlh = knat_restore_finish(r);
	if (!tap_ok(nlh != NULL, "restore of saved services: finished")) {
		knat_restore_free(r);
		return;
	}
	attrs_top(nlh, &top);
	attrs_nested(top.tb[KNAT_A_RESTORE_OPS], &ops);
	/* Ops 3 to 6 are the IPv6 service's: named by ADDR6 alone. */
	for (i = 2; i < ops.count && i < ARRAY_SIZE(ops.list); i++) {
		attrs_nested(ops.list[i], &op);
		attrs_nested(op.tb[KNAT_OP_A_ATTRS], &inner);
		six &= named_by_addr6(inner.tb[KNAT_A_SERVICE], KNAT_SVC_A_ADDR,
				      KNAT_SVC_A_ADDR6, "2001:db8::10");
		if (i > 2)
			six &= named_by_addr6(inner.tb[KNAT_A_BACKEND], KNAT_BE_A_ADDR,
					      KNAT_BE_A_ADDR6, i == 3 ? "fd00:2::11" :
					      "fd00:2::12");
	}
	tap_ok(ops.count == 6 && six,
	       "restore of saved services: the IPv6 service and its backends by "
	       "ADDR6 (16 bytes), no ADDR");

	/* Listed back as the dumps would, saved again: the same lines. */
	lbmsg_feed(ops_as_listing(top.tb[KNAT_A_RESTORE_OPS], again), &t);
	tap_str(saved_text(&t), saved_services,
		"save, restore, list, save: the same lines");
	lb_table_free(&t);
	knat_restore_free(r);
}

void test_restore(void)
{
	printf("# knat restore: the request built from a file's lines\n");

	test_two_lines();
	test_flush();
	test_config_line();
	test_refused();
	test_big();
	test_mnlg_big();
	test_save_lines();
	test_save_services();
}
