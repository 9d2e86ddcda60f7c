// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about translated flows (RFC 5508): destination unreachable
 * (fragmentation needed among them, so PMTU discovery works), time
 * exceeded (so traceroute shows the hops) and parameter problem.
 *
 * An error quotes a packet of its flow going the other way, so its flow
 * is found by the quoted tuple reversed.  The error is then treated as a
 * packet of that direction d: its outer header gets d's rewrite, and the
 * quoted packet the opposite rewrite, so that each side sees an error
 * about the packet it really sent.  The outer ICMP checksum is summed
 * again; bytes 4-7 of the error (MTU, pointer) are never touched.
 */

#include <linux/icmp.h>

#include "account.h"
#include "health.h"
#include "icmp.h"
#include "nat.h"
#include "service.h"
#include "stats.h"
#include "tcp_state.h"

/* Make the outer header and the quote writable; false if impossible. */
static bool knat_icmp_writable(struct sk_buff *skb, const struct knat_pkt *p)
{
	return !skb_ensure_writable(skb, p->thoff + p->l4len);
}

/* The error's ICMP type; knat_parse() has seen its header. */
static u8 knat_icmp_type(const struct sk_buff *skb, const struct knat_pkt *p)
{
	const u8 *type;
	u8 _type;

	type = skb_header_pointer(skb, p->thoff, 1, &_type);
	return type ? *type : ICMP_DEST_UNREACH;
}

static unsigned int knat_icmp_error_entry(struct knat_net *kn,
					  struct sk_buff *skb,
					  struct knat_pkt *p,
					  const struct nf_hook_state *state)
{
	struct knat_service *svc;
	const struct knat_tuple *o;
	struct knat_flow_half *h;
	struct knat_tuple key;
	struct knat_flow *f;
	int dir;

	knat_tuple_invert(&key, &p->t);
	h = knat_flow_find(kn, &key);
	if (!h || test_bit(KNAT_FLOW_DEAD_BIT, &knat_flow_of(h)->status)) {
		knat_count(kn, KNAT_CNT_ICMP_ERR_UNKNOWN);
		return NF_ACCEPT;	/* noted as a miss: SNAT won't leak it */
	}
	f = knat_flow_of(h);
	dir = h->tuple.dir;
	o = &f->h[!dir].tuple;

	/*
	 * A redirect about a translated flow would name a next hop for
	 * addresses one side never sees (and reveal them): drop it, as
	 * nf_nat does.  Every flow of knat is translated.
	 */
	if (knat_icmp_type(skb, p) == ICMP_REDIRECT)
		return knat_drop(kn, KNAT_DROP_ICMP_REDIRECT);

	svc = knat_flow_is_service(f) ?
	      ((struct knat_backend *)f->owner)->svc : NULL;
	if (svc)
		knat_svc_count_icmp(svc, knat_icmp_counter(skb, p->thoff));

	/* An error goes to whoever sent the quoted packet, or it is forged. */
	if (ip_hdr(skb)->daddr != p->t.src) {
		if (svc)
			this_cpu_inc(svc->stats->icmp[KNAT_SVC_ICMP_UNRELATED]);
		return knat_drop(kn, KNAT_DROP_ICMP_UNRELATED);
	}
	knat_count(kn, KNAT_CNT_ICMP_ERR_TRANSLATED);
	if (svc)
		knat_svc_count_icmp(svc, KNAT_CNT_ICMP_ERR_TRANSLATED);

	/* An unreachable answering a SYN fails the backend's handshake. */
	if (f->h[KNAT_DIR_ORIG].tuple.proto == IPPROTO_TCP &&
	    (READ_ONCE(f->state) & KNAT_TCP_STATE_MASK) == KNAT_TCP_SYN_SENT &&
	    knat_flow_is_service(f))
		knat_health_icmp(kn, f, dir, skb, p->thoff,
				 state->hook == NF_INET_LOCAL_OUT);

	if (knat_needs(f, dir, KNAT_MANIP_DST)) {
		if (!knat_icmp_writable(skb, p))
			return knat_drop(kn, KNAT_DROP_UNWRITABLE);
		knat_manip(skb, 0, sizeof(struct icmphdr), false,
			   KNAT_MANIP_DST, o->src, 0);
		knat_manip(skb, p->inner_nhoff, p->inner_l4avail, true,
			   KNAT_MANIP_SRC, o->src, o->sport);
		knat_icmp_csum(skb, p->thoff);
		if (knat_reroute(skb, state))
			return knat_drop(kn, KNAT_DROP_NO_ROUTE);
	}
	knat_note(skb, knat_needs(f, dir, KNAT_MANIP_SRC) ?
		  KNAT_CB_SRC : KNAT_CB_DONE, h);
	return NF_ACCEPT;
}

static unsigned int knat_icmp_error_exit(struct knat_net *kn,
					 struct sk_buff *skb,
					 struct knat_pkt *p)
{
	struct knat_flow_half *h = knat_noted_half(kn, skb, p);
	const struct knat_tuple *o;

	if (!h || test_bit(KNAT_FLOW_DEAD_BIT, &knat_flow_of(h)->status))
		return knat_drop(kn, KNAT_DROP_FLOW_GONE);
	o = &knat_flow_of(h)->h[!h->tuple.dir].tuple;
	if (!knat_icmp_writable(skb, p))
		return knat_drop(kn, KNAT_DROP_UNWRITABLE);
	knat_manip(skb, 0, sizeof(struct icmphdr), false, KNAT_MANIP_SRC,
		   o->dst, 0);
	knat_manip(skb, p->inner_nhoff, p->inner_l4avail, true,
		   KNAT_MANIP_DST, o->dst, o->dport);
	knat_icmp_csum(skb, p->thoff);
	return NF_ACCEPT;
}

unsigned int knat_icmp_error(struct knat_net *kn, struct sk_buff *skb,
			     struct knat_pkt *p, bool entry,
			     const struct nf_hook_state *state)
{
	if (p->v6)
		return knat_icmp6_error(kn, skb, p, entry, state);
	if (entry)
		return knat_icmp_error_entry(kn, skb, p, state);
	return knat_icmp_error_exit(kn, skb, p);
}
