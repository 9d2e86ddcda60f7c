/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knat service and knat backend: the layer-4 load balancer.  A service is a
 * virtual IP and port with a scheduler; its backends are the real servers.
 * Backends are listed with their service ("knat service list") or alone
 * ("knat backend list").
 */
#ifndef KNAT_SERVICE_H
#define KNAT_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "utils.h"

/* The limits the CLI checks before the kernel does. */
#define SERVICE_PERSIST_MAX	86400u		/* seconds, 0 = off */
#define MAGLEV_SIZE_MIN		251u		/* prime */
#define MAGLEV_SIZE_MAX		1000003u	/* prime */
#define BACKEND_WEIGHT_MAX	65535u		/* the header's 0 .. 65535 */
#define BACKEND_DRAIN_MAX	86400u		/* seconds */
#define CHECK_FAILS_MAX		100u		/* failed handshakes, 0 = off */
#define CHECK_TIMEOUT_MIN	1u		/* seconds */
#define CHECK_TIMEOUT_MAX	3600u
#define CHECK_HOLDDOWN_MIN	1u		/* seconds */
#define CHECK_HOLDDOWN_MAX	86400u
#define CHECK_CLIENTS_MIN	1u		/* distinct failing clients */
#define CHECK_CLIENTS_MAX	8u

/* Which command the words belong to: the keywords each one takes differ. */
enum lb_op {
	LB_ADD,
	LB_SET,
	LB_DEL,
};

/*
 * PROTO VIP:PORT: what names a service in every request.  The VIP's
 * family is the service's, and its backends' (the kernel keeps a service
 * and its backends of one family).
 */
struct service_id {
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	struct ipaddr addr;		/* IPv4 or IPv6, network order */
	uint16_t port;			/* host order, 1..65535 */
};

/* A service as the command line gave it; has_* say what was given. */
struct service_spec {
	struct service_id id;
	bool has_sched;
	uint8_t sched;			/* index: service_sched_name() */
	bool has_persist;
	uint32_t persist;		/* seconds */
	bool has_maglev_size;
	uint32_t maglev_size;		/* prime */
	bool has_check_fails;
	uint32_t check_fails;		/* 0 = no health check */
	bool has_check_timeout;
	uint32_t check_timeout;		/* seconds */
	bool has_check_holddown;
	uint32_t check_holddown;	/* seconds */
	bool has_check_clients;
	uint32_t check_clients;		/* client addresses */
};

/* A backend of a service as the command line gave it. */
struct backend_spec {
	struct service_id svc;
	struct ipaddr addr;		/* of svc.addr's family */
	uint16_t port;			/* host order; 0 = the service's port */
	bool has_weight;
	uint32_t weight;		/* add, set */
	bool has_state;
	uint8_t state;			/* set: KNAT_BACKEND_UP or _DOWN */
	bool has_drain;
	uint32_t drain;			/* del: seconds */
};

/*
 * PROTO VIP:PORT, the first two words of every service and backend
 * command; 0, or EXIT_USAGE after printing the error.
 */
int service_parse_id(int argc, char **argv, struct service_id *id);
/*
 * The words after "add", "set" or "del"; 0, or EXIT_USAGE after printing
 * the error.
 */
int service_parse(int argc, char **argv, enum lb_op op,
		  struct service_spec *ss);
int backend_parse(int argc, char **argv, enum lb_op op,
		  struct backend_spec *bs);
/*
 * The same with up to max ADDR[:PORT] words before the keywords (add takes
 * several): bs[0..*n-1], each with the service and the options.  Each is
 * of the service's family; one of the other is refused, named.
 */
#define BACKEND_ADD_MAX 64
int backend_parse_list(int argc, char **argv, enum lb_op op,
		       struct backend_spec *bs, int max, int *n);

/* KNAT_A_SERVICE with PROTO, ADDR (IPv6: ADDR6) and PORT only. */
void service_put_id(struct nlmsghdr *nlh, const struct service_id *id);
/* KNAT_A_SERVICE with the identity and the options that were given. */
void service_put(struct nlmsghdr *nlh, const struct service_spec *ss);
/* KNAT_A_SERVICE (identity) and KNAT_A_BACKEND with what was given. */
void backend_put(struct nlmsghdr *nlh, const struct backend_spec *bs);

struct lb_table;
struct lb_service;
struct cli_opts;
/* "knat service list" of what lb_collect() gathered: text or JSON. */
void service_print_table(const struct lb_table *t, const struct cli_opts *o);
void service_print_one(const struct lb_service *svc, const struct cli_opts *o);
/* "knat backend list": one backend a line, with its service. */
void backend_print_table(const struct lb_table *t, const struct cli_opts *o);

/*
 * A rate of thousandths per second as text: "12", "1.5"; with bytes, a
 * unit too: "512 B", "41 kB", "1.2 MB" (powers of 1000).
 */
const char *fmt_rate(char *buf, size_t size, uint64_t milli, bool bytes);

/*
 * Names by index / enum value ("wlc", "draining", "failed"); NULL past the
 * table.
 */
const char *service_sched_name(unsigned int sched);
const char *backend_state_name(unsigned int state);
const char *backend_health_name(unsigned int health);

/*
 * A number argument of a keyword, min..max: 0, or EXIT_USAGE after
 * 'argument "X" is wrong: WHAT is not a number' / 'WHAT must be MIN..MAX'.
 */
int lb_parse_u32(const char *arg, const char *what, uint32_t min, uint32_t max,
		 uint32_t *out);

#endif
