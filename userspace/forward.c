// SPDX-License-Identifier: GPL-2.0
/* knat forward: add, delete and list destination NAT rules. */
#include <inttypes.h>
#include <string.h>
#include <linux/knat.h>

#include "forward.h"
#include "json_print.h"
#include "knat_nl.h"
#include "objects.h"
#include "policy.h"
#include "utils.h"

void forward_usage(FILE *f)
{
	fprintf(f,
		"Usage: knat forward add PROTO MATCH to TARGET\n"
		"       knat forward del PROTO MATCH\n"
		"       knat [ -s ] forward list\n"
		"where  PROTO := { tcp | udp }\n"
		"       MATCH := { [ADDR]:PORT[-PORT] | [ADDR6]:PORT[-PORT] }\n"
		"       TARGET := { ADDR[:PORT[-PORT]] | [ADDR6][:PORT[-PORT]] | ADDR6 }\n"
		"       ([ADDR] may be left out, [ADDR6] is written in brackets:\n"
		"        [2001:db8::1]:8080; [::] is any local IPv6 address)\n");
}

/* ---- add / del ---- */

/* match_arg: the match, when it named an address (its family rules). */
static int parse_to(const char *arg, const char *match_arg,
		    struct forward_spec *fs)
{
	unsigned int span = fs->port_max - fs->port_min;
	struct endpoint to;
	const char *why;
	char buf[96];

	why = parse_endpoint(arg, EP_ADDR_REQUIRED | EP_PORT_RANGE, &to);
	if (why)
		return invarg(arg, why);
	if (match_arg && to.addr_min.family != fs->addr.family)
		return family_mix(arg, to.addr_min.family, match_arg,
				  fs->addr.family);
	fs->to_addr = to.addr_min;
	if (!to.has_port)
		return 0;	/* to_port 0: keep the port */
	/*
	 * The kernel maps the range one to one from TO_PORT on; a to-range
	 * only restates where it ends, so it has to end where that does.
	 */
	if (to.port_max != to.port_min &&
	    (unsigned int)(to.port_max - to.port_min) != span) {
		snprintf(buf, sizeof(buf),
			 "port range size differs from the match range (%u vs %u ports)",
			 to.port_max - to.port_min + 1u, span + 1);
		return invarg(arg, buf);
	}
	if (to.port_min + span > 65535)
		return invarg(arg, "port range would end past 65535");
	fs->to_port = to.port_min;
	return 0;
}

int forward_parse(int argc, char **argv, bool add, struct forward_spec *fs)
{
	const char *to_arg = NULL, *match_arg;
	struct endpoint match;
	const char *why;
	int proto;

	memset(fs, 0, sizeof(*fs));
	if (argc < 1)
		return missarg("tcp|udp");
	proto = proto_from_name(argv[0]);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return invarg(argv[0], "protocol must be tcp or udp");
	fs->proto = (uint8_t)proto;

	if (argc < 2)
		return missarg("[ADDR]:PORT");
	match_arg = argv[1];
	why = parse_endpoint(match_arg, EP_PORT_REQUIRED | EP_PORT_RANGE, &match);
	if (why)
		return invarg(match_arg, why);
	/* No address: any local one, of the target's family (IPv4 for del). */
	if (match.has_addr)
		fs->addr = match.addr_min;
	else
		ipaddr_set4(&fs->addr, 0);
	fs->port_min = match.port_min;
	fs->port_max = match.port_max;

	for (argc -= 2, argv += 2; argc > 0; argc -= 2, argv += 2) {
		if (!add || !is_kw(argv[0], "to"))
			return unexpected(argv[0]);
		if (argc < 2)
			return needarg("to");
		if (to_arg)
			return duparg("to", argv[1]);
		to_arg = argv[1];
		if (parse_to(to_arg, match.has_addr ? match_arg : NULL, fs))
			return EXIT_USAGE;
	}
	if (add && !to_arg)
		return missarg("to");
	if (!match.has_addr && fs->to_addr.family == AF_INET6) {
		memset(&fs->addr, 0, sizeof(fs->addr));
		fs->addr.family = AF_INET6;	/* :: */
	}
	return 0;
}

void forward_put(struct nlmsghdr *nlh, const struct forward_spec *fs, bool add)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_FORWARD);

	mnl_attr_put_u8(nlh, KNAT_FWD_A_PROTO, fs->proto);
	/* An IPv6 forward names its match address too, :: for any. */
	put_ipaddr(nlh, KNAT_FWD_A_ADDR, KNAT_FWD_A_ADDR6, &fs->addr);
	put_port(nlh, KNAT_FWD_A_PORT_MIN, fs->port_min);
	/* DEL matches on PROTO, ADDR (or ADDR6) and PORT_MIN only. */
	if (add) {
		put_port(nlh, KNAT_FWD_A_PORT_MAX, fs->port_max);
		put_ipaddr(nlh, KNAT_FWD_A_TO_ADDR, KNAT_FWD_A_TO_ADDR6,
			   &fs->to_addr);
		put_port(nlh, KNAT_FWD_A_TO_PORT, fs->to_port);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_add(struct nlmsghdr *nlh, const void *arg)
{
	forward_put(nlh, arg, true);
}

static void put_del(struct nlmsghdr *nlh, const void *arg)
{
	forward_put(nlh, arg, false);
}

static int forward_change(int argc, char **argv, bool add)
{
	struct forward_spec fs;
	int ret;

	ret = forward_parse(argc, argv, add, &fs);
	if (!ret)
		ret = knat_do(add ? KNAT_CMD_FORWARD_NEW : KNAT_CMD_FORWARD_DEL,
			      add ? put_add : put_del, &fs);
	if (!ret)
		print_empty_result();
	return ret;
}

/* ---- list ---- */

int forward_print(const struct nlmsghdr *nlh, void *data)
{
	const struct cli_opts *o = data;
	const struct nlattr *top[KNAT_A_MAX + 1];
	const struct nlattr *tb[KNAT_FWD_A_MAX + 1];
	unsigned int port, port_max, to_port, to_port_max;
	char abuf[ADDR_BUF], pbuf[PORTS_BUF], ebuf[ENDPOINT_BUF], nbuf[4];
	struct ipaddr addr, to_addr;
	const char *proto;

	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	if (!top[KNAT_A_FORWARD])
		return MNL_CB_OK;
	knat_parse_nested(top[KNAT_A_FORWARD], knat_fwd_policy,
				  KNAT_FWD_A_MAX, tb);

	proto = proto_name(attr_u8(tb[KNAT_FWD_A_PROTO]));
	if (!proto) {
		snprintf(nbuf, sizeof(nbuf), "%u", attr_u8(tb[KNAT_FWD_A_PROTO]));
		proto = nbuf;
	}
	port = attr_port(tb[KNAT_FWD_A_PORT_MIN]);
	port_max = tb[KNAT_FWD_A_PORT_MAX] ? attr_port(tb[KNAT_FWD_A_PORT_MAX]) : port;
	if (port_max < port)
		port_max = port;
	/* TO_PORT 0 keeps the port: the new ports are the matched ones. */
	to_port = attr_port(tb[KNAT_FWD_A_TO_PORT]);
	if (!to_port)
		to_port = port;
	to_port_max = to_port + (port_max - port);
	if (to_port_max > 65535)
		to_port_max = 65535;
	/*
	 * The target's family is the rule's: an IPv6 forward without ADDR6
	 * matches any local IPv6 address (::).
	 */
	attr_ipaddr(tb[KNAT_FWD_A_TO_ADDR], tb[KNAT_FWD_A_TO_ADDR6], &to_addr);
	attr_ipaddr(tb[KNAT_FWD_A_ADDR], tb[KNAT_FWD_A_ADDR6], &addr);
	if (to_addr.family == AF_INET6 && addr.family != AF_INET6) {
		memset(&addr, 0, sizeof(addr));
		addr.family = AF_INET6;
	}

	/* Text: the words "add" takes; [ADDR6]:PORT in brackets. */
	open_json_object(NULL);
	print_string(PRINT_ANY, "proto", "%s", proto);
	print_string(PRINT_JSON, "family", NULL, family_name(to_addr.family));
	print_string(PRINT_JSON, "addr", NULL, fmt_ipaddr(&addr, abuf));
	print_uint(PRINT_JSON, "port", NULL, port);
	print_uint(PRINT_JSON, "port_max", NULL, port_max);
	print_string(PRINT_FP, NULL, " %s",
		     fmt_endpoint(&addr, fmt_ports((uint16_t)port, (uint16_t)port_max,
						   pbuf), ebuf));
	print_string(PRINT_JSON, "to_addr", NULL, fmt_ipaddr(&to_addr, abuf));
	print_uint(PRINT_JSON, "to_port", NULL, to_port);
	print_uint(PRINT_JSON, "to_port_max", NULL, to_port_max);
	print_string(PRINT_FP, NULL, " to %s",
		     fmt_endpoint(&to_addr, attr_port(tb[KNAT_FWD_A_TO_PORT]) ?
				  fmt_ports((uint16_t)to_port, (uint16_t)to_port_max,
					    pbuf) : NULL, ebuf));
	if (o && o->stats) {
		print_uint(PRINT_ANY, "flows", " flows %u",
			   attr_u32(tb[KNAT_FWD_A_FLOWS]));
		print_u64(PRINT_ANY, "packets", " packets %" PRIu64,
			  attr_u64(tb[KNAT_FWD_A_PACKETS]));
		print_u64(PRINT_ANY, "bytes", " bytes %" PRIu64,
			  attr_u64(tb[KNAT_FWD_A_BYTES]));
	}
	close_json_object();
	print_nl();
	return MNL_CB_OK;
}

static int forward_list(int argc, char **argv, const struct cli_opts *o)
{
	if (argc)
		return unexpected(argv[0]);
	return knat_query(KNAT_CMD_FORWARD_GET, NLM_F_DUMP, forward_print,
			  (void *)o);
}

int do_forward(int argc, char **argv, const struct cli_opts *o)
{
	if (!argc)
		return forward_list(0, argv, o);
	if (is_cmd(argv[0], "list"))
		return forward_list(argc - 1, argv + 1, o);
	if (is_kw(argv[0], "add"))
		return forward_change(argc - 1, argv + 1, true);
	if (is_cmd(argv[0], "del"))
		return forward_change(argc - 1, argv + 1, false);
	return unknown_cmd("forward", argv[0]);
}
