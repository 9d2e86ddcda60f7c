/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Load-balanced services: a virtual IP:port in front of weighted backends,
 * NAT mode.  A service is a destination rewrite whose target a scheduler
 * picks per new flow; after that the flow table carries the connection
 * exactly as it carries a forward's.
 */
#ifndef _KNAT_SERVICE_H
#define _KNAT_SERVICE_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>

#include "knat.h"
#include "stats.h"

struct knat_tuple;
struct knat_service;

/* Rates in the order of enum knat_rate_attr from KNAT_RATE_A_CPS. */
enum {
	KNAT_RATE_CONNS,
	KNAT_RATE_PKTS_IN,
	KNAT_RATE_PKTS_OUT,
	KNAT_RATE_BYTES_IN,
	KNAT_RATE_BYTES_OUT,
	KNAT_RATE_N
};

/* The estimator's state (estimator.c); written under kn->lock only. */
struct knat_rate_est {
	u64 last[KNAT_RATE_N];		/* counters at the last estimate */
	u64 rate[KNAT_RATE_N];		/* smoothed, thousandths per second */
};

/*
 * A service's own ICMP counters: the type/code counters of enum
 * knat_counter from ICMP_ECHO_REQUEST to ICMP_OTHER, then these.
 */
enum {
	KNAT_SVC_ICMP_TRANSLATED = KNAT_CNT_ICMP_OTHER -
				   KNAT_CNT_ICMP_ECHO_REQUEST + 1,
	KNAT_SVC_ICMP_VIP_ECHO,
	KNAT_SVC_ICMP_UNRELATED,	/* dropped: KNAT_DROP_ICMP_UNRELATED */
	KNAT_SVC_ICMP_N
};

/*
 * Per-CPU, bumped by this_cpu ops on the owning CPU only, as the
 * namespace's (stats.h: plain u64 on 64BIT).  Nothing resets them, so
 * they need no zero point; knat_hs_record() gets epoch 0 for a backend.
 */
struct knat_svc_stats {
	u64 icmp[KNAT_SVC_ICMP_N];
};

struct knat_backend_stats {
	u64 conns;
	u64 pkts[2];	/* [0] client -> backend, [1] backend -> client */
	u64 bytes[2];
	u64 check_failed;	/* failed handshakes (health.c) */
	u64 check_downs;	/* times the check took it out */
	struct knat_hs_hist hs;	/* handshake latency */
};

/*
 * A backend's lifetime, as IPVS's destinations: its service's list holds
 * one reference, every flow and persistence entry naming it one more;
 * the last knat_backend_put() frees it after an RCU grace period, so a
 * reader that found it under RCU may finish with it.  A backend removed
 * from its service is marked dead first: nothing schedules it, no entry
 * records it, no new flow takes a reference on it.  It holds its service.
 */
struct knat_backend {
	struct list_head list;		/* in its service, RCU */
	struct hlist_node group_node;	/* in group->backends, RCU */
	struct knat_be_group *group;	/* all backends at this addr:port */
	struct rhash_head svc_node;	/* in knat_net.be_svc_index */
	struct list_head trash;		/* in its service's trash */
	/*
	 * svc, addr, port: adjacent, the be_svc_index key (svc_index.c).
	 * The address is of the service's family; an IPv4 one in .ip, the
	 * rest of it zero.
	 */
	struct knat_service *svc;	/* held */
	union nf_inet_addr addr;
	__be16 port;
	refcount_t refcnt;
	u8 dead;			/* removed: never eligible again */
	u8 restore_mark;		/* restore.c, under kn->lock */
	u32 weight;
	u8 state;			/* enum knat_backend_state */
	atomic_t nflows;
	atomic_t nactive;		/* of nflows, TCP ESTABLISHED */
	struct knat_backend_stats __percpu *stats;
	struct knat_rate_est est;
	u64 key;			/* identity for maglev: addr, port */
	unsigned long drain_until;	/* jiffies, when draining */
	struct list_head drain_node;	/* in knat_net.draining, ditto */
	/* Passive health check (health.c). */
	u8 health;			/* enum knat_backend_health */
	u8 health_reported;		/* as last told, under kn->lock */
	u8 nclients;			/* of check_client[], under check_lock */
	u32 nfails;			/* failed handshakes this run, ditto */
	unsigned long check_since;	/* jiffies, the run's first failure */
	union nf_inet_addr check_client[KNAT_CHECK_CLIENTS_MAX]; /* who failed */
	spinlock_t check_lock;		/* failures only, never per packet */
	atomic_t probe;			/* a probe flow is out */
	unsigned long probe_since;	/* jiffies, when it went out */
	unsigned long down_since;	/* jiffies, when failed */
	struct rcu_head rcu;
};

/*
 * The head of a scheduler's private state (svc->sched_data, as IPVS's):
 * whose it is.  A scheduler switch publishes the new state and the new
 * scheduler as two stores, so a packet may read one scheduler and the
 * other's state; knat_sched_data() gives it none then, never the wrong
 * type.  Each state is freed by RCU, after the readers that found it.
 * A state begins with this head.
 */
struct knat_sched_data {
	const struct knat_sched *sched;
};

/*
 * The scheduler's choice depends only on the client and the backend set,
 * and ->schedule() moves no state: another router with the same set
 * derives the same backend, so a packet of no flow (a client's mid-flow
 * segment, a backend's reply) may be taken up as the flow that router
 * started, and a reply may be checked by scheduling its client again.
 */
#define KNAT_SCHED_F_CONSISTENT	BIT(0)

/*
 * A scheduler, as IPVS's struct ip_vs_scheduler: one file fills one of
 * these.  ->init() publishes the scheduler's own state, if it has any, in
 * svc->sched_data (which may hold another scheduler's, during a switch:
 * it neither uses nor frees that one) and leaves it as it was on failure;
 * ->done() frees @data, its state, after RCU readers (the caller has
 * taken it out of svc->sched_data or put another's there).  ->update()
 * runs under the config lock whenever the set of backends, their weights
 * or states change; ->schedule() runs on the packet path under RCU for
 * each new flow and returns an eligible backend (state up, weight > 0) or
 * NULL.  A scheduler whose ->schedule() moves state on (rr, wrr cursors)
 * also has ->peek(): the backend ->schedule() would return now, with
 * nothing moved, for knat explain.
 */
struct knat_sched {
	const char *name;
	unsigned int flags;		/* KNAT_SCHED_F_* */
	int (*init)(struct knat_service *svc);
	void (*done)(struct knat_service *svc, struct knat_sched_data *data);
	int (*update)(struct knat_service *svc);
	struct knat_backend *(*schedule)(struct knat_service *svc,
					 const struct knat_tuple *t,
					 const struct in6_addr *a6);
	struct knat_backend *(*peek)(struct knat_service *svc,
				     const struct knat_tuple *t,
				     const struct in6_addr *a6);
};

/*
 * A service lives while its list entry or one of its backends holds it;
 * the last knat_service_put() frees it by RCU.  Dead once deleted.
 */
struct knat_service {
	struct list_head list;		/* in knat_net.services, RCU */
	struct rhash_head node;		/* in knat_net.svc_index */
	struct rhlist_head vip_node;	/* in knat_net.vip_index */
	struct knat_net *kn;
	refcount_t refcnt;
	u8 dead;
	u8 restore_mark;		/* restore.c, under kn->lock */
	u32 check_clients;		/* distinct clients to take one down */
	/*
	 * The services index's key (svc_index.c): these four, in order; the
	 * VIP index's: addr and v6.  An IPv4 VIP in addr.ip, the rest zero.
	 */
	union nf_inet_addr addr;
	u8 v6;				/* IPv6 service, backends and flows */
	u8 proto;
	__be16 port;
	u32 persist;
	u32 maglev_size;
	u32 moved;			/* maglev slots moved, last change */
	u32 check_fails;		/* 0: no health check */
	u32 check_timeout;		/* seconds */
	u32 check_holddown;		/* seconds */
	atomic_t nprobing;		/* backends waiting for a probe */
	const struct knat_sched *sched;
	struct knat_sched_data __rcu *sched_data;	/* sched's own */
	struct list_head backends;
	/*
	 * Removed backends a failed ->update() may leave in the scheduler's
	 * state: kept (held) until an update succeeds or the service goes.
	 */
	struct list_head trash;
	u32 nbackends;
	u32 restore_drop;		/* backends a restore drops, ditto */
	atomic_t nflows;
	atomic_t nactive;		/* of nflows, TCP ESTABLISHED */
	struct knat_svc_stats __percpu *stats;
	struct knat_rate_est est;	/* rates only: its backends' sum */
	struct rcu_head rcu;
};

static inline bool knat_backend_eligible(const struct knat_backend *be)
{
	return !READ_ONCE(be->dead) &&
	       READ_ONCE(be->state) == KNAT_BACKEND_UP &&
	       READ_ONCE(be->weight) &&
	       READ_ONCE(be->health) == KNAT_HEALTH_OK;
}

/*
 * Index into knat_svc_stats.icmp of a global counter, or -1 if the
 * service does not keep it.
 */
static inline int knat_svc_icmp_index(enum knat_counter c)
{
	if (c >= KNAT_CNT_ICMP_ECHO_REQUEST && c <= KNAT_CNT_ICMP_OTHER)
		return c - KNAT_CNT_ICMP_ECHO_REQUEST;
	if (c == KNAT_CNT_ICMP_ERR_TRANSLATED)
		return KNAT_SVC_ICMP_TRANSLATED;
	if (c == KNAT_CNT_VIP_ECHO)
		return KNAT_SVC_ICMP_VIP_ECHO;
	return -1;
}

static inline void knat_svc_count_icmp(struct knat_service *svc,
				       enum knat_counter c)
{
	int i = knat_svc_icmp_index(c);

	if (i >= 0)
		this_cpu_inc(svc->stats->icmp[i]);
}

/* sched.c */
const struct knat_sched *knat_sched_find(const char *name);
extern const struct knat_sched knat_sched_rr, knat_sched_wrr, knat_sched_lc,
	knat_sched_wlc, knat_sched_sh, knat_sched_maglev;
u32 knat_sched_hash(const struct knat_tuple *t, const struct in6_addr *a6,
		    bool client_only);

void knat_sched_done(struct knat_service *svc);

/* @sched's state of @svc, or NULL (none yet, or another's).  RCU held. */
static inline void *knat_sched_data(struct knat_service *svc,
				    const struct knat_sched *sched)
{
	struct knat_sched_data *d = rcu_dereference(svc->sched_data);

	return d && d->sched == sched ? d : NULL;
}

/* The same under the config lock (or with no reader left). */
static inline void *knat_sched_data_locked(struct knat_service *svc,
					   const struct knat_sched *sched)
{
	struct knat_sched_data *d = rcu_dereference_protected(svc->sched_data,
							      true);

	return d && d->sched == sched ? d : NULL;
}

/*
 * The backend for a new flow of tuple @t (@a6: an IPv6 flow's source and
 * destination addresses, NULL for IPv4); @dry: what it would be, nothing
 * moved.
 */
static inline struct knat_backend *knat_sched_pick(struct knat_service *svc,
						   const struct knat_tuple *t,
						   const struct in6_addr *a6,
						   bool dry)
{
	const struct knat_sched *sched = READ_ONCE(svc->sched);

	if (dry && sched->peek)
		return sched->peek(svc, t, a6);
	return sched->schedule(svc, t, a6);
}

/* svc_index.c */
/*
 * Addresses by family: an IPv4 one is @addr->ip with the rest of @addr
 * zero (knat_inet_addr4()), as services and backends keep them.
 */
static inline union nf_inet_addr knat_inet_addr4(__be32 ip)
{
	union nf_inet_addr a = {};	/* all 16 bytes, not .ip's 4 */

	a.ip = ip;
	return a;
}

struct knat_service *knat_service_find(struct knat_net *kn, u8 proto,
				       __be32 daddr, __be16 dport);
struct knat_service *knat_service_find6(struct knat_net *kn, u8 proto,
					const struct in6_addr *daddr,
					__be16 dport);
bool knat_service_is_vip(struct knat_net *kn, __be32 addr);
bool knat_service_is_vip6(struct knat_net *kn, const struct in6_addr *addr);
void knat_service_count_vip(struct knat_net *kn, const union nf_inet_addr *addr,
			    bool v6, enum knat_counter c);
struct knat_backend *knat_backend_find_reply(struct knat_net *kn,
					     const struct knat_tuple *t,
					     const struct in6_addr *a6,
					     bool *ambiguous);
struct knat_service *knat_service_find_locked(struct knat_net *kn, u8 proto,
					      const union nf_inet_addr *addr,
					      bool v6, __be16 port);
struct knat_backend *knat_backend_find_locked(struct knat_service *svc,
					      const union nf_inet_addr *addr,
					      __be16 port);
int knat_svc_index_add(struct knat_service *svc);
void knat_svc_index_del(struct knat_service *svc);
int knat_be_index_add(struct knat_backend *be);
void knat_be_index_del(struct knat_backend *be);
int knat_svc_index_net_init(struct knat_net *kn);
void knat_svc_index_net_exit(struct knat_net *kn);

/* service.c */
bool knat_backend_get(struct knat_backend *be);
void knat_backend_put(struct knat_backend *be);
void knat_service_put(struct knat_service *svc);
int knat_service_add(struct knat_net *kn, struct knat_service *tmpl,
		     const char *sched, struct netlink_ext_ack *extack);
int knat_service_set(struct knat_net *kn, struct knat_service *svc,
		     const char *sched, const u32 *persist,
		     const u32 *maglev_size, struct netlink_ext_ack *extack);
int knat_service_del(struct knat_net *kn, struct knat_service *svc);
int knat_service_update(struct knat_service *svc);
int knat_backend_add(struct knat_service *svc, const union nf_inet_addr *addr,
		     __be16 port, u32 weight, struct netlink_ext_ack *extack);
int knat_backend_set(struct knat_backend *be, const u32 *weight,
		     const u8 *state);
int knat_backend_del(struct knat_backend *be, u32 drain);
bool knat_service_gc(struct knat_net *kn);

void knat_service_net_exit(struct knat_net *kn);

#endif /* _KNAT_SERVICE_H */
