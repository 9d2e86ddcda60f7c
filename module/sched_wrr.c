// SPDX-License-Identifier: GPL-2.0
/*
 * Smooth weighted round robin: every pick adds each backend's weight to
 * its credit and takes the richest, which pays the total.  Weights 5,1,1
 * give a a b a c a a, never five a's in a row (IPVS's wrr bursts).
 */

#include "service.h"

/* The richest backend after this round's credit; @take pays for it. */
static struct knat_backend *knat_wrr_next(struct knat_service *svc, bool take)
{
	struct knat_backend *be, *best = NULL;
	int total = 0, best_cur = 0;

	spin_lock_bh(&svc->sched_lock);
	list_for_each_entry_rcu(be, &svc->backends, list) {
		int w, cur;

		if (!knat_backend_eligible(be))
			continue;
		w = READ_ONCE(be->weight);
		cur = be->wrr_current + w;
		if (take)
			be->wrr_current = cur;
		total += w;
		if (!best || cur > best_cur) {
			best = be;
			best_cur = cur;
		}
	}
	if (best && take)
		best->wrr_current -= total;
	spin_unlock_bh(&svc->sched_lock);
	return best;
}

static struct knat_backend *knat_wrr_schedule(struct knat_service *svc,
					      const struct knat_tuple *t)
{
	return knat_wrr_next(svc, true);
}

static struct knat_backend *knat_wrr_peek(struct knat_service *svc,
					  const struct knat_tuple *t)
{
	return knat_wrr_next(svc, false);
}

/* Start every round fresh when the set or the weights change. */
static int knat_wrr_update(struct knat_service *svc)
{
	struct knat_backend *be;

	spin_lock_bh(&svc->sched_lock);
	list_for_each_entry(be, &svc->backends, list)
		be->wrr_current = 0;
	spin_unlock_bh(&svc->sched_lock);
	return 0;
}

const struct knat_sched knat_sched_wrr = {
	.name = "wrr",
	.update = knat_wrr_update,
	.schedule = knat_wrr_schedule,
	.peek = knat_wrr_peek,
};
