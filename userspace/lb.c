// SPDX-License-Identifier: GPL-2.0
/* Services and backends parsed once from their dumps; see lb.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "knat_nl.h"
#include "lb.h"
#include "policy.h"
#include "service.h"
#include "utils.h"

static const enum mnl_attr_data_type stats_policy[KNAT_LBSTATS_A_MAX + 1] = {
	[KNAT_LBSTATS_A_FLOWS]		= MNL_TYPE_U32,
	[KNAT_LBSTATS_A_ACTIVE]		= MNL_TYPE_U32,
	[KNAT_LBSTATS_A_INACTIVE]	= MNL_TYPE_U32,
	[KNAT_LBSTATS_A_CONNS]		= MNL_TYPE_U64,
	[KNAT_LBSTATS_A_PKTS_IN]	= MNL_TYPE_U64,
	[KNAT_LBSTATS_A_BYTES_IN]	= MNL_TYPE_U64,
	[KNAT_LBSTATS_A_PKTS_OUT]	= MNL_TYPE_U64,
	[KNAT_LBSTATS_A_BYTES_OUT]	= MNL_TYPE_U64,
	[KNAT_LBSTATS_A_HANDSHAKE]	= MNL_TYPE_NESTED,
	[KNAT_LBSTATS_A_RATE]		= MNL_TYPE_NESTED,
	[KNAT_LBSTATS_A_CHECK_FAILED]	= MNL_TYPE_U64,
	[KNAT_LBSTATS_A_CHECK_DOWNS]	= MNL_TYPE_U64,
	[KNAT_LBSTATS_A_MOVED]		= MNL_TYPE_U32,
	[KNAT_LBSTATS_A_ICMP]		= MNL_TYPE_NESTED,
	[KNAT_LBSTATS_A_ICMP_DROPS]	= MNL_TYPE_NESTED,
};

/* Room for one more of *n elements of size sz in *arr (capacity *cap). */
static void *grow(void *arr_p, size_t *n, size_t *cap, size_t sz)
{
	void **arr = arr_p;
	char *p;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;

		p = realloc(*arr, c * sz);
		if (!p)
			return NULL;
		*arr = p;
		*cap = c;
	}
	p = (char *)*arr + *n * sz;
	memset(p, 0, sz);
	(*n)++;
	return p;
}

/* Each u64 of nest as one lb_counter; -1 when memory ran out. */
static int collect(const struct nlattr *nest, struct lb_counter **arr,
		   size_t *n)
{
	const struct nlattr *a;
	struct lb_counter *c;
	size_t cap = *n, i;

	if (!nest)
		return 0;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0 ||
		    !mnl_attr_get_type(a))
			continue;
		/* Once each: the last value wins should one come twice. */
		for (i = 0; i < *n; i++)
			if ((*arr)[i].idx == mnl_attr_get_type(a) - 1u)
				break;
		c = i < *n ? &(*arr)[i] : grow(arr, n, &cap, sizeof(**arr));
		if (!c)
			return -1;
		c->idx = mnl_attr_get_type(a) - 1u;
		c->value = mnl_attr_get_u64(a);
	}
	return 0;
}

static void stats_free(struct lb_stats *st)
{
	if (!st)
		return;
	free(st->icmp);
	free(st->icmp_drops);
	free(st);
}

/* A STATS nest, or NULL (absent, or no memory: *nomem then). */
static struct lb_stats *stats_parse(const struct nlattr *nest, bool *nomem)
{
	const struct nlattr *tb[KNAT_LBSTATS_A_MAX + 1];
	const struct nlattr *rt[KNAT_RATE_A_MAX + 1];
	struct lb_stats *st;
	int i;

	if (!nest)
		return NULL;
	st = calloc(1, sizeof(*st));
	if (!st) {
		*nomem = true;
		return NULL;
	}
	knat_parse_nested(nest, stats_policy, KNAT_LBSTATS_A_MAX, tb);
	st->flows = attr_u32(tb[KNAT_LBSTATS_A_FLOWS]);
	st->has_active = tb[KNAT_LBSTATS_A_ACTIVE] != NULL;
	st->active = attr_u32(tb[KNAT_LBSTATS_A_ACTIVE]);
	st->inactive = attr_u32(tb[KNAT_LBSTATS_A_INACTIVE]);
	st->conns = attr_u64(tb[KNAT_LBSTATS_A_CONNS]);
	st->pkts_in = attr_u64(tb[KNAT_LBSTATS_A_PKTS_IN]);
	st->bytes_in = attr_u64(tb[KNAT_LBSTATS_A_BYTES_IN]);
	st->pkts_out = attr_u64(tb[KNAT_LBSTATS_A_PKTS_OUT]);
	st->bytes_out = attr_u64(tb[KNAT_LBSTATS_A_BYTES_OUT]);
	st->has_moved = tb[KNAT_LBSTATS_A_MOVED] != NULL;
	st->moved = attr_u32(tb[KNAT_LBSTATS_A_MOVED]);
	st->has_check_failed = tb[KNAT_LBSTATS_A_CHECK_FAILED] != NULL;
	st->check_failed = attr_u64(tb[KNAT_LBSTATS_A_CHECK_FAILED]);
	st->has_check_downs = tb[KNAT_LBSTATS_A_CHECK_DOWNS] != NULL;
	st->check_downs = attr_u64(tb[KNAT_LBSTATS_A_CHECK_DOWNS]);
	if (tb[KNAT_LBSTATS_A_RATE]) {
		st->has_rate = true;
		knat_parse_nested(tb[KNAT_LBSTATS_A_RATE], knat_rate_policy,
				  KNAT_RATE_A_MAX, rt);
		for (i = KNAT_RATE_A_CPS; i <= KNAT_RATE_A_BPS_OUT; i++)
			(&st->rate_cps)[i - KNAT_RATE_A_CPS] = attr_u64(rt[i]);
	}
	hs_parse(tb[KNAT_LBSTATS_A_HANDSHAKE], &st->hs);
	if (collect(tb[KNAT_LBSTATS_A_ICMP], &st->icmp, &st->nicmp) ||
	    collect(tb[KNAT_LBSTATS_A_ICMP_DROPS], &st->icmp_drops,
		    &st->nicmp_drops))
		*nomem = true;
	return st;
}

_Static_assert(offsetof(struct lb_stats, rate_bps_out) -
	       offsetof(struct lb_stats, rate_cps) ==
	       (KNAT_RATE_A_BPS_OUT - KNAT_RATE_A_CPS) * sizeof(uint64_t),
	       "the rates in the order of enum knat_rate_attr");

/* The names a service prints under, from its identity. */
static void service_names(struct lb_service *svc)
{
	const char *proto = proto_name(svc->proto_num);
	char pbuf[PORTS_BUF], ebuf[ENDPOINT_BUF];

	if (proto)
		snprintf(svc->proto, sizeof(svc->proto), "%s", proto);
	else
		snprintf(svc->proto, sizeof(svc->proto), "%u", svc->proto_num);
	fmt_ipaddr(&svc->addr, svc->vip);
	snprintf(svc->label, sizeof(svc->label), "%s/%s", svc->proto,
		 fmt_endpoint(&svc->addr, fmt_ports(svc->port, svc->port, pbuf),
			      ebuf));
}

static void add_service(struct lb_table *t, const struct nlattr *nest)
{
	const struct nlattr *tb[KNAT_SVC_A_MAX + 1];
	struct lb_service *svc;

	svc = grow(&t->svcs, &t->nservices, &t->cap, sizeof(*svc));
	if (!svc) {
		t->nomem = true;
		return;
	}
	knat_parse_nested(nest, knat_svc_policy, KNAT_SVC_A_MAX, tb);
	svc->proto_num = attr_u8(tb[KNAT_SVC_A_PROTO]);
	/* An IPv6 service carries ADDR6 instead of ADDR. */
	attr_ipaddr(tb[KNAT_SVC_A_ADDR], tb[KNAT_SVC_A_ADDR6], &svc->addr);
	svc->port = attr_port(tb[KNAT_SVC_A_PORT]);
	service_names(svc);
	svc->has_sched = tb[KNAT_SVC_A_SCHED] != NULL;
	if (svc->has_sched)
		snprintf(svc->sched, sizeof(svc->sched), "%s",
			 mnl_attr_get_str(tb[KNAT_SVC_A_SCHED]));
	svc->maglev = is_kw(svc->sched, "maglev");
	svc->persist = attr_u32(tb[KNAT_SVC_A_PERSIST]);
#define OPT(field, type) do {						\
		svc->has_##field = tb[type] != NULL;			\
		svc->field = attr_u32(tb[type]);			\
	} while (0)
	OPT(maglev_size, KNAT_SVC_A_MAGLEV_SIZE);
	OPT(check_fails, KNAT_SVC_A_CHECK_FAILS);
	OPT(check_timeout, KNAT_SVC_A_CHECK_TIMEOUT);
	OPT(check_holddown, KNAT_SVC_A_CHECK_HOLDDOWN);
	OPT(check_clients, KNAT_SVC_A_CHECK_CLIENTS);
	OPT(num_backends, KNAT_SVC_A_NUM_BACKENDS);
#undef OPT
	svc->st = stats_parse(tb[KNAT_SVC_A_STATS], &t->nomem);
}

/*
 * Protocol, port and the whole address with its family: an IPv4 VIP never
 * matches an IPv6 one, whatever their bytes, and IPv6 VIPs compare all 16.
 */
static bool same_service(const struct lb_service *svc, const struct nlattr **tb)
{
	struct ipaddr addr;

	attr_ipaddr(tb[KNAT_SVC_A_ADDR], tb[KNAT_SVC_A_ADDR6], &addr);
	return svc->proto_num == attr_u8(tb[KNAT_SVC_A_PROTO]) &&
	       ipaddr_equal(&svc->addr, &addr) &&
	       svc->port == attr_port(tb[KNAT_SVC_A_PORT]);
}

/*
 * The service a backend names.  Backends come service by service in the
 * services' order: the last one's service or the next, almost always.
 */
static struct lb_service *find_service(struct lb_table *t,
				       const struct nlattr *nest)
{
	const struct nlattr *tb[KNAT_SVC_A_MAX + 1];
	size_t i;

	knat_parse_nested(nest, knat_svc_policy, KNAT_SVC_A_MAX, tb);
	for (i = 0; i < t->nservices; i++) {
		size_t k = (t->last + i) % t->nservices;

		if (same_service(&t->svcs[k], tb)) {
			t->last = k;
			return &t->svcs[k];
		}
	}
	return NULL;
}

static void add_backend(struct lb_table *t, const struct nlattr *svc_nest,
			const struct nlattr *nest)
{
	const struct nlattr *tb[KNAT_BE_A_MAX + 1];
	struct lb_service *svc = find_service(t, svc_nest);
	struct lb_backend *be;
	char pbuf[PORTS_BUF];
	uint16_t port;

	if (!svc) {
		t->orphans++;
		return;
	}
	be = grow(&svc->backends, &svc->nbackends, &svc->cap, sizeof(*be));
	if (!be) {
		t->nomem = true;
		return;
	}
	knat_parse_nested(nest, knat_be_policy, KNAT_BE_A_MAX, tb);
	attr_ipaddr(tb[KNAT_BE_A_ADDR], tb[KNAT_BE_A_ADDR6], &be->addr);
	be->port = attr_port(tb[KNAT_BE_A_PORT]);
	port = be->port ? be->port : svc->port;
	fmt_endpoint(&be->addr, fmt_ports(port, port, pbuf), be->label);
	be->has_weight = tb[KNAT_BE_A_WEIGHT] != NULL;
	be->weight = attr_u32(tb[KNAT_BE_A_WEIGHT]);
	be->has_state = tb[KNAT_BE_A_STATE] != NULL;
	be->state = attr_u8(tb[KNAT_BE_A_STATE]);
	be->has_health = tb[KNAT_BE_A_HEALTH] != NULL;
	be->health = attr_u8(tb[KNAT_BE_A_HEALTH]);
	be->st = stats_parse(tb[KNAT_BE_A_STATS], &t->nomem);
}

int lb_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *top[KNAT_A_MAX + 1];
	struct lb_table *t = data;

	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, top);
	if (!top[KNAT_A_SERVICE])
		return MNL_CB_OK;
	if (genl->cmd == KNAT_CMD_BACKEND_GET) {
		if (top[KNAT_A_BACKEND])
			add_backend(t, top[KNAT_A_SERVICE], top[KNAT_A_BACKEND]);
	} else {
		add_service(t, top[KNAT_A_SERVICE]);
	}
	return t->nomem ? MNL_CB_ERROR : MNL_CB_OK;
}

void lb_table_free(struct lb_table *t)
{
	size_t i, j;

	for (i = 0; i < t->nservices; i++) {
		for (j = 0; j < t->svcs[i].nbackends; j++)
			stats_free(t->svcs[i].backends[j].st);
		free(t->svcs[i].backends);
		stats_free(t->svcs[i].st);
	}
	free(t->svcs);
	memset(t, 0, sizeof(*t));
}

static int dump(struct mnlg *g, uint8_t cmd, bool stats,
		const struct service_id *svc, struct lb_table *t)
{
	struct nlmsghdr *nlh = mnlg_msg(g, cmd, NLM_F_DUMP);

	if (stats)
		mnl_attr_put(nlh, KNAT_A_WITH_STATS, 0, NULL);
	if (svc)
		service_put_id(nlh, svc);
	if (knat_run(g, nlh, lb_msg_cb, t)) {
		if (t->nomem)
			pr_err("%s.", strerror(ENOMEM));
		return EXIT_KERNEL;
	}
	return 0;
}

int lb_collect(struct lb_table *t, bool stats, const struct service_id *svc)
{
	struct lb_service *s;
	struct mnlg *g;
	int ret = 0;

	g = knat_open();
	if (!g)
		return EXIT_KERNEL;
	if (svc) {
		/* Only the service's identity: what its backends name. */
		s = grow(&t->svcs, &t->nservices, &t->cap, sizeof(*s));
		if (!s) {
			pr_err("%s.", strerror(ENOMEM));
			ret = EXIT_KERNEL;
		} else {
			s->proto_num = svc->proto;
			s->addr = svc->addr;
			s->port = svc->port;
			service_names(s);
		}
	} else {
		ret = dump(g, KNAT_CMD_SERVICE_GET, stats, NULL, t);
	}
	if (!ret)
		ret = dump(g, KNAT_CMD_BACKEND_GET, stats, svc, t);
	knat_close(g);
	return ret;
}
