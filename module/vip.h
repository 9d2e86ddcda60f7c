/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_VIP_H
#define _KNAT_VIP_H

#include "pkt.h"

unsigned int knat_vip_echo(struct knat_net *kn, struct sk_buff *skb,
			   const struct knat_pkt *p,
			   const struct nf_hook_state *state);
unsigned int knat_vip_echo6(struct knat_net *kn, struct sk_buff *skb,
			    const struct knat_pkt *p,
			    const struct nf_hook_state *state);

#endif /* _KNAT_VIP_H */
