/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_STATS_H
#define _KNAT_STATS_H

#include "knat.h"

/*
 * Per-CPU event counters of one namespace.  The packet path bumps its own
 * CPU's copy with this_cpu ops (no lock, no shared cache line); readers sum
 * all CPUs.  A sum read while another CPU counts may be one event stale,
 * never torn on 64-bit hosts.
 */
struct knat_hs_hist {
	u64 bucket[KNAT_HS_BUCKETS];
	u64 sum_us;
	u32 min_us;		/* 0: none yet */
	u32 max_us;
};

struct knat_stats {
	u64 cnt[__KNAT_CNT_MAX];
	u64 drop[__KNAT_DROP_MAX];
	struct knat_hs_hist hs;
	/*
	 * Gauges, not counters, and never reset: live flows by protocol
	 * (TCP, UDP, ICMP) and TCP flows by state (flow.c).  One CPU's
	 * share may be negative; the sum is not.
	 */
	s32 live[3];
	s32 tcp[__KNAT_TCP_MAX];
};

static inline void knat_count(struct knat_net *kn, enum knat_counter c)
{
	this_cpu_inc(kn->stats->cnt[c]);
}

static inline void knat_count_add(struct knat_net *kn, enum knat_counter c,
				  u64 v)
{
	this_cpu_add(kn->stats->cnt[c], v);
}

static inline void knat_count_drop(struct knat_net *kn, enum knat_drop d)
{
	this_cpu_inc(kn->stats->drop[d]);
}

/* One completed handshake of @us microseconds, into this CPU's @h. */
static inline void knat_hs_record(struct knat_hs_hist *h, u32 us)
{
	u32 ms = us / 1000;
	unsigned int b = ms ? min_t(unsigned int, fls(ms), KNAT_HS_BUCKETS - 1)
			    : 0;

	h->bucket[b]++;
	h->sum_us += us;
	/* min 0 means empty: a 0 us handshake is stored as 1. */
	if (!h->min_us || us < h->min_us)
		h->min_us = max(us, 1U);
	if (us > h->max_us)
		h->max_us = us;
}

void knat_hs_add(struct knat_hs_hist *sum, const struct knat_hs_hist *h);
void knat_stats_sum(struct knat_net *kn, struct knat_stats *sum);
void knat_stats_reset(struct knat_net *kn);

#endif /* _KNAT_STATS_H */
