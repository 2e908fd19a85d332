/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Keys and values of the maps bes2600-top's BPF side aggregates in, read
 * by userspace once per interval.  Plain fixed-size types only.
 */
#ifndef _BES2600_TOP_MAPS_H
#define _BES2600_TOP_MAPS_H

#include "top_event.h"

#ifndef __VMLINUX_H__
#include <stdbool.h>
#endif

#define BES2600_MAX_STACK 32
/* Kernel stacks kept (the stack map's size): ids are 0..this - 1. */
#define BES2600_STACK_ENTRIES 4096

/*
 * The counts (bpf/bes2600_top.bpf.c): one slot per counter instance,
 * indexed by bes2600_inst_index(), in an array map that the audit and the
 * dashboard read.  Every write is counted here, sent through the ring or
 * not, so these figures stay exact across any ring overflow; userspace
 * counts none of them again (a record file without them is folded into
 * the same struct: tools/bes2600-top/counts.c).
 */
#define BES2600_MAX_HW 4		/* chips per host */
#define BES2600_MAX_IDX 8		/* vif / queue indices per counter */
#define BES2600_NR_INST (BES2600_MAX_HW * BES2600_NR_COUNTERS * BES2600_MAX_IDX)
#define BES2600_INST_WRITERS 16		/* writer rows kept per instance */

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
	/* CLOCK_MONOTONIC of the first and latest write, to 100 ms */
	__u64 first_ns, last_ns;
};

struct bes2600_inst_stats {
	__u64 writes;		/* all, plain and atomic */
	__u64 plain_writes;
	__u64 other_writes;	/* by writers that found no free row */
	/* add/subs whose previous add/sub was another context's */
	__u64 handovers;
	__s64 delta_sum;
	__u64 last_ctx;		/* context hash of the latest add/sub */
	__u32 has_first;	/* first is set (claimed by one write) */
	__s32 first;		/* the value before the first write */
	__s32 value;		/* stored by the latest write */
	__s32 capacity;		/* the driver's bound, from the latest write */
	/* whole-session min/max of the values; unlocked: may miss one */
	__s32 lo, hi;
	__u32 plain;		/* a plain write was seen: stream all */
	/* min/max of interval epoch E live in slot E & 1, tagged with E + 1 */
	__u32 epoch[2];
	__s32 min[2];
	__s32 max[2];
	__u32 pad;
	/* wsm_tx_pending: pending-count timer decisions, and the stale ones */
	__u64 timer_decisions, timer_stale;
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

#define BES2600_HASH_K 0x9e3779b97f4a7c15ULL

/* A writer's context as a hash, never 0: a handover is a change of it. */
static inline __u64 bes2600_ctx_hash(__u8 kind, __u64 func, const char *comm)
{
	__u64 c0, c1, h;

	__builtin_memcpy(&c0, comm, 8);
	__builtin_memcpy(&c1, comm + 8, 8);
	h = (func ^ kind) * BES2600_HASH_K;
	h = (h ^ c0) * BES2600_HASH_K;
	h = (h ^ c1) * BES2600_HASH_K;
	return h | 1;
}

/*
 * The rules of the counts, shared by the BPF side (which runs them on
 * every write) and userspace (which folds a record file that carries no
 * counts through them): e is a counter event with its context decided;
 * ep the interval epoch; now its time.  Lock-free: racing writers may
 * leave value, lo/hi and min/max of either; the counts are exact.
 * Returns true for the instance's first plain write.
 */
static inline bool bes2600_count_write(struct bes2600_inst_stats *is,
				       const struct bes2600_event *e,
				       __u32 ep, __u64 now)
{
	__u32 s = ep & 1, i;
	__s32 v = e->ctr.new_;
	struct bes2600_agg_writer *w;
	bool first_plain = false;
	__u64 ctx, tag, cur, h;

	__sync_fetch_and_add(&is->writes, 1);
	__sync_fetch_and_add(&is->delta_sum, e->ctr.delta);
	/* One write claims the first value; the others find it taken. */
	if (!is->has_first &&
	    !__sync_val_compare_and_swap(&is->has_first, 0, 1)) {
		is->first = e->ctr.old;
		is->lo = is->hi = e->ctr.old;
	}
	is->value = v;
	is->capacity = e->ctr.capacity;
	if (v < is->lo)
		is->lo = v;
	else if (v > is->hi)
		is->hi = v;
	/* Tagged ep + 1: a zeroed slot belongs to no interval. */
	if (is->epoch[s] != ep + 1) {
		is->epoch[s] = ep + 1;
		is->min[s] = is->max[s] = v;
	} else if (v < is->min[s]) {
		is->min[s] = v;
	} else if (v > is->max[s]) {
		is->max[s] = v;
	}
	if (!e->ctr.atomic) {
		__sync_fetch_and_add(&is->plain_writes, 1);
		if (!is->plain) {
			is->plain = 1;
			first_plain = true;
		}
	}
	ctx = bes2600_ctx_hash(e->ctx_kind, e->ctx_func, e->comm);
	if (e->ctr.op != BES2600_CTR_OP_SET) {
		if (is->last_ctx && is->last_ctx != ctx)
			__sync_fetch_and_add(&is->handovers, 1);
		is->last_ctx = ctx;
	}
	/*
	 * A writer row is claimed by a 64-bit hash of its key, so a lookup
	 * is one compare per row and a claim one cmpxchg; the claimer fills
	 * the key fields for userspace to name.
	 */
	h = (ctx ^ e->ctr.caller) * BES2600_HASH_K;
	tag = ((h ^ (e->ctr.atomic | (__u64)e->ctr.op << 8)) *
	       BES2600_HASH_K) | 1;
	for (i = 0; i < BES2600_INST_WRITERS; i++) {
		w = &is->w[i];
		cur = w->tag;
		if (!cur) {
			cur = __sync_val_compare_and_swap(&w->tag, 0, tag);
			if (!cur) {
				w->ctx_func = e->ctx_func;
				w->caller = e->ctr.caller;
				__builtin_memcpy(w->comm, e->comm,
						 sizeof(w->comm));
				w->ctx_kind = e->ctx_kind;
				w->atomic = e->ctr.atomic;
				w->op = e->ctr.op;
				w->first_ns = now;
				cur = tag;
			}
		}
		if (cur == tag) {
			__sync_fetch_and_add(&w->count, 1);
			if (now > w->last_ns)
				w->last_ns = now;
			return first_plain;
		}
	}
	__sync_fetch_and_add(&is->other_writes, 1);
	return first_plain;
}

/* A pending-count timer decision, counted in its wsm_tx_pending slot. */
static inline void bes2600_count_timer(struct bes2600_inst_stats *is,
				       bool has_now, __s32 count, __s32 now)
{
	__sync_fetch_and_add(&is->timer_decisions, 1);
	if (has_now && now != count)
		__sync_fetch_and_add(&is->timer_stale, 1);
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
	__u64 sent;		/* records sent through the ring */
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
