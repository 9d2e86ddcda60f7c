// SPDX-License-Identifier: GPL-2.0
/*
 * Smooth weighted round robin: every pick adds each backend's weight to
 * its credit and takes the richest, which pays the total.  Weights 5,1,1
 * give a a b a c a a, never five a's in a row (IPVS's wrr bursts).
 */

#include <linux/slab.h>
#include <linux/spinlock.h>

#include "service.h"

struct knat_wrr_entry {
	struct knat_backend *be;
	int cur;			/* credit, under the state's lock */
};

/*
 * The backends in list order with their credits, rebuilt by every
 * ->update(), which starts a fresh round anyway.  A removed backend may
 * stay in it until then: it is dead, never eligible, and held meanwhile
 * (service.c's trash).
 */
struct knat_wrr_state {
	struct knat_sched_data hdr;
	spinlock_t lock;		/* new flows only */
	unsigned int n;
	struct rcu_head rcu;
	struct knat_wrr_entry e[];
};

/* knat_sched_data() returns the state through its head. */
static_assert(offsetof(struct knat_wrr_state, hdr) == 0);

/* The richest backend after this round's credit; @take pays for it. */
static struct knat_backend *knat_wrr_next(struct knat_service *svc, bool take)
{
	struct knat_wrr_state *st = knat_sched_data(svc, &knat_sched_wrr);
	struct knat_wrr_entry *best = NULL;
	int total = 0, best_cur = 0;
	unsigned int i;

	if (!st)
		return NULL;
	spin_lock_bh(&st->lock);
	for (i = 0; i < st->n; i++) {
		struct knat_wrr_entry *e = &st->e[i];
		int w, cur;

		if (!knat_backend_eligible(e->be))
			continue;
		w = READ_ONCE(e->be->weight);
		cur = e->cur + w;
		if (take)
			e->cur = cur;
		total += w;
		if (!best || cur > best_cur) {
			best = e;
			best_cur = cur;
		}
	}
	if (best && take)
		best->cur -= total;
	spin_unlock_bh(&st->lock);
	return best ? best->be : NULL;
}

static struct knat_backend *knat_wrr_schedule(struct knat_service *svc,
					      const struct knat_tuple *t,
					      const struct in6_addr *a6)
{
	return knat_wrr_next(svc, true);
}

static struct knat_backend *knat_wrr_peek(struct knat_service *svc,
					  const struct knat_tuple *t,
					  const struct in6_addr *a6)
{
	return knat_wrr_next(svc, false);
}

static void knat_wrr_free(struct knat_sched_data *d)
{
	if (d)
		kfree_rcu(container_of(d, struct knat_wrr_state, hdr), rcu);
}

/*
 * A new state of the current set, every credit 0 (a fresh round when the
 * set or the weights change); the old one goes after its readers.
 */
static int knat_wrr_update(struct knat_service *svc)
{
	struct knat_wrr_state *st, *old;
	struct knat_backend *be;
	unsigned int n = 0;

	st = kzalloc(struct_size(st, e, svc->nbackends), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	st->hdr.sched = &knat_sched_wrr;
	spin_lock_init(&st->lock);
	list_for_each_entry(be, &svc->backends, list) {
		if (n == svc->nbackends)
			break;
		st->e[n++].be = be;
	}
	st->n = n;

	old = knat_sched_data_locked(svc, &knat_sched_wrr);
	rcu_assign_pointer(svc->sched_data, &st->hdr);
	knat_wrr_free(old ? &old->hdr : NULL);
	return 0;
}

static int knat_wrr_init(struct knat_service *svc)
{
	return knat_wrr_update(svc);
}

static void knat_wrr_done(struct knat_service *svc, struct knat_sched_data *d)
{
	knat_wrr_free(d);
}

const struct knat_sched knat_sched_wrr = {
	.name = "wrr",
	.init = knat_wrr_init,
	.done = knat_wrr_done,
	.update = knat_wrr_update,
	.schedule = knat_wrr_schedule,
	.peek = knat_wrr_peek,
};
