// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of bes2600-top audit on synthetic streams.  Each test writes
 * a record file with the recorder and runs "audit --replay" on it, so the
 * stream takes the same code path as a live audit's records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"
#include "json.h"
#include "synth.h"

#define WINDOW (50 * MS)
#define HBU BES2600_HW_BUFS_USED
#define TXP BES2600_WSM_TX_PENDING

/* Findings of one class in a JSON report; the first one in *first. */
static int count_class(const struct json *j, const char *cls,
		       const struct json **first)
{
	const struct json *f = json_get(j, "findings");
	size_t i;
	int n = 0;

	for (i = 0; i < json_len(f); i++) {
		const struct json *x = json_at(f, i);

		if (strcmp(json_str(json_get(x, "class"), ""), cls))
			continue;
		if (!n++ && first)
			*first = x;
	}
	return n;
}

static const struct json *path_of(const struct json *finding, size_t i)
{
	return json_at(json_get(finding, "paths"), i);
}

static void expect_str(const struct json *obj, const char *key,
		       const char *want)
{
	const char *got = json_str(json_get(obj, key), "(missing)");

	if (strcmp(got, want))
		fail_msg("%s: got '%s', want '%s'", key, got, want);
}

/*
 * An integer figure.  cmocka compares as uintmax_t, and a negative double
 * converted to it is undefined (arm64 gives 0, x86 wraps): go through a
 * signed integer.
 */
static long long num(const struct json *obj, const char *key)
{
	return (long long)json_num(json_get(obj, key), -12345);
}

/* A fractional figure. */
static double fnum(const struct json *obj, const char *key)
{
	return json_num(json_get(obj, key), -12345);
}

/* A lab-like history: the BH allocates, a release follows, no races. */
static int lab_history(struct synth *s, uint64_t *ts, int v, int n,
		       enum synth_ctx releaser)
{
	int i;

	for (i = 0; i < n; i++) {
		*ts += 200 * US;
		if (v < 16 && (v < 3 || i % 3)) {
			synth_w(s, *ts, BH, HBU, v, v + 1, false, SITE_ALLOC);
			v++;
		} else {
			synth_w(s, *ts, releaser, HBU, v, v - 1, false,
				SITE_RELEASE);
			v--;
		}
	}
	return v;
}

static void test_serial_single_context(void **state)
{
	struct bes2600_event e;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t ts;
	const struct json *in;

	(void)state;
	synth_open(&s, WINDOW);
	ts = s.start_ns + MS;
	e = synth_ctr(ts, INSMOD, HBU, 0, 0, 0, 0, false, SITE_INIT, 0);
	synth_put(&s, &e);
	lab_history(&s, &ts, 0, 3000, BH);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_CLEAN);
	assert_int_equal(num(j, "schema_version"), 1);
	assert_int_equal(json_len(json_get(j, "findings")), 0);
	in = json_at(json_get(j, "instances"), 0);
	expect_str(in, "counter", "hw_bufs_used");
	assert_int_equal(num(in, "writes"), 3001);
	assert_int_equal(num(in, "drift"), 0);
	assert_int_equal(json_len(json_get(in, "writers")), 3);
	expect_str(json_at(json_get(in, "writers"), 0), "context",
		   "task:insmod");
	expect_str(json_at(json_get(in, "writers"), 1), "context",
		   "kthread:bes2600_bh");
	expect_str(json_at(json_get(in, "writers"), 1), "call_site",
		   "wsm_alloc_tx_buffer+0x22 [bes2600_lab]");
	assert_non_null(strstr(o.out, "SUMMARY: lost-update"));
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

/* BH: 5->6 and the work: 5->4 both read 5; the work stored last. */
static void write_clobbered_stream(struct synth *s)
{
	uint64_t ts;
	int v;

	synth_open(s, WINDOW);
	ts = s->start_ns + MS;
	v = lab_history(s, &ts, 0, 400, WORK);
	while (v != 5) {
		ts += 200 * US;
		synth_w(s, ts, v < 5 ? BH : WORK, HBU, v, v < 5 ? v + 1 : v - 1,
			false, v < 5 ? SITE_ALLOC : SITE_RELEASE);
		v += v < 5 ? 1 : -1;
	}
	ts += 200 * US;
	synth_w(s, ts + 5 * US, BH, HBU, 5, 6, false, SITE_ALLOC);
	synth_w(s, ts + 20 * US, WORK, HBU, 5, 4, false, SITE_RELEASE);
	ts += 100 * US;
	lab_history(s, &ts, 4, 400, WORK);
	synth_close(s);
}

static void test_two_contexts_clobbered(void **state)
{
	const struct json *f = NULL, *p;
	struct synth_out o;
	struct synth s;
	struct json *j;

	(void)state;
	write_clobbered_stream(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_FINDINGS);
	assert_int_equal(count_class(j, "lost-update", &f), 1);
	assert_int_equal(num(f, "count"), 1);
	assert_int_equal(num(f, "lost_total"), -1);
	p = path_of(f, 0);
	expect_str(p, "role", "clobbering");
	expect_str(p, "context", "work:sdio_rx_work");
	expect_str(p, "call_site", "wsm_release_tx_buffer+0x4a [bes2600_lab]");
	assert_int_equal(num(p, "old"), 5);
	assert_int_equal(num(p, "new"), 4);
	assert_int_equal(num(p, "cpu"), 1);
	p = path_of(f, 1);
	expect_str(p, "role", "clobbered");
	expect_str(p, "context", "kthread:bes2600_bh");
	expect_str(p, "call_site", "wsm_alloc_tx_buffer+0x22 [bes2600_lab]");
	assert_int_equal(num(p, "old"), 5);
	assert_int_equal(num(p, "new"), 6);
	/* The exact drift, both ways of counting it. */
	assert_int_equal(count_class(j, "drift", &f), 1);
	assert_int_equal(num(f, "drift"), -1);
	assert_int_equal(num(f, "chain_drift"), -1);
	assert_int_equal(num(json_at(json_get(j, "instances"), 0), "drift"),
			 -1);
	assert_true(count_class(j, "non-atomic-cross-context", NULL) >= 1);
	assert_non_null(strstr(o.out, "BUG: lost-update on hw_bufs_used"));
	assert_non_null(strstr(o.out, "clobbering write by work:sdio_rx_work"));
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

static void test_two_contexts_no_loss(void **state)
{
	const struct json *f = NULL;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t ts;

	(void)state;
	synth_open(&s, WINDOW);
	ts = s.start_ns + MS;
	lab_history(&s, &ts, 0, 3000, WORK);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_FINDINGS);
	/* One finding for the pair of sites, hand-overs both ways counted. */
	assert_int_equal(count_class(j, "non-atomic-cross-context", &f), 1);
	assert_int_equal(json_len(json_get(j, "findings")), 1);
	expect_str(path_of(f, 0), "context", "kthread:bes2600_bh");
	expect_str(path_of(f, 1), "context", "work:sdio_rx_work");
	assert_true(num(f, "count") >= 2);
	assert_int_equal(num(json_at(json_get(j, "instances"), 0),
			     "lost_updates"), 0);
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

/*
 * A stale read whose only same-value partner is the BH's own earlier
 * write: one thread's read-modify-writes are serial, so that write is not
 * the clobbered one.  The finding names none and lists the other
 * context's write the window held.
 */
static void test_lost_update_never_pairs_one_thread(void **state)
{
	const struct json *f = NULL, *c;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t ts;

	(void)state;
	synth_open(&s, WINDOW);
	ts = s.start_ns + MS;
	synth_w(&s, ts, BH, HBU, 6, 7, false, SITE_ALLOC);
	synth_w(&s, ts + 1 * MS, WORK, HBU, 7, 6, false, SITE_RELEASE);
	synth_w(&s, ts + 2 * MS, BH, HBU, 6, 7, false, SITE_ALLOC);
	/* The BH reads 6 again, after its own 6 -> 7. */
	synth_w(&s, ts + 3 * MS, BH, HBU, 6, 7, false, SITE_ALLOC);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_FINDINGS);
	assert_int_equal(count_class(j, "lost-update", &f), 1);
	assert_int_equal(json_len(json_get(f, "paths")), 1);
	expect_str(path_of(f, 0), "role", "clobbering");
	expect_str(path_of(f, 0), "context", "kthread:bes2600_bh");
	c = json_get(f, "candidates");
	assert_int_equal(json_len(c), 1);
	expect_str(json_at(c, 0), "context", "work:sdio_rx_work");
	assert_int_equal(num(json_at(c, 0), "old"), 7);
	assert_non_null(strstr(o.out, "the clobbered write is undecided"));
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

/*
 * Atomic writes from four CPUs (a kworker each) and a hardirq: a serial
 * history whose records are stamped late (up to half a window, never past
 * the thread's next write) and delivered out of order.
 */
struct rec {
	struct bes2600_event e;
	uint64_t key;
};

static int cmp_key(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static void write_shuffled(struct synth *s, unsigned int seed, int n)
{
	struct rec *r = calloc(n, sizeof(*r));
	uint64_t t = s->start_ns + MS, late;
	int i, k, v = 5;

	assert_non_null(r);
	srand(seed);
	for (i = 0; i < n; i++) {
		int cpu = rand() % 5, d;

		t += 100 * US + rand() % (400 * US);
		/* Stay near 5: the values repeat, as the lab's do. */
		d = rand() % 2 ? 1 : -(1 + rand() % 2);
		if (v + d < 0)
			d = 1;
		/* ...and below capacity: this test is about order, not overflow. */
		if (v + d > 12)
			d = -1;
		r[i].e = synth_ctr(t, cpu == 4 ? IRQ : WORK, HBU, 0,
				   d > 0 ? 1 : 2, v, v + d, true,
				   d > 0 ? SITE_ALLOC : SITE_RELEASE, cpu);
		if (cpu < 4)
			r[i].e.pid = 200 + cpu;
		v += d;
	}
	for (i = 0; i < n; i++) {
		uint64_t next = UINT64_MAX;

		late = rand() % (3 * US);
		if (rand() % 4 == 0)
			late += rand() % (WINDOW / 2);
		/* A thread stamps a write before it makes the next one. */
		for (k = i + 1; k < n && r[i].e.pid; k++) {
			if (r[k].e.pid == r[i].e.pid) {
				next = r[k].e.ts_ns;
				break;
			}
		}
		if (r[i].e.ts_ns + late >= next)
			late = (next - r[i].e.ts_ns) / 2;
		r[i].key = late;
	}
	for (i = 0; i < n; i++) {
		r[i].e.ts_ns += r[i].key;
		r[i].key = r[i].e.ts_ns + rand() % (WINDOW / 4);
	}
	qsort(r, n, sizeof(*r), cmp_key);
	for (i = 0; i < n; i++)
		synth_put(s, &r[i].e);
	free(r);
}

static void test_atomic_shuffled_many_seeds(void **state)
{
	double unordered = 0, undecided = 0, reordered = 0;
	unsigned int seed;

	(void)state;
	for (seed = 1; seed <= 1000; seed++) {
		const struct json *in;
		struct synth_out o;
		struct synth s;
		struct json *j;

		synth_open(&s, WINDOW);
		write_shuffled(&s, seed, 200);
		synth_close(&s);
		j = synth_replay_json(&s, &o, NULL);
		if (o.status != AUDIT_CLEAN ||
		    json_len(json_get(j, "findings")))
			fail_msg("seed %u: exit %d, %zu findings:\n%s", seed,
				 o.status, json_len(json_get(j, "findings")),
				 o.out);
		in = json_at(json_get(j, "instances"), 0);
		unordered += num(in, "unordered");
		undecided += num(in, "undecided");
		reordered += num(in, "reordered");
		json_free(j);
		synth_out_free(&o);
		synth_unlink(&s);
	}
	print_message("200000 atomic records: %.0f committed out of stamp order, %.0f unordered, %.0f undecided\n",
		      reordered, unordered, undecided);
}

/* cur=5; X 5->6, Z 6->5, Y 5->4 happened so, stamped Y, Z, X. */
static void test_repeated_values_reordered(void **state)
{
	struct bes2600_event e;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t t;

	(void)state;
	synth_open(&s, WINDOW);
	t = s.start_ns + MS;
	e = synth_ctr(t, WORK, HBU, 0, 1, 4, 5, true, SITE_ALLOC, 0);
	synth_put(&s, &e);
	e = synth_ctr(t + 30 * MS, IRQ, HBU, 0, 2, 5, 4, true, SITE_RELEASE, 2);
	synth_put(&s, &e);			/* Y */
	e = synth_ctr(t + 31 * MS, WORK2, HBU, 0, 2, 6, 5, true, SITE_RELEASE, 1);
	synth_put(&s, &e);			/* Z */
	e = synth_ctr(t + 32 * MS, IRQ, HBU, 0, 1, 5, 6, true, SITE_ALLOC, 3);
	synth_put(&s, &e);			/* X, stamped late */
	e = synth_ctr(t + 200 * MS, WORK, HBU, 0, 1, 4, 5, true, SITE_ALLOC, 0);
	synth_put(&s, &e);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_CLEAN);
	assert_int_equal(json_len(json_get(j, "findings")), 0);
	assert_int_equal(num(json_at(json_get(j, "instances"), 0), "unordered"),
			 0);
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

static void test_underflow(void **state)
{
	const struct json *f = NULL;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t ts;

	(void)state;
	synth_open(&s, WINDOW);
	ts = s.start_ns + MS;
	synth_w(&s, ts, BH, HBU, 0, 1, false, SITE_ALLOC);
	synth_w(&s, ts + MS, BH, HBU, 1, 0, false, SITE_RELEASE);
	synth_w(&s, ts + 2 * MS, BH, HBU, 0, -1, false, SITE_RELEASE);
	synth_w(&s, ts + 3 * MS, BH, HBU, -1, -2, false, SITE_RELEASE);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_FINDINGS);
	assert_int_equal(count_class(j, "underflow", &f), 1);
	assert_int_equal(num(f, "count"), 2);
	assert_int_equal(num(f, "lowest"), -2);
	expect_str(path_of(f, 0), "call_site",
		   "wsm_release_tx_buffer+0x4a [bes2600_lab]");
	assert_int_equal(num(path_of(f, 0), "new"), -1);
	assert_int_equal(json_len(json_get(j, "findings")), 1);
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

/*
 * The dashboard sends an atomic write alone only when it is out of bounds
 * (SAMPLED): two such writes do not continue each other, yet they are
 * underflows, not a lost update, and the instance claims no drift.
 */
static void test_sampled_records(void **state)
{
	const struct json *f = NULL, *in;
	struct bes2600_event e;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t ts;

	(void)state;
	synth_open(&s, WINDOW);
	ts = s.start_ns + MS;
	e = synth_ctr(ts, WORK, HBU, 0, 2, 0, -1, true, SITE_RELEASE, 1);
	e.flags = BES2600_REC_SAMPLED;
	synth_put(&s, &e);
	e = synth_ctr(ts + 10 * MS, WORK, HBU, 0, 2, 3, -2, true,
		      SITE_RELEASE, 1);
	e.flags = BES2600_REC_SAMPLED;
	synth_put(&s, &e);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_FINDINGS);
	assert_int_equal(count_class(j, "underflow", &f), 1);
	assert_int_equal(num(f, "count"), 2);
	assert_int_equal(num(f, "lowest"), -2);
	assert_int_equal(count_class(j, "lost-update", NULL), 0);
	assert_int_equal(count_class(j, "drift", NULL), 0);
	assert_int_equal(json_len(json_get(j, "findings")), 1);
	in = json_at(json_get(j, "instances"), 0);
	assert_non_null(json_get(in, "complete"));
	assert_false(json_truthy(json_get(in, "complete")));
	assert_int_equal(num(in, "drift"), 0);
	assert_non_null(strstr(o.out, "sent alone by the dashboard"));
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

static void test_overflow_capacity(void **state)
{
	const struct json *f = NULL;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t ts;
	int v;

	(void)state;
	synth_open(&s, WINDOW);
	ts = s.start_ns + MS;
	for (v = 0; v < 17; v++)
		synth_w(&s, ts + v * MS, BH, HBU, v, v + 1, false, SITE_ALLOC);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_FINDINGS);
	assert_int_equal(count_class(j, "overflow", &f), 1);
	assert_int_equal(num(f, "highest"), 17);
	assert_int_equal(num(f, "capacity"), 16);
	json_free(j);
	synth_out_free(&o);
	j = synth_replay_json(&s, &o, "--capacity", "0", NULL);
	assert_int_equal(o.status, AUDIT_CLEAN);
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

/*
 * The BH's records 5->4 and 4->3 were lost (the ring was full): the next
 * record reads 3.  No lost update may be claimed across the gap, and the
 * counter is reported incomplete.
 */
static void test_gap_no_claim(void **state)
{
	const struct json *in, *drops;
	struct bes2600_event e;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t ts;
	int v;

	(void)state;
	synth_open(&s, WINDOW);
	ts = s.start_ns + MS;
	v = lab_history(&s, &ts, 0, 500, BH);
	while (v != 5) {
		ts += 200 * US;
		synth_w(&s, ts, BH, HBU, v, v < 5 ? v + 1 : v - 1, false,
			v < 5 ? SITE_ALLOC : SITE_RELEASE);
		v += v < 5 ? 1 : -1;
	}
	ts += 600 * US;
	e = synth_ctr(ts, BH, HBU, 0, 2, 3, 2, false, SITE_RELEASE, 0);
	e.lost_before = 2;
	synth_put(&s, &e);
	lab_history(&s, &ts, 2, 500, BH);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_CLEAN);
	assert_int_equal(count_class(j, "lost-update", NULL), 0);
	assert_int_equal(json_len(json_get(j, "findings")), 0);
	in = json_at(json_get(j, "instances"), 0);
	assert_non_null(json_get(in, "complete"));
	assert_false(json_truthy(json_get(in, "complete")));
	assert_int_equal(num(in, "drift"), 0);
	assert_int_equal(num(in, "net_drift"), -2);
	drops = json_get(j, "drops");
	assert_int_equal(num(drops, "total"), 2);
	assert_int_equal(num(json_at(json_get(drops, "spans"), 0), "cpu"), 0);
	assert_string_equal(json_str(json_at(json_get(drops, "incomplete"), 0),
				     ""), "hw_bufs_used");
	assert_non_null(strstr(o.out, "DROPS: 2 records lost in 1 span"));
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

static void test_suppressions(void **state)
{
	char supp[80];
	struct synth_out o;
	struct synth s;
	struct json *j;
	FILE *f;

	(void)state;
	write_clobbered_stream(&s);
	snprintf(supp, sizeof(supp), "%s.supp", s.path);
	f = fopen(supp, "w");
	assert_non_null(f);
	fprintf(f, "# the lab's known race\n"
		"lost-update:wsm_release_tx_buffer\n"
		"  drift : hw_bufs_used  \n"
		"non-atomic-cross-context:work:sdio_*\n");
	fclose(f);
	j = synth_replay_json(&s, &o, "--suppress", supp, NULL);
	assert_int_equal(o.status, AUDIT_CLEAN);
	assert_int_equal(num(json_path(j, "summary", "lost-update", NULL),
			     "suppressed"), 1);
	assert_int_equal(num(j, "errors"), 0);
	assert_non_null(strstr(o.out, "lost-update               1 finding (1 occurrence), 1 suppressed"));
	assert_null(strstr(o.out, "BUG: lost-update"));
	json_free(j);
	synth_out_free(&o);

	f = fopen(supp, "w");
	assert_non_null(f);
	fprintf(f, "race:hw_bufs_used\n");
	fclose(f);
	assert_int_equal(synth_audit(&o, "--replay", s.path, "--suppress",
				     supp, NULL), AUDIT_FAILED);
	assert_non_null(strstr(o.err, ":1: unknown class 'race'"));
	synth_out_free(&o);
	unlink(supp);
	synth_unlink(&s);
}

/*
 * The work decremented to 0; the BH incremented before del_timer returned,
 * but its event was stamped after the decision's: the read-back says the
 * decision was stale, the chain names the BH's write.
 */
static void test_check_then_act(void **state)
{
	const struct json *f = NULL;
	struct bes2600_event e;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t t;

	(void)state;
	synth_open(&s, WINDOW);
	t = s.start_ns + MS;
	e = synth_ctr(t, BH, TXP, 0, 1, 0, 1, true, SITE_INC_PENDING, 0);
	synth_put(&s, &e);
	e = synth_ctr(t + MS, WORK, TXP, 0, 2, 1, 0, true, SITE_DEC_PENDING, 1);
	synth_put(&s, &e);
	e = synth_ctr(t + MS + 30 * US, WORK, 0, 0, 0, 0, 0, false, 0, 1);
	e.type = BES2600_EV_PENDING_TIMER;
	memset(&e.ctr, 0, sizeof(e.ctr));
	e.timer.idx = 0;
	e.timer.count = 0;
	e.timer.action = 0;
	e.timer.now = 1;
	synth_put(&s, &e);
	e = synth_ctr(t + MS + 40 * US, BH, TXP, 0, 1, 0, 1, true,
		      SITE_INC_PENDING, 0);
	synth_put(&s, &e);
	/* A decision with nothing in between: not stale. */
	e = synth_ctr(t + 5 * MS, WORK, TXP, 0, 2, 1, 0, true, SITE_DEC_PENDING,
		      1);
	synth_put(&s, &e);
	e.type = BES2600_EV_PENDING_TIMER;
	e.ts_ns += 20 * US;
	memset(&e.ctr, 0, sizeof(e.ctr));
	synth_put(&s, &e);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_CLEAN);
	assert_int_equal(count_class(j, "check-then-act", &f), 1);
	assert_int_equal(num(f, "count"), 1);
	expect_str(f, "severity", "warning");
	expect_str(f, "action", "del_timer");
	assert_int_equal(num(f, "count_after"), 1);
	expect_str(path_of(f, 0), "context", "work:sdio_rx_work");
	expect_str(path_of(f, 1), "context", "kthread:bes2600_bh");
	assert_int_equal(num(j, "warnings"), 1);
	assert_int_equal(num(json_at(json_get(j, "instances"), 0),
			     "timer_decisions"), 2);
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

static void put_rx(struct synth *s, uint64_t ts, uint32_t type, int reason)
{
	struct bes2600_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = ts;
	e.hw = HW;
	e.type = type;
	e.stack_id = -1;
	e.ctx_kind = BES2600_CTX_WORK;
	e.ctx_func = FN_RX_WORK;
	if (type == BES2600_EV_RX_WORK_QUEUE) {
		e.rxq.reason = reason;
		e.rxq.queued = 1;
	} else if (type == BES2600_EV_RX_WORK_END) {
		e.rxe.packets = 4;
		e.rxe.bytes = 6000;
		e.rxe.transfers = 1;
		e.rxe.direct = 4;
	}
	synth_put(s, &e);
}

static void test_phase7_figures(void **state)
{
	const struct json *p7;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t t;
	int i;

	(void)state;
	synth_open(&s, WINDOW);
	t = s.start_ns;
	for (i = 0; i < 10; i++) {
		t += 100 * MS;
		put_rx(&s, t, BES2600_EV_RX_WORK_QUEUE, i == 9);
		put_rx(&s, t + 10 * US, BES2600_EV_RX_WORK_START, 0);
		put_rx(&s, t + 60 * US, BES2600_EV_RX_WORK_END, 0);
	}
	/* The end chunk says 1 ms after the last record: 1.0011 s in all. */
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	assert_int_equal(o.status, AUDIT_CLEAN);
	p7 = json_get(j, "phase7");
	assert_int_equal(num(p7, "rx_work_runs"), 10);
	assert_int_equal(num(p7, "rx_packets"), 40);
	assert_int_equal(num(p7, "rx_bytes"), 60000);
	assert_int_equal(num(p7, "bh_redispatches"), 1);
	assert_float_equal(fnum(p7, "dispatches_per_1000_rx"), 250, 1e-9);
	assert_float_equal(fnum(p7, "duration_s"), 1.00106, 1e-6);
	assert_float_equal(fnum(p7, "mb_per_s"), 60000 / 1.00106 / 1e6, 1e-6);
	assert_float_equal(fnum(json_get(p7, "queue_to_start_us"), "p50"), 10,
			   0.5);
	assert_float_equal(fnum(json_get(p7, "start_to_end_us"), "p99"), 50,
			   2.5);
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

/*
 * The queue event fires after queue_work(): a worker on another CPU can
 * start first.  That start has no queueing to pair with, and the late
 * queueing must not be paired with the next start (every later pair would
 * be a period off: 100 ms here instead of 10 us).
 */
static void test_phase7_queue_after_start(void **state)
{
	const struct json *p7;
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t t;
	int i;

	(void)state;
	synth_open(&s, WINDOW);
	t = s.start_ns + 100 * MS;
	put_rx(&s, t + 10 * US, BES2600_EV_RX_WORK_START, 0);
	put_rx(&s, t + 15 * US, BES2600_EV_RX_WORK_QUEUE, 0);
	put_rx(&s, t + 60 * US, BES2600_EV_RX_WORK_END, 0);
	for (i = 0; i < 9; i++) {
		t += 100 * MS;
		put_rx(&s, t, BES2600_EV_RX_WORK_QUEUE, 0);
		put_rx(&s, t + 10 * US, BES2600_EV_RX_WORK_START, 0);
		put_rx(&s, t + 60 * US, BES2600_EV_RX_WORK_END, 0);
	}
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	p7 = json_get(j, "phase7");
	assert_int_equal(num(p7, "rx_work_runs"), 10);
	assert_float_equal(fnum(json_get(p7, "queue_to_start_us"), "p50"), 10,
			   0.5);
	assert_float_equal(fnum(json_get(p7, "queue_to_start_us"), "p99"), 10,
			   0.5);
	json_free(j);
	synth_out_free(&o);
	synth_unlink(&s);
}

static void test_baseline_zero_delta(void **state)
{
	char base[80];
	struct synth_out o;
	struct synth s;
	struct json *j;
	uint64_t ts;

	(void)state;
	synth_open(&s, WINDOW);
	ts = s.start_ns + MS;
	lab_history(&s, &ts, 0, 1000, BH);
	put_rx(&s, ts + MS, BES2600_EV_RX_WORK_END, 0);
	synth_close(&s);
	j = synth_replay_json(&s, &o, NULL);
	json_free(j);
	synth_out_free(&o);
	snprintf(base, sizeof(base), "%s.json", s.path);
	assert_int_equal(synth_audit(&o, "--replay", s.path, "--baseline",
				     base, NULL), AUDIT_CLEAN);
	assert_non_null(strstr(o.out, "BASELINE"));
	assert_non_null(strstr(o.out, "zero delta"));
	assert_non_null(strstr(o.out, "mb_per_s"));
	synth_out_free(&o);
	assert_int_equal(synth_audit(&o, "--replay", s.path, "--baseline",
				     s.path, NULL), AUDIT_FAILED);
	assert_non_null(strstr(o.err, "not valid JSON"));
	synth_out_free(&o);
	synth_unlink(&s);
}

static void test_bad_arguments(void **state)
{
	struct synth_out o;
	struct synth s;

	(void)state;
	synth_open(&s, WINDOW);
	synth_w(&s, s.start_ns + MS, BH, HBU, 0, 1, false, SITE_ALLOC);
	synth_close(&s);
	assert_int_equal(synth_audit(&o, "--window", "soon", NULL),
			 AUDIT_FAILED);
	assert_non_null(strstr(o.err, "bad argument: --window 'soon'"));
	synth_out_free(&o);
	assert_int_equal(synth_audit(&o, "--replay", s.path, "--", "true",
				     NULL), AUDIT_FAILED);
	assert_non_null(strstr(o.err, "runs no command"));
	synth_out_free(&o);
	/* An unwritable output fails before anything runs. */
	assert_int_equal(synth_audit(&o, "--replay", s.path, "-o",
				     "/nonexistent/dir/r.json", NULL),
			 AUDIT_FAILED);
	assert_non_null(strstr(o.err, "cannot write /nonexistent/dir/r.json"));
	assert_string_equal(o.out, "");
	synth_out_free(&o);
	assert_int_equal(synth_audit(&o, "--replay", "/nonexistent.rec", NULL),
			 AUDIT_FAILED);
	assert_non_null(strstr(o.err, "cannot open /nonexistent.rec"));
	synth_out_free(&o);
	assert_int_equal(synth_audit(&o, "--bogus", NULL), AUDIT_FAILED);
	synth_out_free(&o);
	assert_int_equal(synth_audit(&o, "--help", NULL), AUDIT_CLEAN);
	synth_out_free(&o);
	synth_unlink(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_single_context),
		cmocka_unit_test(test_two_contexts_clobbered),
		cmocka_unit_test(test_two_contexts_no_loss),
		cmocka_unit_test(test_lost_update_never_pairs_one_thread),
		cmocka_unit_test(test_repeated_values_reordered),
		cmocka_unit_test(test_atomic_shuffled_many_seeds),
		cmocka_unit_test(test_underflow),
		cmocka_unit_test(test_sampled_records),
		cmocka_unit_test(test_overflow_capacity),
		cmocka_unit_test(test_gap_no_claim),
		cmocka_unit_test(test_suppressions),
		cmocka_unit_test(test_check_then_act),
		cmocka_unit_test(test_phase7_figures),
		cmocka_unit_test(test_phase7_queue_after_start),
		cmocka_unit_test(test_baseline_zero_delta),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
