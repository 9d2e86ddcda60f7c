// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the rate estimator's fixed-point EWMA, its scaling by the time
 * that really elapsed, and a service's rates as its backends' sum.
 * Included from estimator.c so the static parts are reachable.
 *
 * Rates are in thousandths per second: 100 packets/s is 100000.
 */

#include <kunit/test.h>

/* The defaults: an estimate every 2 s, an 8 s time constant. */
#define KNAT_ET_INTERVAL	(KNAT_RATE_INTERVAL_DEFAULT * HZ)
#define KNAT_ET_WINDOW		(KNAT_RATE_WINDOW_DEFAULT * HZ)

/* One step: all the way at elapsed >= window, else elapsed / window. */
static void knat_rate_ewma_step(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, knat_rate_ewma(0, 1000, 8, 8), 1000ULL);
	KUNIT_EXPECT_EQ(test, knat_rate_ewma(5000, 1000, 9, 8), 1000ULL);
	KUNIT_EXPECT_EQ(test, knat_rate_ewma(0, 1000, 2, 8), 250ULL);
	KUNIT_EXPECT_EQ(test, knat_rate_ewma(1000, 0, 2, 8), 750ULL);
	KUNIT_EXPECT_EQ(test, knat_rate_ewma(1000, 1000, 2, 8), 1000ULL);
	/* Going down, at least one unit, so that idle reaches 0 ... */
	KUNIT_EXPECT_EQ(test, knat_rate_ewma(3, 0, 2, 8), 2ULL);
	/* ... but never past the sample. */
	KUNIT_EXPECT_EQ(test, knat_rate_ewma(1, 0, 2, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, knat_rate_ewma(0, 0, 2, 8), 0ULL);
	/* No overflow with 64-bit rates (bytes/s of a fast link). */
	KUNIT_EXPECT_EQ(test, knat_rate_ewma(0, 1ULL << 62, 1, 2),
			1ULL << 61);
}

/*
 * A steady offered rate: after n steps of elapsed / window = 1/4 the
 * average is S * (1 - (3/4)^n), to within the n units the fixed point
 * may drop by rounding down; it never overshoots and ends within 3.
 */
static void knat_rate_ewma_converges(struct kunit *test)
{
	static const struct {
		unsigned int n;
		u64 exact;	/* floor of S * (1 - 0.75^n) */
	} at[] = {
		{ 1, 308641 }, { 2, 540123 }, { 3, 713734 }, { 4, 843942 },
		{ 8, 1110970 }, { 16, 1222193 }, { 32, 1234442 },
	};
	const u64 s = 1234567;
	u64 avg = 0, prev = 0;
	unsigned int n, i = 0;

	for (n = 1; n <= 64; n++) {
		avg = knat_rate_ewma(avg, s, KNAT_ET_INTERVAL, KNAT_ET_WINDOW);
		KUNIT_ASSERT_GE_MSG(test, avg, prev, "step %u", n);
		KUNIT_ASSERT_LE_MSG(test, avg, s, "step %u", n);
		if (i < ARRAY_SIZE(at) && at[i].n == n) {
			KUNIT_EXPECT_LE_MSG(test, avg, at[i].exact, "step %u", n);
			KUNIT_EXPECT_GE_MSG(test, avg + n, at[i].exact,
					    "step %u", n);
			i++;
		}
		prev = avg;
	}
	KUNIT_EXPECT_LE(test, s - avg, 3ULL);
}

/* Traffic stops: the rate falls to exactly 0, monotonically, and stays. */
static void knat_rate_ewma_decays(struct kunit *test)
{
	u64 avg = 1234567, prev = avg;
	unsigned int n;

	for (n = 1; n <= 50; n++) {
		avg = knat_rate_ewma(avg, 0, KNAT_ET_INTERVAL, KNAT_ET_WINDOW);
		KUNIT_ASSERT_LT_MSG(test, avg, prev, "step %u", n);
		prev = avg;
	}
	KUNIT_EXPECT_EQ(test, avg, 0ULL);
	avg = knat_rate_ewma(avg, 0, KNAT_ET_INTERVAL, KNAT_ET_WINDOW);
	KUNIT_EXPECT_EQ(test, avg, 0ULL);
}

static void knat_et_delta(u64 *delta, u64 per_s, u32 elapsed)
{
	unsigned int i;

	/* Rate i offered at (i + 1) * per_s per second. */
	for (i = 0; i < KNAT_RATE_N; i++)
		delta[i] = per_s * (i + 1) * elapsed / HZ;
}

/*
 * A sample is the growth per second of the time that really elapsed: a
 * late or early run of the same offered rate changes nothing.
 */
static void knat_rate_fold_elapsed(struct kunit *test)
{
	static const u32 elapsed[] = {
		HZ / 2, 3 * HZ, HZ, 7 * HZ, 2 * HZ, 5 * HZ / 2,
	};
	struct knat_rate_est est = {};
	u64 delta[KNAT_RATE_N];
	unsigned int i, j;

	/* Past the window the sample is taken whole: 100/s over 8 s. */
	knat_et_delta(delta, 100, KNAT_ET_WINDOW);
	knat_rate_fold(&est, delta, KNAT_ET_WINDOW, KNAT_ET_WINDOW);
	for (j = 0; j < KNAT_RATE_N; j++)
		KUNIT_EXPECT_EQ_MSG(test, est.rate[j], 100000ULL * (j + 1),
				    "rate %u", j);
	for (i = 0; i < ARRAY_SIZE(elapsed); i++) {
		knat_et_delta(delta, 100, elapsed[i]);
		knat_rate_fold(&est, delta, elapsed[i], KNAT_ET_WINDOW);
		for (j = 0; j < KNAT_RATE_N; j++)
			KUNIT_EXPECT_EQ_MSG(test, est.rate[j],
					    100000ULL * (j + 1),
					    "rate %u, run %u (%u jiffies)", j,
					    i, elapsed[i]);
	}
	/* The same growth over twice the time is half the rate. */
	memset(delta, 0, sizeof(delta));
	delta[KNAT_RATE_PKTS_IN] = 800;
	knat_rate_fold(&est, delta, 2 * KNAT_ET_WINDOW, KNAT_ET_WINDOW);
	KUNIT_EXPECT_EQ(test, est.rate[KNAT_RATE_PKTS_IN], 50000ULL);
	knat_rate_fold(&est, delta, KNAT_ET_WINDOW, KNAT_ET_WINDOW);
	KUNIT_EXPECT_EQ(test, est.rate[KNAT_RATE_PKTS_IN], 100000ULL);
}

struct knat_et {
	struct knat_service svc;
	struct knat_backend be[2];
};

/* A service of two backends with per-CPU counters at zero. */
static int knat_estimator_test_init(struct kunit *test)
{
	struct knat_et *et = kunit_kzalloc(test, sizeof(*et), GFP_KERNEL);
	unsigned int i;

	if (!et)
		return -ENOMEM;
	INIT_LIST_HEAD(&et->svc.backends);
	for (i = 0; i < ARRAY_SIZE(et->be); i++) {
		et->be[i].svc = &et->svc;
		et->be[i].stats = alloc_percpu(struct knat_backend_stats);
		if (!et->be[i].stats)
			return -ENOMEM;
		list_add_tail(&et->be[i].list, &et->svc.backends);
	}
	test->priv = et;
	return 0;
}

static void knat_estimator_test_exit(struct kunit *test)
{
	struct knat_et *et = test->priv;
	unsigned int i;

	for (i = 0; et && i < ARRAY_SIZE(et->be); i++)
		free_percpu(et->be[i].stats);
}

/* CPU number @k's part of @total: the first takes the remainder. */
static u64 knat_et_share(u64 total, unsigned int k, unsigned int ncpu)
{
	return total / ncpu + (k ? 0 : total % ncpu);
}

/*
 * Counters grow by @conns and @pkts packets in, half as many out, 100 and
 * 50 bytes a packet, spread over the possible CPUs.
 */
static void knat_et_count(struct knat_backend *be, u64 conns, u64 pkts)
{
	unsigned int ncpu = num_possible_cpus(), k = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct knat_backend_stats *s = per_cpu_ptr(be->stats, cpu);

		s->conns += knat_et_share(conns, k, ncpu);
		s->pkts[0] += knat_et_share(pkts, k, ncpu);
		s->pkts[1] += knat_et_share(pkts / 2, k, ncpu);
		s->bytes[0] += knat_et_share(100 * pkts, k, ncpu);
		s->bytes[1] += knat_et_share(50 * pkts, k, ncpu);
		k++;
	}
}

/* The service's rates are the sum of its backends'. */
static void knat_rate_service_sum(struct kunit *test)
{
	struct knat_et *et = test->priv;
	struct knat_service *svc = &et->svc;
	unsigned int i;

	knat_et_count(&et->be[0], 80, 8000);
	knat_et_count(&et->be[1], 16, 2000);
	knat_rate_service(svc, KNAT_ET_WINDOW, KNAT_ET_WINDOW);
	/* 8 s: 10 conns/s, 1000 packets/s in, 500 out, 100 and 50 bytes each. */
	KUNIT_EXPECT_EQ(test, et->be[0].est.rate[KNAT_RATE_CONNS], 10000ULL);
	KUNIT_EXPECT_EQ(test, et->be[0].est.rate[KNAT_RATE_PKTS_IN], 1000000ULL);
	KUNIT_EXPECT_EQ(test, et->be[0].est.rate[KNAT_RATE_PKTS_OUT], 500000ULL);
	KUNIT_EXPECT_EQ(test, et->be[0].est.rate[KNAT_RATE_BYTES_IN],
			100000000ULL);
	KUNIT_EXPECT_EQ(test, et->be[0].est.rate[KNAT_RATE_BYTES_OUT],
			50000000ULL);
	KUNIT_EXPECT_EQ(test, et->be[1].est.rate[KNAT_RATE_CONNS], 2000ULL);
	KUNIT_EXPECT_EQ(test, et->be[1].est.rate[KNAT_RATE_PKTS_IN], 250000ULL);
	for (i = 0; i < KNAT_RATE_N; i++)
		KUNIT_EXPECT_EQ_MSG(test, svc->est.rate[i],
				    et->be[0].est.rate[i] + et->be[1].est.rate[i],
				    "rate %u", i);
	/* Nothing more: a whole window later, all zero. */
	knat_rate_service(svc, KNAT_ET_WINDOW, KNAT_ET_WINDOW);
	for (i = 0; i < KNAT_RATE_N; i++) {
		KUNIT_EXPECT_EQ_MSG(test, svc->est.rate[i], 0ULL, "rate %u", i);
		KUNIT_EXPECT_EQ_MSG(test, et->be[0].est.rate[i], 0ULL,
				    "rate %u", i);
	}
}

/*
 * An offered 100 packets/s through the counters, estimated at uneven
 * intervals (a late run, an early one): the rate converges to 100000 and
 * never overshoots.
 */
static void knat_rate_service_converges(struct kunit *test)
{
	static const u32 elapsed[] = { 2 * HZ, HZ, 3 * HZ, 2 * HZ, HZ / 2 };
	struct knat_et *et = test->priv;
	u64 prev = 0, r = 0;
	unsigned int n;

	for (n = 0; n < 100; n++) {
		u32 e = elapsed[n % ARRAY_SIZE(elapsed)];

		knat_et_count(&et->be[0], 0, 100 * e / HZ);
		knat_rate_service(&et->svc, e, KNAT_ET_WINDOW);
		r = et->svc.est.rate[KNAT_RATE_PKTS_IN];
		KUNIT_ASSERT_GE_MSG(test, r, prev, "run %u", n);
		KUNIT_ASSERT_LE_MSG(test, r, 100000ULL, "run %u", n);
		prev = r;
	}
	/* Rounding down costs at most a unit per step. */
	KUNIT_EXPECT_GE(test, r, 100000ULL - 10);
	KUNIT_EXPECT_EQ(test, et->be[0].est.rate[KNAT_RATE_PKTS_IN], r);
	KUNIT_EXPECT_EQ(test, et->be[1].est.rate[KNAT_RATE_PKTS_IN], 0ULL);
}

/* A counter that went backwards is no growth, not a 2^64 spike. */
static void knat_rate_service_backwards(struct kunit *test)
{
	struct knat_et *et = test->priv;
	struct knat_backend *be = &et->be[0];
	int cpu;

	knat_et_count(be, 0, 800);
	knat_rate_service(&et->svc, KNAT_ET_WINDOW, KNAT_ET_WINDOW);
	KUNIT_EXPECT_EQ(test, be->est.rate[KNAT_RATE_PKTS_IN], 100000ULL);
	for_each_possible_cpu(cpu)
		per_cpu_ptr(be->stats, cpu)->pkts[0] = 0;
	knat_rate_service(&et->svc, KNAT_ET_WINDOW, KNAT_ET_WINDOW);
	KUNIT_EXPECT_EQ(test, be->est.rate[KNAT_RATE_PKTS_IN], 0ULL);
	KUNIT_EXPECT_EQ(test, et->svc.est.rate[KNAT_RATE_PKTS_IN], 0ULL);
	/* And growth counts again from where the counter now is. */
	knat_et_count(be, 0, 400);
	knat_rate_service(&et->svc, KNAT_ET_WINDOW, KNAT_ET_WINDOW);
	KUNIT_EXPECT_EQ(test, be->est.rate[KNAT_RATE_PKTS_IN], 50000ULL);
}

static struct kunit_case knat_estimator_cases[] = {
	KUNIT_CASE(knat_rate_ewma_step),
	KUNIT_CASE(knat_rate_ewma_converges),
	KUNIT_CASE(knat_rate_ewma_decays),
	KUNIT_CASE(knat_rate_fold_elapsed),
	KUNIT_CASE(knat_rate_service_sum),
	KUNIT_CASE(knat_rate_service_converges),
	KUNIT_CASE(knat_rate_service_backwards),
	{}
};

static struct kunit_suite knat_estimator_suite = {
	.name = "knat_estimator",
	.init = knat_estimator_test_init,
	.exit = knat_estimator_test_exit,
	.test_cases = knat_estimator_cases,
};

kunit_test_suite(knat_estimator_suite);
