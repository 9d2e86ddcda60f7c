// SPDX-License-Identifier: GPL-2.0
/*
 * Port forwards (DNAT rules): [ADDR]:PORT[-PORT] -> TO_ADDR[:PORT[-PORT]].
 * Looked up only for packets that belong to no flow; a packet of a known
 * flow never sees this list.
 */

#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/route.h>

#include "flow.h"
#include "rules.h"

/* Do @a and @b match the same address (either may be "any")? */
static bool knat_forward_addr_overlaps(const struct knat_forward *a,
				       const struct knat_forward *b)
{
	if (a->v6)
		return ipv6_addr_equal(&a->addr6, &b->addr6) ||
		       ipv6_addr_any(&a->addr6) || ipv6_addr_any(&b->addr6);
	return a->addr == b->addr || !a->addr || !b->addr;
}

bool knat_forward_overlaps(const struct knat_forward *a,
			   const struct knat_forward *b)
{
	return a->proto == b->proto && a->v6 == b->v6 &&
	       knat_forward_addr_overlaps(a, b) &&
	       a->port_min <= b->port_max && b->port_min <= a->port_max;
}

/* The same rule: a restore that names it keeps it, flows and all. */
bool knat_forward_same(const struct knat_forward *a,
		       const struct knat_forward *b)
{
	return a->proto == b->proto && a->v6 == b->v6 &&
	       a->addr == b->addr && ipv6_addr_equal(&a->addr6, &b->addr6) &&
	       a->port_min == b->port_min && a->port_max == b->port_max &&
	       a->to_addr == b->to_addr &&
	       ipv6_addr_equal(&a->to_addr6, &b->to_addr6) &&
	       a->to_port == b->to_port;
}

/* DEL's key: protocol, family, address and first port. */
static bool knat_forward_is(const struct knat_forward *f,
			    const struct knat_forward *key)
{
	return f->proto == key->proto && f->v6 == key->v6 &&
	       f->port_min == key->port_min &&
	       (f->v6 ? ipv6_addr_equal(&f->addr6, &key->addr6) :
			f->addr == key->addr);
}

struct knat_forward *knat_forward_alloc(const struct knat_forward *tmpl)
{
	struct knat_forward *f;

	f = kmemdup(tmpl, sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return NULL;
	f->stats = alloc_percpu_gfp(struct knat_rule_stats, GFP_KERNEL_ACCOUNT);
	if (!f->stats) {
		kfree(f);
		return NULL;
	}
	f->removed = 0;
	atomic_set(&f->nflows, 0);
	return f;
}

void knat_forward_free(struct knat_forward *f)
{
	free_percpu(f->stats);
	kfree(f);
}

int knat_forward_add(struct knat_net *kn, const struct knat_forward *tmpl,
		     struct netlink_ext_ack *extack)
{
	struct knat_rule_table *t = knat_rule_table_locked(kn, kn->forwards);
	struct knat_forward *f;
	unsigned int i;
	int err;

	lockdep_assert_held(&kn->lock);
	if (kn->nforwards >= knat_limit(kn, KNAT_LIMIT_FORWARDS)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many forwards as its limit allows");
		return -ENOSPC;
	}
	for (i = 0; t && i < t->n; i++) {
		if (knat_forward_overlaps(t->rule[i], tmpl)) {
			NL_SET_ERR_MSG(extack,
				       "Forward overlaps an existing forward");
			return -EEXIST;
		}
	}

	f = knat_forward_alloc(tmpl);
	if (!f)
		return -ENOMEM;
	err = knat_rule_table_add(kn, &kn->forwards, &kn->nforwards,
				  f->v6 ? &kn->nforwards6 : NULL, f, extack);
	if (err)
		knat_forward_free(f);
	return err;
}

static bool knat_flow_of_forward(const struct knat_flow *flow,
				 const void *arg)
{
	return (flow->kind == KNAT_FLOW_KIND_FORWARD ||
		flow->kind == KNAT_FLOW_KIND_FORWARD_SNAT) &&
	       READ_ONCE(((const struct knat_forward *)flow->owner)->removed);
}

static void knat_forward_free_rcu(struct rcu_head *head)
{
	knat_forward_free(container_of(head, struct knat_forward, rcu));
}

/*
 * Forwards no published table names any more: end their flows (one walk
 * for all of them) and free each once no reader can see it or its flows.
 */
void knat_forwards_destroy(struct knat_net *kn, void **rules, unsigned int n)
{
	struct knat_forward **f = (struct knat_forward **)rules;
	unsigned int i;

	if (!n)
		return;
	for (i = 0; i < n; i++)
		WRITE_ONCE(f[i]->removed, 1);
	/* No packet can match them any more, so no new flow can name one. */
	synchronize_rcu();
	knat_flow_flush(kn, knat_flow_of_forward, NULL);
	/* A packet may still hold one of their flows, and so the rule. */
	for (i = 0; i < n; i++)
		call_rcu(&f[i]->rcu, knat_forward_free_rcu);
}

int knat_forward_del(struct knat_net *kn, const struct knat_forward *key,
		     struct netlink_ext_ack *extack)
{
	struct knat_rule_table *t = knat_rule_table_locked(kn, kn->forwards);
	struct knat_forward *f;
	unsigned int i;

	lockdep_assert_held(&kn->lock);
	for (i = 0; t && i < t->n; i++) {
		f = t->rule[i];
		if (knat_forward_is(f, key)) {
			void *rule = f;

			knat_rule_table_remove(kn, &kn->forwards, f);
			kn->nforwards--;
			if (f->v6)
				kn->nforwards6--;
			knat_forwards_destroy(kn, &rule, 1);
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
	struct knat_rule_table *t = rcu_dereference(kn->forwards);
	unsigned int i, n = t ? READ_ONCE(t->n) : 0;
	struct knat_forward *f;

	for (i = 0; i < n; i++) {
		f = READ_ONCE(t->rule[i]);
		if (f->proto != proto || dport < f->port_min ||
		    dport > f->port_max || f->v6)
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

/* The same for IPv6.  Caller holds RCU. */
struct knat_forward *knat_forward_find6(struct knat_net *kn, u8 proto,
					const struct in6_addr *daddr,
					u16 dport)
{
	struct knat_rule_table *t = rcu_dereference(kn->forwards);
	unsigned int i, n = t ? READ_ONCE(t->n) : 0;
	struct knat_forward *f;

	for (i = 0; i < n; i++) {
		f = READ_ONCE(t->rule[i]);
		if (f->proto != proto || dport < f->port_min ||
		    dport > f->port_max || !f->v6)
			continue;
		if (ipv6_addr_equal(&f->addr6, daddr))
			return f;
		/* "Any address" means any of this host's own. */
		if (ipv6_addr_any(&f->addr6) && !ipv6_addr_loopback(daddr) &&
		    ipv6_chk_addr(kn->net, daddr, NULL, 0))
			return f;
	}
	return NULL;
}

/*
 * Does a forward listen on ADDR:PORT (@addr6 for IPv6, else @addr)?  SNAT
 * must not hand it out.
 */
static bool knat_forward_covers_any(struct knat_net *kn, u8 proto,
				    __be32 addr, const struct in6_addr *addr6,
				    u16 port)
{
	struct knat_rule_table *t;
	struct knat_forward *f;
	unsigned int i, n;
	bool hit = false;

	rcu_read_lock();
	t = rcu_dereference(kn->forwards);
	n = t ? READ_ONCE(t->n) : 0;
	for (i = 0; i < n && !hit; i++) {
		f = READ_ONCE(t->rule[i]);
		if (f->proto != proto || f->v6 != !!addr6 ||
		    port < f->port_min || port > f->port_max)
			continue;
		hit = addr6 ? ipv6_addr_any(&f->addr6) ||
			      ipv6_addr_equal(&f->addr6, addr6) :
			      !f->addr || f->addr == addr;
	}
	rcu_read_unlock();
	return hit;
}

bool knat_forward_covers(struct knat_net *kn, u8 proto, __be32 addr,
			 u16 port)
{
	return knat_forward_covers_any(kn, proto, addr, NULL, port);
}

bool knat_forward_covers6(struct knat_net *kn, u8 proto,
			  const struct in6_addr *addr, u16 port)
{
	return knat_forward_covers_any(kn, proto, 0, addr, port);
}

/* Namespace exit: flows are gone already, and no reader is left. */
void knat_forward_net_exit(struct knat_net *kn)
{
	struct knat_rule_table *t = rcu_dereference_protected(kn->forwards,
							       true);
	unsigned int i;

	for (i = 0; t && i < t->n; i++)
		knat_forward_free(t->rule[i]);
	kvfree(t);
	RCU_INIT_POINTER(kn->forwards, NULL);
	kn->nforwards = 0;
	kn->nforwards6 = 0;
}
