// SPDX-License-Identifier: GPL-2.0
/* knat monitor: the module's events as they happen; see monitor.h. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/knat.h>

#include "flow.h"
#include "json_print.h"
#include "knat_nl.h"
#include "monitor.h"
#include "objects.h"
#include "policy.h"
#include "service.h"
#include "snat.h"
#include "utils.h"

/* Indexed by enum knat_event_type: the JSON name and the text words. */
static const struct {
	const char *name;
	const char *text;
} events[] = {
	[KNAT_EVENT_BACKEND_DOWN]    = { "backend-down",    "backend down" },
	[KNAT_EVENT_BACKEND_PROBING] = { "backend-probing", "backend probing" },
	[KNAT_EVENT_BACKEND_UP]      = { "backend-up",      "backend up" },
	[KNAT_EVENT_BACKEND_DRAINED] = { "backend-drained", "backend drained" },
	[KNAT_EVENT_FLOW_NEW]        = { "flow-new",        "flow new" },
	[KNAT_EVENT_FLOW_DESTROY]    = { "flow-destroy",    "flow destroy" },
	[KNAT_EVENT_FLOW_STATE]      = { "flow-state",      "flow state" },
	[KNAT_EVENT_PORT_EXHAUSTED]  = { "port-exhausted",  "port exhausted" },
};
_Static_assert(ARRAY_SIZE(events) == __KNAT_EVENT_MAX,
	       "name every enum knat_event_type");

const char *monitor_event_name(unsigned int type)
{
	return type < ARRAY_SIZE(events) ? events[type].name : NULL;
}

void monitor_usage(FILE *f)
{
	fprintf(f, "Usage: knat [ -j ] monitor\n");
}

/* ---- printing ---- */

static const enum mnl_attr_data_type ev_policy[KNAT_EV_A_MAX + 1] = {
	[KNAT_EV_A_TYPE]	= MNL_TYPE_U8,
	[KNAT_EV_A_SEQ]		= MNL_TYPE_U32,
	[KNAT_EV_A_OLD_STATE]	= MNL_TYPE_U8,
	[KNAT_EV_A_NEW_STATE]	= MNL_TYPE_U8,
};

/* "events lost: N (seq A to B)": the numbers the kernel used and we missed. */
static void print_gap(uint32_t first, uint32_t last)
{
	uint32_t count = last - first + 1;

	open_json_object(NULL);
	print_string(PRINT_JSON, "event", NULL, "lost");
	print_string(PRINT_JSON, "reason", NULL, "gap");
	print_uint(PRINT_ANY, "count", "events lost: %u", count);
	print_uint(PRINT_ANY, "first_seq", " (seq %u", first);
	if (count > 1)
		print_uint(PRINT_ANY, "last_seq", " to %u", last);
	else
		print_uint(PRINT_JSON, "last_seq", NULL, last);
	print_fp(")");
	close_json_object();
	print_nl();
}

void monitor_print_overrun(void)
{
	open_json_object(NULL);
	print_string(PRINT_JSON, "event", NULL, "lost");
	print_string(PRINT_JSON, "reason", NULL, "overrun");
	print_fp("events lost: receive buffer overrun");
	close_json_object();
	print_nl();
	fflush(stdout);
}

/* A name from a table, or "PREFIX-N" for a value a newer kernel has. */
static const char *name_or_num(const char *name, const char *prefix,
			       unsigned int v, char *buf, size_t size)
{
	if (name)
		return name;
	snprintf(buf, size, "%s-%u", prefix, v);
	return buf;
}

/*
 * An address and port as the lists print them: "10.0.2.13:8080",
 * "[fd00::13]:8080"; JSON "addr" (bare) and "port".
 */
static void print_addr_port(const char *fmt, const struct ipaddr *addr,
			    uint16_t port)
{
	char abuf[ADDR_BUF], pbuf[PORTS_BUF], ebuf[ENDPOINT_BUF];

	print_string(PRINT_JSON, "addr", NULL, fmt_ipaddr(addr, abuf));
	print_uint(PRINT_JSON, "port", NULL, port);
	print_string(PRINT_FP, NULL, fmt,
		     fmt_endpoint(addr, fmt_ports(port, port, pbuf), ebuf));
}

/*
 * "tcp 203.0.113.10:80", "tcp [2001:db8::10]:80"; JSON {proto, family,
 * addr, port}.
 */
static void print_service(const struct nlattr *nest, uint16_t *port)
{
	const struct nlattr *tb[KNAT_SVC_A_MAX + 1];
	struct ipaddr addr;
	const char *proto;
	char nbuf[4];

	knat_parse_nested(nest, knat_svc_policy, KNAT_SVC_A_MAX, tb);
	*port = attr_port(tb[KNAT_SVC_A_PORT]);
	proto = proto_name(attr_u8(tb[KNAT_SVC_A_PROTO]));
	if (!proto) {
		snprintf(nbuf, sizeof(nbuf), "%u", attr_u8(tb[KNAT_SVC_A_PROTO]));
		proto = nbuf;
	}
	/* An IPv6 service's event carries ADDR6 instead of ADDR. */
	attr_ipaddr(tb[KNAT_SVC_A_ADDR], tb[KNAT_SVC_A_ADDR6], &addr);
	open_json_object("service");
	print_string(PRINT_ANY, "proto", " %s", proto);
	print_string(PRINT_JSON, "family", NULL, family_name(addr.family));
	print_addr_port(" %s", &addr, *port);
	close_json_object();
}

/*
 * " -> 10.0.2.13:8080 (state up, health failed)" (IPv6 " -> [fd00::13]:8080
 * ..."); JSON {addr, port, state, health}, null for what the kernel did
 * not send.  A backend without a port of its own uses the service's.
 */
static void print_backend(const struct nlattr *nest, uint16_t svc_port)
{
	const struct nlattr *tb[KNAT_BE_A_MAX + 1];
	const struct nlattr *state, *health;
	char sbuf[16], hbuf[16];
	struct ipaddr addr;
	uint16_t port;

	knat_parse_nested(nest, knat_be_policy, KNAT_BE_A_MAX, tb);
	state = tb[KNAT_BE_A_STATE];
	health = tb[KNAT_BE_A_HEALTH];
	port = attr_port(tb[KNAT_BE_A_PORT]);
	if (!port)
		port = svc_port;
	attr_ipaddr(tb[KNAT_BE_A_ADDR], tb[KNAT_BE_A_ADDR6], &addr);

	open_json_object("backend");
	print_addr_port(" -> %s", &addr, port);
	if (state)
		print_string(PRINT_ANY, "state", " (state %s",
			     name_or_num(backend_state_name(attr_u8(state)),
					 "state", attr_u8(state), sbuf, sizeof(sbuf)));
	else
		print_null(PRINT_JSON, "state", NULL);
	if (health)
		print_string(PRINT_ANY, "health", state ? ", health %s" : " (health %s",
			     name_or_num(backend_health_name(attr_u8(health)),
					 "health", attr_u8(health), hbuf, sizeof(hbuf)));
	else
		print_null(PRINT_JSON, "health", NULL);
	if (state || health)
		print_fp(")");
	close_json_object();
}

/*
 * A state change: text " SYN-SENT -> SYN-RECV" (upper case, as the flow
 * list prints states); JSON "old_state" and "new_state" ("syn-sent"),
 * "state-N" for one this knat does not know.
 */
static void print_states(const struct nlattr **ev)
{
	static const struct {
		int attr;
		const char *key, *fmt;
	} which[] = {
		{ KNAT_EV_A_OLD_STATE, "old_state", " %s" },
		{ KNAT_EV_A_NEW_STATE, "new_state", " -> %s" },
	};
	char num[24], upper[24];
	const char *name;
	unsigned int i, v;
	size_t k;

	for (i = 0; i < ARRAY_SIZE(which); i++) {
		if (!ev[which[i].attr]) {
			print_null(PRINT_JSON, which[i].key, NULL);
			continue;
		}
		v = attr_u8(ev[which[i].attr]);
		name = name_or_num(flow_state_name(v), "state", v, num, sizeof(num));
		print_string(PRINT_JSON, which[i].key, NULL, name);
		for (k = 0; name[k] && k + 1 < sizeof(upper); k++)
			upper[k] = (char)toupper((unsigned char)name[k]);
		upper[k] = '\0';
		print_string(PRINT_FP, NULL, which[i].fmt, upper);
	}
}

int monitor_print(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *top[KNAT_A_MAX + 1];
	const struct nlattr *ev[KNAT_EV_A_MAX + 1];
	struct monitor_state *st = data;
	const char *name, *text;
	uint16_t svc_port = 0;
	unsigned int type;
	char tbuf[16];
	uint32_t seq;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) ||
	    genl->cmd != KNAT_CMD_EVENT)
		return MNL_CB_OK;
	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	knat_parse_nested(top[KNAT_A_EVENT], ev_policy, KNAT_EV_A_MAX, ev);

	if (ev[KNAT_EV_A_SEQ]) {
		seq = attr_u32(ev[KNAT_EV_A_SEQ]);
		/*
		 * Sequence numbers wrap; one that goes back (another module
		 * instance) only restarts the count.
		 */
		if (st && st->have_seq && seq - st->last_seq - 1 != 0 &&
		    seq - st->last_seq - 1 < 0x80000000u)
			print_gap(st->last_seq + 1, seq - 1);
		if (st) {
			st->have_seq = true;
			st->last_seq = seq;
		}
	}

	type = attr_u8(ev[KNAT_EV_A_TYPE]);
	name = monitor_event_name(type);
	text = name ? events[type].text : NULL;
	snprintf(tbuf, sizeof(tbuf), "event-%u", type);

	open_json_object(NULL);
	if (ev[KNAT_EV_A_SEQ])
		print_uint(PRINT_ANY, "seq", "[seq %u] ", attr_u32(ev[KNAT_EV_A_SEQ]));
	else
		print_null(PRINT_JSON, "seq", NULL);
	print_string(PRINT_JSON, "event", NULL, name ? name : tbuf);
	print_string(PRINT_FP, NULL, "%s", text ? text : tbuf);
	if (type == KNAT_EVENT_FLOW_STATE)
		print_states(ev);
	if (top[KNAT_A_SNAT]) {
		/* Port exhausted: the rule, then the inside tuple. */
		print_fp(" ");
		snat_print_nest(top[KNAT_A_SNAT], "snat", false);
		if (top[KNAT_A_FLOW]) {
			print_fp(": ");
			flow_print_orig(top[KNAT_A_FLOW], "flow");
		} else {
			print_null(PRINT_JSON, "flow", NULL);
		}
	} else if (top[KNAT_A_FLOW]) {
		print_string(PRINT_FP, NULL, "%s", " ");
		flow_print_nest(top[KNAT_A_FLOW], "flow");
	} else {
		if (top[KNAT_A_SERVICE])
			print_service(top[KNAT_A_SERVICE], &svc_port);
		else
			print_null(PRINT_JSON, "service", NULL);
		if (top[KNAT_A_BACKEND])
			print_backend(top[KNAT_A_BACKEND], svc_port);
		else
			print_null(PRINT_JSON, "backend", NULL);
	}
	close_json_object();
	print_nl();
	/* Whoever reads us through a pipe sees each event as it comes. */
	fflush(stdout);
	return MNL_CB_OK;
}

/* ---- the loop ---- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int do_monitor(int argc, char **argv, const struct cli_opts *o)
{
	struct monitor_state st = { 0 };
	struct sigaction sa;
	sigset_t block, old, wait;
	struct pollfd pfd;
	struct mnlg *g;
	int ret = 0;

	(void)o;
	/* "knat monitor -j" too: the one option that matters here. */
	for (; argc; argc--, argv++) {
		if (!is_kw(argv[0], "-j") && !is_kw(argv[0], "--json"))
			return unexpected(argv[0]);
		if (!is_json_context())
			json_print_init(stdout, true, false);
	}

	g = knat_open();
	if (!g)
		return EXIT_KERNEL;
	if (mnlg_join(g, KNAT_GENL_MCGRP_EVENTS) < 0) {
		if (errno == ENOENT)
			pr_err("the knat module has no \"%s\" multicast group (too old?).",
			       KNAT_GENL_MCGRP_EVENTS);
		else
			pr_err("cannot listen to knat events: %s.", strerror(errno));
		mnlg_close(g);
		return EXIT_KERNEL;
	}

	/*
	 * SIGINT and SIGTERM end the loop.  They stay blocked but while
	 * ppoll() waits, so one cannot slip in between the check of stop
	 * and the wait.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	wait = old;
	sigdelset(&wait, SIGINT);
	sigdelset(&wait, SIGTERM);

	pfd.fd = mnlg_fd(g);
	pfd.events = POLLIN;
	while (!stop) {
		if (ppoll(&pfd, 1, NULL, &wait) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("cannot wait for knat events: %s.", strerror(errno));
			ret = EXIT_KERNEL;
			break;
		}
		if (mnlg_recv(g, monitor_print, &st) < 0) {
			if (errno == ENOBUFS) {
				monitor_print_overrun();
			} else if (errno != EINTR && errno != EAGAIN) {
				pr_err("cannot read knat events: %s.", strerror(errno));
				ret = EXIT_KERNEL;
				break;
			}
		}
		/* A reader that went away: stop rather than loop on errors. */
		if (ferror(stdout))
			break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	mnlg_close(g);
	return ret;
}
