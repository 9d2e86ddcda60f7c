// SPDX-License-Identifier: GPL-2.0
/* Per-namespace counters: allocation, summing across CPUs, reset. */

#include <linux/string.h>

#include "stats.h"

void knat_hs_add(struct knat_hs_hist *sum, const struct knat_hs_hist *h)
{
	u32 min = READ_ONCE(h->min_us);
	int i;

	for (i = 0; i < KNAT_HS_BUCKETS; i++)
		sum->bucket[i] += READ_ONCE(h->bucket[i]);
	sum->sum_us += READ_ONCE(h->sum_us);
	if (min && (!sum->min_us || min < sum->min_us))
		sum->min_us = min;
	sum->max_us = max(sum->max_us, READ_ONCE(h->max_us));
}

void knat_stats_sum(struct knat_net *kn, struct knat_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct knat_stats *s = per_cpu_ptr(kn->stats, cpu);

		for (i = 0; i < __KNAT_CNT_MAX; i++)
			sum->cnt[i] += READ_ONCE(s->cnt[i]);
		for (i = 0; i < __KNAT_DROP_MAX; i++)
			sum->drop[i] += READ_ONCE(s->drop[i]);
		knat_hs_add(&sum->hs, &s->hs);
	}
}

/*
 * Zeroing another CPU's copy races with its increments; an event counted
 * during the reset may survive it or vanish, which is what "reset" means to
 * anyone reading the counters afterwards.  The live gauges stay: they
 * count what is in the table, not what happened.
 */
void knat_stats_reset(struct knat_net *kn)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(kn->stats, cpu), 0,
		       offsetof(struct knat_stats, live));
}

int knat_stats_net_init(struct knat_net *kn)
{
	kn->stats = alloc_percpu(struct knat_stats);
	return kn->stats ? 0 : -ENOMEM;
}

void knat_stats_net_exit(struct knat_net *kn)
{
	free_percpu(kn->stats);
	kn->stats = NULL;
}
