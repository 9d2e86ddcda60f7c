// SPDX-License-Identifier: GPL-2.0
/*
 * knat backend: add, change, delete and list the backends of a service.
 * "knat service list" shows them under their service too.
 */
#include <string.h>
#include <linux/knat.h>

#include "json_print.h"
#include "knat_nl.h"
#include "lb.h"
#include "objects.h"
#include "service.h"
#include "utils.h"

void backend_usage(FILE *f)
{
	fprintf(f,
		"Usage: knat backend add PROTO VIP:PORT ADDR[:PORT]... [ weight WEIGHT ]\n"
		"       knat backend set PROTO VIP:PORT ADDR[:PORT] { weight WEIGHT | down | up } ...\n"
		"       knat backend del PROTO VIP:PORT ADDR[:PORT] [ drain SECONDS ]\n"
		"       knat [ -s ] backend list [ PROTO VIP:PORT ]\n"
		"where  PROTO := { tcp | udp }\n"
		"       VIP:PORT := { ADDR:PORT | [ADDR6]:PORT }\n"
		"       ADDR[:PORT] := { ADDR[:PORT] | [ADDR6][:PORT] | ADDR6 }, of the\n"
		"                      service's family\n"
		"       WEIGHT := 0..%u\n"
		"       SECONDS := 0..%u\n",
		BACKEND_WEIGHT_MAX, BACKEND_DRAIN_MAX);
}

/* Which keywords each command takes. */
static bool takes(enum lb_op op, const char *kw)
{
	switch (op) {
	case LB_ADD:
		return is_kw(kw, "weight");
	case LB_SET:
		return is_kw(kw, "weight") || is_kw(kw, "down") || is_kw(kw, "up");
	case LB_DEL:
		return is_kw(kw, "drain");
	}
	return false;
}

static bool any_kw(const char *word)
{
	return takes(LB_ADD, word) || takes(LB_SET, word) || takes(LB_DEL, word);
}

/* One keyword and its value, if it has one; *used says how many words. */
static int parse_kw(int argc, char **argv, enum lb_op op,
		    struct backend_spec *bs, int *used)
{
	const char *kw = argv[0], *arg = argc > 1 ? argv[1] : NULL;
	uint8_t state;

	*used = 2;
	if (!takes(op, kw))
		return unexpected(kw);
	if (is_kw(kw, "down") || is_kw(kw, "up")) {
		*used = 1;
		state = is_kw(kw, "up") ? KNAT_BACKEND_UP : KNAT_BACKEND_DOWN;
		if (bs->has_state && bs->state == state) {
			pr_err("duplicate \"%s\".", kw);
			return EXIT_USAGE;
		}
		if (bs->has_state) {
			pr_err("\"down\" and \"up\" cannot be used together.");
			return EXIT_USAGE;
		}
		bs->has_state = true;
		bs->state = state;
		return 0;
	}
	if (!arg)
		return needarg(kw);
	if (is_kw(kw, "weight")) {
		if (bs->has_weight)
			return duparg(kw, arg);
		if (lb_parse_u32(arg, kw, 0, BACKEND_WEIGHT_MAX, &bs->weight))
			return EXIT_USAGE;
		bs->has_weight = true;
		return 0;
	}
	/* drain */
	if (bs->has_drain)
		return duparg(kw, arg);
	if (lb_parse_u32(arg, kw, 0, BACKEND_DRAIN_MAX, &bs->drain))
		return EXIT_USAGE;
	bs->has_drain = true;
	return 0;
}

/*
 * One ADDR[:PORT] ([ADDR6][:PORT], ADDR6) into bs; of the service's
 * family (svc_arg is how it was typed, for the message) and not the same
 * as any of the n before it.
 */
static int parse_one(const char *word, const char *svc_arg,
		     struct backend_spec *bs, int n)
{
	const struct ipaddr *vip = &bs[0].svc.addr;
	struct endpoint ep;
	const char *why;
	int i;

	why = parse_endpoint(word, EP_ADDR_REQUIRED, &ep);
	if (why)
		return invarg(word, why);
	/*
	 * The kernel refuses a mix too, but only after the backends before
	 * this one were added; say it now, naming both arguments.
	 */
	if (ep.addr_min.family != vip->family)
		return family_mix(word, ep.addr_min.family, svc_arg, vip->family);
	bs[n].addr = ep.addr_min;
	bs[n].port = ep.has_port ? ep.port_min : 0;
	for (i = 0; i < n; i++)
		if (ipaddr_equal(&bs[i].addr, &bs[n].addr) &&
		    bs[i].port == bs[n].port)
			return invarg(word, "the same backend twice");
	return 0;
}

int backend_parse_list(int argc, char **argv, enum lb_op op,
		       struct backend_spec *bs, int max, int *n)
{
	struct backend_spec opts;
	const char *svc_arg;
	int used, i;

	memset(bs, 0, sizeof(*bs));
	*n = 0;
	if (service_parse_id(argc, argv, &bs->svc))
		return EXIT_USAGE;
	if (argc < 3)
		return missarg("ADDR[:PORT]");
	svc_arg = argv[1];
	/*
	 * Addresses up to the first keyword of any backend command, so that
	 * "add ... down" says "unexpected"; a typo reads as an address.
	 */
	for (argc -= 2, argv += 2; argc > 0 && *n < max && (!*n || !any_kw(argv[0]));
	     argc--, argv++) {
		if (parse_one(argv[0], svc_arg, bs, *n))
			return EXIT_USAGE;
		(*n)++;
	}

	memset(&opts, 0, sizeof(opts));
	for (; argc > 0; argc -= used, argv += used)
		if (parse_kw(argc, argv, op, &opts, &used))
			return EXIT_USAGE;
	if (op == LB_SET && !opts.has_weight && !opts.has_state) {
		pr_err("nothing to set.");
		return EXIT_USAGE;
	}
	/* The options apply to each backend, all in the same service. */
	for (i = 0; i < *n; i++) {
		opts.svc = bs[0].svc;
		opts.addr = bs[i].addr;
		opts.port = bs[i].port;
		bs[i] = opts;
	}
	return 0;
}

int backend_parse(int argc, char **argv, enum lb_op op, struct backend_spec *bs)
{
	int n;

	return backend_parse_list(argc, argv, op, bs, 1, &n);
}

void backend_put(struct nlmsghdr *nlh, const struct backend_spec *bs)
{
	struct nlattr *nest;

	service_put_id(nlh, &bs->svc);
	nest = mnl_attr_nest_start(nlh, KNAT_A_BACKEND);
	/* An IPv6 backend (of an IPv6 service): ADDR6, never ADDR. */
	put_ipaddr(nlh, KNAT_BE_A_ADDR, KNAT_BE_A_ADDR6, &bs->addr);
	/* Always there: 0 means the service's port, as when it was added. */
	put_port(nlh, KNAT_BE_A_PORT, bs->port);
	if (bs->has_weight)
		mnl_attr_put_u32(nlh, KNAT_BE_A_WEIGHT, bs->weight);
	if (bs->has_state)
		mnl_attr_put_u8(nlh, KNAT_BE_A_STATE, bs->state);
	if (bs->has_drain)
		mnl_attr_put_u32(nlh, KNAT_BE_A_DRAIN, bs->drain);
	mnl_attr_nest_end(nlh, nest);
}

static void put_cb(struct nlmsghdr *nlh, const void *arg)
{
	backend_put(nlh, arg);
}

/*
 * "add" takes several backends (as a shell brace expansion gives them):
 * all the arguments are checked first, then the backends are added one by
 * one; the first the kernel refuses ends the command, named, and those
 * before it stay.
 */
static int backend_change(int argc, char **argv, enum lb_op op)
{
	static const uint8_t cmds[] = {
		[LB_ADD] = KNAT_CMD_BACKEND_NEW,
		[LB_SET] = KNAT_CMD_BACKEND_SET,
		[LB_DEL] = KNAT_CMD_BACKEND_DEL,
	};
	struct backend_spec bs[BACKEND_ADD_MAX];
	char pbuf[PORTS_BUF], ebuf[ENDPOINT_BUF];
	uint16_t port;
	int ret, n, i;

	ret = backend_parse_list(argc, argv, op, bs,
				 op == LB_ADD ? BACKEND_ADD_MAX : 1, &n);
	for (i = 0; !ret && i < n; i++) {
		ret = knat_do(cmds[op], put_cb, &bs[i]);
		if (ret && n > 1) {
			port = bs[i].port ? bs[i].port : bs[i].svc.port;
			pr_err("backend %s (%d of %d) not added; %d added before it.",
			       fmt_endpoint(&bs[i].addr, fmt_ports(port, port, pbuf),
					    ebuf), i + 1, n, i);
		}
	}
	if (!ret)
		print_empty_result();
	return ret;
}

/* Every backend, or those of one service. */
static int backend_list(int argc, char **argv, const struct cli_opts *o)
{
	struct lb_table t = { 0 };
	struct service_id id;
	int ret;

	if (argc && service_parse_id(argc, argv, &id))
		return EXIT_USAGE;
	if (argc > 2)
		return unexpected(argv[2]);
	ret = lb_collect(&t, o && o->stats, argc ? &id : NULL);
	if (!ret)
		backend_print_table(&t, o);
	lb_table_free(&t);
	return ret;
}

int do_backend(int argc, char **argv, const struct cli_opts *o)
{
	if (!argc)
		return backend_list(0, argv, o);
	if (is_cmd(argv[0], "list"))
		return backend_list(argc - 1, argv + 1, o);
	if (is_kw(argv[0], "add"))
		return backend_change(argc - 1, argv + 1, LB_ADD);
	if (is_kw(argv[0], "set"))
		return backend_change(argc - 1, argv + 1, LB_SET);
	if (is_cmd(argv[0], "del"))
		return backend_change(argc - 1, argv + 1, LB_DEL);
	return unknown_cmd("backend", argv[0]);
}
