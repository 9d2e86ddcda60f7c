// SPDX-License-Identifier: GPL-2.0
/* The TCP handshake latency histogram: see handshake.h. */
#include <inttypes.h>
#include <string.h>

#include "handshake.h"
#include "json_print.h"
#include "knat_nl.h"

static const enum mnl_attr_data_type hs_policy[KNAT_HS_A_MAX + 1] = {
	[KNAT_HS_A_BUCKETS]	= MNL_TYPE_NESTED,
	[KNAT_HS_A_COUNT]	= MNL_TYPE_U64,
	[KNAT_HS_A_SUM_US]	= MNL_TYPE_U64,
	[KNAT_HS_A_MIN_US]	= MNL_TYPE_U64,
	[KNAT_HS_A_MAX_US]	= MNL_TYPE_U64,
};

void hs_parse(const struct nlattr *nest, struct hs_hist *h)
{
	const struct nlattr *tb[KNAT_HS_A_MAX + 1];
	const struct nlattr *a;
	unsigned int idx, i;
	uint64_t sum = 0;

	memset(h, 0, sizeof(*h));
	h->nbuckets = KNAT_HS_BUCKETS;
	if (!nest)
		return;
	h->present = true;
	knat_parse_nested(nest, hs_policy, KNAT_HS_A_MAX, tb);
	if (tb[KNAT_HS_A_BUCKETS]) {
		/* Type 0 pads the u64s; type i + 1 is bucket i. */
		mnl_attr_for_each_nested(a, tb[KNAT_HS_A_BUCKETS]) {
			if (!mnl_attr_get_type(a) ||
			    mnl_attr_validate(a, MNL_TYPE_U64) < 0)
				continue;
			idx = mnl_attr_get_type(a) - 1u;
			/* Past what we can hold: still counted, in the last. */
			if (idx >= HS_BUCKETS_MAX)
				idx = HS_BUCKETS_MAX - 1;
			h->bucket[idx] += mnl_attr_get_u64(a);
			if (idx + 1 > h->nbuckets)
				h->nbuckets = idx + 1;
		}
	}
	for (i = 0; i < h->nbuckets; i++)
		sum += h->bucket[i];
	h->count = tb[KNAT_HS_A_COUNT] ? attr_u64(tb[KNAT_HS_A_COUNT]) : sum;
	h->sum_us = attr_u64(tb[KNAT_HS_A_SUM_US]);
	h->max_us = attr_u64(tb[KNAT_HS_A_MAX_US]);
	h->has_min = tb[KNAT_HS_A_MIN_US] != NULL;
	h->min_us = attr_u64(tb[KNAT_HS_A_MIN_US]);
	/*
	 * The module keeps a 0 us minimum as 1 (0 means "none yet"): when
	 * every handshake took 0 us, that is above the maximum.  Never show
	 * a minimum above the maximum.
	 */
	if (h->has_min && h->min_us > h->max_us)
		h->min_us = h->max_us;
}

uint64_t hs_avg_us(const struct hs_hist *h)
{
	return h->count ? (h->sum_us + h->count / 2) / h->count : 0;
}

uint64_t hs_bucket_le_ms(const struct hs_hist *h, unsigned int i)
{
	return i + 1 < h->nbuckets ? UINT64_C(1) << i : 0;
}

const char *hs_fmt_ms(uint64_t us, char buf[HS_FMT_BUF])
{
	double ms = (double)us / 1000.0;
	int decimals = ms < 1 ? 3 : ms < 10 ? 2 : ms < 100 ? 1 : 0;
	char *end;

	snprintf(buf, HS_FMT_BUF, "%.*f", decimals, ms);
	if (strchr(buf, '.')) {
		end = buf + strlen(buf);
		while (end[-1] == '0')
			*--end = '\0';
		if (end[-1] == '.')
			*--end = '\0';
	}
	strncat(buf, "ms", HS_FMT_BUF - strlen(buf) - 1);
	return buf;
}

const char *hs_bucket_name(const struct hs_hist *h, unsigned int i,
			   char buf[HS_FMT_BUF])
{
	if (i == 0)
		snprintf(buf, HS_FMT_BUF, "<1ms");
	else if (i + 1 >= h->nbuckets)
		snprintf(buf, HS_FMT_BUF, ">=%" PRIu64 "ms", UINT64_C(1) << (i - 1));
	else
		snprintf(buf, HS_FMT_BUF, "%" PRIu64 "-%" PRIu64 "ms",
			 UINT64_C(1) << (i - 1), UINT64_C(1) << i);
	return buf;
}

void hs_print_summary(const struct hs_hist *h)
{
	char b[HS_FMT_BUF];

	print_fp("count %" PRIu64, h->count);
	if (!h->count)
		return;
	if (h->has_min)
		print_fp(" min %s", hs_fmt_ms(h->min_us, b));
	print_fp(" avg %s", hs_fmt_ms(hs_avg_us(h), b));
	print_fp(" max %s", hs_fmt_ms(h->max_us, b));
}

void hs_print_json(const char *key, const struct hs_hist *h)
{
	unsigned int i;

	open_json_object(key);
	print_u64(PRINT_JSON, "count", NULL, h->count);
	print_u64(PRINT_JSON, "sum_us", NULL, h->sum_us);
	if (h->has_min)
		print_u64(PRINT_JSON, "min_us", NULL, h->min_us);
	else
		print_null(PRINT_JSON, "min_us", NULL);
	print_u64(PRINT_JSON, "max_us", NULL, h->max_us);
	if (h->count)
		print_u64(PRINT_JSON, "avg_us", NULL, hs_avg_us(h));
	else
		print_null(PRINT_JSON, "avg_us", NULL);
	open_json_array("buckets");
	for (i = 0; i < h->nbuckets; i++)
		print_u64(PRINT_JSON, NULL, NULL, h->bucket[i]);
	close_json_array();
	close_json_object();
}

void hs_print_buckets(const struct hs_hist *h, unsigned int indent,
		      unsigned int width)
{
	char name[HS_FMT_BUF], item[HS_FMT_BUF + 24];
	unsigned int i, hi = 0, col = 0;
	bool any = false;
	int len;

	for (i = 0; i < h->nbuckets; i++)
		if (h->bucket[i]) {
			hi = i;
			any = true;
		}
	if (!any)
		return;
	for (i = 0; i <= hi; i++) {
		len = snprintf(item, sizeof(item), "%s: %" PRIu64,
			       hs_bucket_name(h, i, name), h->bucket[i]);
		if (col && col + 2 + (unsigned int)len > width) {
			print_fp("\n");
			col = 0;
		}
		if (!col) {
			print_fp("%*s%s", (int)indent, "", item);
			col = indent + (unsigned int)len;
		} else {
			print_fp("  %s", item);
			col += 2 + (unsigned int)len;
		}
	}
	print_fp("\n");
}
