// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SNAT mappings of IPv6 rules: the inside port kept, one mapping
 * per inside endpoint (its whole address, not its fold), one outside
 * address of the rule's range per inside host, exhaustion of a range,
 * and reply tuples other flows hold.  Included from portalloc.c after
 * portalloc_test.c and portalloc_search_test.c, whose fixture
 * (knat_pa_fixture on a fake knat_net) and helpers it uses.
 */

#define KNAT_PA6_PORT_MIN	1024
#define KNAT_PA6_PORT_MAX	1100
#define KNAT_PA6_NPORTS		(KNAT_PA6_PORT_MAX - KNAT_PA6_PORT_MIN + 1)
#define KNAT_PA6_KEPT		1050	/* an inside port in the range */

static struct in6_addr knat_pa6_addr(u32 w0, u32 w1, u32 w2, u32 w3)
{
	struct in6_addr a;

	a.s6_addr32[0] = htonl(w0);
	a.s6_addr32[1] = htonl(w1);
	a.s6_addr32[2] = htonl(w2);
	a.s6_addr32[3] = htonl(w3);
	return a;
}

/* Inside host @n of 2001:db8:1::/48. */
static struct in6_addr knat_pa6_host(u32 n)
{
	return knat_pa6_addr(0x20010db8, 0x00010000, 0x00000000, 0x100 + n);
}

static struct in6_addr knat_pa6_peer(void)
{
	return knat_pa6_addr(0x20010db8, 0x00ff0000, 0x5eed0000, 0x00000053);
}

static struct in6_addr knat_pa6_peer2(void)
{
	return knat_pa6_addr(0x20010db8, 0x00ff0000, 0x5eed0000, 0x00000123);
}

/* The same address with the same fold (an IPv6 tuple holds only that). */
static struct in6_addr knat_pa6_refold(const struct in6_addr *a, u32 v)
{
	struct in6_addr b = *a;

	b.s6_addr32[1] ^= htonl(v);
	b.s6_addr32[2] ^= htonl(v);
	return b;
}

/*
 * An IPv6 rule for 2001:db8:1::/48 onto 2001:db8:100::10 and the
 * @naddrs - 1 addresses after it, ports @port_min-@port_max.
 */
static struct knat_snat *knat_pa6_rule(struct kunit *test, u32 naddrs,
				       u16 port_min, u16 port_max, u32 flags)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *r;

	KUNIT_ASSERT_LT(test, fx->nrules, (unsigned int)KNAT_PA_RULES);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->v6 = 1;
	r->src6 = knat_pa6_addr(0x20010db8, 0x00010000, 0, 0);
	r->plen = 48;
	r->to_min6 = knat_pa6_addr(0x20010db8, 0x01000000, 0, 0x10);
	r->to_max6 = knat_pa6_addr(0x20010db8, 0x01000000, 0,
				   0x10 + naddrs - 1);
	r->port_min = port_min;
	r->port_max = port_max;
	r->flags = flags;
	r->naddrs = naddrs;
	KUNIT_ASSERT_EQ(test, knat_port_map_alloc(r), 0);
	fx->rules[fx->nrules++] = r;
	return r;
}

/* An inside endpoint's first packet: its addresses and tuple. */
struct knat_pa6_ep {
	struct in6_addr a6[2];	/* inside, peer */
	struct knat_tuple t;
};

static void knat_pa6_ep_init(struct knat_pa6_ep *e,
			     const struct in6_addr *inside, u16 sport,
			     const struct in6_addr *peer, u16 dport, u8 proto)
{
	e->a6[0] = *inside;
	e->a6[1] = *peer;
	e->t = (struct knat_tuple) {
		.sport = htons(sport), .dport = htons(dport), .proto = proto,
	};
	/* Echo: the identifier in both ports. */
	if (proto == IPPROTO_ICMPV6)
		e->t.dport = e->t.sport;
	knat_tuple_fold6(&e->t, e->a6);
}

static struct knat_mapping *knat_pa6_get(struct kunit *test,
					 struct knat_snat *rule,
					 const struct knat_pa6_ep *e,
					 bool *preserved)
{
	struct knat_pa_fixture *fx = test->priv;
	bool dummy;

	return knat_mapping_get6(&fx->kn, rule, &e->t, e->a6, NULL,
				 preserved ? preserved : &dummy);
}

/* The index in @rule's range of @m's outside address, or -1. */
static int knat_pa6_out_idx(const struct knat_snat *rule,
			    const struct knat_mapping *m)
{
	u32 last = ntohl(m->out6.s6_addr32[3]);
	u32 min = ntohl(rule->to_min6.s6_addr32[3]);

	if (memcmp(&m->out6, &rule->to_min6, 12) || last < min ||
	    last > ntohl(rule->to_max6.s6_addr32[3]))
		return -1;
	return last - min;
}

/* The outside address index the allocator gives @e's inside host. */
static unsigned int knat_pa6_idx(const struct knat_snat *rule,
				 const struct knat_pa6_ep *e)
{
	struct knat_pa_req rq;

	knat_pa_req_init(&rq, rule, &e->t, e->a6, 0, NULL);
	return knat_addr_idx(rule, &rq);
}

/* An inside host, from @from on, the rule pairs with address @idx. */
static u32 knat_pa6_host_on(struct kunit *test, const struct knat_snat *rule,
			    unsigned int idx, u32 from)
{
	const struct in6_addr peer = knat_pa6_peer();
	struct knat_pa6_ep e;
	u32 n;

	for (n = from; n < from + 1000; n++) {
		const struct in6_addr in = knat_pa6_host(n);

		knat_pa6_ep_init(&e, &in, 1, &peer, 53, IPPROTO_UDP);
		if (knat_pa6_idx(rule, &e) == idx)
			return n;
	}
	KUNIT_FAIL(test, "no inside host on outside address %u", idx);
	return from;
}

static unsigned int knat_pa6_used(struct knat_snat *rule, unsigned int idx,
				  u8 proto)
{
	return atomic_read(&knat_port_map(rule, idx, proto)->used);
}

/* A free inside port in range is kept, on one of the rule's addresses. */
static void knat_portalloc6_preserve(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa6_rule(test, 2, KNAT_PA6_PORT_MIN,
					       KNAT_PA6_PORT_MAX, 0);
	const struct in6_addr in = knat_pa6_host(1), peer = knat_pa6_peer();
	const unsigned int bit = KNAT_PA6_KEPT - KNAT_PA6_PORT_MIN;
	struct knat_port_map *map;
	struct knat_mapping *m;
	bool preserved = false;
	struct knat_pa6_ep e;
	int idx;

	knat_pa6_ep_init(&e, &in, KNAT_PA6_KEPT, &peer, 53, IPPROTO_UDP);
	m = knat_pa6_get(test, rule, &e, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_EXPECT_TRUE(test, preserved);
	KUNIT_EXPECT_EQ(test, knat_pa_port(m), KNAT_PA6_KEPT);
	idx = knat_pa6_out_idx(rule, m);
	KUNIT_ASSERT_GE(test, idx, 0);
	KUNIT_EXPECT_EQ(test, (int)m->addr_idx, idx);
	KUNIT_EXPECT_EQ(test, (u32)idx, knat_pa6_idx(rule, &e));
	KUNIT_EXPECT_EQ(test, m->out_addr, 0U);
	KUNIT_EXPECT_TRUE(test, m->hashed);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&m->key.addr6, &in));
	KUNIT_EXPECT_EQ(test, m->key.addr, 0U);
	map = knat_port_map(rule, idx, IPPROTO_UDP);
	KUNIT_EXPECT_TRUE(test, test_bit(bit, map->bits));
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), 1);
	/* Nothing on the other address, nor in another protocol's space. */
	KUNIT_EXPECT_EQ(test, knat_pa6_used(rule, !idx, IPPROTO_UDP), 0U);
	KUNIT_EXPECT_EQ(test, knat_pa6_used(rule, idx, IPPROTO_TCP), 0U);
	KUNIT_EXPECT_EQ(test, knat_pa6_used(rule, idx, IPPROTO_ICMPV6), 0U);
	knat_pa_put(test, m);
	KUNIT_EXPECT_FALSE(test, test_bit(bit, map->bits));
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 0);

	/* An echo identifier is kept the same way, in ICMPv6's space. */
	knat_pa6_ep_init(&e, &in, KNAT_PA6_KEPT + 1, &peer, 0, IPPROTO_ICMPV6);
	m = knat_pa6_get(test, rule, &e, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_EXPECT_TRUE(test, preserved);
	KUNIT_EXPECT_EQ(test, knat_pa_port(m), KNAT_PA6_KEPT + 1);
	KUNIT_EXPECT_EQ(test, knat_pa6_used(rule, idx, IPPROTO_ICMPV6), 1U);
	knat_pa_put(test, m);
	KUNIT_EXPECT_EQ(test, knat_pa6_used(rule, idx, IPPROTO_ICMPV6), 0U);

	/* Outside the range: a port from the range, not preserved. */
	knat_pa6_ep_init(&e, &in, 40000, &peer, 53, IPPROTO_UDP);
	preserved = true;
	m = knat_pa6_get(test, rule, &e, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_EXPECT_FALSE(test, preserved);
	KUNIT_EXPECT_TRUE(test, knat_pa_in_range(rule, m->out_port));
	KUNIT_EXPECT_EQ(test, knat_pa6_out_idx(rule, m), idx);
	knat_pa_put(test, m);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 0U);
}

/*
 * RFC 4787 REQ-1: the same inside [address]:port to two destinations,
 * one mapping.  Another protocol, or another inside address with the
 * same fold, is another endpoint.
 */
static void knat_portalloc6_eim(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa6_rule(test, 4, KNAT_PA6_PORT_MIN,
					       KNAT_PA6_PORT_MAX, 0);
	const struct in6_addr in = knat_pa6_host(7);
	const struct in6_addr twin = knat_pa6_refold(&in, 0x00010000);
	const struct in6_addr peer = knat_pa6_peer(), peer2 = knat_pa6_peer2();
	struct knat_mapping *ma, *mb, *mc, *md;
	struct knat_pa6_ep a, b, c, d;
	bool preserved = true;
	int idx;

	knat_pa6_ep_init(&a, &in, KNAT_PA6_KEPT, &peer, 53, IPPROTO_UDP);
	knat_pa6_ep_init(&b, &in, KNAT_PA6_KEPT, &peer2, 123, IPPROTO_UDP);
	ma = knat_pa6_get(test, rule, &a, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ma);
	idx = knat_pa6_out_idx(rule, ma);
	KUNIT_ASSERT_GE(test, idx, 0);
	mb = knat_pa6_get(test, rule, &b, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mb);
	KUNIT_EXPECT_PTR_EQ(test, ma, mb);
	KUNIT_EXPECT_FALSE(test, preserved);	/* not newly preserved */
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&mb->out6, &ma->out6));
	KUNIT_EXPECT_EQ(test, knat_pa_port(mb), KNAT_PA6_KEPT);
	KUNIT_EXPECT_EQ(test, refcount_read(&ma->ref), 2U);
	KUNIT_EXPECT_EQ(test, knat_pa6_used(rule, idx, IPPROTO_UDP), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 1);

	/* TCP from the same [address]:port: its own mapping and space. */
	knat_pa6_ep_init(&c, &in, KNAT_PA6_KEPT, &peer, 53, IPPROTO_TCP);
	mc = knat_pa6_get(test, rule, &c, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mc);
	KUNIT_EXPECT_PTR_NE(test, mc, ma);
	KUNIT_EXPECT_TRUE(test, preserved);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&mc->out6, &ma->out6));

	/* An inside address of the same fold is another host. */
	KUNIT_ASSERT_EQ(test, knat_addr6_fold(&twin), knat_addr6_fold(&in));
	knat_pa6_ep_init(&d, &twin, KNAT_PA6_KEPT, &peer, 53, IPPROTO_UDP);
	KUNIT_ASSERT_EQ(test, memcmp(&d.t, &a.t, KNAT_TUPLE_KEY_LEN), 0);
	md = knat_pa6_get(test, rule, &d, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, md);
	KUNIT_EXPECT_PTR_NE(test, md, ma);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&md->key.addr6, &twin));
	KUNIT_EXPECT_FALSE(test, ipv6_addr_equal(&md->out6, &ma->out6) &&
			   md->out_port == ma->out_port);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 3);

	/* The first put leaves the mapping to the other flow. */
	knat_pa_put(test, ma);
	KUNIT_EXPECT_EQ(test, refcount_read(&mb->ref), 1U);
	KUNIT_EXPECT_TRUE(test, test_bit(KNAT_PA6_KEPT - KNAT_PA6_PORT_MIN,
					 knat_port_map(rule, idx,
						       IPPROTO_UDP)->bits));
	knat_pa_put(test, mb);
	knat_pa_put(test, mc);
	knat_pa_put(test, md);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 0);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 0U);
}

/*
 * Two inside hosts, one source port: on the same outside address the
 * second gets another port; on another address it may keep it.  Never
 * the same outside address and port.
 */
static void knat_portalloc6_second_host(struct kunit *test)
{
	struct knat_snat *rule = knat_pa6_rule(test, 2, KNAT_PA6_PORT_MIN,
					       KNAT_PA6_PORT_MAX, 0);
	const struct in6_addr peer = knat_pa6_peer();
	struct knat_mapping *ma, *mb, *mc;
	struct in6_addr ha, hb, hc;
	struct knat_pa6_ep a, b, c;
	bool preserved = true;
	unsigned int idx;

	ha = knat_pa6_host(0);
	knat_pa6_ep_init(&a, &ha, KNAT_PA6_KEPT, &peer, 53, IPPROTO_UDP);
	idx = knat_pa6_idx(rule, &a);
	hb = knat_pa6_host(knat_pa6_host_on(test, rule, idx, 1));
	hc = knat_pa6_host(knat_pa6_host_on(test, rule, !idx, 1));
	knat_pa6_ep_init(&b, &hb, KNAT_PA6_KEPT, &peer, 53, IPPROTO_UDP);
	knat_pa6_ep_init(&c, &hc, KNAT_PA6_KEPT, &peer, 53, IPPROTO_UDP);

	ma = knat_pa6_get(test, rule, &a, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ma);
	KUNIT_EXPECT_EQ(test, knat_pa_port(ma), KNAT_PA6_KEPT);

	/* Same outside address: another port, from the range. */
	mb = knat_pa6_get(test, rule, &b, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mb);
	KUNIT_EXPECT_PTR_NE(test, ma, mb);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ma->out6, &mb->out6));
	KUNIT_EXPECT_FALSE(test, preserved);
	KUNIT_EXPECT_NE(test, knat_pa_port(mb), KNAT_PA6_KEPT);
	KUNIT_EXPECT_TRUE(test, knat_pa_in_range(rule, mb->out_port));
	KUNIT_EXPECT_EQ(test, knat_pa6_used(rule, idx, IPPROTO_UDP), 2U);

	/* The other outside address: the port is free there. */
	mc = knat_pa6_get(test, rule, &c, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mc);
	KUNIT_EXPECT_FALSE(test, ipv6_addr_equal(&ma->out6, &mc->out6));
	KUNIT_EXPECT_TRUE(test, preserved);
	KUNIT_EXPECT_EQ(test, knat_pa_port(mc), KNAT_PA6_KEPT);
	KUNIT_EXPECT_EQ(test, knat_pa6_used(rule, !idx, IPPROTO_UDP), 1U);

	knat_pa_put(test, ma);
	knat_pa_put(test, mb);
	knat_pa_put(test, mc);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 0U);
}

/*
 * RFC 4787 REQ-2: an inside address always gets the same outside
 * address, one of the range, whatever its port, protocol or peer.
 */
static void knat_portalloc6_paired(struct kunit *test)
{
	struct knat_snat *rule = knat_pa6_rule(test, 4, KNAT_PA6_PORT_MIN,
					       KNAT_PA6_PORT_MAX, 0);
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6 };
	unsigned int host, k, used = 0;

	for (host = 0; host < 32; host++) {
		const struct in6_addr in = knat_pa6_host(host * 0x10001);
		int first = -1;

		for (k = 0; k < 6; k++) {
			struct in6_addr peer = knat_pa6_peer();
			struct knat_mapping *m;
			struct knat_pa6_ep e;
			int idx;

			peer.s6_addr32[3] = htonl(k);
			knat_pa6_ep_init(&e, &in, 1000 + k * 17, &peer,
					 1000 + k, protos[k % ARRAY_SIZE(protos)]);
			m = knat_pa6_get(test, rule, &e, NULL);
			KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
			idx = knat_pa6_out_idx(rule, m);
			KUNIT_EXPECT_GE_MSG(test, idx, 0, "%pI6c", &m->out6);
			KUNIT_EXPECT_EQ(test, (int)m->addr_idx, idx);
			KUNIT_EXPECT_EQ(test, m->out_addr, 0U);
			if (!k)
				first = idx;
			KUNIT_EXPECT_EQ_MSG(test, idx, first,
					    "inside host %u, flow %u", host, k);
			if (idx >= 0)
				used |= BIT(idx);
			knat_pa_put(test, m);
		}
	}
	/* 32 hosts all on one address of 4: (1/4)^31, i.e. never. */
	KUNIT_EXPECT_GT(test, hweight32(used), 1U);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 0U);
}

/*
 * One inside host uses up its outside address's port range: every port
 * once, then -ENOSPC, counted.  The rule's other address, and another
 * protocol, still have theirs; a port given back is the next one out.
 */
static void knat_portalloc6_exhaustion(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa6_rule(test, 2, KNAT_PA6_PORT_MIN,
					       KNAT_PA6_PORT_MAX, 0);
	const struct in6_addr in = knat_pa6_host(3), peer = knat_pa6_peer();
	DECLARE_BITMAP(seen, KNAT_PA6_NPORTS);
	struct knat_mapping **m, *x, *y;
	struct knat_port_map *map;
	struct knat_pa6_ep e;
	unsigned int i, idx, freed;
	struct in6_addr other;

	m = kunit_kcalloc(test, KNAT_PA6_NPORTS, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	bitmap_zero(seen, KNAT_PA6_NPORTS);
	knat_pa6_ep_init(&e, &in, 1, &peer, 443, IPPROTO_TCP);
	idx = knat_pa6_idx(rule, &e);
	map = knat_port_map(rule, idx, IPPROTO_TCP);

	/* Source ports outside the range: none kept, all searched. */
	for (i = 0; i < KNAT_PA6_NPORTS; i++) {
		unsigned int bit;

		knat_pa6_ep_init(&e, &in, 30000 + i, &peer, 443, IPPROTO_TCP);
		m[i] = knat_pa6_get(test, rule, &e, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, m[i], "endpoint %u", i);
		KUNIT_ASSERT_TRUE(test, knat_pa_in_range(rule, m[i]->out_port));
		KUNIT_EXPECT_EQ(test, knat_pa6_out_idx(rule, m[i]), (int)idx);
		bit = knat_pa_port(m[i]) - rule->port_min;
		KUNIT_EXPECT_FALSE_MSG(test, test_bit(bit, seen),
				       "port %u handed out twice",
				       knat_pa_port(m[i]));
		__set_bit(bit, seen);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), KNAT_PA6_NPORTS);
	KUNIT_EXPECT_TRUE(test, bitmap_full(map->bits, KNAT_PA6_NPORTS));
	KUNIT_EXPECT_EQ(test, knat_pa_exhausted(rule), 0ULL);

	/* One more: no port left, nothing taken. */
	knat_pa6_ep_init(&e, &in, 29999, &peer, 443, IPPROTO_TCP);
	x = knat_pa6_get(test, rule, &e, NULL);
	KUNIT_EXPECT_PTR_EQ(test, x, ERR_PTR(-ENOSPC));
	KUNIT_EXPECT_EQ(test, knat_pa_exhausted(rule), 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), KNAT_PA6_NPORTS);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems),
			KNAT_PA6_NPORTS);

	/* UDP from the host, and TCP from a host on the other address. */
	knat_pa6_ep_init(&e, &in, 29999, &peer, 443, IPPROTO_UDP);
	x = knat_pa6_get(test, rule, &e, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, x);
	other = knat_pa6_host(knat_pa6_host_on(test, rule, !idx, 100));
	knat_pa6_ep_init(&e, &other, 29999, &peer, 443, IPPROTO_TCP);
	y = knat_pa6_get(test, rule, &e, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, y);
	KUNIT_EXPECT_EQ(test, knat_pa6_out_idx(rule, y), (int)!idx);
	knat_pa_put(test, x);
	knat_pa_put(test, y);

	/* Give one back: exactly that port is the next one out. */
	freed = knat_pa_port(m[17]);
	knat_pa_put(test, m[17]);
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), KNAT_PA6_NPORTS - 1);
	knat_pa6_ep_init(&e, &in, 29999, &peer, 443, IPPROTO_TCP);
	m[17] = knat_pa6_get(test, rule, &e, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[17]);
	KUNIT_EXPECT_EQ(test, knat_pa_port(m[17]), freed);
	KUNIT_EXPECT_EQ(test, knat_pa_exhausted(rule), 1ULL);

	for (i = 0; i < KNAT_PA6_NPORTS; i++)
		knat_pa_put(test, m[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(map->bits, KNAT_PA6_NPORTS));
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 0);
}

/*
 * Mappings given back free their ports: over hosts, protocols and both
 * kinds of mapping, the ports in use follow the mappings to 0 and every
 * port map ends empty.
 */
static void knat_portalloc6_put_frees(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6 };
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rules[2] = {
		knat_pa6_rule(test, 3, KNAT_PA6_PORT_MIN, KNAT_PA6_PORT_MAX,
			      0),
		knat_pa6_rule(test, 3, KNAT_PA6_PORT_MIN, KNAT_PA6_PORT_MAX,
			      KNAT_SNAT_F_APDM),
	};
	const struct in6_addr peer = knat_pa6_peer(), peer2 = knat_pa6_peer2();
	struct knat_mapping *m[2][24];
	unsigned int r, i, k;

	for (r = 0; r < 2; r++) {
		for (i = 0; i < ARRAY_SIZE(m[r]); i += 2) {
			const struct in6_addr in = knat_pa6_host(i % 5);
			u8 proto = protos[i % ARRAY_SIZE(protos)];
			struct knat_pa6_ep e;

			/* Twice each endpoint, to two peers. */
			knat_pa6_ep_init(&e, &in, 1030 + i, &peer, 53, proto);
			m[r][i] = knat_pa6_get(test, rules[r], &e, NULL);
			KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[r][i]);
			knat_pa6_ep_init(&e, &in, 1030 + i, &peer2, 53, proto);
			m[r][i + 1] = knat_pa6_get(test, rules[r], &e, NULL);
			KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[r][i + 1]);
			if (r)	/* APDM: one mapping each */
				KUNIT_EXPECT_PTR_NE(test, m[r][i], m[r][i + 1]);
			else
				KUNIT_EXPECT_PTR_EQ(test, m[r][i], m[r][i + 1]);
		}
	}
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rules[0]), 12U);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rules[1]), 24U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 12);

	for (r = 0; r < 2; r++) {
		for (i = 0; i < ARRAY_SIZE(m[r]); i++)
			knat_pa_put(test, m[r][i]);
		KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rules[r]), 0U);
		for (k = 0; k < rules[r]->naddrs * KNAT_NPROTO; k++)
			KUNIT_EXPECT_TRUE_MSG(test,
					      bitmap_empty(rules[r]->ports[k].bits,
							   KNAT_PA6_NPORTS),
					      "rule %u map %u", r, k);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 0);
}

/*
 * Ports an IPv6 forward listens on, on the outside address or on every
 * address, are never handed out: not kept, not found by the search.  An
 * IPv4 forward's, or one on another address, are the rule's to use.
 */
static void knat_portalloc6_forward(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa6_rule(test, 1, KNAT_PA6_PORT_MIN,
					       KNAT_PA6_PORT_MAX, 0);
	const struct in6_addr in = knat_pa6_host(4), peer = knat_pa6_peer();
	const unsigned int nfree = KNAT_PA6_PORT_MAX - 1090;
	struct knat_mapping *m[KNAT_PA6_NPORTS], *x;
	struct knat_rule_table *fwds;
	struct knat_forward *fwd;
	unsigned int i, n = 0, round;
	struct knat_pa6_ep e;
	bool preserved;

	fwd = kunit_kzalloc(test, sizeof(*fwd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fwd);
	fwd->proto = IPPROTO_UDP;
	fwd->port_min = KNAT_PA6_PORT_MIN;
	fwd->port_max = 1090;
	fwds = kunit_kzalloc(test, struct_size(fwds, rule, 1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fwds);
	fwds->n = 1;
	fwds->rule[0] = fwd;
	rcu_assign_pointer(fx->kn.forwards, fwds);

	/*
	 * Round 0: an IPv6 forward on the outside address, round 1: on
	 * every address.  Only 1091-1100 are handed out, then none.
	 */
	for (round = 0; round < 2; round++) {
		fwd->v6 = 1;
		fwd->addr6 = round ? in6addr_any : rule->to_min6;
		for (n = 0;; n++) {
			knat_pa6_ep_init(&e, &in, KNAT_PA6_KEPT + n, &peer, 53,
					 IPPROTO_UDP);
			preserved = true;
			x = knat_pa6_get(test, rule, &e, &preserved);
			if (IS_ERR(x)) {
				KUNIT_EXPECT_PTR_EQ(test, x, ERR_PTR(-ENOSPC));
				break;
			}
			KUNIT_ASSERT_LT(test, n, nfree);
			KUNIT_EXPECT_GT(test, knat_pa_port(x), 1090);
			KUNIT_EXPECT_FALSE(test, preserved);
			m[n] = x;
		}
		KUNIT_EXPECT_EQ(test, n, nfree);
		KUNIT_EXPECT_EQ(test, knat_pa_exhausted(rule), round + 1ULL);
		for (i = 0; i < n; i++)
			knat_pa_put(test, m[i]);
	}

	/* An IPv4 forward of the same ports, or one elsewhere: no matter. */
	for (round = 0; round < 2; round++) {
		fwd->v6 = !round;
		fwd->addr6 = round ? in6addr_any : knat_pa6_peer2();
		knat_pa6_ep_init(&e, &in, KNAT_PA6_KEPT, &peer, 53,
				 IPPROTO_UDP);
		x = knat_pa6_get(test, rule, &e, &preserved);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, x);
		KUNIT_EXPECT_TRUE(test, preserved);
		KUNIT_EXPECT_EQ(test, knat_pa_port(x), KNAT_PA6_KEPT);
		knat_pa_put(test, x);
	}

	RCU_INIT_POINTER(fx->kn.forwards, NULL);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 0U);
}

/*
 * Masquerade: the outside address is the one given (the device's), and
 * a mapping serves only while it is the same; after a change of address
 * the endpoint gets a new mapping on the new one, never the old one's.
 */
static void knat_portalloc6_masquerade(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa6_rule(test, 1, KNAT_PA6_PORT_MIN,
					       KNAT_PA6_PORT_MAX,
					       KNAT_SNAT_F_MASQUERADE);
	const struct in6_addr in = knat_pa6_host(5), peer = knat_pa6_peer();
	const struct in6_addr peer2 = knat_pa6_peer2();
	const struct in6_addr dev1 = knat_pa6_addr(0x20010db8, 0x0a000000, 0,
						   0x1111);
	const struct in6_addr dev2 = knat_pa6_addr(0x20010db8, 0x0b000000, 0,
						   0x2222);
	struct knat_mapping *ma, *mb, *mc;
	struct knat_pa6_ep a, b;
	bool preserved;

	knat_pa6_ep_init(&a, &in, KNAT_PA6_KEPT, &peer, 53, IPPROTO_UDP);
	knat_pa6_ep_init(&b, &in, KNAT_PA6_KEPT, &peer2, 53, IPPROTO_UDP);
	ma = knat_mapping_get6(&fx->kn, rule, &a.t, a.a6, &dev1, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ma);
	KUNIT_EXPECT_TRUE(test, preserved);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ma->out6, &dev1));
	KUNIT_EXPECT_EQ(test, knat_pa_port(ma), KNAT_PA6_KEPT);

	/* The same address: the same mapping, to any peer. */
	mb = knat_mapping_get6(&fx->kn, rule, &b.t, b.a6, &dev1, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mb);
	KUNIT_EXPECT_PTR_EQ(test, mb, ma);

	/* The device's address changed: a mapping on the new one. */
	mc = knat_mapping_get6(&fx->kn, rule, &b.t, b.a6, &dev2, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mc);
	KUNIT_EXPECT_PTR_NE(test, mc, ma);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&mc->out6, &dev2));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ma->out6, &dev1));
	KUNIT_EXPECT_TRUE(test, knat_pa_in_range(rule, mc->out_port));
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 2U);

	knat_pa_put(test, ma);
	knat_pa_put(test, mb);
	knat_pa_put(test, mc);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 0);
}

/*
 * A flow already holds the reply tuple keeping the inside port would
 * make ([peer]:53 -> [outside]:port): the port is not kept, whatever
 * the port map says.  A peer with the same fold but another address
 * does not hold it.
 */
static void knat_pa6_reply_taken(struct kunit *test, u8 proto)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa6_rule(test, 2, KNAT_PA6_PORT_MIN,
					       KNAT_PA6_PORT_MAX, 0);
	const struct in6_addr peer = knat_pa6_peer();
	const struct in6_addr twin = knat_pa6_refold(&peer, 0x40);
	struct in6_addr in, other, out6, reply6[2];
	struct knat_pa6_ep e, x;
	struct knat_tuple reply;
	struct knat_mapping *m;
	struct knat_flow *f;
	bool preserved;
	unsigned int idx;

	in = knat_pa6_host(9);
	knat_pa6_ep_init(&e, &in, KNAT_PA6_KEPT, &peer, 53, proto);
	idx = knat_pa6_idx(rule, &e);
	out6 = knat_snat_addr6(rule, idx);

	/*
	 * Another inside host's flow, as nat.c makes it, with the reply
	 * tuple [peer]:53 -> [out6]:KEPT; not through this rule's map.
	 */
	other = knat_pa6_host(10);
	knat_pa6_ep_init(&x, &other, KNAT_PA6_KEPT, &peer, 53, proto);
	knat_snat_reply(&x.t, 0, htons(KNAT_PA6_KEPT), &reply);
	reply6[0] = peer;
	reply6[1] = out6;
	knat_tuple_fold6(&reply, reply6);
	f = knat_flow_alloc6(&fx->kn, &x.t, &reply, x.a6, reply6,
			     KNAT_FLOW_KIND_SNAT, NULL, 30 * HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, knat_flow_add(&fx->kn, f), 0);

	/* To a peer with the same fold: the port is kept. */
	KUNIT_ASSERT_EQ(test, knat_addr6_fold(&twin), knat_addr6_fold(&peer));
	knat_pa6_ep_init(&x, &in, KNAT_PA6_KEPT, &twin, 53, proto);
	m = knat_pa6_get(test, rule, &x, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_EXPECT_TRUE(test, preserved);
	KUNIT_EXPECT_EQ(test, knat_pa_port(m), KNAT_PA6_KEPT);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&m->out6, &out6));
	knat_pa_put(test, m);

	/* To the peer itself: another port, whose reply tuple is free. */
	m = knat_pa6_get(test, rule, &e, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_EXPECT_FALSE(test, preserved);
	KUNIT_EXPECT_NE(test, knat_pa_port(m), KNAT_PA6_KEPT);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&m->out6, &out6));
	knat_snat_reply(&e.t, m->out_addr, m->out_port, &reply);
	reply6[1] = m->out6;
	knat_tuple_fold6(&reply, reply6);
	KUNIT_EXPECT_FALSE_MSG(test, knat_tuple_taken6(&fx->kn, &reply, reply6),
			       "port %u handed out, its reply tuple is taken",
			       knat_pa_port(m));

	knat_flow_del(&fx->kn, f);
	knat_pa_put(test, m);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 0U);
}

static void knat_portalloc6_reply_taken_udp(struct kunit *test)
{
	knat_pa6_reply_taken(test, IPPROTO_UDP);
}

static void knat_portalloc6_reply_taken_icmp(struct kunit *test)
{
	knat_pa6_reply_taken(test, IPPROTO_ICMPV6);
}

static struct kunit_case knat_portalloc6_cases[] = {
	KUNIT_CASE(knat_portalloc6_preserve),
	KUNIT_CASE(knat_portalloc6_eim),
	KUNIT_CASE(knat_portalloc6_second_host),
	KUNIT_CASE(knat_portalloc6_paired),
	KUNIT_CASE(knat_portalloc6_exhaustion),
	KUNIT_CASE(knat_portalloc6_put_frees),
	KUNIT_CASE(knat_portalloc6_forward),
	KUNIT_CASE(knat_portalloc6_masquerade),
	KUNIT_CASE(knat_portalloc6_reply_taken_udp),
	KUNIT_CASE(knat_portalloc6_reply_taken_icmp),
	{}
};

static struct kunit_suite knat_portalloc6_suite = {
	.name = "knat_portalloc6",
	.init = knat_portalloc_test_init,
	.exit = knat_portalloc_test_exit,
	.test_cases = knat_portalloc6_cases,
};

kunit_test_suite(knat_portalloc6_suite);
