// SPDX-License-Identifier: GPL-2.0
/* Minimal TAP 13 producer and output capture for the unit tests. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../json_print.h"
#include "../utils.h"
#include "tap.h"

const char *tap_outdir;

static unsigned int tests, failures;

void tap_begin(void)
{
	printf("TAP version 13\n");
}

int tap_end(void)
{
	printf("1..%u\n", tests);
	if (failures)
		printf("# %u of %u failed\n", failures, tests);
	return failures ? 1 : 0;
}

static void result(bool cond, const char *fmt, va_list ap)
{
	tests++;
	if (!cond)
		failures++;
	printf("%sok %u - ", cond ? "" : "not ", tests);
	vprintf(fmt, ap);
	putchar('\n');
}

/* A YAML double-quoted scalar, so newlines and quotes stay visible. */
static void yaml_quoted(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else if ((unsigned char)*s < 0x20)
			printf("\\x%02x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(cond, fmt, ap);
	va_end(ap);
	return cond;
}

bool tap_str(const char *got, const char *want, const char *fmt, ...)
{
	bool cond = got && want ? strcmp(got, want) == 0 : got == want;
	va_list ap;

	va_start(ap, fmt);
	result(cond, fmt, ap);
	va_end(ap);
	if (!cond) {
		printf("  ---\n  expected: ");
		if (want)
			yaml_quoted(want);
		else
			printf("null");
		printf("\n  actual:   ");
		if (got)
			yaml_quoted(got);
		else
			printf("null");
		printf("\n  ...\n");
	}
	return cond;
}

bool tap_num(long long got, long long want, const char *fmt, ...)
{
	bool cond = got == want;
	va_list ap;

	va_start(ap, fmt);
	result(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("  ---\n  expected: %lld\n  actual:   %lld\n  ...\n",
		       want, got);
	return cond;
}

static FILE *cap_file;
static char *cap_buf;
static size_t cap_len;

void capture_start(bool json, bool pretty)
{
	free(cap_buf);
	cap_buf = NULL;
	cap_file = open_memstream(&cap_buf, &cap_len);
	if (!cap_file)
		abort();
	set_error_file(cap_file);
	json_print_init(cap_file, json, pretty);
}

const char *capture_end(void)
{
	json_print_init(stdout, false, false);
	set_error_file(NULL);
	fclose(cap_file);
	cap_file = NULL;
	return cap_buf ? cap_buf : "";
}

void tap_save(const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	if (!tap_outdir)
		return;
	snprintf(path, sizeof(path), "%s/%s", tap_outdir, name);
	f = fopen(path, "w");
	if (!f) {
		tap_ok(false, "write %s", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}
