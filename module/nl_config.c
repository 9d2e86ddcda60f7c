// SPDX-License-Identifier: GPL-2.0
/* Netlink: the config object (limits, timeouts) and the stats object. */

#include "estimator.h"
#include "fastpath.h"
#include "flow.h"
#include "maglev.h"
#include "netlink.h"
#include "service.h"
#include "stats.h"

#define KNAT_MAX_FLOWS_LIMIT	(16U << 20)
#define KNAT_TIMEOUT_LIMIT	(7U * 24 * 3600)

/* Not const: 6.1's policy holds a plain pointer. */
static struct netlink_range_validation knat_timeout_range = {
	.min = 1, .max = KNAT_TIMEOUT_LIMIT,
};

static struct netlink_range_validation knat_max_flows_range = {
	.min = 1, .max = KNAT_MAX_FLOWS_LIMIT,
};

static struct netlink_range_validation knat_rate_interval_range = {
	.min = 1, .max = KNAT_RATE_INTERVAL_MAX,
};

static struct netlink_range_validation knat_rate_window_range = {
	.min = 1, .max = KNAT_RATE_WINDOW_MAX,
};

/*
 * Each limit bounds what one unprivileged user can make the kernel hold
 * (every allocation is charged to its memory cgroup too, but a cgroup
 * need not be limited), and each is far above what one site needs:
 * forwards and SNAT rules are tables walked for every new flow, so they
 * also bound the packet path's work; a SNAT rule holds up to 1.5 MiB of
 * port bitmaps; a service a 2-byte-a-slot maglev table (65537 slots:
 * 128 KiB); a backend per-CPU counters; max-flows the default of
 * max-flows, so a namespace can lower it but only the host raise it.
 */
u32 knat_limits[__KNAT_LIMIT_MAX] = {
	[KNAT_LIMIT_FORWARDS]		= 1024,
	[KNAT_LIMIT_SNATS]		= 64,
	[KNAT_LIMIT_SERVICES]		= 256,
	[KNAT_LIMIT_BACKENDS]		= 4096,
	[KNAT_LIMIT_SVC_BACKENDS]	= 1024,
	[KNAT_LIMIT_MAGLEV_SIZE]	= KNAT_MAGLEV_M_DEFAULT,
	[KNAT_LIMIT_MAX_FLOWS]		= KNAT_DEFAULT_MAX_FLOWS,
};

static const struct nla_policy knat_limits_policy[__KNAT_LIMIT_MAX + 1] = {
	[1 ... __KNAT_LIMIT_MAX] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &knat_max_flows_range),
};

static const struct nla_policy knat_timeouts_policy[__KNAT_TIMEOUT_MAX + 1] = {
	[1 ... __KNAT_TIMEOUT_MAX] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &knat_timeout_range),
};

const struct nla_policy knat_cfg_policy[KNAT_CFG_A_MAX + 1] = {
	[KNAT_CFG_A_MAX_FLOWS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						       &knat_max_flows_range),
	[KNAT_CFG_A_TIMEOUTS] = NLA_POLICY_NESTED(knat_timeouts_policy),
	[KNAT_CFG_A_RATE_INTERVAL] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &knat_rate_interval_range),
	[KNAT_CFG_A_RATE_WINDOW] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &knat_rate_window_range),
	[KNAT_CFG_A_LIMITS] = NLA_POLICY_NESTED(knat_limits_policy),
	[KNAT_CFG_A_FASTPATH] = NLA_POLICY_MAX(NLA_U8, 1),
};

int knat_nl_config_show(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct nlattr *cfg, *tos;
	struct sk_buff *msg;
	void *hdr;
	int i;

	msg = knat_nl_reply_new(info, KNAT_CMD_CONFIG_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	cfg = nla_nest_start(msg, KNAT_A_CONFIG);
	if (!cfg || nla_put_u32(msg, KNAT_CFG_A_MAX_FLOWS,
				READ_ONCE(kn->max_flows)))
		goto nospace;
	tos = nla_nest_start(msg, KNAT_CFG_A_TIMEOUTS);
	if (!tos)
		goto nospace;
	for (i = 0; i < __KNAT_TIMEOUT_MAX; i++)
		if (nla_put_u32(msg, i + 1, READ_ONCE(kn->timeouts[i]) / HZ))
			goto nospace;
	nla_nest_end(msg, tos);
	tos = nla_nest_start(msg, KNAT_CFG_A_LIMITS);
	if (!tos)
		goto nospace;
	for (i = 0; i < __KNAT_LIMIT_MAX; i++)
		if (nla_put_u32(msg, i + 1, READ_ONCE(knat_limits[i])))
			goto nospace;
	nla_nest_end(msg, tos);
	if (nla_put_u32(msg, KNAT_CFG_A_RATE_INTERVAL,
			READ_ONCE(kn->rate_interval)) ||
	    nla_put_u32(msg, KNAT_CFG_A_RATE_WINDOW,
			READ_ONCE(kn->rate_window)) ||
	    nla_put_u8(msg, KNAT_CFG_A_FASTPATH, READ_ONCE(kn->fastpath)))
		goto nospace;
	nla_nest_end(msg, cfg);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * Limits protect the host from its namespaces, so only the host may set
 * them: the initial namespace, and CAP_NET_ADMIN over the initial user
 * namespace (a container's root has it only over its own).
 */
static int knat_nl_limits_parse(struct sk_buff *skb, struct genl_info *info,
				struct nlattr *a, struct nlattr **lim)
{
	if (!a)
		return 0;
	if (!net_eq(genl_info_net(info), &init_net) ||
	    !netlink_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "Limits are set from the initial namespace only");
		return -EPERM;
	}
	return nla_parse_nested(lim, __KNAT_LIMIT_MAX, a, knat_limits_policy,
				info->extack);
}

int knat_nl_config_parse(struct sk_buff *skb, struct genl_info *info,
			 struct knat_nl_cfg_req *req)
{
	int err;

	memset(req, 0, sizeof(*req));
	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_CONFIG))
		return -EINVAL;
	err = nla_parse_nested(req->tb, KNAT_CFG_A_MAX,
			       info->attrs[KNAT_A_CONFIG], knat_cfg_policy,
			       info->extack);
	if (err)
		return err;
	if (req->tb[KNAT_CFG_A_TIMEOUTS]) {
		err = nla_parse_nested(req->tos, __KNAT_TIMEOUT_MAX,
				       req->tb[KNAT_CFG_A_TIMEOUTS],
				       knat_timeouts_policy, info->extack);
		if (err)
			return err;
	}
	return knat_nl_limits_parse(skb, info, req->tb[KNAT_CFG_A_LIMITS],
				    req->lim);
}

/* All or nothing: the policy has checked every value already. */
int knat_nl_config_apply(struct knat_net *kn, const struct knat_nl_cfg_req *req,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *const *tb = req->tb;
	int i, err;

	lockdep_assert_held(&kn->lock);
	/* Against the limit as it is, or as this same request sets it. */
	if (tb[KNAT_CFG_A_MAX_FLOWS] &&
	    nla_get_u32(tb[KNAT_CFG_A_MAX_FLOWS]) >
	    (req->lim[KNAT_LIMIT_MAX_FLOWS + 1] ?
	     nla_get_u32(req->lim[KNAT_LIMIT_MAX_FLOWS + 1]) :
	     knat_limit(kn, KNAT_LIMIT_MAX_FLOWS))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_CFG_A_MAX_FLOWS],
				    "max-flows above this namespace's limit (limit max-flows, set by the host)");
		return -EINVAL;
	}
	/* The table is sized from max-flows: the one step that can fail. */
	if (tb[KNAT_CFG_A_MAX_FLOWS]) {
		err = knat_ftab_resize(kn, nla_get_u32(tb[KNAT_CFG_A_MAX_FLOWS]));
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_CFG_A_MAX_FLOWS],
					    "No memory for a flow table that large");
			return err;
		}
	}
	for (i = 0; i < __KNAT_LIMIT_MAX; i++)
		if (req->lim[i + 1])
			WRITE_ONCE(knat_limits[i], nla_get_u32(req->lim[i + 1]));
	if (tb[KNAT_CFG_A_MAX_FLOWS])
		WRITE_ONCE(kn->max_flows, nla_get_u32(tb[KNAT_CFG_A_MAX_FLOWS]));
	/* Flows take a new timeout with their next packet. */
	for (i = 0; tb[KNAT_CFG_A_TIMEOUTS] && i < __KNAT_TIMEOUT_MAX; i++)
		if (req->tos[i + 1])
			WRITE_ONCE(kn->timeouts[i],
				   nla_get_u32(req->tos[i + 1]) * HZ);
	if (tb[KNAT_CFG_A_RATE_WINDOW])
		WRITE_ONCE(kn->rate_window,
			   nla_get_u32(tb[KNAT_CFG_A_RATE_WINDOW]));
	/* Off: routes already learned stay unused until their flows end. */
	if (tb[KNAT_CFG_A_FASTPATH]) {
		WRITE_ONCE(kn->fastpath, nla_get_u8(tb[KNAT_CFG_A_FASTPATH]));
		knat_ingress_sync(kn);
	}
	if (tb[KNAT_CFG_A_RATE_INTERVAL]) {
		WRITE_ONCE(kn->rate_interval,
			   nla_get_u32(tb[KNAT_CFG_A_RATE_INTERVAL]));
		knat_rate_config(kn);
	}
	return 0;
}

void knat_config_save(struct knat_net *kn, struct knat_cfg_snapshot *c)
{
	memcpy(c->limits, knat_limits, sizeof(c->limits));
	c->max_flows = kn->max_flows;
	memcpy(c->timeouts, kn->timeouts, sizeof(c->timeouts));
	c->rate_interval = kn->rate_interval;
	c->rate_window = kn->rate_window;
	c->fastpath = kn->fastpath;
}

/* Back to @c; kn->lock held.  Limits too: only the host can have set them. */
void knat_config_load(struct knat_net *kn, const struct knat_cfg_snapshot *c)
{
	int i;

	for (i = 0; i < __KNAT_LIMIT_MAX; i++)
		WRITE_ONCE(knat_limits[i], c->limits[i]);
	WRITE_ONCE(kn->max_flows, c->max_flows);
	/* Without the memory the table keeps its size: slower, not wrong. */
	knat_ftab_resize(kn, c->max_flows);
	for (i = 0; i < __KNAT_TIMEOUT_MAX; i++)
		WRITE_ONCE(kn->timeouts[i], c->timeouts[i]);
	WRITE_ONCE(kn->rate_window, c->rate_window);
	WRITE_ONCE(kn->fastpath, c->fastpath);
	knat_ingress_sync(kn);
	if (kn->rate_interval != c->rate_interval) {
		WRITE_ONCE(kn->rate_interval, c->rate_interval);
		knat_rate_config(kn);
	}
}

int knat_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct knat_nl_cfg_req req;
	int err;

	err = knat_nl_config_parse(skb, info, &req);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	err = knat_nl_config_apply(kn, &req, info->extack);
	mutex_unlock(&kn->lock);
	return err;
}

int knat_nl_put_array(struct sk_buff *msg, int type, const u64 *v, int n)
{
	struct nlattr *nest = nla_nest_start(msg, type);
	int i;

	if (!nest)
		return -EMSGSIZE;
	/* Attribute 0 is never a counter, so it pads. */
	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(msg, i + 1, v[i], 0))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int knat_nl_put_hs(struct sk_buff *msg, int type, const struct knat_hs_hist *h)
{
	struct nlattr *nest = nla_nest_start(msg, type);
	u64 count = 0;
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < KNAT_HS_BUCKETS; i++)
		count += h->bucket[i];
	if (knat_nl_put_array(msg, KNAT_HS_A_BUCKETS, h->bucket,
			      KNAT_HS_BUCKETS) ||
	    nla_put_u64_64bit(msg, KNAT_HS_A_COUNT, count, KNAT_HS_A_PAD) ||
	    nla_put_u64_64bit(msg, KNAT_HS_A_SUM_US, h->sum_us, KNAT_HS_A_PAD) ||
	    nla_put_u64_64bit(msg, KNAT_HS_A_MAX_US, h->max_us, KNAT_HS_A_PAD) ||
	    (h->min_us &&
	     nla_put_u64_64bit(msg, KNAT_HS_A_MIN_US, h->min_us, KNAT_HS_A_PAD)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int knat_nl_put_states(struct sk_buff *msg, struct knat_net *kn)
{
	u32 counts[__KNAT_TCP_MAX] = {}, live[KNAT_FLOWS_A_MAX] = {};
	struct nlattr *nest;
	int i;

	knat_flow_count_states(kn, counts, live);
	nest = nla_nest_start(msg, KNAT_STATS_A_TCP_STATES);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < __KNAT_TCP_MAX; i++)
		if (nla_put_u32(msg, i + 1, counts[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, KNAT_STATS_A_FLOWS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < KNAT_FLOWS_A_MAX; i++)
		if (nla_put_u32(msg, i + 1, live[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int knat_nl_stats_show(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct knat_stats sum;
	struct nlattr *stats;
	struct sk_buff *msg;
	void *hdr;

	msg = knat_nl_reply_new(info, KNAT_CMD_STATS_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	knat_stats_sum(kn, &sum);
	stats = nla_nest_start(msg, KNAT_A_STATS);
	if (!stats ||
	    knat_nl_put_array(msg, KNAT_STATS_A_COUNTERS, sum.cnt,
			      __KNAT_CNT_MAX) ||
	    knat_nl_put_array(msg, KNAT_STATS_A_DROPS, sum.drop,
			      __KNAT_DROP_MAX) ||
	    knat_nl_put_states(msg, kn) ||
	    knat_nl_put_hs(msg, KNAT_STATS_A_HANDSHAKE, &sum.hs)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, stats);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int knat_nl_stats_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	int err;

	/* parallel_ops: one reset at a time, as before. */
	mutex_lock(&kn->lock);
	err = knat_stats_reset(kn);
	mutex_unlock(&kn->lock);
	return err;
}
