// SPDX-License-Identifier: GPL-2.0
/* Text or JSON through one set of calls; see json_print.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>

#include "json_print.h"
#include "json_writer.h"

static FILE *out;
static struct json_writer *jw;	/* NULL in text mode */

void json_print_init(FILE *f, bool json, bool pretty)
{
	if (jw)
		jw_destroy(jw);
	jw = NULL;
	out = f;
	if (json) {
		jw = jw_new(f, pretty);
		if (!jw)
			abort();	/* a few bytes at startup */
	}
}

static FILE *text_out(void)
{
	return out ? out : stdout;
}

bool is_json_context(void)
{
	return jw != NULL;
}

unsigned int json_print_depth(void)
{
	return jw ? jw_depth(jw) : 0;
}

static void json_key(const char *key)
{
	if (key)
		jw_name(jw, key);
}

void open_json_object(const char *key)
{
	if (jw) {
		json_key(key);
		jw_start_object(jw);
	}
}

void close_json_object(void)
{
	if (jw)
		jw_end_object(jw);
}

void open_json_array(const char *key)
{
	if (jw) {
		json_key(key);
		jw_start_array(jw);
	}
}

void close_json_array(void)
{
	if (jw)
		jw_end_array(jw);
}

/* True when this value goes to JSON, with its member name already out. */
static bool to_json(enum output_type t, const char *key)
{
	if (!jw || !(t & PRINT_JSON))
		return false;
	json_key(key);
	return true;
}

static bool to_text(enum output_type t, const char *fmt)
{
	return !jw && (t & PRINT_FP) && fmt;
}

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value)
{
	if (to_json(t, key))
		jw_string(jw, value);
	else if (to_text(t, fmt))
		fprintf(text_out(), fmt, value);
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value)
{
	if (to_json(t, key))
		jw_uint(jw, value);
	else if (to_text(t, fmt))
		fprintf(text_out(), fmt, value);
}

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	if (to_json(t, key))
		jw_uint(jw, value);
	else if (to_text(t, fmt))
		fprintf(text_out(), fmt, value);
}

void print_milli(enum output_type t, const char *key, const char *fmt,
		 uint64_t value)
{
	char buf[32];
	int end;

	if (to_json(t, key)) {
		jw_milli(jw, value);
	} else if (to_text(t, fmt)) {
		end = snprintf(buf, sizeof(buf), "%" PRIu64 ".%03u", value / 1000,
			       (unsigned int)(value % 1000));
		while (buf[end - 1] == '0')
			buf[--end] = '\0';
		if (buf[end - 1] == '.')
			buf[--end] = '\0';
		fprintf(text_out(), fmt, buf);
	}
}

void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value)
{
	if (to_json(t, key))
		jw_bool(jw, value);
	else if (to_text(t, fmt))
		fprintf(text_out(), fmt, value ? "true" : "false");
}

void print_null(enum output_type t, const char *key, const char *fmt)
{
	if (to_json(t, key))
		jw_null(jw);
	else if (to_text(t, fmt))
		fputs(fmt, text_out());
}

void print_fp(const char *fmt, ...)
{
	va_list ap;

	if (jw)
		return;
	va_start(ap, fmt);
	vfprintf(text_out(), fmt, ap);
	va_end(ap);
}

void print_nl(void)
{
	if (!jw)
		fputc('\n', text_out());
}

void print_empty_result(void)
{
	if (jw) {
		jw_start_object(jw);
		jw_end_object(jw);
	}
}
