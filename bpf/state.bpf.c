// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bes2600-top state, kernel side: a measured function's struct argument
 * is copied on entry and compared on return, eight bytes at a time, and
 * the changed words go to userspace with the call's context and times.
 * The callees run inside the call, so their writes are in the diff too;
 * so are another context's writes made meanwhile, which is why each call
 * carries its times (userspace looks for overlapping calls).
 *
 * Two flavours: fentry/fexit (the module has BTF in the kernel; one object
 * per function, func_idx in its rodata) and kprobe/kretprobe (one object,
 * the function index in the attach cookie).  A perf breakpoint program
 * reports writes to watched fields (the precise mode).
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#define __VMLINUX_H__
#include <bes2600/top_event.h>
#include <bes2600/state_event.h>
#include "context.bpf.h"

#define NMI_OFFSET	0x00100000
#define HARDIRQ_OFFSET	0x00010000

const volatile __u32 snap_len = 8;	/* bytes compared, a multiple of 8 */
/*
 * fentry/fexit: this object's function, the argument that points into
 * the struct, and the struct's offset from it (a member's pointer).
 * kprobes have the same three in the attach cookie (BES2600_STATE_COOKIE).
 */
const volatile __u32 func_idx;
const volatile __u32 arg_idx;
const volatile __s64 arg_offset;

struct inflight_key {
	__u32 tid;
	__u16 func;
	__u8 level;		/* 0 task, else the interrupt's context kind */
	__u8 pad;
};

/*
 * A call in flight.  The map's values are sized to the struct by
 * userspace (a copy per entry of only what is compared): snap is read
 * below snap_len only.
 */
struct inflight {
	__u64 inst;
	__u64 t0;
	__u64 snap[BES2600_STATE_MAX_WORDS];
};

/* Functions in flight per (task, level): what a watchpoint hit is inside. */
struct active_key {
	__u32 tid;
	__u32 level;
};

struct work {
	__u32 busy;
	__u32 pad;
	struct inflight ent;		/* built here, then copied in */
	__u64 cur[BES2600_STATE_MAX_WORDS];
	struct bes2600_state_call rec;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BES2600_STATE_INFLIGHT);
	__type(key, struct inflight_key);
	__type(value, struct inflight);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BES2600_STATE_INFLIGHT);
	__type(key, struct active_key);
	__type(value, __u64);
} active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct work);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bes2600_state_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BES2600_STATE_MAX_WATCH);
	__type(key, __u32);
	__type(value, struct bes2600_state_watch);
} watches SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BES2600_STATE_HIT_KEYS);
	__type(key, struct bes2600_state_hit_key);
	__type(value, struct bes2600_state_hit_val);
} hits SEC(".maps");

static __always_inline struct bes2600_state_stats *my_stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&stats, &zero);
}

/* snap_len, as the verifier needs it bounded (it is a constant anyway). */
static __always_inline __u32 snap_bytes(void)
{
	__u32 n = snap_len;

	return n && n <= BES2600_STATE_MAX_SNAP ? n : 8;
}

static __always_inline __u8 level_of(__u8 kind)
{
	return context_is_task(kind) ? 0 : kind;
}

static __always_inline void fill_context(struct task_struct *t, __u8 kind,
					 __u64 *func, char *comm, __u32 *pid)
{
	*pid = t->pid;
	*func = 0;
	__builtin_memset(comm, 0, 16);
	if (kind == BES2600_CTX_WORK)
		*func = (__u64)BPF_CORE_READ(current_worker(t), current_func);
	else if (context_is_task(kind))
		__builtin_memcpy(comm, t->comm, 16);
}

/*
 * One program of ours at a time per CPU: an interrupt that lands in
 * another function's program would share the scratch space.
 */
static __always_inline struct work *grab(struct bes2600_state_stats *st)
{
	__u32 zero = 0;
	struct work *w = bpf_map_lookup_elem(&scratch, &zero);

	if (!w)
		return NULL;
	if (w->busy) {
		st->busy++;
		return NULL;
	}
	w->busy = 1;
	return w;
}

static __always_inline void set_active(__u32 tid, __u8 level, __u32 func,
				       bool on)
{
	struct active_key k = { .tid = tid, .level = level };
	__u64 *m = bpf_map_lookup_elem(&active, &k), bit = 1ULL << (func & 63);
	__u64 v;

	if (m) {
		if (on)
			__sync_fetch_and_or(m, bit);
		else
			__sync_fetch_and_and(m, ~bit);
		return;
	}
	if (on) {
		v = bit;
		bpf_map_update_elem(&active, &k, &v, BPF_NOEXIST);
	}
}

/* The call in flight of this task at this level: its key, its context. */
static __always_inline __u8 call_key(struct task_struct *t, __u32 func,
				     struct inflight_key *k)
{
	__u8 kind = context_kind(t, get_preempt_count());

	k->tid = t->pid;
	k->func = func;
	k->level = level_of(kind);
	return kind;
}

static __always_inline void on_entry(__u32 func, __u64 inst)
{
	struct bes2600_state_stats *st = my_stats();
	struct task_struct *t = bpf_get_current_task_btf();
	struct inflight_key k = {};
	__u64 start = bpf_ktime_get_ns();
	struct work *w;

	if (!st || !inst)
		return;
	w = grab(st);
	if (!w)
		return;
	st->entries++;
	call_key(t, func, &k);
	if (bpf_map_lookup_elem(&calls, &k)) {
		st->nested++;
		goto out;
	}
	w->ent.inst = inst;
	w->ent.t0 = start;
	if (bpf_probe_read_kernel(w->ent.snap, snap_bytes(),
				  (void *)w->ent.inst)) {
		st->read_fail++;
		goto out;
	}
	if (bpf_map_update_elem(&calls, &k, &w->ent, BPF_NOEXIST)) {
		st->no_slot++;
		goto out;
	}
	set_active(k.tid, k.level, func, true);
out:
	w->busy = 0;
	st->ns += bpf_ktime_get_ns() - start;
}

struct cmp_ctx {
	struct inflight *ent;
	struct work *w;
};

static __always_inline void note_change(struct bes2600_state_call *r,
					__u32 i, __u64 a, __u64 b)
{
	__u64 x = a ^ b;
	__u32 mask = 0, n;
	int byte;

	for (byte = 0; byte < 8; byte++)
		if (x & (0xffULL << (byte * 8)))
			mask |= 1 << byte;
	n = r->nchanged++;
	if (n < BES2600_STATE_MAX_CH) {
		r->ch[n].word = i;
		r->ch[n].mask = mask;
		r->ch[n].val = b;
		r->nch = n + 1;
	} else {
		r->flags |= BES2600_STATE_F_TRUNC;
	}
}

/* Eight words per round: bpf_loop's call per round costs more than one. */
static long cmp_block(__u64 blk, struct cmp_ctx *c)
{
	__u32 words = snap_bytes() / 8;
	int j;

#pragma unroll
	for (j = 0; j < 8; j++) {
		__u32 i = blk * 8 + j;
		__u64 a, b;

		/* calls' values hold snap_len bytes (userspace sizes the map). */
		if (i >= BES2600_STATE_MAX_WORDS || i >= words)
			return 1;
		a = c->ent->snap[i];
		b = c->w->cur[i];
		if (a != b)
			note_change(&c->w->rec, i, a, b);
	}
	return 0;
}

/*
 * A slot armed since the last return on its instance learns the value
 * from this return's snapshot: a hit can then tell a store that changed
 * it from one that did not (state_table.h).
 */
static long seed_slot(__u64 i, struct cmp_ctx *c)
{
	__u32 key = i, len;
	struct bes2600_state_watch *wt = bpf_map_lookup_elem(&watches, &key);
	__u64 off, v = 0;

	if (!wt || !wt->addr || wt->have_last || wt->addr < c->ent->inst)
		return 0;
	off = wt->addr - c->ent->inst;
	len = wt->len;
	if (len < 1 || len > 8 || off + len > snap_bytes() ||
	    off >= BES2600_STATE_MAX_SNAP)
		return 0;
	bpf_probe_read_kernel(&v, len, (void *)c->w->cur + off);
	wt->last = v;
	wt->have_last = 1;
	return 0;
}

static __always_inline __u64 record_size(__u32 nch)
{
	if (nch > BES2600_STATE_MAX_CH)
		nch = BES2600_STATE_MAX_CH;
	return offsetof(struct bes2600_state_call, ch) +
	       nch * sizeof(struct bes2600_state_change);
}

static __always_inline void on_return(__u32 func)
{
	struct bes2600_state_stats *st = my_stats();
	struct task_struct *t = bpf_get_current_task_btf();
	struct inflight_key k = {};
	__u64 start = bpf_ktime_get_ns();
	struct bes2600_state_call *r;
	struct inflight *ent;
	struct cmp_ctx c;
	struct work *w;
	__u8 kind;

	if (!st)
		return;
	w = grab(st);
	if (!w)
		return;
	kind = call_key(t, func, &k);
	ent = bpf_map_lookup_elem(&calls, &k);
	if (!ent) {
		st->no_entry++;
		goto out;
	}
	set_active(k.tid, k.level, func, false);
	st->calls++;
	if (bpf_probe_read_kernel(w->cur, snap_bytes(),
				  (void *)ent->inst)) {
		st->read_fail++;
		goto drop;
	}
	r = &w->rec;
	r->type = BES2600_STATE_CALL;
	r->func = func;
	r->ctx_kind = kind;
	r->flags = 0;
	r->inst = ent->inst;
	r->t0 = ent->t0;
	/* After the read: [t0, t1] holds both snapshots, for the overlaps. */
	r->t1 = bpf_ktime_get_ns();
	r->nch = 0;
	r->nchanged = 0;
	fill_context(t, kind, &r->ctx_func, r->comm, &r->pid);
	c.ent = ent;
	c.w = w;
	bpf_loop((snap_bytes() / 8 + 7) / 8, cmp_block, &c, 0);
	bpf_loop(BES2600_STATE_MAX_WATCH, seed_slot, &c, 0);
	/* The fixed part and the changes carried, no more. */
	if (bpf_ringbuf_output(&ring, r, record_size(r->nch), 0))
		st->lost++;
drop:
	bpf_map_delete_elem(&calls, &k);
out:
	w->busy = 0;
	st->ns += bpf_ktime_get_ns() - start;
}

static __always_inline __u64 kprobe_arg(struct pt_regs *regs, __u32 n)
{
	switch (n) {
	case 0: return PT_REGS_PARM1_CORE(regs);
	case 1: return PT_REGS_PARM2_CORE(regs);
	case 2: return PT_REGS_PARM3_CORE(regs);
	case 3: return PT_REGS_PARM4_CORE(regs);
	case 4: return PT_REGS_PARM5_CORE(regs);
	}
	return 0;
}

SEC("fentry/bes2600_state_target")
int BPF_PROG(state_fentry)
{
	__u64 arg = 0;

	if (bpf_get_func_arg(ctx, arg_idx, &arg) || !arg)
		return 0;
	on_entry(func_idx, arg - arg_offset);
	return 0;
}

SEC("fexit/bes2600_state_target")
int BPF_PROG(state_fexit)
{
	on_return(func_idx);
	return 0;
}

SEC("kprobe")
int state_kprobe(struct pt_regs *regs)
{
	__u64 c = bpf_get_attach_cookie(regs);
	__u64 arg = kprobe_arg(regs, BES2600_STATE_COOKIE_ARG(c));

	if (arg)
		on_entry(BES2600_STATE_COOKIE_FUNC(c),
			 arg - BES2600_STATE_COOKIE_OFFSET(c));
	return 0;
}

SEC("kretprobe")
int state_kretprobe(struct pt_regs *regs)
{
	on_return(BES2600_STATE_COOKIE_FUNC(bpf_get_attach_cookie(regs)));
	return 0;
}

/* A watched field was written: by whom, inside which measured calls. */
SEC("perf_event")
int state_watch(struct bpf_perf_event_data *ctx)
{
	struct bes2600_state_stats *st = my_stats();
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 slot = bpf_get_attach_cookie(ctx), len, pid;
	struct bes2600_state_hit_val nv = { .count = 1 }, *hv;
	struct bes2600_state_hit_key hk = {};
	struct bes2600_state_watch *wt;
	struct active_key k = {};
	__u64 v = 0, *m;
	int pc;

	if (!st)
		return 0;
	st->hits++;
	wt = bpf_map_lookup_elem(&watches, &slot);
	if (!wt || !wt->addr)
		return 0;
	/*
	 * x86 and arm64 enter a kernel-mode watchpoint's exception as an NMI
	 * (nmi_enter: NMI_OFFSET + HARDIRQ_OFFSET): the writer is below it.
	 */
	pc = get_preempt_count();
	if (pc & NMI_MASK)
		pc -= NMI_OFFSET + HARDIRQ_OFFSET;
	hk.ctx_kind = context_kind(t, pc);
	k.tid = t->pid;
	k.level = level_of(hk.ctx_kind);
	m = bpf_map_lookup_elem(&active, &k);
	len = wt->len;
	if (len < 1 || len > 8)
		len = 8;
	bpf_probe_read_kernel(&v, len, (void *)wt->addr);
	hk.slot = slot;
	hk.generation = wt->generation;
	/* A direct context access: the verifier maps it to the sample's regs. */
	hk.ip = PT_REGS_IP(&ctx->regs);
	hk.inflight = m ? *m : 0;
	hk.same = !wt->have_last ? BES2600_STATE_HIT_UNKNOWN :
		  v == wt->last ? BES2600_STATE_HIT_SAME : BES2600_STATE_HIT_CHANGED;
	fill_context(t, hk.ctx_kind, &hk.ctx_func, hk.comm, &pid);
	nv.old = wt->last;
	nv.new_ = v;
	nv.have_old = wt->have_last;
	wt->last = v;
	wt->have_last = 1;
	hv = bpf_map_lookup_elem(&hits, &hk);
	if (hv) {
		__sync_fetch_and_add(&hv->count, 1);
		hv->old = nv.old;
		hv->new_ = v;
		hv->have_old = nv.have_old;
		return 0;
	}
	if (bpf_map_update_elem(&hits, &hk, &nv, BPF_NOEXIST)) {
		hv = bpf_map_lookup_elem(&hits, &hk);
		if (hv)
			__sync_fetch_and_add(&hv->count, 1);
		else
			st->hits_lost++;
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
