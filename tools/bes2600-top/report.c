// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The text report (see report.h): a summary line per class, then each
 * finding with both paths as KCSAN shows two racing accesses, then the
 * writers table per counter instance, the Phase 7 figures and the drops.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "delta.h"
#include "driver_events.h"
#include "names.h"
#include "report.h"
#include "rootcause.h"
#include "symbols.h"

#define RULE "=================================================================="

static int cmp_inst(const void *pa, const void *pb)
{
	const struct an_instance *a = *(struct an_instance *const *)pa;
	const struct an_instance *b = *(struct an_instance *const *)pb;

	if (a->counter != b->counter)
		return a->counter < b->counter ? -1 : 1;
	if (a->idx != b->idx)
		return a->idx < b->idx ? -1 : 1;
	if (a->hw != b->hw)
		return a->hw < b->hw ? -1 : 1;
	return 0;
}

struct an_instance **report_instances(const struct analysis *a)
{
	struct an_instance **v = calloc(a->ninst + 1, sizeof(*v));

	if (!v)
		return NULL;
	if (!a->ninst)
		return v;
	memcpy(v, a->inst, a->ninst * sizeof(*v));
	qsort(v, a->ninst, sizeof(*v), cmp_inst);
	return v;
}

void report_count(const struct analysis *a, enum finding_class c,
		  size_t *findings, uint64_t *occurrences, size_t *suppressed)
{
	size_t i;

	*findings = *suppressed = 0;
	*occurrences = 0;
	for (i = 0; i < a->findings.n; i++) {
		const struct finding *f = &a->findings.v[i];

		if (f->cls != c)
			continue;
		(*findings)++;
		*occurrences += f->count;
		if (f->suppressed)
			(*suppressed)++;
	}
}

static uint64_t base_ts(const struct analysis *a)
{
	if (a->start_ns && (!a->first_ts || a->start_ns <= a->first_ts))
		return a->start_ns;
	return a->first_ts;
}

double report_secs(const struct analysis *a, uint64_t ts)
{
	uint64_t b = base_ts(a);

	return ts >= b ? (ts - b) / 1e9 : -((b - ts) / 1e9);
}

const char *report_capacity_source(const struct analysis *a,
				   const struct an_instance *in)
{
	if (!analysis_capacity(a, in))
		return "none";
	return a->cfg.capacity > 0 ? "--capacity" : "driver";
}

/* Where the bound of hw_bufs_used came from, or that there is none. */
static void print_capacity(FILE *f, const struct analysis *a,
			   struct an_instance **inst)
{
	const struct an_instance *in = NULL;
	size_t i;

	for (i = 0; inst && i < a->ninst; i++)
		if (inst[i]->counter == BES2600_HW_BUFS_USED &&
		    (!in || inst[i]->capacity > in->capacity))
			in = inst[i];
	if (a->cfg.capacity > 0)
		fprintf(f, "capacity: hw_bufs_used <= %d (--capacity)\n",
			a->cfg.capacity);
	else if (in && in->capacity > 0)
		fprintf(f, "capacity: hw_bufs_used <= %d (from the driver's events)\n",
			in->capacity);
	else
		fprintf(f, "capacity: unknown (the driver's events carry none; --capacity gives it): overflow is not checked\n");
}

static void print_events(FILE *f, const struct driver_events *d)
{
	int e, full = 0;

	for (e = 0; e < DRV_NR_EVENTS; e++)
		full += d->ev[e].attach && !d->ev[e].note[0];
	if (full == DRV_NR_EVENTS) {
		fprintf(f, "events: %s has all %d bes2600 events with every field of the ABI\n",
			d->driver, DRV_NR_EVENTS);
	} else {
		fprintf(f, "events: %s has %d of the %d bes2600 events in full; what it leaves out:\n",
			d->driver, full, DRV_NR_EVENTS);
		driver_events_print(f, d, "  ", true);
	}
	if (d->btf && !d->tp_btf)
		fprintf(f, "note: raw_tp programs: another module defines the same events, and libbpf checks a tp_btf program against the oldest module's BTF\n");
	for (e = 0; e < d->nmodules; e++)
		if (strcmp(d->modules[e], d->driver))
			fprintf(f, "note: %s also defines bes2600 events; the kernel attaches a program to the newest module with an event's name (--driver chooses among them)\n",
				d->modules[e]);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_stack(FILE *f, const struct analysis *a,
			struct symtab *syms, int32_t id)
{
	const struct an_stack *s = id >= 0 ? analysis_stack(a, id) : NULL;
	char buf[NAME_LEN];
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		site_name(buf, sizeof(buf), s->ips[i], syms);
		fprintf(f, "    %s\n", buf);
	}
}

static void print_path(FILE *f, const struct analysis *a,
		       struct symtab *syms, const char *what,
		       const struct finding_path *p)
{
	char ctx[NAME_LEN], site[NAME_LEN];

	if (!p->valid)
		return;
	ctx_name(ctx, sizeof(ctx), a, p->ctx, syms);
	site_name(site, sizeof(site), p->site, syms);
	fprintf(f, "\n%s by %s", what, ctx);
	if (p->pid)
		fprintf(f, " (pid %u)", p->pid);
	fprintf(f, " on cpu %u at %.9f s:\n", p->cpu, report_secs(a, p->ts));
	fprintf(f, "  %s, %s: read %d, stored %d at %s\n", op_name(p->op),
		p->atomic ? "atomic" : "plain", p->old, p->new_, site);
	print_stack(f, a, syms, p->stack);
}

/* A lost update whose clobbered write could not be told apart. */
static void print_candidates(FILE *f, const struct analysis *a,
			     struct symtab *syms, const struct finding *x)
{
	char ctx[NAME_LEN], site[NAME_LEN];
	unsigned int i;

	fprintf(f, "\nit read %d, a value another context's write had replaced: drift %+" PRId64 "\n",
		x->a.old, x->value2);
	if (!x->ncand) {
		fprintf(f, "no other context's write was committed before it within the reorder window: the clobbered write is undecided\n");
		return;
	}
	if (x->ncand == 1)
		fprintf(f, "the clobbered write is undecided; the one other-context write committed before it within the reorder window was:\n");
	else
		fprintf(f, "the clobbered write is undecided; it is one of the %u other-context writes committed before it within the reorder window:\n",
			x->ncand);
	for (i = 0; i < x->ncand; i++) {
		const struct finding_path *p = &x->cand[i];

		ctx_name(ctx, sizeof(ctx), a, p->ctx, syms);
		site_name(site, sizeof(site), p->site, syms);
		fprintf(f, "  %s by %s at %.9f s: read %d, stored %d at %s\n",
			op_name(p->op), ctx, report_secs(a, p->ts), p->old,
			p->new_, site);
	}
}

static void print_times(FILE *f, const struct analysis *a,
			const struct finding *x, const char *unit)
{
	fprintf(f, "%" PRIu64 " %s, first at %.6f s, last at %.6f s\n",
		x->count, unit, report_secs(a, x->first_ts),
		report_secs(a, x->last_ts));
}

static void print_finding(FILE *f, const struct analysis *a,
			  struct symtab *syms, const struct finding *x)
{
	const struct an_instance *in = a->inst[x->inst];
	char inst[NAME_LEN], sa[NAME_LEN], sb[NAME_LEN], ca[NAME_LEN];
	char cb[NAME_LEN];

	instance_name(inst, sizeof(inst), in);
	site_name(sa, sizeof(sa), x->a.site, syms);
	site_name(sb, sizeof(sb), x->b.site, syms);
	ctx_name(ca, sizeof(ca), a, x->a.ctx, syms);
	ctx_name(cb, sizeof(cb), a, x->b.ctx, syms);
	fprintf(f, "%s\n%s: %s on %s (hw 0x%" PRIx64 ")%s\n", RULE,
		finding_class_is_error(x->cls) ? "BUG" : "WARNING",
		finding_class_name(x->cls), inst, in->hw,
		x->suppressed ? " [suppressed]" : "");
	switch (x->cls) {
	case FC_LOST_UPDATE:
		fprintf(f, "in %s / %s\n", sa, x->b.valid ? sb :
			x->ncand ? "one of the candidates below" : "?");
		print_path(f, a, syms, "clobbering write", &x->a);
		print_path(f, a, syms, "clobbered write", &x->b);
		if (x->b.valid)
			fprintf(f, "\nboth read %d; the clobbering write stored over the clobbered one, whose update is lost: drift %+" PRId64 "\n",
				x->a.old, x->value2);
		else
			print_candidates(f, a, syms, x);
		fprintf(f, "this pair: drift %+" PRId64 " in total, ", x->value);
		print_times(f, a, x, plural(x->count, "time", "times"));
		break;
	case FC_NON_ATOMIC_CROSS_CONTEXT:
		fprintf(f, "between %s and %s\n", ca, cb);
		print_path(f, a, syms, "write", &x->a);
		print_path(f, a, syms, "then write", &x->b);
		fprintf(f, "\nread-modify-writes from two contexts, at least one plain: an update can be lost\n");
		print_times(f, a, x, plural(x->count, "hand-over", "hand-overs"));
		break;
	case FC_UNDERFLOW:
	case FC_OVERFLOW:
		fprintf(f, "at %s\n", sa);
		print_path(f, a, syms, "write", &x->a);
		print_path(f, a, syms, "after write", &x->b);
		if (x->cls == FC_UNDERFLOW)
			fprintf(f, "\nstored below 0; lowest value stored %" PRId64 "\n",
				x->value);
		else
			fprintf(f, "\nstored above the capacity %" PRId64 "; highest value stored %" PRId64 "\n",
				x->value2, x->value);
		print_times(f, a, x, plural(x->count, "time", "times"));
		break;
	case FC_DRIFT:
		fprintf(f, "\nthe net change differs from the sum of intended deltas by %" PRId64 "\n",
			x->value);
		fprintf(f, "net drift (last stored - first read - sum of deltas) %" PRId64 "; values lost at the chain's %" PRIu64 " %s: %" PRId64 "\n",
			x->value, x->count, plural(x->count, "break", "breaks"),
			x->value2);
		if (x->value != x->value2)
			fprintf(f, "(the chain's figure can differ where racing plain stores left no single order, or records were lost)\n");
		break;
	case FC_CHECK_THEN_ACT:
		fprintf(f, "decision by %s at %.9f s on %" PRId64 " (%s), ",
			ca, report_secs(a, x->ts2), x->value,
			timer_action_name(x->value2));
		if (x->no_now)
			fprintf(f, "the driver's event reads nothing back (no now field): decided from the writes' times\n");
		else
			fprintf(f, "count read back after it: %" PRId64 "\n",
				x->value3);
		print_path(f, a, syms, "decrement", &x->a);
		print_path(f, a, syms, "then write", &x->b);
		fprintf(f, "\nanother context changed the count after the decrement, before the timer call returned: the decision was stale\n");
		print_times(f, a, x, plural(x->count, "time", "times"));
		break;
	default:
		break;
	}
}

static void print_summary(FILE *f, const struct analysis *a,
			  struct symtab *syms)
{
	size_t n, sup, errors, warnings, i;
	struct root_cause *rc;
	uint64_t occ;
	int c;

	analysis_totals(a, &errors, &warnings);
	rc = root_causes(a, syms, &n);
	fprintf(f, "bes2600-top audit: %zu %s, %zu %s", errors,
		plural(errors, "error", "errors"), warnings,
		plural(warnings, "warning", "warnings"));
	if (rc && n)
		fprintf(f, " (%zu root %s)", n, plural(n, "cause", "causes"));
	fputc('\n', f);
	/* Root causes first: what to fix, then the evidence. */
	for (i = 0; rc && i < n; i++) {
		fprintf(f, "ROOT CAUSE ");
		root_cause_print(f, a, syms, &rc[i]);
	}
	free(rc);
	for (c = 0; c < FC_NR; c++) {
		report_count(a, c, &n, &occ, &sup);
		fprintf(f, "SUMMARY: %-25s %zu %s (%" PRIu64 " %s), %zu suppressed%s\n",
			finding_class_name(c), n, plural(n, "finding", "findings"),
			occ, plural(occ, "occurrence", "occurrences"), sup,
			finding_class_is_error(c) ? "" : " [warning]");
	}
}

static void print_writers(FILE *f, const struct analysis *a,
			  struct symtab *syms, const struct an_instance *in)
{
	const struct chain *c = &in->chain;
	int32_t first, last;
	char inst[NAME_LEN], ctx[NAME_LEN], site[NAME_LEN], ops[16];
	size_t i;

	instance_name(inst, sizeof(inst), in);
	fprintf(f, "\nWRITERS %s (hw 0x%" PRIx64 "): %" PRIu64 " %s (%" PRIu64 " plain, %" PRIu64 " atomic)\n",
		inst, in->hw, in->writes, plural(in->writes, "write", "writes"),
		in->plain_writes, in->atomic_writes);
	analysis_endpoints(in, &first, &last);
	if (in->have_value)
		fprintf(f, "  value %d -> %d (min %d, max %d), sum of deltas %" PRId64 ", drift %" PRId64 " (chain %" PRId64 ")\n",
			first, last, in->min, in->max,
			in->delta_sum, analysis_drift(a, in), c->drift);
	fprintf(f, "  %-24s %-44s %-6s %-7s %10s %10s %10s\n", "CONTEXT",
		"CALL SITE", "KIND", "OPS", "COUNT", "FIRST s", "LAST s");
	for (i = 0; i < in->nwriters; i++) {
		const struct an_writer *w = &in->writers[i];

		ctx_name(ctx, sizeof(ctx), a, w->ctx, syms);
		site_name(site, sizeof(site), w->site, syms);
		snprintf(ops, sizeof(ops), "%s%s%s", w->ops & 1 ? "set," : "",
			 w->ops & 2 ? "add," : "", w->ops & 4 ? "sub," : "");
		if (*ops)
			ops[strlen(ops) - 1] = '\0';
		fprintf(f, "  %-24s %-44s %-6s %-7s %10" PRIu64 " %10.3f %10.3f\n",
			ctx, site, w->atomic ? "atomic" : "plain", ops,
			w->count, report_secs(a, w->first_ts),
			report_secs(a, w->last_ts));
	}
	fprintf(f, "  chain: %" PRIu64 " reordered, %" PRIu64 " lost %s, %" PRIu64 " unordered, %" PRIu64 " undecided, %" PRIu64 " restarted at gaps\n",
		c->reordered, c->breaks, plural(c->breaks, "update", "updates"),
		c->unordered, c->undecided, c->restarts);
	if (in->counter == BES2600_WSM_TX_PENDING && (in->timer_decisions ||
						      in->timer_unmatched))
		fprintf(f, "  timer decisions: %" PRIu64 " checked, %" PRIu64 " without their decrement in the stream\n",
			in->timer_decisions, in->timer_unmatched);
	if (in->sampled && a->cfg.counts_given)
		fprintf(f, "  %" PRIu64 " out-of-bounds atomic %s sent for the bounds check (the others were only counted)\n",
			in->sampled, plural(in->sampled, "write", "writes"));
	if (analysis_incomplete(a, in) && a->cfg.counts_given)
		fprintf(f, "  incomplete chain: records were lost while it was written (see DROPS); the chain restarted after each gap, the counts, drift and writers above are exact\n");
	else if (in->sampled)
		fprintf(f, "  incomplete: %" PRIu64 " out-of-bounds %s sent alone by the dashboard (its other atomic writes were only counted)\n",
			in->sampled, plural(in->sampled, "write", "writes"));
	else if (analysis_incomplete(a, in))
		fprintf(f, "  incomplete: records were lost while it was written (see DROPS)\n");
}

static void print_phase7(FILE *f, const struct analysis *a)
{
	struct rx_figures r;

	rxwork_figures(&a->rx, analysis_duration(a), &r);
	fprintf(f, "\nPHASE 7 (sdio_rx_work over %.3f s):\n", r.duration_s);
	if (!a->rx.t.queue_events && !a->rx.t.starts && !a->rx.t.runs) {
		fprintf(f, "  no sdio_rx_work events\n");
		return;
	}
	fprintf(f, "  %.3f MB/s, %.1f runs/s, ", r.mb_per_s, r.runs_per_s);
	if (r.dispatches_per_1000_rx >= 0)
		fprintf(f, "%.1f dispatches per 1000 RX packets, ",
			r.dispatches_per_1000_rx);
	else
		fprintf(f, "no RX packets, ");
	fprintf(f, "%" PRIu64 " BH re-dispatches\n", r.redispatches);
	fprintf(f, "  %" PRIu64 " runs, %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64 " with errors\n",
		r.runs, r.packets, r.bytes, r.errors);
	fprintf(f, "  queue->start p50 %.1f us, p99 %.1f us (%" PRIu64 "); start->end p50 %.1f us, p99 %.1f us (%" PRIu64 ")\n",
		r.q2s_p50_us, r.q2s_p99_us, r.q2s_n, r.s2e_p50_us,
		r.s2e_p99_us, r.s2e_n);
}

static void print_drops(FILE *f, const struct analysis *a,
			struct symtab *syms, struct an_instance **inst)
{
	char name[NAME_LEN];
	size_t i, shown = 0;

	if (!a->drops && !a->nspans) {
		fprintf(f, "\nDROPS: none: every record was received\n");
		return;
	}
	fprintf(f, "\nDROPS: %" PRIu64 " %s lost in %zu %s; no lost update is claimed near them\n",
		a->drops, plural(a->drops, "record", "records"), a->nspans,
		plural(a->nspans, "span", "spans"));
	for (i = 0; i < a->nspans && i < 20; i++) {
		const struct an_span *s = &a->spans[i];

		if (s->cpu == UINT32_MAX)
			fprintf(f, "  cpu ?: ");
		else
			fprintf(f, "  cpu %u: ", s->cpu);
		fprintf(f, "%.6f s .. %.6f s, %" PRIu64 " %s\n",
			report_secs(a, s->from), report_secs(a, s->to),
			s->lost, plural(s->lost, "record", "records"));
	}
	if (a->nspans > 20)
		fprintf(f, "  ... %zu more spans (all in the JSON report)\n",
			a->nspans - 20);
	fprintf(f, "  incomplete:");
	for (i = 0; inst && i < a->ninst; i++) {
		if (!analysis_incomplete(a, inst[i]))
			continue;
		instance_name(name, sizeof(name), inst[i]);
		fprintf(f, "%s %s", shown++ ? "," : "", name);
	}
	fprintf(f, "%s\n", shown ? "" : " none");
	(void)syms;
}

void report_text(FILE *f, const struct analysis *a, struct symtab *syms,
		 const struct report_meta *m)
{
	struct an_instance **inst = report_instances(a);
	size_t i, shown = 0;

	print_summary(f, a, syms);
	fprintf(f, "%s: %.3f s, %" PRIu64 " records, reorder window %.0f ms",
		m->source, analysis_duration(a) / 1e9, a->events,
		m->window_ns / 1e6);
	if (m->file)
		fprintf(f, ", %s", m->file);
	if (m->release && *m->release)
		fprintf(f, ", kernel %s", m->release);
	if (m->machine && *m->machine)
		fprintf(f, " %s", m->machine);
	if (m->attach_mode)
		fprintf(f, ", %s on %s", m->attach_mode,
			m->driver ? m->driver : "?");
	fprintf(f, "\n");
	if (m->command)
		fprintf(f, "command: %s (exit status %d)\n", m->command,
			m->command_status);
	if (m->events)
		print_events(f, m->events);
	print_capacity(f, a, inst);
	if (m->delta)
		delta_print_text(f, m->delta);
	if (m->syms_restricted)
		fprintf(f, "note: /proc/kallsyms showed only zero addresses (kptr_restrict; run as root): call sites are raw addresses\n");
	if (a->ignored)
		fprintf(f, "note: %" PRIu64 " records of an unknown type or counter were ignored\n",
			a->ignored);

	for (i = 0; i < a->findings.n; i++) {
		const struct finding *x = &a->findings.v[i];

		if (x->suppressed && !m->verbose)
			continue;
		fputc('\n', f);
		print_finding(f, a, syms, x);
		shown++;
	}
	if (shown)
		fprintf(f, "%s\n", RULE);
	for (i = 0; inst && i < a->ninst; i++)
		print_writers(f, a, syms, inst[i]);
	print_phase7(f, a);
	print_drops(f, a, syms, inst);
	free(inst);
}
