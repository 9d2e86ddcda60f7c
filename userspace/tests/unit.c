// SPDX-License-Identifier: GPL-2.0
/*
 * knat unit tests: everything that needs no knat module.  Prints TAP.
 * Usage: unit [OUTDIR]   (OUTDIR receives JSON samples for json-valid.sh)
 */
#include "tap.h"
#include "unit.h"

int main(int argc, char **argv)
{
	if (argc > 1)
		tap_outdir = argv[1];
	tap_begin();
	test_parse();
	test_json();
	test_args();
	test_print();
	test_monitor();
	test_mnlg();
	test_prom();
	test_restore();
	return tap_end();
}
