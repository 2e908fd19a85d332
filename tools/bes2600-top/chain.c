// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Lost-update detection on one counter instance (see chain.h).
 */
#include <stdlib.h>
#include <string.h>

#include "chain.h"

/* Nodes one decision may visit before it gives up without a claim. */
#define SEARCH_BUDGET 20000

struct search {
	const struct chain_event *ev;
	size_t n;		/* events inside the window */
	bool *used;
	size_t *path, *best;
	size_t depth, best_len, best_first;	/* best_first: where event 0 is */
	unsigned long nodes;
	bool out_of_budget;
};

static void chain_decide(struct chain *c);

void chain_init(struct chain *c, uint64_t window_ns, chain_break_fn fn,
		void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->window_ns = window_ns;
	c->on_break = fn;
	c->ctx = ctx;
}

void chain_free(struct chain *c)
{
	free(c->buf);
	c->buf = NULL;
	c->n = c->cap = 0;
}

int chain_add(struct chain *c, const struct chain_event *e)
{
	size_t i;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct chain_event *b = realloc(c->buf, cap * sizeof(*b));

		if (!b)
			return -1;
		c->buf = b;
		c->cap = cap;
	}
	/* Records come nearly sorted: insert from the end. */
	i = c->n;
	while (i > 0 && c->buf[i - 1].ts > e->ts) {
		c->buf[i] = c->buf[i - 1];
		i--;
	}
	c->buf[i] = *e;
	c->n++;
	if (e->ts > c->newest)
		c->newest = e->ts;
	/* Each decision consumes the oldest event, so this ends. */
	while (c->n && c->buf[0].ts + c->window_ns <= c->newest)
		chain_decide(c);
	return 0;
}

/* Where event 0 sits in the current path, or SIZE_MAX. */
static size_t first_pos(const struct search *s)
{
	size_t i;

	for (i = 0; i < s->depth; i++)
		if (!s->path[i])
			return i;
	return SIZE_MAX;
}

/*
 * Depth-first over the orders the window's events can take from value
 * cur: keep the longest (it explains the most events), and among equals
 * the one that reaches event 0 soonest.  A greedy "earliest event that
 * continues" is not enough: counters repeat values, and taking the wrong
 * one strands the others.
 */
static void explore(struct search *s, int32_t cur)
{
	size_t i, pos;

	if (++s->nodes > SEARCH_BUDGET) {
		s->out_of_budget = true;
		return;
	}
	pos = first_pos(s);
	if (s->depth > s->best_len ||
	    (s->depth == s->best_len && pos < s->best_first)) {
		s->best_len = s->depth;
		s->best_first = pos;
		memcpy(s->best, s->path, s->depth * sizeof(*s->path));
	}
	if (s->best_len == s->n && s->best_first == 0)
		return;
	for (i = 0; i < s->n && !s->out_of_budget; i++) {
		if (s->used[i] || s->ev[i].old != cur)
			continue;
		s->used[i] = true;
		s->path[s->depth++] = i;
		explore(s, s->ev[i].new_);
		s->depth--;
		s->used[i] = false;
		if (s->best_len == s->n && s->best_first == 0)
			return;
	}
}

static void remember(struct chain *c, const struct chain_event *e)
{
	if (c->hist_n == CHAIN_HISTORY) {
		memmove(c->hist, c->hist + 1, (CHAIN_HISTORY - 1) * sizeof(*e));
		c->hist_n--;
	}
	c->hist[c->hist_n++] = *e;
}

static void drop(struct chain *c, size_t i)
{
	memmove(c->buf + i, c->buf + i + 1, (c->n - i - 1) * sizeof(*c->buf));
	c->n--;
}

static void report_break(struct chain *c)
{
	struct chain_event *e = &c->buf[0];
	struct chain_break b = { .clobbering = *e };
	size_t i;

	b.lost = e->old - c->cur;
	/* The clobbered write is the latest one that read the same value. */
	for (i = c->hist_n; i-- > 0;) {
		if (c->hist[i].old == e->old) {
			b.clobbered = c->hist[i];
			b.has_clobbered = true;
			break;
		}
	}
	if (e->atomic && (!b.has_clobbered || b.clobbered.atomic)) {
		/* Two atomic writes cannot lose an update: only order is off. */
		c->unordered++;
	} else {
		c->breaks++;
		c->drift += b.lost;
		if (c->on_break)
			c->on_break(c->ctx, &b);
	}
	c->cur = e->new_;
	remember(c, e);
	drop(c, 0);
}

static void chain_decide(struct chain *c)
{
	struct search s = { .ev = c->buf };
	size_t i, n = 0;

	if (!c->n)
		return;
	if (!c->have_cur) {
		c->cur = c->buf[0].old;
		c->have_cur = true;
	}
	while (n < c->n && c->buf[n].ts <= c->buf[0].ts + c->window_ns)
		n++;
	s.n = n;
	s.best_first = SIZE_MAX;
	s.used = calloc(n, sizeof(*s.used));
	s.path = calloc(n, sizeof(*s.path));
	s.best = calloc(n, sizeof(*s.best));
	if (!s.used || !s.path || !s.best) {
		/* No memory to search: take the event as it is, claim nothing. */
		c->undecided++;
		c->cur = c->buf[0].new_;
		drop(c, 0);
		goto out;
	}
	explore(&s, c->cur);
	if (s.best_first != SIZE_MAX) {
		/* Commit the order up to event 0; the rest waits for more. */
		size_t k = s.best_first + 1;
		struct chain_event taken[k];
		bool *take = s.used;

		memset(take, 0, n * sizeof(*take));
		for (i = 0; i < k; i++) {
			taken[i] = c->buf[s.best[i]];
			take[s.best[i]] = true;
		}
		for (i = 0; i < k; i++) {
			remember(c, &taken[i]);
			c->cur = taken[i].new_;
		}
		for (i = n; i-- > 0;)
			if (take[i])
				drop(c, i);
	} else if (s.out_of_budget) {
		c->undecided++;
		c->cur = c->buf[0].new_;
		remember(c, &c->buf[0]);
		drop(c, 0);
	} else {
		report_break(c);
	}
out:
	free(s.used);
	free(s.path);
	free(s.best);
}

void chain_flush(struct chain *c)
{
	while (c->n)
		chain_decide(c);
}

void chain_gap(struct chain *c)
{
	chain_flush(c);
	c->have_cur = false;
	c->hist_n = 0;
}
