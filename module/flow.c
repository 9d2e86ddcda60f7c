// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table: every translated connection, findable from a packet of
 * either direction with one RCU lookup.
 *
 * A resizable rhashtable holds both halves of every flow, keyed by the
 * tuple.  Readers take no lock.  Writers (new flows on the packet path, the
 * GC worker, netlink) use the table's bucket locks.  A flow leaves the
 * table once (the DEAD bit decides who removes it) and is freed after an
 * RCU grace period, so a reader that found it may finish with it.
 */

#include <linux/siphash.h>
#include <linux/slab.h>

#include "flow.h"
#include "health.h"
#include "tcp_state.h"
#include "service.h"
#include "stats.h"

/* The packet path touches at most two cache lines of a flow. */
static_assert(sizeof(struct knat_flow) <= 128);

/* How many table entries one GC run looks at, and how often it runs. */
#define KNAT_GC_BUDGET		4096
#define KNAT_GC_INTERVAL	HZ
#define KNAT_GC_INTERVAL_BUSY	(HZ / 50)

static struct kmem_cache *knat_flow_cache __read_mostly;
static siphash_key_t knat_hash_key __read_mostly;

/*
 * Keyed with a secret drawn at module load, so tuples that a remote host
 * chooses cannot be aimed at one bucket.  The table's own seed changes on
 * every resize and is mixed in as well.
 */
u32 knat_tuple_hash(const struct knat_tuple *t, u32 seed)
{
	u64 addrs = (u64)(__force u32)t->src << 32 | (__force u32)t->dst;
	u64 rest = (u64)(__force u16)t->sport << 32 |
		   (u64)(__force u16)t->dport << 16 | t->proto;

	return (u32)siphash_3u64(addrs, rest, seed, &knat_hash_key);
}

static u32 knat_rht_hash(const void *data, u32 len, u32 seed)
{
	return knat_tuple_hash(data, seed);
}

static const struct rhashtable_params knat_flow_params = {
	.head_offset = offsetof(struct knat_flow_half, node),
	.key_offset = offsetof(struct knat_flow_half, tuple),
	.key_len = KNAT_TUPLE_KEY_LEN,
	.hashfn = knat_rht_hash,	/* keys compare with memcmp() */
	.min_size = 64,
	.automatic_shrinking = true,
};

/* A flow not yet in the table, or ERR_PTR -ENOSPC (max-flows), -ENOMEM. */
struct knat_flow *knat_flow_alloc(struct knat_net *kn,
				  const struct knat_tuple *orig,
				  const struct knat_tuple *reply,
				  u8 kind, void *owner, u32 timeout)
{
	struct mem_cgroup *memcg;
	struct knat_flow *f;
	u32 now = (u32)jiffies;

	if (atomic_inc_return(&kn->nflows) > READ_ONCE(kn->max_flows)) {
		atomic_dec(&kn->nflows);
		return ERR_PTR(-ENOSPC);
	}
	memcg = knat_memcg_enter(kn);
	f = kmem_cache_zalloc(knat_flow_cache, GFP_ATOMIC);
	knat_memcg_exit(memcg);
	if (!f) {
		atomic_dec(&kn->nflows);
		return ERR_PTR(-ENOMEM);
	}

	f->h[KNAT_DIR_ORIG].tuple = *orig;
	f->h[KNAT_DIR_ORIG].tuple.dir = KNAT_DIR_ORIG;
	f->h[KNAT_DIR_REPLY].tuple = *reply;
	f->h[KNAT_DIR_REPLY].tuple.dir = KNAT_DIR_REPLY;
	f->start = now;
	f->expires = now + timeout;
	f->kind = kind;
	f->owner = owner;
	return f;
}

static void knat_flow_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(knat_flow_cache, container_of(head, struct knat_flow, rcu));
}

/* Free a flow that was never added; the caller still counts it in nflows. */
void knat_flow_free(struct knat_flow *f)
{
	kmem_cache_free(knat_flow_cache, f);
}

static void knat_flow_unhash(struct knat_net *kn, struct knat_flow *f)
{
	rhashtable_remove_fast(&kn->flows, &f->h[KNAT_DIR_ORIG].node,
			       knat_flow_params);
	rhashtable_remove_fast(&kn->flows, &f->h[KNAT_DIR_REPLY].node,
			       knat_flow_params);
	knat_nat_release(kn, f);
	atomic_dec(&kn->nflows);
	call_rcu(&f->rcu, knat_flow_free_rcu);
}

/*
 * Publish both halves.  Either tuple may already be taken (another CPU made
 * the same flow, or a reply tuple clashes): then nothing is published, the
 * flow is freed after RCU (its creator may still read it, not publish it
 * again) and -EEXIST returned.  Any other error (-ENOMEM, -EBUSY
 * while the table grows) is returned the same way.
 */
int knat_flow_add(struct knat_net *kn, struct knat_flow *f)
{
	int err;

	err = rhashtable_lookup_insert_fast(&kn->flows,
					    &f->h[KNAT_DIR_ORIG].node,
					    knat_flow_params);
	if (err) {
		atomic_dec(&kn->nflows);
		/* By RCU, as below: the caller may still look at it. */
		call_rcu(&f->rcu, knat_flow_free_rcu);
		return err;
	}
	err = rhashtable_lookup_insert_fast(&kn->flows,
					    &f->h[KNAT_DIR_REPLY].node,
					    knat_flow_params);
	if (err) {
		/* The first half was visible: readers may hold it. */
		set_bit(KNAT_FLOW_DEAD_BIT, &f->status);
		rhashtable_remove_fast(&kn->flows, &f->h[KNAT_DIR_ORIG].node,
				       knat_flow_params);
		atomic_dec(&kn->nflows);
		call_rcu(&f->rcu, knat_flow_free_rcu);
		return err;
	}
	knat_event_flow(kn, f, KNAT_EVENT_FLOW_NEW);
	/* The GC runs only while there are flows to collect. */
	if (!delayed_work_pending(&kn->gc_work))
		queue_delayed_work(system_power_efficient_wq, &kn->gc_work,
				   KNAT_GC_INTERVAL);
	return 0;
}

/* Caller holds rcu_read_lock().  Expired flows are still returned. */
struct knat_flow_half *knat_flow_find(struct knat_net *kn,
				      const struct knat_tuple *t)
{
	return rhashtable_lookup(&kn->flows, t, knat_flow_params);
}

/* Is this tuple in use by a live flow?  For picking unique reply tuples. */
bool knat_tuple_taken(struct knat_net *kn, const struct knat_tuple *t)
{
	struct knat_flow_half *h;
	bool taken;

	rcu_read_lock();
	h = knat_flow_find(kn, t);
	taken = h && !test_bit(KNAT_FLOW_DEAD_BIT, &knat_flow_of(h)->status);
	rcu_read_unlock();
	return taken;
}

/* Remove a flow from the table; safe from any context, against any racer. */
void knat_flow_del(struct knat_net *kn, struct knat_flow *f)
{
	if (test_and_set_bit(KNAT_FLOW_DEAD_BIT, &f->status))
		return;
	knat_event_flow(kn, f, KNAT_EVENT_FLOW_DESTROY);
	knat_flow_unhash(kn, f);
}

/* Flow halves examined between two chances to reschedule. */
#define KNAT_FLUSH_RESCHED	256

/*
 * Delete every flow @match accepts (all of them when @match is NULL).  A
 * walk can restart when the table resizes under it, so walk again while a
 * pass deletes something, but only until as many flows as the table held
 * at the start are gone: flows that keep arriving must not keep "flow
 * del" or "backend del" from returning.  A pass sees every flow that was
 * in the table throughout it, so none of those is left; one made during
 * the flush may be.  Process context only: it reschedules every
 * KNAT_FLUSH_RESCHED halves.
 */
unsigned int knat_flow_flush(struct knat_net *kn,
			     bool (*match)(const struct knat_flow *f,
					   const void *arg),
			     const void *arg)
{
	unsigned int start = atomic_read(&kn->nflows), total = 0, pass, seen;
	struct rhashtable_iter iter;
	struct knat_flow_half *h;
	bool kept;

	do {
		pass = 0;
		seen = 0;
		rhashtable_walk_enter(&kn->flows, &iter);
		rhashtable_walk_start(&iter);
		for (kept = false;;) {
			struct knat_flow *f;

			/*
			 * Between two halves, none held across it, and only
			 * after one left in the table: the walk resumes by
			 * finding it again, and counts its way past a
			 * deleted one (skipping what moved up).
			 */
			if (++seen >= KNAT_FLUSH_RESCHED && kept) {
				rhashtable_walk_stop(&iter);
				cond_resched();
				rhashtable_walk_start(&iter);
				seen = 0;
			}
			h = rhashtable_walk_next(&iter);
			kept = false;
			if (!h)
				break;
			if (IS_ERR(h))
				continue;	/* -EAGAIN: resized, go on */
			f = knat_flow_of(h);
			kept = true;
			if (h->tuple.dir != KNAT_DIR_ORIG ||
			    test_bit(KNAT_FLOW_DEAD_BIT, &f->status) ||
			    (match && !match(f, arg)))
				continue;
			knat_flow_del(kn, f);
			kept = false;
			pass++;
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
		total += pass;
		cond_resched();
	} while (pass && total < start);
	return total;
}

/* Flows by protocol, in the order of enum knat_flows_attr - 1. */
static int knat_flow_proto_idx(u8 proto)
{
	return proto == IPPROTO_TCP ? 0 : proto == IPPROTO_UDP ? 1 : 2;
}

/* A flow timed out: counted in total and by its protocol. */
void knat_count_expired(struct knat_net *kn, const struct knat_flow *f)
{
	knat_count(kn, KNAT_CNT_FLOWS_EXPIRED);
	knat_count(kn, KNAT_CNT_FLOWS_EXPIRED_TCP +
		   knat_flow_proto_idx(f->h[KNAT_DIR_ORIG].tuple.proto));
}

/*
 * Live flows by protocol, and TCP flows per state, for stats: a walk of
 * the table, as the state lives in the flows only.  Costs O(flows) per
 * read, nothing per packet.  @counts: __KNAT_TCP_MAX, @live: 3.
 */
void knat_flow_count_states(struct knat_net *kn, u32 *counts, u32 *live)
{
	struct rhashtable_iter iter;
	struct knat_flow_half *h;

	rhashtable_walk_enter(&kn->flows, &iter);
	rhashtable_walk_start(&iter);
	while ((h = rhashtable_walk_next(&iter))) {
		const struct knat_flow *f;

		if (IS_ERR(h))
			continue;
		f = knat_flow_of(h);
		if (h->tuple.dir != KNAT_DIR_ORIG || knat_flow_expired(f) ||
		    test_bit(KNAT_FLOW_DEAD_BIT, &f->status))
			continue;
		live[knat_flow_proto_idx(h->tuple.proto)]++;
		if (h->tuple.proto == IPPROTO_TCP)
			counts[READ_ONCE(f->state) & KNAT_TCP_STATE_MASK]++;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/*
 * Collect expired flows, looking at no more than KNAT_GC_BUDGET entries a
 * run; the walk resumes where the previous run stopped.  Lookups already
 * treat expired flows as gone, so a late collection costs memory only.
 */
static void knat_flow_gc(struct work_struct *work)
{
	struct knat_net *kn = container_of(to_delayed_work(work),
					   struct knat_net, gc_work);
	struct knat_flow_half *h;
	unsigned int seen = 0;
	bool done = false, draining = false;

	if (!kn->gc_iter_live) {
		rhashtable_walk_enter(&kn->flows, &kn->gc_iter);
		kn->gc_iter_live = true;
	}
	rhashtable_walk_start(&kn->gc_iter);
	while (seen < KNAT_GC_BUDGET) {
		struct knat_flow *f;

		h = rhashtable_walk_next(&kn->gc_iter);
		if (!h) {
			done = true;
			break;
		}
		if (IS_ERR(h))
			continue;
		seen++;
		f = knat_flow_of(h);
		if (h->tuple.dir == KNAT_DIR_ORIG && knat_flow_expired(f) &&
		    !test_bit(KNAT_FLOW_DEAD_BIT, &f->status)) {
			knat_flow_del(kn, f);
			knat_count_expired(kn, f);
		}
	}
	rhashtable_walk_stop(&kn->gc_iter);
	if (done) {
		rhashtable_walk_exit(&kn->gc_iter);
		kn->gc_iter_live = false;
	}

	/* Drained backends leave once their flows have (service.c). */
	if (READ_ONCE(kn->nservices))
		draining = knat_service_gc(kn);
	if (atomic_read(&kn->nflows) || draining)
		queue_delayed_work(system_power_efficient_wq, &kn->gc_work,
				   done ? KNAT_GC_INTERVAL : KNAT_GC_INTERVAL_BUSY);
}

int knat_flow_net_init(struct knat_net *kn)
{
	atomic_set(&kn->nflows, 0);
	INIT_DELAYED_WORK(&kn->gc_work, knat_flow_gc);
	return rhashtable_init(&kn->flows, &knat_flow_params);
}

void knat_flow_net_exit(struct knat_net *kn)
{
	cancel_delayed_work_sync(&kn->gc_work);
	if (kn->gc_iter_live) {
		rhashtable_walk_exit(&kn->gc_iter);
		kn->gc_iter_live = false;
	}
	knat_flow_flush(kn, NULL, NULL);
	rhashtable_destroy(&kn->flows);
}

int knat_flow_init(void)
{
	get_random_bytes(&knat_hash_key, sizeof(knat_hash_key));
	/* Flows are charged to their namespace's memory cgroup. */
	knat_flow_cache = KMEM_CACHE(knat_flow,
				     SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
	return knat_flow_cache ? 0 : -ENOMEM;
}

void knat_flow_uninit(void)
{
	/* Flows freed by call_rcu() must be gone before their cache. */
	rcu_barrier();
	kmem_cache_destroy(knat_flow_cache);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "flow_test.c"
#endif
