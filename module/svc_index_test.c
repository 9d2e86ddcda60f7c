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

/* A service of @sched, indexed. */
static struct knat_service *knat_it_service(struct kunit *test, u8 proto,
					    __be32 addr, u16 port,
					    const struct knat_sched *sched)
{
	struct knat_it *x = test->priv;
	struct knat_service *svc;

	KUNIT_ASSERT_LT(test, x->nsvc, (unsigned int)KNAT_IT_MAX);
	svc = kunit_kzalloc(test, sizeof(*svc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	svc->kn = &x->kn;
	svc->proto = proto;
	svc->addr = addr;
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

/* A backend of @svc, up and healthy, indexed; the scheduler updated. */
static struct knat_backend *knat_it_backend(struct kunit *test,
					    struct knat_service *svc,
					    __be32 addr, u16 port)
{
	struct knat_backend *be;

	be = kunit_kzalloc(test, sizeof(*be), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, be);
	be->svc = svc;
	be->addr = addr;
	be->port = htons(port);
	be->key = (u64)ntohl(addr) << 16 | port;
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
	KUNIT_EXPECT_PTR_EQ(test, knat_service_find_locked(&x->kn, IPPROTO_TCP,
							   KNAT_IT_VIP,
							   htons(443)), tls);
	mutex_unlock(&x->kn.lock);

	/* The same key twice is refused; the first stays. */
	again = kunit_kzalloc(test, sizeof(*again), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, again);
	again->kn = &x->kn;
	again->proto = IPPROTO_TCP;
	again->addr = KNAT_IT_VIP;
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
	int cpu;
	u64 n;

	web = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 80, &knat_sched_rr);
	dns = knat_it_service(test, IPPROTO_UDP, KNAT_IT_VIP, 53, &knat_sched_rr);
	KUNIT_EXPECT_TRUE(test, knat_it_is_vip(x, KNAT_IT_VIP));
	KUNIT_EXPECT_FALSE(test, knat_it_is_vip(x, KNAT_IT_VIP2));

	/* A ping of the VIP counts in each of its services. */
	rcu_read_lock();
	knat_service_count_vip(&x->kn, KNAT_IT_VIP, KNAT_CNT_VIP_ECHO);
	knat_service_count_vip(&x->kn, KNAT_IT_VIP2, KNAT_CNT_VIP_ECHO);
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
	struct knat_service *a, *b;
	struct knat_backend *ba, *bb;

	a = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 80, &knat_sched_rr);
	b = knat_it_service(test, IPPROTO_TCP, KNAT_IT_VIP, 81, &knat_sched_rr);
	ba = knat_it_backend(test, a, KNAT_IT_BE, 8080);
	bb = knat_it_backend(test, b, KNAT_IT_BE, 8080);

	mutex_lock(&x->kn.lock);
	KUNIT_EXPECT_PTR_EQ(test, knat_backend_find_locked(a, KNAT_IT_BE,
							   htons(8080)), ba);
	KUNIT_EXPECT_PTR_EQ(test, knat_backend_find_locked(b, KNAT_IT_BE,
							   htons(8080)), bb);
	KUNIT_EXPECT_NULL(test, knat_backend_find_locked(a, KNAT_IT_BE,
							 htons(8081)));
	knat_be_index_del(ba);
	KUNIT_EXPECT_NULL(test, knat_backend_find_locked(a, KNAT_IT_BE,
							 htons(8080)));
	KUNIT_EXPECT_PTR_EQ(test, knat_backend_find_locked(b, KNAT_IT_BE,
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
	be = knat_backend_find_reply(&x->kn, &t, ambiguous);
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
		own += knat_backend_find_locked(svc[i], KNAT_IT_BE,
						htons(8080)) == be[i];
	dup.svc = svc[7];
	dup.addr = KNAT_IT_BE;
	dup.port = htons(8080);
	KUNIT_EXPECT_EQ(test, knat_be_index_add(&dup), -EEXIST);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_EQ(test, own, n);

	/* Too many owners to look at: dropped as ambiguous, not walked. */
	KUNIT_EXPECT_NULL(test, knat_it_reply(x, IPPROTO_TCP, &ambiguous));
	KUNIT_EXPECT_TRUE(test, ambiguous);
}

static struct kunit_case knat_svc_index_cases[] = {
	KUNIT_CASE(knat_it_service_key),
	KUNIT_CASE(knat_it_vip),
	KUNIT_CASE(knat_it_backend_shared),
	KUNIT_CASE(knat_it_reply_owner),
	KUNIT_CASE(knat_it_many),
	KUNIT_CASE(knat_it_shared_many),
	{}
};

static struct kunit_suite knat_svc_index_suite = {
	.name = "knat_svc_index",
	.init = knat_it_init,
	.exit = knat_it_exit,
	.test_cases = knat_svc_index_cases,
};

kunit_test_suite(knat_svc_index_suite);
