// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Synthetic streams for the unit tests (see synth.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"
#include "json.h"
#include "record.h"
#include "synth.h"

void synth_open(struct synth *s, uint64_t window_ns)
{
	synth_open_flags(s, window_ns, 0);
}

void synth_open_flags(struct synth *s, uint64_t window_ns, uint32_t flags)
{
	struct rec_header h = {
		.capacity = 16, .start_ns = 1000 * MS, .window_ns = window_ns,
		.flags = flags,
	};
	char err[256];
	int fd;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "/tmp/bes2600-unit-XXXXXX");
	fd = mkstemp(s->path);
	assert_true(fd >= 0);
	close(fd);
	snprintf(h.release, sizeof(h.release), "6.12.0-synthetic");
	snprintf(h.machine, sizeof(h.machine), "x86_64");
	s->start_ns = h.start_ns;
	s->rec = recorder_open(s->path, &h, err, sizeof(err));
	if (!s->rec)
		fail_msg("%s", err);
}

static void set_ctx(struct bes2600_event *e, enum synth_ctx who)
{
	static const struct {
		uint8_t kind;
		const char *comm;
		uint32_t pid;
	} ctxs[] = {
		[BH] = { BES2600_CTX_KTHREAD, "bes2600_bh", 100 },
		[WORK] = { BES2600_CTX_WORK, "kworker/u8:1", 200 },
		[WORK2] = { BES2600_CTX_WORK, "kworker/u8:2", 201 },
		[IRQ] = { BES2600_CTX_HARDIRQ, "swapper/0", 0 },
		[INSMOD] = { BES2600_CTX_TASK, "insmod", 300 },
	};

	e->ctx_kind = ctxs[who].kind;
	e->pid = ctxs[who].pid;
	snprintf(e->comm, sizeof(e->comm), "%s", ctxs[who].comm);
	if (e->ctx_kind == BES2600_CTX_WORK)
		e->ctx_func = FN_RX_WORK;
}

struct bes2600_event synth_ctr(uint64_t ts, enum synth_ctx who,
			       uint32_t counter, int32_t idx, int op,
			       int32_t old, int32_t new_, bool atomic,
			       uint64_t site, uint32_t cpu)
{
	struct bes2600_event e;

	memset(&e, 0, sizeof(e));
	e.ts_ns = ts;
	e.hw = HW;
	e.type = BES2600_EV_COUNTER;
	e.cpu = cpu;
	e.stack_id = -1;
	set_ctx(&e, who);
	e.ctr.counter = counter;
	e.ctr.idx = idx;
	e.ctr.op = op;
	/* Wraps for the extreme-value tests, as a 32-bit driver's would. */
	e.ctr.delta = (int32_t)((uint32_t)new_ - (uint32_t)old);
	e.ctr.old = old;
	e.ctr.new_ = new_;
	e.ctr.atomic = atomic;
	e.ctr.caller = site;
	return e;
}

void synth_put(struct synth *s, const struct bes2600_event *e)
{
	assert_int_equal(recorder_event(s->rec, e), 0);
	if (e->ts_ns > s->last_ts)
		s->last_ts = e->ts_ns;
	s->events++;
}

void synth_w(struct synth *s, uint64_t ts, enum synth_ctx who,
	     uint32_t counter, int32_t old, int32_t new_, bool atomic,
	     uint64_t site)
{
	struct bes2600_event e = synth_ctr(ts, who, counter, 0,
					   new_ >= old ? 1 : 2, old, new_,
					   atomic, site, who == WORK ? 1 : 0);

	synth_put(s, &e);
}

void synth_close(struct synth *s)
{
	static const struct {
		uint64_t off, size;
		const char *name;
	} syms[] = {
		{ 0x100, 0x80, "wsm_alloc_tx_buffer" },
		{ 0x200, 0x100, "wsm_release_tx_buffer" },
		{ 0x400, 0x60, "bes2600_bh_inc_pending_count" },
		{ 0x500, 0x60, "bes2600_bh_dec_pending_count" },
		{ 0x600, 0x80, "bes2600_counters_init" },
		{ 0x800, 0x200, "sdio_rx_work" },
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		assert_int_equal(recorder_symbol(s->rec, SYM_BASE + syms[i].off,
						 syms[i].size, syms[i].name,
						 "bes2600_lab"), 0);
	if (recorder_close(s->rec, s->last_ts + MS, err, sizeof(err)))
		fail_msg("%s", err);
	s->rec = NULL;
}

void synth_unlink(struct synth *s)
{
	char json[80];

	if (s->rec)
		recorder_discard(s->rec);
	s->rec = NULL;
	unlink(s->path);
	snprintf(json, sizeof(json), "%s.json", s->path);
	unlink(json);
}

static int vaudit(struct synth_out *o, const char *first, va_list ap)
{
	char *argv[32];
	size_t olen = 0, elen = 0;
	FILE *out, *err;
	int argc = 0;
	const char *a;

	memset(o, 0, sizeof(*o));
	argv[argc++] = "audit";
	for (a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	out = open_memstream(&o->out, &olen);
	err = open_memstream(&o->err, &elen);
	assert_non_null(out);
	assert_non_null(err);
	o->status = audit_cli(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return o->status;
}

int synth_audit(struct synth_out *o, ...)
{
	va_list ap;
	const char *first;
	int ret;

	va_start(ap, o);
	first = va_arg(ap, const char *);
	ret = vaudit(o, first, ap);
	va_end(ap);
	return ret;
}

void synth_out_free(struct synth_out *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
}

struct json *synth_replay_json(struct synth *s, struct synth_out *o, ...)
{
	char json[80], err[256], *argv[24];
	struct json *j;
	const char *a;
	va_list ap;
	int n = 0;

	snprintf(json, sizeof(json), "%s.json", s->path);
	argv[n++] = "--replay";
	argv[n++] = s->path;
	argv[n++] = "-o";
	argv[n++] = json;
	va_start(ap, o);
	while (n < 22 && (a = va_arg(ap, const char *)))
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	synth_audit(o, argv[0], argv[1], argv[2], argv[3],
		    n > 4 ? argv[4] : NULL, n > 5 ? argv[5] : NULL,
		    n > 6 ? argv[6] : NULL, n > 7 ? argv[7] : NULL,
		    n > 8 ? argv[8] : NULL, NULL);
	if (o->status == AUDIT_FAILED)
		fail_msg("audit failed: %s", o->err);
	j = json_load(json, err, sizeof(err));
	if (!j)
		fail_msg("%s", err);
	return j;
}
