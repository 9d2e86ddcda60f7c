/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_PORTALLOC_H
#define _KNAT_PORTALLOC_H

#include <linux/rhashtable-types.h>
#include <linux/refcount.h>

#include "flow.h"
#include "rules.h"

/* The inside endpoint a mapping stands for. */
struct knat_mapping_key {
	struct knat_snat *rule;
	__be32 addr;
	__be16 port;
	u8 proto;
	u8 pad;
	struct in6_addr addr6;	/* IPv6 rules: the inside address */
};

/*
 * An SNAT mapping: inside ADDR:PORT -> outside ADDR:PORT, shared by every
 * flow of that inside endpoint (endpoint-independent mapping, RFC 4787
 * REQ-1 and RFC 5382 REQ-1), or owned by one flow when the rule asks for
 * address-port-dependent mapping.  Holds one bit of its rule's port map.
 */
struct knat_mapping {
	struct rhash_head node;
	struct knat_mapping_key key;
	__be32 out_addr;
	__be16 out_port;
	u8 addr_idx;
	struct in6_addr out6;	/* IPv6 rules: the outside address */
	bool hashed;		/* findable by key: endpoint-independent */
	refcount_t ref;
	struct rcu_head rcu;
};

/* Probes of candidate ports beyond the port map, per allocation. */
#define KNAT_PORT_PROBES	128

struct knat_mapping *knat_mapping_get(struct knat_net *kn,
				      struct knat_snat *rule,
				      const struct knat_tuple *orig,
				      __be32 out_addr, bool *preserved);
struct knat_mapping *knat_mapping_get6(struct knat_net *kn,
				       struct knat_snat *rule,
				       const struct knat_tuple *orig,
				       const struct in6_addr *orig6,
				       const struct in6_addr *out6,
				       bool *preserved);
void knat_mapping_put(struct knat_net *kn, struct knat_mapping *m);
int knat_mapping_peek(struct knat_net *kn, struct knat_snat *rule,
		      const struct knat_tuple *orig, __be32 out_addr,
		      __be32 *addrp, __be16 *portp, u32 *flags);
int knat_mapping_peek6(struct knat_net *kn, struct knat_snat *rule,
		       const struct knat_tuple *orig,
		       const struct in6_addr *orig6,
		       const struct in6_addr *out6, struct in6_addr *addrp,
		       __be16 *portp, u32 *flags);

/* The rule's port maps and allocation statistics. */
int knat_port_map_alloc(struct knat_snat *rule);
void knat_port_map_free(struct knat_snat *rule);
u32 knat_snat_ports_in_use(const struct knat_snat *rule);
void knat_snat_stats_sum(const struct knat_snat *rule,
			 struct knat_snat_stats *sum);

bool knat_port_shadowed(struct knat_net *kn, u8 proto, __be32 addr,
			__be16 port, __be32 peer, __be16 peer_port);

int knat_portalloc_net_init(struct knat_net *kn);
void knat_portalloc_net_exit(struct knat_net *kn);

#endif /* _KNAT_PORTALLOC_H */
