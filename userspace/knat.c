// SPDX-License-Identifier: GPL-2.0
/*
 * knat - configure the knat NAT and load-balancer module.
 *
 * Option parsing and dispatch to the objects; everything else lives in the
 * object files.  Grammar and error wording follow iproute2.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_print.h"
#include "knat_nl.h"
#include "objects.h"
#include "utils.h"
#include "version.h"

static int do_restore(int argc, char **argv, const struct cli_opts *o);
static void restore_usage(FILE *f);

static const struct object {
	const char *name;
	int (*run)(int argc, char **argv, const struct cli_opts *o);
	void (*usage)(FILE *f);
} objects[] = {
	{ "status",  do_status,  status_usage },
	{ "config",  do_config,  config_usage },
	{ "forward", do_forward, forward_usage },
	{ "snat",    do_snat,    snat_usage },
	{ "service", do_service, service_usage },
	{ "backend", do_backend, backend_usage },
	{ "flow",    do_flow,    flow_usage },
	{ "stats",   do_stats,   stats_usage },
	{ "monitor", do_monitor, monitor_usage },
	{ "explain", do_explain, explain_usage },
	{ "save",    do_save,    save_usage },
	{ "flush",   do_flush,   flush_usage },
	{ "restore", do_restore, restore_usage },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: knat [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       knat help\n"
		"       knat [ OPTIONS ] [ -force ] -b[atch] FILE\n"
		"where  OBJECT := { status | config | forward | snat | service | backend |\n"
		"                   flow | stats | monitor | explain | save | flush |\n"
		"                   restore }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -s[tats] | -n[etns] NAME |\n"
		"                    -V[ersion] | -h[elp] }\n"
		"       FILE := commands, one a line, without \"knat\"; \"-\" is stdin\n");
	for (i = 0; i < ARRAY_SIZE(objects); i++) {
		fputc('\n', f);
		objects[i].usage(f);
	}
}

static const struct object *find_object(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (is_kw(name, objects[i].name))
			return &objects[i];
	return NULL;
}

/* Like "ip -n NAME": enter the namespace "ip netns add" bound there. */
static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	if (!*name || strchr(name, '/') || is_kw(name, ".") || is_kw(name, ".."))
		return invarg(name, "invalid network namespace name");
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_err("cannot open network namespace \"%s\": %s.", name,
		       strerror(errno));
		return EXIT_USAGE;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		pr_err("cannot enter network namespace \"%s\": %s.", name,
		       strerror(errno));
		close(fd);
		return EXIT_KERNEL;
	}
	close(fd);
	return 0;
}

/* Output that could not be written is a failure, not a silent success. */
static int finish(int ret)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (!ret)
			pr_err("cannot write output: %s.", strerror(errno));
		return ret ? ret : EXIT_KERNEL;
	}
	return ret;
}

/* One command: OBJECT { COMMAND | help } and its words. */
static int run(int argc, char **argv, const struct cli_opts *o)
{
	const struct object *obj;

	if (is_kw(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	obj = find_object(argv[0]);
	if (!obj) {
		pr_err("unknown object \"%s\", try \"knat help\".", argv[0]);
		return EXIT_USAGE;
	}
	if (argc > 1 && is_kw(argv[1], "help")) {
		obj->usage(stdout);
		return 0;
	}
	return obj->run(argc - 1, argv + 1, o);
}

#define BATCH_WORDS 256

/* FILE, or stdin for "-"; NULL after printing why. */
static FILE *open_input(const char *name)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;

	if (!f)
		pr_err("cannot open \"%s\": %s.", name, strerror(errno));
	return f;
}

static void close_input(FILE *f)
{
	if (f != stdin)
		fclose(f);
}

/* One line of a batch or restore file. */
struct file_line {
	const char *file;
	unsigned long no;
	const char *text;	/* without its comment and outer blanks */
};

typedef int (*line_fn)(int argc, char **argv, const struct file_line *l,
		       void *arg);

/*
 * The lines of a batch or restore file, as "ip -batch" reads them: words
 * apart by blanks, "#" to the end of a line a comment, lines without
 * words skipped.  fn() gets each line's words and reports its own
 * errors, naming the line.  The first failure ends the reading unless
 * force; the result is the first failure's code.
 */
static int read_lines(FILE *f, const char *name, bool force, line_fn fn,
		      void *arg)
{
	char *line = NULL, *text = NULL, *words[BATCH_WORDS], *save, *w;
	struct file_line l = { .file = name };
	size_t cap = 0, text_cap = 0, len;
	int n, cmd_ret, ret = 0;
	ssize_t got;

	while ((got = getline(&line, &cap, f)) > 0) {
		l.no++;
		line[strcspn(line, "#\n")] = '\0';
		/* The text, kept before strtok_r() cuts the line up. */
		w = line + strspn(line, " \t\r");
		len = strlen(w);
		while (len && strchr(" \t\r", w[len - 1]))
			len--;
		if (len + 1 > text_cap) {
			char *grown = realloc(text, (size_t)got + 1);

			if (!grown) {
				pr_err("%s.", strerror(ENOMEM));
				ret = EXIT_KERNEL;
				break;
			}
			text = grown;
			text_cap = (size_t)got + 1;
		}
		memcpy(text, w, len);
		text[len] = '\0';
		l.text = text;

		n = 0;
		for (w = strtok_r(line, " \t\r", &save); w && n < BATCH_WORDS;
		     w = strtok_r(NULL, " \t\r", &save))
			words[n++] = w;
		if (w) {
			pr_err("%s:%lu: more than %d words.", name, l.no,
			       BATCH_WORDS);
			cmd_ret = EXIT_USAGE;
		} else if (n) {
			cmd_ret = fn(n, words, &l, arg);
		} else {
			continue;
		}
		if (cmd_ret && !ret)
			ret = cmd_ret;
		if (ret && !force)
			break;
	}
	if (!ret && ferror(f)) {
		pr_err("cannot read \"%s\": %s.", name, strerror(errno));
		ret = EXIT_USAGE;
	}
	free(line);
	free(text);
	return ret;
}

static int batch_line(int argc, char **argv, const struct file_line *l,
		      void *arg)
{
	int ret = run(argc, argv, arg);

	if (ret)
		pr_err("command failed %s:%lu.", l->file, l->no);
	return ret;
}

/*
 * "knat -b FILE", as "ip -batch": each line a command, all on one netlink
 * socket.  The first command that fails ends the batch, its line named;
 * with -force every line runs and the batch fails if any of them did.
 */
static int batch(const char *name, const struct cli_opts *o, bool force)
{
	FILE *f;
	int ret;

	f = open_input(name);
	if (!f)
		return EXIT_USAGE;
	ret = knat_batch_begin();
	if (!ret)
		ret = read_lines(f, name, force, batch_line, (void *)o);
	knat_batch_end();
	close_input(f);
	return ret;
}

static void restore_usage(FILE *f)
{
	fprintf(f,
		"Usage: knat restore [ --flush ] FILE\n"
		"       (the lines knat save prints, all applied or none;\n"
		"        --flush: what FILE does not name goes; \"-\" is stdin)\n");
}

struct restore_ctx {
	struct knat_restore *r;
	const struct cli_opts *o;
};

/*
 * A line of a restore file runs as in a batch, but what knat_do() would
 * send becomes an op of the one request.  A line that asks for anything
 * else (a del, a list, a flush, help, ...) is refused, named.
 */
static int restore_line(int argc, char **argv, const struct file_line *l,
			void *arg)
{
	const struct restore_ctx *c = arg;
	size_t before = knat_restore_nops(c->r);
	int ret;

	ret = knat_restore_line(c->r, l->no, l->text);
	if (ret)
		return ret;
	/* help would print a usage and add nothing: not even run it. */
	if (!is_kw(argv[0], "help") && !(argc > 1 && is_kw(argv[1], "help"))) {
		ret = run(argc, argv, c->o);
		if (!knat_restore_refused(c->r) &&
		    (ret || knat_restore_nops(c->r) > before)) {
			if (ret)
				pr_err("command failed %s:%lu.", l->file, l->no);
			return ret;
		}
	}
	pr_err("%s:%lu: restore takes the lines knat save prints (config set, forward add, snat add, service add, backend add, backend set).",
	       l->file, l->no);
	return EXIT_USAGE;
}

/*
 * knat restore [--flush] FILE: every line collected first, then one
 * KNAT_CMD_RESTORE the kernel applies whole or not at all.  A line that
 * does not parse, or is not one restore takes, ends it before anything
 * is sent.
 */
static int do_restore(int argc, char **argv, const struct cli_opts *o)
{
	struct restore_ctx c = { .o = o };
	bool flush = false;
	const char *name;
	FILE *f;
	int ret;

	/* "-" alone is stdin; "--" ends the options. */
	for (; argc && argv[0][0] == '-' && argv[0][1]; argc--, argv++) {
		if (!strcmp(argv[0], "--")) {
			argc--, argv++;
			break;
		}
		if (strcmp(argv[0], "--flush") && strcmp(argv[0], "-flush"))
			return unexpected(argv[0]);
		if (flush) {
			pr_err("duplicate \"%s\".", argv[0]);
			return EXIT_USAGE;
		}
		flush = true;
	}
	if (!argc)
		return missarg("FILE");
	if (argc > 1)
		return unexpected(argv[1]);
	name = argv[0];
	if (is_json_context()) {
		pr_err("restore prints nothing to put in JSON: drop -j.");
		return EXIT_USAGE;
	}
	/* First: a restore line in a restore file is refused here. */
	c.r = knat_restore_begin(name, flush);
	if (!c.r)
		return errno == EBUSY ? EXIT_USAGE : EXIT_KERNEL;
	f = open_input(name);
	if (!f) {
		knat_restore_free(c.r);
		return EXIT_USAGE;
	}
	ret = read_lines(f, name, false, restore_line, &c);
	close_input(f);
	if (!ret)
		ret = knat_restore_send(c.r);
	knat_restore_free(c.r);
	return ret;
}

/* The options whose value is the next word. */
static bool takes_value(const char *opt)
{
	static const char *const with_value[] = {
		"-n", "--netns", "-b", "--batch",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(with_value); i++)
		if (!strcmp(opt, with_value[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json",    no_argument,       NULL, 'j' },
		{ "pretty",  no_argument,       NULL, 'p' },
		{ "stats",   no_argument,       NULL, 's' },
		{ "netns",   required_argument, NULL, 'n' },
		{ "version", no_argument,       NULL, 'V' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "batch",   required_argument, NULL, 'b' },
		{ "force",   no_argument,       NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_opts opts = { 0 };
	bool json = false, pretty = false, force = false;
	const char *netns = NULL, *batch_file = NULL;
	int c, ret;

	/* "ip -batch FILE" spells it with one dash: so may knat. */
	for (c = 1; c < argc && argv[c][0] == '-'; c++) {
		if (!strcmp(argv[c], "-batch"))
			argv[c] = "--batch";
		else if (!strcmp(argv[c], "-force"))
			argv[c] = "--force";
		/* The value of "-n NAME" or "-b FILE" is not an option. */
		if (takes_value(argv[c]) && c + 1 < argc)
			c++;
	}
	/* "+": options end at the object, as in ip; ":": we word the errors. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jpsn:Vhb:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 's':
			opts.stats = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'b':
			batch_file = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'V':
			printf("knat utility, %s\n", KNAT_VERSION);
			return finish(0);
		case 'h':
			usage(stdout);
			return finish(0);
		case ':':
			return needarg(argv[optind - 1]);
		default:
			if (optopt)
				pr_err("unknown option \"-%c\", try \"knat help\".",
				       optopt);
			else
				pr_err("unknown option \"%s\", try \"knat help\".",
				       argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (force && !batch_file) {
		pr_err("-force goes with -batch only.");
		return EXIT_USAGE;
	}
	if (batch_file && argc) {
		pr_err("-batch takes no command line command: \"%s\".", argv[0]);
		return EXIT_USAGE;
	}
	if (!argc && !batch_file) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (argc && is_kw(argv[0], "help")) {
		usage(stdout);
		return finish(0);
	}
	if (argc && !find_object(argv[0])) {
		pr_err("unknown object \"%s\", try \"knat help\".", argv[0]);
		return EXIT_USAGE;
	}
	if (argc > 1 && is_kw(argv[1], "help")) {
		find_object(argv[0])->usage(stdout);
		return finish(0);
	}
	if (netns) {
		ret = enter_netns(netns);
		if (ret)
			return ret;
	}
	/* -p only shapes JSON, as in iproute2. */
	json_print_init(stdout, json, pretty);
	ret = batch_file ? batch(batch_file, &opts, force) : run(argc, argv, &opts);
	return finish(ret);
}
