// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --html: one self-contained page (see html.h): no script, no font, no
 * link to anything, so it opens from a mail or a bug tracker as it is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "html.h"
#include "names.h"
#include "outfile.h"
#include "record.h"
#include "report.h"
#include "symbols.h"

#define COLS 1000		/* pixel columns of a timeline */
#define HEIGHT 160
#define PAD_L 60
#define PAD_B 20
#define MAX_DOTS 2000		/* fewer writes than this: one mark each */

/* Context colours, told apart by colour-blind readers too (Okabe-Ito). */
static const char *const palette[] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
	"#f0e442", "#000000",
};
#define NPAL (sizeof(palette) / sizeof(palette[0]))

struct column {
	int32_t min, max;
	uint32_t n;
	uint32_t ctx;		/* the context with the most writes in it */
	uint32_t ctx_n;
};

/* One instance's timeline: columns, or each write while they are few. */
struct line {
	struct column col[COLS];
	uint32_t *col_ctx_n;	/* per column x context: write counts */
	struct { uint64_t ts; int32_t v; uint32_t ctx; } *dot;
	size_t ndot;
	uint64_t writes;
	int32_t lo, hi;
};

struct html {
	const struct analysis *an;
	struct line *line;	/* per analysis instance */
	uint64_t t0, t1;
	size_t nctx;
	int err;
};

static void esc(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f); break;
		}
}

static int on_event(void *ctx, const struct bes2600_event *e)
{
	struct html *h = ctx;
	const struct analysis *a = h->an;
	const struct an_instance *in;
	struct column *c;
	struct line *l;
	uint32_t x, k;

	if (e->type != BES2600_EV_COUNTER)
		return 0;
	in = analysis_find_inst(a, e->hw, e->ctr.counter, e->ctr.idx);
	if (!in)
		return 0;
	l = &h->line[in->index];
	k = analysis_find_ctx(a, e);
	x = h->t1 > h->t0 && e->ts_ns > h->t0 ?
	    (uint32_t)((double)(e->ts_ns - h->t0) * (COLS - 1) /
		       (h->t1 - h->t0)) : 0;
	if (x >= COLS)
		x = COLS - 1;
	c = &l->col[x];
	if (!c->n || e->ctr.new_ < c->min)
		c->min = e->ctr.new_;
	if (!c->n || e->ctr.new_ > c->max)
		c->max = e->ctr.new_;
	c->n++;
	if (!l->writes || e->ctr.new_ < l->lo)
		l->lo = e->ctr.new_;
	if (!l->writes || e->ctr.new_ > l->hi)
		l->hi = e->ctr.new_;
	l->writes++;
	if (k < h->nctx) {
		uint32_t *n = &l->col_ctx_n[(size_t)x * h->nctx + k];

		if (++*n > c->ctx_n) {
			c->ctx_n = *n;
			c->ctx = k;
		}
	}
	if (l->ndot < MAX_DOTS) {
		l->dot[l->ndot].ts = e->ts_ns;
		l->dot[l->ndot].v = e->ctr.new_;
		l->dot[l->ndot++].ctx = k;
	}
	return 0;
}

static double ypos(const struct line *l, int32_t v, int32_t lo, int32_t hi)
{
	(void)l;
	return hi > lo ? 8 + (double)(hi - v) * (HEIGHT - PAD_B - 16) /
		(hi - lo) : (HEIGHT - PAD_B) / 2.0;
}

static double xpos(const struct html *h, uint64_t ts)
{
	if (h->t1 <= h->t0 || ts <= h->t0)
		return PAD_L;
	if (ts >= h->t1)
		return PAD_L + COLS - 1;
	return PAD_L + (double)(ts - h->t0) * (COLS - 1) / (h->t1 - h->t0);
}

/* The contexts that write the instance, from its writers table. */
static bool writes(const struct an_instance *in, uint32_t ctx)
{
	size_t i;

	for (i = 0; i < in->nwriters; i++)
		if (in->writers[i].ctx == ctx)
			return true;
	return false;
}

static void timeline(FILE *f, const struct html *h, size_t i,
		     struct symtab *syms)
{
	const struct analysis *a = h->an;
	const struct an_instance *in = a->inst[i];
	const struct line *l = &h->line[i];
	int32_t lo = l->lo, hi = l->hi, cap = analysis_capacity(a, in);
	char name[NAME_LEN], ctx[NAME_LEN];
	bool dots = l->writes <= MAX_DOTS;
	size_t k, x, j;

	instance_name(name, sizeof(name), in);
	fprintf(f, "<h3>");
	esc(f, name);
	fprintf(f, "</h3>\n");
	if (!l->writes) {
		fprintf(f, "<p class=\"note\">No write of it is in the stream: an atomic counter in bounds is only counted (%llu writes), unless the audit ran live with <code>--html</code> or <code>--perfetto</code>.</p>\n",
			(unsigned long long)in->writes);
		return;
	}
	if (cap > 0 && cap > hi)
		hi = cap;
	if (lo > 0)
		lo = 0;
	fprintf(f, "<svg class=\"timeline\" data-counter=\"");
	esc(f, name);
	fprintf(f, "\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		PAD_L + COLS + 10, HEIGHT, PAD_L + COLS + 10, HEIGHT);
	fprintf(f, "<text x=\"4\" y=\"14\">%d</text><text x=\"4\" y=\"%d\">%d</text>\n",
		hi, HEIGHT - PAD_B, lo);
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n",
		PAD_L, ypos(l, 0, lo, hi), PAD_L + COLS, ypos(l, 0, lo, hi));
	if (cap > 0)
		fprintf(f, "<line class=\"cap\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"><title>capacity %d</title></line>\n",
			PAD_L, ypos(l, cap, lo, hi), PAD_L + COLS,
			ypos(l, cap, lo, hi), cap);
	/* Few writes: the value's steps first, under the dots. */
	if (dots && l->ndot > 1) {
		size_t *ord = malloc(l->ndot * sizeof(*ord));

		for (j = 0; ord && j < l->ndot; j++)
			ord[j] = j;
		/* Ring order is per CPU: the steps go by stamp. */
		for (j = 1; ord && j < l->ndot; j++)
			for (x = j; x > 0 && l->dot[ord[x - 1]].ts >
			     l->dot[ord[x]].ts; x--) {
				size_t t = ord[x];

				ord[x] = ord[x - 1];
				ord[x - 1] = t;
			}
		fprintf(f, "<polyline class=\"value\" points=\"");
		for (j = 0; ord && j < l->ndot; j++) {
			double px = xpos(h, l->dot[ord[j]].ts);

			if (j)
				fprintf(f, " %.1f,%.1f", px,
					ypos(l, l->dot[ord[j - 1]].v, lo, hi));
			fprintf(f, " %.1f,%.1f", px,
				ypos(l, l->dot[ord[j]].v, lo, hi));
		}
		fprintf(f, "\"/>\n");
		free(ord);
	}
	/* A series per writing context, each in its colour. */
	for (k = 0; k <= a->nctx; k++) {
		if (k < a->nctx && !writes(in, k))
			continue;
		if (k == a->nctx) {
			for (j = 0; j < l->ndot && l->dot[j].ctx != k; j++)
				;
			if (j == l->ndot)
				continue;
			snprintf(ctx, sizeof(ctx), "other contexts");
		} else {
			ctx_name(ctx, sizeof(ctx), a, k, syms);
		}
		fprintf(f, "<g class=\"series\" data-context=\"");
		esc(f, ctx);
		fprintf(f, "\" stroke=\"%s\" fill=\"%s\">\n", palette[k % NPAL],
			palette[k % NPAL]);
		if (dots) {
			for (j = 0; j < l->ndot; j++)
				if (l->dot[j].ctx == k)
					fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\"/>\n",
						xpos(h, l->dot[j].ts),
						ypos(l, l->dot[j].v, lo, hi));
		} else {
			/* Honest downsampling: each column's min..max. */
			for (x = 0; x < COLS; x++)
				if (l->col[x].n && l->col[x].ctx == k)
					fprintf(f, "<line x1=\"%zu\" y1=\"%.1f\" x2=\"%zu\" y2=\"%.1f\"/>\n",
						PAD_L + x,
						ypos(l, l->col[x].max, lo, hi),
						PAD_L + x,
						ypos(l, l->col[x].min, lo, hi) + 1);
		}
		fprintf(f, "</g>\n");
	}
	for (j = 0; j < a->findings.n; j++) {
		const struct finding *fi = &a->findings.v[j];

		if (fi->inst != in->index)
			continue;
		fprintf(f, "<line class=\"finding\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\"><title>%s: %llu occurrences from %.6f s</title></line>\n",
			xpos(h, fi->first_ts), xpos(h, fi->first_ts),
			HEIGHT - PAD_B, finding_class_name(fi->cls),
			(unsigned long long)fi->count,
			fi->first_ts > h->t0 ? (fi->first_ts - h->t0) / 1e9 : 0);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\">0 s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3f s</text>\n",
		PAD_L, HEIGHT - 4, PAD_L + COLS, HEIGHT - 4,
		(h->t1 - h->t0) / 1e9);
	fprintf(f, "</svg>\n<p class=\"legend\">%s, %llu writes in the stream:",
		dots ? "each write a dot" : "min..max of the writes per pixel column, in the colour of the context with the most of them",
		(unsigned long long)l->writes);
	for (k = 0; k < a->nctx; k++) {
		if (!writes(in, k))
			continue;
		ctx_name(ctx, sizeof(ctx), a, k, syms);
		fprintf(f, " <span style=\"color:%s\">&#9632;</span> ",
			palette[k % NPAL]);
		esc(f, ctx);
	}
	fprintf(f, "; findings in red.</p>\n");
}

static const char style[] =
"body{font-family:sans-serif;margin:1em 2em;color:#222}"
"pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}"
"svg.timeline{background:#fff;border:1px solid #ccc;display:block}"
"svg text{font-size:11px;fill:#444}"
"line.axis{stroke:#999;stroke-width:1}"
"line.cap{stroke:#999;stroke-dasharray:4 3}"
"line.finding{stroke:#d00;stroke-width:2;stroke-dasharray:3 2}"
"g.series line{stroke-width:1}"
"polyline.value{fill:none;stroke:#bbb;stroke-width:1}"
".summary{font-size:1.2em}.err{color:#b00}.note{color:#666}"
".legend{font-size:12px;margin:2px 0 1.5em}";

static void page(FILE *f, const struct html *h, struct symtab *syms,
		 const struct report_meta *m)
{
	const struct analysis *a = h->an;
	size_t errors, warnings, i;
	char *text = NULL;
	size_t len = 0;
	FILE *t = open_memstream(&text, &len);

	analysis_totals(a, &errors, &warnings);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>bes2600-top audit</title>\n<style>%s</style></head><body>\n",
		style);
	fprintf(f, "<h1>bes2600-top audit</h1>\n<p class=\"summary%s\">%zu %s, %zu %s over %.3f s",
		errors ? " err" : "", errors, errors == 1 ? "error" : "errors",
		warnings, warnings == 1 ? "warning" : "warnings",
		analysis_duration(a) / 1e9);
	if (m->release && *m->release) {
		fprintf(f, ", kernel ");
		esc(f, m->release);
	}
	if (m->file) {
		fprintf(f, ", ");
		esc(f, m->file);
	}
	fprintf(f, "</p>\n<h2>Timelines</h2>\n");
	for (i = 0; i < a->ninst; i++)
		timeline(f, h, i, syms);
	/* The text report, as the terminal has it: one model, one wording. */
	fprintf(f, "<h2>Report</h2>\n<pre>");
	if (t) {
		report_text(t, a, syms, m);
		fclose(t);
		if (text)
			esc(f, text);
	}
	free(text);
	fprintf(f, "</pre>\n</body></html>\n");
}

int html_write(const char *path, const char *record, const struct analysis *a,
	       struct symtab *syms, const struct report_meta *m, char *why,
	       size_t whylen)
{
	static const struct rec_ops ops = { .event = on_event };
	struct html h = { .an = a };
	struct outfile out = { 0 };
	struct rec_reader *rd;
	struct rec_header hd;
	char err[256];
	uint64_t end_ns;
	size_t i;
	int ret = -1;

	h.t0 = a->start_ns ? a->start_ns : a->first_ts;
	h.t1 = a->end_ns ? a->end_ns : a->last_ts;
	if (a->first_ts && a->first_ts < h.t0)
		h.t0 = a->first_ts;
	if (a->last_ts > h.t1)
		h.t1 = a->last_ts;
	h.nctx = a->nctx;
	h.line = calloc(a->ninst ? a->ninst : 1, sizeof(*h.line));
	for (i = 0; h.line && i < a->ninst; i++) {
		h.line[i].col_ctx_n = calloc((size_t)COLS * (h.nctx ? h.nctx : 1),
					     sizeof(uint32_t));
		h.line[i].dot = calloc(MAX_DOTS, sizeof(*h.line[i].dot));
		if (!h.line[i].col_ctx_n || !h.line[i].dot)
			h.err = ENOMEM;
	}
	if (!h.line || h.err) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	rd = rec_reader_open(record, &hd, why, whylen);
	if (!rd)
		goto out;
	if (rec_reader_run(rd, &ops, &h, &end_ns, err, sizeof(err))) {
		snprintf(why, whylen, "%s", err);
		rec_reader_close(rd);
		goto out;
	}
	rec_reader_close(rd);
	if (outfile_open(&out, path, false, why, whylen))
		goto out;
	page(out.f, &h, syms, m);
	if (ferror(out.f)) {
		snprintf(why, whylen, "cannot write %s", path);
		outfile_abort(&out);
		goto out;
	}
	ret = outfile_commit(&out, why, whylen);
out:
	for (i = 0; h.line && i < a->ninst; i++) {
		free(h.line[i].col_ctx_n);
		free(h.line[i].dot);
	}
	free(h.line);
	return ret;
}
