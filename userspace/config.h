/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knat config: the flow table's size limit, timeouts, rate estimator,
 * namespace limits and fast path.
 */
#ifndef KNAT_CONFIG_H
#define KNAT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/knat.h>

/* The limits the header documents; the kernel checks them too. */
#define CONFIG_MAX_FLOWS_MAX	(16u << 20)	/* "1 .. 16M" */
#define CONFIG_TIMEOUT_MAX	(7u * 24 * 3600)	/* "1 .. 7 days" */

/* What "knat config set" asked for. */
struct config_spec {
	bool has_max_flows;
	uint32_t max_flows;
	uint32_t timeout_set;	/* bit i: timeouts[i] given */
	uint32_t timeouts[__KNAT_TIMEOUT_MAX];	/* seconds */
	bool has_rate_interval, has_rate_window;
	uint32_t rate_interval, rate_window;	/* seconds */
	uint32_t limit_set;	/* bit i: limits[i] given */
	uint32_t limits[__KNAT_LIMIT_MAX];
	bool has_fastpath, fastpath;
};

/* The words after "set"; 0 or EXIT_USAGE after printing the error. */
int config_parse_set(int argc, char **argv, struct config_spec *cs);
/* KNAT_A_CONFIG with what cs holds. */
void config_put(struct nlmsghdr *nlh, const struct config_spec *cs);
/* Print one CONFIG_GET reply; data is unused. */
int config_print(const struct nlmsghdr *nlh, void *data);
/* "tcp-syn-sent" for KNAT_TIMEOUT_TCP_SYN_SENT; NULL past the table. */
const char *config_timeout_name(unsigned int timeout);

#endif
