// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace state.  A namespace costs a struct knat_net, an empty flow
 * table and per-CPU counters until something is configured in it; hooks
 * are registered only then (hooks.c), so an unconfigured namespace pays
 * nothing per packet.
 */

#include <linux/ratelimit.h>
#include <net/netns/generic.h>

#include "estimator.h"
#include "fastpath.h"
#include "health.h"
#include "knat.h"
#include "persist.h"
#include "portalloc.h"
#include "reap.h"
#include "rules.h"
#include "service.h"

static unsigned int knat_net_id __read_mostly;

/* Seconds; RFC 5382 (TCP) and RFC 4787 (UDP) set the floors. */
static const u32 knat_default_timeouts[__KNAT_TIMEOUT_MAX] = {
	[KNAT_TIMEOUT_TCP_SYN_SENT]	= 120,
	[KNAT_TIMEOUT_TCP_SYN_RECV]	= 60,
	[KNAT_TIMEOUT_TCP_ESTABLISHED]	= 7440,
	[KNAT_TIMEOUT_TCP_FIN_WAIT]	= 240,
	[KNAT_TIMEOUT_TCP_CLOSE_WAIT]	= 240,
	[KNAT_TIMEOUT_TCP_LAST_ACK]	= 240,
	[KNAT_TIMEOUT_TCP_TIME_WAIT]	= 120,
	[KNAT_TIMEOUT_TCP_CLOSE]	= 10,
	[KNAT_TIMEOUT_UDP_UNREPLIED]	= 30,
	[KNAT_TIMEOUT_UDP_REPLIED]	= 300,
	[KNAT_TIMEOUT_ICMP]		= 30,
};

struct knat_net *knat_net(const struct net *net)
{
	return net_generic(net, knat_net_id);
}

static int __net_init knat_net_init(struct net *net)
{
	struct knat_net *kn = knat_net(net);
	int i, err;

	kn->net = net;
	/* The creator's cgroup (unshare, ip netns add), or insmod's. */
	kn->memcg = current->mm ? get_mem_cgroup_from_mm(current->mm) : NULL;
	mutex_init(&kn->lock);
	knat_health_net_init(kn);
	knat_reap_net_init(kn);
	knat_rate_net_init(kn);
	spin_lock_init(&kn->event_lock);
	kn->event_seq = 0;
	RCU_INIT_POINTER(kn->forwards, NULL);
	RCU_INIT_POINTER(kn->snats, NULL);
	knat_snat_net_init(kn);
	INIT_LIST_HEAD(&kn->services);
	INIT_LIST_HEAD(&kn->draining);
	/* Like ICMP's own rate limit: a burst of 100, then 100 a second. */
	ratelimit_state_init(&kn->vip_echo_rs, HZ, 100);
	ratelimit_set_flags(&kn->vip_echo_rs, RATELIMIT_MSG_ON_RELEASE);
	ratelimit_state_init(&kn->event_rs, HZ, 20000);
	ratelimit_set_flags(&kn->event_rs, RATELIMIT_MSG_ON_RELEASE);
	ratelimit_state_init(&kn->exhausted_rs, HZ, 10);
	ratelimit_set_flags(&kn->exhausted_rs, RATELIMIT_MSG_ON_RELEASE);
	/* A namespace starts within the limits the host set (nl_config.c). */
	kn->max_flows = min_t(u32, KNAT_DEFAULT_MAX_FLOWS,
			      knat_limit(kn, KNAT_LIMIT_MAX_FLOWS));
	for (i = 0; i < __KNAT_TIMEOUT_MAX; i++)
		kn->timeouts[i] = knat_default_timeouts[i] * HZ;
	kn->fastpath = READ_ONCE(knat_fastpath_default);
	knat_ingress_net_init(kn);

	err = knat_stats_net_init(kn);
	if (err)
		goto err_memcg;
	err = knat_flow_net_init(kn);
	if (err)
		goto err_stats;
	err = knat_portalloc_net_init(kn);
	if (err)
		goto err_flow;
	err = knat_persist_net_init(kn);
	if (err)
		goto err_portalloc;
	err = knat_svc_index_net_init(kn);
	if (err)
		goto err_persist;
	return 0;

err_persist:
	knat_persist_net_exit(kn);
err_portalloc:
	knat_portalloc_net_exit(kn);
err_flow:
	knat_flow_net_exit(kn);
err_stats:
	knat_stats_net_exit(kn);
err_memcg:
	mem_cgroup_put(kn->memcg);
	return err;
}

static void __net_exit knat_net_exit(struct net *net)
{
	struct knat_net *kn = knat_net(net);

	/* Packets first, then flows (they hold rules), then rules. */
	knat_ingress_net_exit(kn);
	knat_hooks_disable_all(kn);
	knat_health_net_exit(kn);
	knat_rate_net_exit(kn);
	knat_reap_net_exit(kn);
	knat_flow_net_exit(kn);
	knat_forward_net_exit(kn);
	knat_snat_net_exit(kn);
	knat_service_net_exit(kn);
	knat_persist_net_exit(kn);
	knat_portalloc_net_exit(kn);
	knat_stats_net_exit(kn);
	mem_cgroup_put(kn->memcg);
	mutex_destroy(&kn->lock);
}

static struct pernet_operations knat_net_ops = {
	.init = knat_net_init,
	.exit = knat_net_exit,
	.id = &knat_net_id,
	.size = sizeof(struct knat_net),
};

int knat_netns_init(void)
{
	return register_pernet_subsys(&knat_net_ops);
}

void knat_netns_uninit(void)
{
	unregister_pernet_subsys(&knat_net_ops);
}
