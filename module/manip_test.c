// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: header rewriting and checksum updates of TCP, UDP and ICMP echo
 * packets, linear and paged, with no checksum help, CHECKSUM_COMPLETE or
 * CHECKSUM_PARTIAL, and UDP's checksum 0.  Included from manip.c; ICMP's
 * own cases (echo identifiers, errors and the packets they quote,
 * knat_icmp_csum()) are in manip_icmp_test.c, included right after this
 * file and sharing its packet builder.
 *
 * Every packet is built with its checksums summed from scratch.  After a
 * rewrite each checksum is compared with one summed from scratch again
 * over the rewritten bytes, so an incremental update that drifts from the
 * real sum shows up whatever the data.
 */

#include <kunit/test.h>
#include <linux/if_ether.h>
#include <linux/mm.h>
#include <net/ip.h>

#define KNAT_T_HEADROOM		64
#define KNAT_T_NSKBS		4

/* The client, its peer, the outside address and a backend. */
#define KNAT_T_CLIENT	0x0a000102	/* 10.0.1.2 */
#define KNAT_T_PEER	0xc6336409	/* 198.51.100.9 */
#define KNAT_T_PUBLIC	0xcb007101	/* 203.0.113.1 */
#define KNAT_T_BACKEND	0x0a000202	/* 10.0.2.2 */

/* Skbs of the running test, freed by the suite's exit if a test aborts. */
struct knat_manip_fixture {
	struct sk_buff *skb[KNAT_T_NSKBS];
};

/* One IPv4 packet to build. */
struct knat_t_pkt {
	u8 proto;
	u8 icmp_type;		/* ICMP */
	u8 icmp_code;
	u32 src, dst;
	u16 sport, dport;	/* ICMP echo: sport is the identifier */
	unsigned int paylen;
	bool paged;		/* payload in a page fragment */
	bool no_udp_csum;	/* UDP checksum 0: none */
};

static unsigned int knat_t_hlen(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return sizeof(struct tcphdr);
	case IPPROTO_UDP:
		return sizeof(struct udphdr);
	default:
		return sizeof(struct icmphdr);
	}
}

static bool knat_t_is_echo(u8 type)
{
	return type == ICMP_ECHO || type == ICMP_ECHOREPLY;
}

/* Where the L4 checksum of the packet at @nhoff sits. */
static __sum16 *knat_t_l4sum(struct sk_buff *skb, unsigned int nhoff)
{
	struct iphdr *iph = (struct iphdr *)(skb->data + nhoff);
	u8 *l4 = (u8 *)iph + iph->ihl * 4;

	switch (iph->protocol) {
	case IPPROTO_TCP:
		return &((struct tcphdr *)l4)->check;
	case IPPROTO_UDP:
		return &((struct udphdr *)l4)->check;
	default:
		return &((struct icmphdr *)l4)->checksum;
	}
}

/* The port (ICMP echo: identifier) a rewrite of @type sets. */
static __be16 knat_t_port(struct sk_buff *skb, unsigned int nhoff,
			  enum knat_manip_type type)
{
	struct iphdr *iph = (struct iphdr *)(skb->data + nhoff);
	u8 *l4 = (u8 *)iph + iph->ihl * 4;

	if (iph->protocol == IPPROTO_ICMP)
		return ((struct icmphdr *)l4)->un.echo.id;
	return ((__be16 *)l4)[type == KNAT_MANIP_SRC ? 0 : 1];
}

static __sum16 knat_t_fresh_ip(struct sk_buff *skb, unsigned int nhoff)
{
	struct iphdr *iph = (struct iphdr *)(skb->data + nhoff);
	__sum16 old = iph->check, sum;

	iph->check = 0;
	sum = ip_fast_csum(iph, iph->ihl);
	iph->check = old;
	return sum;
}

/*
 * The L4 checksum of the packet at @nhoff (all of it, as its IP header
 * says) summed from scratch, frags included.
 */
static __sum16 knat_t_fresh_l4(struct sk_buff *skb, unsigned int nhoff)
{
	const struct iphdr *iph = (struct iphdr *)(skb->data + nhoff);
	unsigned int len = ntohs(iph->tot_len) - iph->ihl * 4;
	__sum16 *field = knat_t_l4sum(skb, nhoff), old = *field, sum;
	__wsum csum;

	*field = 0;
	csum = skb_checksum(skb, nhoff + iph->ihl * 4, len, 0);
	*field = old;
	if (iph->protocol == IPPROTO_ICMP)
		return csum_fold(csum);
	sum = csum_tcpudp_magic(iph->saddr, iph->daddr, len, iph->protocol,
				csum);
	if (iph->protocol == IPPROTO_UDP && !sum)
		sum = CSUM_MANGLED_0;
	return sum;
}

/* The pseudo-header sum a CHECKSUM_PARTIAL field holds. */
static __sum16 knat_t_pseudo(struct sk_buff *skb, unsigned int nhoff)
{
	const struct iphdr *iph = (struct iphdr *)(skb->data + nhoff);

	return ~csum_tcpudp_magic(iph->saddr, iph->daddr,
				  ntohs(iph->tot_len) - iph->ihl * 4,
				  iph->protocol, 0);
}

static __sum16 knat_t_fold_all(struct sk_buff *skb)
{
	return csum_fold(skb_checksum(skb, 0, skb->len, 0));
}

static void knat_t_expect_sum(struct kunit *test, __sum16 got, __sum16 want,
			      const char *what, const char *ctx)
{
	KUNIT_EXPECT_EQ_MSG(test, (__force u16)got, (__force u16)want,
			    "%s: %#06x, summed from scratch %#06x (%s)", what,
			    (__force u16)got, (__force u16)want, ctx);
}

/* IP and L4 headers of @d at @p, checksums left 0, L4 length @l4len. */
static void knat_t_headers(u8 *p, const struct knat_t_pkt *d,
			   unsigned int l4len)
{
	struct iphdr *iph = (struct iphdr *)p;
	void *l4 = p + sizeof(*iph);

	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + l4len);
	iph->id = htons(0x4d2);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = d->proto;
	iph->saddr = htonl(d->src);
	iph->daddr = htonl(d->dst);

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
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		uh->source = htons(d->sport);
		uh->dest = htons(d->dport);
		uh->len = htons(l4len);
		break;
	}
	case IPPROTO_ICMP: {
		struct icmphdr *ih = l4;

		ih->type = d->icmp_type;
		ih->code = d->icmp_code;
		if (knat_t_is_echo(d->icmp_type)) {
			ih->un.echo.id = htons(d->sport);
			ih->un.echo.sequence = htons(7);
		} else {
			ih->un.frag.mtu = htons(1280);
		}
		break;
	}
	}
}

static void knat_t_fill(u8 *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[i] = 0x5a ^ (i * 37);
}

static void knat_t_set_csums(struct sk_buff *skb, unsigned int nhoff,
			     const struct knat_t_pkt *d)
{
	struct iphdr *iph = (struct iphdr *)(skb->data + nhoff);

	iph->check = knat_t_fresh_ip(skb, nhoff);
	*knat_t_l4sum(skb, nhoff) = d->no_udp_csum ? 0 :
				    knat_t_fresh_l4(skb, nhoff);
}

/*
 * Build @d as netfilter hooks see a packet: skb->data at the IP header.
 * With @inner, @d is an ICMP error quoting all of @inner (linear only).
 */
static struct sk_buff *knat_t_skb(struct kunit *test,
				  const struct knat_t_pkt *d,
				  const struct knat_t_pkt *inner)
{
	struct knat_manip_fixture *fx = test->priv;
	unsigned int hlen = knat_t_hlen(d->proto), paylen = d->paylen;
	unsigned int inner_l4len = 0, linear, slot;
	bool paged = d->paged && !inner;
	struct sk_buff *skb;
	u8 *p;

	if (inner) {
		inner_l4len = knat_t_hlen(inner->proto) + inner->paylen;
		paylen = sizeof(struct iphdr) + inner_l4len;
	}
	linear = sizeof(struct iphdr) + hlen + (paged ? 0 : paylen);

	for (slot = 0; slot < KNAT_T_NSKBS && fx->skb[slot]; slot++)
		;
	KUNIT_ASSERT_LT(test, slot, (unsigned int)KNAT_T_NSKBS);
	skb = alloc_skb(KNAT_T_HEADROOM + linear, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	fx->skb[slot] = skb;
	skb_reserve(skb, KNAT_T_HEADROOM);
	p = skb_put_zero(skb, linear);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(struct iphdr));
	skb->protocol = htons(ETH_P_IP);
	knat_t_headers(p, d, hlen + paylen);

	if (paged) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

		KUNIT_ASSERT_NOT_NULL(test, page);
		skb_add_rx_frag(skb, 0, page, 0, paylen, PAGE_SIZE);
		knat_t_fill(page_address(page), paylen);
	} else if (inner) {
		unsigned int in = sizeof(struct iphdr) + hlen;

		knat_t_headers(p + in, inner, inner_l4len);
		knat_t_fill(p + in + sizeof(struct iphdr) +
			    knat_t_hlen(inner->proto), inner->paylen);
		knat_t_set_csums(skb, in, inner);
	} else {
		knat_t_fill(p + sizeof(struct iphdr) + hlen, paylen);
	}
	knat_t_set_csums(skb, 0, d);
	return skb;
}

static void knat_t_free(struct kunit *test, struct sk_buff *skb)
{
	struct knat_manip_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < KNAT_T_NSKBS; i++)
		if (fx->skb[i] == skb)
			fx->skb[i] = NULL;
	kfree_skb(skb);
}

static void knat_t_complete(struct sk_buff *skb)
{
	skb->ip_summed = CHECKSUM_COMPLETE;
	skb->csum = skb_checksum(skb, 0, skb->len, 0);
}

/* The stack's CHECKSUM_PARTIAL: the field holds the pseudo-header sum. */
static void knat_t_partial(struct kunit *test, struct sk_buff *skb)
{
	struct iphdr *iph = ip_hdr(skb);
	unsigned int thoff = iph->ihl * 4;
	__sum16 *field = knat_t_l4sum(skb, 0);
	u16 off = (u8 *)field - (skb->data + thoff);

	KUNIT_ASSERT_TRUE(test, skb_partial_csum_set(skb, thoff, off));
	*field = knat_t_pseudo(skb, 0);
}

/* The rewrite a test applies, and what the packet must carry after it. */
struct knat_t_rewrite {
	enum knat_manip_type type;
	u32 addr;
	u16 port;
};

static const struct knat_t_rewrite knat_t_rewrites[] = {
	{ KNAT_MANIP_SRC, KNAT_T_PUBLIC, 1024 },	/* SNAT, outbound */
	{ KNAT_MANIP_DST, KNAT_T_BACKEND, 80 },	/* DNAT, inbound */
};

static void knat_t_apply(struct sk_buff *skb, unsigned int nhoff,
			 unsigned int l4avail, bool inner,
			 const struct knat_t_rewrite *rw)
{
	knat_manip(skb, nhoff, l4avail, inner, rw->type, htonl(rw->addr),
		   htons(rw->port));
}

/* The rewritten address and port are there; the other side's are not. */
static void knat_t_expect_rewritten(struct kunit *test, struct sk_buff *skb,
				    unsigned int nhoff,
				    const struct knat_t_pkt *d,
				    const struct knat_t_rewrite *rw,
				    const char *ctx)
{
	struct iphdr *iph = (struct iphdr *)(skb->data + nhoff);
	bool src = rw->type == KNAT_MANIP_SRC;
	enum knat_manip_type other = src ? KNAT_MANIP_DST : KNAT_MANIP_SRC;
	u32 set_addr = ntohl(src ? iph->saddr : iph->daddr);
	u32 kept_addr = ntohl(src ? iph->daddr : iph->saddr);
	u16 set_port = ntohs(knat_t_port(skb, nhoff, rw->type));
	u16 kept_port = ntohs(knat_t_port(skb, nhoff, other));

	KUNIT_EXPECT_EQ_MSG(test, set_addr, rw->addr, "%s", ctx);
	KUNIT_EXPECT_EQ_MSG(test, kept_addr, src ? d->dst : d->src, "%s", ctx);
	KUNIT_EXPECT_EQ_MSG(test, set_port, rw->port, "%s", ctx);
	/* ICMP echo has one identifier: it is the port of both sides. */
	if (iph->protocol != IPPROTO_ICMP)
		KUNIT_EXPECT_EQ_MSG(test, kept_port, src ? d->dport : d->sport,
				    "%s", ctx);
}

static const struct knat_t_pkt knat_t_tcp = {
	.proto = IPPROTO_TCP, .src = KNAT_T_CLIENT, .dst = KNAT_T_PEER,
	.sport = 40000, .dport = 53, .paylen = 100,
};

static const struct knat_t_pkt knat_t_udp = {
	.proto = IPPROTO_UDP, .src = KNAT_T_CLIENT, .dst = KNAT_T_PEER,
	.sport = 40000, .dport = 53, .paylen = 37,	/* odd on purpose */
};

static const struct knat_t_pkt knat_t_echo = {
	.proto = IPPROTO_ICMP, .icmp_type = ICMP_ECHO, .src = KNAT_T_CLIENT,
	.dst = KNAT_T_PEER, .sport = 77, .paylen = 56,
};

static const struct knat_t_pkt *const knat_t_pkts[] = {
	&knat_t_tcp, &knat_t_udp, &knat_t_echo,
};

enum knat_t_summed {
	KNAT_T_NONE,
	KNAT_T_COMPLETE,
	KNAT_T_PARTIAL,
};

static const char *const knat_t_summed_name[] = {
	"none", "complete", "partial",
};

/* Rewrite one packet with the skb checksummed as @summed says. */
static void knat_t_l4_one(struct kunit *test, const struct knat_t_pkt *d,
			  const struct knat_t_rewrite *rw,
			  enum knat_t_summed summed)
{
	struct sk_buff *skb;
	char ctx[64];

	snprintf(ctx, sizeof(ctx), "proto %u %s %s %s", d->proto,
		 rw->type == KNAT_MANIP_SRC ? "src" : "dst",
		 d->paged ? "paged" : "linear", knat_t_summed_name[summed]);
	skb = knat_t_skb(test, d, NULL);
	if (summed == KNAT_T_COMPLETE)
		knat_t_complete(skb);
	if (summed == KNAT_T_PARTIAL)
		knat_t_partial(test, skb);

	knat_t_apply(skb, 0, knat_t_hlen(d->proto), false, rw);

	knat_t_expect_rewritten(test, skb, 0, d, rw, ctx);
	knat_t_expect_sum(test, ip_hdr(skb)->check, knat_t_fresh_ip(skb, 0),
			  "IP checksum", ctx);
	switch (summed) {
	case KNAT_T_PARTIAL:
		KUNIT_EXPECT_EQ_MSG(test, (u8)skb->ip_summed, CHECKSUM_PARTIAL,
				    "%s", ctx);
		knat_t_expect_sum(test, *knat_t_l4sum(skb, 0),
				  knat_t_pseudo(skb, 0), "pseudo-header sum",
				  ctx);
		/* Let the "device" finish it: a valid sum must come out. */
		KUNIT_EXPECT_EQ_MSG(test, skb_checksum_help(skb), 0, "%s", ctx);
		knat_t_expect_sum(test, *knat_t_l4sum(skb, 0),
				  knat_t_fresh_l4(skb, 0), "offloaded sum", ctx);
		break;
	case KNAT_T_COMPLETE:
		knat_t_expect_sum(test, csum_fold(skb->csum),
				  knat_t_fold_all(skb), "skb->csum", ctx);
		fallthrough;
	default:
		knat_t_expect_sum(test, *knat_t_l4sum(skb, 0),
				  knat_t_fresh_l4(skb, 0), "L4 checksum", ctx);
	}
	knat_t_free(test, skb);
}

/* Every packet kind, both rewrites, linear and paged. */
static void knat_t_l4_matrix(struct kunit *test, enum knat_t_summed summed)
{
	unsigned int i, r, paged;

	for (i = 0; i < ARRAY_SIZE(knat_t_pkts); i++) {
		struct knat_t_pkt d = *knat_t_pkts[i];

		/* ICMP is never offloaded: the stack sums it in full. */
		if (summed == KNAT_T_PARTIAL && d.proto == IPPROTO_ICMP)
			continue;
		for (r = 0; r < ARRAY_SIZE(knat_t_rewrites); r++) {
			for (paged = 0; paged < 2; paged++) {
				d.paged = paged;
				knat_t_l4_one(test, &d, &knat_t_rewrites[r],
					      summed);
			}
		}
	}
}

static void knat_manip_csum_none(struct kunit *test)
{
	knat_t_l4_matrix(test, KNAT_T_NONE);
}

static void knat_manip_csum_partial(struct kunit *test)
{
	knat_t_l4_matrix(test, KNAT_T_PARTIAL);
}

static void knat_manip_csum_complete(struct kunit *test)
{
	knat_t_l4_matrix(test, KNAT_T_COMPLETE);
}

/* UDP checksum 0 means "none" (RFC 768): it must stay 0. */
static void knat_manip_udp_zero(struct kunit *test)
{
	struct knat_t_pkt d = knat_t_udp;
	unsigned int r, paged;

	d.no_udp_csum = true;
	for (r = 0; r < ARRAY_SIZE(knat_t_rewrites); r++) {
		for (paged = 0; paged < 2; paged++) {
			const struct knat_t_rewrite *rw = &knat_t_rewrites[r];
			struct sk_buff *skb;

			d.paged = paged;
			skb = knat_t_skb(test, &d, NULL);
			KUNIT_ASSERT_EQ(test, (__force u16)*knat_t_l4sum(skb, 0),
					0);
			knat_t_apply(skb, 0, sizeof(struct udphdr), false, rw);
			knat_t_expect_rewritten(test, skb, 0, &d, rw,
						"udp, no checksum");
			KUNIT_EXPECT_EQ(test, (__force u16)*knat_t_l4sum(skb, 0),
					0);
			knat_t_expect_sum(test, ip_hdr(skb)->check,
					  knat_t_fresh_ip(skb, 0),
					  "IP checksum", "udp, no checksum");
			knat_t_free(test, skb);
		}
	}
}

/*
 * The same with CHECKSUM_COMPLETE: the port changes with no checksum to
 * compensate, so skb->csum has to follow it (manip.c's own rule).
 */
static void knat_manip_udp_zero_complete(struct kunit *test)
{
	struct knat_t_pkt d = knat_t_udp;
	unsigned int r;

	d.no_udp_csum = true;
	for (r = 0; r < ARRAY_SIZE(knat_t_rewrites); r++) {
		const struct knat_t_rewrite *rw = &knat_t_rewrites[r];
		const char *ctx = rw->type == KNAT_MANIP_SRC ? "src" : "dst";
		struct sk_buff *skb = knat_t_skb(test, &d, NULL);

		knat_t_complete(skb);
		knat_t_apply(skb, 0, sizeof(struct udphdr), false, rw);
		knat_t_expect_rewritten(test, skb, 0, &d, rw, ctx);
		KUNIT_EXPECT_EQ(test, (__force u16)*knat_t_l4sum(skb, 0), 0);
		knat_t_expect_sum(test, csum_fold(skb->csum),
				  knat_t_fold_all(skb), "skb->csum", ctx);
		knat_t_free(test, skb);
	}
}

static int knat_manip_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct knat_manip_fixture),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void knat_manip_test_exit(struct kunit *test)
{
	struct knat_manip_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < KNAT_T_NSKBS; i++)
		kfree_skb(fx->skb[i]);
}

static struct kunit_case knat_manip_cases[] = {
	KUNIT_CASE(knat_manip_csum_none),
	KUNIT_CASE(knat_manip_csum_partial),
	KUNIT_CASE(knat_manip_csum_complete),
	KUNIT_CASE(knat_manip_udp_zero),
	KUNIT_CASE(knat_manip_udp_zero_complete),
	{}
};

static struct kunit_suite knat_manip_suite = {
	.name = "knat_manip",
	.init = knat_manip_test_init,
	.exit = knat_manip_test_exit,
	.test_cases = knat_manip_cases,
};

kunit_test_suite(knat_manip_suite);
