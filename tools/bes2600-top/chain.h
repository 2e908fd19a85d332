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
 *
 * Two facts narrow the search: an event can only be placed before another
 * one stamped less than a window after it, and the writes of one thread
 * (tid != 0) happened in the order of their stamps.
 */
#ifndef __BES2600_CHAIN_H
#define __BES2600_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bes2600/abi.h>

/* The ABI's op codes (include/bes2600/abi.h). */
enum chain_op {
	CHAIN_OP_SET = BES2600_CTR_OP_SET,
	CHAIN_OP_ADD = BES2600_CTR_OP_ADD,
	CHAIN_OP_SUB = BES2600_CTR_OP_SUB,
};

struct chain_event {
	uint64_t ts;
	uint64_t site;		/* call site */
	uint32_t ctx;		/* logical context id, for the caller */
	uint32_t cpu;
	uint32_t tid;		/* one thread's writes are in stamp order; 0: unknown */
	/*
	 * Equal non-zero values: writes of one serial context, which never
	 * overlap (one task; one work item, which no two workers run at
	 * once), so one cannot have clobbered the other.
	 */
	uint32_t serial;
	int32_t stack;		/* stack id or -1, for the caller */
	int32_t old;
	int32_t new_;
	bool atomic;
	uint8_t op;		/* enum chain_op */
};

/* How an event entered the chain. */
enum chain_how {
	CHAIN_SERIAL,		/* its old was the current value (maybe reordered) */
	CHAIN_BREAK,		/* a lost update, reported through on_break */
	CHAIN_UNORDERED,	/* atomic vs atomic mismatch: reordering, no claim */
	CHAIN_UNDECIDED,	/* search budget ran out: no claim */
	CHAIN_RESTART,		/* near dropped records: no claim, no drift */
	CHAIN_SET_BREAK,	/* a set whose old was stale: drift, no claim */
};

#define CHAIN_CANDIDATES 4

/*
 * A write whose old value was stale, and the write that read it too; when
 * that one cannot be told, the other contexts' writes the reorder window
 * held before it (each context and site once), one of which it was.
 */
struct chain_break {
	struct chain_event clobbering;
	struct chain_event clobbered;
	bool has_clobbered;
	int64_t lost;		/* what the counter lost: old - current */
	struct chain_event cand[CHAIN_CANDIDATES];
	unsigned int ncand;
};

typedef void (*chain_break_fn)(void *ctx, const struct chain_event *e,
			       const struct chain_break *b);
/* Every event, once, in chain (serial) order. */
typedef void (*chain_commit_fn)(void *ctx, const struct chain_event *e,
				enum chain_how how);

#define CHAIN_HISTORY 256
#define CHAIN_DEFAULT_BUDGET 200000
#define CHAIN_CREDIT 4000	/* search cost earned per record */

struct chain_slot;
struct chain_scratch;

struct chain_span {
	uint64_t from, to;
};

struct chain {
	uint64_t window_ns;
	/*
	 * An event is decided once lag_ns of newer records arrived past its
	 * window (what may have to go before it, and arrive late), in batches
	 * batch_ns apart.
	 */
	uint64_t lag_ns;
	uint64_t batch_ns;
	uint64_t budget;	/* search cost allowed per decision */
	uint64_t credit;	/* search cost earned and not spent */
	uint64_t newest;
	uint64_t committed_maxts;	/* newest stamp in the chain so far */
	bool have_cur;
	int32_t cur;
	struct chain_slot *buf;	/* undecided, sorted by ts: mem + off */
	size_t n, cap;
	/* Committing from the front moves buf, not the events behind it. */
	struct chain_slot *mem;
	size_t off;
	size_t serial_n;	/* buf[0..serial_n) follow each other from cur */
	uint64_t next_key;
	struct chain_event hist[CHAIN_HISTORY];	/* recently committed, ring */
	size_t hist_n, hist_head;
	struct chain_span *quiet;	/* no claims for events stamped here */
	size_t quiet_n, quiet_cap;
	int64_t drift;		/* value change not explained by deltas */
	int64_t reorder_drift;	/* atomic mismatches: reordering, not loss */
	uint64_t committed;
	uint64_t breaks;	/* claimed lost updates */
	uint64_t unordered;
	uint64_t undecided;
	uint64_t late;		/* of which: arrived past the window */
	uint64_t restarts;
	uint64_t set_breaks;
	uint64_t reordered;	/* events committed out of stamp order */
	uint64_t searches, search_cost;
	chain_break_fn on_break;
	chain_commit_fn on_commit;
	void *ctx;
	struct chain_scratch *s;
};

void chain_init(struct chain *c, uint64_t window_ns, chain_break_fn on_break,
		chain_commit_fn on_commit, void *ctx);
/* Returns -1 when out of memory. */
int chain_add(struct chain *c, const struct chain_event *e);
/* Decides every event still waiting (end of stream). */
void chain_flush(struct chain *c);
/* Records were lost between from and to: claim nothing near them. */
int chain_quiet(struct chain *c, uint64_t from, uint64_t to);
/*
 * Records were lost just now (time unknown): decide what came before
 * without claims, then restart the chain at the next event.
 */
void chain_gap(struct chain *c);
/* The oldest timestamp still undecided, or UINT64_MAX. */
uint64_t chain_horizon(const struct chain *c);
void chain_free(struct chain *c);

#endif /* __BES2600_CHAIN_H */
