// SPDX-License-Identifier: GPL-2.0
/* Netlink: adding, changing and deleting services and backends. */

#include "maglev.h"
#include "netlink.h"
#include "reap.h"
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
	[KNAT_SVC_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
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
	[KNAT_BE_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[KNAT_BE_A_PORT]	= { .type = NLA_BE16 },
	[KNAT_BE_A_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&knat_weight_range),
	[KNAT_BE_A_STATE]	= NLA_POLICY_MAX(NLA_U8, KNAT_BACKEND_DOWN),
	[KNAT_BE_A_DRAIN]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&knat_seconds_range),
	[KNAT_BE_A_HEALTH]	= { .type = NLA_REJECT },
	[KNAT_BE_A_STATS]	= { .type = NLA_REJECT },
};

static int knat_nl_svc_unicast(struct netlink_ext_ack *extack,
			       const struct nlattr *nest)
{
	NL_SET_ERR_MSG_ATTR(extack, nest,
			    "Service needs a unicast address and a port");
	return -EINVAL;
}

int knat_nl_svc_key(struct genl_info *info, struct nlattr **tb,
		    struct knat_service *key)
{
	struct nlattr *nest = info->attrs[KNAT_A_SERVICE];
	bool v6;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_SERVICE))
		return -EINVAL;
	err = nla_parse_nested(tb, KNAT_SVC_A_MAX, nest, knat_svc_policy,
			       info->extack);
	if (err)
		return err;
	if (!tb[KNAT_SVC_A_PROTO] || !tb[KNAT_SVC_A_PORT] ||
	    (!tb[KNAT_SVC_A_ADDR] && !tb[KNAT_SVC_A_ADDR6])) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "Service needs protocol, address and port");
		return -EINVAL;
	}
	err = knat_nl_get_addr(info->extack, nest, tb[KNAT_SVC_A_ADDR],
			       tb[KNAT_SVC_A_ADDR6], &key->addr, &v6);
	if (err)
		return err;
	key->v6 = v6;
	key->proto = nla_get_u8(tb[KNAT_SVC_A_PROTO]);
	key->port = nla_get_be16(tb[KNAT_SVC_A_PORT]);
	if (key->proto != IPPROTO_TCP && key->proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_SVC_A_PROTO],
				    "Protocol must be tcp or udp");
		return -EINVAL;
	}
	if (v6)
		return key->port ? knat_nl_check_host6(info->extack,
						       tb[KNAT_SVC_A_ADDR6],
						       &key->addr.in6) :
		       knat_nl_svc_unicast(info->extack, nest);
	if (!key->port || !key->addr.ip || ipv4_is_multicast(key->addr.ip) ||
	    ipv4_is_lbcast(key->addr.ip))
		return knat_nl_svc_unicast(info->extack, nest);
	return 0;
}

/* Under kn->lock: the named service, or NULL with extack set. */
static struct knat_service *knat_nl_svc_find(struct knat_net *kn,
					     const struct knat_service *key,
					     struct genl_info *info)
{
	struct knat_service *svc;

	svc = knat_service_find_locked(kn, key->proto, &key->addr, key->v6,
				       key->port);
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
bool knat_nl_maglev_limit(struct knat_net *kn, struct nlattr **tb,
			  struct genl_info *info)
{
	struct nlattr *a = tb[KNAT_SVC_A_MAGLEV_SIZE];

	if (!a || nla_get_u32(a) <= knat_limit(kn, KNAT_LIMIT_MAGLEV_SIZE))
		return false;
	NL_SET_ERR_MSG_ATTR(info->extack, a,
			    "maglev-size above this namespace's limit (limit maglev-size, set by the host)");
	return true;
}

bool knat_nl_backend_room(struct knat_net *kn,
			  const struct knat_service *svc,
			  struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&kn->lock);
	if (svc->nbackends >= knat_limit(kn, KNAT_LIMIT_SVC_BACKENDS)) {
		NL_SET_ERR_MSG(extack,
			       "Service holds as many backends as its limit allows");
		return false;
	}
	if (kn->nbackends >= knat_limit(kn, KNAT_LIMIT_BACKENDS)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many backends as its limit allows");
		return false;
	}
	return true;
}

int knat_nl_service_parse(struct genl_info *info, struct knat_service *tmpl,
			  char *sched)
{
	struct knat_net *kn = knat_nl_net(info);
	struct nlattr *tb[KNAT_SVC_A_MAX + 1];
	int err;

	memset(tmpl, 0, sizeof(*tmpl));
	err = knat_nl_svc_key(info, tb, tmpl);
	if (err)
		return err;
	strscpy(sched, "wrr", KNAT_SCHED_NAME_LEN);
	if (tb[KNAT_SVC_A_SCHED])
		nla_strscpy(sched, tb[KNAT_SVC_A_SCHED], KNAT_SCHED_NAME_LEN);
	if (tb[KNAT_SVC_A_PERSIST])
		tmpl->persist = nla_get_u32(tb[KNAT_SVC_A_PERSIST]);
	tmpl->maglev_size = KNAT_MAGLEV_M_DEFAULT;
	if (tb[KNAT_SVC_A_MAGLEV_SIZE])
		tmpl->maglev_size = nla_get_u32(tb[KNAT_SVC_A_MAGLEV_SIZE]);
	tmpl->check_fails = KNAT_CHECK_FAILS_DEFAULT;
	tmpl->check_timeout = KNAT_CHECK_TIMEOUT_DEFAULT;
	tmpl->check_holddown = KNAT_CHECK_HOLDDOWN_DEFAULT;
	tmpl->check_clients = KNAT_CHECK_CLIENTS_DEFAULT;
	knat_nl_check_cfg(tb, tmpl);
	if (knat_nl_maglev_limit(kn, tb, info))
		return -EINVAL;
	return 0;
}

int knat_nl_service_new(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	char sched[KNAT_SCHED_NAME_LEN];
	struct knat_service tmpl;
	int err;

	err = knat_nl_service_parse(info, &tmpl, sched);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	if (kn->nservices >= knat_limit(kn, KNAT_LIMIT_SERVICES)) {
		NL_SET_ERR_MSG(info->extack,
			       "Namespace holds as many services as its limit allows");
		err = -ENOSPC;
	} else {
		err = knat_service_add(kn, &tmpl, sched, info->extack);
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
	knat_reap_wait(kn);
	return err;
}

/*
 * The backend address and port a request names for @svc: 0, or -EINVAL
 * with extack (not of the service's family).
 */
int knat_nl_be_addr(const struct knat_service *svc, struct nlattr **tb,
		    struct netlink_ext_ack *extack, union nf_inet_addr *addr,
		    __be16 *port)
{
	bool v6;
	int err;

	err = knat_nl_get_addr(extack, NULL, tb[KNAT_BE_A_ADDR],
			       tb[KNAT_BE_A_ADDR6], addr, &v6);
	if (err)
		return err;
	if (v6 != svc->v6) {
		if (svc->v6)
			NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_BE_A_ADDR],
					    "Backend of an IPv6 service must be IPv6");
		else
			NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_BE_A_ADDR6],
					    "Backend of an IPv4 service must be IPv4");
		return -EINVAL;
	}
	*port = tb[KNAT_BE_A_PORT] && nla_get_be16(tb[KNAT_BE_A_PORT]) ?
		nla_get_be16(tb[KNAT_BE_A_PORT]) : svc->port;
	return 0;
}

/* 0 if @addr may be one of @svc's backends; else -EINVAL and extack. */
int knat_nl_be_check_host(const struct knat_service *svc, struct nlattr **tb,
			  struct netlink_ext_ack *extack,
			  const union nf_inet_addr *addr)
{
	if (svc->v6)
		return knat_nl_check_host6(extack, tb[KNAT_BE_A_ADDR6],
					   &addr->in6);
	return knat_nl_check_host(extack, tb[KNAT_BE_A_ADDR], addr->ip,
				  KNAT_NL_HOST_BACKEND);
}

int knat_nl_backend_parse(struct genl_info *info, struct knat_service *key,
			  struct nlattr **tb)
{
	struct nlattr *ts[KNAT_SVC_A_MAX + 1];
	int err;

	err = knat_nl_svc_key(info, ts, key);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_BACKEND))
		return -EINVAL;
	err = nla_parse_nested(tb, KNAT_BE_A_MAX, info->attrs[KNAT_A_BACKEND],
			       knat_be_policy, info->extack);
	if (err)
		return err;
	if (!tb[KNAT_BE_A_ADDR] && !tb[KNAT_BE_A_ADDR6]) {
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[KNAT_A_BACKEND],
				     key->v6 ? KNAT_BE_A_ADDR6 : KNAT_BE_A_ADDR);
		return -EINVAL;
	}
	return 0;
}

static int knat_nl_backend(struct genl_info *info, u8 cmd)
{
	struct knat_net *kn = knat_nl_net(info);
	struct nlattr *tb[KNAT_BE_A_MAX + 1];
	struct knat_service key = {}, *svc;
	struct knat_backend *be;
	u32 weight, drain = 0;
	union nf_inet_addr addr;
	__be16 port;
	u8 state;
	int err;

	err = knat_nl_backend_parse(info, &key, tb);
	if (err)
		return err;

	mutex_lock(&kn->lock);
	svc = knat_nl_svc_find(kn, &key, info);
	if (!svc) {
		err = -ENOENT;
		goto out;
	}
	err = knat_nl_be_addr(svc, tb, info->extack, &addr, &port);
	if (err)
		goto out;
	be = knat_backend_find_locked(svc, &addr, port);
	switch (cmd) {
	case KNAT_CMD_BACKEND_NEW:
		if (be) {
			NL_SET_ERR_MSG(info->extack, "Backend already exists");
			err = -EEXIST;
			break;
		}
		err = knat_nl_be_check_host(svc, tb, info->extack, &addr);
		if (err)
			break;
		if (!knat_nl_backend_room(kn, svc, info->extack)) {
			err = -ENOSPC;
			break;
		}
		err = knat_backend_add(svc, &addr, port,
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
	if (cmd == KNAT_CMD_BACKEND_DEL)
		knat_reap_wait(kn);
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
