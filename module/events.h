/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_EVENTS_H
#define _KNAT_EVENTS_H

#include "knat.h"

struct knat_backend;
struct knat_flow;
struct knat_snat;
struct knat_tuple;

/* Multicast to "events" listeners. */
void knat_event_backend(struct knat_net *kn, const struct knat_backend *be,
			u8 type);
void knat_event_flow(struct knat_net *kn, const struct knat_flow *f, u8 type);
void knat_event_flow_state(struct knat_net *kn, const struct knat_flow *f,
			   u8 old, u8 new);
void knat_event_port_exhausted(struct knat_net *kn,
			       const struct knat_snat *rule,
			       const struct knat_tuple *orig, __be32 out_addr);
void knat_events_start(void);
void knat_events_stop(void);

#endif /* _KNAT_EVENTS_H */
