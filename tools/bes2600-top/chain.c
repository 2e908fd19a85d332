// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Lost-update detection on one counter instance (see chain.h).
 *
 * Deciding the oldest undecided event e0 means finding a path P through
 * the events stamped less than a window after it (the "hard" set) that
 * starts at the current value and ends by consuming e0.  Among the paths,
 * the one whose continuation explains the most of the hard set wins: a
 * path that takes e0 at once can strand events that really came before it
 * (cur=5, X 5->6, Z 6->5, Y 5->4 stamped Y, Z, X).  The continuation is
 * estimated greedily, in stamp order, over every buffered event.
 *
 * The events are split into sequences whose order is known: one per
 * thread (tid), and, for events of no known thread, one per (old, new)
 * pair, because two such events are interchangeable.  A path is then a
 * merge of sequences, a search state is the vector of positions in them,
 * and a memo of visited states keeps the search polynomial in practice.
 */
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "window.h"

/* Events a search looks at; more wait for the next decision. */
#define SEARCH_MAX 2048

struct chain_slot {
	struct chain_event ev;
	uint64_t key;		/* Zobrist key: the memo hashes sets of events */
	int32_t after;		/* value after it, in a checked serial prefix */
};

struct seq_key {
	uint64_t key;
	uint32_t val;
	uint8_t used, kind;
};

struct chain_scratch {
	size_t cap;			/* events the arrays below hold */
	uint32_t *seq_of, *start, *len, *pos, *members;
	uint32_t *path, *best_path;
	bool *take, *used;
	struct seq_key *hk;		/* event -> sequence, 2 * cap slots */
	uint64_t *vis;			/* memo of visited states */
	uint32_t *vgen;
	size_t vcap, vn;
	uint32_t gen;
};

struct search {
	struct chain *c;
	const struct chain_slot *ev;
	struct chain_scratch *s;
	size_t n;		/* hard set: events 0..n-1 */
	size_t total;		/* events with a sequence: 0..total-1 */
	size_t all;		/* events buffered */
	uint64_t w;		/* how late a stamp may be: the window */
	uint64_t maxts;		/* newest stamp committed or on the path */
	uint32_t lo;		/* oldest event not on the path */
	uint32_t k;
	size_t depth, hard, e0pos;	/* e0pos: SIZE_MAX until e0 is taken */
	bool found, stop, out;
	size_t best_plen, best_hard, best_total;
	int32_t start, best_start;	/* the value the path starts from */
	uint64_t cost, budget;
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void chain_init(struct chain *c, uint64_t window_ns, chain_break_fn on_break,
		chain_commit_fn on_commit, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->window_ns = window_ns;
	c->lag_ns = window_ns;
	c->batch_ns = window_ns / 4;
	c->budget = CHAIN_DEFAULT_BUDGET;
	c->credit = c->budget;
	c->on_break = on_break;
	c->on_commit = on_commit;
	c->ctx = ctx;
}

static void scratch_free(struct chain_scratch *s)
{
	if (!s)
		return;
	free(s->seq_of);
	free(s->start);
	free(s->len);
	free(s->pos);
	free(s->members);
	free(s->path);
	free(s->best_path);
	free(s->take);
	free(s->used);
	free(s->hk);
	free(s->vis);
	free(s->vgen);
	free(s);
}

void chain_free(struct chain *c)
{
	free(c->mem);
	free(c->quiet);
	scratch_free(c->s);
	c->buf = c->mem = NULL;
	c->off = 0;
	c->quiet = NULL;
	c->s = NULL;
	c->n = c->cap = c->quiet_n = c->quiet_cap = 0;
}

static int scratch_reserve(struct chain *c, size_t n)
{
	struct chain_scratch *s = c->s;
	size_t cap;

	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -1;
		c->s = s;
	}
	if (n <= s->cap)
		return 0;
	cap = s->cap ? s->cap : 64;
	while (cap < n)
		cap *= 2;
#define GROW(p, m) do {						\
		void *q = realloc((p), (m) * sizeof(*(p)));		\
		if (!q)							\
			return -1;					\
		(p) = q;						\
	} while (0)
	GROW(s->seq_of, cap);
	GROW(s->start, cap);
	GROW(s->len, cap);
	GROW(s->pos, cap);
	GROW(s->members, cap);
	GROW(s->path, cap);
	GROW(s->best_path, cap);
	GROW(s->take, cap);
	GROW(s->used, cap);
	GROW(s->hk, 2 * cap);
#undef GROW
	s->cap = cap;
	return 0;
}

/* The memo: true when the state was seen in this search already. */
static int memo_grow(struct chain_scratch *s)
{
	size_t ncap = s->vcap ? s->vcap * 2 : 4096, i;
	uint64_t *vis = calloc(ncap, sizeof(*vis));
	uint32_t *vgen = calloc(ncap, sizeof(*vgen));

	if (!vis || !vgen) {
		free(vis);
		free(vgen);
		return -1;
	}
	for (i = 0; i < s->vcap; i++) {
		size_t j;

		if (s->vgen[i] != s->gen)
			continue;
		j = s->vis[i] & (ncap - 1);
		while (vgen[j] == s->gen)
			j = (j + 1) & (ncap - 1);
		vis[j] = s->vis[i];
		vgen[j] = s->gen;
	}
	free(s->vis);
	free(s->vgen);
	s->vis = vis;
	s->vgen = vgen;
	s->vcap = ncap;
	return 0;
}

static bool memo_seen(struct search *se, uint64_t h)
{
	struct chain_scratch *s = se->s;
	size_t j;

	if ((s->vn + 1) * 2 > s->vcap && memo_grow(s)) {
		/* No memory for the memo: stop searching, claim nothing. */
		se->out = se->stop = true;
		return true;
	}
	j = h & (s->vcap - 1);
	while (s->vgen[j] == s->gen) {
		if (s->vis[j] == h)
			return true;
		j = (j + 1) & (s->vcap - 1);
	}
	s->vis[j] = h;
	s->vgen[j] = s->gen;
	s->vn++;
	return false;
}

static void memo_reset(struct chain_scratch *s)
{
	s->vn = 0;
	if (++s->gen == 0) {
		if (s->vgen)
			memset(s->vgen, 0, s->vcap * sizeof(*s->vgen));
		s->gen = 1;
	}
}

/* Groups events 0..total-1 into sequences, each in stamp order. */
static void build_sequences(struct search *se)
{
	struct chain_scratch *s = se->s;
	size_t hcap = 2 * s->cap, i;
	uint32_t k = 0, off = 0, j;

	memset(s->hk, 0, hcap * sizeof(*s->hk));
	for (i = 0; i < se->total; i++) {
		const struct chain_event *e = &se->ev[i].ev;
		uint8_t kind = e->tid ? 1 : 2;
		uint64_t key = e->tid ? e->tid :
			((uint64_t)(uint32_t)e->old << 32) | (uint32_t)e->new_;
		size_t h = splitmix64(key ^ kind) & (hcap - 1);

		while (s->hk[h].used &&
		       (s->hk[h].key != key || s->hk[h].kind != kind))
			h = (h + 1) & (hcap - 1);
		if (!s->hk[h].used) {
			s->hk[h].used = 1;
			s->hk[h].key = key;
			s->hk[h].kind = kind;
			s->hk[h].val = k;
			s->len[k++] = 0;
		}
		s->seq_of[i] = s->hk[h].val;
		s->len[s->hk[h].val]++;
	}
	for (j = 0; j < k; j++) {
		s->start[j] = off;
		off += s->len[j];
		s->pos[j] = 0;
	}
	/* Counting sort keeps stamp order inside each sequence. */
	for (i = 0; i < se->total; i++) {
		j = s->seq_of[i];
		s->members[s->start[j] + s->pos[j]++] = i;
	}
	for (j = 0; j < k; j++)
		s->pos[j] = 0;
	se->k = k;
}

static inline uint32_t head(const struct search *se, const uint32_t *pos,
			    uint32_t j)
{
	const struct chain_scratch *s = se->s;

	return pos[j] < s->len[j] ? s->members[s->start[j] + pos[j]] :
	       UINT32_MAX;
}

/* The path cannot grow on this branch (or the search stops): keep the best. */
static void record(struct search *se)
{
	if (se->e0pos == SIZE_MAX)
		return;
	if (se->found && (se->hard < se->best_hard ||
			  (se->hard == se->best_hard &&
			   se->depth <= se->best_total)))
		return;
	se->found = true;
	se->best_hard = se->hard;
	se->best_total = se->depth;
	se->best_plen = se->e0pos + 1;
	se->best_start = se->start;
	memcpy(se->s->best_path, se->s->path, se->depth * sizeof(uint32_t));
	if (se->hard == se->n)
		se->stop = true;
}

/*
 * The oldest event that may come next from value cur, after index "after"
 * (UINT32_MAX: none).  An event can go after another only if it was
 * stamped less than a window before it, both ways round: it cannot jump
 * back past the newest stamp taken, nor ahead of the oldest one left.
 */
static uint32_t pick(const struct search *se, int32_t cur, uint32_t after,
		     uint32_t *seq)
{
	const struct chain_scratch *s = se->s;
	uint64_t w = se->w;
	uint64_t lo_ts = se->lo < se->all ? se->ev[se->lo].ev.ts : UINT64_MAX;
	uint32_t best = UINT32_MAX, j;

	for (j = 0; j < se->k; j++) {
		uint32_t e = head(se, s->pos, j);
		const struct chain_event *ev;

		if (e >= best || (after != UINT32_MAX && e <= after))
			continue;
		ev = &se->ev[e].ev;
		if (ev->old != cur || ev->ts + w <= se->maxts)
			continue;
		if (e != se->lo && lo_ts != UINT64_MAX && ev->ts >= lo_ts + w)
			continue;
		/* Before e0 goes only what may precede it: the hard set. */
		if (se->e0pos == SIZE_MAX && e >= se->n)
			continue;
		best = e;
		*seq = j;
	}
	return best;
}

struct undo {
	uint64_t maxts;
	uint32_t lo;
};

static void take(struct search *se, uint32_t e, uint32_t seq, struct undo *u)
{
	struct chain_scratch *s = se->s;

	u->maxts = se->maxts;
	u->lo = se->lo;
	s->pos[seq]++;
	s->used[e] = true;
	if (se->ev[e].ev.ts > se->maxts)
		se->maxts = se->ev[e].ev.ts;
	while (se->lo < se->total && s->used[se->lo])
		se->lo++;
	if (!e)
		se->e0pos = se->depth;
	s->path[se->depth++] = e;
	se->hard += e < se->n;
}

static void untake(struct search *se, uint32_t e, uint32_t seq,
		   const struct undo *u)
{
	struct chain_scratch *s = se->s;

	se->hard -= e < se->n;
	se->depth--;
	if (!e)
		se->e0pos = SIZE_MAX;
	s->used[e] = false;
	s->pos[seq]--;
	se->maxts = u->maxts;
	se->lo = u->lo;
}

/* Extends the path in stamp order as far as it goes (the search ends). */
static void finish_greedy(struct search *se, int32_t cur)
{
	uint32_t e, seq = 0;
	struct undo u;

	while ((e = pick(se, cur, UINT32_MAX, &seq)) != UINT32_MAX) {
		se->cost += 1 + se->k / 16;
		take(se, e, seq, &u);
		cur = se->ev[e].ev.new_;
	}
}

/*
 * Depth first over the orders, oldest stamp first, so the first branch
 * is the stamp order itself and most decisions end on it.
 */
static void explore(struct search *se, int32_t cur, uint64_t h)
{
	uint32_t last = UINT32_MAX, e, seq = 0;
	bool any = false;
	struct undo u;

	se->cost += 1 + se->k / 16;
	if (se->cost > se->budget) {
		se->out = se->stop = true;
		record(se);
		return;
	}
	if (se->e0pos != SIZE_MAX && se->hard == se->n) {
		/* Enough to decide: extend in stamp order, for the batch. */
		finish_greedy(se, cur);
		record(se);
		se->stop = true;
		return;
	}
	if (memo_seen(se, h))
		return;
	while ((e = pick(se, cur, last, &seq)) != UINT32_MAX) {
		any = true;
		take(se, e, seq, &u);
		explore(se, se->ev[e].ev.new_, h ^ se->ev[e].key);
		untake(se, e, seq, &u);
		if (se->stop)
			return;
		last = e;
	}
	if (!any)
		record(se);
}

static bool is_quiet(const struct chain *c, uint64_t ts)
{
	size_t i;

	for (i = c->quiet_n; i-- > 0;)
		if (ts >= c->quiet[i].from && ts <= c->quiet[i].to)
			return true;
	return false;
}

static void remember(struct chain *c, const struct chain_event *e)
{
	if (c->hist_n < CHAIN_HISTORY) {
		c->hist[(c->hist_head + c->hist_n++) % CHAIN_HISTORY] = *e;
	} else {
		c->hist[c->hist_head] = *e;
		c->hist_head = (c->hist_head + 1) % CHAIN_HISTORY;
	}
}

static void commit(struct chain *c, const struct chain_event *e,
		   enum chain_how how)
{
	c->cur = e->new_;
	c->committed++;
	if (e->ts > c->committed_maxts)
		c->committed_maxts = e->ts;
	remember(c, e);
	if (c->on_commit)
		c->on_commit(c->ctx, e, how);
}

static bool serial_pair(const struct chain_event *a,
			const struct chain_event *b)
{
	return a->serial && a->serial == b->serial;
}

static const struct chain_event *hist_at(const struct chain *c, size_t back)
{
	return &c->hist[(c->hist_head + c->hist_n - 1 - back) % CHAIN_HISTORY];
}

/*
 * The latest committed write that read what e read, another context
 * first, never one of e's own serial context.
 */
static const struct chain_event *find_clobbered(const struct chain *c,
						const struct chain_event *e)
{
	const struct chain_event *any = NULL, *h;
	size_t i;

	for (i = 0; i < c->hist_n; i++) {
		h = hist_at(c, i);
		if (h->old != e->old || serial_pair(h, e))
			continue;
		if (h->ctx != e->ctx)
			return h;
		if (!any)
			any = h;
	}
	return any;
}

/* The writes of other contexts within a window before e, newest first. */
static void find_candidates(const struct chain *c, const struct chain_event *e,
			    struct chain_break *b)
{
	const struct chain_event *h;
	size_t i, k;

	for (i = 0; i < c->hist_n && b->ncand < CHAIN_CANDIDATES; i++) {
		h = hist_at(c, i);
		if (h->ts + c->window_ns < e->ts)
			break;
		if (serial_pair(h, e) || h->ctx == e->ctx)
			continue;
		for (k = 0; k < b->ncand; k++)
			if (b->cand[k].ctx == h->ctx && b->cand[k].site == h->site)
				break;
		if (k == b->ncand)
			b->cand[b->ncand++] = *h;
	}
}

/* e0 cannot be reached by any order: a break. */
static void take_break(struct chain *c, const struct chain_event *e)
{
	const struct chain_event *h;
	struct chain_break b = { .clobbering = *e };

	if (is_quiet(c, e->ts)) {
		c->restarts++;
		commit(c, e, CHAIN_RESTART);
		return;
	}
	b.lost = (int64_t)e->old - c->cur;
	if (e->op == CHAIN_OP_SET) {
		c->drift += b.lost;
		/* An initialisation, not a read-modify-write. */
		c->set_breaks++;
		commit(c, e, CHAIN_SET_BREAK);
		return;
	}
	h = find_clobbered(c, e);
	if (h) {
		b.clobbered = *h;
		b.has_clobbered = true;
	} else {
		find_candidates(c, e, &b);
	}
	if (e->atomic) {
		/*
		 * An atomic write read the real value: if a plain write stored
		 * over it, that plain write is the stale one.  Two atomic
		 * writes cannot lose an update: only their order is off.
		 */
		if (!h || h->atomic) {
			/* Not a value the counter lost: kept apart. */
			c->unordered++;
			c->reorder_drift += b.lost;
			commit(c, e, CHAIN_UNORDERED);
			return;
		}
		b.clobbering = *h;
		b.clobbered = *e;
	}
	c->drift += b.lost;
	c->breaks++;
	if (c->on_break)
		c->on_break(c->ctx, e, &b);
	commit(c, e, CHAIN_BREAK);
}

static void drop_taken(struct chain *c, const bool *take, size_t upto)
{
	size_t i, w = 0;

	for (i = 0; i < c->n; i++)
		if (i >= upto || !take[i])
			c->buf[w++] = c->buf[i];
	c->n = w;
	c->serial_n = 0;
}

/* Drops the q oldest (already committed) events. */
static void drop_front(struct chain *c, size_t q)
{
	c->buf = window_drop(c->mem, &c->off, &c->n, q, sizeof(*c->buf));
}

static void drop_first(struct chain *c)
{
	drop_front(c, 1);
	c->serial_n = 0;
}

/* A new search from value start, nothing on the path. */
static void search_reset(struct search *se, int32_t start)
{
	struct chain_scratch *s = se->s;

	se->found = se->stop = se->out = false;
	se->cost = 0;
	se->start = start;
	se->depth = se->hard = 0;
	se->e0pos = SIZE_MAX;
	se->lo = 0;
	se->maxts = se->c->committed_maxts;
	se->w = se->c->window_ns;
	memset(s->pos, 0, se->k * sizeof(*s->pos));
	memset(s->used, 0, se->total * sizeof(*s->used));
	memo_reset(s);
}

/* Whether the window has an order from start with stamps at most w late. */
static bool explains(struct search *se, int32_t start, uint64_t w,
		     uint64_t budget)
{
	search_reset(se, start);
	se->w = w;
	se->budget = se->cost + budget;
	explore(se, start, 0);
	return se->found && se->best_hard == se->n;
}

/*
 * A fresh chain: the first stamp need not be the first write.  Each value
 * the window read is a candidate start; the one whose order asks the least
 * lateness of the stamps wins, and the value read more often than written
 * (where a serial order starts) breaks ties.
 */
static void start_fresh(struct search *se)
{
	uint64_t budget = se->budget, probe = budget / 64, best_w = UINT64_MAX;
	int32_t cand[8], best = se->ev[0].ev.old;
	long score[8];
	size_t nc = 0, i, j;

	for (i = 0; i < se->n && nc < 8; i++) {
		for (j = 0; j < nc; j++)
			if (cand[j] == se->ev[i].ev.old)
				break;
		if (j < nc)
			continue;
		cand[nc] = se->ev[i].ev.old;
		score[nc] = 0;
		for (j = 0; j < se->n; j++)
			score[nc] += (se->ev[j].ev.old == cand[nc]) -
				     (se->ev[j].ev.new_ == cand[nc]);
		/* Stable: equal scores keep stamp order. */
		for (j = nc; j > 0 && score[j - 1] < score[j]; j--) {
			int32_t tv = cand[j];
			long ts = score[j];

			cand[j] = cand[j - 1];
			score[j] = score[j - 1];
			cand[j - 1] = tv;
			score[j - 1] = ts;
		}
		nc++;
	}
	for (i = 0; i < nc; i++) {
		uint64_t lo = 0, hi = se->c->window_ns;
		int k;

		if (!explains(se, cand[i], hi, probe))
			continue;
		/* Bisect the lateness this start needs. */
		for (k = 0; k < 10 && hi - lo > 1000; k++) {
			uint64_t mid = lo + (hi - lo) / 2;

			if (explains(se, cand[i], mid, probe))
				hi = mid;
			else
				lo = mid;
		}
		if (hi < best_w) {
			best_w = hi;
			best = cand[i];
		}
	}
	se->cost = 0;
	se->budget = budget;
	if (best_w != UINT64_MAX && explains(se, best, best_w, budget))
		return;
	/* Nothing explains the whole window: the stamp order's start. */
	search_reset(se, best);
	explore(se, best, 0);
}

/*
 * e0 is taken as it is, with no claim: the search gave up, or it came
 * later than the window allows.  A plain write's jump still counts in the
 * drift (it may be a loss); an atomic one's is reordering.
 */
static void take_as_is(struct chain *c)
{
	const struct chain_event *e = &c->buf[0].ev;

	if (!c->have_cur) {
		c->cur = e->old;
		c->have_cur = true;
	}
	c->undecided++;
	if (e->atomic)
		c->reorder_drift += (int64_t)e->old - c->cur;
	else
		c->drift += (int64_t)e->old - c->cur;
	commit(c, e, CHAIN_UNDECIDED);
	drop_first(c);
}

/*
 * The common case needs no search: the events follow each other in stamp
 * order.  If they do from the current value up to the end of the buffer,
 * or up to an event stamped more than two windows after the oldest (too
 * late to be moved before it), the oldest events are committed in stamp
 * order: every event that could still go before them is in that order.
 * Returns how many were committed (0: search).
 */
static size_t commit_serial(struct chain *c, uint64_t arrived)
{
	int32_t v;
	size_t p, q;

	/*
	 * The prefix checked last time still holds unless an event was
	 * inserted into it (chain_add shortens it) or the chain moved
	 * elsewhere: then it is checked again from the current value.
	 */
	if (c->serial_n && c->buf[0].ev.old != c->cur)
		c->serial_n = 0;
	v = c->serial_n ? c->buf[c->serial_n - 1].after : c->cur;
	for (p = c->serial_n; p < c->n && c->buf[p].ev.old == v; p++) {
		v = c->buf[p].ev.new_;
		c->buf[p].after = v;
	}
	c->serial_n = p;
	if (!p || (p < c->n &&
		   c->buf[p].ev.ts <= c->buf[0].ev.ts + 2 * c->window_ns))
		return 0;
	/* The oldest goes now; the rest while no event can precede them. */
	for (q = 1; q < p; q++) {
		uint64_t ts = c->buf[q].ev.ts;

		if (ts + c->window_ns > arrived ||
		    (p < c->n && ts + 2 * c->window_ns >= c->buf[p].ev.ts))
			break;
	}
	for (p = 0; p < q; p++)
		commit(c, &c->buf[p].ev, CHAIN_SERIAL);
	drop_front(c, q);
	c->serial_n -= q;
	return q;
}

static void decide_one(struct chain *c, uint64_t arrived)
{
	struct search se = {
		.c = c, .ev = c->buf, .budget = c->budget, .e0pos = SIZE_MAX,
	};
	struct chain_scratch *s;
	size_t i, plen, clen;
	uint64_t umin;

	se.all = c->n;
	se.total = c->n < SEARCH_MAX ? c->n : SEARCH_MAX;
	while (se.n < se.total &&
	       c->buf[se.n].ev.ts < c->buf[0].ev.ts + c->window_ns)
		se.n++;
	if (!se.n)
		se.n = 1;
	if (c->have_cur &&
	    c->buf[0].ev.ts + c->window_ns <= c->committed_maxts) {
		/* Arrived later than the window allows: no claim on it. */
		c->late++;
		take_as_is(c);
		return;
	}
	if (c->have_cur && commit_serial(c, arrived))
		return;
	if (scratch_reserve(c, se.total)) {
		/* No memory to search: take the event as it is. */
		take_as_is(c);
		return;
	}
	s = se.s = c->s;
	build_sequences(&se);
	if (c->have_cur) {
		/*
		 * Most stamps are late by microseconds: search with a narrow
		 * window first, where there is little to try, and widen it
		 * only when that cannot explain the hard set.
		 */
		uint64_t w = c->window_ns / 8 ? c->window_ns / 8 : 1, spent = 0;
		uint64_t budget = c->credit < c->budget ? c->credit : c->budget;

		for (;;) {
			search_reset(&se, c->cur);
			se.w = w;
			/* Saturating: overshoot must not wrap the budget. */
			se.budget = w < c->window_ns ? budget / 4 :
				    spent < budget ? budget - spent : 0;
			explore(&se, c->cur, 0);
			spent += se.cost;
			if ((se.found && se.best_hard == se.n) ||
			    w >= c->window_ns)
				break;
			/* Overflow-free, and ends for any window. */
			w = w <= c->window_ns / 4 ? w * 4 : c->window_ns;
		}
		se.cost = spent;
	} else {
		start_fresh(&se);
		c->cur = se.found ? se.best_start : c->buf[0].ev.old;
		c->have_cur = true;
	}
	c->searches++;
	c->search_cost += se.cost;
	c->credit -= se.cost < c->credit ? se.cost : c->credit;

	if (!se.found) {
		if (se.out) {
			take_as_is(c);
			return;
		}
		take_break(c, &c->buf[0].ev);
		drop_first(c);
		return;
	}

	/*
	 * Commit the path through e0; then go on along the order while every
	 * event that could still have to go before (stamped less than a
	 * window later) is in it too, up to the last event due now.
	 */
	plen = se.best_plen;
	clen = plen;
	memset(s->take, 0, se.total * sizeof(*s->take));
	for (i = 0; i < se.best_total; i++)
		s->take[s->best_path[i]] = true;
	/* Events not arrived yet count as left out. */
	umin = se.total < c->n ? c->buf[se.total].ev.ts : arrived;
	if (arrived < umin)
		umin = arrived;
	for (i = 0; i < se.total; i++) {
		if (!s->take[i]) {
			if (c->buf[i].ev.ts < umin)
				umin = c->buf[i].ev.ts;
			break;
		}
	}
	for (i = 0; i < se.best_total; i++) {
		const struct chain_event *e = &c->buf[s->best_path[i]].ev;

		if (e->ts + c->window_ns > umin)
			break;
		if (i >= plen)
			clen = i + 1;
	}
	memset(s->take, 0, se.total * sizeof(*s->take));
	for (i = 0; i < clen; i++) {
		uint32_t x = s->best_path[i];

		s->take[x] = true;
		commit(c, &c->buf[x].ev, CHAIN_SERIAL);
	}
	c->reordered += plen - 1;
	drop_taken(c, s->take, se.total);
}

/* Decides events stamped up to limit; all stamped before arrived are in. */
static void decide_until(struct chain *c, uint64_t limit, uint64_t arrived)
{
	size_t i, w;

	while (c->n && c->buf[0].ev.ts <= limit)
		decide_one(c, arrived);
	/* Spans behind everything undecided can no longer matter. */
	for (i = w = 0; i < c->quiet_n; i++)
		if (!c->n || c->quiet[i].to + c->window_ns >= c->buf[0].ev.ts)
			c->quiet[w++] = c->quiet[i];
	c->quiet_n = c->n ? w : 0;
}

int chain_add(struct chain *c, const struct chain_event *e)
{
	struct chain_slot *b;
	size_t i;

	b = window_room(c->mem, &c->off, c->n, &c->cap, sizeof(*b));
	if (!b)
		return -1;
	c->mem = b;
	c->buf = b + c->off;
	/* Records come nearly sorted: insert from the end. */
	i = c->n;
	while (i > 0 && c->buf[i - 1].ev.ts > e->ts) {
		c->buf[i] = c->buf[i - 1];
		i--;
	}
	c->buf[i].ev = *e;
	c->buf[i].key = splitmix64(++c->next_key);
	c->n++;
	if (i < c->serial_n)
		c->serial_n = i;
	/* Search effort is earned per record: a pathological stream degrades
	 * to "undecided", it does not stall the tool. */
	c->credit += CHAIN_CREDIT;
	if (c->credit > 8 * c->budget)
		c->credit = 8 * c->budget;
	if (e->ts > c->newest)
		c->newest = e->ts;
	/* Decide in batches: a search then commits many events at once. */
	if (c->buf[0].ev.ts + c->window_ns + c->lag_ns + c->batch_ns <=
	    c->newest)
		decide_until(c, c->newest - c->window_ns - c->lag_ns,
			     c->newest - c->lag_ns);
	return 0;
}

void chain_flush(struct chain *c)
{
	decide_until(c, UINT64_MAX, UINT64_MAX);
}

int chain_quiet(struct chain *c, uint64_t from, uint64_t to)
{
	if (c->quiet_n && from <= c->quiet[c->quiet_n - 1].to &&
	    to >= c->quiet[c->quiet_n - 1].from) {
		struct chain_span *l = &c->quiet[c->quiet_n - 1];

		if (from < l->from)
			l->from = from;
		if (to > l->to)
			l->to = to;
		return 0;
	}
	if (c->quiet_n == c->quiet_cap) {
		size_t cap = c->quiet_cap ? c->quiet_cap * 2 : 8;
		struct chain_span *q = realloc(c->quiet, cap * sizeof(*q));

		if (!q)
			return -1;
		c->quiet = q;
		c->quiet_cap = cap;
	}
	c->quiet[c->quiet_n].from = from;
	c->quiet[c->quiet_n++].to = to;
	return 0;
}

void chain_gap(struct chain *c)
{
	chain_quiet(c, 0, c->newest);
	chain_flush(c);
	c->have_cur = false;
}

uint64_t chain_horizon(const struct chain *c)
{
	return c->n ? c->buf[0].ev.ts : UINT64_MAX;
}
