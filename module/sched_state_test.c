// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: scheduler state in the service (svc->sched_data), made by
 * ->init_service and freed by ->done, and switching between schedulers
 * (maglev too) as knat_service_set() does.  Included from sched.c after
 * sched_test.c, whose knat_st fixture it uses.
 */

/*
 * A scheduler with no state of its own in the service (none made yet, or
 * another's during a switch) names no backend and touches nothing.
 */
static void knat_sched_no_state(struct kunit *test)
{
	static const struct knat_sched *const scheds[] = {
		&knat_sched_rr, &knat_sched_wrr, &knat_sched_maglev,
	};
	struct knat_tuple t = { .src = htonl(0xc6336401), .proto = IPPROTO_TCP };
	static const u32 w[] = { 1, 1, 1 };
	struct knat_st *st;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(scheds); i++) {
		st = knat_st_bare(test, scheds[i]);
		for (j = 0; j < ARRAY_SIZE(w); j++)
			knat_st_add(test, st, w[j]);
		KUNIT_EXPECT_NULL_MSG(test, knat_st_pick(st, &t, false), "%s",
				      scheds[i]->name);
		KUNIT_EXPECT_NULL_MSG(test, knat_st_pick(st, &t, true), "%s",
				      scheds[i]->name);
		/* rr's ->update() has no cursor to reset, and makes none. */
		if (scheds[i] == &knat_sched_rr) {
			KUNIT_EXPECT_EQ(test, knat_sched_rr.update(&st->svc), 0);
			KUNIT_EXPECT_NULL(test, knat_st_pick(st, &t, false));
		}
	}

	/* Each with the next one's state, as between a switch's stores. */
	for (i = 0; i < ARRAY_SIZE(scheds); i++) {
		const struct knat_sched *other =
			scheds[(i + 1) % ARRAY_SIZE(scheds)];

		st = knat_st_weighted(test, other, w, ARRAY_SIZE(w));
		KUNIT_EXPECT_NE(test, knat_st_name(st, knat_st_pick(st, &t,
								    false)),
				'-');
		st->svc.sched = scheds[i];
		KUNIT_EXPECT_NULL_MSG(test, knat_st_pick(st, &t, false),
				      "%s with %s's state", scheds[i]->name,
				      other->name);
		KUNIT_EXPECT_NULL_MSG(test, knat_st_pick(st, &t, true),
				      "%s with %s's state", scheds[i]->name,
				      other->name);
		st->svc.sched = other;	/* whose state goes at the end */
	}
}

/* @n picks of clients 198.51.100.(1 + i), all of them backends. */
static void knat_st_expect_valid(struct kunit *test, struct knat_st *st,
				 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct knat_tuple t = knat_st_client(0xc6336401 + i, 1024 + i,
						     0xc0000201);
		char c = knat_st_name(st, knat_st_pick(st, &t, false));

		KUNIT_EXPECT_TRUE_MSG(test, c >= 'a' && c < 'a' + st->n,
				      "%s pick %u: %c", st->svc.sched->name,
				      i, c);
	}
}

/*
 * knat_service_set() switching scheduler: the new one's state is made
 * before the old one's goes, and every pick after the switch is a
 * backend.  A switch whose ->init() fails leaves the old one working.
 */
static void knat_sched_switch(struct kunit *test)
{
	static const char *const names[] = {
		"wrr", "maglev", "rr", "lc", "wrr", "sh", "maglev", "rr",
	};
	static const u32 w[] = { 1, 2, 1 };
	struct knat_net *kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);
	struct knat_tuple t = { .proto = IPPROTO_TCP };
	struct knat_backend *prev;
	struct knat_st *st;
	unsigned int i;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, kn);
	mutex_init(&kn->lock);
	st = knat_st_weighted(test, &knat_sched_rr, w, ARRAY_SIZE(w));
	st->svc.kn = kn;
	KNAT_ST_EXPECT_SEQ(test, st, "abca");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const struct knat_sched *sched = knat_sched_find(names[i]);
		struct knat_sched_data *d;

		mutex_lock(&kn->lock);
		err = knat_service_set(kn, &st->svc, names[i], NULL, NULL,
				       NULL);
		mutex_unlock(&kn->lock);
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "to %s", names[i]);
		KUNIT_EXPECT_PTR_EQ(test, st->svc.sched, sched);
		/* The slot holds the new one's state, or nothing. */
		d = rcu_access_pointer(st->svc.sched_data);
		if (sched->init) {
			KUNIT_ASSERT_NOT_NULL(test, d);
			KUNIT_EXPECT_PTR_EQ(test, d->sched, sched);
		} else {
			KUNIT_EXPECT_NULL(test, d);
		}
		/* rr and wrr start afresh: their state is new. */
		if (sched == &knat_sched_rr)
			KNAT_ST_EXPECT_SEQ(test, st, "abc");
		if (sched == &knat_sched_wrr)
			KNAT_ST_EXPECT_SEQ(test, st, "bacb");
		knat_st_expect_valid(test, st, 16);
	}

	/*
	 * maglev cannot build a table of 4 slots: rr stays, its cursor
	 * where it was.
	 */
	KUNIT_ASSERT_PTR_EQ(test, st->svc.sched, &knat_sched_rr);
	prev = knat_st_pick(st, &t, true);
	st->svc.maglev_size = 4;
	mutex_lock(&kn->lock);
	err = knat_service_set(kn, &st->svc, "maglev", NULL, NULL, NULL);
	mutex_unlock(&kn->lock);
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, st->svc.sched, &knat_sched_rr);
	KUNIT_EXPECT_NE(test, knat_st_name(st, prev), '-');
	KUNIT_EXPECT_PTR_EQ(test, knat_st_pick(st, &t, false), prev);
	knat_st_expect_valid(test, st, 16);
}

static struct kunit_case knat_sched_state_cases[] = {
	KUNIT_CASE(knat_sched_no_state),
	KUNIT_CASE(knat_sched_switch),
	{}
};

static struct kunit_suite knat_sched_state_suite = {
	.name = "knat_sched_state",
	.test_cases = knat_sched_state_cases,
};

kunit_test_suite(knat_sched_state_suite);
