/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configured rules: port forwards (forward.c) and source NAT (snat.c).
 * Each kind is one array of rules behind an RCU pointer: the packet path
 * reads it without a lock; a change builds a new array under
 * knat_net.lock and swaps it in, so that a restore (restore.c) replaces
 * every rule of a kind at once and SNAT's first match follows the order
 * the rules were given in.  A rule is freed only after every flow it made
 * is gone and an RCU grace period has passed.
 */
#ifndef _KNAT_RULES_H
#define _KNAT_RULES_H

#include <linux/if.h>
#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>

#include "knat.h"

struct knat_flow;
struct knat_tuple;

/* Per-CPU traffic counters of one rule. */
struct knat_rule_stats {
	u64 pkts;
	u64 bytes;
};

/* Rules of one kind, in matching order; never changed once published. */
struct knat_rule_table {
	struct rcu_head rcu;
	unsigned int n;
	void *rule[];
};

struct knat_forward {
	u8 proto;
	u8 removed;		/* on its way out: its flows go (restore.c) */
	u8 v6;			/* IPv6: addr6 and to_addr6, not the others */
	__be32 addr;		/* 0: any local address */
	u16 port_min;		/* host order */
	u16 port_max;
	__be32 to_addr;
	u16 to_port;		/* 0: keep the port */
	atomic_t nflows;
	struct knat_rule_stats __percpu *stats;
	struct in6_addr addr6;	/* ::, any local address */
	struct in6_addr to_addr6;
	struct rcu_head rcu;
};

/* Ports of one protocol on one outside address: one bit a port. */
struct knat_port_map {
	unsigned long *bits;
	atomic_t used;
};

#define KNAT_SNAT_MAX_ADDRS	64

/*
 * Port allocations of one SNAT rule, per CPU: the candidates each
 * successful one tried (KNAT_SNAT_A_ATTEMPTS buckets), and the failures.
 */
struct knat_snat_stats {
	u64 attempts[KNAT_SNAT_ATTEMPT_BUCKETS];
	u64 attempts_sum;
	u64 exhausted;
};

struct knat_snat {
	__be32 src;
	__be32 mask;
	u8 plen;
	u8 v6;			/* IPv6: src6, to_min6, to_max6 instead */
	char ifname[IFNAMSIZ];
	int ifindex;		/* 0: any device (or ifname not present) */
	__be32 to_min;		/* host order range below, network here */
	__be32 to_max;
	u16 port_min;
	u16 port_max;
	u32 flags;		/* KNAT_SNAT_F_* */
	u8 removed;		/* on its way out: its flows go (restore.c) */
	atomic_t nflows;
	struct knat_snat_stats __percpu *stats;
	u32 naddrs;
	/* [addr index][proto index]: ports handed out to mappings. */
	struct knat_port_map *ports;
	struct in6_addr src6;
	struct in6_addr to_min6;	/* differ in the last 32 bits only */
	struct in6_addr to_max6;
	struct rcu_head rcu;
};

/* The IPv6 address @idx of an IPv6 rule's range. */
static inline struct in6_addr knat_snat_addr6(const struct knat_snat *r,
					      unsigned int idx)
{
	struct in6_addr a = r->to_min6;

	a.s6_addr32[3] = htonl(ntohl(a.s6_addr32[3]) + idx);
	return a;
}

/* rules.c: tables of rules, changed under kn->lock. */
struct knat_rule_table *knat_rule_table_alloc(unsigned int size);
/* The published table of @slot (forwards or snats); kn->lock held. */
#define knat_rule_table_locked(kn, slot) \
	rcu_dereference_protected(slot, lockdep_is_held(&(kn)->lock))
/* Publish @t (NULL: none) in @slot; the old one goes after readers. */
void knat_rule_table_swap(struct knat_net *kn,
			  struct knat_rule_table __rcu **slot,
			  struct knat_rule_table *t);
/* The published table plus @rule at its end, or minus @rule. */
int knat_rule_table_append(struct knat_net *kn,
			   struct knat_rule_table __rcu **slot, void *rule);
void knat_rule_table_remove(struct knat_net *kn,
			    struct knat_rule_table __rcu **slot, void *rule);
/*
 * Append @rule with *@count (and *@count6, an IPv6 rule's) one up and the
 * hooks in place, or nothing.
 */
int knat_rule_table_add(struct knat_net *kn,
			struct knat_rule_table __rcu **slot, u32 *count,
			u32 *count6, void *rule,
			struct netlink_ext_ack *extack);

/* forward.c */
bool knat_forward_overlaps(const struct knat_forward *a,
			   const struct knat_forward *b);
bool knat_forward_same(const struct knat_forward *a,
		       const struct knat_forward *b);
struct knat_forward *knat_forward_alloc(const struct knat_forward *tmpl);
void knat_forward_free(struct knat_forward *f);
/* Unpublished already: wait for readers, end their flows, free them. */
void knat_forwards_destroy(struct knat_net *kn, void **f, unsigned int n);
int knat_forward_add(struct knat_net *kn, const struct knat_forward *tmpl,
		     struct netlink_ext_ack *extack);
int knat_forward_del(struct knat_net *kn, const struct knat_forward *key,
		     struct netlink_ext_ack *extack);
struct knat_forward *knat_forward_find(struct knat_net *kn, u8 proto,
				       __be32 daddr, u16 dport);
struct knat_forward *knat_forward_find6(struct knat_net *kn, u8 proto,
					const struct in6_addr *daddr,
					u16 dport);
bool knat_forward_covers(struct knat_net *kn, u8 proto, __be32 addr,
			 u16 port);
bool knat_forward_covers6(struct knat_net *kn, u8 proto,
			  const struct in6_addr *addr, u16 port);
void knat_forward_net_exit(struct knat_net *kn);

/* snat.c */
bool knat_snat_same_key(const struct knat_snat *a, const struct knat_snat *b);
bool knat_snat_same(const struct knat_snat *a, const struct knat_snat *b);
struct knat_snat *knat_snat_alloc(struct knat_net *kn,
				  const struct knat_snat *tmpl);
void knat_snat_free(struct knat_snat *r);
void knat_snats_destroy(struct knat_net *kn, void **r, unsigned int n);
int knat_snat_add(struct knat_net *kn, const struct knat_snat *tmpl,
		  struct netlink_ext_ack *extack);
int knat_snat_del(struct knat_net *kn, const struct knat_snat *key,
		  struct netlink_ext_ack *extack);
struct knat_snat *knat_snat_find(struct knat_net *kn, __be32 saddr,
				 int oif);
struct knat_snat *knat_snat_find6(struct knat_net *kn,
				  const struct in6_addr *saddr, int oif);
void knat_snat_net_init(struct knat_net *kn);
void knat_snat_net_exit(struct knat_net *kn);
int knat_snat_init(void);
void knat_snat_uninit(void);

/* Rule counts changed: hooks follow (registered iff any rule exists). */
int knat_rules_changed(struct knat_net *kn);
u32 knat_rules_v6(struct knat_net *kn, struct knat_rule_table __rcu **slot,
		  bool snat);
int knat_hooks_prepare(struct knat_net *kn, const struct knat_rule_table *fwd,
		       const struct knat_rule_table *snat, u32 nservices,
		       u32 nservices6);

#endif /* _KNAT_RULES_H */
