/* SPDX-License-Identifier: GPL-2.0 */
/* knat save: the configuration as the knat commands that make it again. */
#ifndef KNAT_SAVE_H
#define KNAT_SAVE_H

#include <stdio.h>

#include "lb.h"

/*
 * The services and backends of t as "service add", "backend add" and
 * "backend set ... down" lines, to f: each service (sorted by its line's
 * text) followed by its backends (sorted too, draining ones left out).
 * Sorts t in place.  An IPv6 VIP or backend with a port is in brackets,
 * as the commands take it.  Exposed for the tests.
 */
void save_print_services(FILE *f, struct lb_table *t);

#endif
