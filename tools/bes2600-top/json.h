/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small, tolerant JSON reader for our own reports (--baseline): parses
 * any valid JSON into a tree; lookups of missing keys or wrong types give
 * NULL or a default instead of failing.
 */
#ifndef __BES2600_JSON_H
#define __BES2600_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json {
	enum json_type type;
	bool b;
	double num;
	char *str;		/* JSON_STR, NUL-terminated UTF-8 */
	struct json **kids;	/* JSON_ARR, JSON_OBJ */
	char **keys;		/* JSON_OBJ */
	size_t n;
};

/* NULL with a reason (and where) in err. */
struct json *json_parse(const char *text, size_t len, char *err,
			size_t errlen);
/* Reads and parses a whole file. */
struct json *json_load(const char *path, char *err, size_t errlen);
void json_free(struct json *j);

const struct json *json_get(const struct json *obj, const char *key);
const struct json *json_at(const struct json *arr, size_t i);
size_t json_len(const struct json *arr);
double json_num(const struct json *j, double dflt);
const char *json_str(const struct json *j, const char *dflt);
/* A path of object keys: json_path(j, "phase7", "mb_per_s", NULL). */
const struct json *json_path(const struct json *j, ...);

#endif /* __BES2600_JSON_H */
