// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Root causes (see rootcause.h), read off a finished analysis: the
 * instance's writers table gives who read-modify-writes it and how, its
 * chain and findings what that cost.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "jsonw.h"
#include "names.h"
#include "report.h"
#include "rootcause.h"

const char *root_cause_action(enum rc_action a)
{
	switch (a) {
	case RC_MAKE_ATOMIC:
		return "make it atomic (C-prep)";
	case RC_CHECK_ACCOUNTING:
		return "one context drove it out of bounds: check its accounting";
	case RC_CHECK_UNTRACED:
		return "its net change differs from the writes' deltas: look for writes that fire no event";
	}
	return "?";
}

static void add_writer(struct root_cause *rc, const struct an_writer *w,
		       struct symtab *syms)
{
	struct rc_writer *x = NULL;
	char fn[64];
	size_t i;

	for (i = 0; i < rc->nw; i++)
		if (rc->w[i].ctx == w->ctx)
			x = &rc->w[i];
	if (!x) {
		if (rc->nw == RC_MAX_CTX)
			return;
		x = &rc->w[rc->nw++];
		memset(x, 0, sizeof(*x));
		x->ctx = w->ctx;
	}
	x->plain |= !w->atomic;
	func_name(fn, sizeof(fn), w->site, syms);
	for (i = 0; i < x->nfuncs; i++)
		if (!strcmp(x->funcs[i], fn))
			return;
	if (x->nfuncs < RC_MAX_FUNCS)
		snprintf(x->funcs[x->nfuncs++], sizeof(x->funcs[0]), "%s", fn);
}

static void fill(struct root_cause *rc, const struct analysis *a,
		 const struct an_instance *in, struct symtab *syms)
{
	size_t i, plain_ctx = 0;

	memset(rc, 0, sizeof(*rc));
	rc->in = in;
	/* Read-modify-writes only: an initialising store races with nothing. */
	for (i = 0; i < in->nwriters; i++)
		if (in->writers[i].ops & (1 << CHAIN_OP_ADD | 1 << CHAIN_OP_SUB))
			add_writer(rc, &in->writers[i], syms);
	for (i = 0; i < rc->nw; i++)
		plain_ctx += rc->w[i].plain;
	rc->lost_updates = in->chain.breaks;
	rc->drift = analysis_drift(a, in);
	rc->capacity = analysis_capacity(a, in);
	for (i = 0; i < a->findings.n; i++) {
		const struct finding *f = &a->findings.v[i];

		if (f->inst != in->index || f->suppressed ||
		    !finding_class_is_error(f->cls))
			continue;
		rc->findings++;
		if (f->cls == FC_UNDERFLOW) {
			rc->underflow = true;
			rc->lowest = f->value;
		} else if (f->cls == FC_OVERFLOW) {
			if (!rc->overflow || f->value > rc->highest)
				rc->highest = f->value;
			rc->overflow = true;
		}
	}
	if (rc->nw > 1 && plain_ctx)
		rc->action = RC_MAKE_ATOMIC;
	else if (rc->underflow || rc->overflow)
		rc->action = RC_CHECK_ACCOUNTING;
	else
		rc->action = RC_CHECK_UNTRACED;
}

struct root_cause *root_causes(const struct analysis *a, struct symtab *syms,
			       size_t *n)
{
	struct an_instance **inst = report_instances(a);
	struct root_cause *v = calloc(a->ninst + 1, sizeof(*v));
	size_t i;

	*n = 0;
	if (!inst || !v) {
		free(inst);
		free(v);
		return NULL;
	}
	for (i = 0; i < a->ninst; i++) {
		fill(&v[*n], a, inst[i], syms);
		if (v[*n].findings)
			(*n)++;
	}
	free(inst);
	return v;
}

static void print_writers(FILE *f, const struct analysis *a,
			  struct symtab *syms, const struct root_cause *rc,
			  bool plain)
{
	char ctx[NAME_LEN];
	size_t i, k, shown = 0, total = 0;

	for (i = 0; i < rc->nw; i++)
		total += rc->w[i].plain == plain;
	for (i = 0; i < rc->nw; i++) {
		const struct rc_writer *w = &rc->w[i];

		if (w->plain != plain)
			continue;
		ctx_name(ctx, sizeof(ctx), a, w->ctx, syms);
		fprintf(f, "%s%s (", shown == 0 ? "" :
			shown + 1 == total ? " and " : ", ", ctx);
		for (k = 0; k < w->nfuncs; k++)
			fprintf(f, "%s%s", k ? ", " : "", w->funcs[k]);
		fprintf(f, ")");
		shown++;
	}
}

void root_cause_print(FILE *f, const struct analysis *a, struct symtab *syms,
		      const struct root_cause *rc)
{
	char name[NAME_LEN];
	size_t i, atomic_ctx = 0;

	instance_name(name, sizeof(name), rc->in);
	fprintf(f, "%s: ", name);
	for (i = 0; i < rc->nw; i++)
		atomic_ctx += !rc->w[i].plain;
	/* Each list is printed only when it names somebody. */
	if (atomic_ctx < rc->nw) {
		fprintf(f, "plain read-modify-writes from ");
		print_writers(f, a, syms, rc, true);
		if (atomic_ctx) {
			fprintf(f, ", atomic ones from ");
			print_writers(f, a, syms, rc, false);
		}
		fprintf(f, "; ");
	} else if (atomic_ctx) {
		fprintf(f, "atomic read-modify-writes from ");
		print_writers(f, a, syms, rc, false);
		fprintf(f, "; ");
	}
	if (!rc->lost_updates && !rc->drift)
		fprintf(f, "no update lost in this run");
	else
		fprintf(f, "%" PRIu64 " lost %s, drift %+" PRId64,
			rc->lost_updates,
			rc->lost_updates == 1 ? "update" : "updates",
			rc->drift);
	if (rc->underflow)
		fprintf(f, ", lowest %d", rc->lowest);
	if (rc->overflow)
		fprintf(f, ", highest %d above the capacity %d", rc->highest,
			rc->capacity);
	fprintf(f, ": %s\n", root_cause_action(rc->action));
}

/* The text report's line, for a script that shows it as is. */
static void json_line(struct jw *w, const struct analysis *a,
		      struct symtab *syms, const struct root_cause *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f) {
		root_cause_print(f, a, syms, rc);
		if (!fclose(f) && len) {
			text[len - 1] = '\0';
			jw_str(w, "line", text);
		}
	}
	free(text);
}

void root_causes_json(struct jw *w, const struct analysis *a,
		      struct symtab *syms)
{
	struct root_cause *v;
	char buf[NAME_LEN];
	size_t n, i, k, j;

	v = root_causes(a, syms, &n);
	jw_arr(w, "root_causes");
	for (i = 0; v && i < n; i++) {
		const struct root_cause *rc = &v[i];

		jw_obj(w, NULL);
		instance_name(buf, sizeof(buf), rc->in);
		jw_str(w, "counter", buf);
		snprintf(buf, sizeof(buf), "0x%" PRIx64, rc->in->hw);
		jw_str(w, "hw", buf);
		jw_arr(w, "writers");
		for (k = 0; k < rc->nw; k++) {
			jw_obj(w, NULL);
			ctx_name(buf, sizeof(buf), a, rc->w[k].ctx, syms);
			jw_str(w, "context", buf);
			jw_bool(w, "plain", rc->w[k].plain);
			jw_arr(w, "functions");
			for (j = 0; j < rc->w[k].nfuncs; j++)
				jw_str(w, NULL, rc->w[k].funcs[j]);
			jw_end(w, ']');
			jw_end(w, '}');
		}
		jw_end(w, ']');
		jw_uint(w, "error_findings", rc->findings);
		jw_uint(w, "lost_updates", rc->lost_updates);
		jw_int(w, "drift", rc->drift);
		if (rc->underflow)
			jw_int(w, "lowest", rc->lowest);
		else
			jw_null(w, "lowest");
		if (rc->overflow)
			jw_int(w, "highest", rc->highest);
		else
			jw_null(w, "highest");
		jw_str(w, "action", root_cause_action(rc->action));
		json_line(w, a, syms, rc);
		jw_end(w, '}');
	}
	jw_end(w, ']');
	free(v);
}
