// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * N-run comparison (see compare.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "compare.h"
#include "json.h"
#include "version.h"

#define PROG "bes2600-top compare"

struct stat1 {
	double mean, min, max;
	size_t n;		/* runs that have the figure */
};

static void stat_of(const double *v, size_t n, struct stat1 *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		if (!s->n || v[i] < s->min)
			s->min = v[i];
		if (!s->n || v[i] > s->max)
			s->max = v[i];
		s->mean += v[i];
		s->n++;
	}
	if (s->n)
		s->mean /= s->n;
}

static void print_stat(FILE *f, const struct stat1 *s)
{
	if (!s->n)
		fprintf(f, "%24s", "n/a");
	else
		fprintf(f, "%10.3f [%.3f..%.3f]", s->mean, s->min, s->max);
}

/*
 * Says whether b differs from a beyond the runs' own spread; returns 1
 * when it does.  With one run a side there is no spread to go by.
 */
static int verdict(FILE *f, const struct stat1 *a, const struct stat1 *b)
{
	double d = b->mean - a->mean;
	double spread = fmax(a->max - a->min, b->max - b->min);

	if (!a->n || !b->n) {
		fprintf(f, "  only on one side\n");
		return 1;
	}
	if (a->n < 2 && b->n < 2) {
		fprintf(f, "  %+.3f (one run a side: no spread to judge by)\n", d);
		return d != 0;
	}
	if (fabs(d) <= spread) {
		fprintf(f, "  %+.3f, within the run-to-run spread %.3f\n", d,
			spread);
		return 0;
	}
	fprintf(f, "  %+.3f, beyond the run-to-run spread %.3f\n", d, spread);
	return 1;
}

static int figure(FILE *f, const char *name, const struct cmp_side *a,
		  const struct cmp_side *b, const char *k1, const char *k2)
{
	double va[a->n + 1], vb[b->n + 1];
	struct stat1 sa, sb;
	size_t i;

	for (i = 0; i < a->n; i++)
		va[i] = json_num(json_path(a->runs[i], "phase7", k1, k2, NULL),
				 NAN);
	for (i = 0; i < b->n; i++)
		vb[i] = json_num(json_path(b->runs[i], "phase7", k1, k2, NULL),
				 NAN);
	stat_of(va, a->n, &sa);
	stat_of(vb, b->n, &sb);
	if (!sa.n && !sb.n)
		return 0;
	fprintf(f, "  %-26s ", name);
	print_stat(f, &sa);
	fprintf(f, " -> ");
	print_stat(f, &sb);
	return verdict(f, &sa, &sb);
}

/* A writer row's writes per second in each run of a side. */
static void rates(const struct writer_row *x, const struct cmp_side *s,
		  size_t first, double *v)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		double dur = json_num(json_get(s->runs[i], "duration_s"), 0);

		v[i] = dur > 0 ? x->count[first + i] / dur : 0;
	}
}

int compare_print(FILE *f, const struct cmp_side *a, const struct cmp_side *b)
{
	static const struct {
		const char *name, *k1, *k2;
	} figs[] = {
		{ "MB/s", "mb_per_s", NULL },
		{ "sdio_rx_work runs/s", "runs_per_s", NULL },
		{ "dispatches/1000 RX", "dispatches_per_1000_rx", NULL },
		{ "BH re-dispatches", "bh_redispatches", NULL },
		{ "queue->start p50 us", "queue_to_start_us", "p50" },
		{ "queue->start p99 us", "queue_to_start_us", "p99" },
		{ "start->end p50 us", "start_to_end_us", "p50" },
		{ "start->end p99 us", "start_to_end_us", "p99" },
	};
	struct writer_rows rows = { .runs = a->n + b->n };
	double ra[a->n + 1], rb[b->n + 1];
	struct stat1 sa, sb;
	int differ = 0;
	size_t i, k;

	fprintf(f, "\nCOMPARE %s (%zu %s) -> %s (%zu %s): mean [min..max] per side\n",
		a->label, a->n, a->n == 1 ? "run" : "runs", b->label, b->n,
		b->n == 1 ? "run" : "runs");
	for (i = 0; i < a->n; i++)
		fprintf(f, "  %s: %s\n", a->label, a->names[i]);
	for (i = 0; i < b->n; i++)
		fprintf(f, "  %s: %s\n", b->label, b->names[i]);
	fprintf(f, "  Phase 7:\n");
	for (i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
		differ += figure(f, figs[i].name, a, b, figs[i].k1,
				 figs[i].k2);
	for (i = 0; i < a->n; i++)
		if (writer_rows_add(&rows, a->runs[i], i, ' '))
			goto oom;
	for (i = 0; i < b->n; i++)
		if (writer_rows_add(&rows, b->runs[i], a->n + i, ' '))
			goto oom;
	fprintf(f, "  writers (writes/s):\n");
	for (k = 0; k < rows.n; k++) {
		rates(&rows.v[k], a, 0, ra);
		rates(&rows.v[k], b, a->n, rb);
		stat_of(ra, a->n, &sa);
		stat_of(rb, b->n, &sb);
		fprintf(f, "  %s\n  %-26s ", rows.v[k].key, "");
		print_stat(f, &sa);
		fprintf(f, " -> ");
		print_stat(f, &sb);
		/* A writer absent from every run of a side is a new one. */
		if (sa.max == 0 || sb.max == 0) {
			fprintf(f, "  %s\n", sa.max == 0 ? "new: not in any run before" :
				"gone: in no run after");
			differ++;
		} else {
			differ += verdict(f, &sa, &sb);
		}
	}
	if (differ)
		fprintf(f, "  verdict: %d %s differ beyond the run-to-run spread\n",
			differ, differ == 1 ? "figure or writer" :
			"figures or writers");
	else
		fprintf(f, "  verdict: zero meaningful delta (every difference within the run-to-run spread)\n");
	writer_rows_free(&rows);
	return differ;
oom:
	fprintf(f, "  out of memory\n");
	writer_rows_free(&rows);
	return -1;
}

int compare_main(int argc, char **argv)
{
	const struct json **runs;
	const char **names;
	struct cmp_side a = { .label = "A" }, b = { .label = "B" };
	char why[256];
	int i, sep = -1, ret = 2, differ;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("bes2600-top %s\n", BES2600_TOP_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: %s A.json... -- B.json...\n\nCompares the runs of two phases (the plan's N=3 per phase): per Phase 7\nfigure and writer row, each side's mean and range, and whether the\ndifference exceeds the run-to-run spread.  Exit status 0: none does,\n1: some do, 2: bad arguments or reports.\n",
			       PROG);
			return 0;
		}
		if (!strcmp(argv[i], "--") && sep < 0)
			sep = i;
	}
	if (sep < 2 || sep == argc - 1) {
		fprintf(stderr, "%s: bad arguments: give A's reports, then --, then B's (e.g. A1.json A2.json -- B1.json B2.json)\n",
			PROG);
		return 2;
	}
	runs = calloc(argc, sizeof(*runs));
	names = calloc(argc, sizeof(*names));
	if (!runs || !names) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		goto out;
	}
	for (i = 1; i < argc; i++) {
		if (i == sep)
			continue;
		runs[i] = baseline_load(argv[i], why, sizeof(why));
		names[i] = argv[i];
		if (!runs[i]) {
			fprintf(stderr, "%s: %s\n", PROG, why);
			goto out;
		}
	}
	a.runs = runs + 1;
	a.names = names + 1;
	a.n = sep - 1;
	b.runs = runs + sep + 1;
	b.names = names + sep + 1;
	b.n = argc - sep - 1;
	differ = compare_print(stdout, &a, &b);
	ret = differ < 0 ? 2 : differ ? 1 : 0;
out:
	for (i = 0; runs && i < argc; i++)
		json_free((struct json *)runs[i]);
	free(runs);
	free(names);
	return ret;
}
