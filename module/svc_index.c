// SPDX-License-Identifier: GPL-2.0
/*
 * Indexes of a namespace's services and backends, so that nothing on the
 * packet path walks the configuration: a namespace may hold ten thousand
 * services, and every packet of no flow asks "is this a service?", "is
 * this a VIP?", or (a backend's answer, picked up) "whose backend is
 * this?".  Each is one hash lookup:
 *
 *   services  proto, VIP, port -> the service (unique)
 *   vips      VIP -> its services (one per port and protocol)
 *   backends  address, port -> their group: the backends of that address
 *             and port, one per service using it (a pool of servers behind
 *             many VIPs makes groups of thousands, so a backend leaves
 *             its group in O(1), not by a walk of it)
 *   backends  service, address, port -> the backend (unique: the config
 *             path's lookup, no walk of the group either)
 *
 * Entries go in before the object is published on its list and come out
 * when it is unlinked, under kn->lock; lookups are RCU.  The tables are
 * rhashtables, resized in the background; their buckets (a pointer or two
 * per object) are not charged to the namespace, the objects are, and the
 * namespace's limits cap them.
 */

#include <linux/jhash.h>
#include <linux/rhashtable.h>

#include "flow.h"
#include "service.h"

/*
 * The part of struct knat_service the services table hashes, in order.
 * The family is part of each key: an IPv4 address is kept as the first
 * word of 16 zero bytes, which some IPv6 address equals.  No key has a
 * hole in it (memcmp() compares them).
 */
struct knat_svc_key {
	union nf_inet_addr addr;
	u8 v6;
	u8 proto;
	__be16 port;
};

/* And of struct knat_backend the backends tables hash. */
struct knat_be_key {
	union nf_inet_addr addr;
	__be16 port;
	u8 v6;
};

/* The backends of one address and port, whichever services they serve. */
struct knat_be_group {
	struct rhash_head node;		/* in knat_net.be_index */
	union nf_inet_addr addr;
	__be16 port;
	u8 v6;
	unsigned int n;			/* on the list, under kn->lock */
	struct hlist_head backends;	/* knat_backend.group_node, RCU */
	struct rcu_head rcu;
};

struct knat_be_svc_key {
	const struct knat_service *svc;
	union nf_inet_addr addr;
	__be16 port;
};

#define KNAT_SVC_KEY_LEN	(offsetofend(struct knat_svc_key, port))

/*
 * Every new flow to a service looks it up: an IPv4 key is two words,
 * not jhash()'s walk of 20 bytes, most of them zero.
 */
static u32 knat_svc_hashfn(const void *data, u32 len, u32 seed)
{
	const struct knat_svc_key *k = data;
	u32 rest = (u32)(__force u16)k->port << 16 | k->proto << 8 | k->v6;

	if (k->v6)
		return jhash_2words(jhash2((__force const u32 *)k->addr.all,
					   4, seed), rest, seed);
	return jhash_2words((__force u32)k->addr.ip, rest, seed);
}

static const struct rhashtable_params knat_svc_params = {
	.head_offset = offsetof(struct knat_service, node),
	.key_offset = offsetof(struct knat_service, addr),
	.key_len = KNAT_SVC_KEY_LEN,
	.hashfn = knat_svc_hashfn,
	.automatic_shrinking = true,
};

static const struct rhashtable_params knat_vip_params = {
	.head_offset = offsetof(struct knat_service, vip_node),
	.key_offset = offsetof(struct knat_service, addr),
	.key_len = offsetofend(struct knat_svc_key, v6),
	.automatic_shrinking = true,
};

static const struct rhashtable_params knat_be_params = {
	.head_offset = offsetof(struct knat_be_group, node),
	.key_offset = offsetof(struct knat_be_group, addr),
	.key_len = offsetofend(struct knat_be_key, v6),
	.automatic_shrinking = true,
};

static const struct rhashtable_params knat_be_svc_params = {
	.head_offset = offsetof(struct knat_backend, svc_node),
	.key_offset = offsetof(struct knat_backend, svc),
	.key_len = offsetofend(struct knat_be_svc_key, port),
	.automatic_shrinking = true,
};

/*
 * The answer of a backend shared by more services than this is not
 * picked up: one packet of no flow must not walk thousands of them.
 */
#define KNAT_PICKUP_OWNERS_MAX	64

static void knat_svc_index_layout(void)
{
	/* Each hashed key is a run of adjacent fields, as laid out above. */
	BUILD_BUG_ON(offsetof(struct knat_service, v6) -
		     offsetof(struct knat_service, addr) !=
		     offsetof(struct knat_svc_key, v6));
	BUILD_BUG_ON(offsetof(struct knat_service, proto) -
		     offsetof(struct knat_service, addr) !=
		     offsetof(struct knat_svc_key, proto));
	BUILD_BUG_ON(offsetof(struct knat_service, port) -
		     offsetof(struct knat_service, addr) !=
		     offsetof(struct knat_svc_key, port));
	BUILD_BUG_ON(offsetof(struct knat_be_group, port) -
		     offsetof(struct knat_be_group, addr) !=
		     offsetof(struct knat_be_key, port));
	BUILD_BUG_ON(offsetof(struct knat_be_group, v6) -
		     offsetof(struct knat_be_group, addr) !=
		     offsetof(struct knat_be_key, v6));
	BUILD_BUG_ON(offsetof(struct knat_backend, addr) -
		     offsetof(struct knat_backend, svc) !=
		     offsetof(struct knat_be_svc_key, addr));
	BUILD_BUG_ON(offsetof(struct knat_backend, port) -
		     offsetof(struct knat_backend, svc) !=
		     offsetof(struct knat_be_svc_key, port));
}

/* RCU held. */
struct knat_service *knat_service_find(struct knat_net *kn, u8 proto,
				       __be32 daddr, __be16 dport)
{
	/* Not .addr.ip in the initialiser: the union's rest would be left. */
	struct knat_svc_key key = { .port = dport, .proto = proto };

	key.addr.ip = daddr;
	return rhashtable_lookup(&kn->svc_index, &key, knat_svc_params);
}

struct knat_service *knat_service_find6(struct knat_net *kn, u8 proto,
					const struct in6_addr *daddr,
					__be16 dport)
{
	struct knat_svc_key key = {
		.addr.in6 = *daddr, .v6 = 1, .port = dport, .proto = proto,
	};

	return rhashtable_lookup(&kn->svc_index, &key, knat_svc_params);
}

/* Under kn->lock. */
struct knat_service *knat_service_find_locked(struct knat_net *kn, u8 proto,
					      const union nf_inet_addr *addr,
					      bool v6, __be16 port)
{
	struct knat_svc_key key = {
		.addr = *addr, .v6 = v6, .port = port, .proto = proto,
	};

	lockdep_assert_held(&kn->lock);
	return rhashtable_lookup_fast(&kn->svc_index, &key, knat_svc_params);
}

static struct rhlist_head *knat_vip_lookup(struct knat_net *kn,
					   const union nf_inet_addr *addr,
					   bool v6)
{
	struct knat_svc_key key = { .addr = *addr, .v6 = v6 };

	return rhltable_lookup(&kn->vip_index, &key, knat_vip_params);
}

/* Is @addr a service's virtual IP?  RCU held. */
bool knat_service_is_vip(struct knat_net *kn, __be32 addr)
{
	union nf_inet_addr a = knat_inet_addr4(addr);

	return knat_vip_lookup(kn, &a, false);
}

bool knat_service_is_vip6(struct knat_net *kn, const struct in6_addr *addr)
{
	return knat_vip_lookup(kn, (const union nf_inet_addr *)addr, true);
}

/*
 * An ICMP echo request to @addr, or its answer (@c): each service of that
 * VIP counts it, none being more its owner than another.  RCU held.
 */
void knat_service_count_vip(struct knat_net *kn, const union nf_inet_addr *addr,
			    bool v6, enum knat_counter c)
{
	struct knat_service *svc;
	struct rhlist_head *list, *pos;

	list = knat_vip_lookup(kn, addr, v6);
	rhl_for_each_entry_rcu(svc, pos, list, vip_node)
		knat_svc_count_icmp(svc, c);
}

/*
 * A packet of no flow from a backend's service port: is it the answer of
 * a flow another router behind the same ECMP group started?  Only
 * services of a consistent scheduler (maglev) can say so, and only when
 * it, asked about this client, names this very backend.  The backend's
 * address and port must belong to exactly one service: when several share
 * them the answer could be any one's, and leaving from the wrong VIP is
 * worse than not at all, so *@ambiguous is set and NULL returned; so it
 * is when more than KNAT_PICKUP_OWNERS_MAX services share them.  RCU
 * held.
 */
struct knat_backend *knat_backend_find_reply(struct knat_net *kn,
					     const struct knat_tuple *t,
					     const struct in6_addr *a6,
					     bool *ambiguous)
{
	struct knat_backend *be, *found = NULL;
	const struct knat_sched *sched;
	struct knat_service *svc;
	struct knat_be_group *g;
	struct knat_tuple orig;
	struct in6_addr orig6[2];
	unsigned int owners = 0, seen = 0;
	struct knat_be_key k = { .port = t->sport, .v6 = !!a6 };

	if (a6) {
		k.addr.in6 = a6[0];
		orig6[0] = a6[1];
	} else {
		k.addr.ip = t->src;
	}
	*ambiguous = false;
	g = rhashtable_lookup(&kn->be_index, &k, knat_be_params);
	if (!g)
		return NULL;
	hlist_for_each_entry_rcu(be, &g->backends, group_node) {
		if (++seen > KNAT_PICKUP_OWNERS_MAX) {
			*ambiguous = true;
			return NULL;
		}
		svc = be->svc;
		if (svc->proto != t->proto)
			continue;
		owners++;
		sched = READ_ONCE(svc->sched);
		if (!(sched->flags & KNAT_SCHED_F_CONSISTENT))
			continue;
		orig = (struct knat_tuple) {
			.src = t->dst, .dst = svc->addr.ip,
			.sport = t->dport, .dport = svc->port,
			.proto = t->proto,
		};
		if (a6) {
			orig6[1] = svc->addr.in6;
			orig.dst = knat_addr6_fold(&orig6[1]);
		}
		if (sched->schedule(svc, &orig, a6 ? orig6 : NULL) == be)
			found = be;
	}
	if (found && owners > 1) {
		*ambiguous = true;
		return NULL;
	}
	return found;
}

/* @svc's backend at @addr:@port.  Under kn->lock. */
struct knat_backend *knat_backend_find_locked(struct knat_service *svc,
					      const union nf_inet_addr *addr,
					      __be16 port)
{
	struct knat_be_svc_key k = { .svc = svc, .addr = *addr, .port = port };

	lockdep_assert_held(&svc->kn->lock);
	return rhashtable_lookup_fast(&svc->kn->be_svc_index, &k,
				      knat_be_svc_params);
}

/* Before @svc is published.  Under kn->lock. */
int knat_svc_index_add(struct knat_service *svc)
{
	struct knat_net *kn = svc->kn;
	int err;

	lockdep_assert_held(&kn->lock);
	/* Not rhashtable_insert_fast(): that one takes a second of a key. */
	err = rhashtable_lookup_insert_fast(&kn->svc_index, &svc->node,
					    knat_svc_params);
	if (err)
		return err;
	err = rhltable_insert(&kn->vip_index, &svc->vip_node, knat_vip_params);
	if (err)
		rhashtable_remove_fast(&kn->svc_index, &svc->node,
				       knat_svc_params);
	return err;
}

/* When @svc is unlinked.  Under kn->lock. */
void knat_svc_index_del(struct knat_service *svc)
{
	struct knat_net *kn = svc->kn;

	lockdep_assert_held(&kn->lock);
	rhashtable_remove_fast(&kn->svc_index, &svc->node, knat_svc_params);
	rhltable_remove(&kn->vip_index, &svc->vip_node, knat_vip_params);
}

/* @be joins the group of its address and port, made if it is the first. */
static int knat_be_group_join(struct knat_net *kn, struct knat_backend *be)
{
	struct knat_be_key k = {
		.addr = be->addr, .port = be->port, .v6 = be->svc->v6,
	};
	struct knat_be_group *g;
	int err;

	g = rhashtable_lookup_fast(&kn->be_index, &k, knat_be_params);
	if (!g) {
		g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
		if (!g)
			return -ENOMEM;
		g->addr = be->addr;
		g->port = be->port;
		g->v6 = be->svc->v6;
		INIT_HLIST_HEAD(&g->backends);
		err = rhashtable_lookup_insert_fast(&kn->be_index, &g->node,
						    knat_be_params);
		if (err) {
			kfree(g);
			return err;
		}
	}
	hlist_add_head_rcu(&be->group_node, &g->backends);
	g->n++;
	be->group = g;
	return 0;
}

/* And leaves it; the last one out frees it (readers may be in it). */
static void knat_be_group_leave(struct knat_net *kn, struct knat_backend *be)
{
	struct knat_be_group *g = be->group;

	hlist_del_rcu(&be->group_node);
	if (!--g->n) {
		rhashtable_remove_fast(&kn->be_index, &g->node, knat_be_params);
		kfree_rcu(g, rcu);
	}
}

int knat_be_index_add(struct knat_backend *be)
{
	struct knat_net *kn = be->svc->kn;
	int err;

	lockdep_assert_held(&kn->lock);
	err = rhashtable_lookup_insert_fast(&kn->be_svc_index, &be->svc_node,
					    knat_be_svc_params);
	if (err)
		return err;
	err = knat_be_group_join(kn, be);
	if (err)
		rhashtable_remove_fast(&kn->be_svc_index, &be->svc_node,
				       knat_be_svc_params);
	return err;
}

void knat_be_index_del(struct knat_backend *be)
{
	struct knat_net *kn = be->svc->kn;

	lockdep_assert_held(&kn->lock);
	knat_be_group_leave(kn, be);
	rhashtable_remove_fast(&kn->be_svc_index, &be->svc_node,
			       knat_be_svc_params);
}

int knat_svc_index_net_init(struct knat_net *kn)
{
	int err;

	knat_svc_index_layout();
	err = rhashtable_init(&kn->svc_index, &knat_svc_params);
	if (err)
		return err;
	err = rhltable_init(&kn->vip_index, &knat_vip_params);
	if (err)
		goto err_svc;
	err = rhashtable_init(&kn->be_index, &knat_be_params);
	if (err)
		goto err_vip;
	err = rhashtable_init(&kn->be_svc_index, &knat_be_svc_params);
	if (err)
		goto err_be;
	return 0;

err_be:
	rhashtable_destroy(&kn->be_index);
err_vip:
	rhltable_destroy(&kn->vip_index);
err_svc:
	rhashtable_destroy(&kn->svc_index);
	return err;
}

static void knat_be_group_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/*
 * The objects are freed on their own (service.c); the tables go, and the
 * backend groups, which no packet can reach any more.
 */
void knat_svc_index_net_exit(struct knat_net *kn)
{
	rhashtable_destroy(&kn->be_svc_index);
	rhashtable_free_and_destroy(&kn->be_index, knat_be_group_free, NULL);
	rhltable_destroy(&kn->vip_index);
	rhashtable_destroy(&kn->svc_index);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "svc_index_test.c"
#endif
