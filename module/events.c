// SPDX-License-Identifier: GPL-2.0
/*
 * Events for `knat monitor`: multicast on the family's "events" group.
 * Each carries a per-namespace sequence number, counted whether or not
 * anyone listens, so a listener sees a gap when it lost some.
 */

#include <net/genetlink.h>

#include "flow.h"
#include "health.h"
#include "netlink.h"
#include "service.h"
#include "stats.h"

/*
 * Sequence numbers are taken only while someone listens: nobody pays the
 * shared atomic otherwise, and only a listener can see a gap.
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

static struct sk_buff *knat_event_new(u8 type, u32 seq, gfp_t gfp,
				      void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, gfp);
	struct nlattr *nest;

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &knat_genl_family, 0, KNAT_CMD_EVENT);
	if (!*hdr)
		goto fail;
	nest = nla_nest_start(msg, KNAT_A_EVENT);
	if (!nest || nla_put_u8(msg, KNAT_EV_A_TYPE, type) ||
	    nla_put_u32(msg, KNAT_EV_A_SEQ, seq))
		goto fail;
	nla_nest_end(msg, nest);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

/*
 * From the packet path too: never sleeps, never waits for the listener;
 * what cannot go out is counted and leaves a gap in the sequence.
 */
void knat_event_flow(struct knat_net *kn, const struct knat_flow *f, u8 type)
{
	struct sk_buff *msg;
	void *hdr;
	u32 seq;

	if (!knat_events_wanted(kn))
		return;
	seq = (u32)atomic_inc_return(&kn->event_seq);
	if (!__ratelimit(&kn->event_rs))
		goto lost;
	msg = knat_event_new(type, seq, GFP_ATOMIC, &hdr);
	if (!msg)
		goto lost;
	if (knat_nl_fill_flow(msg, f)) {
		nlmsg_free(msg);
		goto lost;
	}
	genlmsg_end(msg, hdr);
	if (genlmsg_multicast_netns(&knat_genl_family, kn->net, msg, 0, 0,
				    GFP_ATOMIC) == -ENOBUFS)
		goto lost;
	return;
lost:
	knat_count(kn, KNAT_CNT_EVENTS_LOST);
}

void knat_event_backend(struct knat_net *kn, const struct knat_backend *be,
			u8 type)
{
	const struct knat_service *svc = be->svc;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	if (!knat_events_wanted(kn))
		return;
	msg = knat_event_new(type, (u32)atomic_inc_return(&kn->event_seq),
			     GFP_KERNEL, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, KNAT_A_SERVICE);
	if (!nest || nla_put_u8(msg, KNAT_SVC_A_PROTO, svc->proto) ||
	    nla_put_be32(msg, KNAT_SVC_A_ADDR, svc->addr) ||
	    nla_put_be16(msg, KNAT_SVC_A_PORT, svc->port))
		goto fail;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, KNAT_A_BACKEND);
	if (!nest || nla_put_be32(msg, KNAT_BE_A_ADDR, be->addr) ||
	    nla_put_be16(msg, KNAT_BE_A_PORT, be->port) ||
	    nla_put_u8(msg, KNAT_BE_A_STATE, READ_ONCE(be->state)) ||
	    nla_put_u8(msg, KNAT_BE_A_HEALTH, READ_ONCE(be->health)))
		goto fail;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&knat_genl_family, kn->net, msg, 0, 0,
				GFP_KERNEL);
	return;
fail:
	nlmsg_free(msg);
}
