// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the service and backend indexes (svc_index.c).  Included from
 * svc_index.c.
 *
 * A fake namespace with real index tables; services and backends made by
 * hand, put in and taken out of the indexes as service.c does, then
 * looked up as the packet path and the configuration path look them up.
 */

#include <kunit/test.h>
#include <linux/in.h>

#include "maglev.h"

#define KNAT_IT_MAX	3100
#define KNAT_IT_VIP	htonl(0xc0000201)	/* 192.0.2.1 */
#define KNAT_IT_VIP2	htonl(0xc0000202)	/* 192.0.2.2 */
#define KNAT_IT_BE	htonl(0x0a00020b)	/* 10.0.2.11 */
#define KNAT_IT_CLIENT	htonl(0xc6336401)	/* 198.51.100.1 */

struct knat_it {
	struct knat_net kn;
	struct knat_service *svc[KNAT_IT_MAX];	/* to free */
	unsigned int nsvc;
};

static int knat_it_init(struct kunit *test)
{
	struct knat_it *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);

	if (!x)
		return -ENOMEM;
	mutex_init(&x->kn.lock);
	if (knat_svc_index_net_init(&x->kn))
		return -ENOMEM;
	test->priv = x;
	return 0;
}

static void knat_it_exit(struct kunit *test)
{
	struct knat_it *x = test->priv;
	unsigned int i;

	knat_svc_index_net_exit(&x->kn);
	for (i = 0; i < x->nsvc; i++) {
		struct knat_service *svc = x->svc[i];

		knat_sched_done(svc);
		free_percpu(svc->stats);
	}
	rcu_barrier();	/* maglev tables go by RCU */
}

/* A service of @sched at @addr of its family (@v6), indexed. */
static struct knat_service *knat_it_service_at(struct kunit *test, u8 proto,
					       const union nf_inet_addr *addr,
					       bool v6, u16 port,
					       const struct knat_sched *sched)
{
	struct knat_it *x = test->priv;
	struct knat_service *svc;

	KUNIT_ASSERT_LT(test, x->nsvc, (unsigned int)KNAT_IT_MAX);
	svc = kunit_kzalloc(test, sizeof(*svc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	svc->kn = &x->kn;
	svc->proto = proto;
	svc->addr = *addr;
	svc->v6 = v6;
	svc->port = htons(port);
	svc->sched = sched;
	svc->maglev_size = 251;
	INIT_LIST_HEAD(&svc->backends);
	svc->stats = alloc_percpu(struct knat_svc_stats);
	KUNIT_ASSERT_NOT_NULL(test, svc->stats);
	x->svc[x->nsvc++] = svc;
	mutex_lock(&x->kn.lock);
	if (sched->init)
		KUNIT_EXPECT_EQ(test, sched->init(svc), 0);
	KUNIT_EXPECT_EQ(test, knat_svc_index_add(svc), 0);
	mutex_unlock(&x->kn.lock);
	return svc;
}

/* A service of @sched, indexed. */
static struct knat_service *knat_it_service(struct kunit *test, u8 proto,
					    __be32 addr, u16 port,
					    const struct knat_sched *sched)
{
	union nf_inet_addr a = knat_inet_addr4(addr);

	return knat_it_service_at(test, proto, &a, false, port, sched);
}

/*
 * A backend of @svc at @addr (of its family), up and healthy, indexed;
 * the scheduler updated.
 */
static struct knat_backend *knat_it_backend_at(struct kunit *test,
					       struct knat_service *svc,
					       const union nf_inet_addr *addr,
					       u16 port)
{
	struct knat_backend *be;

	be = kunit_kzalloc(test, sizeof(*be), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, be);
	be->svc = svc;
	be->addr = *addr;
	be->port = htons(port);
	/* Unique enough for maglev: service.c hashes an IPv6 address. */
	be->key = svc->v6 ? (u64)jhash(addr, sizeof(*addr), 0) << 16 | port :
		  (u64)ntohl(addr->ip) << 16 | port;
	be->weight = 1;
	be->state = KNAT_BACKEND_UP;
	be->health = KNAT_HEALTH_OK;
	mutex_lock(&svc->kn->lock);
	KUNIT_EXPECT_EQ(test, knat_be_index_add(be), 0);
	list_add_tail_rcu(&be->list, &svc->backends);
	svc->nbackends++;
	if (svc->sched->update)
		KUNIT_EXPECT_EQ(test, svc->sched->update(svc), 0);
	mutex_unlock(&svc->kn->lock);
	return be;
}

static struct knat_backend *knat_it_backend(struct kunit *test,
					    struct knat_service *svc,
					    __be32 addr, u16 port)
{
	union nf_inet_addr a = knat_inet_addr4(addr);

	return knat_it_backend_at(test, svc, &a, port);
}

static struct knat_service *knat_it_find(struct knat_it *x, u8 proto,
					 __be32 addr, u16 port)
{
	struct knat_service *svc;

	rcu_read_lock();
	svc = knat_service_find(&x->kn, proto, addr, htons(port));
	rcu_read_unlock();
	return svc;
}

static bool knat_it_is_vip(struct knat_it *x, __be32 addr)
{
	bool vip;

	rcu_read_lock();
	vip = knat_service_is_vip(&x->kn, addr);
	rcu_read_unlock();
	return vip;
}

/* Every field of the key tells services apart; a miss is NULL. */
static void knat_it_service_key(struct kunit *test)
{
	struct knat_it *x = test->priv;
	struct knat_service *web, *tls, *dns, *other, *again;
	union nf_inet_addr vip;

	web = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 80, &knat_sched_rr);
	tls = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 443, &knat_sched_rr);
	dns = knat_it_service(test, IPPROTO_UDP, KNAT_IT_VIP, 80, &knat_sched_rr);
	other = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP2, 80,
				&knat_sched_rr);

	KUNIT_EXPECT_PTR_EQ(test, knat_it_find(x, IPPROTO_TCP, KNAT_IT_VIP, 80), web);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find(x, IPPROTO_TCP, KNAT_IT_VIP, 443), tls);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find(x, IPPROTO_UDP, KNAT_IT_VIP, 80), dns);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find(x, IPPROTO_TCP, KNAT_IT_VIP2, 80),
			    other);
	KUNIT_EXPECT_NULL(test, knat_it_find(x, IPPROTO_UDP, KNAT_IT_VIP, 443));
	KUNIT_EXPECT_NULL(test, knat_it_find(x, IPPROTO_TCP, KNAT_IT_VIP, 81));
	KUNIT_EXPECT_NULL(test, knat_it_find(x, IPPROTO_TCP, KNAT_IT_BE, 80));

	mutex_lock(&x->kn.lock);
	vip = knat_inet_addr4(KNAT_IT_VIP);
	KUNIT_EXPECT_PTR_EQ(test, knat_service_find_locked(&x->kn, IPPROTO_TCP,
							   &vip, false,
							   htons(443)), tls);
	mutex_unlock(&x->kn.lock);

	/* The same key twice is refused; the first stays. */
	again = kunit_kzalloc(test, sizeof(*again), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, again);
	again->kn = &x->kn;
	again->proto = IPPROTO_TCP;
	again->addr.ip = KNAT_IT_VIP;
	again->port = htons(80);
	mutex_lock(&x->kn.lock);
	KUNIT_EXPECT_EQ(test, knat_svc_index_add(again), -EEXIST);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find(x, IPPROTO_TCP, KNAT_IT_VIP, 80), web);
}

/* A VIP stays one while any of its services is left. */
static void knat_it_vip(struct kunit *test)
{
	struct knat_it *x = test->priv;
	struct knat_service *web, *dns;
	union nf_inet_addr vip;
	int cpu;
	u64 n;

	web = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 80, &knat_sched_rr);
	dns = knat_it_service(test, IPPROTO_UDP, KNAT_IT_VIP, 53, &knat_sched_rr);
	KUNIT_EXPECT_TRUE(test, knat_it_is_vip(x, KNAT_IT_VIP));
	KUNIT_EXPECT_FALSE(test, knat_it_is_vip(x, KNAT_IT_VIP2));

	/* A ping of the VIP counts in each of its services. */
	rcu_read_lock();
	vip = knat_inet_addr4(KNAT_IT_VIP);
	knat_service_count_vip(&x->kn, &vip, false, KNAT_CNT_VIP_ECHO);
	vip = knat_inet_addr4(KNAT_IT_VIP2);
	knat_service_count_vip(&x->kn, &vip, false, KNAT_CNT_VIP_ECHO);
	rcu_read_unlock();
	n = 0;
	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(web->stats, cpu)->icmp[KNAT_SVC_ICMP_VIP_ECHO] +
		     per_cpu_ptr(dns->stats, cpu)->icmp[KNAT_SVC_ICMP_VIP_ECHO];
	KUNIT_EXPECT_EQ(test, n, 2ULL);

	mutex_lock(&x->kn.lock);
	knat_svc_index_del(web);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_NULL(test, knat_it_find(x, IPPROTO_TCP, KNAT_IT_VIP, 80));
	KUNIT_EXPECT_TRUE(test, knat_it_is_vip(x, KNAT_IT_VIP));
	mutex_lock(&x->kn.lock);
	knat_svc_index_del(dns);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_FALSE(test, knat_it_is_vip(x, KNAT_IT_VIP));
}

/* One address:port may back several services: each finds its own. */
static void knat_it_backend_shared(struct kunit *test)
{
	struct knat_it *x = test->priv;
	union nf_inet_addr be_addr = knat_inet_addr4(KNAT_IT_BE);
	struct knat_service *a, *b;
	struct knat_backend *ba, *bb;

	a = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 80, &knat_sched_rr);
	b = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 81, &knat_sched_rr);
	ba = knat_it_backend(test, a, KNAT_IT_BE, 8080);
	bb = knat_it_backend(test, b, KNAT_IT_BE, 8080);

	mutex_lock(&x->kn.lock);
	KUNIT_EXPECT_PTR_EQ(test, knat_backend_find_locked(a, &be_addr,
							   htons(8080)), ba);
	KUNIT_EXPECT_PTR_EQ(test, knat_backend_find_locked(b, &be_addr,
							   htons(8080)), bb);
	KUNIT_EXPECT_NULL(test, knat_backend_find_locked(a, &be_addr,
							 htons(8081)));
	knat_be_index_del(ba);
	KUNIT_EXPECT_NULL(test, knat_backend_find_locked(a, &be_addr,
							 htons(8080)));
	KUNIT_EXPECT_PTR_EQ(test, knat_backend_find_locked(b, &be_addr,
							   htons(8080)), bb);
	mutex_unlock(&x->kn.lock);
}

static struct knat_backend *knat_it_reply(struct knat_it *x, u8 proto,
					  bool *ambiguous)
{
	struct knat_tuple t = {
		.src = KNAT_IT_BE, .dst = KNAT_IT_CLIENT,
		.sport = htons(8080), .dport = htons(40000),
		.proto = proto, .dir = KNAT_DIR_ORIG,
	};
	struct knat_backend *be;

	rcu_read_lock();
	be = knat_backend_find_reply(&x->kn, &t, NULL, ambiguous);
	rcu_read_unlock();
	return be;
}

/*
 * A backend's answer with no flow is picked up only for a maglev service
 * that names it, and only while no other service shares its address.
 */
static void knat_it_reply_owner(struct kunit *test)
{
	struct knat_it *x = test->priv;
	struct knat_service *mg, *rr;
	struct knat_backend *be, *shared;
	bool ambiguous;

	mg = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 80,
			     &knat_sched_maglev);
	be = knat_it_backend(test, mg, KNAT_IT_BE, 8080);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_reply(x, IPPROTO_TCP, &ambiguous), be);
	KUNIT_EXPECT_FALSE(test, ambiguous);
	/* Not for another protocol. */
	KUNIT_EXPECT_NULL(test, knat_it_reply(x, IPPROTO_UDP, &ambiguous));
	KUNIT_EXPECT_FALSE(test, ambiguous);

	/* A round-robin service shares the backend: whose answer is it? */
	rr = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP2, 80, &knat_sched_rr);
	shared = knat_it_backend(test, rr, KNAT_IT_BE, 8080);
	KUNIT_EXPECT_NULL(test, knat_it_reply(x, IPPROTO_TCP, &ambiguous));
	KUNIT_EXPECT_TRUE(test, ambiguous);

	/* Gone from the index, it no longer shares. */
	mutex_lock(&x->kn.lock);
	knat_be_index_del(shared);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_reply(x, IPPROTO_TCP, &ambiguous), be);
	KUNIT_EXPECT_FALSE(test, ambiguous);
}

/* Thousands of services on one VIP: each found, none lost to a resize. */
static void knat_it_many(struct kunit *test)
{
	struct knat_it *x = test->priv;
	unsigned int i, found = 0;

	for (i = 0; i < 3000; i++)
		knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 1000 + i,
				&knat_sched_rr);
	for (i = 0; i < 3000; i++) {
		struct knat_service *svc;

		svc = knat_it_find(x, IPPROTO_TCP, KNAT_IT_VIP, 1000 + i);
		found += svc && ntohs(svc->port) == 1000 + i;
	}
	KUNIT_EXPECT_EQ(test, found, 3000U);
	KUNIT_EXPECT_NULL(test, knat_it_find(x, IPPROTO_TCP, KNAT_IT_VIP, 999));
}

/*
 * One backend address behind thousands of services, as a pool of servers
 * behind many VIPs: the configuration path finds each service's own in
 * one lookup, refuses it twice, and a packet of no flow from it walks
 * no more than KNAT_PICKUP_OWNERS_MAX of them.
 */
static void knat_it_shared_many(struct kunit *test)
{
	struct knat_it *x = test->priv;
	const unsigned int n = 3000;
	union nf_inet_addr be_addr = knat_inet_addr4(KNAT_IT_BE);
	struct knat_backend **be, dup = {};
	struct knat_service **svc;
	unsigned int i, own = 0;
	bool ambiguous;

	be = kunit_kcalloc(test, n, sizeof(*be), GFP_KERNEL);
	svc = kunit_kcalloc(test, n, sizeof(*svc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, be);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	for (i = 0; i < 3; i++) {
		svc[i] = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP,
					 1000 + i, &knat_sched_rr);
		be[i] = knat_it_backend(test, svc[i], KNAT_IT_BE, 8080);
	}
	/* A few round-robin owners: no pickup, and no reason to drop. */
	KUNIT_EXPECT_NULL(test, knat_it_reply(x, IPPROTO_TCP, &ambiguous));
	KUNIT_EXPECT_FALSE(test, ambiguous);

	for (; i < n; i++) {
		svc[i] = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP,
					 1000 + i, &knat_sched_rr);
		be[i] = knat_it_backend(test, svc[i], KNAT_IT_BE, 8080);
	}
	mutex_lock(&x->kn.lock);
	for (i = 0; i < n; i++)
		own += knat_backend_find_locked(svc[i], &be_addr,
						htons(8080)) == be[i];
	dup.svc = svc[7];
	dup.addr.ip = KNAT_IT_BE;
	dup.port = htons(8080);
	KUNIT_EXPECT_EQ(test, knat_be_index_add(&dup), -EEXIST);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_EQ(test, own, n);

	/* Too many owners to look at: dropped as ambiguous, not walked. */
	KUNIT_EXPECT_NULL(test, knat_it_reply(x, IPPROTO_TCP, &ambiguous));
	KUNIT_EXPECT_TRUE(test, ambiguous);
}

/* IPv6 addresses word by word; 2001:db8::/32 for most. */
#define KNAT_IT_NET6	0x20010db8

static union nf_inet_addr knat_it_in6(u32 w0, u32 w1, u32 w2, u32 w3)
{
	union nf_inet_addr a;

	a.ip6[0] = htonl(w0);
	a.ip6[1] = htonl(w1);
	a.ip6[2] = htonl(w2);
	a.ip6[3] = htonl(w3);
	return a;
}

static struct knat_service *knat_it_find6(struct knat_it *x, u8 proto,
					  const union nf_inet_addr *addr,
					  u16 port)
{
	struct knat_service *svc;

	rcu_read_lock();
	svc = knat_service_find6(&x->kn, proto, &addr->in6, htons(port));
	rcu_read_unlock();
	return svc;
}

static bool knat_it_is_vip6(struct knat_it *x, const union nf_inet_addr *addr)
{
	bool vip;

	rcu_read_lock();
	vip = knat_service_is_vip6(&x->kn, &addr->in6);
	rcu_read_unlock();
	return vip;
}

/* The pickup of answer @t (@a6: its IPv6 addresses, or NULL). */
static struct knat_backend *knat_it_reply6(struct knat_it *x,
					   const struct knat_tuple *t,
					   const struct in6_addr *a6,
					   bool *ambiguous)
{
	struct knat_backend *be;

	rcu_read_lock();
	be = knat_backend_find_reply(&x->kn, t, a6, ambiguous);
	rcu_read_unlock();
	return be;
}

static u64 knat_it_echoes(const struct knat_service *svc)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(svc->stats, cpu)->icmp[KNAT_SVC_ICMP_VIP_ECHO];
	return n;
}

/*
 * IPv6 services are found by all 128 bits of their VIP; 10.0.0.1:80 and
 * 0a00:0001:: port 80, whose addresses are the same 16 bytes as services
 * keep them, are two services, each found by its own family.
 */
static void knat_it_v6_service_key(struct kunit *test)
{
	struct knat_it *x = test->priv;
	union nf_inet_addr vip6 = knat_it_in6(KNAT_IT_NET6, 0x00050000, 0, 1);
	union nf_inet_addr twin = knat_it_in6(0x0a000001, 0, 0, 0);
	union nf_inet_addr near;
	struct knat_service *web6, *dns6, *four, *six;
	__be32 ip4 = htonl(0x0a000001);

	web6 = knat_it_service_at(test, IPPROTO_TCP, &vip6, true, 80,
				  &knat_sched_rr);
	dns6 = knat_it_service_at(test, IPPROTO_UDP, &vip6, true, 80,
				  &knat_sched_rr);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find6(x, IPPROTO_TCP, &vip6, 80),
			    web6);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find6(x, IPPROTO_UDP, &vip6, 80),
			    dns6);
	KUNIT_EXPECT_NULL(test, knat_it_find6(x, IPPROTO_TCP, &vip6, 81));
	/* Not found by its first word as an IPv4 VIP. */
	KUNIT_EXPECT_NULL(test, knat_it_find(x, IPPROTO_TCP, vip6.ip, 80));
	/* Nor by a VIP one bit off in any of its words. */
	near = knat_it_in6(KNAT_IT_NET6, 0x00050000, 0, 3);
	KUNIT_EXPECT_NULL(test, knat_it_find6(x, IPPROTO_TCP, &near, 80));
	near = knat_it_in6(KNAT_IT_NET6, 0x00050000, 0x80000000, 1);
	KUNIT_EXPECT_NULL(test, knat_it_find6(x, IPPROTO_TCP, &near, 80));
	near = knat_it_in6(KNAT_IT_NET6 ^ 1, 0x00050000, 0, 1);
	KUNIT_EXPECT_NULL(test, knat_it_find6(x, IPPROTO_TCP, &near, 80));

	/* The twins: both indexed (knat_it_service_at() expects no error). */
	KUNIT_ASSERT_EQ(test, twin.ip, ip4);
	four = knat_it_service(test, IPPROTO_TCP, ip4, 80, &knat_sched_rr);
	six = knat_it_service_at(test, IPPROTO_TCP, &twin, true, 80,
				 &knat_sched_rr);
	KUNIT_EXPECT_PTR_NE(test, four, six);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find(x, IPPROTO_TCP, ip4, 80), four);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find6(x, IPPROTO_TCP, &twin, 80),
			    six);
	/* ::10.0.0.1 is neither. */
	near = knat_it_in6(0, 0, 0, 0x0a000001);
	KUNIT_EXPECT_NULL(test, knat_it_find6(x, IPPROTO_TCP, &near, 80));
	mutex_lock(&x->kn.lock);
	KUNIT_EXPECT_PTR_EQ(test, knat_service_find_locked(&x->kn, IPPROTO_TCP,
							   &twin, false,
							   htons(80)), four);
	KUNIT_EXPECT_PTR_EQ(test, knat_service_find_locked(&x->kn, IPPROTO_TCP,
							   &twin, true,
							   htons(80)), six);
	KUNIT_EXPECT_PTR_EQ(test, knat_service_find_locked(&x->kn, IPPROTO_UDP,
							   &vip6, true,
							   htons(80)), dns6);
	KUNIT_EXPECT_NULL(test, knat_service_find_locked(&x->kn, IPPROTO_TCP,
							 &vip6, false,
							 htons(80)));
	/* Each twin goes alone. */
	knat_svc_index_del(four);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_NULL(test, knat_it_find(x, IPPROTO_TCP, ip4, 80));
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find6(x, IPPROTO_TCP, &twin, 80),
			    six);
	mutex_lock(&x->kn.lock);
	KUNIT_EXPECT_EQ(test, knat_svc_index_add(four), 0);
	knat_svc_index_del(six);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_find(x, IPPROTO_TCP, ip4, 80), four);
	KUNIT_EXPECT_NULL(test, knat_it_find6(x, IPPROTO_TCP, &twin, 80));
}

/* An IPv6 VIP and the IPv4 one of the same bytes are not each other. */
static void knat_it_v6_vip(struct kunit *test)
{
	struct knat_it *x = test->priv;
	union nf_inet_addr six = knat_it_in6(0x0a000001, 0, 0, 0);
	union nf_inet_addr four = knat_inet_addr4(htonl(0x0a000002));
	union nf_inet_addr mapped = knat_it_in6(0, 0, 0, 0x0a000002);
	struct knat_service *svc6, *svc4, *other4;

	svc6 = knat_it_service_at(test, IPPROTO_TCP, &six, true, 80,
				  &knat_sched_rr);
	KUNIT_EXPECT_TRUE(test, knat_it_is_vip6(x, &six));
	KUNIT_EXPECT_FALSE(test, knat_it_is_vip(x, six.ip));
	svc4 = knat_it_service(test, IPPROTO_TCP, four.ip, 80, &knat_sched_rr);
	KUNIT_EXPECT_TRUE(test, knat_it_is_vip(x, four.ip));
	KUNIT_EXPECT_FALSE(test, knat_it_is_vip6(x, &four));
	KUNIT_EXPECT_FALSE(test, knat_it_is_vip6(x, &mapped));

	/* A ping counts in the services of its own family only. */
	rcu_read_lock();
	knat_service_count_vip(&x->kn, &six, false, KNAT_CNT_VIP_ECHO);
	knat_service_count_vip(&x->kn, &four, true, KNAT_CNT_VIP_ECHO);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, knat_it_echoes(svc6), 0ULL);
	KUNIT_EXPECT_EQ(test, knat_it_echoes(svc4), 0ULL);
	rcu_read_lock();
	knat_service_count_vip(&x->kn, &six, true, KNAT_CNT_VIP_ECHO);
	knat_service_count_vip(&x->kn, &four, false, KNAT_CNT_VIP_ECHO);
	knat_service_count_vip(&x->kn, &four, false, KNAT_CNT_VIP_ECHO);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, knat_it_echoes(svc6), 1ULL);
	KUNIT_EXPECT_EQ(test, knat_it_echoes(svc4), 2ULL);

	/* The IPv4 twin comes and the IPv6 VIP goes: each on its own. */
	other4 = knat_it_service(test, IPPROTO_UDP, six.ip, 53, &knat_sched_rr);
	KUNIT_EXPECT_TRUE(test, knat_it_is_vip(x, six.ip));
	mutex_lock(&x->kn.lock);
	knat_svc_index_del(svc6);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_FALSE(test, knat_it_is_vip6(x, &six));
	KUNIT_EXPECT_TRUE(test, knat_it_is_vip(x, six.ip));
	mutex_lock(&x->kn.lock);
	knat_svc_index_del(other4);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_FALSE(test, knat_it_is_vip(x, six.ip));
}

/*
 * 10.0.2.11:8080 and 0a00:020b:: port 8080 are two backend groups: the
 * IPv4 answer from a maglev service's backend is not made ambiguous by an
 * IPv6 service's backend of the same bytes, nor the other way round.
 */
static void knat_it_v6_backend_group(struct kunit *test)
{
	struct knat_it *x = test->priv;
	union nf_inet_addr vip6 = knat_it_in6(KNAT_IT_NET6, 0x00050000, 0, 1);
	union nf_inet_addr twin = knat_it_in6(0x0a00020b, 0, 0, 0);
	struct in6_addr a6[2];
	struct knat_service *mg4, *rr6, *mg6;
	struct knat_backend *be4, *be6, *be6b;
	struct knat_tuple t = {
		.sport = htons(8080), .dport = htons(40000),
		.proto = IPPROTO_TCP,
	};
	bool ambiguous;

	KUNIT_ASSERT_EQ(test, twin.ip, KNAT_IT_BE);
	mg4 = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 80,
			      &knat_sched_maglev);
	rr6 = knat_it_service_at(test, IPPROTO_TCP, &vip6, true, 80,
				 &knat_sched_rr);
	be4 = knat_it_backend(test, mg4, KNAT_IT_BE, 8080);
	be6 = knat_it_backend_at(test, rr6, &twin, 8080);
	KUNIT_ASSERT_NOT_NULL(test, be4->group);
	KUNIT_ASSERT_NOT_NULL(test, be6->group);
	KUNIT_EXPECT_PTR_NE(test, be4->group, be6->group);
	KUNIT_EXPECT_EQ(test, be4->group->n, 1U);
	KUNIT_EXPECT_EQ(test, be6->group->n, 1U);

	/* The IPv4 answer: maglev's alone (two owners would be ambiguous). */
	KUNIT_EXPECT_PTR_EQ(test, knat_it_reply(x, IPPROTO_TCP, &ambiguous),
			    be4);
	KUNIT_EXPECT_FALSE(test, ambiguous);
	/* The IPv6 one: round robin's, never picked up, not ambiguous. */
	a6[0] = twin.in6;
	a6[1] = knat_it_in6(KNAT_IT_NET6, 0x000c0000, 0, 1).in6;
	knat_tuple_fold6(&t, a6);
	KUNIT_EXPECT_NULL(test, knat_it_reply6(x, &t, a6, &ambiguous));
	KUNIT_EXPECT_FALSE(test, ambiguous);

	/* Within a family, backends of one address and port do share. */
	mg6 = knat_it_service_at(test, IPPROTO_TCP, &vip6, true, 81,
				 &knat_sched_maglev);
	be6b = knat_it_backend_at(test, mg6, &twin, 8080);
	KUNIT_EXPECT_PTR_EQ(test, be6b->group, be6->group);
	KUNIT_EXPECT_EQ(test, be6->group->n, 2U);
	KUNIT_EXPECT_EQ(test, be4->group->n, 1U);
	KUNIT_EXPECT_NULL(test, knat_it_reply6(x, &t, a6, &ambiguous));
	KUNIT_EXPECT_TRUE(test, ambiguous);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_reply(x, IPPROTO_TCP, &ambiguous),
			    be4);
	KUNIT_EXPECT_FALSE(test, ambiguous);

	mutex_lock(&x->kn.lock);
	KUNIT_EXPECT_PTR_EQ(test, knat_backend_find_locked(mg4, &twin,
							   htons(8080)), be4);
	KUNIT_EXPECT_PTR_EQ(test, knat_backend_find_locked(rr6, &twin,
							   htons(8080)), be6);
	knat_be_index_del(be6);
	knat_be_index_del(be6b);
	mutex_unlock(&x->kn.lock);
	/* The IPv4 group outlives the IPv6 one. */
	KUNIT_EXPECT_NULL(test, knat_it_reply6(x, &t, a6, &ambiguous));
	KUNIT_EXPECT_FALSE(test, ambiguous);
	KUNIT_EXPECT_PTR_EQ(test, knat_it_reply(x, IPPROTO_TCP, &ambiguous),
			    be4);
}

#define KNAT_IT_V6_BACKENDS	4
#define KNAT_IT_V6_CLIENTS	100

/*
 * An answer of backend @j of @mg6 to client @c: picked up exactly when
 * maglev sends the client's flow (as built from the answer) there; and
 * the IPv4 tuple of the same folds is no IPv6 backend's answer.  With
 * @mg4, an IPv4 maglev service whose backends are the IPv6 ones' folds,
 * that IPv4 tuple is its own backend's when its maglev says so.
 */
static void knat_it_v6_pickup(struct kunit *test, struct knat_service *mg6,
			      struct knat_backend **be6,
			      struct knat_service *mg4,
			      struct knat_backend **be4, unsigned int *used)
{
	struct knat_it *x = test->priv;
	unsigned int c, j, found = 0;
	bool ambiguous;

	for (c = 0; c < KNAT_IT_V6_CLIENTS; c++) {
		union nf_inet_addr client;
		struct in6_addr orig6[2], r6[2];
		struct knat_tuple orig = {
			.sport = htons(40000 + c), .dport = mg6->port,
			.proto = IPPROTO_TCP,
		};
		struct knat_backend *want, *want4 = NULL, *got;

		client = knat_it_in6(KNAT_IT_NET6, 0x000c0000, c, 1 + c);
		/* The client's flow to the VIP, as the packet path sees it. */
		orig6[0] = client.in6;
		orig6[1] = mg6->addr.in6;
		knat_tuple_fold6(&orig, orig6);
		rcu_read_lock();
		want = knat_sched_pick(mg6, &orig, orig6, false);
		rcu_read_unlock();
		KUNIT_ASSERT_NOT_NULL(test, want);

		for (j = 0; j < KNAT_IT_V6_BACKENDS; j++) {
			struct knat_tuple r = {
				.sport = htons(8080), .dport = orig.sport,
				.proto = IPPROTO_TCP,
			};

			r6[0] = be6[j]->addr.in6;
			r6[1] = client.in6;
			knat_tuple_fold6(&r, r6);
			got = knat_it_reply6(x, &r, r6, &ambiguous);
			KUNIT_EXPECT_PTR_EQ_MSG(test, got,
						want == be6[j] ? be6[j] : NULL,
						"client %u backend %u", c, j);
			KUNIT_EXPECT_FALSE(test, ambiguous);
			found += !!got;
			if (got == be6[j])
				*used |= BIT(j);

			/* The IPv4 twin: 10.0.2.(11 + j) to the fold. */
			KUNIT_ASSERT_EQ(test, r.src, htonl(0x0a00020b + j));
			if (mg4) {
				struct knat_tuple o4 = {
					.src = r.dst, .dst = mg4->addr.ip,
					.sport = r.dport, .dport = mg4->port,
					.proto = IPPROTO_TCP,
				};

				rcu_read_lock();
				want4 = knat_sched_pick(mg4, &o4, NULL, false);
				rcu_read_unlock();
				KUNIT_ASSERT_NOT_NULL(test, want4);
			}
			got = knat_it_reply6(x, &r, NULL, &ambiguous);
			KUNIT_EXPECT_PTR_EQ_MSG(test, got,
						mg4 && want4 == be4[j] ?
						be4[j] : NULL,
						"IPv4 twin %u, client %u", j,
						c);
			KUNIT_EXPECT_FALSE(test, ambiguous);
		}
	}
	/* Each client's answer is picked up from its own backend only. */
	KUNIT_EXPECT_EQ(test, found, (unsigned int)KNAT_IT_V6_CLIENTS);
}

static void knat_it_v6_reply_owner(struct kunit *test)
{
	union nf_inet_addr vip6 = knat_it_in6(KNAT_IT_NET6, 0x00050000, 0, 1);
	struct knat_backend *be6[KNAT_IT_V6_BACKENDS];
	struct knat_backend *be4[KNAT_IT_V6_BACKENDS];
	struct knat_service *mg6, *mg4;
	unsigned int j, used = 0;

	mg6 = knat_it_service_at(test, IPPROTO_TCP, &vip6, true, 80,
				 &knat_sched_maglev);
	/* 0a00:020b:: and on: each folds to 10.0.2.(11 + j). */
	for (j = 0; j < KNAT_IT_V6_BACKENDS; j++) {
		union nf_inet_addr a = knat_it_in6(0x0a00020b + j, 0, 0, 0);

		be6[j] = knat_it_backend_at(test, mg6, &a, 8080);
	}
	knat_it_v6_pickup(test, mg6, be6, NULL, NULL, &used);
	/* The clients went to every backend: the check above saw both. */
	KUNIT_EXPECT_EQ(test, used, (unsigned int)BIT(KNAT_IT_V6_BACKENDS) - 1);

	/* IPv4 backends at those folds, of an IPv4 maglev service. */
	mg4 = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 80,
			      &knat_sched_maglev);
	for (j = 0; j < KNAT_IT_V6_BACKENDS; j++)
		be4[j] = knat_it_backend(test, mg4, htonl(0x0a00020b + j),
					 8080);
	knat_it_v6_pickup(test, mg6, be6, mg4, be4, &used);
}

static struct kunit_case knat_svc_index_cases[] = {
	KUNIT_CASE(knat_it_service_key),
	KUNIT_CASE(knat_it_vip),
	KUNIT_CASE(knat_it_backend_shared),
	KUNIT_CASE(knat_it_reply_owner),
	KUNIT_CASE(knat_it_many),
	KUNIT_CASE(knat_it_shared_many),
	KUNIT_CASE(knat_it_v6_service_key),
	KUNIT_CASE(knat_it_v6_vip),
	KUNIT_CASE(knat_it_v6_backend_group),
	KUNIT_CASE(knat_it_v6_reply_owner),
	{}
};

static struct kunit_suite knat_svc_index_suite = {
	.name = "knat_svc_index",
	.init = knat_it_init,
	.exit = knat_it_exit,
	.test_cases = knat_svc_index_cases,
};

kunit_test_suite(knat_svc_index_suite);
