// SPDX-License-Identifier: GPL-2.0
/*
 * Per-flow accounting, once per packet at entry: the TCP window and
 * state, packet and byte counters of the flow, its rule or backend and
 * the namespace, the handshake latency, and a service flow's place in
 * its backend's nflows and nactive (ipvsadm's InActConn and ActiveConn).
 * Also the namespace's ICMP counters by type and code.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/ndisc.h>
/* After the rest: on UML it relies on cpu_relax() declared before it. */
#include <linux/bit_spinlock.h>

#include "account.h"
#include "events.h"
#include "health.h"
#include "rules.h"
#include "service.h"
#include "stats.h"
#include "tcp_state.h"

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
	v = knat_tcp_window(knat_flow_win(f), old, dir, &p->seg);
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
enum knat_drop knat_flow_account(struct knat_net *kn, struct knat_flow *f,
				 int dir, struct sk_buff *skb,
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

void knat_count_created(struct knat_net *kn, u8 proto)
{
	knat_count(kn, proto == IPPROTO_TCP ? KNAT_CNT_FLOWS_CREATED_TCP :
		   proto == IPPROTO_UDP ? KNAT_CNT_FLOWS_CREATED_UDP :
		   KNAT_CNT_FLOWS_CREATED_ICMP);
}

/*
 * Count a forward's or a service backend's flow in, before the flow is
 * published: one made ESTABLISHED (a mid-flow pickup) is active at once.
 * A service flow holds its backend (and so the service); false if the
 * backend's last reference already went: it was removed, make no flow.
 */
bool knat_owner_get(struct knat_flow *f)
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
void knat_owner_put(struct knat_flow *f)
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

/* The same for ICMPv6: its types are its own. */
enum knat_counter knat_icmp6_counter(const struct sk_buff *skb,
				     unsigned int thoff)
{
	const struct icmp6hdr *ih;
	struct icmp6hdr _ih;

	ih = skb_header_pointer(skb, thoff, sizeof(_ih), &_ih);
	if (!ih)
		return __KNAT_CNT_MAX;
	switch (ih->icmp6_type) {
	case ICMPV6_ECHO_REQUEST:
		return KNAT_CNT_ICMP6_ECHO_REQUEST;
	case ICMPV6_ECHO_REPLY:
		return KNAT_CNT_ICMP6_ECHO_REPLY;
	case ICMPV6_DEST_UNREACH:
		switch (ih->icmp6_code) {
		case ICMPV6_NOROUTE:
			return KNAT_CNT_ICMP6_UNREACH_NOROUTE;
		case ICMPV6_ADM_PROHIBITED:
		case ICMPV6_POLICY_FAIL:
		case ICMPV6_REJECT_ROUTE:
			return KNAT_CNT_ICMP6_UNREACH_ADMIN;
		case ICMPV6_ADDR_UNREACH:
			return KNAT_CNT_ICMP6_UNREACH_ADDR;
		case ICMPV6_PORT_UNREACH:
			return KNAT_CNT_ICMP6_UNREACH_PORT;
		default:
			return KNAT_CNT_ICMP6_UNREACH_OTHER;
		}
	case ICMPV6_PKT_TOOBIG:
		return KNAT_CNT_ICMP6_PKT_TOOBIG;
	case ICMPV6_TIME_EXCEED:
		return KNAT_CNT_ICMP6_TIME_EXCEEDED;
	case ICMPV6_PARAMPROB:
		return KNAT_CNT_ICMP6_PARAM_PROBLEM;
	case NDISC_ROUTER_SOLICITATION:
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
	case NDISC_REDIRECT:
		return KNAT_CNT_ICMP6_ND;
	default:
		return KNAT_CNT_ICMP6_OTHER;
	}
}

/* Count an ICMP or ICMPv6 message by type and code. */
void knat_count_icmp(struct knat_net *kn, const struct sk_buff *skb,
		     const struct knat_pkt *p)
{
	enum knat_counter c = p->v6 ? knat_icmp6_counter(skb, p->thoff) :
				      knat_icmp_counter(skb, p->thoff);

	if (c != __KNAT_CNT_MAX)
		knat_count(kn, c);
}
