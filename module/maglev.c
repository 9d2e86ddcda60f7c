// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016, section 3.4):
 * the table that maps a flow hash to a backend of a service.
 *
 * Every backend has a preference list, a permutation of the M slots
 * (M prime) fixed by its key alone: offset + j * skip (mod M).  Backends
 * take turns claiming the next slot on their list that is still empty
 * until every slot is taken.  Since the lists do not depend on which other
 * backends exist, removing one backend frees its slots and moves few
 * others; adding one takes about 1/n of the slots, mostly from everyone.
 *
 * Weights: backend i's k-th turn comes at virtual time k / w_i, and turns
 * are taken in order of that time.  With equal weights this is the
 * paper's round robin; in general it is the usual "turn when the credit
 * reaches the largest weight" round robin with the rounds cut finer.  As
 * every turn claims exactly one slot, backend i ends up with
 * M * w_i / W slots (W the sum of the weights) to within about one.
 * Ties go to the smaller key, so the table depends only on the set of
 * (key, weight) pairs and M, not on the order the backends are given in.
 *
 * Cost of a build, which may sleep and never runs on the packet path:
 * M turns, each an O(log n) heap step plus a walk along one preference
 * list to the first empty slot.  With lists that behave as random the
 * walks add up to about M ln M probes (a slot is found after 1 / (1 - f)
 * probes when a fraction f is taken), so O(M (log M + log n)) in all:
 * about 0.8 million probes for M = 65537.  Memory: the table itself
 * (2 bytes a slot, 8 a backend) and 36 bytes a backend while building.
 */

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "maglev.h"

/*
 * The permutations must be the same on every router of an ECMP group and
 * across reboots and upgrades: routers that share a service configuration
 * must build identical tables, or a flow whose packets ECMP spreads over
 * several routers (after a route change, or when one of them fails) would
 * reach different backends.  So the two hashes use fixed keys, never a
 * secret drawn at boot.  Nothing is lost: backend keys come from the
 * operator's configuration, not from packets, so there is nothing to keep
 * secret from remote hosts.  Changing these keys or the way offset and
 * skip are derived changes every table: all routers of a group have to
 * change at once.
 */
static const siphash_key_t knat_maglev_offset_key = {{
	0x6b6e61742d6d6167ULL, 0x6c65762d6f666673ULL,	/* "knat-maglev-offs" */
}};
static const siphash_key_t knat_maglev_skip_key = {{
	0x6b6e61742d6d6167ULL, 0x6c65762d736b6970ULL,	/* "knat-maglev-skip" */
}};

/* The slots are memset() to "no backend". */
static_assert(KNAT_MAGLEV_NONE == U16_MAX);
static_assert(KNAT_MAGLEV_MAX_BACKENDS <= KNAT_MAGLEV_NONE);

/* A backend while the table is built. */
struct knat_maglev_perm {
	u64 key;
	u32 weight;
	u32 next;	/* the slot its preference list reached */
	u32 skip;	/* [1, M - 1] */
	u32 turns;	/* taken so far: slots claimed */
	u16 idx;	/* in the caller's array */
};

bool knat_maglev_m_valid(u32 m)
{
	u32 d;

	if (m < KNAT_MAGLEV_M_MIN || m > KNAT_MAGLEV_M_MAX || !(m & 1))
		return false;
	for (d = 3; d <= m / d; d += 2)
		if (m % d == 0)
			return false;
	return true;
}

static int knat_maglev_cmp_key(const void *a, const void *b)
{
	const struct knat_maglev_perm *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/*
 * Does backend @a's next turn come before @b's?  Turn k + 1 of a backend
 * of weight w is due at (k + 1) / w; compare cross-multiplied (below
 * 2^20 * 2^32, exact in 64 bits).  @a and @b are places in the array
 * sorted by key: the smaller key goes first on a tie.
 */
static bool knat_maglev_before(const struct knat_maglev_perm *perm, u32 a,
			       u32 b)
{
	u64 ta = (u64)(perm[a].turns + 1) * perm[b].weight;
	u64 tb = (u64)(perm[b].turns + 1) * perm[a].weight;

	return ta < tb || (ta == tb && a < b);
}

static void knat_maglev_sift_down(const struct knat_maglev_perm *perm,
				  u32 *heap, u32 n, u32 i)
{
	u32 x = heap[i];

	for (;;) {
		u32 c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && knat_maglev_before(perm, heap[c + 1], heap[c]))
			c++;
		if (!knat_maglev_before(perm, heap[c], x))
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = x;
}

/* Fill all of @t's slots from the @nlive backends of @perm (weight > 0). */
static void knat_maglev_populate(struct knat_maglev *t,
				 struct knat_maglev_perm *perm, u32 *heap,
				 u32 nlive)
{
	u32 m = t->m, filled, i;

	for (i = 0; i < nlive; i++)
		heap[i] = i;
	for (i = nlive / 2; i-- > 0;)
		knat_maglev_sift_down(perm, heap, nlive, i);

	for (filled = 0; filled < m; filled++) {
		struct knat_maglev_perm *p = &perm[heap[0]];

		/* A full permutation (M prime): ends at an empty slot. */
		while (t->slots[p->next] != KNAT_MAGLEV_NONE) {
			p->next += p->skip;
			if (p->next >= m)
				p->next -= m;
		}
		t->slots[p->next] = p->idx;
		p->turns++;
		knat_maglev_sift_down(perm, heap, nlive, 0);
		if (!(filled & 4095))
			cond_resched();
	}
}

/*
 * Build the table of @m slots for the @n backends @be into *@out: 0,
 * -EINVAL (M not a prime in range, too many backends, two with the same
 * key) or -ENOMEM.  Backend indices in the table are places in @be.  With
 * no backend of non-zero weight every slot holds KNAT_MAGLEV_NONE.
 * May sleep.
 */
int knat_maglev_build(struct knat_maglev **out,
		      const struct knat_maglev_backend *be, unsigned int n,
		      u32 m)
{
	struct knat_maglev_perm *perm = NULL;
	struct knat_maglev *t;
	size_t keys_off;
	u32 *heap = NULL;
	u32 i, nlive;
	u64 *keys;
	int err;

	might_sleep();
	if (!knat_maglev_m_valid(m) || n > KNAT_MAGLEV_MAX_BACKENDS ||
	    (n && !be))
		return -EINVAL;

	keys_off = ALIGN(struct_size(t, slots, m), sizeof(u64));
	t = kvmalloc(keys_off + n * sizeof(u64), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->m = m;
	t->n = n;
	t->nlive = 0;
	keys = (u64 *)((char *)t + keys_off);
	t->keys = keys;
	memset(t->slots, 0xff, m * sizeof(t->slots[0]));
	for (i = 0; i < n; i++)
		keys[i] = be[i].key;

	if (n) {
		perm = kvmalloc_array(n, sizeof(*perm), GFP_KERNEL_ACCOUNT);
		heap = kvmalloc_array(n, sizeof(*heap), GFP_KERNEL_ACCOUNT);
		err = -ENOMEM;
		if (!perm || !heap)
			goto err;
	}
	for (i = 0; i < n; i++)
		perm[i] = (struct knat_maglev_perm) {
			.key = be[i].key,
			.weight = be[i].weight,
			.idx = i,
		};
	sort(perm, n, sizeof(*perm), knat_maglev_cmp_key, NULL);

	/* Keep the backends that take slots, still in key order. */
	err = -EINVAL;
	for (i = 0, nlive = 0; i < n; i++) {
		struct knat_maglev_perm *p = &perm[i];

		if (i && p->key == perm[i - 1].key)
			goto err;
		if (!p->weight)
			continue;
		p->next = siphash_1u64(p->key, &knat_maglev_offset_key) % m;
		p->skip = siphash_1u64(p->key, &knat_maglev_skip_key) %
			  (m - 1) + 1;
		perm[nlive++] = *p;
	}
	t->nlive = nlive;
	if (nlive)
		knat_maglev_populate(t, perm, heap, nlive);

	kvfree(heap);
	kvfree(perm);
	*out = t;
	return 0;

err:
	kvfree(heap);
	kvfree(perm);
	kvfree(t);
	return err;
}

/* Free a table no reader can see: never published, or after a grace period. */
void knat_maglev_free(struct knat_maglev *t)
{
	kvfree(t);
}

/*
 * Free a table once current RCU readers are done with it.  kvfree_rcu()
 * frees kmalloc and vmalloc memory alike, which a kvmalloc()ed table may
 * be, and leaves no callback in this module behind: unloading needs no
 * rcu_barrier() for tables.  Does not sleep.
 */
void knat_maglev_free_rcu(struct knat_maglev *t)
{
	if (t)
		kvfree_rcu(t, rcu);
}

/* The key in slot @i of @t (which may be NULL: no table), or false. */
static bool knat_maglev_slot_key(const struct knat_maglev *t, u32 i, u64 *key)
{
	u32 idx = t ? t->slots[i] : KNAT_MAGLEV_NONE;

	if (idx == KNAT_MAGLEV_NONE)
		return false;
	*key = t->keys[idx];
	return true;
}

/*
 * Disruption from table @a to table @b: how many slots now lead to a
 * different backend, compared by key (indices may differ between the two
 * builds), a slot with no backend differing from every backend.  NULL
 * stands for a table with no backend.  Slots of tables of different sizes
 * do not correspond: then all of @b's slots count.
 */
u32 knat_maglev_moved(const struct knat_maglev *a,
		      const struct knat_maglev *b)
{
	const struct knat_maglev *t = a ? a : b;
	u32 i, moved = 0;

	if (!t)
		return 0;
	if (a && b && a->m != b->m)
		return b->m;
	for (i = 0; i < t->m; i++) {
		u64 ka = 0, kb = 0;
		bool ha = knat_maglev_slot_key(a, i, &ka);
		bool hb = knat_maglev_slot_key(b, i, &kb);

		moved += ha != hb || ka != kb;
	}
	return moved;
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "maglev_test.c"
#endif
