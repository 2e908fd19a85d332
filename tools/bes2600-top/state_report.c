// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bes2600-top state: the table, laid out like the plan's shared-state
 * table (field, declared type, writers, concurrency, protection, action),
 * as text, Markdown or JSON (schemas/state-report.schema.json), with the
 * change of writers against an earlier run's JSON.
 */
#include <errno.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonw.h"
#include "state_table.h"
#include "version.h"

#define CELL 1024

/* A field's writer contexts that count, as a set of context indices. */
static size_t writer_ctxs(const struct state_field *f, uint32_t *out,
			  size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < f->nw + f->ns && n < max; i++) {
		uint32_t c;

		if (i < f->nw) {
			const struct state_writer *w = &f->w[i];

			if (!state_writer_counts(f, w))
				continue;
			c = w->ctx;
		} else {
			c = f->sites[i - f->nw].ctx;
		}
		for (j = 0; j < n && out[j] != c; j++)
			;
		if (j == n)
			out[n++] = c;
	}
	return n;
}

static void cat(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cat(char *buf, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len >= CELL - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, CELL - len, fmt, ap);
	va_end(ap);
}

static void cell_writers(const struct state_run *r,
			 const struct state_field *f, char *buf)
{
	bool watched = state_field_watch_decides(f);
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < f->nw; i++) {
		const struct state_writer *w = &f->w[i];

		if (!state_writer_counts(f, w))
			continue;
		cat(buf, "%s%s (%s, %llu)", *buf ? "; " : "",
		    r->fns[w->func].f.name, r->ctxs[w->ctx],
		    (unsigned long long)(watched ? w->hits : w->calls));
	}
	for (i = 0; i < f->ns; i++)
		cat(buf, "%s%s (%s, %llu)", *buf ? "; " : "", f->sites[i].site,
		    r->ctxs[f->sites[i].ctx],
		    (unsigned long long)f->sites[i].hits);
	if (!*buf)
		cat(buf, "-");
}

static void cell_pairs(const struct state_run *r, const struct state_field *f,
		       char *buf)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < f->np; i++) {
		const struct state_pair *p = &f->pairs[i];

		if (!state_pair_counts(f, p))
			continue;
		cat(buf, "%s%s (%s) || %s (%s): %llu", *buf ? "; " : "",
		    r->fns[p->fa].f.name, r->ctxs[p->ca], r->fns[p->fb].f.name,
		    r->ctxs[p->cb], (unsigned long long)p->n);
	}
	if (!*buf)
		cat(buf, "none seen");
}

static uint64_t pairs_seen(const struct state_field *f)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < f->np; i++)
		if (state_pair_counts(f, &f->pairs[i]))
			n += f->pairs[i].n;
	return n;
}

/* "written from 2 contexts", or "one writer context (work:bh)". */
static void cat_contexts(char *buf, const struct state_run *r,
			 const uint32_t *ctxs, size_t n)
{
	if (n > 1)
		cat(buf, "written from %zu contexts", n);
	else if (n)
		cat(buf, "one writer context (%s)", r->ctxs[ctxs[0]]);
	else
		cat(buf, "one writer context");
}

static void cell_protection(const struct state_run *r,
			    const struct state_field *f, char *prot,
			    char *action)
{
	uint32_t ctxs[16];
	size_t n = writer_ctxs(f, ctxs, 16);

	prot[0] = action[0] = '\0';
	switch (f->leaf.kind) {
	case STATE_ATOMIC:
		cat(prot, "atomic type (%s), ", f->leaf.type);
		cat_contexts(prot, r, ctxs, n);
		cat(action, n > 1 ? "OK if every read-modify-write is one "
		    "atomic operation" : "OK");
		return;
	case STATE_LOCKED_OBJ:
		cat(prot, "%s: its API locks", f->leaf.type);
		cat(action, "OK: concurrency-safe through its API");
		return;
	case STATE_PADDING:
		cat(prot, "padding");
		cat(action, "none: no member here (a concurrent writer's bytes?)");
		return;
	case STATE_PLAIN:
		break;
	}
	cat(prot, "plain %s, ", f->leaf.type);
	cat_contexts(prot, r, ctxs, n);
	if (n > 1)
		cat(action, "convert to atomic_t or take a lock%s",
		    pairs_seen(f) ? ": the writers overlapped" : "");
	else
		cat(action, "OK: single writer");
}

/* The baseline's writers of a field: "function (context)" strings. */
static json_t *baseline_writers(json_t *base, const char *path)
{
	static const char *const keys[] = { "fields", "others_fields" };
	size_t i, k;
	json_t *f;

	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(base, keys[k]), i, f) {
			const char *p =
				json_string_value(json_object_get(f, "field"));

			if (p && !strcmp(p, path))
				return json_object_get(f, "writers");
		}
	return NULL;
}

static bool has_writer(json_t *ws, const char *fn, const char *ctx)
{
	json_t *w;
	size_t i;

	json_array_foreach(ws, i, w) {
		const char *a = json_string_value(json_object_get(w, "function"));
		const char *b = json_string_value(json_object_get(w, "context"));

		if (a && b && json_is_true(json_object_get(w, "own")) &&
		    !strcmp(a, fn) && !strcmp(b, ctx))
			return true;
	}
	return false;
}

/* Whether this run names fn (cx) as a writer of the field. */
static bool run_has_writer(const struct state_run *r,
			   const struct state_field *f, const char *fn,
			   const char *cx)
{
	size_t k;

	for (k = 0; k < f->nw; k++)
		if (state_writer_counts(f, &f->w[k]) &&
		    !strcmp(r->fns[f->w[k].func].f.name, fn) &&
		    !strcmp(r->ctxs[f->w[k].ctx], cx))
			return true;
	return false;
}

/* "+ f (ctx)" for a new writer, "- f (ctx)" for one gone. */
static void cell_change(const struct state_run *r,
			const struct state_field *f, json_t *base, char *buf)
{
	json_t *ws = baseline_writers(base, f->path), *w;
	size_t i;

	buf[0] = '\0';
	if (!ws) {
		cat(buf, "new field");
		return;
	}
	for (i = 0; i < f->nw; i++) {
		const struct state_writer *x = &f->w[i];

		if (state_writer_counts(f, x) &&
		    !has_writer(ws, r->fns[x->func].f.name, r->ctxs[x->ctx]))
			cat(buf, "%s+ %s (%s)", *buf ? "; " : "",
			    r->fns[x->func].f.name, r->ctxs[x->ctx]);
	}
	json_array_foreach(ws, i, w) {
		const char *fn = json_string_value(json_object_get(w, "function"));
		const char *cx = json_string_value(json_object_get(w, "context"));

		if (fn && cx && json_is_true(json_object_get(w, "own")) &&
		    !run_has_writer(r, f, fn, cx))
			cat(buf, "%s- %s (%s)", *buf ? "; " : "", fn, cx);
	}
	if (!*buf)
		cat(buf, "unchanged");
}

static void asked_names(const struct state_run *r, char *buf)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < r->nfns; i++)
		if (r->fns[i].asked)
			cat(buf, "%s%s", *buf ? ", " : "", r->fns[i].f.name);
}

static uint64_t asked_calls(const struct state_run *r)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < r->nfns; i++)
		if (r->fns[i].asked)
			n += r->fns[i].calls;
	return n;
}

/* Both programs of a call (entry and return) count in its cost. */
static double ns_per_call(const struct state_run *r)
{
	return r->st.calls ? (double)r->st.ns / (double)r->st.calls : 0;
}

static void report_text(FILE *out, struct state_run *r, json_t *base,
			bool md)
{
	char w[CELL], p[CELL], prot[CELL], act[CELL], ch[CELL], names[CELL];
	size_t i, listed = 0;

	asked_names(r, names);
	if (md) {
		fprintf(out, "Fields of struct %s (%u bytes) that %s mutated, "
			"directly or through its callees (%s, %.1f s):\n\n",
			r->root_name, r->size, names, r->flavour, r->seconds);
		fprintf(out, "| field | declared type | written by (function, "
			"context, count) | concurrent writers seen | protection "
			"seen | action suggested |%s\n", base ?
			" change vs baseline |" : "");
		fprintf(out, "|---|---|---|---|---|---|%s\n", base ? "---|" : "");
	} else {
		fprintf(out, "struct %s (%u bytes, %u compared): fields %s "
			"mutated (%s, %.1f s)\n\n", r->root_name, r->size,
			r->snapped, names, r->flavour, r->seconds);
	}
	for (i = 0; i < r->nfields; i++) {
		struct state_field *f = &r->fields[i];

		if (!state_field_listed(r, f))
			continue;
		listed++;
		cell_writers(r, f, w);
		cell_pairs(r, f, p);
		cell_protection(r, f, prot, act);
		if (base)
			cell_change(r, f, base, ch);
		if (md) {
			fprintf(out, "| %s | %s | %s | %s | %s | %s |", f->path,
				f->leaf.type, w, p, prot, act);
			if (base)
				fprintf(out, " %s |", ch);
			fputc('\n', out);
			continue;
		}
		fprintf(out, "%s  (%s, offset %u, %u bytes)\n", f->path,
			f->leaf.type, f->leaf.off, f->leaf.size);
		fprintf(out, "  written by:  %s\n", w);
		fprintf(out, "  concurrent:  %s\n", p);
		fprintf(out, "  protection:  %s\n", prot);
		fprintf(out, "  action:      %s\n", act);
		if (base)
			fprintf(out, "  vs baseline: %s\n", ch);
	}
	if (!listed)
		fprintf(out, "%s(no field changed in a call of %s)\n",
			md ? "\n" : "", names);
	fprintf(out, "\ncalls compared: %llu of %zu functions (%llu of %s); "
		"%.0f ns of BPF per call; lost records: %llu; calls not "
		"compared: %llu busy, %llu nested, %llu without room, %llu "
		"unreadable%s\n", (unsigned long long)r->st.calls, r->nfns,
		(unsigned long long)asked_calls(r), names, ns_per_call(r),
		(unsigned long long)(r->st.lost + r->st.hits_lost),
		(unsigned long long)r->st.busy,
		(unsigned long long)r->st.nested,
		(unsigned long long)r->st.no_slot,
		(unsigned long long)r->st.read_fail,
		r->trunc_calls ? "; some calls changed more words than a "
		"record carries" : "");
}

static void json_writers(struct jw *j, const struct state_run *r,
			 const struct state_field *f)
{
	size_t i;

	/* Every function whose calls saw it change; "own": the table's. */
	jw_arr(j, "writers");
	for (i = 0; i < f->nw; i++) {
		const struct state_writer *w = &f->w[i];

		jw_obj(j, NULL);
		jw_str(j, "function", r->fns[w->func].f.name);
		jw_str(j, "context", r->ctxs[w->ctx]);
		jw_bool(j, "own", state_writer_counts(f, w));
		jw_uint(j, "calls", w->calls);
		jw_uint(j, "calls_alone", w->alone);
		jw_uint(j, "watch_hits", w->hits);
		jw_uint(j, "watch_hits_same", w->same);
		jw_end(j, '}');
	}
	jw_end(j, ']');
	jw_arr(j, "other_sites");
	for (i = 0; i < f->ns; i++) {
		jw_obj(j, NULL);
		jw_str(j, "site", f->sites[i].site);
		jw_str(j, "context", r->ctxs[f->sites[i].ctx]);
		jw_uint(j, "watch_hits", f->sites[i].hits);
		jw_end(j, '}');
	}
	jw_end(j, ']');
	jw_arr(j, "concurrent");
	for (i = 0; i < f->np; i++) {
		const struct state_pair *p = &f->pairs[i];

		if (!state_pair_counts(f, p))
			continue;
		jw_obj(j, NULL);
		jw_str(j, "function_a", r->fns[p->fa].f.name);
		jw_str(j, "context_a", r->ctxs[p->ca]);
		jw_str(j, "function_b", r->fns[p->fb].f.name);
		jw_str(j, "context_b", r->ctxs[p->cb]);
		jw_uint(j, "overlaps", p->n);
		jw_end(j, '}');
	}
	jw_end(j, ']');
}

static const char *kind_name(enum state_kind k)
{
	switch (k) {
	case STATE_ATOMIC: return "atomic";
	case STATE_LOCKED_OBJ: return "locked_object";
	case STATE_PADDING: return "padding";
	default: return "plain";
	}
}

static void json_field(struct jw *j, struct state_run *r,
		       struct state_field *f, json_t *base)
{
	char prot[CELL], act[CELL], ch[CELL];
	uint32_t ctxs[16];
	size_t n = writer_ctxs(f, ctxs, 16), i;

	cell_protection(r, f, prot, act);
	jw_obj(j, NULL);
	jw_str(j, "field", f->path);
	jw_str(j, "type", f->leaf.type);
	jw_uint(j, "offset", f->leaf.off);
	jw_uint(j, "size", f->leaf.size);
	jw_str(j, "kind", kind_name(f->leaf.kind));
	jw_bool(j, "watched", f->watched);
	jw_uint(j, "watch_hits", f->watch_hits);
	jw_uint(j, "watch_hits_same", f->same_hits);
	jw_uint(j, "watch_hits_unknown", f->unknown_hits);
	if (f->watch_hits) {
		/* The last write caught: the value before it (when known), after. */
		if (f->have_last)
			jw_int(j, "last_old", f->last_old);
		else
			jw_null(j, "last_old");
		jw_int(j, "last_new", f->last_new);
	}
	json_writers(j, r, f);
	jw_arr(j, "writer_contexts");
	for (i = 0; i < n; i++)
		jw_str(j, NULL, r->ctxs[ctxs[i]]);
	jw_end(j, ']');
	jw_str(j, "protection", prot);
	jw_str(j, "action", act);
	if (base) {
		cell_change(r, f, base, ch);
		jw_str(j, "change_vs_baseline", ch);
	}
	jw_end(j, '}');
}

static void report_json(FILE *out, struct state_run *r, json_t *base,
			const char *baseline)
{
	struct jw j;
	size_t i;

	jw_init(&j, out);
	jw_obj(&j, NULL);
	jw_str(&j, "tool_version", BES2600_TOP_VERSION);
	jw_str(&j, "module", r->module);
	jw_str(&j, "struct", r->root_name);
	jw_uint(&j, "struct_size", r->size);
	jw_uint(&j, "bytes_compared", r->snapped);
	jw_str(&j, "flavour", r->flavour);
	jw_num(&j, "seconds", r->seconds, 3);
	if (baseline)
		jw_str(&j, "baseline", baseline);
	jw_arr(&j, "functions");
	for (i = 0; i < r->nfns; i++) {
		const struct state_fn *fn = &r->fns[i];

		jw_obj(&j, NULL);
		jw_str(&j, "function", fn->f.name);
		jw_bool(&j, "asked", fn->asked);
		jw_bool(&j, "attached", fn->attached);
		jw_uint(&j, "argument", fn->f.arg);
		jw_int(&j, "offset", fn->f.offset);
		jw_uint(&j, "calls", fn->calls);
		jw_end(&j, '}');
	}
	jw_end(&j, ']');
	jw_arr(&j, "fields");
	for (i = 0; i < r->nfields; i++)
		if (state_field_listed(r, &r->fields[i]))
			json_field(&j, r, &r->fields[i], base);
	jw_end(&j, ']');
	/* Changed during the asked calls, but another writer's. */
	jw_arr(&j, "others_fields");
	for (i = 0; i < r->nfields; i++)
		if (!state_field_listed(r, &r->fields[i]))
			json_field(&j, r, &r->fields[i], NULL);
	jw_end(&j, ']');
	jw_obj(&j, "stats");
	jw_uint(&j, "calls", r->st.calls);
	jw_uint(&j, "entries", r->st.entries);
	jw_uint(&j, "busy", r->st.busy);
	jw_uint(&j, "nested", r->st.nested);
	jw_uint(&j, "no_slot", r->st.no_slot);
	jw_uint(&j, "no_entry", r->st.no_entry);
	jw_uint(&j, "read_fail", r->st.read_fail);
	jw_uint(&j, "lost", r->st.lost);
	jw_uint(&j, "hits_lost", r->st.hits_lost);
	jw_uint(&j, "watch_hits", r->st.hits);
	jw_uint(&j, "truncated_calls", r->trunc_calls);
	jw_num(&j, "bpf_ns_per_call", ns_per_call(r), 1);
	jw_end(&j, '}');
	jw_end(&j, '}');
	fputc('\n', out);
}

/* The baseline's size bound: a report is kilobytes; a bigger file is not one. */
#define BASELINE_MAX (16 << 20)

static json_t *load_baseline(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	struct stat st;
	json_t *base;

	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > BASELINE_MAX) {
		snprintf(err, errlen, "%s: not a state report (%s)", path,
			 S_ISREG(st.st_mode) ? "larger than 16 MiB" :
			 "not a regular file");
		return NULL;
	}
	base = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!base || !json_is_array(json_object_get(base, "fields"))) {
		snprintf(err, errlen, "%s: not a state report (%s)", path,
			 base ? "no \"fields\" array" : je.text);
		json_decref(base);
		return NULL;
	}
	return base;
}

int state_baseline_check(const char *path, char *err, size_t errlen)
{
	json_t *base = load_baseline(path, err, errlen);

	json_decref(base);
	return base ? 0 : -1;
}

int state_report(FILE *out, struct state_run *r, enum state_format fmt,
		 const char *baseline, char *err, size_t errlen)
{
	json_t *base = NULL;

	state_run_finish(r);
	if (baseline) {
		base = load_baseline(baseline, err, errlen);
		if (!base)
			return -1;
	}
	if (fmt == STATE_JSON)
		report_json(out, r, base, baseline);
	else
		report_text(out, r, base, fmt == STATE_MD);
	json_decref(base);
	return 0;
}
