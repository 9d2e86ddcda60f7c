// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the Maglev table.  Included from maglev.c.
 *
 * Shares are held to within 1% of the backend's own weight share:
 * |slots_i / M - w_i / W| <= 0.01 * w_i / W.  Deviations are printed in
 * ppm of that share, fractions of M in units of 0.01%.
 */

#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/math64.h>

#define KNAT_MT_TABLES	4

struct knat_mt_fixture {
	struct knat_maglev *t[KNAT_MT_TABLES];
};

/* Test backend @i: 10.0.0.(1 + i) port 8080, keyed as ADDR << 16 | PORT. */
static u64 knat_mt_key(unsigned int i)
{
	return (u64)(0x0a000001 + i) << 16 | 8080;
}

/* Backends @first .. @first + @n - 1, all of weight @weight. */
static struct knat_maglev_backend *knat_mt_backends(struct kunit *test,
						    unsigned int first,
						    unsigned int n, u32 weight)
{
	struct knat_maglev_backend *be;
	unsigned int i;

	be = kunit_kcalloc(test, max(n, 1U), sizeof(*be), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, be);
	for (i = 0; i < n; i++)
		be[i] = (struct knat_maglev_backend) {
			.key = knat_mt_key(first + i), .weight = weight,
		};
	return be;
}

/* Build into table @slot of the fixture (freed by the exit hook). */
static struct knat_maglev *knat_mt_build(struct kunit *test, unsigned int slot,
					 const struct knat_maglev_backend *be,
					 unsigned int n, u32 m)
{
	struct knat_mt_fixture *fx = test->priv;

	KUNIT_ASSERT_LT(test, slot, (unsigned int)KNAT_MT_TABLES);
	knat_maglev_free(fx->t[slot]);
	fx->t[slot] = NULL;
	KUNIT_ASSERT_EQ(test, knat_maglev_build(&fx->t[slot], be, n, m), 0);
	KUNIT_ASSERT_NOT_NULL(test, fx->t[slot]);
	KUNIT_ASSERT_EQ(test, fx->t[slot]->m, m);
	KUNIT_ASSERT_EQ(test, fx->t[slot]->n, n);
	return fx->t[slot];
}

/* Slots per backend index; every slot must hold a valid index. */
static u32 *knat_mt_counts(struct kunit *test, const struct knat_maglev *t)
{
	u32 *cnt, i, bad = 0;

	cnt = kunit_kcalloc(test, max(t->n, 1U), sizeof(*cnt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cnt);
	for (i = 0; i < t->m; i++) {
		if (t->slots[i] >= t->n) {
			bad++;
			continue;
		}
		cnt[t->slots[i]]++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	return cnt;
}

/* Slots whose backend (by key) differs; the same count the hard way. */
static u32 knat_mt_diff(const struct knat_maglev *a,
			const struct knat_maglev *b)
{
	u32 i, moved = 0;

	for (i = 0; i < a->m; i++) {
		u32 x = a->slots[i], y = b->slots[i];

		if (x == KNAT_MAGLEV_NONE || y == KNAT_MAGLEV_NONE)
			moved += x != y;
		else
			moved += a->keys[x] != b->keys[y];
	}
	return moved;
}

/* Is @key among the backends of @t? */
static bool knat_mt_has(const struct knat_maglev *t, u64 key)
{
	u32 i;

	for (i = 0; i < t->n; i++)
		if (t->keys[i] == key)
			return true;
	return false;
}

/*
 * Slots that went from one backend present in both tables to another
 * backend present in both: churn that a change of other backends caused.
 */
static u32 knat_mt_between_common(const struct knat_maglev *a,
				  const struct knat_maglev *b)
{
	u32 i, moved = 0;

	for (i = 0; i < a->m; i++) {
		u64 ka = a->keys[a->slots[i]], kb = b->keys[b->slots[i]];

		if (ka != kb && knat_mt_has(b, ka) && knat_mt_has(a, kb))
			moved++;
	}
	return moved;
}

/* @x / @m in units of 0.01%. */
static u32 knat_mt_bp(u32 x, u32 m)
{
	return div_u64((u64)x * 10000 + m / 2, m);
}

/*
 * Every backend's share within 1% of its weight share; returns the worst
 * deviation in ppm of the share.
 */
static u32 knat_mt_check_shares(struct kunit *test,
				const struct knat_maglev *t,
				const struct knat_maglev_backend *be)
{
	u32 *cnt = knat_mt_counts(test, t);
	u64 wsum = 0, worst = 0;
	u32 i;

	for (i = 0; i < t->n; i++)
		wsum += be[i].weight;
	for (i = 0; i < t->n; i++) {
		u64 got = (u64)cnt[i] * wsum, want = (u64)t->m * be[i].weight;
		u64 dev = got > want ? got - want : want - got;

		if (!be[i].weight) {
			KUNIT_EXPECT_EQ(test, cnt[i], 0U);
			continue;
		}
		KUNIT_EXPECT_LE_MSG(test, dev * 100, want,
				    "backend %u weight %u: %u slots of %u",
				    i, be[i].weight, cnt[i], t->m);
		worst = max(worst, div64_u64(dev * 1000000, want));
	}
	return worst;
}

static void knat_maglev_m_check(struct kunit *test)
{
	static const u32 good[] = { 251, 257, 65537, 1000003 };
	static const u32 bad[] = {
		0, 1, 2, 3, 241, 249, 250, 252, 65535, 65536, 1000001,
		1000033, U32_MAX,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		KUNIT_EXPECT_TRUE_MSG(test, knat_maglev_m_valid(good[i]),
				      "M %u", good[i]);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_FALSE_MSG(test, knat_maglev_m_valid(bad[i]),
				       "M %u", bad[i]);
	KUNIT_EXPECT_TRUE(test, knat_maglev_m_valid(KNAT_MAGLEV_M_DEFAULT));
}

/* Every slot holds a backend; equal weights split M to within one slot. */
static void knat_maglev_fill(struct kunit *test)
{
	static const struct { u32 n, m; } cases[] = {
		{ 1, 251 }, { 3, 251 }, { 100, 251 }, { 251, 251 },
		{ 1, 65537 }, { 3, 65537 }, { 10, 65537 }, { 100, 65537 },
		{ 1000, 1000003 },
	};
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		u32 n = cases[c].n, m = cases[c].m, i, lo = U32_MAX, hi = 0;
		struct knat_maglev_backend *be;
		struct knat_maglev *t;
		u64 ns;
		u32 *cnt;

		be = knat_mt_backends(test, 0, n, 1);
		ns = ktime_get_ns();
		t = knat_mt_build(test, 0, be, n, m);
		ns = ktime_get_ns() - ns;
		cnt = knat_mt_counts(test, t);
		KUNIT_EXPECT_EQ(test, t->nlive, n);
		for (i = 0; i < n; i++) {
			lo = min(lo, cnt[i]);
			hi = max(hi, cnt[i]);
		}
		KUNIT_EXPECT_GE(test, lo, m / n);
		KUNIT_EXPECT_LE(test, hi, DIV_ROUND_UP(m, n));
		kunit_info(test, "n %u M %u: slots per backend %u..%u, build %llu us\n",
			   n, m, lo, hi, div_u64(ns, 1000));
	}
}

static void knat_maglev_lookup_slot(struct kunit *test)
{
	static const u32 hashes[] = { 0, 1, 65536, 65537, 0x9e3779b9, U32_MAX };
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 10, 1);
	struct knat_maglev *t = knat_mt_build(test, 0, be, 10, 65537);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hashes); i++) {
		u32 idx = knat_maglev_find(t, hashes[i]);

		KUNIT_EXPECT_EQ(test, idx, (u32)t->slots[hashes[i] % 65537]);
		KUNIT_ASSERT_LT(test, idx, 10U);
		KUNIT_EXPECT_EQ(test, knat_maglev_key(t, idx), be[idx].key);
	}
}

static void knat_maglev_equal_share(struct kunit *test)
{
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 10, 1);
	struct knat_maglev *t;
	u32 worst, *cnt, i, lo = U32_MAX, hi = 0;
	u64 ns;

	ns = ktime_get_ns();
	t = knat_mt_build(test, 0, be, 10, 65537);
	ns = ktime_get_ns() - ns;
	worst = knat_mt_check_shares(test, t, be);
	cnt = knat_mt_counts(test, t);
	for (i = 0; i < 10; i++) {
		lo = min(lo, cnt[i]);
		hi = max(hi, cnt[i]);
	}
	kunit_info(test, "n 10 M 65537 equal: slots %u..%u (ideal 6553.7), worst %u ppm of share, build %llu us\n",
		   lo, hi, worst, div_u64(ns, 1000));
	/* Generous against a loaded host: expected to take a few ms. */
	KUNIT_EXPECT_LT(test, ns, 100 * NSEC_PER_MSEC);
}

static void knat_maglev_weighted_share(struct kunit *test)
{
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 10, 1);
	struct knat_maglev *t;
	u32 worst, *cnt, i;

	/* 1, 2, 3, 4: shares 10%, 20%, 30%, 40%. */
	for (i = 0; i < 4; i++)
		be[i].weight = i + 1;
	t = knat_mt_build(test, 0, be, 4, 65537);
	worst = knat_mt_check_shares(test, t, be);
	cnt = knat_mt_counts(test, t);
	kunit_info(test, "weights 1,2,3,4: slots %u %u %u %u (ideal 6553.7 13107.4 19661.1 26214.8), worst %u ppm of share\n",
		   cnt[0], cnt[1], cnt[2], cnt[3], worst);

	/* 1 .. 10 over ten backends. */
	for (i = 0; i < 10; i++)
		be[i].weight = i + 1;
	t = knat_mt_build(test, 0, be, 10, 65537);
	worst = knat_mt_check_shares(test, t, be);
	kunit_info(test, "weights 1..10: worst %u ppm of share\n", worst);

	/*
	 * Weights far apart: 100 of 1005100 is 6.5 slots, where 1% is out of
	 * reach.  Every share is still within one slot per backend.
	 */
	be[0].weight = 100;
	be[1].weight = 5000;
	be[2].weight = 1000000;
	be[3].weight = 0;
	t = knat_mt_build(test, 0, be, 4, 65537);
	cnt = knat_mt_counts(test, t);
	KUNIT_EXPECT_EQ(test, cnt[3], 0U);
	for (i = 0; i < 3; i++) {
		u64 got = (u64)cnt[i] * 1005100;
		u64 want = (u64)t->m * be[i].weight;

		KUNIT_EXPECT_LT_MSG(test, got > want ? got - want : want - got,
				    3ULL * 1005100, "backend %u", i);
	}
	kunit_info(test, "weights 100,5000,1000000,0: slots %u %u %u %u (ideal 6.5 326.0 65204.4 0)\n",
		   cnt[0], cnt[1], cnt[2], cnt[3]);
}

/* Take each of 10 backends out in turn. */
static void knat_maglev_remove_one(struct kunit *test)
{
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 10, 1);
	struct knat_maglev_backend *rest = knat_mt_backends(test, 0, 9, 1);
	const u32 m = 65537;
	u32 gone, j, moved, own, common, worst = 0, worst_common = 0;
	u64 sum = 0;
	struct knat_maglev *a, *b;
	u32 *cnt;

	a = knat_mt_build(test, 0, be, 10, m);
	cnt = knat_mt_counts(test, a);
	for (gone = 0; gone < 10; gone++) {
		for (j = 0; j < 9; j++)
			rest[j] = be[j < gone ? j : j + 1];
		b = knat_mt_build(test, 1, rest, 9, m);

		moved = knat_maglev_moved(a, b);
		own = knat_mt_diff(a, b);
		common = knat_mt_between_common(a, b);
		KUNIT_EXPECT_EQ(test, moved, own);
		KUNIT_EXPECT_EQ(test, knat_maglev_moved(b, a), moved);
		/* All of the removed backend's slots moved, and few more. */
		KUNIT_EXPECT_EQ(test, moved - common, cnt[gone]);
		KUNIT_EXPECT_GE(test, (u64)moved * 100, (u64)m * 9);
		KUNIT_EXPECT_LE(test, (u64)moved * 100, (u64)m * 12);
		KUNIT_EXPECT_LE(test, (u64)common * 100, (u64)m);
		worst = max(worst, moved);
		worst_common = max(worst_common, common);
		sum += moved;
	}
	kunit_info(test, "remove 1 of 10, M %u: moved mean %u.%02u%% worst %u.%02u%%, between survivors worst %u slots (%u.%02u%%)\n",
		   m, knat_mt_bp(div_u64(sum, 10), m) / 100,
		   knat_mt_bp(div_u64(sum, 10), m) % 100,
		   knat_mt_bp(worst, m) / 100, knat_mt_bp(worst, m) % 100,
		   worst_common, knat_mt_bp(worst_common, m) / 100,
		   knat_mt_bp(worst_common, m) % 100);
}

static void knat_maglev_add_one(struct kunit *test)
{
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 10, 1);
	const u32 m = 65537;
	struct knat_maglev *a, *b;
	u32 moved, common, *cnt;

	a = knat_mt_build(test, 0, be, 9, m);
	b = knat_mt_build(test, 1, be, 10, m);
	cnt = knat_mt_counts(test, b);
	moved = knat_maglev_moved(a, b);
	common = knat_mt_between_common(a, b);
	KUNIT_EXPECT_EQ(test, moved, knat_mt_diff(a, b));
	KUNIT_EXPECT_EQ(test, moved - common, cnt[9]);
	KUNIT_EXPECT_GE(test, (u64)moved * 100, (u64)m * 8);
	KUNIT_EXPECT_LE(test, (u64)moved * 100, (u64)m * 12);
	kunit_info(test, "add 1 to 9, M %u: moved %u (%u.%02u%%), %u to the new backend, %u between the old\n",
		   m, moved, knat_mt_bp(moved, m) / 100,
		   knat_mt_bp(moved, m) % 100, cnt[9], common);
}

/* Same input, same table: neither the order nor the weights' scale count. */
static void knat_maglev_deterministic(struct kunit *test)
{
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 10, 1);
	struct knat_maglev_backend *rev = knat_mt_backends(test, 0, 10, 1);
	struct knat_maglev *a, *b;
	u32 i;

	for (i = 0; i < 10; i++)
		be[i].weight = 1 + i % 4;
	a = knat_mt_build(test, 0, be, 10, 65537);
	b = knat_mt_build(test, 1, be, 10, 65537);
	KUNIT_EXPECT_EQ(test, memcmp(a->slots, b->slots, 65537 * sizeof(u16)),
			0);
	KUNIT_EXPECT_EQ(test, knat_maglev_moved(a, b), 0U);

	/* Reversed, and rotated. */
	for (i = 0; i < 10; i++)
		rev[i] = be[9 - i];
	b = knat_mt_build(test, 1, rev, 10, 65537);
	KUNIT_EXPECT_EQ(test, knat_maglev_moved(a, b), 0U);
	KUNIT_EXPECT_EQ(test, knat_mt_diff(a, b), 0U);
	for (i = 0; i < 10; i++)
		rev[i] = be[(i + 3) % 10];
	b = knat_mt_build(test, 1, rev, 10, 65537);
	KUNIT_EXPECT_EQ(test, knat_mt_diff(a, b), 0U);

	/* Weights 1000 times larger. */
	for (i = 0; i < 10; i++)
		rev[i].weight = be[i].weight * 1000;
	for (i = 0; i < 10; i++)
		rev[i].key = be[i].key;
	b = knat_mt_build(test, 1, rev, 10, 65537);
	KUNIT_EXPECT_EQ(test, memcmp(a->slots, b->slots, 65537 * sizeof(u16)),
			0);
}

static void knat_maglev_zero_weight(struct kunit *test)
{
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 10, 1);
	struct knat_maglev_backend *rest = knat_mt_backends(test, 0, 9, 1);
	struct knat_maglev *a, *b;
	u32 *cnt, i;

	/* Weight 0 is the same as absent. */
	be[4].weight = 0;
	for (i = 0; i < 9; i++)
		rest[i] = be[i < 4 ? i : i + 1];
	a = knat_mt_build(test, 0, be, 10, 65537);
	b = knat_mt_build(test, 1, rest, 9, 65537);
	cnt = knat_mt_counts(test, a);
	KUNIT_EXPECT_EQ(test, cnt[4], 0U);
	KUNIT_EXPECT_EQ(test, a->nlive, 9U);
	KUNIT_EXPECT_EQ(test, knat_maglev_moved(a, b), 0U);
	KUNIT_EXPECT_EQ(test, knat_maglev_moved(a, NULL), 65537U);
	KUNIT_EXPECT_EQ(test, knat_maglev_moved(NULL, a), 65537U);
}

static void knat_maglev_empty(struct kunit *test)
{
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 3, 0);
	struct knat_maglev *t, *full;
	u32 i, none = 0;

	t = knat_mt_build(test, 0, be, 3, 251);
	KUNIT_EXPECT_EQ(test, t->nlive, 0U);
	for (i = 0; i < 251; i++)
		none += knat_maglev_find(t, i) == KNAT_MAGLEV_NONE;
	KUNIT_EXPECT_EQ(test, none, 251U);
	KUNIT_EXPECT_EQ(test, knat_maglev_find(t, U32_MAX),
			KNAT_MAGLEV_NONE);
	KUNIT_EXPECT_EQ(test, knat_maglev_moved(t, NULL), 0U);

	t = knat_mt_build(test, 0, NULL, 0, 65537);
	KUNIT_EXPECT_EQ(test, t->nlive, 0U);
	KUNIT_EXPECT_EQ(test, knat_maglev_find(t, 12345), KNAT_MAGLEV_NONE);
	KUNIT_EXPECT_EQ(test, knat_maglev_find(t, 65536), KNAT_MAGLEV_NONE);

	/* Every flow moves when the first backend comes up. */
	be[1].weight = 1;
	full = knat_mt_build(test, 1, be, 3, 65537);
	KUNIT_EXPECT_EQ(test, knat_maglev_moved(t, full), 65537U);
	KUNIT_EXPECT_EQ(test, knat_maglev_find(full, 12345), 1U);
	KUNIT_EXPECT_EQ(test, knat_maglev_moved(NULL, NULL), 0U);
}

static void knat_maglev_invalid(struct kunit *test)
{
	static const u32 bad_m[] = { 0, 1, 2, 241, 249, 250, 65536, 1000033 };
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 3, 1);
	struct knat_maglev_backend *many;
	struct knat_maglev *t = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_m); i++)
		KUNIT_EXPECT_EQ_MSG(test, knat_maglev_build(&t, be, 3, bad_m[i]),
				    -EINVAL, "M %u", bad_m[i]);
	KUNIT_EXPECT_NULL(test, t);

	/* Two backends of one key. */
	be[2].key = be[0].key;
	KUNIT_EXPECT_EQ(test, knat_maglev_build(&t, be, 3, 251), -EINVAL);
	be[2].weight = 0;
	KUNIT_EXPECT_EQ(test, knat_maglev_build(&t, be, 3, 251), -EINVAL);
	KUNIT_EXPECT_EQ(test, knat_maglev_build(&t, NULL, 3, 251), -EINVAL);
	KUNIT_EXPECT_NULL(test, t);

	/* More backends than a slot can name. */
	many = knat_mt_backends(test, 0, KNAT_MAGLEV_MAX_BACKENDS + 1, 1);
	KUNIT_EXPECT_EQ(test, knat_maglev_build(&t, many,
						KNAT_MAGLEV_MAX_BACKENDS + 1,
						65537), -EINVAL);
	KUNIT_EXPECT_NULL(test, t);
	t = knat_mt_build(test, 0, many, KNAT_MAGLEV_MAX_BACKENDS, 1000003);
	KUNIT_EXPECT_EQ(test, t->nlive, KNAT_MAGLEV_MAX_BACKENDS);
	knat_mt_counts(test, t);
}

/*
 * An IPv6 backend's key is a hash of all 64 bits (service.c), where an
 * IPv4 one's ADDR << 16 | PORT leaves the top 16 clear: keys that differ
 * only there are other backends with other preference lists, and such
 * tables split as evenly, whatever the order.
 */
static void knat_maglev_wide_keys(struct kunit *test)
{
	struct knat_maglev_backend *be = knat_mt_backends(test, 0, 8, 1);
	struct knat_maglev_backend *rev = knat_mt_backends(test, 0, 8, 1);
	const u32 m = 65537;
	struct knat_maglev *a, *b;
	u32 i, moved, *cnt;

	/* The same low 48 bits, eight different tops. */
	for (i = 0; i < 8; i++)
		be[i].key = (u64)(i + 1) << 48 | knat_mt_key(0);
	a = knat_mt_build(test, 0, be, 8, m);
	KUNIT_EXPECT_EQ(test, a->nlive, 8U);
	knat_mt_check_shares(test, a, be);
	for (i = 0; i < 8; i++)
		rev[i] = be[7 - i];
	b = knat_mt_build(test, 1, rev, 8, m);
	KUNIT_EXPECT_EQ(test, knat_mt_diff(a, b), 0U);

	/* Backend 0 keyed by its top bit alone: it moves, few others do. */
	rev[7].key = BIT_ULL(63) | knat_mt_key(0);
	b = knat_mt_build(test, 1, rev, 8, m);
	cnt = knat_mt_counts(test, a);
	moved = knat_maglev_moved(a, b);
	KUNIT_EXPECT_EQ(test, moved, knat_mt_diff(a, b));
	KUNIT_EXPECT_GE(test, moved, cnt[0]);
	KUNIT_EXPECT_LE(test, (u64)moved * 100, (u64)m * 30);
	knat_mt_check_shares(test, b, rev);

	/* Keys spread over all 64 bits, as hashes are. */
	for (i = 0; i < 8; i++)
		be[i].key = (i + 1) * 0x9e3779b97f4a7c15ULL;
	a = knat_mt_build(test, 0, be, 8, m);
	knat_mt_check_shares(test, a, be);
	for (i = 0; i < 8; i++)
		rev[i] = be[(i + 5) % 8];
	b = knat_mt_build(test, 1, rev, 8, m);
	KUNIT_EXPECT_EQ(test, knat_mt_diff(a, b), 0U);
}

static int knat_maglev_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct knat_mt_fixture),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void knat_maglev_test_exit(struct kunit *test)
{
	struct knat_mt_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < KNAT_MT_TABLES; i++)
		knat_maglev_free(fx->t[i]);
}

static struct kunit_case knat_maglev_cases[] = {
	KUNIT_CASE(knat_maglev_m_check),
	KUNIT_CASE(knat_maglev_fill),
	KUNIT_CASE(knat_maglev_lookup_slot),
	KUNIT_CASE(knat_maglev_equal_share),
	KUNIT_CASE(knat_maglev_weighted_share),
	KUNIT_CASE(knat_maglev_remove_one),
	KUNIT_CASE(knat_maglev_add_one),
	KUNIT_CASE(knat_maglev_deterministic),
	KUNIT_CASE(knat_maglev_zero_weight),
	KUNIT_CASE(knat_maglev_empty),
	KUNIT_CASE(knat_maglev_invalid),
	KUNIT_CASE(knat_maglev_wide_keys),
	{}
};

static struct kunit_suite knat_maglev_suite = {
	.name = "knat_maglev",
	.init = knat_maglev_test_init,
	.exit = knat_maglev_test_exit,
	.test_cases = knat_maglev_cases,
};

kunit_test_suite(knat_maglev_suite);
