// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top, kernel side: one program per bes2600:* event, in a tp_btf
 * flavour (module BTF present) and a raw_tp one (no module BTF); userspace
 * enables one set before load.  Each event decides the writer's logical
 * context, counts it in a map, and sends a record through the ring buffer
 * when userspace streams (the audit always, the dashboard when it needs).
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "core_fixes.bpf.h"
#include "bes2600_top.h"

#define PF_KTHREAD	0x00200000
#define PF_WQ_WORKER	0x00000020
#define NMI_MASK	0x00f00000
#define HARDIRQ_MASK	0x000f0000
#define SOFTIRQ_OFFSET	0x00000100

const volatile bool stream = true;	/* send records, not only counts */
const volatile bool with_stacks;
const volatile __u64 wakeup_bytes = 256 * 1024;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4096);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, BES2600_MAX_STACK * sizeof(__u64));
} stacks SEC(".maps");

/* Writers per (instance, context, call site, flavour). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct bes2600_writer_key);
	__type(value, struct bes2600_writer_val);
} writers SEC(".maps");

/* Last value and totals per counter instance, for the dashboard. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct bes2600_inst_key);
	__type(value, struct bes2600_inst_val);
} instances SEC(".maps");

/* Records this CPU could not send since its last sent one; and totals. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bes2600_cpu_stats);
} cpu_stats SEC(".maps");

static __always_inline void decide_context(struct bes2600_event *e)
{
	struct task_struct *t = bpf_get_current_task_btf();
	int pc = get_preempt_count();
	unsigned int flags;
	int i;

	e->ctx_func = 0;
	/* Only threads and tasks are named by comm: a helper call saved. */
	__builtin_memset(e->comm, 0, sizeof(e->comm));
	if (pc & NMI_MASK) {
		e->ctx_kind = BES2600_CTX_NMI;
		return;
	}
	if (pc & HARDIRQ_MASK) {
		e->ctx_kind = BES2600_CTX_HARDIRQ;
		return;
	}
	if (pc & SOFTIRQ_OFFSET) {
		e->ctx_kind = BES2600_CTX_SOFTIRQ;
		return;
	}
	/* A trusted BTF pointer: a plain (CO-RE relocated) load. */
	flags = t->flags;
	if (flags & PF_WQ_WORKER) {
		struct worker *w = current_worker(t);

		e->ctx_kind = BES2600_CTX_WORK;
		e->ctx_func = (__u64)BPF_CORE_READ(w, current_func);
		return;
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (flags & PF_KTHREAD) {
		e->ctx_kind = BES2600_CTX_KTHREAD;
		/* Per-CPU kthreads are one context: drop the "/N" suffix. */
		for (i = 0; i < BES2600_COMM_LEN; i++) {
			if (e->comm[i] == '/')
				e->comm[i] = '\0';
			if (!e->comm[i])
				break;
		}
		return;
	}
	e->ctx_kind = BES2600_CTX_TASK;
}

static __always_inline struct bes2600_cpu_stats *my_stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_stats, &zero);
}

/*
 * A record is written in place in the ring (no copy through the stack).
 * reserve() returns NULL, counting the record as lost, when the ring is
 * full or nothing is streamed; submit() sends it with a batched wake-up.
 */
static __always_inline struct bes2600_event *
reserve(struct bes2600_cpu_stats **stp)
{
	struct bes2600_cpu_stats *st = my_stats();
	struct bes2600_event *e;

	*stp = st;
	if (!st)
		return NULL;
	st->events++;
	if (!stream)
		return NULL;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		st->lost++;
		st->lost_total++;
		return NULL;
	}
	return e;
}

static __always_inline void submit(void *ctx, struct bes2600_event *e,
				   struct bes2600_cpu_stats *st)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	e->lost_before = st->lost;
	st->lost = 0;
	e->stack_id = with_stacks ? bpf_get_stackid(ctx, &stacks, 0) : -1;
	/*
	 * Wake the reader in batches: a wake-up per event costs more.  Each
	 * CPU counts what it sent (cheaper than asking the ring each time).
	 */
	st->unwoken += sizeof(*e);
	if (st->unwoken >= wakeup_bytes) {
		st->unwoken = 0;
		flags = BPF_RB_FORCE_WAKEUP;
	}
	bpf_ringbuf_submit(e, flags);
}

static __always_inline void common(struct bes2600_event *e, __u32 type,
				   void *hw)
{
	e->ts_ns = bpf_ktime_get_ns();
	e->hw = (__u64)hw;
	e->type = type;
	e->cpu = bpf_get_smp_processor_id();
	e->pid = (__u32)bpf_get_current_pid_tgid();
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	__builtin_memset(&e->ctr, 0, sizeof(e->ctr));
	decide_context(e);
}

static __always_inline void count_writer(const struct bes2600_event *e)
{
	struct bes2600_writer_key wk = {};
	struct bes2600_writer_val *wv, nv = {};
	struct bes2600_inst_key ik = {};
	struct bes2600_inst_val *iv, niv = {};

	wk.hw = e->hw;
	wk.counter = e->ctr.counter;
	wk.idx = e->ctr.idx;
	wk.ctx_kind = e->ctx_kind;
	wk.atomic = e->ctr.atomic;
	wk.op = e->ctr.op;
	wk.ctx_func = e->ctx_func;
	wk.caller = e->ctr.caller;
	__builtin_memcpy(wk.comm, e->comm, sizeof(wk.comm));
	if (e->ctx_kind != BES2600_CTX_KTHREAD &&
	    e->ctx_kind != BES2600_CTX_TASK)
		__builtin_memset(wk.comm, 0, sizeof(wk.comm));
	wv = bpf_map_lookup_elem(&writers, &wk);
	if (wv) {
		__sync_fetch_and_add(&wv->count, 1);
		wv->last_ns = e->ts_ns;
	} else {
		nv.count = 1;
		nv.first_ns = nv.last_ns = e->ts_ns;
		bpf_map_update_elem(&writers, &wk, &nv, BPF_NOEXIST);
	}

	ik.hw = e->hw;
	ik.counter = e->ctr.counter;
	ik.idx = e->ctr.idx;
	iv = bpf_map_lookup_elem(&instances, &ik);
	if (!iv) {
		niv.min = niv.max = e->ctr.new_;
		bpf_map_update_elem(&instances, &ik, &niv, BPF_NOEXIST);
		iv = bpf_map_lookup_elem(&instances, &ik);
		if (!iv)
			return;
	}
	__sync_fetch_and_add(&iv->writes, 1);
	__sync_fetch_and_add(&iv->delta_sum, e->ctr.delta);
	iv->value = e->ctr.new_;
	iv->last_ns = e->ts_ns;
	if (e->ctr.new_ < iv->min)
		iv->min = e->ctr.new_;
	if (e->ctr.new_ > iv->max)
		iv->max = e->ctr.new_;
}

static __always_inline void fill_counter(struct bes2600_event *e,
					 __u32 counter, void *hw, int idx,
					 int op, int delta, int old, int new,
					 __u8 atomic, unsigned long caller)
{
	common(e, BES2600_EV_COUNTER, hw);
	e->ctr.counter = counter;
	e->ctr.idx = idx;
	e->ctr.op = op;
	e->ctr.delta = delta;
	e->ctr.old = old;
	e->ctr.new_ = new;
	e->ctr.atomic = atomic;
	e->ctr.caller = caller;
}

static __always_inline int on_counter(void *ctx, __u32 counter, void *hw,
				      int idx, int op, int delta, int old,
				      int new, __u8 atomic, unsigned long caller)
{
	struct bes2600_cpu_stats *st;
	struct bes2600_event *e;

	/* Without a stream (maps only), the record is built on the stack. */
	if (!stream) {
		struct bes2600_event tmp = {};

		st = my_stats();
		if (st)
			st->events++;
		fill_counter(&tmp, counter, hw, idx, op, delta, old, new,
			     atomic, caller);
		count_writer(&tmp);
		return 0;
	}
	e = reserve(&st);
	if (!e)
		return 0;
	fill_counter(e, counter, hw, idx, op, delta, old, new, atomic, caller);
	submit(ctx, e, st);
	return 0;
}

static __always_inline int on_rx_work_queue(void *ctx, void *hw, int reason,
					    __u8 queued)
{
	struct bes2600_cpu_stats *st;
	struct bes2600_event *e = reserve(&st);

	if (!e)
		return 0;
	common(e, BES2600_EV_RX_WORK_QUEUE, hw);
	e->rxq.reason = reason;
	e->rxq.queued = queued;
	submit(ctx, e, st);
	return 0;
}

static __always_inline int on_rx_work_start(void *ctx, void *hw)
{
	struct bes2600_cpu_stats *st;
	struct bes2600_event *e = reserve(&st);

	if (!e)
		return 0;
	common(e, BES2600_EV_RX_WORK_START, hw);
	submit(ctx, e, st);
	return 0;
}

static __always_inline int on_rx_work_end(void *ctx, void *hw, __u32 transfers,
					  __u32 packets, __u32 bytes,
					  __u32 direct, __u32 queued, int err)
{
	struct bes2600_cpu_stats *st;
	struct bes2600_event *e = reserve(&st);

	if (!e)
		return 0;
	common(e, BES2600_EV_RX_WORK_END, hw);
	e->rxe.transfers = transfers;
	e->rxe.packets = packets;
	e->rxe.bytes = bytes;
	e->rxe.direct = direct;
	e->rxe.queued = queued;
	e->rxe.err = err;
	submit(ctx, e, st);
	return 0;
}

static __always_inline int on_pending_timer(void *ctx, void *hw, int idx,
					    int count, int action, int now)
{
	struct bes2600_cpu_stats *st;
	struct bes2600_event *e = reserve(&st);

	if (!e)
		return 0;
	common(e, BES2600_EV_PENDING_TIMER, hw);
	e->timer.idx = idx;
	e->timer.count = count;
	e->timer.action = action;
	e->timer.now = now;
	submit(ctx, e, st);
	return 0;
}

/*
 * The same handlers under two section types.  TP_PROTO of every event
 * lists the ABI fields in order, so both see the same arguments.
 */
#define COUNTER_PROGS(name, id)						\
SEC("tp_btf/" #name)							\
int BPF_PROG(btf_##name, void *hw, int idx, int op, int delta, int old,	\
	     int new, __u8 atomic, unsigned long caller)		\
{									\
	return on_counter(ctx, id, hw, idx, op, delta, old, new, atomic, \
			  caller);					\
}									\
SEC("raw_tp/" #name)							\
int BPF_PROG(raw_##name, void *hw, int idx, int op, int delta, int old, \
	     int new, __u8 atomic, unsigned long caller)		\
{									\
	return on_counter(ctx, id, hw, idx, op, delta, old, new, atomic, \
			  caller);					\
}

COUNTER_PROGS(hw_bufs_used, BES2600_HW_BUFS_USED)
COUNTER_PROGS(hw_bufs_used_vif, BES2600_HW_BUFS_USED_VIF)
COUNTER_PROGS(wsm_tx_pending, BES2600_WSM_TX_PENDING)

#define PROGS(name, handler, proto, ...)				\
SEC("tp_btf/" #name)							\
int BPF_PROG(btf_##name, proto)						\
{									\
	return handler(ctx, __VA_ARGS__);				\
}									\
SEC("raw_tp/" #name)							\
int BPF_PROG(raw_##name, proto)						\
{									\
	return handler(ctx, __VA_ARGS__);				\
}

#define ARGS(...) __VA_ARGS__
PROGS(sdio_rx_work_queue, on_rx_work_queue,
      ARGS(void *hw, int reason, __u8 queued), hw, reason, queued)
PROGS(sdio_rx_work_start, on_rx_work_start, ARGS(void *hw), hw)
PROGS(sdio_rx_work_end, on_rx_work_end,
      ARGS(void *hw, unsigned int transfers, unsigned int packets,
	   unsigned int bytes, unsigned int direct, unsigned int queued,
	   int err),
      hw, transfers, packets, bytes, direct, queued, err)
PROGS(pending_count_timer, on_pending_timer,
      ARGS(void *hw, int idx, int count, int action, int now),
      hw, idx, count, action, now)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
