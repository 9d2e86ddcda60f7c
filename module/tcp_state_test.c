// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the TCP state machine.  Included from tcp_state.c.
 *
 * A step is (state before, direction, flags) -> state after; a sequence is
 * a list of steps each starting where the previous one ended.
 */

#include <kunit/test.h>

#define KNAT_T_O	0	/* original direction */
#define KNAT_T_R	1	/* reply direction */

#define KNAT_T_S	KNAT_TCPF_SYN
#define KNAT_T_A	KNAT_TCPF_ACK
#define KNAT_T_F	KNAT_TCPF_FIN
#define KNAT_T_RST	KNAT_TCPF_RST

#define KNAT_T_FR	KNAT_TCP_FIN_REPLY

struct knat_tcp_step {
	const char *what;
	u8 from;
	int dir;
	u8 flags;
	u8 to;
};

static void knat_tcp_check(struct kunit *test, const struct knat_tcp_step *s,
			   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, knat_tcp_next(s[i].from, s[i].dir,
							s[i].flags),
				    s[i].to, "step %u: %s", i, s[i].what);
}

/* Each step starts from the previous one's result, as on a real flow. */
static void knat_tcp_walk(struct kunit *test, const struct knat_tcp_step *s,
			  unsigned int n)
{
	u8 state = s[0].from;
	unsigned int i;

	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ_MSG(test, state, s[i].from, "step %u: %s", i,
				    s[i].what);
		state = knat_tcp_next(state, s[i].dir, s[i].flags);
		KUNIT_ASSERT_EQ_MSG(test, state, s[i].to, "step %u: %s", i,
				    s[i].what);
	}
}

static const struct knat_tcp_step knat_tcp_client_close_steps[] = {
	{ "SYN", KNAT_TCP_NONE, KNAT_T_O, KNAT_T_S, KNAT_TCP_SYN_SENT },
	{ "SYN+ACK", KNAT_TCP_SYN_SENT, KNAT_T_R, KNAT_T_S | KNAT_T_A,
	  KNAT_TCP_SYN_RECV },
	{ "ACK", KNAT_TCP_SYN_RECV, KNAT_T_O, KNAT_T_A,
	  KNAT_TCP_ESTABLISHED },
	{ "data", KNAT_TCP_ESTABLISHED, KNAT_T_O, KNAT_T_A,
	  KNAT_TCP_ESTABLISHED },
	{ "data back", KNAT_TCP_ESTABLISHED, KNAT_T_R, KNAT_T_A,
	  KNAT_TCP_ESTABLISHED },
	{ "client FIN", KNAT_TCP_ESTABLISHED, KNAT_T_O, KNAT_T_F | KNAT_T_A,
	  KNAT_TCP_FIN_WAIT },
	{ "server ACKs it", KNAT_TCP_FIN_WAIT, KNAT_T_R, KNAT_T_A,
	  KNAT_TCP_CLOSE_WAIT },
	{ "server FIN", KNAT_TCP_CLOSE_WAIT, KNAT_T_R, KNAT_T_F | KNAT_T_A,
	  KNAT_TCP_LAST_ACK },
	{ "client ACKs it", KNAT_TCP_LAST_ACK, KNAT_T_O, KNAT_T_A,
	  KNAT_TCP_TIME_WAIT },
};

static void knat_tcp_client_close(struct kunit *test)
{
	knat_tcp_walk(test, knat_tcp_client_close_steps,
		      ARRAY_SIZE(knat_tcp_client_close_steps));
}

/* The server closes first: the FIN side is remembered in the state byte. */
static const struct knat_tcp_step knat_tcp_server_close_steps[] = {
	{ "server FIN", KNAT_TCP_ESTABLISHED, KNAT_T_R, KNAT_T_F | KNAT_T_A,
	  KNAT_TCP_FIN_WAIT | KNAT_T_FR },
	{ "server sends more", KNAT_TCP_FIN_WAIT | KNAT_T_FR, KNAT_T_R,
	  KNAT_T_A, KNAT_TCP_FIN_WAIT | KNAT_T_FR },
	{ "client ACKs it", KNAT_TCP_FIN_WAIT | KNAT_T_FR, KNAT_T_O, KNAT_T_A,
	  KNAT_TCP_CLOSE_WAIT | KNAT_T_FR },
	{ "server FIN again", KNAT_TCP_CLOSE_WAIT | KNAT_T_FR, KNAT_T_R,
	  KNAT_T_F | KNAT_T_A, KNAT_TCP_CLOSE_WAIT | KNAT_T_FR },
	{ "client FIN", KNAT_TCP_CLOSE_WAIT | KNAT_T_FR, KNAT_T_O,
	  KNAT_T_F | KNAT_T_A, KNAT_TCP_LAST_ACK | KNAT_T_FR },
	{ "client ACK: wrong side", KNAT_TCP_LAST_ACK | KNAT_T_FR, KNAT_T_O,
	  KNAT_T_A, KNAT_TCP_LAST_ACK | KNAT_T_FR },
	{ "server ACKs the FIN", KNAT_TCP_LAST_ACK | KNAT_T_FR, KNAT_T_R,
	  KNAT_T_A, KNAT_TCP_TIME_WAIT | KNAT_T_FR },
};

static const struct knat_tcp_step knat_tcp_close_side_steps[] = {
	/* Client closed first: only the client's ACK ends LAST_ACK. */
	{ "LAST_ACK, server ACK", KNAT_TCP_LAST_ACK, KNAT_T_R, KNAT_T_A,
	  KNAT_TCP_LAST_ACK },
	/* The closer's own segments do not move FIN_WAIT on. */
	{ "FIN_WAIT, client ACK", KNAT_TCP_FIN_WAIT, KNAT_T_O, KNAT_T_A,
	  KNAT_TCP_FIN_WAIT },
	{ "FIN_WAIT, client FIN again", KNAT_TCP_FIN_WAIT, KNAT_T_O,
	  KNAT_T_F | KNAT_T_A, KNAT_TCP_FIN_WAIT },
	{ "CLOSE_WAIT, client FIN again", KNAT_TCP_CLOSE_WAIT, KNAT_T_O,
	  KNAT_T_F | KNAT_T_A, KNAT_TCP_CLOSE_WAIT },
	/* The handshake's ACK may carry the FIN already. */
	{ "SYN_RECV, client FIN", KNAT_TCP_SYN_RECV, KNAT_T_O,
	  KNAT_T_F | KNAT_T_A, KNAT_TCP_FIN_WAIT },
};

static void knat_tcp_server_close(struct kunit *test)
{
	knat_tcp_walk(test, knat_tcp_server_close_steps,
		      ARRAY_SIZE(knat_tcp_server_close_steps));
	knat_tcp_check(test, knat_tcp_close_side_steps,
		       ARRAY_SIZE(knat_tcp_close_side_steps));
}

static const struct knat_tcp_step knat_tcp_simultaneous_steps[] = {
	{ "client FIN", KNAT_TCP_ESTABLISHED, KNAT_T_O, KNAT_T_F | KNAT_T_A,
	  KNAT_TCP_FIN_WAIT },
	{ "server FIN crosses it", KNAT_TCP_FIN_WAIT, KNAT_T_R,
	  KNAT_T_F | KNAT_T_A, KNAT_TCP_LAST_ACK },
	{ "server ACK", KNAT_TCP_LAST_ACK, KNAT_T_R, KNAT_T_A,
	  KNAT_TCP_LAST_ACK },
	{ "client ACK", KNAT_TCP_LAST_ACK, KNAT_T_O, KNAT_T_A,
	  KNAT_TCP_TIME_WAIT },
};

static const struct knat_tcp_step knat_tcp_simultaneous_r_steps[] = {
	{ "server FIN", KNAT_TCP_ESTABLISHED, KNAT_T_R, KNAT_T_F,
	  KNAT_TCP_FIN_WAIT | KNAT_T_FR },
	{ "client FIN crosses it", KNAT_TCP_FIN_WAIT | KNAT_T_FR, KNAT_T_O,
	  KNAT_T_F, KNAT_TCP_LAST_ACK | KNAT_T_FR },
	{ "server ACK", KNAT_TCP_LAST_ACK | KNAT_T_FR, KNAT_T_R, KNAT_T_A,
	  KNAT_TCP_TIME_WAIT | KNAT_T_FR },
};

static void knat_tcp_simultaneous_close(struct kunit *test)
{
	knat_tcp_walk(test, knat_tcp_simultaneous_steps,
		      ARRAY_SIZE(knat_tcp_simultaneous_steps));
	knat_tcp_walk(test, knat_tcp_simultaneous_r_steps,
		      ARRAY_SIZE(knat_tcp_simultaneous_r_steps));
}

/* RST (alone, with ACK, even with SYN) closes from any state, either side. */
static void knat_tcp_rst_from(struct kunit *test, u8 state)
{
	static const u8 flags[] = {
		KNAT_T_RST, KNAT_T_RST | KNAT_T_A, KNAT_T_RST | KNAT_T_S,
		KNAT_T_RST | KNAT_T_F | KNAT_T_A,
	};
	unsigned int f;
	int dir;

	for (dir = KNAT_T_O; dir <= KNAT_T_R; dir++) {
		for (f = 0; f < ARRAY_SIZE(flags); f++) {
			u8 next = knat_tcp_next(state, dir, flags[f]);

			KUNIT_EXPECT_EQ_MSG(test, next & KNAT_TCP_STATE_MASK,
					    KNAT_TCP_CLOSE,
					    "state %#x dir %d flags %#x",
					    state, dir, flags[f]);
		}
	}
}

static void knat_tcp_rst(struct kunit *test)
{
	u8 st;

	for (st = KNAT_TCP_NONE; st < __KNAT_TCP_MAX; st++) {
		knat_tcp_rst_from(test, st);
		knat_tcp_rst_from(test, st | KNAT_T_FR);
	}
}

static const struct knat_tcp_step knat_tcp_syn_steps[] = {
	{ "SYN retransmitted", KNAT_TCP_SYN_SENT, KNAT_T_O, KNAT_T_S,
	  KNAT_TCP_SYN_SENT },
	{ "SYN on TIME_WAIT reopens", KNAT_TCP_TIME_WAIT, KNAT_T_O, KNAT_T_S,
	  KNAT_TCP_SYN_SENT },
	{ "SYN on TIME_WAIT forgets the FIN side",
	  KNAT_TCP_TIME_WAIT | KNAT_T_FR, KNAT_T_O, KNAT_T_S,
	  KNAT_TCP_SYN_SENT },
	{ "SYN on CLOSE reopens", KNAT_TCP_CLOSE, KNAT_T_O, KNAT_T_S,
	  KNAT_TCP_SYN_SENT },
	{ "SYN on CLOSE forgets the FIN side", KNAT_TCP_CLOSE | KNAT_T_FR,
	  KNAT_T_O, KNAT_T_S, KNAT_TCP_SYN_SENT },
	{ "SYN from the reply side on NONE", KNAT_TCP_NONE, KNAT_T_R,
	  KNAT_T_S, KNAT_TCP_NONE },
	{ "SYN from the reply side on TIME_WAIT", KNAT_TCP_TIME_WAIT,
	  KNAT_T_R, KNAT_T_S, KNAT_TCP_TIME_WAIT },
	{ "SYN from the reply side on CLOSE", KNAT_TCP_CLOSE, KNAT_T_R,
	  KNAT_T_S, KNAT_TCP_CLOSE },
	{ "SYN on SYN_RECV", KNAT_TCP_SYN_RECV, KNAT_T_O, KNAT_T_S,
	  KNAT_TCP_SYN_RECV },
	{ "SYN on ESTABLISHED", KNAT_TCP_ESTABLISHED, KNAT_T_O, KNAT_T_S,
	  KNAT_TCP_ESTABLISHED },
	{ "SYN on FIN_WAIT", KNAT_TCP_FIN_WAIT, KNAT_T_O, KNAT_T_S,
	  KNAT_TCP_FIN_WAIT },
	{ "SYN on LAST_ACK", KNAT_TCP_LAST_ACK | KNAT_T_FR, KNAT_T_O,
	  KNAT_T_S, KNAT_TCP_LAST_ACK | KNAT_T_FR },
};

static void knat_tcp_syn(struct kunit *test)
{
	knat_tcp_check(test, knat_tcp_syn_steps,
		       ARRAY_SIZE(knat_tcp_syn_steps));
}

static const struct knat_tcp_step knat_tcp_synack_steps[] = {
	{ "SYN+ACK from the client", KNAT_TCP_SYN_SENT, KNAT_T_O,
	  KNAT_T_S | KNAT_T_A, KNAT_TCP_SYN_SENT },
	{ "SYN+ACK with no SYN seen", KNAT_TCP_NONE, KNAT_T_R,
	  KNAT_T_S | KNAT_T_A, KNAT_TCP_NONE },
	{ "SYN+ACK retransmitted", KNAT_TCP_SYN_RECV, KNAT_T_R,
	  KNAT_T_S | KNAT_T_A, KNAT_TCP_SYN_RECV },
	{ "SYN+ACK on ESTABLISHED", KNAT_TCP_ESTABLISHED, KNAT_T_R,
	  KNAT_T_S | KNAT_T_A, KNAT_TCP_ESTABLISHED },
	{ "SYN+ACK on TIME_WAIT", KNAT_TCP_TIME_WAIT, KNAT_T_O,
	  KNAT_T_S | KNAT_T_A, KNAT_TCP_TIME_WAIT },
	/* Neither an ACK from the wrong side nor a stray one completes it. */
	{ "ACK from the server on SYN_RECV", KNAT_TCP_SYN_RECV, KNAT_T_R,
	  KNAT_T_A, KNAT_TCP_SYN_RECV },
	{ "ACK on SYN_SENT", KNAT_TCP_SYN_SENT, KNAT_T_O, KNAT_T_A,
	  KNAT_TCP_SYN_SENT },
};

static void knat_tcp_synack_direction(struct kunit *test)
{
	knat_tcp_check(test, knat_tcp_synack_steps,
		       ARRAY_SIZE(knat_tcp_synack_steps));
}

static const struct knat_tcp_step knat_tcp_data_steps[] = {
	{ "client ACK", KNAT_TCP_ESTABLISHED, KNAT_T_O, KNAT_T_A,
	  KNAT_TCP_ESTABLISHED },
	{ "server ACK", KNAT_TCP_ESTABLISHED, KNAT_T_R, KNAT_T_A,
	  KNAT_TCP_ESTABLISHED },
	{ "client, no flags", KNAT_TCP_ESTABLISHED, KNAT_T_O, 0,
	  KNAT_TCP_ESTABLISHED },
	{ "server, no flags", KNAT_TCP_ESTABLISHED, KNAT_T_R, 0,
	  KNAT_TCP_ESTABLISHED },
	{ "ACK with no flow state", KNAT_TCP_NONE, KNAT_T_O, KNAT_T_A,
	  KNAT_TCP_NONE },
};

static void knat_tcp_established_data(struct kunit *test)
{
	knat_tcp_check(test, knat_tcp_data_steps,
		       ARRAY_SIZE(knat_tcp_data_steps));
}

static void knat_tcp_timeouts(struct kunit *test)
{
	static const struct {
		u8 state;
		enum knat_timeout to;
	} map[] = {
		{ KNAT_TCP_NONE, KNAT_TIMEOUT_TCP_SYN_SENT },
		{ KNAT_TCP_SYN_SENT, KNAT_TIMEOUT_TCP_SYN_SENT },
		{ KNAT_TCP_SYN_RECV, KNAT_TIMEOUT_TCP_SYN_RECV },
		{ KNAT_TCP_ESTABLISHED, KNAT_TIMEOUT_TCP_ESTABLISHED },
		{ KNAT_TCP_FIN_WAIT, KNAT_TIMEOUT_TCP_FIN_WAIT },
		{ KNAT_TCP_CLOSE_WAIT, KNAT_TIMEOUT_TCP_CLOSE_WAIT },
		{ KNAT_TCP_LAST_ACK, KNAT_TIMEOUT_TCP_LAST_ACK },
		{ KNAT_TCP_TIME_WAIT, KNAT_TIMEOUT_TCP_TIME_WAIT },
		{ KNAT_TCP_CLOSE, KNAT_TIMEOUT_TCP_CLOSE },
	};
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(map) != __KNAT_TCP_MAX);
	for (i = 0; i < ARRAY_SIZE(map); i++) {
		KUNIT_EXPECT_EQ_MSG(test, knat_tcp_timeout(map[i].state),
				    map[i].to, "state %u", map[i].state);
		KUNIT_EXPECT_EQ_MSG(test,
				    knat_tcp_timeout(map[i].state | KNAT_T_FR),
				    map[i].to, "state %u|FIN_REPLY",
				    map[i].state);
	}
}

/* ---- window tracking (knat_tcp_window) ---- */

#define KNAT_T_ACCEPT	KNAT_TCP_ACCEPT
#define KNAT_T_IGNORE	KNAT_TCP_IGNORE
#define KNAT_T_INVALID	KNAT_TCP_INVALID

/* A flow's TCP side as the packet path keeps it. */
struct knat_t_flow {
	struct knat_tcp_win w[2];
	u8 state;
};

static struct knat_tcp_seg knat_t_seg(u8 flags, u32 seq, u32 ack, u32 len,
				      u16 win, s8 wscale)
{
	return (struct knat_tcp_seg) {
		.seq = seq, .ack = ack, .win = win, .flags = flags,
		.end = seq + len + !!(flags & KNAT_T_S) + !!(flags & KNAT_T_F),
		.wscale = wscale,
	};
}

/* Check one segment; an accepted one moves the state, as nat.c does. */
static void knat_t_send(struct kunit *test, struct knat_t_flow *f, int dir,
			struct knat_tcp_seg seg, enum knat_tcp_verdict want,
			const char *what)
{
	struct knat_t_flow before = *f;
	enum knat_tcp_verdict v = knat_tcp_window(f->w, f->state, dir, &seg);

	KUNIT_EXPECT_EQ_MSG(test, v, want, "%s: seq %u ack %u", what,
			    seg.seq, seg.ack);
	if (v == KNAT_TCP_ACCEPT)
		f->state = knat_tcp_next(f->state, dir, seg.flags);
	/* A refused segment leaves no trace. */
	if (v == KNAT_TCP_INVALID)
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&before, f, sizeof(*f)), 0,
				    "%s changed the flow", what);
}

/* Client ISN @c, server ISN @s, both offering window scale @ws. */
static void knat_t_open(struct kunit *test, struct knat_t_flow *f, u32 c,
			u32 s, s8 ws_client, s8 ws_server)
{
	memset(f, 0, sizeof(*f));
	knat_t_send(test, f, KNAT_T_O, knat_t_seg(KNAT_T_S, c, 0, 0, 64240,
						  ws_client),
		    KNAT_T_ACCEPT, "SYN");
	knat_t_send(test, f, KNAT_T_R,
		    knat_t_seg(KNAT_T_S | KNAT_T_A, s, c + 1, 0, 65160,
			       ws_server), KNAT_T_ACCEPT, "SYN+ACK");
	knat_t_send(test, f, KNAT_T_O, knat_t_seg(KNAT_T_A, c + 1, s + 1, 0,
						  502, -1),
		    KNAT_T_ACCEPT, "ACK");
	KUNIT_ASSERT_EQ(test, f->state, KNAT_TCP_ESTABLISHED);
}

static void knat_tcp_win_rst(struct kunit *test)
{
	u32 c = 1000, s = 5000000;
	struct knat_t_flow f;

	knat_t_open(test, &f, c, s, 7, 7);
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c + 1, s + 1, 100, 502, -1),
		    KNAT_T_ACCEPT, "client data");
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A, s + 1, c + 101, 0, 509, -1),
		    KNAT_T_ACCEPT, "server ACKs it");
	/* The attack of issue 10 item 1: seq 12345 from outside. */
	knat_t_send(test, &f, KNAT_T_R, knat_t_seg(KNAT_T_RST, 12345, 0, 0,
						   0, -1),
		    KNAT_T_INVALID, "blind RST");
	knat_t_send(test, &f, KNAT_T_R, knat_t_seg(KNAT_T_RST, s + 0x80000000,
						   0, 0, 0, -1),
		    KNAT_T_INVALID, "blind RST, half the space away");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_ESTABLISHED);
	/* In the window, not the exact number: the host challenges it. */
	knat_t_send(test, &f, KNAT_T_R, knat_t_seg(KNAT_T_RST, s + 1 + 3000,
						   0, 0, 0, -1),
		    KNAT_T_IGNORE, "in-window RST, inexact");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_ESTABLISHED);
	/* Exactly what the client acknowledged: a real reset. */
	knat_t_send(test, &f, KNAT_T_R, knat_t_seg(KNAT_T_RST, s + 1, 0, 0, 0,
						   -1),
		    KNAT_T_ACCEPT, "exact RST");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_CLOSE);
}

static void knat_tcp_win_blind(struct kunit *test)
{
	u32 c = 77, s = 0x40000000;
	struct knat_t_flow f;

	knat_t_open(test, &f, c, s, 7, 7);
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_F | KNAT_T_A, s + 0x10000000, c + 1, 0,
			       509, -1), KNAT_T_INVALID, "blind FIN");
	knat_t_send(test, &f, KNAT_T_R, knat_t_seg(KNAT_T_S, 424242, 0, 0,
						   1024, 7),
		    KNAT_T_INVALID, "blind SYN");
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A, s + 0x20000000, c + 1, 1400, 509, -1),
		    KNAT_T_INVALID, "blind data");
	/* Right sequence number, but acknowledging data never sent. */
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A | KNAT_T_F, s + 1, c + 0x1000000, 0,
			       509, -1), KNAT_T_INVALID, "FIN, ACK ahead");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_ESTABLISHED);
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_F | KNAT_T_A, s + 1, c + 1, 0, 509, -1),
		    KNAT_T_ACCEPT, "real FIN");
	KUNIT_EXPECT_EQ(test, f.state & KNAT_TCP_STATE_MASK,
			KNAT_TCP_FIN_WAIT);
}

static void knat_tcp_win_scale(struct kunit *test)
{
	u32 c = 10, s = 20;
	struct knat_t_flow f;

	/* Both offer scale 7: the server's window of 2000 is 256000. */
	knat_t_open(test, &f, c, s, 7, 7);
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A, s + 1, c + 1, 0, 2000, -1),
		    KNAT_T_ACCEPT, "server window 2000 << 7");
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c + 1 + 200000, s + 1, 1000, 502, -1),
		    KNAT_T_ACCEPT, "client data 200000 ahead");

	/* The server does not offer it: no scaling either way. */
	knat_t_open(test, &f, c, s, 7, -1);
	KUNIT_EXPECT_EQ(test, f.w[KNAT_T_O].scale, 0);
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A, s + 1, c + 1, 0, 2000, -1),
		    KNAT_T_ACCEPT, "server window 2000");
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c + 1 + 200000, s + 1, 1000, 502, -1),
		    KNAT_T_INVALID, "client data 200000 ahead, unscaled");
}

static void knat_tcp_win_wrap(struct kunit *test)
{
	u32 c = 0xffffff00, s = 0xfffffff0, seq = c + 1, sack = s + 1;
	struct knat_t_flow f;
	int i;

	knat_t_open(test, &f, c, s, 2, 2);
	for (i = 0; i < 4; i++) {
		knat_t_send(test, &f, KNAT_T_O,
			    knat_t_seg(KNAT_T_A, seq, sack, 200, 10000, -1),
			    KNAT_T_ACCEPT, "client data across 2^32");
		seq += 200;
		knat_t_send(test, &f, KNAT_T_R,
			    knat_t_seg(KNAT_T_A, sack, seq, 100, 10000, -1),
			    KNAT_T_ACCEPT, "server data across 2^32");
		sack += 100;
	}
	KUNIT_EXPECT_LT(test, f.w[KNAT_T_O].end, 0x1000U);
	KUNIT_EXPECT_LT(test, f.w[KNAT_T_R].end, 0x1000U);
	knat_t_send(test, &f, KNAT_T_O, knat_t_seg(KNAT_T_RST, seq - 0x80000000,
						   0, 0, 0, -1),
		    KNAT_T_INVALID, "blind RST after the wrap");
	knat_t_send(test, &f, KNAT_T_O, knat_t_seg(KNAT_T_RST, seq, 0, 0, 0,
						   -1),
		    KNAT_T_ACCEPT, "exact RST after the wrap");
}

static void knat_tcp_win_retrans(struct kunit *test)
{
	u32 c = 3000, s = 9000;
	struct knat_t_flow f;
	int i;

	knat_t_open(test, &f, c, s, 0, 0);
	for (i = 0; i < 3; i++)
		knat_t_send(test, &f, KNAT_T_O,
			    knat_t_seg(KNAT_T_A, c + 1, s + 1, 1000, 502, -1),
			    KNAT_T_ACCEPT, "the same segment again");
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A, s + 1, c + 1001, 0, 65000, -1),
		    KNAT_T_ACCEPT, "ACK");
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c + 1, s + 1, 1000, 502, -1),
		    KNAT_T_ACCEPT, "retransmitted after its ACK");
	knat_t_send(test, &f, KNAT_T_O, knat_t_seg(KNAT_T_S, c, 0, 0, 64240, 0),
		    KNAT_T_ACCEPT, "the SYN again, in ESTABLISHED");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_ESTABLISHED);
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c - 200000, s + 1, 1000, 502, -1),
		    KNAT_T_INVALID, "data a window below");
}

static void knat_tcp_win_handshake(struct kunit *test)
{
	struct knat_t_flow f = {};
	u32 c = 555;

	knat_t_send(test, &f, KNAT_T_O, knat_t_seg(KNAT_T_S, c, 0, 0, 64240, 7),
		    KNAT_T_ACCEPT, "SYN");
	knat_t_send(test, &f, KNAT_T_O, knat_t_seg(KNAT_T_S, c, 0, 0, 64240, 7),
		    KNAT_T_ACCEPT, "SYN retransmitted");
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_S | KNAT_T_A, 1, c + 100000, 0, 1000, 7),
		    KNAT_T_INVALID, "blind SYN+ACK, wrong ACK");
	knat_t_send(test, &f, KNAT_T_R, knat_t_seg(KNAT_T_RST, 99, 0, 0, 0, -1),
		    KNAT_T_INVALID, "blind RST without ACK");
	knat_t_send(test, &f, KNAT_T_R, knat_t_seg(KNAT_T_S, 99, 0, 0, 0, 7),
		    KNAT_T_INVALID, "blind SYN from the reply side");
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A, 99, c + 1, 10, 1000, -1),
		    KNAT_T_INVALID, "data before the SYN+ACK");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_SYN_SENT);
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_RST | KNAT_T_A, 0, c + 1, 0, 0, -1),
		    KNAT_T_ACCEPT, "RST refusing the SYN");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_CLOSE);
}

/* Answers that take another router: the client's side goes unchecked. */
static void knat_tcp_win_oneway(struct kunit *test)
{
	struct knat_t_flow f = {};
	u32 c = 0xfffffff0;

	knat_t_send(test, &f, KNAT_T_O, knat_t_seg(KNAT_T_S, c, 0, 0, 64240, 7),
		    KNAT_T_ACCEPT, "SYN");
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c + 1, 777, 0, 502, -1),
		    KNAT_T_ACCEPT, "ACK of an unseen SYN+ACK");
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c + 1, 777, 100000, 502, -1),
		    KNAT_T_ACCEPT, "data");
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_RST, c + 1, 0, 0, 0, -1),
		    KNAT_T_INVALID, "RST at an old sequence number");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_SYN_SENT);
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_RST, c + 100001, 0, 0, 0, -1),
		    KNAT_T_ACCEPT, "RST at the next sequence number");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_CLOSE);
}

/* The client's segments move to another router mid-flow. */
static void knat_tcp_win_moved(struct kunit *test)
{
	u32 c = 4000, s = 8000;
	struct knat_t_flow f;

	knat_t_open(test, &f, c, s, 7, 7);
	/* 3000 bytes of the client went by elsewhere; the server ACKs them. */
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A, s + 1, c + 3001, 100, 509, -1),
		    KNAT_T_ACCEPT, "server ACKs data not seen here");
	KUNIT_EXPECT_EQ(test, f.w[KNAT_T_O].end, c + 3001);
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A, s + 101, c + 0x1000000, 0, 509, -1),
		    KNAT_T_INVALID, "ACK beyond anything the client may send");
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_RST, s + 0x40000000, 0, 0, 0, -1),
		    KNAT_T_INVALID, "blind RST");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_ESTABLISHED);
}

static void knat_tcp_win_pickup(struct kunit *test)
{
	struct knat_t_flow f = { .state = KNAT_TCP_ESTABLISHED };
	u32 c = 123456, s = 654321;

	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c, s, 100, 500, -1),
		    KNAT_T_ACCEPT, "mid-flow client data");
	KUNIT_EXPECT_TRUE(test, f.w[KNAT_T_O].flags & KNAT_TCPW_LIBERAL);
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c + 0x10000000, s, 100, 500, -1),
		    KNAT_T_ACCEPT, "far away, still liberal");
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_A, s, c + 100, 0, 500, -1),
		    KNAT_T_ACCEPT, "the server answers");
	KUNIT_EXPECT_FALSE(test, f.w[KNAT_T_O].flags & KNAT_TCPW_LIBERAL);
	KUNIT_EXPECT_FALSE(test, f.w[KNAT_T_R].flags & KNAT_TCPW_LIBERAL);
	knat_t_send(test, &f, KNAT_T_R,
		    knat_t_seg(KNAT_T_RST, s + 0x40000000, 0, 0, 0, -1),
		    KNAT_T_INVALID, "both seen: blind RST");
	KUNIT_EXPECT_EQ(test, f.state, KNAT_TCP_ESTABLISHED);
	knat_t_send(test, &f, KNAT_T_O,
		    knat_t_seg(KNAT_T_A, c + 100, s, 100, 500, -1),
		    KNAT_T_ACCEPT, "client data goes on");
}

static void knat_tcp_flags(struct kunit *test)
{
	static const struct {
		u8 flags;
		bool valid;
	} t[] = {
		{ TCPHDR_SYN, true },
		{ TCPHDR_SYN | TCPHDR_ACK, true },
		{ TCPHDR_SYN | TCPHDR_ECE | TCPHDR_CWR, true },
		{ TCPHDR_ACK | TCPHDR_PSH, true },
		{ TCPHDR_FIN | TCPHDR_ACK, true },
		{ TCPHDR_RST, true },
		{ TCPHDR_RST | TCPHDR_ACK, true },
		{ 0, false },
		{ TCPHDR_SYN | TCPHDR_FIN, false },
		{ TCPHDR_SYN | TCPHDR_RST, false },
		{ TCPHDR_FIN, false },
		{ TCPHDR_FIN | TCPHDR_PSH | TCPHDR_URG, false },
		{ TCPHDR_SYN | TCPHDR_FIN | TCPHDR_ACK, false },
		{ TCPHDR_RST | TCPHDR_FIN | TCPHDR_ACK, false },
		{ 0xff, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_EXPECT_EQ_MSG(test, knat_tcp_flags_valid(t[i].flags),
				    t[i].valid, "flags 0x%02x", t[i].flags);
}

static struct kunit_case knat_tcp_state_cases[] = {
	KUNIT_CASE(knat_tcp_client_close),
	KUNIT_CASE(knat_tcp_server_close),
	KUNIT_CASE(knat_tcp_simultaneous_close),
	KUNIT_CASE(knat_tcp_rst),
	KUNIT_CASE(knat_tcp_syn),
	KUNIT_CASE(knat_tcp_synack_direction),
	KUNIT_CASE(knat_tcp_established_data),
	KUNIT_CASE(knat_tcp_timeouts),
	KUNIT_CASE(knat_tcp_win_rst),
	KUNIT_CASE(knat_tcp_win_blind),
	KUNIT_CASE(knat_tcp_win_scale),
	KUNIT_CASE(knat_tcp_win_wrap),
	KUNIT_CASE(knat_tcp_win_retrans),
	KUNIT_CASE(knat_tcp_win_handshake),
	KUNIT_CASE(knat_tcp_win_oneway),
	KUNIT_CASE(knat_tcp_win_moved),
	KUNIT_CASE(knat_tcp_win_pickup),
	KUNIT_CASE(knat_tcp_flags),
	{}
};

static struct kunit_suite knat_tcp_state_suite = {
	.name = "knat_tcp_state",
	.test_cases = knat_tcp_state_cases,
};

kunit_test_suite(knat_tcp_state_suite);
