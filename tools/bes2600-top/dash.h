/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The dashboard's model, with no curses in it: per-interval figures of
 * the counters, their writers and sdio_rx_work, from the BPF side's
 * counts (the audit's too) and the findings of the same analysis as the
 * audit's, and the batch-mode lines (text, CSV, JSONL).  The unit tests
 * drive it directly.
 */
#ifndef __BES2600_DASH_H
#define __BES2600_DASH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <bes2600/top_maps.h>

#include "rxwork.h"

struct analysis;
struct symtab;

#define DASH_MAX_INST 16
#define DASH_SPARK 60		/* one sample per interval */
#define DASH_MAX_WRITERS 32

/* One counter instance, as the dashboard shows it. */
struct dash_inst {
	uint32_t counter;
	int32_t idx;
	bool seen;		/* written at least once */
	int32_t value;		/* value stored by the latest-stamped write */
	uint64_t value_ts;
	int32_t imin, imax;	/* in the interval */
	bool iseen;
	uint64_t iwrites;	/* writes in the interval */
	uint64_t writes;
	double per_s;		/* transitions per second, last interval */
	int32_t spark[DASH_SPARK];	/* value at the end of each interval */
	int nspark;
};

struct dash_writer {
	char counter[32];
	char context[48];
	char site[64];
	bool atomic;
	uint64_t count;		/* total */
	double per_s;		/* last interval */
};

struct dash_rx {
	double runs_per_s, packets_per_run, dispatches_per_1000;
	uint64_t redispatches;	/* in the interval */
	double q2s_p50_us, q2s_p99_us, run_p50_us, run_p99_us;
};

struct dash {
	struct dash_inst inst[DASH_MAX_INST];
	int ninst;
	struct dash_writer writers[DASH_MAX_WRITERS];
	int nwriters;
	struct dash_rx rx;
	/* seen by the BPF side: total, in the interval */
	uint64_t events, ievents;
	double events_per_s;
	uint64_t drops;
	/* records sent and not delivered when the interval ended */
	uint64_t backlog;
	double interval_s;		/* length of the last interval */
	uint64_t intervals;
	/* the sdio_rx_work totals the BPF side counted */
	struct rxwork agg_rx;
	/* the interval's writer rows, before their rates */
	struct dash_writer next_writers[DASH_MAX_WRITERS];
	int nnext_writers;
	/* previous totals, for the interval's rates */
	uint64_t prev_runs, prev_packets, prev_queue, prev_redisp;
};

enum dash_format { DASH_TEXT, DASH_CSV, DASH_JSONL };

void dash_init(struct dash *d);

/* One instance slot of the BPF aggregation, read at an interval's end. */
struct dash_agg {
	uint32_t counter;
	int32_t idx;
	const struct bes2600_inst_stats *st;
};

/*
 * The instances' values, interval min/max (of the epoch that ended),
 * writes, writers, the sdio_rx_work figures (rx, NULL: none) and the
 * events seen, from the maps; call it before each dash_interval().
 */
void dash_take_agg(struct dash *d, const struct dash_agg *v, int n,
		   const struct bes2600_rx_stats *rx, uint32_t ended_epoch,
		   uint64_t seen, struct symtab *syms);
/*
 * Closes an interval of interval_ns: rates, min/max, sparklines, writers
 * and the sdio_rx_work figures; a (the findings) may be NULL.
 */
void dash_interval(struct dash *d, uint64_t interval_ns, uint64_t drops);
struct dash_inst *dash_find(const struct dash *d, uint32_t counter,
			    int32_t idx);

/*
 * A sparkline of n values in width characters (the last width values),
 * scaled from lo ('.') to hi ('@') on the ASCII ramp ".:-=+*#%@" so it
 * reads on any terminal; missing samples are blanks on the left.  buf gets
 * width + 1 bytes.
 */
void dash_sparkline(const int32_t *v, int n, int width, int32_t lo,
		    int32_t hi, char *buf);
/* count / seconds, 0 for an empty interval. */
double dash_rate(uint64_t count, double seconds);

/* Batch mode: the header (text and CSV) and one line per interval. */
void dash_batch_header(FILE *f, enum dash_format fmt);
void dash_batch_line(FILE *f, enum dash_format fmt, const struct dash *d,
		     const struct analysis *a, double t_s);

#endif /* __BES2600_DASH_H */
