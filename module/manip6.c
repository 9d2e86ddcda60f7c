// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 header rewriting with incremental checksum updates (manip.c does
 * IPv4).  IPv6 has no header checksum, but every transport checksum,
 * ICMPv6's included, covers the addresses through the pseudo-header, so
 * an address change is folded into the L4 sum whatever the protocol.
 */

#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "manip.h"

static void knat_csum_addr6(__sum16 *sum, struct sk_buff *skb, bool inner,
			    const struct in6_addr *from,
			    const struct in6_addr *to)
{
	int i;

	if (!inner) {
		inet_proto_csum_replace16(sum, skb, from->s6_addr32,
					  to->s6_addr32, true);
		return;
	}
	for (i = 0; i < 4; i++)
		csum_replace4(sum, from->s6_addr32[i], to->s6_addr32[i]);
}

static void knat_csum_port6(__sum16 *sum, struct sk_buff *skb, bool inner,
			    __be16 from, __be16 to)
{
	if (inner)
		csum_replace2(sum, from, to);
	else
		inet_proto_csum_replace2(sum, skb, from, to, false);
}

/* A change no checksum field absorbs, into a CHECKSUM_COMPLETE sum. */
static void knat_csum6_complete(struct sk_buff *skb,
				const struct in6_addr *from,
				const struct in6_addr *to, __be16 pfrom,
				__be16 pto)
{
	__wsum c = skb->csum;

	c = csum_sub(c, csum_partial(from, sizeof(*from), 0));
	c = csum_add(c, csum_partial(to, sizeof(*to), 0));
	c = csum_sub(c, (__force __wsum)(__force u32)pfrom);
	skb->csum = csum_add(c, (__force __wsum)(__force u32)pto);
}

void knat_manip6(struct sk_buff *skb, unsigned int nhoff, unsigned int thoff,
		 u8 proto, unsigned int l4avail, bool inner,
		 enum knat_manip_type type, const struct in6_addr *addr,
		 __be16 port)
{
	struct ipv6hdr *ip6h = (struct ipv6hdr *)(skb->data + nhoff);
	struct in6_addr *a = type == KNAT_MANIP_SRC ? &ip6h->saddr :
						     &ip6h->daddr;
	void *l4 = skb->data + thoff;
	struct in6_addr oaddr = *a;
	bool addr_same = ipv6_addr_equal(&oaddr, addr);
	__sum16 *sum = NULL;
	__be16 *pp = NULL;

	switch (proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;

		pp = type == KNAT_MANIP_SRC ? &th->source : &th->dest;
		/* A quoted segment may stop before its checksum. */
		if (l4avail >= offsetofend(struct tcphdr, check))
			sum = &th->check;
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		pp = type == KNAT_MANIP_SRC ? &uh->source : &uh->dest;
		if (l4avail < offsetofend(struct udphdr, check))
			break;
		/*
		 * Checksum 0 stays 0 (RFC 6935/6936 tunnels), as
		 * nf_nat and manip.c keep it; no field absorbs the change,
		 * so a CHECKSUM_COMPLETE skb->csum must.
		 */
		if (!uh->check && (inner || skb->ip_summed != CHECKSUM_PARTIAL)) {
			if (!inner && skb->ip_summed == CHECKSUM_COMPLETE)
				knat_csum6_complete(skb, &oaddr, addr, *pp,
						    port);
			break;
		}
		sum = &uh->check;
		break;
	}
	case IPPROTO_ICMPV6: {
		struct icmp6hdr *ih = l4;

		/* Only echo carries an identifier, in both "ports". */
		if (ih->icmp6_type == ICMPV6_ECHO_REQUEST ||
		    ih->icmp6_type == ICMPV6_ECHO_REPLY)
			pp = &ih->icmp6_identifier;
		if (l4avail >= offsetofend(struct icmp6hdr, icmp6_cksum))
			sum = &ih->icmp6_cksum;
		break;
	}
	}
	if (sum && !addr_same)
		knat_csum_addr6(sum, skb, inner, &oaddr, addr);
	if (pp && *pp != port) {
		if (sum)
			knat_csum_port6(sum, skb, inner, *pp, port);
		*pp = port;
	}
	if (sum && proto == IPPROTO_UDP && !*sum)
		*sum = CSUM_MANGLED_0;
	*a = *addr;
}

/*
 * After rewriting the packet an ICMPv6 error quotes, its checksum is
 * summed again from scratch, pseudo-header included.
 */
void knat_icmp6_csum(struct sk_buff *skb, unsigned int thoff)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct icmp6hdr *ih = (struct icmp6hdr *)(skb->data + thoff);
	unsigned int len = skb->len - thoff;

	ih->icmp6_cksum = 0;
	ih->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
					  IPPROTO_ICMPV6,
					  skb_checksum(skb, thoff, len, 0));
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		skb->ip_summed = CHECKSUM_NONE;
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "manip6_test.c"
#endif
