/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_MANIP_H
#define _KNAT_MANIP_H

#include <linux/skbuff.h>

enum knat_manip_type {
	KNAT_MANIP_SRC,
	KNAT_MANIP_DST,
};

/*
 * Rewrite the source or destination address and port of the IPv4 packet
 * whose header starts @nhoff bytes into @skb, fixing the IP and L4
 * checksums incrementally.  @l4avail is how many L4 header bytes exist
 * (an ICMP error quotes as few as 8).  @inner says the packet is quoted
 * inside an ICMP error: its checksums are plain data then, whatever
 * skb->ip_summed says of the outer one.  For ICMP echo, the port is the
 * identifier.  The caller made the bytes writable and linear.
 */
void knat_manip(struct sk_buff *skb, unsigned int nhoff, unsigned int l4avail,
		bool inner, enum knat_manip_type type, __be32 addr, __be16 port);

/* Recompute the checksum of the ICMP message starting at @thoff. */
void knat_icmp_csum(struct sk_buff *skb, unsigned int thoff);

/*
 * The same for IPv6 (manip6.c): the header at @nhoff, its transport
 * header (@proto, past any extension headers) at @thoff.
 */
void knat_manip6(struct sk_buff *skb, unsigned int nhoff, unsigned int thoff,
		 u8 proto, unsigned int l4avail, bool inner,
		 enum knat_manip_type type, const struct in6_addr *addr,
		 __be16 port);
void knat_icmp6_csum(struct sk_buff *skb, unsigned int thoff);

#endif /* _KNAT_MANIP_H */
