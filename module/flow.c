// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table: every translated connection, findable from a packet of
 * either direction with one RCU lookup.
 *
 * Both halves of every flow are in one hash (flow_table.c), keyed by the
 * tuple.  Readers take no lock; writers (new flows on the packet path,
 * the GC worker, netlink) lock the buckets.  A flow leaves the table once
 * (the DEAD bit decides who removes it) and is freed after an RCU grace
 * period, so a reader that found it may finish with it.
 */

#include <linux/siphash.h>
#include <linux/slab.h>
#include <net/dst.h>

#include "events.h"
#include "fastpath.h"
#include "flow.h"
#include "tcp_state.h"
#include "service.h"
#include "stats.h"

/*
 * How many table entries one GC run looks at, and how often it runs:
 * between passes, within a pass, and within one that keeps finding
 * expired flows (one in 8 it looked at, or more).  The walk's cost is
 * the table's size, not the flows': a 2M-bucket table takes 32 runs a
 * pass, 6.4 s at the unhurried pace, about 1.6M instructions a second
 * (the busy pace would spend 16M).
 */
#define KNAT_GC_BUDGET		4096
#define KNAT_GC_INTERVAL	HZ
#define KNAT_GC_INTERVAL_SCAN	(HZ / 5)
#define KNAT_GC_INTERVAL_BUSY	(HZ / 50)

/*
 * Early drop looks for an unreplied flow to evict in this many buckets,
 * from a random one, and at this many flows at most: bounded work per new
 * flow, as conntrack's early_drop() (8 entries).
 */
#define KNAT_EARLY_DROP_BUCKETS	64
#define KNAT_EARLY_DROP_FLOWS	32

static struct kmem_cache *knat_flow_cache __read_mostly;
static struct kmem_cache *knat_flow6_cache __read_mostly;
static struct kmem_cache *knat_flow_ext_cache __read_mostly;
static hsiphash_key_t knat_hash_key __read_mostly;

/*
 * Keyed with a secret drawn at module load, so tuples that a remote host
 * chooses cannot be aimed at one bucket.  HalfSipHash, as the kernel's
 * own guidance has it for hash table keys an attacker picks but never
 * sees the hash of: half SipHash's rounds (the lookup of every packet
 * pays for it).  The table's own seed, drawn when it is made, goes in
 * with the protocol.
 */
/*
 * IPv6: the whole addresses, never their folds, which a sender owning a
 * /64 could make collide at will.  Out of line: IPv4 pays nothing for it.
 */
static noinline u32 knat_tuple_hash6(const struct knat_tuple *t,
				     const struct in6_addr *a6, u32 ports,
				     u32 seed)
{
	struct {
		struct in6_addr a[2];
		u32 ports;
		u32 seed;
	} k6;

	k6.a[0] = a6[0];
	k6.a[1] = a6[1];
	k6.ports = ports;
	k6.seed = seed ^ t->proto ^ 0x60000000;
	return hsiphash(&k6, sizeof(k6), &knat_hash_key);
}

u32 knat_tuple_hash(const struct knat_tuple *t, const struct in6_addr *a6,
		    u32 seed)
{
	u32 ports = (u32)(__force u16)t->sport << 16 | (__force u16)t->dport;

	if (unlikely(a6))
		return knat_tuple_hash6(t, a6, ports, seed);
	return hsiphash_4u32((__force u32)t->src, (__force u32)t->dst,
			     ports, seed ^ t->proto, &knat_hash_key);
}

/* Flows by protocol, in the order of enum knat_flows_attr - 1. */
static int knat_flow_proto_idx(u8 proto)
{
	return proto == IPPROTO_TCP ? 0 : proto == IPPROTO_UDP ? 1 : 2;
}

/*
 * The live gauges (struct knat_stats ->live, ->tcp) count each flow once,
 * under the state in ->gauge: knat_flow_gauge() moves it when the state
 * changed, knat_flow_ungauge() takes it out for good when the flow leaves
 * the table.  Both swap ->gauge atomically, so a flow dying while a packet
 * moves its state is counted out exactly once.  Per-CPU: a flow counted
 * in on one CPU and out on another leaves -1 and +1 that sum to 0.
 */
static void knat_gauge_add(struct knat_net *kn, const struct knat_flow *f,
			   u8 gauge, int v)
{
	u8 proto = f->h[KNAT_DIR_ORIG].tuple.proto;

	this_cpu_add(kn->stats->live[knat_flow_proto_idx(proto)], v);
	if (proto == IPPROTO_TCP)
		this_cpu_add(kn->stats->tcp[gauge - 1], v);
}

/* Count @f under its current state; the packet path, after a state change. */
void knat_flow_gauge(struct knat_net *kn, struct knat_flow *f)
{
	u8 now = 1 + (READ_ONCE(f->state) & KNAT_TCP_STATE_MASK);
	u8 old = READ_ONCE(f->gauge);

	do {
		if (old == now || old == KNAT_FLOW_GAUGE_DEAD)
			return;
	} while (!try_cmpxchg(&f->gauge, &old, now));
	if (old != KNAT_FLOW_GAUGE_NONE)
		knat_gauge_add(kn, f, old, -1);
	knat_gauge_add(kn, f, now, 1);
}

static void knat_flow_ungauge(struct knat_net *kn, struct knat_flow *f)
{
	u8 old = xchg(&f->gauge, KNAT_FLOW_GAUGE_DEAD);

	if (old != KNAT_FLOW_GAUGE_NONE && old != KNAT_FLOW_GAUGE_DEAD)
		knat_gauge_add(kn, f, old, -1);
}

/*
 * May early drop evict @f for a new flow (@inbound: not outbound NAT)?
 * One that expired (the GC's walk of a big table takes seconds), or one
 * that is no working connection yet: never answered (a SYN nobody
 * answered, a spoofed packet's pickup, a UDP probe), or a TCP handshake
 * not completed, as conntrack's early_drop takes what is not ASSURED.
 * Else a SYN flood from spoofed sources at a service whose backends
 * answer (SYN-ACKs to nobody) would hold the table for the SYN-RECV
 * timeout.  An inbound flow only evicts inbound ones: outbound NAT keeps
 * its share.
 */
static bool knat_flow_evictable(const struct knat_flow *f, bool inbound)
{
	if (test_bit(KNAT_FLOW_DEAD_BIT, &f->status))
		return false;
	/* Gone for lookups already, whatever it was: the GC is just late. */
	if (knat_flow_expired(f))
		return true;
	if (test_bit(KNAT_FLOW_REPLIED_BIT, &f->status) &&
	    !knat_flow_half_open(f))
		return false;
	return !inbound || f->kind != KNAT_FLOW_KIND_SNAT;
}

/*
 * The table is full: evict one unreplied flow, found in a bounded look
 * from a random bucket.  A flood of spoofed or unanswered packets then
 * recycles its own entries instead of locking out new connections.
 */
static bool knat_flow_early_drop(struct knat_net *kn, bool inbound)
{
	struct knat_flow_half *h, *victim = NULL;
	struct knat_flow_table *tab;
	unsigned int i, b, seen = 0;

	rcu_read_lock();
	tab = knat_ftab(kn);
	if (!tab) {
		rcu_read_unlock();
		return false;
	}
	b = prandom_u32_max(tab->mask + 1);
	for (i = 0; i < KNAT_EARLY_DROP_BUCKETS && !victim &&
	     seen < KNAT_EARLY_DROP_FLOWS; i++) {
		for (h = knat_ftab_first(tab, (b + i) & tab->mask);
		     !knat_ftab_is_nulls(h);
		     h = knat_ftab_next(h)) {
			if (++seen > KNAT_EARLY_DROP_FLOWS)
				break;
			if (knat_flow_evictable(knat_flow_of(h), inbound)) {
				victim = h;
				break;
			}
		}
	}
	if (victim) {
		struct knat_flow *f = knat_flow_of(victim);

		if (knat_flow_expired(f)) {
			knat_flow_del(kn, f);
			knat_count_expired(kn, f);
		} else {
			knat_flow_del(kn, f);
			knat_count(kn, KNAT_CNT_EARLY_DROP);
		}
	}
	rcu_read_unlock();
	return victim;
}

/*
 * Take a place in max-flows.  Outbound NAT (SNAT, masquerade) may fill
 * the table; flows the outside starts (forwards, services, pickups) stop
 * at three quarters of it, so that a flood from outside cannot starve
 * the inside's connections out.  When full, one unreplied flow is evicted.
 */
static bool knat_flow_charge(struct knat_net *kn, u8 kind)
{
	u32 max = READ_ONCE(kn->max_flows);
	bool inbound = kind != KNAT_FLOW_KIND_SNAT;
	u32 limit = inbound ? max - max / 4 : max;

	if (atomic_inc_return(&kn->nflows) <= limit)
		return true;
	atomic_dec(&kn->nflows);
	if (!knat_flow_early_drop(kn, inbound))
		return false;
	if (atomic_inc_return(&kn->nflows) <= limit)
		return true;
	atomic_dec(&kn->nflows);
	return false;
}

static void knat_flow_free_obj(struct knat_flow *f)
{
	if (f->v6)
		kmem_cache_free(knat_flow6_cache,
				container_of(f, struct knat_flow6, f));
	else
		kmem_cache_free(knat_flow_cache, f);
}

/* Give back the place in max-flows of a flow that leaves or never came. */
void knat_flow_uncharge(struct knat_net *kn, const struct knat_flow *f)
{
	if (f->v6)
		atomic_dec(&kn->nflows6);
	atomic_dec(&kn->nflows);
}

/*
 * A flow not yet in the table, or ERR_PTR -ENOSPC (max-flows), -ENOMEM.
 * IPv6 with @orig6 and @reply6, each its tuple's source and destination.
 */
struct knat_flow *knat_flow_alloc6(struct knat_net *kn,
				   const struct knat_tuple *orig,
				   const struct knat_tuple *reply,
				   const struct in6_addr *orig6,
				   const struct in6_addr *reply6,
				   u8 kind, void *owner, u32 timeout)
{
	struct mem_cgroup *memcg;
	struct knat_flow6 *f6 = NULL;
	struct knat_flow *f;
	u32 now = (u32)jiffies;

	if (!knat_flow_charge(kn, kind))
		return ERR_PTR(-ENOSPC);
	memcg = knat_memcg_enter(kn);
	if (orig6) {
		f6 = kmem_cache_zalloc(knat_flow6_cache, GFP_ATOMIC);
		f = f6 ? &f6->f : NULL;
	} else {
		f = kmem_cache_zalloc(knat_flow_cache, GFP_ATOMIC);
	}
	/* A TCP flow tracks its window from the first packet on. */
	if (f && orig->proto == IPPROTO_TCP) {
		f->ext = kmem_cache_zalloc(knat_flow_ext_cache, GFP_ATOMIC);
		if (!f->ext) {
			if (f6)
				kmem_cache_free(knat_flow6_cache, f6);
			else
				kmem_cache_free(knat_flow_cache, f);
			f = NULL;
		}
	}
	knat_memcg_exit(memcg);
	if (!f) {
		atomic_dec(&kn->nflows);
		return ERR_PTR(-ENOMEM);
	}
	if (f6) {
		f6->a[KNAT_DIR_ORIG][0] = orig6[0];
		f6->a[KNAT_DIR_ORIG][1] = orig6[1];
		f6->a[KNAT_DIR_REPLY][0] = reply6[0];
		f6->a[KNAT_DIR_REPLY][1] = reply6[1];
		atomic_inc(&kn->nflows6);
	}

	f->h[KNAT_DIR_ORIG].tuple = *orig;
	f->h[KNAT_DIR_ORIG].tuple.dir = KNAT_DIR_ORIG;
	f->h[KNAT_DIR_REPLY].tuple = *reply;
	f->h[KNAT_DIR_REPLY].tuple.dir = KNAT_DIR_REPLY;
	f->start = now;
	/* The real timeout from the start: a lookup must not find it expired. */
	f->expires = now + timeout;
	__set_bit(KNAT_FLOW_NEW_BIT, &f->status);
	/* After the tuples: their padding is where these live (flow.h). */
	f->kind = kind;
	f->state = KNAT_TCP_NONE;
	f->gauge = KNAT_FLOW_GAUGE_NONE;
	f->v6 = !!f6;
	if (f6) {
		knat_tuple_fold6(&f->h[KNAT_DIR_ORIG].tuple, orig6);
		knat_tuple_fold6(&f->h[KNAT_DIR_REPLY].tuple, reply6);
	}
	f->owner = owner;
	return f;
}

/*
 * A flow's extension, made now if it has none (the fast path learning a
 * UDP flow's route); NULL when memory is short.  Published once, by
 * cmpxchg, and freed with the flow.
 */
struct knat_flow_ext *knat_flow_ext_get(struct knat_net *kn,
					struct knat_flow *f)
{
	struct knat_flow_ext *e = READ_ONCE(f->ext), *old;
	struct mem_cgroup *memcg;

	if (e)
		return e;
	memcg = knat_memcg_enter(kn);
	e = kmem_cache_zalloc(knat_flow_ext_cache, GFP_ATOMIC);
	knat_memcg_exit(memcg);
	if (!e)
		return NULL;
	old = cmpxchg(&f->ext, NULL, e);
	if (old) {
		kmem_cache_free(knat_flow_ext_cache, e);
		return old;
	}
	return e;
}

static void knat_flow_free_ext(struct knat_flow *f)
{
	struct knat_flow_ext *e = f->ext;

	if (!e)
		return;
	dst_release(e->fast_dst[KNAT_DIR_ORIG]);
	dst_release(e->fast_dst[KNAT_DIR_REPLY]);
	kmem_cache_free(knat_flow_ext_cache, e);
}

static void knat_flow_free_rcu(struct rcu_head *head)
{
	struct knat_flow *f = container_of(head, struct knat_flow, rcu);

	knat_flow_free_ext(f);
	knat_flow_free_obj(f);
}

/* Free a flow that was never added; the caller uncharged it already. */
void knat_flow_free(struct knat_flow *f)
{
	knat_flow_free_ext(f);
	knat_flow_free_obj(f);
}

static void knat_flow_unhash(struct knat_net *kn, struct knat_flow *f)
{
	knat_ftab_remove(kn, f);
	knat_nat_release(kn, f);
	knat_flow_ungauge(kn, f);
	knat_fast_forget_all(kn, f);
	knat_flow_uncharge(kn, f);
	call_rcu(&f->rcu, knat_flow_free_rcu);
}

/*
 * Publish both halves as one step (knat_ftab_insert()): a reader finds
 * the whole flow or nothing, and it is live (anyone may end it) from the
 * moment it can be found, with its real timeout already set.
 *
 * Either tuple may already be taken (another CPU made the same flow, or a
 * reply tuple clashes): then -EEXIST, and the flow is freed after RCU
 * (its creator may still look at it).
 */
int knat_flow_add_hinted(struct knat_net *kn, struct knat_flow *f,
			 const struct knat_ftab_hint *hint)
{
	int err;

	err = knat_ftab_insert(kn, f, hint);
	if (err) {
		knat_flow_uncharge(kn, f);
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

int knat_flow_add(struct knat_net *kn, struct knat_flow *f)
{
	return knat_flow_add_hinted(kn, f, NULL);
}

/*
 * Caller holds rcu_read_lock().  Expired flows are still returned.  @a6:
 * an IPv6 tuple's addresses (its folds in @t), NULL for IPv4.
 */
struct knat_flow_half *knat_flow_find6(struct knat_net *kn,
				       const struct knat_tuple *t,
				       const struct in6_addr *a6)
{
	return knat_ftab_find(kn, t, a6, NULL);
}

/* The same, leaving the hash in @hint for knat_flow_add_hinted(). */
struct knat_flow_half *knat_flow_find_hinted(struct knat_net *kn,
					     const struct knat_tuple *t,
					     const struct in6_addr *a6,
					     struct knat_ftab_hint *hint)
{
	return knat_ftab_find(kn, t, a6, hint);
}

/* Is this tuple in use by a live flow?  For picking unique reply tuples. */
bool knat_tuple_taken6(struct knat_net *kn, const struct knat_tuple *t,
		       const struct in6_addr *a6)
{
	struct knat_flow_half *h;
	bool taken;

	rcu_read_lock();
	h = knat_flow_find6(kn, t, a6);
	taken = h && !test_bit(KNAT_FLOW_DEAD_BIT, &knat_flow_of(h)->status);
	rcu_read_unlock();
	return taken;
}

/* Remove a flow from the table; safe from any context, against any racer. */
void knat_flow_del(struct knat_net *kn, struct knat_flow *f)
{
	/* Half published: its creator finishes or undoes it. */
	if (!knat_flow_live(f) ||
	    test_and_set_bit(KNAT_FLOW_DEAD_BIT, &f->status))
		return;
	knat_event_flow(kn, f, KNAT_EVENT_FLOW_DESTROY);
	knat_flow_unhash(kn, f);
}

/* Buckets walked between two chances to reschedule. */
#define KNAT_FLUSH_RESCHED	256

/*
 * Delete every flow @match accepts (all of them when @match is NULL).  One
 * walk of the buckets sees every flow that was in the table throughout
 * it, so none of those is left; one made during the flush may be, and
 * flows that keep arriving do not keep "flow del" or "backend del" from
 * returning.  Only a resize under the walk (between two buckets) makes it
 * start over.  Process context only: it reschedules every
 * KNAT_FLUSH_RESCHED buckets.
 */
unsigned int knat_flow_flush(struct knat_net *kn,
			     bool (*match)(const struct knat_flow *f,
					   const void *arg),
			     const void *arg)
{
	struct knat_flow_table *tab;
	struct knat_flow_half *h;
	unsigned int total = 0;
	u32 b;

	rcu_read_lock();
again:
	tab = knat_ftab(kn);
	for (b = 0; tab && b <= tab->mask; b++) {
		if (b && !(b % KNAT_FLUSH_RESCHED)) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
			if (knat_ftab(kn) != tab)
				goto again;
		}
		for (h = knat_ftab_first(tab, b); !knat_ftab_is_nulls(h);
		     h = knat_ftab_next(h)) {
			struct knat_flow *f = knat_flow_of(h);

			if (h->tuple.dir != KNAT_DIR_ORIG || !knat_flow_live(f) ||
			    test_bit(KNAT_FLOW_DEAD_BIT, &f->status) ||
			    (match && !match(f, arg)))
				continue;
			knat_flow_del(kn, f);
			total++;
		}
	}
	rcu_read_unlock();
	return total;
}

/* A flow timed out: counted in total and by its protocol. */
void knat_count_expired(struct knat_net *kn, const struct knat_flow *f)
{
	knat_count(kn, KNAT_CNT_FLOWS_EXPIRED);
	knat_count(kn, KNAT_CNT_FLOWS_EXPIRED_TCP +
		   knat_flow_proto_idx(f->h[KNAT_DIR_ORIG].tuple.proto));
}

/*
 * Live flows by protocol, and TCP flows per state, for stats: O(1), the
 * sum of the per-CPU gauges.  A flow that expired but that the GC has not
 * collected yet (at most a few seconds) still counts.  @counts:
 * __KNAT_TCP_MAX, @live: 3.
 */
void knat_flow_count_states(struct knat_net *kn, u32 *counts, u32 *live)
{
	s32 sum[3] = {}, tcp[__KNAT_TCP_MAX] = {};
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct knat_stats *s = per_cpu_ptr(kn->stats, cpu);

		for (i = 0; i < 3; i++)
			sum[i] += READ_ONCE(s->live[i]);
		for (i = 0; i < __KNAT_TCP_MAX; i++)
			tcp[i] += READ_ONCE(s->tcp[i]);
	}
	/* Summed while others count: clamp a transient negative. */
	for (i = 0; i < 3; i++)
		live[i] += max(sum[i], 0);
	for (i = 0; i < __KNAT_TCP_MAX; i++)
		counts[i] += max(tcp[i], 0);
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
	struct knat_flow_table *tab;
	unsigned int seen = 0, entries = 0, collected = 0;
	bool done = true, draining = false;
	struct knat_flow_half *h;
	unsigned long next;
	u32 b;

	rcu_read_lock();
	tab = knat_ftab(kn);
	b = tab && kn->gc_bucket <= tab->mask ? kn->gc_bucket : 0;
	/* An empty bucket costs a little too: 1/16 of a flow. */
	for (; tab && b <= tab->mask; b++) {
		if (seen >= KNAT_GC_BUDGET * 16) {
			done = false;
			break;
		}
		seen++;
		for (h = knat_ftab_first(tab, b); !knat_ftab_is_nulls(h);
		     h = knat_ftab_next(h)) {
			struct knat_flow *f = knat_flow_of(h);

			seen += 16;
			entries++;
			if (h->tuple.dir == KNAT_DIR_ORIG && knat_flow_live(f) &&
			    knat_flow_expired(f) &&
			    !test_bit(KNAT_FLOW_DEAD_BIT, &f->status)) {
				knat_flow_del(kn, f);
				knat_count_expired(kn, f);
				collected += 2;
			}
		}
	}
	kn->gc_bucket = done ? 0 : b;
	rcu_read_unlock();

	/* Drained backends leave once their flows have (service.c). */
	if (READ_ONCE(kn->nservices))
		draining = knat_service_gc(kn);
	if (done)
		next = KNAT_GC_INTERVAL;
	else if (collected * 8 >= entries && collected)
		next = KNAT_GC_INTERVAL_BUSY;
	else
		next = KNAT_GC_INTERVAL_SCAN;
	if (atomic_read(&kn->nflows) || draining)
		queue_delayed_work(system_power_efficient_wq, &kn->gc_work,
				   next);
}

int knat_flow_net_init(struct knat_net *kn)
{
	atomic_set(&kn->nflows, 0);
	atomic_set(&kn->nflows6, 0);
	kn->gc_bucket = 0;
	INIT_DELAYED_WORK(&kn->gc_work, knat_flow_gc);
	knat_ftab_net_init(kn);
	return 0;
}

void knat_flow_net_exit(struct knat_net *kn)
{
	cancel_delayed_work_sync(&kn->gc_work);
	knat_flow_flush(kn, NULL, NULL);
	knat_ftab_net_exit(kn);
}

int knat_flow_init(void)
{
	get_random_bytes(&knat_hash_key, sizeof(knat_hash_key));
	/* Flows are charged to their namespace's memory cgroup. */
	knat_flow_cache = KMEM_CACHE(knat_flow,
				     SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
	knat_flow6_cache = KMEM_CACHE(knat_flow6,
				      SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
	knat_flow_ext_cache = KMEM_CACHE(knat_flow_ext,
					 SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
	if (!knat_flow_cache || !knat_flow6_cache || !knat_flow_ext_cache) {
		kmem_cache_destroy(knat_flow_ext_cache);
		kmem_cache_destroy(knat_flow6_cache);
		kmem_cache_destroy(knat_flow_cache);
		return -ENOMEM;
	}
	return 0;
}

void knat_flow_uninit(void)
{
	/*
	 * Flows freed by call_rcu() must be gone before their cache, and
	 * every callback before the module's text.  Callbacks queue more:
	 * a persistence entry puts its backend, a backend its service, each
	 * freed after a grace period of its own; one barrier per link.
	 */
	rcu_barrier();
	rcu_barrier();
	rcu_barrier();
	kmem_cache_destroy(knat_flow_ext_cache);
	kmem_cache_destroy(knat_flow6_cache);
	kmem_cache_destroy(knat_flow_cache);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "flow_test.c"
#include "flow6_test.c"
#endif
