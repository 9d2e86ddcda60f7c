/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The knat family on top of mnlg: open it with the "not loaded" diagnosis,
 * run requests with kernel errors reported in iproute2's words, and read
 * reply attributes through small per-object policies.
 */
#ifndef KNAT_NL_H
#define KNAT_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/knat.h>

#include "mnlg.h"
#include "utils.h"

/* NULL after printing why; the caller exits with EXIT_KERNEL. */
struct mnlg *knat_open(void);
/* Done with what knat_open() gave. */
void knat_close(struct mnlg *g);
/*
 * Batch mode ("knat -b FILE"): from begin to end every knat_open() gives
 * the same socket, as iproute2's batch keeps one rtnl handle.  begin: 0,
 * or EXIT_KERNEL after printing why.
 */
int knat_batch_begin(void);
void knat_batch_end(void);

/*
 * Run a request built with mnlg_msg().  0 on success (an extack message
 * that came with success is printed as a warning); EXIT_KERNEL after
 * printing "Error: <extack message>." or "Error: <strerror>.".
 */
int knat_run(struct mnlg *g, const struct nlmsghdr *nlh, mnl_cb_t cb,
	     void *data);

/*
 * One request without a reply to read: open, send cmd with the attributes
 * put() adds, wait for the ACK, close.  0 or EXIT_KERNEL.
 */
typedef void (*knat_put_fn)(struct nlmsghdr *nlh, const void *arg);
int knat_do(uint8_t cmd, knat_put_fn put, const void *arg);

/*
 * knat restore: a file's lines as one KNAT_CMD_RESTORE request, which the
 * kernel applies whole or not at all.
 *
 * From knat_restore_begin() to knat_restore_finish() (or _free()) nothing
 * is sent: knat_do() builds its command's message as ever, then appends
 * it to the request as one KNAT_RESTORE_A_OP (KNAT_OP_A_CMD: the command;
 * KNAT_OP_A_ATTRS: the message's attributes) and returns 0.  A command
 * restore does not take (anything but CONFIG_SET, FORWARD_NEW, SNAT_NEW,
 * SERVICE_NEW, BACKEND_NEW and BACKEND_SET: the lines "knat save"
 * prints), and every knat_open() (what lists, shows and dumps go
 * through), is refused: EXIT_USAGE or NULL, nothing printed, and
 * knat_restore_refused() says so until the next line.  Each op remembers
 * the line it came from, so that the kernel's extended ACK offset names
 * the line that failed.
 *
 * begin: NULL with errno EBUSY while another restore collects (that one is
 * refused: a restore line in a restore file), or ENOMEM, printed.  name is
 * the file's, for the messages; flush: KNAT_A_RESTORE_FLUSH.
 */
struct knat_restore;
struct knat_restore *knat_restore_begin(const char *name, bool flush);
/* The ops knat_do() adds from now on come from this line.  0 or EXIT_KERNEL. */
int knat_restore_line(struct knat_restore *r, unsigned long line,
		      const char *text);
/* Did a command since knat_restore_line() ask for what restore does not take? */
bool knat_restore_refused(const struct knat_restore *r);
/* The ops collected so far. */
size_t knat_restore_nops(const struct knat_restore *r);
/* Stop collecting and close the request (idempotent). */
const struct nlmsghdr *knat_restore_finish(struct knat_restore *r);
/* The line (and its text) of the op an offset into the request falls in. */
bool knat_restore_line_at(const struct knat_restore *r, uint32_t offset,
			  unsigned long *line, const char **text);
/*
 * Finish and send the request with NLM_F_ACK, unless it has no op and
 * does not flush (nothing to do: 0).  0, EXIT_USAGE (too big, printed) or
 * EXIT_KERNEL after printing "Error: FILE:LINE: <message>: "<line>"." when
 * the kernel's offset points into an op, "Error: <message>." otherwise.
 */
int knat_restore_send(struct knat_restore *r);
void knat_restore_free(struct knat_restore *r);

/*
 * A request with no attributes whose answers cb() prints: a get, or a
 * dump when flags has NLM_F_DUMP (printed as one JSON array).  0 or
 * EXIT_KERNEL.
 */
int knat_query(uint8_t cmd, uint16_t flags, mnl_cb_t cb, void *data);

/*
 * Fill tb[0..max] with the attributes whose type the policy knows (the
 * policy has max + 1 entries) and whose payload fits that type.  Unknown
 * types, from a newer kernel, and malformed attributes are left out: an
 * absent attribute is something every printer already handles.
 */
void knat_parse_attrs(const struct nlmsghdr *nlh,
		      const enum mnl_attr_data_type *policy, unsigned int max,
		      const struct nlattr **tb);
void knat_parse_nested(const struct nlattr *nest,
		       const enum mnl_attr_data_type *policy, unsigned int max,
		       const struct nlattr **tb);

/* Reading attributes that may be absent. */
static inline uint8_t attr_u8(const struct nlattr *a)
{
	return a ? mnl_attr_get_u8(a) : 0;
}

static inline uint32_t attr_u32(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

static inline uint64_t attr_u64(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

/* Ports travel in network order; hand them out in host order. */
static inline uint16_t attr_port(const struct nlattr *a)
{
	return a ? ntohs(mnl_attr_get_u16(a)) : 0;
}

/* Addresses stay in network order, as inet_ntop() wants them. */
static inline uint32_t attr_addr(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

static inline void put_port(struct nlmsghdr *nlh, uint16_t type, uint16_t port)
{
	mnl_attr_put_u16(nlh, type, htons(port));
}

static inline void put_addr(struct nlmsghdr *nlh, uint16_t type, uint32_t addr)
{
	mnl_attr_put_u32(nlh, type, addr);
}

/*
 * IPv6 addresses are 16 raw bytes in the attribute beside the IPv4 one
 * (..._ADDR6 beside ..._ADDR): policies read them as MNL_TYPE_BINARY, and
 * one of another size counts as absent, as a malformed attribute does.
 */
static inline bool attr_in6(const struct nlattr *a, struct in6_addr *in6)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*in6))
		return false;
	memcpy(in6, mnl_attr_get_payload(a), sizeof(*in6));
	return true;
}

/* The IPv6 twin a6 when there is one, else a4 (0.0.0.0 when absent). */
static inline void attr_ipaddr(const struct nlattr *a4, const struct nlattr *a6,
			       struct ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (attr_in6(a6, &out->v6))
		out->family = AF_INET6;
	else
		ipaddr_set4(out, attr_addr(a4));
}

/* Is either of the twins there? */
static inline bool attr_has_ipaddr(const struct nlattr *a4,
				   const struct nlattr *a6)
{
	struct in6_addr in6;

	return a4 || attr_in6(a6, &in6);
}

/* The attribute of the address's family: type4's be32 or type6's 16 bytes. */
static inline void put_ipaddr(struct nlmsghdr *nlh, uint16_t type4,
			      uint16_t type6, const struct ipaddr *a)
{
	if (a->family == AF_INET6)
		mnl_attr_put(nlh, type6, sizeof(a->v6), &a->v6);
	else
		mnl_attr_put_u32(nlh, type4, a->family == AF_INET ? a->v4 : 0);
}

#endif
