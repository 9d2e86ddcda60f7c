// SPDX-License-Identifier: GPL-2.0
/*
 * Source hashing: a client address always lands on the same backend while
 * the set of backends stays the same, each backend taking a share of the
 * hash space proportional to its weight.
 */

#include "flow.h"
#include "service.h"

static struct knat_backend *knat_sh_schedule(struct knat_service *svc,
					     const struct knat_tuple *t,
					     const struct in6_addr *a6)
{
	struct knat_backend *be;
	u64 total = 0, point;

	list_for_each_entry_rcu(be, &svc->backends, list)
		if (knat_backend_eligible(be))
			total += READ_ONCE(be->weight);
	if (!total)
		return NULL;
	point = ((u64)knat_sched_hash(t, a6, true) * total) >> 32;
	list_for_each_entry_rcu(be, &svc->backends, list) {
		u32 w;

		if (!knat_backend_eligible(be))
			continue;
		w = READ_ONCE(be->weight);
		if (point < w)
			return be;
		point -= w;
	}
	return NULL;	/* the set changed under us: the caller drops */
}

const struct knat_sched knat_sched_sh = {
	.name = "sh",
	.schedule = knat_sh_schedule,
};
