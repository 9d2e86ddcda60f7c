/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KNAT_ESTIMATOR_H
#define _KNAT_ESTIMATOR_H

#include "knat.h"

void knat_rate_start(struct knat_net *kn);
void knat_rate_config(struct knat_net *kn);
void knat_rate_net_init(struct knat_net *kn);
void knat_rate_net_exit(struct knat_net *kn);

#endif /* _KNAT_ESTIMATOR_H */
