/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The attribute types of the kernel's replies, one table per attribute
 * space of <linux/knat.h>, for knat_parse_attrs() and knat_parse_nested().
 * Each table names every attribute of its space (the types the header's
 * comments and the module's policies give), whichever of them its reader
 * looks at; only the PAD attributes stay MNL_TYPE_UNSPEC, never parsed.
 * Spaces that one file alone reads (the explain, event, LB statistics and
 * handshake nests) keep their table there.
 */
#ifndef KNAT_POLICY_H
#define KNAT_POLICY_H

#include <libmnl/libmnl.h>
#include <linux/knat.h>

/* A message's top level: KNAT_A_*. */
extern const enum mnl_attr_data_type knat_top_policy[KNAT_A_MAX + 1];
/* KNAT_A_CONFIG: KNAT_CFG_A_*. */
extern const enum mnl_attr_data_type knat_cfg_policy[KNAT_CFG_A_MAX + 1];
/* KNAT_A_FORWARD, KNAT_EXP_A_FORWARD: KNAT_FWD_A_*. */
extern const enum mnl_attr_data_type knat_fwd_policy[KNAT_FWD_A_MAX + 1];
/* KNAT_A_SNAT, KNAT_EXP_A_SNAT: KNAT_SNAT_A_*. */
extern const enum mnl_attr_data_type knat_snat_policy[KNAT_SNAT_A_MAX + 1];
/* KNAT_A_FLOW: KNAT_FLOW_A_*. */
extern const enum mnl_attr_data_type knat_flow_policy[KNAT_FLOW_A_MAX + 1];
/* KNAT_FLOW_A_ORIG, _REPLY, KNAT_EXP_A_OUT, _REPLY: KNAT_TUPLE_A_*. */
extern const enum mnl_attr_data_type knat_tuple_policy[KNAT_TUPLE_A_MAX + 1];
/* KNAT_A_SERVICE, KNAT_FLOW_A_SERVICE, KNAT_EXP_A_SERVICE: KNAT_SVC_A_*. */
extern const enum mnl_attr_data_type knat_svc_policy[KNAT_SVC_A_MAX + 1];
/* KNAT_A_BACKEND, KNAT_FLOW_A_BACKEND, KNAT_EXP_A_BACKEND: KNAT_BE_A_*. */
extern const enum mnl_attr_data_type knat_be_policy[KNAT_BE_A_MAX + 1];
/* KNAT_A_STATS: KNAT_STATS_A_*. */
extern const enum mnl_attr_data_type knat_stats_policy[KNAT_STATS_A_MAX + 1];
/* KNAT_LBSTATS_A_RATE: KNAT_RATE_A_*. */
extern const enum mnl_attr_data_type knat_rate_policy[KNAT_RATE_A_MAX + 1];

#endif
