/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny streaming JSON writer: containers, member names and scalar values,
 * written straight to a FILE with separators, escaping and (optionally)
 * four-space indentation.  Compact output has no blanks at all.
 *
 * The opening bracket of the outermost container is held back until
 * something goes inside it or it is closed, so a command that fails before
 * its first reply leaves stdout empty instead of holding a stray "[".
 */
#ifndef KNAT_JSON_WRITER_H
#define KNAT_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

struct json_writer *jw_new(FILE *out, bool pretty);
void jw_destroy(struct json_writer *jw);

void jw_start_object(struct json_writer *jw);
void jw_end_object(struct json_writer *jw);
void jw_start_array(struct json_writer *jw);
void jw_end_array(struct json_writer *jw);

/* Inside an object: the name of the member whose value comes next. */
void jw_name(struct json_writer *jw, const char *name);

void jw_string(struct json_writer *jw, const char *s);
void jw_uint(struct json_writer *jw, uint64_t v);
/* v / 1000 as a JSON number, exactly: 12345 is 12.345, 2000 is 2. */
void jw_milli(struct json_writer *jw, uint64_t v);
void jw_bool(struct json_writer *jw, bool v);
void jw_null(struct json_writer *jw);

/* Containers still open: nonzero means the document is incomplete. */
unsigned int jw_depth(const struct json_writer *jw);

#endif
