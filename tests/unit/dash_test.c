// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The dashboard's model without curses: aggregation per interval, rates,
 * sparklines, and the batch lines (CSV, JSONL) a script reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis.h"
#include "dash.h"
#include "json.h"
#include "synth.h"

static struct bes2600_event ev(uint64_t ts, enum synth_ctx who, uint32_t c,
			       int32_t idx, int32_t old, int32_t new_)
{
	return synth_ctr(ts, who, c, idx, new_ > old ? 1 : 2, old, new_, true,
			 new_ > old ? SITE_ALLOC : SITE_RELEASE,
			 who == BH ? 0 : 1);
}

/*
 * 100 alloc/release pairs in 0.5 s, then 0.5 s quiet: counted in st by
 * the BPF side's own rules (top_maps.h) in epoch ep, and fed to a.
 */
static void feed(struct bes2600_inst_stats *st, uint32_t ep,
		 struct analysis *a, uint64_t t0)
{
	struct bes2600_event e;
	int i;

	for (i = 0; i < 100; i++) {
		e = ev(t0 + i * 5 * MS, BH, 0, 0, 0, 1);
		bes2600_count_write(st, &e, ep, e.ts_ns);
		analysis_feed(a, &e);
		e = ev(t0 + i * 5 * MS + 2 * MS, WORK, 0, 0, 1, 0);
		bes2600_count_write(st, &e, ep, e.ts_ns);
		analysis_feed(a, &e);
	}
}

/* One interval of the dashboard over st, seen epoch ep end. */
static void interval(struct dash *d, const struct bes2600_inst_stats *st,
		     uint32_t ep, uint64_t seen, uint64_t ns, uint64_t drops)
{
	struct dash_agg v = { .counter = 0, .idx = 0, .st = st };

	dash_take_agg(d, &v, 1, NULL, ep, seen, NULL);
	dash_interval(d, ns, drops);
}

static void test_interval_rates(void **state)
{
	struct an_config cfg = { .window_ns = 50 * MS, .capacity = 16 };
	struct analysis *a = analysis_new(&cfg);
	static struct bes2600_inst_stats st;
	const struct dash_inst *in;
	struct dash d;
	int i;

	(void)state;
	assert_non_null(a);
	dash_init(&d);
	feed(&st, 0, a, 1000 * MS);
	interval(&d, &st, 0, 200, 1000 * MS, 0);
	in = dash_find(&d, 0, 0);
	assert_non_null(in);
	assert_int_equal(in->value, 0);
	assert_int_equal(in->imin, 0);
	assert_int_equal(in->imax, 1);
	assert_true(in->per_s > 199.9 && in->per_s < 200.1);
	assert_true(d.events_per_s > 199.9 && d.events_per_s < 200.1);
	assert_int_equal(d.nwriters, 2);
	for (i = 0; i < d.nwriters; i++)
		assert_true(d.writers[i].per_s > 99.9 &&
			    d.writers[i].per_s < 100.1);
	/* A quiet interval: rates fall to 0, min/max hold the value. */
	interval(&d, &st, 1, 200, 2000 * MS, 0);
	assert_true(in->per_s == 0);
	assert_int_equal(in->imin, 0);
	assert_int_equal(in->imax, 0);
	assert_int_equal(d.writers[0].per_s, 0);
	assert_int_equal(in->nspark, 2);
	analysis_free(a);
}

static void agg_row(struct bes2600_agg_writer *w, uint8_t kind,
		    const char *comm, uint64_t func, uint64_t site, int op,
		    uint64_t count)
{
	memset(w, 0, sizeof(*w));
	w->tag = count * 2 + 1;
	w->ctx_kind = kind;
	strncpy(w->comm, comm, sizeof(w->comm));
	w->ctx_func = func;
	w->caller = site;
	w->atomic = 1;
	w->op = op;
	w->count = count;
}

/*
 * The dashboard's figures from the BPF aggregation: value, min/max of the
 * epoch that ended, writes per second, writer rows named and merged (a
 * per-CPU kthread's "/N" copies are one row), writers past the rows BPF
 * keeps shown as "others".
 */
static void test_agg_interval(void **state)
{
	static struct bes2600_inst_stats st;
	struct dash_agg v = { .counter = 0, .idx = 0, .st = &st };
	const struct dash_inst *in;
	struct dash d;
	int i, bh = -1, work = -1, other = -1;

	(void)state;
	dash_init(&d);
	st.writes = 300;
	st.value = 3;
	st.epoch[0] = 1;		/* epoch 0 ended: slot 0, tag 1 */
	st.min[0] = 0;
	st.max[0] = 7;
	st.other_writes = 20;
	agg_row(&st.w[0], BES2600_CTX_KTHREAD, "bes2600_bh/0", 0, SITE_ALLOC,
		1, 100);
	agg_row(&st.w[1], BES2600_CTX_KTHREAD, "bes2600_bh/1", 0, SITE_ALLOC,
		1, 50);
	agg_row(&st.w[2], BES2600_CTX_WORK, "", FN_RX_WORK, SITE_RELEASE, 2,
		130);
	dash_take_agg(&d, &v, 1, NULL, 0, 1000, NULL);
	dash_interval(&d, 2000 * MS, 0);
	in = dash_find(&d, 0, 0);
	assert_non_null(in);
	assert_int_equal(in->value, 3);
	assert_int_equal(in->imin, 0);
	assert_int_equal(in->imax, 7);
	assert_true(in->per_s > 149.9 && in->per_s < 150.1);
	assert_true(d.events_per_s > 499.9 && d.events_per_s < 500.1);
	assert_int_equal(d.nwriters, 3);
	for (i = 0; i < d.nwriters; i++) {
		if (!strcmp(d.writers[i].context, "kthread:bes2600_bh"))
			bh = i;
		else if (!strcmp(d.writers[i].context, "others"))
			other = i;
		else if (!strncmp(d.writers[i].context, "work:", 5))
			work = i;
	}
	assert_true(bh >= 0 && work >= 0 && other >= 0);
	assert_int_equal(d.writers[bh].count, 150);
	assert_true(d.writers[bh].per_s > 74.9 && d.writers[bh].per_s < 75.1);
	assert_int_equal(d.writers[work].count, 130);
	assert_int_equal(d.writers[other].count, 20);

	/* Next interval: 60 more writes, none in slot 1's epoch 1 yet... */
	st.writes = 360;
	st.w[2].count = 190;
	dash_take_agg(&d, &v, 1, NULL, 1, 1300, NULL);
	dash_interval(&d, 1000 * MS, 0);
	assert_true(in->per_s > 59.9 && in->per_s < 60.1);
	assert_true(d.events_per_s > 299.9 && d.events_per_s < 300.1);
	/* ...so min/max fall back to the value. */
	assert_int_equal(in->imin, 3);
	assert_int_equal(in->imax, 3);
	for (i = 0; i < d.nwriters; i++)
		if (!strncmp(d.writers[i].context, "work:", 5))
			assert_true(d.writers[i].per_s > 59.9 &&
				    d.writers[i].per_s < 60.1);
		else
			assert_true(d.writers[i].per_s == 0);
}

/*
 * The sdio_rx_work figures of an aggregating session come from the BPF
 * side's totals and histograms: interval rates from the totals' growth,
 * percentiles from the buckets it filled.
 */
static void test_agg_rx(void **state)
{
	static struct bes2600_rx_stats rx;
	struct dash d;
	int i;

	(void)state;
	dash_init(&d);
	rx.t.runs = 200;
	rx.t.packets = 400;
	rx.t.queue_events = 210;
	rx.t.redispatches = 3;
	for (i = 0; i < 98; i++)
		rx.q2s[bes2600_hist_bucket(1000)]++;
	rx.q2s[bes2600_hist_bucket(1000000)] += 2;
	rx.s2e[bes2600_hist_bucket(50000)] = 100;
	dash_take_agg(&d, NULL, 0, &rx, 0, 1000, NULL);
	dash_interval(&d, 2000 * MS, 0);
	assert_true(d.rx.runs_per_s > 99.9 && d.rx.runs_per_s < 100.1);
	assert_true(d.rx.packets_per_run > 1.99 && d.rx.packets_per_run < 2.01);
	assert_true(d.rx.dispatches_per_1000 > 524.9 &&
		    d.rx.dispatches_per_1000 < 525.1);
	assert_int_equal(d.rx.redispatches, 3);
	assert_true(d.rx.q2s_p50_us > 0.97 && d.rx.q2s_p50_us < 1.03);
	assert_true(d.rx.q2s_p99_us > 970 && d.rx.q2s_p99_us < 1030);
	assert_true(d.rx.run_p50_us > 48.5 && d.rx.run_p50_us < 51.5);
	/* The next interval's rates count only what it added. */
	rx.t.runs = 300;
	rx.t.packets = 700;
	rx.t.queue_events = 330;
	rx.t.redispatches = 5;
	dash_take_agg(&d, NULL, 0, &rx, 1, 1000, NULL);
	dash_interval(&d, 1000 * MS, 0);
	assert_true(d.rx.runs_per_s > 99.9 && d.rx.runs_per_s < 100.1);
	assert_true(d.rx.packets_per_run > 2.99 && d.rx.packets_per_run < 3.01);
	assert_true(d.rx.dispatches_per_1000 > 399.9 &&
		    d.rx.dispatches_per_1000 < 400.1);
	assert_int_equal(d.rx.redispatches, 2);
}

/* The bucket as userspace computed it, with count-leading-zeros. */
static uint32_t ref_bucket(uint64_t v)
{
	unsigned int e = 63 - __builtin_clzll(v | 1);
	uint64_t i = v < BES2600_HIST_SUB ? v :
		BES2600_HIST_SUB + (e - 4) * BES2600_HIST_SUB +
		((v >> (e - 4)) & (BES2600_HIST_SUB - 1));

	return i < BES2600_HIST_BUCKETS ? i : BES2600_HIST_BUCKETS - 1;
}

/*
 * The BPF side has no count-leading-zeros: the shared bucket function
 * must agree with it around every power of two and across 0..65535.
 */
static void test_hist_bucket(void **state)
{
	uint64_t v;
	int shift, k;

	(void)state;
	for (v = 0; v < 65536; v++)
		assert_int_equal(bes2600_hist_bucket(v), ref_bucket(v));
	for (shift = 4; shift < 64; shift++)
		for (k = -3; k <= 40; k++) {
			v = (1ULL << shift) + k;
			assert_int_equal(bes2600_hist_bucket(v),
					 ref_bucket(v));
		}
	assert_int_equal(bes2600_hist_bucket(~0ULL), BES2600_HIST_BUCKETS - 1);
}

/*
 * The dashboard does not stream atomic writes, so no chain passes the
 * pending-count timer decisions: they must still be decided (from their
 * own read-back) as the stream goes on, not pile up until the end.
 */
static void test_timers_without_chain(void **state)
{
	struct an_config cfg = { .window_ns = 50 * MS, .capacity = 16 };
	struct analysis *a = analysis_new(&cfg);
	struct bes2600_event e;
	const struct an_instance *in;
	size_t i, cta = 0;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < 2000; i++) {
		e = ev(1000 * MS + i * 5 * MS, WORK, 2, 0, 1, 0);
		e.type = BES2600_EV_PENDING_TIMER;
		memset(&e.ctr, 0, sizeof(e.ctr));
		e.timer.count = 0;
		e.timer.now = i == 100 ? 1 : 0;	/* one stale decision */
		analysis_feed(a, &e);
	}
	assert_int_equal(a->ninst, 1);
	in = a->inst[0];
	/* 50 ms window + 50 ms lag at one timer per 5 ms: about 20 wait. */
	assert_true(in->ntimers - in->t0 <= 25);
	for (i = 0; i < a->findings.n; i++)
		if (a->findings.v[i].cls == FC_CHECK_THEN_ACT)
			cta += a->findings.v[i].count;
	assert_int_equal(cta, 1);
	analysis_free(a);
}

static void test_rate(void **state)
{
	(void)state;
	assert_true(dash_rate(300, 1.5) == 200);
	assert_true(dash_rate(5, 0) == 0);
}

static void test_sparkline(void **state)
{
	int32_t v[70];
	char buf[64];
	int i;

	(void)state;
	for (i = 0; i < 9; i++)
		v[i] = i * 2;
	dash_sparkline(v, 9, 12, 0, 16, buf);
	assert_string_equal(buf, "   .:-=+*#%@");
	/* Clamped both ways; only the last width values. */
	for (i = 0; i < 70; i++)
		v[i] = i < 65 ? -5 : 99;
	dash_sparkline(v, 70, 8, 0, 16, buf);
	assert_string_equal(buf, "...@@@@@");
	dash_sparkline(v, 0, 4, 0, 16, buf);
	assert_string_equal(buf, "    ");
}

static char *capture(const struct dash *d, const struct analysis *a,
		     enum dash_format fmt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	dash_batch_header(f, fmt);
	dash_batch_line(f, fmt, d, a, 1.0);
	fclose(f);
	return text;
}

static void test_jsonl_and_csv(void **state)
{
	struct an_config cfg = { .window_ns = 50 * MS, .capacity = 16 };
	struct analysis *a = analysis_new(&cfg);
	const struct json *c;
	char *text, why[128], *nl;
	struct json *j;
	struct dash d;
	int lines = 0;

	static struct bes2600_inst_stats st;

	(void)state;
	dash_init(&d);
	feed(&st, 0, a, 1000 * MS);
	interval(&d, &st, 0, 200, 1000 * MS, 3);

	text = capture(&d, a, DASH_JSONL);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	assert_int_equal(nl[1], '\0');		/* one line */
	j = json_parse(text, strlen(text), why, sizeof(why));
	if (!j)
		fail_msg("JSONL line does not parse: %s\n%s", why, text);
	assert_int_equal(json_num(json_get(j, "drops"), -1), 3);
	c = json_get(json_get(j, "counters"), "hw_bufs_used");
	assert_non_null(c);
	assert_int_equal(json_num(json_get(c, "writes"), -1), 200);
	assert_true(json_num(json_get(c, "writes_per_s"), -1) == 200);
	assert_int_equal(json_len(json_get(j, "writers")), 2);
	assert_non_null(json_get(json_get(j, "findings"), "lost-update"));
	json_free(j);
	free(text);

	text = capture(&d, a, DASH_CSV);
	for (nl = text; (nl = strchr(nl, '\n')); nl++)
		lines++;
	assert_int_equal(lines, 2);		/* header + one counter */
	assert_non_null(strstr(text, "time_s,interval_s,events_per_s,drops,counter,"));
	assert_non_null(strstr(text, ",hw_bufs_used,0,0,1,200.0,"));
	free(text);
	analysis_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval_rates),
		cmocka_unit_test(test_agg_interval),
		cmocka_unit_test(test_agg_rx),
		cmocka_unit_test(test_hist_bucket),
		cmocka_unit_test(test_timers_without_chain),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_jsonl_and_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
