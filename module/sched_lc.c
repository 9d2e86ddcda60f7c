// SPDX-License-Identifier: GPL-2.0
/* Least connections: the eligible backend with the fewest active flows. */

#include "service.h"

static struct knat_backend *knat_lc_schedule(struct knat_service *svc,
					     const struct knat_tuple *t,
					     const struct in6_addr *a6)
{
	struct knat_backend *be, *best = NULL;
	int least = INT_MAX;

	list_for_each_entry_rcu(be, &svc->backends, list) {
		int n = atomic_read(&be->nflows);

		if (knat_backend_eligible(be) && n < least) {
			least = n;
			best = be;
		}
	}
	return best;
}

const struct knat_sched knat_sched_lc = {
	.name = "lc",
	.schedule = knat_lc_schedule,
};
