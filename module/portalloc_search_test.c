// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SNAT port search: every port handed out once, exhaustion,
 * ports a forward listens on, the last free port, reply tuples taken by
 * another rule's flows, and the search's statistics.  Included from
 * portalloc.c right after portalloc_test.c, whose fixture it uses.
 */

static u64 knat_pa_exhausted(const struct knat_snat *rule)
{
	struct knat_snat_stats sum;

	knat_snat_stats_sum(rule, &sum);
	return sum.exhausted;
}

#define KNAT_PA_SMALL	64

/*
 * 64 ports for 64 inside endpoints, all distinct; the 65th fails and is
 * counted, and a port given back is the one the next endpoint gets.
 */
static void knat_portalloc_unique(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa_rule(test, KNAT_PA_PUBLIC,
					      KNAT_PA_PUBLIC, 2000,
					      2000 + KNAT_PA_SMALL - 1, 0);
	struct knat_port_map *map = knat_port_map(rule, 0, IPPROTO_TCP);
	struct knat_mapping **m, *extra;
	DECLARE_BITMAP(seen, KNAT_PA_SMALL);
	struct knat_tuple t;
	unsigned int i, freed;

	m = kunit_kcalloc(test, KNAT_PA_SMALL, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	bitmap_zero(seen, KNAT_PA_SMALL);
	/* Source ports outside the range: no preservation, all searched. */
	for (i = 0; i < KNAT_PA_SMALL; i++) {
		unsigned int bit;

		t = knat_pa_tuple(KNAT_PA_CLIENT + i % 4, 10000 + i,
				  KNAT_PA_PEER, 443, IPPROTO_TCP);
		m[i] = knat_pa_get(test, rule, &t, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, m[i], "endpoint %u", i);
		KUNIT_ASSERT_TRUE(test, knat_pa_in_range(rule, m[i]->out_port));
		bit = knat_pa_port(m[i]) - rule->port_min;
		KUNIT_EXPECT_FALSE_MSG(test, test_bit(bit, seen),
				       "port %u handed out twice",
				       knat_pa_port(m[i]));
		__set_bit(bit, seen);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), KNAT_PA_SMALL);
	KUNIT_EXPECT_TRUE(test, bitmap_full(map->bits, KNAT_PA_SMALL));

	t = knat_pa_tuple(KNAT_PA_CLIENT2 + 10, 10000, KNAT_PA_PEER, 443,
			  IPPROTO_TCP);
	extra = knat_pa_get(test, rule, &t, NULL);
	KUNIT_EXPECT_PTR_EQ(test, extra, ERR_PTR(-ENOSPC));
	KUNIT_EXPECT_EQ(test, knat_pa_exhausted(rule), 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), KNAT_PA_SMALL);

	/* Give one back: exactly that port is the next one out. */
	freed = knat_pa_port(m[17]);
	knat_pa_put(test, m[17]);
	m[17] = knat_pa_get(test, rule, &t, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[17]);
	KUNIT_EXPECT_EQ(test, knat_pa_port(m[17]), freed);
	KUNIT_EXPECT_EQ(test, knat_pa_exhausted(rule), 1ULL);

	for (i = 0; i < KNAT_PA_SMALL; i++)
		knat_pa_put(test, m[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&map->used), 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(map->bits, KNAT_PA_SMALL));
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->kn.mappings.nelems), 0);
}

/* A port a forward listens on is never handed out. */
static void knat_portalloc_forward(struct kunit *test)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *rule = knat_pa_rule(test, KNAT_PA_PUBLIC,
					      KNAT_PA_PUBLIC, 5000, 5015, 0);
	struct knat_mapping *m[16], *x;
	struct knat_rule_table *fwds;
	struct knat_forward *fwd;
	unsigned int i, n = 0;
	struct knat_tuple t;
	bool preserved;

	fwd = kunit_kzalloc(test, sizeof(*fwd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fwd);
	fwd->proto = IPPROTO_UDP;
	fwd->addr = 0;			/* any local address */
	fwd->port_min = 5000;
	fwd->port_max = 5009;
	fwd->to_addr = htonl(0x0a000202);
	fwds = kunit_kzalloc(test, struct_size(fwds, rule, 1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fwds);
	fwds->n = 1;
	fwds->rule[0] = fwd;
	rcu_assign_pointer(fx->kn.forwards, fwds);

	/*
	 * Inside ports the forward has: none kept, only 5010-5015 handed
	 * out, then nothing (the forward's ports are not "free").
	 */
	for (;;) {
		t = knat_pa_tuple(KNAT_PA_CLIENT, 5003 + n, KNAT_PA_PEER, 53,
				  IPPROTO_UDP);
		preserved = true;
		x = knat_pa_get(test, rule, &t, &preserved);
		if (IS_ERR(x)) {
			KUNIT_EXPECT_PTR_EQ(test, x, ERR_PTR(-ENOSPC));
			break;
		}
		KUNIT_ASSERT_LT(test, n, 6U);
		KUNIT_EXPECT_GE(test, knat_pa_port(x), 5010);
		KUNIT_EXPECT_LE(test, knat_pa_port(x), 5015);
		KUNIT_EXPECT_FALSE(test, preserved);
		m[n++] = x;
	}
	KUNIT_EXPECT_EQ(test, n, 6U);
	KUNIT_EXPECT_EQ(test, knat_pa_exhausted(rule), 1ULL);

	/* Another protocol is not covered... */
	t = knat_pa_tuple(KNAT_PA_CLIENT, 5004, KNAT_PA_PEER, 443,
			  IPPROTO_TCP);
	m[n] = knat_pa_get(test, rule, &t, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[n]);
	KUNIT_EXPECT_TRUE(test, preserved);
	KUNIT_EXPECT_EQ(test, knat_pa_port(m[n]), 5004);
	n++;

	/* ...nor is a port of another address. */
	fwd->addr = htonl(KNAT_PA_PUBLIC + 1);
	t = knat_pa_tuple(KNAT_PA_CLIENT2, 5003, KNAT_PA_PEER, 53,
			  IPPROTO_UDP);
	m[n] = knat_pa_get(test, rule, &t, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[n]);
	KUNIT_EXPECT_TRUE(test, preserved);
	KUNIT_EXPECT_EQ(test, knat_pa_port(m[n]), 5003);
	n++;

	RCU_INIT_POINTER(fx->kn.forwards, NULL);
	for (i = 0; i < n; i++)
		knat_pa_put(test, m[i]);
}

/* Almost every bit set by hand: the one free port is still found. */
static void knat_portalloc_nearly_full(struct kunit *test)
{
	const unsigned int nports = 65535 - 1024 + 1;
	static const unsigned int free_bits[] = {
		0, 1, 63, 64, 4095, 12345, 40000 - 1024 + 1, 65535 - 1024 - 1,
		65535 - 1024,
	};
	struct knat_snat *rule = knat_pa_rule(test, KNAT_PA_PUBLIC,
					      KNAT_PA_PUBLIC, 1024, 65535, 0);
	struct knat_port_map *map = knat_port_map(rule, 0, IPPROTO_UDP);
	struct knat_tuple t = knat_pa_tuple(KNAT_PA_CLIENT, 40000,
					    KNAT_PA_PEER, 53, IPPROTO_UDP);
	unsigned int i, round;

	for (i = 0; i < ARRAY_SIZE(free_bits); i++) {
		/* Several rounds: the search starts at a random bit. */
		for (round = 0; round < 4; round++) {
			struct knat_mapping *m;
			bool preserved = true;

			bitmap_fill(map->bits, nports);
			clear_bit(free_bits[i], map->bits);
			atomic_set(&map->used, nports - 1);

			m = knat_pa_get(test, rule, &t, &preserved);
			KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, m, "free bit %u",
							 free_bits[i]);
			KUNIT_EXPECT_FALSE(test, preserved);
			KUNIT_EXPECT_EQ(test, knat_pa_port(m),
					1024 + free_bits[i]);
			KUNIT_EXPECT_TRUE(test, bitmap_full(map->bits, nports));
			knat_pa_put(test, m);
			KUNIT_EXPECT_FALSE(test, test_bit(free_bits[i],
							  map->bits));
		}
	}
	KUNIT_EXPECT_EQ(test, knat_pa_exhausted(rule), 0ULL);

	/* And with none free, no port at all. */
	bitmap_fill(map->bits, nports);
	KUNIT_EXPECT_PTR_EQ(test, knat_pa_get(test, rule, &t, NULL),
			    ERR_PTR(-ENOSPC));
	KUNIT_EXPECT_EQ(test, knat_pa_exhausted(rule), 1ULL);
	bitmap_zero(map->bits, nports);
	atomic_set(&map->used, 0);
}

/*
 * Two rules sharing one outside address, as "10.0.1.0/24 and 10.0.2.0/24
 * to 203.0.113.1" do: each has its own port map, so only the flow table
 * tells that a reply tuple is already someone's.  The mapping handed out
 * must leave the new flow a reply tuple that is free, built the way
 * knat_snat_new() builds it.
 */
static void knat_pa_reply_taken(struct kunit *test, u8 proto)
{
	struct knat_pa_fixture *fx = test->priv;
	struct knat_snat *ra = knat_pa_rule(test, KNAT_PA_PUBLIC,
					    KNAT_PA_PUBLIC, 1024, 65535, 0);
	struct knat_snat *rb = knat_pa_rule(test, KNAT_PA_PUBLIC,
					    KNAT_PA_PUBLIC, 1024, 65535, 0);
	struct knat_tuple a = knat_pa_tuple(0x0a000202, 40000, KNAT_PA_PEER,
					    proto == IPPROTO_ICMP ? 40000 : 53,
					    proto);
	struct knat_tuple b = a, reply;
	struct knat_mapping *ma, *mb;
	struct knat_flow *f;
	bool preserved;

	b.src = htonl(KNAT_PA_CLIENT);
	ma = knat_pa_get(test, ra, &a, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ma);
	KUNIT_ASSERT_TRUE(test, preserved);

	/* The first host's flow, as knat_snat_new() makes it. */
	reply = (struct knat_tuple) {
		.src = a.dst, .dst = ma->out_addr, .sport = a.dport,
		.dport = ma->out_port, .proto = proto,
	};
	if (proto == IPPROTO_ICMP) {
		reply.sport = ma->out_port;
		reply.proto = KNAT_PROTO_ICMP_REPLY;
	}
	f = knat_flow_alloc(&fx->kn, &a, &reply, KNAT_FLOW_KIND_SNAT, NULL,
			    30 * HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, knat_flow_add(&fx->kn, f), 0);

	/* The second host, same inside port, same peer, the other rule. */
	mb = knat_pa_get(test, rb, &b, &preserved);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mb);
	reply = (struct knat_tuple) {
		.src = b.dst, .dst = mb->out_addr, .sport = b.dport,
		.dport = mb->out_port, .proto = proto,
	};
	if (proto == IPPROTO_ICMP) {
		reply.sport = mb->out_port;
		reply.proto = KNAT_PROTO_ICMP_REPLY;
	}
	KUNIT_EXPECT_FALSE_MSG(test, knat_tuple_taken(&fx->kn, &reply),
			       "port %u handed out, its reply tuple is taken",
			       knat_pa_port(mb));
	KUNIT_EXPECT_NE(test, knat_pa_port(mb), knat_pa_port(ma));
	KUNIT_EXPECT_FALSE(test, preserved);

	knat_flow_del(&fx->kn, f);
	knat_pa_put(test, ma);
	knat_pa_put(test, mb);
}

static void knat_portalloc_reply_taken_udp(struct kunit *test)
{
	knat_pa_reply_taken(test, IPPROTO_UDP);
}

static void knat_portalloc_reply_taken_icmp(struct kunit *test)
{
	knat_pa_reply_taken(test, IPPROTO_ICMP);
}

/*
 * The attempts histogram: a kept port is 1 attempt, a taken one sends the
 * search on (2); a mapping shared by a second destination is no
 * allocation; a failure counts as exhausted, not in the histogram.  Ports
 * in use follow the mappings, not the flows.
 */
static void knat_portalloc_stats(struct kunit *test)
{
	struct knat_snat *rule = knat_pa_rule(test, KNAT_PA_PUBLIC,
					      KNAT_PA_PUBLIC, 20000, 20001, 0);
	struct knat_mapping *m[4];
	struct knat_snat_stats sum;
	struct knat_tuple t;

	t = knat_pa_tuple(KNAT_PA_CLIENT, 20000, KNAT_PA_PEER, 53, IPPROTO_UDP);
	m[0] = knat_pa_get(test, rule, &t, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[0]);
	t.dst = htonl(KNAT_PA_PEER2);
	m[1] = knat_pa_get(test, rule, &t, NULL);
	KUNIT_ASSERT_PTR_EQ(test, m[1], m[0]);
	t = knat_pa_tuple(KNAT_PA_CLIENT2, 20000, KNAT_PA_PEER, 53, IPPROTO_UDP);
	m[2] = knat_pa_get(test, rule, &t, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[2]);
	KUNIT_EXPECT_EQ(test, knat_pa_port(m[2]), 20001);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 2U);
	t.sport = htons(5000);
	m[3] = knat_pa_get(test, rule, &t, NULL);
	KUNIT_EXPECT_PTR_EQ(test, m[3], ERR_PTR(-ENOSPC));

	knat_snat_stats_sum(rule, &sum);
	KUNIT_EXPECT_EQ(test, sum.attempts[0], 1ULL);
	KUNIT_EXPECT_EQ(test, sum.attempts[1], 1ULL);
	KUNIT_EXPECT_EQ(test, sum.attempts[2], 0ULL);
	KUNIT_EXPECT_EQ(test, sum.attempts_sum, 3ULL);
	KUNIT_EXPECT_EQ(test, sum.exhausted, 1ULL);

	knat_pa_put(test, m[0]);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 2U);
	knat_pa_put(test, m[1]);
	knat_pa_put(test, m[2]);
	KUNIT_EXPECT_EQ(test, knat_snat_ports_in_use(rule), 0U);
}

static struct kunit_case knat_portalloc_search_cases[] = {
	KUNIT_CASE(knat_portalloc_unique),
	KUNIT_CASE(knat_portalloc_forward),
	KUNIT_CASE(knat_portalloc_nearly_full),
	KUNIT_CASE(knat_portalloc_reply_taken_udp),
	KUNIT_CASE(knat_portalloc_reply_taken_icmp),
	KUNIT_CASE(knat_portalloc_stats),
	{}
};

static struct kunit_suite knat_portalloc_search_suite = {
	.name = "knat_portalloc_search",
	.init = knat_portalloc_test_init,
	.exit = knat_portalloc_test_exit,
	.test_cases = knat_portalloc_search_cases,
};

kunit_test_suite(knat_portalloc_search_suite);
