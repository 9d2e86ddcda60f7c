// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: TCP window tracking (knat_tcp_window): blind RST, FIN, SYN and
 * data refused, window scaling, sequence wrap, retransmissions, flows
 * seen one way or picked up mid-way.  Included from tcp_state.c right
 * after tcp_state_test.c, whose KNAT_T_* shorthands it uses.
 */

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

static struct kunit_case knat_tcp_window_cases[] = {
	KUNIT_CASE(knat_tcp_win_rst),
	KUNIT_CASE(knat_tcp_win_blind),
	KUNIT_CASE(knat_tcp_win_scale),
	KUNIT_CASE(knat_tcp_win_wrap),
	KUNIT_CASE(knat_tcp_win_retrans),
	KUNIT_CASE(knat_tcp_win_handshake),
	KUNIT_CASE(knat_tcp_win_oneway),
	KUNIT_CASE(knat_tcp_win_moved),
	KUNIT_CASE(knat_tcp_win_pickup),
	{}
};

static struct kunit_suite knat_tcp_window_suite = {
	.name = "knat_tcp_window",
	.test_cases = knat_tcp_window_cases,
};

kunit_test_suite(knat_tcp_window_suite);
