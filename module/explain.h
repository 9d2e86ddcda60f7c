/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_EXPLAIN_H
#define _KNAT_EXPLAIN_H

#include <linux/if.h>
#include <linux/in6.h>

#include "decide.h"
#include "nat.h"

/* A KNAT_CMD_EXPLAIN request. */
struct knat_explain_req {
	u8 proto;		/* IPv6 echo: IPPROTO_ICMPV6 */
	bool local;		/* sent by this host */
	bool v6;		/* IPv6: ->src6 and ->dst6, not ->src, ->dst */
	__be32 src;
	__be32 dst;
	__be16 sport;		/* ICMP: the echo id, as dport */
	__be16 dport;
	char iif[IFNAMSIZ];	/* "": derived from the source */
	struct in6_addr src6;
	struct in6_addr dst6;
};

/* The answer; the objects it names are valid while RCU is held. */
struct knat_explain {
	struct knat_net *kn;
	struct net *net;
	struct knat_decision d;	/* verdict, drop, flags and what matched */
	bool flow;		/* an existing flow carries it: not ->d's */
	bool replied;		/* ->flow: answers seen */
	bool fast;		/* ->flow: this direction's route cached */
	bool local;		/* evaluated at LOCAL_OUT */
	bool replaces;		/* a stale flow holds the tuple */
	bool has_tuples;	/* ->out and ->reply are set */
	u8 state;		/* FLOW: TCP state */
	struct knat_tuple out;	/* as the packet leaves */
	struct knat_tuple reply; /* as its answers arrive */
	/* IPv6: ->out's and ->reply's addresses (source, destination) */
	struct in6_addr out6[2];
	struct in6_addr reply6[2];
	struct net_device *iif;
	struct net_device *oif;
	u16 port_min;		/* F_PORT_RANDOM: the range, host order */
	u16 port_max;
};

struct sk_buff *knat_explain_skb(const struct knat_explain_req *req);
int knat_explain(struct knat_net *kn, struct sk_buff *skb,
		 const struct knat_explain_req *req, struct knat_explain *x,
		 struct netlink_ext_ack *extack);

#endif /* _KNAT_EXPLAIN_H */
