/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP handshake latency histogram (enum knat_hs_attr) that comes in
 * KNAT_STATS_A_HANDSHAKE, KNAT_SVC_A_HANDSHAKE and KNAT_BE_A_HANDSHAKE:
 * read once here, printed by knat stats, knat -s service list and
 * knat stats --prometheus.
 *
 * Bucket 0 is under 1 ms, bucket i (i >= 1) from 2^(i-1) to 2^i ms, the
 * last one everything above: KNAT_HS_BUCKETS of them.  A newer kernel with
 * more buckets keeps that rule, so the bounds follow from the number of
 * buckets it sends (up to HS_BUCKETS_MAX).
 */
#ifndef KNAT_HANDSHAKE_H
#define KNAT_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/knat.h>

#define HS_BUCKETS_MAX	40	/* 2^38 ms: far beyond any timeout */

struct hs_hist {
	bool present;			/* the kernel sent the nest */
	unsigned int nbuckets;		/* KNAT_HS_BUCKETS, or more */
	uint64_t bucket[HS_BUCKETS_MAX];
	uint64_t count;			/* KNAT_HS_A_COUNT, else the buckets' sum */
	uint64_t sum_us, max_us;
	bool has_min;			/* MIN_US is absent when count is 0 */
	uint64_t min_us;		/* never above max_us */
};

/* Read a KNAT_HS_A nest (NULL: h->present false, all zero). */
void hs_parse(const struct nlattr *nest, struct hs_hist *h);

/* Average in microseconds, rounded; 0 when empty. */
uint64_t hs_avg_us(const struct hs_hist *h);

/*
 * Upper bound of bucket i in milliseconds (bucket i < nbuckets - 1:
 * 2^i); 0 for the last, unbounded one.
 */
uint64_t hs_bucket_le_ms(const struct hs_hist *h, unsigned int i);

/* Room for a formatted duration or bucket name. */
#define HS_FMT_BUF	48

/*
 * Microseconds as milliseconds for people: "0.004ms", "2.35ms", "40.1ms",
 * "812ms", "16384ms"; 3 significant digits below 100 ms, trailing zeros
 * dropped ("4ms", not "4.00ms").
 */
const char *hs_fmt_ms(uint64_t us, char buf[HS_FMT_BUF]);
/* "<1ms", "1-2ms", "2-4ms", ..., ">=16384ms" for the last bucket. */
const char *hs_bucket_name(const struct hs_hist *h, unsigned int i,
			   char buf[HS_FMT_BUF]);

/*
 * Text: "count N min X avg Y max Z", or "count 0" (no min when the kernel
 * sent none).
 * JSON: the object key (or an array element when key is NULL):
 * {"count", "sum_us", "min_us" (null when empty), "max_us", "avg_us"
 * (null when empty), "buckets": [nbuckets numbers]}.
 */
void hs_print_summary(const struct hs_hist *h);
void hs_print_json(const char *key, const struct hs_hist *h);
/*
 * Text: the non-empty part of the histogram, bucket 0 to the highest one
 * not empty, "<1ms: 28  1-2ms: 0  2-4ms: 2", lines that start with indent
 * spaces and wrap before width columns.  Nothing when empty.
 */
void hs_print_buckets(const struct hs_hist *h, unsigned int indent,
		      unsigned int width);

#endif
