// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Phase 7 figures (see rxwork.h).  Pairing queue -> start -> end needs the
 * events of one device in time order, so they wait in a small buffer for
 * the reorder window, as counter writes do.
 */
#include <stdlib.h>
#include <string.h>

#include "rxwork.h"
#include "window.h"

/*
 * Per device: the queueing not started yet (0: none) and the run not
 * ended yet.  queue_work() lets one queueing be pending, so the newest
 * wins: the queue event fires after queue_work(), and a worker on another
 * CPU may have started (before it, in time order) already; pairing starts
 * with the oldest queueing instead would shift every later pair by one.
 */
struct rx_hw {
	uint64_t hw;
	uint64_t pend_ts;
	bool running;
	uint64_t run_start;
};

void rxwork_init(struct rxwork *r, uint64_t window_ns)
{
	memset(r, 0, sizeof(*r));
	r->window_ns = window_ns;
}

void rxwork_free(struct rxwork *r)
{
	free(r->mem);
	free(r->hws);
	r->buf = r->mem = NULL;
	r->hws = NULL;
	r->n = r->cap = r->off = r->nhw = 0;
}

void rx_hist_add(struct rx_hist *h, uint64_t v)
{
	h->b[bes2600_hist_bucket(v)]++;
	h->n++;
}

/* The middle of bucket i. */
static uint64_t bucket_value(size_t i)
{
	uint64_t e, lo, width;

	if (i < BES2600_HIST_SUB)
		return i;
	e = (i - BES2600_HIST_SUB) / BES2600_HIST_SUB + 4;
	width = 1ULL << (e - 4);
	lo = (1ULL << e) + ((i - BES2600_HIST_SUB) % BES2600_HIST_SUB) * width;
	return lo + width / 2;
}

uint64_t rx_hist_pct(const struct rx_hist *h, double p)
{
	uint64_t want, seen = 0;
	size_t i;

	if (!h->n)
		return 0;
	want = (uint64_t)(p / 100.0 * (double)h->n + 0.5);
	if (want < 1)
		want = 1;
	if (want > h->n)
		want = h->n;
	for (i = 0; i < BES2600_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want)
			return bucket_value(i);
	}
	return bucket_value(BES2600_HIST_BUCKETS - 1);
}

static struct rx_hw *find_hw(struct rxwork *r, uint64_t hw)
{
	struct rx_hw *v;
	size_t i;

	for (i = 0; i < r->nhw; i++)
		if (r->hws[i].hw == hw)
			return &r->hws[i];
	v = realloc(r->hws, (r->nhw + 1) * sizeof(*v));
	if (!v)
		return NULL;
	r->hws = v;
	memset(&v[r->nhw], 0, sizeof(*v));
	v[r->nhw].hw = hw;
	return &v[r->nhw++];
}

/* One event, in time order for its device. */
static void process(struct rxwork *r, const struct bes2600_event *e)
{
	struct rx_hw *h = find_hw(r, e->hw);

	if (!r->first_ts || e->ts_ns < r->first_ts)
		r->first_ts = e->ts_ns;
	if (e->ts_ns > r->last_ts)
		r->last_ts = e->ts_ns;
	switch (e->type) {
	case BES2600_EV_RX_WORK_QUEUE:
		r->t.queue_events++;
		if (e->rxq.reason == BES2600_RX_WORK_BH_REDISPATCH)
			r->t.redispatches++;
		if (!e->rxq.queued)
			break;
		r->t.queued++;
		if (h)
			h->pend_ts = e->ts_ns;
		break;
	case BES2600_EV_RX_WORK_START:
		r->t.starts++;
		if (!h)
			break;
		if (h->pend_ts) {
			rx_hist_add(&r->q2s, e->ts_ns - h->pend_ts);
			h->pend_ts = 0;
		}
		h->running = true;
		h->run_start = e->ts_ns;
		break;
	case BES2600_EV_RX_WORK_END:
		r->t.runs++;
		r->t.packets += e->rxe.packets;
		r->t.bytes += e->rxe.bytes;
		r->t.transfers += e->rxe.transfers;
		r->t.direct += e->rxe.direct;
		r->t.to_queue += e->rxe.queued;
		if (e->rxe.err)
			r->t.errors++;
		if (h && h->running) {
			rx_hist_add(&r->s2e, e->ts_ns - h->run_start);
			h->running = false;
		}
		break;
	}
}

int rxwork_add(struct rxwork *r, const struct bes2600_event *e)
{
	struct bes2600_event *b;
	size_t i, k;

	b = window_room(r->mem, &r->off, r->n, &r->cap, sizeof(*b));
	if (!b)
		return -1;
	r->mem = b;
	r->buf = b + r->off;
	i = r->n;
	while (i > 0 && r->buf[i - 1].ts_ns > e->ts_ns) {
		r->buf[i] = r->buf[i - 1];
		i--;
	}
	r->buf[i] = *e;
	r->n++;
	if (e->ts_ns > r->newest)
		r->newest = e->ts_ns;
	for (k = 0; k < r->n && r->buf[k].ts_ns + r->window_ns <= r->newest;
	     k++)
		process(r, &r->buf[k]);
	r->buf = window_drop(r->mem, &r->off, &r->n, k, sizeof(*r->buf));
	return 0;
}

void rxwork_flush(struct rxwork *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		process(r, &r->buf[i]);
	r->buf = window_drop(r->mem, &r->off, &r->n, r->n, sizeof(*r->buf));
}

void rxwork_figures(const struct rxwork *r, uint64_t duration_ns,
		    struct rx_figures *f)
{
	memset(f, 0, sizeof(*f));
	f->duration_s = duration_ns / 1e9;
	f->runs = r->t.runs;
	f->packets = r->t.packets;
	f->bytes = r->t.bytes;
	f->redispatches = r->t.redispatches;
	f->queue_events = r->t.queue_events;
	f->errors = r->t.errors;
	if (f->duration_s > 0) {
		f->mb_per_s = r->t.bytes / f->duration_s / 1e6;
		f->runs_per_s = r->t.runs / f->duration_s;
	}
	f->dispatches_per_1000_rx = r->t.packets ?
		1000.0 * r->t.runs / r->t.packets : -1;
	f->q2s_n = r->q2s.n;
	f->s2e_n = r->s2e.n;
	f->q2s_p50_us = rx_hist_pct(&r->q2s, 50) / 1e3;
	f->q2s_p99_us = rx_hist_pct(&r->q2s, 99) / 1e3;
	f->s2e_p50_us = rx_hist_pct(&r->s2e, 50) / 1e3;
	f->s2e_p99_us = rx_hist_pct(&r->s2e, 99) / 1e3;
}

static void add_hist(struct rx_hist *h, const __u32 *b)
{
	size_t i;

	for (i = 0; i < BES2600_HIST_BUCKETS; i++) {
		h->b[i] += b[i];
		h->n += b[i];
	}
}

void rxwork_add_stats(struct rxwork *r, const struct bes2600_rx_stats *st)
{
	const uint64_t *from = (const uint64_t *)&st->t;
	uint64_t *to = (uint64_t *)&r->t;
	size_t i;

	/* The totals are all uint64_t counts: summed field by field. */
	for (i = 0; i < sizeof(r->t) / sizeof(*to); i++)
		to[i] += from[i];
	add_hist(&r->q2s, st->q2s);
	add_hist(&r->s2e, st->s2e);
}

void rxwork_take_stats(struct rxwork *r, const struct bes2600_rx_stats *st)
{
	memset(&r->t, 0, sizeof(r->t));
	memset(&r->q2s, 0, sizeof(r->q2s));
	memset(&r->s2e, 0, sizeof(r->s2e));
	rxwork_add_stats(r, st);
}
