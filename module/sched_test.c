// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the schedulers (rr, wrr, lc, wlc, sh) through their ops, as the
 * packet path and knat explain call them.  Included from sched.c; the
 * scheduler state and switching cases are in sched_state_test.c.
 *
 * Backends are named by their index: backend i is 10.0.0.(1 + i):8080,
 * and a sequence of picks is compared as a string of letters 'a' + i, so
 * a failure prints the whole sequence expected and the one seen.
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/rculist.h>

#define KNAT_ST_MAX	8
#define KNAT_ST_ADDR	0x0a000001

struct knat_st {
	struct knat_service svc;
	struct knat_backend *be[KNAT_ST_MAX];
	unsigned int n;
};

/* An empty service scheduled by @sched, without its state. */
static struct knat_st *knat_st_bare(struct kunit *test,
				    const struct knat_sched *sched)
{
	struct knat_st *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	INIT_LIST_HEAD(&st->svc.backends);
	st->svc.proto = IPPROTO_TCP;
	st->svc.addr.ip = htonl(0xc0000201);
	st->svc.port = htons(80);
	st->svc.maglev_size = 251;
	st->svc.sched = sched;
	return st;
}

/* At the test's end, whatever scheduler the service has then. */
static void knat_st_done(struct kunit_resource *res)
{
	knat_sched_done(res->data);
}

/* @st's scheduler state, as service.c makes it, freed at the test's end. */
static struct knat_st *knat_st_init(struct kunit *test, struct knat_st *st)
{
	const struct knat_sched *sched = st->svc.sched;

	if (sched->init)
		KUNIT_ASSERT_EQ(test, sched->init(&st->svc), 0);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, NULL,
							 knat_st_done,
							 GFP_KERNEL,
							 &st->svc));
	return st;
}

/* An empty service scheduled by @sched, as service.c makes one. */
static struct knat_st *knat_st_service(struct kunit *test,
				       const struct knat_sched *sched)
{
	return knat_st_init(test, knat_st_bare(test, sched));
}

/*
 * Append backend st->n, up and healthy, of @weight.  The one place a test
 * backend is made: fields added to struct knat_backend get set here.
 */
static struct knat_backend *knat_st_add(struct kunit *test, struct knat_st *st,
					u32 weight)
{
	struct knat_backend *be;

	KUNIT_ASSERT_LT(test, st->n, (unsigned int)KNAT_ST_MAX);
	be = kunit_kzalloc(test, sizeof(*be), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, be);
	be->svc = &st->svc;
	be->addr.ip = htonl(KNAT_ST_ADDR + st->n);
	be->port = htons(8080);
	be->key = (u64)(KNAT_ST_ADDR + st->n) << 16 | 8080;
	be->weight = weight;
	be->state = KNAT_BACKEND_UP;
	be->health = KNAT_HEALTH_OK;
	atomic_set(&be->nflows, 0);
	list_add_tail_rcu(&be->list, &st->svc.backends);
	st->svc.nbackends++;
	st->be[st->n++] = be;
	return be;
}

/* A service of @n backends with the given weights. */
static struct knat_st *knat_st_weighted(struct kunit *test,
					const struct knat_sched *sched,
					const u32 *weights, unsigned int n)
{
	struct knat_st *st = knat_st_service(test, sched);
	unsigned int i;

	for (i = 0; i < n; i++)
		knat_st_add(test, st, weights[i]);
	if (sched->update)
		KUNIT_ASSERT_EQ(test, sched->update(&st->svc), 0);
	return st;
}

/* A backend's letter, '-' for none, '?' for one not in the fixture. */
static char knat_st_name(const struct knat_st *st, const struct knat_backend *be)
{
	unsigned int i;

	if (!be)
		return '-';
	for (i = 0; i < st->n; i++)
		if (st->be[i] == be)
			return 'a' + i;
	return '?';
}

/* The pick for a flow of tuple @t (@a6: its IPv6 addresses, or NULL). */
static struct knat_backend *knat_st_pick6(struct knat_st *st,
					  const struct knat_tuple *t,
					  const struct in6_addr *a6, bool dry)
{
	struct knat_backend *be;

	/* The packet path holds RCU around ->schedule(). */
	rcu_read_lock();
	be = knat_sched_pick(&st->svc, t, a6, dry);
	rcu_read_unlock();
	return be;
}

static struct knat_backend *knat_st_pick(struct knat_st *st,
					 const struct knat_tuple *t, bool dry)
{
	return knat_st_pick6(st, t, NULL, dry);
}

/* @len picks as letters into @buf (NUL-terminated). */
static void knat_st_seq(struct knat_st *st, char *buf, unsigned int len)
{
	struct knat_tuple t = { .proto = IPPROTO_TCP };
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = knat_st_name(st, knat_st_pick(st, &t, false));
	buf[len] = '\0';
}

#define KNAT_ST_EXPECT_SEQ(test, st, want) do {				\
	char __seq[sizeof(want)];					\
									\
	knat_st_seq(st, __seq, sizeof(want) - 1);			\
	KUNIT_EXPECT_STREQ(test, __seq, want);				\
} while (0)

static void knat_sched_find_names(struct kunit *test)
{
	static const char *const names[] = {
		"rr", "wrr", "lc", "wlc", "sh", "maglev",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const struct knat_sched *s = knat_sched_find(names[i]);

		KUNIT_ASSERT_NOT_NULL_MSG(test, s, "scheduler %s", names[i]);
		KUNIT_EXPECT_STREQ(test, s->name, names[i]);
	}
	KUNIT_EXPECT_NULL(test, knat_sched_find("RR"));
	KUNIT_EXPECT_NULL(test, knat_sched_find("r"));
	KUNIT_EXPECT_NULL(test, knat_sched_find(""));
}

static void knat_sched_rr_sequence(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 1 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_rr, w, 3);

	KNAT_ST_EXPECT_SEQ(test, st, "abcabcabc");
}

/* rr ignores the weight's size, but weight 0 and down backends sit out. */
static void knat_sched_rr_skips(struct kunit *test)
{
	static const u32 w[] = { 5, 0, 1, 2 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_rr, w, 4);

	KNAT_ST_EXPECT_SEQ(test, st, "acdacd");
	st->be[2]->state = KNAT_BACKEND_DOWN;
	knat_sched_rr.update(&st->svc);
	KNAT_ST_EXPECT_SEQ(test, st, "adad");
	st->be[3]->health = KNAT_HEALTH_FAILED;
	knat_sched_rr.update(&st->svc);
	KNAT_ST_EXPECT_SEQ(test, st, "aaa");
	st->be[0]->state = KNAT_BACKEND_DRAINING;
	knat_sched_rr.update(&st->svc);
	KNAT_ST_EXPECT_SEQ(test, st, "---");
}

/* ->update() (a set change) restarts at the first backend. */
static void knat_sched_rr_update_restarts(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 1 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_rr, w, 3);

	KNAT_ST_EXPECT_SEQ(test, st, "ab");
	knat_st_add(test, st, 1);
	knat_sched_rr.update(&st->svc);
	KNAT_ST_EXPECT_SEQ(test, st, "abcdab");
}

/*
 * The last pick unlinked before ->update() clears the cursor: the next
 * pick still moves on to its successor (list_del_rcu keeps ->next).
 */
static void knat_sched_rr_cursor_unlinked(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 1 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_rr, w, 3);

	KNAT_ST_EXPECT_SEQ(test, st, "ab");
	list_del_rcu(&st->be[1]->list);
	st->svc.nbackends--;
	KNAT_ST_EXPECT_SEQ(test, st, "c");
	knat_sched_rr.update(&st->svc);
	KNAT_ST_EXPECT_SEQ(test, st, "acac");
}

/*
 * The smooth wrr sequences: each pick adds the weights to the credits and
 * the richest pays the total; ties go to the earlier backend.
 */
static void knat_sched_wrr_sequence(struct kunit *test)
{
	static const u32 w511[] = { 5, 1, 1 };
	static const u32 w21[] = { 2, 1 };
	static const u32 w432[] = { 4, 3, 2 };
	static const u32 w111[] = { 1, 1, 1 };
	struct knat_st *st;

	st = knat_st_weighted(test, &knat_sched_wrr, w511, 3);
	KNAT_ST_EXPECT_SEQ(test, st, "aabacaaaabacaa");
	st = knat_st_weighted(test, &knat_sched_wrr, w21, 2);
	KNAT_ST_EXPECT_SEQ(test, st, "abaaba");
	st = knat_st_weighted(test, &knat_sched_wrr, w432, 3);
	KNAT_ST_EXPECT_SEQ(test, st, "abcabacbaabcabacba");
	st = knat_st_weighted(test, &knat_sched_wrr, w111, 3);
	KNAT_ST_EXPECT_SEQ(test, st, "abcabc");
}

/* Over a whole period every backend gets exactly its weight. */
static void knat_sched_wrr_shares(struct kunit *test)
{
	static const u32 w[] = { 7, 3, 1, 4, 5 };
	struct knat_tuple t = { .proto = IPPROTO_TCP };
	unsigned int count[ARRAY_SIZE(w)] = {}, i, run = 0, maxrun = 0;
	struct knat_st *st = knat_st_weighted(test, &knat_sched_wrr, w, 5);
	struct knat_backend *prev = NULL;
	char seq[3 * 20];

	for (i = 0; i < 3 * 20; i++) {
		struct knat_backend *be = knat_st_pick(st, &t, false);
		char c = knat_st_name(st, be);

		seq[i] = c;

		KUNIT_ASSERT_TRUE_MSG(test, c >= 'a' && c < 'a' + 5,
				      "pick %u: %c", i, c);
		count[c - 'a']++;
		run = be == prev ? run + 1 : 1;
		maxrun = max(maxrun, run);
		prev = be;
	}
	for (i = 0; i < ARRAY_SIZE(w); i++)
		KUNIT_EXPECT_EQ_MSG(test, count[i], 3 * w[i], "backend %c",
				    'a' + i);
	/* Smooth: the heaviest (7 of 20) never gets more than 2 in a row. */
	KUNIT_EXPECT_LE(test, maxrun, 2U);
	/* And the credits are back where they started: periods repeat. */
	for (i = 0; i < 3 * 20; i++)
		KUNIT_EXPECT_EQ_MSG(test, seq[i], seq[i % 20], "pick %u", i);
}

static void knat_sched_wrr_skips(struct kunit *test)
{
	static const u32 w[] = { 2, 3, 0, 1 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_wrr, w, 4);

	/* Weight 0 (c) never comes up: b a b d a b for 3, 2, 1. */
	KNAT_ST_EXPECT_SEQ(test, st, "babdab");
	st->be[1]->state = KNAT_BACKEND_DOWN;
	knat_sched_wrr.update(&st->svc);
	KNAT_ST_EXPECT_SEQ(test, st, "adaada");
	st->be[0]->health = KNAT_HEALTH_PROBING;
	st->be[3]->state = KNAT_BACKEND_DRAINING;
	knat_sched_wrr.update(&st->svc);
	KNAT_ST_EXPECT_SEQ(test, st, "--");
}

/* A weight change with ->update() starts a fresh period. */
static void knat_sched_wrr_reweight(struct kunit *test)
{
	static const u32 w[] = { 1, 1 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_wrr, w, 2);

	KNAT_ST_EXPECT_SEQ(test, st, "a");
	st->be[1]->weight = 3;
	knat_sched_wrr.update(&st->svc);
	KNAT_ST_EXPECT_SEQ(test, st, "babbbabb");
}

/*
 * ->peek() names what ->schedule() returns next, however often it is
 * asked, and moves nothing: the sequence with peeks in between is the
 * sequence without them.
 */
static void knat_sched_peek_check(struct kunit *test,
				  const struct knat_sched *sched,
				  const u32 *w, unsigned int n, const char *want)
{
	struct knat_st *st = knat_st_weighted(test, sched, w, n);
	struct knat_tuple t = { .proto = IPPROTO_TCP };
	char seq[32];
	unsigned int i, len = strlen(want);

	KUNIT_ASSERT_NOT_NULL(test, sched->peek);
	KUNIT_ASSERT_LT(test, len, (unsigned int)sizeof(seq));
	for (i = 0; i < len; i++) {
		struct knat_backend *p1 = knat_st_pick(st, &t, true);
		struct knat_backend *p2 = knat_st_pick(st, &t, true);
		struct knat_backend *be = knat_st_pick(st, &t, false);

		KUNIT_EXPECT_EQ_MSG(test, knat_st_name(st, p1),
				    knat_st_name(st, be), "%s pick %u",
				    sched->name, i);
		KUNIT_EXPECT_EQ_MSG(test, knat_st_name(st, p2),
				    knat_st_name(st, be), "%s pick %u",
				    sched->name, i);
		seq[i] = knat_st_name(st, be);
	}
	seq[len] = '\0';
	KUNIT_EXPECT_STREQ_MSG(test, seq, want, "%s", sched->name);
}

static void knat_sched_rr_peek(struct kunit *test)
{
	static const u32 w[] = { 1, 0, 1, 1 };

	knat_sched_peek_check(test, &knat_sched_rr, w, 4, "acdacdacd");
}

static void knat_sched_wrr_peek(struct kunit *test)
{
	static const u32 w[] = { 5, 1, 1 };

	knat_sched_peek_check(test, &knat_sched_wrr, w, 3, "aabacaaaabacaa");
}

/* No backend at all: NULL from both, and peek on an empty ring too. */
static void knat_sched_empty(struct kunit *test)
{
	static const struct knat_sched *const scheds[] = {
		&knat_sched_rr, &knat_sched_wrr, &knat_sched_lc,
		&knat_sched_wlc, &knat_sched_sh,
	};
	struct knat_tuple t = { .src = htonl(0xc6336401), .proto = IPPROTO_TCP };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(scheds); i++) {
		struct knat_st *st = knat_st_service(test, scheds[i]);

		KUNIT_EXPECT_NULL_MSG(test, knat_st_pick(st, &t, false), "%s",
				      scheds[i]->name);
		KUNIT_EXPECT_NULL_MSG(test, knat_st_pick(st, &t, true), "%s",
				      scheds[i]->name);
	}
}

/* @nflows per backend, then the letter lc/wlc picks. */
static char knat_st_least(struct knat_st *st, const int *nflows)
{
	struct knat_tuple t = { .proto = IPPROTO_TCP };
	unsigned int i;

	for (i = 0; i < st->n; i++)
		atomic_set(&st->be[i]->nflows, nflows[i]);
	return knat_st_name(st, knat_st_pick(st, &t, false));
}

#define KNAT_ST_LEAST(st, ...) knat_st_least(st, (const int[]){ __VA_ARGS__ })

static void knat_sched_lc_least(struct kunit *test)
{
	static const u32 w[] = { 1, 9, 1, 1 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_lc, w, 4);

	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 3, 2, 5, 4), 'b');
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 3, 2, 5, 0), 'd');
	/* Ties: the first in the list. */
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 1, 1, 1, 1), 'a');
	/* Picking does not count: that is the flow table's job. */
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 1, 1, 1, 1), 'a');
	/* lc ignores the weight's size: b (weight 9) with more loses. */
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 7, 8, 9, 9), 'a');
	/* Ineligible ones are skipped even when idle. */
	st->be[0]->weight = 0;
	st->be[1]->state = KNAT_BACKEND_DOWN;
	st->be[2]->health = KNAT_HEALTH_FAILED;
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 0, 0, 0, 100), 'd');
	st->be[3]->state = KNAT_BACKEND_DRAINING;
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 0, 0, 0, 0), '-');
}

/* wlc: the fewest flows per unit of weight (n_i / w_i smallest). */
static void knat_sched_wlc_least(struct kunit *test)
{
	static const u32 w[] = { 5, 1, 4 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_wlc, w, 3);

	/* 10/5 = 2, 3/1 = 3, 4/4 = 1 */
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 10, 3, 4), 'c');
	/* 10/5 = 2, 1/1 = 1, 9/4 = 2.25 */
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 10, 1, 9), 'b');
	/* All idle: the first; equal ratios 5/5 = 1/1 = 4/4: the first. */
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 0, 0, 0), 'a');
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 5, 1, 4), 'a');
	/* Big counts and weights: the cross products need 64 bits. */
	st->be[0]->weight = 1000000;
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 1 << 30, 1100, 4400), 'a');
	/* Skipped: down, failed, weight 0. */
	st->be[0]->state = KNAT_BACKEND_DOWN;
	st->be[2]->weight = 0;
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 0, 50, 0), 'b');
	st->be[1]->health = KNAT_HEALTH_FAILED;
	KUNIT_EXPECT_EQ(test, KNAT_ST_LEAST(st, 0, 0, 0), '-');
}

static struct knat_tuple knat_st_client(u32 src, u16 sport, u32 dst)
{
	return (struct knat_tuple) {
		.src = htonl(src), .dst = htonl(dst), .sport = htons(sport),
		.dport = htons(80), .proto = IPPROTO_TCP,
	};
}

/* sh: one client, one backend, whatever its ports or the VIP. */
static void knat_sched_sh_stable(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 1, 1 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_sh, w, 4);
	struct knat_backend *be;
	unsigned int c, p;

	for (c = 0; c < 64; c++) {
		struct knat_tuple t0 = knat_st_client(0xc6336400 + c, 1024,
						      0xc0000201);
		char first = knat_st_name(st, knat_st_pick(st, &t0, false));

		KUNIT_ASSERT_NE(test, first, '-');
		for (p = 1; p < 8; p++) {
			struct knat_tuple t = knat_st_client(0xc6336400 + c,
							     1024 + 1111 * p,
							     0xc0000201 + p);

			be = knat_st_pick(st, &t, false);
			KUNIT_EXPECT_EQ_MSG(test, knat_st_name(st, be), first,
					    "client %u port %u", c, p);
		}
	}
}

/*
 * sh spreads clients by weight: 4000 clients over weights 1, 1, 2, 4 land
 * within 15% of each backend's share (binomial sigma is under 3%).
 */
static void knat_sched_sh_spread(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 2, 4 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_sh, w, 4);
	unsigned int count[4] = {}, i, total = 4000;

	for (i = 0; i < total; i++) {
		struct knat_tuple t = knat_st_client(0x0a800000 + i * 7, 5000,
						     0xc0000201);
		char c = knat_st_name(st, knat_st_pick(st, &t, false));

		KUNIT_ASSERT_TRUE_MSG(test, c >= 'a' && c <= 'd',
				      "client %u: %c", i, c);
		count[c - 'a']++;
	}
	for (i = 0; i < 4; i++) {
		unsigned int share = total * w[i] / 8;

		KUNIT_EXPECT_LE_MSG(test, count[i], share + share * 15 / 100,
				    "backend %c", 'a' + i);
		KUNIT_EXPECT_GE_MSG(test, count[i], share - share * 15 / 100,
				    "backend %c", 'a' + i);
	}
}

/*
 * sh skips ineligible backends: clients of the others stay where they
 * were only when the skipped one is last (the hash space is cut in list
 * order); nobody lands on the skipped one; none at all gives NULL.
 */
static void knat_sched_sh_skips(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 1, 0 };
	struct knat_st *st = knat_st_weighted(test, &knat_sched_sh, w, 4);
	char before[200];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(before); i++) {
		struct knat_tuple t = knat_st_client(0xac100000 + i, 4000,
						     0xc0000201);

		before[i] = knat_st_name(st, knat_st_pick(st, &t, false));
		KUNIT_EXPECT_TRUE_MSG(test, before[i] >= 'a' && before[i] <= 'c',
				      "client %u: %c (d has weight 0)", i,
				      before[i]);
	}
	/* d up at weight 1, then down: everyone is back where they were. */
	st->be[3]->weight = 1;
	st->be[3]->state = KNAT_BACKEND_DOWN;
	for (i = 0; i < ARRAY_SIZE(before); i++) {
		struct knat_tuple t = knat_st_client(0xac100000 + i, 4000,
						     0xc0000201);

		char c = knat_st_name(st, knat_st_pick(st, &t, false));

		KUNIT_EXPECT_EQ_MSG(test, c, before[i], "client %u", i);
	}
	st->be[0]->health = KNAT_HEALTH_FAILED;
	for (i = 0; i < ARRAY_SIZE(before); i++) {
		struct knat_tuple t = knat_st_client(0xac100000 + i, 4000,
						     0xc0000201);
		char c = knat_st_name(st, knat_st_pick(st, &t, false));

		KUNIT_EXPECT_TRUE_MSG(test, c == 'b' || c == 'c',
				      "client %u: %c", i, c);
	}
	st->be[1]->weight = 0;
	st->be[2]->state = KNAT_BACKEND_DRAINING;
	for (i = 0; i < 8; i++) {
		struct knat_tuple t = knat_st_client(0xac100000 + i, 4000,
						     0xc0000201);

		KUNIT_EXPECT_NULL(test, knat_st_pick(st, &t, false));
	}
}

/* The flow hash: client_only ignores ports and the VIP, not the client. */
static void knat_sched_hash_inputs(struct kunit *test)
{
	struct knat_tuple a = knat_st_client(0xc6336401, 1000, 0xc0000201);
	struct knat_tuple b = knat_st_client(0xc6336401, 2000, 0xc0000202);
	struct knat_tuple c = knat_st_client(0xc6336402, 1000, 0xc0000201);

	KUNIT_EXPECT_EQ(test, knat_sched_hash(&a, NULL, true),
			knat_sched_hash(&b, NULL, true));
	KUNIT_EXPECT_NE(test, knat_sched_hash(&a, NULL, true),
			knat_sched_hash(&c, NULL, true));
	KUNIT_EXPECT_NE(test, knat_sched_hash(&a, NULL, false),
			knat_sched_hash(&b, NULL, false));
	/* The direction byte is not part of a flow's identity. */
	b = a;
	b.dir = KNAT_DIR_REPLY;
	KUNIT_EXPECT_EQ(test, knat_sched_hash(&a, NULL, false),
			knat_sched_hash(&b, NULL, false));
}

/*
 * IPv6: the VIP is 2001:db8:5::1, backend i 2001:db8:b::(1 + i):8080 and
 * client i 2001:db8:c::(1 + i).
 */
#define KNAT_ST_NET6	0x20010db8

static struct in6_addr knat_st_in6(u32 w0, u32 w1, u32 w2, u32 w3)
{
	struct in6_addr a;

	a.s6_addr32[0] = htonl(w0);
	a.s6_addr32[1] = htonl(w1);
	a.s6_addr32[2] = htonl(w2);
	a.s6_addr32[3] = htonl(w3);
	return a;
}

static struct in6_addr knat_st_client_addr6(unsigned int i)
{
	return knat_st_in6(KNAT_ST_NET6, 0x000c0000, 0, 1 + i);
}

/* Another address of @a's fold: two of its words flipped alike by @m. */
static struct in6_addr knat_st_same_fold(const struct in6_addr *a, u32 m)
{
	struct in6_addr b = *a;

	b.s6_addr32[1] ^= htonl(m);
	b.s6_addr32[2] ^= htonl(m);
	return b;
}

/* An IPv6 service of @n backends with the given weights. */
static struct knat_st *knat_st_weighted6(struct kunit *test,
					 const struct knat_sched *sched,
					 const u32 *weights, unsigned int n)
{
	struct knat_st *st = knat_st_bare(test, sched);
	unsigned int i;

	st->svc.v6 = 1;
	st->svc.addr.in6 = knat_st_in6(KNAT_ST_NET6, 0x00050000, 0, 1);
	knat_st_init(test, st);
	for (i = 0; i < n; i++) {
		struct knat_backend *be = knat_st_add(test, st, weights[i]);

		be->addr.in6 = knat_st_in6(KNAT_ST_NET6, 0x000b0000, 0, 1 + i);
		/* A key of all 64 bits, as service.c hashes an IPv6 one. */
		be->key = siphash(&be->addr, sizeof(be->addr), &knat_sched_key);
	}
	if (sched->update)
		KUNIT_ASSERT_EQ(test, sched->update(&st->svc), 0);
	return st;
}

/*
 * A new flow of @client from port @sport to the VIP of @st: its addresses
 * into @a6, its tuple folded as pkt6.c folds it.
 */
static struct knat_tuple knat_st_client6(const struct knat_st *st,
					 struct in6_addr *a6,
					 const struct in6_addr *client,
					 u16 sport)
{
	struct knat_tuple t = {
		.sport = htons(sport), .dport = st->svc.port,
		.proto = IPPROTO_TCP,
	};

	a6[0] = *client;
	a6[1] = st->svc.addr.in6;
	knat_tuple_fold6(&t, a6);
	return t;
}

/*
 * The IPv6 flow hash covers the whole addresses: each of the client's 128
 * bits, not only its fold; client_only still ignores the VIP and ports;
 * and ::a.b.c.d is not hashed as a.b.c.d.
 */
static void knat_sched_hash_v6(struct kunit *test)
{
	struct in6_addr a6[2], b6[2];
	struct knat_tuple t, u, v4;
	u32 base, full, h;
	unsigned int bit;

	a6[0] = knat_st_in6(KNAT_ST_NET6, 0x000c0001, 0x12345678, 0x9abcdef0);
	a6[1] = knat_st_in6(KNAT_ST_NET6, 0x00050000, 0, 1);
	t = (struct knat_tuple) {
		.sport = htons(40000), .dport = htons(80),
		.proto = IPPROTO_TCP,
	};
	knat_tuple_fold6(&t, a6);
	base = knat_sched_hash(&t, a6, true);
	full = knat_sched_hash(&t, a6, false);

	/* The same input, wherever it lies: the same hash. */
	memcpy(b6, a6, sizeof(b6));
	u = t;
	KUNIT_EXPECT_EQ(test, knat_sched_hash(&u, b6, true), base);
	KUNIT_EXPECT_EQ(test, knat_sched_hash(&u, b6, false), full);
	KUNIT_EXPECT_NE(test, base, full);
	/* Nor does the direction byte count. */
	u.dir = KNAT_DIR_REPLY;
	KUNIT_EXPECT_EQ(test, knat_sched_hash(&u, b6, false), full);

	for (bit = 0; bit < 128; bit++) {
		memcpy(b6, a6, sizeof(b6));
		b6[0].s6_addr[bit / 8] ^= 0x80 >> (bit % 8);
		u = t;
		knat_tuple_fold6(&u, b6);
		h = knat_sched_hash(&u, b6, true);
		KUNIT_EXPECT_NE_MSG(test, h, base, "client bit %u", bit);
	}

	/* Another client of the same fold: the same tuple, not the hash. */
	b6[0] = knat_st_same_fold(&a6[0], 0x00ff0000);
	b6[1] = a6[1];
	u = t;
	knat_tuple_fold6(&u, b6);
	KUNIT_ASSERT_EQ(test, u.src, t.src);
	KUNIT_ASSERT_EQ(test, memcmp(&u, &t, sizeof(u)), 0);
	KUNIT_EXPECT_NE(test, knat_sched_hash(&u, b6, true), base);
	KUNIT_EXPECT_NE(test, knat_sched_hash(&u, b6, false), full);
	/* A VIP of the same fold: the flow's hash sees it too. */
	b6[0] = a6[0];
	b6[1] = knat_st_same_fold(&a6[1], 0x00000100);
	KUNIT_EXPECT_EQ(test, knat_sched_hash(&t, b6, true), base);
	KUNIT_EXPECT_NE(test, knat_sched_hash(&t, b6, false), full);

	/* client_only: another VIP, other ports, another protocol. */
	b6[1] = knat_st_in6(KNAT_ST_NET6, 0x00050000, 0, 2);
	u = t;
	u.sport = htons(1234);
	u.dport = htons(443);
	u.proto = IPPROTO_UDP;
	knat_tuple_fold6(&u, b6);
	KUNIT_EXPECT_EQ(test, knat_sched_hash(&u, b6, true), base);
	KUNIT_EXPECT_NE(test, knat_sched_hash(&u, b6, false), full);
	u = t;
	u.sport = htons(40001);
	KUNIT_EXPECT_EQ(test, knat_sched_hash(&u, a6, true), base);
	KUNIT_EXPECT_NE(test, knat_sched_hash(&u, a6, false), full);
	u = t;
	u.dport = htons(81);
	KUNIT_EXPECT_EQ(test, knat_sched_hash(&u, a6, true), base);
	KUNIT_EXPECT_NE(test, knat_sched_hash(&u, a6, false), full);

	/*
	 * ::198.51.100.1 to ::192.0.2.1 folds to the IPv4 tuple of
	 * 198.51.100.1 to 192.0.2.1, and 198.51.100.1 laid out as a service
	 * keeps it (c633:6401::) too: neither gets the IPv4 hash.
	 */
	v4 = knat_st_client(0xc6336401, 1000, 0xc0000201);
	b6[0] = knat_st_in6(0, 0, 0, 0xc6336401);
	b6[1] = knat_st_in6(0, 0, 0, 0xc0000201);
	u = v4;
	knat_tuple_fold6(&u, b6);
	KUNIT_ASSERT_EQ(test, memcmp(&u, &v4, sizeof(u)), 0);
	KUNIT_EXPECT_NE(test, knat_sched_hash(&u, b6, true),
			knat_sched_hash(&v4, NULL, true));
	KUNIT_EXPECT_NE(test, knat_sched_hash(&u, b6, false),
			knat_sched_hash(&v4, NULL, false));
	b6[0] = knat_st_in6(0xc6336401, 0, 0, 0);
	b6[1] = knat_st_in6(0xc0000201, 0, 0, 0);
	u = v4;
	knat_tuple_fold6(&u, b6);
	KUNIT_ASSERT_EQ(test, memcmp(&u, &v4, sizeof(u)), 0);
	KUNIT_EXPECT_NE(test, knat_sched_hash(&u, b6, true),
			knat_sched_hash(&v4, NULL, true));
	KUNIT_EXPECT_NE(test, knat_sched_hash(&u, b6, false),
			knat_sched_hash(&v4, NULL, false));
}

/* The IPv6 schedulers that hash the client: each case below runs on both. */
static const struct knat_sched *const knat_st_hashing[] = {
	&knat_sched_sh, &knat_sched_maglev,
};

static void knat_st_hashing_desc(const struct knat_sched *const *sched,
				 char *desc)
{
	strscpy(desc, (*sched)->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(knat_st_hashing, knat_st_hashing, knat_st_hashing_desc);

static const struct knat_sched *knat_st_param(struct kunit *test)
{
	return *(const struct knat_sched *const *)test->param_value;
}

/* The backend (a to d) @client gets from @port; the case ends on none. */
static char knat_st_v6_pick(struct kunit *test, struct knat_st *st,
			    const struct in6_addr *client, u16 port)
{
	struct in6_addr a6[2];
	struct knat_tuple t = knat_st_client6(st, a6, client, port);
	char c = knat_st_name(st, knat_st_pick6(st, &t, a6, false));

	KUNIT_ASSERT_TRUE_MSG(test, c >= 'a' && c <= 'd', "%pI6c port %u: %c",
			      client, port, c);
	return c;
}

/* One IPv6 client, one backend, whatever its source port. */
static void knat_sched_v6_stable(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 1, 1 };
	const struct knat_sched *sched = knat_st_param(test);
	struct knat_st *st = knat_st_weighted6(test, sched, w, 4);
	unsigned int c, p, used = 0;

	for (c = 0; c < 64; c++) {
		struct in6_addr client = knat_st_client_addr6(c);
		char first = knat_st_v6_pick(test, st, &client, 1024);

		used |= BIT(first - 'a');
		for (p = 1; p < 8; p++) {
			char other = knat_st_v6_pick(test, st, &client,
						     1024 + 1111 * p);

			KUNIT_EXPECT_EQ_MSG(test, other, first,
					    "client %u port %u", c, p);
		}
	}
	/* And not by sending everyone to one backend. */
	KUNIT_EXPECT_EQ(test, used, 0xfU);
}

/*
 * 1000 IPv6 clients over 4 equal backends: each takes 15% to 35% (the
 * binomial sigma is under 1.4%, maglev's table of 251 slots splits to
 * 0.4%).
 */
static void knat_sched_v6_spread(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 1, 1 };
	const struct knat_sched *sched = knat_st_param(test);
	struct knat_st *st = knat_st_weighted6(test, sched, w, 4);
	unsigned int count[4] = {}, i, total = 1000;

	for (i = 0; i < total; i++) {
		struct in6_addr client = knat_st_client_addr6(i);

		count[knat_st_v6_pick(test, st, &client, 5000) - 'a']++;
	}
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_GE_MSG(test, count[i], total * 15 / 100,
				    "backend %c", 'a' + i);
		KUNIT_EXPECT_LE_MSG(test, count[i], total * 35 / 100,
				    "backend %c", 'a' + i);
	}
	kunit_info(test, "%s: 1000 IPv6 clients as %u %u %u %u\n",
		   sched->name, count[0], count[1], count[2], count[3]);
}

/*
 * Clients of one fold are told apart: of 200 pairs, far more than none
 * land apart (3 in 4 would by chance over 4 backends).
 */
static void knat_sched_v6_same_fold(struct kunit *test)
{
	static const u32 w[] = { 1, 1, 1, 1 };
	const struct knat_sched *sched = knat_st_param(test);
	struct knat_st *st = knat_st_weighted6(test, sched, w, 4);
	unsigned int i, apart = 0, pairs = 200;

	for (i = 0; i < pairs; i++) {
		struct in6_addr a = knat_st_client_addr6(i), a6[2], b6[2];
		struct in6_addr b = knat_st_same_fold(&a, 0x10001 * (i + 1));
		struct knat_tuple ta = knat_st_client6(st, a6, &a, 5000);
		struct knat_tuple tb = knat_st_client6(st, b6, &b, 5000);

		/* One fold: only the whole address tells them apart. */
		KUNIT_ASSERT_EQ(test, knat_addr6_fold(&a), knat_addr6_fold(&b));
		KUNIT_ASSERT_EQ(test, memcmp(&ta, &tb, sizeof(ta)), 0);
		apart += knat_st_v6_pick(test, st, &a, 5000) !=
			 knat_st_v6_pick(test, st, &b, 5000);
	}
	KUNIT_EXPECT_GE(test, apart, pairs / 2);
	kunit_info(test, "%s: %u of %u same-fold pairs apart\n", sched->name,
		   apart, pairs);
}

static struct kunit_case knat_sched_cases[] = {
	KUNIT_CASE(knat_sched_find_names),
	KUNIT_CASE(knat_sched_rr_sequence),
	KUNIT_CASE(knat_sched_rr_skips),
	KUNIT_CASE(knat_sched_rr_update_restarts),
	KUNIT_CASE(knat_sched_rr_cursor_unlinked),
	KUNIT_CASE(knat_sched_rr_peek),
	KUNIT_CASE(knat_sched_wrr_sequence),
	KUNIT_CASE(knat_sched_wrr_shares),
	KUNIT_CASE(knat_sched_wrr_skips),
	KUNIT_CASE(knat_sched_wrr_reweight),
	KUNIT_CASE(knat_sched_wrr_peek),
	KUNIT_CASE(knat_sched_empty),
	KUNIT_CASE(knat_sched_lc_least),
	KUNIT_CASE(knat_sched_wlc_least),
	KUNIT_CASE(knat_sched_sh_stable),
	KUNIT_CASE(knat_sched_sh_spread),
	KUNIT_CASE(knat_sched_sh_skips),
	KUNIT_CASE(knat_sched_hash_inputs),
	KUNIT_CASE(knat_sched_hash_v6),
	KUNIT_CASE_PARAM(knat_sched_v6_stable, knat_st_hashing_gen_params),
	KUNIT_CASE_PARAM(knat_sched_v6_spread, knat_st_hashing_gen_params),
	KUNIT_CASE_PARAM(knat_sched_v6_same_fold, knat_st_hashing_gen_params),
	{}
};

static struct kunit_suite knat_sched_suite = {
	.name = "knat_sched",
	.test_cases = knat_sched_cases,
};

kunit_test_suite(knat_sched_suite);
