/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The objects knat.c dispatches to.  Each do_*() gets the words after the
 * object name and returns the exit code: 0, EXIT_USAGE or EXIT_KERNEL.
 * Each *_usage() prints the object's grammar (for "knat OBJECT help").
 */
#ifndef KNAT_OBJECTS_H
#define KNAT_OBJECTS_H

#include <stdbool.h>
#include <stdio.h>

/* Global options that change what objects print. */
struct cli_opts {
	bool stats;	/* -s: counters in list and show */
};

int do_status(int argc, char **argv, const struct cli_opts *o);
int do_config(int argc, char **argv, const struct cli_opts *o);
int do_forward(int argc, char **argv, const struct cli_opts *o);
int do_snat(int argc, char **argv, const struct cli_opts *o);
int do_service(int argc, char **argv, const struct cli_opts *o);
int do_backend(int argc, char **argv, const struct cli_opts *o);
int do_flow(int argc, char **argv, const struct cli_opts *o);
int do_stats(int argc, char **argv, const struct cli_opts *o);
int do_monitor(int argc, char **argv, const struct cli_opts *o);
int do_explain(int argc, char **argv, const struct cli_opts *o);
int do_save(int argc, char **argv, const struct cli_opts *o);
int do_flush(int argc, char **argv, const struct cli_opts *o);

void status_usage(FILE *f);
void config_usage(FILE *f);
void forward_usage(FILE *f);
void snat_usage(FILE *f);
void service_usage(FILE *f);
void backend_usage(FILE *f);
void flow_usage(FILE *f);
void stats_usage(FILE *f);
void monitor_usage(FILE *f);
void explain_usage(FILE *f);
void save_usage(FILE *f);
void flush_usage(FILE *f);

#endif
