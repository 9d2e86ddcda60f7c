// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ICMP (icmp.c) against the flows it may belong to: errors
 * quoting no flow, errors sent to the wrong host, echo replies told from
 * requests.  Included from nat.c; the errors translated are in
 * nat_icmp_translate_test.c, included right after this file and sharing
 * its fixture.
 *
 * Each error runs through both halves as a forwarded packet would: the
 * entry half as at PRE_ROUTING, which leaves its note in skb->cb, then the
 * exit half as at POST_ROUTING, which acts on that note.  The namespace is
 * a fake knat_net holding real flows.
 */

#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#define KNAT_IT_HEADROOM	64
#define KNAT_IT_NSKBS		4
#define KNAT_IT_INNER		(sizeof(struct iphdr) + sizeof(struct icmphdr))

#define KNAT_IT_CLIENT		0x0a000102	/* 10.0.1.2 */
#define KNAT_IT_CLIENT_GW	0x0a0001fe	/* 10.0.1.254 */
#define KNAT_IT_BACKEND		0x0a000202	/* 10.0.2.2 */
#define KNAT_IT_BACKEND_GW	0x0a0002fe	/* 10.0.2.254 */
#define KNAT_IT_PEER		0xc6336409	/* 198.51.100.9 */
#define KNAT_IT_ROUTER		0xc0000207	/* 192.0.2.7 */
#define KNAT_IT_PUBLIC		0xcb007101	/* 203.0.113.1 */

struct knat_icmp_fixture {
	struct knat_net kn;
	struct net_device *out;		/* for the exit's SNAT rule lookup */
	struct sk_buff *skb[KNAT_IT_NSKBS];
};

/* One IPv4 packet. */
struct knat_it_pkt {
	u8 proto;
	u8 type, code;		/* ICMP */
	u32 rest;		/* ICMP error: bytes 4-7 */
	u32 src, dst;
	u16 sport, dport;	/* ICMP echo: sport is the identifier */
	unsigned int paylen;
};

static unsigned int knat_it_hlen(u8 proto)
{
	return proto == IPPROTO_TCP ? sizeof(struct tcphdr) : 8;
}

static bool knat_it_echo(const struct knat_it_pkt *d)
{
	return d->type == ICMP_ECHO || d->type == ICMP_ECHOREPLY;
}

/* Headers of @d at @p, with all checksums summed; its payload is there. */
static void knat_it_write(u8 *p, const struct knat_it_pkt *d,
			  unsigned int l4len)
{
	struct iphdr *iph = (struct iphdr *)p;
	u8 *l4 = p + sizeof(*iph);
	__wsum csum;

	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + l4len);
	iph->id = htons(0x1c46);
	iph->ttl = 61;
	iph->protocol = d->proto;
	iph->saddr = htonl(d->src);
	iph->daddr = htonl(d->dst);
	iph->check = ip_fast_csum(iph, iph->ihl);

	switch (d->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->source = htons(d->sport);
		th->dest = htons(d->dport);
		th->seq = htonl(0x6b8b4567);
		th->doff = sizeof(*th) / 4;
		th->syn = 1;
		th->window = htons(64240);
		csum = csum_partial(th, l4len, 0);
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, l4len,
					      IPPROTO_TCP, csum);
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = (struct udphdr *)l4;

		uh->source = htons(d->sport);
		uh->dest = htons(d->dport);
		uh->len = htons(l4len);
		csum = csum_partial(uh, l4len, 0);
		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, l4len,
					      IPPROTO_UDP, csum) ?:
			    CSUM_MANGLED_0;
		break;
	}
	case IPPROTO_ICMP: {
		struct icmphdr *ih = (struct icmphdr *)l4;

		ih->type = d->type;
		ih->code = d->code;
		if (knat_it_echo(d)) {
			ih->un.echo.id = htons(d->sport);
			ih->un.echo.sequence = htons(3);
		} else {
			ih->un.gateway = htonl(d->rest);
		}
		ih->checksum = csum_fold(csum_partial(ih, l4len, 0));
		break;
	}
	}
}

/* @d, or with @quote the ICMP error @d quoting all of @quote. */
static struct sk_buff *knat_it_skb(struct kunit *test,
				   const struct knat_it_pkt *d,
				   const struct knat_it_pkt *quote)
{
	struct knat_icmp_fixture *fx = test->priv;
	unsigned int l4len, qlen = 0, slot, i;
	struct sk_buff *skb;
	u8 *p, *pay;

	if (quote)
		qlen = sizeof(struct iphdr) + knat_it_hlen(quote->proto) +
		       quote->paylen;
	l4len = knat_it_hlen(d->proto) + (quote ? qlen : d->paylen);

	for (slot = 0; slot < KNAT_IT_NSKBS && fx->skb[slot]; slot++)
		;
	KUNIT_ASSERT_LT(test, slot, (unsigned int)KNAT_IT_NSKBS);
	skb = alloc_skb(KNAT_IT_HEADROOM + sizeof(struct iphdr) + l4len,
			GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	fx->skb[slot] = skb;
	skb_reserve(skb, KNAT_IT_HEADROOM);
	p = skb_put_zero(skb, sizeof(struct iphdr) + l4len);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(struct iphdr));
	skb->protocol = htons(ETH_P_IP);

	if (quote) {
		pay = p + KNAT_IT_INNER + sizeof(struct iphdr) +
		      knat_it_hlen(quote->proto);
		for (i = 0; i < quote->paylen; i++)
			pay[i] = 'a' + i % 26;
		knat_it_write(p + KNAT_IT_INNER, quote, qlen -
			      sizeof(struct iphdr));
	} else {
		pay = p + sizeof(struct iphdr) + knat_it_hlen(d->proto);
		for (i = 0; i < d->paylen; i++)
			pay[i] = 'A' + i % 26;
	}
	knat_it_write(p, d, l4len);
	return skb;
}

static void knat_it_free(struct kunit *test, struct sk_buff *skb)
{
	struct knat_icmp_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < KNAT_IT_NSKBS; i++)
		if (fx->skb[i] == skb)
			fx->skb[i] = NULL;
	kfree_skb(skb);
}

static struct knat_flow *knat_it_flow(struct kunit *test,
				      const struct knat_tuple *orig,
				      const struct knat_tuple *reply, u8 kind)
{
	struct knat_icmp_fixture *fx = test->priv;
	struct knat_flow *f;

	f = knat_flow_alloc(&fx->kn, orig, reply, kind, NULL, 60 * HZ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, knat_flow_add(&fx->kn, f), 0);
	return f;
}

static struct knat_tuple knat_it_tuple(u32 src, u16 sport, u32 dst,
				       u16 dport, u8 proto)
{
	return (struct knat_tuple) {
		.src = htonl(src), .dst = htonl(dst),
		.sport = htons(sport), .dport = htons(dport), .proto = proto,
	};
}

/* SNAT: 10.0.1.2:40000 -> 198.51.100.9:53 leaves as 203.0.113.1:1024. */
static void knat_it_snat_udp(struct kunit *test)
{
	struct knat_tuple o = knat_it_tuple(KNAT_IT_CLIENT, 40000,
					    KNAT_IT_PEER, 53, IPPROTO_UDP);
	struct knat_tuple r = knat_it_tuple(KNAT_IT_PEER, 53, KNAT_IT_PUBLIC,
					    1024, IPPROTO_UDP);

	knat_it_flow(test, &o, &r, KNAT_FLOW_KIND_SNAT);
}

/* SNAT of a ping: 10.0.1.2 id 77 leaves as 203.0.113.1 id 1024. */
static struct knat_flow *knat_it_snat_echo(struct kunit *test)
{
	struct knat_tuple o = knat_it_tuple(KNAT_IT_CLIENT, 77, KNAT_IT_PEER,
					    77, IPPROTO_ICMP);
	struct knat_tuple r = knat_it_tuple(KNAT_IT_PEER, 1024,
					    KNAT_IT_PUBLIC, 1024,
					    KNAT_PROTO_ICMP_REPLY);

	return knat_it_flow(test, &o, &r, KNAT_FLOW_KIND_SNAT);
}

/*
 * knat_nat_entry() and knat_nat_exit() find their namespace with
 * knat_net(state->net); these two do what those do with an ICMP error,
 * on the fake namespace.  Hooks run under rcu_read_lock(), and so do
 * these (no assertion may abort the test inside it).
 */
static unsigned int knat_it_entry(struct kunit *test, struct sk_buff *skb)
{
	struct knat_icmp_fixture *fx = test->priv;
	const struct nf_hook_state st = {
		.hook = NF_INET_PRE_ROUTING, .pf = NFPROTO_IPV4,
		.net = &init_net,
	};
	unsigned int verdict;
	struct knat_pkt p;

	knat_note(skb, KNAT_CB_MISS, NULL);
	KNAT_CB(skb)->flags = 0;
	KUNIT_ASSERT_EQ(test, knat_parse(skb, &p), KNAT_PARSE_OK);
	KUNIT_ASSERT_TRUE(test, p.icmp_err);
	rcu_read_lock();
	verdict = knat_icmp_error(&fx->kn, skb, &p, true, &st);
	rcu_read_unlock();
	return verdict;
}

static unsigned int knat_it_exit(struct kunit *test, struct sk_buff *skb)
{
	struct knat_icmp_fixture *fx = test->priv;
	const struct nf_hook_state st = {
		.hook = NF_INET_POST_ROUTING, .pf = NFPROTO_IPV4,
		.net = &init_net, .out = fx->out,
	};
	unsigned int verdict = NF_ACCEPT;

	KUNIT_ASSERT_TRUE(test, knat_noted(skb));
	rcu_read_lock();
	switch (KNAT_CB(skb)->state) {
	case KNAT_CB_SRC:
		/* knat_parse(), then knat_icmp_error()'s exit half. */
		verdict = knat_src_flow(&fx->kn, skb, &st);
		break;
	case KNAT_CB_MISS:
		verdict = knat_snat_new(&fx->kn, skb, &st);
		break;
	}
	rcu_read_unlock();
	return verdict;
}

/* Host order, so that a failed expectation prints plain numbers. */
static u32 knat_it_saddr(const struct sk_buff *skb)
{
	return ntohl(ip_hdr(skb)->saddr);
}

static u32 knat_it_daddr(const struct sk_buff *skb)
{
	return ntohl(ip_hdr(skb)->daddr);
}

static u16 knat_it_echo_id(const struct sk_buff *skb)
{
	return ntohs(icmp_hdr(skb)->un.echo.id);
}

static void knat_it_stats(struct kunit *test, struct knat_stats *sum)
{
	struct knat_icmp_fixture *fx = test->priv;

	knat_stats_sum(&fx->kn, sum);
}

static u64 knat_it_drops(const struct knat_stats *sum)
{
	u64 n = 0;
	int i;

	for (i = 0; i < __KNAT_DROP_MAX; i++)
		n += sum->drop[i];
	return n;
}

/* Through both halves untouched, counted as unknown. */
static void knat_it_passes(struct kunit *test, const struct knat_it_pkt *err,
			   const struct knat_it_pkt *quote)
{
	struct sk_buff *skb = knat_it_skb(test, err, quote);
	struct sk_buff *copy = knat_it_skb(test, err, quote);

	KUNIT_EXPECT_EQ(test, knat_it_entry(test, skb), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, KNAT_CB(skb)->state, KNAT_CB_MISS);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, copy->data, skb->len), 0);
	KUNIT_EXPECT_EQ(test, knat_it_exit(test, skb), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, copy->data, skb->len), 0);
	knat_it_free(test, skb);
	knat_it_free(test, copy);
}

/* (c) An error quoting no flow's packet is none of knat's business. */
static void knat_icmp_unknown(struct kunit *test)
{
	static const struct knat_it_pkt err = {
		.proto = IPPROTO_ICMP, .type = ICMP_TIME_EXCEEDED,
		.src = KNAT_IT_ROUTER, .dst = KNAT_IT_PUBLIC,
	};
	/* Next to the flow's own: the port, then the protocol, differ. */
	static const struct knat_it_pkt quotes[] = {
		{ .proto = IPPROTO_UDP, .src = KNAT_IT_PUBLIC, .sport = 1025,
		  .dst = KNAT_IT_PEER, .dport = 53, .paylen = 8 },
		{ .proto = IPPROTO_TCP, .src = KNAT_IT_PUBLIC, .sport = 1024,
		  .dst = KNAT_IT_PEER, .dport = 53 },
	};
	struct knat_stats sum;
	unsigned int i;

	knat_it_snat_udp(test);
	for (i = 0; i < ARRAY_SIZE(quotes); i++)
		knat_it_passes(test, &err, &quotes[i]);

	knat_it_stats(test, &sum);
	KUNIT_EXPECT_EQ(test, sum.cnt[KNAT_CNT_ICMP_ERR_UNKNOWN],
			(u64)ARRAY_SIZE(quotes));
	KUNIT_EXPECT_EQ(test, sum.cnt[KNAT_CNT_ICMP_ERR_TRANSLATED], 0ULL);
	KUNIT_EXPECT_EQ(test, knat_it_drops(&sum), 0ULL);
}

/*
 * (d) An error about a known flow sent to anyone but the quoted packet's
 * source is forged (or misrouted): dropped, counted once.
 */
static void knat_icmp_unrelated(struct kunit *test)
{
	static const struct knat_it_pkt err = {
		.proto = IPPROTO_ICMP, .type = ICMP_DEST_UNREACH,
		.code = ICMP_PORT_UNREACH,
		.src = KNAT_IT_ROUTER, .dst = KNAT_IT_PUBLIC + 1,
	};
	static const struct knat_it_pkt quote = {
		.proto = IPPROTO_UDP, .src = KNAT_IT_PUBLIC, .sport = 1024,
		.dst = KNAT_IT_PEER, .dport = 53, .paylen = 8,
	};
	struct sk_buff *skb, *copy;
	struct knat_stats sum;

	knat_it_snat_udp(test);
	skb = knat_it_skb(test, &err, &quote);
	copy = knat_it_skb(test, &err, &quote);
	KUNIT_EXPECT_EQ(test, knat_it_entry(test, skb), NF_DROP);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, copy->data, skb->len), 0);

	knat_it_stats(test, &sum);
	KUNIT_EXPECT_EQ(test, sum.drop[KNAT_DROP_ICMP_UNRELATED], 1ULL);
	KUNIT_EXPECT_EQ(test, knat_it_drops(&sum), 1ULL);
	KUNIT_EXPECT_EQ(test, sum.cnt[KNAT_CNT_ICMP_ERR_TRANSLATED], 0ULL);
	KUNIT_EXPECT_EQ(test, sum.cnt[KNAT_CNT_ICMP_ERR_UNKNOWN], 0ULL);
	knat_it_free(test, skb);
	knat_it_free(test, copy);
}

/*
 * (e) Echo replies and requests are told apart: the answer to our ping
 * finds the flow, a request from outside with the same identifier finds
 * nothing (it must not reach the inside host).
 */
static void knat_icmp_echo_mapping(struct kunit *test)
{
	struct knat_icmp_fixture *fx = test->priv;
	struct knat_it_pkt echo = {
		.proto = IPPROTO_ICMP, .type = ICMP_ECHOREPLY,
		.src = KNAT_IT_PEER, .dst = KNAT_IT_PUBLIC, .sport = 1024,
		.paylen = 56,
	};
	const struct nf_hook_state st = {
		.hook = NF_INET_PRE_ROUTING, .pf = NFPROTO_IPV4,
		.net = &init_net,
	};
	struct knat_flow_half *h;
	struct knat_flow *f;
	struct sk_buff *skb;
	unsigned int verdict;
	struct knat_pkt p;

	f = knat_it_snat_echo(test);

	skb = knat_it_skb(test, &echo, NULL);
	KUNIT_ASSERT_EQ(test, knat_parse(skb, &p), KNAT_PARSE_OK);
	KUNIT_EXPECT_FALSE(test, p.icmp_err);
	KUNIT_EXPECT_EQ(test, p.t.proto, KNAT_PROTO_ICMP_REPLY);
	rcu_read_lock();
	h = knat_flow_find(&fx->kn, &p.t);
	rcu_read_unlock();
	KUNIT_ASSERT_PTR_EQ(test, h, &f->h[KNAT_DIR_REPLY]);

	/* And it goes in as the answer to 10.0.1.2's ping 77. */
	knat_note(skb, KNAT_CB_MISS, NULL);
	rcu_read_lock();
	verdict = knat_flow_packet(&fx->kn, f, KNAT_DIR_REPLY, skb, &p, &st,
				   false);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, verdict, NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, KNAT_CB(skb)->state, KNAT_CB_DONE);
	KUNIT_EXPECT_EQ(test, knat_it_daddr(skb), KNAT_IT_CLIENT);
	KUNIT_EXPECT_EQ(test, knat_it_saddr(skb), KNAT_IT_PEER);
	KUNIT_EXPECT_EQ(test, knat_it_echo_id(skb), 77);
	KUNIT_EXPECT_EQ(test, (__force u16)ip_fast_csum(ip_hdr(skb), 5), 0);
	KUNIT_EXPECT_EQ(test, (__force u16)csum_fold(skb_checksum(skb, 20,
								  skb->len - 20,
								  0)), 0);
	knat_it_free(test, skb);

	echo.type = ICMP_ECHO;
	skb = knat_it_skb(test, &echo, NULL);
	KUNIT_ASSERT_EQ(test, knat_parse(skb, &p), KNAT_PARSE_OK);
	KUNIT_EXPECT_EQ(test, p.t.proto, IPPROTO_ICMP);
	KUNIT_EXPECT_EQ(test, p.t.sport, htons(1024));
	rcu_read_lock();
	h = knat_flow_find(&fx->kn, &p.t);
	rcu_read_unlock();
	KUNIT_EXPECT_NULL(test, h);
	knat_it_free(test, skb);
}

static int knat_icmp_test_init(struct kunit *test)
{
	struct knat_icmp_fixture *fx;
	struct knat_net *kn;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return -ENOMEM;
	fx->out = kunit_kzalloc(test, sizeof(*fx->out), GFP_KERNEL);
	if (!fx->out)
		return -ENOMEM;
	fx->out->ifindex = 2;
	kn = &fx->kn;
	kn->net = &init_net;
	kn->max_flows = 1000;
	RCU_INIT_POINTER(kn->forwards, NULL);
	RCU_INIT_POINTER(kn->snats, NULL);
	if (knat_stats_net_init(kn))
		return -ENOMEM;
	mutex_init(&kn->lock);
	if (knat_flow_net_init(kn)) {
		knat_stats_net_exit(kn);
		return -ENOMEM;
	}
	if (knat_ftab_test_max_flows(kn, kn->max_flows)) {
		knat_flow_net_exit(kn);
		knat_stats_net_exit(kn);
		return -ENOMEM;
	}
	test->priv = fx;
	return 0;
}

static void knat_icmp_test_exit(struct kunit *test)
{
	struct knat_icmp_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < KNAT_IT_NSKBS; i++)
		kfree_skb(fx->skb[i]);
	knat_flow_net_exit(&fx->kn);
	knat_stats_net_exit(&fx->kn);
}

static struct kunit_case knat_icmp_cases[] = {
	KUNIT_CASE(knat_icmp_unknown),
	KUNIT_CASE(knat_icmp_unrelated),
	KUNIT_CASE(knat_icmp_echo_mapping),
	{}
};

static struct kunit_suite knat_icmp_suite = {
	.name = "knat_icmp",
	.init = knat_icmp_test_init,
	.exit = knat_icmp_test_exit,
	.test_cases = knat_icmp_cases,
};

kunit_test_suite(knat_icmp_suite);
