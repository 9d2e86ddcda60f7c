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

u8 knat_tcp_next(u8 state, int dir, u8 flags);
enum knat_timeout knat_tcp_timeout(u8 state);

#endif /* _KNAT_TCP_STATE_H */
