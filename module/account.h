/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_ACCOUNT_H
#define _KNAT_ACCOUNT_H

#include "pkt.h"

enum knat_drop knat_flow_account(struct knat_net *kn, struct knat_flow *f,
				 int dir, struct sk_buff *skb,
				 const struct knat_pkt *p);
void knat_count_created(struct knat_net *kn, u8 proto);
bool knat_owner_get(struct knat_flow *f);
void knat_owner_put(struct knat_flow *f);
enum knat_counter knat_icmp_counter(const struct sk_buff *skb,
				    unsigned int thoff);
enum knat_counter knat_icmp6_counter(const struct sk_buff *skb,
				     unsigned int thoff);
void knat_count_icmp(struct knat_net *kn, const struct sk_buff *skb,
		     const struct knat_pkt *p);

#endif /* _KNAT_ACCOUNT_H */
