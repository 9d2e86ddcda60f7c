/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_FLOW_TABLE_H
#define _KNAT_FLOW_TABLE_H

#include <linux/rcupdate.h>

#include "knat.h"

struct knat_flow;
struct knat_ftab_hint;
struct knat_flow_half;
struct knat_tuple;
struct in6_addr;

/*
 * The flow table's buckets: singly linked chains of flow halves, each
 * ending in a "nulls" marker (the bucket's index, odd) instead of NULL.
 * Sized from max-flows when the namespace gets its first rule, and again
 * when max-flows changes: never while packets fill it.
 */
struct knat_flow_table {
	u32 mask;		/* buckets - 1 */
	u32 seed;
	struct rcu_head rcu;
	struct knat_flow_half __rcu *bucket[];
};

static inline bool knat_ftab_is_nulls(const struct knat_flow_half *h)
{
	return (unsigned long)h & 1;
}

/*
 * A chain's walk, rcu_read_lock() held; it may change meanwhile:
 *	for (h = knat_ftab_first(tab, b); !knat_ftab_is_nulls(h);
 *	     h = knat_ftab_next(h))
 */
static inline struct knat_flow_half *
knat_ftab_first(const struct knat_flow_table *tab, u32 b)
{
	return rcu_dereference(tab->bucket[b]);
}

/* The table now, or NULL before the namespace's first rule; under RCU. */
static inline struct knat_flow_table *knat_ftab(const struct knat_net *kn)
{
	return rcu_dereference(kn->ftab);
}

u32 knat_ftab_buckets_for(u32 max_flows);
u32 knat_ftab_buckets(struct knat_net *kn);
int knat_ftab_ensure(struct knat_net *kn);
int knat_ftab_resize(struct knat_net *kn, u32 max_flows);
int knat_ftab_insert(struct knat_net *kn, struct knat_flow *f,
		     const struct knat_ftab_hint *hint);
void knat_ftab_remove(struct knat_net *kn, struct knat_flow *f);
struct knat_flow_half *knat_ftab_find(struct knat_net *kn,
				      const struct knat_tuple *t,
				      const struct in6_addr *a6,
				      struct knat_ftab_hint *hint);
void knat_ftab_net_init(struct knat_net *kn);
void knat_ftab_net_exit(struct knat_net *kn);

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
/* KUnit: max-flows set as "config set" does, table included. */
static inline int knat_ftab_test_max_flows(struct knat_net *kn, u32 n)
{
	int err;

	mutex_lock(&kn->lock);
	kn->max_flows = n;
	err = knat_ftab_ensure(kn) ?: knat_ftab_resize(kn, n);
	mutex_unlock(&kn->lock);
	return err;
}
#endif

#endif
