// SPDX-License-Identifier: GPL-2.0
/*
 * Events for `knat monitor`: multicast on the family's "events" group.
 * Each carries a per-namespace sequence number, so a listener sees a gap
 * when it lost some.
 */

#include <net/genetlink.h>

#include "events.h"
#include "flow.h"
#include "netlink.h"
#include "rules.h"
#include "service.h"
#include "stats.h"

/*
 * Sequence numbers are taken only while someone listens: nobody pays the
 * shared lock otherwise, and only a listener can see a gap.  A number is
 * taken and its event multicast under kn->event_lock, so that events made
 * on several CPUs at once reach the listener in the order of their
 * numbers: a listener that saw N and then N + 2 lost N + 1, it will not
 * arrive late.
 *
 * Cleared, and waited for, before the family goes on module unload: the
 * packet path may be making flows until the namespaces go.
 */
static bool knat_events_live __read_mostly;

void knat_events_start(void)
{
	WRITE_ONCE(knat_events_live, true);
}

void knat_events_stop(void)
{
	WRITE_ONCE(knat_events_live, false);
	synchronize_rcu();
}

static bool knat_events_wanted(struct knat_net *kn)
{
	return READ_ONCE(knat_events_live) &&
	       genl_has_listeners(&knat_genl_family, kn->net, 0);
}

/*
 * @states: NULL, or the old and new TCP state of a state change.  The
 * sequence number is filled in when the event goes (knat_event_send()).
 */
static struct sk_buff *knat_event_new(u8 type, const u8 *states, gfp_t gfp,
				      void **hdr, u32 **seqp)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, gfp);
	struct nlattr *nest, *seq;

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &knat_genl_family, 0, KNAT_CMD_EVENT);
	if (!*hdr)
		goto fail;
	nest = nla_nest_start(msg, KNAT_A_EVENT);
	if (!nest || nla_put_u8(msg, KNAT_EV_A_TYPE, type))
		goto fail;
	seq = nla_reserve(msg, KNAT_EV_A_SEQ, sizeof(u32));
	if (!seq ||
	    (states && (nla_put_u8(msg, KNAT_EV_A_OLD_STATE, states[0]) ||
			nla_put_u8(msg, KNAT_EV_A_NEW_STATE, states[1]))))
		goto fail;
	*seqp = nla_data(seq);
	nla_nest_end(msg, nest);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

/*
 * Number the event and multicast it, in one go under the lock; from the
 * packet path too, so never sleeping.  One that cannot go is lost.
 */
static void knat_event_send(struct knat_net *kn, struct sk_buff *msg,
			    void *hdr, u32 *seqp)
{
	int err;

	genlmsg_end(msg, hdr);
	spin_lock_bh(&kn->event_lock);
	*seqp = ++kn->event_seq;
	err = genlmsg_multicast_netns(&knat_genl_family, kn->net, msg, 0, 0,
				      GFP_ATOMIC);
	spin_unlock_bh(&kn->event_lock);
	if (err == -ENOBUFS)
		knat_count(kn, KNAT_CNT_EVENTS_LOST);
}

/* An event that will not go: its number still goes, as a gap. */
static void knat_event_lost(struct knat_net *kn)
{
	spin_lock_bh(&kn->event_lock);
	kn->event_seq++;
	spin_unlock_bh(&kn->event_lock);
	knat_count(kn, KNAT_CNT_EVENTS_LOST);
}

/*
 * From the packet path too: never sleeps, never waits for the listener;
 * what cannot go out is counted and leaves a gap in the sequence.
 */
static void __knat_event_flow(struct knat_net *kn, const struct knat_flow *f,
			      u8 type, const u8 *states)
{
	struct sk_buff *msg;
	u32 *seqp;
	void *hdr;

	if (!knat_events_wanted(kn))
		return;
	if (!__ratelimit(&kn->event_rs))
		goto lost;
	msg = knat_event_new(type, states, GFP_ATOMIC, &hdr, &seqp);
	if (!msg)
		goto lost;
	if (knat_nl_fill_flow(msg, f)) {
		nlmsg_free(msg);
		goto lost;
	}
	knat_event_send(kn, msg, hdr, seqp);
	return;
lost:
	knat_event_lost(kn);
}

void knat_event_flow(struct knat_net *kn, const struct knat_flow *f, u8 type)
{
	__knat_event_flow(kn, f, type, NULL);
}

/*
 * The flow dump's state may already be a later one (another CPU moved
 * it on): the event says which change it reports.
 */
void knat_event_flow_state(struct knat_net *kn, const struct knat_flow *f,
			   u8 old, u8 new)
{
	const u8 states[2] = { old, new };

	__knat_event_flow(kn, f, KNAT_EVENT_FLOW_STATE, states);
}

/*
 * An SNAT rule had no port for @orig.  Under a flood every new flow
 * fails the same way: a few events a second tell it all, the rule's
 * exhausted counter the rest.
 */
void knat_event_port_exhausted(struct knat_net *kn,
			       const struct knat_snat *rule,
			       const struct knat_tuple *orig, __be32 out_addr)
{
	bool masq = rule->flags & KNAT_SNAT_F_MASQUERADE;
	struct nlattr *nest;
	struct sk_buff *msg;
	u32 *seqp;
	void *hdr;

	if (!knat_events_wanted(kn))
		return;
	if (!__ratelimit(&kn->exhausted_rs))
		goto lost;
	msg = knat_event_new(KNAT_EVENT_PORT_EXHAUSTED, NULL, GFP_ATOMIC, &hdr,
			     &seqp);
	if (!msg)
		goto lost;
	nest = nla_nest_start(msg, KNAT_A_SNAT);
	if (!nest || knat_nl_put_snat_rule(msg, rule) ||
	    (masq && (nla_put_be32(msg, KNAT_SNAT_A_TO_MIN, out_addr) ||
		      nla_put_be32(msg, KNAT_SNAT_A_TO_MAX, out_addr))))
		goto fail;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, KNAT_A_FLOW);
	if (!nest || nla_put_u8(msg, KNAT_FLOW_A_PROTO, orig->proto) ||
	    knat_nl_put_tuple(msg, KNAT_FLOW_A_ORIG, orig))
		goto fail;
	nla_nest_end(msg, nest);
	knat_event_send(kn, msg, hdr, seqp);
	return;
fail:
	nlmsg_free(msg);
lost:
	knat_event_lost(kn);
}

void knat_event_backend(struct knat_net *kn, const struct knat_backend *be,
			u8 type)
{
	const struct knat_service *svc = be->svc;
	struct nlattr *nest;
	struct sk_buff *msg;
	u32 *seqp;
	void *hdr;

	if (!knat_events_wanted(kn))
		return;
	msg = knat_event_new(type, NULL, GFP_KERNEL, &hdr, &seqp);
	if (!msg) {
		knat_event_lost(kn);
		return;
	}
	nest = nla_nest_start(msg, KNAT_A_SERVICE);
	if (!nest || nla_put_u8(msg, KNAT_SVC_A_PROTO, svc->proto) ||
	    knat_nl_put_svc_addr(msg, svc) ||
	    nla_put_be16(msg, KNAT_SVC_A_PORT, svc->port))
		goto fail;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, KNAT_A_BACKEND);
	if (!nest || knat_nl_put_be_addr(msg, be) ||
	    nla_put_be16(msg, KNAT_BE_A_PORT, be->port) ||
	    nla_put_u8(msg, KNAT_BE_A_STATE, READ_ONCE(be->state)) ||
	    nla_put_u8(msg, KNAT_BE_A_HEALTH, READ_ONCE(be->health)))
		goto fail;
	nla_nest_end(msg, nest);
	knat_event_send(kn, msg, hdr, seqp);
	return;
fail:
	nlmsg_free(msg);
	knat_event_lost(kn);
}
