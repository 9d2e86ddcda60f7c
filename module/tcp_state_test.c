// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the TCP state machine (knat_tcp_next), its timeouts and the
 * flag combinations let in.  Included from tcp_state.c; the window
 * checks (knat_tcp_window) are in tcp_window_test.c, included right
 * after this file, which uses its direction and flag shorthands.
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
	KUNIT_CASE(knat_tcp_flags),
	{}
};

static struct kunit_suite knat_tcp_state_suite = {
	.name = "knat_tcp_state",
	.test_cases = knat_tcp_state_cases,
};

kunit_test_suite(knat_tcp_state_suite);
