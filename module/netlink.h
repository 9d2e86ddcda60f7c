/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_NETLINK_H
#define _KNAT_NETLINK_H

#include <net/genetlink.h>

#include "knat.h"

struct knat_flow;
struct knat_hs_hist;
struct knat_snat;
struct knat_tuple;

extern struct genl_family knat_genl_family;

/* A nest of @n u64, attribute type = index + 1. */
int knat_nl_put_array(struct sk_buff *msg, int type, const u64 *v, int n);
int knat_nl_put_hs(struct sk_buff *msg, int type,
		   const struct knat_hs_hist *h);
int knat_nl_fill_flow(struct sk_buff *msg, const struct knat_flow *f);
int knat_nl_put_tuple6(struct sk_buff *msg, int type,
		       const struct knat_tuple *t, const struct in6_addr *a6);
int knat_nl_put_tuple(struct sk_buff *msg, int type,
		      const struct knat_tuple *t);
/* The rule's own attributes, inside an open KNAT_A_SNAT nest. */
int knat_nl_put_snat_rule(struct sk_buff *msg, const struct knat_snat *r);

extern const struct nla_policy knat_cfg_policy[KNAT_CFG_A_MAX + 1];
extern const struct nla_policy knat_fwd_policy[KNAT_FWD_A_MAX + 1];
extern const struct nla_policy knat_snat_policy[KNAT_SNAT_A_MAX + 1];
extern const struct nla_policy knat_flow_policy[KNAT_FLOW_A_MAX + 1];
extern const struct nla_policy knat_svc_policy[KNAT_SVC_A_MAX + 1];
extern const struct nla_policy knat_be_policy[KNAT_BE_A_MAX + 1];
extern const struct nla_policy knat_explain_policy[KNAT_EXP_A_MAX + 1];
extern const struct nla_policy knat_op_policy[KNAT_OP_A_MAX + 1];
extern const struct nla_policy knat_restore_policy[KNAT_RESTORE_A_MAX + 1];

/* nl_config.c */
int knat_nl_config_show(struct sk_buff *skb, struct genl_info *info);
int knat_nl_config_set(struct sk_buff *skb, struct genl_info *info);

/* A CONFIG_SET request, parsed and checked but for what needs the lock. */
struct knat_nl_cfg_req {
	struct nlattr *tb[KNAT_CFG_A_MAX + 1];
	struct nlattr *tos[__KNAT_TIMEOUT_MAX + 1];
	struct nlattr *lim[__KNAT_LIMIT_MAX + 1];
};

int knat_nl_config_parse(struct sk_buff *skb, struct genl_info *info,
			 struct knat_nl_cfg_req *req);
/* Under kn->lock: the rest of the checks, then every value at once. */
int knat_nl_config_apply(struct knat_net *kn, const struct knat_nl_cfg_req *req,
			 struct netlink_ext_ack *extack);

/* Every value CONFIG_SET can change, to put back (restore.c). */
struct knat_cfg_snapshot {
	u32 limits[__KNAT_LIMIT_MAX];
	u32 max_flows;
	u32 timeouts[__KNAT_TIMEOUT_MAX];
	u32 rate_interval;
	u32 rate_window;
	bool fastpath;
};

void knat_config_save(struct knat_net *kn, struct knat_cfg_snapshot *c);
void knat_config_load(struct knat_net *kn, const struct knat_cfg_snapshot *c);
int knat_nl_stats_show(struct sk_buff *skb, struct genl_info *info);
int knat_nl_stats_reset(struct sk_buff *skb, struct genl_info *info);

/* nl_rules.c */
struct knat_forward;
/* A FORWARD_NEW or SNAT_NEW request's rule, checked but against others. */
int knat_nl_forward_parse(struct genl_info *info, struct knat_forward *f);
int knat_nl_snat_parse(struct genl_info *info, struct knat_snat *r);
int knat_nl_forward_new(struct sk_buff *skb, struct genl_info *info);
int knat_nl_forward_del(struct sk_buff *skb, struct genl_info *info);
int knat_nl_forward_dump(struct sk_buff *skb, struct netlink_callback *cb);
int knat_nl_snat_new(struct sk_buff *skb, struct genl_info *info);
int knat_nl_snat_del(struct sk_buff *skb, struct genl_info *info);
int knat_nl_snat_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_service.c */
struct knat_service;
/*
 * The service a request names: PROTO, ADDR, PORT of KNAT_A_SERVICE into
 * @key (its nest parsed into @tb); 0, or an error with extack set.
 */
int knat_nl_svc_key(struct genl_info *info, struct nlattr **tb,
		    struct knat_service *key);
/*
 * A SERVICE_NEW request: the key and every option into @tmpl (the
 * defaults where the request has none), the scheduler's name into @sched
 * ("wrr" by default).  Checked but against the namespace's limits.
 */
int knat_nl_service_parse(struct genl_info *info, struct knat_service *tmpl,
			  char *sched);
/* The maglev-size of @tb above the namespace's limit: extack says so. */
bool knat_nl_maglev_limit(struct knat_net *kn, struct nlattr **tb,
			  struct genl_info *info);
/* Whether @svc may take one more backend; extack says why not. */
bool knat_nl_backend_room(struct knat_net *kn,
			  const struct knat_service *svc,
			  struct netlink_ext_ack *extack);
/* A BACKEND_* request: its service's key and its KNAT_A_BACKEND nest. */
int knat_nl_backend_parse(struct genl_info *info, struct knat_service *key,
			  struct nlattr **tb);
int knat_nl_be_addr(const struct knat_service *svc, struct nlattr **tb,
		    struct netlink_ext_ack *extack, union nf_inet_addr *addr,
		    __be16 *port);
int knat_nl_be_check_host(const struct knat_service *svc, struct nlattr **tb,
			  struct netlink_ext_ack *extack,
			  const union nf_inet_addr *addr);
int knat_nl_service_new(struct sk_buff *skb, struct genl_info *info);
int knat_nl_service_set(struct sk_buff *skb, struct genl_info *info);
int knat_nl_service_del(struct sk_buff *skb, struct genl_info *info);
int knat_nl_backend_new(struct sk_buff *skb, struct genl_info *info);
int knat_nl_backend_set(struct sk_buff *skb, struct genl_info *info);
int knat_nl_backend_del(struct sk_buff *skb, struct genl_info *info);

/* nl_lb_dump.c */
int knat_nl_service_dump_start(struct netlink_callback *cb);
int knat_nl_service_dump(struct sk_buff *skb, struct netlink_callback *cb);
int knat_nl_backend_dump_start(struct netlink_callback *cb);
int knat_nl_backend_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_flow.c */
int knat_nl_flow_dump_start(struct netlink_callback *cb);
int knat_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb);
int knat_nl_flow_dump_done(struct netlink_callback *cb);
int knat_nl_flow_del(struct sk_buff *skb, struct genl_info *info);

/* restore.c */
int knat_nl_restore(struct sk_buff *skb, struct genl_info *info);

/* nl_explain.c */
int knat_nl_explain(struct sk_buff *skb, struct genl_info *info);

/* Start a reply to @info for command @cmd; NULL on allocation failure. */
struct sk_buff *knat_nl_reply_new(struct genl_info *info, u8 cmd,
				  void **hdr);

/* What a rule's address stands for, for knat_nl_check_host()'s message. */
enum knat_nl_host {
	KNAT_NL_HOST_SNAT,		/* a SNAT rule's outside address */
	KNAT_NL_HOST_FWD_TO,		/* where a forward sends */
	KNAT_NL_HOST_FWD_MATCH,		/* the address a forward matches */
	KNAT_NL_HOST_BACKEND,		/* a service's backend */
};

/*
 * 0 when @addr (attribute @a) may stand for one host in a rule; else
 * -EINVAL and extack names the attribute and why.
 */
int knat_nl_check_host(struct netlink_ext_ack *extack, const struct nlattr *a,
		       __be32 addr, enum knat_nl_host what);
int knat_nl_check_host6(struct netlink_ext_ack *extack, const struct nlattr *a,
			const struct in6_addr *addr);

/* An IPv6 address attribute (NLA_POLICY_EXACT_LEN(16)). */
static inline struct in6_addr knat_nla_in6(const struct nlattr *a)
{
	struct in6_addr addr;

	memcpy(&addr, nla_data(a), sizeof(addr));
	return addr;
}

/*
 * An object's address, given by its IPv4 attribute @v4 or its IPv6 one
 * @v6 (either may be NULL, absent): 0 and *@addr (an IPv4 one in .ip, the
 * rest zero), *@is_v6; -EINVAL with extack when both are there, or
 * neither (then naming @nest).
 */
int knat_nl_get_addr(struct netlink_ext_ack *extack, const struct nlattr *nest,
		     const struct nlattr *v4, const struct nlattr *v6,
		     union nf_inet_addr *addr, bool *is_v6);

struct knat_service;
struct knat_backend;
/* A service's or backend's address: ..._ADDR or, IPv6, ..._ADDR6. */
int knat_nl_put_svc_addr(struct sk_buff *msg, const struct knat_service *svc);
int knat_nl_put_be_addr(struct sk_buff *msg, const struct knat_backend *be);

static inline struct knat_net *knat_nl_net(struct genl_info *info)
{
	return knat_net(genl_info_net(info));
}

#endif /* _KNAT_NETLINK_H */
