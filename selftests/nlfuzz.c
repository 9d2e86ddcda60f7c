// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: random generic netlink requests to the knat family, for
 * selftests/nlfuzz.sh.
 *
 *   nlfuzz [-s SECONDS] [-n MAX] [-S SEED] [-q]
 *   nlfuzz -F COUNT
 *   nlfuzz -U COUNT -D ADDR:PORT
 *
 * Until SECONDS pass (default 20) or MAX messages went out, sends one
 * request at a time and reads its whole answer.  A request is a random
 * command (the real ones mostly, some past KNAT_CMD_MAX), a random genl
 * version and reserved field, NLM_F_ACK plus random flags (NLM_F_DUMP on
 * do-commands, CREATE/EXCL/REPLACE...), and a random attribute tree built
 * from the real attribute ids of each nest (and a few past their _MAX):
 * leaves of random length and content (zeros, all-ones, protocol numbers,
 * addresses, random bytes), nests where leaves belong and leaves where
 * nests belong, NLA_F_NESTED / NLA_F_NET_BYTEORDER set at random, attribute
 * lengths that run past their parent, and messages cut inside the genl
 * header or an attribute.  The netlink length always matches what is
 * sent, so the kernel owes every request an answer.
 *
 * Every answer must be an NLMSG_ERROR with 0 or a negative errno, or
 * replies of the knat family ending in NLMSG_DONE or the ACK; an answer
 * that is anything else, or no answer within 10 s (a hang), makes the
 * run fail (exit 1).  Prints the seed first and then one line:
 *   sent=N acks=N errors=N extack=N replies=N dumps=N bad=N hangs=N
 *   errno:EPERM=N errno:EINVAL=N ...
 *
 * -F COUNT (failslab, for faults.sh): COUNT times a service add (udp
 * 192.0.2.(20+i):53, maglev) and a backend add (10.0.1.2:5353) sent with
 * this process's kernel allocations failing at random (make-it-fail; the
 * caller sets up /sys/kernel/debug/failslab with task-filter).  The flag
 * is up only around send(), which runs the request to its end in this
 * task, and everything is faulted in and locked first: a page fault or an
 * exec under failslab goes to the 9p root, whose client does not survive
 * failed allocations.  Every answer must be an ACK, an errno, or lost
 * (ENOBUFS: the kernel could not allocate the answer).
 *
 * -U COUNT -D ADDR:PORT (failslab on flows, for faults.sh): COUNT UDP
 * datagrams to ADDR:PORT, each from a port of its own, with this
 * process's allocations failing as above around each sendto(): through
 * a forward at LOCAL_OUT each makes a flow in this task's context, where
 * task-filter applies (a packet's softirq is no task).  Prints
 * "udp: sent=N failed=N".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "uapi/linux/knat.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng;

/* xorshift64*: seeded, so a failing run can be repeated. */
static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/* The largest attribute id of the nest each attribute type opens. */
static int nest_max(int depth, int type)
{
	if (depth == 0) {
		switch (type) {
		case KNAT_A_CONFIG: return KNAT_CFG_A_MAX;
		case KNAT_A_FORWARD: return KNAT_FWD_A_MAX;
		case KNAT_A_SNAT: return KNAT_SNAT_A_MAX;
		case KNAT_A_FLOW: return KNAT_FLOW_A_MAX;
		case KNAT_A_STATS: return KNAT_STATS_A_MAX;
		case KNAT_A_SERVICE: return KNAT_SVC_A_MAX;
		case KNAT_A_BACKEND: return KNAT_BE_A_MAX;
		case KNAT_A_EVENT: return KNAT_EV_A_MAX;
		case KNAT_A_EXPLAIN: return KNAT_EXP_A_MAX;
		}
		return -1;
	}
	/* Deeper: tuples, timeouts, rates, stats nests; near enough. */
	return below(3) ? KNAT_TUPLE_A_MAX : __KNAT_TIMEOUT_MAX;
}

static void fill_leaf(char *p, int len)
{
	static const uint32_t vals[] = {
		0, 1, 6, 17, 1024, 65535, 65536, 0x7fffffff, 0xffffffff,
		0x0100007f /* 127.0.0.1 */, 0xffffffff /* broadcast */,
		0x0a01000a /* 10.0.1.10 */, 0x0a0071cb /* 203.113.0.10 */,
	};
	uint32_t v = vals[below(ARRAY_SIZE(vals))];
	int i;

	switch (below(4)) {
	case 0:
		memset(p, 0, len);
		break;
	case 1:
		memset(p, 0xff, len);
		break;
	case 2:
		for (i = 0; i < len; i++)
			p[i] = ((char *)&v)[i % 4];
		break;
	default:
		for (i = 0; i < len; i++)
			p[i] = (char)rnd();
		/* Strings: sometimes terminated, sometimes not. */
		if (len && below(2))
			p[len - 1] = 0;
	}
}

/* Random attributes of a nest whose ids run 0..max, into nlh. */
static void add_attrs(struct nlmsghdr *nlh, size_t room, int depth, int max)
{
	int n = below(depth ? 5 : 4), i;

	for (i = 0; i < n; i++) {
		/* Mostly real ids, some past the nest's _MAX. */
		int type = below(8) ? below(max + 1) : max + 1 + below(3);
		int sub = nest_max(depth, type);
		struct nlattr *nest;

		if (mnl_nlmsg_size(mnl_nlmsg_get_payload_len(nlh)) + 256 > room)
			return;
		if ((sub >= 0 || below(8) == 0) && depth < 3 && below(5)) {
			nest = mnl_attr_nest_start(nlh, type);
			if (below(6) == 0)
				nest->nla_type &= ~NLA_F_NESTED;
			add_attrs(nlh, room, depth + 1, sub >= 0 ? sub : 8);
			mnl_attr_nest_end(nlh, nest);
		} else {
			/* Mostly the sizes of real types (u8, be16, u32, u64). */
			static const int lens[] = { 1, 2, 4, 4, 4, 8, 0, 3, 16, 17 };
			int len = below(5) ? lens[below(10)] : (int)below(200);
			char buf[200];

			fill_leaf(buf, len);
			mnl_attr_put(nlh, type, len, buf);
			nest = (struct nlattr *)((char *)mnl_nlmsg_get_payload_tail(nlh) -
						 MNL_ALIGN(sizeof(*nest) + len));
			if (below(10) == 0)
				nest->nla_type |= NLA_F_NESTED;
			if (below(10) == 0)
				nest->nla_type |= NLA_F_NET_BYTEORDER;
			/* A length past the parent's end (or below a header). */
			if (below(40) == 0)
				nest->nla_len = (uint16_t)(below(2) ? rnd() : below(4));
		}
	}
}

struct tally {
	unsigned long sent, acks, errors, extack, replies, dumps, bad, hangs;
	unsigned long errnos[256];
};

static int family_id(struct mnl_socket *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	struct nlattr *a;
	int len, id = -1;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, KNAT_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (len <= 0)
		return -1;
	nlh = (struct nlmsghdr *)buf;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return -1;
	mnl_attr_for_each(a, nlh, sizeof(*g))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			id = mnl_attr_get_u16(a);
	return id;
}

/* Does this NLMSG_ERROR carry an extack message? */
static bool has_extack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return false;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	mnl_attr_for_each(a, nlh, off)
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
			return true;
	return false;
}

/* Read the answer to seq; false on a hang or an answer out of protocol. */
static bool answer(struct mnl_socket *nl, int fam, uint32_t seq,
		   struct tally *t)
{
	static char buf[1 << 17];
	bool dump = false;

	for (;;) {
		int len = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			t->hangs++;
			fprintf(stderr, "nlfuzz: hang: seq %u unanswered for 10 s\n", seq);
			return false;
		}
		if (len < 0) {
			/* ENOBUFS: a dump outran the socket; it still ends. */
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			perror("nlfuzz: recv");
			t->bad++;
			return false;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* a late part of an earlier answer */
			if (nlh->nlmsg_type == NLMSG_DONE) {
				t->dumps++;
				return true;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (e->error > 0) {
					fprintf(stderr, "nlfuzz: seq %u: positive error %d\n",
						seq, e->error);
					t->bad++;
					return false;
				}
				if (!e->error) {
					t->acks++;
				} else {
					t->errors++;
					t->errnos[-e->error & 255]++;
				}
				t->extack += has_extack_msg(nlh);
				return true;
			}
			if (nlh->nlmsg_type != fam) {
				fprintf(stderr, "nlfuzz: seq %u: message type %u\n",
					seq, nlh->nlmsg_type);
				t->bad++;
				return false;
			}
			if (!dump)
				t->replies++;
			dump = nlh->nlmsg_flags & NLM_F_MULTI;
		}
	}
}

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENOSPC: return "ENOSPC";
	case EMSGSIZE: return "EMSGSIZE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EBUSY: return "EBUSY";
	case E2BIG: return "E2BIG";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	}
	return NULL;
}

/* The -F answer to seq: 0 (ACK), -errno, 1 lost (ENOBUFS), 2 hang. */
static int failslab_answer(struct mnl_socket *nl, uint32_t seq)
{
	static char buf[1 << 14];

	for (;;) {
		int len = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (len < 0 && errno == ENOBUFS)
			return 1;
		if (len < 0)
			return 2;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_seq == seq && nlh->nlmsg_type == NLMSG_ERROR)
				return e->error > 0 ? 2 : e->error;
		}
	}
}

/*
 * Everything faulted in and locked (a page fault under failslab would go
 * to the 9p root), and this process's make-it-fail opened: -1 on error.
 */
static int failslab_prepare(void)
{
	int fd;

	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("nlfuzz: mlockall");
	fd = open("/proc/self/make-it-fail", O_WRONLY);
	if (fd < 0)
		perror("nlfuzz: /proc/self/make-it-fail");
	return fd;
}

static void failslab_put_service(struct nlmsghdr *nlh, int i, bool sched)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, KNAT_A_SERVICE);

	mnl_attr_put_u8(nlh, KNAT_SVC_A_PROTO, IPPROTO_UDP);
	mnl_attr_put_u32(nlh, KNAT_SVC_A_ADDR, htonl(0xc0000200 + 20 + i));
	mnl_attr_put_u16(nlh, KNAT_SVC_A_PORT, htons(53));
	if (sched)
		mnl_attr_put_strz(nlh, KNAT_SVC_A_SCHED, "maglev");
	mnl_attr_nest_end(nlh, nest);
}

static int failslab(struct mnl_socket *nl, int fam, int count)
{
	static char buf[4096];
	unsigned long ok = 0, failed = 0, lost = 0, sendfail = 0, hangs = 0;
	unsigned long errnos[256] = { 0 };
	int fd, i, step;

	fd = failslab_prepare();
	if (fd < 0)
		return 4;
	for (i = 0; i < count; i++) {
		for (step = 0; step < 2; step++) {
			uint32_t seq = 1000 + 2 * i + step;
			struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
			struct genlmsghdr *g;
			struct nlattr *nest;
			int r;

			nlh->nlmsg_type = fam;
			nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
			nlh->nlmsg_seq = seq;
			g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
			g->version = KNAT_GENL_VERSION;
			g->cmd = step ? KNAT_CMD_BACKEND_NEW : KNAT_CMD_SERVICE_NEW;
			failslab_put_service(nlh, i, !step);
			if (step) {
				nest = mnl_attr_nest_start(nlh, KNAT_A_BACKEND);
				mnl_attr_put_u32(nlh, KNAT_BE_A_ADDR, htonl(0x0a000102));
				mnl_attr_put_u16(nlh, KNAT_BE_A_PORT, htons(5353));
				mnl_attr_nest_end(nlh, nest);
			}
			if (write(fd, "1", 1) != 1) {
				perror("nlfuzz: make-it-fail");
				return 4;
			}
			r = send(mnl_socket_get_fd(nl), buf, nlh->nlmsg_len, 0);
			while (write(fd, "0", 1) != 1)
				;
			if (r < 0) {
				sendfail++;
				continue;
			}
			r = failslab_answer(nl, seq);
			if (r == 0) {
				ok++;
			} else if (r == 1) {
				lost++;
			} else if (r == 2) {
				hangs++;
				break;
			} else {
				failed++;
				errnos[-r & 255]++;
			}
		}
	}
	close(fd);
	printf("failslab: sent=%d ok=%lu failed=%lu lost=%lu sendfail=%lu hangs=%lu\n",
	       2 * count, ok, failed, lost, sendfail, hangs);
	for (i = 1; i < 256; i++)
		if (errnos[i])
			printf("errno:%s=%lu ", errname(i) ?: "?", errnos[i]);
	printf("\n");
	return hangs ? 1 : 0;
}

static int failslab_udp(int count, const char *dst)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char addr[64], *colon;
	int fd, i, sent = 0, failed = 0;

	snprintf(addr, sizeof(addr), "%s", dst);
	colon = strchr(addr, ':');
	if (!colon)
		return 2;
	*colon = '\0';
	sin.sin_port = htons(atoi(colon + 1));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return 2;
	fd = failslab_prepare();
	if (fd < 0)
		return 4;
	for (i = 0; i < count; i++) {
		struct sockaddr_in src = {
			.sin_family = AF_INET,
			.sin_port = htons(30000 + i),
		};
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		ssize_t r;

		if (s < 0 || bind(s, (struct sockaddr *)&src, sizeof(src))) {
			if (s >= 0)
				close(s);
			continue;
		}
		if (write(fd, "1", 1) != 1) {
			perror("nlfuzz: make-it-fail");
			return 4;
		}
		r = sendto(s, "failslab", 8, 0, (struct sockaddr *)&sin,
			   sizeof(sin));
		while (write(fd, "0", 1) != 1)
			;
		if (r < 0)
			failed++;
		else
			sent++;
		close(s);
	}
	close(fd);
	printf("udp: sent=%d failed=%d\n", sent, failed);
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	double seconds = 20;
	unsigned long max = 0;
	uint64_t seed = 0;
	struct tally t = { 0 };
	struct timespec t0, now;
	struct mnl_socket *nl;
	struct timeval tv = { .tv_sec = 10 };
	int fam, opt, one = 1, i, fails = 0, udp = 0;
	const char *dst = NULL;

	while ((opt = getopt(argc, argv, "s:n:S:F:U:D:")) != -1) {
		switch (opt) {
		case 'U':
			udp = atoi(optarg);
			break;
		case 'D':
			dst = optarg;
			break;
		case 'F':
			fails = atoi(optarg);
			break;
		case 's':
			seconds = atof(optarg);
			break;
		case 'n':
			max = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: nlfuzz [-s SECONDS] [-n MAX] [-S SEED]\n");
			return 2;
		}
	}
	if (udp)
		return dst ? failslab_udp(udp, dst) : 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!seed)
		seed = ((uint64_t)t0.tv_nsec << 20) ^ (uint64_t)getpid() ^ 0x6b6e6174;
	rng = seed;
	printf("seed=%" PRIu64 " uid=%u\n", seed, getuid());
	fflush(stdout);

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlfuzz: netlink socket");
		return 2;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO,
		   &tv, sizeof(tv));
	fam = family_id(nl);
	if (fam < 0) {
		fprintf(stderr, "nlfuzz: no knat genl family\n");
		return 4;
	}
	if (fails)
		return failslab(nl, fam, fails);

	for (;;) {
		struct nlmsghdr *nlh;
		struct genlmsghdr *g;
		uint32_t seq = (uint32_t)t.sent + 100;
		size_t len;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec + (now.tv_nsec - t0.tv_nsec) / 1e9 >= seconds)
			break;
		if (max && t.sent >= max)
			break;

		memset(buf, 0, 512);
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = fam;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		if (below(6) == 0)
			nlh->nlmsg_flags |= NLM_F_DUMP;
		if (below(4) == 0)
			nlh->nlmsg_flags |= (below(16) << 8) & ~NLM_F_DUMP;
		nlh->nlmsg_seq = seq;
		g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
		g->cmd = below(8) ? 1 + below(KNAT_CMD_MAX) : below(256);
		g->version = below(8) ? KNAT_GENL_VERSION : below(256);
		g->reserved = below(8) ? 0 : (uint16_t)rnd();
		add_attrs(nlh, 4096, 0, KNAT_A_MAX);
		len = nlh->nlmsg_len;
		/* Cut inside the genl header or the attributes. */
		if (below(10) == 0)
			len = NLMSG_HDRLEN + below(len - NLMSG_HDRLEN + 1);
		nlh->nlmsg_len = len;

		if (send(mnl_socket_get_fd(nl), buf, len, 0) < 0) {
			perror("nlfuzz: send");
			return 2;
		}
		t.sent++;
		if (!answer(nl, fam, seq, &t))
			break;
	}

	printf("sent=%lu acks=%lu errors=%lu extack=%lu replies=%lu dumps=%lu bad=%lu hangs=%lu\n",
	       t.sent, t.acks, t.errors, t.extack, t.replies, t.dumps, t.bad, t.hangs);
	for (i = 1; i < 256; i++) {
		const char *n = errname(i);

		if (!t.errnos[i])
			continue;
		if (n)
			printf("errno:%s=%lu ", n, t.errnos[i]);
		else
			printf("errno:%d=%lu ", i, t.errnos[i]);
	}
	printf("\n");
	return t.bad || t.hangs ? 1 : 0;
}
