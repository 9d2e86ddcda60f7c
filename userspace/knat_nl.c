// SPDX-License-Identifier: GPL-2.0
/* The knat family on top of mnlg; see knat_nl.h. */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "json_print.h"
#include "knat_nl.h"
#include "utils.h"

/* In batch mode: the one socket every request uses. */
static struct mnlg *batch_g;

struct mnlg *knat_open(void)
{
	struct mnlg *g;

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

int knat_do(uint8_t cmd, knat_put_fn put, const void *arg)
{
	struct nlmsghdr *nlh;
	struct mnlg *g;
	int ret;

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
