/* SPDX-License-Identifier: GPL-2.0 */
/* knat flow: the flow table, listed, counted and deleted through a filter. */
#ifndef KNAT_FLOW_H
#define KNAT_FLOW_H

#include <stdint.h>
#include <libmnl/libmnl.h>

#include "utils.h"

/* Which fields of a flow_filter are set. */
enum {
	FILTER_PROTO = 1 << 0,
	FILTER_KIND  = 1 << 1,
	FILTER_STATE = 1 << 2,
	FILTER_SRC   = 1 << 3,
	FILTER_DST   = 1 << 4,
	FILTER_SPORT = 1 << 5,
	FILTER_DPORT = 1 << 6,
	FILTER_SERVICE = 1 << 7,
	FILTER_BACKEND = 1 << 8,
	FILTER_BACKEND_PORT = 1 << 9,
	FILTER_FAMILY = 1 << 10,
};

/*
 * The filter words of list, count and del; unset fields match anything.
 * src, dst, service, backend, family and an ICMP protocol agree on one
 * family; FAMILY is sent when "family" is given or an address is IPv6.
 */
struct flow_filter {
	unsigned int has;		/* FILTER_* */
	uint8_t proto;			/* IPPROTO_* */
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t kind;			/* enum knat_flow_kind */
	uint8_t state;			/* enum knat_tcp_state */
	struct ipaddr src, dst;		/* original tuple */
	uint16_t sport, dport;		/* host order; ICMP: the identifier */
	struct ipaddr svc_addr, be_addr;	/* owner filters */
	uint16_t svc_port, be_port;	/* host order */
};

/* 0, or EXIT_USAGE after printing the error. */
int flow_parse_filter(int argc, char **argv, struct flow_filter *ff);
/* KNAT_A_FLOW with the filter; nothing at all for an empty filter. */
void flow_put_filter(struct nlmsghdr *nlh, const struct flow_filter *ff);
/* Print one FLOW_GET dump message; data is unused. */
int flow_print(const struct nlmsghdr *nlh, void *data);
void flow_print_nest(const struct nlattr *nest, const char *json_name);
/* Only its PROTO and ORIG: "udp src=A:P dst=B:Q"; JSON {proto, orig}. */
void flow_print_orig(const struct nlattr *nest, const char *json_name);

/* Names by enum value; NULL past the table. */
const char *flow_state_name(unsigned int state);	/* "syn-sent" */
const char *flow_kind_name(unsigned int kind);		/* "hairpin" */
/* "SYN_SENT", "syn-sent" and "SYN-SENT" all give KNAT_TCP_SYN_SENT; -1 if none. */
int flow_state_from_name(const char *s);

#endif
