/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The shared-state delta table of the plan (section 2), generated: per
 * counter, which contexts write it from which functions (before: an
 * earlier report given with --baseline; now: this run), how (plain or
 * atomic; whether writes of different contexts interleaved) and the
 * action needed.  Built from JSON reports, so the baseline and this run
 * are read the same way; the instances of several chips are one row.
 */
#ifndef __BES2600_DELTA_H
#define __BES2600_DELTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json;
struct jw;

#define DT_MAX_CTX 8
#define DT_MAX_FUNCS 6

struct dt_func {
	char name[64];
	bool plain, atomic, init;	/* init: only set (initialising) */
};

struct dt_ctx {
	char name[96];
	struct dt_func f[DT_MAX_FUNCS];
	size_t nf;
	bool rmw;		/* it adds or subtracts, not only sets */
};

struct dt_side {
	bool present;
	struct dt_ctx c[DT_MAX_CTX];
	size_t nc;
	uint64_t handovers;	/* consecutive add/subs of different contexts */
	uint64_t stale;		/* check-then-act occurrences */
};

struct dt_row {
	char counter[64];
	struct dt_side before, now;
};

struct delta_table {
	bool has_before;
	char before_name[160];	/* the baseline's file */
	struct dt_row *rows;
	size_t n;
};

/*
 * 0, or -1 when out of memory.  nbase earlier reports (0: one run) make
 * the "before" side together: every writer any of them saw.
 */
int delta_build(struct delta_table *t, const struct json *cur,
		const struct json *const *base, size_t nbase,
		const char *base_name);
void delta_free(struct delta_table *t);
/* The action the row needs, read off its "now" side. */
const char *delta_action(const struct dt_row *r, char *buf, size_t len);
void delta_print_text(FILE *f, const struct delta_table *t);
void delta_print_md(FILE *f, const struct delta_table *t);
void delta_json(struct jw *w, const struct delta_table *t);

#endif /* __BES2600_DELTA_H */
