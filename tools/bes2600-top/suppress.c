// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Suppressions (see suppress.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis.h"
#include "names.h"
#include "suppress.h"
#include "symbols.h"

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int suppress_load(struct suppressions *s, const char *path, char *err,
		  size_t errlen)
{
	char *line = NULL, *p, *colon;
	size_t linecap = 0, cap = 0;
	int lineno = 0, cls;
	struct stat st;
	ssize_t len;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "cannot open suppressions %s: %s", path,
			 strerror(errno));
		return -1;
	}
	errno = 0;
	if (fstat(fileno(f), &st) || S_ISDIR(st.st_mode)) {
		int e = errno;

		snprintf(err, errlen, "cannot read suppressions %s: %s", path,
			 strerror(e ? e : EISDIR));
		fclose(f);
		return -1;
	}
	s->path = strdup(path);
	/* Whole lines: a long one is refused, never split into two rules. */
	while ((len = getline(&line, &linecap, f)) >= 0) {
		struct suppression *v;

		lineno++;
		if (len > SUPPRESS_MAX_LINE ||
		    (len == SUPPRESS_MAX_LINE && line[len - 1] != '\n')) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes",
				 path, lineno, SUPPRESS_MAX_LINE - 1);
			goto fail;
		}
		if (strlen(line) != (size_t)len) {
			snprintf(err, errlen, "%s:%d: NUL byte in the line",
				 path, lineno);
			goto fail;
		}
		if (lineno > SUPPRESS_MAX_LINES) {
			snprintf(err, errlen, "%s:%d: more than %d lines",
				 path, lineno, SUPPRESS_MAX_LINES);
			goto fail;
		}
		p = trim(line);
		if (!*p || *p == '#')
			continue;
		colon = strchr(p, ':');
		if (!colon) {
			snprintf(err, errlen, "%s:%d: expected class:pattern",
				 path, lineno);
			goto fail;
		}
		*colon = '\0';
		p = trim(p);
		if (!strcmp(p, "*")) {
			cls = -1;
		} else if ((cls = finding_class_parse(p)) < 0) {
			snprintf(err, errlen, "%s:%d: unknown class '%.64s' (non-atomic-cross-context, lost-update, underflow, overflow, drift, check-then-act or *)",
				 path, lineno, p);
			goto fail;
		}
		p = trim(colon + 1);
		if (!*p) {
			snprintf(err, errlen, "%s:%d: empty pattern", path,
				 lineno);
			goto fail;
		}
		if (s->n == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(s->v, cap * sizeof(*v));
			if (!v)
				goto oom;
			s->v = v;
		}
		v = s->v;
		v[s->n].cls = cls;
		v[s->n].line = lineno;
		v[s->n].hits = 0;
		v[s->n].pattern = strdup(p);
		if (!v[s->n].pattern)
			goto oom;
		s->n++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read suppressions %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	free(line);
	fclose(f);
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	free(line);
	fclose(f);
	suppress_free(s);
	return -1;
}

static bool match(const char *pattern, const char *subject)
{
	return !fnmatch(pattern, subject, 0) || !strcmp(pattern, subject);
}

/* A call site as "f+0x1c [m]", "f+0x1c" and "f". */
static int site_subjects(char (*out)[NAME_LEN], uint64_t site,
			 struct symtab *syms)
{
	char *p;

	site_name(out[0], NAME_LEN, site, syms);
	memcpy(out[1], out[0], NAME_LEN);
	p = strstr(out[1], " [");
	if (p)
		*p = '\0';
	memcpy(out[2], out[1], NAME_LEN);
	p = strchr(out[2], '+');
	if (p)
		*p = '\0';
	return 3;
}

void suppress_apply(struct suppressions *s, struct analysis *a,
		    struct symtab *syms)
{
	char subj[10][NAME_LEN];
	size_t i, r;
	int n, k;

	for (i = 0; s && i < a->findings.n; i++) {
		struct finding *x = &a->findings.v[i];
		const struct an_instance *in = a->inst[x->inst];

		n = 0;
		instance_name(subj[n++], NAME_LEN, in);
		snprintf(subj[n++], NAME_LEN, "%s",
			 counter_base_name(in->counter));
		if (x->a.valid) {
			ctx_name(subj[n++], NAME_LEN, a, x->a.ctx, syms);
			n += site_subjects(&subj[n], x->a.site, syms);
		}
		if (x->b.valid) {
			ctx_name(subj[n++], NAME_LEN, a, x->b.ctx, syms);
			n += site_subjects(&subj[n], x->b.site, syms);
		}
		for (r = 0; r < s->n && !x->suppressed; r++) {
			struct suppression *rule = &s->v[r];

			if (rule->cls >= 0 && rule->cls != (int)x->cls)
				continue;
			for (k = 0; k < n; k++) {
				if (match(rule->pattern, subj[k])) {
					x->suppressed = true;
					rule->hits++;
					break;
				}
			}
		}
	}
}

void suppress_print(FILE *f, const struct suppressions *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		fprintf(f, "suppression %s:%d %s:%s matched %" PRIu64 " %s\n",
			s->path, s->v[i].line,
			s->v[i].cls < 0 ? "*" : finding_class_name(s->v[i].cls),
			s->v[i].pattern, s->v[i].hits,
			s->v[i].hits == 1 ? "finding" : "findings");
}

void suppress_free(struct suppressions *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].pattern);
	free(s->v);
	free(s->path);
	memset(s, 0, sizeof(*s));
}
