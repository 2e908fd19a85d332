// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What the subcommands' option parsers share (see cli.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "cli.h"

int cli_number(FILE *err, const char *prog, const char *opt, const char *arg,
	       double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	/* Written so that NaN, which fails every comparison, fails it too. */
	if (errno || end == arg || *end || !(*v >= lo && *v <= hi)) {
		fprintf(err, "%s: bad argument: %s '%s' (expected %g..%g)\n",
			prog, opt, arg, lo, hi);
		return EINVAL;
	}
	return 0;
}

int cli_integer(FILE *err, const char *prog, const char *opt, const char *arg,
		long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || *v < lo || *v > hi) {
		fprintf(err, "%s: bad argument: %s '%s' (expected a whole number %ld..%ld)\n",
			prog, opt, arg, lo, hi);
		return EINVAL;
	}
	return 0;
}

bool cli_help_key(struct argp_state *state, int key, int usage_key,
		  bool *done)
{
	if (key == 'V')
		printf("%s\n", argp_program_version);
	else if (key == 'h')
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP &
				~ARGP_HELP_EXIT_OK);
	else if (key == usage_key)
		argp_state_help(state, stdout, ARGP_HELP_USAGE);
	else
		return false;
	*done = true;
	return true;
}

void cli_warn(FILE *err, const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
}
