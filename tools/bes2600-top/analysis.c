// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The audit's analysis (see analysis.h): dispatches records to the
 * per-instance chains and tables, and turns what the chains commit, in
 * serial order, into findings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bes2600/top_maps.h>

#include "analysis.h"
#include "names.h"
#include "window.h"

/* Recent wsm_tx_pending writes kept for check-then-act. */
#define AN_HIST 1024
#define AN_MAX_CPUS 65536

static bool thread_ctx(uint8_t kind)
{
	return kind == BES2600_CTX_WORK || kind == BES2600_CTX_KTHREAD ||
	       kind == BES2600_CTX_TASK;
}

struct analysis *analysis_new(const struct an_config *cfg)
{
	struct analysis *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->cfg = *cfg;
	if (!a->cfg.window_ns)
		a->cfg.window_ns = AN_DEFAULT_WINDOW_NS;
	if (!a->cfg.budget)
		a->cfg.budget = CHAIN_DEFAULT_BUDGET;
	rxwork_init(&a->rx, a->cfg.window_ns);
	return a;
}

void analysis_free(struct analysis *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->ninst; i++) {
		struct an_instance *in = a->inst[i];

		chain_free(&in->chain);
		free(in->writers);
		free(in->hist);
		free(in->timers);
		free(in);
	}
	free(a->inst);
	free(a->ctxs);
	findings_free(&a->findings);
	rxwork_free(&a->rx);
	free(a->spans);
	free(a->cpu_last);
	free(a->stacks);
	free(a->stack_ids);
	free(a);
}

/* The first documented cap the input passed (docs/record-format.md). */
static void __attribute__((format(printf, 2, 3)))
set_limit(struct analysis *a, const char *fmt, ...)
{
	va_list ap;

	if (a->limit[0])
		return;
	va_start(ap, fmt);
	vsnprintf(a->limit, sizeof(a->limit), fmt, ap);
	va_end(ap);
}

/* A context as the analysis keys it: a kthread's "/N" dropped, say. */
static struct an_ctx ctx_key(uint8_t kind, uint64_t func, const char *comm)
{
	struct an_ctx key = { .kind = kind };
	size_t i;

	if (kind == BES2600_CTX_WORK)
		key.func = func;
	if (kind == BES2600_CTX_KTHREAD || kind == BES2600_CTX_TASK) {
		memcpy(key.comm, comm, sizeof(key.comm));
		key.comm[sizeof(key.comm) - 1] = '\0';
		if (kind == BES2600_CTX_KTHREAD)
			kthread_base_name(key.comm);
		/* Bytes after the NUL must not split one context in two. */
		for (i = strlen(key.comm); i < sizeof(key.comm); i++)
			key.comm[i] = '\0';
	}
	return key;
}

/* Its id, or a->nctx when the analysis has not seen it. */
static uint32_t find_ctx(const struct analysis *a, const struct an_ctx *key)
{
	const struct an_ctx *v;
	size_t i;

	for (i = a->nctx; i-- > 0;) {
		v = &a->ctxs[i];
		if (v->kind == key->kind && v->func == key->func &&
		    !memcmp(v->comm, key->comm, sizeof(key->comm)))
			return i;
	}
	return a->nctx;
}

uint32_t analysis_find_ctx(const struct analysis *a,
			   const struct bes2600_event *e)
{
	struct an_ctx key = ctx_key(e->ctx_kind, e->ctx_func, e->comm);

	return find_ctx(a, &key);
}

static uint32_t intern_ctx_parts(struct analysis *a, uint8_t kind,
				 uint64_t func, const char *comm)
{
	struct an_ctx key = ctx_key(kind, func, comm), *v;
	uint32_t i = find_ctx(a, &key);

	if (i < a->nctx)
		return i;
	/* Bounded, so the linear search above stays cheap. */
	if (a->nctx == AN_MAX_CTXS) {
		set_limit(a, "more than %d writer contexts: not a bes2600 stream",
			  AN_MAX_CTXS);
		return 0;
	}
	if (a->nctx == a->capctx) {
		size_t cap = a->capctx ? a->capctx * 2 : 16;

		v = realloc(a->ctxs, cap * sizeof(*v));
		if (!v) {
			a->oom = true;
			return 0;
		}
		a->ctxs = v;
		a->capctx = cap;
	}
	a->ctxs[a->nctx] = key;
	return a->nctx++;
}

static uint32_t intern_ctx(struct analysis *a, const struct bes2600_event *e)
{
	return intern_ctx_parts(a, e->ctx_kind, e->ctx_func, e->comm);
}

static struct finding_path path_of(const struct chain_event *e, uint32_t pid)
{
	struct finding_path p = {
		.ts = e->ts, .site = e->site, .ctx = e->ctx, .cpu = e->cpu,
		.pid = pid, .stack = e->stack, .old = e->old, .new_ = e->new_,
		.op = e->op, .atomic = e->atomic, .valid = true,
	};

	return p;
}

static void on_break(void *ctx, const struct chain_event *e,
		     const struct chain_break *b)
{
	struct an_instance *in = ctx;
	struct finding_path pa = path_of(&b->clobbering, b->clobbering.tid);
	struct finding_path pb = path_of(&b->clobbered, b->clobbered.tid);
	struct finding *f;

	if (!b->has_clobbered)
		memset(&pb, 0, sizeof(pb));
	f = findings_note(&in->an->findings, FC_LOST_UPDATE, in->index, &pa,
			  &pb, true, e->ts);
	if (!f) {
		in->an->oom = true;
		return;
	}
	f->value += b->lost;
	if (f->count == 1) {
		unsigned int i;

		f->value2 = b->lost;
		for (i = 0; i < b->ncand && i < FINDING_CANDIDATES; i++)
			f->cand[i] = path_of(&b->cand[i], b->cand[i].tid);
		f->ncand = i;
	}
}

/* The values in chain order: the fold's endpoints of an atomic chain. */
static void note_value(struct an_instance *in, const struct chain_event *e)
{
	if (!in->have_chain_value) {
		in->have_chain_value = true;
		in->chain_first = e->old;
	}
	in->chain_last = e->new_;
}

/*
 * Only the total is bounded by the chip's input buffers where the user
 * says so: a per-vif count is released after the total, so it may pass
 * the capacity for a moment when the BH reuses the freed buffers in
 * between.  A bound the driver sends is the driver's word, for any
 * counter.
 */
int32_t analysis_capacity(const struct analysis *a,
			  const struct an_instance *in)
{
	if (a->cfg.capacity > 0)
		return in->counter == BES2600_HW_BUFS_USED ? a->cfg.capacity : 0;
	return in->capacity;
}

static void check_bounds(struct an_instance *in, const struct finding_path *p)
{
	struct analysis *a = in->an;
	const struct finding_path *prev = in->prev.valid ? &in->prev : NULL;
	struct finding *f;
	int32_t cap;

	if (p->new_ < 0) {
		f = findings_note(&a->findings, FC_UNDERFLOW, in->index, p,
				  prev, false, p->ts);
		if (!f)
			goto oom;
		if (f->count == 1 || p->new_ < f->value)
			f->value = p->new_;
	}
	cap = analysis_capacity(a, in);
	if (cap > 0 && p->new_ > cap) {
		f = findings_note(&a->findings, FC_OVERFLOW, in->index, p,
				  prev, false, p->ts);
		if (!f)
			goto oom;
		if (f->count == 1 || p->new_ > f->value)
			f->value = p->new_;
		f->value2 = cap;
	}
	return;
oom:
	a->oom = true;
}

/*
 * Lockdep-like: flagged at the first hand-over of a counter between two
 * contexts with a plain read-modify-write on either side, before any
 * value goes wrong.  Initialising stores (set) take no part.
 */
static void check_contexts(struct an_instance *in, const struct finding_path *p)
{
	struct finding_path *q = &in->prev_rmw;

	if (p->op == CHAIN_OP_SET)
		return;
	if (q->valid && q->ctx != p->ctx && (!q->atomic || !p->atomic) &&
	    !findings_note(&in->an->findings, FC_NON_ATOMIC_CROSS_CONTEXT,
			   in->index, q, p, true, p->ts))
		in->an->oom = true;
	*q = *p;
}

static void on_commit(void *ctx, const struct chain_event *e,
		      enum chain_how how)
{
	struct an_instance *in = ctx;
	struct finding_path p = path_of(e, e->tid);

	(void)how;
	note_value(in, e);
	check_bounds(in, &p);
	check_contexts(in, &p);
	in->prev = p;
	if (in->hist) {
		if (in->hist_n < AN_HIST) {
			in->hist[(in->hist_head + in->hist_n++) % AN_HIST] = p;
		} else {
			in->hist[in->hist_head] = p;
			in->hist_head = (in->hist_head + 1) % AN_HIST;
		}
	}
}

struct an_instance *analysis_find_inst(const struct analysis *a, uint64_t hw,
				       uint32_t counter, int32_t idx)
{
	struct an_instance *in;
	size_t i;

	for (i = a->ninst; i-- > 0;) {
		in = a->inst[i];
		if (in->hw == hw && in->counter == counter && in->idx == idx)
			return in;
	}
	return NULL;
}

static struct an_instance *get_inst(struct analysis *a, uint64_t hw,
				    uint32_t counter, int32_t idx)
{
	struct an_instance *in = analysis_find_inst(a, hw, counter, idx), **v;
	size_t i;

	if (in)
		return in;
	/* The dashboard's bounds too: indices, chips x counters x indices. */
	if (idx < 0 || idx >= BES2600_MAX_IDX) {
		set_limit(a, "%s index %d outside 0..%d",
			  counter_base_name(counter), idx, BES2600_MAX_IDX - 1);
		return NULL;
	}
	if (a->ninst == BES2600_NR_INST) {
		set_limit(a, "more than %d counter instances (chip x counter x index): not a bes2600 stream",
			  BES2600_NR_INST);
		return NULL;
	}
	in = calloc(1, sizeof(*in));
	v = realloc(a->inst, (a->ninst + 1) * sizeof(*v));
	if (!in || !v) {
		free(in);
		if (v)
			a->inst = v;
		a->oom = true;
		return NULL;
	}
	a->inst = v;
	in->hw = hw;
	in->counter = counter;
	in->idx = idx;
	in->an = a;
	in->index = a->ninst;
	chain_init(&in->chain, a->cfg.window_ns, on_break, on_commit, in);
	in->chain.budget = a->cfg.budget;
	if (counter == BES2600_WSM_TX_PENDING) {
		in->hist = calloc(AN_HIST, sizeof(*in->hist));
		if (!in->hist)
			a->oom = true;
	}
	/* Drops seen before this instance's first write still cover it. */
	for (i = 0; i < a->nspans; i++) {
		uint64_t from = a->spans[i].from;

		from = from > a->cfg.window_ns ? from - a->cfg.window_ns : 0;
		if (chain_quiet(&in->chain, from,
				a->spans[i].to + a->cfg.window_ns))
			a->oom = true;
	}
	a->inst[a->ninst++] = in;
	return in;
}

/*
 * A record file without counts: each record is folded into them by the
 * BPF side's rules (top_maps.h), with the record's own stamp as the time;
 * the endpoints go by stamp, as records come in ring order.
 */
static void fold_write(struct an_instance *in, const struct bes2600_event *e)
{
	struct bes2600_inst_stats *c = &in->cnt;

	bes2600_count_write(c, e, 0, e->ts_ns);
	if (!in->fold_first_ts || e->ts_ns < in->fold_first_ts) {
		in->fold_first_ts = e->ts_ns;
		c->first = e->ctr.old;
		if (e->ctr.old < c->lo)
			c->lo = e->ctr.old;
		if (e->ctr.old > c->hi)
			c->hi = e->ctr.old;
	}
	if (e->ts_ns >= in->fold_last_ts) {
		in->fold_last_ts = e->ts_ns;
		c->value = e->ctr.new_;
	}
}

/* Decides every pending timer the chain has passed (or all, at the end). */
static void check_timers(struct an_instance *in)
{
	struct analysis *a = in->an;
	uint64_t settled = a->cfg.window_ns + in->chain.lag_ns;

	/* Decided ones leave from the front: t0 moves, nothing else. */
	for (; in->t0 < in->ntimers; in->t0++) {
		const struct an_timer *t = &in->timers[in->t0];
		const struct finding_path *d = NULL, *w = NULL, *wb = NULL, *h;
		bool stale;
		size_t i;

		/*
		 * Without chained writes (the dashboard counts atomic ones in
		 * maps) no chain will pass it: the timer's own read-back
		 * decides, once the stream is past it.
		 */
		if (!a->finished && ((in->chained &&
				      chain_horizon(&in->chain) <= t->ts) ||
				     a->last_ts < t->ts + settled))
			break;
		/*
		 * Walk back along the chain to the decrement the decision was
		 * taken on (stamped before the decision), remembering the
		 * other contexts' writes after it in chain order: the first of
		 * them is the one that made the decision stale, if it was.
		 */
		for (i = in->hist_n; in->hist && i-- > 0;) {
			h = &in->hist[(in->hist_head + i) % AN_HIST];
			if (h->ts <= t->ts && h->ctx == t->ctx &&
			    h->op == CHAIN_OP_SUB && h->new_ == t->count &&
			    (!h->pid || !t->pid || h->pid == t->pid)) {
				d = h;
				break;
			}
			if (h->ctx != t->ctx)
				w = h;
			if (h->ctx != t->ctx && h->ts <= t->ts)
				wb = h;
		}
		/* Only a stream with the writes can match a decrement. */
		if (!d && in->chained)
			in->timer_unmatched++;
		/*
		 * Stale when the count read back after the timer call is not
		 * the one decided on.  Stamps alone cannot tell: a write
		 * stored just before the read-back may be stamped after the
		 * decision.  A four-field event has no read-back: then only
		 * another context's write between the decrement and the
		 * decision's stamp tells, and one near the stamp is missed.
		 */
		if (t->has_now) {
			stale = t->now != t->count;
		} else {
			stale = d && wb;
			w = wb;
		}
		if (stale) {
			struct finding_path self = {
				.ts = t->ts, .ctx = t->ctx, .cpu = t->cpu,
				.pid = t->pid, .stack = t->stack,
				/* Wraps, not overflows, for a record's INT32_MAX. */
				.old = (int32_t)((uint32_t)t->count + 1),
				.new_ = t->count,
				.op = CHAIN_OP_SUB, .atomic = true, .valid = true,
			};
			struct finding *f;

			f = findings_note(&a->findings, FC_CHECK_THEN_ACT,
					  in->index, d ? d : &self,
					  d ? w : NULL, true, t->ts);
			if (!f) {
				a->oom = true;
			} else if (f->count == 1) {
				f->value = t->count;
				f->value2 = t->action;
				f->ts2 = t->ts;
				f->value3 = t->now;
				f->no_now = !t->has_now;
			}
		}
	}
	if (in->t0 == in->ntimers)
		in->t0 = in->ntimers = 0;
}

static void timer_event(struct analysis *a, const struct bes2600_event *e)
{
	struct an_instance *in;
	struct an_timer t = {
		.ts = e->ts_ns, .ctx = intern_ctx(a, e), .cpu = e->cpu,
		.pid = thread_ctx(e->ctx_kind) ? e->pid : 0,
		.stack = e->stack_id, .count = e->timer.count,
		.action = e->timer.action, .now = e->timer.now,
		.has_now = !(e->flags & BES2600_REC_NO_NOW),
	};
	struct an_timer *v;
	size_t i, pending;

	a->timer_events++;
	in = get_inst(a, e->hw, BES2600_WSM_TX_PENDING, e->timer.idx);
	if (!in)
		return;
	if (!a->cfg.counts_given)
		bes2600_count_timer(&in->cnt, t.has_now, t.count, t.now);
	pending = in->ntimers - in->t0;
	v = window_room(in->timers, &in->t0, pending, &in->capt, sizeof(*v));
	if (!v) {
		a->oom = true;
		return;
	}
	in->timers = v;
	in->ntimers = in->t0 + pending;
	i = in->ntimers;
	while (i > in->t0 && in->timers[i - 1].ts > t.ts) {
		in->timers[i] = in->timers[i - 1];
		i--;
	}
	in->timers[i] = t;
	in->ntimers++;
	check_timers(in);
}

/*
 * A record sent alone (the dashboard counts the other atomic writes in
 * maps): it proves its own bounds finding, and leaves the chain and the
 * drift, which it is no part of, alone.
 */
static void sampled_event(struct an_instance *in, const struct chain_event *ce)
{
	struct finding_path p = path_of(ce, ce->tid);

	in->sampled++;
	check_bounds(in, &p);
}

/* A counter record as the chain and the findings see it. */
static void to_chain_event(const struct bes2600_event *e, uint32_t ctx,
			   struct chain_event *ce)
{
	memset(ce, 0, sizeof(*ce));
	ce->ts = e->ts_ns;
	ce->site = e->ctr.caller;
	ce->ctx = ctx;
	ce->cpu = e->cpu;
	/* One thread's writes happened in the order of their stamps. */
	ce->tid = thread_ctx(e->ctx_kind) ? e->pid : 0;
	/* A work item never runs on two workers at once. */
	ce->serial = e->ctx_kind == BES2600_CTX_WORK ? 0x80000000u | ctx :
		     ce->tid;
	ce->stack = e->stack_id;
	ce->old = e->ctr.old;
	ce->new_ = e->ctr.new_;
	ce->atomic = !!e->ctr.atomic;
	ce->op = e->ctr.op >= BES2600_CTR_OP_SET &&
		 e->ctr.op <= BES2600_CTR_OP_SUB ? e->ctr.op :
		 (e->ctr.delta < 0 ? CHAIN_OP_SUB : CHAIN_OP_ADD);
}

static void counter_event(struct analysis *a, const struct bes2600_event *e)
{
	struct an_instance *in;
	struct chain_event ce;
	uint32_t ctx;

	a->counter_events++;
	in = get_inst(a, e->hw, e->ctr.counter, e->ctr.idx);
	if (!in)
		return;
	ctx = intern_ctx(a, e);
	if (e->ctr.capacity > 0)
		in->capacity = e->ctr.capacity;
	if (!a->cfg.counts_given)
		fold_write(in, e);
	to_chain_event(e, ctx, &ce);
	if (e->flags & BES2600_REC_SAMPLED) {
		sampled_event(in, &ce);
		return;
	}
	in->chained++;
	if (!e->ctr.atomic)
		in->chained_plain++;
	if (!in->first_ts || e->ts_ns < in->first_ts)
		in->first_ts = e->ts_ns;
	if (e->ts_ns > in->last_ts)
		in->last_ts = e->ts_ns;

	if (chain_add(&in->chain, &ce))
		a->oom = true;
	if (in->ntimers)
		check_timers(in);
}

static int add_span(struct analysis *a, uint32_t cpu, uint64_t from,
		    uint64_t to, uint64_t lost)
{
	uint64_t w = a->cfg.window_ns;
	size_t i;

	if (a->nspans == a->caps) {
		size_t cap = a->caps ? a->caps * 2 : 8;
		struct an_span *v = realloc(a->spans, cap * sizeof(*v));

		if (!v)
			return -1;
		a->spans = v;
		a->caps = cap;
	}
	a->spans[a->nspans].cpu = cpu;
	a->spans[a->nspans].from = from;
	a->spans[a->nspans].to = to;
	a->spans[a->nspans++].lost = lost;
	a->drops += lost;
	/* Reordering can reach a window past the gap on both sides. */
	for (i = 0; i < a->ninst; i++)
		if (chain_quiet(&a->inst[i]->chain, from > w ? from - w : 0,
				to + w))
			return -1;
	return 0;
}

int analysis_drop(struct analysis *a, uint32_t cpu, uint64_t from,
		  uint64_t to, uint64_t lost)
{
	if (add_span(a, cpu, from, to, lost))
		a->oom = true;
	return a->oom ? -1 : 0;
}

static void note_stack_id(struct analysis *a, int32_t id)
{
	size_t lo = 0, hi = a->nstack_ids;

	if (id >= BES2600_STACK_ENTRIES) {
		set_limit(a, "stack id %d outside 0..%d", id,
			  BES2600_STACK_ENTRIES - 1);
		return;
	}

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (a->stack_ids[mid] == id)
			return;
		if (a->stack_ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (a->nstack_ids == a->capsi) {
		size_t cap = a->capsi ? a->capsi * 2 : 64;
		int32_t *v = realloc(a->stack_ids, cap * sizeof(*v));

		if (!v) {
			a->oom = true;
			return;
		}
		a->stack_ids = v;
		a->capsi = cap;
	}
	memmove(a->stack_ids + lo + 1, a->stack_ids + lo,
		(a->nstack_ids - lo) * sizeof(*a->stack_ids));
	a->stack_ids[lo] = id;
	a->nstack_ids++;
}

/* Records this CPU failed to send just before e: a gap since its last. */
static void note_cpu(struct analysis *a, const struct bes2600_event *e)
{
	bool known = e->cpu < AN_MAX_CPUS;
	uint64_t from;

	if (known && e->cpu >= a->ncpu) {
		size_t n = e->cpu + 1;
		uint64_t *v = realloc(a->cpu_last, n * sizeof(*v));

		if (!v) {
			a->oom = true;
			return;
		}
		memset(v + a->ncpu, 0, (n - a->ncpu) * sizeof(*v));
		a->cpu_last = v;
		a->ncpu = n;
	}
	if (e->lost_before) {
		from = known && a->cpu_last[e->cpu] ? a->cpu_last[e->cpu] :
		       a->first_ts;
		if (add_span(a, known ? e->cpu : UINT32_MAX, from, e->ts_ns,
			     e->lost_before))
			a->oom = true;
	}
	if (known && e->ts_ns > a->cpu_last[e->cpu])
		a->cpu_last[e->cpu] = e->ts_ns;
}

int analysis_feed(struct analysis *a, const struct bes2600_event *e)
{
	a->events++;
	if (!a->first_ts || e->ts_ns < a->first_ts)
		a->first_ts = e->ts_ns;
	if (e->ts_ns > a->last_ts)
		a->last_ts = e->ts_ns;
	note_cpu(a, e);
	if (e->stack_id >= 0)
		note_stack_id(a, e->stack_id);
	switch (e->type) {
	case BES2600_EV_COUNTER:
		if (e->ctr.counter < BES2600_NR_COUNTERS)
			counter_event(a, e);
		else
			a->ignored++;
		break;
	case BES2600_EV_RX_WORK_QUEUE:
	case BES2600_EV_RX_WORK_START:
	case BES2600_EV_RX_WORK_END:
		a->rx_events++;
		/* Given counts hold the totals; the records are the flight's. */
		if (!a->cfg.counts_given && rxwork_add(&a->rx, e))
			a->oom = true;
		break;
	case BES2600_EV_PENDING_TIMER:
		timer_event(a, e);
		break;
	default:
		/* A newer tool's event type: not ours to judge. */
		a->ignored++;
		break;
	}
	return a->oom || a->limit[0] ? -1 : 0;
}

int analysis_add_stack(struct analysis *a, int32_t id, const uint64_t *ips,
		       uint32_t n)
{
	struct an_stack *s;

	if (analysis_stack(a, id))
		return 0;
	if (id < 0 || id >= BES2600_STACK_ENTRIES) {
		set_limit(a, "stack id %d outside 0..%d", id,
			  BES2600_STACK_ENTRIES - 1);
		return -1;
	}
	if (a->nstacks == a->capst) {
		size_t cap = a->capst ? a->capst * 2 : 64;
		struct an_stack *v = realloc(a->stacks, cap * sizeof(*v));

		if (!v)
			return -1;
		a->stacks = v;
		a->capst = cap;
	}
	s = &a->stacks[a->nstacks++];
	s->id = id;
	s->n = n < AN_MAX_STACK ? n : AN_MAX_STACK;
	memcpy(s->ips, ips, s->n * sizeof(*ips));
	return 0;
}

const struct an_stack *analysis_stack(const struct analysis *a, int32_t id)
{
	size_t i;

	for (i = 0; i < a->nstacks; i++)
		if (a->stacks[i].id == id)
			return &a->stacks[i];
	return NULL;
}

int analysis_take_counts(struct analysis *a, uint64_t hw, uint32_t counter,
			 int32_t idx, const struct bes2600_inst_stats *st)
{
	struct an_instance *in = get_inst(a, hw, counter, idx);

	if (!in)
		return -1;
	in->cnt = *st;
	if (st->capacity > 0)
		in->capacity = st->capacity;
	return 0;
}

void analysis_take_rx(struct analysis *a, const struct bes2600_rx_stats *st)
{
	rxwork_add_stats(&a->rx, st);
}

static struct an_writer *writer_row(struct an_instance *in, uint32_t ctx,
				    uint64_t site, bool atomic)
{
	struct an_writer *w;
	size_t i;

	for (i = 0; i < in->nwriters; i++) {
		w = &in->writers[i];
		if (w->ctx == ctx && w->site == site && w->atomic == atomic)
			return w;
	}
	if (in->nwriters == in->capw) {
		size_t cap = in->capw ? in->capw * 2 : 8;

		w = realloc(in->writers, cap * sizeof(*w));
		if (!w)
			return NULL;
		in->writers = w;
		in->capw = cap;
	}
	w = &in->writers[in->nwriters++];
	memset(w, 0, sizeof(*w));
	w->ctx = ctx;
	w->site = site;
	w->atomic = atomic;
	return w;
}

/*
 * The figures the report reads, from the counts: rows of one context
 * (a kthread's per-CPU names are one), site and flavour merge, their ops
 * in a set; writers past the rows kept are one "others" row.
 */
static void settle(struct an_instance *in)
{
	const struct bes2600_inst_stats *c = &in->cnt;
	struct analysis *a = in->an;
	struct an_writer *w;
	uint32_t ctx;
	size_t i;

	in->writes = c->writes;
	in->plain_writes = c->plain_writes;
	in->atomic_writes = c->writes - c->plain_writes;
	in->delta_sum = c->delta_sum;
	in->handovers = c->handovers;
	in->timer_decisions = c->timer_decisions;
	in->have_value = c->has_first;
	analysis_endpoints(in, &in->first_value, &in->last_value);
	in->min = c->lo;
	in->max = c->hi;
	in->nwriters = 0;
	for (i = 0; i < BES2600_INST_WRITERS; i++) {
		const struct bes2600_agg_writer *r = &c->w[i];

		if (!r->tag)
			continue;
		ctx = intern_ctx_parts(a, r->ctx_kind, r->ctx_func, r->comm);
		w = writer_row(in, ctx, r->caller, r->atomic);
		if (!w) {
			a->oom = true;
			return;
		}
		if (!w->count || r->first_ns < w->first_ts)
			w->first_ts = r->first_ns;
		if (r->last_ns > w->last_ts)
			w->last_ts = r->last_ns;
		w->count += r->count;
		w->ops |= 1 << (r->op & 7);
	}
	if (c->other_writes) {
		w = writer_row(in, intern_ctx_parts(a, 0, 0, ""), 0, false);
		if (!w) {
			a->oom = true;
			return;
		}
		w->count = c->other_writes;
	}
}

void analysis_finish(struct analysis *a, uint64_t end_ns)
{
	uint64_t first, last;
	size_t i, k;

	if (a->finished)
		return;
	a->finished = true;
	if (end_ns)
		a->end_ns = end_ns;
	for (i = 0; i < a->ninst; i++) {
		struct an_instance *in = a->inst[i];
		struct finding *f;

		chain_flush(&in->chain);
		check_timers(in);
		settle(in);
		if (!analysis_drift(a, in))
			continue;
		first = in->first_ts;
		last = in->last_ts;
		/* Nothing chained: the writers' own times. */
		for (k = 0; !in->chained && k < in->nwriters; k++) {
			if (!first || in->writers[k].first_ts < first)
				first = in->writers[k].first_ts;
			if (in->writers[k].last_ts > last)
				last = in->writers[k].last_ts;
		}
		f = findings_note(&a->findings, FC_DRIFT, in->index, NULL,
				  NULL, false, last);
		if (!f) {
			a->oom = true;
			continue;
		}
		f->first_ts = first;
		f->count = in->chain.breaks + in->chain.unordered +
			   in->chain.undecided + in->chain.set_breaks;
		f->value = analysis_drift(a, in);
		f->value2 = in->chain.drift;
	}
	rxwork_flush(&a->rx);
	findings_sort(&a->findings);
}

/*
 * Given counts: the BPF side's first and last.  Folded: atomic writes
 * form one chain, whatever their stamps say; racing plain stores do not:
 * there, memory keeps the last store, which is the last stamp (each event
 * is stamped right after its store).
 */
void analysis_endpoints(const struct an_instance *in, int32_t *first,
			int32_t *last)
{
	bool chain = !in->an->cfg.counts_given && !in->cnt.plain_writes &&
		     in->have_chain_value;

	*first = chain ? in->chain_first : in->cnt.first;
	*last = chain ? in->chain_last : in->cnt.value;
}

int64_t analysis_net_drift(const struct an_instance *in)
{
	int32_t first, last;

	if (!in->cnt.has_first)
		return 0;
	analysis_endpoints(in, &first, &last);
	return (int64_t)last - first - in->cnt.delta_sum;
}

int64_t analysis_drift(const struct analysis *a, const struct an_instance *in)
{
	if (a->cfg.counts_given)
		return analysis_net_drift(in);
	/* An atomic chain loses nothing it does not report as a break. */
	if (analysis_incomplete(a, in) || !in->cnt.plain_writes)
		return in->chain.drift;
	return analysis_net_drift(in);
}

uint64_t analysis_duration(const struct analysis *a)
{
	uint64_t from = a->start_ns ? a->start_ns : a->first_ts;
	uint64_t to = a->end_ns ? a->end_ns : a->last_ts;

	if (a->first_ts && a->first_ts < from)
		from = a->first_ts;
	if (a->last_ts > to)
		to = a->last_ts;
	return to > from ? to - from : 0;
}

bool analysis_incomplete(const struct analysis *a,
			 const struct an_instance *in)
{
	size_t i;

	/* A dashboard's stream: atomic writes in bounds were not sent. */
	if (in->sampled && !a->cfg.counts_given)
		return true;
	/*
	 * Every plain write is sent: one the BPF side counted and the chain
	 * never got was lost, even after the instance's last record.
	 */
	if (a->cfg.counts_given && in->cnt.plain_writes > in->chained_plain)
		return true;
	for (i = 0; i < a->nspans; i++)
		if (a->spans[i].to >= in->first_ts &&
		    a->spans[i].from <= in->last_ts)
			return true;
	return false;
}

void analysis_totals(const struct analysis *a, size_t *errors,
		     size_t *warnings)
{
	size_t i;

	*errors = *warnings = 0;
	for (i = 0; a && i < a->findings.n; i++) {
		if (a->findings.v[i].suppressed)
			continue;
		if (finding_class_is_error(a->findings.v[i].cls))
			(*errors)++;
		else
			(*warnings)++;
	}
}

size_t analysis_errors(const struct analysis *a)
{
	size_t errors, warnings;

	analysis_totals(a, &errors, &warnings);
	return errors;
}
