// SPDX-License-Identifier: GPL-2.0
/*
 * ICMPv6 errors about translated flows (icmp.c does IPv4): destination
 * unreachable, packet too big (so PMTU discovery works: the MTU in bytes
 * 4-7 is carried through untouched), time exceeded (traceroute6) and
 * parameter problem.  As for IPv4, the error's flow is found by the
 * quoted tuple reversed, the outer header gets that direction's rewrite
 * and the quote the opposite one; the ICMPv6 checksum, which covers the
 * pseudo-header, is summed again once the addresses are final.
 */

#include <linux/icmpv6.h>
#include <net/ipv6.h>

#include "health.h"
#include "icmp.h"
#include "manip.h"
#include "nat.h"
#include "service.h"
#include "stats.h"

/* The quote's own L4 protocol (its tuple may say "echo reply"). */
static u8 knat_quote_proto(const struct knat_pkt *p)
{
	return knat_is_icmp_proto(p->t.proto) ? IPPROTO_ICMPV6 : p->t.proto;
}

static unsigned int knat_icmp6_error_entry(struct knat_net *kn,
					   struct sk_buff *skb,
					   struct knat_pkt *p,
					   const struct nf_hook_state *state)
{
	struct knat_service *svc;
	const struct in6_addr *o6;
	struct knat_flow_half *h;
	const struct knat_tuple *o;
	struct in6_addr a6[2];
	struct knat_tuple key;
	struct knat_flow *f;
	int dir;

	knat_tuple_invert(&key, &p->t);
	knat_a6_invert(a6, p->a6);
	h = knat_flow_find6(kn, &key, a6);
	if (!h || test_bit(KNAT_FLOW_DEAD_BIT, &knat_flow_of(h)->status)) {
		knat_count(kn, KNAT_CNT_ICMP_ERR_UNKNOWN);
		return NF_ACCEPT;	/* noted as a miss: SNAT won't leak it */
	}
	f = knat_flow_of(h);
	dir = h->tuple.dir;
	o = &f->h[!dir].tuple;
	o6 = knat_flow_a6(f, !dir);

	/*
	 * A service counts its flows' errors; the per-type counters it
	 * keeps are ICMP's (icmp.c), IPv6's are the namespace's only.
	 */
	svc = knat_flow_is_service(f) ?
	      ((struct knat_backend *)f->owner)->svc : NULL;

	/* An error goes to whoever sent the quoted packet, or it is forged. */
	if (!ipv6_addr_equal(&ipv6_hdr(skb)->daddr, &p->a6[0])) {
		if (svc)
			this_cpu_inc(svc->stats->icmp[KNAT_SVC_ICMP_UNRELATED]);
		return knat_drop(kn, KNAT_DROP_ICMP_UNRELATED);
	}
	knat_count(kn, KNAT_CNT_ICMP_ERR_TRANSLATED);
	if (svc)
		knat_svc_count_icmp(svc, KNAT_CNT_ICMP_ERR_TRANSLATED);

	/* An unreachable answering a SYN fails the backend's handshake. */
	if (svc && f->h[KNAT_DIR_ORIG].tuple.proto == IPPROTO_TCP &&
	    (READ_ONCE(f->state) & KNAT_TCP_STATE_MASK) == KNAT_TCP_SYN_SENT)
		knat_health_icmp6(kn, f, dir, skb, p->thoff,
				  state->hook == NF_INET_LOCAL_OUT);

	if (knat_needs(f, dir, KNAT_MANIP_DST)) {
		if (skb_ensure_writable(skb, p->thoff + p->l4len))
			return knat_drop(kn, KNAT_DROP_UNWRITABLE);
		knat_manip6(skb, 0, p->thoff, IPPROTO_ICMPV6,
			    sizeof(struct icmp6hdr), false, KNAT_MANIP_DST,
			    &o6[0], 0);
		knat_manip6(skb, p->inner_nhoff, p->inner_thoff,
			    knat_quote_proto(p), p->inner_l4avail, true,
			    KNAT_MANIP_SRC, &o6[0], o->sport);
		knat_icmp6_csum(skb, p->thoff);
		if (knat_reroute(skb, state))
			return knat_drop(kn, KNAT_DROP_NO_ROUTE);
	}
	knat_note(skb, knat_needs(f, dir, KNAT_MANIP_SRC) ?
		  KNAT_CB_SRC : KNAT_CB_DONE, h);
	return NF_ACCEPT;
}

static unsigned int knat_icmp6_error_exit(struct knat_net *kn,
					  struct sk_buff *skb,
					  struct knat_pkt *p)
{
	struct knat_flow_half *h = knat_noted_half(kn, skb, p);
	const struct in6_addr *o6;
	const struct knat_tuple *o;
	struct knat_flow *f;

	if (!h || test_bit(KNAT_FLOW_DEAD_BIT, &knat_flow_of(h)->status))
		return knat_drop(kn, KNAT_DROP_FLOW_GONE);
	f = knat_flow_of(h);
	o = &f->h[!h->tuple.dir].tuple;
	o6 = knat_flow_a6(f, !h->tuple.dir);
	if (skb_ensure_writable(skb, p->thoff + p->l4len))
		return knat_drop(kn, KNAT_DROP_UNWRITABLE);
	knat_manip6(skb, 0, p->thoff, IPPROTO_ICMPV6, sizeof(struct icmp6hdr),
		    false, KNAT_MANIP_SRC, &o6[1], 0);
	knat_manip6(skb, p->inner_nhoff, p->inner_thoff, knat_quote_proto(p),
		    p->inner_l4avail, true, KNAT_MANIP_DST, &o6[1], o->dport);
	knat_icmp6_csum(skb, p->thoff);
	return NF_ACCEPT;
}

unsigned int knat_icmp6_error(struct knat_net *kn, struct sk_buff *skb,
			      struct knat_pkt *p, bool entry,
			      const struct nf_hook_state *state)
{
	if (entry)
		return knat_icmp6_error_entry(kn, skb, p, state);
	return knat_icmp6_error_exit(kn, skb, p);
}
