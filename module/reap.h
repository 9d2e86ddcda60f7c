/* SPDX-License-Identifier: GPL-2.0 */
/* The reaper (reap.c): cleanup after removed backends and services. */
#ifndef _KNAT_REAP_H
#define _KNAT_REAP_H

#include "flow.h"
#include "knat.h"
#include "service.h"

/*
 * A flow of a removed backend: no packet uses it, no dump shows it, and
 * the reaper ends it.
 */
static inline bool knat_flow_orphaned(const struct knat_flow *f)
{
	return knat_flow_is_service(f) &&
	       READ_ONCE(((const struct knat_backend *)f->owner)->dead);
}

void knat_reap_queue(struct knat_net *kn);
void knat_reap_wait(struct knat_net *kn);
void knat_reap_net_init(struct knat_net *kn);
void knat_reap_net_exit(struct knat_net *kn);

#endif /* _KNAT_REAP_H */
