// SPDX-License-Identifier: GPL-2.0
/*
 * The VIP echo responder: a service's VIP lives on no interface, so knat
 * answers pings to it itself.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "service.h"
#include "stats.h"
#include "vip.h"

/*
 * A ping to a service VIP: the VIP lives on no interface, so nobody else
 * would answer.  The request becomes its own reply and leaves by an
 * output route whose source is the VIP.
 */
unsigned int knat_vip_echo(struct knat_net *kn, struct sk_buff *skb,
			   const struct knat_pkt *p,
			   const struct nf_hook_state *state)
{
	struct flowi4 fl4 = {
		.daddr = p->t.src, .saddr = p->t.dst,
		.flowi4_proto = IPPROTO_ICMP,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
	};
	struct icmphdr *ih;
	struct iphdr *iph;
	struct rtable *rt;

	unsigned int optlen;

	union nf_inet_addr vip = knat_inet_addr4(p->t.dst);

	knat_service_count_vip(kn, &vip, false, KNAT_CNT_ICMP_ECHO_REQUEST);
	/*
	 * As icmp_echo() in effect: no answer to a source that is no one
	 * host (0/8, loopback, multicast, any broadcast), which would make
	 * knat answer spoofed requests to a whole subnet or to itself.
	 */
	if (ipv4_is_zeronet(p->t.src) || ipv4_is_loopback(p->t.src) ||
	    ipv4_is_multicast(p->t.src) || ipv4_is_lbcast(p->t.src) ||
	    inet_addr_type(state->net, p->t.src) == RTN_BROADCAST)
		return knat_drop(kn, KNAT_DROP_BAD_SOURCE);
	if (!__ratelimit(&kn->vip_echo_rs))
		return knat_drop(kn, KNAT_DROP_RATE_LIMITED);
	if (skb_ensure_writable(skb, p->thoff + sizeof(*ih)))
		return knat_drop(kn, KNAT_DROP_UNWRITABLE);
	rt = ip_route_output_key(state->net, &fl4);
	if (IS_ERR(rt))
		return knat_drop(kn, KNAT_DROP_NO_ROUTE);

	/*
	 * IP options are not echoed verbatim (a source route or a record
	 * route would be sent back as the client wrote it): strip them, as
	 * the answer needs none.  The ICMP checksum does not cover them.
	 */
	optlen = ip_hdrlen(skb) - sizeof(*iph);
	if (optlen) {
		memmove(skb->data + optlen, skb->data, sizeof(*iph));
		__skb_pull(skb, optlen);
		skb_reset_network_header(skb);
		skb_set_transport_header(skb, sizeof(*iph));
		iph = ip_hdr(skb);
		iph->ihl = sizeof(*iph) / 4;
		iph->tot_len = htons(ntohs(iph->tot_len) - optlen);
		skb->ip_summed = CHECKSUM_NONE;
	}
	iph = ip_hdr(skb);
	ih = (struct icmphdr *)(skb->data + p->thoff - optlen);
	/* Type 8 -> 0: the checksum follows the one changed word. */
	inet_proto_csum_replace2(&ih->checksum, skb,
				 htons(ICMP_ECHO << 8 | ih->code),
				 htons(ICMP_ECHOREPLY << 8 | ih->code), false);
	ih->type = ICMP_ECHOREPLY;
	swap(iph->saddr, iph->daddr);
	iph->ttl = IPDEFTTL;
	ip_send_check(iph);

	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	skb->pkt_type = PACKET_HOST;
	knat_count(kn, KNAT_CNT_VIP_ECHO);
	knat_service_count_vip(kn, &vip, false, KNAT_CNT_VIP_ECHO);
	ip_local_out(state->net, NULL, skb);
	return NF_STOLEN;
}

/*
 * The same for a ping6 to an IPv6 VIP.  A service counts it under its
 * echo counters, whichever family's they are named after.
 */
unsigned int knat_vip_echo6(struct knat_net *kn, struct sk_buff *skb,
			    const struct knat_pkt *p,
			    const struct nf_hook_state *state)
{
	const union nf_inet_addr *vip = (const union nf_inet_addr *)&p->a6[1];
	struct flowi6 fl6 = {
		.daddr = p->a6[0], .saddr = p->a6[1],
		.flowi6_proto = IPPROTO_ICMPV6,
	};
	unsigned int nhoff = skb_network_offset(skb), exthdrs;
	struct icmp6hdr *ih;
	struct ipv6hdr *ip6h;
	struct dst_entry *dst;

	knat_service_count_vip(kn, vip, true, KNAT_CNT_ICMP_ECHO_REQUEST);
	/*
	 * As icmpv6_echo_reply() in effect: no answer to a source that is
	 * no one host (::, loopback, multicast), nor to a v4-mapped one.
	 */
	if (ipv6_addr_any(&p->a6[0]) ||	/* IPV6_ADDR_ANY is 0: no bit */
	    ipv6_addr_type(&p->a6[0]) & (IPV6_ADDR_LOOPBACK |
					 IPV6_ADDR_MULTICAST | IPV6_ADDR_MAPPED))
		return knat_drop(kn, KNAT_DROP_BAD_SOURCE);
	if (!__ratelimit(&kn->vip_echo_rs))
		return knat_drop(kn, KNAT_DROP_RATE_LIMITED);
	if (skb_ensure_writable(skb, p->thoff + sizeof(*ih)))
		return knat_drop(kn, KNAT_DROP_UNWRITABLE);
	dst = ip6_route_output(state->net, NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return knat_drop(kn, KNAT_DROP_NO_ROUTE);
	}

	/*
	 * Extension headers are not echoed (a routing header would send the
	 * answer by the path the client wrote): the IPv6 header moves up to
	 * the ICMPv6 one.  The ICMPv6 sum covers neither them nor the order
	 * of the pseudo-header's addresses, so only the type changes it.
	 */
	exthdrs = p->thoff - nhoff - sizeof(*ip6h);
	if (exthdrs) {
		memmove(skb->data + nhoff + exthdrs, skb->data + nhoff,
			sizeof(*ip6h));
		__skb_pull(skb, nhoff + exthdrs);
		skb_reset_network_header(skb);
		skb_set_transport_header(skb, sizeof(*ip6h));
		ip6h = ipv6_hdr(skb);
		ip6h->nexthdr = IPPROTO_ICMPV6;
		ip6h->payload_len = htons(ntohs(ip6h->payload_len) - exthdrs);
	} else {
		__skb_pull(skb, nhoff);
		skb_reset_network_header(skb);
	}
	ip6h = ipv6_hdr(skb);
	ih = (struct icmp6hdr *)(skb->data + sizeof(*ip6h));
	inet_proto_csum_replace2(&ih->icmp6_cksum, skb,
				 htons(ICMPV6_ECHO_REQUEST << 8 | ih->icmp6_code),
				 htons(ICMPV6_ECHO_REPLY << 8 | ih->icmp6_code),
				 false);
	ih->icmp6_type = ICMPV6_ECHO_REPLY;
	swap(ip6h->saddr, ip6h->daddr);
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	skb->ip_summed = CHECKSUM_NONE;

	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	skb->pkt_type = PACKET_HOST;
	knat_count(kn, KNAT_CNT_VIP_ECHO);
	knat_service_count_vip(kn, vip, true, KNAT_CNT_VIP_ECHO);
	ip6_local_out(state->net, NULL, skb);
	return NF_STOLEN;
}
