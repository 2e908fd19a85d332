// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What the subcommands' option parsers share (see cli.h).
 */
#include <errno.h>
#include <math.h>
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
