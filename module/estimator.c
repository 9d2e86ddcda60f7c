// SPDX-License-Identifier: GPL-2.0
/*
 * Rate estimates of services and backends, as IPVS's ip_vs_est.c: every
 * rate-interval seconds the per-CPU counters' growth since the last
 * estimate gives a rate, and the published rate moves towards it by
 * elapsed / rate-window of the way (an exponentially weighted moving
 * average with time constant rate-window).  Fixed point, no floats: rates
 * are kept in thousandths per second, and the growth is divided by the
 * time that really elapsed, so a late or early run still estimates right.
 *
 * The work runs only while the namespace has services, under the config
 * lock: services and backends cannot go away during a run, and the
 * packet path never sees any of this.  A service's rate is the sum of its
 * backends' growth, so a deleted backend takes its counters with it
 * without making the service's rate jump.
 */

#include <linux/math64.h>

#include "estimator.h"
#include "service.h"

static void knat_rate_read(const struct knat_backend *be, u64 *cur)
{
	int cpu;

	memset(cur, 0, sizeof(u64) * KNAT_RATE_N);
	for_each_possible_cpu(cpu) {
		const struct knat_backend_stats *s = per_cpu_ptr(be->stats, cpu);

		cur[KNAT_RATE_CONNS] += READ_ONCE(s->conns);
		cur[KNAT_RATE_PKTS_IN] += READ_ONCE(s->pkts[0]);
		cur[KNAT_RATE_PKTS_OUT] += READ_ONCE(s->pkts[1]);
		cur[KNAT_RATE_BYTES_IN] += READ_ONCE(s->bytes[0]);
		cur[KNAT_RATE_BYTES_OUT] += READ_ONCE(s->bytes[1]);
	}
}

/*
 * One step of the average towards @sample.  Going down it moves at least
 * one unit, so that a rate with no traffic reaches 0 rather than stalling
 * where the step rounds to nothing.
 */
static u64 knat_rate_ewma(u64 avg, u64 sample, u32 elapsed, u32 window)
{
	u64 step;

	if (elapsed >= window)
		return sample;
	if (sample >= avg)
		return avg + mul_u64_u32_div(sample - avg, elapsed, window);
	step = max_t(u64, mul_u64_u32_div(avg - sample, elapsed, window), 1);
	return avg - step;
}

static void knat_rate_fold(struct knat_rate_est *est, const u64 *delta,
			   u32 elapsed, u32 window)
{
	int i;

	for (i = 0; i < KNAT_RATE_N; i++) {
		u64 sample = mul_u64_u32_div(delta[i], 1000 * HZ, elapsed);

		WRITE_ONCE(est->rate[i],
			   knat_rate_ewma(est->rate[i], sample, elapsed,
					  window));
	}
}

static void knat_rate_service(struct knat_service *svc, u32 elapsed,
			      u32 window)
{
	u64 sum[KNAT_RATE_N] = {}, cur[KNAT_RATE_N], delta[KNAT_RATE_N];
	struct knat_backend *be;
	int i;

	list_for_each_entry(be, &svc->backends, list) {
		knat_rate_read(be, cur);
		for (i = 0; i < KNAT_RATE_N; i++) {
			/* Counters only grow; never a negative rate. */
			delta[i] = cur[i] >= be->est.last[i] ?
				   cur[i] - be->est.last[i] : 0;
			be->est.last[i] = cur[i];
			sum[i] += delta[i];
		}
		knat_rate_fold(&be->est, delta, elapsed, window);
	}
	knat_rate_fold(&svc->est, sum, elapsed, window);
}

static void knat_rate_work(struct work_struct *work)
{
	struct knat_net *kn = container_of(to_delayed_work(work),
					   struct knat_net, rate_work);
	struct knat_service *svc;
	unsigned long now;
	u32 elapsed;

	mutex_lock(&kn->lock);
	now = jiffies;
	elapsed = clamp_t(unsigned long, now - kn->rate_stamp, 1, U32_MAX);
	kn->rate_stamp = now;
	list_for_each_entry(svc, &kn->services, list)
		knat_rate_service(svc, elapsed, kn->rate_window * HZ);
	/* Nothing to estimate: stop until the next service comes. */
	if (list_empty(&kn->services))
		kn->rate_running = false;
	else
		queue_delayed_work(system_power_efficient_wq, &kn->rate_work,
				   kn->rate_interval * HZ);
	mutex_unlock(&kn->lock);
}

/* A service was added; kn->lock held. */
void knat_rate_start(struct knat_net *kn)
{
	lockdep_assert_held(&kn->lock);
	if (kn->rate_running)
		return;
	kn->rate_running = true;
	kn->rate_stamp = jiffies;
	queue_delayed_work(system_power_efficient_wq, &kn->rate_work,
			   kn->rate_interval * HZ);
}

/* The interval changed; kn->lock held.  The next run comes at the new one. */
void knat_rate_config(struct knat_net *kn)
{
	lockdep_assert_held(&kn->lock);
	if (kn->rate_running)
		mod_delayed_work(system_power_efficient_wq, &kn->rate_work,
				 kn->rate_interval * HZ);
}

void knat_rate_net_init(struct knat_net *kn)
{
	INIT_DELAYED_WORK(&kn->rate_work, knat_rate_work);
	kn->rate_interval = KNAT_RATE_INTERVAL_DEFAULT;
	kn->rate_window = KNAT_RATE_WINDOW_DEFAULT;
}

/* Before the services go; the work re-arms itself, which this stops too. */
void knat_rate_net_exit(struct knat_net *kn)
{
	cancel_delayed_work_sync(&kn->rate_work);
}

#if IS_ENABLED(CONFIG_KNAT_KUNIT_TEST)
#include "estimator_test.c"
#endif
