/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bes2600-top with no subcommand (or "top"): the live dashboard.
 */
#ifndef __BES2600_TOP_H
#define __BES2600_TOP_H

/* argv[0] is the command name; returns the exit status. */
int top_main(int argc, char **argv);

#endif /* __BES2600_TOP_H */
