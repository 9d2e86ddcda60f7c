// SPDX-License-Identifier: GPL-2.0
/*
 * SNAT port allocation and mappings.
 *
 * Every SNAT rule keeps one bitmap of its port range per outside address
 * and protocol.  A new mapping keeps the inside source port when its bit
 * is free (port preservation), otherwise takes the first free bit after a
 * random offset.  find_next_zero_bit() skips 64 used ports per word, so a
 * nearly full range costs at most one pass over the map (1 024 words for
 * 65 536 ports); ports that forwards own are skipped, and at most
 * KNAT_PORT_PROBES free candidates are checked against the flow table and
 * local sockets.  Exhaustion fails
 * the allocation and is counted: a live mapping is never reused.
 *
 * Per rule and CPU, each allocation's number of candidates tried goes into
 * a log2 histogram: the cost of the search, which grows as the range
 * fills up, long before it is exhausted.
 */

#include <linux/bitmap.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/inet_hashtables.h>
#include <net/ipv6.h>
#include <net/udp.h>

#include "decide.h"
#include "events.h"
#include "portalloc.h"

/* The search bounds the attempts: the last bucket is no catch-all. */
static_assert(1 + KNAT_PORT_PROBES < 1U << KNAT_SNAT_ATTEMPT_BUCKETS);

#define KNAT_NPROTO 3	/* TCP, UDP, ICMP: each has its own port space */

static u32 knat_addr_seed __read_mostly;

static const struct rhashtable_params knat_mapping_params = {
	.head_offset = offsetof(struct knat_mapping, node),
	.key_offset = offsetof(struct knat_mapping, key),
	.key_len = sizeof(struct knat_mapping_key),
	.automatic_shrinking = true,
};

static int knat_proto_idx(u8 proto)
{
	return proto == IPPROTO_TCP ? 0 : proto == IPPROTO_UDP ? 1 : 2;
}

static struct knat_port_map *knat_port_map(struct knat_snat *rule,
					   unsigned int addr_idx, u8 proto)
{
	return &rule->ports[addr_idx * KNAT_NPROTO + knat_proto_idx(proto)];
}

int knat_port_map_alloc(struct knat_snat *rule)
{
	unsigned int nports = rule->port_max - rule->port_min + 1;
	unsigned int i, n = rule->naddrs * KNAT_NPROTO;

	rule->stats = alloc_percpu_gfp(struct knat_snat_stats,
				       GFP_KERNEL_ACCOUNT);
	rule->ports = kcalloc(n, sizeof(*rule->ports), GFP_KERNEL_ACCOUNT);
	if (!rule->ports || !rule->stats) {
		knat_port_map_free(rule);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		rule->ports[i].bits = bitmap_zalloc(nports,
						    GFP_KERNEL_ACCOUNT);
		if (!rule->ports[i].bits) {
			knat_port_map_free(rule);
			return -ENOMEM;
		}
	}
	return 0;
}

void knat_port_map_free(struct knat_snat *rule)
{
	unsigned int i;

	free_percpu(rule->stats);
	rule->stats = NULL;
	if (!rule->ports)
		return;
	for (i = 0; i < rule->naddrs * KNAT_NPROTO; i++)
		bitmap_free(rule->ports[i].bits);
	kfree(rule->ports);
	rule->ports = NULL;
}

/* Outside ports the rule's mappings hold now, over addresses and protocols. */
u32 knat_snat_ports_in_use(const struct knat_snat *rule)
{
	unsigned int i;
	u32 n = 0;

	for (i = 0; i < rule->naddrs * KNAT_NPROTO; i++)
		n += atomic_read(&rule->ports[i].used);
	return n;
}

void knat_snat_stats_sum(const struct knat_snat *rule,
			 struct knat_snat_stats *sum)
{
	unsigned int b;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct knat_snat_stats *s = per_cpu_ptr(rule->stats, cpu);

		for (b = 0; b < KNAT_SNAT_ATTEMPT_BUCKETS; b++)
			sum->attempts[b] += READ_ONCE(s->attempts[b]);
		sum->attempts_sum += READ_ONCE(s->attempts_sum);
		sum->exhausted += READ_ONCE(s->exhausted);
	}
}

/*
 * May ADDR:PORT stand for a new inside endpoint talking to PEER:PEER_PORT?
 * Not if the reply tuple is taken, a forward listens there, or one of
 * this host's own sockets owns it (port shadowing, CVE-2021-3773).
 */
bool knat_port_shadowed(struct knat_net *kn, u8 proto, __be32 addr,
			__be16 port, __be32 peer, __be16 peer_port)
{
	struct net *net = kn->net;
	struct sock *sk = NULL;

	if (knat_forward_covers(kn, proto, addr, ntohs(port)))
		return true;

	rcu_read_lock();
	switch (proto) {
	case IPPROTO_TCP:
		sk = __inet_lookup_listener(net, net->ipv4.tcp_death_row.hashinfo,
					    NULL, 0, peer, peer_port, addr,
					    ntohs(port), 0, 0);
		if (sk)
			break;
		sk = __inet_lookup_established(net,
					       net->ipv4.tcp_death_row.hashinfo,
					       peer, peer_port, addr,
					       ntohs(port), 0, 0);
		if (sk)
			sock_gen_put(sk);	/* the lookup took a reference */
		break;
	case IPPROTO_UDP:
		sk = __udp4_lib_lookup(net, peer, peer_port, addr, port, 0, 0,
				       &udp_table, NULL);
		break;
	}
	rcu_read_unlock();
	return sk;
}

/*
 * Claim one port of @map for @orig's reply, if nothing else owns it;
 * @dry: only say whether it could.
 */
/*
 * An SNAT flow's first packet as the allocator sees it: its tuple and,
 * IPv6, its addresses and the outside address (out6; out_addr IPv4).
 */
struct knat_pa_req {
	const struct knat_tuple *orig;
	const struct in6_addr *orig6;	/* NULL: IPv4 */
	__be32 out_addr;
	struct in6_addr out6;
};

static bool knat_port_claim(struct knat_net *kn, struct knat_snat *rule,
			    struct knat_port_map *map, unsigned int bit,
			    const struct knat_pa_req *rq, bool dry)
{
	const struct knat_tuple *orig = rq->orig;
	__be16 port = htons(rule->port_min + bit);
	struct in6_addr reply6[2];
	struct knat_tuple reply;
	bool busy;

	knat_snat_reply(orig, rq->out_addr, port, &reply);
	if (rq->orig6) {
		reply6[0] = rq->orig6[1];
		reply6[1] = rq->out6;
		knat_tuple_fold6(&reply, reply6);
	}
	if (dry ? test_bit(bit, map->bits) : test_and_set_bit(bit, map->bits))
		return false;
	if (rq->orig6)
		busy = knat_tuple_taken6(kn, &reply, reply6) ||
		       knat_port_shadowed6(kn, orig->proto, &rq->out6, port,
					   &rq->orig6[1], orig->dport);
	else
		busy = knat_tuple_taken(kn, &reply) ||
		       knat_port_shadowed(kn, orig->proto, rq->out_addr, port,
					  orig->dst, orig->dport);
	if (busy) {
		if (!dry)
			clear_bit(bit, map->bits);
		return false;
	}
	return true;
}

/*
 * One pass over the map from a random offset; false when exhausted.
 * *@tries counts the candidates it tried to claim.  A @dry search,
 * claiming nothing, starts at 0: it can only tell whether a port is left,
 * not which one the random start would find.
 */
static bool knat_port_search(struct knat_net *kn, struct knat_snat *rule,
			     struct knat_port_map *map,
			     const struct knat_pa_req *rq,
			     bool dry, unsigned int *bitp, unsigned int *tries)
{
	const struct knat_tuple *orig = rq->orig;
	unsigned int nports = rule->port_max - rule->port_min + 1;
	unsigned int start = dry ? 0 : prandom_u32_max(nports);
	unsigned int bit = start, end = nports, probes = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (;;) {
			bit = find_next_zero_bit(map->bits, end, bit);
			if (bit >= end)
				break;
			/*
			 * Ports a forward owns are configuration, not
			 * contention: skipping them costs no probe, or a
			 * large forward inside the range would look like
			 * exhaustion.
			 */
			if (rq->orig6 ?
			    knat_forward_covers6(kn, orig->proto, &rq->out6,
						 rule->port_min + bit) :
			    knat_forward_covers(kn, orig->proto, rq->out_addr,
						rule->port_min + bit)) {
				bit++;
				continue;
			}
			(*tries)++;
			if (knat_port_claim(kn, rule, map, bit, rq, dry)) {
				*bitp = bit;
				return true;
			}
			if (++probes >= KNAT_PORT_PROBES)
				return false;
			bit++;
		}
		bit = 0;
		end = start;
	}
	return false;
}

static void knat_port_attempts(struct knat_snat *rule, unsigned int tries)
{
	unsigned int b = min_t(unsigned int, ilog2(tries),
			       KNAT_SNAT_ATTEMPT_BUCKETS - 1);

	this_cpu_inc(rule->stats->attempts[b]);
	this_cpu_add(rule->stats->attempts_sum, tries);
}

static void knat_mapping_release_port(struct knat_mapping *m)
{
	struct knat_snat *rule = m->key.rule;
	struct knat_port_map *map = knat_port_map(rule, m->addr_idx,
						  m->key.proto);

	clear_bit(ntohs(m->out_port) - rule->port_min, map->bits);
	atomic_dec(&map->used);
}

/* Same inside address, same outside address: "paired" pooling (REQ-2). */
static unsigned int knat_addr_idx(const struct knat_snat *rule,
				  const struct knat_pa_req *rq)
{
	u32 h;

	if (rule->naddrs <= 1)
		return 0;
	if (rq->orig6)
		h = jhash2((__force const u32 *)rq->orig6[0].s6_addr32, 4,
			   knat_addr_seed);
	else
		h = jhash_1word((__force u32)rq->orig->src, knat_addr_seed);
	return reciprocal_scale(h, rule->naddrs);
}

static bool knat_mapping_out_is(const struct knat_mapping *m,
				const struct knat_pa_req *rq)
{
	return m->out_addr == rq->out_addr &&
	       ipv6_addr_equal(&m->out6, &rq->out6);
}

static struct knat_mapping *knat_mapping_find(struct knat_net *kn,
					      const struct knat_mapping_key *key,
					      const struct knat_pa_req *rq)
{
	struct knat_mapping *m;

	rcu_read_lock();
	m = rhashtable_lookup(&kn->mappings, key, knat_mapping_params);
	if (m && (!knat_mapping_out_is(m, rq) ||
		  !refcount_inc_not_zero(&m->ref)))
		m = NULL;
	rcu_read_unlock();
	return m;
}

/*
 * The request for @orig (@orig6) with the outside address @out_addr
 * (@out6), or the rule's when that is 0 (NULL).
 */
static void knat_pa_req_init(struct knat_pa_req *rq,
			     const struct knat_snat *rule,
			     const struct knat_tuple *orig,
			     const struct in6_addr *orig6, __be32 out_addr,
			     const struct in6_addr *out6)
{
	memset(rq, 0, sizeof(*rq));
	rq->orig = orig;
	rq->orig6 = orig6;
	if (orig6 && out6)
		rq->out6 = *out6;
	else if (orig6)
		rq->out6 = knat_snat_addr6(rule, knat_addr_idx(rule, rq));
	else
		rq->out_addr = out_addr ?: htonl(ntohl(rule->to_min) +
						 knat_addr_idx(rule, rq));
}

static void knat_mapping_key_init(struct knat_mapping_key *key,
				  struct knat_snat *rule,
				  const struct knat_pa_req *rq)
{
	memset(key, 0, sizeof(*key));
	key->rule = rule;
	key->port = rq->orig->sport;
	key->proto = rq->orig->proto;
	if (rq->orig6)
		key->addr6 = rq->orig6[0];
	else
		key->addr = rq->orig->src;
}

/*
 * The port of a new mapping: the inside port when free (preservation),
 * else a search.  @dry claims nothing, and its search says only whether
 * a port is left: *@bitp is then meaningless.  false when exhausted.
 * *@tries counts the candidates tried; keeping the inside port, when in
 * range, is the first.
 */
static bool knat_port_choose(struct knat_net *kn, struct knat_snat *rule,
			     struct knat_port_map *map,
			     const struct knat_pa_req *rq,
			     bool dry, unsigned int *bitp, bool *preserved,
			     unsigned int *tries)
{
	unsigned int sport = ntohs(rq->orig->sport);
	bool in_range = sport >= rule->port_min && sport <= rule->port_max;

	if (in_range)
		(*tries)++;
	*preserved = in_range &&
		     knat_port_claim(kn, rule, map, sport - rule->port_min,
				     rq, dry);
	if (*preserved) {
		*bitp = sport - rule->port_min;
		return true;
	}
	return knat_port_search(kn, rule, map, rq, dry, bitp, tries);
}

/* Either family's peek, once @rq says who asks and from where. */
static int knat_mapping_peek_req(struct knat_net *kn, struct knat_snat *rule,
				 const struct knat_tuple *orig,
				 const struct knat_pa_req *rq, __be16 *portp,
				 u32 *flags)
{
	struct knat_mapping_key key;
	struct knat_port_map *map;
	struct knat_mapping *m;
	unsigned int bit, tries = 0;
	bool preserved;

	knat_mapping_key_init(&key, rule, rq);
	*portp = 0;
	if (!(rule->flags & KNAT_SNAT_F_APDM)) {
		m = rhashtable_lookup(&kn->mappings, &key, knat_mapping_params);
		if (m && knat_mapping_out_is(m, rq) && refcount_read(&m->ref)) {
			*portp = m->out_port;
			*flags |= KNAT_DECIDE_F_MAPPING_HIT;
			return 0;
		}
	}
	map = knat_port_map(rule, knat_addr_idx(rule, rq), orig->proto);
	if (!knat_port_choose(kn, rule, map, rq, true, &bit, &preserved,
			      &tries))
		return -ENOSPC;
	if (preserved) {
		*portp = orig->sport;
		*flags |= KNAT_DECIDE_F_PORT_PRESERVED;
	} else {
		*flags |= KNAT_DECIDE_F_PORT_RANDOM;
	}
	return 0;
}

/*
 * What knat_mapping_get() would answer now, taking nothing: the outside
 * address and port and how they come (KNAT_DECIDE_F_*).  A port that is
 * neither kept nor already mapped is drawn at random: *@portp is then 0
 * and KNAT_DECIDE_F_PORT_RANDOM set.  -ENOSPC when no port is left.
 * RCU held.
 */
int knat_mapping_peek(struct knat_net *kn, struct knat_snat *rule,
		      const struct knat_tuple *orig, __be32 out_addr,
		      __be32 *addrp, __be16 *portp, u32 *flags)
{
	struct knat_pa_req rq;

	knat_pa_req_init(&rq, rule, orig, NULL, out_addr, NULL);
	*addrp = rq.out_addr;
	return knat_mapping_peek_req(kn, rule, orig, &rq, portp, flags);
}

/*
 * The same for an IPv6 flow, as knat_mapping_get6() would answer: @orig6
 * its addresses, @out6 the masquerade address or NULL for one of the
 * rule's; the outside address in *@addrp.
 */
int knat_mapping_peek6(struct knat_net *kn, struct knat_snat *rule,
		       const struct knat_tuple *orig,
		       const struct in6_addr *orig6,
		       const struct in6_addr *out6, struct in6_addr *addrp,
		       __be16 *portp, u32 *flags)
{
	struct knat_pa_req rq;

	knat_pa_req_init(&rq, rule, orig, orig6, 0, out6);
	*addrp = rq.out6;
	return knat_mapping_peek_req(kn, rule, orig, &rq, portp, flags);
}

/*
 * The mapping for a new SNAT flow @orig through @rule, with a reference.
 * @out_addr is the masquerade address, or 0 to pick one of the rule's.
 * ERR_PTR(-ENOSPC) when no port is free, -ENOMEM without memory.
 */
static struct knat_mapping *
knat_mapping_get_req(struct knat_net *kn, struct knat_snat *rule,
		     const struct knat_pa_req *rq, bool *preserved)
{
	bool eim = !(rule->flags & KNAT_SNAT_F_APDM);
	const struct knat_tuple *orig = rq->orig;
	struct knat_mapping *m, *old;
	struct knat_mapping_key key;
	struct mem_cgroup *memcg;
	struct knat_port_map *map;
	unsigned int bit, tries = 0;

	*preserved = false;
	knat_mapping_key_init(&key, rule, rq);
	if (eim) {
		m = knat_mapping_find(kn, &key, rq);
		if (m)
			return m;
	}

	memcg = knat_memcg_enter(kn);
	m = kzalloc(sizeof(*m), GFP_ATOMIC | __GFP_ACCOUNT);
	knat_memcg_exit(memcg);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->key = key;
	m->out_addr = rq->out_addr;
	m->out6 = rq->out6;
	m->addr_idx = knat_addr_idx(rule, rq);
	refcount_set(&m->ref, 1);
	map = knat_port_map(rule, m->addr_idx, orig->proto);

	if (!knat_port_choose(kn, rule, map, rq, false, &bit, preserved,
			      &tries)) {
		kfree(m);
		this_cpu_inc(rule->stats->exhausted);
		if (!rq->orig6)
			knat_event_port_exhausted(kn, rule, orig, rq->out_addr);
		return ERR_PTR(-ENOSPC);
	}
	knat_port_attempts(rule, tries);
	m->out_port = htons(rule->port_min + bit);
	atomic_inc(&map->used);

	if (!eim)
		return m;
	old = rhashtable_lookup_get_insert_fast(&kn->mappings, &m->node,
						knat_mapping_params);
	if (!old) {
		m->hashed = true;
	} else if (!IS_ERR(old) && knat_mapping_out_is(old, rq) &&
		   refcount_inc_not_zero(&old->ref)) {
		/* Another CPU mapped this endpoint first: share its port. */
		knat_mapping_release_port(m);
		kfree(m);
		*preserved = false;
		return old;
	}
	/* Otherwise (table trouble, a dying twin) it serves unshared. */
	return m;
}

struct knat_mapping *knat_mapping_get(struct knat_net *kn,
				      struct knat_snat *rule,
				      const struct knat_tuple *orig,
				      __be32 out_addr, bool *preserved)
{
	struct knat_pa_req rq;

	knat_pa_req_init(&rq, rule, orig, NULL, out_addr, NULL);
	return knat_mapping_get_req(kn, rule, &rq, preserved);
}

/*
 * The same for an IPv6 flow: @orig6 its addresses, @out6 the masquerade
 * address or NULL for one of the rule's.
 */
struct knat_mapping *knat_mapping_get6(struct knat_net *kn,
				       struct knat_snat *rule,
				       const struct knat_tuple *orig,
				       const struct in6_addr *orig6,
				       const struct in6_addr *out6,
				       bool *preserved)
{
	struct knat_pa_req rq;

	knat_pa_req_init(&rq, rule, orig, orig6, 0, out6);
	return knat_mapping_get_req(kn, rule, &rq, preserved);
}

void knat_mapping_put(struct knat_net *kn, struct knat_mapping *m)
{
	if (!refcount_dec_and_test(&m->ref))
		return;
	if (m->hashed)
		rhashtable_remove_fast(&kn->mappings, &m->node,
				       knat_mapping_params);
	knat_mapping_release_port(m);
	kfree_rcu(m, rcu);
}

int knat_portalloc_net_init(struct knat_net *kn)
{
	if (!knat_addr_seed)
		knat_addr_seed = get_random_u32() | 1;
	return rhashtable_init(&kn->mappings, &knat_mapping_params);
}

/* Every flow, hence every mapping, is gone by now. */
void knat_portalloc_net_exit(struct knat_net *kn)
{
	rhashtable_destroy(&kn->mappings);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "portalloc_test.c"
#include "portalloc_search_test.c"
#include "portalloc6_test.c"
#endif
