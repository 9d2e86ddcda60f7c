/* SPDX-License-Identifier: GPL-2.0 */
/* knat snat: source NAT of an inside prefix to outside addresses and ports. */
#ifndef KNAT_SNAT_H
#define KNAT_SNAT_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/knat.h>

#include "utils.h"

/*
 * An SNAT rule as the command line gave it, before it becomes attributes.
 * Its addresses are all of one family, the prefix's.
 */
struct snat_spec {
	struct ipaddr src;
	uint8_t src_plen;		/* 0..32, IPv6 0..128 */
	char out[IFNAMSIZ];		/* "" = any device */
	bool has_to;
	struct ipaddr to_min, to_max;
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
/*
 * One KNAT_A_SNAT nest: the rule's words without the line's end, or a JSON
 * object (json_name NULL: an array element); stats adds what -s shows.
 */
void snat_print_nest(const struct nlattr *nest, const char *json_name,
		     bool stats);

/* "10.0.1.0/24" or "fd00:1::/64" of a parsed KNAT_A_SNAT nest. */
#define SNAT_FROM_BUF	(ADDR_BUF + 4)
const char *snat_fmt_from(const struct nlattr **tb, char buf[SNAT_FROM_BUF]);

/*
 * The port allocation attempts histogram (KNAT_SNAT_A_ATTEMPTS): bucket i
 * counts allocations that found a port at candidate 2^i .. 2^(i+1) - 1,
 * the last one everything from 2^i on.  A newer kernel with more buckets
 * keeps that rule (up to SNAT_ATTEMPT_BUCKETS_MAX).
 */
#define SNAT_ATTEMPT_BUCKETS_MAX	32
#define SNAT_ATTEMPTS_BUF		48

struct snat_attempts {
	bool present;			/* the kernel sent the nest */
	unsigned int nbuckets;
	uint64_t bucket[SNAT_ATTEMPT_BUCKETS_MAX];
	uint64_t count;			/* the buckets' sum */
};

void snat_attempts_parse(const struct nlattr *nest, struct snat_attempts *h);
/* Upper bound of bucket i (2^(i+1) - 1); 0 for the last, open one. */
uint64_t snat_attempts_le(const struct snat_attempts *h, unsigned int i);
/* "1", "2-3", ..., "64-127", "128+" for the last. */
const char *snat_attempts_name(const struct snat_attempts *h, unsigned int i,
			       char buf[SNAT_ATTEMPTS_BUF]);

#endif
