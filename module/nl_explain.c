// SPDX-License-Identifier: GPL-2.0
/* Netlink: KNAT_CMD_EXPLAIN, a packet in and knat's answer out. */

#include <linux/netdevice.h>
#include <net/ipv6.h>

#include "explain.h"
#include "netlink.h"
#include "rules.h"
#include "service.h"

const struct nla_policy knat_explain_policy[KNAT_EXP_A_MAX + 1] = {
	[KNAT_EXP_A_PROTO]	= { .type = NLA_U8 },
	[KNAT_EXP_A_SRC]	= { .type = NLA_BE32 },
	[KNAT_EXP_A_DST]	= { .type = NLA_BE32 },
	[KNAT_EXP_A_SPORT]	= { .type = NLA_BE16 },
	[KNAT_EXP_A_DPORT]	= { .type = NLA_BE16 },
	[KNAT_EXP_A_IIF]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[KNAT_EXP_A_LOCAL]	= { .type = NLA_FLAG },
	[KNAT_EXP_A_VERDICT]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_DROP]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_FLAGS]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_OUT]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_REPLY]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_KIND]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_STATE]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_FORWARD]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_SERVICE]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_BACKEND]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_SNAT]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_OIF]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_PORT_MIN]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_PORT_MAX]	= { .type = NLA_REJECT },
	[KNAT_EXP_A_SRC6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[KNAT_EXP_A_DST6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

/*
 * The packet's family and addresses: SRC and DST (IPv4) or SRC6 and DST6
 * (IPv6), never a mix.  0, or an error with extack naming the attribute.
 */
static int knat_nl_explain_family(struct nlattr **tb, const struct nlattr *nest,
				  struct netlink_ext_ack *extack,
				  struct knat_explain_req *req)
{
	struct nlattr *other;
	int src, dst;

	/* The source's family, else the destination's; the other is wrong. */
	req->v6 = tb[KNAT_EXP_A_SRC6] ||
		  (!tb[KNAT_EXP_A_SRC] && tb[KNAT_EXP_A_DST6]);
	src = req->v6 ? KNAT_EXP_A_SRC6 : KNAT_EXP_A_SRC;
	dst = req->v6 ? KNAT_EXP_A_DST6 : KNAT_EXP_A_DST;
	other = req->v6 ? tb[KNAT_EXP_A_SRC] ?: tb[KNAT_EXP_A_DST] :
			  tb[KNAT_EXP_A_SRC6] ?: tb[KNAT_EXP_A_DST6];
	if (other) {
		NL_SET_ERR_MSG_ATTR(extack, other,
				    "A packet is IPv4 or IPv6, not both");
		return -EINVAL;
	}
	if (!tb[src] || !tb[dst]) {
		NL_SET_ERR_ATTR_MISS(extack, nest, tb[src] ? dst : src);
		return -EINVAL;
	}
	if (req->v6) {
		req->src6 = knat_nla_in6(tb[src]);
		req->dst6 = knat_nla_in6(tb[dst]);
	} else {
		req->src = nla_get_be32(tb[src]);
		req->dst = nla_get_be32(tb[dst]);
	}
	return 0;
}

/* A source and a destination a packet may have: 0, or extack says why. */
static int knat_nl_explain_addrs(struct nlattr **tb,
				 struct netlink_ext_ack *extack,
				 const struct knat_explain_req *req)
{
	int src = req->v6 ? KNAT_EXP_A_SRC6 : KNAT_EXP_A_SRC;
	int dst = req->v6 ? KNAT_EXP_A_DST6 : KNAT_EXP_A_DST;

	if (!req->v6) {
		if (ipv4_is_zeronet(req->src) || ipv4_is_multicast(req->src) ||
		    ipv4_is_lbcast(req->src)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[src],
					    "Source must be a unicast address");
			return -EINVAL;
		}
		if (ipv4_is_zeronet(req->dst)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[dst],
					    "Destination must not be 0.0.0.0");
			return -EINVAL;
		}
		return 0;
	}
	/* What ip6_rcv_core() drops at once. */
	if (ipv6_addr_any(&req->src6) ||
	    ipv6_addr_is_multicast(&req->src6)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[src],
				    "Source must be a unicast address");
		return -EINVAL;
	}
	if (ipv6_addr_any(&req->dst6)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[dst],
				    "Destination must not be ::");
		return -EINVAL;
	}
	if (ipv6_addr_v4mapped(&req->src6) ||
	    ipv6_addr_v4mapped(&req->dst6)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[ipv6_addr_v4mapped(&req->src6) ?
					       src : dst],
				    "IPv6 address is IPv4-mapped: use IPv4");
		return -EINVAL;
	}
	return 0;
}

static int knat_nl_explain_parse(struct genl_info *info,
				 struct knat_explain_req *req)
{
	struct nlattr *tb[KNAT_EXP_A_MAX + 1], *nest;
	struct netlink_ext_ack *extack = info->extack;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KNAT_A_EXPLAIN))
		return -EINVAL;
	nest = info->attrs[KNAT_A_EXPLAIN];
	err = nla_parse_nested(tb, KNAT_EXP_A_MAX, nest, knat_explain_policy,
			       extack);
	if (err)
		return err;
	if (!tb[KNAT_EXP_A_PROTO]) {
		NL_SET_ERR_ATTR_MISS(extack, nest, KNAT_EXP_A_PROTO);
		return -EINVAL;
	}
	memset(req, 0, sizeof(*req));
	err = knat_nl_explain_family(tb, nest, extack, req);
	if (err)
		return err;
	if (!tb[KNAT_EXP_A_SPORT]) {
		NL_SET_ERR_ATTR_MISS(extack, nest, KNAT_EXP_A_SPORT);
		return -EINVAL;
	}
	req->proto = nla_get_u8(tb[KNAT_EXP_A_PROTO]);
	req->sport = nla_get_be16(tb[KNAT_EXP_A_SPORT]);
	switch (req->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (!tb[KNAT_EXP_A_DPORT]) {
			NL_SET_ERR_ATTR_MISS(extack, nest, KNAT_EXP_A_DPORT);
			return -EINVAL;
		}
		req->dport = nla_get_be16(tb[KNAT_EXP_A_DPORT]);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* Echo: ICMP is IPv4's, ICMPv6 IPv6's. */
		if (req->v6 && req->proto == IPPROTO_ICMP) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_EXP_A_PROTO],
					    "IPv6 echo is ICMPv6, not ICMP");
			return -EINVAL;
		}
		if (!req->v6 && req->proto == IPPROTO_ICMPV6) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_EXP_A_PROTO],
					    "ICMPv6 is for IPv6 addresses");
			return -EINVAL;
		}
		if (tb[KNAT_EXP_A_DPORT]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_EXP_A_DPORT],
					    "ICMP echo has no destination port");
			return -EINVAL;
		}
		req->dport = req->sport;
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_EXP_A_PROTO],
				    "Protocol must be tcp, udp, icmp or icmpv6");
		return -EINVAL;
	}
	err = knat_nl_explain_addrs(tb, extack, req);
	if (err)
		return err;
	if (!knat_is_icmp_proto(req->proto) && (!req->sport || !req->dport)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[req->sport ? KNAT_EXP_A_DPORT :
					       KNAT_EXP_A_SPORT],
				    "Port must not be 0");
		return -EINVAL;
	}
	req->local = nla_get_flag(tb[KNAT_EXP_A_LOCAL]);
	if (tb[KNAT_EXP_A_IIF]) {
		if (req->local) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_EXP_A_IIF],
					    "A local packet has no input device");
			return -EINVAL;
		}
		nla_strscpy(req->iif, tb[KNAT_EXP_A_IIF], sizeof(req->iif));
	}
	return 0;
}

static int knat_nl_explain_forward(struct sk_buff *msg,
				   const struct knat_forward *f)
{
	struct nlattr *nest = nla_nest_start(msg, KNAT_EXP_A_FORWARD);

	if (!nest ||
	    nla_put_u8(msg, KNAT_FWD_A_PROTO, f->proto) ||
	    (f->v6 ? nla_put_in6_addr(msg, KNAT_FWD_A_ADDR6, &f->addr6) ||
		     nla_put_in6_addr(msg, KNAT_FWD_A_TO_ADDR6, &f->to_addr6) :
		     nla_put_be32(msg, KNAT_FWD_A_ADDR, f->addr) ||
		     nla_put_be32(msg, KNAT_FWD_A_TO_ADDR, f->to_addr)) ||
	    nla_put_be16(msg, KNAT_FWD_A_PORT_MIN, htons(f->port_min)) ||
	    nla_put_be16(msg, KNAT_FWD_A_PORT_MAX, htons(f->port_max)) ||
	    nla_put_be16(msg, KNAT_FWD_A_TO_PORT, htons(f->to_port)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int knat_nl_explain_service(struct sk_buff *msg,
				   const struct knat_service *svc,
				   const struct knat_backend *be)
{
	struct nlattr *nest = nla_nest_start(msg, KNAT_EXP_A_SERVICE);

	if (!nest ||
	    nla_put_u8(msg, KNAT_SVC_A_PROTO, svc->proto) ||
	    knat_nl_put_svc_addr(msg, svc) ||
	    nla_put_be16(msg, KNAT_SVC_A_PORT, svc->port) ||
	    nla_put_string(msg, KNAT_SVC_A_SCHED, READ_ONCE(svc->sched)->name))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	if (!be)
		return 0;
	nest = nla_nest_start(msg, KNAT_EXP_A_BACKEND);
	if (!nest ||
	    knat_nl_put_be_addr(msg, be) ||
	    nla_put_be16(msg, KNAT_BE_A_PORT, be->port))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int knat_nl_explain_snat(struct sk_buff *msg,
				const struct knat_snat *r)
{
	struct nlattr *nest = nla_nest_start(msg, KNAT_EXP_A_SNAT);

	if (!nest || knat_nl_put_snat_rule(msg, r))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * The packet path's words (decide.h) in the uapi's: the two may part
 * without either changing the other.
 */
static const u8 knat_nl_verdicts[] = {
	[KNAT_VERDICT_PASS]	= KNAT_EXPLAIN_PASS,
	[KNAT_VERDICT_FORWARD]	= KNAT_EXPLAIN_FORWARD,
	[KNAT_VERDICT_SERVICE]	= KNAT_EXPLAIN_SERVICE,
	[KNAT_VERDICT_SNAT]	= KNAT_EXPLAIN_SNAT,
	[KNAT_VERDICT_DROP]	= KNAT_EXPLAIN_DROP,
	[KNAT_VERDICT_VIP_ECHO]	= KNAT_EXPLAIN_VIP_ECHO,
};

static const struct {
	u32 decide;
	u32 explain;
} knat_nl_flags[] = {
	{ KNAT_DECIDE_F_PORT_PRESERVED,	KNAT_EXPLAIN_F_PORT_PRESERVED },
	{ KNAT_DECIDE_F_PORT_RANDOM,	KNAT_EXPLAIN_F_PORT_RANDOM },
	{ KNAT_DECIDE_F_HAIRPIN,	KNAT_EXPLAIN_F_HAIRPIN },
	{ KNAT_DECIDE_F_PERSIST_HIT,	KNAT_EXPLAIN_F_PERSIST_HIT },
	{ KNAT_DECIDE_F_MAPPING_HIT,	KNAT_EXPLAIN_F_MAPPING_HIT },
	{ KNAT_DECIDE_F_PROBE,		KNAT_EXPLAIN_F_PROBE },
	{ KNAT_DECIDE_F_PICKUP,		KNAT_EXPLAIN_F_PICKUP },
};

static u8 knat_nl_explain_verdict(const struct knat_explain *x)
{
	if (x->flow)
		return KNAT_EXPLAIN_FLOW;
	if (WARN_ON_ONCE(x->d.verdict >= ARRAY_SIZE(knat_nl_verdicts)))
		return KNAT_EXPLAIN_PASS;
	return knat_nl_verdicts[x->d.verdict];
}

static u32 knat_nl_explain_flags(const struct knat_explain *x)
{
	u32 flags = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(knat_nl_flags); i++)
		if (x->d.flags & knat_nl_flags[i].decide)
			flags |= knat_nl_flags[i].explain;
	if (x->replaces)
		flags |= KNAT_EXPLAIN_F_REPLACES;
	if (x->replied)
		flags |= KNAT_EXPLAIN_F_REPLIED;
	if (x->fast)
		flags |= KNAT_EXPLAIN_F_FASTPATH;
	return flags;
}

static int knat_nl_fill_explain(struct sk_buff *msg,
				const struct knat_explain_req *req,
				const struct knat_explain *x)
{
	const struct knat_decision *d = &x->d;
	u8 verdict = knat_nl_explain_verdict(x);
	u32 flags = knat_nl_explain_flags(x);
	struct nlattr *nest = nla_nest_start(msg, KNAT_A_EXPLAIN);

	if (!nest ||
	    nla_put_u8(msg, KNAT_EXP_A_PROTO, req->proto) ||
	    (req->v6 ? nla_put_in6_addr(msg, KNAT_EXP_A_SRC6, &req->src6) ||
		       nla_put_in6_addr(msg, KNAT_EXP_A_DST6, &req->dst6) :
		       nla_put_be32(msg, KNAT_EXP_A_SRC, req->src) ||
		       nla_put_be32(msg, KNAT_EXP_A_DST, req->dst)) ||
	    nla_put_be16(msg, KNAT_EXP_A_SPORT, req->sport) ||
	    (!knat_is_icmp_proto(req->proto) &&
	     nla_put_be16(msg, KNAT_EXP_A_DPORT, req->dport)) ||
	    (x->iif && nla_put_string(msg, KNAT_EXP_A_IIF, x->iif->name)) ||
	    (x->local && nla_put_flag(msg, KNAT_EXP_A_LOCAL)) ||
	    nla_put_u8(msg, KNAT_EXP_A_VERDICT, verdict) ||
	    (verdict == KNAT_EXPLAIN_DROP &&
	     nla_put_u8(msg, KNAT_EXP_A_DROP, d->drop)) ||
	    nla_put_u32(msg, KNAT_EXP_A_FLAGS, flags) ||
	    (x->oif && nla_put_string(msg, KNAT_EXP_A_OIF, x->oif->name)))
		return -EMSGSIZE;
	if (x->has_tuples &&
	    (knat_nl_put_tuple6(msg, KNAT_EXP_A_OUT, &x->out,
				req->v6 ? x->out6 : NULL) ||
	     knat_nl_put_tuple6(msg, KNAT_EXP_A_REPLY, &x->reply,
				req->v6 ? x->reply6 : NULL) ||
	     nla_put_u8(msg, KNAT_EXP_A_KIND, d->kind)))
		return -EMSGSIZE;
	if (x->flow && req->proto == IPPROTO_TCP &&
	    nla_put_u8(msg, KNAT_EXP_A_STATE, x->state))
		return -EMSGSIZE;
	if ((d->flags & KNAT_DECIDE_F_PORT_RANDOM) &&
	    (nla_put_be16(msg, KNAT_EXP_A_PORT_MIN, htons(x->port_min)) ||
	     nla_put_be16(msg, KNAT_EXP_A_PORT_MAX, htons(x->port_max))))
		return -EMSGSIZE;
	if ((d->fwd && knat_nl_explain_forward(msg, d->fwd)) ||
	    (d->svc && knat_nl_explain_service(msg, d->svc, d->be)) ||
	    (d->snat && knat_nl_explain_snat(msg, d->snat)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int knat_nl_explain(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct knat_explain_req req;
	struct knat_explain x;
	struct sk_buff *msg, *pkt;
	void *hdr;
	int err;

	err = knat_nl_explain_parse(info, &req);
	if (err)
		return err;
	pkt = knat_explain_skb(&req);
	if (!pkt)
		return -ENOMEM;
	msg = knat_nl_reply_new(info, KNAT_CMD_EXPLAIN, &hdr);
	if (!msg) {
		kfree_skb(pkt);
		return -ENOMEM;
	}
	rcu_read_lock();
	err = knat_explain(kn, pkt, &req, &x, info->extack);
	if (!err)
		err = knat_nl_fill_explain(msg, &req, &x);
	rcu_read_unlock();
	kfree_skb(pkt);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
