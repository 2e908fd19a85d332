// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top state: the calls' diffs folded into fields, writers and
 * overlaps (state_table.h says how a change is attributed).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bes2600/top_event.h>

#include "state_table.h"

struct state_change {
	uint32_t field;
	bool concurrent;	/* another context's call changed it too */
};

struct state_call_rec {
	uint64_t inst, t0, t1;
	uint32_t func, ctx, pid;
	uint8_t level;
	uint32_t n;
	bool overlapped;	/* another context's call was in flight */
	struct state_change *ch;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	q = realloc(p, n * size);
	if (q)
		*cap = n;
	return q;
}

int state_run_init(struct state_run *r, const struct state_btf *sb, int root,
		   uint32_t snapped)
{
	memset(r, 0, sizeof(*r));
	r->sb = sb;
	r->root = root;
	r->size = (uint32_t)state_btf_size(sb, root);
	r->snapped = snapped;
	r->byte_field = calloc(snapped ? snapped : 1, sizeof(*r->byte_field));
	return r->byte_field ? 0 : -ENOMEM;
}

void state_run_free(struct state_run *r)
{
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		free(r->fields[i].w);
		free(r->fields[i].pairs);
		free(r->fields[i].sites);
	}
	for (i = 0; i < r->ncalls; i++)
		free(r->calls[i].ch);
	free(r->fields);
	free(r->calls);
	free(r->fns);
	free(r->ctxs);
	free(r->byte_field);
	memset(r, 0, sizeof(*r));
}

int state_run_add_fn(struct state_run *r, const struct state_func *f,
		     bool asked)
{
	struct state_fn *n;
	size_t i;

	for (i = 0; i < r->nfns; i++)
		if (!strcmp(r->fns[i].f.name, f->name)) {
			r->fns[i].asked |= asked;
			return (int)i;
		}
	if (r->nfns >= BES2600_STATE_MAX_FUNCS)
		return -E2BIG;
	n = realloc(r->fns, (r->nfns + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	r->fns = n;
	memset(&n[r->nfns], 0, sizeof(*n));
	n[r->nfns].f = *f;
	n[r->nfns].asked = asked;
	return (int)r->nfns++;
}

uint32_t state_run_ctx(struct state_run *r, const char *name)
{
	void *n;
	size_t i;

	for (i = 0; i < r->nctx; i++)
		if (!strcmp(r->ctxs[i], name))
			return (uint32_t)i;
	n = realloc(r->ctxs, (r->nctx + 1) * sizeof(*r->ctxs));
	if (!n)
		return 0;
	r->ctxs = n;
	snprintf(r->ctxs[r->nctx], sizeof(r->ctxs[0]), "%s", name);
	return (uint32_t)r->nctx++;
}

uint32_t state_run_field(struct state_run *r, uint32_t off)
{
	struct state_leaf leaf;
	char path[160];
	uint32_t i, b;
	void *n;

	if (off < r->snapped && r->byte_field[off])
		return r->byte_field[off] - 1;
	state_btf_path(r->sb, r->root, off, path, sizeof(path), &leaf);
	for (i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].path, path))
			break;
	if (i == r->nfields) {
		n = realloc(r->fields, (r->nfields + 1) * sizeof(*r->fields));
		if (!n)
			return 0;
		r->fields = n;
		memset(&r->fields[i], 0, sizeof(r->fields[i]));
		snprintf(r->fields[i].path, sizeof(r->fields[i].path), "%s",
			 path);
		r->fields[i].leaf = leaf;
		r->nfields++;
	}
	/* Every byte of the member names the same field. */
	for (b = leaf.off; b < leaf.off + leaf.size && b < r->snapped; b++)
		r->byte_field[b] = i + 1;
	if (off < r->snapped)
		r->byte_field[off] = i + 1;
	return i;
}

static bool has_change(const struct state_call_rec *c, uint32_t field)
{
	uint32_t i;

	for (i = 0; i < c->n; i++)
		if (c->ch[i].field == field)
			return true;
	return false;
}

int state_run_add_call(struct state_run *r, const struct bes2600_state_call *c,
		       uint32_t ctx)
{
	struct state_call_rec *rec;
	uint32_t i, b, n = c->nch;

	if (c->func >= r->nfns)
		return -EINVAL;
	if (n > BES2600_STATE_MAX_CH)
		n = BES2600_STATE_MAX_CH;
	r->calls = grow(r->calls, &r->cap_calls, r->ncalls + 1, sizeof(*rec));
	if (!r->calls)
		return -ENOMEM;
	rec = &r->calls[r->ncalls];
	memset(rec, 0, sizeof(*rec));
	rec->inst = c->inst;
	rec->t0 = c->t0;
	rec->t1 = c->t1;
	rec->func = c->func;
	rec->ctx = ctx;
	rec->pid = c->pid;
	rec->level = c->ctx_kind >= BES2600_CTX_WORK ? 0 : c->ctx_kind;
	rec->ch = calloc(n * 8 + 1, sizeof(*rec->ch));
	if (!rec->ch)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		uint32_t word = c->ch[i].word, mask = c->ch[i].mask;

		for (b = 0; b < 8; b++) {
			uint32_t off = word * 8 + b, f;

			if (!(mask & (1u << b)) || off >= r->snapped)
				continue;
			f = state_run_field(r, off);
			if (!r->fields[f].seen_change) {
				r->fields[f].seen_change = true;
				r->fields[f].first_word = word;
			}
			if (has_change(rec, f))
				continue;
			rec->ch[rec->n++].field = f;
			if (r->fns[c->func].asked)
				r->fields[f].asked_changed = true;
		}
	}
	if (c->flags & BES2600_STATE_F_TRUNC)
		r->trunc_calls++;
	r->fns[c->func].calls++;
	r->ncalls++;
	return 0;
}

static struct state_writer *find_writer(const struct state_field *f,
					uint32_t func, uint32_t ctx)
{
	size_t i;

	for (i = 0; i < f->nw; i++)
		if (f->w[i].func == func && f->w[i].ctx == ctx)
			return &f->w[i];
	return NULL;
}

/* The field's row for (func, ctx), added if new; NULL without memory. */
static struct state_writer *writer(struct state_field *f, uint32_t func,
				   uint32_t ctx)
{
	struct state_writer *w = find_writer(f, func, ctx);

	if (w)
		return w;
	w = realloc(f->w, (f->nw + 1) * sizeof(*w));
	if (!w)
		return NULL;
	f->w = w;
	memset(&w[f->nw], 0, sizeof(*w));
	w[f->nw].func = func;
	w[f->nw].ctx = ctx;
	return &w[f->nw++];
}

void state_run_add_hit(struct state_run *r, uint32_t field,
		       const struct bes2600_state_hit_key *k,
		       const struct bes2600_state_hit_val *v, uint32_t ctx,
		       const char *site)
{
	struct state_field *f;
	struct state_writer *w;
	struct state_site *s;
	uint32_t i;
	size_t j;

	if (field >= r->nfields)
		return;
	f = &r->fields[field];
	if (k->same == BES2600_STATE_HIT_UNKNOWN) {
		f->unknown_hits += v->count;
		return;
	}
	if (k->same) {
		f->same_hits += v->count;
	} else {
		f->watch_hits += v->count;
		f->last_old = (int64_t)v->old;
		f->last_new = (int64_t)v->new_;
		f->have_last = v->have_old;
	}
	for (i = 0; i < r->nfns && i < 64; i++)
		if ((k->inflight >> i & 1) && (w = writer(f, i, ctx))) {
			if (k->same)
				w->same += v->count;
			else
				w->hits += v->count;
		}
	/* A store outside every measured call: its site (changes only). */
	if (k->inflight || k->same)
		return;
	for (j = 0; j < f->ns; j++)
		if (f->sites[j].ctx == ctx && !strcmp(f->sites[j].site, site)) {
			f->sites[j].hits += v->count;
			return;
		}
	s = realloc(f->sites, (f->ns + 1) * sizeof(*s));
	if (!s)
		return;
	f->sites = s;
	memset(&s[f->ns], 0, sizeof(*s));
	snprintf(s[f->ns].site, sizeof(s[f->ns].site), "%s", site);
	s[f->ns].ctx = ctx;
	s[f->ns].hits = v->count;
	f->ns++;
}

static int by_inst_t0(const void *a, const void *b)
{
	const struct state_call_rec *x = a, *y = b;

	if (x->inst != y->inst)
		return x->inst < y->inst ? -1 : 1;
	if (x->t0 != y->t0)
		return x->t0 < y->t0 ? -1 : 1;
	return 0;
}

static void add_pair(struct state_field *f, const struct state_call_rec *a,
		     const struct state_call_rec *b)
{
	const struct state_call_rec *x = a, *y = b;
	struct state_pair *p;
	size_t i;

	/* One order per pair of writers, so that A||B and B||A are one row. */
	if (a->func > b->func || (a->func == b->func && a->ctx > b->ctx)) {
		x = b;
		y = a;
	}
	for (i = 0; i < f->np; i++)
		if (f->pairs[i].fa == x->func && f->pairs[i].ca == x->ctx &&
		    f->pairs[i].fb == y->func && f->pairs[i].cb == y->ctx) {
			f->pairs[i].n++;
			return;
		}
	p = realloc(f->pairs, (f->np + 1) * sizeof(*p));
	if (!p)
		return;
	f->pairs = p;
	p[f->np] = (struct state_pair){ x->func, x->ctx, y->func, y->ctx, 1 };
	f->np++;
}

/* A writer of the field in calls no other context's call overlapped. */
static bool clean_writer(const struct state_field *f, uint32_t func,
			 uint32_t ctx)
{
	const struct state_writer *w = find_writer(f, func, ctx);

	return w && w->clean > 0;
}

static bool other_context(const struct state_call_rec *a,
			  const struct state_call_rec *b)
{
	/* The same task at the same level: a callee, or a re-entry. */
	return b->pid != a->pid || b->level != a->level;
}

/*
 * a's changes that b may have made: b changed the field too, or b is a
 * known writer of it (b's own diff may show no change: an increment
 * and a decrement at once cancel there, not in a's window).
 */
static void mark_concurrent(struct state_run *r, struct state_call_rec *a,
			    const struct state_call_rec *b)
{
	uint32_t k;

	for (k = 0; k < a->n; k++) {
		struct state_field *f = &r->fields[a->ch[k].field];

		if (has_change(b, a->ch[k].field) ||
		    clean_writer(f, b->func, b->ctx))
			a->ch[k].concurrent = true;
	}
}

/* Two writers of a field in flight at once, once per field changed. */
static void count_pairs(struct state_run *r, const struct state_call_rec *a,
			const struct state_call_rec *b)
{
	uint32_t k;

	for (k = 0; k < a->n + b->n; k++) {
		uint32_t field = k < a->n ? a->ch[k].field : b->ch[k - a->n].field;
		struct state_field *f = &r->fields[field];

		if (k >= a->n && has_change(a, field))
			continue;
		if (clean_writer(f, a->func, a->ctx) &&
		    clean_writer(f, b->func, b->ctx))
			add_pair(f, a, b);
	}
}

/*
 * Each pair of calls of two contexts on one instance that were in flight
 * at once (calls are in time order per instance).
 */
static void for_each_overlap(struct state_run *r,
			     void (*visit)(struct state_run *r,
					   struct state_call_rec *a,
					   struct state_call_rec *b))
{
	size_t i, j;

	for (i = 0; i < r->ncalls; i++) {
		struct state_call_rec *a = &r->calls[i];

		for (j = i + 1; j < r->ncalls; j++) {
			struct state_call_rec *b = &r->calls[j];

			if (b->inst != a->inst || b->t0 >= a->t1)
				break;
			if (other_context(a, b))
				visit(r, a, b);
		}
	}
}

static void mark_overlapped(struct state_run *r, struct state_call_rec *a,
			    struct state_call_rec *b)
{
	(void)r;
	a->overlapped = b->overlapped = true;
}

static void explain(struct state_run *r, struct state_call_rec *a,
		    struct state_call_rec *b)
{
	mark_concurrent(r, a, b);
	mark_concurrent(r, b, a);
	count_pairs(r, a, b);
}

/*
 * Passes over the calls, in time order per instance: which calls
 * overlapped another context's; who changed a field in a call nobody
 * overlapped (a writer beyond doubt); then each change that an
 * overlapping call could explain is marked concurrent, and the rest
 * counts as its function's own.
 */
void state_run_finish(struct state_run *r)
{
	size_t i;
	uint32_t k;

	if (r->finished)
		return;
	r->finished = true;
	qsort(r->calls, r->ncalls, sizeof(*r->calls), by_inst_t0);
	for_each_overlap(r, mark_overlapped);
	for (i = 0; i < r->ncalls; i++) {
		struct state_call_rec *c = &r->calls[i];

		for (k = 0; k < c->n; k++) {
			struct state_writer *w =
				writer(&r->fields[c->ch[k].field], c->func, c->ctx);

			if (!w)
				continue;
			w->calls++;
			if (!c->overlapped)
				w->clean++;
		}
	}
	for_each_overlap(r, explain);
	for (i = 0; i < r->ncalls; i++) {
		struct state_call_rec *c = &r->calls[i];

		for (k = 0; k < c->n; k++) {
			struct state_writer *w;

			if (c->ch[k].concurrent)
				continue;
			w = find_writer(&r->fields[c->ch[k].field], c->func,
					c->ctx);
			if (w)
				w->alone++;
		}
	}
}

bool state_field_watch_decides(const struct state_field *f)
{
	/* A watch that saw no store at all decides nothing. */
	return f->watched && f->watch_hits + f->same_hits;
}

/* A writer the table names: an own change, or a write caught inside. */
bool state_writer_counts(const struct state_field *f,
			 const struct state_writer *w)
{
	return state_field_watch_decides(f) ? w->hits > 0 : w->alone > 0;
}

bool state_field_listed(const struct state_run *r, const struct state_field *f)
{
	size_t i;

	for (i = 0; i < f->nw; i++)
		if (r->fns[f->w[i].func].asked &&
		    state_writer_counts(f, &f->w[i]))
			return true;
	return false;
}

static bool is_writer(const struct state_field *f, uint32_t func, uint32_t ctx)
{
	const struct state_writer *w = find_writer(f, func, ctx);

	return w && state_writer_counts(f, w);
}

bool state_pair_counts(const struct state_field *f, const struct state_pair *p)
{
	return is_writer(f, p->fa, p->ca) && is_writer(f, p->fb, p->cb);
}
