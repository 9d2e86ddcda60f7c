// SPDX-License-Identifier: GPL-2.0
/*
 * The reaper: ends the flows and forgets the persistence entries that
 * removed backends and services leave behind, off the configuration lock.
 *
 * A removal marks its backends dead under kn->lock and returns; from then
 * on no packet, scheduler or persistence lookup uses them (the packet
 * path ends a dead backend's flow it finds, knat_flow_stale()).  What is
 * left is cleanup, two walks: the flow table, without kn->lock (flows are
 * deleted locklessly, as `flow del` and the GC delete them), and the
 * persistence table, under it (its GC runs there too).  One run serves
 * every removal made before it started, so deleting a service of 5 000
 * backends, or many backends at once, walks each table once, and the
 * namespace's other configuration and its GC never wait for a walk.
 *
 * The netlink handlers that remove wait for the run after their unlock
 * (knat_reap_wait()), so that when `del` returns the flows are gone, as
 * they were when the walks ran inside the lock; the flow GC's drained
 * backends do not wait.
 */

#include <linux/workqueue.h>

#include "persist.h"
#include "reap.h"

static bool knat_flow_of_removed(const struct knat_flow *f, const void *arg)
{
	return knat_flow_orphaned(f);
}

static void knat_reap(struct work_struct *work)
{
	struct knat_net *kn = container_of(work, struct knat_net, reap_work);

	knat_flow_flush(kn, knat_flow_of_removed, NULL);
	mutex_lock(&kn->lock);
	knat_persist_forget_dead(kn);
	mutex_unlock(&kn->lock);
}

/* Backends were marked dead: reap after them.  kn->lock held. */
void knat_reap_queue(struct knat_net *kn)
{
	lockdep_assert_held(&kn->lock);
	queue_work(system_unbound_wq, &kn->reap_work);
}

/* Until what was removed before this call is reaped.  kn->lock not held. */
void knat_reap_wait(struct knat_net *kn)
{
	flush_work(&kn->reap_work);
}

void knat_reap_net_init(struct knat_net *kn)
{
	INIT_WORK(&kn->reap_work, knat_reap);
}

/* Before the flows and rules go: what the reaper would end goes anyway. */
void knat_reap_net_exit(struct knat_net *kn)
{
	cancel_work_sync(&kn->reap_work);
}
