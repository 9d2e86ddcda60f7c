// SPDX-License-Identifier: GPL-2.0
/*
 * knat monitor's printer: KNAT_CMD_EVENT messages built here the way the
 * header describes them print as one text or JSON line each, with a line
 * for sequence numbers that were skipped and for a receive buffer overrun.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/knat.h>

#include "../json_print.h"
#include "../mnlg.h"
#include "../monitor.h"
#include "../utils.h"
#include "tap.h"
#include "unit.h"

static char buf[MNLG_TX_SIZE];

struct ev {
	uint8_t cmd;		/* KNAT_CMD_EVENT, or another to be ignored */
	int type;		/* -1: no KNAT_EV_A_TYPE */
	long long seq;		/* -1: no KNAT_EV_A_SEQ */
	uint8_t proto;		/* 0: no KNAT_A_SERVICE */
	const char *vip;	/* NULL: 203.0.113.10; with a ':': ADDR6 */
	const char *be;		/* NULL: no KNAT_A_BACKEND; ':': ADDR6 */
	uint16_t be_port;
	int state, health;	/* -1: absent */
};

/* ADDR, or for an address with a colon its IPv6 twin ADDR6 (16 bytes). */
static void put_any_addr(struct nlmsghdr *nlh, uint16_t type4, uint16_t type6,
			 const char *a)
{
	struct in6_addr in6;

	if (strchr(a, ':')) {
		inet_pton(AF_INET6, a, &in6);
		mnl_attr_put(nlh, type6, sizeof(in6), &in6);
	} else {
		mnl_attr_put_u32(nlh, type4, inet_addr(a));
	}
}

/* A multicast KNAT_CMD_EVENT as the module sends it: seq 0, port 0. */
static const struct nlmsghdr *event_msg(const struct ev *e)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;
	struct nlattr *nest;

	nlh->nlmsg_type = GENL_MIN_ID;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = e->cmd;
	genl->version = KNAT_GENL_VERSION;

	nest = mnl_attr_nest_start(nlh, KNAT_A_EVENT);
	if (e->type >= 0)
		mnl_attr_put_u8(nlh, KNAT_EV_A_TYPE, (uint8_t)e->type);
	if (e->seq >= 0)
		mnl_attr_put_u32(nlh, KNAT_EV_A_SEQ, (uint32_t)e->seq);
	mnl_attr_nest_end(nlh, nest);
	if (e->proto) {
		nest = mnl_attr_nest_start(nlh, KNAT_A_SERVICE);
		mnl_attr_put_u8(nlh, KNAT_SVC_A_PROTO, e->proto);
		put_any_addr(nlh, KNAT_SVC_A_ADDR, KNAT_SVC_A_ADDR6,
			     e->vip ? e->vip : "203.0.113.10");
		mnl_attr_put_u16(nlh, KNAT_SVC_A_PORT, htons(80));
		mnl_attr_nest_end(nlh, nest);
	}
	if (e->be) {
		nest = mnl_attr_nest_start(nlh, KNAT_A_BACKEND);
		put_any_addr(nlh, KNAT_BE_A_ADDR, KNAT_BE_A_ADDR6, e->be);
		mnl_attr_put_u16(nlh, KNAT_BE_A_PORT, htons(e->be_port));
		if (e->state >= 0)
			mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, (uint8_t)e->state);
		if (e->health >= 0)
			mnl_attr_put_u8(nlh, KNAT_BE_A_HEALTH, (uint8_t)e->health);
		mnl_attr_put_u32(nlh, KNAT_BE_A_MAX + 4, 1);	/* newer: ignored */
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
}

/* The usual event: backend 10.0.2.13:8080 of tcp 203.0.113.10:80. */
static struct ev ev_of(int type, long long seq, int state, int health)
{
	struct ev e = {
		.cmd = KNAT_CMD_EVENT, .type = type, .seq = seq,
		.proto = IPPROTO_TCP, .be = "10.0.2.13", .be_port = 8080,
		.state = state, .health = health,
	};

	return e;
}

/* Print the events in order, with one monitor_state, into a string. */
static const char *render(const struct ev *evs, unsigned int n, bool json)
{
	struct monitor_state st = { 0 };
	unsigned int i;

	capture_start(json, false);
	for (i = 0; i < n; i++)
		monitor_print(event_msg(&evs[i]), &st);
	return capture_end();
}

static void test_names(void)
{
	unsigned int i, j;
	bool complete = true, unique = true;

	for (i = 1; i < __KNAT_EVENT_MAX; i++) {
		if (!monitor_event_name(i) || !*monitor_event_name(i))
			complete = false;
		for (j = 1; j < i; j++)
			if (monitor_event_name(i) && monitor_event_name(j) &&
			    !strcmp(monitor_event_name(i), monitor_event_name(j)))
				unique = false;
	}
	tap_ok(complete, "event names: one for each of the %u event types",
	       __KNAT_EVENT_MAX - 1);
	tap_ok(unique, "event names: all different");
	tap_ok(!monitor_event_name(KNAT_EVENT_UNSPEC) &&
	       !monitor_event_name(__KNAT_EVENT_MAX),
	       "event names: none for UNSPEC or past the enum");
	tap_str(monitor_event_name(KNAT_EVENT_BACKEND_DOWN), "backend-down",
		"event name backend-down");
	tap_str(monitor_event_name(KNAT_EVENT_BACKEND_DRAINED), "backend-drained",
		"event name backend-drained");
}

/* The names, one a line, for docs.sh to look up in the man page. */
static void save_event_names(void)
{
	char *text = NULL;
	size_t len;
	unsigned int i;
	FILE *f = open_memstream(&text, &len);

	for (i = 1; i < __KNAT_EVENT_MAX; i++)
		fprintf(f, "%s\n", monitor_event_name(i));
	fclose(f);
	tap_save("events.names", text);
	free(text);
}

static void test_events(void)
{
	const struct ev down = ev_of(KNAT_EVENT_BACKEND_DOWN, 5, KNAT_BACKEND_UP,
				     KNAT_HEALTH_FAILED);
	const struct ev every[] = {
		down,
		ev_of(KNAT_EVENT_BACKEND_PROBING, 6, KNAT_BACKEND_UP, KNAT_HEALTH_PROBING),
		ev_of(KNAT_EVENT_BACKEND_UP, 7, KNAT_BACKEND_UP, KNAT_HEALTH_OK),
		ev_of(KNAT_EVENT_BACKEND_DRAINED, 8, KNAT_BACKEND_DRAINING, KNAT_HEALTH_OK),
	};
	const char *out;

	tap_str(render(&down, 1, false),
		"[seq 5] backend down tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health failed)\n", "event text: backend down");
	out = render(&down, 1, true);
	tap_str(out,
		"{\"seq\":5,\"event\":\"backend-down\",\"service\":{\"proto\":\"tcp\","
		"\"family\":\"inet\",\"addr\":\"203.0.113.10\",\"port\":80},"
		"\"backend\":{\"addr\":\"10.0.2.13\",\"port\":8080,\"state\":\"up\","
		"\"health\":\"failed\"}}\n",
		"event JSON: backend down, one line");
	tap_save("event-down.json", out);

	tap_str(render(every, ARRAY_SIZE(every), false),
		"[seq 5] backend down tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health failed)\n"
		"[seq 6] backend probing tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health probing)\n"
		"[seq 7] backend up tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health ok)\n"
		"[seq 8] backend drained tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state draining, health ok)\n",
		"event text: every type, consecutive sequence numbers, no loss line");
	out = render(every, ARRAY_SIZE(every), true);
	tap_ok(strstr(out, "\"seq\":6,\"event\":\"backend-probing\"") &&
	       strstr(out, "\"seq\":7,\"event\":\"backend-up\"") &&
	       strstr(out, "\"seq\":8,\"event\":\"backend-drained\"") &&
	       strstr(out, "\"state\":\"draining\",\"health\":\"ok\"}}\n") &&
	       !strstr(out, "lost"),
	       "event JSON: every type, one object a line");
}

/* json-valid.sh wants one document a file: save line n (from 0) of text. */
static void save_line(const char *file, const char *text, unsigned int n)
{
	char line[512];
	const char *end;

	while (n-- && strchr(text, '\n'))
		text = strchr(text, '\n') + 1;
	end = strchr(text, '\n');
	snprintf(line, sizeof(line), "%.*s\n", end ? (int)(end - text) : (int)strlen(text),
		 text);
	tap_save(file, line);
}

static void test_gaps(void)
{
	const struct ev gaps[] = {
		ev_of(KNAT_EVENT_BACKEND_DOWN, 5, KNAT_BACKEND_UP, KNAT_HEALTH_FAILED),
		ev_of(KNAT_EVENT_BACKEND_UP, 9, KNAT_BACKEND_UP, KNAT_HEALTH_OK),
		ev_of(KNAT_EVENT_BACKEND_DOWN, 11, KNAT_BACKEND_UP, KNAT_HEALTH_FAILED),
	};
	const struct ev wrap[] = {
		ev_of(KNAT_EVENT_BACKEND_DOWN, 0xfffffffeLL, KNAT_BACKEND_UP, 1),
		ev_of(KNAT_EVENT_BACKEND_UP, 0xffffffffLL, KNAT_BACKEND_UP, 0),
		ev_of(KNAT_EVENT_BACKEND_DOWN, 0, KNAT_BACKEND_UP, 1),
		ev_of(KNAT_EVENT_BACKEND_UP, 2, KNAT_BACKEND_UP, 0),
	};
	const struct ev back[] = {
		ev_of(KNAT_EVENT_BACKEND_DOWN, 40, KNAT_BACKEND_UP, 1),
		ev_of(KNAT_EVENT_BACKEND_UP, 1, KNAT_BACKEND_UP, 0),
		ev_of(KNAT_EVENT_BACKEND_DOWN, 2, KNAT_BACKEND_UP, 1),
	};
	struct monitor_state st = { 0 };
	const char *out;

	printf("# monitor: lost events\n");
	tap_str(render(gaps, ARRAY_SIZE(gaps), false),
		"[seq 5] backend down tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health failed)\n"
		"events lost: 3 (seq 6 to 8)\n"
		"[seq 9] backend up tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health ok)\n"
		"events lost: 1 (seq 10)\n"
		"[seq 11] backend down tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health failed)\n",
		"event text: a gap in seq prints how many were lost, first event none");
	out = render(gaps, ARRAY_SIZE(gaps), true);
	tap_ok(strstr(out, "}}\n{\"event\":\"lost\",\"reason\":\"gap\",\"count\":3,"
		      "\"first_seq\":6,\"last_seq\":8}\n{\"seq\":9,") &&
	       strstr(out, "{\"event\":\"lost\",\"reason\":\"gap\",\"count\":1,"
		      "\"first_seq\":10,\"last_seq\":10}\n{\"seq\":11,"),
	       "event JSON: lost lines before the event that shows the gap");
	save_line("event-gap.json", out, 1);

	tap_str(render(wrap, ARRAY_SIZE(wrap), false),
		"[seq 4294967294] backend down tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health failed)\n"
		"[seq 4294967295] backend up tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health ok)\n"
		"[seq 0] backend down tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health failed)\n"
		"events lost: 1 (seq 1)\n"
		"[seq 2] backend up tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health ok)\n",
		"event text: seq wraps from 4294967295 to 0 without a loss");
	out = render(back, ARRAY_SIZE(back), false);
	tap_ok(!strstr(out, "lost") && strstr(out, "[seq 1] ") && strstr(out, "[seq 2] "),
	       "event text: seq going back (module reloaded) restarts the count, no loss");

	capture_start(false, false);
	monitor_print(event_msg(&gaps[0]), &st);
	monitor_print_overrun();
	monitor_print(event_msg(&gaps[2]), &st);
	out = capture_end();
	tap_str(out,
		"[seq 5] backend down tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health failed)\n"
		"events lost: receive buffer overrun\n"
		"events lost: 5 (seq 6 to 10)\n"
		"[seq 11] backend down tcp 203.0.113.10:80 -> 10.0.2.13:8080 "
		"(state up, health failed)\n",
		"event text: overrun line, then the gap tells how many");
	capture_start(true, false);
	monitor_print_overrun();
	out = capture_end();
	tap_str(out, "{\"event\":\"lost\",\"reason\":\"overrun\"}\n", "event JSON: overrun");
	tap_save("event-overrun.json", out);
}

static void test_odd(void)
{
	struct ev e;
	const char *out;

	printf("# monitor: unknown values, missing attributes, other messages\n");
	e = ev_of(9, 3, 7, 8);
	e.be_port = 0;	/* the service's port */
	tap_str(render(&e, 1, false),
		"[seq 3] event-9 tcp 203.0.113.10:80 -> 10.0.2.13:80 (state state-7, "
		"health health-8)\n",
		"event text: unknown type, state and health as numbers; port 0 is the service's");
	out = render(&e, 1, true);
	tap_str(out,
		"{\"seq\":3,\"event\":\"event-9\",\"service\":{\"proto\":\"tcp\","
		"\"family\":\"inet\",\"addr\":\"203.0.113.10\",\"port\":80},"
		"\"backend\":{\"addr\":\"10.0.2.13\",\"port\":80,\"state\":\"state-7\","
		"\"health\":\"health-8\"}}\n",
		"event JSON: unknown values");

	e = ev_of(KNAT_EVENT_BACKEND_UP, -1, -1, KNAT_HEALTH_OK);
	tap_str(render(&e, 1, false),
		"backend up tcp 203.0.113.10:80 -> 10.0.2.13:8080 (health ok)\n",
		"event text: no seq, no state");
	e.health = -1;
	tap_str(render(&e, 1, false),
		"backend up tcp 203.0.113.10:80 -> 10.0.2.13:8080\n",
		"event text: neither state nor health: no parentheses");
	e.proto = 0;
	e.be = NULL;
	e.type = -1;
	tap_str(render(&e, 1, false), "event-0\n", "event text: an empty event");
	out = render(&e, 1, true);
	tap_str(out, "{\"seq\":null,\"event\":\"event-0\",\"service\":null,\"backend\":null}\n",
		"event JSON: missing attributes are null");
	tap_save("event-empty.json", out);

	/* An IPv6 service's backend: ADDR6 both, brackets before the ports. */
	e = ev_of(KNAT_EVENT_BACKEND_DOWN, 21, KNAT_BACKEND_UP, KNAT_HEALTH_FAILED);
	e.vip = "2001:db8::10";
	e.be = "fd00:2::11";
	tap_str(render(&e, 1, false),
		"[seq 21] backend down tcp [2001:db8::10]:80 -> [fd00:2::11]:8080 "
		"(state up, health failed)\n", "event text IPv6: backend down, in brackets");
	e.be_port = 0;
	tap_str(render(&e, 1, false),
		"[seq 21] backend down tcp [2001:db8::10]:80 -> [fd00:2::11]:80 "
		"(state up, health failed)\n",
		"event text IPv6: port 0 is the service's");
	out = render(&e, 1, true);
	tap_str(out,
		"{\"seq\":21,\"event\":\"backend-down\",\"service\":{\"proto\":\"tcp\","
		"\"family\":\"inet6\",\"addr\":\"2001:db8::10\",\"port\":80},"
		"\"backend\":{\"addr\":\"fd00:2::11\",\"port\":80,\"state\":\"up\","
		"\"health\":\"failed\"}}\n",
		"event JSON IPv6: family inet6, bare addresses");
	tap_save("event-down6.json", out);

	e = ev_of(KNAT_EVENT_BACKEND_DOWN, 5, KNAT_BACKEND_UP, KNAT_HEALTH_FAILED);
	e.cmd = KNAT_CMD_SERVICE_GET;
	tap_str(render(&e, 1, false), "", "a message other than KNAT_CMD_EVENT prints nothing");
	tap_num(json_print_depth(), 0, "no JSON container left open");
}

/* ---- flow state changes and port exhaustion ---- */

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, const char *src,
		      uint16_t sport, const char *dst, uint16_t dport)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u32(nlh, KNAT_TUPLE_A_SRC, inet_addr(src));
	mnl_attr_put_u32(nlh, KNAT_TUPLE_A_DST, inet_addr(dst));
	mnl_attr_put_u16(nlh, KNAT_TUPLE_A_SPORT, htons(sport));
	mnl_attr_put_u16(nlh, KNAT_TUPLE_A_DPORT, htons(dport));
	mnl_attr_nest_end(nlh, nest);
}

static struct nlmsghdr *event_start(uint8_t type, uint32_t seq, int old, int new)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;
	struct nlattr *nest;

	nlh->nlmsg_type = GENL_MIN_ID;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = KNAT_CMD_EVENT;
	genl->version = KNAT_GENL_VERSION;
	nest = mnl_attr_nest_start(nlh, KNAT_A_EVENT);
	mnl_attr_put_u8(nlh, KNAT_EV_A_TYPE, type);
	mnl_attr_put_u32(nlh, KNAT_EV_A_SEQ, seq);
	if (old >= 0)
		mnl_attr_put_u8(nlh, KNAT_EV_A_OLD_STATE, (uint8_t)old);
	if (new >= 0)
		mnl_attr_put_u8(nlh, KNAT_EV_A_NEW_STATE, (uint8_t)new);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* tcp 10.0.1.2:40001 -> 203.0.113.2:8000 through SNAT, now in @state. */
static const struct nlmsghdr *state_msg(uint32_t seq, int old, int new, int state)
{
	struct nlmsghdr *nlh = event_start(KNAT_EVENT_FLOW_STATE, seq, old, new);
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_FLOW);

	mnl_attr_put_u8(nlh, KNAT_FLOW_A_PROTO, IPPROTO_TCP);
	put_tuple(nlh, KNAT_FLOW_A_ORIG, "10.0.1.2", 40001, "203.0.113.2", 8000);
	put_tuple(nlh, KNAT_FLOW_A_REPLY, "203.0.113.2", 8000, "198.51.100.1", 40001);
	mnl_attr_put_u8(nlh, KNAT_FLOW_A_KIND, KNAT_FLOW_KIND_SNAT);
	mnl_attr_put_u8(nlh, KNAT_FLOW_A_STATE, (uint8_t)state);
	mnl_attr_put_u32(nlh, KNAT_FLOW_A_FLAGS, KNAT_FLOW_F_REPLIED);
	mnl_attr_put_u32(nlh, KNAT_FLOW_A_AGE, 0);
	mnl_attr_put_u32(nlh, KNAT_FLOW_A_EXPIRES, 60);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_PKTS_ORIG, 1);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_BYTES_ORIG, 60);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_PKTS_REPLY, 1);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_BYTES_REPLY, 60);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* The rule 10.0.1.0/24 out eth1 (masquerade or not), udp 10.0.1.2:5005. */
static const struct nlmsghdr *exhausted_msg(uint32_t seq, bool masq)
{
	struct nlmsghdr *nlh = event_start(KNAT_EVENT_PORT_EXHAUSTED, seq, -1, -1);
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SNAT);

	mnl_attr_put_u32(nlh, KNAT_SNAT_A_SRC, inet_addr("10.0.1.0"));
	mnl_attr_put_u8(nlh, KNAT_SNAT_A_SRC_PLEN, 24);
	mnl_attr_put_strz(nlh, KNAT_SNAT_A_OUT_IFNAME, "eth1");
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_TO_MIN, inet_addr("198.51.100.1"));
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_TO_MAX, inet_addr("198.51.100.1"));
	mnl_attr_put_u16(nlh, KNAT_SNAT_A_PORT_MIN, htons(40000));
	mnl_attr_put_u16(nlh, KNAT_SNAT_A_PORT_MAX, htons(40003));
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLAGS, masq ? KNAT_SNAT_F_MASQUERADE : 0);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, KNAT_A_FLOW);
	mnl_attr_put_u8(nlh, KNAT_FLOW_A_PROTO, IPPROTO_UDP);
	put_tuple(nlh, KNAT_FLOW_A_ORIG, "10.0.1.2", 5005, "203.0.113.2", 9000);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* The same from fd00:1::/64 to 2001:db8::1, udp [fd00:1::2]:5005 (IPv6). */
static const struct nlmsghdr *exhausted6_msg(uint32_t seq)
{
	struct nlmsghdr *nlh = event_start(KNAT_EVENT_PORT_EXHAUSTED, seq, -1, -1);
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SNAT), *t;
	struct in6_addr a;

	inet_pton(AF_INET6, "fd00:1::", &a);
	mnl_attr_put(nlh, KNAT_SNAT_A_SRC6, sizeof(a), &a);
	mnl_attr_put_u8(nlh, KNAT_SNAT_A_SRC_PLEN, 64);
	inet_pton(AF_INET6, "2001:db8::1", &a);
	mnl_attr_put(nlh, KNAT_SNAT_A_TO_MIN6, sizeof(a), &a);
	mnl_attr_put(nlh, KNAT_SNAT_A_TO_MAX6, sizeof(a), &a);
	mnl_attr_put_u16(nlh, KNAT_SNAT_A_PORT_MIN, htons(40000));
	mnl_attr_put_u16(nlh, KNAT_SNAT_A_PORT_MAX, htons(40003));
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLAGS, 0);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, KNAT_A_FLOW);
	mnl_attr_put_u8(nlh, KNAT_FLOW_A_PROTO, IPPROTO_UDP);
	mnl_attr_put_u8(nlh, KNAT_FLOW_A_FAMILY, AF_INET6);
	t = mnl_attr_nest_start(nlh, KNAT_FLOW_A_ORIG);
	inet_pton(AF_INET6, "fd00:1::2", &a);
	mnl_attr_put(nlh, KNAT_TUPLE_A_SRC6, sizeof(a), &a);
	inet_pton(AF_INET6, "2001:db8::99", &a);
	mnl_attr_put(nlh, KNAT_TUPLE_A_DST6, sizeof(a), &a);
	mnl_attr_put_u16(nlh, KNAT_TUPLE_A_SPORT, htons(5005));
	mnl_attr_put_u16(nlh, KNAT_TUPLE_A_DPORT, htons(9000));
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static const char *render_msg(const struct nlmsghdr *nlh, bool json)
{
	struct monitor_state st = { 0 };

	capture_start(json, false);
	monitor_print(nlh, &st);
	return capture_end();
}

static void test_flow_events(void)
{
	const char *out;

	printf("# monitor: flow state changes and port exhaustion\n");
	tap_str(render_msg(state_msg(9, KNAT_TCP_SYN_SENT, KNAT_TCP_SYN_RECV,
				     KNAT_TCP_SYN_RECV), false),
		"[seq 9] flow state SYN-SENT -> SYN-RECV tcp SYN-RECV src=10.0.1.2:40001 "
		"dst=203.0.113.2:8000 reply src=203.0.113.2:8000 dst=198.51.100.1:40001 "
		"snat age 0 expires 60 packets 1/1 bytes 60/60\n",
		"event text: flow state, the change then the flow");
	out = render_msg(state_msg(9, KNAT_TCP_SYN_SENT, KNAT_TCP_SYN_RECV,
				   KNAT_TCP_ESTABLISHED), true);
	tap_str(out,
		"{\"seq\":9,\"event\":\"flow-state\",\"old_state\":\"syn-sent\","
		"\"new_state\":\"syn-recv\",\"flow\":{\"proto\":\"tcp\",\"family\":\"inet\","
		"\"state\":\"established\",\"kind\":\"snat\",\"orig\":{\"src\":\"10.0.1.2\",\"dst\":\"203.0.113.2\","
		"\"sport\":40001,\"dport\":8000},\"reply\":{\"src\":\"203.0.113.2\","
		"\"dst\":\"198.51.100.1\",\"sport\":8000,\"dport\":40001},\"age\":0,"
		"\"expires\":60,\"replied\":true,\"fastpath\":[],\"packets_orig\":1,\"bytes_orig\":60,"
		"\"packets_reply\":1,\"bytes_reply\":60}}\n",
		"event JSON: flow state, the change apart from the flow's state now");
	tap_save("event-state.json", out);
	tap_str(render_msg(state_msg(10, __KNAT_TCP_MAX, -1, KNAT_TCP_CLOSE), true),
		"{\"seq\":10,\"event\":\"flow-state\",\"old_state\":\"state-9\","
		"\"new_state\":null,\"flow\":{\"proto\":\"tcp\",\"family\":\"inet\","
		"\"state\":\"close\",\"kind\":\"snat\",\"orig\":{\"src\":\"10.0.1.2\",\"dst\":\"203.0.113.2\","
		"\"sport\":40001,\"dport\":8000},\"reply\":{\"src\":\"203.0.113.2\","
		"\"dst\":\"198.51.100.1\",\"sport\":8000,\"dport\":40001},\"age\":0,"
		"\"expires\":60,\"replied\":true,\"fastpath\":[],\"packets_orig\":1,\"bytes_orig\":60,"
		"\"packets_reply\":1,\"bytes_reply\":60}}\n",
		"event JSON: flow state, an unknown state as state-N, a missing one null");

	tap_str(render_msg(exhausted_msg(12, false), false),
		"[seq 12] port exhausted from 10.0.1.0/24 out eth1 to 198.51.100.1 ports "
		"40000-40003 mapping endpoint-independent: udp src=10.0.1.2:5005 "
		"dst=203.0.113.2:9000\n",
		"event text: port exhausted, the rule then the inside tuple");
	tap_str(render_msg(exhausted_msg(13, true), false),
		"[seq 13] port exhausted from 10.0.1.0/24 out eth1 masquerade to 198.51.100.1 "
		"ports 40000-40003 mapping endpoint-independent: udp src=10.0.1.2:5005 "
		"dst=203.0.113.2:9000\n",
		"event text: port exhausted, masquerade with the device's address");
	out = render_msg(exhausted_msg(12, false), true);
	tap_str(out,
		"{\"seq\":12,\"event\":\"port-exhausted\",\"snat\":{\"family\":\"inet\","
		"\"from\":\"10.0.1.0/24\",\"out\":\"eth1\",\"masquerade\":false,\"to_min\":\"198.51.100.1\","
		"\"to_max\":\"198.51.100.1\",\"port_min\":40000,\"port_max\":40003,"
		"\"mapping\":\"endpoint-independent\"},\"flow\":{\"proto\":\"udp\","
		"\"family\":\"inet\",\"orig\":{\"src\":\"10.0.1.2\",\"dst\":\"203.0.113.2\",\"sport\":5005,"
		"\"dport\":9000}}}\n",
		"event JSON: port exhausted, the rule under snat, the tuple under flow");
	tap_save("event-exhausted.json", out);
	tap_str(render_msg(exhausted6_msg(14), false),
		"[seq 14] port exhausted from fd00:1::/64 to 2001:db8::1 ports 40000-40003 "
		"mapping endpoint-independent: udp src=[fd00:1::2]:5005 "
		"dst=[2001:db8::99]:9000\n",
		"event text: port exhausted, IPv6");
	out = render_msg(exhausted6_msg(14), true);
	tap_ok(strstr(out, "\"snat\":{\"family\":\"inet6\",\"from\":\"fd00:1::/64\",") &&
	       strstr(out, "\"flow\":{\"proto\":\"udp\",\"family\":\"inet6\",\"orig\":"
			   "{\"src\":\"fd00:1::2\",\"dst\":\"2001:db8::99\","),
	       "event JSON: port exhausted, IPv6");
	tap_save("event-exhausted6.json", out);
	tap_num(json_print_depth(), 0, "no JSON container left open");
}

void test_monitor(void)
{
	printf("# monitor: events\n");
	test_names();
	save_event_names();
	test_events();
	test_gaps();
	test_odd();
	test_flow_events();
}
