// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bes2600-top, kernel side: one program per bes2600:* event, in a tp_btf
 * flavour (module BTF present) and a raw_tp one (no module BTF); userspace
 * enables one set before load.  Each event decides the writer's logical
 * context and is counted exactly in maps (top_maps.h) that the audit and
 * the dashboard both read; a record goes through the ring only where the
 * userspace analysis needs one:
 *  - every write of an instance that has had a plain write (the chain);
 *  - an atomic write out of bounds (flagged SAMPLED: no chain around it);
 *  - wsm_tx_pending's writes, when the driver's timer event reads nothing
 *    back (then the writes around a decision tell whether it was stale);
 *  - a stale pending-count timer decision, or every one without now;
 *  - a chip's sdio_rx_work events once it has had a plain write.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bes2600_top.h"
#include "context.bpf.h"


const volatile bool stream = true;	/* send records through the ring */
/* Every write too (for timelines: --perfetto, --html), not only those above. */
const volatile bool stream_all;
const volatile __s32 capacity;		/* hw_bufs_used bound, 0: none */
/*
 * Fields the driver's events have past the first ABI version's, set by
 * userspace from the event's BTF or format file: a program must not read
 * an argument the event lacks (tp_btf fails to load, raw_tp to attach).
 * The verifier skips the branch that reads it when the flag is false.
 */
const volatile bool ctr_has_capacity;
const volatile bool timer_has_now;
const volatile bool with_stacks;
const volatile __u64 wakeup_bytes = 256 * 1024;

__u64 hw_slot[BES2600_MAX_HW];		/* the chip of each instance slot */
__u32 epoch;				/* userspace's interval number */
/*
 * CLOCK_MONOTONIC as userspace last stored it (at least every 100 ms):
 * the writer rows' times, for a load where a clock read per write costs.
 */
__u64 clock_ns;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, BES2600_STACK_ENTRIES);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, BES2600_MAX_STACK * sizeof(__u64));
} stacks SEC(".maps");

/*
 * An array, not a hash: the lookup is inlined, no key is hashed; and
 * mapped, so that userspace reads it without a system call.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, BES2600_NR_INST);
	__type(key, __u32);
	__type(value, struct bes2600_inst_stats);
} inst_stats SEC(".maps");

/* Per chip slot: the dashboard's sdio_rx_work figures, mapped likewise. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, BES2600_MAX_HW);
	__type(key, __u32);
	__type(value, struct bes2600_rx_stats);
} rx_stats SEC(".maps");

/* Records this CPU could not send since its last sent one; and totals. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bes2600_cpu_stats);
} cpu_stats SEC(".maps");

static __always_inline struct bes2600_cpu_stats *my_stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_stats, &zero);
}

/*
 * The worker behind a workqueue thread, remembered per CPU: it lives as
 * long as the thread, and finding it takes two reads through pointers
 * BTF does not type.  Keyed by task and pid, as a task's memory can be
 * reused by a new one.
 */
static __always_inline struct worker *
cached_worker(struct task_struct *t, struct bes2600_cpu_stats *st)
{
	struct worker *w;

	if (st && st->cached_task == (__u64)t && st->cached_pid == t->pid)
		return (struct worker *)st->cached_worker;
	w = current_worker(t);
	if (st) {
		st->cached_task = (__u64)t;
		st->cached_pid = t->pid;
		st->cached_worker = (__u64)w;
	}
	return w;
}

/*
 * Loads through the BTF pointer of current are plain loads, where the
 * helpers (comm, pid) would be calls; the per-CPU "/N" suffix of a
 * kthread's comm is dropped by userspace.
 */
static __always_inline void decide_context(struct bes2600_event *e,
					   struct bes2600_cpu_stats *st)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u8 kind = context_kind(t, get_preempt_count());

	e->pid = t->pid;
	e->ctx_func = 0;
	e->ctx_kind = kind;
	__builtin_memset(e->comm, 0, sizeof(e->comm));
	if (kind == BES2600_CTX_WORK)
		e->ctx_func = (__u64)BPF_CORE_READ(cached_worker(t, st),
						   current_func);
	else if (context_is_task(kind))
		__builtin_memcpy(e->comm, t->comm, sizeof(e->comm));
}

/* A ring slot, or NULL, counted as a lost record, when the ring is full. */
static __always_inline struct bes2600_event *
ring_slot(struct bes2600_cpu_stats *st)
{
	struct bes2600_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		st->lost++;
		st->lost_total++;
	}
	return e;
}

/*
 * A record is written in place in the ring (no copy through the stack).
 * reserve() returns NULL, counting the record as lost, when the ring is
 * full or nothing is streamed; submit() sends it with a batched wake-up.
 */
/* This CPU's stats, with the event counted as seen. */
static __always_inline struct bes2600_cpu_stats *counted(void)
{
	struct bes2600_cpu_stats *st = my_stats();

	if (st)
		st->events++;
	return st;
}

/* A ring slot for an event this CPU counted already (st is not NULL). */
static __always_inline struct bes2600_event *
reserve(struct bes2600_cpu_stats *st)
{
	return stream ? ring_slot(st) : NULL;
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
	st->sent++;
	st->unwoken += sizeof(*e);
	if (st->unwoken >= wakeup_bytes) {
		st->unwoken = 0;
		flags = BPF_RB_FORCE_WAKEUP;
	}
	bpf_ringbuf_submit(e, flags);
}

static __always_inline void stamp(struct bes2600_event *e)
{
	e->ts_ns = bpf_ktime_get_ns();
	e->cpu = bpf_get_smp_processor_id();
}

static __always_inline void common(struct bes2600_event *e, __u32 type,
				   void *hw, struct bes2600_cpu_stats *st)
{
	stamp(e);
	e->hw = (__u64)hw;
	e->type = type;
	e->flags = 0;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	__builtin_memset(&e->ctr, 0, sizeof(e->ctr));
	decide_context(e, st);
}

/* The instance slot of a chip: its own, or the first free one. */
static __always_inline int hw_slot_of(__u64 hw)
{
	__u64 cur;
	int i;

	for (i = 0; i < BES2600_MAX_HW; i++) {
		cur = hw_slot[i];
		if (!cur)
			cur = __sync_val_compare_and_swap(&hw_slot[i], 0, hw);
		if (!cur || cur == hw)
			return i;
	}
	return -1;
}

/*
 * Counts a write in inst_stats (top_maps.h has the rules); returns the
 * instance, or NULL when it has no slot (counted as unaggregated).
 */
static __always_inline struct bes2600_inst_stats *
count_write(const struct bes2600_event *e, struct bes2600_cpu_stats *st)
{
	int slot = hw_slot_of(e->hw);
	int idx = bes2600_inst_index(slot, e->ctr.counter, e->ctr.idx);
	struct bes2600_inst_stats *is;
	struct bes2600_rx_stats *rs;
	__u32 key = idx;

	is = idx < 0 ? NULL : bpf_map_lookup_elem(&inst_stats, &key);
	if (!is) {
		st->unaggregated++;
		return NULL;
	}
	if (bes2600_count_write(is, e, epoch, clock_ns)) {
		key = slot;
		rs = bpf_map_lookup_elem(&rx_stats, &key);
		if (rs)
			rs->plain = 1;
	}
	return is;
}

static __always_inline void fill_counter(struct bes2600_event *e,
					 __u32 counter, void *hw, int idx,
					 int op, int delta, int old, int new,
					 __u8 atomic, unsigned long caller,
					 int cap, struct bes2600_cpu_stats *st)
{
	e->hw = (__u64)hw;
	e->type = BES2600_EV_COUNTER;
	e->ctr.counter = counter;
	e->ctr.idx = idx;
	e->ctr.op = op;
	e->ctr.delta = delta;
	e->ctr.old = old;
	e->ctr.new_ = new;
	e->ctr.atomic = atomic;
	e->ctr.capacity = cap;
	e->ctr.caller = caller;
	decide_context(e, st);
}

/* --capacity bounds hw_bufs_used; else the bound the driver sent. */
static __always_inline bool out_of_bounds(__u32 counter, int new, int cap)
{
	if (capacity > 0 && counter == BES2600_HW_BUFS_USED)
		cap = capacity;
	return new < 0 || (cap > 0 && new > cap);
}

static __always_inline int on_counter(void *ctx, __u32 counter, void *hw,
				      int idx, int op, int delta, int old,
				      int new, __u8 atomic, unsigned long caller,
				      int cap)
{
	struct bes2600_cpu_stats *st = counted();
	struct bes2600_inst_stats *is;
	struct bes2600_event tmp, *e;

	if (!st)
		return 0;
	/*
	 * A plain write is always sent: built in the ring, counted there.
	 * (Two calls, not one on "e ? e : &tmp": 6.1's verifier loses the
	 * ring reference through the select.)
	 */
	if (!atomic) {
		e = reserve(st);
		if (!e) {
			fill_counter(&tmp, counter, hw, idx, op, delta, old,
				     new, atomic, caller, cap, st);
			count_write(&tmp, st);
			return 0;
		}
		fill_counter(e, counter, hw, idx, op, delta, old, new, atomic,
			     caller, cap, st);
		count_write(e, st);
		e->flags = 0;
		e->pad[0] = e->pad[1] = 0;
		stamp(e);
		submit(ctx, e, st);
		return 0;
	}
	/* Atomic: counted from the stack, sent only when needed. */
	fill_counter(&tmp, counter, hw, idx, op, delta, old, new, atomic,
		     caller, cap, st);
	is = count_write(&tmp, st);
	tmp.flags = 0;
	/* A write with no slot is sent: it is counted nowhere else. */
	if (!stream_all && is && !is->plain &&
	    (counter != BES2600_WSM_TX_PENDING || timer_has_now)) {
		if (!out_of_bounds(counter, new, cap))
			return 0;
		tmp.flags = BES2600_REC_SAMPLED;
	}
	e = reserve(st);
	if (!e)
		return 0;
	/* The context decided above is copied, not decided again. */
	tmp.pad[0] = tmp.pad[1] = 0;
	tmp.lost_before = 0;
	tmp.stack_id = -1;
	stamp(&tmp);
	__builtin_memcpy(e, &tmp, sizeof(*e));
	submit(ctx, e, st);
	return 0;
}

/*
 * sdio_rx_work is counted in rx_stats.  A chip's events are sent (for the
 * flight recorder) only once the chip had a plain write, as a race needs
 * one; the others are only counted.
 */
static __always_inline struct bes2600_rx_stats *rx_of(void *hw)
{
	__u32 key = hw_slot_of((__u64)hw);

	return bpf_map_lookup_elem(&rx_stats, &key);
}

/* A chip with no slot (past BES2600_MAX_HW) is streamed for the analysis. */
static __always_inline bool streams_rx(const struct bes2600_rx_stats *rs)
{
	return stream_all || !rs || rs->plain;
}

static __always_inline void hist_add(__u32 *h, __u64 v)
{
	__u32 i = bes2600_hist_bucket(v);

	if (i < BES2600_HIST_BUCKETS)
		__sync_fetch_and_add(&h[i], 1);
}

static __always_inline bool rx_queue_streamed(void *hw, int reason,
					      __u8 queued)
{
	struct bes2600_rx_stats *rs = rx_of(hw);

	if (rs) {
		__sync_fetch_and_add(&rs->t.queue_events, 1);
		if (reason == BES2600_RX_WORK_BH_REDISPATCH)
			__sync_fetch_and_add(&rs->t.redispatches, 1);
		/*
		 * Only one queueing is pending at a time; the newest wins, as
		 * the event fires after queue_work() and a worker on another
		 * CPU may have started (and taken the previous one) already.
		 */
		if (queued) {
			__sync_fetch_and_add(&rs->t.queued, 1);
			rs->pend_ts = bpf_ktime_get_ns();
		}
	}
	return streams_rx(rs);
}

/*
 * Totals are atomic adds even where only the work item writes them: a
 * plain add racing with userspace's reset would write the old total back.
 * run_start needs no more: start and end come from the one work item,
 * which the workqueue never runs twice at once.
 */
static __always_inline bool rx_start_streamed(void *hw)
{
	struct bes2600_rx_stats *rs = rx_of(hw);
	__u64 now, q;

	if (rs) {
		now = bpf_ktime_get_ns();
		__sync_fetch_and_add(&rs->t.starts, 1);
		q = __sync_lock_test_and_set(&rs->pend_ts, 0);
		if (q && q <= now)
			hist_add(rs->q2s, now - q);
		rs->run_start = now;
	}
	return streams_rx(rs);
}

static __always_inline bool rx_end_streamed(void *hw, __u32 transfers,
					    __u32 packets, __u32 bytes,
					    __u32 direct, __u32 queued, int err)
{
	struct bes2600_rx_stats *rs = rx_of(hw);
	__u64 now, start;

	if (rs) {
		now = bpf_ktime_get_ns();
		__sync_fetch_and_add(&rs->t.runs, 1);
		__sync_fetch_and_add(&rs->t.transfers, transfers);
		__sync_fetch_and_add(&rs->t.packets, packets);
		__sync_fetch_and_add(&rs->t.bytes, bytes);
		__sync_fetch_and_add(&rs->t.direct, direct);
		__sync_fetch_and_add(&rs->t.to_queue, queued);
		if (err)
			__sync_fetch_and_add(&rs->t.errors, 1);
		start = rs->run_start;
		rs->run_start = 0;
		if (start && start <= now)
			hist_add(rs->s2e, now - start);
	}
	return streams_rx(rs);
}

static __always_inline int on_rx_work_queue(void *ctx, void *hw, int reason,
					    __u8 queued)
{
	struct bes2600_cpu_stats *st = counted();
	struct bes2600_event *e;

	if (!st || !rx_queue_streamed(hw, reason, queued))
		return 0;
	e = reserve(st);
	if (!e)
		return 0;
	common(e, BES2600_EV_RX_WORK_QUEUE, hw, st);
	e->rxq.reason = reason;
	e->rxq.queued = queued;
	submit(ctx, e, st);
	return 0;
}

static __always_inline int on_rx_work_start(void *ctx, void *hw)
{
	struct bes2600_cpu_stats *st = counted();
	struct bes2600_event *e;

	if (!st || !rx_start_streamed(hw))
		return 0;
	e = reserve(st);
	if (!e)
		return 0;
	common(e, BES2600_EV_RX_WORK_START, hw, st);
	submit(ctx, e, st);
	return 0;
}

static __always_inline int on_rx_work_end(void *ctx, void *hw, __u32 transfers,
					  __u32 packets, __u32 bytes,
					  __u32 direct, __u32 queued, int err)
{
	struct bes2600_cpu_stats *st = counted();
	struct bes2600_event *e;

	if (!st || !rx_end_streamed(hw, transfers, packets, bytes, direct,
				    queued, err))
		return 0;
	e = reserve(st);
	if (!e)
		return 0;
	common(e, BES2600_EV_RX_WORK_END, hw, st);
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
					    int count, int action, int now,
					    bool has_now)
{
	struct bes2600_cpu_stats *st = counted();
	int slot = hw_slot_of((__u64)hw);
	__u32 key = bes2600_inst_index(slot, BES2600_WSM_TX_PENDING, idx);
	struct bes2600_inst_stats *is;
	struct bes2600_event *e;

	if (!st)
		return 0;
	is = (int)key < 0 ? NULL : bpf_map_lookup_elem(&inst_stats, &key);
	if (is)
		bes2600_count_timer(is, has_now, count, now);
	/*
	 * The analysis needs the stale decisions only (the count read back
	 * is not the one decided on: check-then-act).  Without the
	 * read-back, it decides from the writes around the decision: send
	 * them all.
	 */
	if (is && has_now && now == count)
		return 0;
	e = reserve(st);
	if (!e)
		return 0;
	common(e, BES2600_EV_PENDING_TIMER, hw, st);
	if (!has_now)
		e->flags = BES2600_REC_NO_NOW;
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
/* The capacity argument, where the driver's event has it. */
static __always_inline int ctr_capacity(unsigned long long *ctx)
{
	return ctr_has_capacity ? (int)ctx[BES2600_CTR_FIELDS - 1] : 0;
}

#define COUNTER_PROGS(name, id)						\
SEC("tp_btf/" #name)							\
int BPF_PROG(btf_##name, void *hw, int idx, int op, int delta, int old,	\
	     int new, __u8 atomic, unsigned long caller)		\
{									\
	return on_counter(ctx, id, hw, idx, op, delta, old, new, atomic, \
			  caller, ctr_capacity(ctx));			\
}									\
SEC("raw_tp/" #name)							\
int BPF_PROG(raw_##name, void *hw, int idx, int op, int delta, int old, \
	     int new, __u8 atomic, unsigned long caller)		\
{									\
	return on_counter(ctx, id, hw, idx, op, delta, old, new, atomic, \
			  caller, ctr_capacity(ctx));			\
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
/* now, where the driver's event has it (the first version had four). */
static __always_inline int timer_now(unsigned long long *ctx)
{
	return timer_has_now ? (int)ctx[BES2600_TIMER_FIELDS - 1] : 0;
}

PROGS(pending_count_timer, on_pending_timer,
      ARGS(void *hw, int idx, int count, int action),
      hw, idx, count, action, timer_now(ctx), timer_has_now)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
