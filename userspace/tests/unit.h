/* SPDX-License-Identifier: GPL-2.0 */
/* The groups of unit tests; unit.c runs them in order. */
#ifndef KNAT_UNIT_H
#define KNAT_UNIT_H

void test_parse(void);	/* utils.c: addresses, prefixes, ports, keywords */
void test_json(void);	/* json_writer.c and json_print.c */
void test_args(void);	/* object argument parsing and the attributes built */
void test_print(void);	/* name tables and replies printed as text and JSON */
void test_monitor(void);	/* monitor.c: events printed as text and JSON */
void test_mnlg(void);	/* mnlg.c against the kernel's own nlctrl family */
void test_prom(void);	/* prometheus.c: escapes, names, the exposition */
void test_restore(void);	/* knat restore's request, mnlg's big requests */

/* Shared reply builders (test_print.c). */
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/knat.h>

/*
 * A KNAT_HS_A nest of type as the kernel builds it, n buckets; min_us 0:
 * no MIN_US.  Returns the nest.
 */
struct nlattr *test_put_hs(struct nlmsghdr *nlh, uint16_t type,
			   const uint64_t *buckets, unsigned int n,
			   uint64_t sum_us, uint64_t min_us, uint64_t max_us);
/* 30 handshakes: 20 under 1 ms, 3 of 1-2, 1 of 8-16, 6 of 16-32. */
extern const uint64_t test_hs_buckets[KNAT_HS_BUCKETS];

#endif
