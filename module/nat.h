/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_NAT_H
#define _KNAT_NAT_H

#include <linux/netfilter.h>
#include <net/ip.h>

#include "flow.h"
#include "manip.h"

/* What knat read from a packet's headers. */
struct knat_pkt {
	struct knat_tuple t;	/* as on the wire; for errors: the quote's */
	unsigned int thoff;	/* L4 header offset */
	unsigned int l4len;	/* L4 header bytes to make writable */
	u8 tcpflags;		/* KNAT_TCPF_* */
	u8 tcpraw;		/* the header's flag byte, TCPHDR_* */
	bool icmp_err;
	unsigned int inner_nhoff; /* ICMP error: quoted IP header offset */
	unsigned int inner_l4avail; /* ... and the quoted L4 bytes present */
	struct knat_tcp_seg seg;	/* TCP: what the window check reads */
};

enum knat_parse_result {
	KNAT_PARSE_OK,
	KNAT_PARSE_OTHER,	/* not a protocol knat translates */
	KNAT_PARSE_BAD,		/* malformed: drop */
	KNAT_PARSE_FRAG,	/* a fragment: defrag should have joined it */
};

/*
 * What the entry hook (PRE_ROUTING, LOCAL_OUT) tells the exit hook
 * (POST_ROUTING, LOCAL_IN) of the same packet, in the part of skb->cb that
 * IPv4 leaves unused between them.  The cookie, random per boot, tells
 * our note from leftovers; entry hooks always write it.
 */
struct knat_skb_cb {
	struct inet_skb_parm ipcb;	/* IPv4's own */
	u32 cookie;
	u8 state;			/* enum knat_cb_state */
	u8 flags;			/* KNAT_CB_F_* */
	u8 pad[2];
	struct knat_tuple key;		/* the flow half found at entry */
};

enum knat_cb_state {
	KNAT_CB_DONE,		/* nothing left to do at exit */
	KNAT_CB_SRC,		/* the flow in ->key needs its source set */
	KNAT_CB_MISS,		/* no flow: SNAT may make one */
};

#define KNAT_CB_F_LOCAL		0x01	/* entered at LOCAL_OUT */

#define KNAT_CB(skb) ((struct knat_skb_cb *)(skb)->cb)

int knat_parse(struct sk_buff *skb, struct knat_pkt *p);
unsigned int knat_nat_entry(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state);
unsigned int knat_nat_exit(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);

/* icmp.c */
unsigned int knat_icmp_error(struct knat_net *kn, struct sk_buff *skb,
			     struct knat_pkt *p, bool entry,
			     const struct nf_hook_state *state);

/* Helpers shared by nat.c and icmp.c. */
enum knat_counter knat_icmp_counter(const struct sk_buff *skb,
				    unsigned int thoff);
bool knat_needs(const struct knat_flow *f, int dir, enum knat_manip_type t);
unsigned int knat_drop(struct knat_net *kn, enum knat_drop why);
int knat_reroute(struct sk_buff *skb, const struct nf_hook_state *state);
void knat_note(struct sk_buff *skb, enum knat_cb_state st,
	       const struct knat_tuple *key);

/*
 * What knat does with a packet of no flow: knat_decide() at the entry
 * hooks, knat_snat_decide() at POST_ROUTING.  The packet path carries it
 * out; knat explain (explain.c) asks for a dry run and reports it.
 */
struct knat_decision {
	u8 verdict;		/* enum knat_explain_verdict */
	u8 drop;		/* enum knat_drop, verdict DROP */
	u8 kind;		/* enum knat_flow_kind of the new flow */
	u8 tcp_state;		/* its first TCP state */
	u8 dir;			/* the packet's half of it */
	bool routed;		/* the skb is routed for its new destination */
	u32 flags;		/* KNAT_EXPLAIN_F_* */
	unsigned long status;	/* BIT(KNAT_FLOW_*_BIT) it starts with */
	struct knat_tuple reply; /* the new flow's other half */
	struct knat_forward *fwd;
	struct knat_service *svc;
	struct knat_backend *be;
	struct knat_snat *snat;
	__be32 out_addr;	/* SNAT: masquerade address; 0: the rule's */
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

enum knat_flow_stale {
	KNAT_FLOW_USABLE,
	KNAT_FLOW_STALE_DEAD,
	KNAT_FLOW_STALE_EXPIRED,
	KNAT_FLOW_STALE_DOWN,		/* UDP to a backend set down */
	KNAT_FLOW_STALE_REUSED,		/* a SYN on a closed TCP flow */
};

enum knat_flow_stale knat_flow_stale(const struct knat_flow *f, int dir,
				     const struct knat_pkt *p);

int knat_nat_init(void);

#endif /* _KNAT_NAT_H */
