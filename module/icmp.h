/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_ICMP_H
#define _KNAT_ICMP_H

#include "pkt.h"

unsigned int knat_icmp_error(struct knat_net *kn, struct sk_buff *skb,
			     struct knat_pkt *p, bool entry,
			     const struct nf_hook_state *state);
unsigned int knat_icmp6_error(struct knat_net *kn, struct sk_buff *skb,
			      struct knat_pkt *p, bool entry,
			      const struct nf_hook_state *state);

#endif /* _KNAT_ICMP_H */
