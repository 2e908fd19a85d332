/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The plan's Phase 7 protocol: N runs per phase, compared.  Per Phase 7
 * figure and per writer row (in writes per second), the mean and spread
 * of each side, and whether the difference of the means exceeds the
 * run-to-run spread (the larger of the two sides' ranges), said plainly.
 *
 *   bes2600-top compare A1.json A2.json A3.json -- B1.json B2.json B3.json
 */
#ifndef __BES2600_COMPARE_H
#define __BES2600_COMPARE_H

#include <stddef.h>
#include <stdio.h>

struct json;

/* One side: the reports of its runs, and their file names. */
struct cmp_side {
	const char *label;
	const struct json **runs;
	const char **names;
	size_t n;
};

/* Prints the comparison; returns how many figures or rows differ. */
int compare_print(FILE *f, const struct cmp_side *a, const struct cmp_side *b);
/* argv[0] is "compare".  Exit status 0: no difference beyond the spread,
 * 1: some, 2: bad arguments or reports. */
int compare_main(int argc, char **argv);

#endif /* __BES2600_COMPARE_H */
