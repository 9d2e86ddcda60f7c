// SPDX-License-Identifier: GPL-2.0
/* Per-namespace counters: allocation, summing across CPUs, reset. */

#include <linux/slab.h>
#include <linux/string.h>

#include "stats.h"

/*
 * Add one CPU's (or one sum's) histogram to @sum.  Buckets and sums always
 * add; min and max only when recorded in @sum's reset epoch or a later one
 * (a reset may land while the sum is taken).
 */
void knat_hs_add(struct knat_hs_hist *sum, const struct knat_hs_hist *h)
{
	u32 epoch = READ_ONCE(h->epoch);
	u32 min, max;
	int i;

	for (i = 0; i < KNAT_HS_BUCKETS; i++)
		sum->bucket[i] += READ_ONCE(h->bucket[i]);
	sum->sum_us += READ_ONCE(h->sum_us);
	/* Pairs with knat_hs_record(). */
	smp_rmb();
	if ((s32)(epoch - sum->epoch) < 0)
		return;
	min = READ_ONCE(h->min_us);
	max = READ_ONCE(h->max_us);
	if (min && (!sum->min_us || min < sum->min_us))
		sum->min_us = min;
	sum->max_us = max(sum->max_us, max);
}

/* Every CPU's counters added up, the zero point not taken off. */
static void knat_stats_sum_raw(struct knat_net *kn, u64 *cnt, u64 *drop,
			       struct knat_hs_hist *hs)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct knat_stats *s = per_cpu_ptr(kn->stats, cpu);

		for (i = 0; i < __KNAT_CNT_MAX; i++)
			cnt[i] += READ_ONCE(s->cnt[i]);
		for (i = 0; i < __KNAT_DROP_MAX; i++)
			drop[i] += READ_ONCE(s->drop[i]);
		knat_hs_add(hs, &s->hs);
	}
}

/*
 * The counters since the last reset: the sum of all CPUs minus the zero
 * point.  The zero point is read first, with acquire (rcu_dereference),
 * and the reset read the counters before publishing it: each counter read
 * here is at least what the reset saw, so no difference goes negative.
 * The live gauges are not part of it (knat_flow_count_states()).
 */
void knat_stats_sum(struct knat_net *kn, struct knat_stats *sum)
{
	const struct knat_stats_zero *z;
	int i;

	memset(sum, 0, sizeof(*sum));
	rcu_read_lock();
	z = rcu_dereference(kn->stats0);
	sum->hs.epoch = z->hs.epoch;
	knat_stats_sum_raw(kn, sum->cnt, sum->drop, &sum->hs);
	for (i = 0; i < __KNAT_CNT_MAX; i++)
		sum->cnt[i] -= z->cnt[i];
	for (i = 0; i < __KNAT_DROP_MAX; i++)
		sum->drop[i] -= z->drop[i];
	for (i = 0; i < KNAT_HS_BUCKETS; i++)
		sum->hs.bucket[i] -= z->hs.bucket[i];
	sum->hs.sum_us -= z->hs.sum_us;
	rcu_read_unlock();
}

/* The zero point of @kn now, for epoch @epoch; nothing is published. */
static void knat_stats_zero_fill(struct knat_net *kn,
				 struct knat_stats_zero *z, u32 epoch)
{
	memset(z, 0, sizeof(*z));
	knat_stats_sum_raw(kn, z->cnt, z->drop, &z->hs);
	/* Extremes are not subtracted: the new epoch starts them over. */
	z->hs.min_us = 0;
	z->hs.max_us = 0;
	z->hs.epoch = epoch;
}

static void knat_stats_zero_publish(struct knat_net *kn,
				    struct knat_stats_zero *z)
{
	struct knat_stats_zero *old;

	old = rcu_replace_pointer(kn->stats0, z, lockdep_is_held(&kn->lock));
	kfree_rcu(old, rcu);
}

/*
 * Reset the counters by taking a new zero point; under kn->lock.  Nothing
 * writes another CPU's live counters (which would race with its
 * increments and lose them): each event counted during the reset is
 * either part of the zero point or shows after it.  The live gauges stay:
 * they count what is in the table, not what happened.
 */
int knat_stats_reset(struct knat_net *kn)
{
	struct knat_stats_zero *z = kmalloc(sizeof(*z), GFP_KERNEL_ACCOUNT);
	u32 epoch;

	lockdep_assert_held(&kn->lock);
	if (!z)
		return -ENOMEM;
	epoch = rcu_dereference_protected(kn->stats0,
					  lockdep_is_held(&kn->lock))->hs.epoch;
	knat_stats_zero_fill(kn, z, epoch + 1);
	knat_stats_zero_publish(kn, z);
	return 0;
}

int knat_stats_net_init(struct knat_net *kn)
{
	struct knat_stats_zero *z = kzalloc(sizeof(*z), GFP_KERNEL_ACCOUNT);

	kn->stats = alloc_percpu(struct knat_stats);
	if (!kn->stats || !z) {
		free_percpu(kn->stats);
		kn->stats = NULL;
		kfree(z);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(kn->stats0, z);
	return 0;
}

/* After the hooks are gone and the readers with them, as kn->stats. */
void knat_stats_net_exit(struct knat_net *kn)
{
	free_percpu(kn->stats);
	kn->stats = NULL;
	kfree(rcu_dereference_protected(kn->stats0, 1));
	RCU_INIT_POINTER(kn->stats0, NULL);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "stats_test.c"
#endif
