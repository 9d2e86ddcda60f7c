// SPDX-License-Identifier: GPL-2.0
/*
 * TCP state tracking, as far as a NAT needs it: enough to pick the right
 * timeout (RFC 5382: established >= 2 h 4 min, transitory 4 min) and to
 * know when a tuple may be reused.  Only segments inside the flow's
 * window (knat_tcp_window(), conntrack's tcp_in_window()) may move the
 * state: a blind RST, FIN or SYN from anyone who can guess the addresses
 * and ports but not the sequence numbers changes nothing.
 *
 *   NONE --SYN(o)--> SYN_SENT --SYN+ACK(r)--> SYN_RECV --ACK(o)--> ESTABLISHED
 *   ESTABLISHED --FIN(d)--> FIN_WAIT --ACK(!d)--> CLOSE_WAIT --FIN(!d)--> LAST_ACK
 *   FIN_WAIT --FIN(!d)--> LAST_ACK --ACK(d)--> TIME_WAIT
 *   any --RST--> CLOSE;  TIME_WAIT/CLOSE --SYN(o)--> SYN_SENT (tuple reuse)
 */

#include <net/tcp.h>

#include "tcp_state.h"

static u8 knat_tcp_set(u8 old, u8 state)
{
	return (old & ~KNAT_TCP_STATE_MASK) | state;
}

/*
 * Next state of a flow in @state after a segment with @flags travelling in
 * @dir (0 original, 1 reply).  Pure: the caller stores the result.
 */
u8 knat_tcp_next(u8 state, int dir, u8 flags)
{
	u8 cur = state & KNAT_TCP_STATE_MASK;
	int fin_dir = !!(state & KNAT_TCP_FIN_REPLY);

	if (flags & KNAT_TCPF_RST)
		return knat_tcp_set(state, KNAT_TCP_CLOSE);

	if ((flags & (KNAT_TCPF_SYN | KNAT_TCPF_ACK)) == KNAT_TCPF_SYN) {
		if (dir == 0 && (cur == KNAT_TCP_NONE || cur == KNAT_TCP_TIME_WAIT ||
				 cur == KNAT_TCP_CLOSE))
			return KNAT_TCP_SYN_SENT;	/* FIN side forgotten */
		return state;
	}
	if (flags & KNAT_TCPF_SYN) {		/* SYN+ACK */
		if (dir == 1 && cur == KNAT_TCP_SYN_SENT)
			return knat_tcp_set(state, KNAT_TCP_SYN_RECV);
		return state;
	}

	switch (cur) {
	case KNAT_TCP_SYN_RECV:
		if (dir == 0 && (flags & KNAT_TCPF_FIN))
			return KNAT_TCP_FIN_WAIT;
		if (dir == 0 && (flags & KNAT_TCPF_ACK))
			return knat_tcp_set(state, KNAT_TCP_ESTABLISHED);
		break;
	case KNAT_TCP_ESTABLISHED:
		if (flags & KNAT_TCPF_FIN)
			return KNAT_TCP_FIN_WAIT | (dir ? KNAT_TCP_FIN_REPLY : 0);
		break;
	case KNAT_TCP_FIN_WAIT:
		if (dir != fin_dir && (flags & KNAT_TCPF_FIN))
			return knat_tcp_set(state, KNAT_TCP_LAST_ACK);
		if (dir != fin_dir && (flags & KNAT_TCPF_ACK))
			return knat_tcp_set(state, KNAT_TCP_CLOSE_WAIT);
		break;
	case KNAT_TCP_CLOSE_WAIT:
		if (dir != fin_dir && (flags & KNAT_TCPF_FIN))
			return knat_tcp_set(state, KNAT_TCP_LAST_ACK);
		break;
	case KNAT_TCP_LAST_ACK:
		/* The first closer acknowledges the second FIN. */
		if (dir == fin_dir && (flags & KNAT_TCPF_ACK))
			return knat_tcp_set(state, KNAT_TCP_TIME_WAIT);
		break;
	}
	return state;
}

enum knat_timeout knat_tcp_timeout(u8 state)
{
	switch (state & KNAT_TCP_STATE_MASK) {
	case KNAT_TCP_SYN_RECV:
		return KNAT_TIMEOUT_TCP_SYN_RECV;
	case KNAT_TCP_ESTABLISHED:
		return KNAT_TIMEOUT_TCP_ESTABLISHED;
	case KNAT_TCP_FIN_WAIT:
		return KNAT_TIMEOUT_TCP_FIN_WAIT;
	case KNAT_TCP_CLOSE_WAIT:
		return KNAT_TIMEOUT_TCP_CLOSE_WAIT;
	case KNAT_TCP_LAST_ACK:
		return KNAT_TIMEOUT_TCP_LAST_ACK;
	case KNAT_TCP_TIME_WAIT:
		return KNAT_TIMEOUT_TCP_TIME_WAIT;
	case KNAT_TCP_CLOSE:
		return KNAT_TIMEOUT_TCP_CLOSE;
	default:
		return KNAT_TIMEOUT_TCP_SYN_SENT;
	}
}

/*
 * The flag combinations a TCP sends, as conntrack's tcp_valid_flags[]
 * (PSH, ECE and CWR aside): SYN+FIN, SYN+RST, FIN without ACK, no flags at
 * all and the rest never come from a real host, only from scanners and
 * attacks, and hosts drop them.
 */
bool knat_tcp_flags_valid(u8 th_flags)
{
	switch (th_flags & ~(TCPHDR_PSH | TCPHDR_ECE | TCPHDR_CWR)) {
	case TCPHDR_SYN:
	case TCPHDR_SYN | TCPHDR_URG:
	case TCPHDR_SYN | TCPHDR_ACK:
	case TCPHDR_RST:
	case TCPHDR_RST | TCPHDR_ACK:
	case TCPHDR_FIN | TCPHDR_ACK:
	case TCPHDR_FIN | TCPHDR_ACK | TCPHDR_URG:
	case TCPHDR_ACK:
	case TCPHDR_ACK | TCPHDR_URG:
		return true;
	}
	return false;
}

/* An ACK may lag one window behind, and never less than this (conntrack). */
#define KNAT_MAXACKWIN_MIN	66000

static u32 knat_tcp_maxackwin(const struct knat_tcp_win *w)
{
	return max_t(u32, w->maxwin, KNAT_MAXACKWIN_MIN);
}

/* A SYN (or SYN+ACK) starts its direction afresh, with its options. */
static void knat_tcp_win_init(struct knat_tcp_win *sender,
			      struct knat_tcp_win *receiver, int dir,
			      const struct knat_tcp_seg *s)
{
	sender->end = s->end;
	sender->maxend = s->end;
	sender->maxwin = s->win ?: 1;
	sender->flags &= KNAT_TCPW_LIBERAL;
	sender->scale = 0;
	if (s->wscale >= 0) {
		sender->flags |= KNAT_TCPW_WSCALE;
		sender->scale = min_t(u8, s->wscale, TCP_MAX_WSCALE);
	}
	/* RFC 7323: scaling is on only when both SYNs offered it. */
	if (dir && !(sender->flags & receiver->flags & KNAT_TCPW_WSCALE)) {
		sender->scale = 0;
		receiver->scale = 0;
	}
}

/* A check failed: a flow picked up mid-flow accepts it all the same. */
static enum knat_tcp_verdict knat_tcp_fail(const struct knat_tcp_win *sender,
					   enum knat_tcp_verdict v)
{
	return sender->flags & KNAT_TCPW_LIBERAL ? KNAT_TCP_ACCEPT : v;
}

/*
 * Is segment @s, travelling in @dir (0 original, 1 reply) of a flow in
 * @state, inside the window both sides have shown (@win[2])?  Updates
 * @win on ACCEPT only; the caller serialises calls for one flow.
 *
 * As conntrack's tcp_in_window(): the sender may send from one receive
 * window below what it sent so far up to the right edge the receiver
 * offered; its ACK may not cover data never sent, nor lag more than a
 * window.  Differences: every out-of-window segment is INVALID (dropped),
 * not only those above the window; a direction never seen sends only its
 * SYN+ACK or a RST acknowledging the SYN (RFC 793), while the other one
 * is not checked until it is answered (routes may differ); a flow picked
 * up mid-flow accepts everything until both directions have been seen
 * (conntrack's td_maxwin == 0 case), and is strict after.
 * An RST in the window closes the flow only when its sequence number is
 * exactly the one the receiver expects; any other is passed to the
 * receiver, which answers a challenge ACK (RFC 5961), and changes nothing.
 */
static enum knat_tcp_verdict
knat_tcp_in_window(struct knat_tcp_win *win, u8 state, int dir,
		   const struct knat_tcp_seg *s)
{
	struct knat_tcp_win *sender = &win[dir], *receiver = &win[!dir];
	bool syn = s->flags & KNAT_TCPF_SYN, ack_set = s->flags & KNAT_TCPF_ACK;
	bool rst = s->flags & KNAT_TCPF_RST;
	u8 cur = state & KNAT_TCP_STATE_MASK;
	u32 seq = s->seq, end = s->end, ack = s->ack, swin;

	/* Not opened by a SYN we saw: picked up mid-flow. */
	if (!sender->maxwin && !receiver->maxwin && (dir || !syn || ack_set)) {
		sender->flags |= KNAT_TCPW_LIBERAL;
		receiver->flags |= KNAT_TCPW_LIBERAL;
	}

	if (!sender->maxwin) {
		if (syn && dir && !ack_set) {
			/* Simultaneous open: NAT cannot, a blind SYN may. */
			return knat_tcp_fail(sender, KNAT_TCP_INVALID);
		} else if (syn) {
			knat_tcp_win_init(sender, receiver, dir, s);
			if (!ack_set)	/* the opening SYN, or simultaneous */
				return KNAT_TCP_ACCEPT;
		} else if (sender->flags & KNAT_TCPW_LIBERAL) {
			/* Its history is lost: take what this one shows. */
			sender->end = end;
			swin = (u32)s->win << sender->scale;
			sender->maxwin = swin ?: 1;
			sender->maxend = end + sender->maxwin;
			if (!receiver->maxwin) {
				receiver->end = ack;
				receiver->maxend = ack;
			} else if (ack == receiver->end + 1) {
				receiver->end++;	/* a keepalive's answer */
			}
		} else if (rst && ack_set && ack == receiver->end) {
			return KNAT_TCP_ACCEPT;	/* refuses the SYN */
		} else {
			return KNAT_TCP_INVALID;
		}
	} else if (syn && after(end, sender->end) &&
		   (cur == KNAT_TCP_SYN_SENT || cur == KNAT_TCP_SYN_RECV)) {
		/* RFC 793: a restarted SYN may use a higher sequence. */
		knat_tcp_win_init(sender, receiver, dir, s);
		if (dir && !ack_set)
			return KNAT_TCP_ACCEPT;
	}

	/*
	 * The other direction never came by: its packets take another
	 * router (multipath both ways, as behind ECMP).  Nothing to check
	 * this side's data against; learn its end, accept it.  Only an RST
	 * must hit the next sequence number exactly, which a blind sender
	 * cannot know.  The first answer seen makes the flow strict.
	 */
	if (!receiver->maxwin && !(sender->flags & KNAT_TCPW_LIBERAL)) {
		if (rst && seq != sender->end)
			return KNAT_TCP_INVALID;
		if (after(end, sender->end))
			sender->end = end;
		return KNAT_TCP_ACCEPT;
	}

	/* Without ACK, or an RST's zero one (broken stacks): assume it fits. */
	if (!ack_set || (rst && !ack))
		ack = receiver->end;
	/*
	 * Multipath: the receiver's segments may now cross another router
	 * (its route changed mid-flow).  An ACK above what we saw of it, but
	 * within the window this sender offered it, shows data that went by
	 * elsewhere: that is the receiver's end now.
	 */
	if (ack_set && after(ack, receiver->end) &&
	    !after(ack, receiver->maxend))
		receiver->end = ack;
	if (rst && !seq && cur == KNAT_TCP_SYN_SENT) {
		seq = sender->end;		/* RST answering a SYN */
		end = seq;
	}

	if (!before(seq, sender->maxend + 1)) {
		u32 overshot = end - sender->maxend + 1;

		/* TCPs that send past the window: learn the end, pass it. */
		if (!rst && receiver->maxwin &&
		    after(end, sender->end - receiver->maxwin - 1) &&
		    after(ack, receiver->end - knat_tcp_maxackwin(sender) - 1) &&
		    before(ack, receiver->end + 1) &&
		    overshot <= receiver->maxwin) {
			/* ... or whose peer's ACKs take another route. */
			sender->end = end;
			sender->maxend = end;
			return knat_tcp_fail(sender, KNAT_TCP_IGNORE);
		}
		return knat_tcp_fail(sender, KNAT_TCP_INVALID);
	}
	if (!before(ack, receiver->end + 1) ||
	    (receiver->maxwin &&
	     !after(end, sender->end - receiver->maxwin - 1)) ||
	    !after(ack, receiver->end - knat_tcp_maxackwin(sender) - 1))
		return knat_tcp_fail(sender, KNAT_TCP_INVALID);

	/* An RST counts only at the exact sequence number expected. */
	if (rst && (receiver->flags & KNAT_TCPW_MAXACK) &&
	    !(sender->flags & KNAT_TCPW_LIBERAL)) {
		if (before(seq, receiver->maxack))
			return KNAT_TCP_INVALID;
		if (seq != receiver->maxack && seq != sender->end)
			return KNAT_TCP_IGNORE;
	}

	swin = s->win;
	if (!syn)
		swin <<= sender->scale;
	if (sender->maxwin < swin)
		sender->maxwin = swin;
	if (after(end, sender->end))
		sender->end = end;
	if (ack_set && (!(sender->flags & KNAT_TCPW_MAXACK) ||
			after(ack, sender->maxack))) {
		sender->maxack = ack;
		sender->flags |= KNAT_TCPW_MAXACK;
	}
	if (receiver->maxwin && after(end, sender->maxend))
		receiver->maxwin += end - sender->maxend;
	if (after(ack + swin, receiver->maxend - 1))
		receiver->maxend = ack + swin + !swin;

	/* Both directions seen: from now on the window holds for a pickup. */
	if (sender->maxwin && receiver->maxwin) {
		sender->flags &= ~KNAT_TCPW_LIBERAL;
		receiver->flags &= ~KNAT_TCPW_LIBERAL;
	}
	return KNAT_TCP_ACCEPT;
}

/*
 * knat_tcp_in_window() on a copy: a segment found INVALID must not leave
 * anything of itself behind (a blind SYN+ACK would otherwise set the
 * reply side's window to the attacker's numbers).
 */
enum knat_tcp_verdict knat_tcp_window(struct knat_tcp_win *win, u8 state,
				      int dir, const struct knat_tcp_seg *s)
{
	struct knat_tcp_win w[2] = { win[0], win[1] };
	enum knat_tcp_verdict v = knat_tcp_in_window(w, state, dir, s);

	if (v != KNAT_TCP_INVALID) {
		win[0] = w[0];
		win[1] = w[1];
	}
	return v;
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "tcp_state_test.c"
#include "tcp_window_test.c"
#endif
