// SPDX-License-Identifier: GPL-2.0
/* Netlink: the service and backend objects. */

#include <linux/rculist.h>
#include <net/sock.h>

#include "netlink.h"
#include "service.h"

static struct netlink_range_validation knat_weight_range = {
	.min = 0, .max = 65535,
};

static struct netlink_range_validation knat_seconds_range = {
	.min = 0, .max = 86400,
};

static struct netlink_range_validation knat_check_fails_range = {
	.min = 0, .max = 100,
};

static struct netlink_range_validation knat_check_timeout_range = {
	.min = 1, .max = 3600,
};

static struct netlink_range_validation knat_check_holddown_range = {
	.min = 1, .max = 86400,
};

static struct netlink_range_validation knat_check_clients_range = {
	.min = 1, .max = KNAT_CHECK_CLIENTS_MAX,
};

const struct nla_policy knat_svc_policy[KNAT_SVC_A_MAX + 1] = {
	[KNAT_SVC_A_PROTO]	= { .type = NLA_U8 },
	[KNAT_SVC_A_ADDR]	= { .type = NLA_BE32 },
	[KNAT_SVC_A_PORT]	= { .type = NLA_BE16 },
	[KNAT_SVC_A_SCHED]	= { .type = NLA_NUL_STRING,
				    .len = KNAT_SCHED_NAME_LEN - 1 },
	[KNAT_SVC_A_PERSIST]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&knat_seconds_range),
	[KNAT_SVC_A_MAGLEV_SIZE] = { .type = NLA_U32 },
	[KNAT_SVC_A_CHECK_FAILS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&knat_check_fails_range),
	[KNAT_SVC_A_CHECK_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&knat_check_timeout_range),
	[KNAT_SVC_A_CHECK_HOLDDOWN] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&knat_check_holddown_range),
	[KNAT_SVC_A_CHECK_CLIENTS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&knat_check_clients_range),
	/* Dump only: a request carrying them is wrong, not ignored. */
	[KNAT_SVC_A_NUM_BACKENDS] = { .type = NLA_REJECT },
	[KNAT_SVC_A_STATS]	= { .type = NLA_REJECT },
};

const struct nla_policy knat_be_policy[KNAT_BE_A_MAX + 1] = {
	[KNAT_BE_A_ADDR]	= { .type = NLA_BE32 },
	[KNAT_BE_A_PORT]	= { .type = NLA_BE16 },
	[KNAT_BE_A_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&knat_weight_range),
	[KNAT_BE_A_STATE]	= NLA_POLICY_MAX(NLA_U8, KNAT_BACKEND_DOWN),
	[KNAT_BE_A_DRAIN]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&knat_seconds_range),
	[KNAT_BE_A_HEALTH]	= { .type = NLA_REJECT },
	[KNAT_BE_A_STATS]	= { .type = NLA_REJECT },
};

/* The service a request names: PROTO, ADDR, PORT of KNAT_A_SERVICE. */
static int knat_nl_svc_key(struct genl_info *info, struct nlattr **tb,
			   struct knat_service *key)
{
	struct nlattr *nest = info->attrs[KNAT_A_SERVICE];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_SERVICE))
		return -EINVAL;
	err = nla_parse_nested(tb, KNAT_SVC_A_MAX, nest, knat_svc_policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[KNAT_SVC_A_PROTO] || !tb[KNAT_SVC_A_ADDR] ||
	    !tb[KNAT_SVC_A_PORT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "Service needs protocol, address and port");
		return -EINVAL;
	}
	key->proto = nla_get_u8(tb[KNAT_SVC_A_PROTO]);
	key->addr = nla_get_be32(tb[KNAT_SVC_A_ADDR]);
	key->port = nla_get_be16(tb[KNAT_SVC_A_PORT]);
	if (key->proto != IPPROTO_TCP && key->proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_SVC_A_PROTO],
				    "Protocol must be tcp or udp");
		return -EINVAL;
	}
	if (!key->port || !key->addr || ipv4_is_multicast(key->addr) ||
	    ipv4_is_lbcast(key->addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "Service needs a unicast address and a port");
		return -EINVAL;
	}
	return 0;
}

/* Under kn->lock: the named service, or NULL with extack set. */
static struct knat_service *knat_nl_svc_find(struct knat_net *kn,
					     const struct knat_service *key,
					     struct genl_info *info)
{
	struct knat_service *svc;

	svc = knat_service_find_locked(kn, key->proto, key->addr, key->port);
	if (!svc)
		NL_SET_ERR_MSG(info->extack, "No such service");
	return svc;
}

static const u32 *knat_nla_u32p(const struct nlattr *a, u32 *v)
{
	if (!a)
		return NULL;
	*v = nla_get_u32(a);
	return v;
}

/* The passive health check's settings: plain values, no lock needed. */
static void knat_nl_check_cfg(struct nlattr **tb, struct knat_service *svc)
{
	if (tb[KNAT_SVC_A_CHECK_FAILS])
		WRITE_ONCE(svc->check_fails,
			   nla_get_u32(tb[KNAT_SVC_A_CHECK_FAILS]));
	if (tb[KNAT_SVC_A_CHECK_TIMEOUT])
		WRITE_ONCE(svc->check_timeout,
			   nla_get_u32(tb[KNAT_SVC_A_CHECK_TIMEOUT]));
	if (tb[KNAT_SVC_A_CHECK_HOLDDOWN])
		WRITE_ONCE(svc->check_holddown,
			   nla_get_u32(tb[KNAT_SVC_A_CHECK_HOLDDOWN]));
	if (tb[KNAT_SVC_A_CHECK_CLIENTS])
		WRITE_ONCE(svc->check_clients,
			   nla_get_u32(tb[KNAT_SVC_A_CHECK_CLIENTS]));
}

/* A maglev table larger than the namespace may hold: extack says so. */
static bool knat_nl_maglev_limit(struct knat_net *kn, struct nlattr **tb,
				 struct genl_info *info)
{
	struct nlattr *a = tb[KNAT_SVC_A_MAGLEV_SIZE];

	if (!a || nla_get_u32(a) <= knat_limit(kn, KNAT_LIMIT_MAGLEV_SIZE))
		return false;
	NL_SET_ERR_MSG_ATTR(info->extack, a,
			    "maglev-size above this namespace's limit (limit maglev-size, set by the host)");
	return true;
}

/* Whether @svc may take one more backend; extack says why not. */
static bool knat_nl_backend_room(struct knat_net *kn,
				 const struct knat_service *svc,
				 struct netlink_ext_ack *extack)
{
	const struct knat_service *s;
	u32 total = 0;

	lockdep_assert_held(&kn->lock);
	if (svc->nbackends >= knat_limit(kn, KNAT_LIMIT_SVC_BACKENDS)) {
		NL_SET_ERR_MSG(extack,
			       "Service holds as many backends as its limit allows");
		return false;
	}
	/*
	 * Services are few where a limit applies (limit services): no count
	 * to keep in step.  The initial namespace has none, and may hold
	 * many thousands of services: no walk per backend added there.
	 */
	if (knat_limit(kn, KNAT_LIMIT_BACKENDS) == U32_MAX)
		return true;
	list_for_each_entry(s, &kn->services, list)
		total += s->nbackends;
	if (total >= knat_limit(kn, KNAT_LIMIT_BACKENDS)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many backends as its limit allows");
		return false;
	}
	return true;
}

int knat_nl_service_new(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct nlattr *tb[KNAT_SVC_A_MAX + 1];
	struct knat_service tmpl = {};
	char sched[KNAT_SCHED_NAME_LEN];
	int err;

	err = knat_nl_svc_key(info, tb, &tmpl);
	if (err)
		return err;
	if (tb[KNAT_SVC_A_SCHED])
		nla_strscpy(sched, tb[KNAT_SVC_A_SCHED], sizeof(sched));
	if (tb[KNAT_SVC_A_PERSIST])
		tmpl.persist = nla_get_u32(tb[KNAT_SVC_A_PERSIST]);
	if (tb[KNAT_SVC_A_MAGLEV_SIZE])
		tmpl.maglev_size = nla_get_u32(tb[KNAT_SVC_A_MAGLEV_SIZE]);
	tmpl.check_fails = KNAT_CHECK_FAILS_DEFAULT;
	tmpl.check_timeout = KNAT_CHECK_TIMEOUT_DEFAULT;
	tmpl.check_holddown = KNAT_CHECK_HOLDDOWN_DEFAULT;
	tmpl.check_clients = KNAT_CHECK_CLIENTS_DEFAULT;
	knat_nl_check_cfg(tb, &tmpl);

	if (knat_nl_maglev_limit(kn, tb, info))
		return -EINVAL;

	mutex_lock(&kn->lock);
	if (kn->nservices >= knat_limit(kn, KNAT_LIMIT_SERVICES)) {
		NL_SET_ERR_MSG(info->extack,
			       "Namespace holds as many services as its limit allows");
		err = -ENOSPC;
	} else {
		err = knat_service_add(kn, &tmpl,
				       tb[KNAT_SVC_A_SCHED] ? sched : NULL,
				       info->extack);
	}
	mutex_unlock(&kn->lock);
	return err;
}

int knat_nl_service_set(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct nlattr *tb[KNAT_SVC_A_MAX + 1];
	char sched[KNAT_SCHED_NAME_LEN];
	struct knat_service key = {}, *svc;
	u32 persist, size;
	int err;

	err = knat_nl_svc_key(info, tb, &key);
	if (err)
		return err;
	if (tb[KNAT_SVC_A_SCHED])
		nla_strscpy(sched, tb[KNAT_SVC_A_SCHED], sizeof(sched));
	if (knat_nl_maglev_limit(kn, tb, info))
		return -EINVAL;

	mutex_lock(&kn->lock);
	svc = knat_nl_svc_find(kn, &key, info);
	err = svc ? knat_service_set(kn, svc,
				     tb[KNAT_SVC_A_SCHED] ? sched : NULL,
				     knat_nla_u32p(tb[KNAT_SVC_A_PERSIST],
						   &persist),
				     knat_nla_u32p(tb[KNAT_SVC_A_MAGLEV_SIZE],
						   &size),
				     info->extack) : -ENOENT;
	if (!err)
		knat_nl_check_cfg(tb, svc);
	mutex_unlock(&kn->lock);
	return err;
}

int knat_nl_service_del(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct nlattr *tb[KNAT_SVC_A_MAX + 1];
	struct knat_service key = {}, *svc;
	int err;

	err = knat_nl_svc_key(info, tb, &key);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	svc = knat_nl_svc_find(kn, &key, info);
	err = svc ? knat_service_del(kn, svc) : -ENOENT;
	mutex_unlock(&kn->lock);
	return err;
}

/* The backend a request names in @svc, or NULL. */
static struct knat_backend *knat_nl_be_find(struct knat_service *svc,
					    struct nlattr **tb,
					    __be32 *addr, __be16 *port)
{
	*addr = nla_get_be32(tb[KNAT_BE_A_ADDR]);
	*port = tb[KNAT_BE_A_PORT] && nla_get_be16(tb[KNAT_BE_A_PORT]) ?
		nla_get_be16(tb[KNAT_BE_A_PORT]) : svc->port;
	return knat_backend_find_locked(svc, *addr, *port);
}

static int knat_nl_backend(struct genl_info *info, u8 cmd)
{
	struct knat_net *kn = knat_nl_net(info);
	struct nlattr *ts[KNAT_SVC_A_MAX + 1], *tb[KNAT_BE_A_MAX + 1];
	struct knat_service key = {}, *svc;
	struct knat_backend *be;
	u32 weight, drain = 0;
	__be32 addr;
	__be16 port;
	u8 state;
	int err;

	err = knat_nl_svc_key(info, ts, &key);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_BACKEND))
		return -EINVAL;
	err = nla_parse_nested(tb, KNAT_BE_A_MAX, info->attrs[KNAT_A_BACKEND],
			       knat_be_policy, info->extack);
	if (err)
		return err;
	if (!tb[KNAT_BE_A_ADDR]) {
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[KNAT_A_BACKEND],
				     KNAT_BE_A_ADDR);
		return -EINVAL;
	}

	mutex_lock(&kn->lock);
	svc = knat_nl_svc_find(kn, &key, info);
	if (!svc) {
		err = -ENOENT;
		goto out;
	}
	be = knat_nl_be_find(svc, tb, &addr, &port);
	switch (cmd) {
	case KNAT_CMD_BACKEND_NEW:
		if (be) {
			NL_SET_ERR_MSG(info->extack, "Backend already exists");
			err = -EEXIST;
			break;
		}
		err = knat_nl_check_host(info->extack, tb[KNAT_BE_A_ADDR],
					 addr, KNAT_NL_HOST_BACKEND);
		if (err)
			break;
		if (!knat_nl_backend_room(kn, svc, info->extack)) {
			err = -ENOSPC;
			break;
		}
		err = knat_backend_add(svc, addr, port,
				       tb[KNAT_BE_A_WEIGHT] ?
				       nla_get_u32(tb[KNAT_BE_A_WEIGHT]) : 1,
				       info->extack);
		break;
	case KNAT_CMD_BACKEND_SET:
		if (!be) {
			NL_SET_ERR_MSG(info->extack, "No such backend");
			err = -ENOENT;
			break;
		}
		if (tb[KNAT_BE_A_STATE])
			state = nla_get_u8(tb[KNAT_BE_A_STATE]);
		err = knat_backend_set(be,
				       knat_nla_u32p(tb[KNAT_BE_A_WEIGHT],
						     &weight),
				       tb[KNAT_BE_A_STATE] ? &state : NULL);
		break;
	default:
		if (!be) {
			NL_SET_ERR_MSG(info->extack, "No such backend");
			err = -ENOENT;
			break;
		}
		if (tb[KNAT_BE_A_DRAIN])
			drain = nla_get_u32(tb[KNAT_BE_A_DRAIN]);
		err = knat_backend_del(be, drain);
	}
out:
	mutex_unlock(&kn->lock);
	return err;
}

int knat_nl_backend_new(struct sk_buff *skb, struct genl_info *info)
{
	return knat_nl_backend(info, KNAT_CMD_BACKEND_NEW);
}

int knat_nl_backend_set(struct sk_buff *skb, struct genl_info *info)
{
	return knat_nl_backend(info, KNAT_CMD_BACKEND_SET);
}

int knat_nl_backend_del(struct sk_buff *skb, struct genl_info *info)
{
	return knat_nl_backend(info, KNAT_CMD_BACKEND_DEL);
}

static void knat_be_sum(const struct knat_backend *be,
			struct knat_backend_stats *sum)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct knat_backend_stats *s = per_cpu_ptr(be->stats, cpu);

		sum->conns += READ_ONCE(s->conns);
		sum->pkts[0] += READ_ONCE(s->pkts[0]);
		sum->pkts[1] += READ_ONCE(s->pkts[1]);
		sum->bytes[0] += READ_ONCE(s->bytes[0]);
		sum->bytes[1] += READ_ONCE(s->bytes[1]);
		sum->check_failed += READ_ONCE(s->check_failed);
		sum->check_downs += READ_ONCE(s->check_downs);
		knat_hs_add(&sum->hs, &s->hs);
	}
}

static int knat_nl_put_rate(struct sk_buff *msg,
			    const struct knat_rate_est *est)
{
	struct nlattr *nest = nla_nest_start(msg, KNAT_LBSTATS_A_RATE);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < KNAT_RATE_N; i++)
		if (nla_put_u64_64bit(msg, KNAT_RATE_A_CPS + i,
				      READ_ONCE(est->rate[i]), KNAT_RATE_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static_assert(KNAT_RATE_A_PPS_IN - KNAT_RATE_A_CPS == KNAT_RATE_PKTS_IN);
static_assert(KNAT_RATE_A_PPS_OUT - KNAT_RATE_A_CPS == KNAT_RATE_PKTS_OUT);
static_assert(KNAT_RATE_A_BPS_IN - KNAT_RATE_A_CPS == KNAT_RATE_BYTES_IN);
static_assert(KNAT_RATE_A_BPS_OUT - KNAT_RATE_A_CPS == KNAT_RATE_BYTES_OUT);

/*
 * What a service and a backend have alike, inside an open STATS nest.
 * ACTIVE and INACTIVE are read apart, so a flow ending between the reads
 * could make the difference negative for a moment.
 */
static int knat_nl_put_common(struct sk_buff *msg,
			      const struct knat_backend_stats *s,
			      const atomic_t *nflows, const atomic_t *nactive,
			      const struct knat_rate_est *est)
{
	int active = max(atomic_read(nactive), 0);
	int all = atomic_read(nflows);

	return nla_put_u32(msg, KNAT_LBSTATS_A_FLOWS, max(all, 0)) ||
	       nla_put_u32(msg, KNAT_LBSTATS_A_ACTIVE, active) ||
	       nla_put_u32(msg, KNAT_LBSTATS_A_INACTIVE,
			   max(all - active, 0)) ||
	       nla_put_u64_64bit(msg, KNAT_LBSTATS_A_CONNS, s->conns,
				 KNAT_LBSTATS_A_PAD) ||
	       nla_put_u64_64bit(msg, KNAT_LBSTATS_A_PKTS_IN, s->pkts[0],
				 KNAT_LBSTATS_A_PAD) ||
	       nla_put_u64_64bit(msg, KNAT_LBSTATS_A_BYTES_IN, s->bytes[0],
				 KNAT_LBSTATS_A_PAD) ||
	       nla_put_u64_64bit(msg, KNAT_LBSTATS_A_PKTS_OUT, s->pkts[1],
				 KNAT_LBSTATS_A_PAD) ||
	       nla_put_u64_64bit(msg, KNAT_LBSTATS_A_BYTES_OUT, s->bytes[1],
				 KNAT_LBSTATS_A_PAD) ||
	       knat_nl_put_hs(msg, KNAT_LBSTATS_A_HANDSHAKE, &s->hs) ||
	       knat_nl_put_rate(msg, est);
}

/* The service's ICMP counters, under their global counters' numbers. */
static int knat_nl_put_svc_icmp(struct sk_buff *msg,
				const struct knat_service *svc)
{
	u64 sum[KNAT_SVC_ICMP_N] = {};
	struct nlattr *nest;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct knat_svc_stats *s = per_cpu_ptr(svc->stats, cpu);

		for (i = 0; i < KNAT_SVC_ICMP_N; i++)
			sum[i] += READ_ONCE(s->icmp[i]);
	}
	nest = nla_nest_start(msg, KNAT_LBSTATS_A_ICMP);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < __KNAT_CNT_MAX; i++) {
		int idx = knat_svc_icmp_index(i);

		if (idx >= 0 && nla_put_u64_64bit(msg, i + 1, sum[idx], 0))
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, KNAT_LBSTATS_A_ICMP_DROPS);
	if (!nest ||
	    nla_put_u64_64bit(msg, KNAT_DROP_ICMP_UNRELATED + 1,
			      sum[KNAT_SVC_ICMP_UNRELATED], 0))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int knat_nl_put_be_stats(struct sk_buff *msg,
				const struct knat_backend *be)
{
	struct knat_backend_stats sum = {};
	struct nlattr *nest;

	knat_be_sum(be, &sum);
	nest = nla_nest_start(msg, KNAT_BE_A_STATS);
	if (!nest ||
	    knat_nl_put_common(msg, &sum, &be->nflows, &be->nactive,
			       &be->est) ||
	    nla_put_u64_64bit(msg, KNAT_LBSTATS_A_CHECK_FAILED,
			      sum.check_failed, KNAT_LBSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, KNAT_LBSTATS_A_CHECK_DOWNS,
			      sum.check_downs, KNAT_LBSTATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* A service's counters are its backends', summed at read time.  RCU held. */
static int knat_nl_put_svc_stats(struct sk_buff *msg,
				 const struct knat_service *svc)
{
	struct knat_backend_stats sum = {}, one;
	const struct knat_backend *be;
	struct nlattr *nest;

	list_for_each_entry_rcu(be, &svc->backends, list) {
		memset(&one, 0, sizeof(one));
		knat_be_sum(be, &one);
		sum.conns += one.conns;
		sum.pkts[0] += one.pkts[0];
		sum.pkts[1] += one.pkts[1];
		sum.bytes[0] += one.bytes[0];
		sum.bytes[1] += one.bytes[1];
		knat_hs_add(&sum.hs, &one.hs);
	}
	nest = nla_nest_start(msg, KNAT_SVC_A_STATS);
	if (!nest ||
	    knat_nl_put_common(msg, &sum, &svc->nflows, &svc->nactive,
			       &svc->est) ||
	    nla_put_u32(msg, KNAT_LBSTATS_A_MOVED, READ_ONCE(svc->moved)) ||
	    knat_nl_put_svc_icmp(msg, svc))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* PROTO, ADDR and PORT: what names a service. */
static int knat_nl_put_svc_id(struct sk_buff *msg,
			      const struct knat_service *svc)
{
	return nla_put_u8(msg, KNAT_SVC_A_PROTO, svc->proto) ||
	       nla_put_be32(msg, KNAT_SVC_A_ADDR, svc->addr) ||
	       nla_put_be16(msg, KNAT_SVC_A_PORT, svc->port);
}

static int knat_nl_fill_service(struct sk_buff *msg,
				const struct knat_service *svc, bool stats)
{
	const struct knat_sched *sched = READ_ONCE(svc->sched);
	struct nlattr *nest;

	nest = nla_nest_start(msg, KNAT_A_SERVICE);
	if (!nest || knat_nl_put_svc_id(msg, svc) ||
	    nla_put_string(msg, KNAT_SVC_A_SCHED, sched->name) ||
	    nla_put_u32(msg, KNAT_SVC_A_PERSIST, svc->persist) ||
	    nla_put_u32(msg, KNAT_SVC_A_MAGLEV_SIZE, svc->maglev_size) ||
	    nla_put_u32(msg, KNAT_SVC_A_CHECK_FAILS,
			READ_ONCE(svc->check_fails)) ||
	    nla_put_u32(msg, KNAT_SVC_A_CHECK_TIMEOUT,
			READ_ONCE(svc->check_timeout)) ||
	    nla_put_u32(msg, KNAT_SVC_A_CHECK_HOLDDOWN,
			READ_ONCE(svc->check_holddown)) ||
	    nla_put_u32(msg, KNAT_SVC_A_CHECK_CLIENTS,
			READ_ONCE(svc->check_clients)) ||
	    nla_put_u32(msg, KNAT_SVC_A_NUM_BACKENDS,
			READ_ONCE(svc->nbackends)) ||
	    (stats && knat_nl_put_svc_stats(msg, svc)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int knat_nl_fill_backend(struct sk_buff *msg,
				const struct knat_backend *be, bool stats)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, KNAT_A_SERVICE);
	if (!nest || knat_nl_put_svc_id(msg, be->svc))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, KNAT_A_BACKEND);
	if (!nest ||
	    nla_put_be32(msg, KNAT_BE_A_ADDR, be->addr) ||
	    nla_put_be16(msg, KNAT_BE_A_PORT, be->port) ||
	    nla_put_u32(msg, KNAT_BE_A_WEIGHT, READ_ONCE(be->weight)) ||
	    nla_put_u8(msg, KNAT_BE_A_STATE, READ_ONCE(be->state)) ||
	    nla_put_u8(msg, KNAT_BE_A_HEALTH, READ_ONCE(be->health)) ||
	    (stats && knat_nl_put_be_stats(msg, be)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * Dump state in cb->args: where to resume (the service's position, then
 * the backend's within it), what the request asked for.
 */
enum {
	KNAT_DUMP_SVC,		/* position in kn->services */
	KNAT_DUMP_BE,		/* position in that service's backends */
	KNAT_DUMP_STATS,	/* KNAT_A_WITH_STATS was given */
	KNAT_DUMP_FILTER,	/* BACKEND_GET of one service */
	KNAT_DUMP_KEY,		/* that service: proto << 48 | port << 32 | addr */
};

static bool knat_nl_dump_stats(struct netlink_callback *cb)
{
	return cb->args[KNAT_DUMP_STATS];
}

int knat_nl_service_dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);

	cb->args[KNAT_DUMP_STATS] = !!info->attrs[KNAT_A_WITH_STATS];
	return 0;
}

/* One message per service, with no backend; resumed by position. */
int knat_nl_service_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct knat_net *kn = knat_net(sock_net(skb->sk));
	bool stats = knat_nl_dump_stats(cb);
	struct knat_service *svc;
	long idx = 0;
	int err = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(svc, &kn->services, list) {
		void *hdr;

		if (idx < cb->args[KNAT_DUMP_SVC]) {
			idx++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &knat_genl_family,
				  NLM_F_MULTI, KNAT_CMD_SERVICE_GET);
		if (!hdr)
			break;
		if (knat_nl_fill_service(skb, svc, stats)) {
			genlmsg_cancel(skb, hdr);
			/* Alone in a message and still too big: say so. */
			if (!skb->len)
				err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	rcu_read_unlock();
	cb->args[KNAT_DUMP_SVC] = idx;
	return err ?: skb->len;
}

int knat_nl_backend_dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *nest = info->attrs[KNAT_A_SERVICE];
	struct nlattr *tb[KNAT_SVC_A_MAX + 1];
	struct knat_service key = {};
	struct genl_info gi = {
		.attrs = info->attrs,
		.extack = cb->extack,
	};
	int err;

	cb->args[KNAT_DUMP_STATS] = !!info->attrs[KNAT_A_WITH_STATS];
	if (!nest)
		return 0;
	err = knat_nl_svc_key(&gi, tb, &key);
	if (err)
		return err;
	rcu_read_lock();
	if (!knat_service_find(knat_net(sock_net(cb->skb->sk)), key.proto,
			       key.addr, key.port)) {
		rcu_read_unlock();
		NL_SET_ERR_MSG_ATTR(cb->extack, nest, "No such service");
		return -ENOENT;
	}
	rcu_read_unlock();
	cb->args[KNAT_DUMP_FILTER] = 1;
	cb->args[KNAT_DUMP_KEY] = (long)((u64)key.proto << 48 |
					 (u64)be16_to_cpu(key.port) << 32 |
					 be32_to_cpu(key.addr));
	return 0;
}

static bool knat_nl_dump_wants(struct netlink_callback *cb,
			       const struct knat_service *svc)
{
	u64 k = (u64)cb->args[KNAT_DUMP_KEY];

	return !cb->args[KNAT_DUMP_FILTER] ||
	       (svc->proto == (u8)(k >> 48) &&
		svc->port == cpu_to_be16((u16)(k >> 32)) &&
		svc->addr == cpu_to_be32((u32)k));
}

/*
 * The backends of @svc from position cb->args[KNAT_DUMP_BE] on, one
 * message each; -EMSGSIZE once the answer is full (the position then
 * names the first one not sent).
 */
static int knat_nl_dump_backends(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 const struct knat_service *svc)
{
	bool stats = knat_nl_dump_stats(cb);
	const struct knat_backend *be;
	long idx = 0;

	list_for_each_entry_rcu(be, &svc->backends, list) {
		void *hdr;

		if (idx < cb->args[KNAT_DUMP_BE]) {
			idx++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &knat_genl_family,
				  NLM_F_MULTI, KNAT_CMD_BACKEND_GET);
		if (!hdr)
			return -EMSGSIZE;
		if (knat_nl_fill_backend(skb, be, stats)) {
			genlmsg_cancel(skb, hdr);
			return -EMSGSIZE;
		}
		genlmsg_end(skb, hdr);
		cb->args[KNAT_DUMP_BE] = ++idx;
	}
	return 0;
}

/*
 * One message per backend, service by service; resumed at the service's
 * position and the backend's within it, so a service of 65535 backends
 * spreads over as many answers as it needs.
 */
int knat_nl_backend_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct knat_net *kn = knat_net(sock_net(skb->sk));
	struct knat_service *svc;
	long idx = 0;
	int err = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(svc, &kn->services, list) {
		if (idx < cb->args[KNAT_DUMP_SVC]) {
			idx++;
			continue;
		}
		if (knat_nl_dump_wants(cb, svc)) {
			err = knat_nl_dump_backends(skb, cb, svc);
			if (err)
				break;
		}
		cb->args[KNAT_DUMP_BE] = 0;
		idx++;
	}
	rcu_read_unlock();
	cb->args[KNAT_DUMP_SVC] = idx;
	/* Not even one backend fitted an empty answer: it never will. */
	if (err && !skb->len)
		return err;
	return skb->len;
}
