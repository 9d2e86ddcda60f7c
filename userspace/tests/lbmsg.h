/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building a service listing as the kernel sends it, for the printers'
 * tests: the service's message (SERVICE_GET), then one message per
 * backend (BACKEND_GET) naming its service, one after the other in a
 * buffer and ended by an empty header.  lbmsg_feed() gives each to
 * lb_msg_cb(), as the two dumps would.  A VIP with a colon is IPv6: the
 * service is named by ADDR6 (16 bytes) instead of ADDR, as the kernel
 * names an IPv6 one.
 */
#ifndef KNAT_TEST_LBMSG_H
#define KNAT_TEST_LBMSG_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/knat.h>

#include "../lb.h"

struct lbmsg {
	struct nlmsghdr *first, *cur;
	struct nlattr *obj;		/* the open service or backend nest */
	struct nlattr *stats;		/* its open STATS nest */
	uint8_t proto;
	bool v6;
	uint32_t addr;
	struct in6_addr addr6;
	uint16_t port;
};

static inline struct nlmsghdr *lbmsg_put(void *at, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = GENL_MIN_ID;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = KNAT_GENL_VERSION;
	return nlh;
}

static inline void lbmsg_put_id(struct lbmsg *m)
{
	mnl_attr_put_u8(m->cur, KNAT_SVC_A_PROTO, m->proto);
	if (m->v6)
		mnl_attr_put(m->cur, KNAT_SVC_A_ADDR6, sizeof(m->addr6), &m->addr6);
	else
		mnl_attr_put_u32(m->cur, KNAT_SVC_A_ADDR, m->addr);
	mnl_attr_put_u16(m->cur, KNAT_SVC_A_PORT, htons(m->port));
}

/* The service's message, its KNAT_A_SERVICE nest open, the id in it. */
static inline struct nlmsghdr *lbmsg_service(struct lbmsg *m, void *buf,
					     uint8_t proto, const char *vip,
					     uint16_t port)
{
	memset(m, 0, sizeof(*m));
	m->first = m->cur = lbmsg_put(buf, KNAT_CMD_SERVICE_GET);
	m->proto = proto;
	m->v6 = strchr(vip, ':') != NULL;
	if (m->v6)
		inet_pton(AF_INET6, vip, &m->addr6);
	else
		m->addr = inet_addr(vip);
	m->port = port;
	m->obj = mnl_attr_nest_start(m->cur, KNAT_A_SERVICE);
	lbmsg_put_id(m);
	return m->cur;
}

/* Open the STATS nest of the open service or backend. */
static inline struct nlmsghdr *lbmsg_stats(struct lbmsg *m)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(m->cur);

	m->stats = mnl_attr_nest_start(m->cur, g->cmd == KNAT_CMD_BACKEND_GET ?
				       KNAT_BE_A_STATS : KNAT_SVC_A_STATS);
	return m->cur;
}

static inline void lbmsg_close(struct lbmsg *m)
{
	if (m->stats)
		mnl_attr_nest_end(m->cur, m->stats);
	if (m->obj)
		mnl_attr_nest_end(m->cur, m->obj);
	m->stats = m->obj = NULL;
}

/*
 * One more service after what m holds (a listing of several services, as
 * SERVICE_GET sends them before BACKEND_GET): its message, the nest open.
 */
static inline struct nlmsghdr *lbmsg_next_service(struct lbmsg *m, uint8_t proto,
						  const char *vip, uint16_t port)
{
	struct nlmsghdr *first = m->first;
	void *at;

	lbmsg_close(m);
	at = (char *)m->cur + NLMSG_ALIGN(m->cur->nlmsg_len);
	lbmsg_service(m, at, proto, vip, port);
	m->first = first;
	return m->cur;
}

/* The next message: a backend's, its KNAT_A_BACKEND nest open. */
static inline struct nlmsghdr *lbmsg_backend(struct lbmsg *m)
{
	struct nlattr *svc;

	lbmsg_close(m);
	m->cur = lbmsg_put((char *)m->cur + NLMSG_ALIGN(m->cur->nlmsg_len),
			   KNAT_CMD_BACKEND_GET);
	svc = mnl_attr_nest_start(m->cur, KNAT_A_SERVICE);
	lbmsg_put_id(m);
	mnl_attr_nest_end(m->cur, svc);
	m->obj = mnl_attr_nest_start(m->cur, KNAT_A_BACKEND);
	return m->cur;
}

/* The open backend's address: ADDR, or ADDR6 when it has a colon. */
static inline void lbmsg_backend_addr(struct lbmsg *m, const char *addr)
{
	struct in6_addr in6;

	if (strchr(addr, ':')) {
		inet_pton(AF_INET6, addr, &in6);
		mnl_attr_put(m->cur, KNAT_BE_A_ADDR6, sizeof(in6), &in6);
	} else {
		mnl_attr_put_u32(m->cur, KNAT_BE_A_ADDR, inet_addr(addr));
	}
}

/* End the last message and the listing. */
static inline const struct nlmsghdr *lbmsg_end(struct lbmsg *m)
{
	lbmsg_close(m);
	memset((char *)m->cur + NLMSG_ALIGN(m->cur->nlmsg_len), 0,
	       sizeof(struct nlmsghdr));
	return m->first;
}

/* Every message from first to the empty header into t. */
static inline void lbmsg_feed(const struct nlmsghdr *first, struct lb_table *t)
{
	const struct nlmsghdr *m;

	for (m = first; m->nlmsg_len;
	     m = (const void *)((const char *)m + NLMSG_ALIGN(m->nlmsg_len)))
		lb_msg_cb(m, t);
}

#endif
