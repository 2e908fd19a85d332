/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small JSON writer: nested objects and arrays, indented, with strings
 * escaped (control characters, quotes, backslashes; bytes that are not
 * UTF-8 become \u00XX so the output is always valid JSON).
 */
#ifndef __BES2600_JSONW_H
#define __BES2600_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

struct jw {
	FILE *f;
	int depth;
	bool first[JW_MAX_DEPTH];
};

void jw_init(struct jw *w, FILE *f);
/* key is NULL inside arrays and for the top level. */
void jw_obj(struct jw *w, const char *key);
void jw_arr(struct jw *w, const char *key);
void jw_end(struct jw *w, char close);	/* '}' or ']' */
void jw_str(struct jw *w, const char *key, const char *s);
void jw_int(struct jw *w, const char *key, int64_t v);
void jw_uint(struct jw *w, const char *key, uint64_t v);
/* NaN and infinities, which JSON lacks, are written as null. */
void jw_num(struct jw *w, const char *key, double v, int prec);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
/* Escapes s as a JSON string (with its quotes) to f. */
void jw_escape(FILE *f, const char *s);

#endif /* __BES2600_JSONW_H */
