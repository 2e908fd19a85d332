/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The JSON reader for our own reports (--baseline, compare): Debian's
 * jansson underneath, behind lookups that give NULL or a default for a
 * missing key or a wrong type instead of failing.  Numbers are doubles.
 * Limits: files of at most JSON_MAX_FILE bytes, nesting of at most
 * JSON_MAX_DEPTH; jansson refuses invalid UTF-8, NUL (raw or \u0000),
 * duplicate keys and trailing data.
 */
#ifndef __BES2600_JSON_H
#define __BES2600_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_FILE (16u << 20)
#define JSON_MAX_DEPTH 64

/* A value of the tree; opaque. */
struct json;

/* NULL with a reason (and where) in err. */
struct json *json_parse(const char *text, size_t len, char *err,
			size_t errlen);
/* Reads and parses a whole regular file. */
struct json *json_load(const char *path, char *err, size_t errlen);
void json_free(struct json *j);

const struct json *json_get(const struct json *obj, const char *key);
const struct json *json_at(const struct json *arr, size_t i);
size_t json_len(const struct json *arr);
bool json_is_num(const struct json *j);
double json_num(const struct json *j, double dflt);
const char *json_str(const struct json *j, const char *dflt);
/* Whether j is true (false for any other value or NULL). */
bool json_truthy(const struct json *j);
/* A path of object keys: json_path(j, "phase7", "mb_per_s", NULL). */
const struct json *json_path(const struct json *j, ...);

#endif /* __BES2600_JSON_H */
