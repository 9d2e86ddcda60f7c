/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Services and backends as the kernel lists them: two dumps (SERVICE_GET,
 * then BACKEND_GET, one object per message) parsed once into these
 * structs, which "knat service list", "knat backend list" (text and JSON)
 * and "knat stats --prometheus" all print from.
 */
#ifndef KNAT_LB_H
#define KNAT_LB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/knat.h>

#include "handshake.h"
#include "utils.h"

/* One counter of a nest whose attribute type is index + 1. */
struct lb_counter {
	unsigned int idx;
	uint64_t value;
};

/* A KNAT_LBSTATS_A_* nest; has_* say what the kernel sent. */
struct lb_stats {
	/* All uint64_t: prometheus.c reads them by offset. */
	uint64_t flows, moved, conns, pkts_in, bytes_in, pkts_out, bytes_out;
	uint64_t active, inactive;
	/* Thousandths per second, in the order of enum knat_rate_attr. */
	uint64_t rate_cps, rate_pps_in, rate_pps_out, rate_bps_in, rate_bps_out;
	uint64_t check_failed, check_downs;
	bool has_active, has_rate, has_moved, has_check_failed, has_check_downs;
	struct hs_hist hs;
	/* Services: LBSTATS_A_ICMP (idx = enum knat_counter), _ICMP_DROPS. */
	size_t nicmp, nicmp_drops;
	struct lb_counter *icmp, *icmp_drops;
};

struct lb_backend {
	char label[ENDPOINT_BUF];	/* "10.0.2.11:8080", "[fd00::11]:8080" */
	struct ipaddr addr;		/* its service's family */
	uint16_t port;			/* host order; 0 = the service's */
	bool has_weight, has_state, has_health;
	uint32_t weight;
	uint8_t state;			/* enum knat_backend_state */
	uint8_t health;			/* enum knat_backend_health */
	struct lb_stats *st;		/* NULL unless asked for */
};

/*
 * A service of either family (its VIP's, which its backends share).
 * vip and the JSON keep an IPv6 address bare; label, like the command
 * line, puts it in brackets before the port.
 */
struct lb_service {
	char label[8 + ENDPOINT_BUF];	/* "tcp/203.0.113.10:80",
					 * "tcp/[2001:db8::10]:80"
					 */
	char proto[8], vip[ADDR_BUF];	/* "tcp", "203.0.113.10" */
	uint8_t proto_num;
	struct ipaddr addr;		/* AF_INET or AF_INET6 */
	uint16_t port;
	bool has_sched;
	char sched[KNAT_SCHED_NAME_LEN + 1];	/* "" when absent */
	bool maglev;
	uint32_t persist;
	bool has_maglev_size, has_check_fails, has_check_timeout,
	     has_check_holddown, has_check_clients, has_num_backends;
	uint32_t maglev_size, check_fails, check_timeout, check_holddown,
		 check_clients, num_backends;
	struct lb_stats *st;		/* NULL unless asked for */
	size_t nbackends, cap;
	struct lb_backend *backends;
};

struct lb_table {
	size_t nservices, cap;
	struct lb_service *svcs;
	size_t last;			/* where the last backend went */
	size_t orphans;			/* backends of no listed service */
	bool nomem;
};

/*
 * mnl callback for both dumps; data is the struct lb_table.  A backend
 * joins the service it names (protocol, family, address and port), which
 * must have come before it.
 */
int lb_msg_cb(const struct nlmsghdr *nlh, void *data);

/*
 * Both dumps into t (with KNAT_A_WITH_STATS when stats); only the
 * backends of *svc when svc is not NULL (and then no service dump).
 * 0, or EXIT_KERNEL after printing why.
 */
struct service_id;
int lb_collect(struct lb_table *t, bool stats, const struct service_id *svc);
void lb_table_free(struct lb_table *t);

#endif
