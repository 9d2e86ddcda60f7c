// SPDX-License-Identifier: GPL-2.0
/* Round robin: each eligible backend in turn (weight 0 is skipped). */

#include "service.h"

/* The next eligible backend after the cursor; @take moves the cursor. */
static struct knat_backend *knat_rr_next(struct knat_service *svc, bool take)
{
	struct list_head *head = &svc->backends, *p;
	struct knat_backend *pick = NULL;
	unsigned int steps;

	spin_lock_bh(&svc->sched_lock);
	p = svc->rr_last ? &svc->rr_last->list : head;
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
		svc->rr_last = pick;
	spin_unlock_bh(&svc->sched_lock);
	return pick;
}

static struct knat_backend *knat_rr_schedule(struct knat_service *svc,
					     const struct knat_tuple *t)
{
	return knat_rr_next(svc, true);
}

static struct knat_backend *knat_rr_peek(struct knat_service *svc,
					 const struct knat_tuple *t)
{
	return knat_rr_next(svc, false);
}

/* A backend leaving must not stay the cursor. */
static int knat_rr_update(struct knat_service *svc)
{
	spin_lock_bh(&svc->sched_lock);
	svc->rr_last = NULL;
	spin_unlock_bh(&svc->sched_lock);
	return 0;
}

const struct knat_sched knat_sched_rr = {
	.name = "rr",
	.update = knat_rr_update,
	.schedule = knat_rr_schedule,
	.peek = knat_rr_peek,
};
