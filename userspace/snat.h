/* SPDX-License-Identifier: GPL-2.0 */
/* knat snat: source NAT of an inside prefix to outside addresses and ports. */
#ifndef KNAT_SNAT_H
#define KNAT_SNAT_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <libmnl/libmnl.h>

/* An SNAT rule as the command line gave it, before it becomes attributes. */
struct snat_spec {
	uint32_t src;			/* network order */
	uint8_t src_plen;
	char out[IFNAMSIZ];		/* "" = any device */
	bool has_to;
	uint32_t to_min, to_max;	/* network order */
	bool has_ports;			/* else the kernel's default range */
	uint16_t port_min, port_max;	/* host order */
	uint32_t flags;			/* KNAT_SNAT_F_* */
};

/* The words after "add" or "del"; 0, or EXIT_USAGE after printing. */
int snat_parse(int argc, char **argv, bool add, struct snat_spec *ss);
/* KNAT_A_SNAT for SNAT_NEW (add) or SNAT_DEL. */
void snat_put(struct nlmsghdr *nlh, const struct snat_spec *ss, bool add);
/* Print one SNAT_GET dump message; data is the const struct cli_opts. */
int snat_print(const struct nlmsghdr *nlh, void *data);

#endif
