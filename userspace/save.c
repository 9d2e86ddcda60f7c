// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's configuration as a whole.
 *
 * knat save: the configuration as knat commands, one a line, which
 * "knat restore FILE" (or "knat -b FILE") reads back.
 *
 * The order is fixed so that two saves of the same configuration are the
 * same bytes whatever order its objects were made in (a saved file can be
 * diffed and kept under version control): limits, config, forwards, SNAT
 * rules, then each service followed by its backends.  Config values,
 * forwards, services and each service's backends are sorted by the text
 * of the line: none of them depends on another's place.  SNAT rules are
 * not: the first rule in the kernel's list that matches a packet takes
 * it, and prefixes may overlap, so they keep the kernel's order (the
 * order they were added in), which the restore adds them in again.
 * Forwards and SNAT rules are printed by their own list code, whose text
 * already is their add syntax.
 *
 * Not saved: draining backends (they are on their way out; a restore must
 * not bring them back), flows and counters (state, not configuration), and
 * the limits outside the initial namespace (the host sets those).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/knat.h>

#include "config.h"
#include "forward.h"
#include "json_print.h"
#include "knat_nl.h"
#include "lb.h"
#include "objects.h"
#include "save.h"
#include "snat.h"
#include "utils.h"

/* Room for "PROTO VIP:PORT": "udp [2001:db8::10]:53". */
#define SERVICE_WORDS_BUF	(8 + ENDPOINT_BUF)

void save_usage(FILE *f)
{
	fprintf(f,
		"Usage: knat save\n"
		"       knat restore FILE   (reads back what save printed)\n");
}

void flush_usage(FILE *f)
{
	fprintf(f,
		"Usage: knat flush\n"
		"       (every forward, SNAT rule and service with its backends;\n"
		"        config values stay)\n");
}

struct lines {
	char *buf;
	size_t len, n;
	char **line;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A dump printed by cb into memory, cut into lines, in the dump's order
 * or sorted.  The text printer is pointed at the memory for the dump and
 * back at stdout after.
 */
static int capture(struct lines *l, uint8_t cmd, uint16_t flags, mnl_cb_t cb,
		   bool sorted)
{
	FILE *m;
	char *p, *nl;
	int ret;

	memset(l, 0, sizeof(*l));
	m = open_memstream(&l->buf, &l->len);
	if (!m) {
		pr_err("%s.", strerror(errno));
		return EXIT_KERNEL;
	}
	json_print_init(m, false, false);
	ret = knat_query(cmd, flags, cb, NULL);
	json_print_init(stdout, false, false);
	if (fclose(m)) {
		pr_err("%s.", strerror(errno));
		ret = EXIT_KERNEL;
	}
	if (ret)
		return ret;
	for (p = l->buf; *p; p = nl + 1) {
		char **grown;

		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (!*p)
			continue;
		grown = realloc(l->line, (l->n + 1) * sizeof(*l->line));
		if (!grown) {
			pr_err("%s.", strerror(ENOMEM));
			return EXIT_KERNEL;
		}
		l->line = grown;
		l->line[l->n++] = p;
	}
	if (sorted)
		qsort(l->line, l->n, sizeof(*l->line), cmp_str);
	return 0;
}

static void lines_free(struct lines *l)
{
	free(l->line);
	free(l->buf);
}

/* The limits are the host's: only its own namespace saves them. */
static bool in_initial_netns(void)
{
	struct stat self, init;

	return !stat("/proc/self/ns/net", &self) &&
	       !stat("/proc/1/ns/net", &init) &&
	       self.st_ino == init.st_ino && self.st_dev == init.st_dev;
}

/*
 * "config show" prints "NAME VALUE", "timeout NAME VALUE" and "limit NAME
 * VALUE" lines: each is "config set" words.  Limits go on a line of their
 * own before the rest, since max-flows may not exceed its limit.  Every
 * value is saved, "fastpath off" too: restore --flush keeps what a file
 * does not name, so a value left out would survive a restore.
 */
static int save_config(void)
{
	struct lines l;
	size_t i;
	int ret, pass;

	ret = capture(&l, KNAT_CMD_CONFIG_GET, NLM_F_ACK, config_print, true);
	if (ret)
		goto out;
	for (pass = 0; pass < 2; pass++) {
		bool limits = pass == 0, any = false;

		if (limits && !in_initial_netns())
			continue;
		for (i = 0; i < l.n; i++) {
			bool is_limit = !strncmp(l.line[i], "limit ", 6);

			if (is_limit != limits)
				continue;
			printf("%s%s", any ? " " : "config set ", l.line[i]);
			any = true;
		}
		if (any)
			putchar('\n');
	}
out:
	lines_free(&l);
	return ret;
}

/* sorted: forwards, which cannot overlap; SNAT rules in the kernel's order. */
static int save_rules(uint8_t cmd, mnl_cb_t cb, const char *prefix,
		      bool sorted)
{
	struct lines l;
	size_t i;
	int ret;

	ret = capture(&l, cmd, NLM_F_DUMP, cb, sorted);
	for (i = 0; !ret && i < l.n; i++)
		printf("%s %s\n", prefix, l.line[i]);
	lines_free(&l);
	return ret;
}

static int cmp_service(const void *a, const void *b)
{
	const struct lb_service *x = a, *y = b;

	return strcmp(x->label, y->label);
}

static int cmp_backend(const void *a, const void *b)
{
	const struct lb_backend *x = a, *y = b;

	return strcmp(x->label, y->label);
}

/*
 * "PROTO VIP:PORT", the words that name the service in every line:
 * "tcp 203.0.113.10:80", "tcp [2001:db8::10]:80".
 */
static const char *service_words(const struct lb_service *svc,
				 char buf[SERVICE_WORDS_BUF])
{
	char pbuf[PORTS_BUF], ebuf[ENDPOINT_BUF];

	snprintf(buf, SERVICE_WORDS_BUF, "%s %s", svc->proto,
		 fmt_endpoint(&svc->addr, fmt_ports(svc->port, svc->port, pbuf),
			      ebuf));
	return buf;
}

static void save_service(FILE *f, const struct lb_service *svc)
{
	char id[SERVICE_WORDS_BUF], pbuf[PORTS_BUF], be_id[ENDPOINT_BUF];
	size_t i;

	service_words(svc, id);
	fprintf(f, "service add %s", id);
	if (svc->has_sched)
		fprintf(f, " sched %s", svc->sched);
	if (svc->has_maglev_size)
		fprintf(f, " maglev-size %u", svc->maglev_size);
	if (svc->persist)
		fprintf(f, " persist %u", svc->persist);
	if (svc->has_check_fails)
		fprintf(f, " check-fails %u", svc->check_fails);
	if (svc->has_check_timeout)
		fprintf(f, " check-timeout %u", svc->check_timeout);
	if (svc->has_check_holddown)
		fprintf(f, " check-holddown %u", svc->check_holddown);
	if (svc->has_check_clients)
		fprintf(f, " check-clients %u", svc->check_clients);
	fputc('\n', f);

	for (i = 0; i < svc->nbackends; i++) {
		const struct lb_backend *be = &svc->backends[i];

		if (be->has_state && be->state == KNAT_BACKEND_DRAINING)
			continue;
		/*
		 * PORT 0 is "the service's port", as it was added: the
		 * address alone, an IPv6 one without brackets.
		 */
		fmt_endpoint(&be->addr, be->port ?
			     fmt_ports(be->port, be->port, pbuf) : NULL, be_id);
		fprintf(f, "backend add %s %s", id, be_id);
		if (be->has_weight)
			fprintf(f, " weight %u", be->weight);
		fputc('\n', f);
		/* Added up; "down" is the operator's, kept as a second step. */
		if (be->has_state && be->state == KNAT_BACKEND_DOWN)
			fprintf(f, "backend set %s %s down\n", id, be_id);
	}
}

void save_print_services(FILE *f, struct lb_table *t)
{
	size_t i;

	qsort(t->svcs, t->nservices, sizeof(*t->svcs), cmp_service);
	for (i = 0; i < t->nservices; i++) {
		qsort(t->svcs[i].backends, t->svcs[i].nbackends,
		      sizeof(*t->svcs[i].backends), cmp_backend);
		save_service(f, &t->svcs[i]);
	}
}

static int save_services(void)
{
	struct lb_table t = { 0 };
	int ret;

	ret = lb_collect(&t, false, NULL);
	if (!ret)
		save_print_services(stdout, &t);
	lb_table_free(&t);
	return ret;
}

int do_save(int argc, char **argv, const struct cli_opts *o)
{
	int ret;

	(void)o;
	if (argc)
		return unexpected(argv[0]);
	if (is_json_context()) {
		pr_err("save prints knat commands, not JSON: drop -j.");
		return EXIT_USAGE;
	}
	ret = save_config();
	if (!ret)
		ret = save_rules(KNAT_CMD_FORWARD_GET, forward_print,
				 "forward add", true);
	if (!ret)
		ret = save_rules(KNAT_CMD_SNAT_GET, snat_print, "snat add",
				 false);
	if (!ret)
		ret = save_services();
	return ret;
}

/*
 * knat flush: every forward, SNAT rule and service goes, as "del" would
 * remove each (their flows with them); config values stay, as "ip route
 * flush" leaves sysctls.  What to delete is read from the same dumps save
 * prints from: the words of a listed rule up to what "del" takes.
 */
static int flush_rules(uint8_t cmd, mnl_cb_t cb,
		       int (*del)(int argc, char **argv, const struct cli_opts *o),
		       unsigned int keep)
{
	char *words[6], *save_ptr;
	struct lines l;
	unsigned int n;
	size_t i;
	int ret;

	ret = capture(&l, cmd, NLM_F_DUMP, cb, false);
	for (i = 0; !ret && i < l.n; i++) {
		words[0] = "del";
		n = 1;
		for (char *w = strtok_r(l.line[i], " ", &save_ptr);
		     w && n <= keep; w = strtok_r(NULL, " ", &save_ptr))
			words[n++] = w;
		/* SNAT: "from PREFIX" and, when there, "out DEV". */
		if (del == do_snat && n > 3 && strcmp(words[3], "out"))
			n = 3;
		ret = del((int)n, words, NULL);
	}
	lines_free(&l);
	return ret;
}

int do_flush(int argc, char **argv, const struct cli_opts *o)
{
	struct lb_table t = { 0 };
	char vip[ENDPOINT_BUF], pbuf[PORTS_BUF];
	size_t i;
	int ret;

	(void)o;
	if (argc)
		return unexpected(argv[0]);
	if (is_json_context()) {
		pr_err("flush prints nothing to put in JSON: drop -j.");
		return EXIT_USAGE;
	}
	/* "PROTO [ADDR]:PORT" of "tcp 0.0.0.0:8080 to ...". */
	ret = flush_rules(KNAT_CMD_FORWARD_GET, forward_print, do_forward, 2);
	/* "from PREFIX [out DEV]" of "from ... out DEV masquerade ...". */
	if (!ret)
		ret = flush_rules(KNAT_CMD_SNAT_GET, snat_print, do_snat, 4);
	if (!ret)
		ret = lb_collect(&t, false, NULL);
	for (i = 0; !ret && i < t.nservices; i++) {
		char *words[] = { "del", t.svcs[i].proto, vip };

		/* [VIP6]:PORT for an IPv6 service, as service del takes it. */
		fmt_endpoint(&t.svcs[i].addr,
			     fmt_ports(t.svcs[i].port, t.svcs[i].port, pbuf), vip);
		ret = do_service(3, words, NULL);
	}
	lb_table_free(&t);
	return ret;
}
