// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path.
 *
 * As nf_nat does, a destination is rewritten where packets enter
 * (PRE_ROUTING, LOCAL_OUT), so that routing sees where they really go,
 * and a source where they leave (POST_ROUTING, LOCAL_IN), so that routing
 * and rp_filter never see one of this host's own addresses arriving from
 * outside.  Each packet is looked up once on entry; the exit hook looks
 * the flow up again only when a source rewrite is due, using the note the
 * entry hook left in skb->cb (pkt.h).
 *
 * Per direction d of a flow, the packet must end up as the other half's
 * tuple reversed; which parts differ says which rewrites d needs.
 *
 * hooks.c calls the two hooks here.  A packet is parsed (pkt.c); one of
 * a flow is accounted (account.c) and rewritten here; for one of no flow
 * decide.c says what to do, and this file makes the flow or answers the
 * VIP ping (vip.c).  ICMP errors about flows go to icmp.c.
 */

#include "account.h"
#include "decide.h"
#include "fastpath.h"
#include "health.h"
#include "icmp.h"
#include "nat.h"
#include "persist.h"
#include "portalloc.h"
#include "reap.h"
#include "rules.h"
#include "service.h"
#include "stats.h"
#include "tcp_state.h"
#include "vip.h"

/* knat_needs() for an IPv6 flow: its addresses, not their folds. */
bool knat_needs6(const struct knat_flow *f, int dir, enum knat_manip_type t)
{
	const struct knat_tuple *h = &f->h[dir].tuple, *o = &f->h[!dir].tuple;
	const struct in6_addr *h6 = knat_flow_a6(f, dir);
	const struct in6_addr *o6 = knat_flow_a6(f, !dir);
	bool icmp = knat_is_icmp_proto(h->proto);

	if (t == KNAT_MANIP_DST)
		return !ipv6_addr_equal(&h6[1], &o6[0]) ||
		       (!icmp && h->dport != o->sport);
	return !ipv6_addr_equal(&h6[0], &o6[1]) ||
	       (!icmp && h->sport != o->dport);
}

/*
 * May the flow found for this packet carry it?  Not when it is dead or
 * expired, or its backend was removed; nor a UDP flow whose backend went down (UDP has no end: it
 * would black-hole until it timed out, so its next packet is scheduled
 * afresh); nor a closed TCP flow whose tuple a SYN reuses: that starts a
 * fresh one at once instead of waiting out TIME_WAIT.  Changes nothing.
 */
enum knat_flow_stale knat_flow_stale(const struct knat_flow *f, int dir,
				     const struct knat_pkt *p)
{
	u8 st;

	if (test_bit(KNAT_FLOW_DEAD_BIT, &f->status))
		return KNAT_FLOW_STALE_DEAD;
	if (knat_flow_expired(f))
		return KNAT_FLOW_STALE_EXPIRED;
	/* The reaper has yet to come by: it goes now. */
	if (knat_flow_orphaned(f))
		return KNAT_FLOW_STALE_REMOVED;
	if (p->t.proto == IPPROTO_UDP && knat_flow_is_service(f) &&
	    READ_ONCE(((struct knat_backend *)f->owner)->state) ==
	    KNAT_BACKEND_DOWN)
		return KNAT_FLOW_STALE_DOWN;
	if (p->t.proto != IPPROTO_TCP || dir != KNAT_DIR_ORIG ||
	    !knat_pure_syn(p->tcpflags))
		return KNAT_FLOW_USABLE;
	st = READ_ONCE(f->state) & KNAT_TCP_STATE_MASK;
	if (st != KNAT_TCP_TIME_WAIT && st != KNAT_TCP_CLOSE)
		return KNAT_FLOW_USABLE;
	return KNAT_FLOW_STALE_REUSED;
}

/* A stale flow goes now (the GC would later). */
static bool knat_flow_usable(struct knat_net *kn, struct knat_flow *f,
			     int dir, const struct knat_pkt *p)
{
	switch (knat_flow_stale(f, dir, p)) {
	case KNAT_FLOW_USABLE:
		return true;
	case KNAT_FLOW_STALE_DEAD:
		return false;
	case KNAT_FLOW_STALE_EXPIRED:
		knat_flow_del(kn, f);
		knat_count_expired(kn, f);
		return false;
	default:
		knat_flow_del(kn, f);
		return false;
	}
}

/*
 * Rewrite the packet @p of direction @dir of @f as the other half says:
 * its destination (entry) or its source (exit).  Made writable already.
 */
static __always_inline void knat_manip_flow(struct sk_buff *skb,
					    const struct knat_pkt *p,
					    const struct knat_flow *f, int dir,
					    enum knat_manip_type type)
{
	const struct knat_tuple *o = &f->h[!dir].tuple;
	bool dst = type == KNAT_MANIP_DST;

	if (unlikely(f->v6))
		knat_manip6(skb, 0, p->thoff, p->l4proto, p->l4len, false,
			    type, &knat_flow_a6(f, !dir)[dst ? 0 : 1],
			    dst ? o->sport : o->dport);
	else
		knat_manip(skb, 0, p->l4len, false, type, dst ? o->src : o->dst,
			   dst ? o->sport : o->dport);
}

/* Entry-side work for a packet of a known flow. */
static unsigned int knat_flow_packet(struct knat_net *kn, struct knat_flow *f,
				     int dir, struct sk_buff *skb,
				     const struct knat_pkt *p,
				     const struct nf_hook_state *state,
				     bool routed)
{
	enum knat_drop why;

	why = knat_flow_account(kn, f, dir, skb, p);
	if (why != __KNAT_DROP_MAX)
		return knat_drop(kn, why);
	if (knat_needs(f, dir, KNAT_MANIP_DST)) {
		if (skb_ensure_writable(skb, p->thoff + p->l4len))
			return knat_drop(kn, KNAT_DROP_UNWRITABLE);
		knat_manip_flow(skb, p, f, dir, KNAT_MANIP_DST);
		if (!routed && knat_reroute(skb, state))
			return knat_drop(kn, KNAT_DROP_NO_ROUTE);
	}
	knat_note(skb, knat_needs(f, dir, KNAT_MANIP_SRC) ?
		  KNAT_CB_SRC : KNAT_CB_DONE, &f->h[dir]);
	if (knat_fast_want(kn, f, dir, state))
		KNAT_CB(skb)->flags |= KNAT_CB_F_LEARN;
	return NF_ACCEPT;
}

static unsigned int knat_alloc_drop(struct knat_net *kn, int err)
{
	return knat_drop(kn, err == -ENOSPC ? KNAT_DROP_TABLE_FULL :
			 err == -EEXIST ? KNAT_DROP_CLASH : KNAT_DROP_NOMEM);
}

/*
 * The timeout a new flow starts with: what its first packet will set, so
 * that no lookup finds it expired between its publication and that.
 */
static u32 knat_new_flow_timeout(struct knat_net *kn, u8 proto, u8 tcp_state)
{
	enum knat_timeout to;

	switch (proto) {
	case IPPROTO_TCP:
		to = knat_tcp_timeout(tcp_state == KNAT_TCP_NONE ?
				      KNAT_TCP_SYN_SENT : tcp_state);
		break;
	case IPPROTO_UDP:
		to = KNAT_TIMEOUT_UDP_UNREPLIED;
		break;
	default:
		to = KNAT_TIMEOUT_ICMP;
	}
	return READ_ONCE(kn->timeouts[to]);
}

/* Make the flow knat_decide() chose and let the packet through it. */
static unsigned int knat_new_flow_make(struct knat_net *kn,
				       struct sk_buff *skb,
				       const struct knat_pkt *p,
				       const struct nf_hook_state *state,
				       const struct knat_decision *d)
{
	const struct knat_tuple *orig = &p->t, *reply = &d->reply;
	void *owner = d->be ? (void *)d->be : (void *)d->fwd;
	struct knat_ftab_hint hint;
	struct knat_flow *f;
	int err;

	if (d->dir == KNAT_DIR_REPLY)
		swap(orig, reply);
	if (d->flags & KNAT_DECIDE_F_HAIRPIN)
		knat_count(kn, KNAT_CNT_HAIRPIN);
	if (p->v6) {
		const struct in6_addr *orig6 = p->a6, *reply6 = d->reply6;

		if (d->dir == KNAT_DIR_REPLY)
			swap(orig6, reply6);
		f = knat_flow_alloc6(kn, orig, reply, orig6, reply6, d->kind,
				     owner, knat_new_flow_timeout(kn,
					p->t.proto, d->tcp_state));
	} else {
		f = knat_flow_alloc(kn, orig, reply, d->kind, owner,
				    knat_new_flow_timeout(kn, p->t.proto,
							  d->tcp_state));
	}
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto fail;
	}
	f->state = d->tcp_state;
	f->status |= d->status;
	if (!knat_owner_get(f)) {
		/* Its backend's last reference went: it was removed. */
		knat_flow_uncharge(kn, f);
		knat_flow_free(f);
		if (d->status & BIT(KNAT_FLOW_PROBE_BIT))
			knat_health_probe_end(d->be);
		return knat_drop(kn, KNAT_DROP_NO_BACKEND);
	}
	hint = p->hint;
	hint.dir = d->dir;
	err = knat_flow_add_hinted(kn, f, &hint);
	if (err) {
		knat_owner_put(f);
		goto fail;
	}
	/*
	 * Its backend removed meanwhile: the reaper's walk may have passed
	 * this flow, so it ends itself.  Pairs with the barrier in
	 * knat_backend_kill(): the flow is live before the mark is read,
	 * the mark set before the reaper walks, so one of the two sees the
	 * other.
	 */
	smp_mb();
	if (d->be && READ_ONCE(d->be->dead)) {
		knat_flow_del(kn, f);
		return knat_drop(kn, KNAT_DROP_NO_BACKEND);
	}
	if (d->dir == KNAT_DIR_ORIG && knat_flow_is_service(f) &&
	    READ_ONCE(d->svc->persist))
		knat_persist_get(kn, f);
	knat_count_created(kn, p->t.proto);
	if (d->dir == KNAT_DIR_REPLY)
		knat_count(kn, KNAT_CNT_PICKUP_REPLY);
	return knat_flow_packet(kn, f, d->dir, skb, p, state, d->routed);

fail:
	/* A probe that never became a flow frees its slot. */
	if (d->status & BIT(KNAT_FLOW_PROBE_BIT))
		knat_health_probe_end(d->be);
	return knat_alloc_drop(kn, err);
}

/* Neither flow nor rule yet: maybe a service or a forward makes one. */
static unsigned int knat_new_flow(struct knat_net *kn, struct sk_buff *skb,
				  const struct knat_pkt *p,
				  const struct nf_hook_state *state)
{
	struct knat_decision d;
	enum knat_drop why;

	knat_decide(kn, skb, p, state, false, &d);
	/*
	 * A packet knat acts on that its host would refuse makes no flow,
	 * takes no backend and is dropped under its own reason.
	 */
	if (d.verdict != KNAT_VERDICT_PASS || d.fwd) {
		why = knat_pkt_invalid(skb, p, state->hook);
		if (why != __KNAT_DROP_MAX) {
			if (d.status & BIT(KNAT_FLOW_PROBE_BIT))
				knat_health_probe_end(d.be);
			return knat_drop(kn, why);
		}
	}
	/* Counted when chosen, as IPVS counts connections it schedules. */
	if (d.be && d.dir == KNAT_DIR_ORIG)
		this_cpu_inc(d.be->stats->conns);
	if ((d.flags & KNAT_DECIDE_F_PICKUP) && d.dir == KNAT_DIR_ORIG)
		knat_count(kn, KNAT_CNT_PICKUP_ORIG);

	switch (d.verdict) {
	case KNAT_VERDICT_VIP_ECHO:
		if (p->v6)
			return knat_vip_echo6(kn, skb, p, state);
		return knat_vip_echo(kn, skb, p, state);
	case KNAT_VERDICT_DROP:
		if (d.status & BIT(KNAT_FLOW_PROBE_BIT))
			knat_health_probe_end(d.be);
		return knat_drop(kn, d.drop);
	case KNAT_VERDICT_FORWARD:
	case KNAT_VERDICT_SERVICE:
		return knat_new_flow_make(kn, skb, p, state, &d);
	}
	if (d.fwd) {
		knat_count(kn, KNAT_CNT_TCP_UNTRACKED);
		knat_note(skb, KNAT_CB_DONE, NULL);
	}
	return NF_ACCEPT;
}

/*
 * An ICMP error about one of our flows whose own checksum is wrong: it
 * would be translated and summed afresh, laundering the corruption, so
 * it goes here.  Errors about anything else pass untouched, unsummed.
 */
static enum knat_drop knat_icmp_error_invalid(struct knat_net *kn,
					      struct sk_buff *skb,
					      const struct knat_pkt *p,
					      unsigned int hook)
{
	struct in6_addr a6[2];
	struct knat_tuple key;

	knat_tuple_invert(&key, &p->t);
	knat_a6_invert(a6, knat_pkt_a6(p));
	if (!knat_flow_find6(kn, &key, p->v6 ? a6 : NULL))
		return __KNAT_DROP_MAX;
	return knat_pkt_invalid(skb, p, hook);
}

unsigned int knat_nat_entry(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct knat_net *kn = knat_net(state->net);
	struct knat_flow_half *h;
	enum knat_drop why;
	struct knat_pkt p;

	knat_note(skb, KNAT_CB_MISS, NULL);
	KNAT_CB(skb)->flags = state->hook == NF_INET_LOCAL_OUT ?
			      KNAT_CB_F_LOCAL : 0;

	switch (knat_parse(skb, &p)) {
	case KNAT_PARSE_OK:
		if (p.l4proto == (p.v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
			knat_count_icmp(kn, skb, &p);
		break;
	case KNAT_PARSE_OTHER:
		if (p.l4proto == (p.v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
			knat_count_icmp(kn, skb, &p);
		return NF_ACCEPT;
	case KNAT_PARSE_FRAG:
		return knat_drop(kn, KNAT_DROP_FRAGMENT);
	default:
		return knat_drop(kn, KNAT_DROP_MALFORMED);
	}
	if (p.icmp_err) {
		why = knat_icmp_error_invalid(kn, skb, &p, state->hook);
		if (why != __KNAT_DROP_MAX)
			return knat_drop(kn, why);
		return knat_icmp_error(kn, skb, &p, true, state);
	}

	h = knat_flow_find_hinted(kn, &p.t, knat_pkt_a6(&p), &p.hint);
	if (h) {
		struct knat_flow *f = knat_flow_of(h);
		int dir = h->tuple.dir;

		/* Before the flow looks at it: a SYN+FIN is no reuse. */
		why = knat_pkt_invalid(skb, &p, state->hook);
		if (why != __KNAT_DROP_MAX)
			return knat_drop(kn, why);
		if (knat_flow_usable(kn, f, dir, &p)) {
			int v = knat_fast_xmit(kn, f, dir, skb, &p, state);

			if (v != KNAT_FAST_SLOW)
				return v;
			return knat_flow_packet(kn, f, dir, skb, &p, state,
						false);
		}
	}
	return knat_new_flow(kn, skb, &p, state);
}

/* Source rewrite at exit for the flow the entry hook named. */
static unsigned int knat_src_flow(struct knat_net *kn, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct knat_flow_half *h;
	struct knat_flow *f;
	struct knat_pkt p;

	if (knat_parse(skb, &p) != KNAT_PARSE_OK)
		return knat_drop(kn, KNAT_DROP_MALFORMED);
	if (p.icmp_err)
		return knat_icmp_error(kn, skb, &p, false, state);
	h = knat_noted_half(kn, skb, &p);
	/* Deleted since entry: the packet must not leave half-translated. */
	if (!h || test_bit(KNAT_FLOW_DEAD_BIT, &knat_flow_of(h)->status))
		return knat_drop(kn, KNAT_DROP_FLOW_GONE);

	f = knat_flow_of(h);
	if (skb_ensure_writable(skb, p.thoff + p.l4len))
		return knat_drop(kn, KNAT_DROP_UNWRITABLE);
	knat_manip_flow(skb, &p, f, h->tuple.dir, KNAT_MANIP_SRC);
	if (KNAT_CB(skb)->flags & KNAT_CB_F_LEARN)
		knat_fast_learn(kn, f, h->tuple.dir, skb, state);
	return NF_ACCEPT;
}

/* A flow that needs no source rewrite, asked to learn its route (IPv4). */
static void knat_learn_flow(struct knat_net *kn, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	struct knat_flow_half *h;

	if (state->pf != NFPROTO_IPV4)
		return;
	h = knat_flow_find(kn, &KNAT_CB(skb)->key);

	if (h)
		knat_fast_learn(kn, knat_flow_of(h), h->tuple.dir, skb, state);
}

/* A forwarded packet of no flow leaving: source NAT makes one. */
static unsigned int knat_snat_new(struct knat_net *kn, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct knat_decision d;
	struct knat_mapping *m;
	struct in6_addr reply6[2];
	struct knat_tuple reply;
	struct knat_flow *f;
	enum knat_drop why;
	struct knat_pkt p;
	bool preserved;
	int res, err;

	res = knat_parse(skb, &p);
	if (res == KNAT_PARSE_FRAG || res == KNAT_PARSE_BAD)
		return NF_ACCEPT;	/* entry dropped such packets */
	knat_snat_decide(kn, skb, res, &p, state, &d);
	if (d.verdict == KNAT_VERDICT_PASS)
		return NF_ACCEPT;
	/* Refused by its host: no flow, no port, and its own reason. */
	if (res == KNAT_PARSE_OK) {
		why = knat_pkt_invalid(skb, &p, state->hook);
		if (why != __KNAT_DROP_MAX)
			return knat_drop(kn, why);
	}
	if (d.verdict == KNAT_VERDICT_DROP)
		return knat_drop(kn, d.drop);
	if (d.verdict != KNAT_VERDICT_SNAT)
		return NF_ACCEPT;

	if (p.v6)
		m = knat_mapping_get6(kn, d.snat, &p.t, p.a6,
				      ipv6_addr_any(&d.out6) ? NULL : &d.out6,
				      &preserved);
	else
		m = knat_mapping_get(kn, d.snat, &p.t, d.out_addr, &preserved);
	if (IS_ERR(m))
		return knat_drop(kn, PTR_ERR(m) == -ENOSPC ?
				 KNAT_DROP_NO_PORT : KNAT_DROP_NOMEM);

	knat_snat_reply(&p.t, m->out_addr, m->out_port, &reply);
	if (p.v6) {
		reply6[0] = p.a6[1];
		reply6[1] = m->out6;
		knat_tuple_fold6(&reply, reply6);
		f = knat_flow_alloc6(kn, &p.t, &reply, p.a6, reply6,
				     KNAT_FLOW_KIND_SNAT, m, 0);
	} else {
		f = knat_flow_alloc(kn, &p.t, &reply, KNAT_FLOW_KIND_SNAT, m,
				    0);
	}
	if (IS_ERR(f)) {
		knat_mapping_put(kn, m);
		return knat_alloc_drop(kn, PTR_ERR(f));
	}
	atomic_inc(&d.snat->nflows);
	err = knat_flow_add(kn, f);
	if (err) {
		atomic_dec(&d.snat->nflows);
		knat_mapping_put(kn, m);
		return knat_alloc_drop(kn, err);
	}
	knat_count_created(kn, p.t.proto);
	if (preserved)
		knat_count(kn, KNAT_CNT_PORT_PRESERVED);

	why = knat_flow_account(kn, f, KNAT_DIR_ORIG, skb, &p);
	if (why != __KNAT_DROP_MAX)
		return knat_drop(kn, why);
	if (skb_ensure_writable(skb, p.thoff + p.l4len))
		return knat_drop(kn, KNAT_DROP_UNWRITABLE);
	knat_manip_flow(skb, &p, f, KNAT_DIR_ORIG, KNAT_MANIP_SRC);
	return NF_ACCEPT;
}

/*
 * A packet at an exit hook that its entry hook did not see (hooks were
 * registered in between): classify it now, without rewriting.
 */
static void knat_classify(struct knat_net *kn, struct sk_buff *skb)
{
	struct in6_addr a6[2];
	struct knat_flow_half *h;
	struct knat_tuple key;
	struct knat_pkt p;

	knat_note(skb, KNAT_CB_MISS, NULL);
	KNAT_CB(skb)->flags = skb->sk ? KNAT_CB_F_LOCAL : 0;
	if (knat_parse(skb, &p) != KNAT_PARSE_OK)
		return;
	key = p.t;
	memcpy(a6, p.a6, sizeof(a6));
	if (p.icmp_err) {
		knat_tuple_invert(&key, &p.t);
		knat_a6_invert(a6, p.a6);
	}
	h = knat_flow_find6(kn, &key, p.v6 ? a6 : NULL);
	if (h)
		knat_note(skb, knat_needs(knat_flow_of(h), h->tuple.dir,
					  KNAT_MANIP_SRC) ?
			  KNAT_CB_SRC : KNAT_CB_DONE, h);
}

unsigned int knat_nat_exit(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	struct knat_net *kn = knat_net(state->net);
	struct knat_skb_cb *cb = KNAT_CB(skb);

	if (!knat_noted(skb))
		knat_classify(kn, skb);

	switch (cb->state) {
	case KNAT_CB_SRC:
		return knat_src_flow(kn, skb, state);
	case KNAT_CB_MISS:
		/* SNAT is for forwarded traffic, not this host's own. */
		if (state->hook == NF_INET_POST_ROUTING &&
		    !(cb->flags & KNAT_CB_F_LOCAL))
			return knat_snat_new(kn, skb, state);
		return NF_ACCEPT;
	case KNAT_CB_DONE:
		if (cb->flags & KNAT_CB_F_LEARN)
			knat_learn_flow(kn, skb, state);
		fallthrough;
	default:
		return NF_ACCEPT;
	}
}

/* A flow leaves the table: give back what it held of its rule. */
void knat_nat_release(struct knat_net *kn, struct knat_flow *f)
{
	if (!f->owner)
		return;
	if (f->kind == KNAT_FLOW_KIND_SNAT) {
		struct knat_mapping *m = f->owner;

		atomic_dec(&m->key.rule->nflows);
		knat_mapping_put(kn, m);
		return;
	}
	if (test_bit(KNAT_FLOW_PERSIST_BIT, &f->status))
		knat_persist_put(kn, f);
	if (test_bit(KNAT_FLOW_PROBE_BIT, &f->status))
		knat_health_probe_end(f->owner);
	knat_owner_put(f);
}

int knat_nat_init(void)
{
	knat_pkt_init();
	return 0;
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "nat_test.c"
#include "nat_icmp_translate_test.c"
#endif
