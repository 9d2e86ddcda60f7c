// SPDX-License-Identifier: GPL-2.0
/*
 * The "knat" generic netlink family: policies, the command table, and the
 * commands that belong to no object (status).  Every attribute is checked
 * by a strict policy before a handler runs; handlers add what a policy
 * cannot express and say why through extack.
 */

#include <linux/utsname.h>
#include <net/ipv6.h>

#include "events.h"
#include "flow.h"
#include "netlink.h"
#include "rules.h"
#include "service.h"

#ifndef KNAT_BUILD_ID
#define KNAT_BUILD_ID "unknown"
#endif

static const struct nla_policy knat_nl_policy[KNAT_A_MAX + 1] = {
	[KNAT_A_VERSION]	= { .type = NLA_REJECT },
	[KNAT_A_BUILD_ID]	= { .type = NLA_REJECT },
	[KNAT_A_NUM_FORWARDS]	= { .type = NLA_REJECT },
	[KNAT_A_NUM_SNATS]	= { .type = NLA_REJECT },
	[KNAT_A_NUM_SERVICES]	= { .type = NLA_REJECT },
	[KNAT_A_NUM_FLOWS]	= { .type = NLA_REJECT },
	[KNAT_A_HOOKS_ACTIVE]	= { .type = NLA_REJECT },
	[KNAT_A_FASTPATH]	= { .type = NLA_REJECT },
	[KNAT_A_FLOW_BUCKETS]	= { .type = NLA_REJECT },
	[KNAT_A_FASTPATH_DEVS]	= { .type = NLA_REJECT },
	[KNAT_A_CONFIG]		= NLA_POLICY_NESTED(knat_cfg_policy),
	[KNAT_A_FORWARD]	= NLA_POLICY_NESTED(knat_fwd_policy),
	[KNAT_A_SNAT]		= NLA_POLICY_NESTED(knat_snat_policy),
	[KNAT_A_FLOW]		= NLA_POLICY_NESTED(knat_flow_policy),
	[KNAT_A_STATS]		= { .type = NLA_REJECT },
	[KNAT_A_SERVICE]	= NLA_POLICY_NESTED(knat_svc_policy),
	[KNAT_A_BACKEND]	= NLA_POLICY_NESTED(knat_be_policy),
	[KNAT_A_EXPLAIN]	= NLA_POLICY_NESTED(knat_explain_policy),
	[KNAT_A_WITH_STATS]	= { .type = NLA_FLAG },
	[KNAT_A_RESTORE_FLUSH]	= { .type = NLA_FLAG },
	[KNAT_A_RESTORE_OPS]	= NLA_POLICY_NESTED(knat_restore_policy),
};

struct sk_buff *knat_nl_reply_new(struct genl_info *info, u8 cmd, void **hdr)
{
	struct sk_buff *msg;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &knat_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * No rule may name "this network" (0/8: not a destination), loopback (a
 * router's packets to 127/8 are martians that only reach the host itself),
 * multicast or the limited broadcast: none is one host behind knat.
 */
int knat_nl_check_host(struct netlink_ext_ack *extack, const struct nlattr *a,
		       __be32 addr, enum knat_nl_host what)
{
	static const char * const msg[][4] = {
		[KNAT_NL_HOST_SNAT] = {
			"SNAT address in 0.0.0.0/8",
			"SNAT address is a loopback address",
			"SNAT address is a multicast address",
			"SNAT address is the broadcast address",
		},
		[KNAT_NL_HOST_FWD_TO] = {
			"Forward destination in 0.0.0.0/8",
			"Forward destination is a loopback address",
			"Forward destination is a multicast address",
			"Forward destination is the broadcast address",
		},
		[KNAT_NL_HOST_FWD_MATCH] = {
			"Forward address in 0.0.0.0/8",
			"Forward address is a loopback address",
			"Forward address is a multicast address",
			"Forward address is the broadcast address",
		},
		[KNAT_NL_HOST_BACKEND] = {
			"Backend address in 0.0.0.0/8",
			"Backend address is a loopback address",
			"Backend address is a multicast address",
			"Backend address is the broadcast address",
		},
	};
	int why;

	if (ipv4_is_zeronet(addr))
		why = 0;
	else if (ipv4_is_loopback(addr))
		why = 1;
	else if (ipv4_is_multicast(addr))
		why = 2;
	else if (ipv4_is_lbcast(addr))
		why = 3;
	else
		return 0;
	if (extack) {
		extack->_msg = msg[what][why];
		extack->bad_attr = a;
	}
	return -EINVAL;
}

/* The same for an IPv6 address. */
int knat_nl_check_host6(struct netlink_ext_ack *extack, const struct nlattr *a,
			const struct in6_addr *addr)
{
	int type = ipv6_addr_type(addr);

	if (type == IPV6_ADDR_ANY)
		NL_SET_ERR_MSG_ATTR(extack, a, "IPv6 address is unspecified (::)");
	else if (type & IPV6_ADDR_LOOPBACK)
		NL_SET_ERR_MSG_ATTR(extack, a, "IPv6 address is a loopback address");
	else if (type & IPV6_ADDR_MULTICAST)
		NL_SET_ERR_MSG_ATTR(extack, a, "IPv6 address is a multicast address");
	else if (type & IPV6_ADDR_MAPPED)
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "IPv6 address is IPv4-mapped: use IPv4");
	else
		return 0;
	return -EINVAL;
}

int knat_nl_get_addr(struct netlink_ext_ack *extack, const struct nlattr *nest,
		     const struct nlattr *v4, const struct nlattr *v6,
		     union nf_inet_addr *addr, bool *is_v6)
{
	memset(addr, 0, sizeof(*addr));
	if (v4 && v6) {
		NL_SET_ERR_MSG_ATTR(extack, v6,
				    "An IPv4 and an IPv6 address: one family only");
		return -EINVAL;
	}
	if (!v4 && !v6) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "Address missing (IPv4 or IPv6 attribute)");
		return -EINVAL;
	}
	*is_v6 = v6;
	if (v6)
		addr->in6 = knat_nla_in6(v6);
	else
		addr->ip = nla_get_be32(v4);
	return 0;
}

int knat_nl_put_svc_addr(struct sk_buff *msg, const struct knat_service *svc)
{
	if (svc->v6)
		return nla_put_in6_addr(msg, KNAT_SVC_A_ADDR6, &svc->addr.in6);
	return nla_put_be32(msg, KNAT_SVC_A_ADDR, svc->addr.ip);
}

int knat_nl_put_be_addr(struct sk_buff *msg, const struct knat_backend *be)
{
	if (be->svc->v6)
		return nla_put_in6_addr(msg, KNAT_BE_A_ADDR6, &be->addr.in6);
	return nla_put_be32(msg, KNAT_BE_A_ADDR, be->addr.ip);
}

static int knat_nl_status_show(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct sk_buff *msg;
	void *hdr;

	msg = knat_nl_reply_new(info, KNAT_CMD_STATUS_GET, &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&kn->lock);
	if (nla_put_string(msg, KNAT_A_VERSION, KNAT_VERSION) ||
	    nla_put_string(msg, KNAT_A_BUILD_ID, KNAT_BUILD_ID) ||
	    nla_put_u32(msg, KNAT_A_NUM_FORWARDS, kn->nforwards) ||
	    nla_put_u32(msg, KNAT_A_NUM_SNATS, kn->nsnats) ||
	    nla_put_u32(msg, KNAT_A_NUM_SERVICES, kn->nservices) ||
	    nla_put_u32(msg, KNAT_A_NUM_FLOWS, atomic_read(&kn->nflows)) ||
	    nla_put_u8(msg, KNAT_A_HOOKS_ACTIVE, kn->hooks_active) ||
	    nla_put_u8(msg, KNAT_A_FASTPATH, READ_ONCE(kn->fastpath)) ||
	    nla_put_u32(msg, KNAT_A_FLOW_BUCKETS, knat_ftab_buckets(kn)) ||
	    nla_put_u32(msg, KNAT_A_FASTPATH_DEVS, READ_ONCE(kn->ningress)) ||
	    nla_put_u32(msg, KNAT_A_NUM_FORWARDS6, kn->nforwards6) ||
	    nla_put_u32(msg, KNAT_A_NUM_SNATS6, kn->nsnats6) ||
	    nla_put_u32(msg, KNAT_A_NUM_FLOWS6, atomic_read(&kn->nflows6)) ||
	    nla_put_u8(msg, KNAT_A_HOOKS6_ACTIVE, kn->hooks6_active) ||
	    nla_put_u32(msg, KNAT_A_NUM_SERVICES6, kn->nservices6)) {
		mutex_unlock(&kn->lock);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	mutex_unlock(&kn->lock);

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Configuration and aggregate counters are open to any user of the
 * namespace, as "ip route" and "ip -s link" are, so a monitoring agent
 * needs no privilege.  Per-flow data (flow list/count/del, explain, the
 * event group) names every NAT'd connection's endpoints: like ctnetlink,
 * it needs CAP_NET_ADMIN in the namespace's own user namespace
 * (GENL_UNS_ADMIN_PERM), as every change does, so a container's root
 * manages and inspects its own knat and nobody else's.
 */
static const struct genl_ops knat_nl_ops[] = {
	{
		.cmd = KNAT_CMD_STATUS_GET,
		.doit = knat_nl_status_show,
	},
	{
		.cmd = KNAT_CMD_CONFIG_GET,
		.doit = knat_nl_config_show,
	},
	{
		.cmd = KNAT_CMD_CONFIG_SET,
		.doit = knat_nl_config_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_FORWARD_NEW,
		.doit = knat_nl_forward_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_FORWARD_DEL,
		.doit = knat_nl_forward_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_FORWARD_GET,
		.dumpit = knat_nl_forward_dump,
	},
	{
		.cmd = KNAT_CMD_SNAT_NEW,
		.doit = knat_nl_snat_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_SNAT_DEL,
		.doit = knat_nl_snat_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_SNAT_GET,
		.dumpit = knat_nl_snat_dump,
	},
	{
		.cmd = KNAT_CMD_FLOW_GET,
		.start = knat_nl_flow_dump_start,
		.dumpit = knat_nl_flow_dump,
		.done = knat_nl_flow_dump_done,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_FLOW_DEL,
		.doit = knat_nl_flow_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_STATS_GET,
		.doit = knat_nl_stats_show,
	},
	{
		.cmd = KNAT_CMD_SERVICE_NEW,
		.doit = knat_nl_service_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_SERVICE_SET,
		.doit = knat_nl_service_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_SERVICE_DEL,
		.doit = knat_nl_service_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_SERVICE_GET,
		.start = knat_nl_service_dump_start,
		.dumpit = knat_nl_service_dump,
	},
	{
		.cmd = KNAT_CMD_BACKEND_GET,
		.start = knat_nl_backend_dump_start,
		.dumpit = knat_nl_backend_dump,
	},
	{
		.cmd = KNAT_CMD_BACKEND_NEW,
		.doit = knat_nl_backend_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_BACKEND_SET,
		.doit = knat_nl_backend_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_BACKEND_DEL,
		.doit = knat_nl_backend_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_STATS_RESET,
		.doit = knat_nl_stats_reset,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_EXPLAIN,
		.doit = knat_nl_explain,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KNAT_CMD_RESTORE,
		.doit = knat_nl_restore,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group knat_nl_mcgrps[] = {
	{
		.name = KNAT_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family knat_genl_family __ro_after_init = {
	.name = KNAT_GENL_NAME,
	.version = KNAT_GENL_VERSION,
	.maxattr = KNAT_A_MAX,
	.policy = knat_nl_policy,
	.netnsok = true,
	/*
	 * Not under the kernel-wide genl_mutex, which a maglev rebuild of a
	 * million slots would hold for half a second against every genl
	 * user of the host (ethtool, iw, devlink): each handler serialises
	 * on its own namespace's ->lock where it changes or needs a
	 * consistent view, and reads the rest under RCU.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = knat_nl_ops,
	.n_ops = ARRAY_SIZE(knat_nl_ops),
	/*
	 * Every command validates its header strictly: no trailing bytes,
	 * no unknown attributes (resv_start_op only exempts older ops).
	 */
	.resv_start_op = 0,
	.mcgrps = knat_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(knat_nl_mcgrps),
};

int knat_netlink_init(void)
{
	int err = genl_register_family(&knat_genl_family);

	if (!err)
		knat_events_start();
	return err;
}

void knat_netlink_uninit(void)
{
	knat_events_stop();
	genl_unregister_family(&knat_genl_family);
}
