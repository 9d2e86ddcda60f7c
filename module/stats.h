/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_STATS_H
#define _KNAT_STATS_H

#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>

#include "knat.h"

/* Out of tree Kconfig is not read: say it here too (see below). */
#ifndef CONFIG_64BIT
#error "knat's per-CPU counters need a 64-bit kernel"
#endif

/*
 * Per-CPU event counters of one namespace.  The packet path bumps its own
 * CPU's copy with this_cpu ops (no lock, no shared cache line); readers sum
 * all CPUs.  Counters are plain u64, not u64_stats_t: the module depends on
 * 64BIT (Kconfig), where a this_cpu op is one instruction that neither an
 * interrupt nor a reader on another CPU can tear, so the packet path needs
 * no seqcount.  A sum read while another CPU counts may be one event stale.
 *
 * Nothing but the owning CPU ever writes a counter: "stats reset" takes a
 * zero point (struct knat_stats_zero, as IPVS's kstats0) and readers report
 * sum - zero, so an event counted during a reset is never lost, it lands
 * either in the zero point or after it.
 */
struct knat_hs_hist {
	u64 bucket[KNAT_HS_BUCKETS];
	u64 sum_us;
	u32 min_us;		/* 0: none yet */
	u32 max_us;
	/*
	 * Extremes cannot be subtracted: min/max belong to the reset epoch
	 * they were recorded in, and a sum takes only those of its own.
	 */
	u32 epoch;
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

/*
 * The namespace's counters summed at the last reset, immutable once
 * published (kn->stats0, RCU); hs.epoch counts resets.
 */
struct knat_stats_zero {
	u64 cnt[__KNAT_CNT_MAX];
	u64 drop[__KNAT_DROP_MAX];
	struct knat_hs_hist hs;
	struct rcu_head rcu;
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

/*
 * One completed handshake of @us microseconds, into this CPU's copy of @h,
 * in reset epoch @epoch.  The fields are updated together by read, compare
 * and write, and the packet path also runs in process context (LOCAL_OUT)
 * where a softirq on this CPU could record in between: interrupts are off
 * for the few instructions (once per handshake, not per packet), which
 * also makes it safe wherever a hook is called with them already off.
 */
static inline void knat_hs_record(struct knat_hs_hist __percpu *h, u32 us,
				  u32 epoch)
{
	u32 ms = us / 1000;
	unsigned int b = ms ? min_t(unsigned int, fls(ms), KNAT_HS_BUCKETS - 1)
			    : 0;
	/* min 0 means empty: a 0 us handshake is stored as 1. */
	u32 low = max(us, 1U);
	struct knat_hs_hist *c;
	unsigned long flags;

	local_irq_save(flags);
	c = this_cpu_ptr(h);
	WRITE_ONCE(c->bucket[b], c->bucket[b] + 1);
	WRITE_ONCE(c->sum_us, c->sum_us + us);
	if (c->epoch != epoch) {
		/* The first since a reset: the extremes start over. */
		WRITE_ONCE(c->min_us, low);
		WRITE_ONCE(c->max_us, us);
		/* Pairs with knat_hs_add(): an epoch seen, its extremes. */
		smp_wmb();
		WRITE_ONCE(c->epoch, epoch);
	} else {
		if (!c->min_us || low < c->min_us)
			WRITE_ONCE(c->min_us, low);
		if (us > c->max_us)
			WRITE_ONCE(c->max_us, us);
	}
	local_irq_restore(flags);
}

/* The namespace's reset epoch, for knat_hs_record(). */
static inline u32 knat_stats_epoch(struct knat_net *kn)
{
	const struct knat_stats_zero *z;
	u32 epoch;

	rcu_read_lock();
	z = rcu_dereference(kn->stats0);
	epoch = z->hs.epoch;
	rcu_read_unlock();
	return epoch;
}

void knat_hs_add(struct knat_hs_hist *sum, const struct knat_hs_hist *h);
void knat_stats_sum(struct knat_net *kn, struct knat_stats *sum);
int knat_stats_reset(struct knat_net *kn);

#endif /* _KNAT_STATS_H */
