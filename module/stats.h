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
struct knat_stats {
	u64 cnt[__KNAT_CNT_MAX];
	u64 drop[__KNAT_DROP_MAX];
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

void knat_stats_sum(struct knat_net *kn, struct knat_stats *sum);
void knat_stats_reset(struct knat_net *kn);

#endif /* _KNAT_STATS_H */
