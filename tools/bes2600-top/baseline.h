/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --baseline: compares this run's JSON report with an earlier one and
 * prints the deltas of the Phase 7 figures, of the writer tables and of
 * the findings (the plan's "C-prep should show zero delta from baseline").
 * Writers are matched on counter, context, function and flavour: call
 * site offsets move when the driver is rebuilt.
 */
#ifndef __BES2600_BASELINE_H
#define __BES2600_BASELINE_H

#include <stdio.h>

struct json;

/* Loads and checks an earlier report; NULL with a reason in err. */
struct json *baseline_load(const char *path, char *err, size_t errlen);
/* Returns the number of writer rows that differ (added or gone). */
int baseline_print(FILE *f, const char *path, const struct json *base,
		   const struct json *cur);

#endif /* __BES2600_BASELINE_H */
