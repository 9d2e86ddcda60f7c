/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_FLOW_H
#define _KNAT_FLOW_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/netfilter.h>

#include "flow_table.h"
#include "knat.h"
#include "tcp_state.h"

/*
 * One direction of a flow as packets carry it on the wire.  For ICMP echo
 * both ports hold the identifier.  The first KNAT_TUPLE_KEY_LEN bytes are
 * the hash key; ->dir only says which half of its flow this is.
 *
 * Both families share it: an IPv6 tuple's ->src and ->dst hold a fold of
 * its addresses (knat_addr6_fold()), which rejects most of a bucket's
 * other entries cheaply; the addresses themselves travel beside it, as
 * an array of two (source, destination) that lookups take, and live in
 * the tail of an IPv6 flow (struct knat_flow6).  So every port, protocol
 * and state decision is one code for both families, and an IPv4 flow
 * stays 128 bytes.
 */
struct knat_tuple {
	__be32 src;
	__be32 dst;
	__be16 sport;
	__be16 dport;
	u8 proto;
	u8 dir;		/* KNAT_DIR_ORIG or KNAT_DIR_REPLY */
	u8 pad[2];	/* in a flow: its kind, state, gauge (flow.h) */
};

#define KNAT_TUPLE_KEY_LEN offsetof(struct knat_tuple, dir)

/*
 * ICMP echo tuples carry the identifier in both ports; requests use
 * IPPROTO_ICMP and replies this reserved protocol number, so that an echo
 * request arriving from outside can never match a flow's reply tuple.
 */
#define KNAT_PROTO_ICMP_REPLY	255
#define KNAT_PROTO_ICMP6_REPLY	254	/* the same for ICMPv6 echo */

enum knat_dir {
	KNAT_DIR_ORIG,
	KNAT_DIR_REPLY,
};

/*
 * A tuple's hash as a lookup that missed computed it, for the insert of
 * the flow that packet then makes: one hash less a new flow.  Good while
 * the table's seed is the one it was computed with.
 */
struct knat_ftab_hint {
	u32 seed;
	u32 hash;
	bool set;
	u8 dir;		/* the new flow's half with this tuple */
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
 * What only some flows need, in an allocation of its own (one cache line)
 * that lives and dies with its flow: a TCP flow's window from its start
 * (knat_flow_alloc()), a UDP or ICMP flow's only if the fast path learns
 * its route.  A UDP flow, most of a DNS server's, stays at 128 bytes.
 */
struct knat_flow_ext {
	struct knat_tcp_win win[2];	/* TCP, by direction; under LOCK_BIT */
	/* Fast path (fastpath.c), by direction: route held, device in. */
	struct dst_entry *fast_dst[2];
	int fast_iif[2];
};

/*
 * A translated connection.  Both tuples live in the same table, so a packet
 * of either direction finds the flow with one lookup; the rewrite a packet
 * needs is the other half's tuple reversed.  128 bytes, two cache lines:
 * kind, state and gauge sit in the tuples' padding (never part of a key),
 * and what not every flow needs hangs off ->ext.
 */
struct knat_flow {
	union {
		struct knat_flow_half h[2];
		struct {
			u8 h0_key[offsetof(struct knat_flow_half, tuple) +
				  offsetof(struct knat_tuple, pad)];
			u8 kind;	/* enum knat_flow_kind */
			u8 state;	/* enum knat_tcp_state */
			u8 h1_key[sizeof(struct knat_flow_half) - 2];
			u8 gauge;	/* KNAT_FLOW_GAUGE_NONE or 1 + state */
			u8 v6;		/* a struct knat_flow6 */
		};
	};
	struct rcu_head rcu;
	u32 expires;		/* jiffies, 32-bit wrap-safe */
	u32 start;		/* jiffies at creation */
	unsigned long status;
	void *owner;		/* the rule that made it */
	struct knat_flow_ext *ext;	/* TCP always; set once, freed with it */
	atomic64_t pkts[2];
	atomic64_t bytes[2];
};

static_assert(offsetof(struct knat_flow, kind) ==
	      offsetof(struct knat_flow, h[0].tuple.pad));
static_assert(offsetof(struct knat_flow, gauge) ==
	      offsetof(struct knat_flow, h[1].tuple.pad));
static_assert(offsetof(struct knat_flow, v6) ==
	      offsetof(struct knat_flow, h[1].tuple.pad[1]));
static_assert(sizeof(struct knat_flow) == 128);

/*
 * An IPv6 flow: the flow and, by direction, the addresses its tuples
 * fold.  192 bytes, three cache lines.
 */
struct knat_flow6 {
	struct knat_flow f;
	struct in6_addr a[2][2];	/* [dir][0: source, 1: destination] */
};

static_assert(sizeof(struct knat_flow6) == 192);

/* Direction @dir's addresses (source, destination) of an IPv6 flow, or NULL. */
static inline const struct in6_addr *knat_flow_a6(const struct knat_flow *f,
						  int dir)
{
	return f->v6 ? container_of(f, struct knat_flow6, f)->a[dir] : NULL;
}

/* What an IPv6 tuple's ->src or ->dst holds of its address. */
static inline __be32 knat_addr6_fold(const struct in6_addr *a)
{
	return a->s6_addr32[0] ^ a->s6_addr32[1] ^ a->s6_addr32[2] ^
	       a->s6_addr32[3];
}

/* A flow's original source address, of either family (16 bytes). */
static inline union nf_inet_addr knat_flow_client(const struct knat_flow *f)
{
	union nf_inet_addr a = {};

	if (f->v6)
		a.in6 = knat_flow_a6(f, KNAT_DIR_ORIG)[0];
	else
		a.ip = f->h[KNAT_DIR_ORIG].tuple.src;
	return a;
}

/* A TCP flow whose handshake has not completed (SYN-SENT, SYN-RECV). */
static inline bool knat_flow_half_open(const struct knat_flow *f)
{
	u8 st = READ_ONCE(f->state) & KNAT_TCP_STATE_MASK;

	return f->h[KNAT_DIR_ORIG].tuple.proto == IPPROTO_TCP &&
	       (st == KNAT_TCP_SYN_SENT || st == KNAT_TCP_SYN_RECV);
}

static inline bool knat_is_icmp_proto(u8 proto)
{
	return proto == IPPROTO_ICMP || proto == KNAT_PROTO_ICMP_REPLY ||
	       proto == IPPROTO_ICMPV6 || proto == KNAT_PROTO_ICMP6_REPLY;
}

/* A TCP flow's window state: always there (knat_flow_alloc()). */
static inline struct knat_tcp_win *knat_flow_win(const struct knat_flow *f)
{
	return f->ext->win;
}

/* The route the fast path keeps for direction @dir, or NULL. */
static inline struct dst_entry *knat_flow_fast_dst(const struct knat_flow *f,
						   int dir)
{
	const struct knat_flow_ext *e = READ_ONCE(f->ext);

	return e ? READ_ONCE(e->fast_dst[dir]) : NULL;
}

/* ... and the device its packets come in on, or 0. */
static inline int knat_flow_fast_iif(const struct knat_flow *f, int dir)
{
	const struct knat_flow_ext *e = READ_ONCE(f->ext);

	return e ? READ_ONCE(e->fast_iif[dir]) : 0;
}

struct knat_flow_ext *knat_flow_ext_get(struct knat_net *kn,
					struct knat_flow *f);

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
	else if (src->proto == IPPROTO_ICMPV6)
		dst->proto = KNAT_PROTO_ICMP6_REPLY;
	else if (src->proto == KNAT_PROTO_ICMP6_REPLY)
		dst->proto = IPPROTO_ICMPV6;
}

/* The same for a tuple's IPv6 addresses (NULL: IPv4, nothing to do). */
static inline void knat_a6_invert(struct in6_addr *dst,
				  const struct in6_addr *src)
{
	if (!src)
		return;
	dst[0] = src[1];
	dst[1] = src[0];
}

/* Fill an IPv6 tuple's folds from its addresses @a6 (source, destination). */
static inline void knat_tuple_fold6(struct knat_tuple *t,
				    const struct in6_addr *a6)
{
	t->src = knat_addr6_fold(&a6[0]);
	t->dst = knat_addr6_fold(&a6[1]);
}

u32 knat_tuple_hash(const struct knat_tuple *t, const struct in6_addr *a6,
		    u32 seed);

/* KNAT_FLOW_F_* of the uapi. */
static inline u32 knat_flow_uflags(const struct knat_flow *f)
{
	return (test_bit(KNAT_FLOW_REPLIED_BIT, &f->status) ?
		KNAT_FLOW_F_REPLIED : 0) |
	       (knat_flow_fast_dst(f, KNAT_DIR_ORIG) ?
		KNAT_FLOW_F_FAST_ORIG : 0) |
	       (knat_flow_fast_dst(f, KNAT_DIR_REPLY) ?
		KNAT_FLOW_F_FAST_REPLY : 0);
}

/* Would knat_flow_alloc() refuse a flow for max-flows now? */
static inline bool knat_flows_full(struct knat_net *kn)
{
	return atomic_read(&kn->nflows) >= READ_ONCE(kn->max_flows);
}

void knat_nat_release(struct knat_net *kn, struct knat_flow *f);

struct knat_flow *knat_flow_alloc6(struct knat_net *kn,
				   const struct knat_tuple *orig,
				   const struct knat_tuple *reply,
				   const struct in6_addr *orig6,
				   const struct in6_addr *reply6,
				   u8 kind, void *owner, u32 timeout);

static inline struct knat_flow *knat_flow_alloc(struct knat_net *kn,
						const struct knat_tuple *orig,
						const struct knat_tuple *reply,
						u8 kind, void *owner,
						u32 timeout)
{
	return knat_flow_alloc6(kn, orig, reply, NULL, NULL, kind, owner,
				timeout);
}

void knat_flow_free(struct knat_flow *f);
void knat_flow_uncharge(struct knat_net *kn, const struct knat_flow *f);
int knat_flow_add(struct knat_net *kn, struct knat_flow *f);
int knat_flow_add_hinted(struct knat_net *kn, struct knat_flow *f,
			 const struct knat_ftab_hint *hint);
struct knat_flow_half *knat_flow_find_hinted(struct knat_net *kn,
					     const struct knat_tuple *t,
					     const struct in6_addr *a6,
					     struct knat_ftab_hint *hint);
struct knat_flow_half *knat_flow_find6(struct knat_net *kn,
				       const struct knat_tuple *t,
				       const struct in6_addr *a6);
static inline struct knat_flow_half *knat_flow_find(struct knat_net *kn,
						    const struct knat_tuple *t)
{
	return knat_flow_find6(kn, t, NULL);
}

bool knat_tuple_taken6(struct knat_net *kn, const struct knat_tuple *t,
		       const struct in6_addr *a6);
static inline bool knat_tuple_taken(struct knat_net *kn,
				    const struct knat_tuple *t)
{
	return knat_tuple_taken6(kn, t, NULL);
}

void knat_flow_del(struct knat_net *kn, struct knat_flow *f);
void knat_flow_count_states(struct knat_net *kn, u32 *counts, u32 *live);
void knat_count_expired(struct knat_net *kn, const struct knat_flow *f);
void knat_flow_gauge(struct knat_net *kn, struct knat_flow *f);
unsigned int knat_flow_flush(struct knat_net *kn,
			     bool (*match)(const struct knat_flow *f,
					   const void *arg),
			     const void *arg);

#endif /* _KNAT_FLOW_H */
