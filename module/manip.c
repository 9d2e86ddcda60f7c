// SPDX-License-Identifier: GPL-2.0
/*
 * Header rewriting with incremental checksum updates (RFC 1624).
 *
 * Outer headers go through inet_proto_csum_replace*(), which keeps
 * CHECKSUM_PARTIAL (GSO, locally generated) and CHECKSUM_COMPLETE (what
 * the receiving device summed) right: a PARTIAL checksum field holds only
 * the pseudo-header sum, a COMPLETE skb->csum must follow every byte that
 * changes without a compensating checksum change.
 */

#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>

#include "manip.h"

static void knat_csum_addr(__sum16 *sum, struct sk_buff *skb, bool inner,
			   __be32 from, __be32 to)
{
	if (inner)
		csum_replace4(sum, from, to);
	else
		inet_proto_csum_replace4(sum, skb, from, to, true);
}

static void knat_csum_port(__sum16 *sum, struct sk_buff *skb, bool inner,
			   __be16 from, __be16 to)
{
	if (inner)
		csum_replace2(sum, from, to);
	else
		inet_proto_csum_replace2(sum, skb, from, to, false);
}

static void knat_manip_tcp(struct sk_buff *skb, struct tcphdr *th,
			   unsigned int l4avail, bool inner,
			   enum knat_manip_type type, __be32 oaddr,
			   __be32 addr, __be16 port)
{
	__be16 *p = type == KNAT_MANIP_SRC ? &th->source : &th->dest;
	__be16 oport = *p;

	*p = port;
	/* A quoted segment may stop before its checksum. */
	if (l4avail < offsetofend(struct tcphdr, check))
		return;
	knat_csum_addr(&th->check, skb, inner, oaddr, addr);
	knat_csum_port(&th->check, skb, inner, oport, port);
}

static void knat_manip_udp(struct sk_buff *skb, struct udphdr *uh,
			   bool inner, enum knat_manip_type type,
			   __be32 oaddr, __be32 addr, __be16 port)
{
	__be16 *p = type == KNAT_MANIP_SRC ? &uh->source : &uh->dest;
	__be16 oport = *p;

	*p = port;
	/* Checksum 0 means "none" and stays so (RFC 768). */
	if (!uh->check && (inner || skb->ip_summed != CHECKSUM_PARTIAL)) {
		/* No checksum field absorbs the new port: skb->csum must. */
		if (!inner && skb->ip_summed == CHECKSUM_COMPLETE)
			skb->csum = csum_add(csum_sub(skb->csum,
						      (__force __wsum)(__force u32)oport),
					     (__force __wsum)(__force u32)port);
		return;
	}
	knat_csum_addr(&uh->check, skb, inner, oaddr, addr);
	knat_csum_port(&uh->check, skb, inner, oport, port);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
}

static void knat_manip_icmp(struct sk_buff *skb, struct icmphdr *ih,
			    bool inner, __be16 id)
{
	__be16 oid = ih->un.echo.id;

	/* Only echo carries an identifier; errors keep bytes 4-7. */
	if (ih->type != ICMP_ECHO && ih->type != ICMP_ECHOREPLY)
		return;
	if (oid == id)
		return;
	ih->un.echo.id = id;
	knat_csum_port(&ih->checksum, skb, inner, oid, id);
}

void knat_manip(struct sk_buff *skb, unsigned int nhoff, unsigned int l4avail,
		bool inner, enum knat_manip_type type, __be32 addr, __be16 port)
{
	struct iphdr *iph = (struct iphdr *)(skb->data + nhoff);
	void *l4 = skb->data + nhoff + iph->ihl * 4;
	__be32 *a = type == KNAT_MANIP_SRC ? &iph->saddr : &iph->daddr;
	__be32 oaddr = *a;

	switch (iph->protocol) {
	case IPPROTO_TCP:
		knat_manip_tcp(skb, l4, l4avail, inner, type, oaddr, addr,
			       port);
		break;
	case IPPROTO_UDP:
		knat_manip_udp(skb, l4, inner, type, oaddr, addr, port);
		break;
	case IPPROTO_ICMP:
		knat_manip_icmp(skb, l4, inner, port);
		break;
	}
	if (oaddr != addr) {
		csum_replace4(&iph->check, oaddr, addr);
		*a = addr;
	}
}

/*
 * After rewriting the packet an ICMP error quotes, its checksum is summed
 * again from scratch: the message is small and the quote may be cut
 * anywhere.  The sum of a valid ICMP message is constant, so a
 * CHECKSUM_COMPLETE skb->csum stays right.
 */
void knat_icmp_csum(struct sk_buff *skb, unsigned int thoff)
{
	struct icmphdr *ih = (struct icmphdr *)(skb->data + thoff);

	ih->checksum = 0;
	ih->checksum = csum_fold(skb_checksum(skb, thoff, skb->len - thoff, 0));
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		skb->ip_summed = CHECKSUM_NONE;
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "manip_test.c"
#include "manip_icmp_test.c"
#endif
