/* SPDX-License-Identifier: GPL-2.0 */
/* knat forward: destination NAT of a local address and port (range). */
#ifndef KNAT_FORWARD_H
#define KNAT_FORWARD_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "utils.h"

/*
 * A forward as the command line gave it, before it becomes attributes.
 * Both addresses are of one family; a match without an address is "any
 * local address" of the target's family (IPv4 for del, which has none).
 */
struct forward_spec {
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	struct ipaddr addr;		/* 0.0.0.0 or :: = any local */
	uint16_t port_min, port_max;	/* host order */
	struct ipaddr to_addr;		/* add only */
	uint16_t to_port;		/* host order; 0 = keep the port */
};

/*
 * The words after "add" (add = true) or "del"; 0, or EXIT_USAGE after
 * printing the error.
 */
int forward_parse(int argc, char **argv, bool add, struct forward_spec *fs);
/* KNAT_A_FORWARD for FORWARD_NEW (add) or FORWARD_DEL. */
void forward_put(struct nlmsghdr *nlh, const struct forward_spec *fs, bool add);
/* Print one FORWARD_GET dump message; data is the const struct cli_opts. */
int forward_print(const struct nlmsghdr *nlh, void *data);

#endif
