/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knat stats --prometheus: the counters, the drop reasons, the TCP flows by
 * state and the handshake latency histogram, and (for CAP_NET_ADMIN) the
 * status, max-flows, the per-service and per-backend counters and
 * histograms and the per-SNAT-rule port allocation statistics, in the Prometheus text exposition format (version 0.0.4), for
 * node_exporter's textfile collector.
 *
 * Reading and writing are apart: the callbacks collect the kernel's
 * replies into a struct prom_snapshot, and prom_write() prints one.  The
 * unit tests feed built replies through the same callbacks.
 */
#ifndef KNAT_PROMETHEUS_H
#define KNAT_PROMETHEUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libmnl/libmnl.h>
#include <linux/knat.h>

#include "handshake.h"
#include "lb.h"
#include "snat.h"

/* One counter or drop reason as the kernel sent it: index = type - 1. */
struct prom_counter {
	unsigned int idx;
	uint64_t value;
};

struct prom_snat {
	char from[SNAT_FROM_BUF];	/* "10.0.1.0/24", "fd00:1::/64" */
	char out[16];			/* "eth1", "" for any device */
	bool has_ports_in_use;		/* a kernel before it sends none */
	uint64_t ports_in_use, exhausted, attempts_sum;
	struct snat_attempts attempts;	/* KNAT_SNAT_A_ATTEMPTS */
};

struct prom_snapshot {
	/* KNAT_CMD_STATS_GET, open to everyone. */
	size_t ncounters, ndrops;
	struct prom_counter *counters, *drops;
	/* TCP flows by state now: idx = enum knat_tcp_state. */
	bool have_tcp_states;
	size_t ntcp_states;
	struct prom_counter *tcp_states;
	struct hs_hist hs;		/* KNAT_STATS_A_HANDSHAKE */

	/* KNAT_CMD_STATUS_GET. */
	bool have_status;
	char version[64], build_id[128];
	bool hooks_active, hooks6_active;
	uint32_t forwards, snats, services, flows;
	uint32_t forwards6, snats6, flows6;	/* of them, IPv6 */

	/* KNAT_CMD_CONFIG_GET. */
	bool have_config;
	uint32_t max_flows;

	/* KNAT_CMD_SERVICE_GET and BACKEND_GET dumps, with their counters. */
	bool have_services;
	struct lb_table lb;

	/* KNAT_CMD_SNAT_GET dump. */
	bool have_snats;
	size_t nsnat_rules;
	struct prom_snat *snat_rules;

	/* Memory ran out while collecting: the snapshot is incomplete. */
	bool nomem;
};

void prom_snapshot_free(struct prom_snapshot *s);

/* mnl callbacks; data is the struct prom_snapshot. */
int prom_stats_cb(const struct nlmsghdr *nlh, void *data);
int prom_status_cb(const struct nlmsghdr *nlh, void *data);
int prom_config_cb(const struct nlmsghdr *nlh, void *data);
/* The service and backend dumps: lb_msg_cb() on the snapshot's lb. */
int prom_snat_cb(const struct nlmsghdr *nlh, void *data);

/* The whole exposition: every family with samples, # HELP and # TYPE first. */
void prom_write(FILE *f, const struct prom_snapshot *s);

/*
 * The exposition format's escapes.  A label value: backslash, double
 * quote and newline as \\ \" \n.  HELP text: backslash and newline only.
 */
void prom_put_label_value(FILE *f, const char *s);
void prom_put_help(FILE *f, const char *s);

/*
 * "knat_" + name + suffix, with every character that may not be in a
 * metric name ([a-zA-Z0-9_:]) made '_': "flows-created-tcp", "_total"
 * gives "knat_flows_created_tcp_total".  Truncated to size.
 */
void prom_metric_name(char *dst, size_t size, const char *name,
		      const char *suffix);

/* knat stats --prometheus: query, then print; 0 or EXIT_KERNEL. */
int prom_show(void);

#endif
