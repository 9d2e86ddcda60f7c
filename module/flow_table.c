// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table's hash: both halves of every flow, keyed by the tuple.
 *
 * A fixed array of buckets, sized from max-flows (one bucket a flow: two
 * halves a bucket when full), as conntrack's hash is, rather than a table
 * that doubles as it fills: a doubling moves every flow while packets keep
 * coming, and made a new flow cost 15 % more on average over a fill to 1M
 * (issue 13).  The array exists only once the namespace has a rule, and is
 * charged to the namespace's memory cgroup.
 *
 * Readers (the packet path) take no lock: an RCU walk of one chain, under
 * a sequence count that only a resize moves.  Writers lock the buckets of
 * both halves (256 locks a namespace, a bucket's lock is its index modulo
 * 256) and publish or unpublish both halves as one step, so no reader
 * ever sees half a flow.  A resize (max-flows changed) takes every lock,
 * as conntrack's nf_conntrack_all_lock() does, and moves the flows into
 * the new array inside the sequence count; readers that raced it look
 * again.
 */

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "flow.h"
#include "flow_table.h"

#define KNAT_FTAB_MIN	64U
#define KNAT_FTAB_MAX	BIT(22)		/* 32 MiB of buckets */

static struct knat_flow_half *knat_ftab_nulls(u32 b)
{
	return (struct knat_flow_half *)(((unsigned long)b << 1) | 1);
}

/* Buckets for @max_flows: a power of two, one a flow, within bounds. */
u32 knat_ftab_buckets_for(u32 max_flows)
{
	u32 n;

	if (max_flows <= KNAT_FTAB_MIN)
		return KNAT_FTAB_MIN;
	if (max_flows >= KNAT_FTAB_MAX)
		return KNAT_FTAB_MAX;
	n = roundup_pow_of_two(max_flows);
	return n;
}

static struct knat_flow_table *knat_ftab_alloc(struct knat_net *kn,
					       u32 buckets)
{
	struct knat_flow_table *tab;
	struct mem_cgroup *memcg;
	u32 b;

	memcg = knat_memcg_enter(kn);
	tab = kvmalloc(struct_size(tab, bucket, buckets), GFP_KERNEL_ACCOUNT);
	knat_memcg_exit(memcg);
	if (!tab)
		return NULL;
	tab->mask = buckets - 1;
	tab->seed = get_random_u32();
	for (b = 0; b < buckets; b++)
		RCU_INIT_POINTER(tab->bucket[b], knat_ftab_nulls(b));
	return tab;
}

static struct knat_flow_table *knat_ftab_locked(struct knat_net *kn)
{
	return rcu_dereference_protected(kn->ftab, lockdep_is_held(&kn->lock));
}

u32 knat_ftab_buckets(struct knat_net *kn)
{
	struct knat_flow_table *tab;
	u32 n;

	rcu_read_lock();
	tab = knat_ftab(kn);
	n = tab ? tab->mask + 1 : 0;
	rcu_read_unlock();
	return n;
}

/* The table for the namespace's first rule; kn->lock held. */
int knat_ftab_ensure(struct knat_net *kn)
{
	struct knat_flow_table *tab;

	if (knat_ftab_locked(kn))
		return 0;
	tab = knat_ftab_alloc(kn,
			      knat_ftab_buckets_for(READ_ONCE(kn->max_flows)));
	if (!tab)
		return -ENOMEM;
	rcu_assign_pointer(kn->ftab, tab);
	return 0;
}

/*
 * One bucket lock, BHs off.  While a resize holds them all it also holds
 * ftab_all_lock: wait for it there, not spinning on a lock it will take
 * and drop again (nf_conntrack_lock()).
 */
static void knat_ftab_lock_one(struct knat_net *kn, u32 i)
	__acquires(&kn->ftab_locks[i])
{
	spin_lock(&kn->ftab_locks[i]);
	/* Pairs with the smp_store_release() in knat_ftab_all_unlock(). */
	if (likely(!smp_load_acquire(&kn->ftab_all)))
		return;
	spin_unlock(&kn->ftab_locks[i]);
	spin_lock(&kn->ftab_all_lock);
	spin_lock(&kn->ftab_locks[i]);
	spin_unlock(&kn->ftab_all_lock);
}

static void knat_ftab_all_lock(struct knat_net *kn)
	__acquires(&kn->ftab_all_lock)
{
	u32 i;

	spin_lock(&kn->ftab_all_lock);
	WRITE_ONCE(kn->ftab_all, true);
	/* Whoever holds a lock now finishes; whoever comes next waits. */
	for (i = 0; i < KNAT_FTAB_LOCKS; i++) {
		spin_lock(&kn->ftab_locks[i]);
		spin_unlock(&kn->ftab_locks[i]);
	}
}

static void knat_ftab_all_unlock(struct knat_net *kn)
	__releases(&kn->ftab_all_lock)
{
	/* Pairs with the smp_load_acquire() in knat_ftab_lock_one(). */
	smp_store_release(&kn->ftab_all, false);
	spin_unlock(&kn->ftab_all_lock);
}

struct knat_ftab_pair {
	struct knat_flow_table *tab;
	u32 b[2];	/* buckets of the two halves */
	u32 l[2];	/* locks taken, in order; l[1] == l[0]: one */
};

static void knat_ftab_unlock_pair(struct knat_net *kn,
				  const struct knat_ftab_pair *p)
	__releases(&kn->ftab_locks[p->l[0]]) __releases(&kn->ftab_locks[p->l[1]])
{
	if (p->l[1] != p->l[0])
		spin_unlock(&kn->ftab_locks[p->l[1]]);
	else
		__release(&kn->ftab_locks[p->l[1]]);
	spin_unlock(&kn->ftab_locks[p->l[0]]);
}

/*
 * Lock the buckets of both halves of @f, lower lock first; BHs off and
 * rcu_read_lock() held by the caller.  A resize between reading the
 * table and locking shows in the sequence count: then again.
 */
static void knat_ftab_lock_pair(struct knat_net *kn, const struct knat_flow *f,
				const struct knat_ftab_hint *hint,
				struct knat_ftab_pair *p)
	__acquires(&kn->ftab_locks[p->l[0]]) __acquires(&kn->ftab_locks[p->l[1]])
{
	for (;;) {
		unsigned int seq = read_seqcount_begin(&kn->ftab_seq);
		u32 i;

		p->tab = rcu_dereference(kn->ftab);
		for (i = 0; i < 2; i++) {
			u32 hash;

			if (hint && hint->set && hint->dir == i &&
			    hint->seed == p->tab->seed)
				hash = hint->hash;
			else
				hash = knat_tuple_hash(&f->h[i].tuple,
						       knat_flow_a6(f, i),
						       p->tab->seed);
			p->b[i] = hash & p->tab->mask;
		}
		p->l[0] = p->b[0] & (KNAT_FTAB_LOCKS - 1);
		p->l[1] = p->b[1] & (KNAT_FTAB_LOCKS - 1);
		if (p->l[0] > p->l[1])
			swap(p->l[0], p->l[1]);
		knat_ftab_lock_one(kn, p->l[0]);
		/* One lock for both: counted twice for sparse only. */
		if (p->l[1] != p->l[0])
			spin_lock_nested(&kn->ftab_locks[p->l[1]],
					 SINGLE_DEPTH_NESTING);
		else
			__acquire(&kn->ftab_locks[p->l[1]]);
		if (!read_seqcount_retry(&kn->ftab_seq, seq))
			return;
		knat_ftab_unlock_pair(kn, p);
	}
}

/*
 * Does @h hold @t (and, IPv6, the addresses @a6)?  The tuple first: an
 * IPv6 half's folds let few others past it; a family never matches the
 * other's.
 */
static noinline bool knat_ftab_key_eq6(const struct knat_flow_half *h,
				       const struct in6_addr *a6)
{
	const struct knat_flow *f = knat_flow_of(h);

	return f->v6 && !memcmp(knat_flow_a6(f, h->tuple.dir), a6,
				2 * sizeof(*a6));
}

static __always_inline bool knat_ftab_key_eq(const struct knat_flow_half *h,
					     const struct knat_tuple *t,
					     const struct in6_addr *a6)
{
	if (memcmp(&h->tuple, t, KNAT_TUPLE_KEY_LEN))
		return false;
	if (likely(!a6))
		return !knat_flow_of(h)->v6;
	return knat_ftab_key_eq6(h, a6);
}

/* Is @t (@a6) in bucket @b?  Its lock held. */
static bool knat_ftab_has(struct knat_flow_table *tab, u32 b,
			  const struct knat_tuple *t,
			  const struct in6_addr *a6)
{
	struct knat_flow_half *h;

	for (h = rcu_dereference_protected(tab->bucket[b], 1);
	     !knat_ftab_is_nulls(h);
	     h = rcu_dereference_protected(h->next, 1))
		if (knat_ftab_key_eq(h, t, a6))
			return true;
	return false;
}

static void knat_ftab_push(struct knat_flow_table *tab, u32 b,
			   struct knat_flow_half *h)
{
	RCU_INIT_POINTER(h->next, rcu_dereference_protected(tab->bucket[b], 1));
	rcu_assign_pointer(tab->bucket[b], h);
}

/* Take @h out of bucket @b, its lock held.  A reader on @h goes on. */
static void knat_ftab_unlink(struct knat_flow_table *tab, u32 b,
			     struct knat_flow_half *h)
{
	struct knat_flow_half __rcu **pp = &tab->bucket[b];
	struct knat_flow_half *pos;

	for (pos = rcu_dereference_protected(*pp, 1); !knat_ftab_is_nulls(pos);
	     pp = &pos->next, pos = rcu_dereference_protected(*pp, 1)) {
		if (pos == h) {
			rcu_assign_pointer(*pp,
					   rcu_dereference_protected(h->next, 1));
			return;
		}
	}
	WARN_ON_ONCE(1);
}

/*
 * The bucket locks are taken with BHs off.  A packet hook mostly runs in
 * softirq, where they already are: local_bh_enable()'s check for pending
 * softirqs is then skipped, a new flow's dearest part after its hashes.
 */
static bool knat_ftab_bh_disable(void)
{
	if (softirq_count())
		return false;
	local_bh_disable();
	return true;
}

static void knat_ftab_bh_enable(bool disabled)
{
	if (disabled)
		local_bh_enable();
}

/*
 * Publish both halves of @f as one step, or neither: -EEXIST when either
 * tuple is taken (another CPU made the same flow, or a reply tuple
 * clashes).  The flow is live from the moment it can be found.
 */
int knat_ftab_insert(struct knat_net *kn, struct knat_flow *f,
		     const struct knat_ftab_hint *hint)
{
	bool bh = knat_ftab_bh_disable();
	struct knat_ftab_pair p;
	int err = 0;

	rcu_read_lock();
	if (WARN_ON_ONCE(!rcu_access_pointer(kn->ftab))) {
		err = -ENOENT;
		goto out;
	}
	knat_ftab_lock_pair(kn, f, hint, &p);
	if (knat_ftab_has(p.tab, p.b[KNAT_DIR_ORIG],
			  &f->h[KNAT_DIR_ORIG].tuple,
			  knat_flow_a6(f, KNAT_DIR_ORIG)) ||
	    knat_ftab_has(p.tab, p.b[KNAT_DIR_REPLY],
			  &f->h[KNAT_DIR_REPLY].tuple,
			  knat_flow_a6(f, KNAT_DIR_REPLY))) {
		err = -EEXIST;
	} else {
		clear_bit(KNAT_FLOW_NEW_BIT, &f->status);
		knat_ftab_push(p.tab, p.b[KNAT_DIR_REPLY], &f->h[KNAT_DIR_REPLY]);
		knat_ftab_push(p.tab, p.b[KNAT_DIR_ORIG], &f->h[KNAT_DIR_ORIG]);
	}
	knat_ftab_unlock_pair(kn, &p);
out:
	rcu_read_unlock();
	knat_ftab_bh_enable(bh);
	return err;
}

/* Unpublish both halves of @f; once per flow (the DEAD bit decides). */
void knat_ftab_remove(struct knat_net *kn, struct knat_flow *f)
{
	bool bh = knat_ftab_bh_disable();
	struct knat_ftab_pair p;

	rcu_read_lock();
	knat_ftab_lock_pair(kn, f, NULL, &p);
	knat_ftab_unlink(p.tab, p.b[KNAT_DIR_ORIG], &f->h[KNAT_DIR_ORIG]);
	knat_ftab_unlink(p.tab, p.b[KNAT_DIR_REPLY], &f->h[KNAT_DIR_REPLY]);
	knat_ftab_unlock_pair(kn, &p);
	rcu_read_unlock();
	knat_ftab_bh_enable(bh);
}

/*
 * Caller holds rcu_read_lock().  Expired flows are still returned.  With
 * @hint, the hash computed is left there for knat_ftab_insert().
 */
struct knat_flow_half *knat_ftab_find(struct knat_net *kn,
				      const struct knat_tuple *t,
				      const struct in6_addr *a6,
				      struct knat_ftab_hint *hint)
{
	struct knat_flow_table *tab;
	struct knat_flow_half *h;
	unsigned int seq;
	u32 hash;

	if (hint)
		hint->set = false;
	if (!rcu_access_pointer(kn->ftab))
		return NULL;
	do {
		seq = read_seqcount_begin(&kn->ftab_seq);
		tab = rcu_dereference(kn->ftab);
		hash = knat_tuple_hash(t, a6, tab->seed);
		if (hint) {
			hint->seed = tab->seed;
			hint->hash = hash;
			hint->set = true;
		}
		for (h = knat_ftab_first(tab, hash & tab->mask);
		     !knat_ftab_is_nulls(h); h = knat_ftab_next(h))
			if (knat_ftab_key_eq(h, t, a6))
				return h;
	} while (read_seqcount_retry(&kn->ftab_seq, seq));
	return NULL;
}

/*
 * Size the table for @max_flows, moving every flow; kn->lock held.  BHs
 * stay off while the flows move (a few ms a 100 000): packets wait, none
 * is lost or misses its flow.  Nothing to do before the first rule.
 */
int knat_ftab_resize(struct knat_net *kn, u32 max_flows)
{
	struct knat_flow_table *old = knat_ftab_locked(kn), *new;
	u32 b;

	if (!old || knat_ftab_buckets_for(max_flows) == old->mask + 1)
		return 0;
	new = knat_ftab_alloc(kn, knat_ftab_buckets_for(max_flows));
	if (!new)
		return -ENOMEM;

	local_bh_disable();
	knat_ftab_all_lock(kn);
	write_seqcount_begin(&kn->ftab_seq);
	for (b = 0; b <= old->mask; b++) {
		struct knat_flow_half *h;

		/*
		 * Each half goes to the head of its new chain; a reader still
		 * in the old chain follows it there and ends at a nulls of the
		 * new table, then looks again (the sequence count moved).
		 */
		while (!knat_ftab_is_nulls(h = rcu_dereference_protected(old->bucket[b], 1))) {
			rcu_assign_pointer(old->bucket[b],
					   rcu_dereference_protected(h->next, 1));
			knat_ftab_push(new, knat_tuple_hash(&h->tuple,
							    knat_flow_a6(knat_flow_of(h),
									 h->tuple.dir),
							    new->seed) &
				       new->mask, h);
		}
	}
	rcu_assign_pointer(kn->ftab, new);
	write_seqcount_end(&kn->ftab_seq);
	knat_ftab_all_unlock(kn);
	local_bh_enable();

	kvfree_rcu(old, rcu);
	return 0;
}

void knat_ftab_net_init(struct knat_net *kn)
{
	u32 i;

	RCU_INIT_POINTER(kn->ftab, NULL);
	spin_lock_init(&kn->ftab_all_lock);
	seqcount_spinlock_init(&kn->ftab_seq, &kn->ftab_all_lock);
	kn->ftab_all = false;
	for (i = 0; i < KNAT_FTAB_LOCKS; i++)
		spin_lock_init(&kn->ftab_locks[i]);
}

/* Every flow gone already (knat_flow_net_exit()). */
void knat_ftab_net_exit(struct knat_net *kn)
{
	struct knat_flow_table *tab = rcu_dereference_protected(kn->ftab, 1);

	RCU_INIT_POINTER(kn->ftab, NULL);
	if (tab)
		kvfree_rcu(tab, rcu);
}
