// SPDX-License-Identifier: GPL-2.0
/*
 * knat explain: what knat would do now with the first packet of a
 * connection, found by the packet path's own decisions run dry.
 *
 * The packet is built for real (a TCP SYN, a UDP datagram, an ICMP echo
 * request) and given the same headers, input device and routes it would
 * meet, the way "ip route get ... iif DEV" routes a made-up packet.  It
 * then goes where a packet would go: the flow table, then knat_decide()
 * as at PRE_ROUTING or LOCAL_OUT, and, when it would leave untranslated
 * through forwarding, knat_snat_decide() as at POST_ROUTING.  Dry runs
 * take nothing: no flow, mapping, port, persistence entry, probe slot or
 * scheduler turn, and count nothing.
 *
 * An IPv6 packet goes the same way with IPv6's routes: knat_decide()
 * has forwards for it (services are IPv4), knat_snat_decide() its SNAT
 * rules.  The stack's own ip6_route_input() is not for modules, so its
 * lookup is made here as that makes it.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/route.h>

#include "decide.h"
#include "explain.h"
#include "portalloc.h"
#include "rules.h"
#include "service.h"
#include "tcp_state.h"

static unsigned int knat_explain_l4len(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return sizeof(struct tcphdr);
	case IPPROTO_UDP:
		return sizeof(struct udphdr);
	case IPPROTO_ICMPV6:
		return sizeof(struct icmp6hdr);
	}
	return sizeof(struct icmphdr);
}

static void knat_explain_ip4(struct sk_buff *skb,
			     const struct knat_explain_req *req,
			     unsigned int l4len)
{
	struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tot_len = htons(sizeof(*iph) + l4len);
	iph->ttl = IPDEFTTL;
	iph->protocol = req->proto;
	iph->saddr = req->src;
	iph->daddr = req->dst;
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
}

static void knat_explain_ip6(struct sk_buff *skb,
			     const struct knat_explain_req *req,
			     unsigned int l4len)
{
	struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));

	ip6h->version = 6;
	ip6h->payload_len = htons(l4len);
	ip6h->nexthdr = req->proto;
	ip6h->hop_limit = IPV6_DEFAULT_HOPLIMIT;
	ip6h->saddr = req->src6;
	ip6h->daddr = req->dst6;
	skb->protocol = htons(ETH_P_IPV6);
}

/* IPv6: the L4 checksum, which UDP too must have there. */
static __sum16 knat_explain_csum6(const struct knat_explain_req *req,
				  const void *l4, unsigned int l4len)
{
	return csum_ipv6_magic(&req->src6, &req->dst6, l4len, req->proto,
			       csum_partial(l4, l4len, 0));
}

/* The packet asked about, as it would arrive; NULL without memory. */
struct sk_buff *knat_explain_skb(const struct knat_explain_req *req)
{
	unsigned int l4len = knat_explain_l4len(req->proto);
	unsigned int nhlen = req->v6 ? sizeof(struct ipv6hdr) :
			     sizeof(struct iphdr);
	struct sk_buff *skb;

	skb = alloc_skb(LL_MAX_HEADER + nhlen + l4len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	if (req->v6)
		knat_explain_ip6(skb, req, l4len);
	else
		knat_explain_ip4(skb, req, l4len);
	skb_set_transport_header(skb, nhlen);

	switch (req->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = skb_put_zero(skb, l4len);

		th->source = req->sport;
		th->dest = req->dport;
		th->doff = sizeof(*th) / 4;
		th->syn = 1;
		th->window = htons(64240);
		if (req->v6)
			th->check = knat_explain_csum6(req, th, l4len);
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = skb_put_zero(skb, l4len);

		uh->source = req->sport;
		uh->dest = req->dport;
		uh->len = htons(l4len);
		if (req->v6)
			uh->check = knat_explain_csum6(req, uh, l4len);
		break;
	}
	case IPPROTO_ICMPV6: {
		struct icmp6hdr *ih = skb_put_zero(skb, l4len);

		ih->icmp6_type = ICMPV6_ECHO_REQUEST;
		ih->icmp6_identifier = req->sport;
		ih->icmp6_cksum = knat_explain_csum6(req, ih, l4len);
		break;
	}
	default: {
		struct icmphdr *ih = skb_put_zero(skb, l4len);

		ih->type = ICMP_ECHO;
		ih->un.echo.id = req->sport;
		ih->checksum = ip_compute_csum(ih, l4len);
	}
	}
	skb->pkt_type = PACKET_HOST;
	return skb;
}

/*
 * Where a packet from @src would come in: by the device a route back to
 * it leaves through.  NULL for one of this host's own addresses (it is
 * sent from here) or when no route leads back.
 */
static struct net_device *knat_explain_iif(struct net *net, __be32 src,
					   bool *local)
{
	struct flowi4 fl4 = { .daddr = src };
	struct net_device *dev;
	struct rtable *rt;

	*local = false;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	dev = rt->dst.dev;
	if (rt->rt_type == RTN_LOCAL) {
		*local = true;
		dev = NULL;
	}
	ip_rt_put(rt);
	return dev;
}

/* The device a packet to @dst sent by this host leaves through. */
static struct net_device *knat_explain_oif(struct net *net, __be32 src,
					   __be32 dst)
{
	struct flowi4 fl4 = { .daddr = dst, .saddr = src };
	struct net_device *dev;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	dev = rt->dst.dev;
	ip_rt_put(rt);
	return dev;
}

/* An IPv6 route's RTF_* flags (dst_rt6_info() is not in every 6.1). */
static u32 knat_explain_rt6_flags(const struct dst_entry *dst)
{
	return container_of(dst, struct rt6_info, dst)->rt6i_flags;
}

/* knat_explain_iif() for IPv6. */
static struct net_device *knat_explain_iif6(struct net *net,
					    const struct in6_addr *src,
					    bool *local)
{
	struct flowi6 fl6 = { .daddr = *src };
	struct net_device *dev = NULL;
	struct dst_entry *dst;

	*local = false;
	dst = ip6_route_output(net, NULL, &fl6);
	if (!dst->error) {
		dev = dst->dev;
		if (knat_explain_rt6_flags(dst) & RTF_LOCAL) {
			*local = true;
			dev = NULL;
		}
	}
	dst_release(dst);
	return dev;
}

/* knat_explain_oif() for IPv6. */
static struct net_device *knat_explain_oif6(struct net *net,
					    const struct in6_addr *src,
					    const struct in6_addr *dst)
{
	struct flowi6 fl6 = { .daddr = *dst, .saddr = *src };
	struct net_device *dev = NULL;
	struct dst_entry *d;

	d = ip6_route_output(net, NULL, &fl6);
	if (!d->error)
		dev = d->dev;
	dst_release(d);
	return dev;
}

/*
 * The route of an IPv6 packet from @src to @dst arriving on @in, as
 * ip6_route_input() finds it, with a reference; ->error set for none.
 */
static struct dst_entry *knat_explain_route6(struct net *net,
					     struct net_device *in,
					     const struct in6_addr *src,
					     const struct in6_addr *dst,
					     u8 proto, struct sk_buff *skb)
{
	struct flowi6 fl6 = {
		.flowi6_iif = in->ifindex,
		.daddr = *dst,
		.saddr = *src,
		.flowi6_proto = proto,
	};

	return ip6_route_input_lookup(net, in, &fl6, skb,
				      RT6_LOOKUP_F_HAS_SADDR);
}

/*
 * Would IPv6 forward a packet to @daddr by @dst (ip6_forward() as its
 * input), rather than deliver it here or refuse it?
 */
static bool knat_explain_forwarded6(struct net *net,
				    const struct dst_entry *dst,
				    const struct in6_addr *daddr)
{
	return !dst->error &&
	       !(knat_explain_rt6_flags(dst) &
		 (RTF_LOCAL | RTF_ANYCAST | RTF_REJECT)) &&
	       !ipv6_addr_is_multicast(daddr) &&
	       READ_ONCE(net->ipv6.devconf_all->forwarding);
}

/* An existing flow carries the packet: it leaves as the other half says. */
static void knat_explain_flow(struct knat_explain *x,
			      const struct knat_flow *f, int dir)
{
	const struct knat_tuple *o = &f->h[!dir].tuple;
	const struct in6_addr *o6 = knat_flow_a6(f, !dir);

	x->flow = true;
	x->d.kind = f->kind;
	x->state = READ_ONCE(f->state) & KNAT_TCP_STATE_MASK;
	x->replied = test_bit(KNAT_FLOW_REPLIED_BIT, &f->status);
	x->fast = knat_flow_fast_dst(f, dir) && knat_flow_fast_iif(f, dir);
	x->reply = *o;
	knat_tuple_invert(&x->out, o);
	if (o6) {
		memcpy(x->reply6, o6, sizeof(x->reply6));
		knat_a6_invert(x->out6, o6);
	}
	x->has_tuples = true;
	if (!f->owner)
		return;
	if (knat_flow_is_service(f)) {
		x->d.be = f->owner;
		x->d.svc = x->d.be->svc;
	} else if (f->kind == KNAT_FLOW_KIND_SNAT) {
		x->d.snat = ((struct knat_mapping *)f->owner)->key.rule;
	} else {
		x->d.fwd = f->owner;
	}
}

/*
 * IPv6: where the new destination leaves by.  knat_dnat_decide6() does
 * not route the packet, so it is routed here: from the client (the
 * hairpin source is written after routing), or as this host sends it.
 */
static void knat_explain_dnat6_oif(struct knat_explain *x, struct sk_buff *skb,
				   const struct knat_pkt *p)
{
	struct dst_entry *dst;

	if (x->local) {
		x->oif = knat_explain_oif6(x->net, &x->out6[0], &x->out6[1]);
		return;
	}
	dst = knat_explain_route6(x->net, x->iif, &p->a6[0], &x->out6[1],
				  p->l4proto, skb);
	if (!dst->error)
		x->oif = dst->dev;
	dst_release(dst);
}

/* A new flow of a forward or a service, as knat_decide() chose it. */
static void knat_explain_dnat(struct knat_explain *x, struct sk_buff *skb,
			      const struct knat_pkt *p)
{
	x->reply = x->d.reply;
	knat_tuple_invert(&x->out, &x->reply);
	if (p->v6) {
		memcpy(x->reply6, x->d.reply6, sizeof(x->reply6));
		knat_a6_invert(x->out6, x->reply6);
	}
	x->has_tuples = true;
	if (x->d.flags & KNAT_DECIDE_F_PORT_RANDOM) {
		/* knat_hairpin()'s (or knat_hairpin6()'s) draw */
		x->port_min = KNAT_HAIRPIN_PORT_MIN;
		x->port_max = KNAT_HAIRPIN_PORT_MAX;
		x->out.sport = 0;
		x->reply.dport = 0;
	}
	if (p->v6)
		knat_explain_dnat6_oif(x, skb, p);
	else if (x->d.routed)
		x->oif = skb_rtable(skb)->dst.dev;
	else if (x->local)
		x->oif = knat_explain_oif(x->net, x->out.src, x->out.dst);
}

/*
 * No flow at entry: a forwarded packet meets source NAT on its way out.
 * Routed here as IPv4 would route it next.
 */
static void knat_explain_snat(struct knat_explain *x, struct sk_buff *skb,
			      const struct knat_pkt *p,
			      struct nf_hook_state *state)
{
	const struct rtable *rt;
	__be16 port;
	__be32 addr;

	if (knat_decide_route(skb, p->t.dst, p->t.src, state->in))
		return;
	rt = skb_rtable(skb);
	if (rt->rt_type != RTN_UNICAST)
		return;		/* delivered here, or not at all */
	x->oif = rt->dst.dev;
	state->out = rt->dst.dev;
	knat_snat_decide(x->kn, skb, KNAT_PARSE_OK, p, state, &x->d);
	if (x->d.verdict != KNAT_VERDICT_SNAT)
		return;
	if (knat_mapping_peek(x->kn, x->d.snat, &p->t, x->d.out_addr, &addr,
			      &port, &x->d.flags)) {
		x->d.verdict = KNAT_VERDICT_DROP;
		x->d.drop = KNAT_DROP_NO_PORT;
		return;
	}
	if (knat_decide_full(x->kn, &x->d))
		return;
	x->out = p->t;
	x->out.src = addr;
	x->out.sport = port;
	if (p->t.proto == IPPROTO_ICMP)
		x->out.dport = port;
	knat_snat_reply(&p->t, addr, port, &x->reply);
	x->has_tuples = true;
	if (x->d.flags & KNAT_DECIDE_F_PORT_RANDOM) {
		x->port_min = x->d.snat->port_min;
		x->port_max = x->d.snat->port_max;
	}
}

/*
 * knat_explain_snat() for IPv6: routed as IPv6 would route it, and the
 * outside address the rule's or the device's (masquerade).
 */
static void knat_explain_snat6(struct knat_explain *x, struct sk_buff *skb,
			       const struct knat_pkt *p,
			       struct nf_hook_state *state)
{
	struct dst_entry *dst;
	struct in6_addr addr;
	bool fwd;
	__be16 port;

	dst = knat_explain_route6(x->net, state->in, &p->a6[0], &p->a6[1],
				  p->l4proto, skb);
	fwd = knat_explain_forwarded6(x->net, dst, &p->a6[1]);
	if (fwd)
		x->oif = dst->dev;
	dst_release(dst);
	if (!fwd)
		return;		/* delivered here, or not at all */
	state->out = x->oif;
	knat_snat_decide(x->kn, skb, KNAT_PARSE_OK, p, state, &x->d);
	if (x->d.verdict != KNAT_VERDICT_SNAT)
		return;
	if (knat_mapping_peek6(x->kn, x->d.snat, &p->t, p->a6,
			       ipv6_addr_any(&x->d.out6) ? NULL : &x->d.out6,
			       &addr, &port, &x->d.flags)) {
		x->d.verdict = KNAT_VERDICT_DROP;
		x->d.drop = KNAT_DROP_NO_PORT;
		return;
	}
	if (knat_decide_full(x->kn, &x->d))
		return;
	x->out = p->t;
	x->out.sport = port;
	if (p->t.proto == IPPROTO_ICMPV6)
		x->out.dport = port;
	x->out6[0] = addr;
	x->out6[1] = p->a6[1];
	knat_tuple_fold6(&x->out, x->out6);
	knat_snat_reply(&p->t, 0, port, &x->reply);
	x->reply6[0] = p->a6[1];
	x->reply6[1] = addr;
	knat_tuple_fold6(&x->reply, x->reply6);
	x->has_tuples = true;
	if (x->d.flags & KNAT_DECIDE_F_PORT_RANDOM) {
		x->port_min = x->d.snat->port_min;
		x->port_max = x->d.snat->port_max;
	}
}

/*
 * Explain @skb (from knat_explain_skb()) into @x.  RCU held, and held on
 * until the caller is done with what @x names.  0, or an error extack
 * explains.
 */
int knat_explain(struct knat_net *kn, struct sk_buff *skb,
		 const struct knat_explain_req *req, struct knat_explain *x,
		 struct netlink_ext_ack *extack)
{
	struct nf_hook_state state = {
		.pf = req->v6 ? NFPROTO_IPV6 : NFPROTO_IPV4,
		.net = kn->net,
	};
	struct knat_flow_half *h;
	struct knat_pkt p;

	memset(x, 0, sizeof(*x));
	x->kn = kn;
	x->net = kn->net;
	x->local = req->local;
	if (req->iif[0]) {
		x->iif = dev_get_by_name_rcu(kn->net, req->iif);
		if (!x->iif) {
			NL_SET_ERR_MSG(extack, "No such input device");
			return -ENODEV;
		}
	} else if (!req->local) {
		x->iif = req->v6 ?
			 knat_explain_iif6(kn->net, &req->src6, &x->local) :
			 knat_explain_iif(kn->net, req->src, &x->local);
		if (!x->iif && !x->local) {
			NL_SET_ERR_MSG(extack,
				       "No route back to the source: name the input device");
			return -ENETUNREACH;
		}
	}
	state.hook = x->local ? NF_INET_LOCAL_OUT : NF_INET_PRE_ROUTING;
	state.in = x->iif;
	skb->dev = x->iif;
	skb->skb_iif = x->iif ? x->iif->ifindex : 0;

	if (knat_parse(skb, &p) != KNAT_PARSE_OK)
		return -EINVAL;		/* built by us: cannot happen */

	h = knat_flow_find6(kn, &p.t, knat_pkt_a6(&p));
	if (h) {
		struct knat_flow *f = knat_flow_of(h);
		enum knat_flow_stale why;

		why = knat_flow_stale(f, h->tuple.dir, &p);
		if (why == KNAT_FLOW_USABLE) {
			knat_explain_flow(x, f, h->tuple.dir);
			return 0;
		}
		if (why != KNAT_FLOW_STALE_DEAD)
			x->replaces = true;
	}

	knat_decide(kn, skb, &p, &state, true, &x->d);
	switch (x->d.verdict) {
	case KNAT_VERDICT_FORWARD:
	case KNAT_VERDICT_SERVICE:
		knat_explain_dnat(x, skb, &p);
		break;
	case KNAT_VERDICT_PASS:
		/* SNAT is for forwarded traffic, not this host's own. */
		if (x->local)
			break;
		if (p.v6)
			knat_explain_snat6(x, skb, &p, &state);
		else
			knat_explain_snat(x, skb, &p, &state);
		break;
	}
	skb_dst_drop(skb);
	return 0;
}
