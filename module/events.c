// SPDX-License-Identifier: GPL-2.0
/*
 * Events for `knat monitor`: multicast on the family's "events" group.
 * Each carries a per-namespace sequence number, counted whether or not
 * anyone listens, so a listener sees a gap when it lost some.
 */

#include <net/genetlink.h>

#include "health.h"
#include "netlink.h"
#include "service.h"

void knat_event_backend(struct knat_net *kn, const struct knat_backend *be,
			u8 type)
{
	const struct knat_service *svc = be->svc;
	u32 seq = (u32)atomic_inc_return(&kn->event_seq);
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&knat_genl_family, kn->net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &knat_genl_family, 0, KNAT_CMD_EVENT);
	if (!hdr)
		goto fail;
	nest = nla_nest_start(msg, KNAT_A_EVENT);
	if (!nest || nla_put_u8(msg, KNAT_EV_A_TYPE, type) ||
	    nla_put_u32(msg, KNAT_EV_A_SEQ, seq))
		goto fail;
	nla_nest_end(msg, nest);
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
