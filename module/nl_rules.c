// SPDX-License-Identifier: GPL-2.0
/* Netlink: the forward and snat objects. */

#include <linux/inetdevice.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "netlink.h"
#include "portalloc.h"
#include "rules.h"

const struct nla_policy knat_fwd_policy[KNAT_FWD_A_MAX + 1] = {
	[KNAT_FWD_A_PROTO]	= { .type = NLA_U8 },
	[KNAT_FWD_A_ADDR]	= { .type = NLA_BE32 },
	[KNAT_FWD_A_PORT_MIN]	= { .type = NLA_BE16 },
	[KNAT_FWD_A_PORT_MAX]	= { .type = NLA_BE16 },
	[KNAT_FWD_A_TO_ADDR]	= { .type = NLA_BE32 },
	[KNAT_FWD_A_TO_PORT]	= { .type = NLA_BE16 },
	[KNAT_FWD_A_FLOWS]	= { .type = NLA_REJECT },
	[KNAT_FWD_A_PACKETS]	= { .type = NLA_REJECT },
	[KNAT_FWD_A_BYTES]	= { .type = NLA_REJECT },
	[KNAT_FWD_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[KNAT_FWD_A_TO_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

const struct nla_policy knat_snat_policy[KNAT_SNAT_A_MAX + 1] = {
	[KNAT_SNAT_A_SRC]	= { .type = NLA_BE32 },
	[KNAT_SNAT_A_SRC_PLEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	[KNAT_SNAT_A_OUT_IFNAME] = { .type = NLA_NUL_STRING,
				     .len = IFNAMSIZ - 1 },
	[KNAT_SNAT_A_TO_MIN]	= { .type = NLA_BE32 },
	[KNAT_SNAT_A_TO_MAX]	= { .type = NLA_BE32 },
	[KNAT_SNAT_A_PORT_MIN]	= { .type = NLA_BE16 },
	[KNAT_SNAT_A_PORT_MAX]	= { .type = NLA_BE16 },
	[KNAT_SNAT_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, KNAT_SNAT_F_ALL),
	[KNAT_SNAT_A_FLOWS]	= { .type = NLA_REJECT },
	[KNAT_SNAT_A_EXHAUSTED]	= { .type = NLA_REJECT },
	[KNAT_SNAT_A_PORTS_IN_USE] = { .type = NLA_REJECT },
	[KNAT_SNAT_A_ATTEMPTS]	= { .type = NLA_REJECT },
	[KNAT_SNAT_A_ATTEMPTS_SUM] = { .type = NLA_REJECT },
	[KNAT_SNAT_A_SRC6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[KNAT_SNAT_A_TO_MIN6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[KNAT_SNAT_A_TO_MAX6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static u16 knat_nla_port(const struct nlattr *a, u16 dflt)
{
	return a ? ntohs(nla_get_be16(a)) : dflt;
}

/* Parse the object nest of a request; tb gets its attributes. */
static int knat_nl_parse_obj(struct genl_info *info, int type, int max,
			     const struct nla_policy *policy,
			     struct nlattr **tb)
{
	if (GENL_REQ_ATTR_CHECK(info, type))
		return -EINVAL;
	return nla_parse_nested(tb, max, info->attrs[type], policy,
				info->extack);
}

/* True (and extack says which) when attribute @a is missing. */
static bool knat_nl_missing(struct nlattr **tb, int a, struct nlattr *nest,
			    struct netlink_ext_ack *extack)
{
	if (tb[a])
		return false;
	NL_SET_ERR_ATTR_MISS(extack, nest, a);
	return true;
}

static int knat_nl_fwd_proto(struct nlattr **tb, struct genl_info *info)
{
	u8 proto;

	if (knat_nl_missing(tb, KNAT_FWD_A_PROTO, info->attrs[KNAT_A_FORWARD],
			    info->extack))
		return -EINVAL;
	proto = nla_get_u8(tb[KNAT_FWD_A_PROTO]);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_FWD_A_PROTO],
				    "Protocol must be tcp or udp");
		return -EINVAL;
	}
	return proto;
}

/*
 * A forward's family and addresses: IPv4 (ADDR, TO_ADDR) or IPv6 (ADDR6,
 * TO_ADDR6), never a mix.  TO_ADDR6 need not be there for DEL.
 */
static int knat_nl_fwd_family(struct nlattr **tb, struct genl_info *info,
			      struct knat_forward *f)
{
	struct nlattr *v4 = tb[KNAT_FWD_A_ADDR] ?: tb[KNAT_FWD_A_TO_ADDR];
	struct nlattr *v6 = tb[KNAT_FWD_A_ADDR6] ?: tb[KNAT_FWD_A_TO_ADDR6];

	if (v4 && v6) {
		NL_SET_ERR_MSG_ATTR(info->extack, v6,
				    "A forward is IPv4 or IPv6, not both");
		return -EINVAL;
	}
	f->v6 = !!v6;
	if (tb[KNAT_FWD_A_ADDR])
		f->addr = nla_get_be32(tb[KNAT_FWD_A_ADDR]);
	if (tb[KNAT_FWD_A_TO_ADDR])
		f->to_addr = nla_get_be32(tb[KNAT_FWD_A_TO_ADDR]);
	if (tb[KNAT_FWD_A_ADDR6])
		f->addr6 = knat_nla_in6(tb[KNAT_FWD_A_ADDR6]);
	if (tb[KNAT_FWD_A_TO_ADDR6])
		f->to_addr6 = knat_nla_in6(tb[KNAT_FWD_A_TO_ADDR6]);
	return 0;
}

int knat_nl_forward_parse(struct genl_info *info, struct knat_forward *fp)
{
	struct nlattr *tb[KNAT_FWD_A_MAX + 1];
	struct nlattr *nest = info->attrs[KNAT_A_FORWARD];
	struct knat_forward f = {};
	int err, proto;

	err = knat_nl_parse_obj(info, KNAT_A_FORWARD, KNAT_FWD_A_MAX,
				knat_fwd_policy, tb);
	if (err)
		return err;
	proto = knat_nl_fwd_proto(tb, info);
	if (proto < 0)
		return proto;
	if (knat_nl_missing(tb, KNAT_FWD_A_PORT_MIN, nest, info->extack))
		return -EINVAL;
	err = knat_nl_fwd_family(tb, info, &f);
	if (err)
		return err;
	if (!f.v6 && knat_nl_missing(tb, KNAT_FWD_A_TO_ADDR, nest,
				     info->extack))
		return -EINVAL;

	f.proto = proto;
	f.port_min = knat_nla_port(tb[KNAT_FWD_A_PORT_MIN], 0);
	f.port_max = knat_nla_port(tb[KNAT_FWD_A_PORT_MAX], f.port_min);
	f.to_port = knat_nla_port(tb[KNAT_FWD_A_TO_PORT], 0);

	if (!f.port_min) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_FWD_A_PORT_MIN],
				    "Port 0 cannot be forwarded");
		return -EINVAL;
	}
	if (f.port_max < f.port_min) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_FWD_A_PORT_MAX],
				    "Port range ends before it starts");
		return -EINVAL;
	}
	if (f.v6) {
		err = knat_nl_check_host6(info->extack,
					  tb[KNAT_FWD_A_TO_ADDR6],
					  &f.to_addr6);
		/* :: matches any local address; else one host. */
		if (!err && !ipv6_addr_any(&f.addr6))
			err = knat_nl_check_host6(info->extack,
						  tb[KNAT_FWD_A_ADDR6],
						  &f.addr6);
	} else {
		err = knat_nl_check_host(info->extack, tb[KNAT_FWD_A_TO_ADDR],
					 f.to_addr, KNAT_NL_HOST_FWD_TO);
	}
	/* 0 matches any local address; anything else must be one host. */
	if (!err && !f.v6 && f.addr)
		err = knat_nl_check_host(info->extack, tb[KNAT_FWD_A_ADDR],
					 f.addr, KNAT_NL_HOST_FWD_MATCH);
	if (err)
		return err;
	if (f.to_port && f.to_port + (f.port_max - f.port_min) > 65535) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_FWD_A_TO_PORT],
				    "Destination port range passes 65535");
		return -EINVAL;
	}

	*fp = f;
	return 0;
}

int knat_nl_forward_new(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct knat_forward f;
	int err;

	err = knat_nl_forward_parse(info, &f);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	err = knat_forward_add(kn, &f, info->extack);
	mutex_unlock(&kn->lock);
	return err;
}

int knat_nl_forward_del(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct nlattr *tb[KNAT_FWD_A_MAX + 1];
	struct knat_forward key = {};
	int err, proto;

	err = knat_nl_parse_obj(info, KNAT_A_FORWARD, KNAT_FWD_A_MAX,
				knat_fwd_policy, tb);
	if (err)
		return err;
	proto = knat_nl_fwd_proto(tb, info);
	if (proto < 0)
		return proto;
	if (knat_nl_missing(tb, KNAT_FWD_A_PORT_MIN,
			    info->attrs[KNAT_A_FORWARD], info->extack))
		return -EINVAL;
	err = knat_nl_fwd_family(tb, info, &key);
	if (err)
		return err;
	key.proto = proto;
	key.port_min = knat_nla_port(tb[KNAT_FWD_A_PORT_MIN], 0);

	mutex_lock(&kn->lock);
	err = knat_forward_del(kn, &key, info->extack);
	mutex_unlock(&kn->lock);
	return err;
}

static int knat_nl_fill_forward(struct sk_buff *msg,
				const struct knat_forward *f)
{
	struct knat_rule_stats sum = {};
	struct nlattr *nest;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct knat_rule_stats *s = per_cpu_ptr(f->stats, cpu);

		sum.pkts += READ_ONCE(s->pkts);
		sum.bytes += READ_ONCE(s->bytes);
	}
	nest = nla_nest_start(msg, KNAT_A_FORWARD);
	if (!nest ||
	    nla_put_u8(msg, KNAT_FWD_A_PROTO, f->proto) ||
	    (f->v6 ? nla_put_in6_addr(msg, KNAT_FWD_A_ADDR6, &f->addr6) ||
		     nla_put_in6_addr(msg, KNAT_FWD_A_TO_ADDR6, &f->to_addr6) :
		     nla_put_be32(msg, KNAT_FWD_A_ADDR, f->addr) ||
		     nla_put_be32(msg, KNAT_FWD_A_TO_ADDR, f->to_addr)) ||
	    nla_put_be16(msg, KNAT_FWD_A_PORT_MIN, htons(f->port_min)) ||
	    nla_put_be16(msg, KNAT_FWD_A_PORT_MAX, htons(f->port_max)) ||
	    nla_put_be16(msg, KNAT_FWD_A_TO_PORT, htons(f->to_port)) ||
	    nla_put_u32(msg, KNAT_FWD_A_FLOWS, atomic_read(&f->nflows)) ||
	    nla_put_u64_64bit(msg, KNAT_FWD_A_PACKETS, sum.pkts,
			      KNAT_FWD_A_PAD) ||
	    nla_put_u64_64bit(msg, KNAT_FWD_A_BYTES, sum.bytes,
			      KNAT_FWD_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int knat_nl_put_snat_rule(struct sk_buff *msg, const struct knat_snat *r)
{
	bool masq = r->flags & KNAT_SNAT_F_MASQUERADE;

	if ((r->v6 ? nla_put_in6_addr(msg, KNAT_SNAT_A_SRC6, &r->src6) :
		     nla_put_be32(msg, KNAT_SNAT_A_SRC, r->src)) ||
	    nla_put_u8(msg, KNAT_SNAT_A_SRC_PLEN, r->plen) ||
	    (r->ifname[0] &&
	     nla_put_string(msg, KNAT_SNAT_A_OUT_IFNAME, r->ifname)) ||
	    (!masq && !r->v6 &&
	     (nla_put_be32(msg, KNAT_SNAT_A_TO_MIN, r->to_min) ||
	      nla_put_be32(msg, KNAT_SNAT_A_TO_MAX, r->to_max))) ||
	    (!masq && r->v6 &&
	     (nla_put_in6_addr(msg, KNAT_SNAT_A_TO_MIN6, &r->to_min6) ||
	      nla_put_in6_addr(msg, KNAT_SNAT_A_TO_MAX6, &r->to_max6))) ||
	    nla_put_be16(msg, KNAT_SNAT_A_PORT_MIN, htons(r->port_min)) ||
	    nla_put_be16(msg, KNAT_SNAT_A_PORT_MAX, htons(r->port_max)) ||
	    nla_put_u32(msg, KNAT_SNAT_A_FLAGS, r->flags))
		return -EMSGSIZE;
	return 0;
}

static int knat_nl_fill_snat(struct sk_buff *msg, const struct knat_snat *r)
{
	struct knat_snat_stats sum;
	struct nlattr *nest;

	knat_snat_stats_sum(r, &sum);
	nest = nla_nest_start(msg, KNAT_A_SNAT);
	if (!nest || knat_nl_put_snat_rule(msg, r) ||
	    nla_put_u32(msg, KNAT_SNAT_A_FLOWS, atomic_read(&r->nflows)) ||
	    nla_put_u64_64bit(msg, KNAT_SNAT_A_EXHAUSTED, sum.exhausted,
			      KNAT_SNAT_A_PAD) ||
	    nla_put_u32(msg, KNAT_SNAT_A_PORTS_IN_USE,
			knat_snat_ports_in_use(r)) ||
	    knat_nl_put_array(msg, KNAT_SNAT_A_ATTEMPTS, sum.attempts,
			      KNAT_SNAT_ATTEMPT_BUCKETS) ||
	    nla_put_u64_64bit(msg, KNAT_SNAT_A_ATTEMPTS_SUM, sum.attempts_sum,
			      KNAT_SNAT_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * Rule dumps: one message per rule, resumed by position (cb->args[0]).
 * A rule added or removed between two parts of a dump may be missed or
 * repeated; NLM_F_DUMP_INTR is not worth it for tables this small.
 */
static void *knat_nl_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb,
			      u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &knat_genl_family, NLM_F_MULTI, cmd);
}

/* Close the message of one rule; false when it did not fit. */
static bool knat_nl_dump_end(struct sk_buff *skb, void *hdr, int err)
{
	if (hdr && !err) {
		genlmsg_end(skb, hdr);
		return true;
	}
	if (hdr)
		genlmsg_cancel(skb, hdr);
	return false;
}

int knat_nl_forward_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct knat_net *kn = knat_net(sock_net(skb->sk));
	struct knat_rule_table *t;
	long idx = cb->args[0];

	rcu_read_lock();
	t = rcu_dereference(kn->forwards);
	for (; t && idx < READ_ONCE(t->n); idx++) {
		void *hdr = knat_nl_dump_hdr(skb, cb, KNAT_CMD_FORWARD_GET);

		if (!knat_nl_dump_end(skb, hdr, hdr ?
				      knat_nl_fill_forward(skb, READ_ONCE(t->rule[idx])) : 0))
			break;
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

int knat_nl_snat_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct knat_net *kn = knat_net(sock_net(skb->sk));
	struct knat_rule_table *t;
	long idx = cb->args[0];

	rcu_read_lock();
	t = rcu_dereference(kn->snats);
	for (; t && idx < READ_ONCE(t->n); idx++) {
		void *hdr = knat_nl_dump_hdr(skb, cb, KNAT_CMD_SNAT_GET);

		if (!knat_nl_dump_end(skb, hdr, hdr ?
				      knat_nl_fill_snat(skb, READ_ONCE(t->rule[idx])) : 0))
			break;
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

/* An IPv6 rule's key: SRC6/SRC_PLEN and the device. */
static int knat_nl_snat_key6(struct nlattr **tb, struct genl_info *info,
			     struct knat_snat *r)
{
	struct nlattr *nest = info->attrs[KNAT_A_SNAT];
	struct in6_addr masked;

	if (knat_nl_missing(tb, KNAT_SNAT_A_SRC_PLEN, nest, info->extack))
		return -EINVAL;
	if (tb[KNAT_SNAT_A_TO_MIN] || tb[KNAT_SNAT_A_TO_MAX]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_SNAT_A_TO_MIN] ?:
				    tb[KNAT_SNAT_A_TO_MAX],
				    "IPv6 rule with an IPv4 outside address");
		return -EINVAL;
	}
	r->v6 = 1;
	r->src6 = knat_nla_in6(tb[KNAT_SNAT_A_SRC6]);
	r->plen = nla_get_u8(tb[KNAT_SNAT_A_SRC_PLEN]);
	ipv6_addr_prefix(&masked, &r->src6, r->plen);
	if (!ipv6_addr_equal(&masked, &r->src6)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_SNAT_A_SRC6],
				    "Prefix has host bits set");
		return -EINVAL;
	}
	if (tb[KNAT_SNAT_A_OUT_IFNAME])
		nla_strscpy(r->ifname, tb[KNAT_SNAT_A_OUT_IFNAME], IFNAMSIZ);
	return 0;
}

/* An IPv6 rule's outside range: at most 64 addresses in one /96. */
static int knat_nl_snat_range6(struct nlattr **tb, struct genl_info *info,
			       struct knat_snat *r)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *max = tb[KNAT_SNAT_A_TO_MAX6] ?: tb[KNAT_SNAT_A_TO_MIN6];
	int err;

	if (knat_nl_missing(tb, KNAT_SNAT_A_TO_MIN6, info->attrs[KNAT_A_SNAT],
			    extack))
		return -EINVAL;
	r->to_min6 = knat_nla_in6(tb[KNAT_SNAT_A_TO_MIN6]);
	r->to_max6 = knat_nla_in6(max);
	err = knat_nl_check_host6(extack, tb[KNAT_SNAT_A_TO_MIN6], &r->to_min6);
	if (!err)
		err = knat_nl_check_host6(extack, max, &r->to_max6);
	if (err)
		return err;
	if (!ipv6_prefix_equal(&r->to_min6, &r->to_max6, 96) ||
	    ntohl(r->to_max6.s6_addr32[3]) < ntohl(r->to_min6.s6_addr32[3]) ||
	    ntohl(r->to_max6.s6_addr32[3]) - ntohl(r->to_min6.s6_addr32[3]) >=
	    KNAT_SNAT_MAX_ADDRS) {
		NL_SET_ERR_MSG_ATTR(extack, max,
				    "Address range reversed or over 64 addresses");
		return -EINVAL;
	}
	return 0;
}

static int knat_nl_snat_key(struct nlattr **tb, struct genl_info *info,
			    struct knat_snat *r)
{
	struct nlattr *nest = info->attrs[KNAT_A_SNAT];

	if (tb[KNAT_SNAT_A_SRC] && tb[KNAT_SNAT_A_SRC6]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_SNAT_A_SRC6],
				    "A SNAT rule is IPv4 or IPv6, not both");
		return -EINVAL;
	}
	if (tb[KNAT_SNAT_A_SRC6])
		return knat_nl_snat_key6(tb, info, r);
	if (knat_nl_missing(tb, KNAT_SNAT_A_SRC, nest, info->extack) ||
	    knat_nl_missing(tb, KNAT_SNAT_A_SRC_PLEN, nest, info->extack))
		return -EINVAL;
	r->src = nla_get_be32(tb[KNAT_SNAT_A_SRC]);
	r->plen = nla_get_u8(tb[KNAT_SNAT_A_SRC_PLEN]);
	if (r->plen > 32) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_SNAT_A_SRC_PLEN],
				    "IPv4 prefix length over 32");
		return -EINVAL;
	}
	if (tb[KNAT_SNAT_A_TO_MIN6] || tb[KNAT_SNAT_A_TO_MAX6]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_SNAT_A_TO_MIN6] ?:
				    tb[KNAT_SNAT_A_TO_MAX6],
				    "IPv4 rule with an IPv6 outside address");
		return -EINVAL;
	}
	r->mask = inet_make_mask(r->plen);
	if (r->src & ~r->mask) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KNAT_SNAT_A_SRC],
				    "Prefix has host bits set");
		return -EINVAL;
	}
	if (tb[KNAT_SNAT_A_OUT_IFNAME])
		nla_strscpy(r->ifname, tb[KNAT_SNAT_A_OUT_IFNAME], IFNAMSIZ);
	return 0;
}

int knat_nl_snat_parse(struct genl_info *info, struct knat_snat *rp)
{
	struct nlattr *tb[KNAT_SNAT_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct knat_snat r = {};
	bool masq;
	int err;

	err = knat_nl_parse_obj(info, KNAT_A_SNAT, KNAT_SNAT_A_MAX,
				knat_snat_policy, tb);
	if (err)
		return err;
	err = knat_nl_snat_key(tb, info, &r);
	if (err)
		return err;
	r.flags = tb[KNAT_SNAT_A_FLAGS] ? nla_get_u32(tb[KNAT_SNAT_A_FLAGS]) : 0;
	masq = r.flags & KNAT_SNAT_F_MASQUERADE;
	r.port_min = knat_nla_port(tb[KNAT_SNAT_A_PORT_MIN], 1024);
	r.port_max = knat_nla_port(tb[KNAT_SNAT_A_PORT_MAX], 65535);

	if (masq && !r.ifname[0]) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[KNAT_A_SNAT],
				    "Masquerade needs an output device");
		return -EINVAL;
	}
	if (masq && (tb[KNAT_SNAT_A_TO_MIN] || tb[KNAT_SNAT_A_TO_MAX] ||
		     tb[KNAT_SNAT_A_TO_MIN6] || tb[KNAT_SNAT_A_TO_MAX6])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_SNAT_A_TO_MIN] ?:
				    tb[KNAT_SNAT_A_TO_MAX] ?:
				    tb[KNAT_SNAT_A_TO_MIN6] ?:
				    tb[KNAT_SNAT_A_TO_MAX6],
				    "Masquerade takes the device's address");
		return -EINVAL;
	}
	if (!masq && r.v6) {
		err = knat_nl_snat_range6(tb, info, &r);
		if (err)
			return err;
	} else if (!masq) {
		if (knat_nl_missing(tb, KNAT_SNAT_A_TO_MIN,
				    info->attrs[KNAT_A_SNAT], extack))
			return -EINVAL;
		r.to_min = nla_get_be32(tb[KNAT_SNAT_A_TO_MIN]);
		r.to_max = tb[KNAT_SNAT_A_TO_MAX] ?
			   nla_get_be32(tb[KNAT_SNAT_A_TO_MAX]) : r.to_min;
		/*
		 * Both ends: 0/8, 127/8 and 224/3 are each far wider than
		 * the 64 addresses a range may span, so a range with both
		 * ends outside them holds none of theirs.
		 */
		err = knat_nl_check_host(extack, tb[KNAT_SNAT_A_TO_MIN],
					 r.to_min, KNAT_NL_HOST_SNAT);
		if (!err && tb[KNAT_SNAT_A_TO_MAX])
			err = knat_nl_check_host(extack, tb[KNAT_SNAT_A_TO_MAX],
						 r.to_max, KNAT_NL_HOST_SNAT);
		if (err)
			return err;
		if (ntohl(r.to_max) < ntohl(r.to_min) ||
		    ntohl(r.to_max) - ntohl(r.to_min) >= KNAT_SNAT_MAX_ADDRS) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_SNAT_A_TO_MAX],
					    "Address range reversed or over 64 addresses");
			return -EINVAL;
		}
	}
	if (!r.port_min || r.port_max < r.port_min) {
		NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_SNAT_A_PORT_MIN] ?:
				    tb[KNAT_SNAT_A_PORT_MAX],
				    "Port range must be 1-65535, low to high");
		return -EINVAL;
	}

	*rp = r;
	return 0;
}

int knat_nl_snat_new(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct knat_snat r;
	int err;

	err = knat_nl_snat_parse(info, &r);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	err = knat_snat_add(kn, &r, info->extack);
	mutex_unlock(&kn->lock);
	return err;
}

int knat_nl_snat_del(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct nlattr *tb[KNAT_SNAT_A_MAX + 1];
	struct knat_snat r = {};
	int err;

	err = knat_nl_parse_obj(info, KNAT_A_SNAT, KNAT_SNAT_A_MAX,
				knat_snat_policy, tb);
	if (err)
		return err;
	err = knat_nl_snat_key(tb, info, &r);
	if (err)
		return err;
	mutex_lock(&kn->lock);
	err = knat_snat_del(kn, &r, info->extack);
	mutex_unlock(&kn->lock);
	return err;
}
