// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Regression tests of the hardening issue that need a crafted stream or a
 * library call, each named after its symptom (the command-line cases are
 * tests/host/bad-input.sh).  Run also under ASan and UBSan (make
 * unit-asan), where the undefined behaviour ones would abort.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bes2600/top_maps.h>

#include "audit.h"
#include "baseline.h"
#include "analysis.h"
#include "dash.h"
#include "json.h"
#include "synth.h"

#define HBU BES2600_HW_BUFS_USED
#define PEND BES2600_WSM_TX_PENDING

/* Closes s, replays it: refused (exit 2) with why in the message. */
static void expect_refused(struct synth *s, const char *why)
{
	struct synth_out o;

	synth_close(s);
	synth_audit(&o, "--replay", s->path, NULL);
	assert_int_equal(o.status, AUDIT_FAILED);
	if (!strstr(o.err, why))
		fail_msg("expected '%s' in: %s", why, o.err);
	synth_out_free(&o);
	synth_unlink(s);
}

/* One write to each of more instances than the documented cap. */
static void test_many_instances_refused_not_2gb(void **state)
{
	struct bes2600_event e;
	struct synth s;
	int i;

	(void)state;
	synth_open(&s, 50 * MS);
	/* Many chips (hw), each with every index: 8 per chip and counter. */
	for (i = 0; i < BES2600_NR_INST + 5; i++) {
		e = synth_ctr(s.start_ns + i * US, BH, PEND, i % BES2600_MAX_IDX,
			      1, 0, 1, false, SITE_INC_PENDING, 0);
		e.hw = HW + 0x1000 * (i / BES2600_MAX_IDX);
		synth_put(&s, &e);
	}
	expect_refused(&s, "more than 96 counter instances");
}

static void test_stack_id_out_of_range_refused(void **state)
{
	struct bes2600_event e;
	struct synth s;

	(void)state;
	synth_open(&s, 50 * MS);
	e = synth_ctr(s.start_ns + MS, BH, HBU, 0, 1, 0, 1, false, SITE_ALLOC,
		      0);
	e.stack_id = BES2600_STACK_ENTRIES + 7;
	synth_put(&s, &e);
	expect_refused(&s, "stack id 4103 outside 0..4095");
}

/* 20,000 wsm_tx_pending indexes took 2.1 GB: an index is 0..7. */
static void test_index_out_of_range_refused(void **state)
{
	struct bes2600_event e;
	struct synth s;

	(void)state;
	synth_open(&s, 50 * MS);
	e = synth_ctr(s.start_ns + MS, BH, PEND, 20000, 1, 0, 1, false,
		      SITE_INC_PENDING, 0);
	synth_put(&s, &e);
	expect_refused(&s, "wsm_tx_pending index 20000 outside 0..7");
}

/*
 * Each event a new context: the linear search grew, so contexts are
 * capped.  Each a new call site: the counts keep BES2600_INST_WRITERS
 * rows per instance, the rest in one "others" row, as the BPF side does.
 */
static void test_many_contexts_refused_writers_bounded(void **state)
{
	const struct json *in, *w, *row;
	struct bes2600_event e;
	struct synth_out o;
	struct synth s;
	struct json *j;
	size_t k;
	int i;

	(void)state;
	synth_open(&s, 50 * MS);
	/* Over 8 instances: each stays below the writers' cap. */
	for (i = 0; i < AN_MAX_CTXS + 5; i++) {
		e = synth_ctr(s.start_ns + i * US, INSMOD, PEND, i % 8, 1,
			      i / 8, i / 8 + 1, true, SITE_INC_PENDING, 0);
		snprintf(e.comm, sizeof(e.comm), "t%d", i);
		synth_put(&s, &e);
	}
	expect_refused(&s, "more than 4096 writer contexts");

	synth_open(&s, 50 * MS);
	for (i = 0; i < 1029; i++) {
		e = synth_ctr(s.start_ns + i * US, BH, HBU, 0, 1, i, i + 1,
			      true, SITE_ALLOC + 16 * i, 0);
		synth_put(&s, &e);
	}
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_non_null(j);
	in = json_at(json_get(j, "instances"), 0);
	assert_int_equal(json_num(json_get(in, "writes"), -1), 1029);
	w = json_get(in, "writers");
	assert_int_equal(json_len(w), BES2600_INST_WRITERS + 1);
	for (k = 0; k < json_len(w); k++) {
		row = json_at(w, k);
		if (!strcmp(json_str(json_get(row, "context"), ""), "others"))
			assert_int_equal(json_num(json_get(row, "count"), -1),
					 1029 - BES2600_INST_WRITERS);
		else
			assert_int_equal(json_num(json_get(row, "count"), -1),
					 1);
	}
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

/* A pending-count timer decision at INT32_MAX: count + 1 overflowed. */
static void test_timer_count_int_max_no_overflow(void **state)
{
	struct synth_out o;
	struct bes2600_event e;
	struct synth s;

	(void)state;
	synth_open(&s, 50 * MS);
	e = synth_ctr(s.start_ns + MS, BH, PEND, 0, 1, INT32_MAX - 1,
		      INT32_MAX, false, SITE_INC_PENDING, 0);
	synth_put(&s, &e);
	memset(&e.ctr, 0, sizeof(e.ctr));
	e.type = BES2600_EV_PENDING_TIMER;
	e.ts_ns += 10 * US;
	e.timer.idx = 0;
	e.timer.count = INT32_MAX;
	e.timer.action = 1;
	e.timer.now = INT32_MAX - 3;
	synth_put(&s, &e);
	synth_close(&s);
	synth_audit(&o, "--replay", s.path, NULL);
	assert_int_not_equal(o.status, AUDIT_FAILED);
	synth_out_free(&o);
	synth_unlink(&s);
}

/* Reads far apart: old - cur overflowed int32 in the chain. */
static void test_chain_extreme_values_no_overflow(void **state)
{
	struct synth_out o;
	struct synth s;
	uint64_t ts;

	(void)state;
	synth_open(&s, 50 * MS);
	ts = s.start_ns + MS;
	synth_w(&s, ts, BH, HBU, INT32_MAX - 1, INT32_MAX, false, SITE_ALLOC);
	synth_w(&s, ts + 100 * US, WORK, HBU, INT32_MIN, INT32_MIN + 1, false,
		SITE_RELEASE);
	synth_w(&s, ts + 200 * US, BH, HBU, INT32_MAX, INT32_MIN, false,
		SITE_ALLOC);
	synth_close(&s);
	synth_audit(&o, "--replay", s.path, NULL);
	assert_int_not_equal(o.status, AUDIT_FAILED);
	synth_out_free(&o);
	synth_unlink(&s);
}

/*
 * A window of a few nanoseconds (a record's header said 1..7): the
 * chain's widening loop never ended.  The reader refuses such headers now;
 * the analysis must end anyway.  The stream: the BH fills, sdio_rx_work
 * drains, then both read 5 and one store clobbers the other.
 */
static void feed(struct analysis *a, uint64_t ts, enum synth_ctx who,
		 int32_t old, int32_t new_)
{
	struct bes2600_event e = synth_ctr(ts, who, HBU, 0, new_ > old ? 1 : 2,
					   old, new_, false,
					   who == BH ? SITE_ALLOC : SITE_RELEASE,
					   who == WORK);

	assert_int_equal(analysis_feed(a, &e), 0);
}

static void test_chain_tiny_window_ends(void **state)
{
	struct an_config cfg = { .window_ns = 5 };
	struct analysis *a = analysis_new(&cfg);
	uint64_t ts = 1000 * MS;
	int v = 0, round, k;

	(void)state;
	assert_non_null(a);
	for (round = 0; round < 5; round++) {
		for (k = 0; k < 5; k++, v++, ts += 200 * US)
			feed(a, ts, BH, v, v + 1);
		if (round == 4)
			break;
		for (k = 0; k < 5; k++, v--, ts += 200 * US)
			feed(a, ts, WORK, v, v - 1);
	}
	feed(a, ts + 5 * US, BH, 5, 6);
	feed(a, ts + 20 * US, WORK, 5, 4);
	analysis_finish(a, ts + MS);
	assert_int_equal(a->counter_events, 47);
	analysis_free(a);
}

/* 50,000 writer rows: found by linear search, grown by one. */
static void test_baseline_many_writer_rows(void **state)
{
	struct writer_rows rows = { .runs = 1 };
	const size_t n = 50000;
	struct json *j;
	char err[256];
	size_t i, len = 0, cap = n * 120 + 256;
	char *text = malloc(cap);

	(void)state;
	assert_non_null(text);
	len += snprintf(text + len, cap - len,
			"{\"schema_version\": 1, \"instances\": [{\"counter\": \"hw_bufs_used\", \"writers\": [");
	for (i = 0; i < n; i++)
		len += snprintf(text + len, cap - len,
				"%s{\"context\": \"task:t%zu\", \"call_site\": \"f+0x1\", \"atomic\": false, \"count\": 2}",
				i ? "," : "", i);
	len += snprintf(text + len, cap - len, "]}]}");
	j = json_parse(text, len, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(writer_rows_add(&rows, j, 0, ' '), 0);
	assert_int_equal(rows.n, n);
	/* The same report again: every row found, none added. */
	assert_int_equal(writer_rows_add(&rows, j, 0, ' '), 0);
	assert_int_equal(rows.n, n);
	assert_true(rows.v[n - 1].count[0] == 4);
	writer_rows_free(&rows);
	json_free(j);
	free(text);
}

/* --jsonl printed a task name holding '"' or '\' as it was. */
static void test_jsonl_escapes_task_names(void **state)
{
	struct dash d;
	struct json *j;
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.nwriters = 1;
	snprintf(d.writers[0].counter, sizeof(d.writers[0].counter), "hw_bufs_used");
	snprintf(d.writers[0].context, sizeof(d.writers[0].context), "task:a\"b\\c");
	snprintf(d.writers[0].site, sizeof(d.writers[0].site), "f+0x1");
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	dash_batch_line(f, DASH_JSONL, &d, NULL, 1.0);
	fclose(f);
	j = json_parse(buf, len, err, sizeof(err));
	if (!j)
		fail_msg("not JSON (%s): %s", err, buf);
	assert_string_equal(json_str(json_get(json_at(json_get(j, "writers"), 0),
					      "context"), ""), "task:a\"b\\c");
	json_free(j);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_instances_refused_not_2gb),
		cmocka_unit_test(test_stack_id_out_of_range_refused),
		cmocka_unit_test(test_index_out_of_range_refused),
		cmocka_unit_test(test_many_contexts_refused_writers_bounded),
		cmocka_unit_test(test_timer_count_int_max_no_overflow),
		cmocka_unit_test(test_chain_extreme_values_no_overflow),
		cmocka_unit_test(test_chain_tiny_window_ends),
		cmocka_unit_test(test_baseline_many_writer_rows),
		cmocka_unit_test(test_jsonl_escapes_task_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
