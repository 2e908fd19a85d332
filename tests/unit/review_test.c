// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of what a reviewer reads first: the root causes, the
 * shared-state delta table and the N-run comparison, on synthetic
 * streams replayed through "audit --replay" and on JSON reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"
#include "compare.h"
#include "json.h"
#include "synth.h"

#define WINDOW (50 * MS)
#define HBU BES2600_HW_BUFS_USED
#define TXP BES2600_WSM_TX_PENDING

static void expect_str(const struct json *obj, const char *key,
		       const char *want)
{
	const char *got = json_str(json_get(obj, key), "(missing)");

	if (strcmp(got, want))
		fail_msg("%s: got '%s', want '%s'", key, got, want);
}

static int count_class(const struct json *j, const char *cls)
{
	const struct json *f = json_get(j, "findings");
	size_t i;
	int n = 0;

	for (i = 0; i < json_len(f); i++)
		n += !strcmp(json_str(json_get(json_at(f, i), "class"), ""),
			     cls);
	return n;
}

/*
 * hw_bufs_used: the BH allocates, the work releases (plain), once both
 * reading 5; wsm_tx_pending[0]: the BH alone.  releaser BH: no race.
 */
static void stream(struct synth *s, enum synth_ctx releaser, bool atomic,
		   bool race)
{
	uint64_t ts;
	int v = 0, i;

	synth_open(s, WINDOW);
	ts = s->start_ns + MS;
	for (i = 0; i < 600; i++) {
		ts += 200 * US;
		if (v < 8 && (v < 3 || i % 3)) {
			synth_w(s, ts, BH, HBU, v, v + 1, atomic, SITE_ALLOC);
			v++;
		} else {
			synth_w(s, ts, releaser, HBU, v, v - 1, atomic,
				SITE_RELEASE);
			v--;
		}
		synth_w(s, ts + 50 * US, BH, TXP, 0, 1, atomic,
			SITE_INC_PENDING);
		synth_w(s, ts + 60 * US, BH, TXP, 1, 0, atomic,
			SITE_DEC_PENDING);
	}
	if (race) {
		ts += 200 * US;
		synth_w(s, ts + 5 * US, BH, HBU, v, v + 1, false, SITE_ALLOC);
		synth_w(s, ts + 20 * US, releaser, HBU, v, v - 1, false,
			SITE_RELEASE);
	}
	synth_close(s);
}

static void test_root_cause_groups_findings(void **state)
{
	const struct json *rc, *w;
	struct synth_out o;
	struct synth s;
	struct json *j;
	const char *want;
	char *line2;

	(void)state;
	stream(&s, WORK, false, true);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_FINDINGS);
	/* Hand-overs both ways: one finding for the pair of sites. */
	assert_int_equal(count_class(j, "non-atomic-cross-context"), 1);
	assert_int_equal(count_class(j, "lost-update"), 1);
	rc = json_get(j, "root_causes");
	assert_int_equal(json_len(rc), 1);
	expect_str(json_at(rc, 0), "counter", "hw_bufs_used");
	expect_str(json_at(rc, 0), "action", "make it atomic (C-prep)");
	assert_int_equal(json_num(json_get(json_at(rc, 0), "lost_updates"), 0),
			 1);
	assert_int_equal((long long)json_num(json_get(json_at(rc, 0), "drift"), 0),
			 -1);
	w = json_get(json_at(rc, 0), "writers");
	assert_int_equal(json_len(w), 2);
	expect_str(json_at(w, 0), "context", "kthread:bes2600_bh");
	assert_string_equal(json_str(json_at(json_get(json_at(w, 0),
						     "functions"), 0), ""),
			    "wsm_alloc_tx_buffer");
	expect_str(json_at(w, 1), "context", "work:sdio_rx_work");
	/* The text opens with the summary line, then the root cause. */
	line2 = strchr(o.out, '\n');
	assert_non_null(line2);
	assert_true(strstr(o.out, "(1 root cause)") < line2);
	want = "ROOT CAUSE hw_bufs_used: plain read-modify-writes from kthread:bes2600_bh (wsm_alloc_tx_buffer) and work:sdio_rx_work (wsm_release_tx_buffer); 1 lost update, drift -1: make it atomic (C-prep)\n";
	assert_int_equal(strncmp(line2 + 1, want, strlen(want)), 0);
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

/*
 * An instance with atomic writers only and a finding (an underflow): the
 * root cause names the atomic writers, and no empty list of plain ones
 * (the line once read "plain read-modify-writes from , atomic ones from").
 */
static void test_root_cause_atomic_only(void **state)
{
	struct synth_out o;
	struct synth s;
	struct json *j;
	const char *line;
	uint64_t ts = 1000 * US;

	(void)state;
	synth_open(&s, WINDOW);
	synth_w(&s, ts += 100 * US, BH, HBU, 0, 1, true, SITE_ALLOC);
	synth_w(&s, ts += 100 * US, BH, HBU, 1, 0, true, SITE_RELEASE);
	synth_w(&s, ts += 100 * US, BH, HBU, 0, -1, true, SITE_RELEASE);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_FINDINGS);
	line = strstr(o.out, "ROOT CAUSE hw_bufs_used: ");
	if (!line)
		print_message("%s\n", o.out);
	assert_non_null(line);
	assert_null(strstr(o.out, "from ,"));
	assert_null(strstr(o.out, "plain read-modify-writes from"));
	assert_non_null(strstr(line, "atomic read-modify-writes from kthread:bes2600_bh (wsm_alloc_tx_buffer, wsm_release_tx_buffer); "));
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(f);
	assert_non_null(buf);
	if (fread(buf, 1, 65535, f) == 0)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static const struct json *row_of(const struct json *j, const char *counter)
{
	const struct json *rows = json_path(j, "delta_table", "rows", NULL);
	size_t i;

	for (i = 0; i < json_len(rows); i++)
		if (!strcmp(json_str(json_get(json_at(rows, i), "counter"), ""),
			    counter))
			return json_at(rows, i);
	fail_msg("no delta table row for %s", counter);
	return NULL;
}

static void test_delta_table(void **state)
{
	char base_json[80], md[96], *text;
	struct synth_out o;
	struct synth base, cur, at;
	struct json *j;

	(void)state;
	/* Before: the BH alone; now: the release moved into the work. */
	stream(&base, BH, false, false);
	j = synth_replay_json(&base, &o, NULL);
	assert_int_equal(o.status, AUDIT_CLEAN);
	expect_str(row_of(j, "hw_bufs_used"), "action", "OK: single writer");
	json_free(j);
	synth_out_free(&o);
	snprintf(base_json, sizeof(base_json), "%s.json", base.path);
	snprintf(md, sizeof(md), "%s.md", base.path);

	stream(&cur, WORK, false, true);
	j = synth_replay_json(&cur, &o, "--baseline", base_json,
			      "--delta-table", md, NULL);
	expect_str(row_of(j, "hw_bufs_used"), "action", "convert to atomic_t");
	expect_str(row_of(j, "wsm_tx_pending[0]"), "action",
		   "OK: single writer");
	assert_int_equal(json_len(json_path(row_of(j, "hw_bufs_used"),
					    "before", "writers", NULL)), 1);
	assert_int_equal(json_len(json_path(row_of(j, "hw_bufs_used"),
					    "now", "writers", NULL)), 2);
	assert_non_null(strstr(o.out,
		"now:        kthread:bes2600_bh (wsm_alloc_tx_buffer), + work:sdio_rx_work (wsm_release_tx_buffer)"));
	text = slurp(md);
	assert_non_null(strstr(text,
		"| `hw_bufs_used` | kthread:bes2600_bh (wsm_alloc_tx_buffer, wsm_release_tx_buffer) | kthread:bes2600_bh (wsm_alloc_tx_buffer); + work:sdio_rx_work (wsm_release_tx_buffer) | plain; 2 contexts, interleaved "));
	assert_non_null(strstr(text, "| convert to atomic_t |\n"));
	free(text);
	json_free(j);
	synth_out_free(&o);

	/* Several baselines (the plan's N runs): compared, and one table. */
	assert_int_equal(synth_audit(&o, "--replay", cur.path, "--baseline",
				     base_json, "--baseline", base_json, NULL),
			 AUDIT_FINDINGS);
	assert_non_null(strstr(o.out, "COMPARE baseline (2 runs) -> now (1 run)"));
	assert_non_null(strstr(o.out, "new: not in any run before"));
	assert_non_null(strstr(o.out, "before -> now"));
	synth_out_free(&o);

	/* C v2: the same move with atomic counters. */
	stream(&at, WORK, true, false);
	j = synth_replay_json(&at, &o, "--baseline", base_json, NULL);
	assert_int_equal(o.status, AUDIT_CLEAN);
	expect_str(row_of(j, "hw_bufs_used"), "action", "OK: atomic");
	json_free(j);
	synth_out_free(&o);
	unlink(md);
	synth_unlink(&base);
	synth_unlink(&cur);
	synth_unlink(&at);
}

/* A minimal report: one Phase 7 figure and one writer row. */
static void write_report(const char *path, double mb, double count,
			 const char *context)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "{\"schema_version\": 1, \"duration_s\": 10, \"phase7\": {\"mb_per_s\": %g},\n"
		"\"instances\": [{\"counter\": \"hw_bufs_used\", \"writers\": [{\"context\": \"%s\", \"call_site\": \"wsm_release_tx_buffer+0x22 [x]\", \"atomic\": true, \"count\": %g}]}]}\n",
		mb, context, count);
	fclose(f);
}

static int run_compare(char **files, int n)
{
	char *argv[16] = { "compare" };
	int i;

	for (i = 0; i < n; i++)
		argv[i + 1] = files[i];
	return compare_main(n + 1, argv);
}

static void test_compare_runs(void **state)
{
	static const double a[3] = { 1.36, 1.35, 1.37 };
	static const double b[3] = { 1.34, 1.36, 1.38 };
	char p[8][40], *files[9];
	int i;

	(void)state;
	for (i = 0; i < 8; i++)
		snprintf(p[i], sizeof(p[i]), "/tmp/cmp-%d-%d.json", getpid(), i);
	for (i = 0; i < 3; i++) {
		write_report(p[i], a[i], 1000 + i, "kthread:bes2600_bh");
		write_report(p[3 + i], b[i], 1001 + i, "kthread:bes2600_bh");
	}
	/* C-prep against the baseline: zero meaningful delta. */
	files[0] = p[0]; files[1] = p[1]; files[2] = p[2]; files[3] = "--";
	files[4] = p[3]; files[5] = p[4]; files[6] = p[5];
	assert_int_equal(run_compare(files, 7), 0);
	/* A figure beyond the spread, and a writer context that is new. */
	write_report(p[6], 2.0, 1000, "kthread:bes2600_bh");
	write_report(p[7], 2.1, 1000, "work:sdio_rx_work");
	files[4] = p[6]; files[5] = p[7];
	assert_int_equal(run_compare(files, 6), 1);
	/* Bad arguments: no separator, a side with no report. */
	assert_int_equal(run_compare(files, 3), 2);
	files[3] = "--";
	assert_int_equal(run_compare(files, 4), 2);
	for (i = 0; i < 8; i++)
		unlink(p[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_cause_groups_findings),
		cmocka_unit_test(test_root_cause_atomic_only),
		cmocka_unit_test(test_delta_table),
		cmocka_unit_test(test_compare_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
