/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small generic netlink helper on libmnl: one socket bound to one family,
 * found by name; requests built in the helper's buffer (or, when they are
 * bigger, in the caller's); a request run to its end (ACK, or DONE for a
 * dump) with a callback per data message; and the kernel's extended ACK
 * message and offset kept for the error report.
 */
#ifndef KNAT_MNLG_H
#define KNAT_MNLG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct mnlg;

/*
 * Open a socket with extended ACKs on and resolve the family.  NULL with
 * errno set on failure: ENOENT means the family is not registered.
 */
struct mnlg *mnlg_open(const char *family, uint8_t version);
void mnlg_close(struct mnlg *g);

/* Multicast group id by name (as the family announced it), 0 if none. */
uint32_t mnlg_mcgrp_id(const struct mnlg *g, const char *name);

/*
 * Start a request in the helper's transmit buffer: NLM_F_REQUEST | flags,
 * a fresh sequence number, the family's genlmsghdr.  Add NLM_F_ACK for a
 * plain request, NLM_F_DUMP for a dump.  The buffer holds MNLG_TX_SIZE.
 */
#define MNLG_TX_SIZE 8192
struct nlmsghdr *mnlg_msg(struct mnlg *g, uint8_t cmd, uint16_t flags);

/*
 * A request too big for that buffer, built in the caller's: nlh starts
 * with a netlink header, then a genlmsghdr, its attributes after them,
 * nlmsg_len covering them all.  This fills in what mnlg_msg() would
 * (family, NLM_F_REQUEST | flags, sequence number, cmd and version) and
 * leaves nlmsg_len and the attributes alone.
 */
void mnlg_msg_init(struct mnlg *g, struct nlmsghdr *nlh, uint8_t cmd,
		   uint16_t flags);

/*
 * Make the socket's send buffer hold a request of len bytes: SO_SNDBUF,
 * or SO_SNDBUFFORCE past net.core.wmem_max (needs CAP_NET_ADMIN).  0, or
 * -1 with errno EMSGSIZE when neither got it that big (the request may
 * still go: sending tells).
 */
int mnlg_sndbuf(struct mnlg *g, size_t len);

/*
 * Send the request and read until its ACK or DONE, handing every data
 * message to cb (may be NULL).  0 on success; -1 with errno set on failure,
 * errno being the kernel's error when the kernel refused.
 */
int mnlg_run(struct mnlg *g, const struct nlmsghdr *nlh, mnl_cb_t cb,
	     void *data);

/* The extended ACK message of the last mnlg_run(), or NULL. */
const char *mnlg_ext_ack_msg(const struct mnlg *g);

/*
 * Where in its request the last mnlg_run()'s extended ACK pointed, in
 * bytes from the start of the request's netlink header: the attribute
 * the kernel refused (NLMSGERR_ATTR_OFFS) or, when it missed a required
 * one, the nest it missed it in (NLMSGERR_ATTR_MISS_NEST).  false when
 * the ACK said neither.
 */
bool mnlg_ext_ack_offset(const struct mnlg *g, uint32_t *offset);

/*
 * Notifications.  mnlg_join() subscribes the socket to one of the family's
 * multicast groups, by name: 0, or -1 with errno set (ENOENT: the family
 * has no such group).  mnlg_recv() reads one datagram and hands every data
 * message in it to cb: 0, or -1 with errno set; ENOBUFS means the socket's
 * receive buffer overran and notifications were lost (the socket stays
 * usable).  mnlg_fd() is the socket, to poll() before mnlg_recv().
 */
int mnlg_join(struct mnlg *g, const char *group);
int mnlg_recv(struct mnlg *g, mnl_cb_t cb, void *data);
int mnlg_fd(const struct mnlg *g);

#endif
