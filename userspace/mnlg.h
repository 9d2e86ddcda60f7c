/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small generic netlink helper on libmnl: one socket bound to one family,
 * found by name; requests built in the helper's buffer; a request run to its
 * end (ACK, or DONE for a dump) with a callback per data message; and the
 * kernel's extended ACK message kept for the error report.
 */
#ifndef KNAT_MNLG_H
#define KNAT_MNLG_H

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
 * Send the request and read until its ACK or DONE, handing every data
 * message to cb (may be NULL).  0 on success; -1 with errno set on failure,
 * errno being the kernel's error when the kernel refused.
 */
int mnlg_run(struct mnlg *g, const struct nlmsghdr *nlh, mnl_cb_t cb,
	     void *data);

/* The extended ACK message of the last mnlg_run(), or NULL. */
const char *mnlg_ext_ack_msg(const struct mnlg *g);

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
