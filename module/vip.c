// SPDX-License-Identifier: GPL-2.0
/*
 * The VIP echo responder: a service's VIP lives on no interface, so knat
 * answers pings to it itself.
 */

#include <linux/icmp.h>
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

	knat_service_count_vip(kn, p->t.dst, KNAT_CNT_ICMP_ECHO_REQUEST);
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
	knat_service_count_vip(kn, p->t.dst, KNAT_CNT_VIP_ECHO);
	ip_local_out(state->net, NULL, skb);
	return NF_STOLEN;
}
