// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Baseline deltas (see baseline.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "findings.h"
#include "json.h"
#include "report.h"

struct json *baseline_load(const char *path, char *err, size_t errlen)
{
	const struct json *v;
	struct json *j = json_load(path, err, errlen);

	if (!j)
		return NULL;
	v = json_get(j, "schema_version");
	if (!v || v->type != JSON_NUM) {
		snprintf(err, errlen, "%s: not a bes2600-top audit report (no schema_version)",
			 path);
		goto bad;
	}
	if (v->num > AUDIT_JSON_SCHEMA || v->num < 1) {
		snprintf(err, errlen, "%s: report schema_version %g, this tool reads up to %d",
			 path, v->num, AUDIT_JSON_SCHEMA);
		goto bad;
	}
	return j;
bad:
	json_free(j);
	return NULL;
}

static void figure(FILE *f, const char *name, const struct json *b,
		   const struct json *c)
{
	double x = json_num(b, NAN), y = json_num(c, NAN);

	fprintf(f, "  %-28s ", name);
	if (isnan(x) || isnan(y)) {
		char bx[32] = "n/a", by[32] = "n/a";

		if (!isnan(x))
			snprintf(bx, sizeof(bx), "%.3f", x);
		if (!isnan(y))
			snprintf(by, sizeof(by), "%.3f", y);
		fprintf(f, "%12s -> %12s\n", bx, by);
		return;
	}
	fprintf(f, "%12.3f -> %12.3f  (%+.3f", x, y, y - x);
	if (x != 0)
		fprintf(f, ", %+.1f%%", 100.0 * (y - x) / fabs(x));
	fprintf(f, ")\n");
}

/* "counter|context|function [module]|plain" for one writer row. */
static void writer_key(char *buf, size_t len, const char *counter,
		       const struct json *w)
{
	char site[256], *plus;
	const char *mod;

	snprintf(site, sizeof(site), "%s",
		 json_str(json_get(w, "call_site"), "?"));
	mod = strstr(json_str(json_get(w, "call_site"), ""), " [");
	plus = strchr(site, '+');
	if (plus)
		snprintf(plus, sizeof(site) - (plus - site), "%s",
			 mod ? mod : "");
	snprintf(buf, len, "%s|%s|%s|%s", counter,
		 json_str(json_get(w, "context"), "?"), site,
		 json_get(w, "atomic") && json_get(w, "atomic")->b ?
		 "atomic" : "plain");
}

struct row {
	char key[512];
	double base, cur;
	bool in_base, in_cur;
};

struct rows {
	struct row *v;
	size_t n;
};

static struct row *row_get(struct rows *r, const char *key)
{
	struct row *v;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].key, key))
			return &r->v[i];
	v = realloc(r->v, (r->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	r->v = v;
	memset(&v[r->n], 0, sizeof(*v));
	snprintf(v[r->n].key, sizeof(v[r->n].key), "%s", key);
	return &v[r->n++];
}

static void collect(struct rows *r, const struct json *report, bool base)
{
	const struct json *inst = json_get(report, "instances");
	char key[512];
	size_t i, k;

	for (i = 0; i < json_len(inst); i++) {
		const struct json *in = json_at(inst, i);
		const char *counter = json_str(json_get(in, "counter"), "?");
		const struct json *ws = json_get(in, "writers");

		for (k = 0; k < json_len(ws); k++) {
			const struct json *w = json_at(ws, k);
			double n = json_num(json_get(w, "count"), 0);
			struct row *x;

			writer_key(key, sizeof(key), counter, w);
			x = row_get(r, key);
			if (!x)
				return;
			if (base) {
				x->in_base = true;
				x->base += n;
			} else {
				x->in_cur = true;
				x->cur += n;
			}
		}
	}
}

static void print_row(FILE *f, const char *what, const struct row *x)
{
	char key[512], *p;

	snprintf(key, sizeof(key), "%s", x->key);
	for (p = key; *p; p++)
		if (*p == '|')
			*p = ' ';
	fprintf(f, "    %-5s %s: %.0f -> %.0f\n", what, key, x->base, x->cur);
}

int baseline_print(FILE *f, const char *path, const struct json *base,
		   const struct json *cur)
{
	static const char *const figs[] = {
		"mb_per_s", "runs_per_s", "dispatches_per_1000_rx",
		"bh_redispatches", "rx_work_runs", "rx_packets",
	};
	struct rows rows = { 0 };
	int changed = 0, c;
	size_t i;

	fprintf(f, "\nBASELINE %s (%.3f s) -> this run (%.3f s):\n", path,
		json_num(json_get(base, "duration_s"), 0),
		json_num(json_get(cur, "duration_s"), 0));
	for (i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
		figure(f, figs[i], json_path(base, "phase7", figs[i], NULL),
		       json_path(cur, "phase7", figs[i], NULL));
	figure(f, "queue->start p50 us",
	       json_path(base, "phase7", "queue_to_start_us", "p50", NULL),
	       json_path(cur, "phase7", "queue_to_start_us", "p50", NULL));
	figure(f, "queue->start p99 us",
	       json_path(base, "phase7", "queue_to_start_us", "p99", NULL),
	       json_path(cur, "phase7", "queue_to_start_us", "p99", NULL));
	figure(f, "start->end p50 us",
	       json_path(base, "phase7", "start_to_end_us", "p50", NULL),
	       json_path(cur, "phase7", "start_to_end_us", "p50", NULL));
	figure(f, "start->end p99 us",
	       json_path(base, "phase7", "start_to_end_us", "p99", NULL),
	       json_path(cur, "phase7", "start_to_end_us", "p99", NULL));

	collect(&rows, base, true);
	collect(&rows, cur, false);
	for (i = 0; i < rows.n; i++)
		changed += rows.v[i].in_base != rows.v[i].in_cur;
	if (!changed)
		fprintf(f, "  writers: the same contexts, functions and flavours as the baseline (zero delta)\n");
	else
		fprintf(f, "  writers: %d %s differ from the baseline\n", changed,
			changed == 1 ? "row" : "rows");
	for (i = 0; i < rows.n; i++) {
		const struct row *x = &rows.v[i];

		if (x->in_base && !x->in_cur)
			print_row(f, "gone", x);
		else if (!x->in_base && x->in_cur)
			print_row(f, "new", x);
	}
	for (i = 0; i < rows.n; i++)
		if (rows.v[i].in_base && rows.v[i].in_cur)
			print_row(f, "", &rows.v[i]);
	fprintf(f, "  findings:");
	for (c = 0; c < FC_NR; c++) {
		const char *n = finding_class_name(c);

		fprintf(f, "%s %s %.0f -> %.0f", c ? "," : "", n,
			json_num(json_path(base, "summary", n, "findings", NULL), 0),
			json_num(json_path(cur, "summary", n, "findings", NULL), 0));
	}
	fprintf(f, "\n");
	free(rows.v);
	return changed;
}
