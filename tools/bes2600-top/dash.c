// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The dashboard's model (see dash.h).
 */
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "dash.h"
#include "jsonw.h"
#include "names.h"
#include "report.h"
#include "rxwork.h"
#include "version.h"

void dash_init(struct dash *d)
{
	memset(d, 0, sizeof(*d));
}

/* Like strchr(): const in, writable out, for get_inst() and readers. */
struct dash_inst *dash_find(const struct dash *d, uint32_t counter,
			    int32_t idx)
{
	int i;

	for (i = 0; i < d->ninst; i++)
		if (d->inst[i].counter == counter && d->inst[i].idx == idx)
			return (struct dash_inst *)&d->inst[i];
	return NULL;
}

static struct dash_inst *get_inst(struct dash *d, uint32_t counter,
				  int32_t idx)
{
	struct dash_inst *in = dash_find(d, counter, idx);
	int i;

	if (in || d->ninst == DASH_MAX_INST)
		return in;
	/* Kept sorted by counter then index: a stable screen. */
	for (i = d->ninst; i > 0; i--) {
		struct dash_inst *p = &d->inst[i - 1];

		if (p->counter < counter ||
		    (p->counter == counter && p->idx < idx))
			break;
		d->inst[i] = *p;
	}
	in = &d->inst[i];
	memset(in, 0, sizeof(*in));
	in->counter = counter;
	in->idx = idx;
	d->ninst++;
	return in;
}

double dash_rate(uint64_t count, double seconds)
{
	return seconds > 0 ? count / seconds : 0;
}

/* Rows named by (counter, context, site, flavour) are one row. */
static bool same_row(const struct dash_writer *a, const struct dash_writer *b)
{
	return !strcmp(a->counter, b->counter) &&
	       !strcmp(a->context, b->context) &&
	       !strcmp(a->site, b->site) && a->atomic == b->atomic;
}

static void add_row(struct dash_writer *rows, int *n,
		    const struct dash_writer *w)
{
	int k;

	for (k = 0; k < *n; k++)
		if (same_row(&rows[k], w)) {
			rows[k].count += w->count;
			return;
		}
	if (*n < DASH_MAX_WRITERS)
		rows[(*n)++] = *w;
}

/* The interval's writer rates: a row's count last interval is its base. */
static void interval_writers(struct dash *d, const struct dash_writer *rows,
			     int n, double secs)
{
	uint64_t prev[DASH_MAX_WRITERS];
	int i, k;

	for (i = 0; i < n; i++) {
		prev[i] = 0;
		for (k = 0; k < d->nwriters; k++)
			if (same_row(&d->writers[k], &rows[i])) {
				prev[i] = d->writers[k].count;
				break;
			}
	}
	for (i = 0; i < n; i++) {
		d->writers[i] = rows[i];
		d->writers[i].per_s = dash_rate(rows[i].count - prev[i], secs);
	}
	d->nwriters = n;
}

void dash_take_agg(struct dash *d, const struct dash_agg *v, int n,
		   const struct bes2600_rx_stats *rx, uint32_t ended_epoch,
		   uint64_t seen, struct symtab *syms)
{
	unsigned int slot = ended_epoch & 1;
	struct dash_writer w;
	int i, j, nw = 0;

	d->ievents = seen - d->events;
	d->events = seen;
	for (i = 0; i < n; i++) {
		/* One read of a slot BPF keeps writing: each field once. */
		struct bes2600_inst_stats copy = *v[i].st;
		const struct bes2600_inst_stats *st = &copy;
		struct dash_inst *in;

		if (!st->writes)
			continue;
		in = get_inst(d, v[i].counter, v[i].idx);
		if (!in)
			continue;
		in->seen = true;
		in->value = st->value;
		in->iwrites = st->writes - in->writes;
		in->writes = st->writes;
		/* No write in the interval: dash_interval() keeps the value. */
		in->iseen = st->epoch[slot] == ended_epoch + 1;
		if (in->iseen) {
			in->imin = st->min[slot];
			in->imax = st->max[slot];
		}
		/* Each row names the instance; the rest is set per row. */
		memset(&w, 0, sizeof(w));
		counter_name(w.counter, sizeof(w.counter), v[i].counter,
			     v[i].idx);
		for (j = 0; j < BES2600_INST_WRITERS; j++) {
			const struct bes2600_agg_writer *aw = &st->w[j];

			if (!aw->tag)
				continue;
			ctx_parts_name(w.context, sizeof(w.context),
				       aw->ctx_kind, aw->ctx_func, aw->comm, syms);
			site_name(w.site, sizeof(w.site), aw->caller, syms);
			w.atomic = aw->atomic;
			w.count = aw->count;
			add_row(d->next_writers, &nw, &w);
		}
		/* Writers past the rows BPF keeps. */
		if (st->other_writes) {
			snprintf(w.context, sizeof(w.context), "others");
			snprintf(w.site, sizeof(w.site), "-");
			w.atomic = false;
			w.count = st->other_writes;
			add_row(d->next_writers, &nw, &w);
		}
	}
	d->nnext_writers = nw;
	if (rx)
		rxwork_take_stats(&d->agg_rx, rx);
}

void dash_interval(struct dash *d, uint64_t interval_ns, uint64_t drops)
{
	double secs = interval_ns / 1e9;
	const struct rxwork *rx;
	struct rx_figures f;
	uint64_t runs, packets;
	int i;

	d->interval_s = secs;
	d->intervals++;
	d->events_per_s = dash_rate(d->ievents, secs);
	d->ievents = 0;
	d->drops = drops;
	for (i = 0; i < d->ninst; i++) {
		struct dash_inst *in = &d->inst[i];

		in->per_s = dash_rate(in->iwrites, secs);
		in->iwrites = 0;
		if (!in->iseen)
			in->imin = in->imax = in->value;
		in->iseen = false;
		if (in->nspark == DASH_SPARK)
			memmove(in->spark, in->spark + 1,
				(DASH_SPARK - 1) * sizeof(in->spark[0]));
		else
			in->nspark++;
		in->spark[in->nspark - 1] = in->value;
	}
	interval_writers(d, d->next_writers, d->nnext_writers, secs);
	rx = &d->agg_rx;
	/* The rates below are the interval's: any duration will do. */
	rxwork_figures(rx, 0, &f);
	runs = f.runs - d->prev_runs;
	packets = f.packets - d->prev_packets;
	d->rx.runs_per_s = dash_rate(runs, secs);
	d->rx.packets_per_run = runs ? (double)packets / runs : 0;
	d->rx.dispatches_per_1000 = packets ?
		1000.0 * (f.queue_events - d->prev_queue) / packets : 0;
	d->rx.redispatches = f.redispatches - d->prev_redisp;
	d->rx.q2s_p50_us = f.q2s_p50_us;
	d->rx.q2s_p99_us = f.q2s_p99_us;
	d->rx.run_p50_us = f.s2e_p50_us;
	d->rx.run_p99_us = f.s2e_p99_us;
	d->prev_runs = f.runs;
	d->prev_packets = f.packets;
	d->prev_queue = f.queue_events;
	d->prev_redisp = f.redispatches;
}

void dash_sparkline(const int32_t *v, int n, int width, int32_t lo,
		    int32_t hi, char *buf)
{
	/* ' ' is "no sample"; the lowest value is '.', the highest '@'. */
	static const char ramp[] = ".:-=+*#%@";
	const int top = sizeof(ramp) - 2;
	int i, first = n > width ? n - width : 0, pad = width - (n - first);

	for (i = 0; i < pad; i++)
		buf[i] = ' ';
	for (i = first; i < n; i++) {
		int32_t x = v[i] < lo ? lo : v[i] > hi ? hi : v[i];
		int l = hi > lo ? (int)((int64_t)(x - lo) * top / (hi - lo)) : 0;

		buf[pad + i - first] = ramp[l];
	}
	buf[width] = '\0';
}

void dash_batch_header(FILE *f, enum dash_format fmt)
{
	switch (fmt) {
	case DASH_TEXT:
		fprintf(f, "%10s %9s %5s %6s %6s %6s %7s %7s %7s %7s %6s %6s\n",
			"time_s", "events/s", "drops", "hbu", "hbu_lo", "hbu_hi",
			"hbu/s", "pend0/s", "rxrun/s", "pkt/run", "errors",
			"warns");
		break;
	case DASH_CSV:
		fprintf(f, "time_s,interval_s,events_per_s,drops,counter,value,min,max,writes_per_s,rx_runs_per_s,rx_packets_per_run,rx_dispatches_per_1000,rx_redispatches,errors,warnings\n");
		break;
	case DASH_JSONL:
		break;
	}
}

void dash_batch_line(FILE *f, enum dash_format fmt, const struct dash *d,
		     const struct analysis *a, double t_s)
{
	const struct dash_inst *hbu = dash_find(d, BES2600_HW_BUFS_USED, 0);
	const struct dash_inst *p0 = dash_find(d, BES2600_WSM_TX_PENDING, 0);
	size_t errors, warnings, n, sup;
	uint64_t occ;
	char name[48];
	int i;

	analysis_totals(a, &errors, &warnings);
	switch (fmt) {
	case DASH_TEXT:
		fprintf(f, "%10.1f %9.0f %5llu %6d %6d %6d %7.0f %7.0f %7.1f %7.2f %6llu %6llu\n",
			t_s, d->events_per_s, (unsigned long long)d->drops,
			hbu ? hbu->value : 0, hbu ? hbu->imin : 0,
			hbu ? hbu->imax : 0, hbu ? hbu->per_s : 0,
			p0 ? p0->per_s : 0, d->rx.runs_per_s,
			d->rx.packets_per_run, (unsigned long long)errors,
			(unsigned long long)warnings);
		break;
	case DASH_CSV:
		for (i = 0; i < d->ninst; i++) {
			const struct dash_inst *in = &d->inst[i];

			counter_name(name, sizeof(name), in->counter, in->idx);
			fprintf(f, "%.3f,%.3f,%.1f,%llu,%s,%d,%d,%d,%.1f,%.2f,%.2f,%.2f,%llu,%llu,%llu\n",
				t_s, d->interval_s, d->events_per_s,
				(unsigned long long)d->drops, name, in->value,
				in->imin, in->imax, in->per_s,
				d->rx.runs_per_s, d->rx.packets_per_run,
				d->rx.dispatches_per_1000,
				(unsigned long long)d->rx.redispatches,
				(unsigned long long)errors,
				(unsigned long long)warnings);
		}
		break;
	case DASH_JSONL:
		fprintf(f, "{\"version\":\"" BES2600_TOP_VERSION "\",\"time_s\":%.3f,\"interval_s\":%.3f,\"events_per_s\":%.1f,\"drops\":%llu,\"backlog\":%llu,\"counters\":{",
			t_s, d->interval_s, d->events_per_s,
			(unsigned long long)d->drops,
			(unsigned long long)d->backlog);
		for (i = 0; i < d->ninst; i++) {
			const struct dash_inst *in = &d->inst[i];

			counter_name(name, sizeof(name), in->counter, in->idx);
			fputs(i ? "," : "", f);
			jw_escape(f, name);
			fprintf(f, ":{\"value\":%d,\"min\":%d,\"max\":%d,\"writes_per_s\":%.1f,\"writes\":%llu}",
				in->value, in->imin, in->imax, in->per_s,
				(unsigned long long)in->writes);
		}
		fprintf(f, "},\"writers\":[");
		for (i = 0; i < d->nwriters; i++) {
			const struct dash_writer *w = &d->writers[i];

			/* A task name may hold '"' or '\\': escaped. */
			fprintf(f, "%s{\"counter\":", i ? "," : "");
			jw_escape(f, w->counter);
			fputs(",\"context\":", f);
			jw_escape(f, w->context);
			fputs(",\"call_site\":", f);
			jw_escape(f, w->site);
			fprintf(f, ",\"atomic\":%s,\"per_s\":%.1f,\"count\":%llu}",
				w->atomic ? "true" : "false", w->per_s,
				(unsigned long long)w->count);
		}
		fprintf(f, "],\"sdio_rx_work\":{\"runs_per_s\":%.2f,\"packets_per_run\":%.2f,\"dispatches_per_1000_rx\":%.2f,\"bh_redispatches\":%llu,\"queue_to_start_us\":{\"p50\":%.1f,\"p99\":%.1f},\"run_us\":{\"p50\":%.1f,\"p99\":%.1f}},\"findings\":{",
			d->rx.runs_per_s, d->rx.packets_per_run,
			d->rx.dispatches_per_1000,
			(unsigned long long)d->rx.redispatches,
			d->rx.q2s_p50_us, d->rx.q2s_p99_us,
			d->rx.run_p50_us, d->rx.run_p99_us);
		for (i = 0; i < FC_NR; i++) {
			n = sup = 0;
			if (a)
				report_count(a, i, &n, &occ, &sup);
			fprintf(f, "%s\"%s\":%zu", i ? "," : "",
				finding_class_name(i), n - sup);
		}
		fprintf(f, "},\"errors\":%llu,\"warnings\":%llu}\n",
			(unsigned long long)errors,
			(unsigned long long)warnings);
		break;
	}
	fflush(f);
}
