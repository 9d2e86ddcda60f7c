/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP 13 producer for the unit tests: one "ok"/"not ok" line per
 * check, a YAML block with expected and actual values on failure, and the
 * plan at the end (TAP allows it there; no test needs to count ahead).
 */
#ifndef KNAT_TAP_H
#define KNAT_TAP_H

#include <stdbool.h>
#include <stdio.h>

void tap_begin(void);
/* Print the plan; the process exit code: 0 when every check passed. */
int tap_end(void);

bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool tap_str(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool tap_num(long long got, long long want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Capture what the code under test prints: errors (set_error_file) and
 * output (json_print_init) both go to one memory stream until the end call,
 * which returns the text (valid until the next capture).
 */
void capture_start(bool json, bool pretty);
const char *capture_end(void);

/* Directory for the JSON samples json-valid.sh checks, or NULL. */
extern const char *tap_outdir;
/* Write text to tap_outdir/name, when there is an outdir. */
void tap_save(const char *name, const char *text);

#endif
