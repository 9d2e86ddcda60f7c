// SPDX-License-Identifier: GPL-2.0
/*
 * Weighted least connections: the fewest active flows per unit of weight,
 * compared by cross-multiplying (no division on the packet path).
 */

#include "service.h"

static struct knat_backend *knat_wlc_schedule(struct knat_service *svc,
					      const struct knat_tuple *t,
					      const struct in6_addr *a6)
{
	struct knat_backend *be, *best = NULL;
	u64 best_n = 0, best_w = 1;

	list_for_each_entry_rcu(be, &svc->backends, list) {
		u64 n = atomic_read(&be->nflows), w = READ_ONCE(be->weight);

		if (!knat_backend_eligible(be))
			continue;
		if (!best || n * best_w < best_n * w) {
			best = be;
			best_n = n;
			best_w = w;
		}
	}
	return best;
}

const struct knat_sched knat_sched_wlc = {
	.name = "wlc",
	.schedule = knat_wlc_schedule,
};
