/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces shared by knat's parts.  Each part (flow, stats,
 * hooks, netlink, ...) exposes knat_<part>_init()/knat_<part>_uninit()
 * for module load/unload and, when it keeps per-namespace state,
 * knat_<part>_net_init()/knat_<part>_net_exit().
 *
 * Object lifetimes follow one vocabulary:
 *   _alloc/_free   memory only, never visible to the packet path
 *   _get/_put      reference counting
 *   _find          RCU lookup, caller holds rcu_read_lock()
 *   _add/_del      publish into / unpublish from a table, config lock held
 *   _flush         _del of everything matching
 */
#ifndef _KNAT_H
#define _KNAT_H

#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/ratelimit_types.h>
#include <linux/sched/mm.h>
#include <linux/rhashtable-types.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <uapi/linux/knat.h>

#define KNAT_VERSION "0.1.0"

/* A namespace's max-flows until it sets one. */
#define KNAT_DEFAULT_MAX_FLOWS	262144

/* Bucket locks of a namespace's flow table (flow_table.c). */
#define KNAT_FTAB_LOCKS		256

struct knat_flow_table;
struct knat_rule_table;
struct knat_stats;
struct knat_stats_zero;

/* Per-namespace state; found with knat_net(net). */
struct knat_net {
	struct net *net;
	/* Charged for the packet path's allocations; NULL: nobody. */
	struct mem_cgroup *memcg;
	/* Serialises configuration changes; never taken on the packet path. */
	struct mutex lock;
	bool hooks_active;
	bool hooks6_active;

	struct knat_stats __percpu *stats;
	struct knat_stats_zero __rcu *stats0;	/* at the last reset (stats.c) */

	/* Flow table (flow.c, flow_table.c). */
	struct knat_flow_table __rcu *ftab;
	seqcount_spinlock_t ftab_seq;	/* changes when a resize moves flows */
	spinlock_t ftab_all_lock;	/* held by a resize, with every lock */
	bool ftab_all;
	spinlock_t ftab_locks[KNAT_FTAB_LOCKS];	/* bucket & (LOCKS - 1) */
	atomic_t nflows;
	atomic_t nflows6;	/* of them, IPv6 */
	struct delayed_work gc_work;
	u32 gc_bucket;			/* where the last GC run stopped */

	/* Rules (rules.h): RCU tables and lists, changed under ->lock. */
	struct knat_rule_table __rcu *forwards;
	struct knat_rule_table __rcu *snats;
	struct list_head services;
	struct list_head draining;	/* backends draining, under lock */
	/* Lookups of services and backends (svc_index.c). */
	struct rhashtable svc_index;
	struct rhltable vip_index;
	struct rhashtable be_index;	/* of struct knat_be_group */
	struct rhashtable be_svc_index;
	/* SNAT endpoint-independent mappings (portalloc.c). */
	struct rhashtable mappings;
	/* Service persistence: client address -> backend (persist.c). */
	struct rhashtable persist;
	atomic_t npersist;
	/* Where the last GC run stopped in ->persist (persist.c). */
	struct rhashtable_iter persist_gc_iter;
	bool persist_gc_iter_live;

	/* Rate estimator of services and backends (estimator.c). */
	struct delayed_work rate_work;
	bool rate_running;		/* under ->lock */
	unsigned long rate_stamp;	/* jiffies of the last estimate */
	u32 rate_interval;		/* seconds */
	u32 rate_window;		/* seconds */

	/* Ends what removed backends and services leave (reap.c). */
	struct work_struct reap_work;

	/* Passive health check verdicts to act on (health.c). */
	struct delayed_work health_work;
	/* Sequence number of the last event sent, flow events' rate. */
	spinlock_t event_lock;		/* seq order = delivery order */
	u32 event_seq;			/* under event_lock */
	struct ratelimit_state event_rs;
	/* Port exhaustion events' rate: a flood of them tells nothing more. */
	struct ratelimit_state exhausted_rs;

	/* Answers to pings of service VIPs (vip.c). */
	struct ratelimit_state vip_echo_rs;

	/* Configuration read locklessly by the packet path. */
	u32 max_flows;
	u32 timeouts[__KNAT_TIMEOUT_MAX];	/* jiffies */
	bool fastpath;				/* fastpath.c */
	/*
	 * Flow directions with a route kept: while none, the ingress hook
	 * looks nothing up.  A hint (a route learned as its flow ends
	 * stays counted), never what decides how a packet goes.
	 */
	atomic_t nfast;
	/* The fast path's ingress hooks, one a device (ingress.c). */
	struct list_head ingress;		/* under RTNL */
	u32 ningress;				/* under RTNL */
	struct work_struct ingress_work;
	bool ingress_dying;

	/* Rule counts, kept for status; updated under ->lock. */
	u32 nforwards;
	u32 nsnats;
	u32 nforwards6;		/* of them, IPv6 */
	struct work_struct masq6_work;	/* snat.c */
	u32 nsnats6;
	u32 nservices;
	u32 nservices6;			/* of them, IPv6 */
	u32 nbackends;			/* of all services */
};

struct knat_net *knat_net(const struct net *net);

/*
 * What a namespace other than the initial one may hold (nl_config.c):
 * module-wide, changed from the initial namespace only.  The initial
 * namespace belongs to the host's administrator and has no limit.
 */
extern u32 knat_limits[__KNAT_LIMIT_MAX];

static inline u32 knat_limit(const struct knat_net *kn, enum knat_limit l)
{
	return net_eq(kn->net, &init_net) ? U32_MAX : READ_ONCE(knat_limits[l]);
}

/*
 * Charge what the packet path allocates for @kn (flows, mappings) to the
 * memory cgroup of the namespace's creator, as its configuration is
 * charged to the configuring task: softirq has no task to charge.
 */
static inline struct mem_cgroup *knat_memcg_enter(const struct knat_net *kn)
{
	return set_active_memcg(kn->memcg);
}

static inline void knat_memcg_exit(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

int knat_netns_init(void);
void knat_netns_uninit(void);

int knat_flow_init(void);
void knat_flow_uninit(void);
int knat_flow_net_init(struct knat_net *kn);
void knat_flow_net_exit(struct knat_net *kn);

int knat_stats_net_init(struct knat_net *kn);
void knat_stats_net_exit(struct knat_net *kn);

int knat_hooks_enable(struct knat_net *kn);
void knat_hooks_disable(struct knat_net *kn);
void knat_hooks_disable_all(struct knat_net *kn);

int knat_netlink_init(void);
void knat_netlink_uninit(void);

#endif /* _KNAT_H */
