// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev: a lookup table built off the fast path on every change of the
 * backend set and swapped in with RCU.  Every router with the same
 * configuration builds the same table and hashes flows the same way, so
 * routers behind ECMP agree on each flow's backend without sharing state.
 */

#include <linux/slab.h>

#include "flow.h"
#include "maglev.h"
#include "service.h"

struct knat_maglev_state {
	struct knat_sched_data hdr;
	struct rcu_head rcu;
	struct knat_maglev *table;
	struct knat_backend *be[];	/* table index -> backend */
};

/* knat_sched_data() returns the state through its head. */
static_assert(offsetof(struct knat_maglev_state, hdr) == 0);

static void knat_maglev_state_free(struct knat_maglev_state *st)
{
	if (!st)
		return;
	knat_maglev_free_rcu(st->table);
	kfree_rcu(st, rcu);
}

static int knat_maglev_update(struct knat_service *svc)
{
	struct knat_maglev_state *st, *old;
	struct knat_maglev_backend *in;
	struct knat_backend *be;
	unsigned int n = 0;
	int err;

	st = kzalloc(struct_size(st, be, svc->nbackends), GFP_KERNEL_ACCOUNT);
	in = kcalloc(max(svc->nbackends, 1U), sizeof(*in), GFP_KERNEL_ACCOUNT);
	if (!st || !in) {
		err = -ENOMEM;
		goto out;
	}
	st->hdr.sched = &knat_sched_maglev;
	list_for_each_entry(be, &svc->backends, list) {
		st->be[n] = be;
		in[n].key = be->key;
		in[n].weight = knat_backend_eligible(be) ? be->weight : 0;
		n++;
	}
	err = knat_maglev_build(&st->table, in, n, svc->maglev_size);
	if (err)
		goto out;

	old = knat_sched_data_locked(svc, &knat_sched_maglev);
	svc->moved = knat_maglev_moved(old ? old->table : NULL, st->table);
	rcu_assign_pointer(svc->sched_data, &st->hdr);
	knat_maglev_state_free(old);
	st = NULL;
out:
	kfree(in);
	kfree(st);
	return err;
}

static int knat_maglev_init(struct knat_service *svc)
{
	return knat_maglev_update(svc);
}

static void knat_maglev_done(struct knat_service *svc,
			     struct knat_sched_data *d)
{
	if (d)
		knat_maglev_state_free(container_of(d, struct knat_maglev_state,
						    hdr));
}

static struct knat_backend *knat_maglev_schedule(struct knat_service *svc,
						 const struct knat_tuple *t,
						 const struct in6_addr *a6)
{
	struct knat_maglev_state *st = knat_sched_data(svc, &knat_sched_maglev);
	struct knat_backend *be;
	u32 idx;

	if (!st)
		return NULL;
	/*
	 * By client address: a client's connections share a backend, and a
	 * router that sees a flow mid-way derives the same choice.
	 */
	idx = knat_maglev_find(st->table, knat_sched_hash(t, a6, true));
	if (idx == KNAT_MAGLEV_NONE)
		return NULL;
	be = st->be[idx];
	return knat_backend_eligible(be) ? be : NULL;
}

const struct knat_sched knat_sched_maglev = {
	.name = "maglev",
	.flags = KNAT_SCHED_F_CONSISTENT,
	.init = knat_maglev_init,
	.done = knat_maglev_done,
	.update = knat_maglev_update,
	.schedule = knat_maglev_schedule,
};
