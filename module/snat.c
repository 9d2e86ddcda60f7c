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
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "flow.h"
#include "portalloc.h"
#include "rules.h"

/* Rule names a device that does not exist (now): matches nothing. */
#define KNAT_IFINDEX_ABSENT	(-1)

static bool knat_snat_same(const struct knat_snat *r, __be32 src, u8 plen,
			   const char *ifname)
{
	return r->src == src && r->plen == plen &&
	       !strncmp(r->ifname, ifname, IFNAMSIZ);
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

int knat_snat_add(struct knat_net *kn, const struct knat_snat *tmpl,
		  struct netlink_ext_ack *extack)
{
	struct knat_snat *r;
	int err;

	lockdep_assert_held(&kn->lock);
	if (kn->nsnats >= knat_limit(kn, KNAT_LIMIT_SNATS)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many SNAT rules as its limit allows");
		return -ENOSPC;
	}
	list_for_each_entry(r, &kn->snats, list) {
		if (knat_snat_same(r, tmpl->src, tmpl->plen, tmpl->ifname)) {
			NL_SET_ERR_MSG(extack, "SNAT rule already exists");
			return -EEXIST;
		}
	}

	r = kmemdup(tmpl, sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->naddrs = (tmpl->flags & KNAT_SNAT_F_MASQUERADE) ? 1 :
		    ntohl(tmpl->to_max) - ntohl(tmpl->to_min) + 1;
	atomic_set(&r->nflows, 0);
	r->ports = NULL;
	r->stats = NULL;
	err = knat_port_map_alloc(r);
	if (err) {
		kfree(r);
		return err;
	}
	r->ifindex = knat_snat_ifindex(kn->net, r->ifname);

	/* Hooks first: a rule no packet has seen goes without a grace period. */
	kn->nsnats++;
	err = knat_rules_changed(kn);
	if (err) {
		kn->nsnats--;
		knat_port_map_free(r);
		kfree(r);
		NL_SET_ERR_MSG(extack, "Cannot register netfilter hooks");
		return err;
	}
	list_add_tail_rcu(&r->list, &kn->snats);
	return 0;
}

struct knat_snat_flush_arg {
	const struct knat_snat *rule;
	__be32 addr;	/* 0: any outside address */
};

static bool knat_flow_of_snat(const struct knat_flow *f, const void *arg)
{
	const struct knat_snat_flush_arg *a = arg;
	const struct knat_mapping *m = f->owner;

	return f->kind == KNAT_FLOW_KIND_SNAT && m->key.rule == a->rule &&
	       (!a->addr || m->out_addr == a->addr);
}

static void knat_snat_flush(struct knat_net *kn, const struct knat_snat *r,
			    __be32 addr)
{
	struct knat_snat_flush_arg arg = { .rule = r, .addr = addr };

	knat_flow_flush(kn, knat_flow_of_snat, &arg);
}

static void knat_snat_free_rcu(struct rcu_head *head)
{
	struct knat_snat *r = container_of(head, struct knat_snat, rcu);

	knat_port_map_free(r);
	kfree(r);
}

int knat_snat_del(struct knat_net *kn, __be32 src, u8 plen,
		  const char *ifname, struct netlink_ext_ack *extack)
{
	struct knat_snat *r;

	lockdep_assert_held(&kn->lock);
	list_for_each_entry(r, &kn->snats, list) {
		if (!knat_snat_same(r, src, plen, ifname))
			continue;
		list_del_rcu(&r->list);
		kn->nsnats--;
		/* Then no packet can make a flow for it: end those it made. */
		synchronize_rcu();
		knat_snat_flush(kn, r, 0);
		/* A packet may still hold one of its flows, and so the rule. */
		call_rcu(&r->rcu, knat_snat_free_rcu);
		return knat_rules_changed(kn);
	}
	NL_SET_ERR_MSG(extack, "No such SNAT rule");
	return -ENOENT;
}

/* The rule for a packet from SADDR leaving through OIF.  RCU held. */
struct knat_snat *knat_snat_find(struct knat_net *kn, __be32 saddr, int oif)
{
	struct knat_snat *r;

	list_for_each_entry_rcu(r, &kn->snats, list) {
		int ifindex = READ_ONCE(r->ifindex);

		if ((saddr & r->mask) == r->src && (!ifindex || ifindex == oif))
			return r;
	}
	return NULL;
}

void knat_snat_net_exit(struct knat_net *kn)
{
	struct knat_snat *r, *tmp;

	list_for_each_entry_safe(r, tmp, &kn->snats, list) {
		list_del(&r->list);
		knat_port_map_free(r);
		kfree(r);
	}
	kn->nsnats = 0;
}

/* An address left a device: masquerade flows using it are dead. */
static int knat_inetaddr_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	const struct in_ifaddr *ifa = ptr;
	struct net_device *dev = ifa->ifa_dev->dev;
	struct knat_net *kn = knat_net(dev_net(dev));
	struct knat_snat *r;

	if (event != NETDEV_DOWN)
		return NOTIFY_DONE;
	mutex_lock(&kn->lock);
	list_for_each_entry(r, &kn->snats, list)
		if ((r->flags & KNAT_SNAT_F_MASQUERADE) &&
		    r->ifindex == dev->ifindex)
			knat_snat_flush(kn, r, ifa->ifa_local);
	mutex_unlock(&kn->lock);
	return NOTIFY_DONE;
}

/* Follow devices by name: they come, go and get renamed. */
static int knat_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct knat_net *kn = knat_net(dev_net(dev));
	struct knat_snat *r;

	if (event != NETDEV_REGISTER && event != NETDEV_UNREGISTER &&
	    event != NETDEV_CHANGENAME)
		return NOTIFY_DONE;
	mutex_lock(&kn->lock);
	list_for_each_entry(r, &kn->snats, list) {
		bool named = r->ifname[0] &&
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

int knat_snat_init(void)
{
	int err;

	err = register_inetaddr_notifier(&knat_inetaddr_nb);
	if (err)
		return err;
	err = register_netdevice_notifier(&knat_netdev_nb);
	if (err)
		unregister_inetaddr_notifier(&knat_inetaddr_nb);
	return err;
}

void knat_snat_uninit(void)
{
	unregister_netdevice_notifier(&knat_netdev_nb);
	unregister_inetaddr_notifier(&knat_inetaddr_nb);
}
