// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the record file format: a round trip, then truncated and
 * corrupted files, which must give exit status 2 and a one-line reason,
 * never a crash.
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
#include "record.h"
#include "synth.h"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n ? n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return buf;
}

static void spill(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* A small stream with every chunk type: events, a drop, stacks, symbols. */
static void write_sample(struct synth *s)
{
	struct bes2600_event e;
	uint64_t ips[3] = { SITE_RELEASE, FN_RX_WORK + 0x40, 0x1234 };
	uint64_t ts;
	int v = 0, i;

	synth_open(s, 50 * MS);
	ts = s->start_ns;
	for (i = 0; i < 300; i++) {
		ts += 300 * US;
		e = synth_ctr(ts, i % 2 ? BH : WORK, BES2600_HW_BUFS_USED, 0,
			      v < 8 ? 1 : 2, v, v < 8 ? v + 1 : v - 1, true,
			      v < 8 ? SITE_ALLOC : SITE_RELEASE, i % 2);
		e.stack_id = i % 2 ? 7 : -1;
		v = e.ctr.new_;
		synth_put(s, &e);
	}
	assert_int_equal(recorder_drop(s->rec, 1, ts - MS, ts, 3), 0);
	assert_int_equal(recorder_stack(s->rec, 7, ips, 3), 0);
	synth_close(s);
}

struct counts {
	int events, drops, stacks, syms;
	uint64_t lost;
	char name[64];
};

static int c_event(void *ctx, const struct bes2600_event *e)
{
	(void)e;
	((struct counts *)ctx)->events++;
	return 0;
}

static int c_drop(void *ctx, uint32_t cpu, uint64_t from, uint64_t to,
		  uint64_t lost)
{
	struct counts *c = ctx;

	(void)cpu;
	(void)from;
	(void)to;
	c->drops++;
	c->lost += lost;
	return 0;
}

static int c_stack(void *ctx, int32_t id, const uint64_t *ips, uint32_t n)
{
	(void)id;
	(void)ips;
	(void)n;
	((struct counts *)ctx)->stacks++;
	return 0;
}

static int c_sym(void *ctx, uint64_t addr, uint64_t size, const char *name,
		 const char *module)
{
	struct counts *c = ctx;

	(void)size;
	(void)module;
	if (addr == SYM_BASE + 0x200)
		snprintf(c->name, sizeof(c->name), "%s", name);
	c->syms++;
	return 0;
}

static void test_round_trip(void **state)
{
	static const struct rec_ops ops = {
		.event = c_event, .drop = c_drop, .stack = c_stack,
		.symbol = c_sym,
	};
	struct counts c = { 0 };
	struct rec_reader *rd;
	struct rec_header h;
	struct synth s;
	uint64_t end = 0;
	char err[256];

	(void)state;
	write_sample(&s);
	rd = rec_reader_open(s.path, &h, err, sizeof(err));
	if (!rd)
		fail_msg("%s", err);
	assert_int_equal(h.version, REC_VERSION);
	assert_int_equal(h.record_size, sizeof(struct bes2600_event));
	assert_int_equal(h.window_ns, 50 * MS);
	assert_int_equal(h.capacity, 16);
	assert_string_equal(h.release, "6.12.0-synthetic");
	if (rec_reader_run(rd, &ops, &c, &end, err, sizeof(err)))
		fail_msg("%s", err);
	rec_reader_close(rd);
	assert_int_equal(c.events, 300);
	assert_int_equal(c.drops, 1);
	assert_int_equal(c.lost, 3);
	assert_int_equal(c.stacks, 1);
	assert_int_equal(c.syms, 6);
	assert_string_equal(c.name, "wsm_release_tx_buffer");
	assert_int_equal(end, s.last_ts + MS);
	synth_unlink(&s);
}

/* Replaying buf must fail cleanly: exit 2 and one line naming the file. */
static void expect_rejected(const char *path, const unsigned char *buf,
			    size_t len, const char *what)
{
	struct synth_out o;
	char *nl;

	spill(path, buf, len);
	synth_audit(&o, "--replay", path, NULL);
	if (o.status != AUDIT_FAILED)
		fail_msg("%s: exit %d, want 2", what, o.status);
	nl = strchr(o.err, '\n');
	if (!strstr(o.err, path) || !nl || nl[1])
		fail_msg("%s: want one line naming the file, got '%s'", what,
			 o.err);
	synth_out_free(&o);
}

static void test_truncated_and_corrupted(void **state)
{
	char bad[80];
	unsigned char *orig, *buf;
	struct synth_out o;
	struct synth s;
	size_t len, i;

	(void)state;
	write_sample(&s);
	orig = slurp(s.path, &len);
	buf = malloc(len);
	assert_non_null(buf);
	snprintf(bad, sizeof(bad), "%s.bad", s.path);

	/* The intact file replays. */
	assert_int_equal(synth_audit(&o, "--replay", s.path, NULL),
			 AUDIT_CLEAN);
	synth_out_free(&o);

	expect_rejected(bad, orig, 0, "empty file");
	memcpy(buf, orig, len);
	memcpy(buf, "NOTAREC!", 8);
	expect_rejected(bad, buf, len, "bad magic");
	memcpy(buf, orig, len);
	buf[8] = 9;
	expect_rejected(bad, buf, len, "version");
	/* Every truncation point in the header and around each chunk... */
	for (i = 1; i < len; i += i < 256 ? 1 : 97)
		expect_rejected(bad, orig, i, "truncated");
	/* ...then random truncations and bit flips anywhere. */
	srand(42);
	for (i = 0; i < 300; i++) {
		size_t at = rand() % len;

		memcpy(buf, orig, len);
		buf[at] ^= 1 << (rand() % 8);
		expect_rejected(bad, buf, len, "bit flip");
	}
	for (i = 0; i < 100; i++)
		expect_rejected(bad, orig, rand() % len, "random truncation");
	/* Garbage after the end chunk. */
	buf = realloc(buf, len + 5);
	assert_non_null(buf);
	memcpy(buf, orig, len);
	memcpy(buf + len, "extra", 5);
	expect_rejected(bad, buf, len + 5, "trailing data");

	unlink(bad);
	free(buf);
	free(orig);
	synth_unlink(&s);
}

static void test_messages(void **state)
{
	unsigned char *orig;
	struct synth_out o;
	struct synth s;
	char bad[80];
	size_t len;

	(void)state;
	write_sample(&s);
	orig = slurp(s.path, &len);
	snprintf(bad, sizeof(bad), "%s.bad", s.path);
	spill(bad, orig, len - 10);
	synth_audit(&o, "--replay", bad, NULL);
	assert_non_null(strstr(o.err, "truncated"));
	synth_out_free(&o);
	orig[REC_HEADER_SIZE + 40] ^= 0x10;
	spill(bad, orig, len);
	synth_audit(&o, "--replay", bad, NULL);
	assert_non_null(strstr(o.err, "corrupted chunk"));
	synth_out_free(&o);
	spill(bad, (const unsigned char *)"B2600REC", 8);
	synth_audit(&o, "--replay", bad, NULL);
	assert_non_null(strstr(o.err, "truncated header"));
	synth_out_free(&o);
	unlink(bad);
	free(orig);
	synth_unlink(&s);
}

/* --replay with --record writes an equivalent record (same findings). */
static void test_rerecord(void **state)
{
	struct synth_out o1, o2;
	char copy[80];
	struct synth s;

	(void)state;
	write_sample(&s);
	snprintf(copy, sizeof(copy), "%s.copy", s.path);
	synth_audit(&o1, "--replay", s.path, "--record", copy, NULL);
	assert_int_equal(o1.status, AUDIT_CLEAN);
	synth_audit(&o2, "--replay", copy, NULL);
	assert_int_equal(o2.status, AUDIT_CLEAN);
	/* Same report, but for the file name in its header line. */
	assert_non_null(strstr(o2.out, "wsm_release_tx_buffer+0x4a [bes2600_lab]"));
	assert_non_null(strstr(o2.out, "DROPS: 3 records lost in 1 span"));
	synth_out_free(&o1);
	synth_out_free(&o2);
	unlink(copy);
	synth_unlink(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated_and_corrupted),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_rerecord),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
