/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Keys and values of the maps bes2600-top's BPF side aggregates in, read
 * by userspace once per interval.  Plain fixed-size types only.
 */
#ifndef _BES2600_TOP_MAPS_H
#define _BES2600_TOP_MAPS_H

#include "top_event.h"

#define BES2600_MAX_STACK 32

/* One writer: counter instance x context x call site x flavour x op. */
struct bes2600_writer_key {
	__u64 hw;
	__u64 ctx_func;
	__u64 caller;
	__u32 counter;
	__s32 idx;
	__u8 ctx_kind;
	__u8 atomic;
	__u8 op;
	__u8 pad;
	char comm[BES2600_COMM_LEN];	/* kthread and task contexts only */
	__u32 pad2;
};

struct bes2600_writer_val {
	__u64 count;
	__u64 first_ns;
	__u64 last_ns;
};

struct bes2600_inst_key {
	__u64 hw;
	__u32 counter;
	__s32 idx;
};

/* Updated without a lock: min/max/value are the dashboard's, not exact. */
struct bes2600_inst_val {
	__u64 writes;
	__s64 delta_sum;
	__u64 last_ns;
	__s32 value;
	__s32 min;
	__s32 max;
	__s32 pad;
};

struct bes2600_cpu_stats {
	__u64 events;		/* bes2600 events seen */
	__u64 lost;		/* not sent since the last sent record */
	__u64 lost_total;
	__u64 unwoken;		/* bytes sent since this CPU last woke the reader */
};

#endif /* _BES2600_TOP_MAPS_H */
