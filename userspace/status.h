/* SPDX-License-Identifier: GPL-2.0 */
/* knat status: the module's identity and object counts. */
#ifndef KNAT_STATUS_H
#define KNAT_STATUS_H

#include <libmnl/libmnl.h>

/* Print one STATUS_GET reply; data is unused.  Exposed for the tests. */
int status_print(const struct nlmsghdr *nlh, void *data);

#endif
