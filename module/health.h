/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_HEALTH_H
#define _KNAT_HEALTH_H

#include "knat.h"

struct knat_backend;
struct knat_flow;
struct knat_service;
struct knat_snat;
struct knat_tuple;
struct sk_buff;

void knat_health_tcp(struct knat_net *kn, struct knat_flow *f, int dir,
		     u8 flags, const struct sk_buff *skb);
void knat_health_icmp(struct knat_net *kn, struct knat_flow *f, int dir,
		      const struct sk_buff *skb, unsigned int thoff,
		      bool local);
void knat_health_icmp6(struct knat_net *kn, struct knat_flow *f, int dir,
		       const struct sk_buff *skb, unsigned int thoff,
		       bool local);
struct knat_backend *knat_health_probe(struct knat_service *svc, bool dry);
void knat_health_probe_end(struct knat_backend *be);
void knat_health_reset(struct knat_backend *be);
void knat_health_net_init(struct knat_net *kn);
void knat_health_net_exit(struct knat_net *kn);

#endif /* _KNAT_HEALTH_H */
