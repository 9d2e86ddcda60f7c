// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence: a service's client address keeps its backend across
 * connections, as IPVS's persistent templates do.  One entry per (service,
 * client address) names the backend; it lives while the client has flows
 * and for `persist` seconds after the last one ends.
 *
 * Entries are made on the packet path, for new flows only, so their
 * number is capped by max-flows: past it a client is scheduled as if the
 * service had no persistence, never dropped.  Unlike IPVS, a backend that
 * is down, draining or of weight 0 gets no new connection through its
 * entries: the client is scheduled afresh and the entry follows.
 *
 * An entry holds its service (its key names it) and its backend, so
 * neither can be freed while it points at them; a removed (dead) backend
 * is never stored, and the one an entry names when it is removed is
 * forgotten by knat_persist_forget_dead().  Removed entries drop what
 * they hold after a grace period, once no record can race with them.
 */

#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "flow.h"
#include "persist.h"
#include "service.h"

/* Entries one GC run looks at (the flow GC's budget, KNAT_GC_BUDGET, too). */
#define KNAT_PERSIST_GC_BUDGET	4096

/* No hole in it: memcmp() compares keys.  Of the service's family. */
struct knat_persist_key {
	const struct knat_service *svc;
	union nf_inet_addr client;
};

struct knat_persist {
	struct rhash_head node;
	struct knat_persist_key key;	/* ->svc held */
	struct knat_backend *be;	/* held; NULL once its backend is gone */
	atomic_t nflows;
	u32 expires;			/* jiffies, once nflows is 0 */
	struct rcu_head rcu;
};

static const struct rhashtable_params knat_persist_params = {
	.head_offset = offsetof(struct knat_persist, node),
	.key_offset = offsetof(struct knat_persist, key),
	.key_len = sizeof(struct knat_persist_key),
	.automatic_shrinking = true,
};

static struct knat_persist *
knat_persist_entry_find(struct knat_net *kn, const struct knat_service *svc,
			const union nf_inet_addr *client)
{
	struct knat_persist_key key = { .svc = svc, .client = *client };

	return rhashtable_lookup(&kn->persist, &key, knat_persist_params);
}

static u32 knat_persist_deadline(const struct knat_service *svc)
{
	return (u32)jiffies + READ_ONCE(svc->persist) * HZ;
}

/*
 * The backend a client's entry sends its new flow to, or NULL when it has
 * none that may take one (then the scheduler picks, and
 * knat_persist_record() follows).  Changes nothing.  RCU held.
 */
struct knat_backend *knat_persist_find(struct knat_net *kn,
				       struct knat_service *svc,
				       const union nf_inet_addr *client)
{
	struct knat_persist *p = knat_persist_entry_find(kn, svc, client);
	struct knat_backend *be;

	if (!p)
		return NULL;
	be = READ_ONCE(p->be);
	/* Expired but not yet collected: as good as gone. */
	if (!atomic_read(&p->nflows) &&
	    (s32)(READ_ONCE(p->expires) - (u32)jiffies) <= 0)
		return NULL;
	return be && knat_backend_eligible(be) ? be : NULL;
}

/* Drop an entry's backend if it is still @be; true if this did. */
static bool knat_persist_clear(struct knat_persist *p, struct knat_backend *be)
{
	if (cmpxchg(&p->be, be, NULL) != be)
		return false;
	knat_backend_put(be);
	return true;
}

/*
 * Point @p at @be, which the caller holds a reference on for it.  If @be
 * was removed meanwhile, its removal's walk may have passed @p already:
 * the entry forgets it again.  The xchg() orders the store before the
 * test, as the removal marks the backend dead before it walks.
 */
static void knat_persist_set(struct knat_persist *p, struct knat_backend *be)
{
	struct knat_backend *old = xchg(&p->be, be);

	if (old)
		knat_backend_put(old);
	if (READ_ONCE(be->dead))
		knat_persist_clear(p, be);
}

static void knat_persist_free_rcu(struct rcu_head *head)
{
	struct knat_persist *p = container_of(head, struct knat_persist, rcu);

	/* No record can race with this now: it ran under RCU. */
	if (p->be)
		knat_backend_put(p->be);
	knat_service_put((struct knat_service *)p->key.svc);
	kfree(p);
}

static void knat_persist_entry_del(struct knat_net *kn, struct knat_persist *p)
{
	if (!rhashtable_remove_fast(&kn->persist, &p->node,
				    knat_persist_params)) {
		atomic_dec(&kn->npersist);
		call_rcu(&p->rcu, knat_persist_free_rcu);
	}
}

/*
 * A new flow of @client goes to @be: make or update the client's entry.
 * Returns the backend to use, another CPU's choice if it made the entry
 * first.  A removed backend or service records nothing.  RCU held.
 */
struct knat_backend *knat_persist_record(struct knat_net *kn,
					 struct knat_service *svc,
					 const union nf_inet_addr *client,
					 struct knat_backend *be)
{
	struct knat_persist *p, *old = NULL;
	struct knat_backend *cur;

	if (READ_ONCE(be->dead) || READ_ONCE(svc->dead))
		return be;
	p = knat_persist_entry_find(kn, svc, client);
	if (p) {
		if (READ_ONCE(p->be) != be && knat_backend_get(be))
			knat_persist_set(p, be);
		/* Keep the GC off it until the new flow holds it. */
		WRITE_ONCE(p->expires, knat_persist_deadline(svc));
		return be;
	}

	if (atomic_read(&kn->npersist) >= READ_ONCE(kn->max_flows))
		return be;
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		return be;
	if (!refcount_inc_not_zero(&svc->refcnt))
		goto free;
	if (!knat_backend_get(be)) {
		knat_service_put(svc);
		goto free;
	}
	p->key.svc = svc;
	p->key.client = *client;
	p->be = be;
	p->expires = knat_persist_deadline(svc);
	old = rhashtable_lookup_get_insert_fast(&kn->persist, &p->node,
						knat_persist_params);
	if (!old) {
		atomic_inc(&kn->npersist);
		/*
		 * The service's or backend's removal may have walked past
		 * the new entry: pairs with the barrier in knat_backend_kill()
		 * (set dead, then walk; here insert, then test dead).
		 */
		smp_mb();
		if (READ_ONCE(svc->dead))
			knat_persist_entry_del(kn, p);
		else if (READ_ONCE(be->dead))
			knat_persist_clear(p, be);
		return be;
	}
	knat_backend_put(be);
	knat_service_put(svc);
free:
	/* Another CPU made the client's entry first: follow it. */
	kfree(p);
	if (IS_ERR_OR_NULL(old))
		return be;
	cur = READ_ONCE(old->be);
	return cur && !READ_ONCE(cur->dead) ? cur : be;
}

/* A flow of a persistent service was added: it holds the entry. */
void knat_persist_get(struct knat_net *kn, struct knat_flow *f)
{
	const struct knat_backend *be = f->owner;
	union nf_inet_addr client = knat_flow_client(f);
	struct knat_persist *p;

	p = knat_persist_entry_find(kn, be->svc, &client);
	if (!p)
		return;
	atomic_inc(&p->nflows);
	set_bit(KNAT_FLOW_PERSIST_BIT, &f->status);
}

/* Such a flow is gone: the entry's time starts when its last one is. */
void knat_persist_put(struct knat_net *kn, const struct knat_flow *f)
{
	const struct knat_backend *be = f->owner;
	union nf_inet_addr client = knat_flow_client(f);
	struct knat_persist *p;

	rcu_read_lock();
	p = knat_persist_entry_find(kn, be->svc, &client);
	if (p) {
		/*
		 * The flow ended when it expired, not when the GC came by;
		 * flushed early, it ends now.
		 */
		u32 end = knat_flow_expired(f) ? READ_ONCE(f->expires) :
			  (u32)jiffies;

		WRITE_ONCE(p->expires, end + READ_ONCE(be->svc->persist) * HZ);
		atomic_dec(&p->nflows);
	}
	rcu_read_unlock();
}

/*
 * Walk the entries, removing those @drop says so.  From process context;
 * the walk may see an entry twice or miss one added meanwhile, which
 * costs a later pass, never a wrong removal.
 */
static void knat_persist_walk(struct knat_net *kn,
			      bool (*drop)(struct knat_persist *p,
					   const void *arg),
			      const void *arg)
{
	struct rhashtable_iter iter;
	struct knat_persist *p;

	rhashtable_walk_enter(&kn->persist, &iter);
	rhashtable_walk_start(&iter);
	while ((p = rhashtable_walk_next(&iter))) {
		if (IS_ERR(p))
			continue;
		if (drop(p, arg))
			knat_persist_entry_del(kn, p);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/*
 * An entry of a deleted service goes; one naming a removed backend stays
 * (its flows count on it) and forgets the backend.  The walk holds RCU:
 * a backend a racing knat_persist_set() lets go is not freed under it.
 */
static bool knat_persist_of_dead(struct knat_persist *p, const void *arg)
{
	struct knat_backend *be = READ_ONCE(p->be);

	if (READ_ONCE(p->key.svc->dead))
		return true;
	if (be && READ_ONCE(be->dead))
		knat_persist_clear(p, be);
	return false;
}

/*
 * Backends or services were marked dead: no entry keeps them
 * (knat_persist_record() forgets one it stores while this walks).  From
 * the reaper, kn->lock held.
 */
void knat_persist_forget_dead(struct knat_net *kn)
{
	lockdep_assert_held(&kn->lock);
	if (atomic_read(&kn->npersist))
		knat_persist_walk(kn, knat_persist_of_dead, NULL);
}

static bool knat_persist_expired(struct knat_persist *p, const void *arg)
{
	return !atomic_read(&p->nflows) &&
	       (s32)(READ_ONCE(p->expires) - (u32)jiffies) <= 0;
}

/*
 * From the flow GC, kn->lock held.  Looks at no more than
 * KNAT_PERSIST_GC_BUDGET entries a run and resumes where the last run
 * stopped: the GC comes back every 20 ms while busy, and a whole walk of a
 * table a client population filled would cost each of those runs.  Are
 * entries left?
 */
bool knat_persist_gc(struct knat_net *kn)
{
	struct rhashtable_iter *iter = &kn->persist_gc_iter;
	struct knat_persist *p = NULL;
	unsigned int seen = 0;

	if (!atomic_read(&kn->npersist))
		return false;
	if (!kn->persist_gc_iter_live) {
		rhashtable_walk_enter(&kn->persist, iter);
		kn->persist_gc_iter_live = true;
	}
	rhashtable_walk_start(iter);
	while (seen < KNAT_PERSIST_GC_BUDGET) {
		p = rhashtable_walk_next(iter);
		if (!p)
			break;
		if (IS_ERR(p))
			continue;	/* -EAGAIN: resized, go on */
		seen++;
		if (knat_persist_expired(p, NULL))
			knat_persist_entry_del(kn, p);
	}
	rhashtable_walk_stop(iter);
	if (!p) {
		rhashtable_walk_exit(iter);
		kn->persist_gc_iter_live = false;
	}
	return atomic_read(&kn->npersist);
}

int knat_persist_net_init(struct knat_net *kn)
{
	atomic_set(&kn->npersist, 0);
	return rhashtable_init(&kn->persist, &knat_persist_params);
}

static void knat_persist_free(void *ptr, void *arg)
{
	struct knat_persist *p = ptr;

	if (p->be)
		knat_backend_put(p->be);
	knat_service_put((struct knat_service *)p->key.svc);
	kfree(p);
}

/* Namespace exit: no flow and no reader left. */
void knat_persist_net_exit(struct knat_net *kn)
{
	if (kn->persist_gc_iter_live) {
		rhashtable_walk_exit(&kn->persist_gc_iter);
		kn->persist_gc_iter_live = false;
	}
	rhashtable_free_and_destroy(&kn->persist, knat_persist_free, NULL);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "persist_test.c"
#endif
