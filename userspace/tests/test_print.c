// SPDX-License-Identifier: GPL-2.0
/*
 * Printing: the name tables are complete, and replies built here the way
 * the header describes them print as the documented text and JSON.  The
 * JSON documents are also saved for json-valid.sh.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/knat.h>

#include "../config.h"
#include "../explain.h"
#include "../flow.h"
#include "../forward.h"
#include "../handshake.h"
#include "../json_print.h"
#include "../mnlg.h"
#include "../objects.h"
#include "../service.h"
#include "../snat.h"
#include "../stats.h"
#include "../status.h"
#include "../utils.h"
#include "lbmsg.h"
#include "tap.h"
#include "unit.h"

/* ---- name tables ---- */

static void check_table(const char *what, const char *(*name_of)(unsigned int),
			unsigned int count)
{
	bool complete = true, unique = true;
	unsigned int i, j;

	for (i = 0; i < count; i++) {
		if (!name_of(i) || !*name_of(i)) {
			complete = false;
			continue;
		}
		for (j = 0; j < i; j++)
			if (name_of(j) && !strcmp(name_of(i), name_of(j)))
				unique = false;
	}
	tap_ok(complete, "%s names: one for each of the %u enum values", what, count);
	tap_ok(unique, "%s names: all different", what);
	tap_ok(!name_of(count), "%s names: none past the enum", what);
}

static void test_tables(void)
{
	check_table("timeout", config_timeout_name, __KNAT_TIMEOUT_MAX);
	check_table("TCP state", flow_state_name, __KNAT_TCP_MAX);
	check_table("flow kind", flow_kind_name, __KNAT_FLOW_KIND_MAX);
	check_table("backend state", backend_state_name, __KNAT_BACKEND_STATE_MAX);
	check_table("backend health", backend_health_name, __KNAT_HEALTH_MAX);
	check_table("scheduler", service_sched_name, 6);
	check_table("counter", stats_counter_name, __KNAT_CNT_MAX);
	check_table("drop", stats_drop_name, __KNAT_DROP_MAX);
	tap_str(config_timeout_name(KNAT_TIMEOUT_UDP_REPLIED), "udp-replied",
		"timeout name udp-replied");
	tap_str(flow_kind_name(KNAT_FLOW_KIND_FORWARD_SNAT), "hairpin",
		"kind name hairpin");
	tap_str(flow_kind_name(KNAT_FLOW_KIND_SERVICE), "service", "kind name service");
	tap_str(flow_kind_name(KNAT_FLOW_KIND_SERVICE_SNAT), "service-hairpin",
		"kind name service-hairpin");
	tap_str(backend_state_name(KNAT_BACKEND_UP), "up", "backend state up");
	tap_str(backend_state_name(KNAT_BACKEND_DOWN), "down", "backend state down");
	tap_str(backend_state_name(KNAT_BACKEND_DRAINING), "draining",
		"backend state draining");
	tap_str(service_sched_name(5), "maglev", "scheduler maglev");
	tap_str(stats_counter_name(KNAT_CNT_ICMP_ERR_TRANSLATED),
		"icmp-errors-translated", "counter name icmp-errors-translated");
	{
		static const char *const fast[] = {
			[KNAT_CNT_FAST_PKTS - KNAT_CNT_FAST_PKTS] = "fastpath",
			[KNAT_CNT_FAST_LEARNED - KNAT_CNT_FAST_PKTS] = "fastpath-learned",
			[KNAT_CNT_FAST_SLOW_TCPFLAGS - KNAT_CNT_FAST_PKTS] =
				"fastpath-slow-tcpflags",
			[KNAT_CNT_FAST_SLOW_IPOPTS - KNAT_CNT_FAST_PKTS] = "fastpath-slow-ipopts",
			[KNAT_CNT_FAST_SLOW_TTL - KNAT_CNT_FAST_PKTS] = "fastpath-slow-ttl",
			[KNAT_CNT_FAST_SLOW_MTU - KNAT_CNT_FAST_PKTS] = "fastpath-slow-mtu",
			[KNAT_CNT_FAST_SLOW_ROUTE - KNAT_CNT_FAST_PKTS] = "fastpath-slow-route",
			[KNAT_CNT_FAST_SLOW_IIF - KNAT_CNT_FAST_PKTS] = "fastpath-slow-iif",
			[KNAT_CNT_FAST_INGRESS - KNAT_CNT_FAST_PKTS] = "fastpath-ingress",
		};
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(fast); i++)
			tap_str(stats_counter_name(KNAT_CNT_FAST_PKTS + i), fast[i],
				"counter name %s", fast[i]);
	}
	tap_str(stats_drop_name(KNAT_DROP_FRAGMENT), "fragment", "drop name fragment");
	tap_num(flow_state_from_name("TIME_WAIT"), KNAT_TCP_TIME_WAIT, "state TIME_WAIT");
	tap_num(flow_state_from_name("Time-Wait"), KNAT_TCP_TIME_WAIT, "state Time-Wait");
	tap_num(flow_state_from_name("time"), -1, "state names are not abbreviated");
}

/* The names, one a line, for docs.sh to look up in the man page. */
static void save_names(const char *file, const char *(*name_of)(unsigned int),
		       unsigned int count)
{
	char *text = NULL;
	size_t len;
	unsigned int i;
	FILE *f = open_memstream(&text, &len);

	for (i = 0; i < count; i++)
		fprintf(f, "%s\n", name_of(i));
	fclose(f);
	tap_save(file, text);
	free(text);
}

/* ---- building replies ---- */

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

static void put_be16(struct nlmsghdr *nlh, uint16_t type, uint16_t v)
{
	mnl_attr_put_u16(nlh, type, htons(v));
}

static void put_ip(struct nlmsghdr *nlh, uint16_t type, const char *a)
{
	mnl_attr_put_u32(nlh, type, inet_addr(a));
}

/* 16 raw bytes, as the kernel sends an IPv6 address (KNAT_..._ADDR6). */
static void put_ip6(struct nlmsghdr *nlh, uint16_t type, const char *a)
{
	struct in6_addr in6;

	inet_pton(AF_INET6, a, &in6);
	mnl_attr_put(nlh, type, sizeof(in6), &in6);
}

/* Print one reply with fn into a string. */
static const char *render(int (*fn)(const struct nlmsghdr *, void *),
			  const struct nlmsghdr *nlh, void *data, bool json)
{
	capture_start(json, false);
	fn(nlh, data);
	return capture_end();
}

/* ---- forward ---- */

static const struct nlmsghdr *forward_reply(uint8_t proto, const char *addr,
					    uint16_t pmin, uint16_t pmax,
					    const char *to, uint16_t to_port)
{
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_FORWARD);

	mnl_attr_put_u8(nlh, KNAT_FWD_A_PROTO, proto);
	put_ip(nlh, KNAT_FWD_A_ADDR, addr);
	put_be16(nlh, KNAT_FWD_A_PORT_MIN, pmin);
	put_be16(nlh, KNAT_FWD_A_PORT_MAX, pmax);
	put_ip(nlh, KNAT_FWD_A_TO_ADDR, to);
	put_be16(nlh, KNAT_FWD_A_TO_PORT, to_port);
	mnl_attr_put_u32(nlh, KNAT_FWD_A_FLOWS, 3);
	/* u64 attributes come after a PAD in real replies, maybe unaligned */
	mnl_attr_put(nlh, KNAT_FWD_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, KNAT_FWD_A_PACKETS, 100);
	mnl_attr_put_u64(nlh, KNAT_FWD_A_BYTES, 12345);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* addr NULL: no ADDR6, which is "any local IPv6 address" with TO_ADDR6. */
static const struct nlmsghdr *forward_reply6(uint8_t proto, const char *addr,
					     uint16_t pmin, uint16_t pmax,
					     const char *to, uint16_t to_port)
{
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_FORWARD);

	mnl_attr_put_u8(nlh, KNAT_FWD_A_PROTO, proto);
	if (addr)
		put_ip6(nlh, KNAT_FWD_A_ADDR6, addr);
	put_be16(nlh, KNAT_FWD_A_PORT_MIN, pmin);
	put_be16(nlh, KNAT_FWD_A_PORT_MAX, pmax);
	put_ip6(nlh, KNAT_FWD_A_TO_ADDR6, to);
	put_be16(nlh, KNAT_FWD_A_TO_PORT, to_port);
	mnl_attr_put_u32(nlh, KNAT_FWD_A_FLOWS, 3);
	mnl_attr_put(nlh, KNAT_FWD_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, KNAT_FWD_A_PACKETS, 100);
	mnl_attr_put_u64(nlh, KNAT_FWD_A_BYTES, 12345);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_forward6(void)
{
	struct cli_opts plain = { .stats = false }, stats = { .stats = true };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	const char *out;

	tap_str(render(forward_print, forward_reply6(IPPROTO_TCP, "2001:db8:1::1", 8080, 8080,
						     "fd00:1::4", 80), &plain, false),
		"tcp [2001:db8:1::1]:8080 to [fd00:1::4]:80\n",
		"forward text IPv6: brackets before a port");
	tap_str(render(forward_print, forward_reply6(IPPROTO_UDP, "::", 5353, 5353,
						     "fd00:1::4", 0), &plain, false),
		"udp [::]:5353 to fd00:1::4\n",
		"forward text IPv6: any local address, keep port: no brackets without one");
	tap_str(render(forward_print, forward_reply6(IPPROTO_UDP, NULL, 5353, 5353,
						     "fd00:1::4", 0), &plain, false),
		"udp [::]:5353 to fd00:1::4\n",
		"forward text IPv6: no ADDR6 with TO_ADDR6 is [::]");
	tap_str(render(forward_print, forward_reply6(IPPROTO_TCP, "2001:db8::1", 8000, 8010,
						     "fd00::4", 9000), &stats, false),
		"tcp [2001:db8::1]:8000-8010 to [fd00::4]:9000-9010 flows 3 packets 100 "
		"bytes 12345\n", "forward text IPv6: ranges, -s");

	capture_start(true, false);
	open_json_array(NULL);
	forward_print(forward_reply6(IPPROTO_TCP, "2001:db8:1::1", 8080, 8080, "fd00:1::4", 80),
		      &plain);
	forward_print(forward_reply6(IPPROTO_UDP, NULL, 5353, 5353, "fd00:1::4", 0), &plain);
	forward_print(forward_reply(IPPROTO_TCP, "0.0.0.0", 22, 22, "10.0.2.2", 0), &plain);
	close_json_array();
	out = capture_end();
	tap_str(out,
		"[{\"proto\":\"tcp\",\"family\":\"inet6\",\"addr\":\"2001:db8:1::1\","
		"\"port\":8080,\"port_max\":8080,\"to_addr\":\"fd00:1::4\",\"to_port\":80,"
		"\"to_port_max\":80},"
		"{\"proto\":\"udp\",\"family\":\"inet6\",\"addr\":\"::\",\"port\":5353,"
		"\"port_max\":5353,\"to_addr\":\"fd00:1::4\",\"to_port\":5353,"
		"\"to_port_max\":5353},"
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"0.0.0.0\",\"port\":22,"
		"\"port_max\":22,\"to_addr\":\"10.0.2.2\",\"to_port\":22,\"to_port_max\":22}]\n",
		"forward JSON IPv6: bare addresses, family");
	tap_save("forward-list6.json", out);

	/* An ADDR6 of the wrong size counts as absent: IPv4's 0.0.0.0. */
	nlh = reply_new();
	nest = mnl_attr_nest_start(nlh, KNAT_A_FORWARD);
	mnl_attr_put_u8(nlh, KNAT_FWD_A_PROTO, IPPROTO_TCP);
	mnl_attr_put_u32(nlh, KNAT_FWD_A_ADDR6, 1);
	put_be16(nlh, KNAT_FWD_A_PORT_MIN, 80);
	put_ip(nlh, KNAT_FWD_A_TO_ADDR, "10.0.2.2");
	mnl_attr_nest_end(nlh, nest);
	tap_str(render(forward_print, nlh, &plain, false), "tcp 0.0.0.0:80 to 10.0.2.2\n",
		"forward text: a malformed ADDR6 is left out");
}

static void test_forward(void)
{
	struct cli_opts plain = { .stats = false }, stats = { .stats = true };
	const char *out;

	printf("# forward list output\n");
	tap_str(render(forward_print, forward_reply(IPPROTO_TCP, "0.0.0.0", 8080, 8080,
						    "10.0.2.2", 80), &plain, false),
		"tcp 0.0.0.0:8080 to 10.0.2.2:80\n", "forward text: single port");
	tap_str(render(forward_print, forward_reply(IPPROTO_UDP, "198.51.100.1", 5000, 5010,
						    "10.0.2.2", 6000), &plain, false),
		"udp 198.51.100.1:5000-5010 to 10.0.2.2:6000-6010\n", "forward text: range");
	tap_str(render(forward_print, forward_reply(IPPROTO_TCP, "0.0.0.0", 22, 22,
						    "10.0.2.2", 0), &plain, false),
		"tcp 0.0.0.0:22 to 10.0.2.2\n", "forward text: keep port");
	tap_str(render(forward_print, forward_reply(IPPROTO_TCP, "0.0.0.0", 8080, 8080,
						    "10.0.2.2", 80), &stats, false),
		"tcp 0.0.0.0:8080 to 10.0.2.2:80 flows 3 packets 100 bytes 12345\n",
		"forward text: -s");

	capture_start(true, false);
	open_json_array(NULL);
	forward_print(forward_reply(IPPROTO_TCP, "0.0.0.0", 8080, 8080, "10.0.2.2", 80), &plain);
	forward_print(forward_reply(IPPROTO_UDP, "198.51.100.1", 5000, 5010, "10.0.2.2", 6000), &plain);
	forward_print(forward_reply(IPPROTO_TCP, "0.0.0.0", 22, 22, "10.0.2.2", 0), &plain);
	close_json_array();
	out = capture_end();
	tap_str(out,
		"[{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"0.0.0.0\",\"port\":8080,\"port_max\":8080,"
		"\"to_addr\":\"10.0.2.2\",\"to_port\":80,\"to_port_max\":80},"
		"{\"proto\":\"udp\",\"family\":\"inet\",\"addr\":\"198.51.100.1\","
		"\"port\":5000,\"port_max\":5010,"
		"\"to_addr\":\"10.0.2.2\",\"to_port\":6000,\"to_port_max\":6010},"
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"0.0.0.0\",\"port\":22,\"port_max\":22,"
		"\"to_addr\":\"10.0.2.2\",\"to_port\":22,\"to_port_max\":22}]\n",
		"forward JSON: list, keep-port shows to_port = port");
	tap_save("forward-list.json", out);

	out = render(forward_print, forward_reply(IPPROTO_TCP, "0.0.0.0", 8080, 8080,
						  "10.0.2.2", 80), &stats, true);
	tap_str(out,
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"0.0.0.0\",\"port\":8080,\"port_max\":8080,"
		"\"to_addr\":\"10.0.2.2\",\"to_port\":80,\"to_port_max\":80,"
		"\"flows\":3,\"packets\":100,\"bytes\":12345}\n", "forward JSON: -s");
	tap_save("forward-stats.json", out);
	test_forward6();
}

/* ---- snat ---- */

static const struct nlmsghdr *snat_reply(const char *src, uint8_t plen,
					 const char *out, const char *to_min,
					 const char *to_max, int pmin, int pmax,
					 uint32_t flags, bool ports)
{
	/* Allocations at 1 attempt (3), 2-3 (1), 64-127 (1), 128+ (2). */
	static const uint64_t attempts[KNAT_SNAT_ATTEMPT_BUCKETS] = {
		3, 1, 0, 0, 0, 0, 1, 2,
	};
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SNAT), *h;
	unsigned int i;

	put_ip(nlh, KNAT_SNAT_A_SRC, src);
	mnl_attr_put_u8(nlh, KNAT_SNAT_A_SRC_PLEN, plen);
	if (out)
		mnl_attr_put_strz(nlh, KNAT_SNAT_A_OUT_IFNAME, out);
	if (to_min)
		put_ip(nlh, KNAT_SNAT_A_TO_MIN, to_min);
	if (to_max)
		put_ip(nlh, KNAT_SNAT_A_TO_MAX, to_max);
	if (pmin >= 0) {
		put_be16(nlh, KNAT_SNAT_A_PORT_MIN, (uint16_t)pmin);
		put_be16(nlh, KNAT_SNAT_A_PORT_MAX, (uint16_t)pmax);
	}
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLAGS, flags);
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLOWS, 2);
	mnl_attr_put_u64(nlh, KNAT_SNAT_A_EXHAUSTED, 9);
	/* A kernel before ports in use and the attempts histogram: without. */
	if (ports) {
		mnl_attr_put_u32(nlh, KNAT_SNAT_A_PORTS_IN_USE, 1);
		h = mnl_attr_nest_start(nlh, KNAT_SNAT_A_ATTEMPTS);
		for (i = 0; i < KNAT_SNAT_ATTEMPT_BUCKETS; i++)
			mnl_attr_put_u64(nlh, (uint16_t)(i + 1), attempts[i]);
		mnl_attr_nest_end(nlh, h);
		mnl_attr_put_u64(nlh, KNAT_SNAT_A_ATTEMPTS_SUM, 402);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static const struct nlmsghdr *snat_reply6(const char *src, uint8_t plen,
					  const char *out, const char *to_min,
					  const char *to_max, uint32_t flags)
{
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SNAT);

	put_ip6(nlh, KNAT_SNAT_A_SRC6, src);
	mnl_attr_put_u8(nlh, KNAT_SNAT_A_SRC_PLEN, plen);
	if (out)
		mnl_attr_put_strz(nlh, KNAT_SNAT_A_OUT_IFNAME, out);
	if (to_min)
		put_ip6(nlh, KNAT_SNAT_A_TO_MIN6, to_min);
	if (to_max)
		put_ip6(nlh, KNAT_SNAT_A_TO_MAX6, to_max);
	put_be16(nlh, KNAT_SNAT_A_PORT_MIN, 20000);
	put_be16(nlh, KNAT_SNAT_A_PORT_MAX, 20099);
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLAGS, flags);
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLOWS, 2);
	mnl_attr_put_u64(nlh, KNAT_SNAT_A_EXHAUSTED, 0);
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_PORTS_IN_USE, 1);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_snat6(void)
{
	struct cli_opts plain = { .stats = false };
	const char *out;

	tap_str(render(snat_print, snat_reply6("fd00:1::", 64, "eth1", NULL, NULL,
					       KNAT_SNAT_F_MASQUERADE), &plain, false),
		"from fd00:1::/64 out eth1 masquerade ports 20000-20099 "
		"mapping endpoint-independent\n", "snat text IPv6: masquerade");
	tap_str(render(snat_print, snat_reply6("fd00:2::", 64, NULL, "2001:db8:1::5",
					       "2001:db8:1::9", 0), &plain, false),
		"from fd00:2::/64 to 2001:db8:1::5-2001:db8:1::9 ports 20000-20099 "
		"mapping endpoint-independent\n",
		"snat text IPv6: a range, bare (the ports are a keyword of their own)");
	tap_str(render(snat_print, snat_reply6("2001:db8:2::7", 128, NULL, "2001:db8:1::5",
					       NULL, KNAT_SNAT_F_APDM), &plain, false),
		"from 2001:db8:2::7/128 to 2001:db8:1::5 ports 20000-20099 "
		"mapping address-port-dependent\n", "snat text IPv6: no TO_MAX6 is TO_MIN6");

	capture_start(true, false);
	open_json_array(NULL);
	snat_print(snat_reply6("fd00:1::", 64, "eth1", NULL, NULL, KNAT_SNAT_F_MASQUERADE),
		   &plain);
	snat_print(snat_reply6("fd00:2::", 64, NULL, "2001:db8:1::5", "2001:db8:1::9", 0),
		   &plain);
	close_json_array();
	out = capture_end();
	tap_str(out,
		"[{\"family\":\"inet6\",\"from\":\"fd00:1::/64\",\"out\":\"eth1\","
		"\"masquerade\":true,\"to_min\":null,\"to_max\":null,\"port_min\":20000,"
		"\"port_max\":20099,\"mapping\":\"endpoint-independent\"},"
		"{\"family\":\"inet6\",\"from\":\"fd00:2::/64\",\"out\":null,"
		"\"masquerade\":false,\"to_min\":\"2001:db8:1::5\",\"to_max\":\"2001:db8:1::9\","
		"\"port_min\":20000,\"port_max\":20099,\"mapping\":\"endpoint-independent\"}]\n",
		"snat JSON IPv6");
	tap_save("snat-list6.json", out);
}

static void test_snat(void)
{
	struct cli_opts plain = { .stats = false }, stats = { .stats = true };
	const char *out;

	printf("# snat list output\n");
	tap_str(render(snat_print, snat_reply("10.0.1.0", 24, "eth1", NULL, NULL, 1024, 65535,
					      KNAT_SNAT_F_MASQUERADE, true), &plain, false),
		"from 10.0.1.0/24 out eth1 masquerade ports 1024-65535 mapping endpoint-independent\n",
		"snat text: masquerade");
	tap_str(render(snat_print, snat_reply("10.0.1.0", 24, NULL, "198.51.100.1",
					      "198.51.100.2", 1024, 65535, 0, true), &plain, false),
		"from 10.0.1.0/24 to 198.51.100.1-198.51.100.2 ports 1024-65535 "
		"mapping endpoint-independent\n", "snat text: address range, no device");
	tap_str(render(snat_print, snat_reply("10.0.0.0", 8, "wan0", "198.51.100.1",
					      "198.51.100.1", -1, -1, KNAT_SNAT_F_APDM, false),
		       &stats, false),
		"from 10.0.0.0/8 out wan0 to 198.51.100.1 mapping address-port-dependent "
		"flows 2 exhausted 9\n", "snat text: one address, APDM, -s, older kernel");
	tap_str(render(snat_print, snat_reply("10.0.0.0", 8, "wan0", "198.51.100.1",
					      "198.51.100.1", 20000, 20003, 0, true),
		       &stats, false),
		"from 10.0.0.0/8 out wan0 to 198.51.100.1 ports 20000-20003 mapping "
		"endpoint-independent flows 2 ports-in-use 1 exhausted 9\n"
		"  attempts 1:3 2-3:1 4-7:0 8-15:0 16-31:0 32-63:0 64-127:1 128+:2\n",
		"snat text: -s, ports in use and the attempts histogram on a line of its own");

	capture_start(true, false);
	open_json_array(NULL);
	snat_print(snat_reply("10.0.1.0", 24, "eth1", NULL, NULL, 1024, 65535,
			      KNAT_SNAT_F_MASQUERADE, true), &stats);
	snat_print(snat_reply("10.0.1.0", 24, NULL, "198.51.100.1", "198.51.100.2",
			      1024, 65535, KNAT_SNAT_F_APDM, false), &stats);
	close_json_array();
	out = capture_end();
	tap_str(out,
		"[{\"family\":\"inet\",\"from\":\"10.0.1.0/24\",\"out\":\"eth1\",\"masquerade\":true,"
		"\"to_min\":null,\"to_max\":null,\"port_min\":1024,\"port_max\":65535,"
		"\"mapping\":\"endpoint-independent\",\"flows\":2,\"ports_in_use\":1,"
		"\"exhausted\":9,\"attempts\":[3,1,0,0,0,0,1,2],\"attempts_sum\":402},"
		"{\"family\":\"inet\",\"from\":\"10.0.1.0/24\",\"out\":null,\"masquerade\":false,"
		"\"to_min\":\"198.51.100.1\",\"to_max\":\"198.51.100.2\",\"port_min\":1024,"
		"\"port_max\":65535,\"mapping\":\"address-port-dependent\",\"flows\":2,"
		"\"ports_in_use\":null,\"exhausted\":9,\"attempts\":null,"
		"\"attempts_sum\":null}]\n", "snat JSON: list with -s, a newer and an older kernel");
	tap_save("snat-list.json", out);
	test_snat6();
}

/* ---- service ---- */

struct be {
	const char *addr;
	uint16_t port;
	int weight;		/* -1: absent */
	int state;		/* -1: absent */
	uint64_t n;		/* counters: flows n, conns 10n, packets 100n/90n... */
};

/* The counters of an open STATS nest: flows n, conns 10n, packets ... */
static void put_counters(struct nlmsghdr *nlh, uint64_t n)
{
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_FLOWS, (uint32_t)n);
	/* u64 attributes come after a PAD in real replies, maybe unaligned */
	mnl_attr_put(nlh, KNAT_LBSTATS_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_CONNS, 10 * n);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_PKTS_IN, 100 * n);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_BYTES_IN, 6400 * n);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_PKTS_OUT, 90 * n);
	mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_BYTES_OUT, 120000 * n);
}

/* What "knat service list" prints of one listing built with lbmsg. */
static int service_print(const struct nlmsghdr *nlh, void *data)
{
	struct lb_table t = { 0 };
	size_t i;

	lbmsg_feed(nlh, &t);
	for (i = 0; i < t.nservices; i++)
		service_print_one(&t.svcs[i], data);
	lb_table_free(&t);
	return MNL_CB_OK;
}

/* ... and "knat backend list". */
static int backend_print(const struct nlmsghdr *nlh, void *data)
{
	struct lb_table t = { 0 };

	lbmsg_feed(nlh, &t);
	backend_print_table(&t, data);
	lb_table_free(&t);
	return MNL_CB_OK;
}

static const struct nlmsghdr *service_reply(uint8_t proto, const char *vip, uint16_t port,
					    const char *sched, uint32_t persist,
					    int maglev_size, uint64_t n,
					    const struct be *bes, unsigned int nbe)
{
	struct lbmsg m;
	struct nlmsghdr *nlh = lbmsg_service(&m, buf, proto, vip, port);
	unsigned int i;

	if (sched)
		mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, sched);
	mnl_attr_put_u32(nlh, KNAT_SVC_A_PERSIST, persist);
	if (maglev_size >= 0)
		mnl_attr_put_u32(nlh, KNAT_SVC_A_MAGLEV_SIZE, (uint32_t)maglev_size);
	mnl_attr_put_u32(nlh, KNAT_SVC_A_NUM_BACKENDS, nbe);
	lbmsg_stats(&m);
	put_counters(nlh, n);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_MOVED, 42);
	for (i = 0; i < nbe; i++) {
		nlh = lbmsg_backend(&m);
		lbmsg_backend_addr(&m, bes[i].addr);
		put_be16(nlh, KNAT_BE_A_PORT, bes[i].port);
		if (bes[i].weight >= 0)
			mnl_attr_put_u32(nlh, KNAT_BE_A_WEIGHT, (uint32_t)bes[i].weight);
		if (bes[i].state >= 0)
			mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, (uint8_t)bes[i].state);
		lbmsg_stats(&m);
		put_counters(nlh, bes[i].n);
	}
	return lbmsg_end(&m);
}

static const struct be two_be[] = {
	{ "10.0.2.2", 8080, 1, KNAT_BACKEND_UP, 1 },
	{ "10.0.2.3", 8080, 2, KNAT_BACKEND_DRAINING, 2 },
};
/* Port 0 (the service's), down, and a state from a newer kernel. */
static const struct be three_be[] = {
	{ "10.0.3.1", 0, 0, KNAT_BACKEND_DOWN, 0 },
	{ "10.0.3.2", 5353, 65535, KNAT_BACKEND_UP, 3 },
	{ "10.0.3.3", 5353, 1, 7, 1 },
};

static const struct nlmsghdr *svc_wrr(void)
{
	return service_reply(IPPROTO_TCP, "198.51.100.10", 80, "wrr", 0, 65537, 3,
			     two_be, ARRAY_SIZE(two_be));
}

static const struct nlmsghdr *svc_maglev_empty(void)
{
	return service_reply(IPPROTO_UDP, "198.51.100.10", 53, "maglev", 300, 65537, 0,
			     NULL, 0);
}

static const struct nlmsghdr *svc_three(void)
{
	return service_reply(IPPROTO_UDP, "198.51.100.11", 53, "maglev", 0, 251, 4,
			     three_be, ARRAY_SIZE(three_be));
}

/* ---- service: the passive health check ---- */

struct hbe {
	const char *addr;
	int state;		/* -1: absent */
	int health;		/* -1: absent */
	uint64_t failed, downs;	/* put with health */
};

/* A service with the check settings (fails < 0: none) and backends. */
static const struct nlmsghdr *check_reply(uint8_t proto, int fails, uint32_t timeout,
					  uint32_t holddown, const struct hbe *bes,
					  unsigned int nbe)
{
	struct lbmsg m;
	struct nlmsghdr *nlh = lbmsg_service(&m, buf, proto, "203.0.113.10", 80);
	unsigned int i;

	mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, "wrr");
	mnl_attr_put_u32(nlh, KNAT_SVC_A_PERSIST, 0);
	mnl_attr_put_u32(nlh, KNAT_SVC_A_MAGLEV_SIZE, 65537);
	if (fails >= 0) {
		mnl_attr_put_u32(nlh, KNAT_SVC_A_CHECK_FAILS, (uint32_t)fails);
		mnl_attr_put_u32(nlh, KNAT_SVC_A_CHECK_TIMEOUT, timeout);
		mnl_attr_put_u32(nlh, KNAT_SVC_A_CHECK_HOLDDOWN, holddown);
	}
	lbmsg_stats(&m);
	put_counters(nlh, 1);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_MOVED, 0);
	for (i = 0; i < nbe; i++) {
		nlh = lbmsg_backend(&m);
		put_ip(nlh, KNAT_BE_A_ADDR, bes[i].addr);
		put_be16(nlh, KNAT_BE_A_PORT, 8080);
		mnl_attr_put_u32(nlh, KNAT_BE_A_WEIGHT, 1);
		if (bes[i].state >= 0)
			mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, (uint8_t)bes[i].state);
		if (bes[i].health >= 0)
			mnl_attr_put_u8(nlh, KNAT_BE_A_HEALTH, (uint8_t)bes[i].health);
		lbmsg_stats(&m);
		put_counters(nlh, 0);
		if (bes[i].health >= 0) {
			mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_CHECK_FAILED, bes[i].failed);
			mnl_attr_put_u64(nlh, KNAT_LBSTATS_A_CHECK_DOWNS, bes[i].downs);
		}
	}
	return lbmsg_end(&m);
}

static const struct hbe health_be[] = {
	{ "10.0.2.11", KNAT_BACKEND_UP, KNAT_HEALTH_OK, 1, 0 },
	{ "10.0.2.12", KNAT_BACKEND_UP, KNAT_HEALTH_FAILED, 7, 2 },
	{ "10.0.2.13", KNAT_BACKEND_DOWN, KNAT_HEALTH_PROBING, 3, 1 },
	{ "10.0.2.14", KNAT_BACKEND_UP, 9, 0, 0 },	/* a newer kernel's */
};

static void test_service_check(void)
{
	struct cli_opts plain = { .stats = false }, stats = { .stats = true };
	const char *out;

	printf("# service list: health check settings and backend health\n");
	tap_str(render(service_print, check_reply(IPPROTO_TCP, 3, 2, 10, health_be,
						  ARRAY_SIZE(health_be)), &plain, false),
		"tcp 203.0.113.10:80 sched wrr check-fails 3 check-timeout 2 "
		"check-holddown 10\n"
		"  -> 10.0.2.11:8080 weight 1 up\n"
		"  -> 10.0.2.12:8080 weight 1 up health failed\n"
		"  -> 10.0.2.13:8080 weight 1 down health probing\n"
		"  -> 10.0.2.14:8080 weight 1 up health health-9\n",
		"service text: check settings, health shown unless ok, unknown as health-N");
	tap_str(render(service_print, check_reply(IPPROTO_TCP, 0, 2, 10, NULL, 0),
		       &plain, false),
		"tcp 203.0.113.10:80 sched wrr check off\n",
		"service text: check-fails 0 prints check off");
	tap_str(render(service_print, check_reply(IPPROTO_UDP, 3, 2, 10, NULL, 0),
		       &plain, false),
		"udp 203.0.113.10:80 sched wrr\n",
		"service text: no check settings for udp (the check watches TCP)");
	tap_str(render(service_print, check_reply(IPPROTO_TCP, -1, 0, 0, &health_be[2], 1),
		       &plain, false),
		"tcp 203.0.113.10:80 sched wrr\n"
		"  -> 10.0.2.13:8080 weight 1 down health probing\n",
		"service text: no CHECK_* attributes (older kernel), nothing printed");
	tap_str(render(service_print, check_reply(IPPROTO_TCP, 5, 3, 30, health_be, 3),
		       &stats, false),
		"tcp 203.0.113.10:80 sched wrr check-fails 5 check-timeout 3 check-holddown 30 "
		"flows 1 conns 10 packets 100/90 bytes 6400/120000\n"
		"  -> 10.0.2.11:8080 weight 1 up flows 0 conns 0 packets 0/0 bytes 0/0 "
		"check-failed 1 downs 0\n"
		"  -> 10.0.2.12:8080 weight 1 up health failed flows 0 conns 0 packets 0/0 "
		"bytes 0/0 check-failed 7 downs 2\n"
		"  -> 10.0.2.13:8080 weight 1 down health probing flows 0 conns 0 "
		"packets 0/0 bytes 0/0 check-failed 3 downs 1\n",
		"service text -s: check-failed and downs per backend");

	out = render(service_print, check_reply(IPPROTO_TCP, 3, 2, 10, health_be, 3),
		     &plain, true);
	tap_str(out,
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"203.0.113.10\",\"port\":80,\"sched\":\"wrr\","
		"\"persist\":0,\"maglev_size\":65537,\"check_fails\":3,\"check_timeout\":2,"
		"\"check_holddown\":10,\"backends\":["
		"{\"addr\":\"10.0.2.11\",\"port\":8080,\"weight\":1,\"state\":\"up\","
		"\"health\":\"ok\"},"
		"{\"addr\":\"10.0.2.12\",\"port\":8080,\"weight\":1,\"state\":\"up\","
		"\"health\":\"failed\"},"
		"{\"addr\":\"10.0.2.13\",\"port\":8080,\"weight\":1,\"state\":\"down\","
		"\"health\":\"probing\"}]}\n",
		"service JSON: check_* keys, health always (ok too)");
	tap_save("service-check.json", out);
	out = render(service_print, check_reply(IPPROTO_UDP, 0, 2, 10, &health_be[1], 1),
		     &stats, true);
	tap_str(out,
		"{\"proto\":\"udp\",\"family\":\"inet\",\"addr\":\"203.0.113.10\",\"port\":80,\"sched\":\"wrr\","
		"\"persist\":0,\"maglev_size\":65537,\"check_fails\":0,\"check_timeout\":2,"
		"\"check_holddown\":10,\"flows\":1,\"conns\":10,\"packets_in\":100,"
		"\"bytes_in\":6400,\"packets_out\":90,\"bytes_out\":120000,\"moved\":0,"
		"\"backends\":[{\"addr\":\"10.0.2.12\",\"port\":8080,\"weight\":1,"
		"\"state\":\"up\",\"health\":\"failed\",\"flows\":0,\"conns\":0,"
		"\"packets_in\":0,\"bytes_in\":0,\"packets_out\":0,\"bytes_out\":0,"
		"\"check_failed\":7,\"check_downs\":2}]}\n",
		"service JSON -s: check off and udp still in JSON, check_failed, check_downs");
	tap_save("service-check-stats.json", out);
	out = render(service_print, check_reply(IPPROTO_TCP, -1, 0, 0, &health_be[0], 1),
		     &stats, true);
	tap_ok(!strstr(out, "check_fails") && !strstr(out, "check_timeout") &&
	       !strstr(out, "check_holddown") && strstr(out, "\"health\":\"ok\""),
	       "service JSON: no check_* keys from an older kernel's reply");
	save_names("backend-health.names", backend_health_name, __KNAT_HEALTH_MAX);
}

/* ---- service: handshake latency ---- */

/*
 * tcp 203.0.113.10:80 with b1 (the 30 handshakes of test_hs_buckets) and
 * b2 (none yet); the service's histogram is their sum.  with_hs false: a
 * kernel without the histograms.
 */
static const struct nlmsghdr *hs_service_reply(bool with_hs)
{
	static const uint64_t none[KNAT_HS_BUCKETS];
	struct lbmsg m;
	struct nlmsghdr *nlh = lbmsg_service(&m, buf, IPPROTO_TCP, "203.0.113.10", 80);
	unsigned int i;

	mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, "rr");
	mnl_attr_put_u32(nlh, KNAT_SVC_A_PERSIST, 0);
	mnl_attr_put_u32(nlh, KNAT_SVC_A_MAGLEV_SIZE, 65537);
	lbmsg_stats(&m);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_MOVED, 0);
	put_counters(nlh, 1);
	if (with_hs)
		test_put_hs(nlh, KNAT_LBSTATS_A_HANDSHAKE, test_hs_buckets,
			    KNAT_HS_BUCKETS, 142500, 1, 24000);
	for (i = 0; i < 2; i++) {
		nlh = lbmsg_backend(&m);
		put_ip(nlh, KNAT_BE_A_ADDR, i ? "10.0.2.12" : "10.0.2.11");
		put_be16(nlh, KNAT_BE_A_PORT, 8080);
		mnl_attr_put_u32(nlh, KNAT_BE_A_WEIGHT, 1);
		mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, KNAT_BACKEND_UP);
		lbmsg_stats(&m);
		if (with_hs) {
			if (i)
				test_put_hs(nlh, KNAT_LBSTATS_A_HANDSHAKE, none,
					    KNAT_HS_BUCKETS, 0, 0, 0);
			else
				test_put_hs(nlh, KNAT_LBSTATS_A_HANDSHAKE,
					    test_hs_buckets, KNAT_HS_BUCKETS,
					    142500, 1, 24000);
		}
		put_counters(nlh, 1 - i);
	}
	return lbmsg_end(&m);
}

#define HS_JSON_30 \
	"\"handshake\":{\"count\":30,\"sum_us\":142500,\"min_us\":1,\"max_us\":24000," \
	"\"avg_us\":4750,\"buckets\":[20,3,0,0,1,6,0,0,0,0,0,0,0,0,0,0]}"
#define HS_JSON_0 \
	"\"handshake\":{\"count\":0,\"sum_us\":0,\"min_us\":null,\"max_us\":0," \
	"\"avg_us\":null,\"buckets\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}"

static void test_service_handshake(void)
{
	struct cli_opts plain = { .stats = false }, stats = { .stats = true };
	const char *out;

	printf("# service list: handshake latency\n");
	tap_str(render(service_print, hs_service_reply(true), &plain, false),
		"tcp 203.0.113.10:80 sched rr\n"
		"  -> 10.0.2.11:8080 weight 1 up\n"
		"  -> 10.0.2.12:8080 weight 1 up\n",
		"service text: no handshake without -s");
	tap_str(render(service_print, hs_service_reply(true), &stats, false),
		"tcp 203.0.113.10:80 sched rr flows 1 conns 10 packets 100/90 "
		"bytes 6400/120000\n"
		"  handshake count 30 min 0.001ms avg 4.75ms max 24ms\n"
		"  -> 10.0.2.11:8080 weight 1 up flows 1 conns 10 packets 100/90 "
		"bytes 6400/120000\n"
		"     handshake count 30 min 0.001ms avg 4.75ms max 24ms\n"
		"  -> 10.0.2.12:8080 weight 1 up flows 0 conns 0 packets 0/0 "
		"bytes 0/0\n",
		"service text -s: a handshake line under the service and each "
		"backend that had one");
	out = render(service_print, hs_service_reply(true), &stats, true);
	tap_str(out,
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"203.0.113.10\",\"port\":80,\"sched\":\"rr\","
		"\"persist\":0,\"maglev_size\":65537,\"flows\":1,\"conns\":10,"
		"\"packets_in\":100,\"bytes_in\":6400,\"packets_out\":90,"
		"\"bytes_out\":120000,\"moved\":0," HS_JSON_30 ",\"backends\":["
		"{\"addr\":\"10.0.2.11\",\"port\":8080,\"weight\":1,\"state\":\"up\","
		"\"flows\":1,\"conns\":10,\"packets_in\":100,\"bytes_in\":6400,"
		"\"packets_out\":90,\"bytes_out\":120000," HS_JSON_30 "},"
		"{\"addr\":\"10.0.2.12\",\"port\":8080,\"weight\":1,\"state\":\"up\","
		"\"flows\":0,\"conns\":0,\"packets_in\":0,\"bytes_in\":0,"
		"\"packets_out\":0,\"bytes_out\":0," HS_JSON_0 "}]}\n",
		"service JSON -s: handshake, also when there was none yet");
	tap_save("service-handshake.json", out);
	out = render(service_print, hs_service_reply(true), &plain, true);
	tap_ok(!strstr(out, "handshake"), "service JSON: no handshake without -s");
	out = render(service_print, hs_service_reply(false), &stats, false);
	tap_ok(!strstr(out, "handshake"), "service text -s: nothing from a kernel "
	       "without the histograms");
	out = render(service_print, hs_service_reply(false), &stats, true);
	tap_ok(!strstr(out, "handshake"), "service JSON -s: nothing from a kernel "
	       "without the histograms");
}

/* ---- service: IPv6 ---- */

/* An IPv6 service's backends: with a port, port 0 (the service's), down. */
static const struct be six_be[] = {
	{ "fd00:2::11", 8080, 2, KNAT_BACKEND_UP, 1 },
	{ "fd00:2::12", 0, 1, KNAT_BACKEND_DOWN, 2 },
};

static const struct nlmsghdr *svc_six(void)
{
	return service_reply(IPPROTO_TCP, "2001:db8::10", 80, "maglev", 0, 251, 3,
			     six_be, ARRAY_SIZE(six_be));
}

static void test_service6(void)
{
	struct cli_opts plain = { .stats = false }, stats = { .stats = true };
	struct nlmsghdr *nlh;
	struct lb_table t = { 0 };
	struct lbmsg m;
	const char *out;

	printf("# service and backend list output: IPv6\n");
	tap_str(render(service_print, svc_six(), &plain, false),
		"tcp [2001:db8::10]:80 sched maglev maglev-size 251\n"
		"  -> [fd00:2::11]:8080 weight 2 up\n"
		"  -> [fd00:2::12]:80 weight 1 down\n",
		"service text IPv6: [VIP6]:PORT, backends in brackets, port 0 the service's");
	tap_str(render(service_print, svc_six(), &stats, false),
		"tcp [2001:db8::10]:80 sched maglev maglev-size 251 flows 3 conns 30 "
		"packets 300/270 bytes 19200/360000 moved 42\n"
		"  -> [fd00:2::11]:8080 weight 2 up flows 1 conns 10 packets 100/90 "
		"bytes 6400/120000\n"
		"  -> [fd00:2::12]:80 weight 1 down flows 2 conns 20 packets 200/180 "
		"bytes 12800/240000\n",
		"service text -s IPv6: the counters as for IPv4");
	out = render(service_print, svc_six(), &plain, true);
	tap_str(out,
		"{\"proto\":\"tcp\",\"family\":\"inet6\",\"addr\":\"2001:db8::10\",\"port\":80,"
		"\"sched\":\"maglev\",\"persist\":0,\"maglev_size\":251,\"backends\":["
		"{\"addr\":\"fd00:2::11\",\"port\":8080,\"weight\":2,\"state\":\"up\"},"
		"{\"addr\":\"fd00:2::12\",\"port\":80,\"weight\":1,\"state\":\"down\"}]}\n",
		"service JSON IPv6: family inet6, bare addresses");
	tap_save("service-list6.json", out);

	tap_str(render(backend_print, svc_six(), &plain, false),
		"tcp [2001:db8::10]:80 -> [fd00:2::11]:8080 weight 2 up\n"
		"tcp [2001:db8::10]:80 -> [fd00:2::12]:80 weight 1 down\n",
		"backend text IPv6: one a line with its service, in brackets");
	out = render(backend_print, svc_six(), &plain, true);
	tap_str(out,
		"[{\"service\":{\"proto\":\"tcp\",\"family\":\"inet6\",\"addr\":\"2001:db8::10\","
		"\"port\":80},\"addr\":\"fd00:2::11\",\"port\":8080,\"weight\":2,"
		"\"state\":\"up\"},"
		"{\"service\":{\"proto\":\"tcp\",\"family\":\"inet6\",\"addr\":\"2001:db8::10\","
		"\"port\":80},\"addr\":\"fd00:2::12\",\"port\":80,\"weight\":1,"
		"\"state\":\"down\"}]\n",
		"backend JSON IPv6: the service with its family, bare addresses");
	tap_save("backend-list6.json", out);

	/* The longest IPv6 address inet_ntop() writes fits every buffer. */
	tap_str(render(service_print,
		       service_reply(IPPROTO_UDP, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
				     65535, NULL, 0, -1, 0, NULL, 0), &plain, false),
		"udp [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535\n",
		"service text IPv6: the longest address, whole");

	/*
	 * Backends join their service by protocol, family, the whole address
	 * and port: an IPv4 service whose four bytes are the IPv6 one's first
	 * four, and an IPv6 one differing in its last byte only, get none of
	 * them; a backend of a VIP no service has is left out.
	 */
	lbmsg_service(&m, buf, IPPROTO_TCP, "32.1.13.184", 80);	/* 2001:db8:: */
	lbmsg_backend(&m);
	lbmsg_backend_addr(&m, "10.0.2.11");
	lbmsg_next_service(&m, IPPROTO_TCP, "2001:db8::11", 80);
	lbmsg_next_service(&m, IPPROTO_TCP, "2001:db8::10", 80);
	lbmsg_backend(&m);
	lbmsg_backend_addr(&m, "fd00:2::11");
	inet_pton(AF_INET6, "2001:db8::12", &m.addr6);
	lbmsg_backend(&m);
	lbmsg_backend_addr(&m, "fd00:2::99");	/* no such service: left out */
	lbmsg_feed(lbmsg_end(&m), &t);
	tap_ok(t.nservices == 3 && t.svcs[0].nbackends == 1 &&
	       t.svcs[0].addr.family == AF_INET && t.svcs[1].nbackends == 0 &&
	       t.svcs[2].nbackends == 1 && t.svcs[2].addr.family == AF_INET6 &&
	       !strcmp(t.svcs[2].backends[0].label, "[fd00:2::11]:80") &&
	       t.orphans == 1,
	       "backends join their service by family and all 16 bytes (%zu services, "
	       "%zu orphans)", t.nservices, t.orphans);
	tap_str(t.nservices == 3 ? t.svcs[2].label : "", "tcp/[2001:db8::10]:80",
		"service label IPv6: PROTO/[VIP6]:PORT");
	tap_str(t.nservices == 3 ? t.svcs[2].vip : "", "2001:db8::10",
		"service vip IPv6: bare");
	lb_table_free(&t);

	/* An ADDR6 of the wrong size counts as absent, as everywhere. */
	nlh = lbmsg_service(&m, buf, IPPROTO_TCP, "203.0.113.10", 80);
	mnl_attr_put_u32(nlh, KNAT_SVC_A_ADDR6, 1);
	nlh = (struct nlmsghdr *)lbmsg_end(&m);
	tap_str(render(service_print, nlh, &plain, false), "tcp 203.0.113.10:80\n",
		"service text: a malformed ADDR6 is left out");
}

static void test_service(void)
{
	struct cli_opts plain = { .stats = false }, stats = { .stats = true };
	struct nlmsghdr *nlh;
	struct lbmsg m;
	const char *out;

	printf("# service list output\n");
	tap_str(render(service_print, svc_wrr(), &plain, false),
		"tcp 198.51.100.10:80 sched wrr\n"
		"  -> 10.0.2.2:8080 weight 1 up\n"
		"  -> 10.0.2.3:8080 weight 2 draining\n",
		"service text: wrr, two backends, no maglev-size or persist");
	tap_str(render(service_print, svc_maglev_empty(), &plain, false),
		"udp 198.51.100.10:53 sched maglev maglev-size 65537 persist 300\n",
		"service text: maglev with persist, no backends");
	tap_str(render(service_print, svc_three(), &plain, false),
		"udp 198.51.100.11:53 sched maglev maglev-size 251\n"
		"  -> 10.0.3.1:53 weight 0 down\n"
		"  -> 10.0.3.2:5353 weight 65535 up\n"
		"  -> 10.0.3.3:5353 weight 1 state-7\n",
		"service text: three backends, port 0 is the service's, unknown state");
	tap_str(render(service_print, svc_wrr(), &stats, false),
		"tcp 198.51.100.10:80 sched wrr flows 3 conns 30 packets 300/270 "
		"bytes 19200/360000\n"
		"  -> 10.0.2.2:8080 weight 1 up flows 1 conns 10 packets 100/90 "
		"bytes 6400/120000\n"
		"  -> 10.0.2.3:8080 weight 2 draining flows 2 conns 20 packets 200/180 "
		"bytes 12800/240000\n",
		"service text -s: counters, no moved for wrr");
	tap_str(render(service_print, svc_maglev_empty(), &stats, false),
		"udp 198.51.100.10:53 sched maglev maglev-size 65537 persist 300 flows 0 "
		"conns 0 packets 0/0 bytes 0/0 moved 42\n",
		"service text -s: maglev shows moved");

	capture_start(true, false);
	open_json_array(NULL);
	service_print(svc_wrr(), &plain);
	service_print(svc_maglev_empty(), &plain);
	close_json_array();
	out = capture_end();
	tap_str(out,
		"[{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"198.51.100.10\",\"port\":80,\"sched\":\"wrr\","
		"\"persist\":0,\"maglev_size\":65537,\"backends\":["
		"{\"addr\":\"10.0.2.2\",\"port\":8080,\"weight\":1,\"state\":\"up\"},"
		"{\"addr\":\"10.0.2.3\",\"port\":8080,\"weight\":2,\"state\":\"draining\"}]},"
		"{\"proto\":\"udp\",\"family\":\"inet\",\"addr\":\"198.51.100.10\",\"port\":53,\"sched\":\"maglev\","
		"\"persist\":300,\"maglev_size\":65537,\"backends\":[]}]\n",
		"service JSON: list, empty backends array");
	tap_save("service-list.json", out);

	out = render(service_print, svc_three(), &stats, true);
	tap_str(out,
		"{\"proto\":\"udp\",\"family\":\"inet\",\"addr\":\"198.51.100.11\",\"port\":53,\"sched\":\"maglev\","
		"\"persist\":0,\"maglev_size\":251,\"flows\":4,\"conns\":40,"
		"\"packets_in\":400,\"bytes_in\":25600,\"packets_out\":360,"
		"\"bytes_out\":480000,\"moved\":42,\"backends\":["
		"{\"addr\":\"10.0.3.1\",\"port\":53,\"weight\":0,\"state\":\"down\",\"flows\":0,"
		"\"conns\":0,\"packets_in\":0,\"bytes_in\":0,\"packets_out\":0,\"bytes_out\":0},"
		"{\"addr\":\"10.0.3.2\",\"port\":5353,\"weight\":65535,\"state\":\"up\","
		"\"flows\":3,\"conns\":30,\"packets_in\":300,\"bytes_in\":19200,"
		"\"packets_out\":270,\"bytes_out\":360000},"
		"{\"addr\":\"10.0.3.3\",\"port\":5353,\"weight\":1,\"state\":\"state-7\","
		"\"flows\":1,\"conns\":10,\"packets_in\":100,\"bytes_in\":6400,"
		"\"packets_out\":90,\"bytes_out\":120000}]}\n",
		"service JSON -s: three backends, unknown state as state-7");
	tap_save("service-stats.json", out);

	out = render(service_print, svc_wrr(), &stats, true);
	tap_ok(strstr(out, "\"bytes_out\":360000,\"moved\":42,\"backends\":[") != NULL,
	       "service JSON -s: moved is there for every scheduler");

	capture_start(true, true);
	open_json_array(NULL);
	service_print(svc_three(), &stats);
	service_print(svc_maglev_empty(), &stats);
	close_json_array();
	out = capture_end();
	tap_ok(strstr(out, "\"backends\": [\n            {\n") != NULL &&
	       json_print_depth() == 0, "service JSON pretty: nested backends indented");
	tap_save("service-list-pretty.json", out);

	/*
	 * Sparse: no SCHED, WEIGHT or STATE; attributes of a newer kernel; a
	 * backend message without its backend, one too short, and one of a
	 * service the service dump did not have (added in between).
	 */
	nlh = lbmsg_service(&m, buf, IPPROTO_TCP, "198.51.100.12", 443);
	mnl_attr_put_u16(nlh, KNAT_SVC_A_PERSIST, 9);	/* wrong size: ignored */
	nlh = lbmsg_backend(&m);
	put_ip(nlh, KNAT_BE_A_ADDR, "10.0.4.1");
	mnl_attr_put_u32(nlh, KNAT_BE_A_MAX + 3, 1);	/* newer kernel: ignored */
	lbmsg_close(&m);
	mnl_attr_put_u32(nlh, KNAT_A_MAX + 3, 5);	/* newer kernel: ignored */
	nlh = lbmsg_backend(&m);
	m.obj = NULL;				/* no KNAT_A_BACKEND: skipped */
	nlh = lbmsg_backend(&m);
	m.obj = NULL;
	mnl_attr_put_u16(nlh, KNAT_A_BACKEND + 0, 5);	/* too short: skipped */
	m.port = 444;
	nlh = lbmsg_backend(&m);
	put_ip(nlh, KNAT_BE_A_ADDR, "10.0.4.2");	/* no such service: left out */
	nlh = (struct nlmsghdr *)lbmsg_end(&m);
	tap_str(render(service_print, nlh, &plain, false),
		"tcp 198.51.100.12:443\n"
		"  -> 10.0.4.1:443\n",
		"service text: missing sched, weight and state are left out");
	out = render(service_print, nlh, &plain, true);
	tap_str(out,
		"{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"198.51.100.12\",\"port\":443,\"sched\":null,"
		"\"persist\":0,\"maglev_size\":null,\"backends\":["
		"{\"addr\":\"10.0.4.1\",\"port\":443,\"weight\":null,\"state\":null}]}\n",
		"service JSON: missing attributes are null");
	tap_save("service-sparse.json", out);

	/* A service on a scheduler other than maglev: maglev-size is JSON only. */
	tap_str(render(service_print, service_reply(IPPROTO_TCP, "198.51.100.13", 25, "sh",
						    60, 257, 0, NULL, 0), &plain, false),
		"tcp 198.51.100.13:25 sched sh persist 60\n",
		"service text: maglev-size only shown for maglev");

	nlh = reply_new();
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FLOWS, 1);
	memset((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len), 0, sizeof(*nlh));
	tap_str(render(service_print, nlh, &plain, false), "",
		"service: a message without KNAT_A_SERVICE prints nothing");

	printf("# backend list output\n");
	tap_str(render(backend_print, svc_wrr(), &plain, false),
		"tcp 198.51.100.10:80 -> 10.0.2.2:8080 weight 1 up\n"
		"tcp 198.51.100.10:80 -> 10.0.2.3:8080 weight 2 draining\n",
		"backend text: one a line with its service");
	tap_str(render(backend_print, svc_three(), &stats, false),
		"udp 198.51.100.11:53 -> 10.0.3.1:53 weight 0 down flows 0 conns 0 "
		"packets 0/0 bytes 0/0\n"
		"udp 198.51.100.11:53 -> 10.0.3.2:5353 weight 65535 up flows 3 conns 30 "
		"packets 300/270 bytes 19200/360000\n"
		"udp 198.51.100.11:53 -> 10.0.3.3:5353 weight 1 state-7 flows 1 conns 10 "
		"packets 100/90 bytes 6400/120000\n",
		"backend text -s: counters, port 0 is the service's");
	out = render(backend_print, svc_wrr(), &plain, true);
	tap_str(out,
		"[{\"service\":{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"198.51.100.10\",\"port\":80},"
		"\"addr\":\"10.0.2.2\",\"port\":8080,\"weight\":1,\"state\":\"up\"},"
		"{\"service\":{\"proto\":\"tcp\",\"family\":\"inet\",\"addr\":\"198.51.100.10\",\"port\":80},"
		"\"addr\":\"10.0.2.3\",\"port\":8080,\"weight\":2,\"state\":\"draining\"}]\n",
		"backend JSON: an array, each with its service");
	tap_save("backend-list.json", out);
	test_service_check();
	test_service6();
	save_names("backend-states.names", backend_state_name, __KNAT_BACKEND_STATE_MAX);
}

/* ---- flow ---- */

struct tuple {
	const char *src, *dst;
	uint16_t sport, dport;
};

/* An address with a colon is IPv6: SRC6 and DST6. */
static void put_tuple(struct nlmsghdr *nlh, uint16_t type, const struct tuple *t)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	if (strchr(t->src, ':')) {
		put_ip6(nlh, KNAT_TUPLE_A_SRC6, t->src);
		put_ip6(nlh, KNAT_TUPLE_A_DST6, t->dst);
	} else {
		put_ip(nlh, KNAT_TUPLE_A_SRC, t->src);
		put_ip(nlh, KNAT_TUPLE_A_DST, t->dst);
	}
	put_be16(nlh, KNAT_TUPLE_A_SPORT, t->sport);
	put_be16(nlh, KNAT_TUPLE_A_DPORT, t->dport);
	mnl_attr_nest_end(nlh, nest);
}

/* A flow whose KNAT_FLOW_A_FLAGS are @flags. */
static const struct nlmsghdr *flow_reply_flags(uint8_t proto, int state, uint8_t kind,
					       const struct tuple *orig,
					       const struct tuple *reply, uint32_t flags,
					       uint32_t age, uint32_t expires,
					       uint64_t po, uint64_t pr, uint64_t bo,
					       uint64_t br)
{
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_FLOW);

	mnl_attr_put_u8(nlh, KNAT_FLOW_A_PROTO, proto);
	put_tuple(nlh, KNAT_FLOW_A_ORIG, orig);
	put_tuple(nlh, KNAT_FLOW_A_REPLY, reply);
	mnl_attr_put_u8(nlh, KNAT_FLOW_A_KIND, kind);
	if (state >= 0)
		mnl_attr_put_u8(nlh, KNAT_FLOW_A_STATE, (uint8_t)state);
	mnl_attr_put_u32(nlh, KNAT_FLOW_A_FLAGS, flags);
	mnl_attr_put_u32(nlh, KNAT_FLOW_A_AGE, age);
	mnl_attr_put_u32(nlh, KNAT_FLOW_A_EXPIRES, expires);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_PKTS_ORIG, po);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_BYTES_ORIG, bo);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_PKTS_REPLY, pr);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_BYTES_REPLY, br);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static const struct nlmsghdr *flow_reply(uint8_t proto, int state, uint8_t kind,
					 const struct tuple *orig,
					 const struct tuple *reply, bool replied,
					 uint32_t age, uint32_t expires,
					 uint64_t po, uint64_t pr, uint64_t bo, uint64_t br)
{
	return flow_reply_flags(proto, state, kind, orig, reply,
				replied ? KNAT_FLOW_F_REPLIED : 0, age, expires,
				po, pr, bo, br);
}

static const struct tuple tcp_o = { "10.0.1.2", "198.51.100.1", 40000, 8080 };
static const struct tuple tcp_r = { "10.0.2.2", "10.0.1.2", 80, 40000 };
static const struct tuple icmp_o = { "10.0.1.2", "198.51.100.9", 77, 77 };
static const struct tuple icmp_r = { "198.51.100.9", "198.51.100.1", 1024, 1024 };
static const struct tuple udp_o = { "10.0.1.2", "198.51.100.9", 5000, 53 };
static const struct tuple udp_r = { "198.51.100.9", "198.51.100.1", 53, 5000 };

static const struct tuple udp6_o = { "fd00:1::2", "2001:db8::5", 5555, 53 };
static const struct tuple udp6_r = { "2001:db8::5", "2001:db8:1::1", 53, 5555 };
static const struct tuple icmp6_o = { "fd00:1::2", "2001:db8::5", 77, 77 };
static const struct tuple icmp6_r = { "2001:db8::5", "2001:db8:1::1", 1024, 1024 };

/* A flow with KNAT_FLOW_A_FAMILY (0: without, as before IPv6). */
static const struct nlmsghdr *flow_reply_family(uint8_t proto, uint8_t family,
						const struct tuple *orig,
						const struct tuple *reply)
{
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_FLOW);

	mnl_attr_put_u8(nlh, KNAT_FLOW_A_PROTO, proto);
	if (family)
		mnl_attr_put_u8(nlh, KNAT_FLOW_A_FAMILY, family);
	put_tuple(nlh, KNAT_FLOW_A_ORIG, orig);
	put_tuple(nlh, KNAT_FLOW_A_REPLY, reply);
	mnl_attr_put_u8(nlh, KNAT_FLOW_A_KIND, KNAT_FLOW_KIND_SNAT);
	mnl_attr_put_u32(nlh, KNAT_FLOW_A_FLAGS, KNAT_FLOW_F_REPLIED);
	mnl_attr_put_u32(nlh, KNAT_FLOW_A_AGE, 1);
	mnl_attr_put_u32(nlh, KNAT_FLOW_A_EXPIRES, 29);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_PKTS_ORIG, 1);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_BYTES_ORIG, 104);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_PKTS_REPLY, 1);
	mnl_attr_put_u64(nlh, KNAT_FLOW_A_BYTES_REPLY, 104);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_flow6(void)
{
	const char *out;

	tap_str(render(flow_print, flow_reply_family(IPPROTO_UDP, AF_INET6, &udp6_o, &udp6_r),
		       NULL, false),
		"udp src=[fd00:1::2]:5555 dst=[2001:db8::5]:53 reply src=[2001:db8::5]:53 "
		"dst=[2001:db8:1::1]:5555 snat age 1 expires 29 packets 1/1 bytes 104/104\n",
		"flow text IPv6: brackets before the ports");
	tap_str(render(flow_print, flow_reply_family(IPPROTO_ICMPV6, AF_INET6, &icmp6_o,
						     &icmp6_r), NULL, false),
		"icmpv6 src=fd00:1::2 dst=2001:db8::5 id=77 reply src=2001:db8::5 "
		"dst=2001:db8:1::1 id=1024 snat age 1 expires 29 packets 1/1 bytes 104/104\n",
		"flow text ICMPv6: icmpv6, id=N, no brackets");
	tap_str(render(flow_print, flow_reply_family(IPPROTO_UDP, AF_INET6, &udp6_o, &udp6_r),
		       NULL, true),
		"{\"proto\":\"udp\",\"family\":\"inet6\",\"state\":null,\"kind\":\"snat\","
		"\"orig\":{\"src\":\"fd00:1::2\",\"dst\":\"2001:db8::5\",\"sport\":5555,"
		"\"dport\":53},\"reply\":{\"src\":\"2001:db8::5\",\"dst\":\"2001:db8:1::1\","
		"\"sport\":53,\"dport\":5555},\"age\":1,\"expires\":29,\"replied\":true,"
		"\"fastpath\":[],\"packets_orig\":1,\"bytes_orig\":104,\"packets_reply\":1,"
		"\"bytes_reply\":104}\n", "flow JSON IPv6: family inet6, bare addresses");
	/* Without FAMILY: the tuple's addresses tell. */
	out = render(flow_print, flow_reply_family(IPPROTO_ICMPV6, 0, &icmp6_o, &icmp6_r),
		     NULL, true);
	tap_ok(strstr(out, "{\"proto\":\"icmpv6\",\"family\":\"inet6\",") != NULL,
	       "flow JSON ICMPv6: family from the tuple without FAMILY");
	out = render(flow_print, flow_reply_family(IPPROTO_ICMP, AF_INET, &icmp_o, &icmp_r),
		     NULL, true);
	tap_ok(strstr(out, "{\"proto\":\"icmp\",\"family\":\"inet\",") != NULL,
	       "flow JSON ICMP: family inet");
	capture_start(true, false);
	open_json_array(NULL);
	flow_print(flow_reply_family(IPPROTO_UDP, AF_INET6, &udp6_o, &udp6_r), NULL);
	flow_print(flow_reply_family(IPPROTO_ICMPV6, AF_INET6, &icmp6_o, &icmp6_r), NULL);
	close_json_array();
	out = capture_end();
	tap_save("flow-list6.json", out);
}

static void test_flow(void)
{
	const char *out;

	printf("# flow list output\n");
	tap_str(render(flow_print, flow_reply(IPPROTO_TCP, KNAT_TCP_ESTABLISHED,
					      KNAT_FLOW_KIND_FORWARD, &tcp_o, &tcp_r, true,
					      3, 7437, 5, 4, 300, 250), NULL, false),
		"tcp ESTABLISHED src=10.0.1.2:40000 dst=198.51.100.1:8080 reply "
		"src=10.0.2.2:80 dst=10.0.1.2:40000 forward age 3 expires 7437 "
		"packets 5/4 bytes 300/250\n", "flow text: tcp forward");
	tap_str(render(flow_print, flow_reply(IPPROTO_ICMP, -1, KNAT_FLOW_KIND_SNAT,
					      &icmp_o, &icmp_r, true, 1, 29, 1, 1, 84, 84),
		       NULL, false),
		"icmp src=10.0.1.2 dst=198.51.100.9 id=77 reply src=198.51.100.9 "
		"dst=198.51.100.1 id=1024 snat age 1 expires 29 packets 1/1 bytes 84/84\n",
		"flow text: icmp prints id");
	tap_str(render(flow_print, flow_reply(IPPROTO_UDP, -1, KNAT_FLOW_KIND_SNAT,
					      &udp_o, &udp_r, false, 0, 30, 1, 0, 60, 0),
		       NULL, false),
		"udp src=10.0.1.2:5000 dst=198.51.100.9:53 [UNREPLIED] reply "
		"src=198.51.100.9:53 dst=198.51.100.1:5000 snat age 0 expires 30 "
		"packets 1/0 bytes 60/0\n", "flow text: udp unreplied, no state word");
	tap_str(render(flow_print, flow_reply(IPPROTO_TCP, KNAT_TCP_SYN_SENT,
					      KNAT_FLOW_KIND_FORWARD_SNAT, &tcp_o, &tcp_r,
					      false, 0, 120, 1, 0, 60, 0), NULL, false),
		"tcp SYN-SENT src=10.0.1.2:40000 dst=198.51.100.1:8080 [UNREPLIED] reply "
		"src=10.0.2.2:80 dst=10.0.1.2:40000 hairpin age 0 expires 120 "
		"packets 1/0 bytes 60/0\n", "flow text: SYN-SENT hairpin");
	tap_str(render(flow_print, flow_reply(IPPROTO_TCP, KNAT_TCP_ESTABLISHED,
					      KNAT_FLOW_KIND_SERVICE, &tcp_o, &tcp_r, true,
					      3, 7437, 5, 4, 300, 250), NULL, false),
		"tcp ESTABLISHED src=10.0.1.2:40000 dst=198.51.100.1:8080 reply "
		"src=10.0.2.2:80 dst=10.0.1.2:40000 service age 3 expires 7437 "
		"packets 5/4 bytes 300/250\n", "flow text: service");
	tap_str(render(flow_print, flow_reply(IPPROTO_UDP, -1, KNAT_FLOW_KIND_SERVICE_SNAT,
					      &udp_o, &udp_r, true, 0, 30, 1, 1, 60, 60),
		       NULL, true),
		"{\"proto\":\"udp\",\"family\":\"inet\",\"state\":null,\"kind\":\"service-hairpin\","
		"\"orig\":{\"src\":\"10.0.1.2\",\"dst\":\"198.51.100.9\",\"sport\":5000,\"dport\":53},"
		"\"reply\":{\"src\":\"198.51.100.9\",\"dst\":\"198.51.100.1\",\"sport\":53,\"dport\":5000},"
		"\"age\":0,\"expires\":30,\"replied\":true,\"fastpath\":[],\"packets_orig\":1,"
		"\"bytes_orig\":60,\"packets_reply\":1,\"bytes_reply\":60}\n",
		"flow JSON: service-hairpin, fastpath [] when no direction is fast");
	tap_str(render(flow_print, flow_reply(IPPROTO_UDP, -1, __KNAT_FLOW_KIND_MAX,
					      &udp_o, &udp_r, true, 0, 30, 1, 1, 60, 60),
		       NULL, false),
		"udp src=10.0.1.2:5000 dst=198.51.100.9:53 reply "
		"src=198.51.100.9:53 dst=198.51.100.1:5000 kind-5 age 0 expires 30 "
		"packets 1/1 bytes 60/60\n", "flow text: unknown kind as kind-N");

	capture_start(true, false);
	open_json_array(NULL);
	flow_print(flow_reply(IPPROTO_TCP, KNAT_TCP_ESTABLISHED, KNAT_FLOW_KIND_FORWARD,
			      &tcp_o, &tcp_r, true, 3, 7437, 5, 4, 300, 250), NULL);
	flow_print(flow_reply(IPPROTO_UDP, -1, KNAT_FLOW_KIND_SNAT, &udp_o, &udp_r,
			      false, 0, 30, 1, 0, 60, 0), NULL);
	close_json_array();
	out = capture_end();
	tap_str(out,
		"[{\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"established\",\"kind\":\"forward\","
		"\"orig\":{\"src\":\"10.0.1.2\",\"dst\":\"198.51.100.1\",\"sport\":40000,\"dport\":8080},"
		"\"reply\":{\"src\":\"10.0.2.2\",\"dst\":\"10.0.1.2\",\"sport\":80,\"dport\":40000},"
		"\"age\":3,\"expires\":7437,\"replied\":true,\"fastpath\":[],\"packets_orig\":5,"
		"\"bytes_orig\":300,\"packets_reply\":4,\"bytes_reply\":250},"
		"{\"proto\":\"udp\",\"family\":\"inet\",\"state\":null,\"kind\":\"snat\","
		"\"orig\":{\"src\":\"10.0.1.2\",\"dst\":\"198.51.100.9\",\"sport\":5000,\"dport\":53},"
		"\"reply\":{\"src\":\"198.51.100.9\",\"dst\":\"198.51.100.1\",\"sport\":53,\"dport\":5000},"
		"\"age\":0,\"expires\":30,\"replied\":false,\"fastpath\":[],\"packets_orig\":1,"
		"\"bytes_orig\":60,\"packets_reply\":0,\"bytes_reply\":0}]\n", "flow JSON: tcp and udp");
	tap_save("flow-list.json", out);

	/* The fast path: [FAST] where [UNREPLIED] goes, the directions in JSON. */
	tap_str(render(flow_print, flow_reply_flags(IPPROTO_TCP, KNAT_TCP_ESTABLISHED,
						    KNAT_FLOW_KIND_FORWARD, &tcp_o, &tcp_r,
						    KNAT_FLOW_F_REPLIED | KNAT_FLOW_F_FAST_ORIG |
						    KNAT_FLOW_F_FAST_REPLY,
						    3, 7437, 5, 4, 300, 250), NULL, false),
		"tcp ESTABLISHED src=10.0.1.2:40000 dst=198.51.100.1:8080 [FAST] reply "
		"src=10.0.2.2:80 dst=10.0.1.2:40000 forward age 3 expires 7437 "
		"packets 5/4 bytes 300/250\n", "flow text: both directions fast: [FAST]");
	tap_str(render(flow_print, flow_reply_flags(IPPROTO_UDP, -1, KNAT_FLOW_KIND_SNAT,
						    &udp_o, &udp_r,
						    KNAT_FLOW_F_REPLIED | KNAT_FLOW_F_FAST_REPLY,
						    0, 300, 2, 1, 120, 60), NULL, false),
		"udp src=10.0.1.2:5000 dst=198.51.100.9:53 [FAST] reply "
		"src=198.51.100.9:53 dst=198.51.100.1:5000 snat age 0 expires 300 "
		"packets 2/1 bytes 120/60\n", "flow text: one direction fast: [FAST]");
	tap_str(render(flow_print, flow_reply_flags(IPPROTO_UDP, -1, KNAT_FLOW_KIND_SNAT,
						    &udp_o, &udp_r, KNAT_FLOW_F_FAST_ORIG,
						    0, 30, 1, 0, 60, 0), NULL, false),
		"udp src=10.0.1.2:5000 dst=198.51.100.9:53 [UNREPLIED] [FAST] reply "
		"src=198.51.100.9:53 dst=198.51.100.1:5000 snat age 0 expires 30 "
		"packets 1/0 bytes 60/0\n", "flow text: [UNREPLIED] then [FAST]");
	capture_start(true, false);
	open_json_array(NULL);
	flow_print(flow_reply_flags(IPPROTO_TCP, KNAT_TCP_ESTABLISHED, KNAT_FLOW_KIND_FORWARD,
				    &tcp_o, &tcp_r, KNAT_FLOW_F_REPLIED | KNAT_FLOW_F_FAST_ORIG |
				    KNAT_FLOW_F_FAST_REPLY, 3, 7437, 5, 4, 300, 250), NULL);
	flow_print(flow_reply_flags(IPPROTO_UDP, -1, KNAT_FLOW_KIND_SNAT, &udp_o, &udp_r,
				    KNAT_FLOW_F_REPLIED | KNAT_FLOW_F_FAST_REPLY,
				    0, 300, 2, 1, 120, 60), NULL);
	flow_print(flow_reply_flags(IPPROTO_UDP, -1, KNAT_FLOW_KIND_SNAT, &udp_o, &udp_r,
				    KNAT_FLOW_F_REPLIED | KNAT_FLOW_F_FAST_ORIG | (1U << 7),
				    0, 300, 2, 1, 120, 60), NULL);
	close_json_array();
	out = capture_end();
	tap_ok(strstr(out, "\"replied\":true,\"fastpath\":[\"orig\",\"reply\"],"
			   "\"packets_orig\":5,") != NULL,
	       "flow JSON: fastpath [\"orig\",\"reply\"]");
	tap_ok(strstr(out, "\"replied\":true,\"fastpath\":[\"reply\"],"
			   "\"packets_orig\":2,") != NULL,
	       "flow JSON: fastpath [\"reply\"]");
	tap_ok(strstr(out, "\"replied\":true,\"fastpath\":[\"orig\"],"
			   "\"packets_orig\":2,") != NULL,
	       "flow JSON: fastpath [\"orig\"], an unknown flag ignored");
	tap_save("flow-list-fast.json", out);

	/* pretty, saved for json.tool */
	capture_start(true, true);
	open_json_array(NULL);
	flow_print(flow_reply(IPPROTO_ICMP, -1, KNAT_FLOW_KIND_SNAT, &icmp_o, &icmp_r,
			      true, 1, 29, 1, 1, 84, 84), NULL);
	close_json_array();
	out = capture_end();
	tap_ok(strstr(out, "[\n    {\n        \"proto\": \"icmp\",\n") != NULL,
	       "flow JSON pretty: indented");
	tap_save("flow-list-pretty.json", out);
	test_flow6();
}

/* ---- stats, config, status ---- */

/*
 * A KNAT_HS_A nest as the kernel builds it: a pad (type 0) first in the
 * buckets, bucket i as type i + 1, COUNT their sum, MIN_US only when not
 * empty.  min_us 0: absent.
 */
struct nlattr *test_put_hs(struct nlmsghdr *nlh, uint16_t type,
			   const uint64_t *buckets, unsigned int n,
			   uint64_t sum_us, uint64_t min_us, uint64_t max_us)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type), *b;
	uint64_t count = 0;
	unsigned int i;

	b = mnl_attr_nest_start(nlh, KNAT_HS_A_BUCKETS);
	mnl_attr_put(nlh, 0, 0, NULL);
	for (i = 0; i < n; i++) {
		mnl_attr_put_u64(nlh, (uint16_t)(i + 1), buckets[i]);
		count += buckets[i];
	}
	mnl_attr_nest_end(nlh, b);
	mnl_attr_put(nlh, KNAT_HS_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, KNAT_HS_A_COUNT, count);
	mnl_attr_put_u64(nlh, KNAT_HS_A_SUM_US, sum_us);
	mnl_attr_put_u64(nlh, KNAT_HS_A_MAX_US, max_us);
	if (min_us)
		mnl_attr_put_u64(nlh, KNAT_HS_A_MIN_US, min_us);
	mnl_attr_nest_end(nlh, nest);
	return nest;
}

/* 30 handshakes: 20 under 1 ms, 3 of 1-2, 1 of 8-16, 6 of 16-32. */
const uint64_t test_hs_buckets[KNAT_HS_BUCKETS] = { 20, 3, 0, 0, 1, 6 };

/*
 * TCP states now: index = enum knat_tcp_state; one more, a state of a
 * newer kernel.
 */
static const uint32_t states_now[__KNAT_TCP_MAX + 1] = {
	[KNAT_TCP_SYN_SENT] = 2, [KNAT_TCP_SYN_RECV] = 1,
	[KNAT_TCP_ESTABLISHED] = 5, [KNAT_TCP_TIME_WAIT] = 30,
	[KNAT_TCP_CLOSE] = 1, [__KNAT_TCP_MAX] = 4,
};

/*
 * Counters i at 10 i with one a newer kernel has, drops i at i; with_tcp:
 * the TCP states and the handshake histogram too.
 */
static const struct nlmsghdr *stats_reply(bool with_tcp)
{
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *top, *nest;
	unsigned int i;

	top = mnl_attr_nest_start(nlh, KNAT_A_STATS);
	nest = mnl_attr_nest_start(nlh, KNAT_STATS_A_COUNTERS);
	for (i = 0; i < __KNAT_CNT_MAX + 1; i++)	/* one a newer kernel has */
		mnl_attr_put_u64(nlh, (uint16_t)(i + 1), i * 10);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, KNAT_STATS_A_DROPS);
	for (i = 0; i < __KNAT_DROP_MAX; i++)
		mnl_attr_put_u64(nlh, (uint16_t)(i + 1), i);
	mnl_attr_nest_end(nlh, nest);
	if (with_tcp) {
		nest = mnl_attr_nest_start(nlh, KNAT_STATS_A_TCP_STATES);
		for (i = 0; i < ARRAY_SIZE(states_now); i++)
			mnl_attr_put_u32(nlh, (uint16_t)(i + 1), states_now[i]);
		mnl_attr_put_u64(nlh, __KNAT_TCP_MAX + 5, 1);	/* not a u32 */
		mnl_attr_nest_end(nlh, nest);
		test_put_hs(nlh, KNAT_STATS_A_HANDSHAKE, test_hs_buckets,
			    KNAT_HS_BUCKETS, 142500, 1, 24000);
	}
	mnl_attr_nest_end(nlh, top);
	return nlh;
}

/* Lines of text that are "  NAME <blanks> VALUE". */
static unsigned int count_lines(const char *text, const char *name)
{
	char want[64];
	unsigned int n = 0;
	const char *p;
	size_t len;

	len = (size_t)snprintf(want, sizeof(want), "\n  %s ", name);
	for (p = text; (p = strstr(p, want)); p += len)
		n++;
	return n;
}

static const char stats_text[] =
	"translated:\n"
	"  pkts-orig                0\n"
	"  bytes-orig              10\n"
	"  pkts-reply              20\n"
	"  bytes-reply             30\n"
	"  port-preserved         100\n"
	"  hairpin                120\n"
	"flows:\n"
	"  flows-created-tcp       40\n"
	"  flows-created-udp       50\n"
	"  flows-created-icmp      60\n"
	"  flows-expired           70\n"
	"  flows-expired-tcp      380\n"
	"  flows-expired-udp      390\n"
	"  flows-expired-icmp     400\n"
	"  events-lost            370\n"
	"  early-drop             410\n"
	"tcp:\n"
	"  tcp-syn                190\n"
	"  tcp-syn-retrans        200\n"
	"  tcp-handshakes         210\n"
	"  tcp-rst-client         220\n"
	"  tcp-rst-server         230\n"
	"  tcp-fin                240\n"
	"  tcp-untracked           90\n"
	"%s"
	"icmp:\n"
	"  icmp-echo-request      250\n"
	"  icmp-echo-reply        260\n"
	"  icmp-unreach-net       270\n"
	"  icmp-unreach-host      280\n"
	"  icmp-unreach-proto     290\n"
	"  icmp-unreach-port      300\n"
	"  icmp-frag-needed       310\n"
	"  icmp-unreach-admin     320\n"
	"  icmp-unreach-other     330\n"
	"  icmp-time-exceeded     340\n"
	"  icmp-param-problem     350\n"
	"  icmp-other             360\n"
	"  icmp-errors-translated  80\n"
	"  icmp-errors-unknown    110\n"
	"icmpv6:\n"
	"  icmp6-echo-request     520\n"
	"  icmp6-echo-reply       530\n"
	"  icmp6-unreach-noroute  540\n"
	"  icmp6-unreach-admin    550\n"
	"  icmp6-unreach-addr     560\n"
	"  icmp6-unreach-port     570\n"
	"  icmp6-unreach-other    580\n"
	"  icmp6-pkt-toobig       590\n"
	"  icmp6-time-exceeded    600\n"
	"  icmp6-param-problem    610\n"
	"  icmp6-nd               620\n"
	"  icmp6-other            630\n"
	"load balancer:\n"
	"  vip-echo               130\n"
	"  pickup-client          140\n"
	"  pickup-backend         150\n"
	"  check-failed           160\n"
	"  check-down             170\n"
	"  check-up               180\n"
	"  check-ignored          420\n"
	"fast path:\n"
	"  fastpath               430\n"
	"  fastpath-learned       440\n"
	"  fastpath-slow-tcpflags 450\n"
	"  fastpath-slow-ipopts   460\n"
	"  fastpath-slow-ttl      470\n"
	"  fastpath-slow-mtu      480\n"
	"  fastpath-slow-route    490\n"
	"  fastpath-slow-iif      500\n"
	"  fastpath-ingress       510\n"
	"other:\n"
	"  counter-64             640\n"
	"drops:\n"
	"  malformed                0\n"
	"  table-full               1\n"
	"  no-port                  2\n"
	"  no-addr                  3\n"
	"  nomem                    4\n"
	"  unwritable               5\n"
	"  icmp-unrelated           6\n"
	"  fragment                 7\n"
	"  tcp-no-flow              8\n"
	"  unsupported              9\n"
	"  no-route                10\n"
	"  clash                   11\n"
	"  flow-gone               12\n"
	"  no-backend              13\n"
	"  rate-limited            14\n"
	"  bad-checksum            15\n"
	"  tcp-bad-flags           16\n"
	"  tcp-out-of-window       17\n"
	"  icmp-redirect           18\n"
	"  bad-source              19\n"
	"  pickup-ambiguous        20\n";

static const char stats_tcp_text[] =
	"  states: syn-sent 2  syn-recv 1  established 5  fin-wait 0  close-wait 0\n"
	"          last-ack 0  time-wait 30  close 1  state-9 4\n"
	"  half-open 3\n"
	"  handshake latency: count 30 min 0.001ms avg 4.75ms max 24ms\n"
	"    <1ms: 20  1-2ms: 3  2-4ms: 0  4-8ms: 0  8-16ms: 1  16-32ms: 6\n";

static const char stats_tcp_json[] =
	",\"tcp_states\":{\"none\":0,\"syn_sent\":2,\"syn_recv\":1,\"established\":5,"
	"\"fin_wait\":0,\"close_wait\":0,\"last_ack\":0,\"time_wait\":30,\"close\":1,"
	"\"state_9\":4},"
	"\"handshake\":{\"count\":30,\"sum_us\":142500,\"min_us\":1,\"max_us\":24000,"
	"\"avg_us\":4750,\"buckets\":[20,3,0,0,1,6,0,0,0,0,0,0,0,0,0,0]}";

/* ---- explain ---- */

/* Addresses with a ':' are IPv6: the ...6 twin of the attribute. */
static void put_any_ip(struct nlmsghdr *nlh, uint16_t type4, uint16_t type6,
		       const char *a)
{
	if (strchr(a, ':'))
		put_ip6(nlh, type6, a);
	else
		put_ip(nlh, type4, a);
}

/* An explain reply's packet: PROTO, SRC/DST (or SRC6/DST6), the ports. */
static struct nlattr *explain_start(struct nlmsghdr *nlh, uint8_t proto,
				    const char *src, uint16_t sport,
				    const char *dst, uint16_t dport,
				    const char *iif)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_EXPLAIN);

	mnl_attr_put_u8(nlh, KNAT_EXP_A_PROTO, proto);
	put_any_ip(nlh, KNAT_EXP_A_SRC, KNAT_EXP_A_SRC6, src);
	put_any_ip(nlh, KNAT_EXP_A_DST, KNAT_EXP_A_DST6, dst);
	put_be16(nlh, KNAT_EXP_A_SPORT, sport);
	if (proto != IPPROTO_ICMP && proto != IPPROTO_ICMPV6)
		put_be16(nlh, KNAT_EXP_A_DPORT, dport);
	if (iif)
		mnl_attr_put_strz(nlh, KNAT_EXP_A_IIF, iif);
	return nest;
}

static void explain_verdict(struct nlmsghdr *nlh, uint8_t verdict, uint32_t flags,
			    const char *oif)
{
	mnl_attr_put_u8(nlh, KNAT_EXP_A_VERDICT, verdict);
	mnl_attr_put_u32(nlh, KNAT_EXP_A_FLAGS, flags);
	if (oif)
		mnl_attr_put_strz(nlh, KNAT_EXP_A_OIF, oif);
}

static void explain_tuples(struct nlmsghdr *nlh, const struct tuple *out,
			   const struct tuple *reply, uint8_t kind)
{
	put_tuple(nlh, KNAT_EXP_A_OUT, out);
	put_tuple(nlh, KNAT_EXP_A_REPLY, reply);
	mnl_attr_put_u8(nlh, KNAT_EXP_A_KIND, kind);
}

/* An SNAT rule: @to NULL for masquerade. */
static void explain_snat(struct nlmsghdr *nlh, const char *src, uint8_t plen,
			 const char *out, const char *to, const char *to_max,
			 uint16_t pmin, uint16_t pmax, uint32_t flags)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_EXP_A_SNAT);

	put_any_ip(nlh, KNAT_SNAT_A_SRC, KNAT_SNAT_A_SRC6, src);
	mnl_attr_put_u8(nlh, KNAT_SNAT_A_SRC_PLEN, plen);
	if (out)
		mnl_attr_put_strz(nlh, KNAT_SNAT_A_OUT_IFNAME, out);
	if (to) {
		put_any_ip(nlh, KNAT_SNAT_A_TO_MIN, KNAT_SNAT_A_TO_MIN6, to);
		put_any_ip(nlh, KNAT_SNAT_A_TO_MAX, KNAT_SNAT_A_TO_MAX6, to_max);
	}
	put_be16(nlh, KNAT_SNAT_A_PORT_MIN, pmin);
	put_be16(nlh, KNAT_SNAT_A_PORT_MAX, pmax);
	mnl_attr_put_u32(nlh, KNAT_SNAT_A_FLAGS, flags);
	mnl_attr_nest_end(nlh, nest);
}

/* README's: a service's backend. */
static const struct nlmsghdr *explain_service_reply(void)
{
	static const struct tuple out = { "198.51.100.2", "10.0.2.11", 40000, 8080 };
	static const struct tuple reply = { "10.0.2.11", "198.51.100.2", 8080, 40000 };
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest, *n;

	nest = explain_start(nlh, IPPROTO_TCP, "198.51.100.2", 40000, "203.0.113.10", 80,
			     "br0");
	explain_verdict(nlh, KNAT_EXPLAIN_SERVICE, 0, "br1");
	explain_tuples(nlh, &out, &reply, KNAT_FLOW_KIND_SERVICE);
	n = mnl_attr_nest_start(nlh, KNAT_EXP_A_SERVICE);
	mnl_attr_put_u8(nlh, KNAT_SVC_A_PROTO, IPPROTO_TCP);
	put_ip(nlh, KNAT_SVC_A_ADDR, "203.0.113.10");
	put_be16(nlh, KNAT_SVC_A_PORT, 80);
	mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, "rr");
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, KNAT_EXP_A_BACKEND);
	put_ip(nlh, KNAT_BE_A_ADDR, "10.0.2.11");
	put_be16(nlh, KNAT_BE_A_PORT, 8080);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* IPv6: a service's backend, the service named by ADDR6. */
static const struct nlmsghdr *explain_service6_reply(void)
{
	static const struct tuple out = { "2001:db8:1::2", "fd00:2::11", 40000, 8080 };
	static const struct tuple reply = { "fd00:2::11", "2001:db8:1::2", 8080, 40000 };
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest, *n;

	nest = explain_start(nlh, IPPROTO_TCP, "2001:db8:1::2", 40000, "2001:db8::10", 80,
			     "r-wan");
	explain_verdict(nlh, KNAT_EXPLAIN_SERVICE, KNAT_EXPLAIN_F_PERSIST_HIT, "r-srv");
	explain_tuples(nlh, &out, &reply, KNAT_FLOW_KIND_SERVICE);
	n = mnl_attr_nest_start(nlh, KNAT_EXP_A_SERVICE);
	mnl_attr_put_u8(nlh, KNAT_SVC_A_PROTO, IPPROTO_TCP);
	put_ip6(nlh, KNAT_SVC_A_ADDR6, "2001:db8::10");
	put_be16(nlh, KNAT_SVC_A_PORT, 80);
	mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, "maglev");
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, KNAT_EXP_A_BACKEND);
	put_ip6(nlh, KNAT_BE_A_ADDR6, "fd00:2::11");
	put_be16(nlh, KNAT_BE_A_PORT, 8080);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* README's: an SNAT port drawn at random. */
static const struct nlmsghdr *explain_snat_reply(void)
{
	static const struct tuple out = { "192.0.2.1", "192.0.2.2", 0, 53 };
	static const struct tuple reply = { "192.0.2.2", "192.0.2.1", 53, 0 };
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest;

	nest = explain_start(nlh, IPPROTO_UDP, "198.51.100.2", 40000, "192.0.2.2", 53, "br0");
	explain_verdict(nlh, KNAT_EXPLAIN_SNAT, KNAT_EXPLAIN_F_PORT_RANDOM, "r-wan");
	explain_tuples(nlh, &out, &reply, KNAT_FLOW_KIND_SNAT);
	put_be16(nlh, KNAT_EXP_A_PORT_MIN, 30000);
	put_be16(nlh, KNAT_EXP_A_PORT_MAX, 30003);
	explain_snat(nlh, "198.51.100.2", 32, "r-wan", "192.0.2.1", "192.0.2.1", 30000,
		     30003, 0);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* IPv6: a forward from outside to an inside server. */
static const struct nlmsghdr *explain_forward6_reply(void)
{
	static const struct tuple out = { "2001:db8:1::2", "fd00:2::2", 5555, 80 };
	static const struct tuple reply = { "fd00:2::2", "2001:db8:1::2", 80, 5555 };
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest, *n;

	nest = explain_start(nlh, IPPROTO_TCP, "2001:db8:1::2", 5555, "2001:db8:1::1", 8080,
			     "r-wan");
	explain_verdict(nlh, KNAT_EXPLAIN_FORWARD, 0, "r-srv");
	explain_tuples(nlh, &out, &reply, KNAT_FLOW_KIND_FORWARD);
	n = mnl_attr_nest_start(nlh, KNAT_EXP_A_FORWARD);
	mnl_attr_put_u8(nlh, KNAT_FWD_A_PROTO, IPPROTO_TCP);
	put_ip6(nlh, KNAT_FWD_A_ADDR6, "2001:db8:1::1");
	put_be16(nlh, KNAT_FWD_A_PORT_MIN, 8080);
	put_be16(nlh, KNAT_FWD_A_PORT_MAX, 8080);
	put_ip6(nlh, KNAT_FWD_A_TO_ADDR6, "fd00:2::2");
	put_be16(nlh, KNAT_FWD_A_TO_PORT, 80);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* IPv6: a hairpin of a forward for any local address, keeping the port. */
static const struct nlmsghdr *explain_hairpin6_reply(void)
{
	static const struct tuple out = { "fd00:2::1", "fd00:2::2", 6000, 80 };
	static const struct tuple reply = { "fd00:2::2", "fd00:2::1", 80, 6000 };
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest, *n;

	nest = explain_start(nlh, IPPROTO_TCP, "fd00:2::2", 6000, "2001:db8:1::1", 8080,
			     "r-srv");
	explain_verdict(nlh, KNAT_EXPLAIN_FORWARD,
			KNAT_EXPLAIN_F_PORT_PRESERVED | KNAT_EXPLAIN_F_HAIRPIN, "r-srv");
	explain_tuples(nlh, &out, &reply, KNAT_FLOW_KIND_FORWARD_SNAT);
	n = mnl_attr_nest_start(nlh, KNAT_EXP_A_FORWARD);
	mnl_attr_put_u8(nlh, KNAT_FWD_A_PROTO, IPPROTO_TCP);
	put_ip6(nlh, KNAT_FWD_A_ADDR6, "::");
	put_be16(nlh, KNAT_FWD_A_PORT_MIN, 8080);
	put_be16(nlh, KNAT_FWD_A_PORT_MAX, 8080);
	put_ip6(nlh, KNAT_FWD_A_TO_ADDR6, "fd00:2::2");
	put_be16(nlh, KNAT_FWD_A_TO_PORT, 0);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* IPv6 masquerade, the port drawn at random. */
static const struct nlmsghdr *explain_masq6_reply(void)
{
	static const struct tuple out = { "2001:db8:1::1", "2001:db8:1::2", 0, 53 };
	static const struct tuple reply = { "2001:db8:1::2", "2001:db8:1::1", 53, 0 };
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest;

	nest = explain_start(nlh, IPPROTO_UDP, "fd00:1::2", 5555, "2001:db8:1::2", 53,
			     "r-lan");
	explain_verdict(nlh, KNAT_EXPLAIN_SNAT, KNAT_EXPLAIN_F_PORT_RANDOM, "r-wan");
	explain_tuples(nlh, &out, &reply, KNAT_FLOW_KIND_SNAT);
	put_be16(nlh, KNAT_EXP_A_PORT_MIN, 1024);
	put_be16(nlh, KNAT_EXP_A_PORT_MAX, 65535);
	explain_snat(nlh, "fd00:1::", 64, "r-wan", NULL, NULL, 1024, 65535,
		     KNAT_SNAT_F_MASQUERADE);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* ICMPv6 echo through a pool of two addresses: an existing flow. */
static const struct nlmsghdr *explain_icmp6_flow_reply(void)
{
	static const struct tuple out = { "2001:db8:1::5", "2001:db8:1::2", 20000, 20000 };
	static const struct tuple reply = { "2001:db8:1::2", "2001:db8:1::5", 20000, 20000 };
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest;

	nest = explain_start(nlh, IPPROTO_ICMPV6, "fd00:1::2", 4242, "2001:db8:1::2", 0,
			     "r-lan");
	explain_verdict(nlh, KNAT_EXPLAIN_FLOW, KNAT_EXPLAIN_F_REPLIED, NULL);
	explain_tuples(nlh, &out, &reply, KNAT_FLOW_KIND_SNAT);
	explain_snat(nlh, "fd00:1::", 64, NULL, "2001:db8:1::5", "2001:db8:1::6", 20000,
		     20099, 0);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* IPv6, no rule: the packet asked about, and nothing else. */
static const struct nlmsghdr *explain_pass6_reply(void)
{
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *nest;

	nest = explain_start(nlh, IPPROTO_TCP, "fd00:1::2", 4000, "fd00:2::2", 80, "r-lan");
	explain_verdict(nlh, KNAT_EXPLAIN_PASS, 0, "r-srv");
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_explain(void)
{
	const char *out;

	printf("# explain output\n");
	tap_str(render(explain_print, explain_service_reply(), NULL, false),
		"tcp 198.51.100.2:40000 -> 203.0.113.10:80 iif br0\n"
		"  service\n"
		"  service tcp 203.0.113.10:80 sched rr backend 10.0.2.11:8080\n"
		"  out 198.51.100.2:40000 -> 10.0.2.11:8080 oif br1\n"
		"  reply 10.0.2.11:8080 -> 198.51.100.2:40000\n",
		"explain text: a service (the README's)");
	tap_str(render(explain_print, explain_snat_reply(), NULL, false),
		"udp 198.51.100.2:40000 -> 192.0.2.2:53 iif br0\n"
		"  snat\n"
		"  snat from 198.51.100.2/32 out r-wan to 192.0.2.1 ports 30000-30003\n"
		"  out 192.0.2.1:* -> 192.0.2.2:53 oif r-wan\n"
		"  reply 192.0.2.2:53 -> 192.0.2.1:*\n"
		"  port * drawn at random from 30000-30003\n"
		"  flags port-random\n",
		"explain text: an SNAT port drawn at random (the README's)");
	tap_str(render(explain_print, explain_forward6_reply(), NULL, false),
		"tcp [2001:db8:1::2]:5555 -> [2001:db8:1::1]:8080 iif r-wan\n"
		"  forward\n"
		"  forward tcp [2001:db8:1::1]:8080 to [fd00:2::2]:80\n"
		"  out [2001:db8:1::2]:5555 -> [fd00:2::2]:80 oif r-srv\n"
		"  reply [fd00:2::2]:80 -> [2001:db8:1::2]:5555\n",
		"explain text IPv6: a forward, brackets before the ports");
	tap_str(render(explain_print, explain_hairpin6_reply(), NULL, false),
		"tcp [fd00:2::2]:6000 -> [2001:db8:1::1]:8080 iif r-srv\n"
		"  forward kind hairpin\n"
		"  forward tcp [::]:8080 to fd00:2::2\n"
		"  out [fd00:2::1]:6000 -> [fd00:2::2]:80 oif r-srv\n"
		"  reply [fd00:2::2]:80 -> [fd00:2::1]:6000\n"
		"  flags port-preserved hairpin\n",
		"explain text IPv6: hairpin, a forward of any address keeping the port");
	tap_str(render(explain_print, explain_masq6_reply(), NULL, false),
		"udp [fd00:1::2]:5555 -> [2001:db8:1::2]:53 iif r-lan\n"
		"  snat\n"
		"  snat from fd00:1::/64 out r-wan masquerade ports 1024-65535\n"
		"  out [2001:db8:1::1]:* -> [2001:db8:1::2]:53 oif r-wan\n"
		"  reply [2001:db8:1::2]:53 -> [2001:db8:1::1]:*\n"
		"  port * drawn at random from 1024-65535\n"
		"  flags port-random\n",
		"explain text IPv6: masquerade, a random port in brackets");
	tap_str(render(explain_print, explain_icmp6_flow_reply(), NULL, false),
		"icmpv6 fd00:1::2 -> 2001:db8:1::2 id 4242 iif r-lan\n"
		"  flow kind snat\n"
		"  snat from fd00:1::/64 to 2001:db8:1::5-2001:db8:1::6 ports 20000-20099\n"
		"  out 2001:db8:1::5 -> 2001:db8:1::2 id 20000\n"
		"  reply 2001:db8:1::2 -> 2001:db8:1::5 id 20000\n"
		"  flags replied\n",
		"explain text ICMPv6: bare addresses, the ids, an address range");
	tap_str(render(explain_print, explain_pass6_reply(), NULL, false),
		"tcp [fd00:1::2]:4000 -> [fd00:2::2]:80 iif r-lan\n"
		"  pass\n"
		"  oif r-srv\n",
		"explain text IPv6: pass");
	tap_str(render(explain_print, explain_service6_reply(), NULL, false),
		"tcp [2001:db8:1::2]:40000 -> [2001:db8::10]:80 iif r-wan\n"
		"  service\n"
		"  service tcp [2001:db8::10]:80 sched maglev backend [fd00:2::11]:8080\n"
		"  out [2001:db8:1::2]:40000 -> [fd00:2::11]:8080 oif r-srv\n"
		"  reply [fd00:2::11]:8080 -> [2001:db8:1::2]:40000\n"
		"  flags persist-hit\n",
		"explain text IPv6: a service and its backend in brackets");
	out = render(explain_print, explain_service6_reply(), NULL, true);
	tap_ok(strstr(out, "{\"proto\":\"tcp\",\"family\":\"inet6\",") &&
	       strstr(out, "\"service\":{\"proto\":\"tcp\",\"addr\":\"2001:db8::10\","
			   "\"port\":80,\"sched\":\"maglev\"},\"backend\":{"
			   "\"addr\":\"fd00:2::11\",\"port\":8080}"),
	       "explain JSON IPv6: service and backend, bare addresses");

	tap_str(render(explain_print, explain_forward6_reply(), NULL, true),
		"{\"proto\":\"tcp\",\"family\":\"inet6\",\"src\":\"2001:db8:1::2\","
		"\"sport\":5555,\"dst\":\"2001:db8:1::1\",\"dport\":8080,\"iif\":\"r-wan\","
		"\"local\":false,\"verdict\":\"forward\",\"drop\":null,\"kind\":\"forward\","
		"\"state\":null,\"forward\":{\"proto\":\"tcp\",\"addr\":\"2001:db8:1::1\","
		"\"port_min\":8080,\"port_max\":8080,\"to_addr\":\"fd00:2::2\",\"to_port\":80},"
		"\"out\":{\"src\":\"2001:db8:1::2\",\"sport\":5555,\"dst\":\"fd00:2::2\","
		"\"dport\":80},\"oif\":\"r-srv\",\"reply\":{\"src\":\"fd00:2::2\",\"sport\":80,"
		"\"dst\":\"2001:db8:1::2\",\"dport\":5555},\"flags\":[]}\n",
		"explain JSON IPv6: family inet6, bare addresses");
	out = render(explain_print, explain_masq6_reply(), NULL, true);
	tap_ok(strstr(out, "\"snat\":{\"src\":\"fd00:1::\",\"plen\":64,"
			   "\"out_ifname\":\"r-wan\",\"masquerade\":true,") &&
	       strstr(out, "\"out\":{\"src\":\"2001:db8:1::1\",\"sport\":null,"
			   "\"dst\":\"2001:db8:1::2\",\"dport\":53}") &&
	       strstr(out, "\"port_range\":{\"min\":1024,\"max\":65535}"),
	       "explain JSON IPv6 masquerade: the rule, a null port, its range");
	out = render(explain_print, explain_icmp6_flow_reply(), NULL, true);
	tap_ok(strstr(out, "{\"proto\":\"icmpv6\",\"family\":\"inet6\",") &&
	       strstr(out, "\"dport\":null,") &&
	       strstr(out, "\"to_min\":\"2001:db8:1::5\",\"to_max\":\"2001:db8:1::6\""),
	       "explain JSON ICMPv6: no destination port, the pool's two ends");
	out = render(explain_print, explain_service_reply(), NULL, true);
	tap_ok(strstr(out, "{\"proto\":\"tcp\",\"family\":\"inet\",\"src\":\"198.51.100.2\",")
	       != NULL, "explain JSON IPv4: family inet");

	capture_start(true, false);
	open_json_array(NULL);
	explain_print(explain_service_reply(), NULL);
	explain_print(explain_snat_reply(), NULL);
	explain_print(explain_forward6_reply(), NULL);
	explain_print(explain_hairpin6_reply(), NULL);
	explain_print(explain_masq6_reply(), NULL);
	explain_print(explain_icmp6_flow_reply(), NULL);
	explain_print(explain_pass6_reply(), NULL);
	explain_print(explain_service6_reply(), NULL);
	close_json_array();
	tap_save("explain.json", capture_end());
}

static void test_stats(void)
{
	char *text = NULL, *json = NULL, key[64], want[4096];
	size_t json_len;
	FILE *want_json;
	const char *out;
	bool once = true;
	unsigned int i;

	printf("# stats, config and status output\n");

	/*
	 * The names themselves are checked by test_tables() and, against the
	 * man page, by docs.sh; here the layout, the order and the fallback.
	 */
	want_json = open_memstream(&json, &json_len);
	fprintf(want_json, "{\"counters\":{");
	for (i = 0; i <= __KNAT_CNT_MAX; i++) {
		const char *name = stats_counter_name(i);

		if (name)
			snprintf(key, sizeof(key), "%s", name);
		else
			snprintf(key, sizeof(key), "counter-%u", i);
		json_key_from_name(key, sizeof(key), key);
		fprintf(want_json, "%s\"%s\":%u", i ? "," : "", key, i * 10);
	}
	fprintf(want_json, "},\"drops\":{");
	for (i = 0; i < __KNAT_DROP_MAX; i++) {
		json_key_from_name(key, sizeof(key), stats_drop_name(i));
		fprintf(want_json, "%s\"%s\":%u", i ? "," : "", key, i);
	}
	fprintf(want_json, "}");
	fclose(want_json);

	/* An older kernel: counters and drops only. */
	snprintf(want, sizeof(want), stats_text, "");
	out = render(stats_print, stats_reply(false), NULL, false);
	tap_str(out, want, "stats text: grouped, aligned, a counter from a newer "
		"kernel as counter-%u under other", __KNAT_CNT_MAX);
	for (i = 0; i < __KNAT_CNT_MAX; i++)
		if (count_lines(out, stats_counter_name(i)) != 1) {
			once = false;
			printf("# %s: %u times\n", stats_counter_name(i),
			       count_lines(out, stats_counter_name(i)));
		}
	tap_ok(once, "stats text: every counter in exactly one group");
	out = render(stats_print, stats_reply(false), NULL, true);
	snprintf(want, sizeof(want), "%s}\n", json);
	tap_str(out, want, "stats JSON, older kernel: counters and drops, kernel order");
	tap_ok(!strncmp(out, "{\"counters\":{\"pkts_orig\":0,\"bytes_orig\":10,", 40),
	       "stats JSON: keys with underscores");

	/* With the TCP states and the handshake histogram. */
	snprintf(want, sizeof(want), stats_text, stats_tcp_text);
	out = render(stats_print, stats_reply(true), NULL, false);
	tap_str(out, want, "stats text: TCP states wrapped, half-open, handshake "
		"latency and buckets up to the highest one not empty");
	out = render(stats_print, stats_reply(true), NULL, true);
	snprintf(want, sizeof(want), "%s%s}\n", json, stats_tcp_json);
	tap_str(out, want, "stats JSON: counters and drops as before, then "
		"tcp_states and handshake");
	tap_save("stats.json", out);
	free(text);
	free(json);
	save_names("counters.names", stats_counter_name, __KNAT_CNT_MAX);
	save_names("drops.names", stats_drop_name, __KNAT_DROP_MAX);
}

/* The handshake histogram's pieces, and an empty one. */
static void test_handshake(void)
{
	static const uint64_t all[KNAT_HS_BUCKETS] = {
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	};
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *top;
	char b[HS_FMT_BUF];
	struct hs_hist h;
	const char *out;

	printf("# handshake latency\n");
	tap_str(hs_fmt_ms(0, b), "0ms", "ms: 0");
	tap_str(hs_fmt_ms(1, b), "0.001ms", "ms: 1 us");
	tap_str(hs_fmt_ms(120, b), "0.12ms", "ms: 120 us, trailing zero dropped");
	tap_str(hs_fmt_ms(4000, b), "4ms", "ms: 4000 us, no decimals left");
	tap_str(hs_fmt_ms(2345, b), "2.35ms", "ms: 3 significant digits");
	tap_str(hs_fmt_ms(40123, b), "40.1ms", "ms: 40.1");
	tap_str(hs_fmt_ms(812400, b), "812ms", "ms: from 100 on, whole");
	tap_str(hs_fmt_ms(16384000, b), "16384ms", "ms: seconds stay ms");

	hs_parse(NULL, &h);
	tap_ok(!h.present && h.nbuckets == KNAT_HS_BUCKETS && !h.count,
	       "no nest: not present, empty");
	tap_str(hs_bucket_name(&h, 0, b), "<1ms", "bucket 0 name");
	tap_str(hs_bucket_name(&h, 1, b), "1-2ms", "bucket 1 name");
	tap_str(hs_bucket_name(&h, 5, b), "16-32ms", "bucket 5 name");
	tap_str(hs_bucket_name(&h, 15, b), ">=16384ms", "last bucket name");
	tap_num((long long)hs_bucket_le_ms(&h, 14), 16384, "bucket 14 up to 16384 ms");
	tap_num((long long)hs_bucket_le_ms(&h, 15), 0, "last bucket unbounded");

	/* Every bucket: wrapped at 80 columns. */
	top = mnl_attr_nest_start(nlh, KNAT_A_STATS);
	test_put_hs(nlh, KNAT_STATS_A_HANDSHAKE, all, KNAT_HS_BUCKETS,
		    100000000, 400, 30000000);
	mnl_attr_nest_end(nlh, top);
	out = render(stats_print, nlh, NULL, false);
	tap_str(strstr(out, "  handshake"),
		"  handshake latency: count 16 min 0.4ms avg 6250ms max 30000ms\n"
		"    <1ms: 1  1-2ms: 1  2-4ms: 1  4-8ms: 1  8-16ms: 1  16-32ms: 1  32-64ms: 1\n"
		"    64-128ms: 1  128-256ms: 1  256-512ms: 1  512-1024ms: 1  1024-2048ms: 1\n"
		"    2048-4096ms: 1  4096-8192ms: 1  8192-16384ms: 1  >=16384ms: 1\n"
		"drops:\n",
		"every bucket: wrapped before 80 columns");

	/* Empty: count 0, no min, no buckets line; JSON nulls. */
	nlh = reply_new();
	top = mnl_attr_nest_start(nlh, KNAT_A_STATS);
	test_put_hs(nlh, KNAT_STATS_A_HANDSHAKE, all, 0, 0, 0, 0);
	mnl_attr_nest_end(nlh, top);
	out = render(stats_print, nlh, NULL, false);
	tap_str(strstr(out, "  handshake"), "  handshake latency: count 0\ndrops:\n",
		"no handshake yet: count 0 and nothing else");
	out = render(stats_print, nlh, NULL, true);
	tap_str(out,
		"{\"counters\":{},\"drops\":{},\"handshake\":{\"count\":0,\"sum_us\":0,"
		"\"min_us\":null,\"max_us\":0,\"avg_us\":null,"
		"\"buckets\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}}\n",
		"no handshake yet: JSON min_us and avg_us null, 16 zero buckets");

	/* Every handshake 0 us: the module's minimum 1 is above the maximum. */
	{
		static const uint64_t two_fast[KNAT_HS_BUCKETS] = { 2 };

		nlh = reply_new();
		top = mnl_attr_nest_start(nlh, KNAT_A_STATS);
		test_put_hs(nlh, KNAT_STATS_A_HANDSHAKE, two_fast, KNAT_HS_BUCKETS,
			    0, 1, 0);
		mnl_attr_nest_end(nlh, top);
		out = render(stats_print, nlh, NULL, false);
		tap_str(strstr(out, "  handshake"),
			"  handshake latency: count 2 min 0ms avg 0ms max 0ms\n"
			"    <1ms: 2\n"
			"drops:\n", "min 1 us, max 0: min shown as 0, never above max");
		out = render(stats_print, nlh, NULL, true);
		tap_ok(strstr(out, "\"min_us\":0,\"max_us\":0,") != NULL,
		       "min 1 us, max 0: JSON min_us 0");
	}

	/* A newer kernel's 18 buckets: the bounds follow; 40 and more fold. */
	{
		uint64_t more[HS_BUCKETS_MAX + 2] = { 0 };
		struct nlattr *nest;

		more[17] = 2;
		more[HS_BUCKETS_MAX + 1] = 5;
		nlh = reply_new();
		hs_parse(test_put_hs(nlh, KNAT_A_STATS, more, 18, 0, 0, 0), &h);
		tap_ok(h.nbuckets == 18 && h.count == 2 && h.bucket[17] == 2,
		       "18 buckets: all read");
		tap_str(hs_bucket_name(&h, 15, b), "16384-32768ms",
			"18 buckets: bucket 15 bounded");
		tap_str(hs_bucket_name(&h, 17, b), ">=65536ms",
			"18 buckets: the last from 65536 ms");
		nlh = reply_new();
		nest = test_put_hs(nlh, KNAT_A_STATS, more, HS_BUCKETS_MAX + 2, 0, 0, 0);
		hs_parse(nest, &h);
		tap_ok(h.nbuckets == HS_BUCKETS_MAX &&
		       h.bucket[HS_BUCKETS_MAX - 1] == 5 && h.count == 7,
		       "%u buckets: those past %u counted in the last",
		       HS_BUCKETS_MAX + 2, HS_BUCKETS_MAX);
	}
}

/* ---- service: rates, active/inactive, ICMP ---- */

static void put_rate(struct nlmsghdr *nlh, uint16_t type, const uint64_t *r)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	uint16_t i;

	for (i = 0; i < 5; i++)
		mnl_attr_put_u64(nlh, KNAT_RATE_A_CPS + i, r[i]);
	mnl_attr_nest_end(nlh, nest);
}

/*
 * udp 203.0.113.10:53, one backend; rates in thousandths per second,
 * 4 active of 7 flows, and ICMP counters with one unknown to this knat.
 */
static const struct nlmsghdr *rate_service_reply(void)
{
	static const uint64_t rate[5] = { 2500, 48000, 999, 3600000, 1234567890 };
	static const uint64_t zero[5];
	struct lbmsg m;
	struct nlmsghdr *nlh = lbmsg_service(&m, buf, IPPROTO_UDP, "203.0.113.10", 53);
	struct nlattr *one;

	mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, "rr");
	lbmsg_stats(&m);
	put_rate(nlh, KNAT_LBSTATS_A_RATE, rate);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_ACTIVE, 4);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_INACTIVE, 3);
	one = mnl_attr_nest_start(nlh, KNAT_LBSTATS_A_ICMP);
	mnl_attr_put_u64(nlh, KNAT_CNT_ICMP_ERR_TRANSLATED + 1, 1);
	mnl_attr_put_u64(nlh, KNAT_CNT_VIP_ECHO + 1, 0);
	mnl_attr_put_u64(nlh, KNAT_CNT_ICMP_UNREACH_PORT + 1, 1);
	mnl_attr_put_u64(nlh, 250, 5);
	mnl_attr_nest_end(nlh, one);
	one = mnl_attr_nest_start(nlh, KNAT_LBSTATS_A_ICMP_DROPS);
	mnl_attr_put_u64(nlh, KNAT_DROP_ICMP_UNRELATED + 1, 2);
	mnl_attr_nest_end(nlh, one);
	nlh = lbmsg_backend(&m);
	put_ip(nlh, KNAT_BE_A_ADDR, "10.0.2.11");
	put_be16(nlh, KNAT_BE_A_PORT, 5353);
	mnl_attr_put_u32(nlh, KNAT_BE_A_WEIGHT, 1);
	mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, KNAT_BACKEND_UP);
	lbmsg_stats(&m);
	put_rate(nlh, KNAT_LBSTATS_A_RATE, zero);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_ACTIVE, 0);
	mnl_attr_put_u32(nlh, KNAT_LBSTATS_A_INACTIVE, 7);
	return lbmsg_end(&m);
}

static void test_service_rates(void)
{
	struct cli_opts plain = { .stats = false }, stats = { .stats = true };
	const char *out;
	char b[32];

	printf("# service list: rates, active/inactive, ICMP\n");
	tap_str(render(service_print, rate_service_reply(), &stats, false),
		"udp 203.0.113.10:53 sched rr flows 0 conns 0 packets 0/0 bytes 0/0 "
		"active 4 inactive 3\n"
		"  rate conns 2.5/s in 48 pkt/s 3.6 kB/s out 1 pkt/s 1.2 MB/s\n"
		"  icmp icmp-errors-translated 1 icmp-unreach-port 1 counter-249 5 "
		"icmp-unrelated 2\n"
		"  -> 10.0.2.11:5353 weight 1 up flows 0 conns 0 packets 0/0 bytes 0/0 "
		"active 0 inactive 7\n"
		"     rate conns 0/s in 0 pkt/s 0 B/s out 0 pkt/s 0 B/s\n",
		"service text -s: active, inactive, a rate line, an icmp line");
	tap_str(render(service_print, rate_service_reply(), &plain, false),
		"udp 203.0.113.10:53 sched rr\n"
		"  -> 10.0.2.11:5353 weight 1 up\n",
		"service text: none of it without -s");
	out = render(service_print, rate_service_reply(), &stats, true);
	tap_ok(strstr(out, "\"active\":4,\"inactive\":3,\"rate\":{\"conns\":2.5,"
			   "\"packets_in\":48,\"packets_out\":0.999,"
			   "\"bytes_in\":3600,\"bytes_out\":1234567.89}") != NULL,
	       "service JSON -s: active, inactive, rate per second with decimals");
	tap_ok(strstr(out, "\"icmp\":{\"icmp_errors_translated\":1,\"vip_echo\":0,"
			   "\"icmp_unreach_port\":1,\"counter_249\":5,"
			   "\"icmp_unrelated\":2}") != NULL,
	       "service JSON -s: icmp, zeros and unknown ones included");
	tap_save("service-rates.json", out);
	tap_str(fmt_rate(b, sizeof(b), 9949, false), "9.9", "fmt_rate: 9.949 -> 9.9");
	tap_str(fmt_rate(b, sizeof(b), 10500, false), "11", "fmt_rate: 10.5 -> 11");
	tap_str(fmt_rate(b, sizeof(b), 999999, true), "1000 B", "fmt_rate: 999.999 B");
	tap_str(fmt_rate(b, sizeof(b), 41000000, true), "41 kB", "fmt_rate: 41 kB");
}

/* The values every config reply of these tests starts with. */
static void put_config_values(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, KNAT_CFG_A_MAX_FLOWS, 262144);
	mnl_attr_put_u32(nlh, KNAT_CFG_A_RATE_INTERVAL, 2);
	mnl_attr_put_u32(nlh, KNAT_CFG_A_RATE_WINDOW, 8);
}

static void test_config(void)
{
	static const uint32_t defaults[] = {
		120, 60, 7440, 240, 240, 240, 120, 10, 30, 300, 30, 99,
	};
	struct nlmsghdr *nlh = reply_new();
	struct nlattr *top, *nest;
	const char *out;
	unsigned int i;

	top = mnl_attr_nest_start(nlh, KNAT_A_CONFIG);
	put_config_values(nlh);
	nest = mnl_attr_nest_start(nlh, KNAT_CFG_A_TIMEOUTS);
	for (i = 0; i < ARRAY_SIZE(defaults); i++)
		mnl_attr_put_u32(nlh, (uint16_t)(i + 1), defaults[i]);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_nest_end(nlh, top);

	tap_str(render(config_print, nlh, NULL, false),
		"max-flows 262144\n"
		"rate-interval 2\n"
		"rate-window 8\n"
		"timeout tcp-syn-sent 120\n"
		"timeout tcp-syn-recv 60\n"
		"timeout tcp-established 7440\n"
		"timeout tcp-fin-wait 240\n"
		"timeout tcp-close-wait 240\n"
		"timeout tcp-last-ack 240\n"
		"timeout tcp-time-wait 120\n"
		"timeout tcp-close 10\n"
		"timeout udp-unreplied 30\n"
		"timeout udp-replied 300\n"
		"timeout icmp 30\n"
		"timeout timeout-11 99\n", "config text, unknown timeout as timeout-11");
	out = render(config_print, nlh, NULL, true);
	tap_str(out,
		"{\"max_flows\":262144,\"rate_interval\":2,\"rate_window\":8,\"timeouts\":{\"tcp_syn_sent\":120,\"tcp_syn_recv\":60,"
		"\"tcp_established\":7440,\"tcp_fin_wait\":240,\"tcp_close_wait\":240,"
		"\"tcp_last_ack\":240,\"tcp_time_wait\":120,\"tcp_close\":10,"
		"\"udp_unreplied\":30,\"udp_replied\":300,\"icmp\":30,\"timeout_11\":99}}\n",
		"config JSON");
	tap_save("config.json", out);

	/* A module with a fast path: "fastpath on|off" after rate-window. */
	nlh = reply_new();
	top = mnl_attr_nest_start(nlh, KNAT_A_CONFIG);
	put_config_values(nlh);
	mnl_attr_put_u8(nlh, KNAT_CFG_A_FASTPATH, 1);
	nest = mnl_attr_nest_start(nlh, KNAT_CFG_A_TIMEOUTS);
	mnl_attr_put_u32(nlh, KNAT_TIMEOUT_ICMP + 1, 30);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_nest_end(nlh, top);
	tap_str(render(config_print, nlh, NULL, false),
		"max-flows 262144\n"
		"rate-interval 2\n"
		"rate-window 8\n"
		"fastpath on\n"
		"timeout icmp 30\n", "config text: fastpath on");
	out = render(config_print, nlh, NULL, true);
	tap_str(out,
		"{\"max_flows\":262144,\"rate_interval\":2,\"rate_window\":8,\"fastpath\":true,"
		"\"timeouts\":{\"icmp\":30}}\n", "config JSON: fastpath true");
	tap_save("config-fastpath.json", out);

	nlh = reply_new();
	top = mnl_attr_nest_start(nlh, KNAT_A_CONFIG);
	mnl_attr_put_u8(nlh, KNAT_CFG_A_FASTPATH, 0);
	mnl_attr_nest_end(nlh, top);
	tap_str(render(config_print, nlh, NULL, false), "fastpath off\n",
		"config text: fastpath off");
	tap_str(render(config_print, nlh, NULL, true),
		"{\"fastpath\":false,\"timeouts\":{}}\n", "config JSON: fastpath false");
}

static void test_status(void)
{
	struct nlmsghdr *nlh = reply_new();
	const char *out;

	mnl_attr_put_strz(nlh, KNAT_A_VERSION, "0.1.0");
	mnl_attr_put_strz(nlh, KNAT_A_BUILD_ID, "2024-01-01T00:00:00 \"builder\"");
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FORWARDS, 1);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SNATS, 2);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SERVICES, 0);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FLOWS, 42);
	mnl_attr_put_u32(nlh, KNAT_A_FLOW_BUCKETS, 262144);
	mnl_attr_put_u8(nlh, KNAT_A_HOOKS_ACTIVE, 1);
	mnl_attr_put_u8(nlh, KNAT_A_FASTPATH, 1);
	mnl_attr_put_u32(nlh, KNAT_A_FASTPATH_DEVS, 3);

	tap_str(render(status_print, nlh, NULL, false),
		"knat 0.1.0 build 2024-01-01T00:00:00 \"builder\"\n"
		"hooks active\n"
		"fastpath on, ingress hooks on 3 devices\n"
		"forwards 1 snats 2 services 0 flows 42\n", "status text");
	out = render(status_print, nlh, NULL, true);
	tap_str(out,
		"{\"version\":\"0.1.0\",\"build_id\":\"2024-01-01T00:00:00 \\\"builder\\\"\","
		"\"hooks_active\":true,\"fastpath\":true,\"fastpath_devices\":3,"
		"\"forwards\":1,\"snats\":2,"
		"\"services\":0,\"flows\":42,\"flow_buckets\":262144,"
		"\"hooks6_active\":false,\"forwards6\":0,\"snats6\":0,\"services6\":0,"
		"\"flows6\":0}\n",
		"status JSON, build id escaped");
	tap_save("status.json", out);

	nlh = reply_new();
	mnl_attr_put_u8(nlh, KNAT_A_HOOKS_ACTIVE, 1);
	mnl_attr_put_u8(nlh, KNAT_A_FASTPATH, 0);
	out = render(status_print, nlh, NULL, false);
	tap_ok(strstr(out, "\nhooks active\nfastpath off\nforwards ") != NULL,
	       "status text: fastpath off");
	out = render(status_print, nlh, NULL, true);
	tap_ok(strstr(out, "\"hooks_active\":true,\"fastpath\":false,") != NULL,
	       "status JSON: fastpath false");

	nlh = reply_new();
	mnl_attr_put_u8(nlh, KNAT_A_HOOKS_ACTIVE, 0);
	mnl_attr_put_u16(nlh, KNAT_A_NUM_FLOWS, 7);	/* wrong size: ignored */
	mnl_attr_put_u32(nlh, KNAT_A_MAX + 5, 1);	/* unknown: ignored */
	tap_str(render(status_print, nlh, NULL, false),
		"knat unknown build unknown\n"
		"hooks inactive\n"
		"fastpath off\n"
		"forwards 0 snats 0 services 0 flows 0\n",
		"status text: missing, malformed and unknown attributes; "
		"no fast path from an older module is off");
	out = render(status_print, nlh, NULL, true);
	tap_str(out,
		"{\"version\":null,\"build_id\":null,\"hooks_active\":false,\"fastpath\":false,"
		"\"forwards\":0,\"snats\":0,\"services\":0,\"flows\":0,"
		"\"flow_buckets\":0,\"hooks6_active\":false,\"forwards6\":0,\"snats6\":0,"
		"\"services6\":0,\"flows6\":0}\n",
		"status JSON: missing attributes");
	tap_save("status-sparse.json", out);

	/* IPv6: a line of its own, only when there is something IPv6. */
	nlh = reply_new();
	mnl_attr_put_strz(nlh, KNAT_A_VERSION, "0.1.0");
	mnl_attr_put_strz(nlh, KNAT_A_BUILD_ID, "b");
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FORWARDS, 3);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SNATS, 2);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SERVICES, 0);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FLOWS, 10);
	mnl_attr_put_u8(nlh, KNAT_A_HOOKS_ACTIVE, 1);
	mnl_attr_put_u8(nlh, KNAT_A_FASTPATH, 0);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FORWARDS6, 1);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SNATS6, 0);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FLOWS6, 4);
	mnl_attr_put_u8(nlh, KNAT_A_HOOKS6_ACTIVE, 1);
	tap_str(render(status_print, nlh, NULL, false),
		"knat 0.1.0 build b\n"
		"hooks active\n"
		"fastpath off\n"
		"forwards 3 snats 2 services 0 flows 10\n"
		"ipv6 hooks active, forwards 1 snats 0 flows 4\n",
		"status text: the IPv6 line");
	out = render(status_print, nlh, NULL, true);
	tap_ok(strstr(out, "\"flow_buckets\":0,\"hooks6_active\":true,\"forwards6\":1,"
			   "\"snats6\":0,\"services6\":0,\"flows6\":4}") != NULL,
	       "status JSON: the IPv6 counts");
	tap_save("status6.json", out);

	/* IPv6 services: in the IPv6 line once there are some. */
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SERVICES6, 1);
	tap_ok(strstr(render(status_print, nlh, NULL, false),
		      "\nipv6 hooks active, forwards 1 snats 0 services 1 flows 4\n") != NULL,
	       "status text: IPv6 services in the IPv6 line");
	tap_ok(strstr(render(status_print, nlh, NULL, true),
		      "\"snats6\":0,\"services6\":1,\"flows6\":4}") != NULL,
	       "status JSON: services6");
	nlh = reply_new();
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SERVICES, 1);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_SERVICES6, 1);
	tap_ok(strstr(render(status_print, nlh, NULL, false),
		      "\nipv6 hooks inactive, forwards 0 snats 0 services 1 flows 0\n") != NULL,
	       "status text: an IPv6 service alone shows the IPv6 line");

	nlh = reply_new();
	mnl_attr_put_u8(nlh, KNAT_A_HOOKS_ACTIVE, 1);
	mnl_attr_put_u32(nlh, KNAT_A_NUM_FORWARDS6, 0);
	mnl_attr_put_u8(nlh, KNAT_A_HOOKS6_ACTIVE, 0);
	out = render(status_print, nlh, NULL, false);
	tap_ok(!strstr(out, "ipv6"), "status text: no IPv6 line when all of it is 0");
}

void test_print(void)
{
	printf("# name tables\n");
	test_tables();
	test_forward();
	test_snat();
	test_service();
	test_service_handshake();
	test_service_rates();
	test_flow();
	test_explain();
	test_stats();
	test_handshake();
	test_config();
	test_status();
}
