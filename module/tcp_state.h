/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_TCP_STATE_H
#define _KNAT_TCP_STATE_H

#include <linux/types.h>
#include <uapi/linux/knat.h>

/* The TCP flags the state machine looks at. */
#define KNAT_TCPF_SYN	0x01
#define KNAT_TCPF_ACK	0x02
#define KNAT_TCPF_FIN	0x04
#define KNAT_TCPF_RST	0x08

/*
 * A flow's TCP state byte: enum knat_tcp_state in the low nibble, and
 * which side sent the first FIN in bit 4 (0 = original, 1 = reply).
 */
#define KNAT_TCP_STATE_MASK	0x0f
#define KNAT_TCP_FIN_REPLY	0x10

/*
 * What one direction of a flow has shown of its sequence space, as
 * conntrack's struct ip_ct_tcp_state: the segments it may send next lie
 * between end - (the peer's maxwin) and maxend.  maxwin 0: not seen yet.
 */
struct knat_tcp_win {
	u32 end;	/* highest sequence number sent, plus one */
	u32 maxend;	/* highest right edge of the window the peer offered */
	u32 maxwin;	/* largest window this side offered (scaled) */
	u32 maxack;	/* highest ACK this side sent (KNAT_TCPW_MAXACK) */
	u8 scale;	/* its window scale shift, from its SYN */
	u8 flags;	/* KNAT_TCPW_* */
};

#define KNAT_TCPW_WSCALE	0x01	/* its SYN offered window scaling */
#define KNAT_TCPW_LIBERAL	0x02	/* picked up mid-flow: accept all */
#define KNAT_TCPW_MAXACK	0x04	/* ->maxack is set */

/* What the window check reads of a segment (host byte order). */
struct knat_tcp_seg {
	u32 seq;
	u32 ack;
	u32 end;	/* seq + data length + SYN + FIN */
	u16 win;	/* as on the wire, unscaled */
	u8 flags;	/* KNAT_TCPF_* */
	s8 wscale;	/* SYN's window scale option; -1: none */
};

enum knat_tcp_verdict {
	KNAT_TCP_ACCEPT,	/* in window: the state may move */
	KNAT_TCP_IGNORE,	/* pass it, change nothing (RFC 5961 RSTs) */
	KNAT_TCP_INVALID,	/* out of window: drop it */
};

u8 knat_tcp_next(u8 state, int dir, u8 flags);
enum knat_timeout knat_tcp_timeout(u8 state);
enum knat_tcp_verdict knat_tcp_window(struct knat_tcp_win *win, u8 state,
				      int dir, const struct knat_tcp_seg *s);
bool knat_tcp_flags_valid(u8 th_flags);

#endif /* _KNAT_TCP_STATE_H */
