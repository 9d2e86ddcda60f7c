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
 */

#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/route.h>

#include "decide.h"
#include "explain.h"
#include "portalloc.h"
#include "rules.h"
#include "service.h"
#include "tcp_state.h"

/* The packet asked about, as it would arrive; NULL without memory. */
struct sk_buff *knat_explain_skb(const struct knat_explain_req *req)
{
	unsigned int l4len = req->proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
			     req->proto == IPPROTO_UDP ? sizeof(struct udphdr) :
			     sizeof(struct icmphdr);
	struct sk_buff *skb;
	struct iphdr *iph;

	skb = alloc_skb(LL_MAX_HEADER + sizeof(*iph) + l4len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tot_len = htons(sizeof(*iph) + l4len);
	iph->ttl = IPDEFTTL;
	iph->protocol = req->proto;
	iph->saddr = req->src;
	iph->daddr = req->dst;
	ip_send_check(iph);
	skb_set_transport_header(skb, sizeof(*iph));

	switch (req->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = skb_put_zero(skb, l4len);

		th->source = req->sport;
		th->dest = req->dport;
		th->doff = sizeof(*th) / 4;
		th->syn = 1;
		th->window = htons(64240);
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = skb_put_zero(skb, l4len);

		uh->source = req->sport;
		uh->dest = req->dport;
		uh->len = htons(l4len);
		break;
	}
	default: {
		struct icmphdr *ih = skb_put_zero(skb, l4len);

		ih->type = ICMP_ECHO;
		ih->un.echo.id = req->sport;
		ih->checksum = ip_compute_csum(ih, l4len);
	}
	}
	skb->protocol = htons(ETH_P_IP);
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

/* An existing flow carries the packet: it leaves as the other half says. */
static void knat_explain_flow(struct knat_explain *x,
			      const struct knat_flow *f, int dir)
{
	const struct knat_tuple *o = &f->h[!dir].tuple;

	x->flow = true;
	x->d.kind = f->kind;
	x->state = READ_ONCE(f->state) & KNAT_TCP_STATE_MASK;
	x->replied = test_bit(KNAT_FLOW_REPLIED_BIT, &f->status);
	x->fast = knat_flow_fast_dst(f, dir) && knat_flow_fast_iif(f, dir);
	x->reply = *o;
	knat_tuple_invert(&x->out, o);
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

/* A new flow of a forward or a service, as knat_decide() chose it. */
static void knat_explain_dnat(struct knat_explain *x, struct sk_buff *skb,
			      const struct knat_pkt *p)
{
	x->reply = x->d.reply;
	knat_tuple_invert(&x->out, &x->reply);
	x->has_tuples = true;
	if (x->d.flags & KNAT_DECIDE_F_PORT_RANDOM) {
		/* knat_hairpin()'s draw */
		x->port_min = KNAT_HAIRPIN_PORT_MIN;
		x->port_max = KNAT_HAIRPIN_PORT_MAX;
		x->out.sport = 0;
		x->reply.dport = 0;
	}
	if (x->d.routed)
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
 * Explain @skb (from knat_explain_skb()) into @x.  RCU held, and held on
 * until the caller is done with what @x names.  0, or an error extack
 * explains.
 */
int knat_explain(struct knat_net *kn, struct sk_buff *skb,
		 const struct knat_explain_req *req, struct knat_explain *x,
		 struct netlink_ext_ack *extack)
{
	struct nf_hook_state state = { .pf = NFPROTO_IPV4, .net = kn->net };
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
		x->iif = knat_explain_iif(kn->net, req->src, &x->local);
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

	h = knat_flow_find(kn, &p.t);
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
		if (!x->local)
			knat_explain_snat(x, skb, &p, &state);
		break;
	}
	skb_dst_drop(skb);
	return 0;
}
