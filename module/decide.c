// SPDX-License-Identifier: GPL-2.0
/*
 * What a packet of no flow gets: a new flow of a service (scheduled,
 * persistent, a health probe, or taken up mid-flow under maglev), of a
 * forward or of an SNAT rule, a hairpin source NAT when the new
 * destination sits behind the packet's own input, a drop, or nothing.
 *
 * Deciding changes nothing the packet path would not: nat.c carries the
 * decision out, and knat explain (explain.c) asks for the same decision
 * run dry, so that what it reports is what a packet would meet.
 */

#include <linux/inetdevice.h>
#include <linux/random.h>
#include <net/route.h>

#include "decide.h"
#include "health.h"
#include "persist.h"
#include "portalloc.h"
#include "rules.h"
#include "service.h"

/*
 * Hairpin: the backend sits behind the interface the client came in on,
 * so its answer would go straight back, bypassing us.  Make the backend
 * answer us instead: source-NAT to our address on that side, keeping the
 * client's port when the reply tuple allows it (else a random one, which
 * @flags tells).
 */
static bool knat_hairpin(struct knat_net *kn, struct knat_tuple *reply,
			 struct net_device *dev, u32 *flags)
{
	__be32 addr = inet_select_addr(dev, reply->src, RT_SCOPE_UNIVERSE);
	int i;

	if (!addr)
		return false;
	reply->dst = addr;
	for (i = 0; i < KNAT_PORT_PROBES; i++) {
		if (!knat_tuple_taken(kn, reply) &&
		    !knat_port_shadowed(kn, reply->proto, addr, reply->dport,
					reply->src, reply->sport)) {
			*flags |= i ? KNAT_DECIDE_F_PORT_RANDOM :
				  KNAT_DECIDE_F_PORT_PRESERVED;
			return true;
		}
		reply->dport = htons(KNAT_HAIRPIN_PORT_MIN +
				     prandom_u32_max(KNAT_HAIRPIN_PORT_MAX -
						     KNAT_HAIRPIN_PORT_MIN + 1));
	}
	return false;
}

static void knat_decide_drop(struct knat_decision *d, enum knat_drop why)
{
	d->verdict = KNAT_VERDICT_DROP;
	d->drop = why;
}

/* Dry runs only: would knat_flow_alloc() refuse for a full table? */
bool knat_decide_full(struct knat_net *kn, struct knat_decision *d)
{
	if (!knat_flows_full(kn))
		return false;
	knat_decide_drop(d, KNAT_DROP_TABLE_FULL);
	return true;
}

/*
 * Dry runs only: what knat_flow_alloc() and knat_flow_add() would refuse.
 * @other is the half of the new flow the packet does not carry.
 */
static void knat_decide_table(struct knat_net *kn, struct knat_decision *d,
			      const struct knat_tuple *other,
			      const struct in6_addr *other6)
{
	if (knat_decide_full(kn, d))
		return;
	if (other6 ? knat_tuple_taken6(kn, other, other6) :
		     knat_tuple_taken(kn, other))
		knat_decide_drop(d, KNAT_DROP_CLASH);
}

/*
 * Route @skb from @src to @dst arriving on @in, as IPv4 routes a packet
 * between the entry and exit hooks; the route stays in the skb.  0 or an
 * error.
 */
int knat_decide_route(struct sk_buff *skb, __be32 dst, __be32 src,
		      struct net_device *in)
{
	return ip_route_input_noref(skb, dst, src, ip_hdr(skb)->tos, in);
}

/*
 * A new flow whose destination becomes TO_ADDR:TO_PORT (a forward or a
 * service backend).
 */
static void knat_dnat_decide(struct knat_net *kn, struct sk_buff *skb,
			     const struct knat_pkt *p,
			     const struct nf_hook_state *state,
			     __be32 to_addr, __be16 to_port, bool dry,
			     struct knat_decision *d)
{
	d->reply = (struct knat_tuple) {
		.src = to_addr, .dst = p->t.src,
		.sport = to_port, .dport = p->t.sport, .proto = p->t.proto,
	};
	/*
	 * Route the translated packet now, to know before the flow is made
	 * whether the answer would bypass us.  IPv4 keeps this route.
	 */
	if (state->hook == NF_INET_PRE_ROUTING &&
	    !knat_decide_route(skb, d->reply.src, p->t.src, state->in)) {
		const struct rtable *rt = skb_rtable(skb);

		d->routed = true;
		if (rt->rt_type == RTN_UNICAST && rt->dst.dev == state->in) {
			if (!knat_hairpin(kn, &d->reply, state->in,
					  &d->flags)) {
				knat_decide_drop(d, KNAT_DROP_NO_PORT);
				return;
			}
			d->kind = d->kind == KNAT_FLOW_KIND_FORWARD ?
				  KNAT_FLOW_KIND_FORWARD_SNAT :
				  KNAT_FLOW_KIND_SERVICE_SNAT;
			d->flags |= KNAT_DECIDE_F_HAIRPIN;
		}
	}
	if (dry)
		knat_decide_table(kn, d, &d->reply, NULL);
}

/* A packet of no flow to a forwarded port. */
static void knat_forward_decide(struct knat_net *kn, struct sk_buff *skb,
				const struct knat_pkt *p,
				const struct nf_hook_state *state,
				struct knat_forward *fwd, bool dry,
				struct knat_decision *d)
{
	__be16 to_port = p->t.dport;

	d->fwd = fwd;
	/* Passed untracked: the verdict stays PASS, ->fwd says why. */
	if (p->t.proto == IPPROTO_TCP && !knat_pure_syn(p->tcpflags))
		return;
	if (fwd->to_port)
		to_port = htons(fwd->to_port + ntohs(p->t.dport) - fwd->port_min);
	d->verdict = KNAT_VERDICT_FORWARD;
	d->kind = KNAT_FLOW_KIND_FORWARD;
	if (p->v6)
		knat_dnat_decide6(kn, p, state, &fwd->to_addr6, to_port, dry, d);
	else
		knat_dnat_decide(kn, skb, p, state, fwd->to_addr, to_port, dry,
				 d);
}

/*
 * A packet of no flow to a service.  A TCP segment that is not a SYN
 * is taken up mid-flow only under a consistent scheduler (maglev):
 * another router behind the same ECMP group started the flow, and the
 * scheduler picks the same backend here.
 * Not @dry, the choice is taken: the scheduler moves on, persistence
 * records it, a probe slot is claimed.
 */
static void knat_service_decide(struct knat_net *kn, struct sk_buff *skb,
				const struct knat_pkt *p,
				const struct nf_hook_state *state,
				struct knat_service *svc, bool dry,
				struct knat_decision *d)
{
	const struct in6_addr *a6 = knat_pkt_a6(p);
	struct knat_backend *be = NULL;
	union nf_inet_addr client = {};

	/*
	 * Forwarded with TTL (hop limit) 1 or 0 it never reaches a backend:
	 * no flow, no scheduling, no health verdict; routing answers it
	 * (time exceeded about the VIP, as any router on the way would).
	 */
	if (state->hook == NF_INET_PRE_ROUTING &&
	    (p->v6 ? ipv6_hdr(skb)->hop_limit : ip_hdr(skb)->ttl) <= 1)
		return;
	d->svc = svc;
	d->verdict = KNAT_VERDICT_SERVICE;
	d->kind = KNAT_FLOW_KIND_SERVICE;
	d->tcp_state = KNAT_TCP_NONE;
	if (p->t.proto == IPPROTO_TCP && !knat_pure_syn(p->tcpflags)) {
		if (!(READ_ONCE(svc->sched)->flags & KNAT_SCHED_F_CONSISTENT) ||
		    (p->tcpflags & KNAT_TCPF_RST)) {
			knat_decide_drop(d, KNAT_DROP_TCP_NO_FLOW);
			return;
		}
		d->tcp_state = KNAT_TCP_ESTABLISHED;
		d->flags |= KNAT_DECIDE_F_PICKUP;
	}
	/* A held-down backend whose time is up probes with this flow. */
	if (d->tcp_state == KNAT_TCP_NONE && p->t.proto == IPPROTO_TCP &&
	    atomic_read(&svc->nprobing)) {
		be = knat_health_probe(svc, dry);
		if (be) {
			d->status = BIT(KNAT_FLOW_PROBE_BIT);
			d->flags |= KNAT_DECIDE_F_PROBE;
		}
	}
	if (!be && READ_ONCE(svc->persist) && d->tcp_state == KNAT_TCP_NONE) {
		if (a6)
			client.in6 = a6[0];
		else
			client.ip = p->t.src;
		be = knat_persist_find(kn, svc, &client);
		if (be)
			d->flags |= KNAT_DECIDE_F_PERSIST_HIT;
		else
			be = knat_sched_pick(svc, &p->t, a6, dry);
		if (be && !dry)
			be = knat_persist_record(kn, svc, &client, be);
	} else if (!be) {
		be = knat_sched_pick(svc, &p->t, a6, dry);
	}
	if (!be) {
		knat_decide_drop(d, KNAT_DROP_NO_BACKEND);
		return;
	}
	d->be = be;
	if (p->v6)
		knat_dnat_decide6(kn, p, state, &be->addr.in6, be->port, dry, d);
	else
		knat_dnat_decide(kn, skb, p, state, be->addr.ip, be->port, dry,
				 d);
}

/*
 * A backend's answer for a flow we never saw: another maglev router behind
 * the same ECMP group scheduled it, and the backend's return route (or a
 * change of it) brings the answer here.  The flow is rebuilt from the
 * reply side, so that the client still sees the VIP: ->reply holds the
 * client's half.
 */
static void knat_pickup_decide(struct knat_net *kn, const struct knat_pkt *p,
			       bool dry, struct knat_decision *d)
{
	struct knat_backend *be;
	bool ambiguous;

	if (p->t.proto == IPPROTO_TCP &&
	    (p->tcpflags & KNAT_TCPF_RST || knat_pure_syn(p->tcpflags)))
		return;
	be = knat_backend_find_reply(kn, &p->t, knat_pkt_a6(p), &ambiguous);
	if (ambiguous) {
		/* Several services share the backend: whose answer is it? */
		knat_decide_drop(d, KNAT_DROP_PICKUP_AMBIGUOUS);
		return;
	}
	if (!be)
		return;
	d->verdict = KNAT_VERDICT_SERVICE;
	d->kind = KNAT_FLOW_KIND_SERVICE;
	d->flags |= KNAT_DECIDE_F_PICKUP;
	d->dir = KNAT_DIR_REPLY;
	d->svc = be->svc;
	d->be = be;
	d->reply = (struct knat_tuple) {
		.src = p->t.dst, .dst = be->svc->addr.ip,
		.sport = p->t.dport, .dport = be->svc->port,
		.proto = p->t.proto,
	};
	if (p->v6) {
		d->reply6[0] = p->a6[1];
		d->reply6[1] = be->svc->addr.in6;
		knat_tuple_fold6(&d->reply, d->reply6);
	}
	/* A SYN-ACK moves SYN_SENT on; anything else is mid-flow. */
	d->tcp_state = p->tcpflags & KNAT_TCPF_SYN ? KNAT_TCP_SYN_SENT :
		       KNAT_TCP_ESTABLISHED;
	if (dry)
		knat_decide_table(kn, d, &d->reply,
				  p->v6 ? d->reply6 : NULL);
}

/* knat_decide() of an IPv6 packet: the same order, IPv6's lookups. */
static void knat_decide6(struct knat_net *kn, struct sk_buff *skb,
			 const struct knat_pkt *p,
			 const struct nf_hook_state *state, bool services,
			 bool dry, struct knat_decision *d)
{
	struct knat_service *svc;
	struct knat_forward *fwd;

	if (p->t.proto == IPPROTO_ICMPV6 &&
	    state->hook == NF_INET_PRE_ROUTING && services &&
	    knat_service_is_vip6(kn, &p->a6[1])) {
		d->verdict = KNAT_VERDICT_VIP_ECHO;
		return;
	}
	if (p->t.proto != IPPROTO_TCP && p->t.proto != IPPROTO_UDP)
		return;
	svc = services ? knat_service_find6(kn, p->t.proto, &p->a6[1],
					    p->t.dport) : NULL;
	if (svc)
		return knat_service_decide(kn, skb, p, state, svc, dry, d);
	fwd = knat_forward_find6(kn, p->t.proto, &p->a6[1], ntohs(p->t.dport));
	if (fwd)
		return knat_forward_decide(kn, skb, p, state, fwd, dry, d);
	if (state->hook == NF_INET_PRE_ROUTING && services)
		knat_pickup_decide(kn, p, dry, d);
}

/*
 * What a packet of no flow at an entry hook gets: a new flow of a service
 * or a forward, an answer to a VIP ping, a drop, or nothing.  The packet
 * path carries the decision out (knat_new_flow()); knat explain asks
 * @dry, and nothing is taken.  RCU held.
 */
void knat_decide(struct knat_net *kn, struct sk_buff *skb,
		 const struct knat_pkt *p, const struct nf_hook_state *state,
		 bool dry, struct knat_decision *d)
{
	/* A namespace of forwards only asks its services' index nothing. */
	bool services = READ_ONCE(kn->nservices);
	struct knat_service *svc;
	struct knat_forward *fwd;

	memset(d, 0, sizeof(*d));
	if (p->v6)
		return knat_decide6(kn, skb, p, state, services, dry, d);
	if (p->t.proto == IPPROTO_ICMP && state->hook == NF_INET_PRE_ROUTING &&
	    services && knat_service_is_vip(kn, p->t.dst)) {
		d->verdict = KNAT_VERDICT_VIP_ECHO;
		return;
	}
	if (p->t.proto != IPPROTO_TCP && p->t.proto != IPPROTO_UDP)
		return;
	svc = services ? knat_service_find(kn, p->t.proto, p->t.dst,
					   p->t.dport) : NULL;
	if (svc)
		return knat_service_decide(kn, skb, p, state, svc, dry, d);
	fwd = knat_forward_find(kn, p->t.proto, p->t.dst, ntohs(p->t.dport));
	if (fwd)
		return knat_forward_decide(kn, skb, p, state, fwd, dry, d);
	if (state->hook == NF_INET_PRE_ROUTING)
		knat_pickup_decide(kn, p, dry, d);
}

/*
 * Masquerade takes the output device's own primary address, preferring
 * the one whose subnet holds the next hop.  Never another device's, as
 * inet_select_addr() would fall back to: that could be an inside address.
 */
static __be32 knat_masq_addr(const struct net_device *dev, __be32 nexthop)
{
	const struct in_device *in_dev = __in_dev_get_rcu(dev);
	const struct in_ifaddr *ifa;
	__be32 addr = 0;

	if (!in_dev)
		return 0;
	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		/* As inet_select_addr(..., RT_SCOPE_UNIVERSE): never a
		 * link- or host-scope address, which no one past the next
		 * hop could answer.
		 */
		if ((ifa->ifa_flags & IFA_F_SECONDARY) ||
		    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
			continue;
		if (inet_ifa_match(nexthop, ifa))
			return ifa->ifa_local;
		if (!addr)
			addr = ifa->ifa_local;
	}
	return addr;
}

/*
 * Whether a forwarded packet of no flow leaving by @state->out takes
 * source NAT: PASS (no rule), DROP, or SNAT with ->snat and ->out_addr
 * (the masquerade address, 0: one of the rule's).  @res is what
 * knat_parse() said of it.  Changes nothing.  RCU held.
 */
void knat_snat_decide(struct knat_net *kn, struct sk_buff *skb, int res,
		      const struct knat_pkt *p,
		      const struct nf_hook_state *state,
		      struct knat_decision *d)
{
	struct knat_snat *rule;

	memset(d, 0, sizeof(*d));
	/* The sender, not the quoted packet's source of an ICMP error. */
	if (p->v6)
		rule = knat_snat_find6(kn, &ipv6_hdr(skb)->saddr,
				       state->out->ifindex);
	else
		rule = knat_snat_find(kn, ip_hdr(skb)->saddr,
				      state->out->ifindex);
	if (!rule)
		return;
	d->snat = rule;
	/*
	 * Whatever cannot be translated must not leave with its address:
	 * IPv6's neighbour discovery and MLD too, which only a spoofer
	 * would have forwarded.
	 */
	if (res != KNAT_PARSE_OK || p->icmp_err ||
	    p->t.proto == KNAT_PROTO_ICMP_REPLY ||
	    p->t.proto == KNAT_PROTO_ICMP6_REPLY)
		return knat_decide_drop(d, KNAT_DROP_UNSUPPORTED);
	if (p->t.proto == IPPROTO_TCP && !knat_pure_syn(p->tcpflags))
		return knat_decide_drop(d, KNAT_DROP_TCP_NO_FLOW);
	d->verdict = KNAT_VERDICT_SNAT;
	d->kind = KNAT_FLOW_KIND_SNAT;
	if (p->v6 && (rule->flags & KNAT_SNAT_F_MASQUERADE)) {
		if (!knat_masq_addr6(state->out, &p->a6[1], &d->out6))
			return knat_decide_drop(d, KNAT_DROP_NO_ADDR);
	} else if (rule->flags & KNAT_SNAT_F_MASQUERADE) {
		const struct rtable *rt = skb_rtable(skb);

		d->out_addr = knat_masq_addr(state->out,
					     rt_nexthop(rt, p->t.dst));
		if (!d->out_addr)
			return knat_decide_drop(d, KNAT_DROP_NO_ADDR);
	}
}

/* The reply tuple of an SNAT flow whose source becomes ADDR:PORT. */
void knat_snat_reply(const struct knat_tuple *orig, __be32 addr,
		     __be16 port, struct knat_tuple *reply)
{
	*reply = (struct knat_tuple) {
		.src = orig->dst, .dst = addr,
		.sport = orig->dport, .dport = port, .proto = orig->proto,
	};
	if (orig->proto == IPPROTO_ICMP || orig->proto == IPPROTO_ICMPV6) {
		/* Echo: both "ports" are the id, replies their own protocol. */
		reply->sport = port;
		reply->proto = orig->proto == IPPROTO_ICMP ?
			       KNAT_PROTO_ICMP_REPLY : KNAT_PROTO_ICMP6_REPLY;
	}
}
