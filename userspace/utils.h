/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Argument parsing and error reporting shared by every object.
 *
 * Parsers never print and never exit: they return NULL on success or a short
 * reason ("port out of range") that the caller turns into iproute2's
 * 'Error: argument "X" is wrong: REASON' with invarg().  That keeps them
 * testable and lets the caller name the argument the user actually typed.
 *
 * Byte order: addresses are kept as the kernel wants them (network order,
 * straight from inet_pton); ports are host order until they are put into a
 * message.
 *
 * IPv6: an endpoint with a port puts the address in brackets, as ss(8) and
 * ipvsadm(8) print it: [2001:db8::1]:8080, [::1]:8000-8010, and a range
 * [2001:db8::5]-[2001:db8::9]:20000-20099 as nft(8) writes it.  Without a
 * port the brackets may be left out (fd00::4, fd00::4-fd00::9).  An IPv4
 * endpoint keeps its one syntax: 10.0.0.1:80, :80, 10.0.0.1-10.0.0.2.
 */
#ifndef KNAT_UTILS_H
#define KNAT_UTILS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes: 0 success, 1 the command line is wrong, 2 the system said no. */
#define EXIT_USAGE	1
#define EXIT_KERNEL	2

/* Room for any address (IPv6's longest), for "255.255.255.255", for "65535-65535". */
#define ADDR_BUF	INET6_ADDRSTRLEN
#define ADDR4_BUF	INET_ADDRSTRLEN
#define PORTS_BUF	12
/* Room for "[ADDR]:65535-65535". */
#define ENDPOINT_BUF	(ADDR_BUF + 3 + PORTS_BUF)

/* ---- error reporting (stderr unless redirected, for the tests) ---- */

void set_error_file(FILE *f);
/* "Error: " + message + newline; callers supply the final period. */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The iproute2 usage errors.  Each prints one line and returns EXIT_USAGE. */
int invarg(const char *arg, const char *why);	/* argument "X" is wrong: W */
int missarg(const char *what);			/* "what" is required. */
int needarg(const char *kw);			/* "kw" requires an argument. */
int duparg(const char *kw, const char *arg);	/* duplicate "kw": ... */
int unexpected(const char *arg);		/* unexpected argument "X". */
int unknown_cmd(const char *object, const char *cmd);
/*
 * An address of one family where another argument set the other: argument
 * "arg" is wrong: IPv6, but "other" is IPv4.
 */
int family_mix(const char *arg, int family, const char *other, int other_family);

/* ---- keywords ---- */

/* Exact match, no abbreviations (the newer iproute2 style). */
bool is_kw(const char *arg, const char *kw);
/* Exact match that also accepts the aliases: ls/show for list, delete for del. */
bool is_cmd(const char *arg, const char *cmd);
/* Index of s in names[0..n), or -1.  NULL entries never match. */
int name_index(const char *const *names, size_t n, const char *s);
/* "tcp-syn-sent" -> "tcp_syn_sent": JSON keys are the names with '_'. */
void json_key_from_name(char *dst, size_t size, const char *name);

/*
 * IPPROTO_TCP/UDP/ICMP/ICMPV6 <-> "tcp"/"udp"/"icmp"/"icmpv6" (and its
 * alias "icmp6"); -1 / NULL when unknown.
 */
int proto_from_name(const char *s);
const char *proto_name(unsigned int proto);

/* AF_INET / AF_INET6 <-> "inet" / "inet6", as ip(8) and nft(8) name them. */
int family_from_name(const char *s);
const char *family_name(int family);
/* "IPv4" / "IPv6", for messages. */
const char *family_label(int family);

/* ---- addresses of either family ---- */

/* An IPv4 or an IPv6 address, network order. */
struct ipaddr {
	int family;			/* AF_INET or AF_INET6; 0: none given */
	union {
		uint32_t v4;		/* as struct in_addr's s_addr */
		struct in6_addr v6;
	};
};

/* An IPv4 address (family AF_INET). */
void ipaddr_set4(struct ipaddr *a, uint32_t v4);
/* 0.0.0.0 or :: (or no address at all). */
bool ipaddr_is_any(const struct ipaddr *a);
/* Order of two addresses of one family: <0, 0, >0 as memcmp. */
int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b);
/* Same family and address. */
bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);

/* ---- parsers: NULL on success, else the reason ---- */

/*
 * Decimal only: no sign, no blanks, no base prefix.  Returns 0, -EINVAL
 * (not a number) or -ERANGE (outside min..max); callers word the reason.
 */
int parse_uint(const char *s, unsigned long long min, unsigned long long max,
	       unsigned long long *out);

/* A dotted quad. */
const char *parse_addr(const char *s, uint32_t *addr);
/* ADDR[/LEN]; a bare address is /32; host bits beyond LEN are refused. */
const char *parse_prefix(const char *s, uint32_t *addr, uint8_t *plen);
/* PORT or PORT-PORT (when allow_range); ports 1..65535, or 0.. if allow_zero. */
const char *parse_port_range(const char *s, bool allow_range, bool allow_zero,
			     uint16_t *min, uint16_t *max);
/* ADDR or ADDR-ADDR (when allow_range). */
const char *parse_addr_range(const char *s, bool allow_range,
			     uint32_t *min, uint32_t *max);
/* A dotted quad or an IPv6 address (no brackets). */
const char *parse_ipaddr(const char *s, struct ipaddr *a);
/*
 * ADDR[/LEN] of either family: LEN 0..32 or 0..128, a bare address is a
 * host prefix; host bits beyond LEN are refused.
 */
const char *parse_ipprefix(const char *s, struct ipaddr *a, uint8_t *plen);

/*
 * [ADDR[-ADDR]][:PORT[-PORT]], the one shape behind every endpoint argument,
 * or its IPv6 forms ([ADDR]:PORT, [ADDR]-[ADDR]:PORT, ADDR, ADDR-ADDR; see
 * the top); the flags say which parts are required or allowed.  Both ends
 * of an address range are of one family.
 */
enum {
	EP_ADDR_REQUIRED = 1 << 0,
	EP_PORT_REQUIRED = 1 << 1,
	EP_ADDR_RANGE    = 1 << 2,
	EP_PORT_RANGE    = 1 << 3,
	EP_PORT_ZERO     = 1 << 4,	/* filters: ICMP identifier 0 is real */
};

struct endpoint {
	bool has_addr;
	struct ipaddr addr_min, addr_max;	/* one family */
	bool has_port;
	uint16_t port_min, port_max;	/* host order */
};

/*
 * On failure too, has_addr says the address itself was good (and
 * addr_min.family what it was): IPv4-only commands tell "IPv6 is not
 * supported" before what else is wrong.
 */
const char *parse_endpoint(const char *s, unsigned int flags,
			   struct endpoint *ep);

/* n is a prime number (maglev table sizes must be). */
bool is_prime(uint32_t n);

/* A name the kernel could accept for a device (dev_valid_name()). */
const char *check_ifname(const char *s);

/* ---- formatting ---- */

const char *fmt_addr(uint32_t addr, char buf[ADDR4_BUF]);
/* Either family, without brackets. */
const char *fmt_ipaddr(const struct ipaddr *a, char buf[ADDR_BUF]);
/*
 * An address followed by ports: "10.0.0.1:80", "[2001:db8::1]:80-90"; ports
 * NULL: the address alone, no brackets.
 */
const char *fmt_endpoint(const struct ipaddr *a, const char *ports,
			 char buf[ENDPOINT_BUF]);
/* "80" or "5000-5010". */
const char *fmt_ports(uint16_t min, uint16_t max, char buf[PORTS_BUF]);
/* Mask with the top plen bits set, network order. */
uint32_t prefix_mask(unsigned int plen);

#endif
