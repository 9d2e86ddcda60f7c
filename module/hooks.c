// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hook registration, per namespace and only on demand: a
 * namespace gets knat's hooks (and defragmentation) with its first rule
 * and loses them with its last, so a namespace without rules pays nothing
 * per packet.
 */

#include <linux/netfilter_ipv4.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>

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

/* Hooks exactly while rules exist.  Caller holds kn->lock. */
int knat_rules_changed(struct knat_net *kn)
{
	if (kn->nforwards || kn->nsnats || kn->nservices)
		return knat_hooks_enable(kn);
	knat_hooks_disable(kn);
	return 0;
}
