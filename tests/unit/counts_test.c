// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The counts and the chain together: what the BPF side counted (here by
 * its own rules, bes2600_count_write()) stays exact across records lost
 * from the ring, while the chain restarts after the gap and claims no
 * lost update across it.
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
#include "synth.h"

#define N 3000
#define GAP_FROM 1000		/* writes GAP_FROM .. GAP_TO - 1 are lost */
#define GAP_TO 2000

/*
 * hw_bufs_used, plain: the BH allocates and sdio_rx_work releases, one
 * after the other; every 100th release (all in the gap but one) clobbers
 * the allocation stamped just before it, which read the same value.
 */
static int history(struct bes2600_event *v)
{
	int32_t val = 0, lost = 0;
	uint64_t ts = 1000 * MS;
	int i, n = 0;

	for (i = 0; i < N / 2; i++) {
		ts += 100 * US;
		if (i % 100 == 50) {
			/* The release read val before the alloc stored. */
			v[n++] = synth_ctr(ts, BH, 0, 0, 1, val, val + 1,
					   false, SITE_ALLOC, 0);
			v[n++] = synth_ctr(ts + 1 * US, WORK, 0, 0, 2, val,
					   val - 1, false, SITE_RELEASE, 1);
			val -= 1;
			lost++;
			continue;
		}
		v[n++] = synth_ctr(ts, BH, 0, 0, 1, val, val + 1, false,
				   SITE_ALLOC, 0);
		v[n++] = synth_ctr(ts + 50 * US, WORK, 0, 0, 2, val + 1, val,
				   false, SITE_RELEASE, 1);
	}
	return lost;
}

static struct bes2600_event ev[N];

/* An audit that lost GAP_FROM .. GAP_TO from its ring, counts given. */
static struct analysis *audit_with_gap(const struct bes2600_inst_stats *st)
{
	struct an_config cfg = { .window_ns = 1 * MS, .capacity = 16,
				 .counts_given = true };
	struct analysis *a = analysis_new(&cfg);
	int i;

	assert_non_null(a);
	for (i = 0; i < N; i++) {
		if (i == GAP_TO)
			assert_int_equal(analysis_drop(a, 0,
					 ev[GAP_FROM - 1].ts_ns,
					 ev[GAP_TO].ts_ns, GAP_TO - GAP_FROM),
					 0);
		if (i < GAP_FROM || i >= GAP_TO)
			assert_int_equal(analysis_feed(a, &ev[i]), 0);
	}
	assert_int_equal(analysis_take_counts(a, HW, 0, 0, st), 0);
	analysis_finish(a, 0);
	return a;
}

static void test_counts_exact_across_gap(void **state)
{
	static struct bes2600_inst_stats st;
	const struct an_instance *in;
	struct analysis *a;
	uint64_t rows = 0, lu = 0;
	int lost, i;
	size_t k;

	(void)state;
	lost = history(ev);
	for (i = 0; i < N; i++)
		bes2600_count_write(&st, &ev[i], 0, ev[i].ts_ns);
	a = audit_with_gap(&st);
	assert_int_equal(a->ninst, 1);
	in = a->inst[0];
	/* Counts, drift and writers: all N writes, not the ones received. */
	assert_int_equal(in->writes, N);
	assert_int_equal(in->plain_writes, N);
	assert_int_equal(analysis_drift(a, in), -lost);
	assert_int_equal(analysis_net_drift(in), -lost);
	for (k = 0; k < in->nwriters; k++)
		rows += in->writers[k].count;
	assert_int_equal(rows, N);
	assert_int_equal(in->nwriters, 2);
	assert_true(analysis_incomplete(a, in));
	assert_int_equal(in->chain.restarts, 1);
	/* The chain finds the 10 clobbers outside the gap, none of the 5 in it. */
	for (k = 0; k < a->findings.n; k++) {
		const struct finding *f = &a->findings.v[k];

		if (f->cls != FC_LOST_UPDATE)
			continue;
		lu += f->count;
		assert_false(f->a.ts >= ev[GAP_FROM - 1].ts_ns &&
			     f->a.ts <= ev[GAP_TO].ts_ns);
	}
	assert_int_equal(lu, 10);
	assert_int_equal(lost, 15);
	analysis_free(a);
}

/*
 * The same stream folded from its records (a file without counts) gives
 * the counts the BPF side's rules give.
 */
static void test_fold_equals_counts(void **state)
{
	static struct bes2600_inst_stats st;
	struct an_config cfg = { .window_ns = 1 * MS, .capacity = 16 };
	struct analysis *a = analysis_new(&cfg);
	const struct an_instance *in;
	int lost, i;

	(void)state;
	assert_non_null(a);
	lost = history(ev);
	for (i = 0; i < N; i++) {
		bes2600_count_write(&st, &ev[i], 0, ev[i].ts_ns);
		assert_int_equal(analysis_feed(a, &ev[i]), 0);
	}
	analysis_finish(a, 0);
	in = a->inst[0];
	assert_int_equal(in->cnt.writes, st.writes);
	assert_int_equal(in->cnt.plain_writes, st.plain_writes);
	assert_int_equal(in->cnt.delta_sum, st.delta_sum);
	assert_int_equal(in->cnt.handovers, st.handovers);
	assert_int_equal(in->cnt.first, st.first);
	assert_int_equal(in->cnt.value, st.value);
	assert_memory_equal(in->cnt.w, st.w, sizeof(st.w));
	assert_int_equal(analysis_drift(a, in), -lost);
	analysis_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_exact_across_gap),
		cmocka_unit_test(test_fold_equals_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
