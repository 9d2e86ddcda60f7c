// SPDX-License-Identifier: GPL-2.0
/* Round robin: each eligible backend in turn (weight 0 is skipped). */

#include <linux/slab.h>
#include <linux/spinlock.h>

#include "service.h"

struct knat_rr_state {
	struct knat_sched_data hdr;
	spinlock_t lock;		/* new flows only */
	struct knat_backend *last;	/* the cursor, under lock */
	struct rcu_head rcu;
};

/* knat_sched_data() returns the state through its head. */
static_assert(offsetof(struct knat_rr_state, hdr) == 0);

/* The next eligible backend after the cursor; @take moves the cursor. */
static struct knat_backend *knat_rr_next(struct knat_service *svc, bool take)
{
	struct knat_rr_state *st = knat_sched_data(svc, &knat_sched_rr);
	struct list_head *head = &svc->backends, *p;
	struct knat_backend *pick = NULL;
	unsigned int steps;

	if (!st)
		return NULL;
	spin_lock_bh(&st->lock);
	p = st->last ? &st->last->list : head;
	/*
	 * Once around the ring after the last pick.  Bounded by count, not by
	 * meeting the start again: the last pick may have just been unlinked
	 * (->update() clears it only afterwards).
	 */
	for (steps = 0; steps <= READ_ONCE(svc->nbackends); steps++) {
		struct knat_backend *be;

		p = READ_ONCE(p->next);
		if (p == head)
			p = READ_ONCE(p->next);
		if (p == head)
			break;		/* empty */
		be = list_entry(p, struct knat_backend, list);
		if (knat_backend_eligible(be)) {
			pick = be;
			break;
		}
	}
	if (pick && take)
		st->last = pick;
	spin_unlock_bh(&st->lock);
	return pick;
}

static struct knat_backend *knat_rr_schedule(struct knat_service *svc,
					     const struct knat_tuple *t,
					     const struct in6_addr *a6)
{
	return knat_rr_next(svc, true);
}

static struct knat_backend *knat_rr_peek(struct knat_service *svc,
					 const struct knat_tuple *t,
					 const struct in6_addr *a6)
{
	return knat_rr_next(svc, false);
}

/* A backend leaving must not stay the cursor. */
static int knat_rr_update(struct knat_service *svc)
{
	struct knat_rr_state *st = knat_sched_data_locked(svc, &knat_sched_rr);

	if (st) {
		spin_lock_bh(&st->lock);
		st->last = NULL;
		spin_unlock_bh(&st->lock);
	}
	return 0;
}

static int knat_rr_init(struct knat_service *svc)
{
	struct knat_rr_state *st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);

	if (!st)
		return -ENOMEM;
	st->hdr.sched = &knat_sched_rr;
	spin_lock_init(&st->lock);
	rcu_assign_pointer(svc->sched_data, &st->hdr);
	return 0;
}

/* Readers may still hold the cursor's lock: freed after them. */
static void knat_rr_done(struct knat_service *svc, struct knat_sched_data *d)
{
	struct knat_rr_state *st;

	if (!d)
		return;
	st = container_of(d, struct knat_rr_state, hdr);
	kfree_rcu(st, rcu);
}

const struct knat_sched knat_sched_rr = {
	.name = "rr",
	.init = knat_rr_init,
	.done = knat_rr_done,
	.update = knat_rr_update,
	.schedule = knat_rr_schedule,
	.peek = knat_rr_peek,
};
