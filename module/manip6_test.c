// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: IPv6 header rewriting (knat_manip6()) and knat_icmp6_csum():
 * TCP, UDP and ICMPv6 echo, with and without a destination-options
 * header before the transport header, linear and paged, with no
 * checksum help, CHECKSUM_COMPLETE or CHECKSUM_PARTIAL; ICMPv6 errors
 * and the packets they quote, whole or cut short.  Included from
 * manip6.c.
 *
 * Every packet is built with its checksums summed from scratch over the
 * IPv6 pseudo-header.  A rewritten packet must be byte for byte the one
 * built directly with the new address and port (checksums summed from
 * scratch again), so an incremental update that drifts from the real sum,
 * or a byte touched that should not be, shows up whatever the data.
 */

#include <kunit/test.h>
#include <linux/if_ether.h>
#include <linux/mm.h>
#include <net/ipv6.h>

#define KNAT_T6_HEADROOM	64
#define KNAT_T6_NSKBS		4
#define KNAT_T6_OPTLEN		8	/* the destination-options header */

#define KNAT_T6_ADDR(a, b, c, d) { .in6_u.u6_addr32 = {		\
	cpu_to_be32(a), cpu_to_be32(b), cpu_to_be32(c), cpu_to_be32(d) } }

/* The client, its peer, the outside address, a backend and a router. */
#define KNAT_T6_CLIENT	KNAT_T6_ADDR(0x20010db8, 0x00010000, 0x0000c0de, 0x00000002)
#define KNAT_T6_PEER	KNAT_T6_ADDR(0x20010db8, 0x00ff0000, 0x12345678, 0x9abcdef0)
#define KNAT_T6_PUBLIC	KNAT_T6_ADDR(0x20010db8, 0x01000000, 0x00000000, 0x00000001)
#define KNAT_T6_BACKEND	KNAT_T6_ADDR(0xfd00abcd, 0x00020000, 0xfeed0000, 0x0000beef)
#define KNAT_T6_ROUTER	KNAT_T6_ADDR(0x20010db8, 0x00ff0000, 0x00000000, 0x00000001)

/* Skbs of the running test, freed by the suite's exit if a test aborts. */
struct knat_manip6_fixture {
	struct sk_buff *skb[KNAT_T6_NSKBS];
};

/* One IPv6 packet to build. */
struct knat_t6_pkt {
	u8 proto;		/* transport: TCP, UDP or ICMPv6 */
	u8 icmp_type;
	u8 icmp_code;
	bool dstopts;		/* a destination-options header first */
	struct in6_addr src, dst;
	u16 sport, dport;	/* ICMPv6 echo: sport is the identifier */
	unsigned int paylen;
	bool paged;		/* payload in a page fragment */
	unsigned int cut;	/* quoted: L4 bytes the quote keeps, 0 all */
};

static unsigned int knat_t6_hlen(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return sizeof(struct tcphdr);
	case IPPROTO_UDP:
		return sizeof(struct udphdr);
	default:
		return sizeof(struct icmp6hdr);
	}
}

static unsigned int knat_t6_exthlen(const struct knat_t6_pkt *d)
{
	return d->dstopts ? KNAT_T6_OPTLEN : 0;
}

static bool knat_t6_is_echo(u8 type)
{
	return type == ICMPV6_ECHO_REQUEST || type == ICMPV6_ECHO_REPLY;
}

static struct ipv6hdr *knat_t6_ip(struct sk_buff *skb, unsigned int nhoff)
{
	return (struct ipv6hdr *)(skb->data + nhoff);
}

/*
 * The transport header of the packet at @nhoff, past a destination-
 * options header if there is one, and its protocol.
 */
static unsigned int knat_t6_thoff(struct sk_buff *skb, unsigned int nhoff,
				  u8 *proto)
{
	const struct ipv6hdr *ip6h = knat_t6_ip(skb, nhoff);
	unsigned int thoff = nhoff + sizeof(*ip6h);

	*proto = ip6h->nexthdr;
	if (*proto == NEXTHDR_DEST) {
		const struct ipv6_opt_hdr *oh = (void *)(skb->data + thoff);

		*proto = oh->nexthdr;
		thoff += ipv6_optlen(oh);
	}
	return thoff;
}

/* The upper-layer length of the packet at @nhoff, as its header says. */
static unsigned int knat_t6_l4len(struct sk_buff *skb, unsigned int nhoff)
{
	u8 proto;

	return ntohs(knat_t6_ip(skb, nhoff)->payload_len) -
	       (knat_t6_thoff(skb, nhoff, &proto) - nhoff - sizeof(struct ipv6hdr));
}

/* Where @proto's checksum sits in its header. */
static unsigned int knat_t6_sumoff(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return offsetof(struct tcphdr, check);
	case IPPROTO_UDP:
		return offsetof(struct udphdr, check);
	default:
		return offsetof(struct icmp6hdr, icmp6_cksum);
	}
}

static __sum16 *knat_t6_l4sum(struct sk_buff *skb, unsigned int nhoff)
{
	unsigned int thoff;
	u8 proto;

	thoff = knat_t6_thoff(skb, nhoff, &proto);
	return (__sum16 *)(skb->data + thoff + knat_t6_sumoff(proto));
}

/* The port (ICMPv6 echo: identifier) a rewrite of @type sets. */
static u16 knat_t6_port(struct sk_buff *skb, unsigned int nhoff,
			enum knat_manip_type type)
{
	u8 proto;
	u8 *l4 = skb->data + knat_t6_thoff(skb, nhoff, &proto);

	if (proto == IPPROTO_ICMPV6)
		return ntohs(((struct icmp6hdr *)l4)->icmp6_identifier);
	return ntohs(((__be16 *)l4)[type == KNAT_MANIP_SRC ? 0 : 1]);
}

/*
 * The L4 checksum of the packet at @nhoff summed from scratch over the
 * pseudo-header and all its upper-layer bytes, frags included, as
 * csum_ipv6_magic() gives it: 0 is not yet UDP's 0xffff.
 */
static __sum16 knat_t6_raw_l4(struct sk_buff *skb, unsigned int nhoff)
{
	const struct ipv6hdr *ip6h = knat_t6_ip(skb, nhoff);
	unsigned int len = knat_t6_l4len(skb, nhoff), thoff;
	__sum16 *field = knat_t6_l4sum(skb, nhoff), old = *field, sum;
	u8 proto;

	thoff = knat_t6_thoff(skb, nhoff, &proto);
	*field = 0;
	sum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, proto,
			      skb_checksum(skb, thoff, len, 0));
	*field = old;
	return sum;
}

/* The same as the sender puts it in the packet. */
static __sum16 knat_t6_fresh_l4(struct sk_buff *skb, unsigned int nhoff)
{
	__sum16 sum = knat_t6_raw_l4(skb, nhoff);
	u8 proto;

	knat_t6_thoff(skb, nhoff, &proto);
	if (proto == IPPROTO_UDP && !sum)
		sum = CSUM_MANGLED_0;
	return sum;
}

/* Does the L4 checksum of the packet at @nhoff verify, field included? */
static bool knat_t6_l4_valid(struct sk_buff *skb, unsigned int nhoff)
{
	const struct ipv6hdr *ip6h = knat_t6_ip(skb, nhoff);
	unsigned int len = knat_t6_l4len(skb, nhoff), thoff;
	u8 proto;

	thoff = knat_t6_thoff(skb, nhoff, &proto);
	return !csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len, proto,
				skb_checksum(skb, thoff, len, 0));
}

/* The pseudo-header sum a CHECKSUM_PARTIAL field holds. */
static __sum16 knat_t6_pseudo(struct sk_buff *skb, unsigned int nhoff)
{
	const struct ipv6hdr *ip6h = knat_t6_ip(skb, nhoff);
	u8 proto;

	knat_t6_thoff(skb, nhoff, &proto);
	return ~csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
				knat_t6_l4len(skb, nhoff), proto, 0);
}

static __sum16 knat_t6_fold_all(struct sk_buff *skb)
{
	return csum_fold(skb_checksum(skb, 0, skb->len, 0));
}

static void knat_t6_expect_sum(struct kunit *test, __sum16 got, __sum16 want,
			       const char *what, const char *ctx)
{
	KUNIT_EXPECT_EQ_MSG(test, (__force u16)got, (__force u16)want,
			    "%s: %#06x, summed from scratch %#06x (%s)", what,
			    (__force u16)got, (__force u16)want, ctx);
}

/*
 * IPv6, options and L4 headers of @d at @p, checksum left 0; @l4len is
 * the upper-layer length the header announces.
 */
static void knat_t6_headers(u8 *p, const struct knat_t6_pkt *d,
			    unsigned int l4len)
{
	struct ipv6hdr *ip6h = (struct ipv6hdr *)p;
	unsigned int ext = knat_t6_exthlen(d);
	void *l4 = p + sizeof(*ip6h) + ext;

	ip6h->version = 6;
	ip6h->priority = 0;
	ip6h->flow_lbl[0] = 0x0a;
	ip6h->flow_lbl[1] = 0xbc;
	ip6h->flow_lbl[2] = 0xde;
	ip6h->payload_len = htons(ext + l4len);
	ip6h->nexthdr = d->dstopts ? NEXTHDR_DEST : d->proto;
	ip6h->hop_limit = 64;
	ip6h->saddr = d->src;
	ip6h->daddr = d->dst;

	if (d->dstopts) {
		u8 *oh = p + sizeof(*ip6h);

		oh[0] = d->proto;	/* next header */
		oh[1] = 0;		/* 8 bytes */
		oh[2] = IPV6_TLV_PADN;
		oh[3] = 4;
		oh[4] = 0x00;
		oh[5] = 0x00;
		oh[6] = 0x00;
		oh[7] = 0x00;
	}

	switch (d->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;

		th->source = htons(d->sport);
		th->dest = htons(d->dport);
		th->seq = htonl(0x01020304);
		th->ack_seq = htonl(0xa0b0c0d0);
		th->doff = sizeof(*th) / 4;
		th->ack = 1;
		th->psh = 1;
		th->window = htons(29200);
		th->urg_ptr = htons(0x1357);
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		uh->source = htons(d->sport);
		uh->dest = htons(d->dport);
		uh->len = htons(l4len);
		break;
	}
	case IPPROTO_ICMPV6: {
		struct icmp6hdr *ih = l4;

		ih->icmp6_type = d->icmp_type;
		ih->icmp6_code = d->icmp_code;
		if (knat_t6_is_echo(d->icmp_type)) {
			ih->icmp6_identifier = htons(d->sport);
			ih->icmp6_sequence = htons(7);
		} else if (d->icmp_type == ICMPV6_PKT_TOOBIG) {
			ih->icmp6_mtu = htonl(1280);
		}
		break;
	}
	}
}

static void knat_t6_fill(u8 *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[i] = 0xa5 ^ (i * 29);
}

/* A packet's whole length: IPv6 header, options, L4 header, payload. */
static unsigned int knat_t6_len(const struct knat_t6_pkt *d)
{
	return sizeof(struct ipv6hdr) + knat_t6_exthlen(d) +
	       knat_t6_hlen(d->proto) + d->paylen;
}

/* All of @q at @p, its checksum summed from scratch. */
static void knat_t6_quote(u8 *p, const struct knat_t6_pkt *q)
{
	unsigned int thoff = sizeof(struct ipv6hdr) + knat_t6_exthlen(q);
	unsigned int l4len = knat_t6_hlen(q->proto) + q->paylen;
	__sum16 sum;

	knat_t6_headers(p, q, l4len);
	knat_t6_fill(p + thoff + knat_t6_hlen(q->proto), q->paylen);
	sum = csum_ipv6_magic(&q->src, &q->dst, l4len, q->proto,
			      csum_partial(p + thoff, l4len, 0));
	if (q->proto == IPPROTO_UDP && !sum)
		sum = CSUM_MANGLED_0;
	*(__sum16 *)(p + thoff + knat_t6_sumoff(q->proto)) = sum;
}

/*
 * Build @d as netfilter hooks see a packet: skb->data at the IPv6 header.
 * With @q, @d is an ICMPv6 error quoting @q (linear only): all of it, or
 * its headers and q->cut bytes of its L4 header.
 */
static struct sk_buff *knat_t6_skb(struct kunit *test,
				   const struct knat_t6_pkt *d,
				   const struct knat_t6_pkt *q)
{
	struct knat_manip6_fixture *fx = test->priv;
	unsigned int hlen = sizeof(struct ipv6hdr) + knat_t6_exthlen(d) +
			    knat_t6_hlen(d->proto);
	unsigned int paylen = d->paylen, linear, slot, qhlen = 0;
	bool paged = d->paged && !q;
	struct sk_buff *skb;
	u8 *p;

	if (q) {
		qhlen = sizeof(struct ipv6hdr) + knat_t6_exthlen(q);
		paylen = q->cut ? qhlen + q->cut : knat_t6_len(q);
	}
	linear = hlen + (paged ? 0 : paylen);

	for (slot = 0; slot < KNAT_T6_NSKBS && fx->skb[slot]; slot++)
		;
	KUNIT_ASSERT_LT(test, slot, (unsigned int)KNAT_T6_NSKBS);
	skb = alloc_skb(KNAT_T6_HEADROOM + linear, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	fx->skb[slot] = skb;
	skb_reserve(skb, KNAT_T6_HEADROOM);
	p = skb_put_zero(skb, linear);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, hlen - knat_t6_hlen(d->proto));
	skb->protocol = htons(ETH_P_IPV6);
	knat_t6_headers(p, d, knat_t6_hlen(d->proto) + paylen);

	if (paged) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

		KUNIT_ASSERT_NOT_NULL(test, page);
		skb_add_rx_frag(skb, 0, page, 0, paylen, PAGE_SIZE);
		knat_t6_fill(page_address(page), paylen);
	} else if (q) {
		u8 *full = kunit_kzalloc(test, knat_t6_len(q), GFP_KERNEL);

		/* Sum the whole quoted packet, then quote (some of) it. */
		KUNIT_ASSERT_NOT_NULL(test, full);
		knat_t6_quote(full, q);
		memcpy(p + hlen, full, paylen);
		kunit_kfree(test, full);
	} else {
		knat_t6_fill(p + hlen, paylen);
	}
	*knat_t6_l4sum(skb, 0) = knat_t6_fresh_l4(skb, 0);
	return skb;
}

static void knat_t6_free(struct kunit *test, struct sk_buff *skb)
{
	struct knat_manip6_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < KNAT_T6_NSKBS; i++)
		if (fx->skb[i] == skb)
			fx->skb[i] = NULL;
	kfree_skb(skb);
}

static void knat_t6_complete(struct sk_buff *skb)
{
	skb->ip_summed = CHECKSUM_COMPLETE;
	skb->csum = skb_checksum(skb, 0, skb->len, 0);
}

/* The stack's CHECKSUM_PARTIAL: the field holds the pseudo-header sum. */
static void knat_t6_partial(struct kunit *test, struct sk_buff *skb)
{
	__sum16 *field = knat_t6_l4sum(skb, 0);
	unsigned int thoff;
	u8 proto;

	thoff = knat_t6_thoff(skb, 0, &proto);
	KUNIT_ASSERT_TRUE(test,
			  skb_partial_csum_set(skb, thoff,
					       (u8 *)field - (skb->data + thoff)));
	*field = knat_t6_pseudo(skb, 0);
}

/* An ICMPv6 message (at @thoff) the stack would sum in full. */
static void knat_t6_partial_icmp(struct kunit *test, struct sk_buff *skb,
				 unsigned int thoff)
{
	KUNIT_ASSERT_TRUE(test,
			  skb_partial_csum_set(skb, thoff,
					       offsetof(struct icmp6hdr,
							icmp6_cksum)));
}

/* Both packets, frags included, byte for byte. */
static void knat_t6_expect_bytes(struct kunit *test, struct sk_buff *got,
				 struct sk_buff *want, const char *ctx)
{
	u8 *a, *b;
	unsigned int i;

	KUNIT_ASSERT_EQ_MSG(test, got->len, want->len, "%s", ctx);
	a = kunit_kmalloc(test, got->len, GFP_KERNEL);
	b = kunit_kmalloc(test, want->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(got, 0, a, got->len), 0);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(want, 0, b, want->len), 0);
	for (i = 0; i < got->len && a[i] == b[i]; i++)
		;
	KUNIT_EXPECT_EQ_MSG(test, i, got->len,
			    "byte %u is %#04x, built directly %#04x (%s)", i,
			    i < got->len ? a[i] : 0, i < got->len ? b[i] : 0,
			    ctx);
	kunit_kfree(test, a);
	kunit_kfree(test, b);
}

/* The rewrite a test applies. */
struct knat_t6_rewrite {
	enum knat_manip_type type;
	struct in6_addr addr;
	u16 port;
};

static const struct knat_t6_rewrite knat_t6_rewrites[] = {
	{ KNAT_MANIP_SRC, KNAT_T6_PUBLIC, 1024 },	/* SNAT, outbound */
	{ KNAT_MANIP_DST, KNAT_T6_BACKEND, 80 },	/* DNAT, inbound */
};

/* @d as the rewrite @rw leaves it. */
static struct knat_t6_pkt knat_t6_rewritten(const struct knat_t6_pkt *d,
					    const struct knat_t6_rewrite *rw)
{
	struct knat_t6_pkt n = *d;

	if (rw->type == KNAT_MANIP_SRC)
		n.src = rw->addr;
	else
		n.dst = rw->addr;
	/* ICMPv6 echo has one identifier: the port of both sides. */
	if (d->proto == IPPROTO_ICMPV6 || rw->type == KNAT_MANIP_SRC)
		n.sport = rw->port;
	else
		n.dport = rw->port;
	return n;
}

static void knat_t6_apply(struct sk_buff *skb, unsigned int nhoff,
			  unsigned int l4avail, bool inner,
			  const struct knat_t6_rewrite *rw)
{
	unsigned int thoff;
	u8 proto;

	thoff = knat_t6_thoff(skb, nhoff, &proto);
	knat_manip6(skb, nhoff, thoff, proto, l4avail, inner, rw->type,
		    &rw->addr, htons(rw->port));
}

/* The rewritten address and port are there; the other side's are not. */
static void knat_t6_expect_rewritten(struct kunit *test, struct sk_buff *skb,
				     unsigned int nhoff,
				     const struct knat_t6_pkt *d,
				     const struct knat_t6_rewrite *rw,
				     const char *ctx)
{
	const struct ipv6hdr *ip6h = knat_t6_ip(skb, nhoff);
	bool src = rw->type == KNAT_MANIP_SRC;
	enum knat_manip_type other = src ? KNAT_MANIP_DST : KNAT_MANIP_SRC;

	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(src ? &ip6h->saddr :
							  &ip6h->daddr,
						    &rw->addr),
			      "rewritten address (%s)", ctx);
	KUNIT_EXPECT_TRUE_MSG(test, ipv6_addr_equal(src ? &ip6h->daddr :
							  &ip6h->saddr,
						    src ? &d->dst : &d->src),
			      "other address (%s)", ctx);
	KUNIT_EXPECT_EQ_MSG(test, knat_t6_port(skb, nhoff, rw->type),
			    rw->port, "%s", ctx);
	if (d->proto != IPPROTO_ICMPV6)
		KUNIT_EXPECT_EQ_MSG(test, knat_t6_port(skb, nhoff, other),
				    src ? d->dport : d->sport, "%s", ctx);
}

static const struct knat_t6_pkt knat_t6_tcp = {
	.proto = IPPROTO_TCP, .src = KNAT_T6_CLIENT, .dst = KNAT_T6_PEER,
	.sport = 40000, .dport = 443, .paylen = 100,
};

static const struct knat_t6_pkt knat_t6_tcp_opts = {
	.proto = IPPROTO_TCP, .dstopts = true, .src = KNAT_T6_CLIENT,
	.dst = KNAT_T6_PEER, .sport = 40001, .dport = 8443, .paylen = 61,
};

static const struct knat_t6_pkt knat_t6_udp = {
	.proto = IPPROTO_UDP, .src = KNAT_T6_CLIENT, .dst = KNAT_T6_PEER,
	.sport = 40000, .dport = 53, .paylen = 37,	/* odd on purpose */
};

static const struct knat_t6_pkt knat_t6_udp_opts = {
	.proto = IPPROTO_UDP, .dstopts = true, .src = KNAT_T6_CLIENT,
	.dst = KNAT_T6_PEER, .sport = 5353, .dport = 53, .paylen = 200,
};

static const struct knat_t6_pkt knat_t6_echo = {
	.proto = IPPROTO_ICMPV6, .icmp_type = ICMPV6_ECHO_REQUEST,
	.src = KNAT_T6_CLIENT, .dst = KNAT_T6_PEER, .sport = 77,
	.paylen = 56,
};

static const struct knat_t6_pkt knat_t6_echo_opts = {
	.proto = IPPROTO_ICMPV6, .icmp_type = ICMPV6_ECHO_REPLY,
	.dstopts = true, .src = KNAT_T6_CLIENT, .dst = KNAT_T6_PEER,
	.sport = 0xfedc, .paylen = 33,
};

static const struct knat_t6_pkt *const knat_t6_pkts[] = {
	&knat_t6_tcp, &knat_t6_tcp_opts, &knat_t6_udp, &knat_t6_udp_opts,
	&knat_t6_echo, &knat_t6_echo_opts,
};

enum knat_t6_summed {
	KNAT_T6_NONE,
	KNAT_T6_COMPLETE,
	KNAT_T6_PARTIAL,
};

static const char *const knat_t6_summed_name[] = {
	"none", "complete", "partial",
};

static void knat_t6_summed_set(struct kunit *test, struct sk_buff *skb,
			       enum knat_t6_summed summed)
{
	if (summed == KNAT_T6_COMPLETE)
		knat_t6_complete(skb);
	if (summed == KNAT_T6_PARTIAL)
		knat_t6_partial(test, skb);
}

/*
 * Rewrite @d as @rw says with the skb checksummed as @summed says; it
 * must come out as the packet built with the new address and port.
 */
static void knat_t6_one(struct kunit *test, const struct knat_t6_pkt *d,
			const struct knat_t6_rewrite *rw,
			enum knat_t6_summed summed)
{
	struct knat_t6_pkt n = knat_t6_rewritten(d, rw);
	struct sk_buff *skb, *want;
	char ctx[80];

	snprintf(ctx, sizeof(ctx), "proto %u%s %s %s %s", d->proto,
		 d->dstopts ? " +dstopts" : "",
		 rw->type == KNAT_MANIP_SRC ? "src" : "dst",
		 d->paged ? "paged" : "linear", knat_t6_summed_name[summed]);
	skb = knat_t6_skb(test, d, NULL);
	knat_t6_summed_set(test, skb, summed);
	want = knat_t6_skb(test, &n, NULL);
	knat_t6_summed_set(test, want, summed);

	knat_t6_apply(skb, 0, knat_t6_hlen(d->proto), false, rw);

	knat_t6_expect_rewritten(test, skb, 0, d, rw, ctx);
	knat_t6_expect_bytes(test, skb, want, ctx);
	KUNIT_EXPECT_EQ_MSG(test, (u8)skb->ip_summed, (u8)want->ip_summed,
			    "%s", ctx);
	switch (summed) {
	case KNAT_T6_PARTIAL:
		knat_t6_expect_sum(test, *knat_t6_l4sum(skb, 0),
				   knat_t6_pseudo(skb, 0), "pseudo-header sum",
				   ctx);
		/* Let the "device" finish it: a valid sum must come out. */
		KUNIT_EXPECT_EQ_MSG(test, skb_checksum_help(skb), 0, "%s", ctx);
		knat_t6_expect_sum(test, *knat_t6_l4sum(skb, 0),
				   knat_t6_fresh_l4(skb, 0), "offloaded sum",
				   ctx);
		break;
	case KNAT_T6_COMPLETE:
		/*
		 * skb->csum covers the IPv6 header, which has no checksum
		 * of its own: the address there and the L4 checksum move
		 * by opposite amounts, so skb->csum stays.
		 */
		knat_t6_expect_sum(test, csum_fold(skb->csum),
				   knat_t6_fold_all(skb), "skb->csum", ctx);
		fallthrough;
	default:
		knat_t6_expect_sum(test, *knat_t6_l4sum(skb, 0),
				   knat_t6_fresh_l4(skb, 0), "L4 checksum",
				   ctx);
		KUNIT_EXPECT_TRUE_MSG(test, knat_t6_l4_valid(skb, 0), "%s",
				      ctx);
	}
	knat_t6_free(test, want);
	knat_t6_free(test, skb);
}

/* Every packet kind, both rewrites, linear and paged. */
static void knat_t6_matrix(struct kunit *test, enum knat_t6_summed summed)
{
	unsigned int i, r, paged;

	for (i = 0; i < ARRAY_SIZE(knat_t6_pkts); i++) {
		struct knat_t6_pkt d = *knat_t6_pkts[i];

		/* ICMPv6 is never offloaded: the stack sums it in full. */
		if (summed == KNAT_T6_PARTIAL && d.proto == IPPROTO_ICMPV6)
			continue;
		for (r = 0; r < ARRAY_SIZE(knat_t6_rewrites); r++) {
			for (paged = 0; paged < 2; paged++) {
				d.paged = paged;
				knat_t6_one(test, &d, &knat_t6_rewrites[r],
					    summed);
			}
		}
	}
}

static void knat_manip6_csum_none(struct kunit *test)
{
	knat_t6_matrix(test, KNAT_T6_NONE);
}

static void knat_manip6_csum_partial(struct kunit *test)
{
	knat_t6_matrix(test, KNAT_T6_PARTIAL);
}

static void knat_manip6_csum_complete(struct kunit *test)
{
	knat_t6_matrix(test, KNAT_T6_COMPLETE);
}

/*
 * Only the address, or only the port, changes; and neither: then not a
 * byte of the packet moves.
 */
static void knat_manip6_half_rewrites(struct kunit *test)
{
	unsigned int i, r, k;

	for (i = 0; i < ARRAY_SIZE(knat_t6_pkts); i++) {
		const struct knat_t6_pkt *d = knat_t6_pkts[i];

		for (r = 0; r < ARRAY_SIZE(knat_t6_rewrites); r++) {
			bool src = knat_t6_rewrites[r].type == KNAT_MANIP_SRC;

			for (k = 0; k < 3; k++) {
				struct knat_t6_rewrite rw = knat_t6_rewrites[r];
				struct sk_buff *skb, *want;
				struct knat_t6_pkt n;
				char ctx[64];

				/* k 0: the port stays, 1: the address, 2: both */
				if (k != 1)
					rw.port = src || d->proto ==
						  IPPROTO_ICMPV6 ?
						  d->sport : d->dport;
				if (k != 0)
					rw.addr = src ? d->src : d->dst;
				n = knat_t6_rewritten(d, &rw);
				snprintf(ctx, sizeof(ctx),
					 "proto %u%s %s, %s", d->proto,
					 d->dstopts ? " +dstopts" : "",
					 src ? "src" : "dst",
					 k == 0 ? "address only" :
					 k == 1 ? "port only" : "nothing");
				skb = knat_t6_skb(test, d, NULL);
				want = knat_t6_skb(test, &n, NULL);
				knat_t6_apply(skb, 0, knat_t6_hlen(d->proto),
					      false, &rw);
				knat_t6_expect_rewritten(test, skb, 0, d, &rw,
							 ctx);
				knat_t6_expect_bytes(test, skb, want, ctx);
				knat_t6_free(test, want);
				knat_t6_free(test, skb);
			}
		}
	}
}

/*
 * The new port of a UDP rewrite that makes the sum from scratch come out
 * 0: UDP sends that as 0xffff (0 means "no checksum"), and so must the
 * rewrite.  The port is found with one's complement arithmetic on the
 * checksum a first rewrite gives: adding it to the port makes the sum
 * all ones, its complement 0.
 */
static void knat_manip6_udp_mangled_0(struct kunit *test)
{
	unsigned int r, summed;

	for (r = 0; r < ARRAY_SIZE(knat_t6_rewrites); r++) {
		for (summed = KNAT_T6_NONE; summed <= KNAT_T6_COMPLETE;
		     summed++) {
			struct knat_t6_rewrite rw = knat_t6_rewrites[r];
			const struct knat_t6_pkt *d = &knat_t6_udp_opts;
			struct sk_buff *skb, *want;
			struct knat_t6_pkt n;
			u32 port;
			char ctx[32];

			snprintf(ctx, sizeof(ctx), "%s %s",
				 rw.type == KNAT_MANIP_SRC ? "src" : "dst",
				 knat_t6_summed_name[summed]);
			skb = knat_t6_skb(test, d, NULL);
			knat_t6_apply(skb, 0, sizeof(struct udphdr), false,
				      &rw);
			port = (__force u16)htons(rw.port) +
			       (__force u16)*knat_t6_l4sum(skb, 0);
			port = (port & 0xffff) + (port >> 16);
			rw.port = ntohs((__force __be16)(u16)port);
			knat_t6_free(test, skb);

			n = knat_t6_rewritten(d, &rw);
			want = knat_t6_skb(test, &n, NULL);
			KUNIT_ASSERT_EQ_MSG(test,
					    (__force u16)knat_t6_raw_l4(want, 0),
					    0, "no sum of 0 built (%s)", ctx);
			skb = knat_t6_skb(test, d, NULL);
			knat_t6_summed_set(test, skb, summed);
			knat_t6_apply(skb, 0, sizeof(struct udphdr), false,
				      &rw);
			KUNIT_EXPECT_EQ_MSG(test,
					    (__force u16)*knat_t6_l4sum(skb, 0),
					    (__force u16)CSUM_MANGLED_0,
					    "port %u (%s)", rw.port, ctx);
			knat_t6_expect_rewritten(test, skb, 0, d, &rw, ctx);
			knat_t6_expect_bytes(test, skb, want, ctx);
			KUNIT_EXPECT_TRUE_MSG(test, knat_t6_l4_valid(skb, 0),
					      "%s", ctx);
			if (summed == KNAT_T6_COMPLETE)
				knat_t6_expect_sum(test, csum_fold(skb->csum),
						   knat_t6_fold_all(skb),
						   "skb->csum", ctx);
			knat_t6_free(test, want);
			knat_t6_free(test, skb);
		}
	}
}

/* A UDP checksum never comes out 0 whatever the port. */
static void knat_manip6_udp_never_0(struct kunit *test)
{
	struct knat_t6_rewrite rw = knat_t6_rewrites[0];
	unsigned int port;

	for (port = 1; port < 65536; port += 97) {
		struct sk_buff *skb = knat_t6_skb(test, &knat_t6_udp, NULL);

		rw.port = port;
		knat_t6_apply(skb, 0, sizeof(struct udphdr), false, &rw);
		KUNIT_EXPECT_NE_MSG(test, (__force u16)*knat_t6_l4sum(skb, 0),
				    0, "port %u", port);
		KUNIT_EXPECT_TRUE_MSG(test, knat_t6_l4_valid(skb, 0),
				      "port %u", port);
		knat_t6_free(test, skb);
	}
}

/*
 * UDP checksum 0 is "no checksum", which IPv6 allows tunnels (RFC 6935
 * and 6936: VXLAN or Geneve with zero checksums).  It must stay 0, as
 * netfilter's own NAT and knat_manip() for IPv4 keep it: any other value
 * is a wrong checksum, which the receiver then verifies and drops.  With
 * CHECKSUM_COMPLETE no checksum absorbs the change, so skb->csum must
 * follow it (manip.c's rule).
 */
static void knat_manip6_udp_zero_csum(struct kunit *test)
{
	unsigned int r, summed;

	for (r = 0; r < ARRAY_SIZE(knat_t6_rewrites); r++) {
		for (summed = KNAT_T6_NONE; summed <= KNAT_T6_COMPLETE;
		     summed++) {
			const struct knat_t6_rewrite *rw = &knat_t6_rewrites[r];
			struct sk_buff *skb;
			char ctx[32];

			snprintf(ctx, sizeof(ctx), "%s %s",
				 rw->type == KNAT_MANIP_SRC ? "src" : "dst",
				 knat_t6_summed_name[summed]);
			skb = knat_t6_skb(test, &knat_t6_udp, NULL);
			*knat_t6_l4sum(skb, 0) = 0;
			knat_t6_summed_set(test, skb, summed);
			knat_t6_apply(skb, 0, sizeof(struct udphdr), false, rw);
			knat_t6_expect_rewritten(test, skb, 0, &knat_t6_udp, rw,
						 ctx);
			KUNIT_EXPECT_EQ_MSG(test,
					    (__force u16)*knat_t6_l4sum(skb, 0),
					    0, "UDP checksum 0 became %#06x (%s)",
					    (__force u16)*knat_t6_l4sum(skb, 0),
					    ctx);
			if (summed == KNAT_T6_COMPLETE)
				knat_t6_expect_sum(test, csum_fold(skb->csum),
						   knat_t6_fold_all(skb),
						   "skb->csum", ctx);
			knat_t6_free(test, skb);
		}
	}
}

#define KNAT_T6_ERR_HLEN	(sizeof(struct ipv6hdr) + sizeof(struct icmp6hdr))

/* An ICMPv6 Packet Too Big from a router to the outside address. */
static const struct knat_t6_pkt knat_t6_ptb = {
	.proto = IPPROTO_ICMPV6, .icmp_type = ICMPV6_PKT_TOOBIG,
	.src = KNAT_T6_ROUTER, .dst = KNAT_T6_PUBLIC,
};

/* What the outside address sent (after SNAT), quoted in errors. */
static const struct knat_t6_pkt knat_t6_quoted[] = {
	{ .proto = IPPROTO_UDP, .src = KNAT_T6_PUBLIC, .dst = KNAT_T6_PEER,
	  .sport = 1024, .dport = 53, .paylen = 12 },
	{ .proto = IPPROTO_TCP, .src = KNAT_T6_PUBLIC, .dst = KNAT_T6_PEER,
	  .sport = 1024, .dport = 443, .paylen = 9 },
	{ .proto = IPPROTO_TCP, .dstopts = true, .src = KNAT_T6_PUBLIC,
	  .dst = KNAT_T6_PEER, .sport = 1025, .dport = 443, .paylen = 20 },
	{ .proto = IPPROTO_UDP, .dstopts = true, .src = KNAT_T6_PUBLIC,
	  .dst = KNAT_T6_PEER, .sport = 1026, .dport = 53, .paylen = 7 },
	{ .proto = IPPROTO_ICMPV6, .icmp_type = ICMPV6_ECHO_REQUEST,
	  .src = KNAT_T6_PUBLIC, .dst = KNAT_T6_PEER, .sport = 1024,
	  .paylen = 16 },
};

/*
 * What icmp6.c does to an error on its way in: the outer destination and
 * the quoted source become the inside client's, then the ICMPv6 checksum
 * is summed again.
 */
static void knat_t6_error_in(struct sk_buff *skb, const struct in6_addr *to,
			     u16 port, unsigned int l4avail)
{
	const struct in6_addr client = KNAT_T6_CLIENT;
	const unsigned int in = KNAT_T6_ERR_HLEN;
	unsigned int thoff;
	u8 proto;

	/* The port: what an echo would take; an error has none. */
	knat_manip6(skb, 0, sizeof(struct ipv6hdr), IPPROTO_ICMPV6,
		    sizeof(struct icmp6hdr), false, KNAT_MANIP_DST, to,
		    htons(port));
	thoff = knat_t6_thoff(skb, in, &proto);
	knat_manip6(skb, in, thoff, proto, l4avail, true, KNAT_MANIP_SRC,
		    &client, htons(port));
	knat_icmp6_csum(skb, sizeof(struct ipv6hdr));
}

static void knat_t6_expect_ptb(struct kunit *test, struct sk_buff *skb,
			       const char *ctx)
{
	struct icmp6hdr *ih = (struct icmp6hdr *)(skb->data +
						  sizeof(struct ipv6hdr));

	KUNIT_EXPECT_EQ_MSG(test, ih->icmp6_type, ICMPV6_PKT_TOOBIG, "%s",
			    ctx);
	KUNIT_EXPECT_EQ_MSG(test, ih->icmp6_code, 0, "%s", ctx);
	KUNIT_EXPECT_EQ_MSG(test, ntohl(ih->icmp6_mtu), 1280U, "MTU (%s)",
			    ctx);
}

/*
 * A Packet Too Big quoting what the outside address sent: afterwards the
 * error goes to the client and quotes what the client sent, its MTU
 * untouched, every checksum valid (the quoted one for the quoted packet).
 */
static void knat_manip6_icmp_error(struct kunit *test)
{
	const struct in6_addr client = KNAT_T6_CLIENT;
	unsigned int i, summed;

	for (i = 0; i < ARRAY_SIZE(knat_t6_quoted); i++) {
		for (summed = KNAT_T6_NONE; summed <= KNAT_T6_PARTIAL;
		     summed++) {
			const struct knat_t6_pkt *q = &knat_t6_quoted[i];
			const unsigned int in = KNAT_T6_ERR_HLEN;
			struct knat_t6_pkt err = knat_t6_ptb, nq = *q;
			struct knat_t6_rewrite rw = {
				KNAT_MANIP_SRC, client, 40000,
			};
			struct sk_buff *skb, *want;
			char ctx[64];

			snprintf(ctx, sizeof(ctx), "quoted proto %u%s, outer %s",
				 q->proto, q->dstopts ? " +dstopts" : "",
				 knat_t6_summed_name[summed]);
			skb = knat_t6_skb(test, &err, q);
			if (summed == KNAT_T6_COMPLETE)
				knat_t6_complete(skb);
			if (summed == KNAT_T6_PARTIAL)
				knat_t6_partial_icmp(test, skb,
						     sizeof(struct ipv6hdr));
			err.dst = client;
			nq.src = client;
			nq.sport = 40000;
			want = knat_t6_skb(test, &err, &nq);

			knat_t6_error_in(skb, &client, 40000,
					 knat_t6_hlen(q->proto));

			KUNIT_EXPECT_TRUE_MSG(test,
					      ipv6_addr_equal(&ipv6_hdr(skb)->daddr,
							      &client),
					      "outer destination (%s)", ctx);
			KUNIT_EXPECT_TRUE_MSG(test,
					      ipv6_addr_equal(&ipv6_hdr(skb)->saddr,
							      &knat_t6_ptb.src),
					      "outer source (%s)", ctx);
			knat_t6_expect_ptb(test, skb, ctx);
			knat_t6_expect_rewritten(test, skb, in, q, &rw, ctx);
			/* The outer sum over its pseudo-header. */
			knat_t6_expect_sum(test, *knat_t6_l4sum(skb, 0),
					   knat_t6_fresh_l4(skb, 0),
					   "ICMPv6 checksum", ctx);
			KUNIT_EXPECT_TRUE_MSG(test, knat_t6_l4_valid(skb, 0),
					      "outer (%s)", ctx);
			/* The quoted one, for the quoted packet. */
			knat_t6_expect_sum(test, *knat_t6_l4sum(skb, in),
					   knat_t6_fresh_l4(skb, in),
					   "quoted checksum", ctx);
			KUNIT_EXPECT_TRUE_MSG(test, knat_t6_l4_valid(skb, in),
					      "quoted (%s)", ctx);
			knat_t6_expect_bytes(test, skb, want, ctx);
			if (summed == KNAT_T6_COMPLETE)
				knat_t6_expect_sum(test, csum_fold(skb->csum),
						   knat_t6_fold_all(skb),
						   "skb->csum", ctx);
			if (summed == KNAT_T6_PARTIAL)
				KUNIT_EXPECT_EQ_MSG(test, (u8)skb->ip_summed,
						    CHECKSUM_NONE, "%s", ctx);
			else
				KUNIT_EXPECT_EQ_MSG(test, (u8)skb->ip_summed,
						    (u8)(summed == KNAT_T6_NONE ?
						    CHECKSUM_NONE :
						    CHECKSUM_COMPLETE),
						    "%s", ctx);
			knat_t6_free(test, want);
			knat_t6_free(test, skb);
		}
	}
}

/*
 * A quoted packet's checksums are plain data whatever the outer skb says:
 * a quote rewritten alone (inner) moves nothing outside it, skb state
 * included, and its own checksum follows its addresses.
 */
static void knat_t6_inner_one(struct kunit *test, const struct knat_t6_pkt *q,
			      const struct knat_t6_rewrite *rw,
			      enum knat_t6_summed summed)
{
	const unsigned int in = KNAT_T6_ERR_HLEN;
	u8 outer[KNAT_T6_ERR_HLEN];
	struct sk_buff *skb;
	u8 summed_before;
	__wsum csum;
	char ctx[64];

	snprintf(ctx, sizeof(ctx), "quoted proto %u%s, %s, outer %s",
		 q->proto, q->dstopts ? " +dstopts" : "",
		 rw->type == KNAT_MANIP_SRC ? "src" : "dst",
		 knat_t6_summed_name[summed]);
	skb = knat_t6_skb(test, &knat_t6_ptb, q);
	if (summed == KNAT_T6_COMPLETE)
		knat_t6_complete(skb);
	if (summed == KNAT_T6_PARTIAL)
		knat_t6_partial_icmp(test, skb, sizeof(struct ipv6hdr));
	summed_before = skb->ip_summed;
	csum = skb->csum;
	memcpy(outer, skb->data, sizeof(outer));

	knat_t6_apply(skb, in, knat_t6_hlen(q->proto), true, rw);

	knat_t6_expect_rewritten(test, skb, in, q, rw, ctx);
	knat_t6_expect_sum(test, *knat_t6_l4sum(skb, in),
			   knat_t6_fresh_l4(skb, in), "quoted checksum", ctx);
	KUNIT_EXPECT_TRUE_MSG(test, knat_t6_l4_valid(skb, in), "%s", ctx);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(skb->data, outer, sizeof(outer)), 0,
			    "outer headers (%s)", ctx);
	KUNIT_EXPECT_EQ_MSG(test, (u8)skb->ip_summed, summed_before, "%s",
			    ctx);
	KUNIT_EXPECT_EQ_MSG(test, (__force u32)skb->csum, (__force u32)csum,
			    "%s", ctx);
	knat_t6_free(test, skb);
}

static void knat_manip6_inner_only(struct kunit *test)
{
	unsigned int i, r, summed;

	for (i = 0; i < ARRAY_SIZE(knat_t6_quoted); i++)
		for (r = 0; r < ARRAY_SIZE(knat_t6_rewrites); r++)
			for (summed = KNAT_T6_NONE; summed <= KNAT_T6_PARTIAL;
			     summed++)
				knat_t6_inner_one(test, &knat_t6_quoted[i],
						  &knat_t6_rewrites[r], summed);
}

/*
 * A quoted TCP header cut before its checksum (a quote may stop
 * anywhere): the ports change, the bytes where the checksum would be
 * don't, and the outer checksum is right for what is there.
 */
static void knat_manip6_inner_short_tcp(struct kunit *test)
{
	static const unsigned int avail[] = {
		8, offsetof(struct tcphdr, check) + 1,
		offsetofend(struct tcphdr, check),
	};
	const struct in6_addr client = KNAT_T6_CLIENT;
	unsigned int i, o;

	for (o = 0; o < 2; o++) {
		for (i = 0; i < ARRAY_SIZE(avail); i++) {
			struct knat_t6_pkt q = knat_t6_quoted[1];
			const unsigned int in = KNAT_T6_ERR_HLEN;
			struct sk_buff *skb, *full;
			struct tcphdr *th, before;
			unsigned int thoff;
			__sum16 want_check;
			char ctx[40];
			u8 proto;

			q.dstopts = o;
			q.cut = avail[i];
			snprintf(ctx, sizeof(ctx), "l4avail %u%s", avail[i],
				 o ? " +dstopts" : "");
			skb = knat_t6_skb(test, &knat_t6_ptb, &q);
			thoff = knat_t6_thoff(skb, in, &proto);
			KUNIT_ASSERT_EQ(test, proto, (u8)IPPROTO_TCP);
			KUNIT_ASSERT_EQ(test, skb->len, thoff + avail[i]);
			th = (struct tcphdr *)(skb->data + thoff);
			memcpy(&before, th, avail[i]);

			/* The whole rewritten segment's checksum, for the cut. */
			q.cut = 0;
			q.src = client;
			q.sport = 40000;
			full = knat_t6_skb(test, &knat_t6_ptb, &q);
			want_check = *knat_t6_l4sum(full, in);
			knat_t6_free(test, full);

			knat_t6_error_in(skb, &client, 40000, avail[i]);

			knat_t6_expect_ptb(test, skb, ctx);
			KUNIT_EXPECT_EQ_MSG(test, ntohs(th->source), 40000,
					    "%s", ctx);
			KUNIT_EXPECT_EQ_MSG(test, ntohs(th->dest), 443, "%s",
					    ctx);
			KUNIT_EXPECT_TRUE_MSG(test,
					      ipv6_addr_equal(&knat_t6_ip(skb, in)->saddr,
							      &client),
					      "%s", ctx);
			if (avail[i] < offsetofend(struct tcphdr, check))
				KUNIT_EXPECT_EQ_MSG(test,
						    memcmp((u8 *)th + 4,
							   (u8 *)&before + 4,
							   avail[i] - 4),
						    0, "%s", ctx);
			else
				knat_t6_expect_sum(test, th->check, want_check,
						   "quoted TCP checksum", ctx);
			KUNIT_EXPECT_TRUE_MSG(test, knat_t6_l4_valid(skb, 0),
					      "outer (%s)", ctx);
			knat_t6_free(test, skb);
		}
	}
}

/* knat_icmp6_csum() against a sum from scratch, frags and options too. */
static void knat_manip6_icmp6_csum(struct kunit *test)
{
	static const struct knat_t6_pkt msgs[] = {
		{ .proto = IPPROTO_ICMPV6, .icmp_type = ICMPV6_ECHO_REQUEST,
		  .src = KNAT_T6_CLIENT, .dst = KNAT_T6_PEER, .sport = 77,
		  .paylen = 1000, .paged = true },
		{ .proto = IPPROTO_ICMPV6, .icmp_type = ICMPV6_ECHO_REPLY,
		  .dstopts = true, .src = KNAT_T6_PEER, .dst = KNAT_T6_CLIENT,
		  .sport = 77, .paylen = 33 },
		{ .proto = IPPROTO_ICMPV6, .icmp_type = ICMPV6_PKT_TOOBIG,
		  .src = KNAT_T6_ROUTER, .dst = KNAT_T6_CLIENT },
	};
	unsigned int i, partial;

	for (i = 0; i < ARRAY_SIZE(msgs); i++) {
		for (partial = 0; partial < 2; partial++) {
			bool err = !knat_t6_is_echo(msgs[i].icmp_type);
			struct sk_buff *skb;
			unsigned int thoff;
			__sum16 *field;
			__sum16 want;
			u8 proto;

			skb = knat_t6_skb(test, &msgs[i],
					  err ? &knat_t6_quoted[0] : NULL);
			thoff = knat_t6_thoff(skb, 0, &proto);
			field = knat_t6_l4sum(skb, 0);
			want = *field;
			KUNIT_ASSERT_TRUE(test, knat_t6_l4_valid(skb, 0));
			if (partial)
				knat_t6_partial_icmp(test, skb, thoff);
			*field = (__force __sum16)htons(0xdead);
			knat_icmp6_csum(skb, thoff);
			knat_t6_expect_sum(test, *field, want,
					   "ICMPv6 checksum", "from garbage");
			KUNIT_EXPECT_TRUE(test, knat_t6_l4_valid(skb, 0));
			KUNIT_EXPECT_EQ(test, (u8)skb->ip_summed, CHECKSUM_NONE);
			knat_t6_free(test, skb);
		}
	}
}

static int knat_manip6_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct knat_manip6_fixture),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void knat_manip6_test_exit(struct kunit *test)
{
	struct knat_manip6_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < KNAT_T6_NSKBS; i++)
		kfree_skb(fx->skb[i]);
}

static struct kunit_case knat_manip6_cases[] = {
	KUNIT_CASE(knat_manip6_csum_none),
	KUNIT_CASE(knat_manip6_csum_partial),
	KUNIT_CASE(knat_manip6_csum_complete),
	KUNIT_CASE(knat_manip6_half_rewrites),
	KUNIT_CASE(knat_manip6_udp_mangled_0),
	KUNIT_CASE(knat_manip6_udp_never_0),
	KUNIT_CASE(knat_manip6_udp_zero_csum),
	KUNIT_CASE(knat_manip6_icmp_error),
	KUNIT_CASE(knat_manip6_inner_only),
	KUNIT_CASE(knat_manip6_inner_short_tcp),
	KUNIT_CASE(knat_manip6_icmp6_csum),
	{}
};

static struct kunit_suite knat_manip6_suite = {
	.name = "knat_manip6",
	.init = knat_manip6_test_init,
	.exit = knat_manip6_test_exit,
	.test_cases = knat_manip6_cases,
};

kunit_test_suite(knat_manip6_suite);
