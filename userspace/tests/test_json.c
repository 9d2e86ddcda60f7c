// SPDX-License-Identifier: GPL-2.0
/* json_writer.c and json_print.c: nesting, layout, escaping, both modes. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../json_print.h"
#include "../json_writer.h"
#include "tap.h"
#include "unit.h"

/* Run the writer on a memory stream and hand back what it wrote. */
static char *jw_output(bool pretty, void (*body)(struct json_writer *))
{
	struct json_writer *jw;
	char *buf = NULL;
	size_t len;
	FILE *f;

	f = open_memstream(&buf, &len);
	jw = jw_new(f, pretty);
	body(jw);
	jw_destroy(jw);
	fclose(f);
	return buf;
}

static void nested(struct json_writer *jw)
{
	jw_start_object(jw);
	jw_name(jw, "s");
	jw_string(jw, "x");
	jw_name(jw, "n");
	jw_uint(jw, 18446744073709551615ULL);
	jw_name(jw, "t");
	jw_bool(jw, true);
	jw_name(jw, "f");
	jw_bool(jw, false);
	jw_name(jw, "z");
	jw_null(jw);
	jw_name(jw, "a");
	jw_start_array(jw);
	jw_uint(jw, 1);
	jw_start_object(jw);
	jw_name(jw, "k");
	jw_start_array(jw);
	jw_end_array(jw);
	jw_end_object(jw);
	jw_start_object(jw);
	jw_end_object(jw);
	jw_end_array(jw);
	jw_end_object(jw);
}

static void escapes(struct json_writer *jw)
{
	jw_start_array(jw);
	jw_string(jw, "quote\" backslash\\ slash/");
	jw_string(jw, "nl\n cr\r tab\t bs\b ff\f");
	jw_string(jw, "ctl\x01\x1f del\x7f");
	jw_string(jw, "utf8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	jw_string(jw, "bad \xff \xc3 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80");
	jw_string(jw, "");
	jw_end_array(jw);
}

static void names_escaped(struct json_writer *jw)
{
	jw_start_object(jw);
	jw_name(jw, "a\"b");
	jw_uint(jw, 0);
	jw_end_object(jw);
}

static void empty_array(struct json_writer *jw)
{
	jw_start_array(jw);
	jw_end_array(jw);
}

static void unclosed(struct json_writer *jw)
{
	jw_start_array(jw);
}

static void scalar(struct json_writer *jw)
{
	jw_uint(jw, 7);
}

static void check(const char *name, bool pretty,
		  void (*body)(struct json_writer *), const char *want,
		  const char *save_as)
{
	char *got = jw_output(pretty, body);

	tap_str(got, want, "json writer: %s%s", name, pretty ? " (pretty)" : "");
	if (save_as)
		tap_save(save_as, got);
	free(got);
}

static void test_writer(void)
{
	check("nesting, every value type", false, nested,
	      "{\"s\":\"x\",\"n\":18446744073709551615,\"t\":true,\"f\":false,"
	      "\"z\":null,\"a\":[1,{\"k\":[]},{}]}\n", "writer-compact.json");
	check("nesting, every value type", true, nested,
	      "{\n"
	      "    \"s\": \"x\",\n"
	      "    \"n\": 18446744073709551615,\n"
	      "    \"t\": true,\n"
	      "    \"f\": false,\n"
	      "    \"z\": null,\n"
	      "    \"a\": [\n"
	      "        1,\n"
	      "        {\n"
	      "            \"k\": []\n"
	      "        },\n"
	      "        {}\n"
	      "    ]\n"
	      "}\n", "writer-pretty.json");
	check("string escaping", false, escapes,
	      "[\"quote\\\" backslash\\\\ slash/\","
	      "\"nl\\n cr\\r tab\\t bs\\b ff\\f\","
	      "\"ctl\\u0001\\u001f del\\u007f\","
	      "\"utf8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
	      "\"bad \\u00ff \\u00c3 \\u00c0\\u00af \\u00ed\\u00a0\\u0080 "
	      "\\u00f4\\u0090\\u0080\\u0080\","
	      "\"\"]\n", "writer-escapes.json");
	check("member names are escaped", false, names_escaped,
	      "{\"a\\\"b\":0}\n", NULL);
	check("empty root array", false, empty_array, "[]\n", NULL);
	check("empty root array", true, empty_array, "[]\n", NULL);
	check("unclosed root writes nothing", false, unclosed, "", NULL);
	check("top-level scalar", false, scalar, "7\n", NULL);
}

/* The print path: one sequence of calls, two outputs. */
static void sample(void)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "proto", "%s", "tcp");
	print_uint(PRINT_ANY, "port", " port %u", 80);
	print_u64(PRINT_ANY, "bytes", " bytes %" PRIu64, 1ULL << 40);
	print_bool(PRINT_JSON, "on", NULL, true);
	print_null(PRINT_JSON, "out", NULL);
	print_fp(" text-only %d", 1);
	print_string(PRINT_FP, NULL, " %s", "fp");
	print_string(PRINT_JSON, "json_only", NULL, "j");
	open_json_array("list");
	print_uint(PRINT_JSON, NULL, NULL, 1);
	print_uint(PRINT_JSON, NULL, NULL, 2);
	close_json_array();
	print_nl();
	close_json_object();
}

static void test_print_path(void)
{
	const char *out;

	capture_start(false, false);
	sample();
	out = capture_end();
	tap_str(out, "tcp port 80 bytes 1099511627776 text-only 1 fp\n",
		"print path: text mode");
	capture_start(true, false);
	sample();
	out = capture_end();
	tap_str(out,
		"{\"proto\":\"tcp\",\"port\":80,\"bytes\":1099511627776,"
		"\"on\":true,\"out\":null,\"json_only\":\"j\",\"list\":[1,2]}\n",
		"print path: JSON mode");
	tap_save("print-path.json", out);

	capture_start(false, false);
	print_empty_result();
	out = capture_end();
	tap_str(out, "", "print_empty_result: text mode prints nothing");
	capture_start(true, false);
	print_empty_result();
	out = capture_end();
	tap_str(out, "{}\n", "print_empty_result: JSON mode prints {}");
	tap_save("empty-result.json", out);

	capture_start(true, false);
	open_json_array(NULL);
	tap_num(json_print_depth(), 1, "json_print_depth counts open containers");
	out = capture_end();
	tap_str(out, "", "a list that failed before its first item prints nothing");
}

void test_json(void)
{
	printf("# JSON writer and print path\n");
	test_writer();
	test_print_path();
}
