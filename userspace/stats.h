/* SPDX-License-Identifier: GPL-2.0 */
/* knat stats: per-namespace event counters and drop reasons. */
#ifndef KNAT_STATS_H
#define KNAT_STATS_H

#include <libmnl/libmnl.h>

/* Print one STATS_GET reply; data is unused.  Exposed for the tests. */
int stats_print(const struct nlmsghdr *nlh, void *data);

/* Names by enum value ("pkts-orig", "malformed"); NULL past the table. */
const char *stats_counter_name(unsigned int counter);
const char *stats_drop_name(unsigned int drop);

#endif
