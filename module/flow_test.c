// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the flow-key hash and the flow table.  Included from flow.c so
 * the static parts are reachable.
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/kthread.h>

static struct knat_tuple knat_test_tuple(u32 src, u32 dst, u16 sport,
					 u16 dport, u8 proto)
{
	return (struct knat_tuple) {
		.src = htonl(src), .dst = htonl(dst),
		.sport = htons(sport), .dport = htons(dport), .proto = proto,
	};
}

static void knat_hash_equal_keys(struct kunit *test)
{
	struct knat_tuple a = knat_test_tuple(0x0a000001, 0x0a000002, 1000,
					      80, IPPROTO_TCP);
	struct knat_tuple b = a;

	b.dir = KNAT_DIR_REPLY;	/* not part of the key */
	KUNIT_EXPECT_EQ(test, knat_tuple_hash(&a, NULL, 7), knat_tuple_hash(&b, NULL, 7));
}

static void knat_hash_fields_matter(struct kunit *test)
{
	struct knat_tuple a = knat_test_tuple(0x0a000001, 0x0a000002, 1000,
					      80, IPPROTO_TCP);
	struct knat_tuple b;
	u32 h = knat_tuple_hash(&a, NULL, 7);

	b = a;
	b.proto = IPPROTO_UDP;
	KUNIT_EXPECT_NE(test, h, knat_tuple_hash(&b, NULL, 7));
	knat_tuple_invert(&b, &a);	/* the other direction */
	KUNIT_EXPECT_NE(test, h, knat_tuple_hash(&b, NULL, 7));
	b = a;
	b.sport = a.dport;
	b.dport = a.sport;
	KUNIT_EXPECT_NE(test, h, knat_tuple_hash(&b, NULL, 7));
	KUNIT_EXPECT_NE(test, h, knat_tuple_hash(&a, NULL, 8));
}

/*
 * One client opening 64k connections to one server differs only in the
 * source port: the worst realistic input.  Spread over 1024 buckets each
 * should hold 64 on average; a fair hash keeps every bucket within
 * [16, 128] (the binomial tail beyond that is below 1e-9).
 */
static void knat_hash_distribution(struct kunit *test)
{
	const unsigned int nbuckets = 1024, n = 65536;
	unsigned int *load, i, min = UINT_MAX, max = 0;

	load = kunit_kcalloc(test, nbuckets, sizeof(*load), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, load);
	for (i = 0; i < n; i++) {
		struct knat_tuple t = knat_test_tuple(0xc0a80001, 0xc6336401,
						      i, 443, IPPROTO_TCP);

		load[knat_tuple_hash(&t, NULL, 0) % nbuckets]++;
	}
	for (i = 0; i < nbuckets; i++) {
		min = min(min, load[i]);
		max = max(max, load[i]);
	}
	kunit_info(test, "bucket load min %u max %u mean %u\n", min, max,
		   n / nbuckets);
	KUNIT_EXPECT_GE(test, min, 16U);
	KUNIT_EXPECT_LE(test, max, 128U);
}

static int knat_flow_test_init(struct kunit *test)
{
	struct knat_net *kn;

	kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);
	if (!kn)
		return -ENOMEM;
	kn->max_flows = 100000;
	/* Flow events ask the namespace for listeners: there are none. */
	kn->net = &init_net;
	if (knat_stats_net_init(kn))
		return -ENOMEM;
	mutex_init(&kn->lock);
	if (knat_flow_net_init(kn)) {
		knat_stats_net_exit(kn);
		return -ENOMEM;
	}
	/* What the namespace's first rule does (knat_hooks_enable()). */
	if (knat_ftab_test_max_flows(kn, kn->max_flows)) {
		knat_flow_net_exit(kn);
		knat_stats_net_exit(kn);
		return -ENOMEM;
	}
	test->priv = kn;
	return 0;
}

static void knat_flow_test_exit(struct kunit *test)
{
	struct knat_net *kn = test->priv;

	knat_flow_net_exit(kn);
	knat_stats_net_exit(kn);
}

/* A DNAT flow: client 10.0.1.2:40000 -> 198.51.100.1:8080 -> 10.0.2.2:80. */
static struct knat_flow *knat_test_flow(struct kunit *test, u16 sport)
{
	struct knat_tuple orig = knat_test_tuple(0x0a000102, 0xc6336401, sport,
						 8080, IPPROTO_TCP);
	struct knat_tuple reply = knat_test_tuple(0x0a000202, 0x0a000102, 80,
						  sport, IPPROTO_TCP);

	struct knat_flow *f;

	f = knat_flow_alloc(test->priv, &orig, &reply,
			    KNAT_FLOW_KIND_FORWARD, NULL, 10 * HZ);
	return IS_ERR(f) ? NULL : f;
}

/* A flow from @sport, in the table and answered (early drop spares it). */
static struct knat_flow *knat_test_replied(struct kunit *test, u16 sport)
{
	struct knat_flow *f = knat_test_flow(test, sport);

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, knat_flow_add(test->priv, f), 0);
	set_bit(KNAT_FLOW_REPLIED_BIT, &f->status);
	return f;
}

static void knat_flow_both_directions(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_flow *f = knat_test_flow(test, 40000);
	struct knat_flow_half *h;
	struct knat_tuple t;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, knat_flow_add(kn, f), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 1);

	rcu_read_lock();
	h = knat_flow_find(kn, &f->h[KNAT_DIR_ORIG].tuple);
	KUNIT_EXPECT_PTR_EQ(test, h, &f->h[KNAT_DIR_ORIG]);
	KUNIT_EXPECT_PTR_EQ(test, knat_flow_of(h), f);

	/* What the server sends back finds the same flow, reply side. */
	t = knat_test_tuple(0x0a000202, 0x0a000102, 80, 40000, IPPROTO_TCP);
	h = knat_flow_find(kn, &t);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_EQ(test, h->tuple.dir, (u8)KNAT_DIR_REPLY);
	KUNIT_EXPECT_PTR_EQ(test, knat_flow_of(h), f);

	/* The other protocol and the untranslated reverse find nothing. */
	t.proto = IPPROTO_UDP;
	KUNIT_EXPECT_NULL(test, knat_flow_find(kn, &t));
	knat_tuple_invert(&t, &f->h[KNAT_DIR_ORIG].tuple);
	KUNIT_EXPECT_NULL(test, knat_flow_find(kn, &t));
	rcu_read_unlock();

	knat_flow_del(kn, f);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 0);
	KUNIT_EXPECT_FALSE(test, knat_tuple_taken(kn, &t));
}

static void knat_flow_clash(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_flow *a = knat_test_flow(test, 40000);
	struct knat_flow *b = knat_test_flow(test, 40000);
	struct knat_tuple t;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, knat_flow_add(kn, a), 0);
	KUNIT_EXPECT_EQ(test, knat_flow_add(kn, b), -EEXIST);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 1);
	KUNIT_EXPECT_TRUE(test, knat_tuple_taken(kn,
						 &a->h[KNAT_DIR_REPLY].tuple));

	/* Same original tuple, different reply: still the one flow. */
	b = knat_test_flow(test, 40000);
	KUNIT_ASSERT_NOT_NULL(test, b);
	b->h[KNAT_DIR_REPLY].tuple.sport = htons(81);
	KUNIT_EXPECT_EQ(test, knat_flow_add(kn, b), -EEXIST);

	/* A clash on the reply tuple alone must not leave the orig half. */
	b = knat_test_flow(test, 40001);
	KUNIT_ASSERT_NOT_NULL(test, b);
	b->h[KNAT_DIR_REPLY].tuple = a->h[KNAT_DIR_REPLY].tuple;
	b->h[KNAT_DIR_REPLY].tuple.dir = KNAT_DIR_REPLY;
	KUNIT_EXPECT_EQ(test, knat_flow_add(kn, b), -EEXIST);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 1);
	t = knat_test_tuple(0x0a000102, 0xc6336401, 40001, 8080, IPPROTO_TCP);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, knat_flow_find(kn, &t));
	rcu_read_unlock();
}

static void knat_flow_limit(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_flow *f;

	KUNIT_ASSERT_EQ(test, knat_ftab_test_max_flows(kn, 2), 0);
	knat_test_replied(test, 1);
	f = knat_test_replied(test, 2);
	KUNIT_EXPECT_NULL(test, knat_test_flow(test, 3));
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 2);

	knat_flow_del(kn, f);
	f = knat_test_flow(test, 3);
	KUNIT_EXPECT_NOT_NULL(test, f);
	if (f)
		KUNIT_EXPECT_EQ(test, knat_flow_add(kn, f), 0);
}

/*
 * Full of answered flows that have expired but the GC has not reached
 * (its walk of a big table takes seconds): a new flow takes the place of
 * one of them at once, counted as expired, not as an early drop.
 */
static void knat_flow_full_of_expired(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_stats *sum = kunit_kzalloc(test, sizeof(*sum), GFP_KERNEL);
	struct knat_flow *f;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, sum);
	KUNIT_ASSERT_EQ(test, knat_ftab_test_max_flows(kn, 2), 0);
	for (i = 0; i < 2; i++) {
		f = knat_test_replied(test, 1 + i);
		WRITE_ONCE(f->expires, (u32)jiffies - 1);
	}
	f = knat_test_flow(test, 3);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, knat_flow_add(kn, f), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 2);
	knat_stats_sum(kn, sum);
	KUNIT_EXPECT_EQ(test, sum->cnt[KNAT_CNT_FLOWS_EXPIRED], 1ULL);
	KUNIT_EXPECT_EQ(test, sum->cnt[KNAT_CNT_EARLY_DROP], 0ULL);
}

/*
 * Full: an unanswered flow makes room for a new one, answered ones stay,
 * and outbound NAT keeps the quarter the outside's flows may not take.
 */
static void knat_flow_early_drop_case(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_stats *sum = kunit_kzalloc(test, sizeof(*sum), GFP_KERNEL);
	struct knat_tuple orig, reply;
	struct knat_flow *f;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, sum);
	KUNIT_ASSERT_EQ(test, knat_ftab_test_max_flows(kn, 8), 0);
	for (i = 0; i < 6; i++) {
		f = knat_test_flow(test, 100 + i);
		KUNIT_ASSERT_NOT_NULL(test, f);
		KUNIT_ASSERT_EQ(test, knat_flow_add(kn, f), 0);
		if (i)
			set_bit(KNAT_FLOW_REPLIED_BIT, &f->status);
	}
	/* 6 of 8: the outside's share is full; port 100 never answered. */
	f = knat_test_replied(test, 200);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 6);
	orig = knat_test_tuple(0x0a000102, 0xc6336401, 100, 8080, IPPROTO_TCP);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, knat_flow_find(kn, &orig));
	rcu_read_unlock();
	knat_stats_sum(kn, sum);
	KUNIT_EXPECT_EQ(test, sum->cnt[KNAT_CNT_EARLY_DROP], 1ULL);
	/* All answered now: nothing to evict. */
	KUNIT_EXPECT_NULL(test, knat_test_flow(test, 201));

	/* Outbound NAT still has its two places, and no more. */
	for (i = 0; i < 3; i++) {
		orig = knat_test_tuple(0x0a000105, 0xcb007102, 300 + i, 80,
				       IPPROTO_TCP);
		reply = knat_test_tuple(0xcb007102, 0xc6336401, 80, 300 + i,
					IPPROTO_TCP);
		f = knat_flow_alloc(kn, &orig, &reply, KNAT_FLOW_KIND_SNAT,
				    NULL, 10 * HZ);
		if (i == 2) {
			KUNIT_EXPECT_TRUE(test, IS_ERR(f));
			break;
		}
		KUNIT_ASSERT_FALSE(test, IS_ERR(f));
		KUNIT_ASSERT_EQ(test, knat_flow_add(kn, f), 0);
		set_bit(KNAT_FLOW_REPLIED_BIT, &f->status);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 8);
}

/*
 * A handshake answered but not completed (SYN-RECV: the backend's SYN-ACK
 * went to a spoofed source) is no working connection: a full table evicts
 * it, as conntrack evicts what is not ASSURED, and never an established
 * flow.  Before, any answered flow was kept, and a SYN flood a backend
 * answered held the table for the SYN-RECV timeout.
 */
static void knat_flow_early_drop_half_open(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_stats *sum = kunit_kzalloc(test, sizeof(*sum), GFP_KERNEL);
	struct knat_tuple t;
	struct knat_flow *f;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, sum);
	KUNIT_ASSERT_EQ(test, knat_ftab_test_max_flows(kn, 8), 0);
	for (i = 0; i < 6; i++) {
		f = knat_test_replied(test, 100 + i);
		WRITE_ONCE(f->state, i == 3 ? KNAT_TCP_SYN_RECV :
					      KNAT_TCP_ESTABLISHED);
	}
	f = knat_test_replied(test, 200);
	WRITE_ONCE(f->state, KNAT_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 6);
	knat_stats_sum(kn, sum);
	KUNIT_EXPECT_EQ(test, sum->cnt[KNAT_CNT_EARLY_DROP], 1ULL);
	rcu_read_lock();
	t = knat_test_tuple(0x0a000102, 0xc6336401, 103, 8080, IPPROTO_TCP);
	KUNIT_EXPECT_NULL(test, knat_flow_find(kn, &t));
	for (i = 0; i < 6; i++) {
		if (i == 3)
			continue;
		t = knat_test_tuple(0x0a000102, 0xc6336401, 100 + i, 8080,
				    IPPROTO_TCP);
		KUNIT_EXPECT_NOT_NULL(test, knat_flow_find(kn, &t));
	}
	rcu_read_unlock();
	/* Established all: nothing to evict. */
	KUNIT_EXPECT_NULL(test, knat_test_flow(test, 201));
}

/* @n flows from client ports 1000 on, all added. */
static void knat_test_add_flows(struct kunit *test, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct knat_flow *f = knat_test_flow(test, 1000 + i);

		KUNIT_ASSERT_NOT_NULL(test, f);
		KUNIT_ASSERT_EQ(test, knat_flow_add(test->priv, f), 0);
	}
}

static bool knat_test_odd_port(const struct knat_flow *f, const void *arg)
{
	return ntohs(f->h[KNAT_DIR_ORIG].tuple.sport) & 1;
}

/* Many flows, several to a bucket; all stay found. */
static void knat_flow_many(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	const unsigned int n = 20000;
	unsigned int i, found = 0;

	knat_test_add_flows(test, n);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), (int)n);

	rcu_read_lock();
	for (i = 0; i < n; i++) {
		struct knat_tuple t = knat_test_tuple(0x0a000202, 0x0a000102,
						      80, 1000 + i,
						      IPPROTO_TCP);

		found += !!knat_flow_find(kn, &t);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, found, n);

	KUNIT_EXPECT_EQ(test, knat_flow_flush(kn, knat_test_odd_port, NULL),
			n / 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), (int)(n / 2));
	KUNIT_EXPECT_EQ(test, knat_flow_flush(kn, NULL, NULL), n / 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 0);
}

/*
 * One whole GC pass, as the work item runs it: a run looks at a budget of
 * buckets (half of this table's 131072), so runs until one ends the walk.
 */
static void knat_test_gc(struct knat_net *kn)
{
	do {
		mod_delayed_work(system_power_efficient_wq, &kn->gc_work, 0);
		flush_delayed_work(&kn->gc_work);
	} while (kn->gc_bucket);
}

/* How many halves the table holds, walked bucket by bucket. */
static unsigned int knat_test_halves(struct knat_net *kn)
{
	struct knat_flow_table *tab;
	struct knat_flow_half *h;
	unsigned int n = 0;
	u32 b;

	rcu_read_lock();
	tab = knat_ftab(kn);
	for (b = 0; tab && b <= tab->mask; b++)
		for (h = knat_ftab_first(tab, b); !knat_ftab_is_nulls(h);
		     h = knat_ftab_next(h))
			n++;
	rcu_read_unlock();
	return n;
}

/*
 * Both halves are published as one step, or neither: a flow whose reply
 * tuple is taken leaves no original half behind for a lookup (or the
 * GC) to find.
 */
static void knat_flow_pair_published(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_flow *a = knat_test_flow(test, 40000);
	struct knat_flow *b = knat_test_flow(test, 40001);
	struct knat_tuple orig_b;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, knat_flow_add(kn, a), 0);
	orig_b = b->h[KNAT_DIR_ORIG].tuple;
	b->h[KNAT_DIR_REPLY].tuple = a->h[KNAT_DIR_REPLY].tuple;
	b->h[KNAT_DIR_REPLY].tuple.dir = KNAT_DIR_REPLY;
	KUNIT_EXPECT_EQ(test, knat_flow_add(kn, b), -EEXIST);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, knat_flow_find(kn, &orig_b));
	KUNIT_EXPECT_PTR_EQ(test,
			    knat_flow_find(kn, &a->h[KNAT_DIR_REPLY].tuple),
			    &a->h[KNAT_DIR_REPLY]);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 1);
}

/*
 * max-flows sizes the table, a change of it resizes the table with its
 * flows in it: grown and shrunk, every flow is found by both halves.
 */
static void knat_flow_resize(struct kunit *test)
{
	static const u32 sizes[] = { 100, 100000, 16, 5000 };
	struct knat_net *kn = test->priv;
	const unsigned int n = 3000;
	unsigned int i, j;

	knat_test_add_flows(test, n);
	for (j = 0; j < ARRAY_SIZE(sizes); j++) {
		unsigned int found = 0;

		mutex_lock(&kn->lock);
		KUNIT_ASSERT_EQ(test, knat_ftab_resize(kn, sizes[j]), 0);
		mutex_unlock(&kn->lock);
		KUNIT_EXPECT_EQ(test, knat_ftab_buckets(kn),
				knat_ftab_buckets_for(sizes[j]));
		rcu_read_lock();
		for (i = 0; i < n; i++) {
			struct knat_tuple o = knat_test_tuple(0x0a000102,
							      0xc6336401,
							      1000 + i, 8080,
							      IPPROTO_TCP);
			struct knat_tuple r = knat_test_tuple(0x0a000202,
							      0x0a000102, 80,
							      1000 + i,
							      IPPROTO_TCP);

			found += knat_flow_find(kn, &o) && knat_flow_find(kn, &r);
		}
		rcu_read_unlock();
		KUNIT_EXPECT_EQ(test, found, n);
		KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 2 * n);
	}
	KUNIT_EXPECT_EQ(test, knat_ftab_buckets_for(1), 64U);
	KUNIT_EXPECT_EQ(test, knat_ftab_buckets_for(262144), 262144U);
	KUNIT_EXPECT_EQ(test, knat_ftab_buckets_for(262145), 524288U);
	KUNIT_EXPECT_EQ(test, knat_ftab_buckets_for(16777216), 1U << 22);
	KUNIT_EXPECT_EQ(test, knat_flow_flush(kn, NULL, NULL), n);
	KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 0U);
}

/*
 * A published flow starts with its real timeout and is live: nobody sees
 * it expired before its first packet refreshes it, and it can be ended.
 */
static void knat_flow_published_live(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_flow *f = knat_test_flow(test, 40000);

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_FALSE(test, knat_flow_live(f));
	KUNIT_ASSERT_EQ(test, knat_flow_add(kn, f), 0);
	KUNIT_EXPECT_TRUE(test, knat_flow_live(f));
	KUNIT_EXPECT_FALSE(test, knat_flow_expired(f));
	knat_test_gc(kn);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 1);
	WRITE_ONCE(f->expires, (u32)jiffies - 1);
	knat_test_gc(kn);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 0);
}

/*
 * Flows published on one thread while another collects: every flow is
 * found whole (both halves) or not at all, and the counts add up.
 */
struct knat_flow_race {
	struct knat_net *kn;
	struct completion done;
	unsigned int added;
};

static int knat_flow_race_add(void *arg)
{
	struct knat_flow_race *r = arg;
	unsigned int i;

	for (i = 0; i < 20000; i++) {
		struct knat_tuple orig = knat_test_tuple(0x0a000102, 0xc6336401,
							 i, 8080, IPPROTO_TCP);
		struct knat_tuple reply = knat_test_tuple(0x0a000202,
							  0x0a000102, 80, i,
							  IPPROTO_TCP);
		struct knat_flow *f;

		/* Timeout 0: expired from birth, bait for the collector. */
		f = knat_flow_alloc(r->kn, &orig, &reply,
				    KNAT_FLOW_KIND_FORWARD, NULL, 0);
		if (IS_ERR(f))
			continue;
		if (!knat_flow_add(r->kn, f))
			r->added++;
		if (!(i & 255))
			cond_resched();
	}
	complete(&r->done);
	return 0;
}

static void knat_flow_add_vs_gc(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_flow_race r = { .kn = kn };
	struct task_struct *t;

	init_completion(&r.done);
	t = kthread_run(knat_flow_race_add, &r, "knat-flow-race");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	while (!completion_done(&r.done)) {
		knat_test_gc(kn);
		cond_resched();
	}
	wait_for_completion(&r.done);
	KUNIT_EXPECT_EQ(test, r.added, 20000U);
	knat_flow_flush(kn, NULL, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&kn->nflows), 0);
	KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 0U);
}

/* Traffic during a flush: every flow looked at brings a new one. */
struct knat_test_arrivals {
	struct kunit *test;
	unsigned int made, cap;
};

static bool knat_test_arrive(const struct knat_flow *f, const void *arg)
{
	struct knat_test_arrivals *a = (struct knat_test_arrivals *)arg;
	struct knat_flow *n;

	if (a->made < a->cap) {
		n = knat_test_flow(a->test, 20000 + a->made++);
		if (n)
			knat_flow_add(a->test->priv, n);	/* frees on error */
	}
	return true;
}

/*
 * A flush while flows keep arriving returns after about as many as the
 * table held at the start, not when the arrivals stop (here: after 40000
 * more, as an unbounded flush would).
 */
static void knat_flow_flush_bounded(struct kunit *test)
{
	struct knat_test_arrivals a = { .test = test, .cap = 40000 };
	struct knat_net *kn = test->priv;
	const unsigned int n = 1000;
	unsigned int i, total;

	knat_test_add_flows(test, n);
	total = knat_flow_flush(kn, knat_test_arrive, &a);
	kunit_info(test, "flushed %u with %u arrivals\n", total, a.made);
	KUNIT_EXPECT_GE(test, total, n);
	KUNIT_EXPECT_LE(test, total, 10 * n);
	KUNIT_EXPECT_LT(test, a.made, a.cap);
	/* Every flow of the start is gone. */
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		struct knat_tuple t = knat_test_tuple(0x0a000102, 0xc6336401,
						      1000 + i, 8080,
						      IPPROTO_TCP);

		KUNIT_EXPECT_NULL(test, knat_flow_find(kn, &t));
	}
	rcu_read_unlock();
}

static void knat_flow_size(struct kunit *test)
{
	kunit_info(test, "sizeof(struct knat_flow) = %zu\n",
		   sizeof(struct knat_flow));
	/* Two cache lines; TCP's window and fast routes: one more, apart. */
	KUNIT_EXPECT_EQ(test, sizeof(struct knat_flow), (size_t)128);
	KUNIT_EXPECT_LE(test, sizeof(struct knat_flow_ext), (size_t)64);
}

/*
 * Kind, state and gauge live in the tuples' padding: whatever padding the
 * tuples a flow is made from carry, they start as knat_flow_alloc() says
 * (a stray gauge would index the per-state gauges out of bounds).  Its
 * TCP window is there from the start; a UDP flow has no extension.
 */
static void knat_flow_alloc_fields(struct kunit *test)
{
	struct knat_tuple orig = knat_test_tuple(0x0a000102, 0xc6336401, 1,
						 8080, IPPROTO_TCP);
	struct knat_tuple reply = knat_test_tuple(0x0a000202, 0x0a000102, 80,
						  1, IPPROTO_TCP);
	struct knat_flow *f;

	memset(orig.pad, 0xff, sizeof(orig.pad));
	memset(reply.pad, 0xff, sizeof(reply.pad));
	f = knat_flow_alloc(test->priv, &orig, &reply,
			    KNAT_FLOW_KIND_SERVICE, NULL, 10 * HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, f->kind, (u8)KNAT_FLOW_KIND_SERVICE);
	KUNIT_EXPECT_EQ(test, f->state, (u8)KNAT_TCP_NONE);
	KUNIT_EXPECT_EQ(test, f->gauge, (u8)KNAT_FLOW_GAUGE_NONE);
	KUNIT_EXPECT_NOT_NULL(test, f->ext);
	KUNIT_EXPECT_NULL(test, knat_flow_fast_dst(f, KNAT_DIR_ORIG));
	atomic_dec(&((struct knat_net *)test->priv)->nflows);
	knat_flow_free(f);

	orig.proto = IPPROTO_UDP;
	reply.proto = IPPROTO_UDP;
	f = knat_flow_alloc(test->priv, &orig, &reply,
			    KNAT_FLOW_KIND_FORWARD, NULL, 10 * HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, f->gauge, (u8)KNAT_FLOW_GAUGE_NONE);
	KUNIT_EXPECT_NULL(test, f->ext);
	atomic_dec(&((struct knat_net *)test->priv)->nflows);
	knat_flow_free(f);
}

static struct kunit_case knat_hash_cases[] = {
	KUNIT_CASE(knat_hash_equal_keys),
	KUNIT_CASE(knat_hash_fields_matter),
	KUNIT_CASE(knat_hash_distribution),
	{}
};

static struct kunit_suite knat_hash_suite = {
	.name = "knat_hash",
	.test_cases = knat_hash_cases,
};

static struct kunit_case knat_flow_cases[] = {
	KUNIT_CASE(knat_flow_both_directions),
	KUNIT_CASE(knat_flow_clash),
	KUNIT_CASE(knat_flow_limit),
	KUNIT_CASE(knat_flow_early_drop_case),
	KUNIT_CASE(knat_flow_early_drop_half_open),
	KUNIT_CASE(knat_flow_full_of_expired),
	KUNIT_CASE(knat_flow_many),
	KUNIT_CASE(knat_flow_flush_bounded),
	KUNIT_CASE(knat_flow_size),
	KUNIT_CASE(knat_flow_alloc_fields),
	KUNIT_CASE(knat_flow_pair_published),
	KUNIT_CASE(knat_flow_resize),
	KUNIT_CASE(knat_flow_published_live),
	KUNIT_CASE(knat_flow_add_vs_gc),
	{}
};

static struct kunit_suite knat_flow_suite = {
	.name = "knat_flow",
	.init = knat_flow_test_init,
	.exit = knat_flow_test_exit,
	.test_cases = knat_flow_cases,
};

kunit_test_suites(&knat_hash_suite, &knat_flow_suite);
