// SPDX-License-Identifier: GPL-2.0
/*
 * Services and backends: their lifetimes and the scheduler hand-offs.
 * Lists are RCU for the packet path; every change is made under
 * knat_net.lock and followed by the scheduler's ->update().
 *
 * A backend leaves in one of two ways.  Deleted outright, it is marked
 * dead (no scheduler, persistence entry or probe takes it from then on),
 * unlinked, and its flows are ended; flows and persistence entries that
 * still hold it keep it alive until they go, so nothing waits for a grace
 * period.  Deleted with a drain, it only stops taking new flows; the flow
 * GC removes it when its last flow ends or the drain time is up.
 */

#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "estimator.h"
#include "events.h"
#include "flow.h"
#include "health.h"
#include "maglev.h"
#include "persist.h"
#include "reap.h"
#include "rules.h"
#include "service.h"

static void knat_service_free_rcu(struct rcu_head *head)
{
	struct knat_service *svc = container_of(head, struct knat_service, rcu);

	free_percpu(svc->stats);
	kfree(svc);
}

/* The last reference: free once no RCU reader can still hold it. */
void knat_service_put(struct knat_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt))
		call_rcu(&svc->rcu, knat_service_free_rcu);
}

static void knat_backend_free_rcu(struct rcu_head *head)
{
	struct knat_backend *be = container_of(head, struct knat_backend, rcu);

	knat_service_put(be->svc);
	free_percpu(be->stats);
	kfree(be);
}

/*
 * A reference for a flow or a persistence entry, on a backend found under
 * RCU.  Fails once its last reference went (it is dead then, and freed
 * after this reader): the caller makes no flow of it.
 */
bool knat_backend_get(struct knat_backend *be)
{
	return refcount_inc_not_zero(&be->refcnt);
}

void knat_backend_put(struct knat_backend *be)
{
	if (refcount_dec_and_test(&be->refcnt))
		call_rcu(&be->rcu, knat_backend_free_rcu);
}

int knat_service_update(struct knat_service *svc)
{
	return svc->sched->update ? svc->sched->update(svc) : 0;
}

static int knat_service_check(const u32 *persist, const u32 *maglev_size,
			      struct netlink_ext_ack *extack)
{
	if (maglev_size && !knat_maglev_m_valid(*maglev_size)) {
		NL_SET_ERR_MSG(extack,
			       "Maglev table size must be a prime from 251 to 1000003");
		return -EINVAL;
	}
	return 0;
}

static const struct knat_sched *knat_sched_named(const char *name,
						 struct netlink_ext_ack *extack)
{
	const struct knat_sched *sched = knat_sched_find(name);

	if (!sched)
		NL_SET_ERR_MSG(extack,
			       "Unknown scheduler (rr wrr lc wlc sh maglev)");
	return sched;
}

int knat_service_add(struct knat_net *kn, struct knat_service *tmpl,
		     const char *sched_name, struct netlink_ext_ack *extack)
{
	const struct knat_sched *sched;
	struct knat_service *svc;
	int err;

	lockdep_assert_held(&kn->lock);
	if (knat_service_find_locked(kn, tmpl->proto, &tmpl->addr, tmpl->v6,
				     tmpl->port)) {
		NL_SET_ERR_MSG(extack, "Service already exists");
		return -EEXIST;
	}
	sched = knat_sched_named(sched_name ?: "wrr", extack);
	if (!sched)
		return -EINVAL;
	if (!tmpl->maglev_size)
		tmpl->maglev_size = KNAT_MAGLEV_M_DEFAULT;
	err = knat_service_check(&tmpl->persist, &tmpl->maglev_size, extack);
	if (err)
		return err;

	svc = kmemdup(tmpl, sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return -ENOMEM;
	svc->stats = alloc_percpu_gfp(struct knat_svc_stats, GFP_KERNEL_ACCOUNT);
	if (!svc->stats) {
		kfree(svc);
		return -ENOMEM;
	}
	svc->kn = kn;
	refcount_set(&svc->refcnt, 1);
	svc->dead = 0;
	svc->sched = sched;
	RCU_INIT_POINTER(svc->sched_data, NULL);
	INIT_LIST_HEAD(&svc->backends);
	INIT_LIST_HEAD(&svc->trash);
	svc->nbackends = 0;
	atomic_set(&svc->nflows, 0);
	atomic_set(&svc->nactive, 0);
	memset(&svc->est, 0, sizeof(svc->est));
	err = sched->init ? sched->init(svc) : 0;
	if (err) {
		free_percpu(svc->stats);
		kfree(svc);
		return err;
	}

	err = knat_svc_index_add(svc);
	if (err) {
		knat_sched_done(svc);
		free_percpu(svc->stats);
		kfree(svc);
		NL_SET_ERR_MSG(extack, "Cannot index the service");
		return err;
	}
	list_add_tail_rcu(&svc->list, &kn->services);
	kn->nservices++;
	kn->nservices6 += svc->v6;
	err = knat_rules_changed(kn);
	if (err) {
		/* Packets may have found it: it goes as a deleted one does. */
		WRITE_ONCE(svc->dead, 1);
		knat_svc_index_del(svc);
		list_del_rcu(&svc->list);
		kn->nservices--;
		kn->nservices6 -= svc->v6;
		knat_sched_done(svc);
		knat_service_put(svc);
		NL_SET_ERR_MSG(extack, "Cannot register netfilter hooks");
		return err;
	}
	knat_rate_start(kn);
	return 0;
}

int knat_service_set(struct knat_net *kn, struct knat_service *svc,
		     const char *sched_name, const u32 *persist,
		     const u32 *maglev_size, struct netlink_ext_ack *extack)
{
	const struct knat_sched *sched = svc->sched, *old = svc->sched;
	u32 old_size = svc->maglev_size;
	int err;

	lockdep_assert_held(&kn->lock);
	if (sched_name) {
		sched = knat_sched_named(sched_name, extack);
		if (!sched)
			return -EINVAL;
	}
	err = knat_service_check(persist, maglev_size, extack);
	if (err)
		return err;
	if (maglev_size)
		svc->maglev_size = *maglev_size;
	/* Entries made meanwhile keep their time; new ones take this. */
	if (persist)
		WRITE_ONCE(svc->persist, *persist);

	if (sched != old) {
		struct knat_sched_data *prev = knat_sched_data_locked(svc, old);

		/*
		 * The new scheduler's state first, then the switch, then the
		 * old one's state goes (after readers, by RCU): a packet sees
		 * one scheduler or the other, with its own state or, in
		 * between, none (knat_sched_data()).  A failed ->init() left
		 * the old one's in place, and the old scheduler with it.
		 */
		err = sched->init ? sched->init(svc) : 0;
		if (err)
			goto undo;
		WRITE_ONCE(svc->sched, sched);
		/* A scheduler without state of its own leaves the old one's. */
		if (!knat_sched_data_locked(svc, sched))
			RCU_INIT_POINTER(svc->sched_data, NULL);
		if (old->done)
			old->done(svc, prev);
		return knat_service_update(svc);
	}
	if (maglev_size && old_size != *maglev_size) {
		err = knat_service_update(svc);
		if (err)
			goto undo;
	}
	return 0;

undo:
	svc->maglev_size = old_size;
	return err;
}

/* Trashed backends the scheduler no longer names go.  kn->lock held. */
static void knat_service_empty_trash(struct knat_service *svc)
{
	struct knat_backend *be, *tmp;

	list_for_each_entry_safe(be, tmp, &svc->trash, trash) {
		list_del(&be->trash);
		knat_backend_put(be);
	}
}

static int knat_service_rebuild(struct knat_service *svc)
{
	int err = knat_service_update(svc);

	if (!err)
		knat_service_empty_trash(svc);
	return err;
}

/*
 * Mark a backend dead, before anything else, so that from here on no
 * scheduler, persistence lookup or probe hands it out and no new flow or
 * entry keeps it.  The pairing barrier is in knat_new_flow_make(): a flow
 * made meanwhile is seen by the reaper's walk that follows, or sees the
 * mark and ends itself.  kn->lock held.
 */
static void knat_backend_kill(struct knat_backend *be)
{
	u8 old;

	WRITE_ONCE(be->dead, 1);
	smp_mb();	/* dead before the reaper walks; pairs in nat.c */
	/* A probing count is settled once: knat_health_* skip dead ones. */
	old = xchg(&be->health, KNAT_HEALTH_FAILED);
	if (old == KNAT_HEALTH_PROBING)
		atomic_dec(&be->svc->nprobing);
}

/*
 * Draining backends are on the namespace's list, so that the GC looks at
 * them and not at every backend of every service.  State DRAINING is
 * never left but by removal: on the list exactly while in that state.
 */
static void knat_backend_undrain(struct knat_backend *be)
{
	if (be->state == KNAT_BACKEND_DRAINING)
		list_del(&be->drain_node);
}

/*
 * Remove a backend and end its flows; kn->lock held.  No grace period is
 * waited for: whatever still holds the backend (a flow a reader found, a
 * persistence entry being forgotten) keeps it alive until it lets go, and
 * a reader still walking the service's list past it gets there by RCU.
 */
static void knat_backend_unlink(struct knat_backend *be)
{
	struct knat_service *svc = be->svc;
	int err;

	knat_backend_kill(be);
	knat_be_index_del(be);
	knat_backend_undrain(be);
	list_del_rcu(&be->list);
	WRITE_ONCE(svc->nbackends, svc->nbackends - 1);
	svc->kn->nbackends--;
	err = knat_service_rebuild(svc);
	knat_reap_queue(svc->kn);
	if (err)
		/* The scheduler may still name it (dead: never picked). */
		list_add(&be->trash, &svc->trash);
	else
		knat_backend_put(be);
}

int knat_service_del(struct knat_net *kn, struct knat_service *svc)
{
	struct knat_backend *be, *tmp;

	lockdep_assert_held(&kn->lock);
	WRITE_ONCE(svc->dead, 1);
	knat_svc_index_del(svc);
	list_del_rcu(&svc->list);
	kn->nservices--;
	kn->nservices6 -= svc->v6;
	kn->nbackends -= svc->nbackends;
	list_for_each_entry(be, &svc->backends, list) {
		knat_backend_kill(be);
		knat_be_index_del(be);
		knat_backend_undrain(be);
	}
	knat_reap_queue(kn);
	knat_sched_done(svc);
	/*
	 * The backends stay on the list of the unlinked service: a reader
	 * that found the service may still walk it, and each is freed after
	 * such readers, by RCU, once flows and entries made meanwhile let go.
	 */
	list_for_each_entry_safe(be, tmp, &svc->backends, list)
		knat_backend_put(be);
	knat_service_empty_trash(svc);
	knat_service_put(svc);
	return knat_rules_changed(kn);
}

/*
 * Maglev's identity of a backend: the same on every router given the same
 * backend, whatever the order they were added in.  An IPv6 address does
 * not fit beside the port, so it is hashed with a fixed key (a collision
 * only breaks a tie the other way).
 */
static u64 knat_backend_key(const struct knat_service *svc,
			    const union nf_inet_addr *addr, __be16 port)
{
	static const siphash_key_t key = {{
		0x6b6e61742d626b65ULL, 0x792d76362d6b6579ULL,
	}};
	struct {
		union nf_inet_addr addr;
		u64 port;
	} k = { .port = ntohs(port) };

	if (!svc->v6)
		return (u64)ntohl(addr->ip) << 16 | ntohs(port);
	k.addr = *addr;
	return siphash(&k, sizeof(k), &key);
}

int knat_backend_add(struct knat_service *svc, const union nf_inet_addr *addr,
		     __be16 port, u32 weight, struct netlink_ext_ack *extack)
{
	struct knat_backend *be;
	int err;

	lockdep_assert_held(&svc->kn->lock);
	if (knat_backend_find_locked(svc, addr, port)) {
		NL_SET_ERR_MSG(extack, "Backend already exists");
		return -EEXIST;
	}
	if (svc->nbackends >= KNAT_MAGLEV_MAX_BACKENDS) {
		NL_SET_ERR_MSG(extack, "Too many backends");
		return -ENOSPC;
	}
	be = kzalloc(sizeof(*be), GFP_KERNEL_ACCOUNT);
	if (!be)
		return -ENOMEM;
	be->stats = alloc_percpu_gfp(struct knat_backend_stats, GFP_KERNEL_ACCOUNT);
	if (!be->stats) {
		kfree(be);
		return -ENOMEM;
	}
	refcount_set(&be->refcnt, 1);
	refcount_inc(&svc->refcnt);
	be->svc = svc;
	be->addr = *addr;
	be->port = port;
	be->weight = weight;
	be->state = KNAT_BACKEND_UP;
	spin_lock_init(&be->check_lock);
	be->key = knat_backend_key(svc, addr, port);
	atomic_set(&be->nflows, 0);

	err = knat_be_index_add(be);
	if (err) {
		knat_backend_put(be);
		NL_SET_ERR_MSG(extack, "Cannot index the backend");
		return err;
	}
	list_add_tail_rcu(&be->list, &svc->backends);
	WRITE_ONCE(svc->nbackends, svc->nbackends + 1);
	svc->kn->nbackends++;
	err = knat_service_update(svc);
	if (err) {
		knat_backend_unlink(be);
		NL_SET_ERR_MSG(extack, "Scheduler could not take the backend");
	}
	return err;
}

int knat_backend_set(struct knat_backend *be, const u32 *weight,
		     const u8 *state)
{
	lockdep_assert_held(&be->svc->kn->lock);
	if (weight)
		WRITE_ONCE(be->weight, *weight);
	/* A draining backend stays draining: it is on its way out. */
	if (state && be->state != KNAT_BACKEND_DRAINING) {
		WRITE_ONCE(be->state, *state);
		if (*state == KNAT_BACKEND_UP)
			knat_health_reset(be);
	}
	return knat_service_rebuild(be->svc);
}

int knat_backend_del(struct knat_backend *be, u32 drain)
{
	lockdep_assert_held(&be->svc->kn->lock);
	if (!drain || !atomic_read(&be->nflows)) {
		knat_backend_unlink(be);
		return 0;
	}
	be->drain_until = jiffies + (unsigned long)drain * HZ;
	if (be->state != KNAT_BACKEND_DRAINING)
		list_add_tail(&be->drain_node, &be->svc->kn->draining);
	WRITE_ONCE(be->state, KNAT_BACKEND_DRAINING);
	return knat_service_rebuild(be->svc);
}

/*
 * From the flow GC: remove drained backends whose last flow ended or
 * whose drain time is up, and persistence entries whose time is up.
 * Returns whether the GC must come back for either.
 */
bool knat_service_gc(struct knat_net *kn)
{
	struct knat_backend *be, *tmp;
	bool draining = false;

	mutex_lock(&kn->lock);
	list_for_each_entry_safe(be, tmp, &kn->draining, drain_node) {
		if (!atomic_read(&be->nflows) ||
		    time_after_eq(jiffies, be->drain_until)) {
			knat_event_backend(kn, be, KNAT_EVENT_BACKEND_DRAINED);
			knat_backend_unlink(be);
		} else {
			draining = true;
		}
	}
	/* Persistence entries wait out their time. */
	if (knat_persist_gc(kn))
		draining = true;
	mutex_unlock(&kn->lock);
	return draining;
}

/*
 * Namespace exit: flows are gone and no packet is left; persistence
 * entries (freed next) drop what they hold.
 */
void knat_service_net_exit(struct knat_net *kn)
{
	struct knat_service *svc, *tmp;
	struct knat_backend *be, *btmp;

	list_for_each_entry_safe(svc, tmp, &kn->services, list) {
		WRITE_ONCE(svc->dead, 1);
		list_del(&svc->list);
		list_for_each_entry_safe(be, btmp, &svc->backends, list) {
			WRITE_ONCE(be->dead, 1);
			list_del(&be->list);
			knat_backend_put(be);
		}
		knat_service_empty_trash(svc);
		knat_sched_done(svc);
		knat_service_put(svc);
	}
	kn->nservices = 0;
	kn->nservices6 = 0;
	kn->nbackends = 0;
	INIT_LIST_HEAD(&kn->draining);
	knat_svc_index_net_exit(kn);
}
