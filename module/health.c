// SPDX-License-Identifier: GPL-2.0
/*
 * Passive health checking: the handshakes knat forwards are the probes.
 * A SYN to a backend answered by RST or by an ICMP unreachable from the
 * backend itself, or not answered by a SYN-ACK within check-timeout (the
 * client's SYN retransmission after that long says so), is a failed
 * handshake.  check-fails of them with no handshake passing in between
 * take the backend out, if they came from at least check-clients distinct
 * client addresses within 10 x check-timeout: a single client (who may be
 * lying: its SYNs may never reach the backend) cannot.  After
 * check-holddown seconds one new flow is sent to it as a probe: its
 * SYN-ACK brings the backend back, a failure holds it down again.
 *
 * What cannot tell about the backend is ignored (and counted in
 * KNAT_CNT_HEALTH_IGNORED): a SYN whose TTL ends here, ICMP errors the
 * router makes itself or that come from anyone but the backend, any but
 * net/host/protocol/port unreachable (frag-needed says nothing about the
 * backend's health), failures beyond the limit from too few clients.
 *
 * The packet path only flips be->health (one cmpxchg per verdict, once
 * per flow) and kicks a work item; the work does what needs the config
 * lock: rebuilding maglev tables, starting probes, sending events.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <net/ipv6.h>

#include "events.h"
#include "flow.h"
#include "health.h"
#include "service.h"
#include "stats.h"
#include "tcp_state.h"

/* A run's clients count within this many check-timeouts. */
#define KNAT_CHECK_WINDOW	10

static void knat_health_kick(struct knat_net *kn)
{
	mod_delayed_work(system_power_efficient_wq, &kn->health_work, 0);
}

static void knat_health_down(struct knat_net *kn, struct knat_backend *be)
{
	u8 old = READ_ONCE(be->health);

	/* A removed backend's health was settled by its removal. */
	if (old == KNAT_HEALTH_FAILED || READ_ONCE(be->dead) ||
	    cmpxchg(&be->health, old, KNAT_HEALTH_FAILED) != old)
		return;
	if (old == KNAT_HEALTH_PROBING)
		atomic_dec(&be->svc->nprobing);
	WRITE_ONCE(be->down_since, jiffies);
	this_cpu_inc(be->stats->check_downs);
	knat_count(kn, KNAT_CNT_CHECK_DOWN);
	knat_health_kick(kn);
}

/* Forget the run of failures.  be->check_lock held. */
static void knat_health_run_reset(struct knat_backend *be)
{
	WRITE_ONCE(be->nfails, 0);
	be->nclients = 0;
}

/*
 * One more failed handshake of @client: does the run now take the backend
 * down?  Clients are remembered until there are as many as the service
 * asks for; those of a window gone by are forgotten (the failures stay:
 * only a passed handshake ends a run).
 */
static bool knat_health_run_add(struct knat_backend *be,
				const union nf_inet_addr *client)
{
	const struct knat_service *svc = be->svc;
	u32 window = READ_ONCE(svc->check_timeout) * KNAT_CHECK_WINDOW * HZ;
	u32 need = clamp_t(u32, READ_ONCE(svc->check_clients), 1,
			   KNAT_CHECK_CLIENTS_MAX);
	bool down;
	int i;

	spin_lock_bh(&be->check_lock);
	if (!be->nfails || time_after(jiffies, be->check_since + window)) {
		be->nclients = 0;
		be->check_since = jiffies;
	}
	WRITE_ONCE(be->nfails, be->nfails + 1);
	for (i = 0; i < be->nclients; i++)
		if (nf_inet_addr_cmp(&be->check_client[i], client))
			break;
	if (i == be->nclients && be->nclients < need)
		be->check_client[be->nclients++] = *client;
	down = be->nfails >= READ_ONCE(svc->check_fails) &&
	       be->nclients >= need;
	if (down)
		knat_health_run_reset(be);
	spin_unlock_bh(&be->check_lock);
	return down;
}

static void knat_health_failed(struct knat_net *kn, struct knat_flow *f)
{
	struct knat_backend *be = f->owner;
	u32 limit = READ_ONCE(be->svc->check_fails);
	union nf_inet_addr client = knat_flow_client(f);

	if (test_and_set_bit(KNAT_FLOW_CHECKED_BIT, &f->status) ||
	    READ_ONCE(be->dead))
		return;
	this_cpu_inc(be->stats->check_failed);
	knat_count(kn, KNAT_CNT_CHECK_FAILED);
	if (!limit)
		return;
	/* The probe is the one flow a held-down backend gets. */
	if (test_bit(KNAT_FLOW_PROBE_BIT, &f->status)) {
		knat_health_down(kn, be);
		return;
	}
	if (knat_health_run_add(be, &client))
		knat_health_down(kn, be);
	else if (READ_ONCE(be->nfails) >= limit)
		/* Enough failures, too few clients: not taken down. */
		knat_count(kn, KNAT_CNT_HEALTH_IGNORED);
}

static void knat_health_passed(struct knat_net *kn, struct knat_flow *f)
{
	struct knat_backend *be = f->owner;

	if (test_and_set_bit(KNAT_FLOW_CHECKED_BIT, &f->status) ||
	    READ_ONCE(be->dead))
		return;
	/* Once per handshake; the lock only while a run is on. */
	if (READ_ONCE(be->nfails)) {
		spin_lock_bh(&be->check_lock);
		knat_health_run_reset(be);
		spin_unlock_bh(&be->check_lock);
	}
	if (READ_ONCE(be->health) == KNAT_HEALTH_PROBING &&
	    cmpxchg(&be->health, KNAT_HEALTH_PROBING, KNAT_HEALTH_OK) ==
	    KNAT_HEALTH_PROBING) {
		atomic_dec(&be->svc->nprobing);
		knat_count(kn, KNAT_CNT_CHECK_UP);
		knat_health_kick(kn);
	}
}

/*
 * A segment of a service flow still in SYN_SENT (the caller checks, so
 * established flows pay nothing here).  The SYN passed validation at
 * parse (checksum, flags); one whose TTL ends here never reached the
 * backend, and says nothing about it.
 */
void knat_health_tcp(struct knat_net *kn, struct knat_flow *f, int dir,
		     u8 flags, const struct sk_buff *skb)
{
	u32 timeout;

	if (dir == KNAT_DIR_REPLY) {
		if (flags & KNAT_TCPF_RST)
			knat_health_failed(kn, f);
		else if ((flags & (KNAT_TCPF_SYN | KNAT_TCPF_ACK)) ==
			 (KNAT_TCPF_SYN | KNAT_TCPF_ACK))
			knat_health_passed(kn, f);
		return;
	}
	if ((flags & (KNAT_TCPF_SYN | KNAT_TCPF_ACK | KNAT_TCPF_RST |
		      KNAT_TCPF_FIN)) != KNAT_TCPF_SYN)
		return;
	timeout = READ_ONCE(((struct knat_backend *)f->owner)->svc->check_timeout) *
		  HZ;
	/* The client sends its SYN again: no SYN-ACK came in time. */
	if ((u32)jiffies - f->start < timeout)
		return;
	if ((f->v6 ? ipv6_hdr(skb)->hop_limit : ip_hdr(skb)->ttl) <= 1) {
		knat_count(kn, KNAT_CNT_HEALTH_IGNORED);
		return;
	}
	knat_health_failed(kn, f);
}

/*
 * An ICMP error travelling in @dir about a service flow in SYN_SENT,
 * which the caller found by the quoted tuple.  It fails the handshake
 * only when the backend itself says net, host, protocol or port
 * unreachable; @local: this host made it.
 */
void knat_health_icmp(struct knat_net *kn, struct knat_flow *f, int dir,
		      const struct sk_buff *skb, unsigned int thoff,
		      bool local)
{
	const struct knat_backend *be = f->owner;
	struct icmphdr _ih;
	const struct icmphdr *ih;

	if (dir != KNAT_DIR_REPLY)
		return;
	ih = skb_header_pointer(skb, thoff, sizeof(_ih), &_ih);
	if (!ih || ih->type != ICMP_DEST_UNREACH)
		return;
	if (local || ip_hdr(skb)->saddr != be->addr.ip ||
	    ih->code > ICMP_PORT_UNREACH) {
		knat_count(kn, KNAT_CNT_HEALTH_IGNORED);
		return;
	}
	knat_health_failed(kn, f);
}

/*
 * The same for ICMPv6: the backend itself says no route, address or port
 * unreachable.  Administratively prohibited is a firewall on the way, as
 * is IPv4's code 13, which neither counts.
 */
void knat_health_icmp6(struct knat_net *kn, struct knat_flow *f, int dir,
		       const struct sk_buff *skb, unsigned int thoff,
		       bool local)
{
	const struct knat_backend *be = f->owner;
	struct icmp6hdr _ih;
	const struct icmp6hdr *ih;

	if (dir != KNAT_DIR_REPLY)
		return;
	ih = skb_header_pointer(skb, thoff, sizeof(_ih), &_ih);
	if (!ih || ih->icmp6_type != ICMPV6_DEST_UNREACH)
		return;
	if (local || !ipv6_addr_equal(&ipv6_hdr(skb)->saddr, &be->addr.in6) ||
	    (ih->icmp6_code != ICMPV6_NOROUTE &&
	     ih->icmp6_code != ICMPV6_ADDR_UNREACH &&
	     ih->icmp6_code != ICMPV6_PORT_UNREACH)) {
		knat_count(kn, KNAT_CNT_HEALTH_IGNORED);
		return;
	}
	knat_health_failed(kn, f);
}

/*
 * A backend whose hold-down is over takes the next new flow of its
 * service as its probe, one at a time.  A probe with no verdict after
 * check-timeout (its client gave up: no SYN again, no answer) frees its
 * slot to the next flow, or the backend would wait for that flow to time
 * out.  @dry: the one that would, not claimed.  RCU held.
 */
struct knat_backend *knat_health_probe(struct knat_service *svc, bool dry)
{
	unsigned long timeout = READ_ONCE(svc->check_timeout) * HZ;
	struct knat_backend *be;

	list_for_each_entry_rcu(be, &svc->backends, list) {
		unsigned long since;

		if (READ_ONCE(be->health) != KNAT_HEALTH_PROBING ||
		    READ_ONCE(be->dead) ||
		    READ_ONCE(be->state) != KNAT_BACKEND_UP ||
		    !READ_ONCE(be->weight))
			continue;
		since = READ_ONCE(be->probe_since);
		if (dry) {
			if (!atomic_read(&be->probe) ||
			    time_after_eq(jiffies, since + timeout))
				return be;
			continue;
		}
		if (!atomic_cmpxchg(&be->probe, 0, 1)) {
			WRITE_ONCE(be->probe_since, jiffies);
			return be;
		}
		/* Stale: one CPU takes it over. */
		if (time_after_eq(jiffies, since + timeout) &&
		    cmpxchg(&be->probe_since, since, jiffies) == since)
			return be;
	}
	return NULL;
}

/* A probe flow went without a verdict: let another one try. */
void knat_health_probe_end(struct knat_backend *be)
{
	if (READ_ONCE(be->health) == KNAT_HEALTH_PROBING)
		atomic_set(&be->probe, 0);
}

/* The admin says up: forget what the check thought.  kn->lock held. */
void knat_health_reset(struct knat_backend *be)
{
	u8 old = READ_ONCE(be->health);

	spin_lock_bh(&be->check_lock);
	knat_health_run_reset(be);
	spin_unlock_bh(&be->check_lock);
	if (old == KNAT_HEALTH_OK ||
	    cmpxchg(&be->health, old, KNAT_HEALTH_OK) != old)
		return;
	if (old == KNAT_HEALTH_PROBING)
		atomic_dec(&be->svc->nprobing);
	knat_health_kick(be->svc->kn);
}

static u8 knat_health_event(u8 health)
{
	switch (health) {
	case KNAT_HEALTH_FAILED:
		return KNAT_EVENT_BACKEND_DOWN;
	case KNAT_HEALTH_PROBING:
		return KNAT_EVENT_BACKEND_PROBING;
	default:
		return KNAT_EVENT_BACKEND_UP;
	}
}

/*
 * Under the config lock: start probes whose hold-down is over, rebuild
 * the schedulers of services whose set of healthy backends changed, and
 * tell listeners.  Comes back while a backend is held down.
 */
static void knat_health_work(struct work_struct *work)
{
	struct knat_net *kn = container_of(to_delayed_work(work),
					   struct knat_net, health_work);
	struct knat_service *svc;
	struct knat_backend *be;
	bool again = false;

	mutex_lock(&kn->lock);
	list_for_each_entry(svc, &kn->services, list) {
		bool changed = false;

		list_for_each_entry(be, &svc->backends, list) {
			u8 h = READ_ONCE(be->health);

			/* A changed check-holddown counts for those down now. */
			if (h == KNAT_HEALTH_FAILED &&
			    time_after_eq(jiffies, READ_ONCE(be->down_since) +
					  READ_ONCE(svc->check_holddown) * HZ)) {
				atomic_set(&be->probe, 0);
				if (cmpxchg(&be->health, h, KNAT_HEALTH_PROBING) ==
				    h) {
					atomic_inc(&svc->nprobing);
					h = KNAT_HEALTH_PROBING;
				}
			}
			if (h == KNAT_HEALTH_FAILED)
				again = true;
			if (h == be->health_reported)
				continue;
			/* Schedulers care for ok or not, not for why. */
			if (!h != !be->health_reported)
				changed = true;
			be->health_reported = h;
			knat_event_backend(kn, be, knat_health_event(h));
		}
		if (changed)
			knat_service_update(svc);
	}
	mutex_unlock(&kn->lock);
	if (again)
		queue_delayed_work(system_power_efficient_wq, &kn->health_work,
				   HZ / 4);
}

void knat_health_net_init(struct knat_net *kn)
{
	INIT_DELAYED_WORK(&kn->health_work, knat_health_work);
}

void knat_health_net_exit(struct knat_net *kn)
{
	cancel_delayed_work_sync(&kn->health_work);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "health_test.c"
#endif
