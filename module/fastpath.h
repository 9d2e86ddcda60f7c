/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_FASTPATH_H
#define _KNAT_FASTPATH_H

#include <linux/netfilter.h>

#include "flow.h"
#include "pkt.h"

/* knat_fast_xmit() did not send it: the slow path goes on. */
#define KNAT_FAST_SLOW	(-1)

int __knat_fast_xmit(struct knat_net *kn, struct knat_flow *f, int dir,
		     struct sk_buff *skb, const struct knat_pkt *p,
		     const struct nf_hook_state *state);
extern bool knat_fastpath_default;

bool __knat_fast_want(const struct knat_flow *f, int dir,
		      const struct nf_hook_state *state);

/*
 * The tests every packet pays, inline: with the fast path off (or a flow
 * without a route) they are all it costs.
 */
static inline int knat_fast_xmit(struct knat_net *kn, struct knat_flow *f,
				 int dir, struct sk_buff *skb,
				 const struct knat_pkt *p,
				 const struct nf_hook_state *state)
{
	if (likely(!knat_flow_fast_dst(f, dir)))
		return KNAT_FAST_SLOW;
	return __knat_fast_xmit(kn, f, dir, skb, p, state);
}

static inline bool knat_fast_want(struct knat_net *kn,
				  const struct knat_flow *f, int dir,
				  const struct nf_hook_state *state)
{
	return unlikely(READ_ONCE(kn->fastpath)) &&
	       __knat_fast_want(f, dir, state);
}

void knat_ingress_sync(struct knat_net *kn);
void knat_ingress_net_init(struct knat_net *kn);
void knat_ingress_net_exit(struct knat_net *kn);
int knat_ingress_init(void);
void knat_ingress_uninit(void);

void knat_fast_learn(struct knat_net *kn, struct knat_flow *f, int dir,
		     struct sk_buff *skb, const struct nf_hook_state *state);
void knat_fast_forget(struct knat_net *kn, struct knat_flow *f, int dir);

/* Both directions' routes, as the flow goes. */
static inline void knat_fast_forget_all(struct knat_net *kn,
					struct knat_flow *f)
{
	knat_fast_forget(kn, f, KNAT_DIR_ORIG);
	knat_fast_forget(kn, f, KNAT_DIR_REPLY);
}

#endif /* _KNAT_FASTPATH_H */
