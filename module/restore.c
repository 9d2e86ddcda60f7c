// SPDX-License-Identifier: GPL-2.0
/*
 * knat restore: a whole configuration in one request, applied all or
 * nothing (KNAT_CMD_RESTORE in the uapi header).
 *
 * Forwards and SNAT rules are built as new tables beside the published
 * ones, reusing every rule the request names unchanged, and swapped in
 * once everything has succeeded: a packet meets the old rules or the new
 * ones, never a mix and never neither (a SNAT rule missing for a moment
 * would let an inside address out).  Services and backends live in hash
 * tables that cannot be swapped whole, so the ops change them in place
 * and record each change, and a failure puts every one back.  What a
 * flushing restore drops goes last, once nothing can fail any more: its
 * flows could not be put back.
 *
 * Two passes over the ops, both under kn->lock (the family runs without
 * the genl mutex): the first parses every op and marks the services and
 * backends a flushing restore keeps, so that the limits count what stays;
 * the second applies them in order.
 */

#include <linux/sched.h>
#include <linux/slab.h>

#include "netlink.h"
#include "reap.h"
#include "rules.h"
#include "service.h"

const struct nla_policy knat_op_policy[KNAT_OP_A_MAX + 1] = {
	[KNAT_OP_A_CMD]		= { .type = NLA_U8 },
	/* Parsed with the family's policy, as its command would be. */
	[KNAT_OP_A_ATTRS]	= { .type = NLA_NESTED },
};

const struct nla_policy knat_restore_policy[KNAT_RESTORE_A_MAX + 1] = {
	[KNAT_RESTORE_A_OP]	= NLA_POLICY_NESTED(knat_op_policy),
};

/* restore_mark of services and backends, meaningful during a restore. */
enum {
	KNAT_MARK_NONE,		/* not named: a flushing restore drops it */
	KNAT_MARK_NAMED,	/* named by an op still to apply */
	KNAT_MARK_NAMED_DOWN,	/* ditto, and a BACKEND_SET takes it down */
	KNAT_MARK_DONE,		/* applied: named twice is an error */
};

enum knat_undo_kind {
	KNAT_UNDO_SVC_ADD,
	KNAT_UNDO_SVC_SET,
	KNAT_UNDO_BE_ADD,
	KNAT_UNDO_BE_SET,
};

/* One change to services and backends, and how to take it back. */
struct knat_undo {
	struct list_head list;
	enum knat_undo_kind kind;
	struct knat_service *svc;
	struct knat_backend *be;
	/* SVC_SET: the options before. */
	const struct knat_sched *sched;
	u32 persist, maglev_size;
	u32 check_fails, check_timeout, check_holddown, check_clients;
	/* BE_SET: weight and state before. */
	u32 weight;
	u8 state;
};

struct knat_restore {
	struct knat_net *kn;
	struct sk_buff *skb;
	struct genl_info *info;		/* the request */
	struct genl_info op;		/* one op: the request, its attrs */
	struct nlattr *tb[KNAT_A_MAX + 1];
	struct nlattr *nest;		/* the op being applied */
	bool flush;
	/* The tables being built; the published ones until the swap. */
	struct knat_rule_table *fwd, *snat;
	struct knat_rule_table *old_fwd, *old_snat;
	unsigned int nfwd_ops, nsnat_ops;
	unsigned int svc_drop, be_drop;	/* what the flush will drop */
	unsigned int svc6_drop;		/* of svc_drop, IPv6 */
	struct list_head undo;		/* newest first */
	struct knat_cfg_snapshot cfg;
	bool cfg_saved;
};

static bool knat_table_has(const struct knat_rule_table *t, const void *rule)
{
	unsigned int i;

	for (i = 0; t && i < t->n; i++)
		if (t->rule[i] == rule)
			return true;
	return false;
}

/* The op @nest into rs->op; its command, or an error with extack set. */
static int knat_restore_op(struct knat_restore *rs, struct nlattr *nest)
{
	struct netlink_ext_ack *extack = rs->info->extack;
	struct nlattr *ta[KNAT_OP_A_MAX + 1];
	int err;

	rs->nest = nest;
	if (nla_type(nest) != KNAT_RESTORE_A_OP) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "Expected a restore op");
		return -EINVAL;
	}
	err = nla_parse_nested(ta, KNAT_OP_A_MAX, nest, knat_op_policy,
			       extack);
	if (err)
		return err;
	if (!ta[KNAT_OP_A_CMD] || !ta[KNAT_OP_A_ATTRS]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "A restore op needs a command and its attributes");
		return -EINVAL;
	}
	err = nla_parse_nested(rs->tb, KNAT_A_MAX, ta[KNAT_OP_A_ATTRS],
			       knat_genl_family.policy, extack);
	if (err)
		return err;
	if (rs->tb[KNAT_A_RESTORE_OPS] || rs->tb[KNAT_A_RESTORE_FLUSH]) {
		NL_SET_ERR_MSG_ATTR(extack, ta[KNAT_OP_A_ATTRS],
				    "A restore op cannot hold a restore");
		return -EINVAL;
	}
	rs->op = *rs->info;
	rs->op.attrs = rs->tb;
	switch (nla_get_u8(ta[KNAT_OP_A_CMD])) {
	case KNAT_CMD_CONFIG_SET:
	case KNAT_CMD_FORWARD_NEW:
	case KNAT_CMD_SNAT_NEW:
	case KNAT_CMD_SERVICE_NEW:
	case KNAT_CMD_BACKEND_NEW:
	case KNAT_CMD_BACKEND_SET:
		return nla_get_u8(ta[KNAT_OP_A_CMD]);
	}
	NL_SET_ERR_MSG_ATTR(extack, ta[KNAT_OP_A_CMD],
			    "Restore takes CONFIG_SET, FORWARD_NEW, SNAT_NEW, SERVICE_NEW, BACKEND_NEW and BACKEND_SET only");
	return -EOPNOTSUPP;
}

static struct knat_undo *knat_undo_new(struct knat_restore *rs,
				       enum knat_undo_kind kind,
				       struct knat_service *svc,
				       struct knat_backend *be)
{
	struct knat_undo *u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);

	if (!u)
		return NULL;
	u->kind = kind;
	u->svc = svc;
	u->be = be;
	if (be) {
		u->weight = be->weight;
		u->state = be->state;
	}
	if (kind == KNAT_UNDO_SVC_SET) {
		u->sched = svc->sched;
		u->persist = svc->persist;
		u->maglev_size = svc->maglev_size;
		u->check_fails = svc->check_fails;
		u->check_timeout = svc->check_timeout;
		u->check_holddown = svc->check_holddown;
		u->check_clients = svc->check_clients;
	}
	list_add(&u->list, &rs->undo);
	return u;
}

static void knat_undo_drop(struct knat_undo *u)
{
	list_del(&u->list);
	kfree(u);
}

static void knat_svc_set_checks(struct knat_service *svc, u32 fails,
				u32 timeout, u32 holddown, u32 clients)
{
	WRITE_ONCE(svc->check_fails, fails);
	WRITE_ONCE(svc->check_timeout, timeout);
	WRITE_ONCE(svc->check_holddown, holddown);
	WRITE_ONCE(svc->check_clients, clients);
}

/*
 * fn() on every op of every KNAT_A_RESTORE_OPS in order: a netlink
 * attribute holds 64 KiB at most, so a big configuration comes in
 * several (info->attrs keeps only the last of them).
 */
static int knat_restore_walk(struct knat_restore *rs,
			     int (*fn)(struct knat_restore *rs,
				       struct nlattr *op))
{
	struct genlmsghdr *g = rs->info->genlhdr;
	struct nlattr *a, *op;
	int rem, orem, err;

	nla_for_each_attr(a, (struct nlattr *)genlmsg_data(g), genlmsg_len(g),
			  rem) {
		if (nla_type(a) != KNAT_A_RESTORE_OPS)
			continue;
		nla_for_each_nested(op, a, orem) {
			err = fn(rs, op);
			if (err)
				return err;
			cond_resched();
		}
	}
	return 0;
}

/* ---- pass 1: parse everything, mark what a flush keeps ---- */

/*
 * Every op parsed as its command would be, so that a bad line fails
 * before anything changes; a flushing restore marks what it names.
 */
static int knat_restore_mark(struct knat_restore *rs, u8 cmd)
{
	struct nlattr *tb[KNAT_BE_A_MAX + 1];
	char sched[KNAT_SCHED_NAME_LEN];
	struct knat_service key, *svc;
	struct knat_nl_cfg_req cfg;
	struct knat_backend *be;
	struct knat_forward f;
	union nf_inet_addr addr;
	struct knat_snat r;
	__be16 port;
	int err;

	switch (cmd) {
	case KNAT_CMD_CONFIG_SET:
		return knat_nl_config_parse(rs->skb, &rs->op, &cfg);
	case KNAT_CMD_FORWARD_NEW:
		rs->nfwd_ops++;
		return knat_nl_forward_parse(&rs->op, &f);
	case KNAT_CMD_SNAT_NEW:
		rs->nsnat_ops++;
		return knat_nl_snat_parse(&rs->op, &r);
	case KNAT_CMD_SERVICE_NEW:
		err = knat_nl_service_parse(&rs->op, &key, sched);
		if (err || !rs->flush)
			return err;
		svc = knat_service_find_locked(rs->kn, key.proto, &key.addr,
					       key.v6, key.port);
		if (svc)
			svc->restore_mark = KNAT_MARK_NAMED;
		return 0;
	}
	err = knat_nl_backend_parse(&rs->op, &key, tb);
	if (err || !rs->flush)
		return err;
	svc = knat_service_find_locked(rs->kn, key.proto, &key.addr, key.v6,
				       key.port);
	/* A backend of the wrong family: the apply pass says so. */
	if (!svc || knat_nl_be_addr(svc, tb, NULL, &addr, &port))
		return 0;
	be = knat_backend_find_locked(svc, &addr, port);
	if (!be)
		return 0;
	if (cmd == KNAT_CMD_BACKEND_NEW)
		be->restore_mark = KNAT_MARK_NAMED;
	else if (be->restore_mark && tb[KNAT_BE_A_STATE] &&
		 nla_get_u8(tb[KNAT_BE_A_STATE]) == KNAT_BACKEND_DOWN)
		be->restore_mark = KNAT_MARK_NAMED_DOWN;
	return 0;
}

static int knat_restore_check_op(struct knat_restore *rs, struct nlattr *op)
{
	int cmd = knat_restore_op(rs, op);

	return cmd < 0 ? cmd : knat_restore_mark(rs, cmd);
}

static int knat_restore_check(struct knat_restore *rs)
{
	struct knat_net *kn = rs->kn;
	struct knat_service *svc;
	struct knat_backend *be;
	int err;

	list_for_each_entry(svc, &kn->services, list) {
		svc->restore_mark = KNAT_MARK_NONE;
		svc->restore_drop = 0;
		list_for_each_entry(be, &svc->backends, list)
			be->restore_mark = KNAT_MARK_NONE;
	}
	err = knat_restore_walk(rs, knat_restore_check_op);
	if (err || !rs->flush)
		return err;
	/* What the flush drops does not count against the limits. */
	list_for_each_entry(svc, &kn->services, list) {
		if (!svc->restore_mark) {
			rs->svc_drop++;
			rs->svc6_drop += svc->v6;
			rs->be_drop += svc->nbackends;
			continue;
		}
		list_for_each_entry(be, &svc->backends, list) {
			if (!be->restore_mark &&
			    be->state != KNAT_BACKEND_DRAINING) {
				svc->restore_drop++;
				rs->be_drop++;
			}
		}
	}
	return 0;
}

/* ---- pass 2: apply ---- */

static int knat_restore_forward(struct knat_restore *rs)
{
	struct netlink_ext_ack *extack = rs->info->extack;
	struct knat_forward f, *nf = NULL;
	unsigned int i;
	int err;

	err = knat_nl_forward_parse(&rs->op, &f);
	if (err)
		return err;
	if (rs->fwd->n >= knat_limit(rs->kn, KNAT_LIMIT_FORWARDS)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many forwards as its limit allows");
		return -ENOSPC;
	}
	for (i = 0; i < rs->fwd->n; i++) {
		if (knat_forward_overlaps(rs->fwd->rule[i], &f)) {
			NL_SET_ERR_MSG(extack,
				       "Forward overlaps an existing forward");
			return -EEXIST;
		}
	}
	/* Named unchanged: the live rule itself, with its flows. */
	for (i = 0; rs->flush && rs->old_fwd && i < rs->old_fwd->n; i++)
		if (knat_forward_same(rs->old_fwd->rule[i], &f))
			nf = rs->old_fwd->rule[i];
	if (!nf)
		nf = knat_forward_alloc(&f);
	if (!nf)
		return -ENOMEM;
	rs->fwd->rule[rs->fwd->n++] = nf;
	return 0;
}

static int knat_restore_snat(struct knat_restore *rs)
{
	struct netlink_ext_ack *extack = rs->info->extack;
	struct knat_snat r, *nr = NULL;
	unsigned int i;
	int err;

	err = knat_nl_snat_parse(&rs->op, &r);
	if (err)
		return err;
	if (rs->snat->n >= knat_limit(rs->kn, KNAT_LIMIT_SNATS)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many SNAT rules as its limit allows");
		return -ENOSPC;
	}
	for (i = 0; i < rs->snat->n; i++) {
		if (knat_snat_same_key(rs->snat->rule[i], &r)) {
			NL_SET_ERR_MSG(extack, "SNAT rule already exists");
			return -EEXIST;
		}
	}
	for (i = 0; rs->flush && rs->old_snat && i < rs->old_snat->n; i++)
		if (knat_snat_same(rs->old_snat->rule[i], &r))
			nr = rs->old_snat->rule[i];
	if (!nr)
		nr = knat_snat_alloc(rs->kn, &r);
	if (!nr)
		return -ENOMEM;
	rs->snat->rule[rs->snat->n++] = nr;
	return 0;
}

/* A kept service takes the options its op gives, defaults for the rest. */
static int knat_restore_svc_keep(struct knat_restore *rs,
				 struct knat_service *svc,
				 const struct knat_service *want,
				 const char *sched)
{
	struct netlink_ext_ack *extack = rs->info->extack;
	const struct knat_sched *s = knat_sched_find(sched);
	struct knat_undo *u;
	u32 persist = want->persist, size = want->maglev_size;
	int err;

	if (s == svc->sched && svc->persist == persist &&
	    svc->maglev_size == size && svc->check_fails == want->check_fails &&
	    svc->check_timeout == want->check_timeout &&
	    svc->check_holddown == want->check_holddown &&
	    svc->check_clients == want->check_clients)
		return 0;
	u = knat_undo_new(rs, KNAT_UNDO_SVC_SET, svc, NULL);
	if (!u)
		return -ENOMEM;
	err = knat_service_set(rs->kn, svc, sched, &persist, &size, extack);
	if (err) {
		knat_undo_drop(u);
		return err;
	}
	knat_svc_set_checks(svc, want->check_fails, want->check_timeout,
			    want->check_holddown, want->check_clients);
	return 0;
}

static int knat_restore_service(struct knat_restore *rs)
{
	struct netlink_ext_ack *extack = rs->info->extack;
	struct knat_net *kn = rs->kn;
	char sched[KNAT_SCHED_NAME_LEN];
	struct knat_service tmpl, *svc;
	struct knat_undo *u;
	int err;

	err = knat_nl_service_parse(&rs->op, &tmpl, sched);
	if (err)
		return err;
	svc = knat_service_find_locked(kn, tmpl.proto, &tmpl.addr, tmpl.v6,
				       tmpl.port);
	if (svc) {
		if (!rs->flush || svc->restore_mark == KNAT_MARK_DONE) {
			NL_SET_ERR_MSG(extack, "Service already exists");
			return -EEXIST;
		}
		err = knat_restore_svc_keep(rs, svc, &tmpl, sched);
		if (!err)
			svc->restore_mark = KNAT_MARK_DONE;
		return err;
	}
	if (kn->nservices - rs->svc_drop >= knat_limit(kn, KNAT_LIMIT_SERVICES)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many services as its limit allows");
		return -ENOSPC;
	}
	u = knat_undo_new(rs, KNAT_UNDO_SVC_ADD, NULL, NULL);
	if (!u)
		return -ENOMEM;
	err = knat_service_add(kn, &tmpl, sched, extack);
	if (err) {
		knat_undo_drop(u);
		return err;
	}
	svc = knat_service_find_locked(kn, tmpl.proto, &tmpl.addr, tmpl.v6,
				       tmpl.port);
	u->svc = svc;
	svc->restore_mark = KNAT_MARK_DONE;
	svc->restore_drop = 0;
	return 0;
}

static int knat_restore_backend(struct knat_restore *rs, u8 cmd)
{
	struct netlink_ext_ack *extack = rs->info->extack;
	struct nlattr *tb[KNAT_BE_A_MAX + 1];
	struct knat_net *kn = rs->kn;
	struct knat_service key, *svc;
	struct knat_backend *be;
	struct knat_undo *u;
	u8 state = KNAT_BACKEND_UP;
	u32 weight = 1;
	union nf_inet_addr addr;
	__be16 port;
	int err;

	err = knat_nl_backend_parse(&rs->op, &key, tb);
	if (err)
		return err;
	svc = knat_service_find_locked(kn, key.proto, &key.addr, key.v6,
				       key.port);
	if (!svc) {
		NL_SET_ERR_MSG(extack, "No such service");
		return -ENOENT;
	}
	err = knat_nl_be_addr(svc, tb, extack, &addr, &port);
	if (err)
		return err;
	be = knat_backend_find_locked(svc, &addr, port);
	if (tb[KNAT_BE_A_WEIGHT])
		weight = nla_get_u32(tb[KNAT_BE_A_WEIGHT]);

	if (cmd == KNAT_CMD_BACKEND_SET) {
		if (!be) {
			NL_SET_ERR_MSG(extack, "No such backend");
			return -ENOENT;
		}
		if (tb[KNAT_BE_A_STATE])
			state = nla_get_u8(tb[KNAT_BE_A_STATE]);
		u = knat_undo_new(rs, KNAT_UNDO_BE_SET, svc, be);
		if (!u)
			return -ENOMEM;
		return knat_backend_set(be, tb[KNAT_BE_A_WEIGHT] ? &weight : NULL,
					tb[KNAT_BE_A_STATE] ? &state : NULL);
	}

	if (be) {
		if (!rs->flush || be->restore_mark == KNAT_MARK_DONE) {
			NL_SET_ERR_MSG(extack, "Backend already exists");
			return -EEXIST;
		}
		if (be->state == KNAT_BACKEND_DRAINING) {
			NL_SET_ERR_MSG(extack,
				       "Backend is draining: restore it once it is gone");
			return -EBUSY;
		}
		/* Kept: the weight and state the file gives it. */
		state = be->restore_mark == KNAT_MARK_NAMED_DOWN ?
			KNAT_BACKEND_DOWN : KNAT_BACKEND_UP;
		be->restore_mark = KNAT_MARK_DONE;
		if (be->weight == weight && be->state == state)
			return 0;
		u = knat_undo_new(rs, KNAT_UNDO_BE_SET, svc, be);
		if (!u)
			return -ENOMEM;
		return knat_backend_set(be, &weight, &state);
	}

	err = knat_nl_be_check_host(svc, tb, extack, &addr);
	if (err)
		return err;
	if (svc->nbackends - svc->restore_drop >=
	    knat_limit(kn, KNAT_LIMIT_SVC_BACKENDS)) {
		NL_SET_ERR_MSG(extack,
			       "Service holds as many backends as its limit allows");
		return -ENOSPC;
	}
	if (kn->nbackends - rs->be_drop >= knat_limit(kn, KNAT_LIMIT_BACKENDS)) {
		NL_SET_ERR_MSG(extack,
			       "Namespace holds as many backends as its limit allows");
		return -ENOSPC;
	}
	u = knat_undo_new(rs, KNAT_UNDO_BE_ADD, svc, NULL);
	if (!u)
		return -ENOMEM;
	err = knat_backend_add(svc, &addr, port, weight, extack);
	if (err) {
		knat_undo_drop(u);
		return err;
	}
	u->be = knat_backend_find_locked(svc, &addr, port);
	u->be->restore_mark = KNAT_MARK_DONE;
	return 0;
}

static int knat_restore_config(struct knat_restore *rs)
{
	struct knat_nl_cfg_req req;
	int err;

	err = knat_nl_config_parse(rs->skb, &rs->op, &req);
	if (err)
		return err;
	if (!rs->cfg_saved) {
		knat_config_save(rs->kn, &rs->cfg);
		rs->cfg_saved = true;
	}
	return knat_nl_config_apply(rs->kn, &req, rs->info->extack);
}

/* A new table: without --flush the published rules first, then the ops'. */
static struct knat_rule_table *knat_restore_table(struct knat_restore *rs,
						  struct knat_rule_table *old,
						  unsigned int nops)
{
	unsigned int n = !rs->flush && old ? old->n : 0;
	struct knat_rule_table *t = knat_rule_table_alloc(n + nops);

	if (t && n) {
		memcpy(t->rule, old->rule, n * sizeof(t->rule[0]));
		t->n = n;
	}
	return t;
}

static int knat_restore_apply_op(struct knat_restore *rs, struct nlattr *nest)
{
	int cmd = knat_restore_op(rs, nest);

	switch (cmd) {
	case KNAT_CMD_CONFIG_SET:
		return knat_restore_config(rs);
	case KNAT_CMD_FORWARD_NEW:
		return knat_restore_forward(rs);
	case KNAT_CMD_SNAT_NEW:
		return knat_restore_snat(rs);
	case KNAT_CMD_SERVICE_NEW:
		return knat_restore_service(rs);
	case KNAT_CMD_BACKEND_NEW:
	case KNAT_CMD_BACKEND_SET:
		return knat_restore_backend(rs, cmd);
	}
	return cmd < 0 ? cmd : -EINVAL;
}

static int knat_restore_apply(struct knat_restore *rs)
{
	int err;

	rs->fwd = knat_restore_table(rs, rs->old_fwd, rs->nfwd_ops);
	rs->snat = knat_restore_table(rs, rs->old_snat, rs->nsnat_ops);
	if (!rs->fwd || !rs->snat)
		return -ENOMEM;
	err = knat_restore_walk(rs, knat_restore_apply_op);
	if (err)
		return err;
	/* The swap must not fail: hooks before it, if it brings rules. */
	if (rs->fwd->n || rs->snat->n ||
	    rs->kn->nservices - rs->svc_drop) {
		err = knat_hooks_prepare(rs->kn, rs->fwd, rs->snat,
					 rs->kn->nservices - rs->svc_drop,
					 rs->kn->nservices6 - rs->svc6_drop);
		if (err) {
			NL_SET_ERR_MSG(rs->info->extack,
				       "Cannot register netfilter hooks");
			return err;
		}
	}
	return 0;
}

/* ---- the end: commit or undo ---- */

/* The old table's rules the new one does not hold, gathered at its front. */
static unsigned int knat_table_gone(struct knat_rule_table *old,
				    const struct knat_rule_table *t)
{
	unsigned int i, n = 0;

	for (i = 0; old && i < old->n; i++)
		if (!knat_table_has(t, old->rule[i]))
			old->rule[n++] = old->rule[i];
	return n;
}

static void knat_restore_commit(struct knat_restore *rs)
{
	struct knat_net *kn = rs->kn;
	struct knat_service *svc, *stmp;
	struct knat_backend *be, *btmp;
	struct knat_undo *u, *utmp;
	unsigned int n;

	rcu_assign_pointer(kn->forwards, rs->fwd->n ? rs->fwd : NULL);
	rcu_assign_pointer(kn->snats, rs->snat->n ? rs->snat : NULL);
	kn->nforwards = rs->fwd->n;
	kn->nsnats = rs->snat->n;
	kn->nforwards6 = knat_rules_v6(kn, &kn->forwards, false);
	kn->nsnats6 = knat_rules_v6(kn, &kn->snats, true);
	if (!rs->fwd->n)
		kvfree(rs->fwd);
	if (!rs->snat->n)
		kvfree(rs->snat);
	rs->fwd = NULL;
	rs->snat = NULL;
	/* Then nobody reads the old tables: they are ours to rewrite. */
	synchronize_rcu();
	n = knat_table_gone(rs->old_fwd, knat_rule_table_locked(kn, kn->forwards));
	if (n)
		knat_forwards_destroy(kn, rs->old_fwd->rule, n);
	n = knat_table_gone(rs->old_snat, knat_rule_table_locked(kn, kn->snats));
	if (n)
		knat_snats_destroy(kn, rs->old_snat->rule, n);
	kvfree(rs->old_fwd);
	kvfree(rs->old_snat);

	if (rs->flush) {
		list_for_each_entry_safe(svc, stmp, &kn->services, list) {
			if (svc->restore_mark != KNAT_MARK_DONE) {
				knat_service_del(kn, svc);
				continue;
			}
			list_for_each_entry_safe(be, btmp, &svc->backends, list)
				if (be->restore_mark != KNAT_MARK_DONE &&
				    be->state != KNAT_BACKEND_DRAINING)
					knat_backend_del(be, 0);
		}
	}
	list_for_each_entry_safe(u, utmp, &rs->undo, list)
		knat_undo_drop(u);
	knat_rules_changed(kn);
}

static void knat_restore_undo(struct knat_restore *rs)
{
	struct knat_net *kn = rs->kn;
	struct knat_undo *u, *tmp;
	unsigned int i;

	/* The new tables were never published: no reader saw their rules. */
	for (i = 0; rs->fwd && i < rs->fwd->n; i++)
		if (!knat_table_has(rs->old_fwd, rs->fwd->rule[i]))
			knat_forward_free(rs->fwd->rule[i]);
	for (i = 0; rs->snat && i < rs->snat->n; i++)
		if (!knat_table_has(rs->old_snat, rs->snat->rule[i]))
			knat_snat_free(rs->snat->rule[i]);
	kvfree(rs->fwd);
	kvfree(rs->snat);

	/* Newest first, so each change meets the state it was made in. */
	list_for_each_entry_safe(u, tmp, &rs->undo, list) {
		switch (u->kind) {
		case KNAT_UNDO_SVC_ADD:
			knat_service_del(kn, u->svc);
			break;
		case KNAT_UNDO_SVC_SET:
			/* Back to a scheduler it had: only memory can fail. */
			knat_service_set(kn, u->svc, u->sched->name,
					 &u->persist, &u->maglev_size, NULL);
			knat_svc_set_checks(u->svc, u->check_fails,
					    u->check_timeout, u->check_holddown,
					    u->check_clients);
			break;
		case KNAT_UNDO_BE_ADD:
			knat_backend_del(u->be, 0);
			break;
		case KNAT_UNDO_BE_SET:
			knat_backend_set(u->be, &u->weight, &u->state);
			break;
		}
		knat_undo_drop(u);
	}
	if (rs->cfg_saved)
		knat_config_load(kn, &rs->cfg);
	knat_rules_changed(kn);
}

int knat_nl_restore(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct knat_net *kn = knat_nl_net(info);
	struct knat_restore *rs;
	int err;

	rs = kzalloc(sizeof(*rs), GFP_KERNEL_ACCOUNT);
	if (!rs)
		return -ENOMEM;
	rs->kn = kn;
	rs->skb = skb;
	rs->info = info;
	rs->flush = nla_get_flag(info->attrs[KNAT_A_RESTORE_FLUSH]);
	INIT_LIST_HEAD(&rs->undo);

	mutex_lock(&kn->lock);
	rs->old_fwd = knat_rule_table_locked(kn, kn->forwards);
	rs->old_snat = knat_rule_table_locked(kn, kn->snats);
	err = knat_restore_check(rs);
	if (!err)
		err = knat_restore_apply(rs);
	if (err) {
		/* Name the op at least, whatever inside it failed. */
		if (rs->nest && !extack->bad_attr)
			extack->bad_attr = rs->nest;
		knat_restore_undo(rs);
	} else {
		knat_restore_commit(rs);
	}
	mutex_unlock(&kn->lock);
	/* As "del" does: what was dropped is gone when the answer comes. */
	knat_reap_wait(kn);
	kfree(rs);
	return err;
}
