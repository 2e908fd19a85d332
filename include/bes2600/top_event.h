/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The record bes2600-top's BPF programs send to userspace for each
 * bes2600:* event, and the unit of its record files (docs/record-format.md).
 * Shared by bpf/ and tools/bes2600-top/; plain fixed-size types only.
 */
#ifndef _BES2600_TOP_EVENT_H
#define _BES2600_TOP_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include "abi.h"

/* Which trace event a record comes from. */
enum bes2600_ev_type {
	BES2600_EV_COUNTER = 1,		/* hw_bufs_used, _vif, wsm_tx_pending */
	BES2600_EV_RX_WORK_QUEUE = 2,
	BES2600_EV_RX_WORK_START = 3,
	BES2600_EV_RX_WORK_END = 4,
	BES2600_EV_PENDING_TIMER = 5,
};

/* Which counter a BES2600_EV_COUNTER record is about. */
enum bes2600_counter_id {
	BES2600_HW_BUFS_USED = 0,
	BES2600_HW_BUFS_USED_VIF = 1,
	BES2600_WSM_TX_PENDING = 2,
	BES2600_NR_COUNTERS = 3,
};

/* The logical context of the writer (architecture notes, "Contexts"). */
enum bes2600_ctx_kind {
	BES2600_CTX_HARDIRQ = 1,
	BES2600_CTX_SOFTIRQ = 2,
	BES2600_CTX_NMI = 3,
	BES2600_CTX_WORK = 4,		/* ctx_func: the work function */
	BES2600_CTX_KTHREAD = 5,	/* comm; userspace drops a "/N" suffix */
	BES2600_CTX_TASK = 6,		/* comm */
};

#define BES2600_COMM_LEN 16

/*
 * bes2600_event.flags.  SAMPLED: a counter record sent on its own (an
 * atomic write out of bounds) while the instance's other atomic writes
 * were only counted in maps (the dashboard): it is no link of a chain.
 */
#define BES2600_REC_SAMPLED 0x1
/* A pending-count timer record from a four-field event: no "now". */
#define BES2600_REC_NO_NOW 0x2

struct bes2600_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() at the event */
	__u64 hw;		/* the bes2600_common instance */
	__u64 ctx_func;		/* BES2600_CTX_WORK: work function address */
	__u32 type;		/* enum bes2600_ev_type */
	__u32 cpu;
	__u32 pid;		/* kernel pid (thread id) */
	__s32 stack_id;		/* -1 without --stacks */
	__u8 ctx_kind;		/* enum bes2600_ctx_kind */
	__u8 flags;		/* BES2600_REC_* */
	__u8 pad[2];
	__u32 lost_before;	/* records this CPU failed to send before */
	char comm[BES2600_COMM_LEN];
	union {
		struct {	/* BES2600_EV_COUNTER */
			__u32 counter;	/* enum bes2600_counter_id */
			__s32 idx;
			__s32 op;	/* 0 set, 1 add, 2 sub */
			__s32 delta;
			__s32 old;
			__s32 new_;
			__u32 atomic;
			__s32 capacity;	/* the driver's bound, 0: none */
			__u64 caller;
		} ctr;
		struct {	/* BES2600_EV_RX_WORK_QUEUE */
			__s32 reason;	/* 0 interrupt, 1 BH re-dispatch */
			__u32 queued;
		} rxq;
		struct {	/* BES2600_EV_RX_WORK_END */
			__u32 transfers, packets, bytes, direct, queued;
			__s32 err;
		} rxe;
		struct {	/* BES2600_EV_PENDING_TIMER */
			__s32 idx;
			__s32 count;
			__s32 action;	/* 0 del_timer, 1 mod_timer */
			__s32 now;	/* read back; see BES2600_REC_NO_NOW */
		} timer;
	};
};

#endif /* _BES2600_TOP_EVENT_H */
