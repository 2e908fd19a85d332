// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Baseline deltas (see baseline.h).
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "findings.h"
#include "json.h"
#include "names.h"
#include "report.h"

struct json *baseline_load(const char *path, char *err, size_t errlen)
{
	const struct json *v;
	struct json *j = json_load(path, err, errlen);

	if (!j)
		return NULL;
	v = json_get(j, "schema_version");
	if (!json_is_num(v)) {
		snprintf(err, errlen, "%s: not a bes2600-top audit report (no schema_version)",
			 path);
		goto bad;
	}
	if (!(json_num(v, 0) >= 1 && json_num(v, 0) <= AUDIT_JSON_SCHEMA)) {
		snprintf(err, errlen, "%s: report schema_version %g, this tool reads up to %d",
			 path, json_num(v, 0), AUDIT_JSON_SCHEMA);
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

void baseline_writer_key(char *buf, size_t len, const char *counter,
			 const struct json *w, char sep)
{
	char site[256];

	call_site_function(site, sizeof(site),
			   json_str(json_get(w, "call_site"), "?"), true);
	snprintf(buf, len, "%s%c%s%c%s%c%s", counter, sep,
		 json_str(json_get(w, "context"), "?"), sep, site, sep,
		 json_truthy(json_get(w, "atomic")) ?
		 "atomic" : "plain");
}

int writer_rows_add(struct writer_rows *r, const struct json *report,
		    size_t run, char sep)
{
	const struct json *inst = json_get(report, "instances");
	struct writer_row *v, *x;
	char key[sizeof(v->key)];
	size_t i, k, j;
	json_t *idx;

	for (i = 0; i < json_len(inst); i++) {
		const struct json *in = json_at(inst, i);
		const char *counter = json_str(json_get(in, "counter"), "?");
		const struct json *ws = json_get(in, "writers");

		for (k = 0; k < json_len(ws); k++) {
			const struct json *w = json_at(ws, k);

			baseline_writer_key(key, sizeof(key), counter, w, sep);
			/* Found by hash, grown by doubling: linear in the rows. */
			if (!r->index && !(r->index = json_object()))
				return -1;
			idx = json_object_get(r->index, key);
			if (idx) {
				j = json_integer_value(idx);
			} else {
				if (r->n == r->cap) {
					size_t cap = r->cap ? r->cap * 2 : 64;

					v = realloc(r->v, cap * sizeof(*v));
					if (!v)
						return -1;
					r->v = v;
					r->cap = cap;
				}
				x = &r->v[r->n];
				snprintf(x->key, sizeof(x->key), "%s", key);
				x->count = calloc(r->runs, sizeof(*x->count));
				if (!x->count ||
				    json_object_set_new(r->index, key,
							json_integer(r->n)))
					return -1;
				j = r->n++;
			}
			r->v[j].count[run] += json_num(json_get(w, "count"), 0);
		}
	}
	return 0;
}

void writer_rows_free(struct writer_rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].count);
	free(r->v);
	json_decref(r->index);
	memset(r, 0, sizeof(*r));
}

static void print_row(FILE *f, const char *what, const struct writer_row *x)
{
	fprintf(f, "    %-5s %s: %.0f -> %.0f\n", what, x->key, x->count[0],
		x->count[1]);
}

int baseline_print(FILE *f, const char *path, const struct json *base,
		   const struct json *cur)
{
	static const char *const figs[] = {
		"mb_per_s", "runs_per_s", "dispatches_per_1000_rx",
		"bh_redispatches", "rx_work_runs", "rx_packets",
	};
	struct writer_rows rows = { .runs = 2 };
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

	if (writer_rows_add(&rows, base, 0, ' ') ||
	    writer_rows_add(&rows, cur, 1, ' ')) {
		fprintf(f, "  writers: out of memory\n");
		writer_rows_free(&rows);
		return -1;
	}
	for (i = 0; i < rows.n; i++)
		changed += !rows.v[i].count[0] != !rows.v[i].count[1];
	if (!changed)
		fprintf(f, "  writers: the same contexts, functions and flavours as the baseline (zero delta)\n");
	else
		fprintf(f, "  writers: %d %s differ from the baseline\n", changed,
			changed == 1 ? "row" : "rows");
	for (i = 0; i < rows.n; i++) {
		const struct writer_row *x = &rows.v[i];

		if (x->count[0] && !x->count[1])
			print_row(f, "gone", x);
		else if (!x->count[0] && x->count[1])
			print_row(f, "new", x);
	}
	for (i = 0; i < rows.n; i++)
		if (rows.v[i].count[0] && rows.v[i].count[1])
			print_row(f, "", &rows.v[i]);
	fprintf(f, "  findings:");
	for (c = 0; c < FC_NR; c++) {
		const char *n = finding_class_name(c);

		fprintf(f, "%s %s %.0f -> %.0f", c ? "," : "", n,
			json_num(json_path(base, "summary", n, "findings", NULL), 0),
			json_num(json_path(cur, "summary", n, "findings", NULL), 0));
	}
	fprintf(f, "\n");
	writer_rows_free(&rows);
	return changed;
}
