// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: tables of rules.  A change publishes a new array and leaves the
 * one readers may hold as it was; an empty table is no table; removing
 * keeps the others' order, which is SNAT's matching order.  Included
 * from rules.c.
 */

#include <kunit/test.h>

struct knat_rt_fixture {
	struct knat_net kn;
	struct knat_rule_table __rcu *slot;
	int rule[4];
};

static int knat_rt_init(struct kunit *test)
{
	struct knat_rt_fixture *fx;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return -ENOMEM;
	mutex_init(&fx->kn.lock);
	test->priv = fx;
	return 0;
}

static void knat_rt_exit(struct kunit *test)
{
	struct knat_rt_fixture *fx = test->priv;

	mutex_lock(&fx->kn.lock);
	knat_rule_table_swap(&fx->kn, &fx->slot, NULL);
	mutex_unlock(&fx->kn.lock);
	/* The old tables go by RCU: let them before the fixture goes. */
	rcu_barrier();
}

/* The rules of the published table, as indexes into fx->rule. */
static int knat_rt_order(struct knat_rt_fixture *fx, char *buf)
{
	struct knat_rule_table *t = knat_rule_table_locked(&fx->kn, fx->slot);
	unsigned int i;

	for (i = 0; t && i < t->n; i++)
		buf[i] = '0' + (int *)t->rule[i] - fx->rule;
	buf[i] = '\0';
	return t ? t->n : -1;
}

static void knat_rt_append_remove(struct kunit *test)
{
	struct knat_rt_fixture *fx = test->priv;
	struct knat_rule_table *before;
	char order[8];
	int i;

	mutex_lock(&fx->kn.lock);
	KUNIT_EXPECT_EQ(test, knat_rt_order(fx, order), -1);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, knat_rule_table_append(&fx->kn, &fx->slot,
							     &fx->rule[i]), 0);
	KUNIT_EXPECT_EQ(test, knat_rt_order(fx, order), 4);
	KUNIT_EXPECT_STREQ(test, order, "0123");

	/* A new table: one a reader holds is left as it was, for RCU. */
	before = knat_rule_table_locked(&fx->kn, fx->slot);
	knat_rule_table_remove(&fx->kn, &fx->slot, &fx->rule[1]);
	KUNIT_EXPECT_PTR_NE(test, knat_rule_table_locked(&fx->kn, fx->slot),
			    before);
	KUNIT_EXPECT_EQ(test, knat_rt_order(fx, order), 3);
	KUNIT_EXPECT_STREQ(test, order, "023");

	/* Not there: nothing changes. */
	knat_rule_table_remove(&fx->kn, &fx->slot, &fx->rule[1]);
	KUNIT_EXPECT_EQ(test, knat_rt_order(fx, order), 3);
	KUNIT_EXPECT_STREQ(test, order, "023");

	knat_rule_table_remove(&fx->kn, &fx->slot, &fx->rule[0]);
	knat_rule_table_remove(&fx->kn, &fx->slot, &fx->rule[3]);
	KUNIT_EXPECT_EQ(test, knat_rt_order(fx, order), 1);
	KUNIT_EXPECT_STREQ(test, order, "2");
	/* The last one out: no table at all, so a reader walks nothing. */
	knat_rule_table_remove(&fx->kn, &fx->slot, &fx->rule[2]);
	KUNIT_EXPECT_EQ(test, knat_rt_order(fx, order), -1);
	mutex_unlock(&fx->kn.lock);
}

/* A table swapped in whole, as a restore does; an empty one is none. */
static void knat_rt_swap(struct kunit *test)
{
	struct knat_rt_fixture *fx = test->priv;
	struct knat_rule_table *t;
	char order[8];

	mutex_lock(&fx->kn.lock);
	KUNIT_ASSERT_EQ(test, knat_rule_table_append(&fx->kn, &fx->slot,
						     &fx->rule[0]), 0);
	t = knat_rule_table_alloc(3);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->rule[t->n++] = &fx->rule[3];
	t->rule[t->n++] = &fx->rule[0];
	t->rule[t->n++] = &fx->rule[2];
	knat_rule_table_swap(&fx->kn, &fx->slot, t);
	KUNIT_EXPECT_EQ(test, knat_rt_order(fx, order), 3);
	KUNIT_EXPECT_STREQ(test, order, "302");

	t = knat_rule_table_alloc(2);
	KUNIT_ASSERT_NOT_NULL(test, t);
	knat_rule_table_swap(&fx->kn, &fx->slot, t);
	KUNIT_EXPECT_EQ(test, knat_rt_order(fx, order), -1);
	mutex_unlock(&fx->kn.lock);
}

static struct kunit_case knat_rules_cases[] = {
	KUNIT_CASE(knat_rt_append_remove),
	KUNIT_CASE(knat_rt_swap),
	{}
};

static struct kunit_suite knat_rules_suite = {
	.name = "knat_rules",
	.init = knat_rt_init,
	.exit = knat_rt_exit,
	.test_cases = knat_rules_cases,
};

kunit_test_suite(knat_rules_suite);
