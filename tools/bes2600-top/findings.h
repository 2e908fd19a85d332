/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Findings of the audit, deduplicated as ThreadSanitizer does: one per
 * (class, counter instance, pair of context + call site), with a count, the
 * first and last time, and the first occurrence kept as the example.
 */
#ifndef __BES2600_FINDINGS_H
#define __BES2600_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Stable names: see finding_class_name(); never renumber (JSON, suppressions). */
enum finding_class {
	FC_NON_ATOMIC_CROSS_CONTEXT,
	FC_LOST_UPDATE,
	FC_UNDERFLOW,
	FC_OVERFLOW,
	FC_DRIFT,
	FC_CHECK_THEN_ACT,	/* a warning, not an error */
	FC_NR,
};

/* One side of a finding: a write, with its evidence. */
struct finding_path {
	uint64_t ts;
	uint64_t site;		/* call site */
	uint32_t ctx;		/* analysis context id */
	uint32_t cpu;
	uint32_t pid;
	int32_t stack;		/* stack id or -1 */
	int32_t old, new_;
	uint8_t op;		/* 0 set, 1 add, 2 sub */
	bool atomic;
	bool valid;
};

#define FINDING_CANDIDATES 4

struct finding {
	enum finding_class cls;
	uint32_t inst;		/* counter instance index */
	/*
	 * The first example.  lost-update: a clobbering, b clobbered.
	 * non-atomic-cross-context: a the earlier write, b the write from
	 * the other context.  underflow/overflow: a the write, b the one
	 * before it.  check-then-act: a the decrement the decision was taken
	 * on, b the other context's write before the decision.  drift: none.
	 */
	struct finding_path a, b;
	uint64_t count;
	uint64_t first_ts, last_ts;
	/*
	 * lost-update: sum of what was lost; underflow: lowest value stored;
	 * overflow: highest; drift: the chain's drift; check-then-act: the
	 * count the (first) decision was taken on.
	 */
	int64_t value;
	/*
	 * lost-update: what the first example lost; overflow: capacity;
	 * drift: net drift; check-then-act: the action (0 del, 1 mod).
	 */
	int64_t value2;
	int64_t value3;		/* check-then-act: the count read back */
	uint64_t ts2;		/* check-then-act: when the decision was taken */
	bool no_now;		/* check-then-act: the event had no read-back */
	/*
	 * lost-update without a clobbered write (b not valid): the other
	 * contexts' writes the reorder window held, one of which it was.
	 */
	struct finding_path cand[FINDING_CANDIDATES];
	unsigned int ncand;
	bool suppressed;
};

struct findings {
	struct finding *v;
	size_t n, cap;
};

const char *finding_class_name(enum finding_class c);
/* -1 when s names no class. */
int finding_class_parse(const char *s);
bool finding_class_is_error(enum finding_class c);

/*
 * Counts one occurrence; the first one of its key becomes the example.
 * pair: whether b's context and site are part of the key.  NULL when out
 * of memory.
 */
struct finding *findings_note(struct findings *f, enum finding_class cls,
			      uint32_t inst, const struct finding_path *a,
			      const struct finding_path *b, bool pair,
			      uint64_t ts);
/* Report order: class, then first time. */
void findings_sort(struct findings *f);
void findings_free(struct findings *f);

#endif /* __BES2600_FINDINGS_H */
