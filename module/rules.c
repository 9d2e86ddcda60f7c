// SPDX-License-Identifier: GPL-2.0
/*
 * Tables of rules (rules.h): a change copies the published array with
 * one rule more or less and swaps the copy in.  Rules change rarely and
 * are few (the namespace limits bound them), so the copy costs nothing
 * that matters, and a reader walks one array with no lock and no list
 * pointer to chase.
 */

#include <linux/overflow.h>
#include <linux/slab.h>

#include "rules.h"

struct knat_rule_table *knat_rule_table_alloc(unsigned int size)
{
	struct knat_rule_table *t;

	t = kvmalloc(struct_size(t, rule, size), GFP_KERNEL_ACCOUNT);
	if (t)
		t->n = 0;
	return t;
}

static void knat_rule_table_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct knat_rule_table, rcu));
}

void knat_rule_table_swap(struct knat_net *kn,
			  struct knat_rule_table __rcu **slot,
			  struct knat_rule_table *t)
{
	struct knat_rule_table *old = knat_rule_table_locked(kn, *slot);

	if (t && !t->n) {
		kvfree(t);
		t = NULL;
	}
	rcu_assign_pointer(*slot, t);
	if (old)
		call_rcu(&old->rcu, knat_rule_table_free_rcu);
}

int knat_rule_table_append(struct knat_net *kn,
			   struct knat_rule_table __rcu **slot, void *rule)
{
	struct knat_rule_table *old = knat_rule_table_locked(kn, *slot), *t;
	unsigned int n = old ? old->n : 0;

	t = knat_rule_table_alloc(n + 1);
	if (!t)
		return -ENOMEM;
	if (n)
		memcpy(t->rule, old->rule, n * sizeof(t->rule[0]));
	t->rule[n] = rule;
	t->n = n + 1;
	knat_rule_table_swap(kn, slot, t);
	return 0;
}

/*
 * Publish @rule at the end of @slot's table, @count (kn->nforwards or
 * kn->nsnats) one up.  Hooks first: a rule no packet has seen goes
 * without a grace period.  On failure nothing changed and the caller
 * still owns @rule.
 */
int knat_rule_table_add(struct knat_net *kn,
			struct knat_rule_table __rcu **slot, u32 *count,
			u32 *count6, void *rule,
			struct netlink_ext_ack *extack)
{
	int err;

	(*count)++;
	if (count6)
		(*count6)++;
	err = knat_rules_changed(kn);
	if (err)
		NL_SET_ERR_MSG(extack, "Cannot register netfilter hooks");
	else
		err = knat_rule_table_append(kn, slot, rule);
	if (err) {
		(*count)--;
		if (count6)
			(*count6)--;
		knat_rules_changed(kn);
	}
	return err;
}

/*
 * Without @rule.  Cannot fail: the old array is rewritten in place when
 * no memory is left for a copy, which a reader may then see one rule
 * twice or miss one in, for one lookup; better than failing a delete.
 */
void knat_rule_table_remove(struct knat_net *kn,
			    struct knat_rule_table __rcu **slot, void *rule)
{
	struct knat_rule_table *old = knat_rule_table_locked(kn, *slot), *t;
	unsigned int i, j;

	if (!old)
		return;
	t = knat_rule_table_alloc(old->n);
	if (!t) {
		for (i = 0, j = 0; i < old->n; i++)
			if (old->rule[i] != rule)
				WRITE_ONCE(old->rule[j++], old->rule[i]);
		WRITE_ONCE(old->n, j);
		return;
	}
	for (i = 0; i < old->n; i++)
		if (old->rule[i] != rule)
			t->rule[t->n++] = old->rule[i];
	knat_rule_table_swap(kn, slot, t);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "rules_test.c"
#endif
