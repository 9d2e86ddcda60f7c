// SPDX-License-Identifier: GPL-2.0
/* The knat family on top of mnlg; see knat_nl.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "json_print.h"
#include "knat_nl.h"
#include "utils.h"

/* In batch mode: the one socket every request uses. */
static struct mnlg *batch_g;
/* While a restore collects: where knat_do() puts its message. */
static struct knat_restore *collecting;

static void restore_refuse(struct knat_restore *r);

struct mnlg *knat_open(void)
{
	struct mnlg *g;

	/* Only knat_do() has something a restore takes. */
	if (collecting) {
		restore_refuse(collecting);
		return NULL;
	}
	if (batch_g)
		return batch_g;
	g = mnlg_open(KNAT_GENL_NAME, KNAT_GENL_VERSION);
	if (g)
		return g;
	if (errno == ENOENT)
		pr_err("knat is not loaded (no generic netlink family \"%s\").",
		       KNAT_GENL_NAME);
	else
		pr_err("cannot reach generic netlink family \"%s\": %s.",
		       KNAT_GENL_NAME, strerror(errno));
	return NULL;
}

void knat_close(struct mnlg *g)
{
	if (g != batch_g)
		mnlg_close(g);
}

int knat_batch_begin(void)
{
	batch_g = NULL;
	batch_g = knat_open();
	return batch_g ? 0 : EXIT_KERNEL;
}

void knat_batch_end(void)
{
	if (batch_g)
		mnlg_close(batch_g);
	batch_g = NULL;
}

/* Kernel messages normally lack the final period; never print two. */
static const char *period(const char *msg)
{
	size_t len = strlen(msg);

	return len && msg[len - 1] == '.' ? "" : ".";
}

int knat_run(struct mnlg *g, const struct nlmsghdr *nlh, mnl_cb_t cb,
	     void *data)
{
	const char *msg;

	if (mnlg_run(g, nlh, cb, data) < 0) {
		int err = errno;

		msg = mnlg_ext_ack_msg(g);
		if (msg)
			pr_err("%s%s", msg, period(msg));
		else if (err == EINTR && (nlh->nlmsg_flags & NLM_F_DUMP))
			pr_err("the table changed during the dump, try again.");
		else
			pr_err("%s.", strerror(err));
		return EXIT_KERNEL;
	}
	msg = mnlg_ext_ack_msg(g);
	if (msg)
		pr_warn("%s%s", msg, period(msg));
	return 0;
}

static int restore_add(struct knat_restore *r, uint8_t cmd, knat_put_fn put,
		       const void *arg);

int knat_do(uint8_t cmd, knat_put_fn put, const void *arg)
{
	struct nlmsghdr *nlh;
	struct mnlg *g;
	int ret;

	if (collecting)
		return restore_add(collecting, cmd, put, arg);
	g = knat_open();
	if (!g)
		return EXIT_KERNEL;
	nlh = mnlg_msg(g, cmd, NLM_F_ACK);
	if (put)
		put(nlh, arg);
	ret = knat_run(g, nlh, NULL, NULL);
	knat_close(g);
	return ret;
}

int knat_query(uint8_t cmd, uint16_t flags, mnl_cb_t cb, void *data)
{
	bool dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
	struct nlmsghdr *nlh;
	struct mnlg *g;
	int ret;

	g = knat_open();
	if (!g)
		return EXIT_KERNEL;
	nlh = mnlg_msg(g, cmd, flags);
	if (dump)
		open_json_array(NULL);
	ret = knat_run(g, nlh, cb, data);
	if (dump && !ret)
		close_json_array();
	knat_close(g);
	return ret;
}

struct attr_table {
	const enum mnl_attr_data_type *policy;
	unsigned int max;
	const struct nlattr **tb;
};

static int attr_table_cb(const struct nlattr *attr, void *data)
{
	const struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > t->max || t->policy[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, t->policy[type]) < 0)
		return MNL_CB_OK;
	t->tb[type] = attr;
	return MNL_CB_OK;
}

void knat_parse_attrs(const struct nlmsghdr *nlh,
		      const enum mnl_attr_data_type *policy, unsigned int max,
		      const struct nlattr **tb)
{
	struct attr_table t = { policy, max, tb };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_table_cb, &t);
}

void knat_parse_nested(const struct nlattr *nest,
		       const enum mnl_attr_data_type *policy, unsigned int max,
		       const struct nlattr **tb)
{
	struct attr_table t = { policy, max, tb };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (nest)
		mnl_attr_parse_nested(nest, attr_table_cb, &t);
}

/* ---- knat restore: the lines of a file as one request ---- */

struct restore_op {
	uint32_t start, end;	/* its KNAT_RESTORE_A_OP nest in the request */
	unsigned long line;
	size_t text;		/* the line's text: an offset into r->text */
};

struct knat_restore {
	const char *name;	/* the file, for the messages */
	bool flush;
	bool finished;
	bool refused;		/* since the last knat_restore_line() */
	/* The request, header first; offsets, not pointers: it moves. */
	char *buf;
	size_t cap;
	uint32_t ops_nest;	/* KNAT_A_RESTORE_OPS */
	struct restore_op *ops;
	size_t nops, ops_cap;
	/* The lines' texts, each NUL-terminated, one after the other. */
	char *text;
	size_t text_len, text_cap;
	unsigned long line;
	size_t line_text;
};

static struct nlmsghdr *restore_nlh(const struct knat_restore *r)
{
	return (struct nlmsghdr *)r->buf;
}

static void restore_refuse(struct knat_restore *r)
{
	r->refused = true;
}

/* Room for more bytes of request; false after printing why. */
static bool restore_reserve(struct knat_restore *r, size_t more)
{
	size_t need = restore_nlh(r)->nlmsg_len + more, cap = r->cap;
	char *grown;

	if (need <= cap)
		return true;
	while (cap < need)
		cap *= 2;
	/* Netlink lengths are 32 bits. */
	if (cap > UINT32_MAX || !(grown = realloc(r->buf, cap))) {
		pr_err("%s.", strerror(ENOMEM));
		return false;
	}
	r->buf = grown;
	r->cap = cap;
	return true;
}

struct knat_restore *knat_restore_begin(const char *name, bool flush)
{
	struct knat_restore *r;
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	if (collecting) {
		/* A restore line in a restore file. */
		restore_refuse(collecting);
		errno = EBUSY;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r) {
		r->cap = MNLG_TX_SIZE;
		r->buf = malloc(r->cap);
	}
	if (!r || !r->buf) {
		free(r);
		pr_err("%s.", strerror(ENOMEM));
		errno = ENOMEM;
		return NULL;
	}
	r->name = name;
	r->flush = flush;
	/* Family, flags and sequence number come with the socket. */
	nlh = mnl_nlmsg_put_header(r->buf);
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = KNAT_CMD_RESTORE;
	genl->version = KNAT_GENL_VERSION;
	if (flush)
		mnl_attr_put(nlh, KNAT_A_RESTORE_FLUSH, 0, NULL);
	r->ops_nest = nlh->nlmsg_len;
	mnl_attr_nest_start(nlh, KNAT_A_RESTORE_OPS);
	collecting = r;
	return r;
}

int knat_restore_line(struct knat_restore *r, unsigned long line,
		      const char *text)
{
	size_t len = strlen(text) + 1, cap = r->text_cap ? r->text_cap : 4096;
	char *grown;

	while (r->text_len + len > cap)
		cap *= 2;
	if (cap != r->text_cap) {
		grown = realloc(r->text, cap);
		if (!grown) {
			pr_err("%s.", strerror(ENOMEM));
			return EXIT_KERNEL;
		}
		r->text = grown;
		r->text_cap = cap;
	}
	memcpy(r->text + r->text_len, text, len);
	r->line_text = r->text_len;
	r->text_len += len;
	r->line = line;
	r->refused = false;
	return 0;
}

bool knat_restore_refused(const struct knat_restore *r)
{
	return r->refused;
}

size_t knat_restore_nops(const struct knat_restore *r)
{
	return r->nops;
}

/* What "knat save" prints: the commands that make, never those that remove. */
static bool restore_takes(uint8_t cmd)
{
	switch (cmd) {
	case KNAT_CMD_CONFIG_SET:
	case KNAT_CMD_FORWARD_NEW:
	case KNAT_CMD_SNAT_NEW:
	case KNAT_CMD_SERVICE_NEW:
	case KNAT_CMD_BACKEND_NEW:
	case KNAT_CMD_BACKEND_SET:
		return true;
	}
	return false;
}

/*
 * knat_do() while collecting: the command's message is built as it would
 * be sent, then its attributes, copied one by one, become the
 * KNAT_OP_A_ATTRS of a new op.  The type is copied whole, NLA_F_NESTED
 * with it: the kernel checks each op as its command checks a request.
 */
static int restore_add(struct knat_restore *r, uint8_t cmd, knat_put_fn put,
		       const void *arg)
{
	char scratch[MNLG_TX_SIZE];
	struct nlattr *op, *attrs;
	const struct nlattr *a;
	struct nlmsghdr *msg, *nlh;
	struct restore_op *rec;
	size_t len;

	if (!restore_takes(cmd)) {
		restore_refuse(r);
		return EXIT_USAGE;
	}
	msg = mnl_nlmsg_put_header(scratch);
	mnl_nlmsg_put_extra_header(msg, sizeof(struct genlmsghdr));
	if (put)
		put(msg, arg);

	if (r->nops == r->ops_cap) {
		size_t cap = r->ops_cap ? 2 * r->ops_cap : 64;

		rec = realloc(r->ops, cap * sizeof(*rec));
		if (!rec) {
			pr_err("%s.", strerror(ENOMEM));
			return EXIT_KERNEL;
		}
		r->ops = rec;
		r->ops_cap = cap;
	}
	/* OP and ATTRS headers, CMD, and the message's attributes. */
	len = 3 * MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(uint8_t)) +
	      msg->nlmsg_len - MNL_NLMSG_HDRLEN -
	      MNL_ALIGN(sizeof(struct genlmsghdr));
	/* And a new KNAT_A_RESTORE_OPS, if this one would pass 64 KiB. */
	if (!restore_reserve(r, len + MNL_ATTR_HDRLEN))
		return EXIT_KERNEL;

	nlh = restore_nlh(r);
	/*
	 * An attribute's length is 16 bits: past that the nest would say it
	 * ends somewhere inside.  The kernel takes the ops of every
	 * KNAT_A_RESTORE_OPS in order.
	 */
	if (nlh->nlmsg_len + len - r->ops_nest > UINT16_MAX) {
		mnl_attr_nest_end(nlh, (struct nlattr *)(r->buf + r->ops_nest));
		r->ops_nest = nlh->nlmsg_len;
		mnl_attr_nest_start(nlh, KNAT_A_RESTORE_OPS);
	}
	rec = &r->ops[r->nops++];
	rec->start = nlh->nlmsg_len;
	rec->line = r->line;
	rec->text = r->line_text;
	op = mnl_attr_nest_start(nlh, KNAT_RESTORE_A_OP);
	mnl_attr_put_u8(nlh, KNAT_OP_A_CMD, cmd);
	attrs = mnl_attr_nest_start(nlh, KNAT_OP_A_ATTRS);
	mnl_attr_for_each(a, msg, sizeof(struct genlmsghdr))
		mnl_attr_put(nlh, a->nla_type, mnl_attr_get_payload_len(a),
			     mnl_attr_get_payload(a));
	mnl_attr_nest_end(nlh, attrs);
	mnl_attr_nest_end(nlh, op);
	rec->end = nlh->nlmsg_len;
	return 0;
}

/*
 * The op an offset into the request falls in, or NULL (the top-level
 * attributes, the header, or past the end).
 */
static const struct restore_op *restore_op_at(const struct knat_restore *r,
				      uint32_t offset)
{
	size_t lo = 0, hi = r->nops;

	/* The ops lie in order, each after the one before. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (offset < r->ops[mid].start)
			hi = mid;
		else if (offset >= r->ops[mid].end)
			lo = mid + 1;
		else
			return &r->ops[mid];
	}
	return NULL;
}

bool knat_restore_line_at(const struct knat_restore *r, uint32_t offset,
			  unsigned long *line, const char **text)
{
	const struct restore_op *op = restore_op_at(r, offset);

	if (!op)
		return false;
	*line = op->line;
	*text = r->text ? r->text + op->text : "";
	return true;
}

const struct nlmsghdr *knat_restore_finish(struct knat_restore *r)
{
	struct nlmsghdr *nlh = restore_nlh(r);

	if (collecting == r)
		collecting = NULL;
	if (r->finished)
		return nlh;
	mnl_attr_nest_end(nlh, (struct nlattr *)(r->buf + r->ops_nest));
	r->finished = true;
	return nlh;
}

/* A kernel message inside a sentence: without its final period. */
static int msg_len(const char *msg)
{
	size_t len = strlen(msg);

	return (int)(len && msg[len - 1] == '.' ? len - 1 : len);
}

int knat_restore_send(struct knat_restore *r)
{
	struct nlmsghdr *nlh;
	const char *msg, *text;
	unsigned long line;
	struct mnlg *g;
	uint32_t offset;
	int ret = 0;

	if (!knat_restore_finish(r))
		return EXIT_USAGE;
	/* Nothing to add and nothing to remove: nothing to ask. */
	if (!r->nops && !r->flush)
		return 0;
	g = knat_open();
	if (!g)
		return EXIT_KERNEL;
	nlh = restore_nlh(r);
	mnlg_msg_init(g, nlh, KNAT_CMD_RESTORE, NLM_F_ACK);
	/* If it stays too small, sending says EMSGSIZE. */
	mnlg_sndbuf(g, nlh->nlmsg_len);
	if (mnlg_run(g, nlh, NULL, NULL) < 0) {
		int err = errno;

		msg = mnlg_ext_ack_msg(g);
		if (!msg && err == EOPNOTSUPP)
			/* What genetlink answers a command it does not know. */
			msg = "the knat module cannot restore (too old?)";
		if (!msg)
			msg = strerror(err);
		if (mnlg_ext_ack_offset(g, &offset) &&
		    knat_restore_line_at(r, offset, &line, &text))
			pr_err("%s:%lu: %.*s: \"%s\".", r->name, line,
			       msg_len(msg), msg, text);
		else
			pr_err("%s%s", msg, period(msg));
		ret = EXIT_KERNEL;
	} else if ((msg = mnlg_ext_ack_msg(g))) {
		pr_warn("%s%s", msg, period(msg));
	}
	knat_close(g);
	return ret;
}

void knat_restore_free(struct knat_restore *r)
{
	if (!r)
		return;
	if (collecting == r)
		collecting = NULL;
	free(r->buf);
	free(r->ops);
	free(r->text);
	free(r);
}
