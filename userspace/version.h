/* SPDX-License-Identifier: GPL-2.0 */
/* The one place the CLI's version lives: -V, the man page and tests use it. */
#ifndef KNAT_VERSION_H
#define KNAT_VERSION_H

#define KNAT_VERSION "0.1.0"

#endif
