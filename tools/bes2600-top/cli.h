/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the subcommands' option parsers share.
 */
#ifndef __BES2600_CLI_H
#define __BES2600_CLI_H

#include <argp.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * A number for option opt in lo..hi (never NaN or infinite): 0, or EINVAL
 * after "prog: bad argument: ..." on err.
 */
int cli_number(FILE *err, const char *prog, const char *opt, const char *arg,
	       double lo, double hi, double *v);
/* The same for a whole number (a count, a capacity). */
int cli_integer(FILE *err, const char *prog, const char *opt, const char *arg,
		long lo, long hi, long *v);

/*
 * -V, -h and --usage (usage_key), which every command has: prints what
 * was asked, sets *done (nothing more is to run) and returns true; false
 * for any other key.
 */
bool cli_help_key(struct argp_state *state, int key, int usage_key,
		  bool *done);
/* "prog: message" on err, a line. */
void cli_warn(FILE *err, const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* __BES2600_CLI_H */
