// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: persistence entries (persist.c) and the references they hold.
 * Included from persist.c.
 *
 * A fake namespace with a real entry table; a service with two backends
 * made as service.c makes them (refcounted, freed by RCU at the last put),
 * so that what the entries hold can be read off the reference counts.
 */

#include <kunit/test.h>

#define KNAT_PT_CLIENT(n)	htonl(0xc6336400 + (n))	/* 198.51.100.n */

struct knat_persist_fixture {
	struct knat_net kn;
	struct knat_service *svc;
	struct knat_backend *be[2];
	struct knat_service *svc6;	/* knat_pt_v6(), when a test asks */
	struct knat_backend *be6[2];
};

static struct knat_backend *knat_pt_backend(struct knat_service *svc, u8 n)
{
	struct knat_backend *be = kzalloc(sizeof(*be), GFP_KERNEL);

	if (!be)
		return NULL;
	be->stats = alloc_percpu(struct knat_backend_stats);
	if (!be->stats) {
		kfree(be);
		return NULL;
	}
	refcount_set(&be->refcnt, 1);
	refcount_inc(&svc->refcnt);
	be->svc = svc;
	be->addr.ip = htonl(0x0a000200 + n);
	be->port = htons(8080);
	be->weight = 1;
	be->state = KNAT_BACKEND_UP;
	spin_lock_init(&be->check_lock);
	return be;
}

static int knat_persist_test_init(struct kunit *test)
{
	struct knat_persist_fixture *x;
	int i;

	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	if (!x || knat_persist_net_init(&x->kn))
		return -ENOMEM;
	mutex_init(&x->kn.lock);
	x->kn.max_flows = 1000;
	x->svc = kzalloc(sizeof(*x->svc), GFP_KERNEL);
	if (!x->svc)
		goto err;
	x->svc->stats = alloc_percpu(struct knat_svc_stats);
	if (!x->svc->stats) {
		kfree(x->svc);
		goto err;
	}
	refcount_set(&x->svc->refcnt, 1);
	x->svc->kn = &x->kn;
	x->svc->persist = 300;
	INIT_LIST_HEAD(&x->svc->backends);
	for (i = 0; i < 2; i++) {
		x->be[i] = knat_pt_backend(x->svc, 11 + i);
		if (!x->be[i])
			return -ENOMEM;	/* leaks the rest: the test fails anyway */
	}
	test->priv = x;
	return 0;

err:
	knat_persist_net_exit(&x->kn);
	return -ENOMEM;
}

static void knat_persist_test_exit(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;
	int i;

	knat_persist_net_exit(&x->kn);
	knat_backend_put(x->be[0]);
	knat_backend_put(x->be[1]);
	knat_service_put(x->svc);
	for (i = 0; i < 2; i++)
		if (x->be6[i])
			knat_backend_put(x->be6[i]);
	if (x->svc6)
		knat_service_put(x->svc6);
	/* The chain of callbacks: entry, backend, service. */
	rcu_barrier();
	rcu_barrier();
	rcu_barrier();
}

static struct knat_backend *knat_pt_record(struct kunit *test, u8 client,
					   struct knat_backend *be)
{
	struct knat_persist_fixture *x = test->priv;
	union nf_inet_addr a = knat_inet_addr4(KNAT_PT_CLIENT(client));
	struct knat_backend *got;

	rcu_read_lock();
	got = knat_persist_record(&x->kn, x->svc, &a, be);
	rcu_read_unlock();
	return got;
}

static struct knat_backend *knat_pt_find(struct kunit *test, u8 client)
{
	struct knat_persist_fixture *x = test->priv;
	union nf_inet_addr a = knat_inet_addr4(KNAT_PT_CLIENT(client));
	struct knat_backend *got;

	rcu_read_lock();
	got = knat_persist_find(&x->kn, x->svc, &a);
	rcu_read_unlock();
	return got;
}

static void knat_persist_record_find(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;

	KUNIT_EXPECT_NULL(test, knat_pt_find(test, 2));
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record(test, 2, x->be[0]), x->be[0]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record(test, 3, x->be[1]), x->be[1]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find(test, 2), x->be[0]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find(test, 3), x->be[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 2);
	/* Each entry holds its backend, and the service. */
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be[0]->refcnt), 2U);
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be[1]->refcnt), 2U);
	KUNIT_EXPECT_EQ(test, refcount_read(&x->svc->refcnt), 5U);
}

/* A client moved to another backend: the entry follows, refs move too. */
static void knat_persist_follow(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;

	knat_pt_record(test, 2, x->be[0]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record(test, 2, x->be[1]), x->be[1]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find(test, 2), x->be[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 1);
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be[0]->refcnt), 1U);
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be[1]->refcnt), 2U);
}

/* Down, weight 0 or draining: the lookup sends the client elsewhere. */
static void knat_persist_ineligible(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;

	knat_pt_record(test, 2, x->be[0]);
	WRITE_ONCE(x->be[0]->weight, 0);
	KUNIT_EXPECT_NULL(test, knat_pt_find(test, 2));
	WRITE_ONCE(x->be[0]->weight, 1);
	WRITE_ONCE(x->be[0]->state, KNAT_BACKEND_DOWN);
	KUNIT_EXPECT_NULL(test, knat_pt_find(test, 2));
	WRITE_ONCE(x->be[0]->state, KNAT_BACKEND_UP);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find(test, 2), x->be[0]);
}

/* A removed backend is never handed out, nor stored, nor kept. */
static void knat_persist_removed_backend(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;

	knat_pt_record(test, 2, x->be[0]);
	knat_pt_record(test, 3, x->be[0]);
	WRITE_ONCE(x->be[0]->dead, 1);
	KUNIT_EXPECT_NULL(test, knat_pt_find(test, 2));
	/* A racing new flow tries to record it: nothing is stored. */
	knat_pt_record(test, 4, x->be[0]);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 2);
	mutex_lock(&x->kn.lock);
	knat_persist_forget_dead(&x->kn);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be[0]->refcnt), 1U);
	/* The entries stay (their flows count on them), pointing nowhere. */
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 2);
	KUNIT_EXPECT_NULL(test, knat_pt_find(test, 2));
	/* The client is scheduled afresh and the entry follows. */
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record(test, 2, x->be[1]), x->be[1]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find(test, 2), x->be[1]);
}

/* The service goes: its entries go, and drop what they hold by RCU. */
static void knat_persist_forget_svc(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;

	knat_pt_record(test, 2, x->be[0]);
	knat_pt_record(test, 3, x->be[1]);
	WRITE_ONCE(x->svc->dead, 1);
	/* Nothing is recorded for a deleted service. */
	knat_pt_record(test, 4, x->be[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 2);
	mutex_lock(&x->kn.lock);
	knat_persist_forget_dead(&x->kn);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 0);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be[0]->refcnt), 1U);
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be[1]->refcnt), 1U);
	KUNIT_EXPECT_EQ(test, refcount_read(&x->svc->refcnt), 3U);
}

/* Expired entries without flows are gone for lookups, then collected. */
static void knat_persist_expiry(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;
	union nf_inet_addr two = knat_inet_addr4(KNAT_PT_CLIENT(2));
	struct knat_persist *p;

	knat_pt_record(test, 2, x->be[0]);
	knat_pt_record(test, 3, x->be[1]);
	rcu_read_lock();
	p = knat_persist_entry_find(&x->kn, x->svc, &two);
	KUNIT_ASSERT_NOT_NULL(test, p);
	WRITE_ONCE(p->expires, (u32)jiffies - 1);
	rcu_read_unlock();
	KUNIT_EXPECT_NULL(test, knat_pt_find(test, 2));
	KUNIT_EXPECT_TRUE(test, knat_persist_gc(&x->kn));
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 1);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be[0]->refcnt), 1U);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find(test, 3), x->be[1]);
}

/*
 * A GC run looks at a bounded number of entries and the next one resumes
 * there: a whole walk on every run (every 20 ms while flows are busy) cost
 * O(entries) each time.
 */
static void knat_persist_gc_bounded(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;
	const int n = 2 * KNAT_PERSIST_GC_BUDGET + 100;
	struct knat_persist *p;
	int i, runs = 0;

	x->kn.max_flows = 2 * n;
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		union nf_inet_addr client;

		client = knat_inet_addr4(htonl(0xc6330000 + i));

		knat_persist_record(&x->kn, x->svc, &client, x->be[i & 1]);
		p = knat_persist_entry_find(&x->kn, x->svc, &client);
		if (p)
			WRITE_ONCE(p->expires, (u32)jiffies - 1);
	}
	rcu_read_unlock();
	KUNIT_ASSERT_EQ(test, atomic_read(&x->kn.npersist), n);
	KUNIT_EXPECT_TRUE(test, knat_persist_gc(&x->kn));
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist),
			n - KNAT_PERSIST_GC_BUDGET);
	while (knat_persist_gc(&x->kn) && runs < 10)
		runs++;
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 0);
	KUNIT_EXPECT_LE(test, runs, 3);
}

/* Past max-flows entries, clients are scheduled without one. */
static void knat_persist_cap(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;

	x->kn.max_flows = 2;
	knat_pt_record(test, 2, x->be[0]);
	knat_pt_record(test, 3, x->be[0]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record(test, 4, x->be[1]), x->be[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 2);
	KUNIT_EXPECT_NULL(test, knat_pt_find(test, 4));
}

static union nf_inet_addr knat_pt_in6(u32 w0, u32 w1, u32 w2, u32 w3)
{
	union nf_inet_addr a;

	a.ip6[0] = htonl(w0);
	a.ip6[1] = htonl(w1);
	a.ip6[2] = htonl(w2);
	a.ip6[3] = htonl(w3);
	return a;
}

/* 2001:db8:c::n */
#define KNAT_PT_CLIENT6(n)	knat_pt_in6(0x20010db8, 0x000c0000, 0, (n))

/*
 * An IPv6 service (2001:db8:5::1) with two backends, 2001:db8:b::11 and
 * ::12, beside the fixture's IPv4 one; the exit hook lets them go.
 */
static void knat_pt_v6(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;
	struct knat_service *svc;
	int i;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, svc);
	svc->stats = alloc_percpu(struct knat_svc_stats);
	if (!svc->stats)
		kfree(svc);
	KUNIT_ASSERT_NOT_NULL(test, svc->stats);
	refcount_set(&svc->refcnt, 1);
	svc->kn = &x->kn;
	svc->v6 = 1;
	svc->addr = knat_pt_in6(0x20010db8, 0x00050000, 0, 1);
	svc->persist = 300;
	INIT_LIST_HEAD(&svc->backends);
	x->svc6 = svc;
	for (i = 0; i < 2; i++) {
		x->be6[i] = knat_pt_backend(svc, 11 + i);
		KUNIT_ASSERT_NOT_NULL(test, x->be6[i]);
		x->be6[i]->addr = knat_pt_in6(0x20010db8, 0x000b0000, 0,
					      0x11 + i);
	}
}

static struct knat_backend *knat_pt_record_at(struct knat_service *svc,
					      const union nf_inet_addr *client,
					      struct knat_backend *be)
{
	struct knat_backend *got;

	rcu_read_lock();
	got = knat_persist_record(svc->kn, svc, client, be);
	rcu_read_unlock();
	return got;
}

static struct knat_backend *knat_pt_find_at(struct knat_service *svc,
					    const union nf_inet_addr *client)
{
	struct knat_backend *got;

	rcu_read_lock();
	got = knat_persist_find(svc->kn, svc, client);
	rcu_read_unlock();
	return got;
}

/* Flows holding @client's entry of @svc; -1 for no entry. */
static int knat_pt_nflows(struct knat_service *svc,
			  const union nf_inet_addr *client)
{
	struct knat_persist *p;
	int n;

	rcu_read_lock();
	p = knat_persist_entry_find(svc->kn, svc, client);
	n = p ? atomic_read(&p->nflows) : -1;
	rcu_read_unlock();
	return n;
}

/*
 * IPv6 clients are told apart by all 128 bits: two differing only in the
 * last bit, or the first, or of the same fold, have entries of their own;
 * a flow of one holds that one's entry.
 */
static void knat_persist_v6_clients(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;
	union nf_inet_addr a = KNAT_PT_CLIENT6(2), b = KNAT_PT_CLIENT6(3);
	union nf_inet_addr first = a, fold = a;
	struct knat_flow6 *f6;

	knat_pt_v6(test);
	first.ip6[0] ^= htonl(0x80000000);
	fold.ip6[1] ^= htonl(0x00010000);
	fold.ip6[2] ^= htonl(0x00010000);
	KUNIT_ASSERT_EQ(test, knat_addr6_fold(&fold.in6),
			knat_addr6_fold(&a.in6));

	KUNIT_EXPECT_NULL(test, knat_pt_find_at(x->svc6, &a));
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record_at(x->svc6, &a, x->be6[0]),
			    x->be6[0]);
	KUNIT_EXPECT_NULL(test, knat_pt_find_at(x->svc6, &b));
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record_at(x->svc6, &b, x->be6[1]),
			    x->be6[1]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find_at(x->svc6, &a), x->be6[0]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find_at(x->svc6, &b), x->be6[1]);
	KUNIT_EXPECT_NULL(test, knat_pt_find_at(x->svc6, &first));
	KUNIT_EXPECT_NULL(test, knat_pt_find_at(x->svc6, &fold));
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 2);
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be6[0]->refcnt), 2U);
	KUNIT_EXPECT_EQ(test, refcount_read(&x->be6[1]->refcnt), 2U);

	/* A flow of b holds b's entry: its client is the whole address. */
	f6 = kunit_kzalloc(test, sizeof(*f6), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f6);
	f6->f.v6 = 1;
	f6->f.kind = KNAT_FLOW_KIND_SERVICE;
	f6->f.owner = x->be6[1];
	f6->a[KNAT_DIR_ORIG][0] = b.in6;
	f6->a[KNAT_DIR_ORIG][1] = x->svc6->addr.in6;
	knat_tuple_fold6(&f6->f.h[KNAT_DIR_ORIG].tuple, f6->a[KNAT_DIR_ORIG]);
	f6->f.expires = (u32)jiffies + 100 * HZ;
	rcu_read_lock();
	knat_persist_get(&x->kn, &f6->f);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, test_bit(KNAT_FLOW_PERSIST_BIT,
					 &f6->f.status));
	KUNIT_EXPECT_EQ(test, knat_pt_nflows(x->svc6, &b), 1);
	KUNIT_EXPECT_EQ(test, knat_pt_nflows(x->svc6, &a), 0);
	knat_persist_put(&x->kn, &f6->f);
	KUNIT_EXPECT_EQ(test, knat_pt_nflows(x->svc6, &b), 0);
	KUNIT_EXPECT_EQ(test, knat_pt_nflows(x->svc6, &a), 0);
}

/*
 * 198.51.100.2 of the IPv4 service, and of the IPv6 service both its 16
 * bytes as kept (c633:6402::) and ::198.51.100.2: three entries, none
 * found for another.
 */
static void knat_persist_v6_families(struct kunit *test)
{
	struct knat_persist_fixture *x = test->priv;
	union nf_inet_addr four = knat_inet_addr4(KNAT_PT_CLIENT(2));
	union nf_inet_addr same = knat_pt_in6(0xc6336402, 0, 0, 0);
	union nf_inet_addr compat = knat_pt_in6(0, 0, 0, 0xc6336402);

	knat_pt_v6(test);
	KUNIT_ASSERT_EQ(test, memcmp(&four, &same, sizeof(four)), 0);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record_at(x->svc, &four, x->be[0]),
			    x->be[0]);
	KUNIT_EXPECT_NULL(test, knat_pt_find_at(x->svc6, &same));
	KUNIT_EXPECT_NULL(test, knat_pt_find_at(x->svc6, &compat));

	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record_at(x->svc6, &compat,
						    x->be6[1]), x->be6[1]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find_at(x->svc, &four), x->be[0]);
	KUNIT_EXPECT_NULL(test, knat_pt_find_at(x->svc6, &same));
	KUNIT_EXPECT_NULL(test, knat_pt_find_at(x->svc, &compat));
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find_at(x->svc6, &compat),
			    x->be6[1]);

	KUNIT_EXPECT_PTR_EQ(test, knat_pt_record_at(x->svc6, &same, x->be6[0]),
			    x->be6[0]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find_at(x->svc, &four), x->be[0]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find_at(x->svc6, &same), x->be6[0]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find_at(x->svc6, &compat),
			    x->be6[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 3);

	/* The IPv4 service goes: its entry alone. */
	WRITE_ONCE(x->svc->dead, 1);
	mutex_lock(&x->kn.lock);
	knat_persist_forget_dead(&x->kn);
	mutex_unlock(&x->kn.lock);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->kn.npersist), 2);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find_at(x->svc6, &same), x->be6[0]);
	KUNIT_EXPECT_PTR_EQ(test, knat_pt_find_at(x->svc6, &compat),
			    x->be6[1]);
}

static struct kunit_case knat_persist_cases[] = {
	KUNIT_CASE(knat_persist_record_find),
	KUNIT_CASE(knat_persist_follow),
	KUNIT_CASE(knat_persist_ineligible),
	KUNIT_CASE(knat_persist_removed_backend),
	KUNIT_CASE(knat_persist_forget_svc),
	KUNIT_CASE(knat_persist_expiry),
	KUNIT_CASE(knat_persist_cap),
	KUNIT_CASE(knat_persist_gc_bounded),
	KUNIT_CASE(knat_persist_v6_clients),
	KUNIT_CASE(knat_persist_v6_families),
	{}
};

static struct kunit_suite knat_persist_suite = {
	.name = "knat_persist",
	.init = knat_persist_test_init,
	.exit = knat_persist_test_exit,
	.test_cases = knat_persist_cases,
};

kunit_test_suites(&knat_persist_suite);
