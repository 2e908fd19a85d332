/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bes2600 trace events as a driver that adopted the ABI from
 * docs/tracepoints.md might write them, not from include/: the field set
 * of each variant is chosen by the wrapper file that builds it.
 *
 *   ABI_CTR_CAPACITY   the counter events carry the ninth field, capacity
 *   ABI_TIMER          pending_count_timer, with four fields (no now)
 *   ABI_RX_WORK        the three sdio_rx_work events
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bes2600

#if !defined(_ABI_SRC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ABI_SRC_TRACE_H

#include <linux/tracepoint.h>

#ifdef ABI_CTR_CAPACITY
#define CTR_PROTO void *hw, int idx, int op, int delta, int old, int new, \
		  u8 atomic, unsigned long caller, int capacity
#define CTR_ARGS hw, idx, op, delta, old, new, atomic, caller, capacity
#else
#define CTR_PROTO void *hw, int idx, int op, int delta, int old, int new, \
		  u8 atomic, unsigned long caller
#define CTR_ARGS hw, idx, op, delta, old, new, atomic, caller
#endif

DECLARE_EVENT_CLASS(abi_src_counter,
	TP_PROTO(CTR_PROTO),
	TP_ARGS(CTR_ARGS),
	TP_STRUCT__entry(
		__field(void *, hw)
		__field(int, idx)
		__field(int, op)
		__field(int, delta)
		__field(int, old)
		__field(int, new)
		__field(u8, atomic)
		__field(unsigned long, caller)
#ifdef ABI_CTR_CAPACITY
		__field(int, capacity)
#endif
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
#ifdef ABI_CTR_CAPACITY
		__entry->capacity = capacity;
#endif
	),
	TP_printk("hw=%p idx=%d op=%d delta=%d old=%d new=%d atomic=%u",
		  __entry->hw, __entry->idx, __entry->op, __entry->delta,
		  __entry->old, __entry->new, __entry->atomic)
);

DEFINE_EVENT(abi_src_counter, hw_bufs_used, TP_PROTO(CTR_PROTO),
	     TP_ARGS(CTR_ARGS));
DEFINE_EVENT(abi_src_counter, hw_bufs_used_vif, TP_PROTO(CTR_PROTO),
	     TP_ARGS(CTR_ARGS));
DEFINE_EVENT(abi_src_counter, wsm_tx_pending, TP_PROTO(CTR_PROTO),
	     TP_ARGS(CTR_ARGS));

#ifdef ABI_TIMER
TRACE_EVENT(pending_count_timer,
	TP_PROTO(void *hw, int idx, int count, int action),
	TP_ARGS(hw, idx, count, action),
	TP_STRUCT__entry(
		__field(void *, hw)
		__field(int, idx)
		__field(int, count)
		__field(int, action)
	),
	TP_fast_assign(
		__entry->hw = hw;
		__entry->idx = idx;
		__entry->count = count;
		__entry->action = action;
	),
	TP_printk("hw=%p idx=%d count=%d action=%d", __entry->hw,
		  __entry->idx, __entry->count, __entry->action)
);
#endif

#ifdef ABI_RX_WORK
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
	TP_printk("hw=%p reason=%d queued=%u", __entry->hw, __entry->reason,
		  __entry->queued)
);

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
	TP_printk("hw=%p packets=%u", __entry->hw, __entry->packets)
);
#endif

#endif /* _ABI_SRC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE abi_src_trace
#include <trace/define_trace.h>
