/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bes2600-top state: from the calls' diffs (and the watchpoints' hits) to
 * the shared-state table: each field a measured function mutates, who
 * writes it from which context, whether writers overlapped, what that
 * asks of the code.  No BPF here: the unit tests feed it records.
 *
 * A call's diff also holds what another context wrote meanwhile.  A field
 * is a function's own where it changed in a call no other context's
 * measured call overlapped, or where a watchpoint caught the write inside
 * the call; a change seen only beside another context's call that wrote
 * it too is that pair's: the concurrent writers the table reports.
 *
 * A watchpoint hit that leaves the value as it was is counted apart and
 * names no writer: a store of the same value changes no state, and
 * qemu's TCG also reports such phantom hits on a watchpoint when another
 * of the CPU's traps.  So the value must be known: a slot learns it from
 * the next return's snapshot after it is armed, and a hit before that is
 * left out (counted as unknown).
 */
#ifndef __BES2600_STATE_TABLE_H
#define __BES2600_STATE_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <bes2600/state_event.h>

#include "state_btf.h"

struct symtab;

enum state_format { STATE_TEXT, STATE_MD, STATE_JSON };

struct state_writer {
	uint32_t func, ctx;
	uint64_t calls;		/* calls in which the field changed */
	uint64_t clean;		/* ... with no other context's call beside */
	uint64_t alone;		/* ... that no call beside could explain */
	uint64_t hits;		/* watchpoint hits inside the call */
	uint64_t same;		/* ... that left the value as it was */
};

/* A watchpoint hit outside every measured call. */
struct state_site {
	char site[96];
	uint32_t ctx;
	uint64_t hits;
};

struct state_pair {
	uint32_t fa, ca, fb, cb;
	uint64_t n;
};

struct state_field {
	char path[160];
	struct state_leaf leaf;
	struct state_writer *w;
	size_t nw;
	struct state_pair *pairs;
	size_t np;
	struct state_site *sites;
	size_t ns;
	bool asked_changed;	/* in a call of an asked function */
	/* The first word seen changing: where a watchpoint goes. */
	bool seen_change;
	uint32_t first_word;
	bool watched;
	uint64_t watch_hits;	/* hits that changed the value */
	uint64_t same_hits;	/* hits that did not (see below) */
	uint64_t unknown_hits;	/* before the value was known: left out */
	int64_t last_old, last_new;	/* the last hit's values */
	bool have_last;
};

struct state_fn {
	struct state_func f;
	bool asked;		/* the function the table is for (-f) */
	bool attached;
	uint64_t calls;
};

struct state_call_rec;

struct state_run {
	const struct state_btf *sb;
	int root;
	char root_name[64];
	char module[64];
	uint32_t size, snapped;	/* the struct's bytes, the ones compared */
	const char *flavour;	/* "fentry" or "kprobe" */
	struct state_fn *fns;
	size_t nfns;
	char (*ctxs)[96];
	size_t nctx;
	struct state_field *fields;
	size_t nfields;
	uint32_t *byte_field;	/* field index + 1 of each byte, 0: unnamed */
	struct state_call_rec *calls;
	size_t ncalls, cap_calls;
	uint64_t trunc_calls;
	struct bes2600_state_stats st;
	double seconds;
	bool finished;
};

int state_run_init(struct state_run *r, const struct state_btf *sb, int root,
		   uint32_t snapped);
void state_run_free(struct state_run *r);
int state_run_add_fn(struct state_run *r, const struct state_func *f,
		     bool asked);
/* A context's index by name ("work:sdio_rx_work"), added if new. */
uint32_t state_run_ctx(struct state_run *r, const char *name);
/* The field holding byte off (named from BTF on first use). */
uint32_t state_run_field(struct state_run *r, uint32_t off);
/* One call's record; ctx is state_run_ctx() of its context. */
int state_run_add_call(struct state_run *r, const struct bes2600_state_call *c,
		       uint32_t ctx);
/*
 * Watchpoint hits on field from one site and context (v->count of them);
 * site: the write's "func+0x1c [module]".
 */
void state_run_add_hit(struct state_run *r, uint32_t field,
		       const struct bes2600_state_hit_key *k,
		       const struct bes2600_state_hit_val *v, uint32_t ctx,
		       const char *site);
/* Overlaps and attribution; once, after the last record. */
void state_run_finish(struct state_run *r);
/* Whether the field's writers are those its watchpoints caught. */
bool state_field_watch_decides(const struct state_field *f);
/* Whether a writer's changes of the field are its own (state_table.c). */
bool state_writer_counts(const struct state_field *f,
			 const struct state_writer *w);
/*
 * Whether an overlap of two calls that both saw the field change is two
 * writers at once: both sides are writers of it on their own.
 */
bool state_pair_counts(const struct state_field *f, const struct state_pair *p);
/* Whether the table lists the field (an asked function's own write). */
bool state_field_listed(const struct state_run *r, const struct state_field *f);

/* Whether path reads as a state report (before a run that needs it). */
int state_baseline_check(const char *path, char *err, size_t errlen);
/*
 * The table; baseline: an earlier run's JSON report (NULL: none).
 * Returns 0, or -1 with a message in err (the baseline unreadable).
 */
int state_report(FILE *out, struct state_run *r, enum state_format fmt,
		 const char *baseline, char *err, size_t errlen);

#endif /* __BES2600_STATE_TABLE_H */
