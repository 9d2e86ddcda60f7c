// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: rewriting ICMP: echo identifiers, the rest of an error header,
 * packets quoted in errors (whole or cut short), and knat_icmp_csum().
 * Included from manip.c right after manip_test.c, whose packet builder
 * and checksum checks it uses.
 */

#define KNAT_T_ICMP_ERR_HLEN	(sizeof(struct iphdr) + sizeof(struct icmphdr))

static void knat_t_expect_ip_l4(struct kunit *test, struct sk_buff *skb,
				unsigned int nhoff, const char *ctx)
{
	struct iphdr *iph = (struct iphdr *)(skb->data + nhoff);

	knat_t_expect_sum(test, iph->check, knat_t_fresh_ip(skb, nhoff),
			  "IP checksum", ctx);
	knat_t_expect_sum(test, *knat_t_l4sum(skb, nhoff),
			  knat_t_fresh_l4(skb, nhoff), "L4 checksum", ctx);
}

static void knat_t_partial_icmp(struct kunit *test, struct sk_buff *skb)
{
	KUNIT_ASSERT_TRUE(test,
			  skb_partial_csum_set(skb, sizeof(struct iphdr),
					       offsetof(struct icmphdr,
							checksum)));
}

/* Echo request and reply: the identifier follows, the checksum with it. */
static void knat_manip_icmp_echo(struct kunit *test)
{
	static const u8 types[] = { ICMP_ECHO, ICMP_ECHOREPLY };
	struct knat_t_pkt d = knat_t_echo;
	struct icmphdr *ih, before;
	struct sk_buff *skb;
	unsigned int t, r;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		for (r = 0; r < ARRAY_SIZE(knat_t_rewrites); r++) {
			d.icmp_type = types[t];
			skb = knat_t_skb(test, &d, NULL);
			ih = icmp_hdr(skb);
			knat_t_apply(skb, 0, sizeof(*ih), false,
				     &knat_t_rewrites[r]);
			knat_t_expect_rewritten(test, skb, 0, &d,
						&knat_t_rewrites[r], "echo");
			KUNIT_EXPECT_EQ(test, ih->type, types[t]);
			KUNIT_EXPECT_EQ(test, ih->un.echo.sequence, htons(7));
			knat_t_expect_ip_l4(test, skb, 0, "echo");
			knat_t_free(test, skb);
		}
	}

	/* Same identifier: the ICMP header is left as it was. */
	d.icmp_type = ICMP_ECHO;
	skb = knat_t_skb(test, &d, NULL);
	before = *icmp_hdr(skb);
	knat_manip(skb, 0, sizeof(before), false, KNAT_MANIP_SRC,
		   htonl(KNAT_T_PUBLIC), htons(d.sport));
	KUNIT_EXPECT_EQ(test, memcmp(icmp_hdr(skb), &before, sizeof(before)),
			0);
	knat_t_expect_ip_l4(test, skb, 0, "echo, same id");
	knat_t_free(test, skb);
}

/* Other ICMP has no identifier: bytes 4-7 (here the MTU) stay. */
static void knat_manip_icmp_error_rest(struct kunit *test)
{
	static const struct knat_t_pkt d = {
		.proto = IPPROTO_ICMP, .icmp_type = ICMP_DEST_UNREACH,
		.icmp_code = ICMP_FRAG_NEEDED, .src = KNAT_T_PEER,
		.dst = KNAT_T_CLIENT, .paylen = 28,
	};
	unsigned int r;

	for (r = 0; r < ARRAY_SIZE(knat_t_rewrites); r++) {
		const struct knat_t_rewrite *rw = &knat_t_rewrites[r];
		struct sk_buff *skb = knat_t_skb(test, &d, NULL);
		struct icmphdr before = *icmp_hdr(skb);
		struct iphdr *iph = ip_hdr(skb);
		__be32 set;

		knat_t_apply(skb, 0, sizeof(before), false, rw);
		set = rw->type == KNAT_MANIP_SRC ? iph->saddr : iph->daddr;
		KUNIT_EXPECT_EQ(test, set, htonl(rw->addr));
		KUNIT_EXPECT_EQ(test, memcmp(icmp_hdr(skb), &before,
					     sizeof(before)), 0);
		KUNIT_EXPECT_EQ(test, icmp_hdr(skb)->un.frag.mtu, htons(1280));
		knat_t_expect_ip_l4(test, skb, 0, "frag needed");
		knat_t_free(test, skb);
	}
}

/*
 * A packet quoted in an ICMP error: its checksums are plain data, whatever
 * the outer skb->ip_summed says, and the outer ICMP checksum is summed
 * again afterwards.
 */
static void knat_t_inner_one(struct kunit *test, const struct knat_t_pkt *q,
			     const struct knat_t_rewrite *rw,
			     enum knat_t_summed summed)
{
	static const struct knat_t_pkt err = {
		.proto = IPPROTO_ICMP, .icmp_type = ICMP_TIME_EXCEEDED,
		.src = 0xc0000207, .dst = KNAT_T_PUBLIC,	/* 192.0.2.7 */
	};
	const unsigned int in = KNAT_T_ICMP_ERR_HLEN;
	struct sk_buff *skb = knat_t_skb(test, &err, q);
	struct iphdr outer = *ip_hdr(skb);
	u8 summed_before;
	__wsum csum;
	char ctx[48];

	snprintf(ctx, sizeof(ctx), "quoted proto %u, %s, outer %s", q->proto,
		 rw->type == KNAT_MANIP_SRC ? "src" : "dst",
		 knat_t_summed_name[summed]);
	if (summed == KNAT_T_COMPLETE)
		knat_t_complete(skb);
	if (summed == KNAT_T_PARTIAL)
		knat_t_partial_icmp(test, skb);
	summed_before = skb->ip_summed;
	csum = skb->csum;

	knat_t_apply(skb, in, knat_t_hlen(q->proto), true, rw);

	knat_t_expect_rewritten(test, skb, in, q, rw, ctx);
	knat_t_expect_ip_l4(test, skb, in, ctx);
	/* Nothing outside the quote moved, skb state included. */
	KUNIT_EXPECT_EQ_MSG(test, memcmp(ip_hdr(skb), &outer, sizeof(outer)),
			    0, "%s", ctx);
	KUNIT_EXPECT_EQ_MSG(test, (u8)skb->ip_summed, summed_before, "%s", ctx);
	KUNIT_EXPECT_EQ_MSG(test, (__force u32)skb->csum, (__force u32)csum,
			    "%s", ctx);

	knat_icmp_csum(skb, sizeof(outer));
	knat_t_expect_ip_l4(test, skb, 0, ctx);
	if (summed == KNAT_T_COMPLETE)
		knat_t_expect_sum(test, csum_fold(skb->csum),
				  knat_t_fold_all(skb), "skb->csum", ctx);
	knat_t_free(test, skb);
}

static void knat_manip_inner(struct kunit *test)
{
	static const struct knat_t_pkt quoted[] = {
		{ .proto = IPPROTO_UDP, .src = KNAT_T_PUBLIC,
		  .dst = KNAT_T_PEER, .sport = 1024, .dport = 53,
		  .paylen = 12 },
		{ .proto = IPPROTO_TCP, .src = KNAT_T_PUBLIC,
		  .dst = KNAT_T_PEER, .sport = 1024, .dport = 443,
		  .paylen = 9 },
		{ .proto = IPPROTO_ICMP, .icmp_type = ICMP_ECHO,
		  .src = KNAT_T_PUBLIC, .dst = KNAT_T_PEER, .sport = 1024,
		  .paylen = 16 },
	};
	static const struct knat_t_rewrite rws[] = {
		{ KNAT_MANIP_SRC, KNAT_T_CLIENT, 40000 },
		{ KNAT_MANIP_DST, KNAT_T_BACKEND, 80 },
	};
	unsigned int q, r, summed;

	for (q = 0; q < ARRAY_SIZE(quoted); q++)
		for (r = 0; r < ARRAY_SIZE(rws); r++)
			for (summed = KNAT_T_NONE; summed <= KNAT_T_PARTIAL;
			     summed++)
				knat_t_inner_one(test, &quoted[q], &rws[r],
						 summed);
}

/*
 * A quoted TCP header cut before its checksum (an error need quote only
 * 8 bytes): the ports change, the bytes where the checksum would be don't.
 */
static void knat_manip_inner_short_tcp(struct kunit *test)
{
	static const struct knat_t_pkt err = {
		.proto = IPPROTO_ICMP, .icmp_type = ICMP_DEST_UNREACH,
		.icmp_code = ICMP_PORT_UNREACH, .src = KNAT_T_PEER,
		.dst = KNAT_T_PUBLIC,
	};
	static const struct knat_t_pkt seg = {
		.proto = IPPROTO_TCP, .src = KNAT_T_PUBLIC, .dst = KNAT_T_PEER,
		.sport = 1024, .dport = 443,
	};
	static const struct knat_t_rewrite rw = {
		KNAT_MANIP_SRC, KNAT_T_CLIENT, 40000,
	};
	static const unsigned int avail[] = {
		8, offsetof(struct tcphdr, check) + 1,
		offsetofend(struct tcphdr, check),
	};
	const unsigned int in = KNAT_T_ICMP_ERR_HLEN;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(avail); i++) {
		struct sk_buff *skb = knat_t_skb(test, &err, &seg);
		struct tcphdr *th = (struct tcphdr *)(skb->data + in +
						       sizeof(struct iphdr));
		struct tcphdr before = *th;
		char ctx[24];

		snprintf(ctx, sizeof(ctx), "l4avail %u", avail[i]);
		knat_t_apply(skb, in, avail[i], true, &rw);
		knat_t_expect_rewritten(test, skb, in, &seg, &rw, ctx);
		knat_t_expect_sum(test, ((struct iphdr *)(skb->data + in))->check,
				  knat_t_fresh_ip(skb, in), "inner IP checksum",
				  ctx);
		if (avail[i] < offsetofend(struct tcphdr, check))
			KUNIT_EXPECT_EQ_MSG(test, (__force u16)th->check,
					    (__force u16)before.check, "%s",
					    ctx);
		else
			knat_t_expect_sum(test, th->check,
					  knat_t_fresh_l4(skb, in),
					  "inner TCP checksum", ctx);
		/* Past the ports nothing moved but the checksum. */
		th->check = before.check;
		KUNIT_EXPECT_EQ_MSG(test, memcmp((u8 *)th + 4, (u8 *)&before + 4,
						 sizeof(before) - 4), 0, "%s",
				    ctx);
		knat_t_free(test, skb);
	}
}

/* knat_icmp_csum() against a sum from scratch, frags included. */
static void knat_manip_icmp_csum(struct kunit *test)
{
	static const struct knat_t_pkt msgs[] = {
		{ .proto = IPPROTO_ICMP, .icmp_type = ICMP_ECHO,
		  .src = KNAT_T_CLIENT, .dst = KNAT_T_PEER, .sport = 77,
		  .paylen = 1000, .paged = true },
		{ .proto = IPPROTO_ICMP, .icmp_type = ICMP_ECHOREPLY,
		  .src = KNAT_T_PEER, .dst = KNAT_T_CLIENT, .sport = 77,
		  .paylen = 33 },
		{ .proto = IPPROTO_ICMP, .icmp_type = ICMP_TIME_EXCEEDED,
		  .src = KNAT_T_PEER, .dst = KNAT_T_CLIENT, .paylen = 0 },
	};
	static const struct knat_t_pkt quote = {
		.proto = IPPROTO_UDP, .src = KNAT_T_CLIENT, .dst = KNAT_T_PEER,
		.sport = 40000, .dport = 53, .paylen = 3,
	};
	unsigned int i, partial;

	for (i = 0; i < ARRAY_SIZE(msgs); i++) {
		for (partial = 0; partial < 2; partial++) {
			bool err = !knat_t_is_echo(msgs[i].icmp_type);
			struct sk_buff *skb;
			struct icmphdr *ih;
			__sum16 want;

			skb = knat_t_skb(test, &msgs[i], err ? &quote : NULL);
			ih = icmp_hdr(skb);
			want = ih->checksum;
			if (partial)
				knat_t_partial_icmp(test, skb);
			ih->checksum = (__force __sum16)htons(0xdead);
			knat_icmp_csum(skb, sizeof(struct iphdr));
			knat_t_expect_sum(test, ih->checksum, want,
					  "ICMP checksum", "from garbage");
			knat_t_expect_sum(test, ih->checksum,
					  knat_t_fresh_l4(skb, 0),
					  "ICMP checksum", "from garbage");
			KUNIT_EXPECT_EQ(test, (u8)skb->ip_summed, CHECKSUM_NONE);
			knat_t_free(test, skb);
		}
	}
}

static struct kunit_case knat_manip_icmp_cases[] = {
	KUNIT_CASE(knat_manip_icmp_echo),
	KUNIT_CASE(knat_manip_icmp_error_rest),
	KUNIT_CASE(knat_manip_inner),
	KUNIT_CASE(knat_manip_inner_short_tcp),
	KUNIT_CASE(knat_manip_icmp_csum),
	{}
};

static struct kunit_suite knat_manip_icmp_suite = {
	.name = "knat_manip_icmp",
	.init = knat_manip_test_init,
	.exit = knat_manip_test_exit,
	.test_cases = knat_manip_icmp_cases,
};

kunit_test_suite(knat_manip_icmp_suite);
