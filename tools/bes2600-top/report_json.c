// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The JSON report, schema AUDIT_JSON_SCHEMA, documented field by field in
 * docs/audit-json.md.  64-bit addresses are hex strings: a JSON number is
 * a double to many readers and would lose their low bits.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "delta.h"
#include "driver_events.h"
#include "jsonw.h"
#include "names.h"
#include "report.h"
#include "rootcause.h"
#include "symbols.h"
#include "version.h"

static void hex(struct jw *w, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	jw_str(w, key, buf);
}

static void str_or_null(struct jw *w, const char *key, const char *s)
{
	if (s)
		jw_str(w, key, s);
	else
		jw_null(w, key);
}

static void json_stack(struct jw *w, const struct analysis *a,
		       struct symtab *syms, int32_t id)
{
	const struct an_stack *s = id >= 0 ? analysis_stack(a, id) : NULL;
	char buf[NAME_LEN];
	uint32_t i;

	if (!s) {
		jw_null(w, "stack");
		return;
	}
	jw_arr(w, "stack");
	for (i = 0; i < s->n; i++) {
		site_name(buf, sizeof(buf), s->ips[i], syms);
		jw_str(w, NULL, buf);
	}
	jw_end(w, ']');
}

static void json_path_obj(struct jw *w, const struct analysis *a,
			  struct symtab *syms, const char *role,
			  const struct finding_path *p)
{
	char buf[NAME_LEN];

	if (!p->valid)
		return;
	jw_obj(w, NULL);
	jw_str(w, "role", role);
	ctx_name(buf, sizeof(buf), a, p->ctx, syms);
	jw_str(w, "context", buf);
	site_name(buf, sizeof(buf), p->site, syms);
	jw_str(w, "call_site", buf);
	hex(w, "call_site_addr", p->site);
	jw_str(w, "op", op_name(p->op));
	jw_bool(w, "atomic", p->atomic);
	jw_int(w, "old", p->old);
	jw_int(w, "new", p->new_);
	jw_uint(w, "cpu", p->cpu);
	if (p->pid)
		jw_uint(w, "pid", p->pid);
	else
		jw_null(w, "pid");
	jw_uint(w, "ts_ns", p->ts);
	jw_num(w, "t_s", report_secs(a, p->ts), 9);
	json_stack(w, a, syms, p->stack);
	jw_end(w, '}');
}

static const char *const roles[FC_NR][2] = {
	[FC_NON_ATOMIC_CROSS_CONTEXT] = { "first", "other-context" },
	[FC_LOST_UPDATE] = { "clobbering", "clobbered" },
	[FC_UNDERFLOW] = { "write", "previous" },
	[FC_OVERFLOW] = { "write", "previous" },
	[FC_DRIFT] = { "none", "none" },
	[FC_CHECK_THEN_ACT] = { "decrement", "other-context" },
};

static void json_finding(struct jw *w, const struct analysis *a,
			 struct symtab *syms, const struct finding *x)
{
	const struct an_instance *in = a->inst[x->inst];
	char name[NAME_LEN];

	jw_obj(w, NULL);
	jw_str(w, "class", finding_class_name(x->cls));
	jw_str(w, "severity", finding_class_is_error(x->cls) ? "error" :
							       "warning");
	jw_bool(w, "suppressed", x->suppressed);
	instance_name(name, sizeof(name), in);
	jw_str(w, "counter", name);
	jw_str(w, "counter_base", counter_base_name(in->counter));
	jw_int(w, "idx", in->idx);
	hex(w, "hw", in->hw);
	jw_uint(w, "count", x->count);
	jw_uint(w, "first_ns", x->first_ts);
	jw_uint(w, "last_ns", x->last_ts);
	jw_num(w, "first_s", report_secs(a, x->first_ts), 6);
	jw_num(w, "last_s", report_secs(a, x->last_ts), 6);
	switch (x->cls) {
	case FC_LOST_UPDATE:
		jw_int(w, "lost_total", x->value);
		jw_int(w, "lost_first", x->value2);
		break;
	case FC_UNDERFLOW:
		jw_int(w, "lowest", x->value);
		break;
	case FC_OVERFLOW:
		jw_int(w, "highest", x->value);
		jw_int(w, "capacity", x->value2);
		break;
	case FC_DRIFT:
		jw_int(w, "drift", x->value);
		jw_int(w, "chain_drift", x->value2);
		break;
	case FC_CHECK_THEN_ACT:
		jw_int(w, "decision_count", x->value);
		jw_str(w, "action", timer_action_name(x->value2));
		if (x->no_now)
			jw_null(w, "count_after");
		else
			jw_int(w, "count_after", x->value3);
		jw_uint(w, "decision_ns", x->ts2);
		break;
	default:
		break;
	}
	jw_arr(w, "paths");
	json_path_obj(w, a, syms, roles[x->cls][0], &x->a);
	json_path_obj(w, a, syms, roles[x->cls][1], &x->b);
	jw_end(w, ']');
	if (x->cls == FC_LOST_UPDATE && !x->b.valid) {
		unsigned int i;

		/* One of these is the clobbered write. */
		jw_arr(w, "candidates");
		for (i = 0; i < x->ncand; i++)
			json_path_obj(w, a, syms, "candidate", &x->cand[i]);
		jw_end(w, ']');
	}
	jw_end(w, '}');
}

static void json_instance(struct jw *w, const struct analysis *a,
			  struct symtab *syms, const struct an_instance *in)
{
	const struct chain *c = &in->chain;
	int32_t first, last;
	char buf[NAME_LEN];
	size_t i;

	jw_obj(w, NULL);
	instance_name(buf, sizeof(buf), in);
	jw_str(w, "counter", buf);
	jw_str(w, "counter_base", counter_base_name(in->counter));
	jw_int(w, "idx", in->idx);
	hex(w, "hw", in->hw);
	jw_int(w, "capacity", analysis_capacity(a, in));
	jw_str(w, "capacity_source", report_capacity_source(a, in));
	jw_uint(w, "writes", in->writes);
	jw_uint(w, "handovers", in->handovers);
	jw_uint(w, "plain_writes", in->plain_writes);
	jw_uint(w, "atomic_writes", in->atomic_writes);
	if (in->have_value) {
		analysis_endpoints(in, &first, &last);
		jw_int(w, "first_value", first);
		jw_int(w, "last_value", last);
		jw_int(w, "min", in->min);
		jw_int(w, "max", in->max);
	} else {
		jw_null(w, "first_value");
		jw_null(w, "last_value");
		jw_null(w, "min");
		jw_null(w, "max");
	}
	jw_int(w, "delta_sum", in->delta_sum);
	jw_int(w, "drift", analysis_drift(a, in));
	jw_int(w, "net_drift", analysis_net_drift(in));
	jw_int(w, "chain_drift", c->drift);
	jw_uint(w, "lost_updates", c->breaks);
	jw_uint(w, "reordered", c->reordered);
	jw_uint(w, "unordered", c->unordered);
	jw_uint(w, "undecided", c->undecided);
	jw_uint(w, "gap_restarts", c->restarts);
	jw_bool(w, "complete", !analysis_incomplete(a, in));
	jw_uint(w, "timer_decisions", in->timer_decisions);
	jw_uint(w, "timer_unmatched", in->timer_unmatched);
	jw_arr(w, "writers");
	for (i = 0; i < in->nwriters; i++) {
		const struct an_writer *wr = &in->writers[i];
		int op;

		jw_obj(w, NULL);
		ctx_name(buf, sizeof(buf), a, wr->ctx, syms);
		jw_str(w, "context", buf);
		site_name(buf, sizeof(buf), wr->site, syms);
		jw_str(w, "call_site", buf);
		hex(w, "call_site_addr", wr->site);
		jw_bool(w, "atomic", wr->atomic);
		jw_arr(w, "ops");
		for (op = BES2600_CTR_OP_SET; op <= BES2600_CTR_OP_SUB; op++)
			if (wr->ops & (1 << op))
				jw_str(w, NULL, op_name(op));
		jw_end(w, ']');
		jw_uint(w, "count", wr->count);
		jw_uint(w, "first_ns", wr->first_ts);
		jw_uint(w, "last_ns", wr->last_ts);
		jw_end(w, '}');
	}
	jw_end(w, ']');
	jw_end(w, '}');
}

static void json_latency(struct jw *w, const char *key, double p50,
			 double p99, uint64_t n)
{
	jw_obj(w, key);
	jw_num(w, "p50", p50, 3);
	jw_num(w, "p99", p99, 3);
	jw_uint(w, "count", n);
	jw_end(w, '}');
}

static void json_phase7(struct jw *w, const struct analysis *a)
{
	struct rx_figures r;

	rxwork_figures(&a->rx, analysis_duration(a), &r);
	jw_obj(w, "phase7");
	jw_num(w, "duration_s", r.duration_s, 6);
	jw_num(w, "mb_per_s", r.mb_per_s, 6);
	jw_uint(w, "rx_work_runs", r.runs);
	jw_num(w, "runs_per_s", r.runs_per_s, 3);
	jw_uint(w, "rx_packets", r.packets);
	jw_uint(w, "rx_bytes", r.bytes);
	if (r.dispatches_per_1000_rx >= 0)
		jw_num(w, "dispatches_per_1000_rx", r.dispatches_per_1000_rx, 3);
	else
		jw_null(w, "dispatches_per_1000_rx");
	jw_uint(w, "bh_redispatches", r.redispatches);
	jw_uint(w, "queue_events", r.queue_events);
	jw_uint(w, "errors", r.errors);
	json_latency(w, "queue_to_start_us", r.q2s_p50_us, r.q2s_p99_us,
		     r.q2s_n);
	json_latency(w, "start_to_end_us", r.s2e_p50_us, r.s2e_p99_us,
		     r.s2e_n);
	jw_end(w, '}');
}

static void json_drops(struct jw *w, const struct analysis *a,
		       struct an_instance **inst)
{
	char buf[NAME_LEN];
	size_t i;

	jw_obj(w, "drops");
	jw_uint(w, "total", a->drops);
	jw_arr(w, "spans");
	for (i = 0; i < a->nspans; i++) {
		jw_obj(w, NULL);
		if (a->spans[i].cpu == UINT32_MAX)
			jw_null(w, "cpu");
		else
			jw_uint(w, "cpu", a->spans[i].cpu);
		jw_uint(w, "from_ns", a->spans[i].from);
		jw_uint(w, "to_ns", a->spans[i].to);
		jw_uint(w, "lost", a->spans[i].lost);
		jw_end(w, '}');
	}
	jw_end(w, ']');
	jw_arr(w, "incomplete");
	for (i = 0; inst && i < a->ninst; i++) {
		if (!analysis_incomplete(a, inst[i]))
			continue;
		instance_name(buf, sizeof(buf), inst[i]);
		jw_str(w, NULL, buf);
	}
	jw_end(w, ']');
	jw_end(w, '}');
}

static void json_events(struct jw *w, const struct driver_events *d)
{
	int e;

	if (!d) {
		jw_null(w, "driver_events");
		return;
	}
	jw_arr(w, "driver_events");
	for (e = 0; e < DRV_NR_EVENTS; e++) {
		const struct drv_event_info *v = &d->ev[e];

		jw_obj(w, NULL);
		jw_str(w, "event", drv_event_name(e));
		jw_bool(w, "present", v->present);
		jw_bool(w, "attached", v->attach);
		if (v->present && v->fields >= 0)
			jw_int(w, "fields", v->fields);
		else
			jw_null(w, "fields");
		str_or_null(w, "note", v->note[0] ? v->note : NULL);
		jw_end(w, '}');
	}
	jw_end(w, ']');
	jw_arr(w, "modules_with_events");
	for (e = 0; e < d->nmodules; e++)
		jw_str(w, NULL, d->modules[e]);
	jw_end(w, ']');
}

/*
 * A wall-clock time in ns is past 2^53, where a double (jq) rounds it:
 * also given as an RFC 3339 string, or null when unknown.
 */
static void json_realtime(struct jw *w, const char *key, uint64_t ns)
{
	time_t sec = ns / 1000000000ULL;
	char buf[48], day[32];
	struct tm tm;

	if (!ns || !gmtime_r(&sec, &tm) ||
	    !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm)) {
		jw_null(w, key);
		return;
	}
	snprintf(buf, sizeof(buf), "%s.%09lluZ", day,
		 (unsigned long long)(ns % 1000000000ULL));
	jw_str(w, key, buf);
}

void report_json(FILE *f, const struct analysis *a, struct symtab *syms,
		 const struct report_meta *m)
{
	struct an_instance **inst = report_instances(a);
	size_t i, n, sup, errors, warnings;
	uint64_t occ;
	struct jw w;
	int c;

	jw_init(&w, f);
	jw_obj(&w, NULL);
	jw_int(&w, "schema_version", AUDIT_JSON_SCHEMA);
	jw_str(&w, "tool", "bes2600-top audit");
	jw_str(&w, "tool_version", BES2600_TOP_VERSION);
	jw_str(&w, "source", m->source);
	str_or_null(&w, "file", m->file);
	str_or_null(&w, "kernel_release", m->release);
	str_or_null(&w, "machine", m->machine);
	str_or_null(&w, "driver", m->driver);
	str_or_null(&w, "attach_mode", m->attach_mode);
	json_events(&w, m->events);
	jw_uint(&w, "start_realtime_ns", m->start_realtime_ns);
	json_realtime(&w, "start_realtime", m->start_realtime_ns);
	jw_uint(&w, "start_ns", a->start_ns ? a->start_ns : a->first_ts);
	jw_uint(&w, "end_ns", a->end_ns ? a->end_ns : a->last_ts);
	jw_num(&w, "duration_s", analysis_duration(a) / 1e9, 6);
	jw_uint(&w, "window_ns", m->window_ns);
	jw_int(&w, "capacity", m->capacity);
	jw_uint(&w, "records", a->events);
	jw_uint(&w, "counter_records", a->counter_events);
	jw_uint(&w, "ignored_records", a->ignored);
	str_or_null(&w, "command", m->command);
	if (m->command)
		jw_int(&w, "command_status", m->command_status);
	else
		jw_null(&w, "command_status");
	jw_bool(&w, "symbols_restricted", m->syms_restricted);
	analysis_totals(a, &errors, &warnings);
	jw_uint(&w, "errors", errors);
	jw_uint(&w, "warnings", warnings);
	jw_obj(&w, "summary");
	for (c = 0; c < FC_NR; c++) {
		report_count(a, c, &n, &occ, &sup);
		jw_obj(&w, finding_class_name(c));
		jw_str(&w, "severity", finding_class_is_error(c) ? "error" :
								   "warning");
		jw_uint(&w, "findings", n);
		jw_uint(&w, "occurrences", occ);
		jw_uint(&w, "suppressed", sup);
		jw_end(&w, '}');
	}
	jw_end(&w, '}');
	root_causes_json(&w, a, syms);
	if (m->delta)
		delta_json(&w, m->delta);
	else
		jw_null(&w, "delta_table");
	jw_arr(&w, "findings");
	for (i = 0; i < a->findings.n; i++)
		json_finding(&w, a, syms, &a->findings.v[i]);
	jw_end(&w, ']');
	jw_arr(&w, "instances");
	for (i = 0; inst && i < a->ninst; i++)
		json_instance(&w, a, syms, inst[i]);
	jw_end(&w, ']');
	json_phase7(&w, a);
	json_drops(&w, a, inst);
	jw_end(&w, '}');
	free(inst);
}
