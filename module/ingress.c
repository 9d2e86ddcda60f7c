// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path's ingress hook: established flows leave from the device's
 * netfilter ingress hook, before IPv4 input, PRE_ROUTING and the rest of
 * the stack see the packet (as nft's flowtable does).
 *
 * The route is learned as before (fastpath.c, at POST_ROUTING); this hook
 * only takes, earlier, packets the PRE_ROUTING fast path would take.  It
 * declines anything else untouched and uncounted: the packet then goes
 * through ip_rcv() and PRE_ROUTING, whose fast path or slow path counts
 * why it did not leave fast.  So what ip_rcv() would refuse (a bad header
 * checksum, a short packet) is declined here, never judged.
 *
 * While a namespace has rules and the fast path on, every device in it
 * but loopback gets the hook; a notifier follows devices that come and
 * go.  Hooks change under RTNL, which the configuration (under kn->lock)
 * cannot take: rtnl -> kn->lock is the order the device notifiers use.
 * So configuration asks a work item to bring the hooks in line.
 */

#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/netfilter_netdev.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>

#include "fastpath.h"
#include "nat.h"
#include "stats.h"

/* After the administrator's own netdev ingress chains (priority 0). */
#define KNAT_PRI_INGRESS	100

struct knat_ingress {
	struct list_head node;		/* kn->ingress, under RTNL */
	struct nf_hook_ops ops;
	struct rcu_head rcu;
};

static unsigned int knat_ingress_hook(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct knat_net *kn = knat_net(state->net);
	struct knat_flow_half *h;
	const struct iphdr *iph;
	struct knat_flow *f;
	struct knat_pkt p;
	unsigned int len;
	int v, dir;

	if (skb->protocol != htons(ETH_P_IP) || skb_vlan_tag_present(skb) ||
	    skb->pkt_type != PACKET_HOST || !READ_ONCE(kn->fastpath) ||
	    atomic_read(&kn->nfast) <= 0)
		return NF_ACCEPT;
	/* What ip_rcv_core() checks, for what the fast path reads. */
	if (!pskb_may_pull(skb, sizeof(*iph)))
		return NF_ACCEPT;
	iph = ip_hdr(skb);
	if (iph->ihl != 5 || iph->version != 4 || ip_is_fragment(iph) ||
	    iph->ttl <= 1 || ip_fast_csum(iph, iph->ihl))
		return NF_ACCEPT;
	len = ntohs(iph->tot_len);
	if (len < sizeof(*iph) || skb->len < len)
		return NF_ACCEPT;
	/* Link padding goes, as ip_rcv_core() would drop it. */
	if (skb->len > len && pskb_trim_rcsum(skb, len))
		return NF_ACCEPT;

	if (knat_parse(skb, &p) != KNAT_PARSE_OK || p.icmp_err)
		return NF_ACCEPT;
	h = knat_flow_find(kn, &p.t);
	if (!h)
		return NF_ACCEPT;
	f = knat_flow_of(h);
	dir = h->tuple.dir;
	if (!knat_flow_fast_dst(f, dir) ||
	    knat_flow_fast_iif(f, dir) != state->in->ifindex ||
	    knat_flow_stale(f, dir, &p) != KNAT_FLOW_USABLE ||
	    knat_pkt_invalid(skb, &p, NF_INET_PRE_ROUTING) != __KNAT_DROP_MAX)
		return NF_ACCEPT;
	/*
	 * A veth brings a local socket's packets with the socket still
	 * attached; ip_rcv_core() lets it go too (unless a tc program
	 * chose the socket: that one is the stack's).
	 */
	if (skb->sk) {
		if (skb_sk_is_prefetched(skb))
			return NF_ACCEPT;
		skb_orphan(skb);
	}
	v = __knat_fast_xmit(kn, f, dir, skb, &p, state);
	return v == KNAT_FAST_SLOW ? NF_ACCEPT : v;
}

static bool knat_ingress_wanted(const struct knat_net *kn)
{
	return READ_ONCE(kn->fastpath) && READ_ONCE(kn->hooks_active) &&
	       !READ_ONCE(kn->ingress_dying);
}

static struct knat_ingress *knat_ingress_of(struct knat_net *kn,
					    const struct net_device *dev)
{
	struct knat_ingress *in;

	list_for_each_entry(in, &kn->ingress, node)
		if (in->ops.dev == dev)
			return in;
	return NULL;
}

static void knat_ingress_add(struct knat_net *kn, struct net_device *dev)
{
	struct knat_ingress *in;

	ASSERT_RTNL();
	if ((dev->flags & IFF_LOOPBACK) || knat_ingress_of(kn, dev))
		return;
	in = kzalloc(sizeof(*in), GFP_KERNEL_ACCOUNT);
	if (!in)
		return;		/* that device's flows keep PRE_ROUTING's */
	in->ops = (struct nf_hook_ops) {
		.hook = knat_ingress_hook,
		.pf = NFPROTO_NETDEV,
		.hooknum = NF_NETDEV_INGRESS,
		.priority = KNAT_PRI_INGRESS,
		.dev = dev,
	};
	if (nf_register_net_hook(kn->net, &in->ops)) {
		kfree(in);
		return;
	}
	list_add(&in->node, &kn->ingress);
	WRITE_ONCE(kn->ningress, kn->ningress + 1);
}

static void knat_ingress_del(struct knat_net *kn, struct knat_ingress *in)
{
	ASSERT_RTNL();
	nf_unregister_net_hook(kn->net, &in->ops);
	list_del(&in->node);
	WRITE_ONCE(kn->ningress, kn->ningress - 1);
	/* A hook dump (nfnetlink_hook) reads the ops under RCU. */
	kfree_rcu(in, rcu);
}

static void knat_ingress_del_all(struct knat_net *kn)
{
	struct knat_ingress *in, *tmp;

	list_for_each_entry_safe(in, tmp, &kn->ingress, node)
		knat_ingress_del(kn, in);
}

/* Hooks on every device while wanted, on none otherwise. */
static void knat_ingress_work(struct work_struct *work)
{
	struct knat_net *kn = container_of(work, struct knat_net,
					   ingress_work);
	struct net_device *dev;

	rtnl_lock();
	if (knat_ingress_wanted(kn)) {
		for_each_netdev(kn->net, dev)
			knat_ingress_add(kn, dev);
	} else {
		knat_ingress_del_all(kn);
	}
	rtnl_unlock();
}

/* The fast path or the rules changed: bring the hooks in line. */
void knat_ingress_sync(struct knat_net *kn)
{
	if (IS_ENABLED(CONFIG_NETFILTER_INGRESS) && !kn->ingress_dying)
		queue_work(system_wq, &kn->ingress_work);
}

static int knat_ingress_netdev_event(struct notifier_block *nb,
				     unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct knat_net *kn = knat_net(dev_net(dev));
	struct knat_ingress *in;

	switch (event) {
	case NETDEV_REGISTER:
		if (knat_ingress_wanted(kn))
			knat_ingress_add(kn, dev);
		break;
	case NETDEV_UNREGISTER:
		in = knat_ingress_of(kn, dev);
		if (in)
			knat_ingress_del(kn, in);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block knat_ingress_nb = {
	.notifier_call = knat_ingress_netdev_event,
};

void knat_ingress_net_init(struct knat_net *kn)
{
	INIT_LIST_HEAD(&kn->ingress);
	INIT_WORK(&kn->ingress_work, knat_ingress_work);
}

void knat_ingress_net_exit(struct knat_net *kn)
{
	WRITE_ONCE(kn->ingress_dying, true);
	cancel_work_sync(&kn->ingress_work);
	rtnl_lock();
	knat_ingress_del_all(kn);
	rtnl_unlock();
}

int knat_ingress_init(void)
{
	if (!IS_ENABLED(CONFIG_NETFILTER_INGRESS))
		return 0;
	return register_netdevice_notifier(&knat_ingress_nb);
}

/* Before the namespaces' state goes: unregistering replays UNREGISTER. */
void knat_ingress_uninit(void)
{
	if (IS_ENABLED(CONFIG_NETFILTER_INGRESS))
		unregister_netdevice_notifier(&knat_ingress_nb);
}
