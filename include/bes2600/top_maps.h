/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Keys and values of the maps bes2600-top's BPF side aggregates in, read
 * by userspace once per interval.  Plain fixed-size types only.
 */
#ifndef _BES2600_TOP_MAPS_H
#define _BES2600_TOP_MAPS_H

#include "top_event.h"

#define BES2600_MAX_STACK 32

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
	__u32 pad;
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
