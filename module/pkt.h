/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_PKT_H
#define _KNAT_PKT_H

#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <net/ip.h>

#include "flow.h"

/* What knat read from a packet's headers. */
struct knat_pkt {
	struct knat_tuple t;	/* as on the wire; for errors: the quote's */
	bool v6;		/* IPv6: ->t folds ->a6 */
	u8 l4proto;		/* the packet's own L4 protocol (not a quote's) */
	unsigned int thoff;	/* L4 header offset */
	unsigned int l4len;	/* L4 header bytes to make writable */
	u8 tcpflags;		/* KNAT_TCPF_* */
	u8 tcpraw;		/* the header's flag byte, TCPHDR_* */
	bool icmp_err;
	unsigned int inner_nhoff; /* ICMP error: quoted IP header offset */
	unsigned int inner_thoff; /* ... and its L4 header's (IPv6) */
	unsigned int inner_l4avail; /* ... and the quoted L4 bytes present */
	struct knat_tcp_seg seg;	/* TCP: what the window check reads */
	struct knat_ftab_hint hint;	/* the entry hook's lookup of t */
	/* Last: IPv4's parse leaves it as it is (only read when ->v6). */
	struct in6_addr a6[2];	/* IPv6: ->t's source and destination */
};

enum knat_parse_result {
	KNAT_PARSE_OK,
	KNAT_PARSE_OTHER,	/* not a protocol knat translates */
	KNAT_PARSE_BAD,		/* malformed: drop */
	KNAT_PARSE_FRAG,	/* a fragment: defrag should have joined it */
};

/* IPv6: ->t's addresses for lookups, NULL for IPv4. */
static inline const struct in6_addr *knat_pkt_a6(const struct knat_pkt *p)
{
	return p->v6 ? p->a6 : NULL;
}

/*
 * What the entry hook (PRE_ROUTING, LOCAL_OUT) tells the exit hook
 * (POST_ROUTING, LOCAL_IN) of the same packet, in the part of skb->cb that
 * IPv4 and IPv6 leave unused between them.  The cookie, random per boot,
 * tells our note from leftovers; entry hooks always write it.  The flow
 * half found at entry: IPv4 keeps its tuple; an IPv6 tuple does not fit,
 * so it keeps what the entry rewrite took from the packet (destination
 * address and port), and the exit hook reads the rest from the packet
 * (knat_noted_half()).
 */
struct knat_skb_cb {
	union {
		struct inet_skb_parm ipcb;	/* IPv4's own */
		struct inet6_skb_parm ip6cb;	/* IPv6's own */
	};
	u32 cookie;
	u8 state;			/* enum knat_cb_state */
	u8 flags;			/* KNAT_CB_F_* */
	__be16 dport6;			/* IPv6: the half's destination port */
	union {
		struct knat_tuple key;	/* IPv4: the flow half found */
		struct in6_addr dst6;	/* IPv6: its destination address */
	};
};

enum knat_cb_state {
	KNAT_CB_DONE,		/* nothing left to do at exit */
	KNAT_CB_SRC,		/* the flow in ->key needs its source set */
	KNAT_CB_MISS,		/* no flow: SNAT may make one */
};

#define KNAT_CB_F_LOCAL		0x01	/* entered at LOCAL_OUT */
#define KNAT_CB_F_LEARN		0x02	/* exit: learn the route (fastpath.c) */

#define KNAT_CB(skb) ((struct knat_skb_cb *)(skb)->cb)

/* A connection's opening SYN: no ACK, RST or FIN with it. */
static inline bool knat_pure_syn(u8 flags)
{
	return (flags & (KNAT_TCPF_SYN | KNAT_TCPF_ACK | KNAT_TCPF_RST |
			 KNAT_TCPF_FIN)) == KNAT_TCPF_SYN;
}

int knat_parse(struct sk_buff *skb, struct knat_pkt *p);
int knat_parse6(struct sk_buff *skb, struct knat_pkt *p);
int knat_parse_ports(struct sk_buff *skb, struct knat_pkt *p);
enum knat_drop knat_pkt_invalid(struct sk_buff *skb, const struct knat_pkt *p,
				unsigned int hook);
void knat_note(struct sk_buff *skb, enum knat_cb_state st,
	       const struct knat_flow_half *h);
bool knat_noted(const struct sk_buff *skb);
struct knat_flow_half *knat_noted_half(struct knat_net *kn,
				       const struct sk_buff *skb,
				       const struct knat_pkt *p);
int knat_reroute(struct sk_buff *skb, const struct nf_hook_state *state);
unsigned int knat_drop(struct knat_net *kn, enum knat_drop why);
void knat_pkt_init(void);

#endif /* _KNAT_PKT_H */
