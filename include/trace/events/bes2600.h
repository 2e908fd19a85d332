/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bes2600 host-interface trace events.
 *
 * This is a stable ABI: bpftrace one-liners, bes2600-top and any driver
 * that adopts include/bes2600/counters.h rely on the event names, the field
 * names, their order and their meaning.  Events may be added; none of these
 * may change.  docs/tracepoints.md documents every field and firing point.
 *
 * Exactly one .c file of a driver defines CREATE_TRACE_POINTS before
 * including this header; the include path must contain the directory that
 * holds trace/events/ (the lab adds -I$(src)/../include).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bes2600

#if !defined(_TRACE_BES2600_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_BES2600_H

#include <linux/tracepoint.h>
#include <bes2600/abi.h>	/* op, reason and action codes */

/*
 * One class for the three counters.  TP_PROTO takes the fields in the order
 * of the ABI table, so raw_tp and tp_btf programs see the same layout as
 * the format file.  Fired once per write, after the store, in the writer's
 * own context.  capacity, added after the first eight fields (which keep
 * their meaning), is the bound the driver knows for the counter (for
 * hw_bufs_used: wsm_caps.numInpChBufs), 0 when it has none.
 */
DECLARE_EVENT_CLASS(bes2600_counter,

	TP_PROTO(void *hw, int idx, int op, int delta, int old, int new,
		 u8 atomic, unsigned long caller, int capacity),

	TP_ARGS(hw, idx, op, delta, old, new, atomic, caller, capacity),

	TP_STRUCT__entry(
		__field(void *, hw)
		__field(int, idx)
		__field(int, op)
		__field(int, delta)
		__field(int, old)
		__field(int, new)
		__field(u8, atomic)
		__field(unsigned long, caller)
		__field(int, capacity)
	),

	TP_fast_assign(
		__entry->hw = hw;
		__entry->idx = idx;
		__entry->op = op;
		__entry->delta = delta;
		__entry->old = old;
		__entry->new = new;
		__entry->atomic = atomic;
		__entry->caller = caller;
		__entry->capacity = capacity;
	),

	TP_printk("hw=%p idx=%d op=%s delta=%d old=%d new=%d atomic=%u caller=%pS capacity=%d",
		  __entry->hw, __entry->idx,
		  __print_symbolic(__entry->op,
				   { BES2600_CTR_OP_SET, "set" },
				   { BES2600_CTR_OP_ADD, "add" },
				   { BES2600_CTR_OP_SUB, "sub" }),
		  __entry->delta, __entry->old, __entry->new,
		  __entry->atomic, (void *)__entry->caller, __entry->capacity)
);

/* hw_priv->hw_bufs_used: chip input buffers in use; idx is always 0. */
DEFINE_EVENT(bes2600_counter, hw_bufs_used,
	TP_PROTO(void *hw, int idx, int op, int delta, int old, int new,
		 u8 atomic, unsigned long caller, int capacity),
	TP_ARGS(hw, idx, op, delta, old, new, atomic, caller, capacity)
);

/* hw_priv->hw_bufs_used_vif[idx]: buffers in use per interface id. */
DEFINE_EVENT(bes2600_counter, hw_bufs_used_vif,
	TP_PROTO(void *hw, int idx, int op, int delta, int old, int new,
		 u8 atomic, unsigned long caller, int capacity),
	TP_ARGS(hw, idx, op, delta, old, new, atomic, caller, capacity)
);

/* hw_priv->wsm_tx_pending[idx]: 0 normal traffic, 1 special command. */
DEFINE_EVENT(bes2600_counter, wsm_tx_pending,
	TP_PROTO(void *hw, int idx, int op, int delta, int old, int new,
		 u8 atomic, unsigned long caller, int capacity),
	TP_ARGS(hw, idx, op, delta, old, new, atomic, caller, capacity)
);

/* Fired after queue_work(); queued says whether it was not already pending. */
TRACE_EVENT(sdio_rx_work_queue,

	TP_PROTO(void *hw, int reason, u8 queued),

	TP_ARGS(hw, reason, queued),

	TP_STRUCT__entry(
		__field(void *, hw)
		__field(int, reason)
		__field(u8, queued)
	),

	TP_fast_assign(
		__entry->hw = hw;
		__entry->reason = reason;
		__entry->queued = queued;
	),

	TP_printk("hw=%p reason=%s queued=%u", __entry->hw,
		  __print_symbolic(__entry->reason,
				   { BES2600_RX_WORK_IRQ, "irq" },
				   { BES2600_RX_WORK_BH_REDISPATCH, "bh" },
				   { BES2600_RX_WORK_TX, "tx" }),
		  __entry->queued)
);

/* Fired when sdio_rx_work begins to run, before it touches the chip. */
TRACE_EVENT(sdio_rx_work_start,

	TP_PROTO(void *hw),

	TP_ARGS(hw),

	TP_STRUCT__entry(
		__field(void *, hw)
	),

	TP_fast_assign(
		__entry->hw = hw;
	),

	TP_printk("hw=%p", __entry->hw)
);

/*
 * Fired when sdio_rx_work returns: SDIO transfers made, packets extracted,
 * their bytes, how many were delivered in the work itself (direct) and how
 * many were put on rx_queue for the BH (queued), and the first error.
 */
TRACE_EVENT(sdio_rx_work_end,

	TP_PROTO(void *hw, unsigned int transfers, unsigned int packets,
		 unsigned int bytes, unsigned int direct, unsigned int queued,
		 int err),

	TP_ARGS(hw, transfers, packets, bytes, direct, queued, err),

	TP_STRUCT__entry(
		__field(void *, hw)
		__field(unsigned int, transfers)
		__field(unsigned int, packets)
		__field(unsigned int, bytes)
		__field(unsigned int, direct)
		__field(unsigned int, queued)
		__field(int, err)
	),

	TP_fast_assign(
		__entry->hw = hw;
		__entry->transfers = transfers;
		__entry->packets = packets;
		__entry->bytes = bytes;
		__entry->direct = direct;
		__entry->queued = queued;
		__entry->err = err;
	),

	TP_printk("hw=%p transfers=%u packets=%u bytes=%u direct=%u queued=%u err=%d",
		  __entry->hw, __entry->transfers, __entry->packets,
		  __entry->bytes, __entry->direct, __entry->queued,
		  __entry->err)
);

/*
 * The timer decision of bes2600_bh_dec_pending_count(), fired after the
 * timer call returned: count is the value the decision was made on, now
 * the counter read back after the timer call (added after the first four
 * fields, which keep their meaning): now != count means another context
 * wrote the count before the action completed.
 */
TRACE_EVENT(pending_count_timer,

	TP_PROTO(void *hw, int idx, int count, int action, int now),

	TP_ARGS(hw, idx, count, action, now),

	TP_STRUCT__entry(
		__field(void *, hw)
		__field(int, idx)
		__field(int, count)
		__field(int, action)
		__field(int, now)
	),

	TP_fast_assign(
		__entry->hw = hw;
		__entry->idx = idx;
		__entry->count = count;
		__entry->action = action;
		__entry->now = now;
	),

	TP_printk("hw=%p idx=%d count=%d action=%s now=%d", __entry->hw,
		  __entry->idx, __entry->count,
		  __print_symbolic(__entry->action,
				   { BES2600_PENDING_TIMER_DEL, "del_timer" },
				   { BES2600_PENDING_TIMER_MOD, "mod_timer" }),
		  __entry->now)
);

#endif /* _TRACE_BES2600_H */

/* This part must be outside the include guard. */
#include <trace/define_trace.h>
