// SPDX-License-Identifier: GPL-2.0
/*
 * knat stats --prometheus: see prometheus.h.
 *
 * Names: a counter C of "knat stats" is knat_C_total with '-' made '_'
 * (knat_pkts_orig_total); the drop reasons are one family,
 * knat_drops_total{reason="no-port"}, every reason this knat knows
 * included even at 0.  A counter a newer kernel has and this knat does not
 * know still prints, as knat_unknown_N_total, and a drop reason as
 * reason="drop-N", N being its index, as in "knat stats".
 *
 * Services are labelled service="tcp/203.0.113.10:80" (PROTO/VIP:PORT, the
 * words that name a service on the command line; an IPv6 one
 * "tcp/[2001:db8::10]:80"), backends additionally backend="10.0.2.11:8080"
 * ("[fd00::11]:8080"; the port resolved, as "knat service list" prints
 * it).  knat_service_info carries proto, family ("inet" or "inet6", as
 * the forward, SNAT and flow gauges name it), vip (bare), port and sched
 * as separate labels for joins.  Directions are a label: direction="in"
 * is client -> backend, "out" backend -> client.
 *
 * SNAT rules are labelled from="10.0.1.0/24" and out="eth1" (out="" for
 * a rule of any device): the words that name a rule to snat del.  Their
 * port allocation attempts are a histogram, knat_snat_alloc_attempts, le
 * the bucket's highest number of attempts (1, 3, 7, ...), then +Inf.
 *
 * The TCP handshake latency is a histogram (knat_tcp_handshake_seconds,
 * and per TCP service and backend knat_service_ / knat_backend_
 * tcp_handshake_seconds): the kernel's buckets made cumulative, le in
 * seconds (bucket i < last: le = 2^i ms), the last one le="+Inf".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "json_print.h"
#include "knat_nl.h"
#include "policy.h"
#include "prometheus.h"
#include "service.h"
#include "snat.h"
#include "stats.h"
#include "utils.h"

/* HELP text of each counter, indexed by enum knat_counter. */
static const char *const counter_help[] = {
	[KNAT_CNT_PKTS_ORIG]		= "Packets translated in the original direction.",
	[KNAT_CNT_BYTES_ORIG]		= "Bytes translated in the original direction.",
	[KNAT_CNT_PKTS_REPLY]		= "Packets translated in the reply direction.",
	[KNAT_CNT_BYTES_REPLY]		= "Bytes translated in the reply direction.",
	[KNAT_CNT_FLOWS_CREATED_TCP]	= "TCP flows created.",
	[KNAT_CNT_FLOWS_CREATED_UDP]	= "UDP flows created.",
	[KNAT_CNT_FLOWS_CREATED_ICMP]	= "ICMP flows created.",
	[KNAT_CNT_FLOWS_EXPIRED]	= "Flows that timed out.",
	[KNAT_CNT_FLOWS_EXPIRED_TCP]	= "TCP flows that timed out.",
	[KNAT_CNT_FLOWS_EXPIRED_UDP]	= "UDP flows that timed out.",
	[KNAT_CNT_FLOWS_EXPIRED_ICMP]	= "ICMP flows that timed out.",
	[KNAT_CNT_ICMP_ERR_TRANSLATED]	= "ICMP errors about a flow, rewritten.",
	[KNAT_CNT_TCP_UNTRACKED]	= "Non-SYN TCP packets to a forward without a flow, passed.",
	[KNAT_CNT_PORT_PRESERVED]	= "SNAT mappings that kept the inside source port.",
	[KNAT_CNT_ICMP_ERR_UNKNOWN]	= "ICMP errors about no flow, passed.",
	[KNAT_CNT_HAIRPIN]		= "Forward flows source-NATed back (hairpin).",
	[KNAT_CNT_VIP_ECHO]		= "Pings to a service VIP answered by knat.",
	[KNAT_CNT_PICKUP_ORIG]		= "Maglev: mid-flow TCP segments of no flow from clients, scheduled.",
	[KNAT_CNT_PICKUP_REPLY]		= "Maglev: backend answers of no flow, flow rebuilt from them.",
	[KNAT_CNT_CHECK_FAILED]		= "Failed TCP handshakes to backends (health check).",
	[KNAT_CNT_CHECK_DOWN]		= "Backends taken out by the health check.",
	[KNAT_CNT_CHECK_UP]		= "Backends brought back by a probe flow.",
	[KNAT_CNT_TCP_SYN]		= "SYNs from the connecting side of tracked flows.",
	[KNAT_CNT_TCP_SYN_RETRANS]	= "SYNs sent again before any SYN-ACK.",
	[KNAT_CNT_TCP_HANDSHAKES]	= "TCP handshakes completed through knat.",
	[KNAT_CNT_TCP_RST_CLIENT]	= "RSTs from the connecting side.",
	[KNAT_CNT_TCP_RST_SERVER]	= "RSTs from the answering side (backend, server).",
	[KNAT_CNT_TCP_FIN]		= "FINs, both sides.",
	[KNAT_CNT_ICMP_ECHO_REQUEST]	= "ICMP echo requests seen.",
	[KNAT_CNT_ICMP_ECHO_REPLY]	= "ICMP echo replies seen.",
	[KNAT_CNT_ICMP_UNREACH_NET]	= "ICMP network unreachable seen.",
	[KNAT_CNT_ICMP_UNREACH_HOST]	= "ICMP host unreachable seen.",
	[KNAT_CNT_ICMP_UNREACH_PROTO]	= "ICMP protocol unreachable seen.",
	[KNAT_CNT_ICMP_UNREACH_PORT]	= "ICMP port unreachable seen.",
	[KNAT_CNT_ICMP_FRAG_NEEDED]	= "ICMP fragmentation needed seen (PMTU discovery).",
	[KNAT_CNT_ICMP_UNREACH_ADMIN]	= "ICMP administratively prohibited seen.",
	[KNAT_CNT_ICMP_UNREACH_OTHER]	= "ICMP destination unreachable, other codes.",
	[KNAT_CNT_ICMP_TIME_EXCEEDED]	= "ICMP time exceeded seen (traceroute).",
	[KNAT_CNT_ICMP_PARAM_PROBLEM]	= "ICMP parameter problem seen.",
	[KNAT_CNT_EVENTS_LOST]		= "Flow and port exhaustion events over their rate or not delivered to monitors.",
	[KNAT_CNT_ICMP_OTHER]		= "Other ICMP messages seen.",
	[KNAT_CNT_EARLY_DROP]		= "Unreplied flows evicted to make room for new ones.",
	[KNAT_CNT_HEALTH_IGNORED]	= "Handshake failures the health check did not count.",
	[KNAT_CNT_FAST_PKTS]		= "Packets the fast path sent by a flow's cached route (ingress or PRE_ROUTING).",
	[KNAT_CNT_FAST_LEARNED]		= "Routes the fast path cached for a direction of a flow.",
	[KNAT_CNT_FAST_SLOW_TCPFLAGS]	= "Fast path: TCP segments with SYN, FIN or RST left to the normal path.",
	[KNAT_CNT_FAST_SLOW_IPOPTS]	= "Fast path: packets with IP options left to the normal path.",
	[KNAT_CNT_FAST_SLOW_TTL]	= "Fast path: packets whose TTL would expire left to the normal path.",
	[KNAT_CNT_FAST_SLOW_MTU]	= "Fast path: packets larger than the cached route's MTU left to the normal path.",
	[KNAT_CNT_FAST_SLOW_ROUTE]	= "Fast path: packets left to the normal path because the cached route or its device changed (the cache dropped).",
	[KNAT_CNT_FAST_SLOW_IIF]	= "Fast path: packets that came in on another device than their flow direction's, left to the normal path.",
	[KNAT_CNT_FAST_INGRESS]		= "Packets the fast path sent from the device's ingress hook, before IPv4 input (of knat_fastpath).",
	[KNAT_CNT_ICMP6_ECHO_REQUEST]	= "ICMPv6 echo requests seen.",
	[KNAT_CNT_ICMP6_ECHO_REPLY]	= "ICMPv6 echo replies seen.",
	[KNAT_CNT_ICMP6_UNREACH_NOROUTE] = "ICMPv6 destination unreachable, no route, seen.",
	[KNAT_CNT_ICMP6_UNREACH_ADMIN]	= "ICMPv6 destination unreachable, administratively prohibited, seen.",
	[KNAT_CNT_ICMP6_UNREACH_ADDR]	= "ICMPv6 address unreachable seen.",
	[KNAT_CNT_ICMP6_UNREACH_PORT]	= "ICMPv6 port unreachable seen.",
	[KNAT_CNT_ICMP6_UNREACH_OTHER]	= "Other ICMPv6 destination unreachable codes seen.",
	[KNAT_CNT_ICMP6_PKT_TOOBIG]	= "ICMPv6 packet too big seen.",
	[KNAT_CNT_ICMP6_TIME_EXCEEDED]	= "ICMPv6 time exceeded seen.",
	[KNAT_CNT_ICMP6_PARAM_PROBLEM]	= "ICMPv6 parameter problem seen.",
	[KNAT_CNT_ICMP6_ND]		= "ICMPv6 neighbour discovery and router messages seen (never translated).",
	[KNAT_CNT_ICMP6_OTHER]		= "Other ICMPv6 messages seen (never translated).",
};
_Static_assert(ARRAY_SIZE(counter_help) == __KNAT_CNT_MAX,
	       "a HELP text for every enum knat_counter");

/* ---- the format ---- */

void prom_put_label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

void prom_put_help(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == ':';
}

void prom_metric_name(char *dst, size_t size, const char *name,
		      const char *suffix)
{
	size_t i;

	if (!size)
		return;
	snprintf(dst, size, "knat_%s%s", name, suffix);
	for (i = 0; dst[i]; i++)
		if (!name_char(dst[i]))
			dst[i] = '_';
}

struct label {
	const char *key, *value;
};

/* A family: its # HELP and # TYPE lines go out before its first sample. */
struct family {
	const char *name, *type, *help;
	bool started;
};

static void head(FILE *f, struct family *fam)
{
	if (fam->started)
		return;
	fprintf(f, "# HELP %s ", fam->name);
	prom_put_help(f, fam->help);
	fprintf(f, "\n# TYPE %s %s\n", fam->name, fam->type);
	fam->started = true;
}

/* NAME[SUFFIX]{l..., extra} without the value; extra may be NULL. */
static void series(FILE *f, const struct family *fam, const char *suffix,
		   const struct label *l, size_t n, const struct label *extra)
{
	size_t i;

	fputs(fam->name, f);
	fputs(suffix, f);
	for (i = 0; i < n + (extra != NULL); i++) {
		const struct label *x = i < n ? &l[i] : extra;

		fprintf(f, "%s%s=\"", i ? "," : "{", x->key);
		prom_put_label_value(f, x->value);
		fputc('"', f);
	}
	if (n || extra)
		fputc('}', f);
}

static void sample(FILE *f, struct family *fam, const struct label *l,
		   size_t n, uint64_t value)
{
	head(f, fam);
	series(f, fam, "", l, n, NULL);
	fprintf(f, " %" PRIu64 "\n", value);
}

/* v / 10^digits as a decimal, exactly, trailing zeros dropped: "0.0215". */
static const char *fixed(char buf[48], uint64_t v, unsigned int digits)
{
	uint64_t scale = 1;
	unsigned int i;
	int end;

	for (i = 0; i < digits; i++)
		scale *= 10;
	end = snprintf(buf, 48, "%" PRIu64 ".%0*" PRIu64, v / scale,
		       (int)digits, v % scale);
	while (buf[end - 1] == '0')
		buf[--end] = '\0';
	if (buf[end - 1] == '.')
		buf[--end] = '\0';
	return buf;
}

/* A value in thousandths as a decimal: rates per second. */
static void sample_milli(FILE *f, struct family *fam, const struct label *l,
			 size_t n, uint64_t value)
{
	char num[48];

	head(f, fam);
	series(f, fam, "", l, n, NULL);
	fprintf(f, " %s\n", fixed(num, value, 3));
}

/*
 * One histogram: NAME_bucket{..., le} cumulative, the last le="+Inf",
 * NAME_sum in seconds and NAME_count, which is the +Inf bucket.
 */
static void histogram(FILE *f, struct family *fam, const struct label *l,
		      size_t n, const struct hs_hist *h)
{
	struct label le = { "le", NULL };
	char num[48];
	uint64_t cum = 0, ms;
	unsigned int i;

	head(f, fam);
	for (i = 0; i < h->nbuckets; i++) {
		cum += h->bucket[i];
		ms = hs_bucket_le_ms(h, i);
		le.value = ms ? fixed(num, ms, 3) : "+Inf";
		series(f, fam, "_bucket", l, n, &le);
		fprintf(f, " %" PRIu64 "\n", cum);
	}
	series(f, fam, "_sum", l, n, NULL);
	fprintf(f, " %s\n", fixed(num, h->sum_us, 6));
	series(f, fam, "_count", l, n, NULL);
	fprintf(f, " %" PRIu64 "\n", cum);
}

/* A family with one sample and no labels. */
static void single(FILE *f, const char *name, const char *type,
		   const char *help, uint64_t value)
{
	struct family fam = { name, type, help, false };

	sample(f, &fam, NULL, 0, value);
}

/*
 * A gauge by address family: {family="inet"} and {family="inet6"}, which
 * sum to @total (@v6 of it IPv6), so sum() without the label is the
 * total.
 */
static void by_family(FILE *f, const char *name, const char *help,
		      uint64_t total, uint64_t v6)
{
	struct family fam = { name, "gauge", help, false };
	struct label l = { "family", "inet" };

	sample(f, &fam, &l, 1, total >= v6 ? total - v6 : 0);
	l.value = "inet6";
	sample(f, &fam, &l, 1, v6);
}

/* ---- the global counters and drop reasons ---- */

static const struct prom_counter *find_counter(const struct prom_counter *c,
					       size_t n, unsigned int idx)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].idx == idx)
			return &c[i];
	return NULL;
}

static uint64_t value_of(const struct prom_counter *c, size_t n,
			 unsigned int idx)
{
	const struct prom_counter *p = find_counter(c, n, idx);

	return p ? p->value : 0;
}

static void write_counters(FILE *f, const struct prom_snapshot *s)
{
	char name[96], help[96], suffix[24];
	unsigned int i;
	size_t k;

	/* Every known counter, 0 when this kernel does not have it. */
	for (i = 0; i < __KNAT_CNT_MAX; i++) {
		prom_metric_name(name, sizeof(name), stats_counter_name(i), "_total");
		single(f, name, "counter", counter_help[i],
		       value_of(s->counters, s->ncounters, i));
	}
	/* Then, in the kernel's order, the ones it has and we do not know. */
	for (k = 0; k < s->ncounters; k++) {
		if (stats_counter_name(s->counters[k].idx))
			continue;
		snprintf(suffix, sizeof(suffix), "_%u_total", s->counters[k].idx);
		/* promtool frowns on "counter" in a name: not counter_N. */
		prom_metric_name(name, sizeof(name), "unknown", suffix);
		snprintf(help, sizeof(help),
			 "Counter %u (counter-%u in knat stats), unknown to this knat.",
			 s->counters[k].idx, s->counters[k].idx);
		single(f, name, "counter", help, s->counters[k].value);
	}
}

static void write_drops(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_drops_total", "counter",
		"Packets knat dropped, by reason.", false,
	};
	struct label l = { "reason", NULL };
	char unknown[24];
	unsigned int i;
	size_t k;

	for (i = 0; i < __KNAT_DROP_MAX; i++) {
		l.value = stats_drop_name(i);
		sample(f, &fam, &l, 1, value_of(s->drops, s->ndrops, i));
	}
	for (k = 0; k < s->ndrops; k++) {
		if (stats_drop_name(s->drops[k].idx))
			continue;
		snprintf(unknown, sizeof(unknown), "drop-%u", s->drops[k].idx);
		l.value = unknown;
		sample(f, &fam, &l, 1, s->drops[k].value);
	}
}

/* ---- TCP: flows by state, handshake latency ---- */

static const char hs_help[] =
	"TCP handshake latency at knat, from the SYN to the ACK that completes it.";

/*
 * Every state this knat knows, 0 when the kernel sent none for it, then
 * the ones it does not know as state="state-N".
 */
static void write_tcp_states(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_tcp_flows", "gauge",
		"TCP flows in the table, by state, now.", false,
	};
	struct label l = { "state", NULL };
	char unknown[24];
	unsigned int i;
	size_t k;

	for (i = 0; i < __KNAT_TCP_MAX; i++) {
		l.value = flow_state_name(i);
		sample(f, &fam, &l, 1, value_of(s->tcp_states, s->ntcp_states, i));
	}
	for (k = 0; k < s->ntcp_states; k++) {
		if (flow_state_name(s->tcp_states[k].idx))
			continue;
		snprintf(unknown, sizeof(unknown), "state-%u", s->tcp_states[k].idx);
		l.value = unknown;
		sample(f, &fam, &l, 1, s->tcp_states[k].value);
	}
}

static void write_tcp(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_tcp_handshake_seconds", "histogram", hs_help, false,
	};

	if (s->have_tcp_states)
		write_tcp_states(f, s);
	if (s->hs.present)
		histogram(f, &fam, NULL, 0, &s->hs);
}

/* Per TCP service, and per backend of one: UDP has no handshakes. */
static bool tcp_service(const struct lb_service *svc)
{
	return !strcmp(svc->proto, "tcp");
}

static void write_service_hs(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_service_tcp_handshake_seconds", "histogram", hs_help, false,
	};
	struct label l = { "service", NULL };
	size_t i;

	for (i = 0; i < s->lb.nservices; i++) {
		if (!tcp_service(&s->lb.svcs[i]) || !s->lb.svcs[i].st ||
		    !s->lb.svcs[i].st->hs.present)
			continue;
		l.value = s->lb.svcs[i].label;
		histogram(f, &fam, &l, 1, &s->lb.svcs[i].st->hs);
	}
}

static void write_backend_hs(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_backend_tcp_handshake_seconds", "histogram", hs_help, false,
	};
	struct label l[2] = { { "service", NULL }, { "backend", NULL } };
	const struct lb_backend *be;
	size_t i, j;

	for (i = 0; i < s->lb.nservices; i++) {
		if (!tcp_service(&s->lb.svcs[i]))
			continue;
		l[0].value = s->lb.svcs[i].label;
		for (j = 0; j < s->lb.svcs[i].nbackends; j++) {
			be = &s->lb.svcs[i].backends[j];
			if (!be->st || !be->st->hs.present)
				continue;
			l[1].value = be->label;
			histogram(f, &fam, l, 2, &be->st->hs);
		}
	}
}

/* ---- status and config ---- */

static void write_status(FILE *f, const struct prom_snapshot *s)
{
	struct label l[] = {
		{ "version", s->version },
		{ "build_id", s->build_id },
	};
	struct family info = {
		"knat_build_info", "gauge",
		"Version and build of the knat module; always 1.", false,
	};

	sample(f, &info, l, ARRAY_SIZE(l), 1);
	single(f, "knat_hooks_active", "gauge",
	       "1 when knat's IPv4 netfilter hooks are registered in this namespace.",
	       s->hooks_active);
	single(f, "knat_hooks6_active", "gauge",
	       "1 when knat's IPv6 netfilter hooks are registered in this namespace.",
	       s->hooks6_active);
	by_family(f, "knat_forwards", "Forwards configured, by address family.",
		  s->forwards, s->forwards6);
	by_family(f, "knat_snats", "SNAT rules configured, by address family.",
		  s->snats, s->snats6);
	single(f, "knat_services", "gauge", "Services configured.", s->services);
	by_family(f, "knat_flows", "Flows in the table, by address family.",
		  s->flows, s->flows6);
}

/* ---- services and backends ---- */

/* The value at offset off of a struct lb_stats. */
#define FIELD(p, off) (*(const uint64_t *)((const char *)(p) + (off)))

/* Which services or backends a family covers, and how it prints. */
enum {
	F_MAGLEV = 1 << 0,	/* maglev services only */
	F_ACTIVE = 1 << 1,	/* those the kernel sent ACTIVE/INACTIVE for */
	F_RATE	 = 1 << 2,	/* those it sent rates for; values in 1/1000 */
};

/* Samples of one service or backend: one, or direction="in" and "out". */
static void obj_samples(FILE *f, struct family *fam, struct label *l,
			size_t n, const void *obj, size_t off, size_t off_out,
			unsigned int flags)
{
	void (*put)(FILE *f, struct family *fam, const struct label *l,
		    size_t n, uint64_t value) =
		flags & F_RATE ? sample_milli : sample;

	if (off_out) {
		l[n].value = "in";
		put(f, fam, l, n + 1, FIELD(obj, off));
		l[n].value = "out";
		put(f, fam, l, n + 1, FIELD(obj, off_out));
	} else {
		put(f, fam, l, n, FIELD(obj, off));
	}
}

static bool covered(unsigned int flags, bool maglev,
		    const struct lb_stats *st)
{
	return st && (!(flags & F_MAGLEV) || maglev) &&
	       (!(flags & F_ACTIVE) || st->has_active) &&
	       (!(flags & F_RATE) || st->has_rate);
}

static void svc_family(FILE *f, const struct prom_snapshot *s,
		       const char *name, const char *type, const char *help,
		       size_t off, size_t off_out, unsigned int flags)
{
	struct family fam = { name, type, help, false };
	struct label l[2] = { { "service", NULL }, { "direction", NULL } };
	const struct lb_service *svc;
	size_t i;

	for (i = 0; i < s->lb.nservices; i++) {
		svc = &s->lb.svcs[i];
		if (!covered(flags, svc->maglev, svc->st))
			continue;
		l[0].value = svc->label;
		obj_samples(f, &fam, l, 1, svc->st, off, off_out, flags);
	}
}

static void be_family(FILE *f, const struct prom_snapshot *s,
		      const char *name, const char *type, const char *help,
		      size_t off, size_t off_out, unsigned int flags)
{
	struct family fam = { name, type, help, false };
	struct label l[3] = {
		{ "service", NULL }, { "backend", NULL }, { "direction", NULL },
	};
	const struct lb_backend *be;
	size_t i, j;

	for (i = 0; i < s->lb.nservices; i++) {
		l[0].value = s->lb.svcs[i].label;
		for (j = 0; j < s->lb.svcs[i].nbackends; j++) {
			be = &s->lb.svcs[i].backends[j];
			if (!covered(flags, false, be->st))
				continue;
			l[1].value = be->label;
			obj_samples(f, &fam, l, 2, be->st, off, off_out, flags);
		}
	}
}

/*
 * A service's own ICMP counters, knat_service_icmp_total{type}: type is
 * the name "knat stats" gives the global counter (icmp-unreach-port,
 * icmp-errors-translated, vip-echo) or drop reason (icmp-unrelated), a
 * counter-N / drop-N this knat does not know.
 */
static void write_service_icmp(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_service_icmp_total", "counter",
		"ICMP messages of a service (errors about its flows, pings of its VIP), by type; and what became of them.",
		false,
	};
	struct label l[2] = { { "service", NULL }, { "type", NULL } };
	const struct lb_service *svc;
	const struct lb_stats *st;
	char unknown[24];
	size_t i, k;

	for (i = 0; i < s->lb.nservices; i++) {
		svc = &s->lb.svcs[i];
		st = svc->st;
		if (!st)
			continue;
		l[0].value = svc->label;
		for (k = 0; k < st->nicmp + st->nicmp_drops; k++) {
			bool drop = k >= st->nicmp;
			const struct lb_counter *c = drop ?
				&st->icmp_drops[k - st->nicmp] : &st->icmp[k];

			l[1].value = drop ? stats_drop_name(c->idx) :
				     stats_counter_name(c->idx);
			if (!l[1].value) {
				snprintf(unknown, sizeof(unknown), "%s-%u",
					 drop ? "drop" : "counter", c->idx);
				l[1].value = unknown;
			}
			sample(f, &fam, l, 2, c->value);
		}
	}
}

static void write_service_info(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_service_info", "gauge",
		"A service: its protocol, address family, virtual address, port and scheduler; always 1.",
		false,
	};
	const struct lb_service *svc;
	char port[8];
	size_t i;

	for (i = 0; i < s->lb.nservices; i++) {
		svc = &s->lb.svcs[i];
		snprintf(port, sizeof(port), "%u", svc->port);
		struct label l[] = {
			{ "service", svc->label }, { "proto", svc->proto },
			{ "family", family_name(svc->addr.family) },
			{ "vip", svc->vip }, { "port", port },
			{ "sched", svc->sched },
		};
		sample(f, &fam, l, ARRAY_SIZE(l), 1);
	}
}

static void write_backend_weight(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_backend_weight", "gauge",
		"Scheduling weight of a backend; 0 takes no new flows.", false,
	};
	struct label l[2] = { { "service", NULL }, { "backend", NULL } };
	const struct lb_backend *be;
	size_t i, j;

	for (i = 0; i < s->lb.nservices; i++)
		for (j = 0; j < s->lb.svcs[i].nbackends; j++) {
			be = &s->lb.svcs[i].backends[j];
			if (!be->has_weight)
				continue;
			l[0].value = s->lb.svcs[i].label;
			l[1].value = be->label;
			sample(f, &fam, l, 2, be->weight);
		}
}

/*
 * A state set: one sample per state, 1 for the backend's own.  A state a
 * newer kernel has is its own sample, "state-N".
 */
static void write_backend_state(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_backend_state", "gauge",
		"1 for the state a backend is in (up, down or draining), else 0.",
		false,
	};
	struct label l[3] = {
		{ "service", NULL }, { "backend", NULL }, { "state", NULL },
	};
	const struct lb_backend *be;
	char unknown[16];
	unsigned int st;
	size_t i, j;

	for (i = 0; i < s->lb.nservices; i++)
		for (j = 0; j < s->lb.svcs[i].nbackends; j++) {
			be = &s->lb.svcs[i].backends[j];
			if (!be->has_state)
				continue;
			l[0].value = s->lb.svcs[i].label;
			l[1].value = be->label;
			for (st = 0; st < __KNAT_BACKEND_STATE_MAX; st++) {
				l[2].value = backend_state_name(st);
				sample(f, &fam, l, 3, be->state == st);
			}
			if (!backend_state_name(be->state)) {
				snprintf(unknown, sizeof(unknown), "state-%u",
					 be->state);
				l[2].value = unknown;
				sample(f, &fam, l, 3, 1);
			}
		}
}

#define SVC(field) offsetof(struct lb_stats, field)
#define BE(field) offsetof(struct lb_stats, field)

static void write_services(FILE *f, const struct prom_snapshot *s)
{
	write_service_info(f, s);
	svc_family(f, s, "knat_service_flows", "gauge",
		   "Active flows of a service.", SVC(flows), 0, 0);
	svc_family(f, s, "knat_service_connections_total", "counter",
		   "Flows ever scheduled for a service (TCP connections, UDP flows).",
		   SVC(conns), 0, 0);
	svc_family(f, s, "knat_service_packets_total", "counter",
		   "Packets of a service; direction in is client to backend.",
		   SVC(pkts_in), SVC(pkts_out), 0);
	svc_family(f, s, "knat_service_bytes_total", "counter",
		   "Bytes of a service; direction in is client to backend.",
		   SVC(bytes_in), SVC(bytes_out), 0);
	svc_family(f, s, "knat_service_maglev_moved_slots", "gauge",
		   "Maglev table slots that changed backend at the last change of the backend set.",
		   SVC(moved), 0, F_MAGLEV);
	svc_family(f, s, "knat_service_active_flows", "gauge",
		   "TCP flows of a service in ESTABLISHED (ipvsadm's ActiveConn).",
		   SVC(active), 0, F_ACTIVE);
	svc_family(f, s, "knat_service_inactive_flows", "gauge",
		   "Other flows of a service: TCP in other states, UDP (ipvsadm's InActConn).",
		   SVC(inactive), 0, F_ACTIVE);
	svc_family(f, s, "knat_service_connections_per_second", "gauge",
		   "New flows of a service per second, smoothed (config rate-interval, rate-window).",
		   SVC(rate_cps), 0, F_RATE);
	svc_family(f, s, "knat_service_packets_per_second", "gauge",
		   "Packets of a service per second, smoothed; direction in is client to backend.",
		   SVC(rate_pps_in), SVC(rate_pps_out), F_RATE);
	svc_family(f, s, "knat_service_bytes_per_second", "gauge",
		   "Bytes of a service per second, smoothed; direction in is client to backend.",
		   SVC(rate_bps_in), SVC(rate_bps_out), F_RATE);
	write_service_icmp(f, s);
	write_service_hs(f, s);

	write_backend_weight(f, s);
	write_backend_state(f, s);
	be_family(f, s, "knat_backend_flows", "gauge",
		  "Active flows of a backend.", BE(flows), 0, 0);
	be_family(f, s, "knat_backend_connections_total", "counter",
		  "Flows ever scheduled to a backend (TCP connections, UDP flows).",
		  BE(conns), 0, 0);
	be_family(f, s, "knat_backend_packets_total", "counter",
		  "Packets of a backend; direction in is client to backend.",
		  BE(pkts_in), BE(pkts_out), 0);
	be_family(f, s, "knat_backend_bytes_total", "counter",
		  "Bytes of a backend; direction in is client to backend.",
		  BE(bytes_in), BE(bytes_out), 0);
	be_family(f, s, "knat_backend_active_flows", "gauge",
		  "TCP flows of a backend in ESTABLISHED (ipvsadm's ActiveConn).",
		  BE(active), 0, F_ACTIVE);
	be_family(f, s, "knat_backend_inactive_flows", "gauge",
		  "Other flows of a backend: TCP in other states, UDP (ipvsadm's InActConn).",
		  BE(inactive), 0, F_ACTIVE);
	be_family(f, s, "knat_backend_connections_per_second", "gauge",
		  "New flows of a backend per second, smoothed (config rate-interval, rate-window).",
		  BE(rate_cps), 0, F_RATE);
	be_family(f, s, "knat_backend_packets_per_second", "gauge",
		  "Packets of a backend per second, smoothed; direction in is client to backend.",
		  BE(rate_pps_in), BE(rate_pps_out), F_RATE);
	be_family(f, s, "knat_backend_bytes_per_second", "gauge",
		  "Bytes of a backend per second, smoothed; direction in is client to backend.",
		  BE(rate_bps_in), BE(rate_bps_out), F_RATE);
	write_backend_hs(f, s);
}

/* ---- SNAT rules ---- */

static void snat_labels(struct label l[2], const struct prom_snat *r)
{
	l[0] = (struct label){ "from", r->from };
	l[1] = (struct label){ "out", r->out };
}

static void write_snat_attempts(FILE *f, const struct prom_snapshot *s)
{
	struct family fam = {
		"knat_snat_alloc_attempts", "histogram",
		"Candidate ports an SNAT rule's port allocations tried until one was free; a kept inside port is 1.",
		false,
	};
	struct label l[2], le = { "le", NULL };
	const struct prom_snat *r;
	char num[24];
	uint64_t cum, bound;
	unsigned int b;
	size_t i;

	for (i = 0; i < s->nsnat_rules; i++) {
		r = &s->snat_rules[i];
		if (!r->attempts.present)
			continue;
		snat_labels(l, r);
		head(f, &fam);
		cum = 0;
		for (b = 0; b < r->attempts.nbuckets; b++) {
			cum += r->attempts.bucket[b];
			bound = snat_attempts_le(&r->attempts, b);
			snprintf(num, sizeof(num), "%" PRIu64, bound);
			le.value = bound ? num : "+Inf";
			series(f, &fam, "_bucket", l, 2, &le);
			fprintf(f, " %" PRIu64 "\n", cum);
		}
		series(f, &fam, "_sum", l, 2, NULL);
		fprintf(f, " %" PRIu64 "\n", r->attempts_sum);
		series(f, &fam, "_count", l, 2, NULL);
		fprintf(f, " %" PRIu64 "\n", cum);
	}
}

static void write_snats(FILE *f, const struct prom_snapshot *s)
{
	struct family in_use = {
		"knat_snat_ports_in_use", "gauge",
		"Outside ports an SNAT rule's mappings hold now (endpoint-independent mappings share one among flows).",
		false,
	};
	struct family exhausted = {
		"knat_snat_exhausted_total", "counter",
		"Port allocations of an SNAT rule that failed, each dropped as no-port.",
		false,
	};
	struct label l[2];
	size_t i;

	for (i = 0; i < s->nsnat_rules; i++) {
		if (!s->snat_rules[i].has_ports_in_use)
			continue;
		snat_labels(l, &s->snat_rules[i]);
		sample(f, &in_use, l, 2, s->snat_rules[i].ports_in_use);
	}
	for (i = 0; i < s->nsnat_rules; i++) {
		snat_labels(l, &s->snat_rules[i]);
		sample(f, &exhausted, l, 2, s->snat_rules[i].exhausted);
	}
	write_snat_attempts(f, s);
}

void prom_write(FILE *f, const struct prom_snapshot *s)
{
	write_counters(f, s);
	write_drops(f, s);
	write_tcp(f, s);
	if (s->have_status)
		write_status(f, s);
	if (s->have_config)
		single(f, "knat_max_flows", "gauge",
		       "Flow table size (config max-flows); new flows beyond it drop.",
		       s->max_flows);
	if (s->have_services)
		write_services(f, s);
	if (s->have_snats)
		write_snats(f, s);
}

/* ---- collecting replies ---- */

void prom_snapshot_free(struct prom_snapshot *s)
{
	lb_table_free(&s->lb);
	free(s->snat_rules);
	free(s->counters);
	free(s->drops);
	free(s->tcp_states);
	memset(s, 0, sizeof(*s));
}

/* Grow *arr (of *n elements of size sz) by one zeroed element, or NULL. */
static void *push(void *arr_p, size_t *n, size_t sz)
{
	void **arr = arr_p;
	char *p = realloc(*arr, (*n + 1) * sz);

	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	*arr = p;
	memset(p + *n * sz, 0, sz);
	return p + (*n)++ * sz;
}

/* Each u64 (or u32, when u32) of nest as one prom_counter. */
static int collect(const struct nlattr *nest, struct prom_counter **arr,
		   size_t *n, bool u32)
{
	const struct nlattr *a;
	struct prom_counter *c;
	unsigned int idx;

	if (!nest)
		return 0;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_validate(a, u32 ? MNL_TYPE_U32 : MNL_TYPE_U64) < 0 ||
		    !mnl_attr_get_type(a))
			continue;
		idx = mnl_attr_get_type(a) - 1u;
		/* Once each: the last value wins should one come twice. */
		c = (struct prom_counter *)find_counter(*arr, *n, idx);
		if (!c) {
			c = push(arr, n, sizeof(**arr));
			if (!c)
				return -1;
		}
		c->idx = idx;
		c->value = u32 ? mnl_attr_get_u32(a) : mnl_attr_get_u64(a);
	}
	return 0;
}

int prom_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[KNAT_A_MAX + 1];
	const struct nlattr *tb[KNAT_STATS_A_MAX + 1];
	struct prom_snapshot *s = data;

	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	knat_parse_nested(top[KNAT_A_STATS], knat_stats_policy,
				  KNAT_STATS_A_MAX, tb);
	if (collect(tb[KNAT_STATS_A_COUNTERS], &s->counters, &s->ncounters,
		    false) ||
	    collect(tb[KNAT_STATS_A_DROPS], &s->drops, &s->ndrops, false) ||
	    collect(tb[KNAT_STATS_A_TCP_STATES], &s->tcp_states,
		    &s->ntcp_states, true))
		return MNL_CB_ERROR;
	s->have_tcp_states = tb[KNAT_STATS_A_TCP_STATES] != NULL;
	hs_parse(tb[KNAT_STATS_A_HANDSHAKE], &s->hs);
	return MNL_CB_OK;
}

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	snprintf(dst, size, "%s", a ? mnl_attr_get_str(a) : "");
}

int prom_status_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];
	struct prom_snapshot *s = data;

	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, tb);
	copy_str(s->version, sizeof(s->version), tb[KNAT_A_VERSION]);
	copy_str(s->build_id, sizeof(s->build_id), tb[KNAT_A_BUILD_ID]);
	s->hooks_active = attr_u8(tb[KNAT_A_HOOKS_ACTIVE]) != 0;
	s->forwards = attr_u32(tb[KNAT_A_NUM_FORWARDS]);
	s->snats = attr_u32(tb[KNAT_A_NUM_SNATS]);
	s->services = attr_u32(tb[KNAT_A_NUM_SERVICES]);
	s->flows = attr_u32(tb[KNAT_A_NUM_FLOWS]);
	s->hooks6_active = attr_u8(tb[KNAT_A_HOOKS6_ACTIVE]) != 0;
	s->forwards6 = attr_u32(tb[KNAT_A_NUM_FORWARDS6]);
	s->snats6 = attr_u32(tb[KNAT_A_NUM_SNATS6]);
	s->flows6 = attr_u32(tb[KNAT_A_NUM_FLOWS6]);
	s->have_status = true;
	return MNL_CB_OK;
}

int prom_config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[KNAT_A_MAX + 1];
	const struct nlattr *tb[KNAT_CFG_A_MAX + 1];
	struct prom_snapshot *s = data;

	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	knat_parse_nested(top[KNAT_A_CONFIG], knat_cfg_policy,
				  KNAT_CFG_A_MAX, tb);
	if (tb[KNAT_CFG_A_MAX_FLOWS]) {
		s->max_flows = attr_u32(tb[KNAT_CFG_A_MAX_FLOWS]);
		s->have_config = true;
	}
	return MNL_CB_OK;
}

int prom_snat_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *top[KNAT_A_MAX + 1];
	const struct nlattr *tb[KNAT_SNAT_A_MAX + 1];
	struct prom_snapshot *s = data;
	struct prom_snat *r;

	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	if (!top[KNAT_A_SNAT])
		return MNL_CB_OK;
	knat_parse_nested(top[KNAT_A_SNAT], knat_snat_policy,
				  KNAT_SNAT_A_MAX, tb);
	r = push(&s->snat_rules, &s->nsnat_rules, sizeof(*r));
	if (!r)
		return MNL_CB_ERROR;
	snat_fmt_from(tb, r->from);
	copy_str(r->out, sizeof(r->out), tb[KNAT_SNAT_A_OUT_IFNAME]);
	r->has_ports_in_use = tb[KNAT_SNAT_A_PORTS_IN_USE] != NULL;
	r->ports_in_use = attr_u32(tb[KNAT_SNAT_A_PORTS_IN_USE]);
	r->exhausted = attr_u64(tb[KNAT_SNAT_A_EXHAUSTED]);
	r->attempts_sum = attr_u64(tb[KNAT_SNAT_A_ATTEMPTS_SUM]);
	snat_attempts_parse(tb[KNAT_SNAT_A_ATTEMPTS], &r->attempts);
	return MNL_CB_OK;
}

/* ---- the command ---- */

/* One request; 0, or EXIT_KERNEL after printing why (knat_run()). */
static int query(uint8_t cmd, uint16_t flags, mnl_cb_t cb,
		 struct prom_snapshot *s)
{
	const struct nlmsghdr *nlh;
	struct mnlg *g;
	int ret;

	g = knat_open();
	if (!g)
		return EXIT_KERNEL;
	nlh = mnlg_msg(g, cmd, flags);
	ret = knat_run(g, nlh, cb, s);
	knat_close(g);
	return ret;
}

int prom_show(void)
{
	struct prom_snapshot s = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	int ret;

	if (is_json_context()) {
		pr_err("--prometheus prints text: it does not go with -j.");
		return EXIT_USAGE;
	}
	ret = query(KNAT_CMD_STATS_GET, NLM_F_ACK, prom_stats_cb, &s);
	if (!ret)
		ret = query(KNAT_CMD_STATUS_GET, NLM_F_ACK, prom_status_cb, &s);
	if (!ret)
		ret = query(KNAT_CMD_CONFIG_GET, NLM_F_ACK, prom_config_cb, &s);
	if (!ret)
		ret = lb_collect(&s.lb, true, NULL);
	s.have_services = !ret;
	if (!ret)
		ret = query(KNAT_CMD_SNAT_GET, NLM_F_DUMP, prom_snat_cb, &s);
	s.have_snats = !ret;
	if (ret) {
		prom_snapshot_free(&s);
		return ret;
	}

	/* All or nothing: a textfile collector must never read half a file. */
	m = open_memstream(&text, &len);
	if (!m) {
		pr_err("%s.", strerror(errno));
		prom_snapshot_free(&s);
		return EXIT_KERNEL;
	}
	prom_write(m, &s);
	prom_snapshot_free(&s);
	if (fclose(m) != 0) {
		pr_err("%s.", strerror(errno));
		free(text);
		return EXIT_KERNEL;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}
