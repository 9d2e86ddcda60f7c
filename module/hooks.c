// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hook registration, per namespace and only on demand: a
 * namespace gets knat's hooks (and defragmentation) with its first rule
 * and loses them with its last, so a namespace without rules pays nothing
 * per packet.
 */

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "fastpath.h"
#include "flow_table.h"
#include "nat.h"
#include "rules.h"

/*
 * Where knat sits among its neighbours (lower runs first):
 *
 *   -400 NF_IP_PRI_CONNTRACK_DEFRAG: fragments are joined before knat
 *        looks at ports.
 *   -250 knat entry (PRE_ROUTING, LOCAL_OUT): destinations rewritten
 *        before conntrack (-200) and the nat, mangle and filter tables,
 *        so all of them see the flow as its inside hosts see it.
 *   +100 knat exit (POST_ROUTING, LOCAL_IN), as NF_IP_PRI_NAT_SRC:
 *        sources rewritten after filtering, before conntrack confirms
 *        the entry (NF_IP_PRI_CONNTRACK_CONFIRM, last).
 */
#define KNAT_PRI_ENTRY	(NF_IP_PRI_CONNTRACK - 50)
#define KNAT_PRI_EXIT	NF_IP_PRI_NAT_SRC

static const struct nf_hook_ops knat_hook_ops[] = {
	{
		.hook = knat_nat_entry,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = KNAT_PRI_ENTRY,
	},
	{
		.hook = knat_nat_entry,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = KNAT_PRI_ENTRY,
	},
	{
		.hook = knat_nat_exit,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = KNAT_PRI_EXIT,
	},
	{
		.hook = knat_nat_exit,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = KNAT_PRI_EXIT,
	},
};

/* IPv6 sits where IPv4 does: its priorities have the same values. */
static_assert((int)NF_IP6_PRI_CONNTRACK == (int)NF_IP_PRI_CONNTRACK);
static_assert((int)NF_IP6_PRI_NAT_SRC == (int)NF_IP_PRI_NAT_SRC);

static const struct nf_hook_ops knat_hook6_ops[] = {
	{
		.hook = knat_nat_entry,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = KNAT_PRI_ENTRY,
	},
	{
		.hook = knat_nat_entry,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = KNAT_PRI_ENTRY,
	},
	{
		.hook = knat_nat_exit,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = KNAT_PRI_EXIT,
	},
	{
		.hook = knat_nat_exit,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = KNAT_PRI_EXIT,
	},
};

/* Caller holds kn->lock. */
static int knat_hooks6_enable(struct knat_net *kn)
{
	int err;

	if (kn->hooks6_active)
		return 0;
	err = knat_ftab_ensure(kn);
	if (err)
		return err;
	err = nf_defrag_ipv6_enable(kn->net);
	if (err)
		return err;
	err = nf_register_net_hooks(kn->net, knat_hook6_ops,
				    ARRAY_SIZE(knat_hook6_ops));
	if (err) {
		nf_defrag_ipv6_disable(kn->net);
		return err;
	}
	WRITE_ONCE(kn->hooks6_active, true);
	return 0;
}

static void knat_hooks6_disable(struct knat_net *kn)
{
	if (!kn->hooks6_active)
		return;
	nf_unregister_net_hooks(kn->net, knat_hook6_ops,
				ARRAY_SIZE(knat_hook6_ops));
	nf_defrag_ipv6_disable(kn->net);
	WRITE_ONCE(kn->hooks6_active, false);
}

/* Caller holds kn->lock. */
int knat_hooks_enable(struct knat_net *kn)
{
	int err;

	if (kn->hooks_active)
		return 0;
	/* Flows come with the hooks: their table first (kept till exit). */
	err = knat_ftab_ensure(kn);
	if (err)
		return err;
	err = nf_defrag_ipv4_enable(kn->net);
	if (err)
		return err;
	err = nf_register_net_hooks(kn->net, knat_hook_ops,
				    ARRAY_SIZE(knat_hook_ops));
	if (err) {
		nf_defrag_ipv4_disable(kn->net);
		return err;
	}
	WRITE_ONCE(kn->hooks_active, true);
	knat_ingress_sync(kn);
	return 0;
}

void knat_hooks_disable(struct knat_net *kn)
{
	if (!kn->hooks_active)
		return;
	nf_unregister_net_hooks(kn->net, knat_hook_ops,
				ARRAY_SIZE(knat_hook_ops));
	nf_defrag_ipv4_disable(kn->net);
	WRITE_ONCE(kn->hooks_active, false);
	knat_ingress_sync(kn);
}

/* IPv6 rules of a table of forwards or of SNAT rules. */
static u32 knat_table_v6(const struct knat_rule_table *t, bool snat)
{
	unsigned int i;
	u32 n = 0;

	for (i = 0; t && i < t->n; i++)
		n += snat ? ((struct knat_snat *)t->rule[i])->v6 :
			    ((struct knat_forward *)t->rule[i])->v6;
	return n;
}

/* The same for a published table; kn->lock held. */
u32 knat_rules_v6(struct knat_net *kn, struct knat_rule_table __rcu **slot,
		  bool snat)
{
	return knat_table_v6(knat_rule_table_locked(kn, *slot), snat);
}

/*
 * The hooks tables @fwd and @snat (and @nservices services, @nservices6 of
 * them IPv6) will need,
 * registered before they are published (restore.c), so that publishing
 * cannot fail; knat_rules_changed() drops what is left over after.
 */
int knat_hooks_prepare(struct knat_net *kn, const struct knat_rule_table *fwd,
		       const struct knat_rule_table *snat, u32 nservices,
		       u32 nservices6)
{
	u32 n6 = knat_table_v6(fwd, false) + knat_table_v6(snat, true);
	u32 n = (fwd ? fwd->n : 0) + (snat ? snat->n : 0);
	int err = 0;

	if (n6 + nservices6)
		err = knat_hooks6_enable(kn);
	if (!err && n - n6 + nservices - nservices6)
		err = knat_hooks_enable(kn);
	return err;
}

/*
 * Each family's hooks exactly while it has rules: an IPv4-only namespace
 * pays nothing on its IPv6 packets, and the reverse.  Caller holds
 * kn->lock.
 */
int knat_rules_changed(struct knat_net *kn)
{
	u32 n6 = kn->nforwards6 + kn->nsnats6 + kn->nservices6;
	u32 n4 = kn->nforwards + kn->nsnats + kn->nservices - n6;
	int err = 0;

	if (n6)
		err = knat_hooks6_enable(kn);
	else
		knat_hooks6_disable(kn);
	if (err)
		return err;
	if (n4)
		return knat_hooks_enable(kn);
	knat_hooks_disable(kn);
	return 0;
}

/* Namespace exit: both families' hooks go.  Caller holds kn->lock. */
void knat_hooks_disable_all(struct knat_net *kn)
{
	knat_hooks6_disable(kn);
	knat_hooks_disable(kn);
}
