/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Keys and values of the maps bes2600-top's BPF side aggregates in, read
 * by userspace once per interval.  Plain fixed-size types only.
 */
#ifndef _BES2600_TOP_MAPS_H
#define _BES2600_TOP_MAPS_H

#include "top_event.h"

#define BES2600_MAX_STACK 32
/* Kernel stacks kept (the stack map's size): ids are 0..this - 1. */
#define BES2600_STACK_ENTRIES 4096

/*
 * The dashboard's aggregation (bpf/bes2600_top.bpf.c): one slot per
 * counter instance, indexed by bes2600_inst_index(), in an array map that
 * userspace reads once per interval.  Updated without a lock: value and
 * min/max are the dashboard's, not exact; counts are exact.
 */
#define BES2600_MAX_HW 4		/* chips per host */
#define BES2600_MAX_IDX 8		/* vif / queue indices per counter */
#define BES2600_NR_INST (BES2600_MAX_HW * BES2600_NR_COUNTERS * BES2600_MAX_IDX)
#define BES2600_INST_WRITERS 8		/* writer rows kept per instance */

/* bes2600_inst_stats.flags */
#define BES2600_INST_PLAIN 0x1		/* a plain write was seen: stream all */

/* One writer: context x call site x flavour x op, claimed by its tag. */
struct bes2600_agg_writer {
	__u64 tag;		/* hash of the rest, never 0; 0 = free */
	__u64 ctx_func;		/* work function */
	__u64 caller;
	char comm[BES2600_COMM_LEN];	/* kthread and task contexts */
	__u8 ctx_kind;
	__u8 atomic;
	__u8 op;
	__u8 pad[5];
	__u64 count;
};

struct bes2600_inst_stats {
	__u64 writes;
	__u64 other_writes;	/* by writers that found no free row */
	__s64 delta_sum;
	__s32 value;		/* stored by the latest write */
	__u32 flags;
	/* min/max of interval epoch E live in slot E & 1, tagged with E */
	__u32 epoch[2];
	__s32 min[2];
	__s32 max[2];
	__s32 capacity;		/* the driver's bound, from the latest write */
	struct bes2600_agg_writer w[BES2600_INST_WRITERS];
};

/* The slot of (chip slot, counter, idx), or -1 when it has none. */
static inline int bes2600_inst_index(int hw_slot, __u32 counter, __s32 idx)
{
	if (hw_slot < 0 || hw_slot >= BES2600_MAX_HW ||
	    counter >= BES2600_NR_COUNTERS || idx < 0 ||
	    idx >= BES2600_MAX_IDX)
		return -1;
	return (hw_slot * BES2600_NR_COUNTERS + counter) * BES2600_MAX_IDX +
	       idx;
}

/*
 * Latencies in log-linear buckets: 16 linear ones per power of two, so a
 * percentile is within ~3 %; values below 16 ns get a bucket each.  The
 * BPF side and userspace share the layout.
 */
#define BES2600_HIST_SUB 16
#define BES2600_HIST_BUCKETS (BES2600_HIST_SUB + 60 * BES2600_HIST_SUB)

/* floor(log2(v)) for v > 0, without a count-leading-zeros instruction. */
static inline unsigned int bes2600_log2(__u64 v)
{
	unsigned int e = 0, shift;

	/* A binary search; a fixed count, which BPF unrolls or bounds. */
	for (shift = 32; shift; shift >>= 1)
		if (v >> shift) {
			v >>= shift;
			e += shift;
		}
	return e;
}

static inline __u32 bes2600_hist_bucket(__u64 v)
{
	unsigned int e;
	__u32 i;

	if (v < BES2600_HIST_SUB)
		return v;
	e = bes2600_log2(v);
	i = BES2600_HIST_SUB + (e - 4) * BES2600_HIST_SUB +
	    ((v >> (e - 4)) & (BES2600_HIST_SUB - 1));
	return i < BES2600_HIST_BUCKETS ? i : BES2600_HIST_BUCKETS - 1;
}

/* The Phase 7 totals, as the BPF side and the audit both count them. */
struct bes2600_rx_totals {
	__u64 queue_events;	/* sdio_rx_work_queue events */
	__u64 queued;		/* of which queue_work() queued the work */
	__u64 redispatches;	/* reason BH re-dispatch */
	__u64 starts;
	__u64 runs;		/* sdio_rx_work_end events */
	__u64 packets, bytes, transfers, direct, to_queue, errors;
};

/*
 * The dashboard's sdio_rx_work figures, per chip slot, totals since the
 * session (or its reset) began.
 */
struct bes2600_rx_stats {
	struct bes2600_rx_totals t;
	__u64 pend_ts;		/* the queueing not started yet, 0: none */
	__u64 run_start;	/* the run not ended yet, 0: none */
	__u32 plain;		/* a counter of the chip had a plain write */
	__u32 pad;
	__u32 q2s[BES2600_HIST_BUCKETS];	/* queue -> start, ns */
	__u32 s2e[BES2600_HIST_BUCKETS];	/* start -> end, ns */
};

struct bes2600_cpu_stats {
	__u64 events;		/* bes2600 events seen */
	__u64 lost;		/* not sent since the last sent record */
	__u64 lost_total;
	__u64 unwoken;		/* bytes sent since this CPU last woke the reader */
	__u64 unaggregated;	/* writes with no instance slot (idx, chips) */
	/* the BPF side's cache: the worker of the last workqueue thread */
	__u64 cached_task;
	__u64 cached_worker;
	__u32 cached_pid;
	__u32 pad;
};

#endif /* _BES2600_TOP_MAPS_H */
