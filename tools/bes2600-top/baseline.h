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

#include <stddef.h>
#include <stdio.h>

struct json;

/* Loads and checks an earlier report; NULL with a reason in err. */
struct json *baseline_load(const char *path, char *err, size_t errlen);
/*
 * A writer row's key: counter, context, "function [module]", flavour,
 * sep between them.
 */
void baseline_writer_key(char *buf, size_t len, const char *counter,
			 const struct json *w, char sep);
/*
 * Writer rows across runs: per key (baseline_writer_key()), the writes of
 * each of runs reports, 0 where a run did not have the row.
 */
struct writer_row {
	char key[320];
	double *count;		/* [runs] */
};

struct writer_rows {
	struct writer_row *v;
	size_t n, cap;
	size_t runs;		/* set before the first add */
	void *index;		/* key -> row (a jansson object: a hash table) */
};

/* Adds report's writers as run number run; -1 when out of memory. */
int writer_rows_add(struct writer_rows *r, const struct json *report,
		    size_t run, char sep);
void writer_rows_free(struct writer_rows *r);
/* Returns the number of writer rows that differ (added or gone). */
int baseline_print(FILE *f, const char *path, const struct json *base,
		   const struct json *cur);

#endif /* __BES2600_BASELINE_H */
