/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Root causes: the findings grouped per counter instance, one line each,
 * with the action a maintainer takes (the text report opens with them,
 * the JSON carries them).  Many findings of one defect (hand-overs, lost
 * updates, underflows and the drift of one counter) make one root cause.
 */
#ifndef __BES2600_ROOTCAUSE_H
#define __BES2600_ROOTCAUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct analysis;
struct an_instance;
struct symtab;
struct jw;

#define RC_MAX_CTX 8
#define RC_MAX_FUNCS 4

enum rc_action {
	RC_MAKE_ATOMIC,		/* plain read-modify-writes from two contexts */
	RC_CHECK_ACCOUNTING,	/* one context drove it out of bounds */
	RC_CHECK_UNTRACED,	/* drift with no lost update: writes untraced */
};

/* A context that read-modify-writes the counter, and from where. */
struct rc_writer {
	uint32_t ctx;
	char funcs[RC_MAX_FUNCS][64];	/* functions of its call sites */
	size_t nfuncs;
	bool plain;		/* at least one of its writes is plain */
};

struct root_cause {
	const struct an_instance *in;
	struct rc_writer w[RC_MAX_CTX];
	size_t nw;
	size_t findings;	/* error findings on the instance */
	uint64_t lost_updates;
	int64_t drift;
	bool underflow, overflow;
	int32_t lowest, highest, capacity;
	enum rc_action action;
};

/* One per instance with error findings, in report order; caller frees. */
struct root_cause *root_causes(const struct analysis *a, struct symtab *syms,
			       size_t *n);
/* "hw_bufs_used: plain read-modify-writes from ...: make it atomic (C-prep)" */
void root_cause_print(FILE *f, const struct analysis *a, struct symtab *syms,
		      const struct root_cause *rc);
const char *root_cause_action(enum rc_action a);
/* The root causes as the JSON report's "root_causes" array. */
void root_causes_json(struct jw *w, const struct analysis *a,
		      struct symtab *syms);

#endif /* __BES2600_ROOTCAUSE_H */
