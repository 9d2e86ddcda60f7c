/* SPDX-License-Identifier: GPL-2.0 */
/* knat explain: what knat would do with a packet. */
#ifndef KNAT_EXPLAIN_H
#define KNAT_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <libmnl/libmnl.h>

#include "utils.h"

struct explain_spec {
	uint8_t proto;		/* IPv6 echo: IPPROTO_ICMPV6 */
	struct ipaddr src, dst;	/* one family; network order */
	uint16_t sport, dport;	/* host order; ICMP: sport is the echo id */
	char iif[IF_NAMESIZE];	/* "": the kernel derives it */
	bool local;
};

/* Exposed for the tests. */
int explain_parse(int argc, char **argv, struct explain_spec *es);
void explain_put(struct nlmsghdr *nlh, const struct explain_spec *es);
int explain_print(const struct nlmsghdr *nlh, void *data);
const char *explain_verdict_name(unsigned int verdict);

#endif
