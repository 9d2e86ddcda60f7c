// SPDX-License-Identifier: GPL-2.0
/* knat service: add, change, delete and list load-balanced services. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <linux/knat.h>

#include "handshake.h"
#include "json_print.h"
#include "knat_nl.h"
#include "lb.h"
#include "objects.h"
#include "service.h"
#include "stats.h"
#include "utils.h"

/* The schedulers the header names for KNAT_SVC_A_SCHED, a string. */
static const char *const sched_names[] = {
	"rr", "wrr", "lc", "wlc", "sh", "maglev",
};
#define SCHED_MAGLEV 5
_Static_assert(SCHED_MAGLEV < ARRAY_SIZE(sched_names), "maglev is in the table");

/* Indexed by enum knat_backend_state. */
static const char *const state_names[] = {
	[KNAT_BACKEND_UP]	= "up",
	[KNAT_BACKEND_DOWN]	= "down",
	[KNAT_BACKEND_DRAINING]	= "draining",
};
_Static_assert(ARRAY_SIZE(state_names) == __KNAT_BACKEND_STATE_MAX,
	       "name every enum knat_backend_state");

/* Indexed by enum knat_backend_health. */
static const char *const health_names[] = {
	[KNAT_HEALTH_OK]	= "ok",
	[KNAT_HEALTH_FAILED]	= "failed",
	[KNAT_HEALTH_PROBING]	= "probing",
};
_Static_assert(ARRAY_SIZE(health_names) == __KNAT_HEALTH_MAX,
	       "name every enum knat_backend_health");

/* The keywords add and set take, each followed by its value. */
static const char *const option_kws[] = {
	"sched", "persist", "maglev-size",
	"check-fails", "check-timeout", "check-holddown", "check-clients",
};

const char *service_sched_name(unsigned int sched)
{
	return sched < ARRAY_SIZE(sched_names) ? sched_names[sched] : NULL;
}

const char *backend_state_name(unsigned int state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : NULL;
}

const char *backend_health_name(unsigned int health)
{
	return health < ARRAY_SIZE(health_names) ? health_names[health] : NULL;
}

void service_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: knat service add PROTO VIP:PORT [ sched SCHED ] [ persist SECONDS ]\n"
		"                        [ maglev-size PRIME ] [ check-fails N ]\n"
		"                        [ check-timeout SECONDS ] [ check-holddown SECONDS ]\n"
		"                        [ check-clients N ]\n"
		"       knat service set PROTO VIP:PORT [ sched SCHED ] [ persist SECONDS ]\n"
		"                        [ maglev-size PRIME ] [ check-fails N ]\n"
		"                        [ check-timeout SECONDS ] [ check-holddown SECONDS ]\n"
		"                        [ check-clients N ]\n"
		"       knat service del PROTO VIP:PORT\n"
		"       knat [ -s ] service list\n"
		"where  PROTO := { tcp | udp }\n"
		"       VIP:PORT := { ADDR:PORT | [ADDR6]:PORT }\n"
		"       SCHED := {");
	for (i = 0; i < ARRAY_SIZE(sched_names); i++)
		fprintf(f, "%s %s", i ? " |" : "", sched_names[i]);
	fprintf(f, " }\n"
		"       SECONDS := %u..%u for persist, %u..%u for check-timeout,\n"
		"                  %u..%u for check-holddown\n"
		"       N := %u..%u failed TCP handshakes in a row take a backend down;\n"
		"            0 turns the health check off; %u..%u for check-clients:\n"
		"            distinct client addresses among them\n"
		"       PRIME := a prime number in %u..%u\n",
		0u, SERVICE_PERSIST_MAX, CHECK_TIMEOUT_MIN, CHECK_TIMEOUT_MAX,
		CHECK_HOLDDOWN_MIN, CHECK_HOLDDOWN_MAX, 0u, CHECK_FAILS_MAX,
		CHECK_CLIENTS_MIN, CHECK_CLIENTS_MAX, MAGLEV_SIZE_MIN, MAGLEV_SIZE_MAX);
}

/* ---- add / set / del ---- */

int lb_parse_u32(const char *arg, const char *what, uint32_t min, uint32_t max,
		 uint32_t *out)
{
	unsigned long long v;
	char why[64];
	int err;

	err = parse_uint(arg, min, max, &v);
	if (err == -EINVAL) {
		snprintf(why, sizeof(why), "%s is not a number", what);
		return invarg(arg, why);
	}
	if (err) {
		snprintf(why, sizeof(why), "%s must be %u..%u", what, min, max);
		return invarg(arg, why);
	}
	*out = (uint32_t)v;
	return 0;
}

int service_parse_id(int argc, char **argv, struct service_id *id)
{
	struct endpoint ep;
	const char *why;
	int proto;

	memset(id, 0, sizeof(*id));
	if (argc < 1)
		return missarg("tcp|udp");
	proto = proto_from_name(argv[0]);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return invarg(argv[0], "protocol must be tcp or udp");
	id->proto = (uint8_t)proto;

	if (argc < 2)
		return missarg("VIP:PORT");
	/*
	 * Either family: the service is of its VIP's.  An IPv6 VIP takes its
	 * port after brackets, [2001:db8::10]:80; parse_endpoint() never
	 * reads a port into a bare IPv6 address.
	 */
	why = parse_endpoint(argv[1], EP_ADDR_REQUIRED | EP_PORT_REQUIRED, &ep);
	if (why)
		return invarg(argv[1], why);
	id->addr = ep.addr_min;
	id->port = ep.port_min;
	return 0;
}

/* A number option given at most once: 0, or EXIT_USAGE after the error. */
static int parse_num(const char *kw, const char *arg, uint32_t min, uint32_t max,
		     bool *has, uint32_t *val)
{
	if (*has)
		return duparg(kw, arg);
	if (lb_parse_u32(arg, kw, min, max, val))
		return EXIT_USAGE;
	*has = true;
	return 0;
}

/* One "KEYWORD VALUE" of add or set; kw is one of option_kws. */
static int parse_option(const char *kw, const char *arg, struct service_spec *ss)
{
	int s;

	if (is_kw(kw, "sched")) {
		if (ss->has_sched)
			return duparg(kw, arg);
		s = name_index(sched_names, ARRAY_SIZE(sched_names), arg);
		if (s < 0)
			return invarg(arg, "sched must be rr, wrr, lc, wlc, sh or maglev");
		ss->sched = (uint8_t)s;
		ss->has_sched = true;
		return 0;
	}
	if (is_kw(kw, "persist"))
		return parse_num(kw, arg, 0, SERVICE_PERSIST_MAX,
				 &ss->has_persist, &ss->persist);
	if (is_kw(kw, "check-fails"))
		return parse_num(kw, arg, 0, CHECK_FAILS_MAX,
				 &ss->has_check_fails, &ss->check_fails);
	if (is_kw(kw, "check-timeout"))
		return parse_num(kw, arg, CHECK_TIMEOUT_MIN, CHECK_TIMEOUT_MAX,
				 &ss->has_check_timeout, &ss->check_timeout);
	if (is_kw(kw, "check-holddown"))
		return parse_num(kw, arg, CHECK_HOLDDOWN_MIN, CHECK_HOLDDOWN_MAX,
				 &ss->has_check_holddown, &ss->check_holddown);
	if (is_kw(kw, "check-clients"))
		return parse_num(kw, arg, CHECK_CLIENTS_MIN, CHECK_CLIENTS_MAX,
				 &ss->has_check_clients, &ss->check_clients);
	/* maglev-size */
	if (ss->has_maglev_size)
		return duparg(kw, arg);
	if (lb_parse_u32(arg, kw, MAGLEV_SIZE_MIN, MAGLEV_SIZE_MAX,
			 &ss->maglev_size))
		return EXIT_USAGE;
	/* Maglev's permutation needs a prime table size (the kernel checks too). */
	if (!is_prime(ss->maglev_size))
		return invarg(arg, "maglev-size must be a prime number");
	ss->has_maglev_size = true;
	return 0;
}

int service_parse(int argc, char **argv, enum lb_op op, struct service_spec *ss)
{
	const char *kw;

	memset(ss, 0, sizeof(*ss));
	if (service_parse_id(argc, argv, &ss->id))
		return EXIT_USAGE;
	for (argc -= 2, argv += 2; argc > 0; argc -= 2, argv += 2) {
		kw = argv[0];
		/* del names the service and nothing else. */
		if (op == LB_DEL ||
		    name_index(option_kws, ARRAY_SIZE(option_kws), kw) < 0)
			return unexpected(kw);
		if (argc < 2)
			return needarg(kw);
		if (parse_option(kw, argv[1], ss))
			return EXIT_USAGE;
	}
	if (op == LB_SET && !ss->has_sched && !ss->has_persist &&
	    !ss->has_maglev_size && !ss->has_check_fails &&
	    !ss->has_check_timeout && !ss->has_check_holddown &&
	    !ss->has_check_clients) {
		pr_err("nothing to set.");
		return EXIT_USAGE;
	}
	return 0;
}

static void put_id_attrs(struct nlmsghdr *nlh, const struct service_id *id)
{
	mnl_attr_put_u8(nlh, KNAT_SVC_A_PROTO, id->proto);
	/* An IPv6 service: ADDR6 instead of ADDR, never both. */
	put_ipaddr(nlh, KNAT_SVC_A_ADDR, KNAT_SVC_A_ADDR6, &id->addr);
	put_port(nlh, KNAT_SVC_A_PORT, id->port);
}

void service_put_id(struct nlmsghdr *nlh, const struct service_id *id)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SERVICE);

	put_id_attrs(nlh, id);
	mnl_attr_nest_end(nlh, nest);
}

void service_put(struct nlmsghdr *nlh, const struct service_spec *ss)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SERVICE);

	put_id_attrs(nlh, &ss->id);
	/* Absent options: the kernel's default (add) or unchanged (set). */
	if (ss->has_sched)
		mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, sched_names[ss->sched]);
	if (ss->has_persist)
		mnl_attr_put_u32(nlh, KNAT_SVC_A_PERSIST, ss->persist);
	if (ss->has_maglev_size)
		mnl_attr_put_u32(nlh, KNAT_SVC_A_MAGLEV_SIZE, ss->maglev_size);
	if (ss->has_check_fails)
		mnl_attr_put_u32(nlh, KNAT_SVC_A_CHECK_FAILS, ss->check_fails);
	if (ss->has_check_timeout)
		mnl_attr_put_u32(nlh, KNAT_SVC_A_CHECK_TIMEOUT, ss->check_timeout);
	if (ss->has_check_holddown)
		mnl_attr_put_u32(nlh, KNAT_SVC_A_CHECK_HOLDDOWN,
				 ss->check_holddown);
	if (ss->has_check_clients)
		mnl_attr_put_u32(nlh, KNAT_SVC_A_CHECK_CLIENTS,
				 ss->check_clients);
	mnl_attr_nest_end(nlh, nest);
}

static void put_cb(struct nlmsghdr *nlh, const void *arg)
{
	service_put(nlh, arg);
}

static int service_change(int argc, char **argv, enum lb_op op)
{
	static const uint8_t cmds[] = {
		[LB_ADD] = KNAT_CMD_SERVICE_NEW,
		[LB_SET] = KNAT_CMD_SERVICE_SET,
		[LB_DEL] = KNAT_CMD_SERVICE_DEL,
	};
	struct service_spec ss;
	int ret;

	ret = service_parse(argc, argv, op, &ss);
	if (!ret)
		ret = knat_do(cmds[op], put_cb, &ss);
	if (!ret)
		print_empty_result();
	return ret;
}

/* ---- list ---- */

/*
 * The counters services and backends share: text
 * " flows N conns N packets IN/OUT bytes IN/OUT", JSON one key each.
 */
static void print_counters(const struct lb_stats *st)
{
	print_uint(PRINT_ANY, "flows", " flows %u", (unsigned int)st->flows);
	print_u64(PRINT_ANY, "conns", " conns %" PRIu64, st->conns);
	print_u64(PRINT_JSON, "packets_in", NULL, st->pkts_in);
	print_u64(PRINT_JSON, "bytes_in", NULL, st->bytes_in);
	print_u64(PRINT_JSON, "packets_out", NULL, st->pkts_out);
	print_u64(PRINT_JSON, "bytes_out", NULL, st->bytes_out);
	print_fp(" packets %" PRIu64 "/%" PRIu64 " bytes %" PRIu64 "/%" PRIu64,
		 st->pkts_in, st->pkts_out, st->bytes_in, st->bytes_out);
}

/*
 * Active (TCP ESTABLISHED) and inactive flows, as ipvsadm's ActiveConn
 * and InActConn: text " active N inactive N", JSON "active", "inactive";
 * nothing from a kernel that does not count them.
 */
static void print_active(const struct lb_stats *st)
{
	if (!st->has_active)
		return;
	print_uint(PRINT_ANY, "active", " active %u", (unsigned int)st->active);
	print_uint(PRINT_ANY, "inactive", " inactive %u",
		   (unsigned int)st->inactive);
}

/*
 * A rate in thousandths per second, for text: whole numbers from 10 on,
 * one decimal below; bytes in B, kB, MB, GB (powers of 1000).
 */
const char *fmt_rate(char *buf, size_t size, uint64_t milli, bool bytes)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	const char *unit = "";
	unsigned int u = 0;
	uint64_t tenths;

	while (bytes && milli >= 1000000 && u + 1 < ARRAY_SIZE(units)) {
		milli /= 1000;
		u++;
	}
	if (bytes)
		unit = units[u];
	tenths = (milli + 50) / 100;
	if (tenths >= 100)
		snprintf(buf, size, "%" PRIu64 "%s%s", (milli + 500) / 1000,
			 *unit ? " " : "", unit);
	else if (tenths % 10 == 0)
		snprintf(buf, size, "%" PRIu64 "%s%s", tenths / 10,
			 *unit ? " " : "", unit);
	else
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%s%s", tenths / 10,
			 tenths % 10, *unit ? " " : "", unit);
	return buf;
}

/*
 * The smoothed rates (-s): text a line of its own, "<indent>rate conns
 * C/s in P pkt/s B kB/s out P pkt/s B kB/s"; JSON "rate": { "conns",
 * "packets_in", "packets_out", "bytes_in", "bytes_out" } per second, with
 * up to 3 decimals.  Nothing from a kernel without the estimator.
 */
static void print_rate(const struct lb_stats *st, unsigned int indent)
{
	char c[32], pi[32], po[32], bi[32], bo[32];

	if (!st->has_rate)
		return;
	open_json_object("rate");
	print_milli(PRINT_JSON, "conns", NULL, st->rate_cps);
	print_milli(PRINT_JSON, "packets_in", NULL, st->rate_pps_in);
	print_milli(PRINT_JSON, "packets_out", NULL, st->rate_pps_out);
	print_milli(PRINT_JSON, "bytes_in", NULL, st->rate_bps_in);
	print_milli(PRINT_JSON, "bytes_out", NULL, st->rate_bps_out);
	close_json_object();
	print_fp("\n%*srate conns %s/s in %s pkt/s %s/s out %s pkt/s %s/s",
		 (int)indent, "",
		 fmt_rate(c, sizeof(c), st->rate_cps, false),
		 fmt_rate(pi, sizeof(pi), st->rate_pps_in, false),
		 fmt_rate(bi, sizeof(bi), st->rate_bps_in, true),
		 fmt_rate(po, sizeof(po), st->rate_pps_out, false),
		 fmt_rate(bo, sizeof(bo), st->rate_bps_out, true));
}

/*
 * A service's own ICMP counters (-s): text, when any is not 0, a line
 * "  icmp NAME N ..." of those that are not, in the names of "knat stats";
 * JSON "icmp": { "icmp_echo_request": N, ... } every one the kernel sent,
 * "icmp_unrelated" (the drop reason) among them.
 */
static void print_icmp_one(const struct lb_counter *c, bool drop, bool *any)
{
	const char *name;
	char key[48], num[24];

	name = drop ? stats_drop_name(c->idx) : stats_counter_name(c->idx);
	if (!name) {
		snprintf(num, sizeof(num), "%s-%u", drop ? "drop" : "counter",
			 c->idx);
		name = num;
	}
	json_key_from_name(key, sizeof(key), name);
	print_u64(PRINT_JSON, key, NULL, c->value);
	if (!c->value)
		return;
	print_fp("%s %s %" PRIu64, *any ? "" : "\n  icmp", name, c->value);
	*any = true;
}

static void print_svc_icmp(const struct lb_stats *st)
{
	bool any = false;
	size_t i;

	if (!st->nicmp && !st->nicmp_drops)
		return;
	open_json_object("icmp");
	for (i = 0; i < st->nicmp; i++)
		print_icmp_one(&st->icmp[i], false, &any);
	for (i = 0; i < st->nicmp_drops; i++)
		print_icmp_one(&st->icmp_drops[i], true, &any);
	close_json_object();
}

/*
 * TCP handshake latency (-s): text, when there was one, a line of its own
 * under the service's or backend's, "<indent>handshake count N min X avg Y
 * max Z"; JSON "handshake", the histogram whole, whenever the kernel sent
 * it.
 */
static void print_handshake(const struct hs_hist *h, unsigned int indent)
{
	if (!h->present)
		return;
	hs_print_json("handshake", h);
	if (!h->count)
		return;
	print_fp("\n%*shandshake ", (int)indent, "");
	hs_print_summary(h);
}

/*
 * What the health check makes of a backend: text " health H" unless ok,
 * JSON "health" always; nothing from a kernel without the health check.
 */
static void print_health(const struct lb_backend *be)
{
	const char *health;
	char hnum[16];

	if (!be->has_health)
		return;
	health = backend_health_name(be->health);
	if (!health) {	/* a newer kernel's: its number */
		snprintf(hnum, sizeof(hnum), "health-%u", be->health);
		health = hnum;
	}
	print_string(be->health == KNAT_HEALTH_OK ? PRINT_JSON : PRINT_ANY,
		     "health", " health %s", health);
}

/*
 * The passive health check settings: text " check-fails F check-timeout T
 * check-holddown H" for TCP services (the check watches TCP handshakes),
 * or " check off"; JSON one key each.  A kernel without the health check
 * sends none of them, and nothing is printed.
 */
static void print_check(const struct lb_service *svc, bool tcp)
{
	enum output_type t = tcp ? PRINT_ANY : PRINT_JSON;
	bool off = svc->has_check_fails && svc->check_fails == 0;

	if (off) {
		print_uint(PRINT_JSON, "check_fails", NULL, 0);
		if (tcp)
			print_fp(" check off");
	} else if (svc->has_check_fails) {
		print_uint(t, "check_fails", " check-fails %u", svc->check_fails);
	}
	/* Kept while the check is off: JSON only then. */
	if (off)
		t = PRINT_JSON;
	if (svc->has_check_timeout)
		print_uint(t, "check_timeout", " check-timeout %u",
			   svc->check_timeout);
	if (svc->has_check_holddown)
		print_uint(t, "check_holddown", " check-holddown %u",
			   svc->check_holddown);
	if (svc->has_check_clients)
		print_uint(t, "check_clients", " check-clients %u",
			   svc->check_clients);
}

/*
 * "ADDR:PORT weight W STATE [health H]" ([ADDR6]:PORT for IPv6) after
 * what the caller printed: a backend without a port of its own (PORT 0)
 * uses the service's, which is what it prints.  With -s its counters,
 * the handshake and the rate lines indented by indent.
 */
static void print_backend_fields(const struct lb_backend *be,
				 uint16_t svc_port, const struct cli_opts *o,
				 unsigned int indent)
{
	char abuf[ADDR_BUF], pbuf[PORTS_BUF], ebuf[ENDPOINT_BUF], snum[16];
	uint16_t port = be->port ? be->port : svc_port;
	const char *state;

	/* JSON: the address bare; text: [ADDR6]:PORT as it is typed. */
	print_string(PRINT_JSON, "addr", NULL, fmt_ipaddr(&be->addr, abuf));
	print_uint(PRINT_JSON, "port", NULL, port);
	print_string(PRINT_FP, NULL, "%s",
		     fmt_endpoint(&be->addr, fmt_ports(port, port, pbuf), ebuf));
	if (be->has_weight)
		print_uint(PRINT_ANY, "weight", " weight %u", be->weight);
	else
		print_null(PRINT_JSON, "weight", NULL);
	if (be->has_state) {
		/* A state a newer kernel has: its number, not nothing. */
		state = backend_state_name(be->state);
		if (!state) {
			snprintf(snum, sizeof(snum), "state-%u", be->state);
			state = snum;
		}
		print_string(PRINT_ANY, "state", " %s", state);
	} else {
		print_null(PRINT_JSON, "state", NULL);
	}
	print_health(be);
	if (o && o->stats && be->st) {
		print_counters(be->st);
		if (be->st->has_check_failed)
			print_u64(PRINT_ANY, "check_failed", " check-failed %" PRIu64,
				  be->st->check_failed);
		if (be->st->has_check_downs)
			print_u64(PRINT_ANY, "check_downs", " downs %" PRIu64,
				  be->st->check_downs);
		print_active(be->st);
		print_handshake(&be->st->hs, indent);
		print_rate(be->st, indent);
	}
}

/* "  -> ADDR:PORT ...": one line under its service. */
static void print_backend(const struct lb_backend *be, uint16_t svc_port,
			  const struct cli_opts *o)
{
	open_json_object(NULL);
	print_fp("  -> ");
	/* Under the address, past "  -> ". */
	print_backend_fields(be, svc_port, o, 5);
	close_json_object();
	print_nl();
}

/*
 * "PROTO VIP:PORT", an IPv6 VIP in brackets ("tcp [2001:db8::10]:80"), as
 * add takes it; JSON "proto", "family", "addr" (bare) and "port".
 */
static void print_service_id(const struct lb_service *svc)
{
	char pbuf[PORTS_BUF], ebuf[ENDPOINT_BUF];

	print_string(PRINT_ANY, "proto", "%s", svc->proto);
	print_string(PRINT_JSON, "family", NULL, family_name(svc->addr.family));
	print_string(PRINT_JSON, "addr", NULL, svc->vip);
	print_uint(PRINT_JSON, "port", NULL, svc->port);
	print_string(PRINT_FP, NULL, " %s",
		     fmt_endpoint(&svc->addr, fmt_ports(svc->port, svc->port, pbuf),
				  ebuf));
}

void service_print_one(const struct lb_service *svc, const struct cli_opts *o)
{
	size_t i;

	open_json_object(NULL);
	print_service_id(svc);
	if (svc->has_sched)
		print_string(PRINT_ANY, "sched", " sched %s", svc->sched);
	else
		print_null(PRINT_JSON, "sched", NULL);
	print_uint(PRINT_JSON, "persist", NULL, svc->persist);
	/* Stored for every scheduler; it only means something for maglev. */
	if (svc->has_maglev_size)
		print_uint(svc->maglev ? PRINT_ANY : PRINT_JSON, "maglev_size",
			   " maglev-size %u", svc->maglev_size);
	else
		print_null(PRINT_JSON, "maglev_size", NULL);
	if (svc->persist)
		print_uint(PRINT_FP, NULL, " persist %u", svc->persist);
	print_check(svc, svc->proto_num == IPPROTO_TCP);
	if (o && o->stats && svc->st) {
		print_counters(svc->st);
		print_uint(svc->maglev ? PRINT_ANY : PRINT_JSON, "moved",
			   " moved %u", (unsigned int)svc->st->moved);
		print_active(svc->st);
		print_handshake(&svc->st->hs, 2);
		print_rate(svc->st, 2);
		print_svc_icmp(svc->st);
	}
	print_nl();

	/* Backends: one line each under the service, an array in JSON. */
	open_json_array("backends");
	for (i = 0; i < svc->nbackends; i++)
		print_backend(&svc->backends[i], svc->port, o);
	close_json_array();
	close_json_object();
}

void service_print_table(const struct lb_table *t, const struct cli_opts *o)
{
	size_t i;

	open_json_array(NULL);
	for (i = 0; i < t->nservices; i++)
		service_print_one(&t->svcs[i], o);
	close_json_array();
}

/*
 * "PROTO VIP:PORT -> ADDR:PORT ...": a backend on a line of its own, with
 * its service; JSON the backend's keys and "service": { proto, family,
 * addr, port }.
 */
void backend_print_table(const struct lb_table *t, const struct cli_opts *o)
{
	const struct lb_service *svc;
	size_t i, j;

	open_json_array(NULL);
	for (i = 0; i < t->nservices; i++) {
		svc = &t->svcs[i];
		for (j = 0; j < svc->nbackends; j++) {
			open_json_object(NULL);
			open_json_object("service");
			print_service_id(svc);
			close_json_object();
			print_fp(" -> ");
			print_backend_fields(&svc->backends[j], svc->port, o, 2);
			close_json_object();
			print_nl();
		}
	}
	close_json_array();
}

static int service_list(int argc, char **argv, const struct cli_opts *o)
{
	struct lb_table t = { 0 };
	int ret;

	if (argc)
		return unexpected(argv[0]);
	ret = lb_collect(&t, o && o->stats, NULL);
	if (!ret)
		service_print_table(&t, o);
	lb_table_free(&t);
	return ret;
}

int do_service(int argc, char **argv, const struct cli_opts *o)
{
	if (!argc)
		return service_list(0, argv, o);
	if (is_cmd(argv[0], "list"))
		return service_list(argc - 1, argv + 1, o);
	if (is_kw(argv[0], "add"))
		return service_change(argc - 1, argv + 1, LB_ADD);
	if (is_kw(argv[0], "set"))
		return service_change(argc - 1, argv + 1, LB_SET);
	if (is_cmd(argv[0], "del"))
		return service_change(argc - 1, argv + 1, LB_DEL);
	return unknown_cmd("service", argv[0]);
}
