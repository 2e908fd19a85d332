/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bes2600-top state: what its BPF side (bpf/state.bpf.c) sends userspace.
 * A call of a measured function is snapshotted on entry and compared on
 * return, eight bytes at a time; a record carries the changed words.  A
 * hardware watchpoint's hits are counted in a map.
 */
#ifndef __BES2600_STATE_EVENT_H
#define __BES2600_STATE_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define BES2600_STATE_MAX_SNAP	8192	/* bytes of the struct compared */
#define BES2600_STATE_MAX_WORDS	(BES2600_STATE_MAX_SNAP / 8)
#define BES2600_STATE_MAX_CH	48	/* changed words one record carries */
#define BES2600_STATE_MAX_FUNCS	64
#define BES2600_STATE_INFLIGHT	1024	/* calls in flight at once */
#define BES2600_STATE_MAX_WATCH	16	/* watchpoint slots (cookie) */
#define BES2600_STATE_HIT_KEYS	8192	/* writing sites x contexts */

/* A kprobe's attach cookie: function index, argument, struct offset. */
#define BES2600_STATE_COOKIE(func, arg, off) \
	((__u64)(func) | (__u64)(arg) << 8 | (__u64)(__u32)(off) << 32)
#define BES2600_STATE_COOKIE_FUNC(c)	((__u32)(c) & 0xff)
#define BES2600_STATE_COOKIE_ARG(c)	((__u32)((c) >> 8) & 0xf)
#define BES2600_STATE_COOKIE_OFFSET(c)	((__u64)((c) >> 32))

enum bes2600_state_rec {
	BES2600_STATE_CALL = 1,
};

/* bes2600_state_call.flags */
#define BES2600_STATE_F_TRUNC	0x01	/* more words changed than carried */

/* A changed word: its index, its changed bytes (bit b: byte b), its value. */
struct bes2600_state_change {
	__u64 val;		/* on return */
	__u32 word;
	__u32 mask;
};

/*
 * One call: [t0, t1] on inst, from one context, both snapshots inside.
 * The record ends after its nch changes.
 */
struct bes2600_state_call {
	__u32 type;		/* BES2600_STATE_CALL */
	__u16 func;		/* index in userspace's function list */
	__u8 ctx_kind;		/* enum bes2600_ctx_kind */
	__u8 flags;
	__u64 inst;
	__u64 t0, t1;		/* CLOCK_MONOTONIC ns */
	__u64 ctx_func;		/* BES2600_CTX_WORK: the work function */
	__u32 pid;
	__u16 nch;		/* words carried in ch/val */
	__u16 nchanged;		/* words that changed */
	char comm[16];
	struct bes2600_state_change ch[BES2600_STATE_MAX_CH];
};

/*
 * Writes to a watched field, counted in a map (a hit comes in NMI
 * context, where no shared buffer can be waited for), one entry per
 * instruction (the one after the store: data breakpoints trap once it is
 * done), writing context and set of measured functions in flight there
 * (bit i: function i).
 */
struct bes2600_state_hit_key {
	__u64 ip;
	__u64 ctx_func;
	__u64 inflight;
	__u32 slot;
	__u32 generation;	/* the slot's arming, as userspace set it */
	__u8 ctx_kind;
	__u8 same;		/* BES2600_STATE_HIT_* (see state_table.h) */
	__u8 pad[6];
	char comm[16];
};

/* A hit's value against the last one known for the field. */
#define BES2600_STATE_HIT_CHANGED	0
#define BES2600_STATE_HIT_SAME		1
#define BES2600_STATE_HIT_UNKNOWN	2	/* armed, not yet seeded */

struct bes2600_state_hit_val {
	__u64 count;
	__u64 old, new_;	/* the last write's value before and after */
	__u64 have_old;
};

/* A watch slot, set by userspace: which bytes, since which arming. */
struct bes2600_state_watch {
	__u64 addr;
	__u32 len;		/* 1, 2, 4 or 8 */
	__u32 generation;
	__u64 last;		/* the value after the last hit */
	__u32 have_last;
	__u32 pad;
};

/* Per CPU; userspace sums them. */
struct bes2600_state_stats {
	__u64 calls;		/* returns compared */
	__u64 entries;
	__u64 busy;		/* a program of ours was running on this CPU */
	__u64 nested;		/* the same function again in one context */
	__u64 no_slot;		/* BES2600_STATE_INFLIGHT calls in flight */
	__u64 no_entry;		/* a return whose entry we did not see */
	__u64 read_fail;	/* the struct could not be read */
	__u64 lost;		/* records the ring had no room for */
	__u64 hits;
	__u64 hits_lost;	/* hits the map had no room for */
	__u64 ns;		/* time spent in our programs */
};

#endif /* __BES2600_STATE_EVENT_H */
