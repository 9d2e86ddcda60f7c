// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path (config fastpath on).
 *
 * A packet of a forwarded flow walks knat's entry hook, routing, FORWARD,
 * POST_ROUTING and knat's exit hook, though for an established flow every
 * answer along the way is the one the last packet got.  So the exit hook
 * keeps, per direction, the route the packet left by (a held dst, as nft's
 * flowtable keeps one), and from then on the entry hook (PRE_ROUTING)
 * rewrites the packet and hands it to the neighbour layer itself.
 *
 * What the route depends on is checked per packet: the dst by its
 * generation (every FIB change, device down and MTU change flushes it),
 * the device the packet came in on (the route was found for that one),
 * the TTL and the MTU (their errors are the slow path's to send).  SYN,
 * FIN and RST, IP options and anything else unusual go the slow way, and
 * a flow that left ESTABLISHED drops its routes: only established TCP and
 * answered UDP flows learn one.  Counters and TCP
 * state are kept as on the slow path (knat_flow_account()).
 *
 * Like the flowtable this skips FORWARD and POST_ROUTING, which is why it
 * is off by default: a firewall there would see the first packets of a
 * flow only.
 */

#include <linux/moduleparam.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/neighbour.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "account.h"
#include "fastpath.h"
#include "manip.h"
#include "nat.h"
#include "stats.h"
#include "tcp_state.h"

/*
 * Where a new namespace starts: "modprobe knat fastpath=1" for hosts that
 * want it everywhere (and for running every selftest with it on).
 */
bool knat_fastpath_default __read_mostly;
module_param_named(fastpath, knat_fastpath_default, bool, 0644);
MODULE_PARM_DESC(fastpath, "fast path on in new namespaces (default off; knat config set fastpath)");

/*
 * Established TCP or answered UDP: what may leave by a cached route.
 * IPv4 only: an IPv6 flow always takes the slow path.
 */
static bool knat_fast_flow_ok(const struct knat_flow *f)
{
	if (f->v6 || !test_bit(KNAT_FLOW_REPLIED_BIT, &f->status) ||
	    test_bit(KNAT_FLOW_DEAD_BIT, &f->status))
		return false;
	switch (f->h[KNAT_DIR_ORIG].tuple.proto) {
	case IPPROTO_TCP:
		return (READ_ONCE(f->state) & KNAT_TCP_STATE_MASK) ==
		       KNAT_TCP_ESTABLISHED;
	case IPPROTO_UDP:
		return true;
	default:
		return false;
	}
}

/*
 * At entry: should the exit hook learn this packet's route?  Only the
 * first packets of a direction after it qualifies ask, so the exit hook's
 * second lookup costs nothing on the rest.
 */
bool __knat_fast_want(const struct knat_flow *f, int dir,
		      const struct nf_hook_state *state)
{
	return state->hook == NF_INET_PRE_ROUTING &&
	       !knat_flow_fast_dst(f, dir) && knat_fast_flow_ok(f);
}

/*
 * At POST_ROUTING: keep the route a forwarded packet of @f leaves by.
 * Called under RCU with the flow found in the table: it is freed after a
 * grace period (knat_flow_free_rcu() releases what is stored here).
 */
void knat_fast_learn(struct knat_net *kn, struct knat_flow *f, int dir,
		     struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct dst_entry *dst = skb_dst(skb);
	struct rtable *rt = (struct rtable *)dst;
	struct knat_flow_ext *e;

	if (!dst || !(IPCB(skb)->flags & IPSKB_FORWARDED) ||
	    ip_hdr(skb)->ihl != 5 || !knat_fast_flow_ok(f))
		return;
	/* Plain unicast by an IPv4 neighbour, no IPsec, checkable. */
	if (dst_xfrm(dst) || rt->rt_type != RTN_UNICAST ||
	    rt->rt_gw_family == AF_INET6 || dst->dev != state->out ||
	    dst->obsolete != DST_OBSOLETE_FORCE_CHK || !skb->skb_iif)
		return;
	e = knat_flow_ext_get(kn, f);
	if (!e || !dst_hold_safe(dst))
		return;
	WRITE_ONCE(e->fast_iif[dir], skb->skb_iif);
	if (cmpxchg(&e->fast_dst[dir], NULL, dst)) {
		dst_release(dst);	/* another CPU learned it first */
		return;
	}
	atomic_inc(&kn->nfast);
	knat_count(kn, KNAT_CNT_FAST_LEARNED);
	/*
	 * knat_flow_del() may have ended the flow since knat_fast_flow_ok():
	 * its forget then ran before our cmpxchg and found nothing.  Both
	 * sides order "DEAD set, then route swapped" with full barriers, so
	 * one of them sees the other; xchg() lets only one release.
	 */
	smp_mb__after_atomic();
	if (test_bit(KNAT_FLOW_DEAD_BIT, &f->status))
		knat_fast_forget(kn, f, dir);
}

/*
 * Readers use the dst without a reference, under RCU: dst_release()
 * frees it only after a grace period.
 */
void knat_fast_forget(struct knat_net *kn, struct knat_flow *f, int dir)
{
	struct knat_flow_ext *e = READ_ONCE(f->ext);
	struct dst_entry *dst;

	if (!e || !READ_ONCE(e->fast_dst[dir]))
		return;
	dst = xchg(&e->fast_dst[dir], NULL);
	if (dst) {
		atomic_dec(&kn->nfast);
		dst_release(dst);
	}
}

/*
 * Not for the fast path, and why.  The ingress hook counts nothing: the
 * packet goes on to PRE_ROUTING, which asks again and counts.
 */
static int knat_fast_slow(struct knat_net *kn, enum knat_counter why,
			  bool ingress)
{
	if (!ingress)
		knat_count(kn, why);
	return KNAT_FAST_SLOW;
}

/* Would it leave whole?  As ip_forward() asks, without fragmenting. */
static bool knat_fast_fits(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return true;
	return skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu);
}

/*
 * At PRE_ROUTING or at the device's ingress hook (ingress.c), a packet of
 * a flow found in the table (checked usable): NF_STOLEN or NF_DROP when
 * this took it, KNAT_FAST_SLOW when the slow path must.  At ingress the
 * packet is declined unchanged: PRE_ROUTING drops a stale route.
 */
int __knat_fast_xmit(struct knat_net *kn, struct knat_flow *f, int dir,
		     struct sk_buff *skb, const struct knat_pkt *p,
		     const struct nf_hook_state *state)
{
	struct dst_entry *dst = knat_flow_fast_dst(f, dir);
	const struct knat_tuple *o = &f->h[!dir].tuple;
	struct net_device *dev;
	enum knat_drop why;
	struct iphdr *iph;
	__be32 nexthop;

	bool ingress = state->pf == NFPROTO_NETDEV;

	if (!dst || (!ingress && state->hook != NF_INET_PRE_ROUTING) ||
	    !READ_ONCE(kn->fastpath))
		return KNAT_FAST_SLOW;
	/*
	 * A FIN or RST the slow path accepts moves the flow out of
	 * ESTABLISHED, and its next packet drops the routes here; one it
	 * refuses (a blind RST out of the window) changes nothing, so an
	 * attacker cannot knock a flow off the fast path with it.
	 */
	if (p->t.proto == IPPROTO_TCP &&
	    (p->tcpflags & (KNAT_TCPF_SYN | KNAT_TCPF_FIN | KNAT_TCPF_RST)))
		return knat_fast_slow(kn, KNAT_CNT_FAST_SLOW_TCPFLAGS, ingress);
	if (!knat_fast_flow_ok(f)) {
		if (ingress)
			return KNAT_FAST_SLOW;
		knat_fast_forget_all(kn, f);
		return knat_fast_slow(kn, KNAT_CNT_FAST_SLOW_TCPFLAGS, false);
	}
	iph = ip_hdr(skb);
	if (iph->ihl != 5)
		return knat_fast_slow(kn, KNAT_CNT_FAST_SLOW_IPOPTS, ingress);
	if (iph->ttl <= 1)
		return knat_fast_slow(kn, KNAT_CNT_FAST_SLOW_TTL, ingress);
	if (state->in->ifindex != knat_flow_fast_iif(f, dir))
		return knat_fast_slow(kn, KNAT_CNT_FAST_SLOW_IIF, ingress);
	if (!dst_check(dst, 0)) {
		if (ingress)
			return KNAT_FAST_SLOW;
		knat_fast_forget(kn, f, dir);
		return knat_fast_slow(kn, KNAT_CNT_FAST_SLOW_ROUTE, false);
	}
	dev = dst->dev;
	if (!knat_fast_fits(skb, ip_dst_mtu_maybe_forward(dst, true)))
		return knat_fast_slow(kn, KNAT_CNT_FAST_SLOW_MTU, ingress);
	/*
	 * As ip_forward() refuses them; and a packet IPsec decapsulated
	 * has a forward policy to pass (xfrm4_policy_check()) there.
	 */
	if (skb->pkt_type != PACKET_HOST || skb->sk || secpath_exists(skb))
		return KNAT_FAST_SLOW;
	if (skb_ensure_writable(skb, p->thoff + p->l4len) ||
	    skb_cow_head(skb, LL_RESERVED_SPACE(dev)))
		return knat_drop(kn, KNAT_DROP_UNWRITABLE);

	why = knat_flow_account(kn, f, dir, skb, p);
	if (why != __KNAT_DROP_MAX)
		return knat_drop(kn, why);
	if (knat_needs(f, dir, KNAT_MANIP_DST))
		knat_manip(skb, 0, p->l4len, false, KNAT_MANIP_DST, o->src,
			   o->sport);
	if (knat_needs(f, dir, KNAT_MANIP_SRC))
		knat_manip(skb, 0, p->l4len, false, KNAT_MANIP_SRC, o->dst,
			   o->dport);

	/* What ip_forward() and ip_forward_finish() do on the way. */
	iph = ip_hdr(skb);
	skb_forward_csum(skb);
	ip_decrease_ttl(iph);
	skb->priority = rt_tos2priority(iph->tos);
	/* At ingress the control block is the driver's or GRO's. */
	if (ingress)
		memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	IPCB(skb)->flags |= IPSKB_FORWARDED;
	__IP_INC_STATS(state->net, IPSTATS_MIB_OUTFORWDATAGRAMS);
	__IP_ADD_STATS(state->net, IPSTATS_MIB_OUTOCTETS, skb->len);
	skb_clear_tstamp(skb);
	knat_count(kn, KNAT_CNT_FAST_PKTS);
	if (ingress)
		knat_count(kn, KNAT_CNT_FAST_INGRESS);

	nexthop = rt_nexthop((struct rtable *)dst, iph->daddr);
	skb->dev = dev;
	skb->protocol = htons(ETH_P_IP);
	/*
	 * No reference: the packet leaves within this RCU section, or is
	 * queued (neighbour resolution, qdisc), which takes one for it.
	 */
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);
	neigh_xmit(NEIGH_ARP_TABLE, dev, &nexthop, skb);
	return NF_STOLEN;
}
