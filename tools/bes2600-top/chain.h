/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The lost-update detector of one counter instance.
 *
 * A serial history of read-modify-writes is a chain of old -> new
 * transitions.  Records arrive in timestamp order only per CPU, and a
 * record can be stamped late (its event fires after the store), so an
 * event is decided only once it is older than the newest timestamp minus
 * a reorder window; then the events inside the window are searched for an
 * order that continues the chain up to it.  Only when no order does is it
 * a break: a write computed from a value another write had replaced.
 */
#ifndef __BES2600_CHAIN_H
#define __BES2600_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chain_event {
	uint64_t ts;
	uint64_t site;		/* call site */
	uint32_t ctx;		/* logical context id, for the caller */
	uint32_t cpu;
	int32_t old;
	int32_t new_;
	bool atomic;
};

/* A write whose old value was stale, and the write that read it too. */
struct chain_break {
	struct chain_event clobbering;
	struct chain_event clobbered;
	bool has_clobbered;
	int32_t lost;		/* what the counter lost: old - current */
};

typedef void (*chain_break_fn)(void *ctx, const struct chain_break *b);

#define CHAIN_HISTORY 64

struct chain {
	uint64_t window_ns;
	uint64_t newest;
	bool have_cur;
	int32_t cur;
	struct chain_event *buf;	/* undecided, sorted by ts */
	size_t n, cap;
	struct chain_event hist[CHAIN_HISTORY];	/* recently decided */
	size_t hist_n;
	int64_t drift;		/* sum of the breaks' lost values */
	uint64_t breaks;
	uint64_t unordered;	/* atomic breaks: reordering past the window */
	uint64_t undecided;	/* search budget ran out: no claim */
	chain_break_fn on_break;
	void *ctx;
};

void chain_init(struct chain *c, uint64_t window_ns, chain_break_fn fn,
		void *ctx);
/* Returns -1 when out of memory. */
int chain_add(struct chain *c, const struct chain_event *e);
/* Decides every event still waiting (end of stream). */
void chain_flush(struct chain *c);
/*
 * Records were lost: decide what came before, then restart the chain at
 * the next event, with no claim across the gap.
 */
void chain_gap(struct chain *c);
void chain_free(struct chain *c);

#endif /* __BES2600_CHAIN_H */
