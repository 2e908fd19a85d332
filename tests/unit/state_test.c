// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top state without a kernel: member paths and functions from a
 * BTF built here (libbpf's writer), and the attribution of changes to
 * writers from call records made up with known times and contexts.
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
#include <bpf/btf.h>
#include <jansson.h>

#include <bes2600/top_event.h>

#include "state_btf.h"
#include "state_table.h"

/*
 * struct inner { int a; unsigned short b[4]; };          16 bytes
 * typedef struct { int counter; } atomic_t;
 * struct s {
 *	int plain;                 0
 *	struct inner inner;        4
 *	atomic_t hits;            20
 *	unsigned int slots[4];    24
 *	union { int x; long y; };  40 (anonymous)
 *	char c;                   48, then 7 bytes of padding
 *	long tail;                56
 * };                             64 bytes
 * void f(int n, struct s *p); void g(struct inner *i); void h(int n);
 */
static struct state_btf sb;
static int s_id;

static int setup(void **state)
{
	struct btf *b = btf__new_empty();
	int i32, u16, u32, i64, chr, inner, arr4, arru, anon, at_s, at, s;
	int ps, pin, fp, gp, hp;

	(void)state;
	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	u16 = btf__add_int(b, "short unsigned int", 2, 0);
	u32 = btf__add_int(b, "unsigned int", 4, 0);
	i64 = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	arr4 = btf__add_array(b, i32, u16, 4);
	inner = btf__add_struct(b, "inner", 16);
	btf__add_field(b, "a", i32, 0, 0);
	btf__add_field(b, "b", arr4, 32, 0);
	at_s = btf__add_struct(b, NULL, 4);
	btf__add_field(b, "counter", i32, 0, 0);
	at = btf__add_typedef(b, "atomic_t", at_s);
	arru = btf__add_array(b, i32, u32, 4);
	anon = btf__add_union(b, NULL, 8);
	btf__add_field(b, "x", i32, 0, 0);
	btf__add_field(b, "y", i64, 0, 0);
	s = btf__add_struct(b, "s", 64);
	btf__add_field(b, "plain", i32, 0, 0);
	btf__add_field(b, "inner", inner, 32, 0);
	btf__add_field(b, "hits", at, 160, 0);
	btf__add_field(b, "slots", arru, 192, 0);
	btf__add_field(b, NULL, anon, 320, 0);
	btf__add_field(b, "c", chr, 384, 0);
	btf__add_field(b, "tail", i64, 448, 0);
	ps = btf__add_ptr(b, s);
	pin = btf__add_ptr(b, inner);
	fp = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "n", i32);
	btf__add_func_param(b, "p", ps);
	btf__add_func(b, "f", BTF_FUNC_STATIC, fp);
	gp = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "i", pin);
	btf__add_func(b, "g", BTF_FUNC_STATIC, gp);
	hp = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "n", i32);
	btf__add_func(b, "h", BTF_FUNC_STATIC, hp);
	sb.base = sb.btf = b;
	sb.is_vmlinux = true;
	s_id = s;
	return s > 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	btf__free(sb.btf);
	return 0;
}

static void path_is(uint32_t off, const char *want, const char *type,
		    enum state_kind kind, uint32_t moff, uint32_t size)
{
	struct state_leaf leaf;
	char buf[160];

	state_btf_path(&sb, s_id, off, buf, sizeof(buf), &leaf);
	assert_string_equal(buf, want);
	assert_string_equal(leaf.type, type);
	assert_int_equal(leaf.kind, kind);
	assert_int_equal(leaf.off, moff);
	assert_int_equal(leaf.size, size);
}

static void test_member_paths(void **state)
{
	(void)state;
	path_is(0, "plain", "int", STATE_PLAIN, 0, 4);
	path_is(3, "plain", "int", STATE_PLAIN, 0, 4);
	path_is(4, "inner.a", "int", STATE_PLAIN, 4, 4);
	path_is(13, "inner.b[2]", "short unsigned int", STATE_PLAIN, 12, 2);
	/* atomic_t is a kernel type with its own rules: not .counter. */
	path_is(22, "hits", "atomic_t", STATE_ATOMIC, 20, 4);
	path_is(36, "slots[3]", "unsigned int", STATE_PLAIN, 36, 4);
	/* An anonymous union adds no name; its first member holding it. */
	path_is(40, "x", "int", STATE_PLAIN, 40, 4);
	path_is(45, "y", "long", STATE_PLAIN, 40, 8);
	path_is(50, "(padding+50)", "padding", STATE_PADDING, 50, 1);
	path_is(60, "tail", "long", STATE_PLAIN, 56, 8);
	assert_int_equal(state_btf_find(&sb, s_id, "inner.b[2]"), 12);
	assert_int_equal(state_btf_find(&sb, s_id, "tail"), 56);
	assert_int_equal(state_btf_find(&sb, s_id, "inner.b[4]"), -1);
}

static void test_functions(void **state)
{
	struct state_func f, all[8];
	char err[256];
	int n;

	(void)state;
	assert_int_equal(state_btf_func(&sb, s_id, "f", &f, err, sizeof(err)), 0);
	assert_int_equal(f.arg, 1);
	assert_int_equal(f.offset, 0);
	/* A pointer to the struct it embeds once reaches it. */
	assert_int_equal(state_btf_func(&sb, s_id, "g", &f, err, sizeof(err)), 0);
	assert_int_equal(f.arg, 0);
	assert_int_equal(f.offset, 4);
	assert_string_equal(f.via, "struct inner *");
	assert_int_equal(state_btf_func(&sb, s_id, "h", &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "takes no pointer to struct s"));
	assert_int_equal(state_btf_func(&sb, s_id, "nope", &f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no function nope"));
	n = state_btf_funcs(&sb, s_id, NULL, all, 8);
	assert_int_equal(n, 2);
	assert_int_equal(state_btf_funcs(&sb, s_id, "g*", all, 8), 1);
}

/* A call record: func, pid, kind, [t0, t1], the bytes it saw change. */
static void call(struct state_run *r, uint16_t func, uint32_t pid,
		 uint8_t kind, uint64_t t0, uint64_t t1, const char *ctx,
		 uint32_t off)
{
	struct bes2600_state_call c;

	memset(&c, 0, sizeof(c));
	c.type = BES2600_STATE_CALL;
	c.func = func;
	c.pid = pid;
	c.ctx_kind = kind;
	c.inst = 0x1000;
	c.t0 = t0;
	c.t1 = t1;
	if (off != UINT32_MAX) {
		c.nch = c.nchanged = 1;
		c.ch[0].word = off / 8;
		c.ch[0].mask = 1u << (off % 8);
	}
	assert_int_equal(state_run_add_call(r, &c, state_run_ctx(r, ctx)), 0);
}

static json_t *report(struct state_run *r, const char *baseline)
{
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_error_t je;
	json_t *j;

	assert_non_null(f);
	assert_int_equal(state_report(f, r, STATE_JSON, baseline, err,
				      sizeof(err)), 0);
	fclose(f);
	j = json_loads(buf, 0, &je);
	free(buf);
	assert_non_null(j);
	return j;
}

static json_t *field(json_t *rep, const char *key, const char *name)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(rep, key), i, f)
		if (!strcmp(json_string_value(json_object_get(f, "field")), name))
			return f;
	return NULL;
}

static void add_fns(struct state_run *r)
{
	struct state_func f = { .arg = 1 };

	snprintf(f.name, sizeof(f.name), "rx");
	state_run_add_fn(r, &f, true);
	snprintf(f.name, sizeof(f.name), "tx");
	state_run_add_fn(r, &f, false);
	snprintf(f.name, sizeof(f.name), "wake");
	state_run_add_fn(r, &f, false);
}

/*
 * rx (work) and tx (bh) write plain; once they overlap.  wake (another
 * task) sees plain change while tx is in flight, but tx's own diff saw
 * none (an add and a sub at once): wake is not a writer.  inner.a
 * changes only in an rx call beside tx: tx never wrote it, so it is rx's.
 */
static void test_attribution(void **state)
{
	struct state_run r;
	json_t *rep, *f, *w, *c;
	size_t i;
	int writers = 0;

	(void)state;
	assert_int_equal(state_run_init(&r, &sb, s_id, 64), 0);
	snprintf(r.root_name, sizeof(r.root_name), "s");
	r.flavour = "fentry";
	add_fns(&r);
	call(&r, 0, 10, BES2600_CTX_WORK, 100, 110, "work:rx_work", 0);
	call(&r, 1, 20, BES2600_CTX_WORK, 200, 210, "work:bh", 0);
	call(&r, 0, 10, BES2600_CTX_WORK, 300, 320, "work:rx_work", 0);
	call(&r, 1, 20, BES2600_CTX_WORK, 310, 330, "work:bh", 0);
	call(&r, 2, 30, BES2600_CTX_TASK, 400, 420, "task:gen", 0);
	call(&r, 1, 20, BES2600_CTX_WORK, 405, 410, "work:bh", UINT32_MAX);
	call(&r, 0, 10, BES2600_CTX_WORK, 500, 520, "work:rx_work", 4);
	call(&r, 1, 20, BES2600_CTX_WORK, 505, 510, "work:bh", UINT32_MAX);
	rep = report(&r, NULL);
	f = field(rep, "fields", "plain");
	assert_non_null(f);
	json_array_foreach(json_object_get(f, "writers"), i, w) {
		const char *fn = json_string_value(json_object_get(w, "function"));

		if (!json_is_true(json_object_get(w, "own")))
			continue;
		writers++;
		assert_true(!strcmp(fn, "rx") || !strcmp(fn, "tx"));
		assert_int_equal(json_integer_value(json_object_get(w, "calls")), 2);
		assert_int_equal(json_integer_value(json_object_get(w, "calls_alone")), 1);
	}
	assert_int_equal(writers, 2);
	assert_int_equal(json_array_size(json_object_get(f, "writer_contexts")), 2);
	assert_string_equal(json_string_value(json_object_get(f, "protection")),
			    "plain int, written from 2 contexts");
	assert_non_null(strstr(json_string_value(json_object_get(f, "action")),
			       "the writers overlapped"));
	c = json_array_get(json_object_get(f, "concurrent"), 0);
	assert_non_null(c);
	assert_int_equal(json_array_size(json_object_get(f, "concurrent")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "overlaps")), 1);
	f = field(rep, "fields", "inner.a");
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "protection")),
			    "plain int, one writer context (work:rx_work)");
	assert_string_equal(json_string_value(json_object_get(f, "action")),
			    "OK: single writer");
	json_decref(rep);
	state_run_free(&r);
}

/* A watch that saw stores decides; the same value and unknown ones not. */
static void test_watch_hits(void **state)
{
	struct bes2600_state_hit_key k = { .inflight = 1 << 1 };
	struct bes2600_state_hit_val v = { .count = 5, .old = 1, .new_ = 2,
					   .have_old = 1 };
	struct state_run r;
	uint32_t fld, ctx;
	json_t *rep, *f;

	(void)state;
	assert_int_equal(state_run_init(&r, &sb, s_id, 64), 0);
	r.flavour = "fentry";
	add_fns(&r);
	/* rx's diff saw slots[1] change; the watch puts every store to tx. */
	call(&r, 0, 10, BES2600_CTX_WORK, 100, 110, "work:rx_work", 28);
	fld = state_run_field(&r, 28);
	r.fields[fld].watched = true;
	ctx = state_run_ctx(&r, "work:bh");
	state_run_add_hit(&r, fld, &k, &v, ctx, "tx+0x10");
	k.same = BES2600_STATE_HIT_SAME;
	k.inflight = 1 << 0;
	state_run_add_hit(&r, fld, &k, &v, state_run_ctx(&r, "work:rx_work"),
			  "rx+0x10");
	k.same = BES2600_STATE_HIT_UNKNOWN;
	state_run_add_hit(&r, fld, &k, &v, state_run_ctx(&r, "work:rx_work"),
			  "rx+0x10");
	rep = report(&r, NULL);
	assert_null(field(rep, "fields", "slots[1]"));
	f = field(rep, "others_fields", "slots[1]");
	assert_non_null(f);
	assert_int_equal(json_integer_value(json_object_get(f, "watch_hits")), 5);
	assert_int_equal(json_integer_value(json_object_get(f, "watch_hits_same")), 5);
	assert_int_equal(json_integer_value(json_object_get(f, "watch_hits_unknown")), 5);
	assert_int_equal(json_integer_value(json_object_get(f, "last_new")), 2);
	json_decref(rep);
	state_run_free(&r);
}

/* Against a baseline: a writer that moved to another context. */
static void test_baseline_change(void **state)
{
	char path[] = "/tmp/state_test-XXXXXX";
	struct state_run r;
	json_t *rep, *f;
	FILE *out;
	int fd;

	(void)state;
	assert_int_equal(state_run_init(&r, &sb, s_id, 64), 0);
	r.flavour = "fentry";
	add_fns(&r);
	call(&r, 0, 20, BES2600_CTX_WORK, 100, 110, "work:bh", 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	out = fdopen(fd, "w");
	rep = report(&r, NULL);
	json_dumpf(rep, out, 0);
	fclose(out);
	json_decref(rep);
	state_run_free(&r);

	assert_int_equal(state_run_init(&r, &sb, s_id, 64), 0);
	r.flavour = "fentry";
	add_fns(&r);
	call(&r, 0, 10, BES2600_CTX_WORK, 100, 110, "work:rx_work", 0);
	rep = report(&r, path);
	f = field(rep, "fields", "plain");
	assert_string_equal(json_string_value(json_object_get(f, "change_vs_baseline")),
			    "+ rx (work:rx_work); - rx (work:bh)");
	json_decref(rep);
	state_run_free(&r);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_member_paths),
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_attribution),
		cmocka_unit_test(test_watch_hits),
		cmocka_unit_test(test_baseline_change),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
