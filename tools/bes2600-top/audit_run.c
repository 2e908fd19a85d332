// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The stream side of an audit: records go to the recorder (--record) and
 * the analysis, whether they come from BPF (live.c) or a record file
 * (--replay), so a replay takes exactly the live path's code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "audit.h"
#include "record.h"
#include "symbols.h"

uint64_t audit_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void set_reason(struct audit_run *run, const char *fmt, const char *a)
{
	if (!run->reason[0])
		snprintf(run->reason, sizeof(run->reason), fmt, a);
}

int audit_feed(struct audit_run *run, const struct bes2600_event *e)
{
	run->fed++;
	if (run->rec && recorder_event(run->rec, e)) {
		set_reason(run, "cannot write the record %s (disk full?)",
			   run->opts->record_path);
		return -1;
	}
	if (analysis_feed(run->an, e)) {
		set_reason(run, "%s", run->an->limit[0] ? run->an->limit :
			   "out of memory");
		return -1;
	}
	return 0;
}

void audit_on_event(void *ctx, const struct bes2600_event *e)
{
	struct audit_run *run = ctx;

	if (!run->reason[0] && audit_feed(run, e))
		*run->stop = 1;
}

static int feed_drop(struct audit_run *run, uint32_t cpu, uint64_t from,
		     uint64_t to, uint64_t lost)
{
	if (run->rec && recorder_drop(run->rec, cpu, from, to, lost)) {
		set_reason(run, "cannot write the record %s",
			   run->opts->record_path);
		return -1;
	}
	if (analysis_drop(run->an, cpu, from, to, lost)) {
		set_reason(run, "%s", "out of memory");
		return -1;
	}
	return 0;
}

int audit_take_counts(struct audit_run *run, uint64_t hw, uint32_t counter,
		      int32_t idx, const struct bes2600_inst_stats *st)
{
	if (run->rec && recorder_counts(run->rec, hw, counter, idx, st)) {
		set_reason(run, "cannot write the record %s",
			   run->opts->record_path);
		return -1;
	}
	if (analysis_take_counts(run->an, hw, counter, idx, st)) {
		set_reason(run, "%s", run->an->limit[0] ? run->an->limit :
			   "out of memory");
		return -1;
	}
	return 0;
}

int audit_take_rx(struct audit_run *run, uint64_t hw,
		  const struct bes2600_rx_stats *st)
{
	if (run->rec && recorder_rx(run->rec, hw, st)) {
		set_reason(run, "cannot write the record %s",
			   run->opts->record_path);
		return -1;
	}
	analysis_take_rx(run->an, st);
	return 0;
}

int audit_start_command(struct audit_run *run)
{
	if (!run->opts->command)
		return 0;
	if (runner_start(&run->cmd, run->opts->command, run->reason,
			 sizeof(run->reason)))
		return -1;
	run->cmd_started = true;
	return 0;
}

bool audit_running(struct audit_run *run)
{
	const struct audit_opts *o = run->opts;

	if (*run->stop || run->reason[0])
		return false;
	if (o->duration_s > 0 &&
	    audit_now_ns() - run->start_ns >= o->duration_s * 1e9)
		return false;
	if (run->cmd_started && runner_done(&run->cmd))
		return false;
	return true;
}

int audit_wait_ms(const struct audit_run *run, int max_ms)
{
	const struct audit_opts *o = run->opts;
	uint64_t now = audit_now_ns(), end;

	if (o->duration_s <= 0)
		return max_ms;
	end = run->start_ns + o->duration_s * 1e9;
	if (now >= end)
		return 0;
	return end - now < max_ms * 1000000ULL ?
	       (int)((end - now + 999999) / 1000000) : max_ms;
}

void audit_drop_tail(struct audit_run *run, uint32_t cpu, uint64_t lost)
{
	const struct analysis *a = run->an;
	uint64_t from = cpu < a->ncpu && a->cpu_last[cpu] ? a->cpu_last[cpu] :
			a->first_ts ? a->first_ts : run->start_ns;

	feed_drop(run, cpu, from, audit_now_ns(), lost);
}

void audit_end(struct audit_run *run, uint64_t lost_total,
	       audit_stack_fn get_stack, void *ctx)
{
	struct analysis *a = run->an;
	uint64_t ips[AN_MAX_STACK];
	size_t i;
	int n;

	run->end_ns = audit_now_ns();
	/* Records lost after a CPU's last sent one carry no lost_before. */
	if (lost_total > a->drops)
		feed_drop(run, UINT32_MAX, a->last_ts ? a->last_ts :
			  run->start_ns, run->end_ns, lost_total - a->drops);
	for (i = 0; get_stack && i < a->nstack_ids; i++) {
		n = get_stack(ctx, a->stack_ids[i], ips, AN_MAX_STACK);
		if (n > 0)
			analysis_add_stack(a, a->stack_ids[i], ips, n);
	}
	if (run->cmd_started)
		runner_end(&run->cmd, 2000);
}

/* ---- replay ---- */

static int on_event(void *ctx, const struct bes2600_event *e)
{
	return audit_feed(ctx, e);
}

static int on_drop(void *ctx, uint32_t cpu, uint64_t from, uint64_t to,
		   uint64_t lost)
{
	return feed_drop(ctx, cpu, from, to, lost);
}

static int on_stack(void *ctx, int32_t id, const uint64_t *ips, uint32_t n)
{
	struct audit_run *run = ctx;

	if (analysis_add_stack(run->an, id, ips, n)) {
		set_reason(run, "%s", run->an->limit[0] ? run->an->limit :
			   "out of memory");
		return -1;
	}
	return 0;
}

static int on_counts(void *ctx, uint64_t hw, uint32_t counter, int32_t idx,
		     const struct bes2600_inst_stats *st)
{
	return audit_take_counts(ctx, hw, counter, idx, st);
}

static int on_rx(void *ctx, uint64_t hw, const struct bes2600_rx_stats *st)
{
	return audit_take_rx(ctx, hw, st);
}

static int on_symbol(void *ctx, uint64_t addr, uint64_t size,
		     const char *name, const char *module)
{
	struct audit_run *run = ctx;

	if (symtab_add(run->syms, addr, size, name, module)) {
		set_reason(run, "%s", "out of memory");
		return -1;
	}
	return 0;
}

static int open_record(struct audit_run *run, uint32_t flags)
{
	struct rec_header h = {
		.flags = flags,
		.capacity = run->an->cfg.capacity,
		.start_ns = run->start_ns,
		.start_realtime_ns = run->start_realtime_ns,
		.window_ns = run->an->cfg.window_ns,
	};

	if (!run->opts->record_path)
		return 0;
	snprintf(h.release, sizeof(h.release), "%s", run->release);
	snprintf(h.machine, sizeof(h.machine), "%s", run->machine);
	run->rec = recorder_open(run->opts->record_path, &h, run->reason,
				 sizeof(run->reason));
	return run->rec ? 0 : -1;
}

int audit_make_analysis(struct audit_run *run, uint64_t window_ns,
			int32_t capacity, uint32_t flags)
{
	struct an_config cfg = {
		.window_ns = window_ns,
		.capacity = capacity,
		.counts_given = flags & REC_F_COUNTS,
	};

	run->an = analysis_new(&cfg);
	if (!run->an) {
		set_reason(run, "%s", "out of memory");
		return -1;
	}
	run->an->start_ns = run->start_ns;
	return open_record(run, flags);
}

int audit_replay(struct audit_run *run, const char *path)
{
	static const struct rec_ops ops = {
		.event = on_event, .drop = on_drop, .stack = on_stack,
		.symbol = on_symbol, .counts = on_counts, .rx = on_rx,
	};
	const struct audit_opts *o = run->opts;
	struct rec_reader *rd;
	struct rec_header h;
	uint64_t end_ns = 0;
	char err[256];
	int ret;

	rd = rec_reader_open(path, &h, run->reason, sizeof(run->reason));
	if (!rd)
		return -1;
	/* The window and capacity the recording used, unless overridden. */
	run->start_ns = h.start_ns;
	run->start_realtime_ns = h.start_realtime_ns;
	snprintf(run->release, sizeof(run->release), "%s", h.release);
	snprintf(run->machine, sizeof(run->machine), "%s", h.machine);
	if (audit_make_analysis(run, o->window_set || !h.window_ns ?
				o->window_ns : h.window_ns,
				o->capacity_set ? o->capacity : h.capacity,
				h.flags)) {
		rec_reader_close(rd);
		return -1;
	}
	ret = rec_reader_run(rd, &ops, run, &end_ns, err, sizeof(err));
	rec_reader_close(rd);
	/* A callback's own reason says more than "stopped at chunk". */
	if (ret) {
		set_reason(run, "%s", err);
		return -1;
	}
	run->end_ns = end_ns;
	return 0;
}

/* Every address the stream names, for the record's symbol chunk. */
static int add_sym(struct audit_run *run, uint64_t addr, uint64_t **seen,
		   size_t *n, size_t *cap)
{
	const struct sym *s;
	uint64_t size;
	size_t i;

	s = symtab_lookup(run->syms, addr);
	if (!s)
		return 0;
	for (i = 0; i < *n; i++)
		if ((*seen)[i] == s->addr)
			return 0;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		uint64_t *v = realloc(*seen, c * sizeof(*v));

		if (!v)
			return -1;
		*seen = v;
		*cap = c;
	}
	(*seen)[(*n)++] = s->addr;
	size = symtab_size(run->syms, s);
	return recorder_symbol(run->rec, s->addr, size, s->name, s->module);
}

int audit_close_record(struct audit_run *run)
{
	struct analysis *a = run->an;
	uint64_t *seen = NULL;
	size_t n = 0, cap = 0, i, k;
	int ret = 0;

	if (!run->rec)
		return 0;
	for (i = 0; i < a->nstacks; i++)
		ret |= recorder_stack(run->rec, a->stacks[i].id,
				      a->stacks[i].ips, a->stacks[i].n);
	for (i = 0; i < a->nctx; i++)
		if (a->ctxs[i].kind == BES2600_CTX_WORK)
			ret |= add_sym(run, a->ctxs[i].func, &seen, &n, &cap);
	for (i = 0; i < a->ninst; i++)
		for (k = 0; k < a->inst[i]->nwriters; k++)
			ret |= add_sym(run, a->inst[i]->writers[k].site, &seen,
				       &n, &cap);
	for (i = 0; i < a->nstacks; i++)
		for (k = 0; k < a->stacks[i].n; k++)
			ret |= add_sym(run, a->stacks[i].ips[k], &seen, &n,
				       &cap);
	free(seen);
	if (ret) {
		recorder_discard(run->rec);
		run->rec = NULL;
		set_reason(run, "cannot write the record %s",
			   run->opts->record_path);
		return -1;
	}
	if (recorder_close(run->rec, run->end_ns, run->reason,
			   sizeof(run->reason))) {
		run->rec = NULL;
		return -1;
	}
	run->rec = NULL;
	return 0;
}
