/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print path for both outputs, after iproute2's json_print: every call
 * says whether its value belongs to the text form (PRINT_FP), the JSON form
 * (PRINT_JSON) or both (PRINT_ANY).  In text mode the value goes through the
 * printf format (%s for strings and booleans, %u for print_uint, PRIu64 for
 * print_u64); in JSON mode it becomes the member "key" (or an array element
 * when key is NULL) and the format is ignored.
 */
#ifndef KNAT_JSON_PRINT_H
#define KNAT_JSON_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum output_type {
	PRINT_FP   = 1,
	PRINT_JSON = 2,
	PRINT_ANY  = PRINT_FP | PRINT_JSON,
};

/* Where output goes and in which form; may be called again (tests do). */
void json_print_init(FILE *out, bool json, bool pretty);
bool is_json_context(void);
/* Containers left open: a successful command must leave none. */
unsigned int json_print_depth(void);

/* Containers exist only in JSON; in text mode these do nothing. */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value);
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
/* value / 1000: a JSON number with up to 3 decimals; text gets fmt's %s. */
void print_milli(enum output_type t, const char *key, const char *fmt,
		 uint64_t value);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value);
/* JSON null; in text mode fmt is printed as it is. */
void print_null(enum output_type t, const char *key, const char *fmt);

/* Text only. */
void print_fp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_nl(void);

/*
 * The answer of a command that only changes state: nothing in text mode,
 * "{}" in JSON mode so that every successful -j run prints one document.
 */
void print_empty_result(void);

#endif
