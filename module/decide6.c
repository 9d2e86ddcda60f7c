// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv6 parts of deciding a new flow (decide.c has the rest): a
 * forward's new destination and the hairpin source NAT it may need, the
 * masquerade address of a device, and whether an outside port would
 * shadow one of this host's own sockets.
 */

#include <linux/random.h>
#include <net/addrconf.h>
#include <net/inet6_hashtables.h>
#include <net/ip6_route.h>
#include <net/udp.h>

#include "decide.h"
#include "portalloc.h"
#include "rules.h"

/* May [ADDR]:PORT stand for a new inside endpoint talking to PEER? */
bool knat_port_shadowed6(struct knat_net *kn, u8 proto,
			 const struct in6_addr *addr, __be16 port,
			 const struct in6_addr *peer, __be16 peer_port)
{
	struct net *net = kn->net;
	struct sock *sk = NULL;

	if (knat_forward_covers6(kn, proto, addr, ntohs(port)))
		return true;

	rcu_read_lock();
	switch (proto) {
	case IPPROTO_TCP:
		sk = inet6_lookup_listener(net,
					   net->ipv4.tcp_death_row.hashinfo,
					   NULL, 0, peer, peer_port, addr,
					   ntohs(port), 0, 0);
		if (sk)
			break;
		sk = __inet6_lookup_established(net,
						net->ipv4.tcp_death_row.hashinfo,
						peer, peer_port, addr,
						ntohs(port), 0, 0);
		if (sk)
			sock_gen_put(sk);	/* the lookup took a reference */
		break;
	case IPPROTO_UDP:
		sk = __udp6_lib_lookup(net, peer, peer_port, addr, port, 0, 0,
				       &udp_table, NULL);
		break;
	}
	rcu_read_unlock();
	return sk;
}

/*
 * Would a packet to @to leave by @in, the device it came in on?  Then
 * the answer would go straight back past us: hairpin.
 */
static bool knat_route6_back(struct net *net, const struct in6_addr *to,
			     const struct net_device *in)
{
	struct flowi6 fl6 = { .daddr = *to };
	struct dst_entry *dst;
	bool back;

	dst = ip6_route_output(net, NULL, &fl6);
	back = !dst->error && dst->dev == in;
	dst_release(dst);
	return back;
}

/*
 * Hairpin for IPv6, as knat_hairpin() for IPv4: the backend answers us,
 * from our address on that side, keeping the client's port if it can.
 */
static bool knat_hairpin6(struct knat_net *kn, struct knat_decision *d,
			  struct net_device *dev)
{
	struct knat_tuple *reply = &d->reply;
	struct in6_addr addr;
	int i;

	if (ipv6_dev_get_saddr(kn->net, dev, &d->reply6[0], 0, &addr))
		return false;
	d->reply6[1] = addr;
	knat_tuple_fold6(reply, d->reply6);
	for (i = 0; i < KNAT_PORT_PROBES; i++) {
		if (!knat_tuple_taken6(kn, reply, d->reply6) &&
		    !knat_port_shadowed6(kn, reply->proto, &addr, reply->dport,
					 &d->reply6[0], reply->sport)) {
			d->flags |= i ? KNAT_DECIDE_F_PORT_RANDOM :
				    KNAT_DECIDE_F_PORT_PRESERVED;
			return true;
		}
		reply->dport = htons(KNAT_HAIRPIN_PORT_MIN +
				     prandom_u32_max(KNAT_HAIRPIN_PORT_MAX -
						     KNAT_HAIRPIN_PORT_MIN + 1));
	}
	return false;
}

/* A new IPv6 flow whose destination becomes [TO_ADDR]:TO_PORT. */
void knat_dnat_decide6(struct knat_net *kn, const struct knat_pkt *p,
		       const struct nf_hook_state *state,
		       const struct in6_addr *to_addr, __be16 to_port,
		       bool dry, struct knat_decision *d)
{
	d->reply = (struct knat_tuple) {
		.sport = to_port, .dport = p->t.sport, .proto = p->t.proto,
	};
	d->reply6[0] = *to_addr;
	d->reply6[1] = p->a6[0];
	knat_tuple_fold6(&d->reply, d->reply6);
	if (state->hook == NF_INET_PRE_ROUTING &&
	    knat_route6_back(kn->net, to_addr, state->in)) {
		if (!knat_hairpin6(kn, d, state->in)) {
			d->verdict = KNAT_VERDICT_DROP;
			d->drop = KNAT_DROP_NO_PORT;
			return;
		}
		d->kind = d->kind == KNAT_FLOW_KIND_FORWARD ?
			  KNAT_FLOW_KIND_FORWARD_SNAT :
			  KNAT_FLOW_KIND_SERVICE_SNAT;
		d->flags |= KNAT_DECIDE_F_HAIRPIN;
	}
	if (dry && !knat_decide_full(kn, d) &&
	    knat_tuple_taken6(kn, &d->reply, d->reply6)) {
		d->verdict = KNAT_VERDICT_DROP;
		d->drop = KNAT_DROP_CLASH;
	}
}

/*
 * Masquerade's IPv6 address: one of the output device's own global
 * addresses, usable (not tentative, not deprecated), preferring the one
 * whose prefix holds the destination.  Never another device's, as
 * source address selection might fall back to: that could be an inside
 * address.  RCU held.
 */
bool knat_masq_addr6(const struct net_device *dev, const struct in6_addr *dst,
		     struct in6_addr *addr)
{
	const struct inet6_dev *idev = __in6_dev_get(dev);
	const struct inet6_ifaddr *ifa;
	bool found = false;

	if (!idev)
		return false;
	list_for_each_entry_rcu(ifa, &idev->addr_list, if_list) {
		if (ifa->scope != 0 ||	/* IFA_GLOBAL */
		    (ifa->flags & (IFA_F_TENTATIVE | IFA_F_DEPRECATED |
				   IFA_F_DADFAILED)))
			continue;
		if (ipv6_prefix_equal(&ifa->addr, dst, ifa->prefix_len)) {
			*addr = ifa->addr;
			return true;
		}
		if (!found) {
			*addr = ifa->addr;
			found = true;
		}
	}
	return found;
}
