// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: knat_pkt_invalid(), what a host would refuse, on synthetic IPv4
 * and IPv6 datagrams parsed by knat_parse().  Included from pkt.c.
 *
 * A UDP datagram is summed over the bytes it carries, as an attacker who
 * lies in the length field would sum it (and as nf_ip_checksum() checks
 * it): only the length field is wrong, so only the length check can
 * refuse it.
 */

#include <kunit/test.h>
#include <linux/if_ether.h>
#include <net/ip6_checksum.h>

#define KNAT_PT_HEADROOM	64

static const struct in6_addr knat_pt_src6 = {
	.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 } };
static const struct in6_addr knat_pt_dst6 = {
	.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x64, [15] = 0x10 } };

struct knat_pt_udp {
	bool v6;
	unsigned int paylen;	/* payload bytes carried */
	int ulen_delta;		/* the length field: 8 + paylen + this */
	bool zero_sum;		/* checksum field 0 */
	bool bad_sum;		/* the right sum, off by one */
};

/* The skb of the running case, freed by the suite's exit. */
static int knat_pt_init(struct kunit *test)
{
	test->priv = NULL;
	return 0;
}

static void knat_pt_exit(struct kunit *test)
{
	kfree_skb(test->priv);
}

/* @d as a netfilter hook sees it (skb->data at the IP header), parsed. */
static struct sk_buff *knat_pt_build(struct kunit *test,
				     const struct knat_pt_udp *d,
				     struct knat_pkt *p)
{
	unsigned int nhlen = d->v6 ? sizeof(struct ipv6hdr) :
				     sizeof(struct iphdr);
	unsigned int l4len = sizeof(struct udphdr) + d->paylen;
	struct sk_buff *skb;
	struct udphdr *uh;
	__sum16 sum;

	kfree_skb(test->priv);
	skb = alloc_skb(KNAT_PT_HEADROOM + nhlen + l4len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	test->priv = skb;
	skb_reserve(skb, KNAT_PT_HEADROOM);
	skb_put_zero(skb, nhlen + l4len);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, nhlen);
	uh = udp_hdr(skb);
	uh->source = htons(40000);
	uh->dest = htons(53);
	uh->len = htons(l4len + d->ulen_delta);
	memset(uh + 1, 'k', d->paylen);

	if (d->v6) {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		skb->protocol = htons(ETH_P_IPV6);
		ip6h->version = 6;
		ip6h->payload_len = htons(l4len);
		ip6h->nexthdr = IPPROTO_UDP;
		ip6h->hop_limit = 64;
		ip6h->saddr = knat_pt_src6;
		ip6h->daddr = knat_pt_dst6;
		sum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, l4len,
				      IPPROTO_UDP, csum_partial(uh, l4len, 0));
	} else {
		struct iphdr *iph = ip_hdr(skb);

		skb->protocol = htons(ETH_P_IP);
		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons(nhlen + l4len);
		iph->ttl = 64;
		iph->protocol = IPPROTO_UDP;
		iph->saddr = htonl(0xc6336402);	/* 198.51.100.2 */
		iph->daddr = htonl(0xcb00710a);	/* 203.0.113.10 */
		iph->check = ip_fast_csum(iph, iph->ihl);
		sum = csum_tcpudp_magic(iph->saddr, iph->daddr, l4len,
					IPPROTO_UDP, csum_partial(uh, l4len, 0));
	}
	uh->check = d->zero_sum ? 0 : (sum ?: CSUM_MANGLED_0);
	if (d->bad_sum)
		uh->check = (__force __sum16)((__force u16)uh->check ^ 1);
	skb->ip_summed = CHECKSUM_NONE;

	KUNIT_ASSERT_EQ(test, knat_parse(skb, p), KNAT_PARSE_OK);
	KUNIT_ASSERT_EQ(test, p->l4proto, IPPROTO_UDP);
	return skb;
}

/* What knat_pkt_invalid() says of @d at @hook. */
static enum knat_drop knat_pt_judge(struct kunit *test,
				    const struct knat_pt_udp *d,
				    unsigned int hook)
{
	struct knat_pkt p;
	struct sk_buff *skb = knat_pt_build(test, d, &p);

	return knat_pkt_invalid(skb, &p, hook);
}

static const unsigned int knat_pt_hooks[] = {
	NF_INET_PRE_ROUTING, NF_INET_LOCAL_OUT, NF_INET_POST_ROUTING,
};

/* Each length field @deltas says, each family and hook: judged @want. */
static void knat_pt_expect_lens(struct kunit *test, const int *deltas,
				unsigned int n, enum knat_drop want)
{
	unsigned int v6, i, h;

	for (v6 = 0; v6 < 2; v6++)
		for (i = 0; i < n; i++)
			for (h = 0; h < ARRAY_SIZE(knat_pt_hooks); h++) {
				struct knat_pt_udp d = {
					.v6 = v6, .paylen = 5,
					.ulen_delta = deltas[i],
				};
				enum knat_drop got;

				got = knat_pt_judge(test, &d, knat_pt_hooks[h]);
				KUNIT_EXPECT_EQ_MSG(test, got, want,
						    "v6 %u delta %d hook %u",
						    v6, deltas[i],
						    knat_pt_hooks[h]);
			}
}

/* Length fields that fit: the exact one, and one short of trailing bytes. */
static void knat_pkt_udp_len_fits(struct kunit *test)
{
	static const int deltas[] = { 0, -1, -5 };

	knat_pt_expect_lens(test, deltas, ARRAY_SIZE(deltas), __KNAT_DROP_MAX);
}

/*
 * Past the end (by one byte, by 20, by the most the field holds), or
 * inside the header (0 to 7, IPv6's jumbogram 0 among them): malformed at
 * every hook, the right sum notwithstanding.
 */
static void knat_pkt_udp_len_lies(struct kunit *test)
{
	static const int deltas[] = { 1, 20, 65535 - 13, -13, -6, -9 };

	knat_pt_expect_lens(test, deltas, ARRAY_SIZE(deltas),
			    KNAT_DROP_MALFORMED);
}

/*
 * Sums are checked where packets arrive and leave (PRE_ROUTING and
 * POST_ROUTING), not on a local socket's own; IPv4 UDP may go unsummed,
 * IPv6 UDP may not (RFC 8200 8.1).
 */
static void knat_pkt_udp_sums(struct kunit *test)
{
	static const struct {
		struct knat_pt_udp d;
		unsigned int hook;
		enum knat_drop want;
	} cases[] = {
		{ { .bad_sum = true }, NF_INET_PRE_ROUTING,
		  KNAT_DROP_BAD_CHECKSUM },
		{ { .v6 = true, .bad_sum = true }, NF_INET_PRE_ROUTING,
		  KNAT_DROP_BAD_CHECKSUM },
		{ { .bad_sum = true }, NF_INET_LOCAL_OUT, __KNAT_DROP_MAX },
		{ { .v6 = true, .bad_sum = true }, NF_INET_LOCAL_OUT,
		  __KNAT_DROP_MAX },
		{ { .zero_sum = true }, NF_INET_PRE_ROUTING, __KNAT_DROP_MAX },
		{ { .v6 = true, .zero_sum = true }, NF_INET_PRE_ROUTING,
		  KNAT_DROP_BAD_CHECKSUM },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct knat_pt_udp d = cases[i].d;

		d.paylen = 5;
		KUNIT_EXPECT_EQ_MSG(test, knat_pt_judge(test, &d, cases[i].hook),
				    cases[i].want, "case %u", i);
	}
}

static struct kunit_case knat_pkt_cases[] = {
	KUNIT_CASE(knat_pkt_udp_len_fits),
	KUNIT_CASE(knat_pkt_udp_len_lies),
	KUNIT_CASE(knat_pkt_udp_sums),
	{}
};

static struct kunit_suite knat_pkt_suite = {
	.name = "knat_pkt",
	.init = knat_pt_init,
	.exit = knat_pt_exit,
	.test_cases = knat_pkt_cases,
};

kunit_test_suite(knat_pkt_suite);
