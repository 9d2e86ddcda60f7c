// SPDX-License-Identifier: GPL-2.0
/*
 * Passive health checking: the handshakes knat forwards are the probes.
 * A SYN to a backend answered by RST or ICMP unreachable, or not answered
 * by a SYN-ACK within check-timeout (the client's SYN retransmission after
 * that long says so), is a failed handshake; check-fails of them in a row
 * take the backend out.  After check-holddown seconds one new flow is
 * sent to it as a probe: its SYN-ACK brings the backend back, a failure
 * holds it down again.
 *
 * The packet path only flips be->health (one cmpxchg per verdict, once
 * per flow) and kicks a work item; the work does what needs the config
 * lock: rebuilding maglev tables, starting probes, sending events.
 */

#include <linux/icmp.h>

#include "flow.h"
#include "health.h"
#include "service.h"
#include "stats.h"
#include "tcp_state.h"

static void knat_health_kick(struct knat_net *kn)
{
	mod_delayed_work(system_power_efficient_wq, &kn->health_work, 0);
}

static void knat_health_down(struct knat_net *kn, struct knat_backend *be)
{
	u8 old = READ_ONCE(be->health);

	if (old == KNAT_HEALTH_FAILED ||
	    cmpxchg(&be->health, old, KNAT_HEALTH_FAILED) != old)
		return;
	if (old == KNAT_HEALTH_PROBING)
		atomic_dec(&be->svc->nprobing);
	WRITE_ONCE(be->down_since, jiffies);
	atomic_set(&be->check_fails, 0);
	this_cpu_inc(be->stats->check_downs);
	knat_count(kn, KNAT_CNT_CHECK_DOWN);
	knat_health_kick(kn);
}

static void knat_health_failed(struct knat_net *kn, struct knat_flow *f)
{
	struct knat_backend *be = f->owner;
	u32 limit = READ_ONCE(be->svc->check_fails);

	if (test_and_set_bit(KNAT_FLOW_CHECKED_BIT, &f->status))
		return;
	this_cpu_inc(be->stats->check_failed);
	knat_count(kn, KNAT_CNT_CHECK_FAILED);
	if (!limit)
		return;
	if (test_bit(KNAT_FLOW_PROBE_BIT, &f->status) ||
	    atomic_inc_return(&be->check_fails) >= limit)
		knat_health_down(kn, be);
}

static void knat_health_passed(struct knat_net *kn, struct knat_flow *f)
{
	struct knat_backend *be = f->owner;

	if (test_and_set_bit(KNAT_FLOW_CHECKED_BIT, &f->status))
		return;
	if (atomic_read(&be->check_fails))
		atomic_set(&be->check_fails, 0);
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
 * established flows pay nothing here).
 */
void knat_health_tcp(struct knat_net *kn, struct knat_flow *f, int dir,
		     u8 flags)
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
	timeout = READ_ONCE(((struct knat_backend *)f->owner)->svc->check_timeout) *
		  HZ;
	/* The client sends its SYN again: no SYN-ACK came in time. */
	if ((flags & (KNAT_TCPF_SYN | KNAT_TCPF_ACK | KNAT_TCPF_RST)) ==
	    KNAT_TCPF_SYN && (u32)jiffies - f->start >= timeout)
		knat_health_failed(kn, f);
}

/* An ICMP error travelling in @dir about a service flow in SYN_SENT. */
void knat_health_icmp(struct knat_net *kn, struct knat_flow *f, int dir,
		      u8 type)
{
	if (dir == KNAT_DIR_REPLY && type == ICMP_DEST_UNREACH)
		knat_health_failed(kn, f);
}

/*
 * A backend whose hold-down is over takes the next new flow of its
 * service as its probe, one at a time.  @dry: the one that would, not
 * claimed.  RCU held.
 */
struct knat_backend *knat_health_probe(struct knat_service *svc, bool dry)
{
	struct knat_backend *be;

	list_for_each_entry_rcu(be, &svc->backends, list)
		if (READ_ONCE(be->health) == KNAT_HEALTH_PROBING &&
		    READ_ONCE(be->state) == KNAT_BACKEND_UP &&
		    READ_ONCE(be->weight) &&
		    (dry ? !atomic_read(&be->probe) :
		     !atomic_cmpxchg(&be->probe, 0, 1)))
			return be;
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

	atomic_set(&be->check_fails, 0);
	if (old == KNAT_HEALTH_OK ||
	    cmpxchg(&be->health, old, KNAT_HEALTH_OK) != old)
		return;
	if (old == KNAT_HEALTH_PROBING)
		atomic_dec(&be->svc->nprobing);
	knat_health_kick(be->svc->kn);
}

/* Unlinked, flows gone, no reader left: settle the probing count. */
void knat_health_backend_gone(struct knat_backend *be)
{
	if (READ_ONCE(be->health) == KNAT_HEALTH_PROBING)
		atomic_dec(&be->svc->nprobing);
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
