/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The audit's analysis of a stream of struct bes2600_event records, live
 * or replayed, with no BPF in it.  Per counter instance (hw, counter, idx):
 * the counts (writes, deltas, values, writers: struct bes2600_inst_stats)
 * and the lost-update chain; over the stream: findings, the Phase 7
 * figures, drops and the spans they leave incomplete.
 *
 * The counts and the Phase 7 totals come from the BPF side, exact across
 * drops, when cfg.counts_given (a live audit, or a record file that holds
 * them): the records then carry only what the chain and the findings
 * need.  Otherwise (an older record file, a synthetic stream) the
 * analysis folds every record into the same figures by the same rules.
 *
 * Records may come in any order across CPUs (in order per CPU); the
 * analysis waits for the reorder window before it decides anything.
 * Single-threaded: one analysis is fed from one thread.
 */
#ifndef __BES2600_ANALYSIS_H
#define __BES2600_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bes2600/top_maps.h>

#include "chain.h"
#include "findings.h"
#include "rxwork.h"

#define AN_DEFAULT_WINDOW_NS (50ULL * 1000000)
#define AN_MAX_STACK 32
/*
 * Caps on what one stream may hold (docs/record-format.md, "Limits"):
 * far above any driver's, low enough that lookups stay cheap.
 */
#define AN_MAX_CTXS 4096

struct an_config {
	uint64_t window_ns;	/* reorder window */
	/*
	 * hw_bufs_used's bound given by the user (--capacity); 0: each
	 * instance's own, from the driver's events (0 there: no overflow
	 * check).
	 */
	int32_t capacity;
	uint64_t budget;	/* chain search cost per decision; 0: default */
	/* counts come from analysis_take_counts() and _take_rx(), not records */
	bool counts_given;
};

/* A logical context (architecture notes, "Contexts"). */
struct an_ctx {
	uint8_t kind;		/* enum bes2600_ctx_kind */
	uint64_t func;		/* work function (BES2600_CTX_WORK) */
	char comm[BES2600_COMM_LEN];	/* kthread and task contexts */
};

/* One row of the writers table, made from the counts' rows. */
struct an_writer {
	uint32_t ctx;
	uint64_t site;
	bool atomic;
	uint8_t ops;		/* bit per op seen: 1 << op */
	uint64_t count;
	uint64_t first_ts, last_ts;
};

/* A pending-count timer decision waiting for the chain to pass it. */
struct an_timer {
	uint64_t ts;
	uint32_t ctx, cpu, pid;
	int32_t stack;
	int32_t count, action, now;
	bool has_now;		/* false: a four-field event, now unknown */
};

struct an_instance {
	uint64_t hw;
	uint32_t counter;	/* enum bes2600_counter_id */
	int32_t idx;
	int32_t capacity;	/* the driver's bound, latest record's; 0: none */
	uint32_t index;		/* in analysis->inst */
	struct analysis *an;
	/* The one owner of the figures below (analysis_settle() copies). */
	struct bes2600_inst_stats cnt;
	uint64_t fold_first_ts, fold_last_ts;	/* the fold's, by stamp */
	struct chain chain;
	/* Set by analysis_finish() from cnt: */
	struct an_writer *writers;
	size_t nwriters, capw;
	uint64_t writes, plain_writes, atomic_writes, handovers;
	int64_t delta_sum;
	bool have_value;
	int32_t first_value, last_value, min, max;
	/* Records: counter ones chained, and the span of their stamps. */
	uint64_t chained, chained_plain;
	uint64_t sampled;	/* BES2600_REC_SAMPLED records, not chained */
	uint64_t first_ts, last_ts;
	int32_t chain_first, chain_last;	/* in chain order */
	bool have_chain_value;
	struct finding_path prev_rmw;	/* last add/sub in chain order */
	struct finding_path prev;	/* last write in chain order */
	/* wsm_tx_pending: recent writes in chain order, and timer records */
	struct finding_path *hist;
	size_t hist_n, hist_head;
	struct an_timer *timers;	/* sorted by ts */
	size_t t0, ntimers, capt;	/* pending: timers[t0 .. ntimers) */
	uint64_t timer_decisions, timer_unmatched;
};

struct an_span {
	uint32_t cpu;		/* UINT32_MAX: unknown */
	uint64_t from, to;
	uint64_t lost;
};

struct an_stack {
	int32_t id;
	uint32_t n;
	uint64_t ips[AN_MAX_STACK];
};

struct analysis {
	struct an_config cfg;
	struct an_instance **inst;
	size_t ninst;
	struct an_ctx *ctxs;
	size_t nctx, capctx;
	struct findings findings;
	struct rxwork rx;
	struct an_span *spans;
	size_t nspans, caps;
	uint64_t drops;		/* records lost, all causes */
	uint64_t *cpu_last;	/* per CPU: last record's ts */
	size_t ncpu;
	struct an_stack *stacks;
	size_t nstacks, capst;
	int32_t *stack_ids;	/* stack ids seen in records, sorted */
	size_t nstack_ids, capsi;
	uint64_t events, counter_events, timer_events, rx_events;
	uint64_t ignored;	/* records of unknown type or counter */
	uint64_t first_ts, last_ts;
	uint64_t start_ns, end_ns;	/* of the audit, when known */
	bool finished;
	bool oom;
	/* Set when the input passed a documented cap (docs/record-format.md). */
	char limit[160];
};

struct analysis *analysis_new(const struct an_config *cfg);
void analysis_free(struct analysis *a);
/* Returns -1 when out of memory. */
int analysis_feed(struct analysis *a, const struct bes2600_event *e);
/*
 * Records lost outside the stream's lost_before counts (e.g. at its end):
 * cpu UINT32_MAX when unknown.
 */
int analysis_drop(struct analysis *a, uint32_t cpu, uint64_t from,
		  uint64_t to, uint64_t lost);
int analysis_add_stack(struct analysis *a, int32_t id, const uint64_t *ips,
		       uint32_t n);
/*
 * The BPF side's counts of one instance, and of one chip's sdio_rx_work
 * (summed over chips), taken before analysis_finish(): -1 past a cap.
 */
int analysis_take_counts(struct analysis *a, uint64_t hw, uint32_t counter,
			 int32_t idx, const struct bes2600_inst_stats *st);
void analysis_take_rx(struct analysis *a, const struct bes2600_rx_stats *st);
const struct an_stack *analysis_stack(const struct analysis *a, int32_t id);
/* A record's instance, or NULL; its writer's context id, or a->nctx. */
struct an_instance *analysis_find_inst(const struct analysis *a, uint64_t hw,
				       uint32_t counter, int32_t idx);
uint32_t analysis_find_ctx(const struct analysis *a,
			   const struct bes2600_event *e);
/* Decides everything still waiting; end_ns: 0 when unknown. */
void analysis_finish(struct analysis *a, uint64_t end_ns);

/* The audit's duration: start..end when known, else the stream's span. */
uint64_t analysis_duration(const struct analysis *a);
/* Whether records were lost while this instance was being written. */
bool analysis_incomplete(const struct analysis *a,
			 const struct an_instance *in);
/* The value before the first write and after the last one. */
void analysis_endpoints(const struct an_instance *in, int32_t *first,
			int32_t *last);
/* Last stored - first read - sum of deltas, from the counts. */
int64_t analysis_net_drift(const struct an_instance *in);
/*
 * The drift the audit reports: the net drift, exact across drops, when
 * the counts were given; folded from records, the net drift where plain
 * stores raced and no record was lost, else the values lost at the
 * chain's breaks (which leaves the gaps out).
 */
int64_t analysis_drift(const struct analysis *a, const struct an_instance *in);
/* Findings not suppressed, of error and of warning classes (a may be NULL). */
void analysis_totals(const struct analysis *a, size_t *errors,
		     size_t *warnings);
/* Error-class findings not suppressed. */
size_t analysis_errors(const struct analysis *a);
/* The bound overflow is checked against: --capacity's or the driver's. */
int32_t analysis_capacity(const struct analysis *a,
			  const struct an_instance *in);

#endif /* __BES2600_ANALYSIS_H */
