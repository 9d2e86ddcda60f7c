// SPDX-License-Identifier: GPL-2.0
/*
 * Port forwards (DNAT rules): [ADDR]:PORT[-PORT] -> TO_ADDR[:PORT[-PORT]].
 * Looked up only for packets that belong to no flow; a packet of a known
 * flow never sees this list.
 */

#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/route.h>

#include "flow.h"
#include "rules.h"

static bool knat_forward_overlaps(const struct knat_forward *a,
				  const struct knat_forward *b)
{
	return a->proto == b->proto &&
	       (a->addr == b->addr || !a->addr || !b->addr) &&
	       a->port_min <= b->port_max && b->port_min <= a->port_max;
}

int knat_forward_add(struct knat_net *kn, const struct knat_forward *tmpl,
		     struct netlink_ext_ack *extack)
{
	struct knat_forward *f;
	int err;

	lockdep_assert_held(&kn->lock);
	if (kn->nforwards >= knat_limit(kn, KNAT_LIMIT_FORWARDS)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many forwards as its limit allows");
		return -ENOSPC;
	}
	list_for_each_entry(f, &kn->forwards, list) {
		if (knat_forward_overlaps(f, tmpl)) {
			NL_SET_ERR_MSG(extack,
				       "Forward overlaps an existing forward");
			return -EEXIST;
		}
	}

	f = kmemdup(tmpl, sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	f->stats = alloc_percpu_gfp(struct knat_rule_stats, GFP_KERNEL_ACCOUNT);
	if (!f->stats) {
		kfree(f);
		return -ENOMEM;
	}
	atomic_set(&f->nflows, 0);

	/* Hooks first: a rule no packet has seen goes without a grace period. */
	kn->nforwards++;
	err = knat_rules_changed(kn);
	if (err) {
		kn->nforwards--;
		free_percpu(f->stats);
		kfree(f);
		NL_SET_ERR_MSG(extack, "Cannot register netfilter hooks");
		return err;
	}
	list_add_tail_rcu(&f->list, &kn->forwards);
	return 0;
}

static bool knat_flow_of_forward(const struct knat_flow *flow,
				 const void *arg)
{
	return (flow->kind == KNAT_FLOW_KIND_FORWARD ||
		flow->kind == KNAT_FLOW_KIND_FORWARD_SNAT) &&
	       flow->owner == arg;
}

static void knat_forward_free_rcu(struct rcu_head *head)
{
	struct knat_forward *f = container_of(head, struct knat_forward, rcu);

	free_percpu(f->stats);
	kfree(f);
}

/* Unlink, end its flows, free once no reader can see it or its flows. */
static void knat_forward_destroy(struct knat_net *kn, struct knat_forward *f)
{
	list_del_rcu(&f->list);
	kn->nforwards--;
	/* No packet can match it any more, so no new flow can name it. */
	synchronize_rcu();
	knat_flow_flush(kn, knat_flow_of_forward, f);
	/* A packet may still hold one of its flows, and so the rule. */
	call_rcu(&f->rcu, knat_forward_free_rcu);
}

int knat_forward_del(struct knat_net *kn, u8 proto, __be32 addr, u16 port,
		     struct netlink_ext_ack *extack)
{
	struct knat_forward *f;

	lockdep_assert_held(&kn->lock);
	list_for_each_entry(f, &kn->forwards, list) {
		if (f->proto == proto && f->addr == addr &&
		    f->port_min == port) {
			knat_forward_destroy(kn, f);
			return knat_rules_changed(kn);
		}
	}
	NL_SET_ERR_MSG(extack, "No such forward");
	return -ENOENT;
}

/* The forward a new flow to DADDR:DPORT takes.  Caller holds RCU. */
struct knat_forward *knat_forward_find(struct knat_net *kn, u8 proto,
				       __be32 daddr, u16 dport)
{
	struct knat_forward *f;

	list_for_each_entry_rcu(f, &kn->forwards, list) {
		if (f->proto != proto || dport < f->port_min ||
		    dport > f->port_max)
			continue;
		if (f->addr == daddr)
			return f;
		/* "Any address" means any of this host's own. */
		if (!f->addr && !ipv4_is_loopback(daddr) &&
		    inet_addr_type(kn->net, daddr) == RTN_LOCAL)
			return f;
	}
	return NULL;
}

/* Does a forward listen on ADDR:PORT?  SNAT must not hand it out. */
bool knat_forward_covers(struct knat_net *kn, u8 proto, __be32 addr,
			 u16 port)
{
	struct knat_forward *f;
	bool hit = false;

	rcu_read_lock();
	list_for_each_entry_rcu(f, &kn->forwards, list) {
		if (f->proto == proto && (!f->addr || f->addr == addr) &&
		    port >= f->port_min && port <= f->port_max) {
			hit = true;
			break;
		}
	}
	rcu_read_unlock();
	return hit;
}

/* Namespace exit: flows are gone already, and no reader is left. */
void knat_forward_net_exit(struct knat_net *kn)
{
	struct knat_forward *f, *tmp;

	list_for_each_entry_safe(f, tmp, &kn->forwards, list) {
		list_del(&f->list);
		free_percpu(f->stats);
		kfree(f);
	}
	kn->nforwards = 0;
}
