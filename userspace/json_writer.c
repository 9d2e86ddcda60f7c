// SPDX-License-Identifier: GPL-2.0
/* A tiny streaming JSON writer; see json_writer.h. */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>

#include "json_writer.h"

/* Deep enough for every reply knat prints (flow -> tuple is depth 3). */
#define JW_MAX_DEPTH 16

struct jw_frame {
	char close;		/* '}' or ']' */
	unsigned int count;	/* members or elements written so far */
};

struct json_writer {
	FILE *out;
	bool pretty;
	unsigned int depth;
	struct jw_frame stack[JW_MAX_DEPTH];
	bool name_pending;	/* a member name is out, its value is next */
	char root_open;		/* held-back '{' or '[' of the root, or 0 */
};

struct json_writer *jw_new(FILE *out, bool pretty)
{
	struct json_writer *jw = calloc(1, sizeof(*jw));

	if (jw) {
		jw->out = out;
		jw->pretty = pretty;
	}
	return jw;
}

void jw_destroy(struct json_writer *jw)
{
	free(jw);
}

unsigned int jw_depth(const struct json_writer *jw)
{
	return jw->depth;
}

static void jw_flush_root(struct json_writer *jw)
{
	if (jw->root_open) {
		fputc(jw->root_open, jw->out);
		jw->root_open = 0;
	}
}

static void jw_newline(struct json_writer *jw, unsigned int level)
{
	unsigned int i;

	fputc('\n', jw->out);
	for (i = 0; i < level; i++)
		fputs("    ", jw->out);
}

/* Separator and indentation before a new member or element. */
static void jw_begin_item(struct json_writer *jw)
{
	struct jw_frame *f;

	jw_flush_root(jw);
	if (!jw->depth)
		return;
	f = &jw->stack[jw->depth - 1];
	if (f->count++)
		fputc(',', jw->out);
	if (jw->pretty)
		jw_newline(jw, jw->depth);
}

static void jw_begin_value(struct json_writer *jw)
{
	if (jw->name_pending) {
		jw->name_pending = false;
		return;
	}
	/* A value inside an object needs a name first. */
	assert(!jw->depth || jw->stack[jw->depth - 1].close == ']');
	jw_begin_item(jw);
}

/* A complete top-level value ends the document: one line per document. */
static void jw_end_value(struct json_writer *jw)
{
	if (!jw->depth)
		fputc('\n', jw->out);
}

static void jw_start(struct json_writer *jw, char open, char close)
{
	assert(jw->depth < JW_MAX_DEPTH);
	if (!jw->depth) {
		jw->root_open = open;
	} else {
		jw_begin_value(jw);
		fputc(open, jw->out);
	}
	jw->stack[jw->depth].close = close;
	jw->stack[jw->depth].count = 0;
	jw->depth++;
}

static void jw_end(struct json_writer *jw, char close)
{
	struct jw_frame *f;

	assert(jw->depth && !jw->name_pending);
	f = &jw->stack[--jw->depth];
	assert(f->close == close);
	jw_flush_root(jw);
	if (f->count && jw->pretty)
		jw_newline(jw, jw->depth);
	fputc(close, jw->out);
	jw_end_value(jw);
}

void jw_start_object(struct json_writer *jw)
{
	jw_start(jw, '{', '}');
}

void jw_end_object(struct json_writer *jw)
{
	jw_end(jw, '}');
}

void jw_start_array(struct json_writer *jw)
{
	jw_start(jw, '[', ']');
}

void jw_end_array(struct json_writer *jw)
{
	jw_end(jw, ']');
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs,
 * no surrogates, nothing past U+10FFFF), or 0.  Stops at the first bad byte,
 * so it never reads past a terminating NUL.
 */
static unsigned int utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	unsigned int n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		if (p[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void jw_put_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int n;

	fputc('"', out);
	while (*p) {
		switch (*p) {
		case '"':  fputs("\\\"", out); p++; continue;
		case '\\': fputs("\\\\", out); p++; continue;
		case '\b': fputs("\\b", out); p++; continue;
		case '\f': fputs("\\f", out); p++; continue;
		case '\n': fputs("\\n", out); p++; continue;
		case '\r': fputs("\\r", out); p++; continue;
		case '\t': fputs("\\t", out); p++; continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
			continue;
		}
		if (*p < 0x80) {
			fputc(*p++, out);
			continue;
		}
		n = utf8_len(p);
		if (n) {
			fwrite(p, 1, n, out);
			p += n;
		} else {
			/*
			 * Not UTF-8 (a device name is just bytes): read the
			 * byte as Latin-1 so the document stays valid JSON.
			 */
			fprintf(out, "\\u%04x", *p++);
		}
	}
	fputc('"', out);
}

void jw_name(struct json_writer *jw, const char *name)
{
	assert(jw->depth && jw->stack[jw->depth - 1].close == '}');
	assert(!jw->name_pending);
	jw_begin_item(jw);
	jw_put_string(jw->out, name);
	fputs(jw->pretty ? ": " : ":", jw->out);
	jw->name_pending = true;
}

void jw_string(struct json_writer *jw, const char *s)
{
	jw_begin_value(jw);
	jw_put_string(jw->out, s);
	jw_end_value(jw);
}

void jw_uint(struct json_writer *jw, uint64_t v)
{
	jw_begin_value(jw);
	fprintf(jw->out, "%" PRIu64, v);
	jw_end_value(jw);
}

void jw_milli(struct json_writer *jw, uint64_t v)
{
	char frac[8];
	int end;

	jw_begin_value(jw);
	end = snprintf(frac, sizeof(frac), "%03u", (unsigned int)(v % 1000));
	while (end > 0 && frac[end - 1] == '0')
		frac[--end] = '\0';
	fprintf(jw->out, "%" PRIu64 "%s%s", v / 1000, end ? "." : "", frac);
	jw_end_value(jw);
}

void jw_bool(struct json_writer *jw, bool v)
{
	jw_begin_value(jw);
	fputs(v ? "true" : "false", jw->out);
	jw_end_value(jw);
}

void jw_null(struct json_writer *jw)
{
	jw_begin_value(jw);
	fputs("null", jw->out);
	jw_end_value(jw);
}
