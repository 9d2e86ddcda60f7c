// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path.
 *
 * As nf_nat does, a destination is rewritten where packets enter
 * (PRE_ROUTING, LOCAL_OUT), so that routing sees where they really go,
 * and a source where they leave (POST_ROUTING, LOCAL_IN), so that routing
 * and rp_filter never see one of this host's own addresses arriving from
 * outside.  Each packet is looked up once on entry; the exit hook looks
 * the flow up again only when a source rewrite is due, using the note the
 * entry hook left in skb->cb (nat.h).
 *
 * Per direction d of a flow, the packet must end up as the other half's
 * tuple reversed; which parts differ says which rewrites d needs.
 */

#include <linux/icmp.h>
#include <linux/inetdevice.h>
#include <linux/netfilter_ipv4.h>
#include <linux/random.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/route.h>
#include <net/tcp.h>
/* After the rest: on UML it relies on cpu_relax() declared before it. */
#include <linux/bit_spinlock.h>

#include "health.h"
#include "nat.h"
#include "persist.h"
#include "portalloc.h"
#include "rules.h"
#include "service.h"
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
	       const struct knat_tuple *key)
{
	struct knat_skb_cb *cb = KNAT_CB(skb);

	cb->cookie = knat_cb_cookie;
	cb->state = st;
	if (key)
		cb->key = *key;
}

static bool knat_is_icmp(u8 proto)
{
	return proto == IPPROTO_ICMP || proto == KNAT_PROTO_ICMP_REPLY;
}

/*
 * Does direction @dir of @f need its source (or destination) rewritten?
 * ICMP echo has one identifier for both: it follows the address.
 */
bool knat_needs(const struct knat_flow *f, int dir, enum knat_manip_type t)
{
	const struct knat_tuple *h = &f->h[dir].tuple, *o = &f->h[!dir].tuple;
	bool icmp = knat_is_icmp(h->proto);

	if (t == KNAT_MANIP_DST)
		return h->dst != o->src || (!icmp && h->dport != o->sport);
	return h->src != o->dst || (!icmp && h->sport != o->dport);
}

/* Route again after a destination rewrite. */
int knat_reroute(struct sk_buff *skb, const struct nf_hook_state *state)
{
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
 * Read the headers knat needs.  At these hooks skb->data is the IP
 * header, which IPv4 validated on input (or built on output).
 */
int knat_parse(struct sk_buff *skb, struct knat_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int thoff = skb_network_offset(skb) + iph->ihl * 4;

	memset(p, 0, sizeof(*p));
	p->t.src = iph->saddr;
	p->t.dst = iph->daddr;
	p->t.proto = iph->protocol;
	p->thoff = thoff;
	if (ip_is_fragment(iph))
		return KNAT_PARSE_FRAG;

	switch (iph->protocol) {
	case IPPROTO_TCP: {
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
		return KNAT_PARSE_OK;
	}
	case IPPROTO_UDP: {
		const struct udphdr *uh;
		struct udphdr _uh;

		uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
		if (!uh)
			return KNAT_PARSE_BAD;
		p->t.sport = uh->source;
		p->t.dport = uh->dest;
		p->l4len = sizeof(struct udphdr);
		return KNAT_PARSE_OK;
	}
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

/* A connection's opening SYN: no ACK, RST or FIN with it. */
static bool knat_pure_syn(u8 flags)
{
	return (flags & (KNAT_TCPF_SYN | KNAT_TCPF_ACK | KNAT_TCPF_RST |
			 KNAT_TCPF_FIN)) == KNAT_TCPF_SYN;
}

/*
 * What a host would refuse, as conntrack's tcp_error(), udp_error() and
 * icmp_error() judge it: an impossible flag combination, a wrong
 * checksum.  Asked only where knat acts (a packet of a flow, or one a
 * rule takes) and before anything changes, so that such a packet neither
 * makes a flow nor moves one, and untouched traffic pays nothing.  Sums
 * are checked where packets arrive, as conntrack does, and only if no one
 * did: nf_ip_checksum() trusts CHECKSUM_UNNECESSARY, uses COMPLETE's sum
 * and skips PARTIAL (made here, summed by the device later).  A sum found
 * good is remembered in the skb (UNNECESSARY): never done twice.
 * __KNAT_DROP_MAX: nothing wrong.
 */
static enum knat_drop knat_pkt_invalid(struct sk_buff *skb,
				       const struct knat_pkt *p,
				       unsigned int hook)
{
	u8 proto = ip_hdr(skb)->protocol;

	if (proto == IPPROTO_TCP && !knat_tcp_flags_valid(p->tcpraw))
		return KNAT_DROP_TCP_BAD_FLAGS;
	if (hook != NF_INET_PRE_ROUTING && hook != NF_INET_POST_ROUTING)
		return __KNAT_DROP_MAX;
	if (proto == IPPROTO_UDP) {
		const struct udphdr *uh;
		struct udphdr _uh;

		uh = skb_header_pointer(skb, p->thoff, sizeof(_uh), &_uh);
		if (!uh || !uh->check)	/* IPv4 UDP may go unsummed */
			return __KNAT_DROP_MAX;
	}
	if (nf_ip_checksum(skb, hook, p->thoff, proto))
		return KNAT_DROP_BAD_CHECKSUM;
	return __KNAT_DROP_MAX;
}

/*
 * Check the segment against the flow's window, then move its TCP state;
 * *@oldp gets the state it moved from.  Under the flow's bit lock: the
 * window is several words that both directions update, possibly on two
 * CPUs at once (conntrack holds ct->lock here).
 */
static enum knat_tcp_verdict knat_tcp_update(struct knat_flow *f, int dir,
					     const struct knat_pkt *p,
					     u8 *oldp, u8 *newp)
{
	enum knat_tcp_verdict v;
	u8 old, new;

	bit_spin_lock(KNAT_FLOW_LOCK_BIT, &f->status);
	old = f->state;
	v = knat_tcp_window(f->win, old, dir, &p->seg);
	new = v == KNAT_TCP_ACCEPT ? knat_tcp_next(old, dir, p->tcpflags) : old;
	if (new != old)
		WRITE_ONCE(f->state, new);
	bit_spin_unlock(KNAT_FLOW_LOCK_BIT, &f->status);
	*oldp = old;
	*newp = new;
	return v;
}

/* The handshake completed: its latency at this box, SYN to ACK. */
static void knat_tcp_handshake(struct knat_net *kn, struct knat_flow *f)
{
	u32 us = jiffies_to_usecs((u32)jiffies - f->start);

	knat_count(kn, KNAT_CNT_TCP_HANDSHAKES);
	knat_hs_record(&kn->stats->hs, us, knat_stats_epoch(kn));
	if (knat_flow_is_service(f)) {
		struct knat_backend *be = f->owner;

		/* A backend's counters are never reset: epoch 0. */
		knat_hs_record(&be->stats->hs, us, 0);
	}
}

/* SYNs, their retransmissions, RSTs by side, FINs. */
static void knat_tcp_count(struct knat_net *kn, int dir, u8 old, u8 flags)
{
	if (knat_pure_syn(flags) && dir == KNAT_DIR_ORIG)
		knat_count(kn, (old & KNAT_TCP_STATE_MASK) == KNAT_TCP_SYN_SENT ?
			   KNAT_CNT_TCP_SYN_RETRANS : KNAT_CNT_TCP_SYN);
	if (flags & KNAT_TCPF_RST)
		knat_count(kn, dir == KNAT_DIR_ORIG ? KNAT_CNT_TCP_RST_CLIENT :
			   KNAT_CNT_TCP_RST_SERVER);
	if (flags & KNAT_TCPF_FIN)
		knat_count(kn, KNAT_CNT_TCP_FIN);
}

/*
 * A service flow's ESTABLISHED time, counted in its backend's and
 * service's nactive (ipvsadm's ActiveConn).  The flag makes entering and
 * leaving count once each against a racing release: whichever of this
 * and knat_owner_put() clears it uncounts the flow.
 */
static void knat_active_leave(struct knat_flow *f)
{
	struct knat_backend *be = f->owner;

	if (!test_and_clear_bit(KNAT_FLOW_ACTIVE_BIT, &f->status))
		return;
	atomic_dec(&be->nactive);
	atomic_dec(&be->svc->nactive);
}

static void knat_active_enter(struct knat_flow *f)
{
	struct knat_backend *be = f->owner;

	if (test_and_set_bit(KNAT_FLOW_ACTIVE_BIT, &f->status))
		return;
	atomic_inc(&be->nactive);
	atomic_inc(&be->svc->nactive);
	/* Released meanwhile: the release may have missed the flag. */
	if (test_bit(KNAT_FLOW_DEAD_BIT, &f->status))
		knat_active_leave(f);
}

/* The TCP state moved from @old to @new (knat_tcp_update: exactly once). */
static void knat_active_update(struct knat_flow *f, u8 old, u8 new)
{
	bool was = (old & KNAT_TCP_STATE_MASK) == KNAT_TCP_ESTABLISHED;
	bool is = (new & KNAT_TCP_STATE_MASK) == KNAT_TCP_ESTABLISHED;

	if (!knat_flow_is_service(f) || was == is)
		return;
	if (is)
		knat_active_enter(f);
	else
		knat_active_leave(f);
}

/*
 * The TCP part of accounting: window, state, health, counters.  Returns
 * the timeout to give the flow, __KNAT_TIMEOUT_MAX to leave it as it is;
 * *@drop when the segment is out of the window (it changed nothing).
 */
static enum knat_timeout knat_tcp_account(struct knat_net *kn,
					  struct knat_flow *f, int dir,
					  const struct sk_buff *skb,
					  const struct knat_pkt *p,
					  u8 *oldp, u8 *newp, bool *drop)
{
	enum knat_tcp_verdict v;
	u8 old, new;

	v = knat_tcp_update(f, dir, p, &old, &new);
	*oldp = old;
	*newp = new;
	if (v == KNAT_TCP_INVALID) {
		*drop = true;
		return __KNAT_TIMEOUT_MAX;
	}
	if (old != new) {
		knat_active_update(f, old, new);
		knat_flow_gauge(kn, f);
	}
	if (v == KNAT_TCP_IGNORE)
		return __KNAT_TIMEOUT_MAX;
	/* Handshakes to backends are their health checks. */
	if ((old & KNAT_TCP_STATE_MASK) == KNAT_TCP_SYN_SENT &&
	    knat_flow_is_service(f))
		knat_health_tcp(kn, f, dir, p->tcpflags, skb);
	if (p->tcpflags & ~KNAT_TCPF_ACK)
		knat_tcp_count(kn, dir, old, p->tcpflags);
	if ((old & KNAT_TCP_STATE_MASK) == KNAT_TCP_SYN_RECV &&
	    (new & KNAT_TCP_STATE_MASK) == KNAT_TCP_ESTABLISHED)
		knat_tcp_handshake(kn, f);
	if (dir == KNAT_DIR_ORIG &&
	    !test_bit(KNAT_FLOW_REPLIED_BIT, &f->status)) {
		/*
		 * Nobody answered yet (a SYN, or the pickup of a spoofed
		 * ACK): the SYN_SENT timeout, set by the first packet only,
		 * so that retransmissions or a flood of one tuple do not
		 * keep it (and early drop may evict it when the table is
		 * full).  Counted after this: 0 means the first packet.
		 */
		if (atomic64_read(&f->pkts[KNAT_DIR_ORIG]))
			return __KNAT_TIMEOUT_MAX;
		return KNAT_TIMEOUT_TCP_SYN_SENT;
	}
	return knat_tcp_timeout(new);
}

/*
 * Counters, protocol state and timeout: once per packet, at entry.  A
 * drop reason when the packet must go (out of the TCP window: counted,
 * and it changed nothing), else __KNAT_DROP_MAX.
 */
static enum knat_drop knat_flow_account(struct knat_net *kn,
					struct knat_flow *f, int dir,
					struct sk_buff *skb,
					const struct knat_pkt *p)
{
	enum knat_timeout to;
	u8 old = 0, new = 0;
	bool drop = false;

	switch (f->h[KNAT_DIR_ORIG].tuple.proto) {
	case IPPROTO_TCP:
		to = knat_tcp_account(kn, f, dir, skb, p, &old, &new, &drop);
		if (drop)
			return KNAT_DROP_TCP_OUT_OF_WINDOW;
		break;
	case IPPROTO_UDP:
		to = dir == KNAT_DIR_REPLY ||
		     test_bit(KNAT_FLOW_REPLIED_BIT, &f->status) ?
		     KNAT_TIMEOUT_UDP_REPLIED : KNAT_TIMEOUT_UDP_UNREPLIED;
		break;
	default:
		to = KNAT_TIMEOUT_ICMP;
	}

	atomic64_inc(&f->pkts[dir]);
	atomic64_add(skb->len, &f->bytes[dir]);
	knat_count(kn, dir ? KNAT_CNT_PKTS_REPLY : KNAT_CNT_PKTS_ORIG);
	knat_count_add(kn, dir ? KNAT_CNT_BYTES_REPLY : KNAT_CNT_BYTES_ORIG,
		       skb->len);
	if (knat_flow_is_service(f)) {
		struct knat_backend *be = f->owner;

		this_cpu_inc(be->stats->pkts[dir]);
		this_cpu_add(be->stats->bytes[dir], skb->len);
	} else if (f->kind != KNAT_FLOW_KIND_SNAT && f->owner) {
		struct knat_forward *fwd = f->owner;

		this_cpu_inc(fwd->stats->pkts);
		this_cpu_add(fwd->stats->bytes, skb->len);
	}
	if (dir == KNAT_DIR_REPLY &&
	    !test_bit(KNAT_FLOW_REPLIED_BIT, &f->status))
		set_bit(KNAT_FLOW_REPLIED_BIT, &f->status);

	/* Its first packet: the flow enters the live gauges. */
	if (READ_ONCE(f->gauge) == KNAT_FLOW_GAUGE_NONE)
		knat_flow_gauge(kn, f);
	if (to != __KNAT_TIMEOUT_MAX)
		knat_flow_refresh(f, READ_ONCE(kn->timeouts[to]));
	/* Last: the event shows the new state's timeout. */
	if ((old ^ new) & KNAT_TCP_STATE_MASK)
		knat_event_flow_state(kn, f, old & KNAT_TCP_STATE_MASK,
				      new & KNAT_TCP_STATE_MASK);
	return __KNAT_DROP_MAX;
}

/*
 * May the flow found for this packet carry it?  Not when it is dead or
 * expired; nor a UDP flow whose backend went down (UDP has no end: it
 * would black-hole until it timed out, so its next packet is scheduled
 * afresh); nor a closed TCP flow whose tuple a SYN reuses: that starts a
 * fresh one at once instead of waiting out TIME_WAIT.  Changes nothing.
 */
enum knat_flow_stale knat_flow_stale(const struct knat_flow *f, int dir,
				     const struct knat_pkt *p)
{
	u8 st;

	if (test_bit(KNAT_FLOW_DEAD_BIT, &f->status))
		return KNAT_FLOW_STALE_DEAD;
	if (knat_flow_expired(f))
		return KNAT_FLOW_STALE_EXPIRED;
	if (p->t.proto == IPPROTO_UDP && knat_flow_is_service(f) &&
	    READ_ONCE(((struct knat_backend *)f->owner)->state) ==
	    KNAT_BACKEND_DOWN)
		return KNAT_FLOW_STALE_DOWN;
	if (p->t.proto != IPPROTO_TCP || dir != KNAT_DIR_ORIG ||
	    !knat_pure_syn(p->tcpflags))
		return KNAT_FLOW_USABLE;
	st = READ_ONCE(f->state) & KNAT_TCP_STATE_MASK;
	if (st != KNAT_TCP_TIME_WAIT && st != KNAT_TCP_CLOSE)
		return KNAT_FLOW_USABLE;
	return KNAT_FLOW_STALE_REUSED;
}

/* A stale flow goes now (the GC would later). */
static bool knat_flow_usable(struct knat_net *kn, struct knat_flow *f,
			     int dir, const struct knat_pkt *p)
{
	switch (knat_flow_stale(f, dir, p)) {
	case KNAT_FLOW_USABLE:
		return true;
	case KNAT_FLOW_STALE_DEAD:
		return false;
	case KNAT_FLOW_STALE_EXPIRED:
		knat_flow_del(kn, f);
		knat_count_expired(kn, f);
		return false;
	default:
		knat_flow_del(kn, f);
		return false;
	}
}

/* Entry-side work for a packet of a known flow. */
static unsigned int knat_flow_packet(struct knat_net *kn, struct knat_flow *f,
				     int dir, struct sk_buff *skb,
				     const struct knat_pkt *p,
				     const struct nf_hook_state *state,
				     bool routed)
{
	const struct knat_tuple *o = &f->h[!dir].tuple;
	enum knat_drop why;

	why = knat_flow_account(kn, f, dir, skb, p);
	if (why != __KNAT_DROP_MAX)
		return knat_drop(kn, why);
	if (knat_needs(f, dir, KNAT_MANIP_DST)) {
		if (skb_ensure_writable(skb, p->thoff + p->l4len))
			return knat_drop(kn, KNAT_DROP_UNWRITABLE);
		knat_manip(skb, 0, p->l4len, false, KNAT_MANIP_DST, o->src,
			   o->sport);
		if (!routed && knat_reroute(skb, state))
			return knat_drop(kn, KNAT_DROP_NO_ROUTE);
	}
	knat_note(skb, knat_needs(f, dir, KNAT_MANIP_SRC) ?
		  KNAT_CB_SRC : KNAT_CB_DONE, &f->h[dir].tuple);
	return NF_ACCEPT;
}

static void knat_count_created(struct knat_net *kn, u8 proto)
{
	knat_count(kn, proto == IPPROTO_TCP ? KNAT_CNT_FLOWS_CREATED_TCP :
		   proto == IPPROTO_UDP ? KNAT_CNT_FLOWS_CREATED_UDP :
		   KNAT_CNT_FLOWS_CREATED_ICMP);
}

static unsigned int knat_alloc_drop(struct knat_net *kn, int err)
{
	return knat_drop(kn, err == -ENOSPC ? KNAT_DROP_TABLE_FULL :
			 err == -EEXIST ? KNAT_DROP_CLASH : KNAT_DROP_NOMEM);
}

/*
 * Count a forward's or a service backend's flow in, before the flow is
 * published: one made ESTABLISHED (a mid-flow pickup) is active at once.
 * A service flow holds its backend (and so the service); false if the
 * backend's last reference already went: it was removed, make no flow.
 */
static bool knat_owner_get(struct knat_flow *f)
{
	if (knat_flow_is_service(f)) {
		struct knat_backend *be = f->owner;

		if (!knat_backend_get(be))
			return false;
		atomic_inc(&be->nflows);
		atomic_inc(&be->svc->nflows);
		if (f->h[KNAT_DIR_ORIG].tuple.proto == IPPROTO_TCP &&
		    (f->state & KNAT_TCP_STATE_MASK) == KNAT_TCP_ESTABLISHED) {
			__set_bit(KNAT_FLOW_ACTIVE_BIT, &f->status);
			atomic_inc(&be->nactive);
			atomic_inc(&be->svc->nactive);
		}
	} else if (f->owner) {
		atomic_inc(&((struct knat_forward *)f->owner)->nflows);
	}
	return true;
}

/*
 * ... and out, at release or when knat_flow_add() failed (the flow then
 * waits for RCU, so it can still be looked at; so can the backend, which
 * the last put frees by RCU too).
 */
static void knat_owner_put(struct knat_flow *f)
{
	if (knat_flow_is_service(f)) {
		struct knat_backend *be = f->owner;

		atomic_dec(&be->nflows);
		atomic_dec(&be->svc->nflows);
		knat_active_leave(f);
		knat_backend_put(be);
	} else if (f->owner) {
		atomic_dec(&((struct knat_forward *)f->owner)->nflows);
	}
}

/*
 * Hairpin: the backend sits behind the interface the client came in on,
 * so its answer would go straight back, bypassing us.  Make the backend
 * answer us instead: source-NAT to our address on that side, keeping the
 * client's port when the reply tuple allows it (else a random one, which
 * @flags tells).
 */
static bool knat_hairpin(struct knat_net *kn, struct knat_tuple *reply,
			 struct net_device *dev, u32 *flags)
{
	__be32 addr = inet_select_addr(dev, reply->src, RT_SCOPE_UNIVERSE);
	int i;

	if (!addr)
		return false;
	reply->dst = addr;
	for (i = 0; i < KNAT_PORT_PROBES; i++) {
		if (!knat_tuple_taken(kn, reply) &&
		    !knat_port_shadowed(kn, reply->proto, addr, reply->dport,
					reply->src, reply->sport)) {
			*flags |= i ? KNAT_EXPLAIN_F_PORT_RANDOM :
				  KNAT_EXPLAIN_F_PORT_PRESERVED;
			return true;
		}
		reply->dport = htons(1024 + prandom_u32_max(65536 - 1024));
	}
	return false;
}

static void knat_decide_drop(struct knat_decision *d, enum knat_drop why)
{
	d->verdict = KNAT_EXPLAIN_DROP;
	d->drop = why;
}

/*
 * Dry runs only: what knat_flow_alloc() and knat_flow_add() would refuse.
 * @other is the half of the new flow the packet does not carry.
 */
static void knat_decide_table(struct knat_net *kn, struct knat_decision *d,
			      const struct knat_tuple *other)
{
	if (knat_flows_full(kn))
		knat_decide_drop(d, KNAT_DROP_TABLE_FULL);
	else if (knat_tuple_taken(kn, other))
		knat_decide_drop(d, KNAT_DROP_CLASH);
}

/*
 * A new flow whose destination becomes TO_ADDR:TO_PORT (a forward or a
 * service backend).
 */
static void knat_dnat_decide(struct knat_net *kn, struct sk_buff *skb,
			     const struct knat_pkt *p,
			     const struct nf_hook_state *state,
			     __be32 to_addr, __be16 to_port, bool dry,
			     struct knat_decision *d)
{
	d->reply = (struct knat_tuple) {
		.src = to_addr, .dst = p->t.src,
		.sport = to_port, .dport = p->t.sport, .proto = p->t.proto,
	};
	/*
	 * Route the translated packet now, to know before the flow is made
	 * whether the answer would bypass us.  IPv4 keeps this route.
	 */
	if (state->hook == NF_INET_PRE_ROUTING &&
	    !ip_route_input_noref(skb, d->reply.src, p->t.src,
				  ip_hdr(skb)->tos, state->in)) {
		const struct rtable *rt = skb_rtable(skb);

		d->routed = true;
		if (rt->rt_type == RTN_UNICAST && rt->dst.dev == state->in) {
			if (!knat_hairpin(kn, &d->reply, state->in,
					  &d->flags)) {
				knat_decide_drop(d, KNAT_DROP_NO_PORT);
				return;
			}
			d->kind = d->kind == KNAT_FLOW_KIND_FORWARD ?
				  KNAT_FLOW_KIND_FORWARD_SNAT :
				  KNAT_FLOW_KIND_SERVICE_SNAT;
			d->flags |= KNAT_EXPLAIN_F_HAIRPIN;
		}
	}
	if (dry)
		knat_decide_table(kn, d, &d->reply);
}

/* A packet of no flow to a forwarded port. */
static void knat_forward_decide(struct knat_net *kn, struct sk_buff *skb,
				const struct knat_pkt *p,
				const struct nf_hook_state *state,
				struct knat_forward *fwd, bool dry,
				struct knat_decision *d)
{
	__be16 to_port = p->t.dport;

	d->fwd = fwd;
	/* Passed untracked: the verdict stays PASS, ->fwd says why. */
	if (p->t.proto == IPPROTO_TCP && !knat_pure_syn(p->tcpflags))
		return;
	if (fwd->to_port)
		to_port = htons(fwd->to_port + ntohs(p->t.dport) - fwd->port_min);
	d->verdict = KNAT_EXPLAIN_FORWARD;
	d->kind = KNAT_FLOW_KIND_FORWARD;
	knat_dnat_decide(kn, skb, p, state, fwd->to_addr, to_port, dry, d);
}

/*
 * A packet of no flow to a service.  A TCP segment that is not a SYN
 * is taken up mid-flow only under maglev: another router behind the same
 * ECMP group started the flow, and maglev picks the same backend here.
 * Not @dry, the choice is taken: the scheduler moves on, persistence
 * records it, a probe slot is claimed.
 */
static void knat_service_decide(struct knat_net *kn, struct sk_buff *skb,
				const struct knat_pkt *p,
				const struct nf_hook_state *state,
				struct knat_service *svc, bool dry,
				struct knat_decision *d)
{
	struct knat_backend *be = NULL;

	/*
	 * Forwarded with TTL 1 or 0 it never reaches a backend: no flow, no
	 * scheduling, no health verdict; routing answers it (time exceeded
	 * about the VIP, as any router on the way would).
	 */
	if (state->hook == NF_INET_PRE_ROUTING && ip_hdr(skb)->ttl <= 1)
		return;
	d->svc = svc;
	d->verdict = KNAT_EXPLAIN_SERVICE;
	d->kind = KNAT_FLOW_KIND_SERVICE;
	d->tcp_state = KNAT_TCP_NONE;
	if (p->t.proto == IPPROTO_TCP && !knat_pure_syn(p->tcpflags)) {
		if (READ_ONCE(svc->sched) != &knat_sched_maglev ||
		    (p->tcpflags & KNAT_TCPF_RST)) {
			knat_decide_drop(d, KNAT_DROP_TCP_NO_FLOW);
			return;
		}
		d->tcp_state = KNAT_TCP_ESTABLISHED;
		d->flags |= KNAT_EXPLAIN_F_PICKUP;
	}
	/* A held-down backend whose time is up probes with this flow. */
	if (d->tcp_state == KNAT_TCP_NONE && p->t.proto == IPPROTO_TCP &&
	    atomic_read(&svc->nprobing)) {
		be = knat_health_probe(svc, dry);
		if (be) {
			d->status = BIT(KNAT_FLOW_PROBE_BIT);
			d->flags |= KNAT_EXPLAIN_F_PROBE;
		}
	}
	if (!be && READ_ONCE(svc->persist) && d->tcp_state == KNAT_TCP_NONE) {
		be = knat_persist_find(kn, svc, p->t.src);
		if (be)
			d->flags |= KNAT_EXPLAIN_F_PERSIST_HIT;
		else
			be = knat_sched_pick(svc, &p->t, dry);
		if (be && !dry)
			be = knat_persist_record(kn, svc, p->t.src, be);
	} else if (!be) {
		be = knat_sched_pick(svc, &p->t, dry);
	}
	if (!be) {
		knat_decide_drop(d, KNAT_DROP_NO_BACKEND);
		return;
	}
	d->be = be;
	knat_dnat_decide(kn, skb, p, state, be->addr, be->port, dry, d);
}

/*
 * A backend's answer for a flow we never saw: another maglev router behind
 * the same ECMP group scheduled it, and the backend's return route (or a
 * change of it) brings the answer here.  The flow is rebuilt from the
 * reply side, so that the client still sees the VIP: ->reply holds the
 * client's half.
 */
static void knat_pickup_decide(struct knat_net *kn, const struct knat_pkt *p,
			       bool dry, struct knat_decision *d)
{
	struct knat_backend *be;
	bool ambiguous;

	if (p->t.proto == IPPROTO_TCP &&
	    (p->tcpflags & KNAT_TCPF_RST || knat_pure_syn(p->tcpflags)))
		return;
	be = knat_backend_find_reply(kn, &p->t, &ambiguous);
	if (ambiguous) {
		/* Several services share the backend: whose answer is it? */
		knat_decide_drop(d, KNAT_DROP_PICKUP_AMBIGUOUS);
		return;
	}
	if (!be)
		return;
	d->verdict = KNAT_EXPLAIN_SERVICE;
	d->kind = KNAT_FLOW_KIND_SERVICE;
	d->flags |= KNAT_EXPLAIN_F_PICKUP;
	d->dir = KNAT_DIR_REPLY;
	d->svc = be->svc;
	d->be = be;
	d->reply = (struct knat_tuple) {
		.src = p->t.dst, .dst = be->svc->addr,
		.sport = p->t.dport, .dport = be->svc->port,
		.proto = p->t.proto,
	};
	/* A SYN-ACK moves SYN_SENT on; anything else is mid-flow. */
	d->tcp_state = p->tcpflags & KNAT_TCPF_SYN ? KNAT_TCP_SYN_SENT :
		       KNAT_TCP_ESTABLISHED;
	if (dry)
		knat_decide_table(kn, d, &d->reply);
}

/*
 * What a packet of no flow at an entry hook gets: a new flow of a service
 * or a forward, an answer to a VIP ping, a drop, or nothing.  The packet
 * path carries the decision out (knat_new_flow()); knat explain asks
 * @dry, and nothing is taken.  RCU held.
 */
void knat_decide(struct knat_net *kn, struct sk_buff *skb,
		 const struct knat_pkt *p, const struct nf_hook_state *state,
		 bool dry, struct knat_decision *d)
{
	struct knat_service *svc;
	struct knat_forward *fwd;

	memset(d, 0, sizeof(*d));
	if (p->t.proto == IPPROTO_ICMP && state->hook == NF_INET_PRE_ROUTING &&
	    knat_service_is_vip(kn, p->t.dst)) {
		d->verdict = KNAT_EXPLAIN_VIP_ECHO;
		return;
	}
	if (p->t.proto != IPPROTO_TCP && p->t.proto != IPPROTO_UDP)
		return;
	svc = knat_service_find(kn, p->t.proto, p->t.dst, p->t.dport);
	if (svc)
		return knat_service_decide(kn, skb, p, state, svc, dry, d);
	fwd = knat_forward_find(kn, p->t.proto, p->t.dst, ntohs(p->t.dport));
	if (fwd)
		return knat_forward_decide(kn, skb, p, state, fwd, dry, d);
	if (state->hook == NF_INET_PRE_ROUTING)
		knat_pickup_decide(kn, p, dry, d);
}

/*
 * The timeout a new flow starts with: what its first packet will set, so
 * that no lookup finds it expired between its publication and that.
 */
static u32 knat_new_flow_timeout(struct knat_net *kn, u8 proto, u8 tcp_state)
{
	enum knat_timeout to;

	switch (proto) {
	case IPPROTO_TCP:
		to = knat_tcp_timeout(tcp_state == KNAT_TCP_NONE ?
				      KNAT_TCP_SYN_SENT : tcp_state);
		break;
	case IPPROTO_UDP:
		to = KNAT_TIMEOUT_UDP_UNREPLIED;
		break;
	default:
		to = KNAT_TIMEOUT_ICMP;
	}
	return READ_ONCE(kn->timeouts[to]);
}

/* Make the flow knat_decide() chose and let the packet through it. */
static unsigned int knat_new_flow_make(struct knat_net *kn,
				       struct sk_buff *skb,
				       const struct knat_pkt *p,
				       const struct nf_hook_state *state,
				       const struct knat_decision *d)
{
	const struct knat_tuple *orig = &p->t, *reply = &d->reply;
	void *owner = d->be ? (void *)d->be : (void *)d->fwd;
	struct knat_flow *f;
	int err;

	if (d->dir == KNAT_DIR_REPLY)
		swap(orig, reply);
	if (d->flags & KNAT_EXPLAIN_F_HAIRPIN)
		knat_count(kn, KNAT_CNT_HAIRPIN);
	f = knat_flow_alloc(kn, orig, reply, d->kind, owner,
			    knat_new_flow_timeout(kn, p->t.proto,
						  d->tcp_state));
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto fail;
	}
	f->state = d->tcp_state;
	f->status |= d->status;
	if (!knat_owner_get(f)) {
		/* Its backend's last reference went: it was removed. */
		atomic_dec(&kn->nflows);
		knat_flow_free(f);
		if (d->status & BIT(KNAT_FLOW_PROBE_BIT))
			knat_health_probe_end(d->be);
		return knat_drop(kn, KNAT_DROP_NO_BACKEND);
	}
	err = knat_flow_add(kn, f);
	if (err) {
		knat_owner_put(f);
		goto fail;
	}
	/*
	 * Its backend removed meanwhile: the removal's flush may have walked
	 * past this flow, so it ends itself.  Pairs with the barrier in
	 * knat_backend_kill(): the flow is live before the mark is read,
	 * the mark set before the flush walks, so one of the two sees the
	 * other.
	 */
	smp_mb();
	if (d->be && READ_ONCE(d->be->dead)) {
		knat_flow_del(kn, f);
		return knat_drop(kn, KNAT_DROP_NO_BACKEND);
	}
	if (d->dir == KNAT_DIR_ORIG && knat_flow_is_service(f) &&
	    READ_ONCE(d->svc->persist))
		knat_persist_get(kn, f);
	knat_count_created(kn, p->t.proto);
	if (d->dir == KNAT_DIR_REPLY)
		knat_count(kn, KNAT_CNT_PICKUP_REPLY);
	return knat_flow_packet(kn, f, d->dir, skb, p, state, d->routed);

fail:
	/* A probe that never became a flow frees its slot. */
	if (d->status & BIT(KNAT_FLOW_PROBE_BIT))
		knat_health_probe_end(d->be);
	return knat_alloc_drop(kn, err);
}

/*
 * A ping to a service VIP: the VIP lives on no interface, so nobody else
 * would answer.  The request becomes its own reply and leaves by an
 * output route whose source is the VIP.
 */
static unsigned int knat_vip_echo(struct knat_net *kn, struct sk_buff *skb,
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

/* Neither flow nor rule yet: maybe a service or a forward makes one. */
static unsigned int knat_new_flow(struct knat_net *kn, struct sk_buff *skb,
				  const struct knat_pkt *p,
				  const struct nf_hook_state *state)
{
	struct knat_decision d;
	enum knat_drop why;

	knat_decide(kn, skb, p, state, false, &d);
	/*
	 * A packet knat acts on that its host would refuse makes no flow,
	 * takes no backend and is dropped under its own reason.
	 */
	if (d.verdict != KNAT_EXPLAIN_PASS || d.fwd) {
		why = knat_pkt_invalid(skb, p, state->hook);
		if (why != __KNAT_DROP_MAX) {
			if (d.status & BIT(KNAT_FLOW_PROBE_BIT))
				knat_health_probe_end(d.be);
			return knat_drop(kn, why);
		}
	}
	/* Counted when chosen, as IPVS counts connections it schedules. */
	if (d.be && d.dir == KNAT_DIR_ORIG)
		this_cpu_inc(d.be->stats->conns);
	if ((d.flags & KNAT_EXPLAIN_F_PICKUP) && d.dir == KNAT_DIR_ORIG)
		knat_count(kn, KNAT_CNT_PICKUP_ORIG);

	switch (d.verdict) {
	case KNAT_EXPLAIN_VIP_ECHO:
		return knat_vip_echo(kn, skb, p, state);
	case KNAT_EXPLAIN_DROP:
		if (d.status & BIT(KNAT_FLOW_PROBE_BIT))
			knat_health_probe_end(d.be);
		return knat_drop(kn, d.drop);
	case KNAT_EXPLAIN_FORWARD:
	case KNAT_EXPLAIN_SERVICE:
		return knat_new_flow_make(kn, skb, p, state, &d);
	}
	if (d.fwd) {
		knat_count(kn, KNAT_CNT_TCP_UNTRACKED);
		knat_note(skb, KNAT_CB_DONE, NULL);
	}
	return NF_ACCEPT;
}

/* The counter of an ICMP message's type and code; __KNAT_CNT_MAX if none. */
enum knat_counter knat_icmp_counter(const struct sk_buff *skb,
				    unsigned int thoff)
{
	static const u8 unreach[] = {
		[ICMP_NET_UNREACH] = KNAT_CNT_ICMP_UNREACH_NET,
		[ICMP_HOST_UNREACH] = KNAT_CNT_ICMP_UNREACH_HOST,
		[ICMP_PROT_UNREACH] = KNAT_CNT_ICMP_UNREACH_PROTO,
		[ICMP_PORT_UNREACH] = KNAT_CNT_ICMP_UNREACH_PORT,
		[ICMP_FRAG_NEEDED] = KNAT_CNT_ICMP_FRAG_NEEDED,
		[ICMP_NET_ANO] = KNAT_CNT_ICMP_UNREACH_ADMIN,
		[ICMP_HOST_ANO] = KNAT_CNT_ICMP_UNREACH_ADMIN,
		[ICMP_PKT_FILTERED] = KNAT_CNT_ICMP_UNREACH_ADMIN,
	};
	const struct icmphdr *ih;
	struct icmphdr _ih;

	ih = skb_header_pointer(skb, thoff, sizeof(_ih), &_ih);
	if (!ih)
		return __KNAT_CNT_MAX;
	switch (ih->type) {
	case ICMP_ECHO:
		return KNAT_CNT_ICMP_ECHO_REQUEST;
	case ICMP_ECHOREPLY:
		return KNAT_CNT_ICMP_ECHO_REPLY;
	case ICMP_DEST_UNREACH:
		return ih->code < ARRAY_SIZE(unreach) && unreach[ih->code] ?
		       unreach[ih->code] : KNAT_CNT_ICMP_UNREACH_OTHER;
	case ICMP_TIME_EXCEEDED:
		return KNAT_CNT_ICMP_TIME_EXCEEDED;
	case ICMP_PARAMETERPROB:
		return KNAT_CNT_ICMP_PARAM_PROBLEM;
	default:
		return KNAT_CNT_ICMP_OTHER;
	}
}

/* Count an ICMP message by type and code. */
static void knat_count_icmp(struct knat_net *kn, const struct sk_buff *skb,
			    const struct knat_pkt *p)
{
	enum knat_counter c = knat_icmp_counter(skb, p->thoff);

	if (c != __KNAT_CNT_MAX)
		knat_count(kn, c);
}

/*
 * An ICMP error about one of our flows whose own checksum is wrong: it
 * would be translated and summed afresh, laundering the corruption, so
 * it goes here.  Errors about anything else pass untouched, unsummed.
 */
static enum knat_drop knat_icmp_error_invalid(struct knat_net *kn,
					      struct sk_buff *skb,
					      const struct knat_pkt *p,
					      unsigned int hook)
{
	struct knat_tuple key;

	knat_tuple_invert(&key, &p->t);
	if (!knat_flow_find(kn, &key))
		return __KNAT_DROP_MAX;
	return knat_pkt_invalid(skb, p, hook);
}

unsigned int knat_nat_entry(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct knat_net *kn = knat_net(state->net);
	struct knat_flow_half *h;
	enum knat_drop why;
	struct knat_pkt p;

	knat_note(skb, KNAT_CB_MISS, NULL);
	KNAT_CB(skb)->flags = state->hook == NF_INET_LOCAL_OUT ?
			      KNAT_CB_F_LOCAL : 0;

	switch (knat_parse(skb, &p)) {
	case KNAT_PARSE_OK:
		if (ip_hdr(skb)->protocol == IPPROTO_ICMP)
			knat_count_icmp(kn, skb, &p);
		break;
	case KNAT_PARSE_OTHER:
		if (ip_hdr(skb)->protocol == IPPROTO_ICMP)
			knat_count_icmp(kn, skb, &p);
		return NF_ACCEPT;
	case KNAT_PARSE_FRAG:
		return knat_drop(kn, KNAT_DROP_FRAGMENT);
	default:
		return knat_drop(kn, KNAT_DROP_MALFORMED);
	}
	if (p.icmp_err) {
		why = knat_icmp_error_invalid(kn, skb, &p, state->hook);
		if (why != __KNAT_DROP_MAX)
			return knat_drop(kn, why);
		return knat_icmp_error(kn, skb, &p, true, state);
	}

	h = knat_flow_find(kn, &p.t);
	if (h) {
		struct knat_flow *f = knat_flow_of(h);
		int dir = h->tuple.dir;

		/* Before the flow looks at it: a SYN+FIN is no reuse. */
		why = knat_pkt_invalid(skb, &p, state->hook);
		if (why != __KNAT_DROP_MAX)
			return knat_drop(kn, why);
		if (knat_flow_usable(kn, f, dir, &p))
			return knat_flow_packet(kn, f, dir, skb, &p, state,
						false);
	}
	return knat_new_flow(kn, skb, &p, state);
}

/* Source rewrite at exit for the flow the entry hook named. */
static unsigned int knat_src_flow(struct knat_net *kn, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct knat_flow_half *h = knat_flow_find(kn, &KNAT_CB(skb)->key);
	const struct knat_tuple *o;
	struct knat_flow *f;
	struct knat_pkt p;

	/* Deleted since entry: the packet must not leave half-translated. */
	if (!h || test_bit(KNAT_FLOW_DEAD_BIT, &knat_flow_of(h)->status))
		return knat_drop(kn, KNAT_DROP_FLOW_GONE);
	if (knat_parse(skb, &p) != KNAT_PARSE_OK)
		return knat_drop(kn, KNAT_DROP_MALFORMED);
	if (p.icmp_err)
		return knat_icmp_error(kn, skb, &p, false, state);

	f = knat_flow_of(h);
	o = &f->h[!h->tuple.dir].tuple;
	if (skb_ensure_writable(skb, p.thoff + p.l4len))
		return knat_drop(kn, KNAT_DROP_UNWRITABLE);
	knat_manip(skb, 0, p.l4len, false, KNAT_MANIP_SRC, o->dst, o->dport);
	return NF_ACCEPT;
}

/*
 * Masquerade takes the output device's own primary address, preferring
 * the one whose subnet holds the next hop.  Never another device's, as
 * inet_select_addr() would fall back to: that could be an inside address.
 */
static __be32 knat_masq_addr(const struct net_device *dev, __be32 nexthop)
{
	const struct in_device *in_dev = __in_dev_get_rcu(dev);
	const struct in_ifaddr *ifa;
	__be32 addr = 0;

	if (!in_dev)
		return 0;
	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		/* As inet_select_addr(..., RT_SCOPE_UNIVERSE): never a
		 * link- or host-scope address, which no one past the next
		 * hop could answer.
		 */
		if ((ifa->ifa_flags & IFA_F_SECONDARY) ||
		    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
			continue;
		if (inet_ifa_match(nexthop, ifa))
			return ifa->ifa_local;
		if (!addr)
			addr = ifa->ifa_local;
	}
	return addr;
}

/*
 * Whether a forwarded packet of no flow leaving by @state->out takes
 * source NAT: PASS (no rule), DROP, or SNAT with ->snat and ->out_addr
 * (the masquerade address, 0: one of the rule's).  @res is what
 * knat_parse() said of it.  Changes nothing.  RCU held.
 */
void knat_snat_decide(struct knat_net *kn, struct sk_buff *skb, int res,
		      const struct knat_pkt *p,
		      const struct nf_hook_state *state,
		      struct knat_decision *d)
{
	struct knat_snat *rule;

	memset(d, 0, sizeof(*d));
	/* The sender, not the quoted packet's source of an ICMP error. */
	rule = knat_snat_find(kn, ip_hdr(skb)->saddr, state->out->ifindex);
	if (!rule)
		return;
	d->snat = rule;
	/* Whatever cannot be translated must not leave with its address. */
	if (res != KNAT_PARSE_OK || p->icmp_err ||
	    p->t.proto == KNAT_PROTO_ICMP_REPLY)
		return knat_decide_drop(d, KNAT_DROP_UNSUPPORTED);
	if (p->t.proto == IPPROTO_TCP && !knat_pure_syn(p->tcpflags))
		return knat_decide_drop(d, KNAT_DROP_TCP_NO_FLOW);
	d->verdict = KNAT_EXPLAIN_SNAT;
	d->kind = KNAT_FLOW_KIND_SNAT;
	if (rule->flags & KNAT_SNAT_F_MASQUERADE) {
		const struct rtable *rt = skb_rtable(skb);

		d->out_addr = knat_masq_addr(state->out,
					     rt_nexthop(rt, p->t.dst));
		if (!d->out_addr)
			return knat_decide_drop(d, KNAT_DROP_NO_ADDR);
	}
}

/* The reply tuple of an SNAT flow whose source becomes ADDR:PORT. */
void knat_snat_reply(const struct knat_tuple *orig, __be32 addr,
		     __be16 port, struct knat_tuple *reply)
{
	*reply = (struct knat_tuple) {
		.src = orig->dst, .dst = addr,
		.sport = orig->dport, .dport = port, .proto = orig->proto,
	};
	if (orig->proto == IPPROTO_ICMP) {
		reply->sport = port;
		reply->proto = KNAT_PROTO_ICMP_REPLY;
	}
}

/* A forwarded packet of no flow leaving: source NAT makes one. */
static unsigned int knat_snat_new(struct knat_net *kn, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct knat_decision d;
	struct knat_mapping *m;
	struct knat_tuple reply;
	struct knat_flow *f;
	enum knat_drop why;
	struct knat_pkt p;
	bool preserved;
	int res, err;

	res = knat_parse(skb, &p);
	if (res == KNAT_PARSE_FRAG || res == KNAT_PARSE_BAD)
		return NF_ACCEPT;	/* entry dropped such packets */
	knat_snat_decide(kn, skb, res, &p, state, &d);
	if (d.verdict == KNAT_EXPLAIN_PASS)
		return NF_ACCEPT;
	/* Refused by its host: no flow, no port, and its own reason. */
	if (res == KNAT_PARSE_OK) {
		why = knat_pkt_invalid(skb, &p, state->hook);
		if (why != __KNAT_DROP_MAX)
			return knat_drop(kn, why);
	}
	if (d.verdict == KNAT_EXPLAIN_DROP)
		return knat_drop(kn, d.drop);
	if (d.verdict != KNAT_EXPLAIN_SNAT)
		return NF_ACCEPT;

	m = knat_mapping_get(kn, d.snat, &p.t, d.out_addr, &preserved);
	if (IS_ERR(m))
		return knat_drop(kn, PTR_ERR(m) == -ENOSPC ?
				 KNAT_DROP_NO_PORT : KNAT_DROP_NOMEM);

	knat_snat_reply(&p.t, m->out_addr, m->out_port, &reply);
	f = knat_flow_alloc(kn, &p.t, &reply, KNAT_FLOW_KIND_SNAT, m, 0);
	if (IS_ERR(f)) {
		knat_mapping_put(kn, m);
		return knat_alloc_drop(kn, PTR_ERR(f));
	}
	atomic_inc(&d.snat->nflows);
	err = knat_flow_add(kn, f);
	if (err) {
		atomic_dec(&d.snat->nflows);
		knat_mapping_put(kn, m);
		return knat_alloc_drop(kn, err);
	}
	knat_count_created(kn, p.t.proto);
	if (preserved)
		knat_count(kn, KNAT_CNT_PORT_PRESERVED);

	why = knat_flow_account(kn, f, KNAT_DIR_ORIG, skb, &p);
	if (why != __KNAT_DROP_MAX)
		return knat_drop(kn, why);
	if (skb_ensure_writable(skb, p.thoff + p.l4len))
		return knat_drop(kn, KNAT_DROP_UNWRITABLE);
	knat_manip(skb, 0, p.l4len, false, KNAT_MANIP_SRC, m->out_addr,
		   m->out_port);
	return NF_ACCEPT;
}

/*
 * A packet at an exit hook that its entry hook did not see (hooks were
 * registered in between): classify it now, without rewriting.
 */
static void knat_classify(struct knat_net *kn, struct sk_buff *skb)
{
	struct knat_flow_half *h;
	struct knat_tuple key;
	struct knat_pkt p;

	knat_note(skb, KNAT_CB_MISS, NULL);
	KNAT_CB(skb)->flags = skb->sk ? KNAT_CB_F_LOCAL : 0;
	if (knat_parse(skb, &p) != KNAT_PARSE_OK)
		return;
	key = p.t;
	if (p.icmp_err)
		knat_tuple_invert(&key, &p.t);
	h = knat_flow_find(kn, &key);
	if (h)
		knat_note(skb, knat_needs(knat_flow_of(h), h->tuple.dir,
					  KNAT_MANIP_SRC) ?
			  KNAT_CB_SRC : KNAT_CB_DONE, &h->tuple);
}

unsigned int knat_nat_exit(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	struct knat_net *kn = knat_net(state->net);
	struct knat_skb_cb *cb = KNAT_CB(skb);

	if (cb->cookie != knat_cb_cookie)
		knat_classify(kn, skb);

	switch (cb->state) {
	case KNAT_CB_SRC:
		return knat_src_flow(kn, skb, state);
	case KNAT_CB_MISS:
		/* SNAT is for forwarded traffic, not this host's own. */
		if (state->hook == NF_INET_POST_ROUTING &&
		    !(cb->flags & KNAT_CB_F_LOCAL))
			return knat_snat_new(kn, skb, state);
		fallthrough;
	default:
		return NF_ACCEPT;
	}
}

/* A flow leaves the table: give back what it held of its rule. */
void knat_nat_release(struct knat_net *kn, struct knat_flow *f)
{
	if (!f->owner)
		return;
	if (f->kind == KNAT_FLOW_KIND_SNAT) {
		struct knat_mapping *m = f->owner;

		atomic_dec(&m->key.rule->nflows);
		knat_mapping_put(kn, m);
		return;
	}
	if (test_bit(KNAT_FLOW_PERSIST_BIT, &f->status))
		knat_persist_put(kn, f);
	if (test_bit(KNAT_FLOW_PROBE_BIT, &f->status))
		knat_health_probe_end(f->owner);
	knat_owner_put(f);
}

int knat_nat_init(void)
{
	knat_cb_cookie = get_random_u32() | 1;
	return 0;
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "nat_test.c"
#endif
