// SPDX-License-Identifier: GPL-2.0
/*
 * Source NAT rules: from PREFIX [out DEV] to ADDR[-ADDR][:PORT-PORT], or
 * masquerade to DEV's own address.  A rule names its device; the index is
 * looked up when the rule is added and followed through device
 * registration, renames and removal.  When a masqueraded address goes
 * away, the flows that were using it go too: their answers could never
 * come back.
 */

#include <linux/inetdevice.h>
#include <net/addrconf.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "flow.h"
#include "portalloc.h"
#include "rules.h"

/* Rule names a device that does not exist (now): matches nothing. */
#define KNAT_IFINDEX_ABSENT	(-1)

/* One rule's key: what "snat del" names (family, prefix, device). */
bool knat_snat_same_key(const struct knat_snat *a, const struct knat_snat *b)
{
	return a->v6 == b->v6 && a->plen == b->plen &&
	       (a->v6 ? ipv6_addr_equal(&a->src6, &b->src6) :
			a->src == b->src) &&
	       !strncmp(a->ifname, b->ifname, IFNAMSIZ);
}

/* The same rule: a restore that names it keeps it, flows and all. */
bool knat_snat_same(const struct knat_snat *a, const struct knat_snat *b)
{
	return knat_snat_same_key(a, b) && a->to_min == b->to_min &&
	       a->to_max == b->to_max &&
	       ipv6_addr_equal(&a->to_min6, &b->to_min6) &&
	       ipv6_addr_equal(&a->to_max6, &b->to_max6) &&
	       a->port_min == b->port_min &&
	       a->port_max == b->port_max && a->flags == b->flags;
}

static int knat_snat_ifindex(struct net *net, const char *ifname)
{
	struct net_device *dev;
	int ifindex;

	if (!ifname[0])
		return 0;
	rcu_read_lock();
	dev = dev_get_by_name_rcu(net, ifname);
	ifindex = dev ? dev->ifindex : KNAT_IFINDEX_ABSENT;
	rcu_read_unlock();
	return ifindex;
}

struct knat_snat *knat_snat_alloc(struct knat_net *kn,
				  const struct knat_snat *tmpl)
{
	struct knat_snat *r;

	r = kmemdup(tmpl, sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return NULL;
	if (tmpl->flags & KNAT_SNAT_F_MASQUERADE)
		r->naddrs = 1;
	else if (tmpl->v6)
		r->naddrs = ntohl(tmpl->to_max6.s6_addr32[3]) -
			    ntohl(tmpl->to_min6.s6_addr32[3]) + 1;
	else
		r->naddrs = ntohl(tmpl->to_max) - ntohl(tmpl->to_min) + 1;
	r->removed = 0;
	atomic_set(&r->nflows, 0);
	r->ports = NULL;
	r->stats = NULL;
	if (knat_port_map_alloc(r)) {
		kfree(r);
		return NULL;
	}
	r->ifindex = knat_snat_ifindex(kn->net, r->ifname);
	return r;
}

void knat_snat_free(struct knat_snat *r)
{
	knat_port_map_free(r);
	kfree(r);
}

int knat_snat_add(struct knat_net *kn, const struct knat_snat *tmpl,
		  struct netlink_ext_ack *extack)
{
	struct knat_rule_table *t = knat_rule_table_locked(kn, kn->snats);
	struct knat_snat *r;
	unsigned int i;
	int err;

	lockdep_assert_held(&kn->lock);
	if (kn->nsnats >= knat_limit(kn, KNAT_LIMIT_SNATS)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many SNAT rules as its limit allows");
		return -ENOSPC;
	}
	for (i = 0; t && i < t->n; i++) {
		if (knat_snat_same_key(t->rule[i], tmpl)) {
			NL_SET_ERR_MSG(extack, "SNAT rule already exists");
			return -EEXIST;
		}
	}

	r = knat_snat_alloc(kn, tmpl);
	if (!r)
		return -ENOMEM;
	err = knat_rule_table_add(kn, &kn->snats, &kn->nsnats,
				  r->v6 ? &kn->nsnats6 : NULL, r, extack);
	if (err)
		knat_snat_free(r);
	return err;
}

struct knat_snat_flush_arg {
	const struct knat_snat *rule;	/* NULL: every rule marked removed */
	__be32 addr;	/* 0: any outside address */
};

static bool knat_flow_of_snat(const struct knat_flow *f, const void *arg)
{
	const struct knat_snat_flush_arg *a = arg;
	const struct knat_mapping *m = f->owner;

	if (f->kind != KNAT_FLOW_KIND_SNAT)
		return false;
	if (a->rule ? m->key.rule != a->rule : !READ_ONCE(m->key.rule->removed))
		return false;
	return !a->addr || m->out_addr == a->addr;
}

static void knat_snat_flush(struct knat_net *kn, const struct knat_snat *r,
			    __be32 addr)
{
	struct knat_snat_flush_arg arg = { .rule = r, .addr = addr };

	knat_flow_flush(kn, knat_flow_of_snat, &arg);
}

static void knat_snat_free_rcu(struct rcu_head *head)
{
	knat_snat_free(container_of(head, struct knat_snat, rcu));
}

/*
 * Rules no published table names any more: end their flows (one walk for
 * all of them) and free each once no reader can see it or its flows.
 */
void knat_snats_destroy(struct knat_net *kn, void **rules, unsigned int n)
{
	struct knat_snat **r = (struct knat_snat **)rules;
	struct knat_snat_flush_arg arg = {};
	unsigned int i;

	if (!n)
		return;
	for (i = 0; i < n; i++)
		WRITE_ONCE(r[i]->removed, 1);
	/* Then no packet can make a flow for them: end those they made. */
	synchronize_rcu();
	knat_flow_flush(kn, knat_flow_of_snat, &arg);
	/* A packet may still hold one of their flows, and so the rule. */
	for (i = 0; i < n; i++)
		call_rcu(&r[i]->rcu, knat_snat_free_rcu);
}

int knat_snat_del(struct knat_net *kn, const struct knat_snat *key,
		  struct netlink_ext_ack *extack)
{
	struct knat_rule_table *t = knat_rule_table_locked(kn, kn->snats);
	unsigned int i;
	void *r;

	lockdep_assert_held(&kn->lock);
	for (i = 0; t && i < t->n; i++) {
		r = t->rule[i];
		if (!knat_snat_same_key(r, key))
			continue;
		knat_rule_table_remove(kn, &kn->snats, r);
		kn->nsnats--;
		if (((struct knat_snat *)r)->v6)
			kn->nsnats6--;
		knat_snats_destroy(kn, &r, 1);
		return knat_rules_changed(kn);
	}
	NL_SET_ERR_MSG(extack, "No such SNAT rule");
	return -ENOENT;
}

/* The rule for a packet from SADDR leaving through OIF.  RCU held. */
struct knat_snat *knat_snat_find(struct knat_net *kn, __be32 saddr, int oif)
{
	struct knat_rule_table *t = rcu_dereference(kn->snats);
	unsigned int i, n = t ? READ_ONCE(t->n) : 0;
	struct knat_snat *r;

	for (i = 0; i < n; i++) {
		int ifindex;

		r = READ_ONCE(t->rule[i]);
		ifindex = READ_ONCE(r->ifindex);

		if (!r->v6 && (saddr & r->mask) == r->src &&
		    (!ifindex || ifindex == oif))
			return r;
	}
	return NULL;
}

/* The same for IPv6.  RCU held. */
struct knat_snat *knat_snat_find6(struct knat_net *kn,
				  const struct in6_addr *saddr, int oif)
{
	struct knat_rule_table *t = rcu_dereference(kn->snats);
	unsigned int i, n = t ? READ_ONCE(t->n) : 0;
	struct knat_snat *r;

	for (i = 0; i < n; i++) {
		int ifindex;

		r = READ_ONCE(t->rule[i]);
		ifindex = READ_ONCE(r->ifindex);

		if (r->v6 && ipv6_prefix_equal(saddr, &r->src6, r->plen) &&
		    (!ifindex || ifindex == oif))
			return r;
	}
	return NULL;
}

void knat_snat_net_exit(struct knat_net *kn)
{
	cancel_work_sync(&kn->masq6_work);
	struct knat_rule_table *t = rcu_dereference_protected(kn->snats, true);
	unsigned int i;

	for (i = 0; t && i < t->n; i++)
		knat_snat_free(t->rule[i]);
	kvfree(t);
	RCU_INIT_POINTER(kn->snats, NULL);
	kn->nsnats = 0;
	kn->nsnats6 = 0;
}

/* An address left a device: masquerade flows using it are dead. */
static int knat_inetaddr_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	const struct in_ifaddr *ifa = ptr;
	struct net_device *dev = ifa->ifa_dev->dev;
	struct knat_net *kn = knat_net(dev_net(dev));
	struct knat_rule_table *t;
	struct knat_snat *r;
	unsigned int i;

	if (event != NETDEV_DOWN)
		return NOTIFY_DONE;
	mutex_lock(&kn->lock);
	t = knat_rule_table_locked(kn, kn->snats);
	for (i = 0; t && i < t->n; i++) {
		r = t->rule[i];
		if ((r->flags & KNAT_SNAT_F_MASQUERADE) &&
		    r->ifindex == dev->ifindex)
			knat_snat_flush(kn, r, ifa->ifa_local);
	}
	mutex_unlock(&kn->lock);
	return NOTIFY_DONE;
}

struct knat_masq6_arg {
	const struct knat_snat *rule;
	struct net *net;
	const struct net_device *dev;
};

/* An IPv6 masquerade flow whose address its device no longer has. */
static bool knat_flow_of_gone_masq6(const struct knat_flow *f,
				    const void *arg)
{
	const struct knat_masq6_arg *a = arg;
	const struct knat_mapping *m = f->owner;

	return f->kind == KNAT_FLOW_KIND_SNAT && m->key.rule == a->rule &&
	       !ipv6_chk_addr(a->net, &m->out6, a->dev, 0);
}

/*
 * An IPv6 address left a device (the notifier runs in atomic context, so
 * here, later): end the IPv6 masquerade flows whose address their rule's
 * device has no more, as knat_inetaddr_event() does for IPv4.
 */
static void knat_masq6_work(struct work_struct *work)
{
	struct knat_net *kn = container_of(work, struct knat_net, masq6_work);
	struct knat_rule_table *t;
	struct knat_masq6_arg arg = { .net = kn->net };
	unsigned int i;

	mutex_lock(&kn->lock);
	t = knat_rule_table_locked(kn, kn->snats);
	for (i = 0; t && i < t->n; i++) {
		const struct knat_snat *r = t->rule[i];

		if (!r->v6 || !(r->flags & KNAT_SNAT_F_MASQUERADE) ||
		    r->ifindex <= 0)
			continue;
		rcu_read_lock();
		arg.dev = dev_get_by_index_rcu(kn->net, r->ifindex);
		rcu_read_unlock();
		if (!arg.dev)
			continue;
		arg.rule = r;
		/* The device stays: kn->lock holds off its unregistration. */
		knat_flow_flush(kn, knat_flow_of_gone_masq6, &arg);
	}
	mutex_unlock(&kn->lock);
}

static int knat_inet6addr_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	const struct inet6_ifaddr *ifa = ptr;
	struct knat_net *kn = knat_net(dev_net(ifa->idev->dev));

	if (event == NETDEV_DOWN && READ_ONCE(kn->nsnats6))
		schedule_work(&kn->masq6_work);
	return NOTIFY_DONE;
}

void knat_snat_net_init(struct knat_net *kn)
{
	INIT_WORK(&kn->masq6_work, knat_masq6_work);
}

/* Follow devices by name: they come, go and get renamed. */
static int knat_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct knat_net *kn = knat_net(dev_net(dev));
	struct knat_rule_table *t;
	struct knat_snat *r;
	unsigned int i;

	if (event != NETDEV_REGISTER && event != NETDEV_UNREGISTER &&
	    event != NETDEV_CHANGENAME)
		return NOTIFY_DONE;
	mutex_lock(&kn->lock);
	t = knat_rule_table_locked(kn, kn->snats);
	for (i = 0; t && i < t->n; i++) {
		bool named;

		r = t->rule[i];
		named = r->ifname[0] &&
			!strncmp(r->ifname, dev->name, IFNAMSIZ);

		if (event != NETDEV_UNREGISTER && named) {
			WRITE_ONCE(r->ifindex, dev->ifindex);
		} else if (r->ifindex == dev->ifindex &&
			   (event == NETDEV_UNREGISTER || !named)) {
			WRITE_ONCE(r->ifindex, KNAT_IFINDEX_ABSENT);
			knat_snat_flush(kn, r, 0);
		}
	}
	mutex_unlock(&kn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block knat_inetaddr_nb = {
	.notifier_call = knat_inetaddr_event,
};

static struct notifier_block knat_netdev_nb = {
	.notifier_call = knat_netdev_event,
};

static struct notifier_block knat_inet6addr_nb = {
	.notifier_call = knat_inet6addr_event,
};

int knat_snat_init(void)
{
	int err;

	err = register_inetaddr_notifier(&knat_inetaddr_nb);
	if (err)
		return err;
	err = register_inet6addr_notifier(&knat_inet6addr_nb);
	if (err)
		goto err_v4;
	err = register_netdevice_notifier(&knat_netdev_nb);
	if (err)
		goto err_v6;
	return 0;
err_v6:
	unregister_inet6addr_notifier(&knat_inet6addr_nb);
err_v4:
	unregister_inetaddr_notifier(&knat_inetaddr_nb);
	return err;
}

void knat_snat_uninit(void)
{
	unregister_netdevice_notifier(&knat_netdev_nb);
	unregister_inet6addr_notifier(&knat_inet6addr_nb);
	unregister_inetaddr_notifier(&knat_inetaddr_nb);
}
