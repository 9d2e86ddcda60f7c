// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ICMP errors about translated flows, translated by icmp.c: from
 * routers on either side of an SNAT or a DNAT, and about a ping.
 * Included from nat.c right after nat_test.c, whose fixture it uses.
 *
 * An error that comes out translated must be byte for byte the error that
 * would have been sent had the translated packet been the one on the wire.
 */

/* DNAT: 198.51.100.9:5555 -> 203.0.113.1:8080 goes to 10.0.2.2:80. */
static void knat_it_dnat_tcp(struct kunit *test)
{
	struct knat_tuple o = knat_it_tuple(KNAT_IT_PEER, 5555,
					    KNAT_IT_PUBLIC, 8080,
					    IPPROTO_TCP);
	struct knat_tuple r = knat_it_tuple(KNAT_IT_BACKEND, 80, KNAT_IT_PEER,
					    5555, IPPROTO_TCP);

	knat_it_flow(test, &o, &r, KNAT_FLOW_KIND_FORWARD);
}

/* Every checksum of @skb, an ICMP error quoting a whole packet, is right. */
static void knat_it_expect_csums(struct kunit *test, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct iphdr *in = (struct iphdr *)(skb->data + KNAT_IT_INNER);
	unsigned int ilen = ntohs(in->tot_len) - in->ihl * 4;
	const u8 *il4 = (const u8 *)in + in->ihl * 4;
	__wsum csum = csum_partial(il4, ilen, 0);
	__sum16 sum;

	KUNIT_EXPECT_EQ_MSG(test, (__force u16)ip_fast_csum(iph, iph->ihl), 0,
			    "outer IP checksum");
	sum = csum_fold(skb_checksum(skb, skb_transport_offset(skb),
				     skb->len - skb_transport_offset(skb), 0));
	KUNIT_EXPECT_EQ_MSG(test, (__force u16)sum, 0, "ICMP checksum");
	KUNIT_EXPECT_EQ_MSG(test, (__force u16)ip_fast_csum(in, in->ihl), 0,
			    "quoted IP checksum");
	if (in->protocol == IPPROTO_ICMP)
		sum = csum_fold(csum);
	else
		sum = csum_tcpudp_magic(in->saddr, in->daddr, ilen,
					in->protocol, csum);
	KUNIT_EXPECT_EQ_MSG(test, (__force u16)sum, 0,
			    "quoted L4 checksum (proto %u)", in->protocol);
}

/* An error translation: what arrives, what must leave. */
struct knat_it_case {
	struct knat_it_pkt err, quote;
	struct knat_it_pkt want_err, want_quote;
	u8 cb_state;		/* the entry half's note */
};

static void knat_it_translate(struct kunit *test, const struct knat_it_case *c)
{
	struct sk_buff *skb = knat_it_skb(test, &c->err, &c->quote);
	struct sk_buff *want = knat_it_skb(test, &c->want_err, &c->want_quote);
	__be32 rest = icmp_hdr(skb)->un.gateway;
	struct knat_stats sum;

	KUNIT_ASSERT_EQ(test, knat_it_entry(test, skb), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, KNAT_CB(skb)->state, c->cb_state);
	KUNIT_ASSERT_EQ(test, knat_it_exit(test, skb), NF_ACCEPT);

	KUNIT_ASSERT_EQ(test, skb->len, want->len);
	KUNIT_EXPECT_EQ(test, knat_it_saddr(skb), c->want_err.src);
	KUNIT_EXPECT_EQ(test, knat_it_daddr(skb), c->want_err.dst);
	KUNIT_EXPECT_EQ(test, icmp_hdr(skb)->un.gateway, rest);
	knat_it_expect_csums(test, skb);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(skb->data, want->data, skb->len), 0,
			    "not the error the translated packet would get");

	knat_it_stats(test, &sum);
	KUNIT_EXPECT_EQ(test, sum.cnt[KNAT_CNT_ICMP_ERR_TRANSLATED], 1ULL);
	KUNIT_EXPECT_EQ(test, sum.cnt[KNAT_CNT_ICMP_ERR_UNKNOWN], 0ULL);
	KUNIT_EXPECT_EQ(test, knat_it_drops(&sum), 0ULL);
	knat_it_free(test, skb);
	knat_it_free(test, want);
}

/*
 * (a) A router on the way to the peer: time exceeded, to the outside
 * address, about what left it.  The client must see it, about the packet
 * it sent; the router's address stays.
 */
static void knat_icmp_snat_time_exceeded(struct kunit *test)
{
	static const struct knat_it_case c = {
		.err = {
			.proto = IPPROTO_ICMP, .type = ICMP_TIME_EXCEEDED,
			.rest = 0x5a5a0000,	/* unused, but kept */
			.src = KNAT_IT_ROUTER, .dst = KNAT_IT_PUBLIC,
		},
		.quote = {
			.proto = IPPROTO_UDP, .src = KNAT_IT_PUBLIC,
			.sport = 1024, .dst = KNAT_IT_PEER, .dport = 53,
			.paylen = 29,
		},
		.want_err = {
			.proto = IPPROTO_ICMP, .type = ICMP_TIME_EXCEEDED,
			.rest = 0x5a5a0000,
			.src = KNAT_IT_ROUTER, .dst = KNAT_IT_CLIENT,
		},
		.want_quote = {
			.proto = IPPROTO_UDP, .src = KNAT_IT_CLIENT,
			.sport = 40000, .dst = KNAT_IT_PEER, .dport = 53,
			.paylen = 29,
		},
		.cb_state = KNAT_CB_DONE,
	};

	knat_it_snat_udp(test);
	knat_it_translate(test, &c);
}

/*
 * (b) A router between us and the backend: fragmentation needed, to the
 * client, about what we forwarded.  It must come from our public address
 * (never show the inside one) and quote what the client sent, with the
 * MTU intact.
 */
static void knat_icmp_dnat_frag_needed(struct kunit *test)
{
	static const struct knat_it_case c = {
		.err = {
			.proto = IPPROTO_ICMP, .type = ICMP_DEST_UNREACH,
			.code = ICMP_FRAG_NEEDED, .rest = 1280,
			.src = KNAT_IT_BACKEND_GW, .dst = KNAT_IT_PEER,
		},
		.quote = {
			.proto = IPPROTO_TCP, .src = KNAT_IT_PEER,
			.sport = 5555, .dst = KNAT_IT_BACKEND, .dport = 80,
			.paylen = 12,
		},
		.want_err = {
			.proto = IPPROTO_ICMP, .type = ICMP_DEST_UNREACH,
			.code = ICMP_FRAG_NEEDED, .rest = 1280,
			.src = KNAT_IT_PUBLIC, .dst = KNAT_IT_PEER,
		},
		.want_quote = {
			.proto = IPPROTO_TCP, .src = KNAT_IT_PEER,
			.sport = 5555, .dst = KNAT_IT_PUBLIC, .dport = 8080,
			.paylen = 12,
		},
		.cb_state = KNAT_CB_SRC,
	};

	knat_it_dnat_tcp(test);
	knat_it_translate(test, &c);
}

/*
 * The same from the inside of an SNAT: the client's router cannot deliver
 * an answer.  The peer must see our public address, on both levels.
 */
static void knat_icmp_snat_inside_error(struct kunit *test)
{
	static const struct knat_it_case c = {
		.err = {
			.proto = IPPROTO_ICMP, .type = ICMP_DEST_UNREACH,
			.code = ICMP_HOST_UNREACH,
			.src = KNAT_IT_CLIENT_GW, .dst = KNAT_IT_PEER,
		},
		.quote = {
			.proto = IPPROTO_UDP, .src = KNAT_IT_PEER,
			.sport = 53, .dst = KNAT_IT_CLIENT, .dport = 40000,
			.paylen = 100,
		},
		.want_err = {
			.proto = IPPROTO_ICMP, .type = ICMP_DEST_UNREACH,
			.code = ICMP_HOST_UNREACH,
			.src = KNAT_IT_PUBLIC, .dst = KNAT_IT_PEER,
		},
		.want_quote = {
			.proto = IPPROTO_UDP, .src = KNAT_IT_PEER,
			.sport = 53, .dst = KNAT_IT_PUBLIC, .dport = 1024,
			.paylen = 100,
		},
		.cb_state = KNAT_CB_SRC,
	};

	knat_it_snat_udp(test);
	knat_it_translate(test, &c);
}

/* An error about a ping: the quoted identifier is translated too. */
static void knat_icmp_echo_error(struct kunit *test)
{
	static const struct knat_it_case c = {
		.err = {
			.proto = IPPROTO_ICMP, .type = ICMP_DEST_UNREACH,
			.code = ICMP_HOST_UNREACH,
			.src = KNAT_IT_ROUTER, .dst = KNAT_IT_PUBLIC,
		},
		.quote = {
			.proto = IPPROTO_ICMP, .type = ICMP_ECHO,
			.src = KNAT_IT_PUBLIC, .dst = KNAT_IT_PEER,
			.sport = 1024, .paylen = 56,
		},
		.want_err = {
			.proto = IPPROTO_ICMP, .type = ICMP_DEST_UNREACH,
			.code = ICMP_HOST_UNREACH,
			.src = KNAT_IT_ROUTER, .dst = KNAT_IT_CLIENT,
		},
		.want_quote = {
			.proto = IPPROTO_ICMP, .type = ICMP_ECHO,
			.src = KNAT_IT_CLIENT, .dst = KNAT_IT_PEER,
			.sport = 77, .paylen = 56,
		},
		.cb_state = KNAT_CB_DONE,
	};

	knat_it_snat_echo(test);
	knat_it_translate(test, &c);
}

static struct kunit_case knat_icmp_translate_cases[] = {
	KUNIT_CASE(knat_icmp_snat_time_exceeded),
	KUNIT_CASE(knat_icmp_dnat_frag_needed),
	KUNIT_CASE(knat_icmp_snat_inside_error),
	KUNIT_CASE(knat_icmp_echo_error),
	{}
};

static struct kunit_suite knat_icmp_translate_suite = {
	.name = "knat_icmp_translate",
	.init = knat_icmp_test_init,
	.exit = knat_icmp_test_exit,
	.test_cases = knat_icmp_translate_cases,
};

kunit_test_suite(knat_icmp_translate_suite);
