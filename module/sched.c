// SPDX-License-Identifier: GPL-2.0
/* The scheduler registry, and the flow hash schedulers share. */

#include <linux/siphash.h>
#include <linux/string.h>

#include "flow.h"
#include "service.h"

static const struct knat_sched *const knat_scheds[] = {
	&knat_sched_rr, &knat_sched_wrr, &knat_sched_lc, &knat_sched_wlc,
	&knat_sched_sh, &knat_sched_maglev,
};

const struct knat_sched *knat_sched_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(knat_scheds); i++)
		if (!strcmp(knat_scheds[i]->name, name))
			return knat_scheds[i];
	return NULL;
}

/*
 * A service's scheduler state goes with the service: out of the slot
 * first, so that no reader starting now finds it, then freed by ->done()
 * after those that did.  Config lock held, or no reader left.
 */
void knat_sched_done(struct knat_service *svc)
{
	const struct knat_sched *sched = svc->sched;
	struct knat_sched_data *d = knat_sched_data_locked(svc, sched);

	RCU_INIT_POINTER(svc->sched_data, NULL);
	if (sched->done)
		sched->done(svc, d);
}

/*
 * A fixed key, not a per-boot secret: every knat router behind one ECMP
 * group must send a given flow (or client) to the same backend.  Clients
 * choose their tuples, but they can only aim at one backend with them,
 * which they could do anyway by connecting to it.
 */
static const siphash_key_t knat_sched_key = {{
	0x6b6e61742d736368ULL, 0x65642d6b65792d31ULL,
}};

/*
 * The hash of a new flow (@client_only: of its client address alone) that
 * sh and maglev map to a backend.  An IPv6 flow's (@a6: its source and
 * destination) covers the whole 128-bit addresses, not the tuple's folds:
 * clients that differ in any bit spread as IPv4 clients do, and a client
 * cannot pick another's backend by choosing an address of the same fold.
 */
u32 knat_sched_hash(const struct knat_tuple *t, const struct in6_addr *a6,
		    bool client_only)
{
	u64 ports = client_only ? 0 :
		    (u64)(__force u16)t->sport << 32 |
		    (u64)(__force u16)t->dport << 16 | t->proto;
	u64 addrs = (u64)(__force u32)t->src << 32 |
		    (client_only ? 0 : (__force u32)t->dst);
	struct {
		struct in6_addr src, dst;
		u64 ports;
	} k6;

	if (!a6)
		return (u32)siphash_2u64(addrs, ports, &knat_sched_key);
	k6.src = a6[0];
	if (client_only)
		memset(&k6.dst, 0, sizeof(k6.dst));
	else
		k6.dst = a6[1];
	k6.ports = ports;
	return (u32)siphash(&k6, sizeof(k6), &knat_sched_key);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "sched_test.c"
#include "sched_state_test.c"
#endif
