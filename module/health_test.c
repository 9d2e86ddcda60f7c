// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the passive health check's state machine (health.c), driven
 * through its packet-path entry points with hand-made flows and packets.
 * Included from health.c.
 *
 * A fake namespace holds one service (check-fails 3, check-timeout 2,
 * check-clients 2) with one backend at 10.0.2.11:8080; each "handshake" is
 * a service flow of its own, started check-timeout ago, so that the
 * client's SYN seen again is a failure.
 */

#include <kunit/test.h>
#include <linux/skbuff.h>

#define KNAT_HT_BACKEND		0x0a00020b	/* 10.0.2.11 */
#define KNAT_HT_ROUTER		0x0a000201	/* 10.0.2.1 */
#define KNAT_HT_CLIENT(n)	(0xc6336400 + (n))	/* 198.51.100.n */

struct knat_health_fixture {
	struct knat_net kn;
	struct knat_service svc;
	struct knat_backend be;
};

static int knat_health_test_init(struct kunit *test)
{
	struct knat_health_fixture *x;

	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	x->kn.net = &init_net;
	mutex_init(&x->kn.lock);
	INIT_LIST_HEAD(&x->kn.services);
	knat_health_net_init(&x->kn);
	if (knat_stats_net_init(&x->kn))
		return -ENOMEM;

	x->svc.kn = &x->kn;
	x->svc.check_fails = 3;
	x->svc.check_timeout = 2;
	x->svc.check_holddown = 10;
	x->svc.check_clients = 2;
	INIT_LIST_HEAD(&x->svc.backends);
	refcount_set(&x->svc.refcnt, 1);

	x->be.svc = &x->svc;
	x->be.addr.ip = htonl(KNAT_HT_BACKEND);
	x->be.port = htons(8080);
	x->be.weight = 1;
	x->be.state = KNAT_BACKEND_UP;
	refcount_set(&x->be.refcnt, 1);
	spin_lock_init(&x->be.check_lock);
	x->be.stats = alloc_percpu(struct knat_backend_stats);
	if (!x->be.stats) {
		knat_stats_net_exit(&x->kn);
		return -ENOMEM;
	}
	list_add_tail(&x->be.list, &x->svc.backends);
	test->priv = x;
	return 0;
}

static void knat_health_test_exit(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;

	knat_health_net_exit(&x->kn);
	free_percpu(x->be.stats);
	knat_stats_net_exit(&x->kn);
}

/* A handshake of @client to the backend, its SYN sent check-timeout ago. */
static struct knat_flow *knat_ht_flow(struct kunit *test, u32 client)
{
	struct knat_health_fixture *x = test->priv;
	struct knat_flow *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->kind = KNAT_FLOW_KIND_SERVICE;
	f->owner = &x->be;
	f->state = KNAT_TCP_SYN_SENT;
	f->h[KNAT_DIR_ORIG].tuple.src = htonl(client);
	f->h[KNAT_DIR_ORIG].tuple.proto = IPPROTO_TCP;
	f->start = (u32)jiffies - x->svc.check_timeout * HZ - 1;
	return f;
}

/* An IPv4 packet from @src with @ttl, and an ICMP header if @type >= 0. */
static struct sk_buff *knat_ht_skb(struct kunit *test, u32 src, u8 ttl,
				   int type, u8 code)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);
	struct iphdr *iph;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = ttl;
	iph->protocol = type >= 0 ? IPPROTO_ICMP : IPPROTO_TCP;
	iph->saddr = htonl(src);
	if (type >= 0) {
		struct icmphdr *ih = skb_put_zero(skb, sizeof(*ih));

		ih->type = type;
		ih->code = code;
	}
	return skb;
}

/* @client's SYN again, past check-timeout, with @ttl: a failure or not. */
static void knat_ht_retrans(struct kunit *test, u32 client, u8 ttl)
{
	struct knat_health_fixture *x = test->priv;
	struct sk_buff *skb = knat_ht_skb(test, client, ttl, -1, 0);

	knat_health_tcp(&x->kn, knat_ht_flow(test, client), KNAT_DIR_ORIG,
			KNAT_TCPF_SYN, skb);
	kfree_skb(skb);
}

static u64 knat_ht_count(struct kunit *test, enum knat_counter c)
{
	struct knat_health_fixture *x = test->priv;
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(x->kn.stats, cpu)->cnt[c];
	return sum;
}

static void knat_health_one_client_stays_up(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;
	int i;

	for (i = 0; i < 10; i++)
		knat_ht_retrans(test, KNAT_HT_CLIENT(2), 64);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 10ULL);
	/* Failures 3..10 would have taken it down but for the clients. */
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_HEALTH_IGNORED), 8ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_DOWN), 0ULL);
}

static void knat_health_two_clients_down(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;

	knat_ht_retrans(test, KNAT_HT_CLIENT(2), 64);
	knat_ht_retrans(test, KNAT_HT_CLIENT(2), 64);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);
	knat_ht_retrans(test, KNAT_HT_CLIENT(3), 64);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_FAILED);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_DOWN), 1ULL);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_HEALTH_IGNORED), 0ULL);
	/* The run starts afresh once it took the backend down. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.nfails), 0U);
}

static void knat_health_check_clients_one(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;

	x->svc.check_clients = 1;
	knat_ht_retrans(test, KNAT_HT_CLIENT(2), 64);
	knat_ht_retrans(test, KNAT_HT_CLIENT(2), 64);
	knat_ht_retrans(test, KNAT_HT_CLIENT(2), 64);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_FAILED);
}

static void knat_health_pass_resets_run(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;

	knat_ht_retrans(test, KNAT_HT_CLIENT(2), 64);
	knat_ht_retrans(test, KNAT_HT_CLIENT(3), 64);
	/* A SYN-ACK: the backend answers after all. */
	knat_health_tcp(&x->kn, knat_ht_flow(test, KNAT_HT_CLIENT(4)),
			KNAT_DIR_REPLY, KNAT_TCPF_SYN | KNAT_TCPF_ACK, NULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.nfails), 0U);
	knat_ht_retrans(test, KNAT_HT_CLIENT(2), 64);
	knat_ht_retrans(test, KNAT_HT_CLIENT(3), 64);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);
	knat_ht_retrans(test, KNAT_HT_CLIENT(4), 64);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_FAILED);
}

static void knat_health_window(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;

	knat_ht_retrans(test, KNAT_HT_CLIENT(2), 64);
	knat_ht_retrans(test, KNAT_HT_CLIENT(3), 64);
	/*
	 * The clients were seen longer ago than 10 x check-timeout: they are
	 * forgotten, the failures are not.  A third client alone is too few.
	 */
	x->be.check_since = jiffies - (KNAT_CHECK_WINDOW *
				       x->svc.check_timeout + 1) * HZ;
	knat_ht_retrans(test, KNAT_HT_CLIENT(4), 64);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.nfails), 3U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.nclients), (u8)1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);
	knat_ht_retrans(test, KNAT_HT_CLIENT(5), 64);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_FAILED);
}

static void knat_health_ttl1_ignored(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;
	int i;

	for (i = 0; i < 6; i++) {
		knat_ht_retrans(test, KNAT_HT_CLIENT(2 + i), 1);
		knat_ht_retrans(test, KNAT_HT_CLIENT(2 + i), 0);
	}
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 0ULL);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_HEALTH_IGNORED), 12ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);
}

/* Too early, or not a pure SYN: no verdict at all. */
static void knat_health_not_a_retransmission(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;
	struct sk_buff *skb = knat_ht_skb(test, KNAT_HT_CLIENT(2), 64, -1, 0);
	struct knat_flow *f = knat_ht_flow(test, KNAT_HT_CLIENT(2));

	f->start = jiffies;
	knat_health_tcp(&x->kn, f, KNAT_DIR_ORIG, KNAT_TCPF_SYN, skb);
	f = knat_ht_flow(test, KNAT_HT_CLIENT(2));
	knat_health_tcp(&x->kn, f, KNAT_DIR_ORIG, KNAT_TCPF_SYN | KNAT_TCPF_FIN,
			skb);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 0ULL);
}

/* @n ICMP errors of @type/@code from @src, each about its own flow. */
static void knat_ht_icmp(struct kunit *test, int n, u32 src, u8 type,
			 u8 code, bool local)
{
	struct knat_health_fixture *x = test->priv;
	int i;

	for (i = 0; i < n; i++) {
		struct sk_buff *skb = knat_ht_skb(test, src, 64, type, code);

		knat_health_icmp(&x->kn, knat_ht_flow(test, KNAT_HT_CLIENT(2 + i)),
				 KNAT_DIR_REPLY, skb, sizeof(struct iphdr),
				 local);
		kfree_skb(skb);
	}
}

static void knat_health_icmp_filter(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;

	/* Frag-needed never counts, even from the backend. */
	knat_ht_icmp(test, 4, KNAT_HT_BACKEND, ICMP_DEST_UNREACH,
		     ICMP_FRAG_NEEDED, false);
	/* The router's own, or anyone's but the backend's. */
	knat_ht_icmp(test, 4, KNAT_HT_ROUTER, ICMP_DEST_UNREACH,
		     ICMP_HOST_UNREACH, false);
	knat_ht_icmp(test, 4, KNAT_HT_BACKEND, ICMP_DEST_UNREACH,
		     ICMP_PORT_UNREACH, true);
	knat_ht_icmp(test, 4, KNAT_HT_BACKEND, ICMP_DEST_UNREACH,
		     ICMP_PKT_FILTERED, false);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_HEALTH_IGNORED), 16ULL);
	/* Not an unreachable at all: not even looked at. */
	knat_ht_icmp(test, 4, KNAT_HT_BACKEND, ICMP_TIME_EXCEEDED, 0, false);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 0ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);

	/* The backend's own port unreachable, to three clients: down. */
	knat_ht_icmp(test, 3, KNAT_HT_BACKEND, ICMP_DEST_UNREACH,
		     ICMP_PORT_UNREACH, false);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 3ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_FAILED);
}

static void knat_ht_probing(struct knat_health_fixture *x)
{
	x->be.health = KNAT_HEALTH_PROBING;
	atomic_set(&x->svc.nprobing, 1);
}

static void knat_health_probe_slot(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;

	knat_ht_probing(x);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, knat_health_probe(&x->svc, true), &x->be);
	KUNIT_EXPECT_PTR_EQ(test, knat_health_probe(&x->svc, false), &x->be);
	/* One probe at a time. */
	KUNIT_EXPECT_NULL(test, knat_health_probe(&x->svc, true));
	KUNIT_EXPECT_NULL(test, knat_health_probe(&x->svc, false));
	/* Past check-timeout without a verdict: the slot is free again. */
	x->be.probe_since = jiffies - x->svc.check_timeout * HZ - 1;
	KUNIT_EXPECT_PTR_EQ(test, knat_health_probe(&x->svc, true), &x->be);
	KUNIT_EXPECT_PTR_EQ(test, knat_health_probe(&x->svc, false), &x->be);
	KUNIT_EXPECT_NULL(test, knat_health_probe(&x->svc, false));
	rcu_read_unlock();
}

static void knat_health_probe_verdicts(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;
	struct knat_flow *f;

	/* A failed probe holds the backend down, whatever the clients. */
	knat_ht_probing(x);
	f = knat_ht_flow(test, KNAT_HT_CLIENT(2));
	__set_bit(KNAT_FLOW_PROBE_BIT, &f->status);
	knat_health_tcp(&x->kn, f, KNAT_DIR_REPLY, KNAT_TCPF_RST, NULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_FAILED);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->svc.nprobing), 0);

	/* A passed one brings it back. */
	knat_ht_probing(x);
	f = knat_ht_flow(test, KNAT_HT_CLIENT(2));
	__set_bit(KNAT_FLOW_PROBE_BIT, &f->status);
	knat_health_tcp(&x->kn, f, KNAT_DIR_REPLY,
			KNAT_TCPF_SYN | KNAT_TCPF_ACK, NULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->svc.nprobing), 0);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_UP), 1ULL);
}

/* A removed backend: no verdict moves it, no probe takes it. */
static void knat_health_dead_backend(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;
	int i;

	x->svc.check_clients = 1;
	knat_ht_probing(x);
	WRITE_ONCE(x->be.dead, 1);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, knat_health_probe(&x->svc, false));
	rcu_read_unlock();
	for (i = 0; i < 5; i++)
		knat_ht_retrans(test, KNAT_HT_CLIENT(2 + i), 64);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 0ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_PROBING);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->svc.nprobing), 1);
}

/*
 * IPv6: the backend is 2001:db8:b::b, a router on the way 2001:db8:b::1,
 * client n 2001:db8:c::n.
 */
static struct in6_addr knat_ht_in6(u32 w1, u32 w3)
{
	struct in6_addr a = {};

	a.s6_addr32[0] = htonl(0x20010db8);
	a.s6_addr32[1] = htonl(w1);
	a.s6_addr32[3] = htonl(w3);
	return a;
}

#define KNAT_HT_BACKEND6	knat_ht_in6(0x000b0000, 0xb)
#define KNAT_HT_ROUTER6		knat_ht_in6(0x000b0000, 0x1)
#define KNAT_HT_CLIENT6(n)	knat_ht_in6(0x000c0000, (n))

/* The fixture's service and backend made IPv6 ones. */
static void knat_ht_v6(struct knat_health_fixture *x)
{
	x->svc.v6 = 1;
	x->svc.addr.in6 = knat_ht_in6(0x00050000, 1);
	x->be.addr.in6 = KNAT_HT_BACKEND6;
}

/* An IPv6 handshake of @client to the backend, as knat_ht_flow(). */
static struct knat_flow *knat_ht_flow6(struct kunit *test,
				       const struct in6_addr *client)
{
	struct knat_health_fixture *x = test->priv;
	struct knat_flow6 *f6;
	struct knat_flow *f;

	f6 = kunit_kzalloc(test, sizeof(*f6), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f6);
	f = &f6->f;
	f->v6 = 1;
	f->kind = KNAT_FLOW_KIND_SERVICE;
	f->owner = &x->be;
	f->state = KNAT_TCP_SYN_SENT;
	f6->a[KNAT_DIR_ORIG][0] = *client;
	f6->a[KNAT_DIR_ORIG][1] = x->svc.addr.in6;
	knat_tuple_fold6(&f->h[KNAT_DIR_ORIG].tuple, f6->a[KNAT_DIR_ORIG]);
	f->h[KNAT_DIR_ORIG].tuple.proto = IPPROTO_TCP;
	f->start = (u32)jiffies - x->svc.check_timeout * HZ - 1;
	return f;
}

/*
 * An IPv6 packet from @src with @hop_limit, and an ICMPv6 header if
 * @type >= 0.
 */
static struct sk_buff *knat_ht_skb6(struct kunit *test,
				    const struct in6_addr *src, u8 hop_limit,
				    int type, u8 code)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);
	struct ipv6hdr *ip6h;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->hop_limit = hop_limit;
	ip6h->nexthdr = type >= 0 ? IPPROTO_ICMPV6 : IPPROTO_TCP;
	ip6h->saddr = *src;
	ip6h->daddr = KNAT_HT_CLIENT6(2);
	if (type >= 0) {
		struct icmp6hdr *ih = skb_put_zero(skb, sizeof(*ih));

		ih->icmp6_type = type;
		ih->icmp6_code = code;
	}
	return skb;
}

/* @client's SYN again, past check-timeout, with @hop_limit. */
static void knat_ht_retrans6(struct kunit *test, const struct in6_addr *client,
			     u8 hop_limit)
{
	struct knat_health_fixture *x = test->priv;
	struct sk_buff *skb = knat_ht_skb6(test, client, hop_limit, -1, 0);

	knat_health_tcp(&x->kn, knat_ht_flow6(test, client), KNAT_DIR_ORIG,
			KNAT_TCPF_SYN, skb);
	kfree_skb(skb);
}

/* @n ICMPv6 errors of @type/@code from @src, each about its own flow. */
static void knat_ht_icmp6(struct kunit *test, int n,
			  const struct in6_addr *src, u8 type, u8 code,
			  bool local)
{
	struct knat_health_fixture *x = test->priv;
	int i;

	for (i = 0; i < n; i++) {
		struct in6_addr client = KNAT_HT_CLIENT6(2 + i);
		struct sk_buff *skb = knat_ht_skb6(test, src, 64, type, code);

		knat_health_icmp6(&x->kn, knat_ht_flow6(test, &client),
				  KNAT_DIR_REPLY, skb, sizeof(struct ipv6hdr),
				  local);
		kfree_skb(skb);
	}
}

/*
 * Of the destination unreachable codes from the backend, no route (0),
 * address (3) and port unreachable (4) fail the handshake; the others
 * (admin prohibited 1, beyond scope 2, policy 5, reject route 6) are
 * ignored.
 */
static void knat_health_icmp6_codes(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;
	struct in6_addr be6 = KNAT_HT_BACKEND6;
	u64 failed = 0, ignored = 0;
	u8 code;

	knat_ht_v6(x);
	x->svc.check_fails = 100;	/* one failure at a time, none down */
	for (code = 0; code <= ICMPV6_REJECT_ROUTE; code++) {
		bool fails = code == ICMPV6_NOROUTE ||
			     code == ICMPV6_ADDR_UNREACH ||
			     code == ICMPV6_PORT_UNREACH;

		knat_ht_icmp6(test, 1, &be6, ICMPV6_DEST_UNREACH, code, false);
		failed += fails;
		ignored += !fails;
		KUNIT_EXPECT_EQ_MSG(test, failed,
				    knat_ht_count(test, KNAT_CNT_CHECK_FAILED),
				    "code %u", code);
		KUNIT_EXPECT_EQ_MSG(test, ignored,
				    knat_ht_count(test,
						  KNAT_CNT_HEALTH_IGNORED),
				    "code %u", code);
	}
	KUNIT_EXPECT_EQ(test, failed, 3ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);
}

static void knat_health_icmp6_filter(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;
	struct in6_addr be6 = KNAT_HT_BACKEND6, router6 = KNAT_HT_ROUTER6;
	struct in6_addr twin = be6, four = {};
	struct knat_flow *f;
	struct sk_buff *skb;

	knat_ht_v6(x);
	/* Another address of the backend's fold; its first word alone. */
	twin.s6_addr32[1] ^= htonl(0x0000ffff);
	twin.s6_addr32[2] ^= htonl(0x0000ffff);
	four.s6_addr32[0] = be6.s6_addr32[0];

	/* Admin prohibited (a firewall) never counts, even the backend's. */
	knat_ht_icmp6(test, 4, &be6, ICMPV6_DEST_UNREACH,
		      ICMPV6_ADM_PROHIBITED, false);
	/* The router's, anyone's but the backend's, or our own. */
	knat_ht_icmp6(test, 4, &router6, ICMPV6_DEST_UNREACH,
		      ICMPV6_PORT_UNREACH, false);
	knat_ht_icmp6(test, 4, &twin, ICMPV6_DEST_UNREACH,
		      ICMPV6_PORT_UNREACH, false);
	knat_ht_icmp6(test, 4, &four, ICMPV6_DEST_UNREACH,
		      ICMPV6_PORT_UNREACH, false);
	knat_ht_icmp6(test, 4, &be6, ICMPV6_DEST_UNREACH,
		      ICMPV6_PORT_UNREACH, true);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_HEALTH_IGNORED),
			20ULL);
	/* Not an unreachable at all, or the client's way: not looked at. */
	knat_ht_icmp6(test, 4, &be6, ICMPV6_PKT_TOOBIG, 0, false);
	knat_ht_icmp6(test, 4, &be6, ICMPV6_TIME_EXCEED, 0, false);
	skb = knat_ht_skb6(test, &be6, 64, ICMPV6_DEST_UNREACH,
			   ICMPV6_PORT_UNREACH);
	f = knat_ht_flow6(test, &router6);
	knat_health_icmp6(&x->kn, f, KNAT_DIR_ORIG, skb,
			  sizeof(struct ipv6hdr), false);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_HEALTH_IGNORED),
			20ULL);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 0ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);

	/* The backend's own port unreachable, to three clients: down. */
	knat_ht_icmp6(test, 3, &be6, ICMPV6_DEST_UNREACH,
		      ICMPV6_PORT_UNREACH, false);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 3ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_FAILED);
}

/*
 * IPv6 clients' SYNs again: each client its whole address (one of the
 * same fold is another client); a hop limit ending here says nothing.
 */
static void knat_health_v6_clients(struct kunit *test)
{
	struct knat_health_fixture *x = test->priv;
	struct in6_addr c2 = KNAT_HT_CLIENT6(2), twin = c2;
	union nf_inet_addr first = {};
	int i;

	knat_ht_v6(x);
	twin.s6_addr32[1] ^= htonl(0x00000100);
	twin.s6_addr32[2] ^= htonl(0x00000100);
	KUNIT_ASSERT_EQ(test, knat_addr6_fold(&twin), knat_addr6_fold(&c2));

	for (i = 0; i < 6; i++) {
		struct in6_addr c = KNAT_HT_CLIENT6(10 + i);

		knat_ht_retrans6(test, &c, 1);
		knat_ht_retrans6(test, &c, 0);
	}
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 0ULL);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_HEALTH_IGNORED),
			12ULL);

	for (i = 0; i < 3; i++)
		knat_ht_retrans6(test, &c2, 64);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_FAILED), 3ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.nclients), (u8)1);
	first.in6 = c2;
	KUNIT_EXPECT_TRUE(test, nf_inet_addr_cmp(&x->be.check_client[0],
						 &first));
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_OK);
	knat_ht_retrans6(test, &twin, 64);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->be.health), (u8)KNAT_HEALTH_FAILED);
	KUNIT_EXPECT_EQ(test, knat_ht_count(test, KNAT_CNT_CHECK_DOWN), 1ULL);
}

static struct kunit_case knat_health_cases[] = {
	KUNIT_CASE(knat_health_one_client_stays_up),
	KUNIT_CASE(knat_health_two_clients_down),
	KUNIT_CASE(knat_health_check_clients_one),
	KUNIT_CASE(knat_health_pass_resets_run),
	KUNIT_CASE(knat_health_window),
	KUNIT_CASE(knat_health_ttl1_ignored),
	KUNIT_CASE(knat_health_not_a_retransmission),
	KUNIT_CASE(knat_health_icmp_filter),
	KUNIT_CASE(knat_health_probe_slot),
	KUNIT_CASE(knat_health_probe_verdicts),
	KUNIT_CASE(knat_health_dead_backend),
	KUNIT_CASE(knat_health_icmp6_codes),
	KUNIT_CASE(knat_health_icmp6_filter),
	KUNIT_CASE(knat_health_v6_clients),
	{}
};

static struct kunit_suite knat_health_suite = {
	.name = "knat_health",
	.init = knat_health_test_init,
	.exit = knat_health_test_exit,
	.test_cases = knat_health_cases,
};

kunit_test_suites(&knat_health_suite);
