// SPDX-License-Identifier: GPL-2.0
/*
 * TCP state tracking, as far as a NAT needs it: enough to pick the right
 * timeout (RFC 5382: established >= 2 h 4 min, transitory 4 min) and to
 * know when a tuple may be reused.  No window or sequence tracking: knat
 * translates, it does not police.
 *
 *   NONE --SYN(o)--> SYN_SENT --SYN+ACK(r)--> SYN_RECV --ACK(o)--> ESTABLISHED
 *   ESTABLISHED --FIN(d)--> FIN_WAIT --ACK(!d)--> CLOSE_WAIT --FIN(!d)--> LAST_ACK
 *   FIN_WAIT --FIN(!d)--> LAST_ACK --ACK(d)--> TIME_WAIT
 *   any --RST--> CLOSE;  TIME_WAIT/CLOSE --SYN(o)--> SYN_SENT (tuple reuse)
 */

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

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "tcp_state_test.c"
#endif
