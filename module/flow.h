/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_FLOW_H
#define _KNAT_FLOW_H

#include <linux/atomic.h>
#include <linux/jiffies.h>

#include "flow_table.h"
#include "knat.h"
#include "tcp_state.h"

/*
 * One direction of a flow as packets carry it on the wire.  For ICMP echo
 * both ports hold the identifier.  The first KNAT_TUPLE_KEY_LEN bytes are
 * the hash key; ->dir only says which half of its flow this is.
 */
struct knat_tuple {
	__be32 src;
	__be32 dst;
	__be16 sport;
	__be16 dport;
	u8 proto;
	u8 dir;		/* KNAT_DIR_ORIG or KNAT_DIR_REPLY */
	u8 pad[2];
};

#define KNAT_TUPLE_KEY_LEN offsetof(struct knat_tuple, dir)

/*
 * ICMP echo tuples carry the identifier in both ports; requests use
 * IPPROTO_ICMP and replies this reserved protocol number, so that an echo
 * request arriving from outside can never match a flow's reply tuple.
 */
#define KNAT_PROTO_ICMP_REPLY	255

enum knat_dir {
	KNAT_DIR_ORIG,
	KNAT_DIR_REPLY,
};

struct knat_flow_half {
	struct knat_flow_half __rcu *next;	/* in its bucket (flow_table.c) */
	struct knat_tuple tuple;
};

static inline struct knat_flow_half *
knat_ftab_next(const struct knat_flow_half *h)
{
	return rcu_dereference(h->next);
}

enum knat_flow_status_bit {
	KNAT_FLOW_REPLIED_BIT,	/* a packet came back: uapi KNAT_FLOW_F_REPLIED */
	KNAT_FLOW_DEAD_BIT,	/* unhashed, waiting for RCU to free it */
	KNAT_FLOW_PERSIST_BIT,	/* holds a persistence entry (persist.c) */
	KNAT_FLOW_CHECKED_BIT,	/* its handshake had its verdict (health.c) */
	KNAT_FLOW_PROBE_BIT,	/* the probe of a held-down backend */
	KNAT_FLOW_ACTIVE_BIT,	/* counted in its backend's nactive (account.c) */
	KNAT_FLOW_NEW_BIT,	/* not yet live: only its creator may end it */
	KNAT_FLOW_LOCK_BIT,	/* bit spinlock: ->state and ->win (account.c) */
};

/* ->gauge: not counted in the live gauges, else 1 + the state counted. */
#define KNAT_FLOW_GAUGE_NONE	0
#define KNAT_FLOW_GAUGE_DEAD	0xff	/* counted out for good */

/*
 * A translated connection.  Both tuples live in the same table, so a packet
 * of either direction finds the flow with one lookup; the rewrite a packet
 * needs is the other half's tuple reversed.  192 bytes, as its slab
 * aligns it: the TCP window (40 bytes) did not fit the 6 bytes left of
 * 128, and nothing else could go (64-bit counters, rcu_head, tuples are
 * all used), so the window and the counters share the third cache line,
 * and the fast path's routes fill the 24 bytes the alignment left.
 */
struct knat_flow {
	struct knat_flow_half h[2];
	struct rcu_head rcu;
	u32 expires;		/* jiffies, 32-bit wrap-safe */
	u32 start;		/* jiffies at creation */
	unsigned long status;
	u8 kind;		/* enum knat_flow_kind */
	u8 state;		/* enum knat_tcp_state */
	u8 gauge;		/* KNAT_FLOW_GAUGE_NONE or 1 + state counted */
	void *owner;		/* the rule that made it */
	atomic64_t pkts[2];
	atomic64_t bytes[2];
	struct knat_tcp_win win[2];	/* TCP, by direction; under LOCK_BIT */
	/* Fast path (fastpath.c), by direction: route held, device in. */
	struct dst_entry *fast_dst[2];
	int fast_iif[2];
};

static inline bool knat_flow_is_service(const struct knat_flow *f)
{
	return (f->kind == KNAT_FLOW_KIND_SERVICE ||
		f->kind == KNAT_FLOW_KIND_SERVICE_SNAT) && f->owner;
}

static inline struct knat_flow *knat_flow_of(const struct knat_flow_half *h)
{
	return container_of(h - h->tuple.dir, struct knat_flow, h[0]);
}

/* Both halves published (knat_flow_add()): others may end it now. */
static inline bool knat_flow_live(const struct knat_flow *f)
{
	return !test_bit(KNAT_FLOW_NEW_BIT, &f->status);
}

static inline bool knat_flow_expired(const struct knat_flow *f)
{
	return (s32)(READ_ONCE(f->expires) - (u32)jiffies) <= 0;
}

static inline void knat_flow_refresh(struct knat_flow *f, u32 timeout)
{
	u32 expires = (u32)jiffies + timeout;

	/* Skip the store (and the dirtied line) when nothing would change. */
	if (READ_ONCE(f->expires) != expires)
		WRITE_ONCE(f->expires, expires);
}

static inline void knat_tuple_invert(struct knat_tuple *dst,
				     const struct knat_tuple *src)
{
	*dst = (struct knat_tuple) {
		.src = src->dst, .dst = src->src,
		.sport = src->dport, .dport = src->sport,
		.proto = src->proto, .dir = !src->dir,
	};
	if (src->proto == IPPROTO_ICMP)
		dst->proto = KNAT_PROTO_ICMP_REPLY;
	else if (src->proto == KNAT_PROTO_ICMP_REPLY)
		dst->proto = IPPROTO_ICMP;
}

u32 knat_tuple_hash(const struct knat_tuple *t, u32 seed);

/* KNAT_FLOW_F_* of the uapi. */
static inline u32 knat_flow_uflags(const struct knat_flow *f)
{
	return (test_bit(KNAT_FLOW_REPLIED_BIT, &f->status) ?
		KNAT_FLOW_F_REPLIED : 0) |
	       (READ_ONCE(f->fast_dst[KNAT_DIR_ORIG]) ?
		KNAT_FLOW_F_FAST_ORIG : 0) |
	       (READ_ONCE(f->fast_dst[KNAT_DIR_REPLY]) ?
		KNAT_FLOW_F_FAST_REPLY : 0);
}

/* Would knat_flow_alloc() refuse a flow for max-flows now? */
static inline bool knat_flows_full(struct knat_net *kn)
{
	return atomic_read(&kn->nflows) >= READ_ONCE(kn->max_flows);
}

void knat_nat_release(struct knat_net *kn, struct knat_flow *f);

struct knat_flow *knat_flow_alloc(struct knat_net *kn,
				  const struct knat_tuple *orig,
				  const struct knat_tuple *reply,
				  u8 kind, void *owner, u32 timeout);
void knat_flow_free(struct knat_flow *f);
int knat_flow_add(struct knat_net *kn, struct knat_flow *f);
struct knat_flow_half *knat_flow_find(struct knat_net *kn,
				      const struct knat_tuple *t);
bool knat_tuple_taken(struct knat_net *kn, const struct knat_tuple *t);
void knat_flow_del(struct knat_net *kn, struct knat_flow *f);
void knat_flow_count_states(struct knat_net *kn, u32 *counts, u32 *live);
void knat_count_expired(struct knat_net *kn, const struct knat_flow *f);
void knat_flow_gauge(struct knat_net *kn, struct knat_flow *f);
unsigned int knat_flow_flush(struct knat_net *kn,
			     bool (*match)(const struct knat_flow *f,
					   const void *arg),
			     const void *arg);

#endif /* _KNAT_FLOW_H */
