/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_MAGLEV_H
#define _KNAT_MAGLEV_H

#include <linux/rcupdate.h>
#include <linux/types.h>

/*
 * Table sizes: prime (every skip then walks a full permutation) and large
 * against the number of backends, since a table of M slots splits the
 * flows in steps of 1/M.  The default keeps the table at 128 KiB.
 */
#define KNAT_MAGLEV_M_MIN	251U
#define KNAT_MAGLEV_M_MAX	1000003U
#define KNAT_MAGLEV_M_DEFAULT	65537U

/* A slot holds a backend index, or KNAT_MAGLEV_NONE: at most 65535. */
#define KNAT_MAGLEV_NONE	0xffffU
#define KNAT_MAGLEV_MAX_BACKENDS 65535U

/*
 * One backend as the caller sees it.  @key names it across table builds
 * and across routers (the caller derives it from ADDR:PORT): the slots a
 * backend prefers depend on @key alone, never on its place in the array.
 * A backend of weight 0 takes no slot.
 */
struct knat_maglev_backend {
	u64 key;
	u32 weight;
};

/*
 * A built table, never changed once built: published with
 * rcu_assign_pointer(), retired with knat_maglev_free_rcu().  Slot i holds
 * the index (into the array it was built from) of the backend that flows
 * hashing to i go to; ->keys[index] is that backend's key, kept so that two
 * tables can be compared backend by backend (knat_maglev_moved()).
 */
struct knat_maglev {
	struct rcu_head rcu;
	u32 m;			/* slots, prime */
	u32 n;			/* backends built from: entries in ->keys */
	u32 nlive;		/* of which hold slots (weight > 0) */
	const u64 *keys;	/* n keys, in the same allocation */
	u16 slots[];		/* m backend indices */
};

int knat_maglev_build(struct knat_maglev **out,
		      const struct knat_maglev_backend *be, unsigned int n,
		      u32 m);
void knat_maglev_free(struct knat_maglev *t);
void knat_maglev_free_rcu(struct knat_maglev *t);
u32 knat_maglev_moved(const struct knat_maglev *a,
		      const struct knat_maglev *b);
bool knat_maglev_m_valid(u32 m);

/*
 * The backend index for a flow, or KNAT_MAGLEV_NONE when the table holds
 * no backend.  @hash must be computed the same way on every router that
 * shares the table's configuration (not with a per-boot secret) for a
 * flow to reach the same backend whichever router ECMP picks.
 */
static inline u32 knat_maglev_find(const struct knat_maglev *t, u32 hash)
{
	return t->slots[hash % t->m];
}

/* The key of the backend at @idx, a value knat_maglev_find() returned. */
static inline u64 knat_maglev_key(const struct knat_maglev *t, u32 idx)
{
	return t->keys[idx];
}

#endif /* _KNAT_MAGLEV_H */
