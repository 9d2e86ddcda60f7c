/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knat monitor: print the module's events (backends taken down by the
 * health check, probed, brought back, drained) as they happen, one line
 * each, text or JSON.
 */
#ifndef KNAT_MONITOR_H
#define KNAT_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

/* What the printer remembers between events: the sequence numbers seen. */
struct monitor_state {
	bool have_seq;
	uint32_t last_seq;
};

/*
 * Print one KNAT_CMD_EVENT message as one line (text or JSON), preceded by
 * an "events lost" line when its sequence number skips some; other
 * messages print nothing.  data is the struct monitor_state.  Exposed for
 * the tests.
 */
int monitor_print(const struct nlmsghdr *nlh, void *data);

/* The line for a receive buffer overrun (ENOBUFS): events were lost. */
void monitor_print_overrun(void);

/* Event names by enum knat_event_type ("backend-down"); NULL if unknown. */
const char *monitor_event_name(unsigned int type);

#endif
