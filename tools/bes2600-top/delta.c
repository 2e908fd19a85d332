// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The shared-state delta table (see delta.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "delta.h"
#include "json.h"
#include "jsonw.h"
#include "names.h"

static bool jbool(const struct json *j)
{
	return json_truthy(j);
}

static struct dt_row *row_of(struct delta_table *t, const char *counter)
{
	struct dt_row *v;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].counter, counter))
			return &t->rows[i];
	v = realloc(t->rows, (t->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	t->rows = v;
	memset(&v[t->n], 0, sizeof(*v));
	snprintf(v[t->n].counter, sizeof(v[t->n].counter), "%s", counter);
	return &v[t->n++];
}

static struct dt_ctx *ctx_of(struct dt_side *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nc; i++)
		if (!strcmp(s->c[i].name, name))
			return &s->c[i];
	if (s->nc == DT_MAX_CTX)
		return NULL;
	snprintf(s->c[s->nc].name, sizeof(s->c[0].name), "%s", name);
	return &s->c[s->nc++];
}

static void add_writer(struct dt_side *s, const struct json *w)
{
	const struct json *ops = json_get(w, "ops");
	bool rmw = false, atomic = jbool(json_get(w, "atomic"));
	struct dt_ctx *c = ctx_of(s, json_str(json_get(w, "context"), "?"));
	struct dt_func *f = NULL;
	char fn[64];
	size_t i;

	if (!c)
		return;
	for (i = 0; i < json_len(ops); i++)
		rmw |= strcmp(json_str(json_at(ops, i), ""), "set") != 0;
	call_site_function(fn, sizeof(fn),
			   json_str(json_get(w, "call_site"), "?"), false);
	for (i = 0; i < c->nf; i++)
		if (!strcmp(c->f[i].name, fn))
			f = &c->f[i];
	if (!f && c->nf < DT_MAX_FUNCS) {
		f = &c->f[c->nf++];
		snprintf(f->name, sizeof(f->name), "%s", fn);
		f->init = true;
	}
	if (!f)
		return;
	f->init &= !rmw;
	c->rmw |= rmw;
	if (atomic)
		f->atomic = true;
	else
		f->plain = true;
}

static int collect(struct delta_table *t, const struct json *report,
		   bool before)
{
	const struct json *inst = json_get(report, "instances");
	const struct json *fs = json_get(report, "findings");
	size_t i, k;

	for (i = 0; i < json_len(inst); i++) {
		const struct json *in = json_at(inst, i);
		const struct json *ws = json_get(in, "writers");
		struct dt_row *r = row_of(t, json_str(json_get(in, "counter"),
						      "?"));
		struct dt_side *s;

		if (!r)
			return -1;
		s = before ? &r->before : &r->now;
		s->present = true;
		s->handovers += json_num(json_get(in, "handovers"), 0);
		for (k = 0; k < json_len(ws); k++)
			add_writer(s, json_at(ws, k));
	}
	for (i = 0; i < json_len(fs); i++) {
		const struct json *f = json_at(fs, i);
		struct dt_row *r;

		if (strcmp(json_str(json_get(f, "class"), ""), "check-then-act") ||
		    jbool(json_get(f, "suppressed")))
			continue;
		r = row_of(t, json_str(json_get(f, "counter"), "?"));
		if (!r)
			return -1;
		(before ? &r->before : &r->now)->stale +=
			json_num(json_get(f, "count"), 0);
	}
	return 0;
}

int delta_build(struct delta_table *t, const struct json *cur,
		const struct json *const *base, size_t nbase,
		const char *base_name)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->has_before = nbase > 0;
	if (nbase > 1)
		snprintf(t->before_name, sizeof(t->before_name),
			 "%.100s and %zu more", base_name, nbase - 1);
	else
		snprintf(t->before_name, sizeof(t->before_name), "%s",
			 base_name ? base_name : "");
	for (i = 0; i < nbase; i++)
		if (collect(t, base[i], true))
			return -1;
	return collect(t, cur, false);
}

void delta_free(struct delta_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static size_t rmw_contexts(const struct dt_side *s, bool *plain)
{
	size_t i, k, n = 0;

	*plain = false;
	for (i = 0; i < s->nc; i++) {
		if (!s->c[i].rmw)
			continue;
		n++;
		for (k = 0; k < s->c[i].nf; k++)
			*plain |= s->c[i].f[k].plain && !s->c[i].f[k].init;
	}
	return n;
}

const char *delta_action(const struct dt_row *r, char *buf, size_t len)
{
	const struct dt_side *s = &r->now;
	size_t n, off;
	bool plain;

	if (!s->present) {
		snprintf(buf, len, "not written in this run");
		return buf;
	}
	n = rmw_contexts(s, &plain);
	off = snprintf(buf, len, "%s", n > 1 && plain ? "convert to atomic_t" :
		       n > 1 ? "OK: atomic" : "OK: single writer");
	if (s->stale && off < len)
		snprintf(buf + off, len - off,
			 "; check the timer decision (%" PRIu64 " stale)",
			 s->stale);
	return buf;
}

/* "kthread:bes2600_bh (wsm_alloc_tx_buffer, ...)", new contexts with "+ ". */
static void print_writers(FILE *f, const struct dt_side *s,
			  const struct dt_side *before, const char *sep)
{
	size_t i, k;

	if (!s->present) {
		fprintf(f, "(not written)");
		return;
	}
	for (i = 0; i < s->nc; i++) {
		const struct dt_ctx *c = &s->c[i];
		bool is_new = before && before->present;
		size_t j;

		for (j = 0; is_new && j < before->nc; j++)
			if (!strcmp(before->c[j].name, c->name))
				is_new = false;
		fprintf(f, "%s%s%s (", i ? sep : "", is_new ? "+ " : "",
			c->name);
		for (k = 0; k < c->nf; k++)
			fprintf(f, "%s%s%s", k ? ", " : "", c->f[k].name,
				c->f[k].init ? " init" : "");
		fprintf(f, ")");
	}
	if (!s->nc)
		fprintf(f, "(no writer)");
}

static void print_protection(FILE *f, const struct dt_side *s)
{
	bool plain = false, atomic = false;
	size_t i, k, n = 0;

	for (i = 0; i < s->nc; i++) {
		n += s->c[i].rmw;
		for (k = 0; k < s->c[i].nf; k++) {
			if (s->c[i].f[k].init)
				continue;
			plain |= s->c[i].f[k].plain;
			atomic |= s->c[i].f[k].atomic;
		}
	}
	fprintf(f, "%s", plain && atomic ? "plain and atomic sites" :
		plain ? "plain" : atomic ? "atomic" : "stores only");
	if (n > 1)
		fprintf(f, "; %zu contexts, interleaved %" PRIu64 " times", n,
			s->handovers);
	else
		fprintf(f, "; %zu context", n);
}

void delta_print_text(FILE *f, const struct delta_table *t)
{
	char act[128];
	size_t i;

	fprintf(f, "\nSHARED STATE (written by %s; protection; action needed):\n",
		t->has_before ? "before -> now" : "this run");
	for (i = 0; i < t->n; i++) {
		const struct dt_row *r = &t->rows[i];

		fprintf(f, "  %s\n", r->counter);
		if (t->has_before) {
			fprintf(f, "    before:     ");
			print_writers(f, &r->before, NULL, ", ");
			fprintf(f, "\n    now:        ");
			print_writers(f, &r->now, &r->before, ", ");
		} else {
			fprintf(f, "    written by: ");
			print_writers(f, &r->now, NULL, ", ");
		}
		fprintf(f, "\n    protection: ");
		print_protection(f, &r->now);
		fprintf(f, "\n    action:     %s\n",
			delta_action(r, act, sizeof(act)));
	}
}

void delta_print_md(FILE *f, const struct delta_table *t)
{
	char act[128];
	size_t i;

	if (t->has_before)
		fprintf(f, "Shared-state delta table: before = %s, now = this run (bes2600-top audit).\n\n| counter | written by (before) | written by (now) | protection (now) | action needed |\n|---|---|---|---|---|\n",
			t->before_name);
	else
		fprintf(f, "Shared-state table of one run (bes2600-top audit).\n\n| counter | written by | protection | action needed |\n|---|---|---|---|\n");
	for (i = 0; i < t->n; i++) {
		const struct dt_row *r = &t->rows[i];

		fprintf(f, "| `%s` | ", r->counter);
		if (t->has_before) {
			print_writers(f, &r->before, NULL, "; ");
			fprintf(f, " | ");
		}
		print_writers(f, &r->now, t->has_before ? &r->before : NULL,
			      "; ");
		fprintf(f, " | ");
		print_protection(f, &r->now);
		fprintf(f, " | %s |\n", delta_action(r, act, sizeof(act)));
	}
}

static void json_side(struct jw *w, const char *key, const struct dt_side *s)
{
	size_t i, k;

	if (!s->present) {
		jw_null(w, key);
		return;
	}
	jw_obj(w, key);
	jw_arr(w, "writers");
	for (i = 0; i < s->nc; i++) {
		jw_obj(w, NULL);
		jw_str(w, "context", s->c[i].name);
		jw_bool(w, "read_modify_write", s->c[i].rmw);
		jw_arr(w, "functions");
		for (k = 0; k < s->c[i].nf; k++) {
			const struct dt_func *fn = &s->c[i].f[k];

			jw_obj(w, NULL);
			jw_str(w, "function", fn->name);
			jw_str(w, "kind", fn->init ? "init" :
			       fn->plain && fn->atomic ? "plain+atomic" :
			       fn->plain ? "plain" : "atomic");
			jw_end(w, '}');
		}
		jw_end(w, ']');
		jw_end(w, '}');
	}
	jw_end(w, ']');
	jw_uint(w, "handovers", s->handovers);
	jw_uint(w, "stale_timer_decisions", s->stale);
	jw_end(w, '}');
}

void delta_json(struct jw *w, const struct delta_table *t)
{
	char act[128];
	size_t i;

	jw_obj(w, "delta_table");
	if (t->has_before)
		jw_str(w, "before", t->before_name);
	else
		jw_null(w, "before");
	jw_arr(w, "rows");
	for (i = 0; i < t->n; i++) {
		const struct dt_row *r = &t->rows[i];

		jw_obj(w, NULL);
		jw_str(w, "counter", r->counter);
		json_side(w, "before", &r->before);
		json_side(w, "now", &r->now);
		jw_str(w, "action", delta_action(r, act, sizeof(act)));
		jw_end(w, '}');
	}
	jw_end(w, ']');
	jw_end(w, '}');
}
