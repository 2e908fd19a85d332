// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Deduplicated findings (see findings.h).  There are few distinct ones,
 * so a linear search over them is enough.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

static const char *const class_names[FC_NR] = {
	[FC_NON_ATOMIC_CROSS_CONTEXT] = "non-atomic-cross-context",
	[FC_LOST_UPDATE] = "lost-update",
	[FC_UNDERFLOW] = "underflow",
	[FC_OVERFLOW] = "overflow",
	[FC_DRIFT] = "drift",
	[FC_CHECK_THEN_ACT] = "check-then-act",
};

const char *finding_class_name(enum finding_class c)
{
	return c < FC_NR ? class_names[c] : "unknown";
}

int finding_class_parse(const char *s)
{
	int i;

	for (i = 0; i < FC_NR; i++)
		if (!strcmp(s, class_names[i]))
			return i;
	return -1;
}

bool finding_class_is_error(enum finding_class c)
{
	return c != FC_CHECK_THEN_ACT;
}

static bool same_site(const struct finding_path *x,
		      const struct finding_path *y)
{
	return x->ctx == y->ctx && x->site == y->site;
}

static bool same_key(const struct finding *f, enum finding_class cls,
		     uint32_t inst, const struct finding_path *a,
		     const struct finding_path *b, bool pair)
{
	if (f->cls != cls || f->inst != inst)
		return false;
	/* One finding per unordered pair of sites: hand-overs go both ways. */
	if (cls == FC_NON_ATOMIC_CROSS_CONTEXT && a && b &&
	    same_site(&f->a, b) && same_site(&f->b, a))
		return true;
	if (a && (f->a.ctx != a->ctx || f->a.site != a->site))
		return false;
	if (pair && b && (f->b.ctx != b->ctx || f->b.site != b->site))
		return false;
	return true;
}

struct finding *findings_note(struct findings *f, enum finding_class cls,
			      uint32_t inst, const struct finding_path *a,
			      const struct finding_path *b, bool pair,
			      uint64_t ts)
{
	struct finding *x;
	size_t i;

	/* The newest findings repeat most: look from the end. */
	for (i = f->n; i-- > 0;) {
		x = &f->v[i];
		if (!same_key(x, cls, inst, a, b, pair))
			continue;
		x->count++;
		if (ts < x->first_ts)
			x->first_ts = ts;
		if (ts > x->last_ts)
			x->last_ts = ts;
		return x;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct finding *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		f->v = v;
		f->cap = cap;
	}
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	x->cls = cls;
	x->inst = inst;
	if (a)
		x->a = *a;
	if (b)
		x->b = *b;
	x->count = 1;
	x->first_ts = x->last_ts = ts;
	return x;
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;

	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if (a->first_ts != b->first_ts)
		return a->first_ts < b->first_ts ? -1 : 1;
	if (a->inst != b->inst)
		return a->inst < b->inst ? -1 : 1;
	return 0;
}

void findings_sort(struct findings *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), cmp_finding);
}

void findings_free(struct findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
