/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_NAT_H
#define _KNAT_NAT_H

#include "manip.h"
#include "pkt.h"

unsigned int knat_nat_entry(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state);
unsigned int knat_nat_exit(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);

bool knat_needs6(const struct knat_flow *f, int dir, enum knat_manip_type t);

/*
 * Does direction @dir of @f need its source (or destination) rewritten?
 * ICMP echo has one identifier for both: it follows the address.  Every
 * packet of a flow asks twice: inline, IPv6 out of line.
 */
static inline bool knat_needs(const struct knat_flow *f, int dir,
			      enum knat_manip_type t)
{
	const struct knat_tuple *h = &f->h[dir].tuple, *o = &f->h[!dir].tuple;
	bool icmp = knat_is_icmp_proto(h->proto);

	if (unlikely(f->v6))
		return knat_needs6(f, dir, t);
	if (t == KNAT_MANIP_DST)
		return h->dst != o->src || (!icmp && h->dport != o->sport);
	return h->src != o->dst || (!icmp && h->sport != o->dport);
}

enum knat_flow_stale {
	KNAT_FLOW_USABLE,
	KNAT_FLOW_STALE_DEAD,
	KNAT_FLOW_STALE_EXPIRED,
	KNAT_FLOW_STALE_DOWN,		/* UDP to a backend set down */
	KNAT_FLOW_STALE_REUSED,		/* a SYN on a closed TCP flow */
	KNAT_FLOW_STALE_REMOVED,	/* its backend was removed */
};

enum knat_flow_stale knat_flow_stale(const struct knat_flow *f, int dir,
				     const struct knat_pkt *p);

int knat_nat_init(void);

#endif /* _KNAT_NAT_H */
