// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the lost-update chain (tools/bes2600-top/chain.c) on
 * synthetic histories.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "chain.h"

#define MS 1000000ULL
#define WINDOW (10 * MS)

struct seen {
	int n;
	struct chain_break first;
};

static void on_break(void *ctx, const struct chain_event *e,
		     const struct chain_break *b)
{
	(void)e;
	struct seen *s = ctx;

	if (!s->n++)
		s->first = *b;
}

static struct chain_event ev(uint64_t ts, uint32_t ctx, int32_t old,
			     int32_t new_, bool atomic)
{
	struct chain_event e = {
		.ts = ts, .ctx = ctx, .site = 0x1000 + ctx, .old = old,
		.new_ = new_, .atomic = atomic,
		.op = new_ >= old ? CHAIN_OP_ADD : CHAIN_OP_SUB,
	};

	return e;
}

static void add(struct chain *c, struct chain_event e)
{
	assert_int_equal(chain_add(c, &e), 0);
}

/* One context, plain writes in order: nothing to report. */
static void test_serial_single_context(void **state)
{
	struct seen s = {};
	struct chain c;
	int i, v = 0;

	(void)state;
	chain_init(&c, WINDOW, on_break, NULL, &s);
	for (i = 0; i < 1000; i++) {
		int d = (i % 3 == 2) ? -2 : 1;

		add(&c, ev(i * 100000ULL, 1, v, v + d, false));
		v += d;
	}
	chain_flush(&c);
	assert_int_equal(s.n, 0);
	assert_int_equal(c.drift, 0);
	assert_int_equal(c.undecided, 0);
	chain_free(&c);
}

/* A: 5->6 and B: 5->4 both read 5: B clobbered A's increment. */
static void test_clobbered_write(void **state)
{
	struct seen s = {};
	struct chain c;

	(void)state;
	chain_init(&c, WINDOW, on_break, NULL, &s);
	add(&c, ev(1 * MS, 1, 4, 5, false));	/* settles the chain at 5 */
	add(&c, ev(20 * MS, 1, 5, 6, false));	/* BH increment, lost */
	add(&c, ev(21 * MS, 2, 5, 4, false));	/* work decrement, stale */
	/* Past the window: no order can make the two reads of 5 serial. */
	add(&c, ev(60 * MS, 1, 4, 5, false));
	chain_flush(&c);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.first.clobbering.ctx, 2);
	assert_int_equal(s.first.clobbering.old, 5);
	assert_true(s.first.has_clobbered);
	assert_int_equal(s.first.clobbered.ctx, 1);
	assert_int_equal(s.first.clobbered.new_, 6);
	assert_int_equal(s.first.lost, -1);
	assert_int_equal(c.drift, -1);
	chain_free(&c);
}

/*
 * Counters repeat values: X 5->6, Z 6->5, Y 5->4 happened in that order
 * but were stamped Y, Z, X.  Taking the earliest "old == 5" (Y) first
 * would strand X and Z; the search must find X, Z, Y.
 */
static void test_repeated_values_reordered(void **state)
{
	struct seen s = {};
	struct chain c;

	(void)state;
	chain_init(&c, WINDOW, on_break, NULL, &s);
	add(&c, ev(1 * MS, 1, 4, 5, true));
	add(&c, ev(3 * MS, 2, 5, 4, true));	/* Y */
	add(&c, ev(4 * MS, 1, 6, 5, true));	/* Z */
	add(&c, ev(5 * MS, 3, 5, 6, true));	/* X, stamped late */
	chain_flush(&c);
	assert_int_equal(s.n, 0);
	assert_int_equal(c.unordered, 0);
	assert_int_equal(c.undecided, 0);
	chain_free(&c);
}

/* Insertion sort of evs by keys: small arrays, test only. */
static void sort_by_key(struct chain_event *evs, uint64_t *keys, int n)
{
	int i, j;

	for (i = 1; i < n; i++) {
		struct chain_event e = evs[i];
		uint64_t k = keys[i];

		for (j = i; j > 0 && keys[j - 1] > k; j--) {
			evs[j] = evs[j - 1];
			keys[j] = keys[j - 1];
		}
		evs[j] = e;
		keys[j] = k;
	}
}

/*
 * Atomic writes from four CPUs, each record stamped up to half a window
 * after its store and delivered out of order: never a finding.
 */
static void test_atomic_shuffled_many_seeds(void **state)
{
	unsigned long unordered = 0, undecided = 0;
	int seed, i;

	(void)state;
	for (seed = 1; seed <= 1000; seed++) {
		struct seen s = {};
		struct chain c;
		struct chain_event *evs;
		uint64_t keys[300];
		int n = 300, v = 0;

		srand(seed);
		evs = calloc(n, sizeof(*evs));
		assert_non_null(evs);
		for (i = 0; i < n; i++) {
			int d = rand() % 2 ? 1 : -(1 + rand() % 3);
			uint64_t store = (uint64_t)i * MS;

			evs[i] = ev(store + (uint64_t)(rand() % (WINDOW / 2)),
				    rand() % 4, v, v + d, true);
			v += d;
		}
		chain_init(&c, WINDOW, on_break, NULL, &s);
		/*
		 * Records reach userspace near their stamp order, jittered by
		 * up to a quarter window across CPUs: stamp delay plus jitter
		 * stays inside the window.
		 */
		for (i = 0; i < n; i++)
			keys[i] = evs[i].ts + (uint64_t)(rand() % (WINDOW / 4));
		sort_by_key(evs, keys, n);
		for (i = 0; i < n; i++)
			add(&c, evs[i]);
		chain_flush(&c);
		/* Atomic-vs-atomic breaks are reordering, never findings. */
		if (s.n || c.breaks || c.drift)
			fail_msg("seed %d: %d lost updates, drift %ld", seed,
				 s.n, (long)c.drift);
		unordered += c.unordered;
		undecided += c.undecided;
		chain_free(&c);
		free(evs);
	}
	/* How often the search could not order them: a figure, not a test. */
	print_message("300000 atomic records: %lu left unordered, %lu undecided\n",
		      unordered, undecided);
}

/* A gap restarts the chain: no lost update is claimed across it. */
static void test_gap_no_claim(void **state)
{
	struct seen s = {};
	struct chain c;

	(void)state;
	chain_init(&c, WINDOW, on_break, NULL, &s);
	add(&c, ev(1 * MS, 1, 0, 1, false));
	add(&c, ev(2 * MS, 1, 1, 2, false));
	chain_gap(&c);		/* writes 2->3 and 3->4 were dropped */
	add(&c, ev(50 * MS, 2, 4, 3, false));
	add(&c, ev(51 * MS, 1, 3, 4, false));
	chain_flush(&c);
	assert_int_equal(s.n, 0);
	assert_int_equal(c.drift, 0);
	chain_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_single_context),
		cmocka_unit_test(test_clobbered_write),
		cmocka_unit_test(test_repeated_values_reordered),
		cmocka_unit_test(test_atomic_shuffled_many_seeds),
		cmocka_unit_test(test_gap_no_claim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
