// SPDX-License-Identifier: GPL-2.0
/*
 * knat stats --prometheus: the escapes, the metric names, and replies built
 * here the way the header describes them, collected by the same callbacks
 * the command uses and written as the exposition format.  The output is
 * saved as metrics.prom for a look (promtool check metrics, if at hand).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/knat.h>

#include "../mnlg.h"
#include "../prometheus.h"
#include "../stats.h"
#include "../utils.h"
#include "lbmsg.h"
#include "tap.h"
#include "unit.h"

static char *text;

/* What fn writes, as a string valid until the next call. */
static const char *written(void (*fn)(FILE *, const char *), const char *arg)
{
	size_t len;
	FILE *f;

	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	fn(f, arg);
	fclose(f);
	return text;
}

static const char *snapshot_text(const struct prom_snapshot *s)
{
	size_t len;
	FILE *f;

	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	prom_write(f, s);
	fclose(f);
	return text;
}

static void test_escapes(void)
{
	char name[40];

	printf("# prometheus: escapes and names\n");
	tap_str(written(prom_put_label_value, "plain 10.0.2.11:8080"),
		"plain 10.0.2.11:8080", "label value: nothing to escape");
	tap_str(written(prom_put_label_value, "a\\b\"c\nd"), "a\\\\b\\\"c\\nd",
		"label value: backslash, quote and newline escaped");
	tap_str(written(prom_put_label_value, ""), "", "label value: empty");
	tap_str(written(prom_put_help, "a\\b\"c\nd"), "a\\\\b\"c\\nd",
		"HELP: backslash and newline escaped, quote not");

	prom_metric_name(name, sizeof(name), "flows-created-tcp", "_total");
	tap_str(name, "knat_flows_created_tcp_total", "metric name from a counter name");
	prom_metric_name(name, sizeof(name), "a.b c/d\xc3\xa9:e", "");
	tap_str(name, "knat_a_b_c_d__:e", "metric name: every other character is _");
	prom_metric_name(name, 12, "icmp-errors-translated", "_total");
	tap_str(name, "knat_icmp_e", "metric name: truncated to the buffer");
}

/* ---- replies ---- */

static char buf[MNLG_TX_SIZE];

static struct nlmsghdr *reply_new(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = GENL_MIN_ID;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->version = KNAT_GENL_VERSION;
	return nlh;
}

/*
 * Counters: every known one at 10 * index but the last, which this
 * "kernel" lacks, and one from a newer kernel at index __KNAT_CNT_MAX + 1.
 * Drops: every known one at its index, and index __KNAT_DROP_MAX.
 */
static const struct nlmsghdr *stats_reply(void)
{
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *top, *nest;
	unsigned int i;

	top = mnl_attr_nest_start(nlh, KNAT_A_STATS);
	nest = mnl_attr_nest_start(nlh, KNAT_STATS_A_COUNTERS);
	for (i = 0; i < __KNAT_CNT_MAX - 1; i++)
		mnl_attr_put_u64(nlh, (uint16_t)(i + 1), i * 10);
	mnl_attr_put_u64(nlh, __KNAT_CNT_MAX + 2, 777);
	mnl_attr_put_u32(nlh, __KNAT_CNT_MAX + 3, 5);	/* not a u64: left out */
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, KNAT_STATS_A_DROPS);
	for (i = 0; i < __KNAT_DROP_MAX + 1; i++)
		mnl_attr_put_u64(nlh, (uint16_t)(i + 1), i);
	mnl_attr_nest_end(nlh, nest);
	/* TCP states: a state of a newer kernel too. */
	nest = mnl_attr_nest_start(nlh, KNAT_STATS_A_TCP_STATES);
	for (i = 0; i < __KNAT_TCP_MAX + 1; i++)
		mnl_attr_put_u32(nlh, (uint16_t)(i + 1),
				 i == KNAT_TCP_SYN_SENT ? 2 :
				 i == KNAT_TCP_ESTABLISHED ? 5 :
				 i == KNAT_TCP_TIME_WAIT ? 30 :
				 i == __KNAT_TCP_MAX ? 4 : 0);
	mnl_attr_nest_end(nlh, nest);
	test_put_hs(nlh, KNAT_STATS_A_HANDSHAKE, test_hs_buckets, KNAT_HS_BUCKETS,
		    142500, 1, 24000);
	mnl_attr_nest_end(nlh, top);
	return nlh;
}

/* The TCP families from stats_reply(), right after the drops. */
static const char want_tcp[] =
	"# HELP knat_tcp_flows TCP flows in the table, by state, now.\n"
	"# TYPE knat_tcp_flows gauge\n"
	"knat_tcp_flows{state=\"none\"} 0\n"
	"knat_tcp_flows{state=\"syn-sent\"} 2\n"
	"knat_tcp_flows{state=\"syn-recv\"} 0\n"
	"knat_tcp_flows{state=\"established\"} 5\n"
	"knat_tcp_flows{state=\"fin-wait\"} 0\n"
	"knat_tcp_flows{state=\"close-wait\"} 0\n"
	"knat_tcp_flows{state=\"last-ack\"} 0\n"
	"knat_tcp_flows{state=\"time-wait\"} 30\n"
	"knat_tcp_flows{state=\"close\"} 0\n"
	"knat_tcp_flows{state=\"state-9\"} 4\n"
	"# HELP knat_tcp_handshake_seconds TCP handshake latency at knat, from the "
	"SYN to the ACK that completes it.\n"
	"# TYPE knat_tcp_handshake_seconds histogram\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.001\"} 20\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.002\"} 23\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.004\"} 23\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.008\"} 23\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.016\"} 24\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.032\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.064\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.128\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.256\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"0.512\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"1.024\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"2.048\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"4.096\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"8.192\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"16.384\"} 30\n"
	"knat_tcp_handshake_seconds_bucket{le=\"+Inf\"} 30\n"
	"knat_tcp_handshake_seconds_sum 0.1425\n"
	"knat_tcp_handshake_seconds_count 30\n";

/* The le bounds, for the histograms built below. */
static const char *const le[KNAT_HS_BUCKETS] = {
	"0.001", "0.002", "0.004", "0.008", "0.016", "0.032", "0.064", "0.128",
	"0.256", "0.512", "1.024", "2.048", "4.096", "8.192", "16.384", "+Inf",
};

/* A histogram's samples: NAME_bucket{LABELS,le}, _sum, _count. */
static void want_hist(FILE *f, const char *name, const char *labels,
		      const uint64_t *b, const char *sum)
{
	uint64_t cum = 0;
	unsigned int i;

	for (i = 0; i < KNAT_HS_BUCKETS; i++) {
		cum += b[i];
		fprintf(f, "%s_bucket{%s,le=\"%s\"} %llu\n", name, labels, le[i],
			(unsigned long long)cum);
	}
	fprintf(f, "%s_sum{%s} %s\n%s_count{%s} %llu\n", name, labels, sum,
		name, labels, (unsigned long long)cum);
}

static const struct nlmsghdr *status_reply(void)
{
	struct nlmsghdr *nlh = reply_new();

	mnl_attr_put_strz(nlh, KNAT_A_VERSION, "0.1.0");
	mnl_attr_put_strz(nlh, KNAT_A_BUILD_ID, "2024 \"b\\x\"\nhost");
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FORWARDS, 1);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SNATS, 2);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SERVICES, 2);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FLOWS, 42);
	mnl_attr_put_u8(nlh, KNAT_A_HOOKS_ACTIVE, 1);
	return nlh;
}

static const struct nlmsghdr *config_reply(void)
{
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *top = mnl_attr_nest_start(nlh, KNAT_A_CONFIG);

	mnl_attr_put_u32(nlh, KNAT_CFG_A_MAX_FLOWS, 262144);
	mnl_attr_nest_end(nlh, top);
	return nlh;
}

struct be {
	const char *addr;
	uint16_t port;
	int weight;		/* -1: absent */
	int state;		/* -1: absent */
	uint64_t n;		/* flows n, conns 10n, packets 100n/90n, bytes */
};

/* The counters of an open STATS nest: flows n, conns 10n, packets ... */
static void put_counters(struct nlmsghdr *nlh, uint64_t n)
{
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_FLOWS, (uint32_t)n);
	mnl_attr_put(nlh, KNAT_LBSTATS_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_CONNS, 10 * n);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_PKTS_IN, 100 * n);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_BYTES_IN, 6400 * n);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_PKTS_OUT, 90 * n);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_BYTES_OUT, 120000 * n);
}

/* The service's message and its backends', as the two dumps send them. */
static const struct nlmsghdr *service_reply(uint8_t proto, const char *vip,
					    uint16_t port, const char *sched,
					    uint64_t n, const struct be *bes,
					    unsigned int nbe)
{
	static const uint64_t none[KNAT_HS_BUCKETS];
	struct lbmsg m;
	struct nlmsghdr *nlh = lbmsg_service(&m, buf, proto, vip, port);
	unsigned int i;

	if (sched)
		mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, sched);
	lbmsg_stats(&m);
	put_counters(nlh, n);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_MOVED, 42);
	/* Sent for UDP services too: all zero. */
	test_put_hs(nlh, KNAT_LBSTATS_A_HANDSHAKE, nbe ? test_hs_buckets : none,
		    KNAT_HS_BUCKETS, nbe ? 142500 : 0, nbe ? 1 : 0,
		    nbe ? 24000 : 0);
	for (i = 0; i < nbe; i++) {
		nlh = lbmsg_backend(&m);
		lbmsg_backend_addr(&m, bes[i].addr);
		mnl_attr_put_u16(nlh, KNAT_BE_A_PORT, htons(bes[i].port));
		if (bes[i].weight >= 0)
			mnl_attr_put_u32(nlh, KNAT_BE_A_WEIGHT, (uint32_t)bes[i].weight);
		if (bes[i].state >= 0)
			mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, (uint8_t)bes[i].state);
		lbmsg_stats(&m);
		put_counters(nlh, bes[i].n);
		/* The first backend had the handshakes, the others none. */
		test_put_hs(nlh, KNAT_LBSTATS_A_HANDSHAKE, i ? none : test_hs_buckets,
			    KNAT_HS_BUCKETS, i ? 0 : 142500, i ? 0 : 1,
			    i ? 0 : 24000);
	}
	return lbmsg_end(&m);
}

static const struct be two_be[] = {
	{ "10.0.2.11", 8080, 1, KNAT_BACKEND_UP, 1 },
	{ "10.0.2.12", 8080, 2, KNAT_BACKEND_DRAINING, 2 },
};
/* Port 0 (the service's), no weight, and a state from a newer kernel. */
static const struct be odd_be[] = {
	{ "10.0.3.1", 0, -1, KNAT_BACKEND_DOWN, 0 },
	{ "10.0.3.2", 5353, 0, 7, 3 },
};

/* Everything after the drops: status, config, services. */
static const char want_rest_svc[] =
	"# HELP knat_build_info Version and build of the knat module; always 1.\n"
	"# TYPE knat_build_info gauge\n"
	"knat_build_info{version=\"0.1.0\",build_id=\"2024 \\\"b\\\\x\\\"\\nhost\"} 1\n"
	"# HELP knat_hooks_active 1 when knat's IPv4 netfilter hooks are registered in this namespace.\n"
	"# TYPE knat_hooks_active gauge\n"
	"knat_hooks_active 1\n"
	"# HELP knat_hooks6_active 1 when knat's IPv6 netfilter hooks are registered in this namespace.\n"
	"# TYPE knat_hooks6_active gauge\n"
	"knat_hooks6_active 0\n"
	"# HELP knat_forwards Forwards configured, by address family.\n"
	"# TYPE knat_forwards gauge\n"
	"knat_forwards{family=\"inet\"} 1\n"
	"knat_forwards{family=\"inet6\"} 0\n"
	"# HELP knat_snats SNAT rules configured, by address family.\n"
	"# TYPE knat_snats gauge\n"
	"knat_snats{family=\"inet\"} 2\n"
	"knat_snats{family=\"inet6\"} 0\n"
	"# HELP knat_services Services configured.\n"
	"# TYPE knat_services gauge\n"
	"knat_services 2\n"
	"# HELP knat_flows Flows in the table, by address family.\n"
	"# TYPE knat_flows gauge\n"
	"knat_flows{family=\"inet\"} 42\n"
	"knat_flows{family=\"inet6\"} 0\n"
	"# HELP knat_max_flows Flow table size (config max-flows); new flows beyond it drop.\n"
	"# TYPE knat_max_flows gauge\n"
	"knat_max_flows 262144\n"
	"# HELP knat_service_info A service: its protocol, address family, virtual address, port and scheduler; always 1.\n"
	"# TYPE knat_service_info gauge\n"
	"knat_service_info{service=\"tcp/203.0.113.10:80\",proto=\"tcp\",family=\"inet\",vip=\"203.0.113.10\",port=\"80\",sched=\"wrr\"} 1\n"
	"knat_service_info{service=\"udp/203.0.113.10:53\",proto=\"udp\",family=\"inet\",vip=\"203.0.113.10\",port=\"53\",sched=\"maglev\"} 1\n"
	"# HELP knat_service_flows Active flows of a service.\n"
	"# TYPE knat_service_flows gauge\n"
	"knat_service_flows{service=\"tcp/203.0.113.10:80\"} 3\n"
	"knat_service_flows{service=\"udp/203.0.113.10:53\"} 4\n"
	"# HELP knat_service_connections_total Flows ever scheduled for a service (TCP connections, UDP flows).\n"
	"# TYPE knat_service_connections_total counter\n"
	"knat_service_connections_total{service=\"tcp/203.0.113.10:80\"} 30\n"
	"knat_service_connections_total{service=\"udp/203.0.113.10:53\"} 40\n"
	"# HELP knat_service_packets_total Packets of a service; direction in is client to backend.\n"
	"# TYPE knat_service_packets_total counter\n"
	"knat_service_packets_total{service=\"tcp/203.0.113.10:80\",direction=\"in\"} 300\n"
	"knat_service_packets_total{service=\"tcp/203.0.113.10:80\",direction=\"out\"} 270\n"
	"knat_service_packets_total{service=\"udp/203.0.113.10:53\",direction=\"in\"} 400\n"
	"knat_service_packets_total{service=\"udp/203.0.113.10:53\",direction=\"out\"} 360\n"
	"# HELP knat_service_bytes_total Bytes of a service; direction in is client to backend.\n"
	"# TYPE knat_service_bytes_total counter\n"
	"knat_service_bytes_total{service=\"tcp/203.0.113.10:80\",direction=\"in\"} 19200\n"
	"knat_service_bytes_total{service=\"tcp/203.0.113.10:80\",direction=\"out\"} 360000\n"
	"knat_service_bytes_total{service=\"udp/203.0.113.10:53\",direction=\"in\"} 25600\n"
	"knat_service_bytes_total{service=\"udp/203.0.113.10:53\",direction=\"out\"} 480000\n"
	"# HELP knat_service_maglev_moved_slots Maglev table slots that changed backend at the last change of the backend set.\n"
	"# TYPE knat_service_maglev_moved_slots gauge\n"
	"knat_service_maglev_moved_slots{service=\"udp/203.0.113.10:53\"} 42\n";

/* After the service histograms. */
static const char want_rest_be[] =
	"# HELP knat_backend_weight Scheduling weight of a backend; 0 takes no new flows.\n"
	"# TYPE knat_backend_weight gauge\n"
	"knat_backend_weight{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\"} 1\n"
	"knat_backend_weight{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\"} 2\n"
	"knat_backend_weight{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\"} 0\n"
	"# HELP knat_backend_state 1 for the state a backend is in (up, down or draining), else 0.\n"
	"# TYPE knat_backend_state gauge\n"
	"knat_backend_state{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\",state=\"up\"} 1\n"
	"knat_backend_state{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\",state=\"down\"} 0\n"
	"knat_backend_state{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\",state=\"draining\"} 0\n"
	"knat_backend_state{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\",state=\"up\"} 0\n"
	"knat_backend_state{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\",state=\"down\"} 0\n"
	"knat_backend_state{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\",state=\"draining\"} 1\n"
	"knat_backend_state{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.1:53\",state=\"up\"} 0\n"
	"knat_backend_state{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.1:53\",state=\"down\"} 1\n"
	"knat_backend_state{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.1:53\",state=\"draining\"} 0\n"
	"knat_backend_state{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\",state=\"up\"} 0\n"
	"knat_backend_state{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\",state=\"down\"} 0\n"
	"knat_backend_state{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\",state=\"draining\"} 0\n"
	"knat_backend_state{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\",state=\"state-7\"} 1\n"
	"# HELP knat_backend_flows Active flows of a backend.\n"
	"# TYPE knat_backend_flows gauge\n"
	"knat_backend_flows{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\"} 1\n"
	"knat_backend_flows{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\"} 2\n"
	"knat_backend_flows{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.1:53\"} 0\n"
	"knat_backend_flows{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\"} 3\n"
	"# HELP knat_backend_connections_total Flows ever scheduled to a backend (TCP connections, UDP flows).\n"
	"# TYPE knat_backend_connections_total counter\n"
	"knat_backend_connections_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\"} 10\n"
	"knat_backend_connections_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\"} 20\n"
	"knat_backend_connections_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.1:53\"} 0\n"
	"knat_backend_connections_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\"} 30\n"
	"# HELP knat_backend_packets_total Packets of a backend; direction in is client to backend.\n"
	"# TYPE knat_backend_packets_total counter\n"
	"knat_backend_packets_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\",direction=\"in\"} 100\n"
	"knat_backend_packets_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\",direction=\"out\"} 90\n"
	"knat_backend_packets_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\",direction=\"in\"} 200\n"
	"knat_backend_packets_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\",direction=\"out\"} 180\n"
	"knat_backend_packets_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.1:53\",direction=\"in\"} 0\n"
	"knat_backend_packets_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.1:53\",direction=\"out\"} 0\n"
	"knat_backend_packets_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\",direction=\"in\"} 300\n"
	"knat_backend_packets_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\",direction=\"out\"} 270\n"
	"# HELP knat_backend_bytes_total Bytes of a backend; direction in is client to backend.\n"
	"# TYPE knat_backend_bytes_total counter\n"
	"knat_backend_bytes_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\",direction=\"in\"} 6400\n"
	"knat_backend_bytes_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\",direction=\"out\"} 120000\n"
	"knat_backend_bytes_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\",direction=\"in\"} 12800\n"
	"knat_backend_bytes_total{service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\",direction=\"out\"} 240000\n"
	"knat_backend_bytes_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.1:53\",direction=\"in\"} 0\n"
	"knat_backend_bytes_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.1:53\",direction=\"out\"} 0\n"
	"knat_backend_bytes_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\",direction=\"in\"} 19200\n"
	"knat_backend_bytes_total{service=\"udp/203.0.113.10:53\",backend=\"10.0.3.2:5353\",direction=\"out\"} 360000\n";

static const char first_two[] =
	"# HELP knat_pkts_orig_total Packets translated in the original direction.\n"
	"# TYPE knat_pkts_orig_total counter\n"
	"knat_pkts_orig_total 0\n"
	"# HELP knat_bytes_orig_total Bytes translated in the original direction.\n"
	"# TYPE knat_bytes_orig_total counter\n"
	"knat_bytes_orig_total 10\n";

static void test_counters(const char *out)
{
	char want[512], name[96];
	bool all_counters = true, all_drops = true;
	unsigned int i;

	/* Every known counter, the one this kernel lacks at 0. */
	for (i = 0; i < __KNAT_CNT_MAX; i++) {
		prom_metric_name(name, sizeof(name), stats_counter_name(i), "_total");
		snprintf(want, sizeof(want), "\n# TYPE %s counter\n%s %u\n", name,
			 name, i < __KNAT_CNT_MAX - 1 ? i * 10 : 0);
		if (!strstr(out, want)) {
			all_counters = false;
			printf("# missing: %s", want + 1);
		}
	}
	tap_ok(all_counters, "every known counter as knat_NAME_total, a missing one at 0");
	tap_ok(!strncmp(out, first_two, strlen(first_two)),
	       "counters first, in enum order, with HELP and TYPE");
	snprintf(want, sizeof(want),
		 "# HELP knat_unknown_%u_total Counter %u (counter-%u in knat stats), "
		 "unknown to this knat.\n"
		 "# TYPE knat_unknown_%u_total counter\n"
		 "knat_unknown_%u_total 777\n"
		 "# HELP knat_drops_total Packets knat dropped, by reason.\n"
		 "# TYPE knat_drops_total counter\n"
		 "knat_drops_total{reason=\"malformed\"} 0\n",
		 __KNAT_CNT_MAX + 1, __KNAT_CNT_MAX + 1, __KNAT_CNT_MAX + 1,
		 __KNAT_CNT_MAX + 1, __KNAT_CNT_MAX + 1);
	tap_ok(strstr(out, want) != NULL,
	       "a counter from a newer kernel as knat_unknown_%u_total, then the drops",
	       __KNAT_CNT_MAX + 1);
	snprintf(name, sizeof(name), "knat_unknown_%u_total", __KNAT_CNT_MAX + 2);
	tap_ok(!strstr(out, name), "a counter that is not a u64 is left out");

	for (i = 0; i < __KNAT_DROP_MAX; i++) {
		snprintf(want, sizeof(want), "\nknat_drops_total{reason=\"%s\"} %u\n",
			 stats_drop_name(i), i);
		if (!strstr(out, want)) {
			all_drops = false;
			printf("# missing: %s", want + 1);
		}
	}
	tap_ok(all_drops, "every drop reason in one family knat_drops_total");
	snprintf(want, sizeof(want), "knat_drops_total{reason=\"no-port\"} %u\n"
		 "knat_drops_total{reason=\"no-addr\"} %u\n",
		 KNAT_DROP_NO_PORT, KNAT_DROP_NO_ADDR);
	tap_ok(strstr(out, want) != NULL, "drop reasons keep their dashes");
	snprintf(want, sizeof(want), "knat_drops_total{reason=\"drop-%u\"} %u\n"
		 "# HELP knat_tcp_flows ", __KNAT_DROP_MAX, __KNAT_DROP_MAX);
	tap_ok(strstr(out, want) != NULL,
	       "a drop reason from a newer kernel as reason=\"drop-%u\", last",
	       __KNAT_DROP_MAX);
}

static void test_snapshot(void)
{
	static const uint64_t none[KNAT_HS_BUCKETS];
	struct prom_snapshot s = { 0 };
	const char *out, *rest;
	char *want = NULL;
	size_t len;
	FILE *m;

	printf("# prometheus: the whole exposition\n");
	tap_num(prom_stats_cb(stats_reply(), &s), MNL_CB_OK, "stats reply collected");
	tap_num((long long)s.ncounters, __KNAT_CNT_MAX, "counters: the u64 ones");
	tap_num((long long)s.ndrops, __KNAT_DROP_MAX + 1, "drops: all");
	prom_status_cb(status_reply(), &s);
	prom_config_cb(config_reply(), &s);
	lbmsg_feed(service_reply(IPPROTO_TCP, "203.0.113.10", 80, "wrr", 3,
				 two_be, ARRAY_SIZE(two_be)), &s.lb);
	lbmsg_feed(service_reply(IPPROTO_UDP, "203.0.113.10", 53, "maglev", 4,
				 odd_be, ARRAY_SIZE(odd_be)), &s.lb);
	s.have_services = true;
	tap_num((long long)s.lb.nservices, 2, "two services collected");

	out = snapshot_text(&s);
	tap_save("metrics.prom", out);
	test_counters(out);
	rest = strstr(out, "# HELP knat_tcp_flows ");
	tap_ok(rest && !strncmp(rest, want_tcp, strlen(want_tcp)) &&
	       !strncmp(rest + strlen(want_tcp), "# HELP knat_build_info ", 23),
	       "after the drops: knat_tcp_flows by state (an unknown one as "
	       "state-9), the global histogram cumulative, +Inf = count, sum in "
	       "seconds");
	if (rest && strncmp(rest, want_tcp, strlen(want_tcp)))
		printf("# got:\n%.*s", (int)strlen(want_tcp), rest);

	m = open_memstream(&want, &len);
	fputs(want_rest_svc, m);
	fputs("# HELP knat_service_tcp_handshake_seconds TCP handshake latency at "
	      "knat, from the SYN to the ACK that completes it.\n"
	      "# TYPE knat_service_tcp_handshake_seconds histogram\n", m);
	want_hist(m, "knat_service_tcp_handshake_seconds",
		  "service=\"tcp/203.0.113.10:80\"", test_hs_buckets, "0.1425");
	fputs(want_rest_be, m);
	fputs("# HELP knat_backend_tcp_handshake_seconds TCP handshake latency at "
	      "knat, from the SYN to the ACK that completes it.\n"
	      "# TYPE knat_backend_tcp_handshake_seconds histogram\n", m);
	want_hist(m, "knat_backend_tcp_handshake_seconds",
		  "service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.11:8080\"",
		  test_hs_buckets, "0.1425");
	want_hist(m, "knat_backend_tcp_handshake_seconds",
		  "service=\"tcp/203.0.113.10:80\",backend=\"10.0.2.12:8080\"",
		  none, "0");
	fclose(m);
	rest = strstr(out, "# HELP knat_build_info");
	tap_str(rest, want,
		"status, max-flows, services and backends: labels escaped, "
		"families whole, port 0 resolved, unknown state kept, "
		"histograms for the tcp service and its backends only");
	free(want);

	/* No services: no empty service families. */
	prom_snapshot_free(&s);
	s.have_services = true;
	out = snapshot_text(&s);
	tap_ok(!strstr(out, "knat_service") && !strstr(out, "knat_backend") &&
	       !strstr(out, "# knat:"), "no services: no service families, no comment");
	prom_snapshot_free(&s);
	free(text);
	text = NULL;
}

/* A udp service with rates, active/inactive and ICMP counters, one backend. */
static const struct nlmsghdr *rate_reply(void)
{
	static const uint64_t rate[5] = { 2500, 48000, 999, 3600000, 0 };
	struct lbmsg m;
	struct nlmsghdr *nlh = lbmsg_service(&m, buf, IPPROTO_UDP, "203.0.113.10", 53);
	struct nlattr *one, *r;
	uint16_t i;

	mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, "rr");
	lbmsg_stats(&m);
	r = mnl_attr_nest_start(nlh, KNAT_LBSTATS_A_RATE);
	for (i = 0; i < 5; i++)
		mnl_attr_put_u64(nlh, KNAT_RATE_A_CPS + i, rate[i]);
	mnl_attr_nest_end(nlh, r);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_ACTIVE, 4);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_INACTIVE, 3);
	one = mnl_attr_nest_start(nlh, KNAT_LBSTATS_A_ICMP);
	mnl_attr_put_u64(nlh, KNAT_CNT_VIP_ECHO + 1, 2);
	mnl_attr_put_u64(nlh, KNAT_CNT_ICMP_UNREACH_PORT + 1, 1);
	mnl_attr_nest_end(nlh, one);
	one = mnl_attr_nest_start(nlh, KNAT_LBSTATS_A_ICMP_DROPS);
	mnl_attr_put_u64(nlh, KNAT_DROP_ICMP_UNRELATED + 1, 0);
	mnl_attr_nest_end(nlh, one);
	nlh = lbmsg_backend(&m);
	mnl_attr_put_u32(nlh, KNAT_BE_A_ADDR, inet_addr("10.0.2.11"));
	mnl_attr_put_u16(nlh, KNAT_BE_A_PORT, htons(5353));
	lbmsg_stats(&m);
	r = mnl_attr_nest_start(nlh, KNAT_LBSTATS_A_RATE);
	for (i = 0; i < 5; i++)
		mnl_attr_put_u64(nlh, KNAT_RATE_A_CPS + i, rate[i]);
	mnl_attr_nest_end(nlh, r);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_ACTIVE, 0);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_INACTIVE, 7);
	return lbmsg_end(&m);
}

/* ---- SNAT rules ---- */

/* A rule of 10.0.1.0/24, out @out unless NULL; older: before ports in use. */
static const struct nlmsghdr *snat_reply(const char *out, bool older)
{
	static const uint64_t attempts[KNAT_SNAT_ATTEMPT_BUCKETS] = {
		3, 1, 0, 0, 0, 0, 0, 2,
	};
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SNAT), *h;
	unsigned int i;

	mnl_attr_put_u32(nlh, KNAT_SNAT_A_SRC, inet_addr("10.0.1.0"));
	mnl_attr_put_u8(nlh, KNAT_SNAT_A_SRC_PLEN, 24);
	if (out)
		mnl_attr_put_strz(nlh, KNAT_SNAT_A_OUT_IFNAME, out);
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLAGS, 0);
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLOWS, 7);
	mnl_attr_put_u64(nlh, KNAT_SNAT_A_EXHAUSTED, 5);
	if (!older) {
		mnl_attr_put_u32(nlh, KNAT_SNAT_A_PORTS_IN_USE, 4);
		h = mnl_attr_nest_start(nlh, KNAT_SNAT_A_ATTEMPTS);
		for (i = 0; i < KNAT_SNAT_ATTEMPT_BUCKETS; i++)
			mnl_attr_put_u64(nlh, (uint16_t)(i + 1), attempts[i]);
		mnl_attr_nest_end(nlh, h);
		mnl_attr_put_u64(nlh, KNAT_SNAT_A_ATTEMPTS_SUM, 264);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_rates(void)
{
	struct prom_snapshot s = { 0 };
	const char *out;

	printf("# prometheus: rates, active/inactive, ICMP per service\n");
	lbmsg_feed(rate_reply(), &s.lb);
	tap_num((long long)s.lb.nservices * 10 + (long long)s.lb.svcs[0].nbackends, 11,
		"service with rates collected, its backend joined to it");
	s.have_services = true;
	out = snapshot_text(&s);
	tap_ok(strstr(out, "# TYPE knat_service_active_flows gauge\n"
			   "knat_service_active_flows{service=\"udp/203.0.113.10:53\"} 4\n") &&
	       strstr(out, "\nknat_service_inactive_flows{service=\"udp/203.0.113.10:53\"} 3\n") &&
	       strstr(out, "\nknat_backend_inactive_flows{service=\"udp/203.0.113.10:53\","
			   "backend=\"10.0.2.11:5353\"} 7\n"),
	       "active and inactive flows per service and backend");
	tap_ok(strstr(out, "\nknat_service_connections_per_second{service=\"udp/203.0.113.10:53\"} 2.5\n") &&
	       strstr(out, "\nknat_service_packets_per_second{service=\"udp/203.0.113.10:53\","
			   "direction=\"in\"} 48\n") &&
	       strstr(out, "\nknat_service_packets_per_second{service=\"udp/203.0.113.10:53\","
			   "direction=\"out\"} 0.999\n") &&
	       strstr(out, "\nknat_backend_bytes_per_second{service=\"udp/203.0.113.10:53\","
			   "backend=\"10.0.2.11:5353\",direction=\"in\"} 3600\n") &&
	       strstr(out, "\nknat_backend_bytes_per_second{service=\"udp/203.0.113.10:53\","
			   "backend=\"10.0.2.11:5353\",direction=\"out\"} 0\n"),
	       "rate gauges per second, decimals exact");
	tap_ok(strstr(out, "# TYPE knat_service_icmp_total counter\n"
			   "knat_service_icmp_total{service=\"udp/203.0.113.10:53\","
			   "type=\"vip-echo\"} 2\n"
			   "knat_service_icmp_total{service=\"udp/203.0.113.10:53\","
			   "type=\"icmp-unreach-port\"} 1\n"
			   "knat_service_icmp_total{service=\"udp/203.0.113.10:53\","
			   "type=\"icmp-unrelated\"} 0\n") != NULL,
	       "per-service ICMP counters by type, the unrelated drop too");
	prom_snapshot_free(&s);
	free(text);
	text = NULL;
}

/* An IPv6 service and its backends: brackets in the labels, family inet6. */
static const struct be six_be[] = {
	{ "fd00:2::11", 8080, 2, KNAT_BACKEND_UP, 1 },
	{ "fd00:2::12", 0, 1, KNAT_BACKEND_DOWN, 2 },
};

static void test_services6(void)
{
	struct prom_snapshot s = { 0 };
	const char *out;

	printf("# prometheus: IPv6 services\n");
	lbmsg_feed(service_reply(IPPROTO_TCP, "2001:db8::10", 80, "maglev", 3,
				 six_be, ARRAY_SIZE(six_be)), &s.lb);
	lbmsg_feed(service_reply(IPPROTO_UDP, "203.0.113.10", 53, "rr", 0, NULL, 0),
		   &s.lb);
	s.have_services = true;
	tap_num((long long)s.lb.nservices * 10 + (long long)s.lb.svcs[0].nbackends, 22,
		"an IPv6 service with two backends and an IPv4 one collected");
	out = snapshot_text(&s);
	tap_save("metrics-service6.prom", out);
	tap_ok(strstr(out, "# TYPE knat_service_info gauge\n"
			   "knat_service_info{service=\"tcp/[2001:db8::10]:80\",proto=\"tcp\","
			   "family=\"inet6\",vip=\"2001:db8::10\",port=\"80\","
			   "sched=\"maglev\"} 1\n"
			   "knat_service_info{service=\"udp/203.0.113.10:53\",proto=\"udp\","
			   "family=\"inet\",vip=\"203.0.113.10\",port=\"53\",sched=\"rr\"} 1\n")
	       != NULL,
	       "service info: family inet6 and inet, the vip bare, the service in brackets");
	tap_ok(strstr(out, "\nknat_service_flows{service=\"tcp/[2001:db8::10]:80\"} 3\n") &&
	       strstr(out, "\nknat_backend_weight{service=\"tcp/[2001:db8::10]:80\","
			   "backend=\"[fd00:2::11]:8080\"} 2\n") &&
	       strstr(out, "\nknat_backend_state{service=\"tcp/[2001:db8::10]:80\","
			   "backend=\"[fd00:2::12]:80\",state=\"down\"} 1\n") &&
	       strstr(out, "\nknat_backend_tcp_handshake_seconds_count{"
			   "service=\"tcp/[2001:db8::10]:80\",backend=\"[fd00:2::11]:8080\"} 30\n"),
	       "IPv6 service and backend labels in brackets, port 0 resolved");
	prom_snapshot_free(&s);
	free(text);
	text = NULL;
}

static void test_snat(void)
{
	struct prom_snapshot s = { 0 };
	const char *out, *rest;

	printf("# prometheus: SNAT rules\n");
	tap_num(prom_snat_cb(snat_reply("eth1", false), &s), MNL_CB_OK,
		"snat reply collected");
	prom_snat_cb(snat_reply(NULL, true), &s);
	s.have_snats = true;
	tap_num((long long)s.nsnat_rules, 2, "two rules collected");
	out = snapshot_text(&s);
	tap_save("metrics-snat.prom", out);
	rest = strstr(out, "# HELP knat_snat_ports_in_use ");
	tap_str(rest,
		"# HELP knat_snat_ports_in_use Outside ports an SNAT rule's mappings hold "
		"now (endpoint-independent mappings share one among flows).\n"
		"# TYPE knat_snat_ports_in_use gauge\n"
		"knat_snat_ports_in_use{from=\"10.0.1.0/24\",out=\"eth1\"} 4\n"
		"# HELP knat_snat_exhausted_total Port allocations of an SNAT rule that "
		"failed, each dropped as no-port.\n"
		"# TYPE knat_snat_exhausted_total counter\n"
		"knat_snat_exhausted_total{from=\"10.0.1.0/24\",out=\"eth1\"} 5\n"
		"knat_snat_exhausted_total{from=\"10.0.1.0/24\",out=\"\"} 5\n"
		"# HELP knat_snat_alloc_attempts Candidate ports an SNAT rule's port "
		"allocations tried until one was free; a kept inside port is 1.\n"
		"# TYPE knat_snat_alloc_attempts histogram\n"
		"knat_snat_alloc_attempts_bucket{from=\"10.0.1.0/24\",out=\"eth1\",le=\"1\"} 3\n"
		"knat_snat_alloc_attempts_bucket{from=\"10.0.1.0/24\",out=\"eth1\",le=\"3\"} 4\n"
		"knat_snat_alloc_attempts_bucket{from=\"10.0.1.0/24\",out=\"eth1\",le=\"7\"} 4\n"
		"knat_snat_alloc_attempts_bucket{from=\"10.0.1.0/24\",out=\"eth1\",le=\"15\"} 4\n"
		"knat_snat_alloc_attempts_bucket{from=\"10.0.1.0/24\",out=\"eth1\",le=\"31\"} 4\n"
		"knat_snat_alloc_attempts_bucket{from=\"10.0.1.0/24\",out=\"eth1\",le=\"63\"} 4\n"
		"knat_snat_alloc_attempts_bucket{from=\"10.0.1.0/24\",out=\"eth1\",le=\"127\"} 4\n"
		"knat_snat_alloc_attempts_bucket{from=\"10.0.1.0/24\",out=\"eth1\",le=\"+Inf\"} 6\n"
		"knat_snat_alloc_attempts_sum{from=\"10.0.1.0/24\",out=\"eth1\"} 264\n"
		"knat_snat_alloc_attempts_count{from=\"10.0.1.0/24\",out=\"eth1\"} 6\n",
		"SNAT: ports in use, exhausted and the attempts histogram by from and out; "
		"an older kernel's rule only where it has the numbers");
	prom_snapshot_free(&s);

	/* An IPv6 rule: the longest prefix fits its label. */
	{
		struct nlmsghdr *nlh = reply_new();
		struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SNAT);
		struct in6_addr a;

		inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0", &a);
		mnl_attr_put(nlh, KNAT_SNAT_A_SRC6, sizeof(a), &a);
		mnl_attr_put_u8(nlh, KNAT_SNAT_A_SRC_PLEN, 124);
		mnl_attr_put_strz(nlh, KNAT_SNAT_A_OUT_IFNAME, "wan0");
		mnl_attr_put_u64(nlh, KNAT_SNAT_A_EXHAUSTED, 1);
		mnl_attr_nest_end(nlh, nest);
		prom_snat_cb(nlh, &s);
	}
	s.have_snats = true;
	out = snapshot_text(&s);
	tap_ok(strstr(out, "\nknat_snat_exhausted_total{from=\"ffff:ffff:ffff:ffff:ffff:ffff:"
			   "ffff:fff0/124\",out=\"wan0\"} 1\n") != NULL,
	       "SNAT: an IPv6 rule's from label");
	prom_snapshot_free(&s);

	/* Rules collected, none there: no empty families. */
	s.have_snats = true;
	out = snapshot_text(&s);
	tap_ok(!strstr(out, "knat_snat_"), "no rules: no SNAT families");
	prom_snapshot_free(&s);
}

void test_prom(void)
{
	test_escapes();
	test_snapshot();
	test_rates();
	test_services6();
	test_snat();
}
