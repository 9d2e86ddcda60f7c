// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink: the flow object.  Dumps walk the flow table with a walker that
 * lives as long as the dump, so a million flows need no large allocation
 * and no lock is held between two parts of the dump.  Filters are applied
 * here, in the kernel.
 */

#include <net/ipv6.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "flow.h"
#include "netlink.h"
#include "reap.h"
#include "service.h"
#include "tcp_state.h"

static const struct nla_policy knat_tuple_policy[KNAT_TUPLE_A_MAX + 1] = {
	[KNAT_TUPLE_A_SRC]	= { .type = NLA_BE32 },
	[KNAT_TUPLE_A_DST]	= { .type = NLA_BE32 },
	[KNAT_TUPLE_A_SPORT]	= { .type = NLA_BE16 },
	[KNAT_TUPLE_A_DPORT]	= { .type = NLA_BE16 },
	[KNAT_TUPLE_A_SRC6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[KNAT_TUPLE_A_DST6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy knat_flow_svc_policy[KNAT_SVC_A_MAX + 1] = {
	[KNAT_SVC_A_ADDR]	= { .type = NLA_BE32 },
	[KNAT_SVC_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[KNAT_SVC_A_PORT]	= { .type = NLA_BE16 },
};

static const struct nla_policy knat_flow_be_policy[KNAT_BE_A_MAX + 1] = {
	[KNAT_BE_A_ADDR]	= { .type = NLA_BE32 },
	[KNAT_BE_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[KNAT_BE_A_PORT]	= { .type = NLA_BE16 },
};

const struct nla_policy knat_flow_policy[KNAT_FLOW_A_MAX + 1] = {
	[KNAT_FLOW_A_PROTO]	= { .type = NLA_U8 },
	[KNAT_FLOW_A_ORIG]	= NLA_POLICY_NESTED(knat_tuple_policy),
	[KNAT_FLOW_A_REPLY]	= { .type = NLA_REJECT },
	[KNAT_FLOW_A_KIND]	= NLA_POLICY_MAX(NLA_U8, __KNAT_FLOW_KIND_MAX - 1),
	[KNAT_FLOW_A_STATE]	= NLA_POLICY_MAX(NLA_U8, __KNAT_TCP_MAX - 1),
	[KNAT_FLOW_A_FLAGS]	= { .type = NLA_REJECT },
	[KNAT_FLOW_A_AGE]	= { .type = NLA_REJECT },
	[KNAT_FLOW_A_EXPIRES]	= { .type = NLA_REJECT },
	[KNAT_FLOW_A_PKTS_ORIG]	= { .type = NLA_REJECT },
	[KNAT_FLOW_A_BYTES_ORIG] = { .type = NLA_REJECT },
	[KNAT_FLOW_A_PKTS_REPLY] = { .type = NLA_REJECT },
	[KNAT_FLOW_A_BYTES_REPLY] = { .type = NLA_REJECT },
	[KNAT_FLOW_A_SERVICE]	= NLA_POLICY_NESTED(knat_flow_svc_policy),
	[KNAT_FLOW_A_BACKEND]	= NLA_POLICY_NESTED(knat_flow_be_policy),
	[KNAT_FLOW_A_FAMILY]	= NLA_POLICY_RANGE(NLA_U8, AF_INET, AF_INET6),
};

#define KNAT_FF_PROTO	BIT(0)
#define KNAT_FF_KIND	BIT(1)
#define KNAT_FF_STATE	BIT(2)
#define KNAT_FF_SRC	BIT(3)
#define KNAT_FF_DST	BIT(4)
#define KNAT_FF_SPORT	BIT(5)
#define KNAT_FF_DPORT	BIT(6)
#define KNAT_FF_SVC	BIT(7)
#define KNAT_FF_SVC_PORT BIT(8)
#define KNAT_FF_BE	BIT(9)
#define KNAT_FF_BE_PORT	BIT(10)
#define KNAT_FF_FAMILY	BIT(11)

struct knat_flow_filter {
	u32 has;	/* KNAT_FF_* */
	u8 proto;
	u8 kind;
	u8 state;
	u8 v6;		/* KNAT_FF_FAMILY, or an IPv6 address given */
	struct knat_tuple orig;
	struct in6_addr src6, dst6;
	union nf_inet_addr svc_addr, be_addr;
	bool svc_v6, be_v6;
	__be16 svc_port, be_port;
};

#define KNAT_FLOW_OWNER_A_MAX \
	((int)KNAT_SVC_A_MAX > (int)KNAT_BE_A_MAX ? \
	 (int)KNAT_SVC_A_MAX : (int)KNAT_BE_A_MAX)

/*
 * SERVICE and BACKEND: an address, required, and a port, optional.  The
 * owner is what counts, not a tuple: a hairpinned flow of a service has
 * the router's address in its reply tuple, not the client's.
 */
static int knat_flow_filter_owner(struct nlattr *nest, int nattrs,
				  const struct nla_policy *policy,
				  int addr_type, int addr6_type, int port_type,
				  union nf_inet_addr *addr, bool *v6,
				  __be16 *port, u32 *has, u32 port_bit,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KNAT_FLOW_OWNER_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, nattrs, nest, policy, extack);
	if (err)
		return err;
	if (!tb[addr_type] && !tb[addr6_type]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "service and backend filters need an address");
		return -EINVAL;
	}
	err = knat_nl_get_addr(extack, nest, tb[addr_type], tb[addr6_type],
			       addr, v6);
	if (err)
		return err;
	if (tb[port_type]) {
		*port = nla_get_be16(tb[port_type]);
		*has |= port_bit;
	}
	return 0;
}

/*
 * The IPv6 addresses of an ORIG filter: they make it an IPv6 filter,
 * and may not come with IPv4 ones nor with an IPv4 family.
 */
static int knat_flow_filter_addr6(struct nlattr **tt, struct nlattr **tb,
				  struct knat_flow_filter *ff,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *a6 = tt[KNAT_TUPLE_A_SRC6] ?: tt[KNAT_TUPLE_A_DST6];
	struct nlattr *a4 = tt[KNAT_TUPLE_A_SRC] ?: tt[KNAT_TUPLE_A_DST];

	if (!a6)
		return 0;
	if (a4 || ((ff->has & KNAT_FF_FAMILY) && !ff->v6)) {
		NL_SET_ERR_MSG_ATTR(extack, a6,
				    "IPv6 address in an IPv4 flow filter");
		return -EINVAL;
	}
	ff->has |= KNAT_FF_FAMILY;
	ff->v6 = 1;
	if (tt[KNAT_TUPLE_A_SRC6]) {
		ff->has |= KNAT_FF_SRC;
		ff->src6 = knat_nla_in6(tt[KNAT_TUPLE_A_SRC6]);
	}
	if (tt[KNAT_TUPLE_A_DST6]) {
		ff->has |= KNAT_FF_DST;
		ff->dst6 = knat_nla_in6(tt[KNAT_TUPLE_A_DST6]);
	}
	return 0;
}

static int knat_flow_filter_parse(struct nlattr *nest,
				  struct knat_flow_filter *ff,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KNAT_FLOW_A_MAX + 1], *tt[KNAT_TUPLE_A_MAX + 1];
	int err;

	memset(ff, 0, sizeof(*ff));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, KNAT_FLOW_A_MAX, nest, knat_flow_policy,
			       extack);
	if (err)
		return err;
	if (tb[KNAT_FLOW_A_PROTO]) {
		ff->has |= KNAT_FF_PROTO;
		ff->proto = nla_get_u8(tb[KNAT_FLOW_A_PROTO]);
	}
	if (tb[KNAT_FLOW_A_KIND]) {
		ff->has |= KNAT_FF_KIND;
		ff->kind = nla_get_u8(tb[KNAT_FLOW_A_KIND]);
	}
	if (tb[KNAT_FLOW_A_STATE]) {
		ff->has |= KNAT_FF_STATE;
		ff->state = nla_get_u8(tb[KNAT_FLOW_A_STATE]);
	}
	if (tb[KNAT_FLOW_A_SERVICE]) {
		ff->has |= KNAT_FF_SVC;
		err = knat_flow_filter_owner(tb[KNAT_FLOW_A_SERVICE],
					     KNAT_SVC_A_MAX, knat_flow_svc_policy,
					     KNAT_SVC_A_ADDR, KNAT_SVC_A_ADDR6,
					     KNAT_SVC_A_PORT, &ff->svc_addr,
					     &ff->svc_v6, &ff->svc_port,
					     &ff->has, KNAT_FF_SVC_PORT, extack);
		if (err)
			return err;
	}
	if (tb[KNAT_FLOW_A_BACKEND]) {
		ff->has |= KNAT_FF_BE;
		err = knat_flow_filter_owner(tb[KNAT_FLOW_A_BACKEND],
					     KNAT_BE_A_MAX, knat_flow_be_policy,
					     KNAT_BE_A_ADDR, KNAT_BE_A_ADDR6,
					     KNAT_BE_A_PORT, &ff->be_addr,
					     &ff->be_v6, &ff->be_port,
					     &ff->has, KNAT_FF_BE_PORT, extack);
		if (err)
			return err;
	}
	if (tb[KNAT_FLOW_A_FAMILY]) {
		u8 fam = nla_get_u8(tb[KNAT_FLOW_A_FAMILY]);

		if (fam != AF_INET && fam != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KNAT_FLOW_A_FAMILY],
					    "Family must be AF_INET or AF_INET6");
			return -EINVAL;
		}
		ff->has |= KNAT_FF_FAMILY;
		ff->v6 = fam == AF_INET6;
	}
	if (!tb[KNAT_FLOW_A_ORIG])
		return 0;
	err = nla_parse_nested(tt, KNAT_TUPLE_A_MAX, tb[KNAT_FLOW_A_ORIG],
			       knat_tuple_policy, extack);
	if (err)
		return err;
	err = knat_flow_filter_addr6(tt, tb, ff, extack);
	if (err)
		return err;
	if (tt[KNAT_TUPLE_A_SRC] || tt[KNAT_TUPLE_A_DST]) {
		if ((ff->has & KNAT_FF_FAMILY) && ff->v6) {
			NL_SET_ERR_MSG_ATTR(extack, tt[KNAT_TUPLE_A_SRC] ?:
					    tt[KNAT_TUPLE_A_DST],
					    "IPv4 address in an IPv6 flow filter");
			return -EINVAL;
		}
		ff->has |= KNAT_FF_FAMILY;
	}
	if (tt[KNAT_TUPLE_A_SRC]) {
		ff->has |= KNAT_FF_SRC;
		ff->orig.src = nla_get_be32(tt[KNAT_TUPLE_A_SRC]);
	}
	if (tt[KNAT_TUPLE_A_DST]) {
		ff->has |= KNAT_FF_DST;
		ff->orig.dst = nla_get_be32(tt[KNAT_TUPLE_A_DST]);
	}
	if (tt[KNAT_TUPLE_A_SPORT]) {
		ff->has |= KNAT_FF_SPORT;
		ff->orig.sport = nla_get_be16(tt[KNAT_TUPLE_A_SPORT]);
	}
	if (tt[KNAT_TUPLE_A_DPORT]) {
		ff->has |= KNAT_FF_DPORT;
		ff->orig.dport = nla_get_be16(tt[KNAT_TUPLE_A_DPORT]);
	}
	return 0;
}

/* Under RCU: a flow's backend and service outlive it by a grace period. */
static bool knat_flow_owner_match(const struct knat_flow *f,
				  const struct knat_flow_filter *ff)
{
	const struct knat_backend *be;

	if (!(ff->has & (KNAT_FF_SVC | KNAT_FF_BE)))
		return true;
	if (!knat_flow_is_service(f))
		return false;
	be = f->owner;
	if ((ff->has & KNAT_FF_BE) &&
	    (be->svc->v6 != ff->be_v6 ||
	     !nf_inet_addr_cmp(&be->addr, &ff->be_addr) ||
	     ((ff->has & KNAT_FF_BE_PORT) && be->port != ff->be_port)))
		return false;
	return !(ff->has & KNAT_FF_SVC) ||
	       (be->svc->v6 == ff->svc_v6 &&
		nf_inet_addr_cmp(&be->svc->addr, &ff->svc_addr) &&
		(!(ff->has & KNAT_FF_SVC_PORT) ||
		 be->svc->port == ff->svc_port));
}

static bool knat_flow_filter_match(const struct knat_flow *f, const void *arg)
{
	const struct knat_flow_filter *ff = arg;
	const struct knat_tuple *t = &f->h[KNAT_DIR_ORIG].tuple;
	const struct in6_addr *a6 = knat_flow_a6(f, KNAT_DIR_ORIG);

	if ((ff->has & KNAT_FF_FAMILY) && ff->v6 != f->v6)
		return false;
	if (f->v6 && (((ff->has & KNAT_FF_SRC) &&
		       !ipv6_addr_equal(&a6[0], &ff->src6)) ||
		      ((ff->has & KNAT_FF_DST) &&
		       !ipv6_addr_equal(&a6[1], &ff->dst6))))
		return false;
	return (!(ff->has & KNAT_FF_PROTO) || t->proto == ff->proto) &&
	       (!(ff->has & KNAT_FF_KIND) || f->kind == ff->kind) &&
	       (!(ff->has & KNAT_FF_STATE) ||
		(t->proto == IPPROTO_TCP &&
		 (READ_ONCE(f->state) & KNAT_TCP_STATE_MASK) == ff->state)) &&
	       (f->v6 || !(ff->has & KNAT_FF_SRC) || t->src == ff->orig.src) &&
	       (f->v6 || !(ff->has & KNAT_FF_DST) || t->dst == ff->orig.dst) &&
	       (!(ff->has & KNAT_FF_SPORT) || t->sport == ff->orig.sport) &&
	       (!(ff->has & KNAT_FF_DPORT) || t->dport == ff->orig.dport) &&
	       knat_flow_owner_match(f, ff);
}

/* A tuple; IPv6 with @a6, its addresses (the tuple only folds them). */
int knat_nl_put_tuple6(struct sk_buff *msg, int type,
		       const struct knat_tuple *t, const struct in6_addr *a6)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	if (!nest ||
	    (a6 ? nla_put_in6_addr(msg, KNAT_TUPLE_A_SRC6, &a6[0]) ||
		  nla_put_in6_addr(msg, KNAT_TUPLE_A_DST6, &a6[1]) :
		  nla_put_be32(msg, KNAT_TUPLE_A_SRC, t->src) ||
		  nla_put_be32(msg, KNAT_TUPLE_A_DST, t->dst)) ||
	    nla_put_be16(msg, KNAT_TUPLE_A_SPORT, t->sport) ||
	    nla_put_be16(msg, KNAT_TUPLE_A_DPORT, t->dport))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int knat_nl_put_tuple(struct sk_buff *msg, int type,
		      const struct knat_tuple *t)
{
	return knat_nl_put_tuple6(msg, type, t, NULL);
}

int knat_nl_fill_flow(struct sk_buff *msg, const struct knat_flow *f)
{
	u32 now = (u32)jiffies, expires = READ_ONCE(f->expires);
	u32 left = (s32)(expires - now) > 0 ? expires - now : 0;
	u8 proto = f->h[KNAT_DIR_ORIG].tuple.proto;
	struct nlattr *nest;

	nest = nla_nest_start(msg, KNAT_A_FLOW);
	if (!nest ||
	    nla_put_u8(msg, KNAT_FLOW_A_PROTO, proto) ||
	    nla_put_u8(msg, KNAT_FLOW_A_FAMILY, f->v6 ? AF_INET6 : AF_INET) ||
	    knat_nl_put_tuple6(msg, KNAT_FLOW_A_ORIG,
			       &f->h[KNAT_DIR_ORIG].tuple,
			       knat_flow_a6(f, KNAT_DIR_ORIG)) ||
	    knat_nl_put_tuple6(msg, KNAT_FLOW_A_REPLY,
			       &f->h[KNAT_DIR_REPLY].tuple,
			       knat_flow_a6(f, KNAT_DIR_REPLY)) ||
	    nla_put_u8(msg, KNAT_FLOW_A_KIND, f->kind) ||
	    (proto == IPPROTO_TCP &&
	     nla_put_u8(msg, KNAT_FLOW_A_STATE,
			READ_ONCE(f->state) & KNAT_TCP_STATE_MASK)) ||
	    nla_put_u32(msg, KNAT_FLOW_A_FLAGS, knat_flow_uflags(f)) ||
	    nla_put_u32(msg, KNAT_FLOW_A_AGE, (now - f->start) / HZ) ||
	    nla_put_u32(msg, KNAT_FLOW_A_EXPIRES, DIV_ROUND_UP(left, HZ)) ||
	    nla_put_u64_64bit(msg, KNAT_FLOW_A_PKTS_ORIG,
			      atomic64_read(&f->pkts[0]), KNAT_FLOW_A_PAD) ||
	    nla_put_u64_64bit(msg, KNAT_FLOW_A_BYTES_ORIG,
			      atomic64_read(&f->bytes[0]), KNAT_FLOW_A_PAD) ||
	    nla_put_u64_64bit(msg, KNAT_FLOW_A_PKTS_REPLY,
			      atomic64_read(&f->pkts[1]), KNAT_FLOW_A_PAD) ||
	    nla_put_u64_64bit(msg, KNAT_FLOW_A_BYTES_REPLY,
			      atomic64_read(&f->bytes[1]), KNAT_FLOW_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * State of one flow dump, from .start to .done: the bucket to go on from,
 * and how many of its halves were looked at already.  Flows that move
 * (a resize) or arrive during a dump may be missed or shown twice, as in
 * any dump that lets the table change between its parts.
 */
struct knat_flow_dump {
	struct knat_flow_filter filter;
	u32 bucket;
	u32 skip;
};

int knat_nl_flow_dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct knat_flow_dump *d;
	int err;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	err = knat_flow_filter_parse(info->attrs[KNAT_A_FLOW], &d->filter,
				     cb->extack);
	if (err) {
		kfree(d);
		return err;
	}
	cb->args[0] = (long)d;
	return 0;
}

int knat_nl_flow_dump_done(struct netlink_callback *cb)
{
	kfree((struct knat_flow_dump *)cb->args[0]);
	return 0;
}

/*
 * Flow halves one dump call examines at most (an empty bucket counts as
 * 1/64 of one): a filter that matches nothing must not walk a table of
 * millions in one RCU section, holding up the caller and whoever waits
 * for it.  A call that examined its budget without filling anything
 * sends an NLMSG_NOOP, since an empty answer would end the dump.
 */
#define KNAT_FLOW_DUMP_BUDGET	1024
#define KNAT_FLOW_DUMP_BUCKET_COST	1
#define KNAT_FLOW_DUMP_HALF_COST	64

/* Keep the dump going with nothing to show yet. */
static void knat_nl_flow_dump_noop(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	nlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
		  NLMSG_NOOP, 0, NLM_F_MULTI);
}

/* Put @f in the dump: 0, or -EMSGSIZE when the message is full. */
static int knat_nl_flow_dump_one(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 const struct knat_flow *f)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &knat_genl_family, NLM_F_MULTI, KNAT_CMD_FLOW_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (knat_nl_fill_flow(skb, f)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int knat_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct knat_flow_dump *d = (struct knat_flow_dump *)cb->args[0];
	struct knat_net *kn = knat_net(sock_net(cb->skb->sk));
	u32 budget = KNAT_FLOW_DUMP_BUDGET * KNAT_FLOW_DUMP_HALF_COST;
	struct knat_flow_table *tab;
	struct knat_flow_half *h;

	rcu_read_lock();
	tab = knat_ftab(kn);
	for (; tab && d->bucket <= tab->mask; d->bucket++, d->skip = 0) {
		u32 i = 0;

		if (budget < KNAT_FLOW_DUMP_HALF_COST) {
			if (!skb->len)
				knat_nl_flow_dump_noop(skb, cb);
			break;
		}
		budget -= KNAT_FLOW_DUMP_BUCKET_COST;
		for (h = knat_ftab_first(tab, d->bucket);
		     !knat_ftab_is_nulls(h);
		     h = knat_ftab_next(h)) {
			const struct knat_flow *f = knat_flow_of(h);

			if (i++ < d->skip)
				continue;
			if (budget < KNAT_FLOW_DUMP_HALF_COST) {
				if (!skb->len)
					knat_nl_flow_dump_noop(skb, cb);
				d->skip = i - 1;
				goto out;
			}
			budget -= KNAT_FLOW_DUMP_HALF_COST;
			if (h->tuple.dir != KNAT_DIR_ORIG ||
			    knat_flow_expired(f) ||
			    test_bit(KNAT_FLOW_DEAD_BIT, &f->status) ||
			    knat_flow_orphaned(f) ||
			    !knat_flow_filter_match(f, &d->filter))
				continue;
			if (knat_nl_flow_dump_one(skb, cb, f)) {
				d->skip = i - 1;
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	return skb->len;
}

int knat_nl_flow_del(struct sk_buff *skb, struct genl_info *info)
{
	struct knat_net *kn = knat_nl_net(info);
	struct knat_flow_filter ff;
	int err;

	err = knat_flow_filter_parse(info->attrs[KNAT_A_FLOW], &ff,
				     info->extack);
	if (err)
		return err;
	knat_flow_flush(kn, knat_flow_filter_match, &ff);
	return 0;
}
