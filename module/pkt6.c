// SPDX-License-Identifier: GPL-2.0
/*
 * An IPv6 packet as the packet path reads it (pkt.c does IPv4): the
 * transport header found past any extension headers (hop-by-hop, routing,
 * destination options pass through untouched), and ICMPv6 sorted into
 * echo, whose identifier is mapped like a port, errors about a flow,
 * translated (icmp6.c), and everything else, neighbour discovery, router
 * solicitation and advertisement and MLD among it, which knat never
 * touches.
 */

#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <net/ipv6.h>

#include "pkt.h"

/*
 * The transport header of the IPv6 packet whose header is at @nhoff:
 * its offset, protocol in *@proto, and whether a fragment header says
 * the packet is a fragment (FRAG); OTHER when the chain cannot be walked
 * (the stack judges such a packet, not knat).  @first_ok: a first
 * fragment is no fragment here (a quote in an ICMPv6 error: it holds the
 * ports, as IPv4's quotes and conntrack's ipv6_get_l4proto() take it).
 */
static int knat_skip6(const struct sk_buff *skb, unsigned int nhoff,
		      bool first_ok, u8 *proto, unsigned int *thoff)
{
	const struct ipv6hdr *h;
	struct ipv6hdr _h;
	__be16 frag_off;
	int off;

	h = skb_header_pointer(skb, nhoff, sizeof(_h), &_h);
	if (!h || h->version != 6)
		return KNAT_PARSE_OTHER;
	*proto = h->nexthdr;
	off = ipv6_skip_exthdr(skb, nhoff + sizeof(_h), proto, &frag_off);
	if (off < 0)
		return KNAT_PARSE_OTHER;
	if (frag_off & htons(first_ok ? IP6_OFFSET : IP6_OFFSET | IP6_MF))
		return KNAT_PARSE_FRAG;
	*thoff = off;
	return KNAT_PARSE_OK;
}

static int knat_parse6_icmp_error(struct sk_buff *skb, struct knat_pkt *p)
{
	unsigned int inoff = p->thoff + sizeof(struct icmp6hdr), ithoff, avail;
	const struct ipv6hdr *in;
	struct ipv6hdr _in;
	u8 proto;

	in = skb_header_pointer(skb, inoff, sizeof(_in), &_in);
	if (!in)
		return KNAT_PARSE_OTHER;
	/* Only a first fragment quotes ports. */
	if (knat_skip6(skb, inoff, true, &proto, &ithoff) != KNAT_PARSE_OK)
		return KNAT_PARSE_OTHER;
	if (skb->len < ithoff + 8)
		return KNAT_PARSE_OTHER;
	avail = skb->len - ithoff;
	p->a6[0] = in->saddr;
	p->a6[1] = in->daddr;

	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP: {
		const __be16 *ports;
		__be16 _ports[2];

		ports = skb_header_pointer(skb, ithoff, sizeof(_ports),
					   _ports);
		p->t.sport = ports[0];
		p->t.dport = ports[1];
		p->inner_l4avail = min_t(unsigned int, avail,
					 proto == IPPROTO_TCP ?
					 sizeof(struct tcphdr) :
					 sizeof(struct udphdr));
		break;
	}
	case IPPROTO_ICMPV6: {
		const struct icmp6hdr *ih;
		struct icmp6hdr _ih;

		ih = skb_header_pointer(skb, ithoff, sizeof(_ih), &_ih);
		if (ih->icmp6_type == ICMPV6_ECHO_REPLY)
			proto = KNAT_PROTO_ICMP6_REPLY;
		else if (ih->icmp6_type != ICMPV6_ECHO_REQUEST)
			return KNAT_PARSE_OTHER;	/* errors about errors */
		p->t.sport = ih->icmp6_identifier;
		p->t.dport = ih->icmp6_identifier;
		p->inner_l4avail = sizeof(struct icmp6hdr);
		break;
	}
	default:
		return KNAT_PARSE_OTHER;
	}
	p->t.proto = proto;
	knat_tuple_fold6(&p->t, p->a6);
	p->icmp_err = true;
	p->inner_nhoff = inoff;
	p->inner_thoff = ithoff;
	p->l4len = ithoff - p->thoff + p->inner_l4avail;
	return KNAT_PARSE_OK;
}

/*
 * Read the headers knat needs of an IPv6 packet; skb->data is its
 * header, which IPv6 validated on input (or built on output).
 */
int knat_parse6(struct sk_buff *skb, struct knat_pkt *p)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int thoff = 0;
	u8 proto = 0;
	int res;

	memset(p, 0, sizeof(*p));
	p->v6 = true;
	p->a6[0] = ip6h->saddr;
	p->a6[1] = ip6h->daddr;
	res = knat_skip6(skb, skb_network_offset(skb), false, &proto, &thoff);
	p->t.proto = proto;
	p->l4proto = proto;
	p->thoff = thoff;
	knat_tuple_fold6(&p->t, p->a6);
	if (res != KNAT_PARSE_OK)
		return res;

	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		return knat_parse_ports(skb, p);
	case IPPROTO_ICMPV6: {
		const struct icmp6hdr *ih;
		struct icmp6hdr _ih;

		ih = skb_header_pointer(skb, thoff, sizeof(_ih), &_ih);
		if (!ih)
			return KNAT_PARSE_BAD;
		p->l4len = sizeof(struct icmp6hdr);
		switch (ih->icmp6_type) {
		case ICMPV6_ECHO_REPLY:
			p->t.proto = KNAT_PROTO_ICMP6_REPLY;
			fallthrough;
		case ICMPV6_ECHO_REQUEST:
			p->t.sport = ih->icmp6_identifier;
			p->t.dport = ih->icmp6_identifier;
			return KNAT_PARSE_OK;
		case ICMPV6_DEST_UNREACH:
		case ICMPV6_PKT_TOOBIG:
		case ICMPV6_TIME_EXCEED:
		case ICMPV6_PARAMPROB:
			return knat_parse6_icmp_error(skb, p);
		}
		/* Neighbour discovery, RS/RA, MLD, ...: never ours. */
		return KNAT_PARSE_OTHER;
	}
	}
	return KNAT_PARSE_OTHER;
}
