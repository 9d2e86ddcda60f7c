// SPDX-License-Identifier: GPL-2.0
/* utils.c: every parser's accepted forms and every rejection's reason. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "../utils.h"
#include "tap.h"
#include "unit.h"

static uint32_t A(const char *s)
{
	return inet_addr(s);
}

/* Is a the IPv6 address s? */
static bool is6(const struct ipaddr *a, const char *s)
{
	struct in6_addr in6;

	return a->family == AF_INET6 && inet_pton(AF_INET6, s, &in6) == 1 &&
	       !memcmp(&a->v6, &in6, sizeof(in6));
}

static void test_uint(void)
{
	static const struct {
		const char *in;
		unsigned long long min, max;
		int err;
		unsigned long long want;
	} cases[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 0, 10 },
		{ "007", 0, 10, 0, 7 },
		{ "11", 0, 10, -ERANGE, 0 },
		{ "0", 1, 10, -ERANGE, 0 },
		{ "18446744073709551615", 0, ~0ULL, 0, ~0ULL },
		{ "18446744073709551616", 0, ~0ULL, -ERANGE, 0 },
		{ "99999999999999999999999", 0, 65535, -ERANGE, 0 },
		{ "", 0, 10, -EINVAL, 0 },
		{ "-1", 0, 10, -EINVAL, 0 },
		{ "+1", 0, 10, -EINVAL, 0 },
		{ " 1", 0, 10, -EINVAL, 0 },
		{ "1 ", 0, 10, -EINVAL, 0 },
		{ "0x10", 0, 100, -EINVAL, 0 },
		{ "12a", 0, 100, -EINVAL, 0 },
		{ "99999x", 0, 100, -EINVAL, 0 },	/* garbage wins over range */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned long long v = 0;
		int err = parse_uint(cases[i].in, cases[i].min, cases[i].max, &v);

		tap_num(err, cases[i].err, "parse_uint \"%s\" [%llu..%llu] result",
			cases[i].in, cases[i].min, cases[i].max);
		if (!cases[i].err)
			tap_num((long long)v, (long long)cases[i].want,
				"parse_uint \"%s\" value", cases[i].in);
	}
}

static void test_addr(void)
{
	static const struct {
		const char *in;
		const char *why;
	} cases[] = {
		{ "10.0.1.2", NULL },
		{ "0.0.0.0", NULL },
		{ "255.255.255.255", NULL },
		{ "", "missing address" },
		{ "1.2.3", "invalid IPv4 address" },
		{ "1.2.3.4.5", "invalid IPv4 address" },
		{ "256.1.1.1", "invalid IPv4 address" },
		{ "a.b.c.d", "invalid IPv4 address" },
		{ " 1.2.3.4", "invalid IPv4 address" },
		{ "1.2.3.4 ", "invalid IPv4 address" },
		{ "0x01020304", "invalid IPv4 address" },
		{ "16909060", "invalid IPv4 address" },
		{ "::1", "invalid IPv4 address" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t a = 0;

		tap_str(parse_addr(cases[i].in, &a), cases[i].why,
			"parse_addr \"%s\"", cases[i].in);
		if (!cases[i].why)
			tap_num(a, A(cases[i].in), "parse_addr \"%s\" value",
				cases[i].in);
	}
}

static void test_prefix(void)
{
	static const struct {
		const char *in;
		const char *why;
		const char *addr;
		int plen;
	} cases[] = {
		{ "10.0.1.0/24", NULL, "10.0.1.0", 24 },
		{ "10.0.0.0/8", NULL, "10.0.0.0", 8 },
		{ "0.0.0.0/0", NULL, "0.0.0.0", 0 },
		{ "10.0.1.2", NULL, "10.0.1.2", 32 },
		{ "10.0.1.2/32", NULL, "10.0.1.2", 32 },
		{ "10.0.1.0/33", "prefix length out of range", NULL, 0 },
		{ "10.0.1.0/99999999999999999999", "prefix length out of range", NULL, 0 },
		{ "10.0.1.0/", "missing prefix length", NULL, 0 },
		{ "10.0.1.0/x", "invalid prefix length", NULL, 0 },
		{ "10.0.1.0/-1", "invalid prefix length", NULL, 0 },
		{ "10.0.1.0/24/1", "invalid prefix length", NULL, 0 },
		{ "10.0.1.5/24", "host bits set beyond the prefix length", NULL, 0 },
		{ "1.0.0.0/0", "host bits set beyond the prefix length", NULL, 0 },
		{ "/24", "missing address", NULL, 0 },
		{ "10.0.1/24", "invalid IPv4 address", NULL, 0 },
		{ "", "missing address", NULL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t a = 0;
		uint8_t plen = 0;

		tap_str(parse_prefix(cases[i].in, &a, &plen), cases[i].why,
			"parse_prefix \"%s\"", cases[i].in);
		if (!cases[i].why)
			tap_ok(a == A(cases[i].addr) && plen == cases[i].plen,
			       "parse_prefix \"%s\" value", cases[i].in);
	}
	tap_num(prefix_mask(0), 0, "prefix_mask /0");
	tap_num(prefix_mask(24), A("255.255.255.0"), "prefix_mask /24");
	tap_num(prefix_mask(32), A("255.255.255.255"), "prefix_mask /32");
}

static void test_ports(void)
{
	static const struct {
		const char *in;
		bool range, zero;
		const char *why;
		int min, max;
	} cases[] = {
		{ "80", true, false, NULL, 80, 80 },
		{ "1-65535", true, false, NULL, 1, 65535 },
		{ "5000-5000", true, false, NULL, 5000, 5000 },
		{ "0", true, true, NULL, 0, 0 },
		{ "0", true, false, "port out of range", 0, 0 },
		{ "65536", true, false, "port out of range", 0, 0 },
		{ "99999", true, false, "port out of range", 0, 0 },
		{ "1-65536", true, false, "port out of range", 0, 0 },
		{ "", true, false, "missing port", 0, 0 },
		{ "80-", true, false, "missing port", 0, 0 },
		{ "-80", true, false, "missing port", 0, 0 },
		{ "90-80", true, false, "port range is reversed", 0, 0 },
		{ "x", true, false, "invalid port", 0, 0 },
		{ "80-x", true, false, "invalid port", 0, 0 },
		{ "80-90-100", true, false, "invalid port", 0, 0 },
		{ "+80", true, false, "invalid port", 0, 0 },
		{ "80-90", false, false, "port range not allowed here", 0, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint16_t lo = 0, hi = 0;

		tap_str(parse_port_range(cases[i].in, cases[i].range,
					 cases[i].zero, &lo, &hi),
			cases[i].why, "parse_port_range \"%s\"%s%s", cases[i].in,
			cases[i].range ? "" : " (single)",
			cases[i].zero ? " (zero ok)" : "");
		if (!cases[i].why)
			tap_ok(lo == cases[i].min && hi == cases[i].max,
			       "parse_port_range \"%s\" value", cases[i].in);
	}
}

static void test_addr_range(void)
{
	static const struct {
		const char *in;
		bool range;
		const char *why;
	} cases[] = {
		{ "198.51.100.1", true, NULL },
		{ "198.51.100.1-198.51.100.2", true, NULL },
		{ "198.51.100.2-198.51.100.1", true, "address range is reversed" },
		/* compared as numbers, not as bytes in memory */
		{ "1.0.0.255-1.0.1.0", true, NULL },
		{ "198.51.100.1-", true, "missing address" },
		{ "-198.51.100.1", true, "missing address" },
		{ "198.51.100.1-x", true, "invalid IPv4 address" },
		{ "198.51.100.1-198.51.100.2", false, "address range not allowed here" },
	};
	size_t i;
	uint32_t lo, hi;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		tap_str(parse_addr_range(cases[i].in, cases[i].range, &lo, &hi),
			cases[i].why, "parse_addr_range \"%s\"%s", cases[i].in,
			cases[i].range ? "" : " (single)");
	parse_addr_range("198.51.100.1-198.51.100.2", true, &lo, &hi);
	tap_ok(lo == A("198.51.100.1") && hi == A("198.51.100.2"),
	       "parse_addr_range value");
}

#define FWD_MATCH (EP_PORT_REQUIRED | EP_PORT_RANGE)
#define FWD_TO    (EP_ADDR_REQUIRED | EP_PORT_RANGE)
#define SNAT_TO   (EP_ADDR_REQUIRED | EP_ADDR_RANGE | EP_PORT_RANGE)
#define FILTER    (EP_PORT_ZERO)

static void test_endpoint(void)
{
	static const struct {
		const char *in;
		unsigned int flags;
		const char *why;
	} cases[] = {
		/* forward match: [ADDR]:PORT[-PORT] */
		{ ":8080", FWD_MATCH, NULL },
		{ "198.51.100.1:5000-5010", FWD_MATCH, NULL },
		{ "198.51.100.1", FWD_MATCH, "missing port" },
		{ "8080", FWD_MATCH, "missing port" },
		{ ":", FWD_MATCH, "missing port" },
		{ "1.2.3.4:", FWD_MATCH, "missing port" },
		{ "1.2.3.4:99999", FWD_MATCH, "port out of range" },
		{ "1.2.3.4:0", FWD_MATCH, "port out of range" },
		{ "1.2.3.4:80:81", FWD_MATCH, "invalid port" },
		{ "1.2.3:80", FWD_MATCH, "invalid IPv4 address" },
		{ "1.2.3.4-1.2.3.5:80", FWD_MATCH, "address range not allowed here" },
		{ "", FWD_MATCH, "missing port" },
		/* forward to: ADDR[:PORT[-PORT]] */
		{ "10.0.2.2", FWD_TO, NULL },
		{ "10.0.2.2:80", FWD_TO, NULL },
		{ "10.0.2.2:6000-6010", FWD_TO, NULL },
		{ ":80", FWD_TO, "missing address" },
		{ "10.0.2.2:", FWD_TO, "missing port" },
		{ "", FWD_TO, "missing address" },
		/* snat to: ADDR[-ADDR][:PORT[-PORT]] */
		{ "198.51.100.1-198.51.100.2:1024-2047", SNAT_TO, NULL },
		{ "198.51.100.2-198.51.100.1", SNAT_TO, "address range is reversed" },
		{ "198.51.100.1:2047-1024", SNAT_TO, "port range is reversed" },
		/* flow filter: ADDR, ADDR:PORT, :PORT; port 0 allowed */
		{ "10.0.1.2", FILTER, NULL },
		{ "10.0.1.2:0", FILTER, NULL },
		{ ":53", FILTER, NULL },
		{ "10.0.1.2:80-90", FILTER, "port range not allowed here" },
		{ "", FILTER, "missing address" },
		{ ":", FILTER, "missing port" },
	};
	struct endpoint ep;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		tap_str(parse_endpoint(cases[i].in, cases[i].flags, &ep),
			cases[i].why, "parse_endpoint \"%s\" (flags %#x)",
			cases[i].in, cases[i].flags);

	parse_endpoint("198.51.100.1-198.51.100.2:1024-2047", SNAT_TO, &ep);
	tap_ok(ep.has_addr && ep.addr_min.family == AF_INET &&
	       ep.addr_min.v4 == A("198.51.100.1") &&
	       ep.addr_max.v4 == A("198.51.100.2") && ep.has_port &&
	       ep.port_min == 1024 && ep.port_max == 2047,
	       "parse_endpoint snat to value");
	parse_endpoint(":8080", FWD_MATCH, &ep);
	tap_ok(!ep.has_addr && ep.has_port && ep.port_min == 8080 &&
	       ep.port_max == 8080, "parse_endpoint :8080 value");
	parse_endpoint("10.0.2.2", FWD_TO, &ep);
	tap_ok(ep.has_addr && !ep.has_port, "parse_endpoint bare address value");
}

static void test_prefix6(void)
{
	static const struct {
		const char *in;
		const char *why;
		const char *addr;
		int family, plen;
	} cases[] = {
		{ "fd00:1::/64", NULL, "fd00:1::", AF_INET6, 64 },
		{ "::/0", NULL, "::", AF_INET6, 0 },
		{ "2001:db8::1", NULL, "2001:db8::1", AF_INET6, 128 },
		{ "2001:db8::1/128", NULL, "2001:db8::1", AF_INET6, 128 },
		{ "fd00:0:0:1::/64", NULL, "fd00:0:0:1::", AF_INET6, 64 },
		{ "fc00::/7", NULL, "fc00::", AF_INET6, 7 },
		{ "10.0.1.0/24", NULL, "10.0.1.0", AF_INET, 24 },
		{ "10.0.1.2", NULL, "10.0.1.2", AF_INET, 32 },
		{ "fd00:0:0:1::/63", "host bits set beyond the prefix length", NULL, 0, 0 },
		{ "fd00:1::1/64", "host bits set beyond the prefix length", NULL, 0, 0 },
		{ "fd00::/7", "host bits set beyond the prefix length", NULL, 0, 0 },
		{ "fd00::/129", "prefix length out of range", NULL, 0, 0 },
		{ "10.0.1.0/33", "prefix length out of range", NULL, 0, 0 },
		{ "fd00::/", "missing prefix length", NULL, 0, 0 },
		{ "fd00::/x", "invalid prefix length", NULL, 0, 0 },
		{ "fd00:::/64", "invalid IPv6 address", NULL, 0, 0 },
		{ "[fd00::]/64", "invalid IPv6 address", NULL, 0, 0 },
		{ "10.0.1/24", "invalid IPv4 address", NULL, 0, 0 },
		{ "/64", "missing address", NULL, 0, 0 },
	};
	struct ipaddr a;
	uint8_t plen;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&a, 0, sizeof(a));
		plen = 0;
		tap_str(parse_ipprefix(cases[i].in, &a, &plen), cases[i].why,
			"parse_ipprefix \"%s\"", cases[i].in);
		if (cases[i].why)
			continue;
		tap_ok(a.family == cases[i].family && plen == cases[i].plen &&
		       (a.family == AF_INET6 ? is6(&a, cases[i].addr)
					     : a.v4 == A(cases[i].addr)),
		       "parse_ipprefix \"%s\" value", cases[i].in);
	}
}

static void test_endpoint6(void)
{
	static const struct {
		const char *in;
		unsigned int flags;
		const char *why;
	} cases[] = {
		/* forward match: [ADDR6]:PORT[-PORT], [::] for any */
		{ "[2001:db8:1::1]:8080", FWD_MATCH, NULL },
		{ "[::]:5353", FWD_MATCH, NULL },
		{ "[::1]:8000-8010", FWD_MATCH, NULL },
		{ "[::1]", FWD_MATCH, "missing port" },
		{ "2001:db8::1:8080", FWD_MATCH,
		  "missing port (an IPv6 address with a port is written [ADDR]:PORT)" },
		{ "::", FWD_MATCH,
		  "missing port (an IPv6 address with a port is written [ADDR]:PORT)" },
		{ "[::1]8080", FWD_MATCH, "expected \":PORT\" after \"]\"" },
		{ "[::1]:", FWD_MATCH, "missing port" },
		{ "[::1", FWD_MATCH, "missing \"]\" after the IPv6 address" },
		{ "[10.0.0.1]:80", FWD_MATCH, "an IPv4 address takes no brackets" },
		{ "[]:80", FWD_MATCH, "missing address" },
		{ "[fd00::g]:80", FWD_MATCH, "invalid IPv6 address" },
		{ "[fe80::1%eth0]:80", FWD_MATCH, "invalid IPv6 address" },
		{ "[::1]:0", FWD_MATCH, "port out of range" },
		{ "[::1]:70000", FWD_MATCH, "port out of range" },
		{ "[::1]-[::2]:80", FWD_MATCH, "address range not allowed here" },
		{ "fd00::1-fd00::2", FWD_MATCH, "address range not allowed here" },
		{ "1:2:3:4:5:6:7:8:9", FWD_MATCH, "invalid IPv6 address" },
		/* forward to: ADDR6, [ADDR6], [ADDR6]:PORT[-PORT] */
		{ "fd00:1::4", FWD_TO, NULL },
		{ "[fd00:1::4]", FWD_TO, NULL },
		{ "[fd00:1::4]:80", FWD_TO, NULL },
		{ "[fd00:1::4]:6000-6010", FWD_TO, NULL },
		{ "[fd00:1::4]:", FWD_TO, "missing port" },
		{ "fd00:1::4:", FWD_TO, "invalid IPv6 address" },
		/* snat to: nft's [ADDR6]-[ADDR6]:PORT-PORT, or bare without ports */
		{ "[2001:db8:1::5]-[2001:db8:1::9]:20000-20099", SNAT_TO, NULL },
		{ "[2001:db8:1::5]:20000-20099", SNAT_TO, NULL },
		{ "[2001:db8:1::5]-[2001:db8:1::9]", SNAT_TO, NULL },
		{ "2001:db8:1::5-2001:db8:1::9", SNAT_TO, NULL },
		{ "2001:db8:1::5", SNAT_TO, NULL },
		{ "[2001:db8:1::9]-[2001:db8:1::5]", SNAT_TO, "address range is reversed" },
		{ "2001:db8:1::9-2001:db8:1::5", SNAT_TO, "address range is reversed" },
		{ "[2001:db8:1::5]-2001:db8:1::9", SNAT_TO,
		  "the range's last address goes in brackets too: [ADDR]-[ADDR]" },
		{ "2001:db8::5-10.0.0.1", SNAT_TO, "a range's two ends are of one family" },
		{ "10.0.0.1-2001:db8::5", SNAT_TO, "a range's two ends are of one family" },
		{ "[2001:db8::5]-[10.0.0.1]", SNAT_TO, "an IPv4 address takes no brackets" },
		{ "[2001:db8::5]-", SNAT_TO,
		  "the range's last address goes in brackets too: [ADDR]-[ADDR]" },
		{ "[2001:db8::5]:2047-1024", SNAT_TO, "port range is reversed" },
		/* flow filter: ADDR6, [ADDR6]:PORT; port 0 allowed */
		{ "fd00:1::2", FILTER, NULL },
		{ "[fd00:1::2]:5555", FILTER, NULL },
		{ "[fd00:1::2]:0", FILTER, NULL },
		{ "[fd00:1::2]:80-90", FILTER, "port range not allowed here" },
	};
	struct endpoint ep;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		tap_str(parse_endpoint(cases[i].in, cases[i].flags, &ep),
			cases[i].why, "parse_endpoint \"%s\" (flags %#x)",
			cases[i].in, cases[i].flags);

	parse_endpoint("[2001:db8:1::5]-[2001:db8:1::9]:20000-20099", SNAT_TO, &ep);
	tap_ok(ep.has_addr && is6(&ep.addr_min, "2001:db8:1::5") &&
	       is6(&ep.addr_max, "2001:db8:1::9") && ep.has_port &&
	       ep.port_min == 20000 && ep.port_max == 20099,
	       "parse_endpoint IPv6 snat range value");
	parse_endpoint("[::]:5353", FWD_MATCH, &ep);
	tap_ok(ep.has_addr && is6(&ep.addr_min, "::") && ipaddr_is_any(&ep.addr_min) &&
	       ep.has_port && ep.port_min == 5353, "parse_endpoint [::]:5353 value");
	parse_endpoint("fd00:1::4", FWD_TO, &ep);
	tap_ok(ep.has_addr && is6(&ep.addr_min, "fd00:1::4") &&
	       is6(&ep.addr_max, "fd00:1::4") && !ep.has_port,
	       "parse_endpoint bare IPv6 value");
	parse_endpoint("2001:db8:1::5-2001:db8:1::9", SNAT_TO, &ep);
	tap_ok(is6(&ep.addr_min, "2001:db8:1::5") && is6(&ep.addr_max, "2001:db8:1::9") &&
	       !ep.has_port, "parse_endpoint bare IPv6 range value");
	/* ranges compare as numbers: byte 15 rolls into byte 14 */
	tap_str(parse_endpoint("[fd00::ff]-[fd00::100]", SNAT_TO, &ep), NULL,
		"parse_endpoint IPv6 range across a byte");
}

static void test_fmt6(void)
{
	char buf[ENDPOINT_BUF], abuf[ADDR_BUF];
	struct ipaddr a;

	parse_ipaddr("2001:db8::1", &a);
	tap_str(fmt_ipaddr(&a, abuf), "2001:db8::1", "fmt_ipaddr IPv6");
	tap_str(fmt_endpoint(&a, "8080", buf), "[2001:db8::1]:8080",
		"fmt_endpoint IPv6 with a port: brackets");
	tap_str(fmt_endpoint(&a, "8000-8010", buf), "[2001:db8::1]:8000-8010",
		"fmt_endpoint IPv6 with a range");
	tap_str(fmt_endpoint(&a, NULL, buf), "2001:db8::1",
		"fmt_endpoint IPv6 alone: no brackets");
	parse_ipaddr("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", &a);
	tap_str(fmt_endpoint(&a, "65535-65535", buf),
		"[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535-65535",
		"fmt_endpoint: the longest fits");
	memset(&a, 0, sizeof(a));
	a.family = AF_INET6;
	tap_str(fmt_endpoint(&a, "53", buf), "[::]:53", "fmt_endpoint [::]");
	ipaddr_set4(&a, A("198.51.100.1"));
	tap_str(fmt_endpoint(&a, "80", buf), "198.51.100.1:80", "fmt_endpoint IPv4");
	tap_str(fmt_endpoint(&a, NULL, buf), "198.51.100.1", "fmt_endpoint IPv4 alone");
	tap_str(parse_ipaddr("10.0.0.1", &a), NULL, "parse_ipaddr IPv4");
	tap_ok(a.family == AF_INET && a.v4 == A("10.0.0.1"), "parse_ipaddr IPv4 value");
	tap_str(parse_ipaddr("10.0.0.1:80", &a), "invalid IPv6 address",
		"parse_ipaddr: a colon makes it IPv6");
	tap_str(parse_ipaddr("10.0.0", &a), "invalid IPv4 address",
		"parse_ipaddr: no colon, IPv4");
	tap_str(family_name(AF_INET6), "inet6", "family_name inet6");
	tap_str(family_name(AF_INET), "inet", "family_name inet");
	tap_num(family_from_name("inet6"), AF_INET6, "family inet6");
	tap_num(family_from_name("inet"), AF_INET, "family inet");
	tap_num(family_from_name("ipv6"), -1, "family: ip's names only");
}

static void test_keywords(void)
{
	static const char *const names[] = { "forward", NULL, "snat" };

	tap_ok(is_kw("list", "list"), "is_kw exact");
	tap_ok(!is_kw("lis", "list"), "is_kw refuses an abbreviation");
	tap_ok(!is_kw("lists", "list"), "is_kw refuses a longer word");
	tap_ok(!is_kw("LIST", "list"), "is_kw is case-sensitive");
	tap_ok(is_cmd("list", "list") && is_cmd("ls", "list") &&
	       is_cmd("show", "list"), "is_cmd: list, ls, show");
	tap_ok(is_cmd("del", "del") && is_cmd("delete", "del"),
	       "is_cmd: del, delete");
	tap_ok(!is_cmd("l", "list") && !is_cmd("dele", "del") &&
	       !is_cmd("list", "del") && !is_cmd("ls", "del"),
	       "is_cmd refuses abbreviations and other commands' aliases");
	tap_num(name_index(names, ARRAY_SIZE(names), "snat"), 2,
		"name_index skips holes");
	tap_num(name_index(names, ARRAY_SIZE(names), "forw"), -1,
		"name_index exact only");
	tap_num(proto_from_name("tcp"), IPPROTO_TCP, "proto tcp");
	tap_num(proto_from_name("udp"), IPPROTO_UDP, "proto udp");
	tap_num(proto_from_name("icmp"), IPPROTO_ICMP, "proto icmp");
	tap_num(proto_from_name("icmpv6"), IPPROTO_ICMPV6, "proto icmpv6");
	tap_num(proto_from_name("icmp6"), IPPROTO_ICMPV6, "proto icmp6, an alias");
	tap_str(proto_name(IPPROTO_ICMPV6), "icmpv6", "proto_name icmpv6");
	tap_num(proto_from_name("TCP"), -1, "proto names are lower-case");
	tap_num(proto_from_name("6"), -1, "proto numbers are not names");
	tap_str(proto_name(IPPROTO_UDP), "udp", "proto_name udp");
	tap_str(proto_name(132), NULL, "proto_name unknown");
}

static void test_misc(void)
{
	char buf[64], big[32];

	tap_str(check_ifname("eth0"), NULL, "ifname eth0");
	tap_str(check_ifname("123456789012345"), NULL, "ifname of 15 chars");
	tap_str(check_ifname("1234567890123456"), "device name too long",
		"ifname of 16 chars");
	tap_str(check_ifname(""), "invalid device name", "ifname empty");
	tap_str(check_ifname("a/b"), "invalid device name", "ifname with /");
	tap_str(check_ifname("a b"), "invalid device name", "ifname with blank");
	tap_str(check_ifname("a:1"), "invalid device name", "ifname with :");
	tap_str(check_ifname(".."), "invalid device name", "ifname ..");

	tap_str(fmt_ports(80, 80, buf), "80", "fmt_ports single");
	tap_str(fmt_ports(1024, 65535, buf), "1024-65535", "fmt_ports range");
	tap_str(fmt_addr(A("198.51.100.1"), buf), "198.51.100.1", "fmt_addr");
	json_key_from_name(buf, sizeof(buf), "tcp-syn-sent");
	tap_str(buf, "tcp_syn_sent", "json_key_from_name");
	json_key_from_name(big, 4, "abcdef");
	tap_str(big, "abc", "json_key_from_name truncates safely");
}

static void test_prime(void)
{
	static const struct {
		uint32_t n;
		bool prime;
	} cases[] = {
		{ 0, false }, { 1, false }, { 2, true }, { 3, true }, { 4, false },
		{ 9, false }, { 25, false }, { 249, false }, { 251, true },
		{ 253, false },			/* 11 * 23 */
		{ 257, true }, { 65521, true }, { 65536, false }, { 65537, true },
		{ 999983, true }, { 1000001, false },	/* 101 * 9901 */
		{ 1000003, true }, { 1018081, false },	/* 1009 * 1009 */
		{ 4294967291u, true },		/* largest 32-bit prime */
		{ 4294967295u, false },		/* 3 * 5 * 17 * 257 * 65537 */
		{ 4294836225u, false },		/* 65535 * 65535: no d * d overflow */
	};
	unsigned int count = 0;
	uint32_t n;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		tap_ok(is_prime(cases[i].n) == cases[i].prime, "is_prime(%u) is %s",
		       cases[i].n, cases[i].prime ? "true" : "false");
	/* pi(1000) = 168: every number counted, none missed. */
	for (n = 0; n <= 1000; n++)
		count += is_prime(n);
	tap_num(count, 168, "is_prime: 168 primes up to 1000");
}

void test_parse(void)
{
	printf("# utils.c parsers\n");
	test_uint();
	test_addr();
	test_prefix();
	test_ports();
	test_addr_range();
	test_endpoint();
	test_prefix6();
	test_endpoint6();
	test_fmt6();
	test_keywords();
	test_misc();
	test_prime();
}
