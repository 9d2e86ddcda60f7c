// SPDX-License-Identifier: GPL-2.0
/* knat status: the module's version, build, hooks, fast path and object counts. */
#include <linux/knat.h>

#include "json_print.h"
#include "knat_nl.h"
#include "objects.h"
#include "policy.h"
#include "status.h"
#include "utils.h"

void status_usage(FILE *f)
{
	fprintf(f, "Usage: knat status\n");
}

/* A string the kernel should always send: JSON null / "unknown" if not. */
static void print_attr_str(const char *key, const char *fmt,
			   const struct nlattr *a)
{
	if (a) {
		print_string(PRINT_ANY, key, fmt, mnl_attr_get_str(a));
	} else {
		print_null(PRINT_JSON, key, NULL);
		print_string(PRINT_FP, NULL, fmt, "unknown");
	}
}

int status_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[KNAT_A_MAX + 1];
	uint32_t forwards6, snats6, services6, flows6;
	bool hooks, hooks6, fastpath;

	(void)data;
	knat_parse_attrs(nlh, knat_top_policy, KNAT_A_MAX, tb);
	hooks = attr_u8(tb[KNAT_A_HOOKS_ACTIVE]) != 0;
	/* A module without a fast path sends nothing: it is off there too. */
	fastpath = attr_u8(tb[KNAT_A_FASTPATH]) != 0;
	/* IPv6: of the totals; a module without IPv6 sends none (0). */
	hooks6 = attr_u8(tb[KNAT_A_HOOKS6_ACTIVE]) != 0;
	forwards6 = attr_u32(tb[KNAT_A_NUM_FORWARDS6]);
	snats6 = attr_u32(tb[KNAT_A_NUM_SNATS6]);
	services6 = attr_u32(tb[KNAT_A_NUM_SERVICES6]);
	flows6 = attr_u32(tb[KNAT_A_NUM_FLOWS6]);

	open_json_object(NULL);
	print_attr_str("version", "knat %s", tb[KNAT_A_VERSION]);
	print_attr_str("build_id", " build %s\n", tb[KNAT_A_BUILD_ID]);
	print_bool(PRINT_JSON, "hooks_active", NULL, hooks);
	print_fp("hooks %s\n", hooks ? "active" : "inactive");
	print_bool(PRINT_JSON, "fastpath", NULL, fastpath);
	print_fp("fastpath %s", fastpath ? "on" : "off");
	/* Hooked devices (none until a rule exists, or while off). */
	if (fastpath && hooks && tb[KNAT_A_FASTPATH_DEVS])
		print_uint(PRINT_FP, NULL, ", ingress hooks on %u devices",
			   attr_u32(tb[KNAT_A_FASTPATH_DEVS]));
	print_fp("\n");
	if (tb[KNAT_A_FASTPATH_DEVS])
		print_uint(PRINT_JSON, "fastpath_devices", NULL,
			   attr_u32(tb[KNAT_A_FASTPATH_DEVS]));
	print_uint(PRINT_ANY, "forwards", "forwards %u",
		   attr_u32(tb[KNAT_A_NUM_FORWARDS]));
	print_uint(PRINT_ANY, "snats", " snats %u",
		   attr_u32(tb[KNAT_A_NUM_SNATS]));
	print_uint(PRINT_ANY, "services", " services %u",
		   attr_u32(tb[KNAT_A_NUM_SERVICES]));
	print_uint(PRINT_ANY, "flows", " flows %u",
		   attr_u32(tb[KNAT_A_NUM_FLOWS]));
	/* JSON only: the text line stays what scripts read. */
	print_uint(PRINT_JSON, "flow_buckets", NULL,
		   attr_u32(tb[KNAT_A_FLOW_BUCKETS]));
	print_nl();
	/*
	 * How many of those are IPv6, on a line of its own that an
	 * IPv4-only namespace never shows.
	 */
	print_bool(PRINT_JSON, "hooks6_active", NULL, hooks6);
	print_uint(PRINT_JSON, "forwards6", NULL, forwards6);
	print_uint(PRINT_JSON, "snats6", NULL, snats6);
	print_uint(PRINT_JSON, "services6", NULL, services6);
	print_uint(PRINT_JSON, "flows6", NULL, flows6);
	if (hooks6 || forwards6 || snats6 || services6 || flows6) {
		print_fp("ipv6 hooks %s, forwards %u snats %u",
			 hooks6 ? "active" : "inactive", forwards6, snats6);
		/*
		 * Services only once there are IPv6 ones: the line of a
		 * namespace without stays what scripts already read.
		 */
		if (services6)
			print_fp(" services %u", services6);
		print_fp(" flows %u\n", flows6);
	}
	close_json_object();
	return MNL_CB_OK;
}

int do_status(int argc, char **argv, const struct cli_opts *o)
{
	(void)o;
	/* "show" for symmetry with "knat stats show"; nothing else. */
	if (argc && is_kw(argv[0], "show")) {
		argc--;
		argv++;
	}
	if (argc)
		return unexpected(argv[0]);

	return knat_query(KNAT_CMD_STATUS_GET, NLM_F_ACK, status_print, NULL);
}
