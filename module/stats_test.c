// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the namespace's counters, their zero point and the handshake
 * histogram.  Included from stats.c so the static parts are reachable.
 */

#include <kunit/test.h>

static int knat_stats_test_init(struct kunit *test)
{
	struct knat_net *kn;

	kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);
	if (!kn)
		return -ENOMEM;
	mutex_init(&kn->lock);
	if (knat_stats_net_init(kn))
		return -ENOMEM;
	test->priv = kn;
	return 0;
}

static void knat_stats_test_exit(struct kunit *test)
{
	knat_stats_net_exit(test->priv);
}

/* @n events of @c on every possible CPU's copy, as if each counted. */
static void knat_stats_test_bump(struct knat_net *kn, enum knat_counter c,
				 u64 n)
{
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu_ptr(kn->stats, cpu)->cnt[c] += n;
}

static u64 knat_stats_test_raw(struct knat_net *kn, enum knat_counter c)
{
	u64 v = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		v += per_cpu_ptr(kn->stats, cpu)->cnt[c];
	return v;
}

static u64 knat_stats_test_shown(struct knat_net *kn, enum knat_counter c)
{
	struct knat_stats sum;

	knat_stats_sum(kn, &sum);
	return sum.cnt[c];
}

static int knat_stats_test_reset(struct knat_net *kn)
{
	int err;

	mutex_lock(&kn->lock);
	err = knat_stats_reset(kn);
	mutex_unlock(&kn->lock);
	return err;
}

/* Readers see sum - zero; the reset leaves every CPU's counters alone. */
static void knat_stats_reset_zero_point(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	unsigned int ncpu = num_possible_cpus();
	struct knat_stats sum;
	u64 raw;

	knat_count(kn, KNAT_CNT_FLOWS_CREATED_TCP);
	knat_count_add(kn, KNAT_CNT_FLOWS_CREATED_TCP, 4);
	knat_stats_test_bump(kn, KNAT_CNT_FLOWS_CREATED_TCP, 3);
	knat_count_drop(kn, KNAT_DROP_TABLE_FULL);
	KUNIT_EXPECT_EQ(test, knat_stats_test_shown(kn, KNAT_CNT_FLOWS_CREATED_TCP),
			5ULL + 3 * ncpu);

	raw = knat_stats_test_raw(kn, KNAT_CNT_FLOWS_CREATED_TCP);
	KUNIT_ASSERT_EQ(test, knat_stats_test_reset(kn), 0);
	/* The old reset zeroed other CPUs' live counters: not any more. */
	KUNIT_EXPECT_EQ(test, knat_stats_test_raw(kn, KNAT_CNT_FLOWS_CREATED_TCP),
			raw);
	knat_stats_sum(kn, &sum);
	KUNIT_EXPECT_EQ(test, sum.cnt[KNAT_CNT_FLOWS_CREATED_TCP], 0ULL);
	KUNIT_EXPECT_EQ(test, sum.drop[KNAT_DROP_TABLE_FULL], 0ULL);

	knat_count(kn, KNAT_CNT_FLOWS_CREATED_TCP);
	knat_stats_test_bump(kn, KNAT_CNT_FLOWS_CREATED_TCP, 2);
	knat_count_drop(kn, KNAT_DROP_TABLE_FULL);
	knat_stats_sum(kn, &sum);
	KUNIT_EXPECT_EQ(test, sum.cnt[KNAT_CNT_FLOWS_CREATED_TCP], 1ULL + 2 * ncpu);
	KUNIT_EXPECT_EQ(test, sum.drop[KNAT_DROP_TABLE_FULL], 1ULL);
	/* A counter nothing touched stays 0 across resets. */
	KUNIT_EXPECT_EQ(test, sum.cnt[KNAT_CNT_FLOWS_EXPIRED], 0ULL);

	/* A second reset: only what follows it shows. */
	KUNIT_ASSERT_EQ(test, knat_stats_test_reset(kn), 0);
	knat_count_add(kn, KNAT_CNT_FLOWS_CREATED_TCP, 9);
	KUNIT_EXPECT_EQ(test, knat_stats_test_shown(kn, KNAT_CNT_FLOWS_CREATED_TCP),
			9ULL);
	KUNIT_EXPECT_EQ(test, knat_stats_test_raw(kn, KNAT_CNT_FLOWS_CREATED_TCP),
			raw + 1 + 2 * ncpu + 9);
}

/*
 * Events counted while a reset runs, in the order a second CPU could
 * interleave them: before the reset read the counters they are in the
 * zero point, after it they show; every one is in exactly one of the two.
 */
static void knat_stats_reset_during_counting(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_stats_zero *z;
	u64 before = 0, during = 0, after = 0, shown_before;
	int round;

	z = kmalloc(sizeof(*z), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, z);
	for (round = 1; round <= 3; round++) {
		knat_count_add(kn, KNAT_CNT_TCP_SYN, round);
		before += round;
		shown_before = knat_stats_test_shown(kn, KNAT_CNT_TCP_SYN);

		mutex_lock(&kn->lock);
		/* The reset reads every CPU ... */
		knat_stats_zero_fill(kn, z, round);
		/* ... a CPU counts before the zero point is published ... */
		knat_count_add(kn, KNAT_CNT_TCP_SYN, 10 * round);
		during = 10 * round;
		/* ... a reader in between still sees the old zero point. */
		KUNIT_EXPECT_EQ(test,
				knat_stats_test_shown(kn, KNAT_CNT_TCP_SYN),
				shown_before + during);
		knat_stats_zero_publish(kn, z);
		mutex_unlock(&kn->lock);
		z = kmalloc(sizeof(*z), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, z);

		/* The events during the reset show after it. */
		KUNIT_EXPECT_EQ(test,
				knat_stats_test_shown(kn, KNAT_CNT_TCP_SYN),
				during);
		knat_count(kn, KNAT_CNT_TCP_SYN);
		after = during + 1;
		KUNIT_EXPECT_EQ(test,
				knat_stats_test_shown(kn, KNAT_CNT_TCP_SYN),
				after);
		/* Zero point + shown = every event ever counted. */
		KUNIT_EXPECT_EQ(test,
				rcu_access_pointer(kn->stats0)->cnt[KNAT_CNT_TCP_SYN] +
				knat_stats_test_shown(kn, KNAT_CNT_TCP_SYN),
				knat_stats_test_raw(kn, KNAT_CNT_TCP_SYN));
		before += after;
	}
	KUNIT_EXPECT_EQ(test, knat_stats_test_raw(kn, KNAT_CNT_TCP_SYN), before);
	kfree(z);
}

static struct knat_hs_hist knat_stats_test_hs(struct knat_net *kn)
{
	struct knat_stats sum;

	knat_stats_sum(kn, &sum);
	return sum.hs;
}

static u64 knat_hs_test_count(const struct knat_hs_hist *h)
{
	u64 n = 0;
	int i;

	for (i = 0; i < KNAT_HS_BUCKETS; i++)
		n += h->bucket[i];
	return n;
}

/* Buckets and sum go by the zero point, min and max start over. */
static void knat_stats_reset_hs(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_hs_hist h;

	knat_hs_record(&kn->stats->hs, 5000, knat_stats_epoch(kn));
	knat_hs_record(&kn->stats->hs, 100, knat_stats_epoch(kn));
	knat_hs_record(&kn->stats->hs, 40000, knat_stats_epoch(kn));
	h = knat_stats_test_hs(kn);
	KUNIT_EXPECT_EQ(test, knat_hs_test_count(&h), 3ULL);
	KUNIT_EXPECT_EQ(test, h.sum_us, 45100ULL);
	KUNIT_EXPECT_EQ(test, h.min_us, 100U);
	KUNIT_EXPECT_EQ(test, h.max_us, 40000U);
	KUNIT_EXPECT_EQ(test, h.bucket[0], 1ULL);	/* < 1 ms */
	KUNIT_EXPECT_EQ(test, h.bucket[3], 1ULL);	/* 4-8 ms */
	KUNIT_EXPECT_EQ(test, h.bucket[6], 1ULL);	/* 32-64 ms */

	KUNIT_ASSERT_EQ(test, knat_stats_test_reset(kn), 0);
	h = knat_stats_test_hs(kn);
	KUNIT_EXPECT_EQ(test, knat_hs_test_count(&h), 0ULL);
	KUNIT_EXPECT_EQ(test, h.sum_us, 0ULL);
	KUNIT_EXPECT_EQ(test, h.min_us, 0U);
	KUNIT_EXPECT_EQ(test, h.max_us, 0U);

	/* Larger than the old minimum, smaller than the old maximum. */
	knat_hs_record(&kn->stats->hs, 2500, knat_stats_epoch(kn));
	h = knat_stats_test_hs(kn);
	KUNIT_EXPECT_EQ(test, knat_hs_test_count(&h), 1ULL);
	KUNIT_EXPECT_EQ(test, h.bucket[2], 1ULL);	/* 2-4 ms */
	KUNIT_EXPECT_EQ(test, h.sum_us, 2500ULL);
	KUNIT_EXPECT_EQ(test, h.min_us, 2500U);
	KUNIT_EXPECT_EQ(test, h.max_us, 2500U);
	knat_hs_record(&kn->stats->hs, 0, knat_stats_epoch(kn));
	h = knat_stats_test_hs(kn);
	KUNIT_EXPECT_EQ(test, h.min_us, 1U);	/* 0 us stored as 1 */
	KUNIT_EXPECT_EQ(test, h.max_us, 2500U);
	KUNIT_EXPECT_EQ(test, knat_hs_test_count(&h), 2ULL);
}

/*
 * A CPU that recorded nothing since the reset keeps its old extremes in
 * memory; a sum must not take them, while its buckets still add (and the
 * zero point takes them off).
 */
static void knat_stats_hs_stale_epoch(struct kunit *test)
{
	struct knat_hs_hist sum = { .epoch = 2 }, old = {
		.bucket = { [1] = 4 }, .sum_us = 6000, .min_us = 1000,
		.max_us = 2000, .epoch = 1,
	}, cur = {
		.bucket = { [0] = 1 }, .sum_us = 300, .min_us = 300,
		.max_us = 300, .epoch = 2,
	};

	knat_hs_add(&sum, &old);
	KUNIT_EXPECT_EQ(test, sum.bucket[1], 4ULL);
	KUNIT_EXPECT_EQ(test, sum.min_us, 0U);
	KUNIT_EXPECT_EQ(test, sum.max_us, 0U);
	knat_hs_add(&sum, &cur);
	KUNIT_EXPECT_EQ(test, sum.sum_us, 6300ULL);
	KUNIT_EXPECT_EQ(test, sum.min_us, 300U);
	KUNIT_EXPECT_EQ(test, sum.max_us, 300U);
	/* A CPU already in a later epoch (a reset during the sum) counts. */
	cur.epoch = 3;
	cur.min_us = 200;
	knat_hs_add(&sum, &cur);
	KUNIT_EXPECT_EQ(test, sum.min_us, 200U);
}

/*
 * The hooks run in process context (LOCAL_OUT), in softirq context and,
 * through netpoll, with interrupts off: a record is whole and counted
 * once in each (and local_irq_save() in it does not warn where a
 * local_bh_enable() would).  No softirq can cut into a record any more;
 * UML cannot interrupt one on demand to show it.
 */
static void knat_stats_hs_record_contexts(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	u32 epoch = knat_stats_epoch(kn);
	struct knat_hs_hist h;
	unsigned long flags;

	knat_hs_record(&kn->stats->hs, 1500, epoch);
	local_bh_disable();
	knat_hs_record(&kn->stats->hs, 3000, epoch);
	local_bh_enable();
	local_irq_save(flags);
	knat_hs_record(&kn->stats->hs, 700, epoch);
	local_irq_restore(flags);
	h = knat_stats_test_hs(kn);
	KUNIT_EXPECT_EQ(test, knat_hs_test_count(&h), 3ULL);
	KUNIT_EXPECT_EQ(test, h.sum_us, 5200ULL);
	KUNIT_EXPECT_EQ(test, h.min_us, 700U);
	KUNIT_EXPECT_EQ(test, h.max_us, 3000U);
}

static struct kunit_case knat_stats_cases[] = {
	KUNIT_CASE(knat_stats_reset_zero_point),
	KUNIT_CASE(knat_stats_reset_during_counting),
	KUNIT_CASE(knat_stats_reset_hs),
	KUNIT_CASE(knat_stats_hs_stale_epoch),
	KUNIT_CASE(knat_stats_hs_record_contexts),
	{}
};

static struct kunit_suite knat_stats_suite = {
	.name = "knat_stats",
	.init = knat_stats_test_init,
	.exit = knat_stats_test_exit,
	.test_cases = knat_stats_cases,
};

kunit_test_suite(knat_stats_suite);
