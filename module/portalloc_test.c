// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SNAT mappings, what RFC 4787 asks of them: the inside port
 * kept, one mapping per inside endpoint (or per flow with APDM), one
 * outside address per inside host.  Included from portalloc.c; the port
 * search is in portalloc_search_test.c, included right after this file
 * and sharing its fixture.
 *
 * The namespace is a fake knat_net on init_net (where nothing listens
 * during KUnit), the rules are built by hand.
 */

#include <kunit/test.h>
#include <linux/in.h>

#include "stats.h"

#define KNAT_PA_RULES		4

#define KNAT_PA_CLIENT		0x0a000102	/* 10.0.1.2 */
#define KNAT_PA_CLIENT2		0x0a000103	/* 10.0.1.3 */
#define KNAT_PA_PEER		0xc6336409	/* 198.51.100.9 */
#define KNAT_PA_PEER2		0xc633640a	/* 198.51.100.10 */
#define KNAT_PA_PUBLIC		0xcb007101	/* 203.0.113.1 */

struct knat_pa_fixture {
	struct knat_net kn;
	struct knat_snat *rules[KNAT_PA_RULES];
	unsigned int nrules;
};

/* A rule for 10.0.0.0/8 onto @to_min..@to_max:@port_min-@port_max. */
static struct knat_snat *knat_pa_rule(struct kunit *test, u32 to_min,
				      u32 to_max, u16 port_min, u16 port_max,
				      u32 flags)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *r;

	KUNIT_ASSERT_LT(test, fx->nrules, (unsigned int)KNAT_PA_RULES);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->src = htonl(0x0a000000);
	r->mask = htonl(0xff000000);
	r->plen = 8;
	r->to_min = htonl(to_min);
	r->to_max = htonl(to_max);
	r->port_min = port_min;
	r->port_max = port_max;
	r->flags = flags;
	r->naddrs = to_max - to_min + 1;
	KUNIT_ASSERT_EQ(test, knat_port_map_alloc(r), 0);
	fx->rules[fx->nrules++] = r;
	return r;
}

static struct knat_tuple knat_pa_tuple(u32 src, u16 sport, u32 dst, u16 dport,
				       u8 proto)
{
	return (struct knat_tuple) {
		.src = htonl(src), .dst = htonl(dst),
		.sport = htons(sport), .dport = htons(dport), .proto = proto,
	};
}

static struct knat_mapping *knat_pa_get(struct kunit *test,
					struct knat_snat *rule,
					const struct knat_tuple *orig,
					bool *preserved)
{
	struct knat_pa_fixture *fx = test->priv;
	bool dummy;

	return knat_mapping_get(&fx->kn, rule, orig, 0,
				preserved ? preserved : &dummy);
}

static void knat_pa_put(struct kunit *test, struct knat_mapping *m)
{
	struct knat_pa_fixture *fx = test->priv;

	knat_mapping_put(&fx->kn, m);
}

/* Host order, so that a failed expectation prints plain numbers. */
static u16 knat_pa_port(const struct knat_mapping *m)
{
	return ntohs(m->out_port);
}

static u32 knat_pa_addr(const struct knat_mapping *m)
{
	return ntohl(m->out_addr);
}

static bool knat_pa_in_range(const struct knat_snat *rule, __be16 port)
{
	return ntohs(port) >= rule->port_min && ntohs(port) <= rule->port_max;
}

/* A free inside port in range is kept. */
static void knat_portalloc_preserve(struct kunit *test)
{
	struct knat_snat *rule = knat_pa_rule(test, KNAT_PA_PUBLIC,
					      KNAT_PA_PUBLIC, 1024, 65535, 0);
	struct knat_tuple t = knat_pa_tuple(KNAT_PA_CLIENT, 40000,
					    KNAT_PA_PEER, 53, IPPROTO_UDP);
	struct knat_port_map *map = knat_port_map(rule, 0, IPPROTO_UDP);
	struct knat_mapping *m;
	bool preserved = false;

	m = knat_pa_get(test, rule, &t, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_EXPECT_TRUE(test, preserved);
	KUNIT_EXPECT_EQ(test, knat_pa_port(m), 40000);
	KUNIT_EXPECT_EQ(test, knat_pa_addr(m), KNAT_PA_PUBLIC);
	KUNIT_EXPECT_TRUE(test, m->hashed);
	KUNIT_EXPECT_TRUE(test, test_bit(40000 - 1024, map->bits));
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), 1);
	/* Each protocol has its own port space. */
	KUNIT_EXPECT_EQ(test,
			atomic_read(&knat_port_map(rule, 0, IPPROTO_TCP)->used),
			0);
	knat_pa_put(test, m);
	KUNIT_EXPECT_FALSE(test, test_bit(40000 - 1024, map->bits));
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), 0);

	/* Outside the range: a port from the range, not preserved. */
	t.sport = htons(80);
	preserved = true;
	m = knat_pa_get(test, rule, &t, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_EXPECT_FALSE(test, preserved);
	KUNIT_EXPECT_TRUE(test, knat_pa_in_range(rule, m->out_port));
	knat_pa_put(test, m);
}

/* Another inside host with the same source port gets another port. */
static void knat_portalloc_second_host(struct kunit *test)
{
	struct knat_snat *rule = knat_pa_rule(test, KNAT_PA_PUBLIC,
					      KNAT_PA_PUBLIC, 1024, 65535, 0);
	struct knat_tuple a = knat_pa_tuple(KNAT_PA_CLIENT, 40000,
					    KNAT_PA_PEER, 53, IPPROTO_UDP);
	struct knat_tuple b = knat_pa_tuple(KNAT_PA_CLIENT2, 40000,
					    KNAT_PA_PEER, 53, IPPROTO_UDP);
	struct knat_mapping *ma, *mb;
	bool preserved = true;

	ma = knat_pa_get(test, rule, &a, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ma);
	mb = knat_pa_get(test, rule, &b, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mb);
	KUNIT_EXPECT_PTR_NE(test, ma, mb);
	KUNIT_EXPECT_FALSE(test, preserved);
	KUNIT_EXPECT_EQ(test, knat_pa_port(ma), 40000);
	KUNIT_EXPECT_NE(test, knat_pa_port(mb), 40000);
	KUNIT_EXPECT_TRUE(test, knat_pa_in_range(rule, mb->out_port));
	KUNIT_EXPECT_EQ(test, ma->out_addr, mb->out_addr);
	knat_pa_put(test, ma);
	knat_pa_put(test, mb);
}

/* RFC 4787 REQ-1: one inside endpoint, one outside one, any destination. */
static void knat_portalloc_eim(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa_rule(test, KNAT_PA_PUBLIC,
					      KNAT_PA_PUBLIC, 1024, 65535, 0);
	struct knat_tuple a = knat_pa_tuple(KNAT_PA_CLIENT, 40000,
					    KNAT_PA_PEER, 53, IPPROTO_UDP);
	struct knat_tuple b = knat_pa_tuple(KNAT_PA_CLIENT, 40000,
					    KNAT_PA_PEER2, 123, IPPROTO_UDP);
	struct knat_port_map *map = knat_port_map(rule, 0, IPPROTO_UDP);
	struct knat_mapping *ma, *mb;
	bool preserved = true;

	ma = knat_pa_get(test, rule, &a, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ma);
	mb = knat_pa_get(test, rule, &b, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mb);
	KUNIT_EXPECT_PTR_EQ(test, ma, mb);
	KUNIT_EXPECT_FALSE(test, preserved);	/* not newly preserved */
	KUNIT_EXPECT_EQ(test, refcount_read(&ma->ref), 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), 1);

	/* The first put leaves the mapping to the other flow. */
	knat_pa_put(test, ma);
	KUNIT_EXPECT_EQ(test, refcount_read(&mb->ref), 1U);
	KUNIT_EXPECT_TRUE(test, test_bit(40000 - 1024, map->bits));
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 1);
	knat_pa_put(test, mb);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), 0);
}

/* KNAT_SNAT_F_APDM: every flow its own mapping, never shared. */
static void knat_portalloc_apdm(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa_rule(test, KNAT_PA_PUBLIC,
					      KNAT_PA_PUBLIC, 1024, 65535,
					      KNAT_SNAT_F_APDM);
	struct knat_tuple a = knat_pa_tuple(KNAT_PA_CLIENT, 40000,
					    KNAT_PA_PEER, 53, IPPROTO_UDP);
	struct knat_tuple b = knat_pa_tuple(KNAT_PA_CLIENT, 40000,
					    KNAT_PA_PEER2, 123, IPPROTO_UDP);
	struct knat_mapping *ma, *mb;

	ma = knat_pa_get(test, rule, &a, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ma);
	mb = knat_pa_get(test, rule, &b, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mb);
	KUNIT_EXPECT_PTR_NE(test, ma, mb);
	KUNIT_EXPECT_NE(test, ma->out_port, mb->out_port);
	KUNIT_EXPECT_FALSE(test, ma->hashed);
	KUNIT_EXPECT_FALSE(test, mb->hashed);
	KUNIT_EXPECT_EQ(test, refcount_read(&ma->ref), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 0);
	knat_pa_put(test, ma);
	knat_pa_put(test, mb);
	KUNIT_EXPECT_EQ(test,
			atomic_read(&knat_port_map(rule, 0, IPPROTO_UDP)->used),
			0);
}

/* RFC 4787 REQ-2: one inside address, one outside address, always. */
static void knat_portalloc_paired(struct kunit *test)
{
	struct knat_snat *rule = knat_pa_rule(test, KNAT_PA_PUBLIC,
					      KNAT_PA_PUBLIC + 3, 1024, 65535,
					      0);
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	unsigned int host, k, used = 0;

	for (host = 0; host < 32; host++) {
		u32 inside = 0x0a000100 + host;
		__be32 first = 0;

		for (k = 0; k < 6; k++) {
			struct knat_tuple t;
			struct knat_mapping *m;

			t = knat_pa_tuple(inside, 30000 + k * 1111,
					  KNAT_PA_PEER + k, 1000 + k,
					  protos[k % ARRAY_SIZE(protos)]);
			m = knat_pa_get(test, rule, &t, NULL);
			KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
			KUNIT_EXPECT_GE(test, knat_pa_addr(m),
					KNAT_PA_PUBLIC);
			KUNIT_EXPECT_LE(test, knat_pa_addr(m),
					KNAT_PA_PUBLIC + 3);
			KUNIT_EXPECT_EQ(test, (u32)m->addr_idx,
					knat_pa_addr(m) - KNAT_PA_PUBLIC);
			if (!k)
				first = m->out_addr;
			KUNIT_EXPECT_EQ_MSG(test, knat_pa_addr(m),
					    ntohl(first),
					    "inside host %u, flow %u", host, k);
			used |= BIT(knat_pa_addr(m) - KNAT_PA_PUBLIC);
			knat_pa_put(test, m);
		}
	}
	/* 32 hosts all on one address of 4: (1/4)^31, i.e. never. */
	KUNIT_EXPECT_GT(test, hweight32(used), 1U);
}

static int knat_portalloc_test_init(struct kunit *test)
{
	struct knat_pa_fixture *fx;
	struct knat_net *kn;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return -ENOMEM;
	kn = &fx->kn;
	kn->net = &init_net;
	kn->max_flows = 1000;
	RCU_INIT_POINTER(kn->forwards, NULL);
	RCU_INIT_POINTER(kn->snats, NULL);
	if (knat_stats_net_init(kn))
		return -ENOMEM;
	mutex_init(&kn->lock);
	if (knat_flow_net_init(kn))
		goto err_stats;
	if (knat_ftab_test_max_flows(kn, kn->max_flows))
		goto err_flow;
	if (knat_portalloc_net_init(kn))
		goto err_flow;
	test->priv = fx;
	return 0;

err_flow:
	knat_flow_net_exit(kn);
err_stats:
	knat_stats_net_exit(kn);
	return -ENOMEM;
}

static void knat_portalloc_test_exit(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	unsigned int i;

	knat_flow_net_exit(&fx->kn);
	knat_portalloc_net_exit(&fx->kn);
	knat_stats_net_exit(&fx->kn);
	for (i = 0; i < fx->nrules; i++)
		knat_port_map_free(fx->rules[i]);
}

static struct kunit_case knat_portalloc_cases[] = {
	KUNIT_CASE(knat_portalloc_preserve),
	KUNIT_CASE(knat_portalloc_second_host),
	KUNIT_CASE(knat_portalloc_eim),
	KUNIT_CASE(knat_portalloc_apdm),
	KUNIT_CASE(knat_portalloc_paired),
	{}
};

static struct kunit_suite knat_portalloc_suite = {
	.name = "knat_portalloc",
	.init = knat_portalloc_test_init,
	.exit = knat_portalloc_test_exit,
	.test_cases = knat_portalloc_cases,
};

kunit_test_suite(knat_portalloc_suite);
