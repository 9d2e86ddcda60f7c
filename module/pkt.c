// SPDX-License-Identifier: GPL-2.0
/*
 * A packet as the packet path reads it: its headers parsed once
 * (knat_parse()), the checks a host would make before accepting it
 * (knat_pkt_invalid()), and the note an entry hook leaves in skb->cb for
 * the exit hook of the same packet.
 */

#include <linux/icmp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/random.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/tcp.h>

#include "pkt.h"
#include "stats.h"
#include "tcp_state.h"

static_assert(sizeof(struct knat_skb_cb) <= sizeof_field(struct sk_buff, cb));

static u32 knat_cb_cookie __read_mostly;

unsigned int knat_drop(struct knat_net *kn, enum knat_drop why)
{
	knat_count_drop(kn, why);
	return NF_DROP;
}

void knat_note(struct sk_buff *skb, enum knat_cb_state st,
	       const struct knat_flow_half *h)
{
	struct knat_skb_cb *cb = KNAT_CB(skb);
	const struct in6_addr *a6;

	cb->cookie = knat_cb_cookie;
	cb->state = st;
	if (!h)
		return;
	a6 = knat_flow_a6(knat_flow_of(h), h->tuple.dir);
	if (a6) {
		cb->dst6 = a6[1];
		cb->dport6 = h->tuple.dport;
	} else {
		cb->key = h->tuple;
	}
}

/*
 * The flow half an entry hook noted for this packet, which the exit hook
 * parsed into @p; NULL if it is gone.  RCU held.  IPv6: the half's source
 * and source port are the packet's (only destinations change at entry),
 * or for an ICMP error the quote's destination; the rest is in the note.
 */
struct knat_flow_half *knat_noted_half(struct knat_net *kn,
				       const struct sk_buff *skb,
				       const struct knat_pkt *p)
{
	const struct knat_skb_cb *cb = KNAT_CB(skb);
	struct in6_addr a6[2];
	struct knat_tuple t;

	if (!p->v6)
		return knat_flow_find(kn, &cb->key);
	if (p->icmp_err) {
		knat_tuple_invert(&t, &p->t);
		a6[0] = p->a6[1];
	} else {
		t = p->t;
		a6[0] = p->a6[0];
	}
	a6[1] = cb->dst6;
	t.dport = cb->dport6;
	/* Echo: one identifier for both, and the entry may have changed it. */
	if (knat_is_icmp_proto(t.proto))
		t.sport = t.dport;
	t.dir = 0;
	knat_tuple_fold6(&t, a6);
	return knat_flow_find6(kn, &t, a6);
}

/* Did an entry hook leave the note in skb->cb, or is it leftovers? */
bool knat_noted(const struct sk_buff *skb)
{
	return KNAT_CB(skb)->cookie == knat_cb_cookie;
}

/* Route again after a destination rewrite. */
int knat_reroute(struct sk_buff *skb, const struct nf_hook_state *state)
{
	if (state->hook == NF_INET_LOCAL_OUT && state->pf == NFPROTO_IPV6)
		return ip6_route_me_harder(state->net, state->sk, skb);
	if (state->hook == NF_INET_LOCAL_OUT)
		return ip_route_me_harder(state->net, state->sk, skb,
					  RTN_UNSPEC);
	if (state->hook == NF_INET_PRE_ROUTING)
		skb_dst_drop(skb);
	return 0;
}

static int knat_parse_icmp_error(struct sk_buff *skb, struct knat_pkt *p)
{
	unsigned int inoff = p->thoff + sizeof(struct icmphdr), ithoff, avail;
	const struct iphdr *in;
	struct iphdr _in;
	struct {
		__be16 sport, dport;
		u8 type, code;
		__be16 id;
	} _l4;
	const typeof(_l4) *l4;
	u8 proto;

	in = skb_header_pointer(skb, inoff, sizeof(_in), &_in);
	if (!in || in->version != 4 || in->ihl < 5)
		return KNAT_PARSE_OTHER;
	/* Only a first fragment quotes ports. */
	if (in->frag_off & htons(IP_OFFSET))
		return KNAT_PARSE_OTHER;
	ithoff = inoff + in->ihl * 4;
	if (skb->len < ithoff + 8)	/* RFC 792: 64 bits of the datagram */
		return KNAT_PARSE_OTHER;
	avail = skb->len - ithoff;

	p->t = (struct knat_tuple) { .src = in->saddr, .dst = in->daddr };
	proto = in->protocol;
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		/* Ports sit in the first four bytes of both. */
		l4 = skb_header_pointer(skb, ithoff, 4, &_l4);
		p->t.sport = l4->sport;
		p->t.dport = l4->dport;
		p->inner_l4avail = min_t(unsigned int, avail,
					 proto == IPPROTO_TCP ?
					 sizeof(struct tcphdr) :
					 sizeof(struct udphdr));
		break;
	case IPPROTO_ICMP: {
		const struct icmphdr *ih;
		struct icmphdr _ih;

		ih = skb_header_pointer(skb, ithoff, sizeof(_ih), &_ih);
		if (ih->type == ICMP_ECHOREPLY)
			proto = KNAT_PROTO_ICMP_REPLY;
		else if (ih->type != ICMP_ECHO)
			return KNAT_PARSE_OTHER;	/* errors about errors */
		p->t.sport = ih->un.echo.id;
		p->t.dport = ih->un.echo.id;
		p->inner_l4avail = sizeof(struct icmphdr);
		break;
	}
	default:
		return KNAT_PARSE_OTHER;
	}
	p->t.proto = proto;
	p->icmp_err = true;
	p->inner_nhoff = inoff;
	p->l4len = ithoff - p->thoff + p->inner_l4avail;
	return KNAT_PARSE_OK;
}

/* The window scale option of a SYN, as conntrack's tcp_options(); -1: none. */
static s8 knat_tcp_wscale(const struct sk_buff *skb, unsigned int thoff,
			  const struct tcphdr *th)
{
	u8 buf[MAX_TCP_OPTION_SPACE];
	int len = th->doff * 4 - sizeof(*th), i = 0;
	const u8 *opt;

	if (!len)
		return -1;
	opt = skb_header_pointer(skb, thoff + sizeof(*th), len, buf);
	if (!opt)
		return -1;
	while (i < len) {
		u8 kind = opt[i], olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			break;		/* bad length: no option is trusted */
		if (kind == TCPOPT_WINDOW && olen == TCPOLEN_WINDOW)
			return min_t(u8, opt[i + 2], TCP_MAX_WSCALE);
		i += olen;
	}
	return -1;
}

/* What the window check needs of a TCP segment (tcp_state.c). */
static void knat_parse_seg(const struct sk_buff *skb, unsigned int thoff,
			   const struct tcphdr *th, struct knat_pkt *p)
{
	struct knat_tcp_seg *s = &p->seg;

	s->seq = ntohl(th->seq);
	s->ack = ntohl(th->ack_seq);
	s->win = ntohs(th->window);
	s->flags = p->tcpflags;
	/* skb->len: a GSO packet's length is all of its segments'. */
	s->end = s->seq + skb->len - thoff - th->doff * 4 + th->syn + th->fin;
	s->wscale = th->syn ? knat_tcp_wscale(skb, thoff, th) : -1;
}

/*
 * TCP or UDP (p->l4proto) at p->thoff: ports, and TCP's flags and what
 * the window check reads.  Either family; inline in IPv4's parse, which
 * every packet of a namespace with rules takes.
 */
static __always_inline int __knat_parse_ports(struct sk_buff *skb,
					      struct knat_pkt *p)
{
	unsigned int thoff = p->thoff;

	if (p->l4proto == IPPROTO_TCP) {
		const struct tcphdr *th;
		struct tcphdr _th;

		th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
		if (!th || th->doff < 5 || thoff + th->doff * 4 > skb->len)
			return KNAT_PARSE_BAD;
		p->t.sport = th->source;
		p->t.dport = th->dest;
		p->tcpflags = (th->syn ? KNAT_TCPF_SYN : 0) |
			      (th->ack ? KNAT_TCPF_ACK : 0) |
			      (th->fin ? KNAT_TCPF_FIN : 0) |
			      (th->rst ? KNAT_TCPF_RST : 0);
		p->tcpraw = tcp_flag_byte(th);
		p->l4len = sizeof(struct tcphdr);
		knat_parse_seg(skb, thoff, th, p);
	} else {
		const struct udphdr *uh;
		struct udphdr _uh;

		uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
		if (!uh)
			return KNAT_PARSE_BAD;
		p->t.sport = uh->source;
		p->t.dport = uh->dest;
		p->l4len = sizeof(struct udphdr);
	}
	return KNAT_PARSE_OK;
}

int knat_parse_ports(struct sk_buff *skb, struct knat_pkt *p)
{
	return __knat_parse_ports(skb, p);
}

/*
 * Read the headers knat needs.  At these hooks skb->data is the IP
 * header, which IPv4 validated on input (or built on output).
 */
static __always_inline int knat_parse4(struct sk_buff *skb,
				       struct knat_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int thoff = skb_network_offset(skb) + iph->ihl * 4;

	memset(p, 0, offsetof(struct knat_pkt, a6));
	p->t.src = iph->saddr;
	p->t.dst = iph->daddr;
	p->t.proto = iph->protocol;
	p->l4proto = iph->protocol;
	p->thoff = thoff;
	if (ip_is_fragment(iph))
		return KNAT_PARSE_FRAG;

	switch (iph->protocol) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		return __knat_parse_ports(skb, p);
	case IPPROTO_ICMP: {
		const struct icmphdr *ih;
		struct icmphdr _ih;

		ih = skb_header_pointer(skb, thoff, sizeof(_ih), &_ih);
		if (!ih)
			return KNAT_PARSE_BAD;
		p->l4len = sizeof(struct icmphdr);
		switch (ih->type) {
		case ICMP_ECHOREPLY:
			p->t.proto = KNAT_PROTO_ICMP_REPLY;
			fallthrough;
		case ICMP_ECHO:
			p->t.sport = ih->un.echo.id;
			p->t.dport = ih->un.echo.id;
			return KNAT_PARSE_OK;
		case ICMP_DEST_UNREACH:
		case ICMP_TIME_EXCEEDED:
		case ICMP_PARAMETERPROB:
		case ICMP_REDIRECT:	/* only to drop it: icmp.c */
			return knat_parse_icmp_error(skb, p);
		}
		return KNAT_PARSE_OTHER;
	}
	}
	return KNAT_PARSE_OTHER;
}

/* Either family: the IP header's version says which. */
int knat_parse(struct sk_buff *skb, struct knat_pkt *p)
{
	if (ip_hdr(skb)->version == 6)
		return knat_parse6(skb, p);
	return knat_parse4(skb, p);
}

/*
 * What a host would refuse, as conntrack's tcp_error(), udp_error() and
 * icmp_error() judge it: an impossible flag combination, a UDP length that
 * does not fit, a wrong checksum.  Asked only where knat acts (a packet of a
 * flow, or one a rule takes) and before anything changes, so that such a
 * packet neither makes a flow nor moves one, and untouched traffic pays
 * nothing.  Sums are checked where packets arrive, as conntrack does, and
 * only if no one did: nf_ip_checksum() trusts CHECKSUM_UNNECESSARY, uses
 * COMPLETE's sum and skips PARTIAL (made here, summed by the device later).
 * A sum found good is remembered in the skb (UNNECESSARY): never done twice.
 * __KNAT_DROP_MAX: nothing wrong.
 */
enum knat_drop knat_pkt_invalid(struct sk_buff *skb, const struct knat_pkt *p,
				unsigned int hook)
{
	const struct udphdr *uh = NULL;
	u8 proto = p->l4proto;
	struct udphdr _uh;

	if (proto == IPPROTO_TCP && !knat_tcp_flags_valid(p->tcpraw))
		return KNAT_DROP_TCP_BAD_FLAGS;
	/*
	 * A UDP length past the datagram's end, or inside its own header:
	 * the checksum covers what the packet carries, not what it claims,
	 * so such a datagram can sum right, make a flow and be translated
	 * for a receiver that drops it (udp_rcv()).  IPv6's 0 (a jumbogram)
	 * too: knat takes none, as udp_error() does not.
	 */
	if (proto == IPPROTO_UDP) {
		uh = skb_header_pointer(skb, p->thoff, sizeof(_uh), &_uh);
		if (!uh || ntohs(uh->len) < sizeof(*uh) ||
		    ntohs(uh->len) > skb->len - p->thoff)
			return KNAT_DROP_MALFORMED;
	}
	if (hook != NF_INET_PRE_ROUTING && hook != NF_INET_POST_ROUTING)
		return __KNAT_DROP_MAX;
	/* IPv6 sums every datagram, UDP too (RFC 8200 8.1). */
	if (p->v6)
		return nf_ip6_checksum(skb, hook, p->thoff, proto) ?
		       KNAT_DROP_BAD_CHECKSUM : __KNAT_DROP_MAX;
	if (uh && !uh->check)		/* IPv4 UDP may go unsummed */
		return __KNAT_DROP_MAX;
	if (nf_ip_checksum(skb, hook, p->thoff, proto))
		return KNAT_DROP_BAD_CHECKSUM;
	return __KNAT_DROP_MAX;
}

void knat_pkt_init(void)
{
	knat_cb_cookie = get_random_u32() | 1;
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "pkt_test.c"
#endif
