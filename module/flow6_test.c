// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: IPv6 in the flow-key hash and the flow table.  An IPv6 tuple's
 * ->src and ->dst hold folds of its addresses; the addresses themselves
 * go to the hash and, in the table, are compared after the fold.
 * Included from flow.c right after flow_test.c, whose namespace fixture
 * (knat_flow_test_init(), knat_flow_test_exit()), IPv4 flows
 * (knat_test_flow()), table walk (knat_test_halves()) and GC pass
 * (knat_test_gc()) it uses.
 *
 * Where two keys must meet in one chain for a lookup to tell them apart
 * by more than their bucket, the table is made small (64 buckets) and
 * the addresses are picked, among many that keep the folds, so that
 * both hash to the same bucket.
 */

#include <net/ipv6.h>

#define KNAT_F6_SMALL	64	/* max-flows: a table of 64 buckets */
#define KNAT_F6_TRIES	100000	/* to find two keys sharing a bucket */

static struct in6_addr knat_f6_addr(u32 w0, u32 w1, u32 w2, u32 w3)
{
	struct in6_addr a;

	a.s6_addr32[0] = htonl(w0);
	a.s6_addr32[1] = htonl(w1);
	a.s6_addr32[2] = htonl(w2);
	a.s6_addr32[3] = htonl(w3);
	return a;
}

/* The client, the address it connects to and a backend behind it. */
static struct in6_addr knat_f6_client(void)
{
	return knat_f6_addr(0x20010db8, 0x00010000, 0x0000c0de, 0x00000002);
}

static struct in6_addr knat_f6_vip(void)
{
	return knat_f6_addr(0x20010db8, 0x01000000, 0x00000000, 0x00000001);
}

static struct in6_addr knat_f6_backend(void)
{
	return knat_f6_addr(0xfd00abcd, 0x00020000, 0xfeed0000, 0x0000beef);
}

/* An IPv6 tuple of @a6 (source, destination): its folds and ports. */
static struct knat_tuple knat_f6_tuple(const struct in6_addr *a6, u16 sport,
				       u16 dport, u8 proto)
{
	struct knat_tuple t = {
		.sport = htons(sport), .dport = htons(dport), .proto = proto,
	};

	knat_tuple_fold6(&t, a6);
	return t;
}

/* The same address with the same fold: words 0 and 1 xored with @v. */
static struct in6_addr knat_f6_refold(const struct in6_addr *a, u32 v)
{
	struct in6_addr b = *a;

	b.s6_addr32[0] ^= htonl(v);
	b.s6_addr32[1] ^= htonl(v);
	return b;
}

/* A DNAT flow [client]:@sport -> [vip]:8080 -> [backend]:80. */
struct knat_f6_flow {
	struct in6_addr orig6[2], reply6[2];
	struct knat_tuple orig, reply;
};

static void knat_f6_flow_init(struct knat_f6_flow *d,
			      const struct in6_addr *client, u16 sport,
			      u8 proto)
{
	d->orig6[0] = *client;
	d->orig6[1] = knat_f6_vip();
	d->reply6[0] = knat_f6_backend();
	d->reply6[1] = *client;
	d->orig = knat_f6_tuple(d->orig6, sport, 8080, proto);
	d->reply = knat_f6_tuple(d->reply6, 80, sport, proto);
}

static struct knat_flow *knat_f6_alloc(struct kunit *test,
				       const struct knat_f6_flow *d)
{
	struct knat_flow *f;

	f = knat_flow_alloc6(test->priv, &d->orig, &d->reply, d->orig6,
			     d->reply6, KNAT_FLOW_KIND_FORWARD, NULL, 10 * HZ);
	return IS_ERR(f) ? NULL : f;
}

/* A flow made and added, or the test stops. */
static struct knat_flow *knat_f6_add(struct kunit *test,
				     const struct knat_f6_flow *d)
{
	struct knat_flow *f = knat_f6_alloc(test, d);

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, knat_flow_add(test->priv, f), 0);
	return f;
}

static struct knat_flow_half *knat_f6_find(struct kunit *test,
					   const struct knat_tuple *t,
					   const struct in6_addr *a6)
{
	struct knat_flow_half *h;

	/* Only the pointer leaves: the flows live till the test ends. */
	rcu_read_lock();
	h = knat_flow_find6(test->priv, t, a6);
	rcu_read_unlock();
	return h;
}

/* The bucket @t (@a6) hashes to in the table now. */
static u32 knat_f6_bucket(struct knat_net *kn, const struct knat_tuple *t,
			  const struct in6_addr *a6)
{
	struct knat_flow_table *tab;
	u32 b;

	rcu_read_lock();
	tab = knat_ftab(kn);
	b = knat_tuple_hash(t, a6, tab->seed) & tab->mask;
	rcu_read_unlock();
	return b;
}

/* Is @h in bucket @b's chain? */
static bool knat_f6_in_bucket(struct knat_net *kn, u32 b,
			      const struct knat_flow_half *h)
{
	struct knat_flow_half *pos;
	bool found = false;

	rcu_read_lock();
	for (pos = knat_ftab_first(knat_ftab(kn), b);
	     !knat_ftab_is_nulls(pos) && !found; pos = knat_ftab_next(pos))
		found = pos == h;
	rcu_read_unlock();
	return found;
}

static int knat_f6_nflows6(struct kunit *test)
{
	return atomic_read(&((struct knat_net *)test->priv)->nflows6);
}

static int knat_f6_nflows(struct kunit *test)
{
	return atomic_read(&((struct knat_net *)test->priv)->nflows);
}

/* Same tuple and addresses, same hash; ->dir and the copy don't matter. */
static void knat_hash6_same_inputs(struct kunit *test)
{
	const struct in6_addr a6[2] = { knat_f6_client(), knat_f6_vip() };
	struct knat_tuple o = knat_f6_tuple(a6, 40000, 443, IPPROTO_TCP);
	u32 h = knat_tuple_hash(&o, a6, 7);
	struct in6_addr b6[2];
	struct knat_tuple t;

	KUNIT_EXPECT_EQ(test, h, knat_tuple_hash(&o, a6, 7));
	memcpy(b6, a6, sizeof(b6));
	t = o;
	t.dir = KNAT_DIR_REPLY;
	KUNIT_EXPECT_EQ(test, h, knat_tuple_hash(&t, b6, 7));
	/* The seed, the protocol and the ports do go in. */
	KUNIT_EXPECT_NE(test, h, knat_tuple_hash(&t, b6, 8));
	t.proto = IPPROTO_UDP;
	KUNIT_EXPECT_NE(test, h, knat_tuple_hash(&t, b6, 7));
	t = o;
	t.sport = o.dport;
	t.dport = o.sport;
	KUNIT_EXPECT_NE(test, h, knat_tuple_hash(&t, b6, 7));
	/* Source and destination swapped: the other direction. */
	knat_a6_invert(b6, a6);
	t = o;
	knat_tuple_fold6(&t, b6);
	KUNIT_EXPECT_NE(test, h, knat_tuple_hash(&t, b6, 7));
}

/*
 * Every bit of both addresses goes in: one flipped (the tuple's folds
 * left as they were) changes the hash.
 */
static void knat_hash6_every_bit(struct kunit *test)
{
	struct in6_addr a6[2] = { knat_f6_client(), knat_f6_vip() };
	struct knat_tuple t = knat_f6_tuple(a6, 40000, 443, IPPROTO_TCP);
	u32 h = knat_tuple_hash(&t, a6, 0x1234);
	unsigned int i, bit;

	for (i = 0; i < 2; i++) {
		for (bit = 0; bit < 128; bit++) {
			struct in6_addr b6[2] = { a6[0], a6[1] };

			b6[i].s6_addr[bit / 8] ^= 0x80 >> (bit % 8);
			KUNIT_EXPECT_NE_MSG(test, h,
					    knat_tuple_hash(&t, b6, 0x1234),
					    "address %u bit %u", i, bit);
		}
	}
}

/*
 * Addresses with the same folds, a sender's choice with a /64 of its
 * own, hash apart: the hash takes the addresses, not their folds.
 */
static void knat_hash6_same_folds(struct kunit *test)
{
	struct in6_addr a6[2] = { knat_f6_client(), knat_f6_vip() };
	struct knat_tuple t = knat_f6_tuple(a6, 40000, 443, IPPROTO_TCP);
	u32 h = knat_tuple_hash(&t, a6, 99);
	struct in6_addr b6[4][2];
	unsigned int i;

	/* Words 0 and 1 of the source swapped. */
	b6[0][0] = a6[0];
	b6[0][1] = a6[1];
	swap(b6[0][0].s6_addr32[0], b6[0][0].s6_addr32[1]);
	/* Words 2 and 3 of the destination swapped. */
	b6[1][0] = a6[0];
	b6[1][1] = a6[1];
	swap(b6[1][1].s6_addr32[2], b6[1][1].s6_addr32[3]);
	/* The same bits xored into two words of each. */
	b6[2][0] = knat_f6_refold(&a6[0], 0x00ff0000);
	b6[2][1] = knat_f6_refold(&a6[1], 0x00000001);
	/* The interface identifiers' words exchanged with the prefix's. */
	b6[3][0] = a6[0];
	b6[3][1] = a6[1];
	swap(b6[3][0].s6_addr32[0], b6[3][0].s6_addr32[3]);
	swap(b6[3][1].s6_addr32[1], b6[3][1].s6_addr32[2]);

	for (i = 0; i < ARRAY_SIZE(b6); i++) {
		KUNIT_ASSERT_EQ(test, knat_addr6_fold(&b6[i][0]),
				knat_addr6_fold(&a6[0]));
		KUNIT_ASSERT_EQ(test, knat_addr6_fold(&b6[i][1]),
				knat_addr6_fold(&a6[1]));
		KUNIT_ASSERT_FALSE(test, !memcmp(b6[i], a6, sizeof(a6)));
		KUNIT_EXPECT_NE_MSG(test, h, knat_tuple_hash(&t, b6[i], 99),
				    "pair %u", i);
	}
}

/* An IPv6 tuple and the IPv4 tuple of its folds hash apart. */
static void knat_hash6_not_v4(struct kunit *test)
{
	struct in6_addr a6[2] = { knat_f6_client(), knat_f6_vip() };
	static const u8 protos[] = {
		IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6,
		KNAT_PROTO_ICMP6_REPLY,
	};
	unsigned int i, seed;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		struct knat_tuple t = knat_f6_tuple(a6, 40000, 443, protos[i]);

		for (seed = 0; seed < 4; seed++)
			KUNIT_EXPECT_NE_MSG(test,
					    knat_tuple_hash(&t, a6, seed),
					    knat_tuple_hash(&t, NULL, seed),
					    "proto %u seed %u", protos[i], seed);
	}
}

/* An IPv6 flow is found from both directions, and only so. */
static void knat_flow6_both_directions(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct in6_addr client = knat_f6_client();
	struct knat_flow_half *h;
	struct knat_f6_flow d;
	struct in6_addr a6[2];
	struct knat_tuple t;
	struct knat_flow *f;

	knat_f6_flow_init(&d, &client, 40000, IPPROTO_TCP);
	f = knat_f6_add(test, &d);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), 1);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 1);
	KUNIT_EXPECT_EQ(test, f->v6, 1);
	KUNIT_EXPECT_EQ(test, f->kind, (u8)KNAT_FLOW_KIND_FORWARD);
	KUNIT_ASSERT_NOT_NULL(test, knat_flow_a6(f, KNAT_DIR_ORIG));
	KUNIT_EXPECT_EQ(test, memcmp(knat_flow_a6(f, KNAT_DIR_ORIG), d.orig6,
				     sizeof(d.orig6)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(knat_flow_a6(f, KNAT_DIR_REPLY), d.reply6,
				     sizeof(d.reply6)), 0);
	KUNIT_EXPECT_EQ(test, f->h[KNAT_DIR_ORIG].tuple.src,
			knat_addr6_fold(&client));
	KUNIT_EXPECT_EQ(test, f->h[KNAT_DIR_REPLY].tuple.dst,
			knat_addr6_fold(&client));

	/* What the client sends: the original half. */
	a6[0] = client;
	a6[1] = knat_f6_vip();
	t = knat_f6_tuple(a6, 40000, 8080, IPPROTO_TCP);
	h = knat_f6_find(test, &t, a6);
	KUNIT_EXPECT_PTR_EQ(test, h, &f->h[KNAT_DIR_ORIG]);

	/* What the backend sends back: the reply half. */
	a6[0] = knat_f6_backend();
	a6[1] = client;
	t = knat_f6_tuple(a6, 80, 40000, IPPROTO_TCP);
	h = knat_f6_find(test, &t, a6);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_EQ(test, h->tuple.dir, (u8)KNAT_DIR_REPLY);
	KUNIT_EXPECT_PTR_EQ(test, knat_flow_of(h), f);
	KUNIT_EXPECT_TRUE(test, knat_tuple_taken6(kn, &t, a6));

	/* The other protocol and the untranslated reverse find nothing. */
	t.proto = IPPROTO_UDP;
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &t, a6));
	knat_tuple_invert(&t, &d.orig);
	knat_a6_invert(a6, d.orig6);
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &t, a6));

	knat_flow_del(kn, f);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), 0);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 0);
	KUNIT_EXPECT_FALSE(test, knat_tuple_taken6(kn, &d.reply, d.reply6));
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d.orig, d.orig6));
	KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 0U);
}

/*
 * A client address with the client's fold, in the bucket of the
 * client's own original tuple: the table's chain holds both, only the
 * addresses tell them apart.
 */
static struct in6_addr knat_f6_twin(struct kunit *test,
				    const struct knat_f6_flow *d)
{
	struct knat_net *kn = test->priv;
	u32 b = knat_f6_bucket(kn, &d->orig, d->orig6);
	struct in6_addr a6[2] = { d->orig6[0], d->orig6[1] };
	u32 v;

	for (v = 1; v < KNAT_F6_TRIES; v++) {
		a6[0] = knat_f6_refold(&d->orig6[0], v);
		if (knat_f6_bucket(kn, &d->orig, a6) == b)
			return a6[0];
	}
	KUNIT_FAIL(test, "no address with the same fold and bucket");
	return d->orig6[0];
}

/* Same folds, other addresses: a miss, even in the same chain. */
static void knat_flow6_same_fold_misses(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct in6_addr client = knat_f6_client(), twin, a6[2];
	struct knat_f6_flow d;
	struct knat_flow *f;

	KUNIT_ASSERT_EQ(test, knat_ftab_test_max_flows(kn, KNAT_F6_SMALL), 0);
	knat_f6_flow_init(&d, &client, 40000, IPPROTO_UDP);
	f = knat_f6_add(test, &d);
	twin = knat_f6_twin(test, &d);
	KUNIT_ASSERT_FALSE(test, ipv6_addr_equal(&twin, &client));
	KUNIT_ASSERT_EQ(test, knat_addr6_fold(&twin), knat_addr6_fold(&client));

	a6[0] = twin;
	a6[1] = d.orig6[1];
	KUNIT_ASSERT_TRUE(test,
			  knat_f6_in_bucket(kn, knat_f6_bucket(kn, &d.orig, a6),
					    &f->h[KNAT_DIR_ORIG]));
	KUNIT_EXPECT_PTR_EQ(test, knat_f6_find(test, &d.orig, d.orig6),
			    &f->h[KNAT_DIR_ORIG]);
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d.orig, a6));
	KUNIT_EXPECT_FALSE(test, knat_tuple_taken6(kn, &d.orig, a6));

	/* The destination with the same fold, and a word swap: misses too. */
	a6[0] = client;
	a6[1] = knat_f6_refold(&d.orig6[1], 0x80000000);
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d.orig, a6));
	a6[0] = client;
	swap(a6[0].s6_addr32[1], a6[0].s6_addr32[2]);
	a6[1] = d.orig6[1];
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d.orig, a6));
	a6[0] = d.reply6[0];
	a6[1] = knat_f6_refold(&client, 1);
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d.reply, a6));
}

/*
 * Two flows whose tuples are the same but for the addresses (the folds
 * are equal): both go in, the first's orig half in the chain of the
 * second's, and each is found by its own addresses.
 */
static void knat_flow6_same_fold_coexist(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct in6_addr client = knat_f6_client(), twin;
	struct knat_f6_flow d1, d2;
	struct knat_flow *f1, *f2;
	unsigned int dir;

	KUNIT_ASSERT_EQ(test, knat_ftab_test_max_flows(kn, KNAT_F6_SMALL), 0);
	knat_f6_flow_init(&d1, &client, 40000, IPPROTO_TCP);
	f1 = knat_f6_add(test, &d1);
	twin = knat_f6_twin(test, &d1);
	knat_f6_flow_init(&d2, &twin, 40000, IPPROTO_TCP);
	KUNIT_ASSERT_EQ(test, memcmp(&d1.orig, &d2.orig, KNAT_TUPLE_KEY_LEN),
			0);
	KUNIT_ASSERT_EQ(test, memcmp(&d1.reply, &d2.reply, KNAT_TUPLE_KEY_LEN),
			0);
	f2 = knat_f6_add(test, &d2);
	KUNIT_ASSERT_TRUE(test,
			  knat_f6_in_bucket(kn, knat_f6_bucket(kn, &d2.orig,
							       d2.orig6),
					    &f1->h[KNAT_DIR_ORIG]));
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 2);
	KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 4U);

	for (dir = 0; dir < 2; dir++) {
		const struct knat_tuple *t1 = dir ? &d1.reply : &d1.orig;
		const struct knat_tuple *t2 = dir ? &d2.reply : &d2.orig;

		KUNIT_EXPECT_PTR_EQ(test,
				    knat_f6_find(test, t1,
						 dir ? d1.reply6 : d1.orig6),
				    &f1->h[dir]);
		KUNIT_EXPECT_PTR_EQ(test,
				    knat_f6_find(test, t2,
						 dir ? d2.reply6 : d2.orig6),
				    &f2->h[dir]);
	}

	/* The same flow again clashes; deleting one leaves the other. */
	f1 = knat_f6_alloc(test, &d1);
	KUNIT_ASSERT_NOT_NULL(test, f1);
	KUNIT_EXPECT_EQ(test, knat_flow_add(kn, f1), -EEXIST);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 2);
	knat_flow_del(kn, f2);
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d2.orig, d2.orig6));
	KUNIT_EXPECT_NOT_NULL(test, knat_f6_find(test, &d1.orig, d1.orig6));
	KUNIT_EXPECT_NOT_NULL(test, knat_f6_find(test, &d1.reply, d1.reply6));
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 1);
}

/*
 * A client (port @sport) whose flow's orig half lands in the same bucket
 * as an IPv4 lookup of its folds does.
 */
static void knat_f6_v4_twin(struct kunit *test, struct knat_f6_flow *d)
{
	struct knat_net *kn = test->priv;
	u32 i;

	for (i = 1; i < KNAT_F6_TRIES; i++) {
		struct in6_addr client = knat_f6_client();

		client.s6_addr32[3] = htonl(i);
		knat_f6_flow_init(d, &client, 40000, IPPROTO_TCP);
		if (knat_f6_bucket(kn, &d->orig, d->orig6) ==
		    knat_f6_bucket(kn, &d->orig, NULL))
			return;
	}
	KUNIT_FAIL(test, "no IPv6 key in its IPv4 twin's bucket");
}

/*
 * IPv4 lookups never find an IPv6 flow whose folds they hold, in the
 * same chain or not; an IPv4 flow of the folds goes in beside it, and
 * each family finds its own.
 */
static void knat_flow6_vs_v4(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct knat_flow *f6, *f4;
	struct knat_f6_flow d;
	struct knat_tuple t;

	KUNIT_ASSERT_EQ(test, knat_ftab_test_max_flows(kn, KNAT_F6_SMALL), 0);
	knat_f6_v4_twin(test, &d);
	f6 = knat_f6_add(test, &d);
	KUNIT_ASSERT_TRUE(test,
			  knat_f6_in_bucket(kn, knat_f6_bucket(kn, &d.orig,
							       NULL),
					    &f6->h[KNAT_DIR_ORIG]));

	/* The folds as an IPv4 tuple: the same key bytes, no match. */
	t = d.orig;
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &t, NULL));
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d.reply, NULL));
	KUNIT_EXPECT_FALSE(test, knat_tuple_taken(kn, &t));
	KUNIT_EXPECT_FALSE(test, knat_tuple_taken(kn, &d.reply));

	/* An IPv4 flow whose tuples are the IPv6 flow's: it goes in. */
	f4 = knat_flow_alloc(kn, &d.orig, &d.reply, KNAT_FLOW_KIND_FORWARD,
			     NULL, 10 * HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f4));
	KUNIT_EXPECT_EQ(test, f4->v6, 0);
	KUNIT_EXPECT_NULL(test, knat_flow_a6(f4, KNAT_DIR_ORIG));
	KUNIT_ASSERT_EQ(test, knat_flow_add(kn, f4), 0);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), 2);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 1);

	/* Each family its own flow, from both directions. */
	KUNIT_EXPECT_PTR_EQ(test, knat_f6_find(test, &d.orig, NULL),
			    &f4->h[KNAT_DIR_ORIG]);
	KUNIT_EXPECT_PTR_EQ(test, knat_f6_find(test, &d.reply, NULL),
			    &f4->h[KNAT_DIR_REPLY]);
	KUNIT_EXPECT_PTR_EQ(test, knat_f6_find(test, &d.orig, d.orig6),
			    &f6->h[KNAT_DIR_ORIG]);
	KUNIT_EXPECT_PTR_EQ(test, knat_f6_find(test, &d.reply, d.reply6),
			    &f6->h[KNAT_DIR_REPLY]);

	/* Either goes alone. */
	knat_flow_del(kn, f4);
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d.orig, NULL));
	KUNIT_EXPECT_PTR_EQ(test, knat_f6_find(test, &d.orig, d.orig6),
			    &f6->h[KNAT_DIR_ORIG]);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 1);
	f4 = knat_flow_alloc(kn, &d.orig, &d.reply, KNAT_FLOW_KIND_FORWARD,
			     NULL, 10 * HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f4));
	KUNIT_ASSERT_EQ(test, knat_flow_add(kn, f4), 0);
	knat_flow_del(kn, f6);
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d.orig, d.orig6));
	KUNIT_EXPECT_PTR_EQ(test, knat_f6_find(test, &d.reply, NULL),
			    &f4->h[KNAT_DIR_REPLY]);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), 1);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 0);
}

static void knat_flow6_size(struct kunit *test)
{
	kunit_info(test, "sizeof(struct knat_flow6) = %zu\n",
		   sizeof(struct knat_flow6));
	KUNIT_EXPECT_EQ(test, sizeof(struct knat_flow), (size_t)128);
	KUNIT_EXPECT_EQ(test, sizeof(struct knat_flow6), (size_t)192);
	KUNIT_EXPECT_EQ(test, offsetof(struct knat_flow6, f), (size_t)0);
}

/*
 * The IPv6 mark lives in the reply tuple's padding: whatever padding
 * the tuples carry, an IPv6 flow is marked and an IPv4 one is not (an
 * IPv4 flow taken for IPv6 would be freed to the wrong cache).
 */
static void knat_flow6_alloc_fields(struct kunit *test)
{
	struct in6_addr client = knat_f6_client();
	struct knat_net *kn = test->priv;
	struct knat_f6_flow d;
	struct knat_flow *f;

	knat_f6_flow_init(&d, &client, 1, IPPROTO_TCP);
	memset(d.orig.pad, 0xff, sizeof(d.orig.pad));
	memset(d.reply.pad, 0xff, sizeof(d.reply.pad));
	d.orig.src = htonl(0x0badf00d);		/* refolded by the alloc */
	f = knat_flow_alloc6(kn, &d.orig, &d.reply, d.orig6, d.reply6,
			     KNAT_FLOW_KIND_SERVICE, NULL, 10 * HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, f->v6, 1);
	KUNIT_EXPECT_EQ(test, f->kind, (u8)KNAT_FLOW_KIND_SERVICE);
	KUNIT_EXPECT_EQ(test, f->state, (u8)KNAT_TCP_NONE);
	KUNIT_EXPECT_EQ(test, f->gauge, (u8)KNAT_FLOW_GAUGE_NONE);
	KUNIT_EXPECT_NOT_NULL(test, f->ext);
	KUNIT_EXPECT_EQ(test, f->h[KNAT_DIR_ORIG].tuple.src,
			knat_addr6_fold(&client));
	KUNIT_EXPECT_EQ(test, f->h[KNAT_DIR_ORIG].tuple.dir, (u8)KNAT_DIR_ORIG);
	KUNIT_EXPECT_EQ(test, f->h[KNAT_DIR_REPLY].tuple.dir,
			(u8)KNAT_DIR_REPLY);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 1);
	knat_flow_uncharge(kn, f);
	knat_flow_free(f);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 0);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), 0);

	f = knat_flow_alloc(kn, &d.orig, &d.reply, KNAT_FLOW_KIND_FORWARD,
			    NULL, 10 * HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, f->v6, 0);
	KUNIT_EXPECT_NULL(test, knat_flow_a6(f, KNAT_DIR_REPLY));
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 0);
	knat_flow_uncharge(kn, f);
	knat_flow_free(f);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), 0);
}

static bool knat_f6_is_v6(const struct knat_flow *f, const void *arg)
{
	return f->v6;
}

/*
 * nflows6 counts the IPv6 flows among nflows: up with each, down with
 * each deleted, clashing, collected or flushed, and back to 0.
 */
static void knat_flow6_count(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	const unsigned int n6 = 300, n4 = 200;
	struct knat_flow *f, *first = NULL;
	struct knat_flow_half *h;
	struct knat_f6_flow d;
	unsigned int i;

	for (i = 0; i < n6; i++) {
		struct in6_addr client = knat_f6_client();

		client.s6_addr32[3] = htonl(0x1000 + i);
		knat_f6_flow_init(&d, &client, 1000 + i, IPPROTO_UDP);
		f = knat_f6_add(test, &d);
		first = first ?: f;
	}
	for (i = 0; i < n4; i++) {
		f = knat_test_flow(test, 1000 + i);
		KUNIT_ASSERT_NOT_NULL(test, f);
		KUNIT_ASSERT_EQ(test, knat_flow_add(kn, f), 0);
	}
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), (int)(n6 + n4));
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), (int)n6);

	/* One deleted. */
	knat_flow_del(kn, first);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), (int)n6 - 1);

	/* One that clashes never counts. */
	f = knat_f6_alloc(test, &d);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), (int)n6);
	KUNIT_EXPECT_EQ(test, knat_flow_add(kn, f), -EEXIST);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), (int)n6 - 1);

	/* One collected by the GC once expired. */
	h = knat_f6_find(test, &d.orig, d.orig6);
	KUNIT_ASSERT_NOT_NULL(test, h);
	f = knat_flow_of(h);
	WRITE_ONCE(f->expires, (u32)jiffies - 1);
	knat_test_gc(kn);
	KUNIT_EXPECT_NULL(test, knat_f6_find(test, &d.orig, d.orig6));
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), (int)n6 - 2);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), (int)(n6 + n4) - 2);

	/* The IPv6 ones flushed: the IPv4 ones stay. */
	KUNIT_EXPECT_EQ(test, knat_flow_flush(kn, knat_f6_is_v6, NULL),
			n6 - 2);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 0);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), (int)n4);
	KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 2 * n4);

	/* And a last one, flushed with everything. */
	f = knat_f6_add(test, &d);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 1);
	KUNIT_EXPECT_EQ(test, knat_flow_flush(kn, NULL, NULL), n4 + 1);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 0);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows(test), 0);
	KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 0U);
}

/* A lookup's hint is the IPv6 hash: the flow it inserts is found. */
static void knat_flow6_hinted(struct kunit *test)
{
	struct knat_net *kn = test->priv;
	struct in6_addr client = knat_f6_client();
	struct knat_ftab_hint hint = {};
	struct knat_flow_table *tab;
	struct knat_f6_flow d;
	struct knat_flow *f;
	u32 seed;

	knat_f6_flow_init(&d, &client, 40000, IPPROTO_TCP);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, knat_flow_find_hinted(kn, &d.orig, d.orig6,
						      &hint));
	tab = knat_ftab(kn);
	seed = tab->seed;
	rcu_read_unlock();
	KUNIT_ASSERT_TRUE(test, hint.set);
	KUNIT_EXPECT_EQ(test, hint.seed, seed);
	KUNIT_EXPECT_EQ(test, hint.hash, knat_tuple_hash(&d.orig, d.orig6,
							 seed));
	hint.dir = KNAT_DIR_ORIG;
	f = knat_f6_alloc(test, &d);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, knat_flow_add_hinted(kn, f, &hint), 0);
	KUNIT_EXPECT_PTR_EQ(test, knat_f6_find(test, &d.orig, d.orig6),
			    &f->h[KNAT_DIR_ORIG]);
	KUNIT_EXPECT_PTR_EQ(test, knat_f6_find(test, &d.reply, d.reply6),
			    &f->h[KNAT_DIR_REPLY]);
	knat_flow_del(kn, f);
	KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 0U);
}

/* A resize moves IPv6 flows by their addresses' hash: all stay found. */
static void knat_flow6_resize(struct kunit *test)
{
	static const u32 sizes[] = { 100, 100000, 16, 5000 };
	struct knat_net *kn = test->priv;
	const unsigned int n = 2000;
	struct knat_f6_flow d;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		struct in6_addr client = knat_f6_client();

		client.s6_addr32[2] = htonl(i);
		knat_f6_flow_init(&d, &client, 2000 + i, IPPROTO_TCP);
		knat_f6_add(test, &d);
	}
	for (j = 0; j < ARRAY_SIZE(sizes); j++) {
		unsigned int found = 0;

		mutex_lock(&kn->lock);
		KUNIT_ASSERT_EQ(test, knat_ftab_resize(kn, sizes[j]), 0);
		mutex_unlock(&kn->lock);
		for (i = 0; i < n; i++) {
			struct in6_addr client = knat_f6_client();

			client.s6_addr32[2] = htonl(i);
			knat_f6_flow_init(&d, &client, 2000 + i, IPPROTO_TCP);
			found += knat_f6_find(test, &d.orig, d.orig6) &&
				 knat_f6_find(test, &d.reply, d.reply6);
		}
		KUNIT_EXPECT_EQ_MSG(test, found, n, "%u buckets",
				    knat_ftab_buckets(kn));
		KUNIT_EXPECT_EQ(test, knat_test_halves(kn), 2 * n);
	}
	KUNIT_EXPECT_EQ(test, knat_flow_flush(kn, NULL, NULL), n);
	KUNIT_EXPECT_EQ(test, knat_f6_nflows6(test), 0);
}

static struct kunit_case knat_hash6_cases[] = {
	KUNIT_CASE(knat_hash6_same_inputs),
	KUNIT_CASE(knat_hash6_every_bit),
	KUNIT_CASE(knat_hash6_same_folds),
	KUNIT_CASE(knat_hash6_not_v4),
	{}
};

static struct kunit_suite knat_hash6_suite = {
	.name = "knat_hash6",
	.test_cases = knat_hash6_cases,
};

static struct kunit_case knat_flow6_cases[] = {
	KUNIT_CASE(knat_flow6_both_directions),
	KUNIT_CASE(knat_flow6_same_fold_misses),
	KUNIT_CASE(knat_flow6_same_fold_coexist),
	KUNIT_CASE(knat_flow6_vs_v4),
	KUNIT_CASE(knat_flow6_size),
	KUNIT_CASE(knat_flow6_alloc_fields),
	KUNIT_CASE(knat_flow6_count),
	KUNIT_CASE(knat_flow6_hinted),
	KUNIT_CASE(knat_flow6_resize),
	{}
};

static struct kunit_suite knat_flow6_suite = {
	.name = "knat_flow6",
	.init = knat_flow_test_init,
	.exit = knat_flow_test_exit,
	.test_cases = knat_flow6_cases,
};

kunit_test_suites(&knat_hash6_suite, &knat_flow6_suite);
