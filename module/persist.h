/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_PERSIST_H
#define _KNAT_PERSIST_H

#include <linux/netfilter.h>

#include "knat.h"

struct knat_backend;
struct knat_flow;
struct knat_service;
struct knat_tuple;

struct knat_backend *knat_persist_find(struct knat_net *kn,
				       struct knat_service *svc,
				       const union nf_inet_addr *client);
struct knat_backend *knat_persist_record(struct knat_net *kn,
					 struct knat_service *svc,
					 const union nf_inet_addr *client,
					 struct knat_backend *be);
void knat_persist_get(struct knat_net *kn, struct knat_flow *f);
void knat_persist_put(struct knat_net *kn, const struct knat_flow *f);
void knat_persist_forget_dead(struct knat_net *kn);
bool knat_persist_gc(struct knat_net *kn);
int knat_persist_net_init(struct knat_net *kn);
void knat_persist_net_exit(struct knat_net *kn);

#endif /* _KNAT_PERSIST_H */
