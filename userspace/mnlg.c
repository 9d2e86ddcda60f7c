// SPDX-License-Identifier: GPL-2.0
/* A small generic netlink helper on libmnl; see mnlg.h. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "mnlg.h"

/*
 * The kernel sizes dump skbs after our receive buffer, up to 32 KiB; a
 * smaller buffer would see messages truncated (ENOSPC from libmnl).
 */
#define MNLG_RX_SIZE 32768
#define MNLG_MAX_GROUPS 8

struct mnlg_group {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct mnlg {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;
	uint8_t version;
	struct mnlg_group groups[MNLG_MAX_GROUPS];
	unsigned int ngroups;
	char ext_msg[256];
	bool has_ext_offset;
	uint32_t ext_offset;
	char tx[MNLG_TX_SIZE];
	char rx[MNLG_RX_SIZE];
};

/* The header of a request whose genlmsghdr is in place already. */
static void msg_header(struct mnlg *g, struct nlmsghdr *nlh, uint16_t type,
		       uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++g->seq;
	nlh->nlmsg_pid = 0;
	genl->cmd = cmd;
	genl->version = version;
	genl->reserved = 0;
}

static struct nlmsghdr *msg_start(struct mnlg *g, uint16_t type, uint8_t cmd,
				  uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(g->tx);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	msg_header(g, nlh, type, cmd, version, flags);
	return nlh;
}

struct nlmsghdr *mnlg_msg(struct mnlg *g, uint8_t cmd, uint16_t flags)
{
	return msg_start(g, g->family, cmd, g->version, flags);
}

void mnlg_msg_init(struct mnlg *g, struct nlmsghdr *nlh, uint8_t cmd,
		   uint16_t flags)
{
	msg_header(g, nlh, g->family, cmd, g->version, flags);
}

/*
 * Netlink refuses (EMSGSIZE) a request longer than the socket's send
 * buffer less 32 bytes; the kernel doubles what SO_SNDBUF asks, up to
 * net.core.wmem_max, and SO_SNDBUFFORCE (CAP_NET_ADMIN) goes past that.
 */
static bool sndbuf_fits(int fd, int want)
{
	socklen_t len = sizeof(int);
	int val;

	return !getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &val, &len) && val >= want;
}

int mnlg_sndbuf(struct mnlg *g, size_t len)
{
	int fd = mnl_socket_get_fd(g->nl), want;

	if (len > INT_MAX / 2 - 64) {
		errno = EMSGSIZE;
		return -1;
	}
	want = (int)len + 64;
	if (sndbuf_fits(fd, want))
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
	if (sndbuf_fits(fd, want))
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want));
	if (sndbuf_fits(fd, want))
		return 0;
	errno = EMSGSIZE;
	return -1;
}

const char *mnlg_ext_ack_msg(const struct mnlg *g)
{
	return g->ext_msg[0] ? g->ext_msg : NULL;
}

bool mnlg_ext_ack_offset(const struct mnlg *g, uint32_t *offset)
{
	if (g->has_ext_offset)
		*offset = g->ext_offset;
	return g->has_ext_offset;
}

/* ---- extended ACK ---- */

static int ext_ack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Newer kernels add TLVs; the message and the offsets matter here. */
	switch (type) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			tb[type] = attr;
		break;
	case NLMSGERR_ATTR_OFFS:
	case NLMSGERR_ATTR_MISS_NEST:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			tb[type] = attr;
		break;
	}
	return MNL_CB_OK;
}

/* The TLVs start hlen bytes into the payload of an ERROR or DONE message. */
static void save_ext_ack(struct mnlg *g, const struct nlmsghdr *nlh,
			 size_t hlen)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (MNL_ALIGN(hlen) >= mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, (unsigned int)hlen, ext_ack_attr_cb, tb);
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(g->ext_msg, sizeof(g->ext_msg), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	/*
	 * The attribute the kernel refused or, for one it missed, the nest
	 * it was missing from: either way where in the request it stopped.
	 */
	if (!tb[NLMSGERR_ATTR_OFFS])
		tb[NLMSGERR_ATTR_OFFS] = tb[NLMSGERR_ATTR_MISS_NEST];
	if (tb[NLMSGERR_ATTR_OFFS]) {
		g->ext_offset = mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		g->has_ext_offset = true;
	}
}

/* ---- running a request ---- */

struct run_ctx {
	struct mnlg *g;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct run_ctx *ctx = arg;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct run_ctx *ctx = arg;
	size_t hlen = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* Without NETLINK_CAP_ACK the whole request is echoed first. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += mnl_nlmsg_get_payload_len(&err->msg);
	save_ext_ack(ctx->g, nlh, hlen);
	if (err->error == 0)
		return MNL_CB_STOP;
	errno = err->error < 0 ? -err->error : err->error;
	return MNL_CB_ERROR;
}

/* A dump ends with DONE, whose payload is an error code and maybe TLVs. */
static int done_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct run_ctx *ctx = arg;
	int error = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(error)) {
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
		save_ext_ack(ctx->g, nlh, sizeof(error));
	}
	if (error == 0)
		return MNL_CB_STOP;
	errno = error < 0 ? -error : error;
	return MNL_CB_ERROR;
}

int mnlg_run(struct mnlg *g, const struct nlmsghdr *nlh, mnl_cb_t cb,
	     void *data)
{
	/*
	 * Slots left NULL (NOOP, OVERRUN) are ignored by mnl_cb_run2(), which
	 * takes the array as non-const, hence no const here.
	 */
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct run_ctx ctx = { .g = g, .cb = cb, .data = data };
	ssize_t len;
	int ret;

	g->ext_msg[0] = '\0';
	g->has_ext_offset = false;
	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		len = mnl_socket_recvfrom(g->nl, g->rx, sizeof(g->rx));
		if (len < 0)
			return -1;
		/* NLM_F_DUMP_INTR comes back as EINTR from here. */
		ret = mnl_cb_run2(g->rx, (size_t)len, nlh->nlmsg_seq, g->portid,
				  data_cb, &ctx, ctl, MNL_ARRAY_SIZE(ctl));
	} while (ret == MNL_CB_OK);
	return ret < 0 ? -1 : 0;
}

/* ---- family resolution ---- */

static int ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= CTRL_ATTR_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static void save_group(struct mnlg *g, const struct nlattr *nest)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { 0 };
	struct mnlg_group *grp;

	if (g->ngroups == MNLG_MAX_GROUPS)
		return;
	mnl_attr_parse_nested(nest, ctrl_attr_cb, tb);
	if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME], MNL_TYPE_NUL_STRING) ||
	    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID], MNL_TYPE_U32))
		return;
	grp = &g->groups[g->ngroups++];
	snprintf(grp->name, sizeof(grp->name), "%s",
		 mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]));
	grp->id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { 0 };
	const struct nlattr *grp;
	struct mnlg *g = data;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ctrl_attr_cb, tb);
	if (!tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	g->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		mnl_attr_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS])
			save_group(g, grp);
	return MNL_CB_OK;
}

static int resolve_family(struct mnlg *g, const char *name)
{
	struct nlmsghdr *nlh;

	nlh = msg_start(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (mnlg_run(g, nlh, family_cb, g) < 0)
		return -1;
	if (!g->family) {	/* an ACK with no answer */
		errno = ENOENT;
		return -1;
	}
	return 0;
}

uint32_t mnlg_mcgrp_id(const struct mnlg *g, const char *name)
{
	unsigned int i;

	for (i = 0; i < g->ngroups; i++)
		if (strcmp(g->groups[i].name, name) == 0)
			return g->groups[i].id;
	return 0;
}

/* ---- notifications ---- */

int mnlg_join(struct mnlg *g, const char *group)
{
	uint32_t id = mnlg_mcgrp_id(g, group);
	int grp;

	if (!id) {
		errno = ENOENT;
		return -1;
	}
	grp = (int)id;
	return mnl_socket_setsockopt(g->nl, NETLINK_ADD_MEMBERSHIP, &grp,
				     sizeof(grp));
}

int mnlg_recv(struct mnlg *g, mnl_cb_t cb, void *data)
{
	struct run_ctx ctx = { .g = g, .cb = cb, .data = data };
	ssize_t len;
	int ret;

	len = mnl_socket_recvfrom(g->nl, g->rx, sizeof(g->rx));
	if (len < 0)
		return -1;
	/* Sequence 0 and port 0: notifications are checked against neither. */
	ret = mnl_cb_run(g->rx, (size_t)len, 0, 0, data_cb, &ctx);
	return ret < 0 ? -1 : 0;
}

int mnlg_fd(const struct mnlg *g)
{
	return mnl_socket_get_fd(g->nl);
}

struct mnlg *mnlg_open(const char *family, uint8_t version)
{
	struct mnlg *g;
	int one = 1, saved;

	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->version = version;
	g->seq = (unsigned int)time(NULL);
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl)
		goto err;
	/*
	 * Error messages from the kernel, and no echo of our request in
	 * them.  Both are best effort: kernels before 4.12 lack EXT_ACK and
	 * we then just print strerror().
	 */
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	g->portid = mnl_socket_get_portid(g->nl);
	if (resolve_family(g, family) < 0)
		goto err;
	return g;
err:
	saved = errno;
	mnlg_close(g);
	errno = saved;
	return NULL;
}

void mnlg_close(struct mnlg *g)
{
	if (!g)
		return;
	if (g->nl)
		mnl_socket_close(g->nl);
	free(g);
}
