// SPDX-License-Identifier: GPL-2.0
/*
 * knat: NAT and layer-4 load balancing on a flow table of its own.
 * Module load and unload only: each part initialises in order and the
 * unload path is the same list reversed.
 */

#include <linux/module.h>
#include <net/genetlink.h>

#include "fastpath.h"
#include "knat.h"
#include "nat.h"
#include "rules.h"

static int __init knat_init(void)
{
	int err;

	err = knat_flow_init();
	if (err)
		return err;
	err = knat_nat_init();
	if (err)
		goto err_flow;
	err = knat_netns_init();
	if (err)
		goto err_flow;
	/* Device events need every namespace's state in place. */
	err = knat_snat_init();
	if (err)
		goto err_netns;
	err = knat_ingress_init();
	if (err)
		goto err_snat;
	/* Last: once the family is visible, every part must be ready. */
	err = knat_netlink_init();
	if (err)
		goto err_ingress;

	pr_info("knat " KNAT_VERSION " loaded\n");
	return 0;

err_ingress:
	knat_ingress_uninit();
err_snat:
	knat_snat_uninit();
err_netns:
	knat_netns_uninit();
err_flow:
	knat_flow_uninit();
	return err;
}

static void __exit knat_exit(void)
{
	knat_netlink_uninit();
	knat_ingress_uninit();
	knat_snat_uninit();
	knat_netns_uninit();
	knat_flow_uninit();
}

module_init(knat_init);
module_exit(knat_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("knat developers");
MODULE_DESCRIPTION("NAT and layer-4 load balancing on its own flow table");
MODULE_VERSION(KNAT_VERSION);
MODULE_ALIAS_GENL_FAMILY(KNAT_GENL_NAME);
