// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink: listing services and backends, as IPVS does, by two dumps of
 * one object per message (SERVICE_GET, BACKEND_GET), so that no message
 * grows with a service's backends; counters only when asked for, in one
 * STATS nest for both.  The uapi header's top comment has the tree.
 */

#include <linux/rculist.h>
#include <net/sock.h>

#include "netlink.h"
#include "service.h"

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
	       knat_nl_put_svc_addr(msg, svc) ||
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
	    knat_nl_put_be_addr(msg, be) ||
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
	KNAT_DUMP_FILTER,	/* BACKEND_GET of one service: 0, or 1 |
				 * proto << 8 | port << 16 | v6 << 32
				 */
	KNAT_DUMP_KEY,		/* and its address, 16 bytes: two longs */
};

static u64 knat_nl_dump_filter(const struct knat_service *svc)
{
	return 1 | svc->proto << 8 | (u64)be16_to_cpu(svc->port) << 16 |
	       (u64)svc->v6 << 32;
}

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
	if (!(key.v6 ? knat_service_find6(knat_net(sock_net(cb->skb->sk)),
					  key.proto, &key.addr.in6, key.port) :
		       knat_service_find(knat_net(sock_net(cb->skb->sk)),
					 key.proto, key.addr.ip, key.port))) {
		rcu_read_unlock();
		NL_SET_ERR_MSG_ATTR(cb->extack, nest, "No such service");
		return -ENOENT;
	}
	rcu_read_unlock();
	BUILD_BUG_ON((KNAT_DUMP_KEY + 2) * sizeof(long) > sizeof(cb->ctx) ||
		     2 * sizeof(long) != sizeof(key.addr));
	cb->args[KNAT_DUMP_FILTER] = knat_nl_dump_filter(&key);
	memcpy(&cb->args[KNAT_DUMP_KEY], &key.addr, sizeof(key.addr));
	return 0;
}

static bool knat_nl_dump_wants(struct netlink_callback *cb,
			       const struct knat_service *svc)
{
	return !cb->args[KNAT_DUMP_FILTER] ||
	       ((u64)cb->args[KNAT_DUMP_FILTER] == knat_nl_dump_filter(svc) &&
		!memcmp(&cb->args[KNAT_DUMP_KEY], &svc->addr,
			sizeof(svc->addr)));
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
