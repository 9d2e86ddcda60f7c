// SPDX-License-Identifier: GPL-2.0
/* Argument parsing and error reporting shared by every object. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <string.h>

#include "utils.h"

/* ---- error reporting ---- */

static FILE *error_file;

void set_error_file(FILE *f)
{
	error_file = f;
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	FILE *f = error_file ? error_file : stderr;

	fputs(prefix, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("Error: ", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("Warning: ", fmt, ap);
	va_end(ap);
}

/* Same wording as iproute2's invarg(), which has no final period. */
int invarg(const char *arg, const char *why)
{
	pr_err("argument \"%s\" is wrong: %s", arg, why);
	return EXIT_USAGE;
}

int missarg(const char *what)
{
	pr_err("\"%s\" is required.", what);
	return EXIT_USAGE;
}

int needarg(const char *kw)
{
	pr_err("\"%s\" requires an argument.", kw);
	return EXIT_USAGE;
}

int duparg(const char *kw, const char *arg)
{
	pr_err("duplicate \"%s\": \"%s\" is the second value.", kw, arg);
	return EXIT_USAGE;
}

int unexpected(const char *arg)
{
	pr_err("unexpected argument \"%s\".", arg);
	return EXIT_USAGE;
}

int unknown_cmd(const char *object, const char *cmd)
{
	pr_err("unknown command \"%s\", try \"knat %s help\".", cmd, object);
	return EXIT_USAGE;
}

int family_mix(const char *arg, int family, const char *other, int other_family)
{
	char why[128];

	snprintf(why, sizeof(why), "%s, but \"%s\" is %s", family_label(family),
		 other, family_label(other_family));
	return invarg(arg, why);
}

/* ---- keywords ---- */

bool is_kw(const char *arg, const char *kw)
{
	return strcmp(arg, kw) == 0;
}

bool is_cmd(const char *arg, const char *cmd)
{
	static const char *const aliases[][2] = {
		{ "ls", "list" },
		{ "show", "list" },
		{ "delete", "del" },
	};
	size_t i;

	if (is_kw(arg, cmd))
		return true;
	for (i = 0; i < ARRAY_SIZE(aliases); i++)
		if (is_kw(arg, aliases[i][0]) && is_kw(cmd, aliases[i][1]))
			return true;
	return false;
}

int name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && is_kw(s, names[i]))
			return (int)i;
	return -1;
}

void json_key_from_name(char *dst, size_t size, const char *name)
{
	size_t i;

	if (!size)
		return;
	for (i = 0; name[i] && i + 1 < size; i++)
		dst[i] = name[i] == '-' ? '_' : name[i];
	dst[i] = '\0';
}

static const struct {
	unsigned int proto;
	const char *name;
} protos[] = {
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
	{ IPPROTO_ICMP, "icmp" },
	{ IPPROTO_ICMPV6, "icmpv6" },
	{ IPPROTO_ICMPV6, "icmp6" },	/* an alias: names print as above */
};

int proto_from_name(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (is_kw(s, protos[i].name))
			return (int)protos[i].proto;
	return -1;
}

const char *proto_name(unsigned int proto)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return NULL;
}

int family_from_name(const char *s)
{
	if (is_kw(s, "inet"))
		return AF_INET;
	if (is_kw(s, "inet6"))
		return AF_INET6;
	return -1;
}

const char *family_name(int family)
{
	return family == AF_INET6 ? "inet6" : family == AF_INET ? "inet" : NULL;
}

const char *family_label(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* ---- addresses of either family ---- */

void ipaddr_set4(struct ipaddr *a, uint32_t v4)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->v4 = v4;
}

bool ipaddr_is_any(const struct ipaddr *a)
{
	if (a->family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&a->v6);
	return a->family != AF_INET || !a->v4;
}

int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	uint32_t x, y;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->family == AF_INET6)
		return memcmp(&a->v6, &b->v6, sizeof(a->v6));
	x = ntohl(a->v4);
	y = ntohl(b->v4);
	return x < y ? -1 : x > y;
}

bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	return a->family == b->family && !ipaddr_cmp(a, b);
}

/* ---- parsers ---- */

int parse_uint(const char *s, unsigned long long min, unsigned long long max,
	       unsigned long long *out)
{
	unsigned long long v = 0;
	bool overflow = false;
	const char *p;

	/* Check the whole word first: "99999x" is garbage, not out of range. */
	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	for (p = s; *p; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (ULLONG_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (overflow || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

const char *parse_addr(const char *s, uint32_t *addr)
{
	struct in_addr in;

	if (!*s)
		return "missing address";
	/* inet_pton(), unlike inet_aton(), takes exactly a dotted quad. */
	if (inet_pton(AF_INET, s, &in) != 1)
		return "invalid IPv4 address";
	*addr = in.s_addr;
	return NULL;
}

/*
 * Copy s[0..len) into buf for the sub-parsers; a part too long for the buffer
 * cannot be valid anyway, so it is reported as the given reason.
 */
static bool copy_part(char *buf, size_t size, const char *s, size_t len)
{
	if (len >= size)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

/* An IPv6 address alone: no brackets, no zone ("%eth0"), no prefix. */
static const char *parse_addr6(const char *s, struct ipaddr *a)
{
	struct in6_addr in6;

	if (!*s)
		return "missing address";
	if (inet_pton(AF_INET6, s, &in6) != 1)
		return "invalid IPv6 address";
	memset(a, 0, sizeof(*a));
	a->family = AF_INET6;
	a->v6 = in6;
	return NULL;
}

/*
 * Same as parse_addr6(), from s[0..len); v4_why: the reason when that is
 * an IPv4 address.
 */
static const char *parse_addr6_part(const char *s, size_t len, struct ipaddr *a,
				    const char *v4_why)
{
	const char *why;
	char buf[64];
	uint32_t v4;

	if (!copy_part(buf, sizeof(buf), s, len))
		return "invalid IPv6 address";
	why = parse_addr6(buf, a);
	if (why && *buf && !parse_addr(buf, &v4))
		return v4_why;
	return why;
}

const char *parse_ipaddr(const char *s, struct ipaddr *a)
{
	const char *why;
	uint32_t v4;

	/* A colon makes it IPv6; anything else is judged as IPv4. */
	if (strchr(s, ':'))
		return parse_addr6(s, a);
	why = parse_addr(s, &v4);
	if (!why)
		ipaddr_set4(a, v4);
	return why;
}

uint32_t prefix_mask(unsigned int plen)
{
	return plen ? htonl(0xffffffffu << (32 - plen)) : 0;
}

const char *parse_prefix(const char *s, uint32_t *addr, uint8_t *plen)
{
	const char *slash = strchr(s, '/');
	unsigned long long len = 32;
	char buf[64];
	const char *why;
	uint32_t a;
	int err;

	if (!copy_part(buf, sizeof(buf), s, slash ? (size_t)(slash - s) : strlen(s)))
		return "invalid IPv4 address";
	why = parse_addr(buf, &a);
	if (why)
		return why;
	if (slash) {
		if (!slash[1])
			return "missing prefix length";
		err = parse_uint(slash + 1, 0, 32, &len);
		if (err == -EINVAL)
			return "invalid prefix length";
		if (err)
			return "prefix length out of range";
	}
	/*
	 * The kernel deletes by exact prefix; accepting 10.0.1.5/24 would
	 * leave a rule no "del" with the printed form could match.
	 */
	if (a & ~prefix_mask((unsigned int)len))
		return "host bits set beyond the prefix length";
	*addr = a;
	*plen = (uint8_t)len;
	return NULL;
}

/* Is any bit of a past its first plen set? */
static bool host_bits6(const struct in6_addr *a, unsigned int plen)
{
	unsigned int i;

	for (i = plen / 8; i < 16; i++) {
		uint8_t mask = i == plen / 8 ? (uint8_t)(0xffu >> (plen % 8)) : 0xff;

		if (a->s6_addr[i] & mask)
			return true;
	}
	return false;
}

const char *parse_ipprefix(const char *s, struct ipaddr *a, uint8_t *plen)
{
	const char *slash = strchr(s, '/');
	unsigned long long len;
	struct ipaddr ia;
	unsigned int max;
	const char *why;
	char buf[64];
	int err;

	if (!copy_part(buf, sizeof(buf), s, slash ? (size_t)(slash - s) : strlen(s)))
		return strchr(s, ':') ? "invalid IPv6 address" : "invalid IPv4 address";
	why = parse_ipaddr(buf, &ia);
	if (why)
		return why;
	max = ia.family == AF_INET6 ? 128 : 32;
	len = max;
	if (slash) {
		if (!slash[1])
			return "missing prefix length";
		err = parse_uint(slash + 1, 0, max, &len);
		if (err == -EINVAL)
			return "invalid prefix length";
		if (err)
			return "prefix length out of range";
	}
	/* As parse_prefix(): "del" must be able to name the rule as listed. */
	if (ia.family == AF_INET6 ? host_bits6(&ia.v6, (unsigned int)len)
				  : (ia.v4 & ~prefix_mask((unsigned int)len)) != 0)
		return "host bits set beyond the prefix length";
	*a = ia;
	*plen = (uint8_t)len;
	return NULL;
}

static const char *parse_port(const char *s, bool allow_zero, uint16_t *port)
{
	unsigned long long v;
	int err;

	if (!*s)
		return "missing port";
	err = parse_uint(s, allow_zero ? 0 : 1, 65535, &v);
	if (err == -EINVAL)
		return "invalid port";
	if (err)
		return "port out of range";
	*port = (uint16_t)v;
	return NULL;
}

const char *parse_port_range(const char *s, bool allow_range, bool allow_zero,
			     uint16_t *min, uint16_t *max)
{
	const char *dash = strchr(s, '-');
	uint16_t lo, hi;
	const char *why;
	char buf[16];

	if (!dash) {
		why = parse_port(s, allow_zero, &lo);
		if (why)
			return why;
		*min = *max = lo;
		return NULL;
	}
	if (!allow_range)
		return "port range not allowed here";
	if (!copy_part(buf, sizeof(buf), s, (size_t)(dash - s)))
		return "invalid port";
	why = parse_port(buf, allow_zero, &lo);
	if (!why)
		why = parse_port(dash + 1, allow_zero, &hi);
	if (why)
		return why;
	if (lo > hi)
		return "port range is reversed";
	*min = lo;
	*max = hi;
	return NULL;
}

const char *parse_addr_range(const char *s, bool allow_range,
			     uint32_t *min, uint32_t *max)
{
	const char *dash = strchr(s, '-');
	uint32_t lo, hi;
	const char *why;
	char buf[64];

	if (!dash) {
		why = parse_addr(s, &lo);
		if (why)
			return why;
		*min = *max = lo;
		return NULL;
	}
	if (!allow_range)
		return "address range not allowed here";
	if (!copy_part(buf, sizeof(buf), s, (size_t)(dash - s)))
		return "invalid IPv4 address";
	why = parse_addr(buf, &lo);
	if (!why)
		why = parse_addr(dash + 1, &hi);
	if (why)
		return why;
	if (ntohl(lo) > ntohl(hi))
		return "address range is reversed";
	*min = lo;
	*max = hi;
	return NULL;
}

/* A bare IPv6 ADDR or ADDR-ADDR, which has no room for a port. */
static const char *parse_bare6(const char *s, unsigned int flags,
			       struct endpoint *ep)
{
	const char *dash = strchr(s, '-');
	const char *why;

	if (dash) {
		if (!(flags & EP_ADDR_RANGE))
			return "address range not allowed here";
		why = parse_addr6_part(s, (size_t)(dash - s), &ep->addr_min,
				       "a range's two ends are of one family");
		if (!why)
			why = parse_addr6_part(dash + 1, strlen(dash + 1),
					       &ep->addr_max,
					       "a range's two ends are of one family");
	} else {
		why = parse_addr6(s, &ep->addr_min);
		ep->addr_max = ep->addr_min;
	}
	if (why)
		return why;
	if (ipaddr_cmp(&ep->addr_min, &ep->addr_max) > 0)
		return "address range is reversed";
	ep->has_addr = true;
	/* 2001:db8::1:80 is an address: a port needs the brackets. */
	if (flags & EP_PORT_REQUIRED)
		return "missing port (an IPv6 address with a port is written [ADDR]:PORT)";
	return NULL;
}

/* "[ADDR]" at *s; *s moves past the "]". */
static const char *parse_bracketed(const char **s, struct ipaddr *a)
{
	const char *open = *s, *close = strchr(open, ']');

	if (!close)
		return "missing \"]\" after the IPv6 address";
	*s = close + 1;
	return parse_addr6_part(open + 1, (size_t)(close - open - 1), a,
				"an IPv4 address takes no brackets");
}

/* [ADDR][-[ADDR]][:PORT[-PORT]] */
static const char *parse_endpoint6(const char *s, unsigned int flags,
				   struct endpoint *ep)
{
	const char *p = s, *why;

	why = parse_bracketed(&p, &ep->addr_min);
	if (why)
		return why;
	ep->addr_max = ep->addr_min;
	if (*p == '-') {
		if (!(flags & EP_ADDR_RANGE))
			return "address range not allowed here";
		p++;
		if (*p != '[')
			return "the range's last address goes in brackets too: [ADDR]-[ADDR]";
		why = parse_bracketed(&p, &ep->addr_max);
		if (why)
			return why;
		if (ipaddr_cmp(&ep->addr_min, &ep->addr_max) > 0)
			return "address range is reversed";
	}
	ep->has_addr = true;
	if (!*p) {
		if (flags & EP_PORT_REQUIRED)
			return "missing port";
		return NULL;
	}
	if (*p != ':')
		return "expected \":PORT\" after \"]\"";
	why = parse_port_range(p + 1, flags & EP_PORT_RANGE, flags & EP_PORT_ZERO,
			       &ep->port_min, &ep->port_max);
	if (why)
		return why;
	ep->has_port = true;
	return NULL;
}

const char *parse_endpoint(const char *s, unsigned int flags,
			   struct endpoint *ep)
{
	const char *colon = strchr(s, ':');
	size_t addr_len = colon ? (size_t)(colon - s) : strlen(s);
	uint32_t lo, hi;
	const char *why;
	char buf[64];

	memset(ep, 0, sizeof(*ep));
	if (*s == '[')
		return parse_endpoint6(s, flags, ep);
	/*
	 * Two colons or more: an IPv6 address without brackets, unless what
	 * comes before the first one is IPv4 (1.2.3.4:80:90), which is
	 * judged as IPv4 below.
	 */
	if (colon && strchr(colon + 1, ':') &&
	    (!copy_part(buf, sizeof(buf), s, addr_len) || parse_addr(buf, &lo)))
		return parse_bare6(s, flags, ep);
	/* "8080" alone is more likely a forgotten colon than a bad address. */
	if (!colon && (flags & EP_PORT_REQUIRED))
		return "missing port";
	if (addr_len) {
		if (!copy_part(buf, sizeof(buf), s, addr_len))
			return "invalid IPv4 address";
		why = parse_addr_range(buf, flags & EP_ADDR_RANGE, &lo, &hi);
		if (why)
			return why;
		ipaddr_set4(&ep->addr_min, lo);
		ipaddr_set4(&ep->addr_max, hi);
		ep->has_addr = true;
	} else if (flags & EP_ADDR_REQUIRED) {
		return "missing address";
	}
	if (colon) {
		why = parse_port_range(colon + 1, flags & EP_PORT_RANGE,
				       flags & EP_PORT_ZERO,
				       &ep->port_min, &ep->port_max);
		if (why)
			return why;
		ep->has_port = true;
	}
	if (!ep->has_addr && !ep->has_port)
		return "missing address";
	return NULL;
}

bool is_prime(uint32_t n)
{
	uint32_t d;

	if (n < 2)
		return false;
	if (n % 2 == 0)
		return n == 2;
	/* d <= n / d: no d * d overflow, at most 32768 divisions. */
	for (d = 3; d <= n / d; d += 2)
		if (n % d == 0)
			return false;
	return true;
}

const char *check_ifname(const char *s)
{
	const char *p;

	if (!*s || is_kw(s, ".") || is_kw(s, ".."))
		return "invalid device name";
	if (strlen(s) >= IFNAMSIZ)
		return "device name too long";
	for (p = s; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || (*p >= '\t' && *p <= '\r'))
			return "invalid device name";
	return NULL;
}

/* ---- formatting ---- */

const char *fmt_addr(uint32_t addr, char buf[ADDR4_BUF])
{
	struct in_addr in = { .s_addr = addr };

	return inet_ntop(AF_INET, &in, buf, ADDR4_BUF);
}

const char *fmt_ipaddr(const struct ipaddr *a, char buf[ADDR_BUF])
{
	if (a->family == AF_INET6)
		return inet_ntop(AF_INET6, &a->v6, buf, ADDR_BUF);
	return fmt_addr(a->family == AF_INET ? a->v4 : 0, buf);
}

const char *fmt_endpoint(const struct ipaddr *a, const char *ports,
			 char buf[ENDPOINT_BUF])
{
	char abuf[ADDR_BUF];

	fmt_ipaddr(a, abuf);
	if (!ports)
		snprintf(buf, ENDPOINT_BUF, "%s", abuf);
	else if (a->family == AF_INET6)
		snprintf(buf, ENDPOINT_BUF, "[%s]:%s", abuf, ports);
	else
		snprintf(buf, ENDPOINT_BUF, "%s:%s", abuf, ports);
	return buf;
}

const char *fmt_ports(uint16_t min, uint16_t max, char buf[PORTS_BUF])
{
	if (min == max)
		snprintf(buf, PORTS_BUF, "%u", min);
	else
		snprintf(buf, PORTS_BUF, "%u-%u", min, max);
	return buf;
}
