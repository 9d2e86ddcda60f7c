/* SPDX-License-Identifier: GPL-2.0 */
/* The groups of unit tests; unit.c runs them in order. */
#ifndef KNAT_UNIT_H
#define KNAT_UNIT_H

void test_parse(void);	/* utils.c: addresses, prefixes, ports, keywords */
void test_json(void);	/* json_writer.c and json_print.c */
void test_args(void);	/* object argument parsing and the attributes built */
void test_print(void);	/* name tables and replies printed as text and JSON */
void test_monitor(void);	/* monitor.c: events printed as text and JSON */
void test_mnlg(void);	/* mnlg.c against the kernel's own nlctrl family */
void test_prom(void);	/* prometheus.c: escapes, names, the exposition */

#endif
