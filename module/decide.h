/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_DECIDE_H
#define _KNAT_DECIDE_H

#include "pkt.h"

/*
 * The packet path's own words for what it decides.  knat explain reports
 * them, translated to the uapi's KNAT_EXPLAIN_* by nl_explain.c, so that
 * a change here is no change of the ABI.
 */
enum knat_verdict {
	KNAT_VERDICT_PASS,	/* untouched */
	KNAT_VERDICT_FORWARD,	/* a new flow of a forward */
	KNAT_VERDICT_SERVICE,	/* a new flow of a service */
	KNAT_VERDICT_SNAT,	/* a new flow of an SNAT rule */
	KNAT_VERDICT_DROP,	/* ->drop says why */
	KNAT_VERDICT_VIP_ECHO,	/* a ping to a VIP, answered here */
};

#define KNAT_DECIDE_F_PORT_PRESERVED	BIT(0)	/* the source port kept */
#define KNAT_DECIDE_F_PORT_RANDOM	BIT(1)	/* a port drawn at random */
#define KNAT_DECIDE_F_HAIRPIN		BIT(2)	/* source-NATed back to us */
#define KNAT_DECIDE_F_PERSIST_HIT	BIT(3)	/* a persistence entry's */
#define KNAT_DECIDE_F_MAPPING_HIT	BIT(4)	/* an SNAT mapping reused */
#define KNAT_DECIDE_F_PROBE		BIT(5)	/* a health probe flow */
#define KNAT_DECIDE_F_PICKUP		BIT(6)	/* maglev: taken up mid-flow */

/* The range knat_hairpin() draws a port from when the client's is taken. */
#define KNAT_HAIRPIN_PORT_MIN	1024
#define KNAT_HAIRPIN_PORT_MAX	65535

/*
 * What knat does with a packet of no flow: knat_decide() at the entry
 * hooks, knat_snat_decide() at POST_ROUTING.  The packet path carries it
 * out; knat explain (explain.c) asks for a dry run and reports it.
 */
struct knat_decision {
	u8 verdict;		/* enum knat_verdict */
	u8 drop;		/* enum knat_drop, verdict DROP */
	u8 kind;		/* enum knat_flow_kind of the new flow */
	u8 tcp_state;		/* its first TCP state */
	u8 dir;			/* the packet's half of it */
	bool routed;		/* the skb is routed for its new destination */
	u32 flags;		/* KNAT_DECIDE_F_* */
	unsigned long status;	/* BIT(KNAT_FLOW_*_BIT) it starts with */
	struct knat_tuple reply; /* the new flow's other half */
	struct knat_forward *fwd;
	struct knat_service *svc;
	struct knat_backend *be;
	struct knat_snat *snat;
	__be32 out_addr;	/* SNAT: masquerade address; 0: the rule's */
	/* IPv6: ->reply's addresses; the masquerade address (:: none) */
	struct in6_addr reply6[2];
	struct in6_addr out6;
};

void knat_decide(struct knat_net *kn, struct sk_buff *skb,
		 const struct knat_pkt *p, const struct nf_hook_state *state,
		 bool dry, struct knat_decision *d);
void knat_snat_decide(struct knat_net *kn, struct sk_buff *skb, int res,
		      const struct knat_pkt *p,
		      const struct nf_hook_state *state,
		      struct knat_decision *d);
void knat_snat_reply(const struct knat_tuple *orig, __be32 addr,
		     __be16 port, struct knat_tuple *reply);
int knat_decide_route(struct sk_buff *skb, __be32 dst, __be32 src,
		      struct net_device *in);
bool knat_decide_full(struct knat_net *kn, struct knat_decision *d);

/* decide6.c */
void knat_dnat_decide6(struct knat_net *kn, const struct knat_pkt *p,
		       const struct nf_hook_state *state,
		       const struct in6_addr *to_addr, __be16 to_port,
		       bool dry, struct knat_decision *d);
bool knat_masq_addr6(const struct net_device *dev,
		     const struct in6_addr *dst, struct in6_addr *addr);
bool knat_port_shadowed6(struct knat_net *kn, u8 proto,
			 const struct in6_addr *addr, __be16 port,
			 const struct in6_addr *peer, __be16 peer_port);

#endif /* _KNAT_DECIDE_H */
