// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON reader (see json.h): jansson's tree, seen through struct json.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"

/* struct json is never defined: a pointer to it is a json_t. */
#define J(j) ((json_t *)(j))
#define CJ(j) ((const json_t *)(j))

static size_t depth_of(const json_t *j, size_t limit)
{
	size_t d = 0, k, i;
	const char *key;
	json_t *v;

	if (!limit)
		return 1;
	if (json_is_array(j)) {
		json_array_foreach(J(j), i, v) {
			k = depth_of(v, limit - 1);
			d = k > d ? k : d;
		}
	} else if (json_is_object(j)) {
		json_object_foreach(J(j), key, v) {
			k = depth_of(v, limit - 1);
			d = k > d ? k : d;
		}
	} else {
		return 0;
	}
	return d + 1;
}

struct json *json_parse(const char *text, size_t len, char *err,
			size_t errlen)
{
	json_error_t e;
	json_t *j;

	const char *nul = memchr(text, '\0', len);

	if (len > JSON_MAX_FILE) {
		snprintf(err, errlen, "larger than %u bytes", JSON_MAX_FILE);
		return NULL;
	}
	/* jansson reads on past a raw NUL byte; JSON has none. */
	if (nul) {
		snprintf(err, errlen, "NUL byte at offset %zu", (size_t)(nul - text));
		return NULL;
	}
	/* Integers as doubles: a u64 beyond int64 is a number, not an error. */
	j = json_loadb(text, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL |
		       JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		snprintf(err, errlen, "%s at line %d", e.text, e.line);
		return NULL;
	}
	/* jansson's own limit is deeper (2048); ours keeps lookups cheap. */
	if (depth_of(j, JSON_MAX_DEPTH + 1) > JSON_MAX_DEPTH) {
		json_decref(j);
		snprintf(err, errlen, "nested more than %d deep", JSON_MAX_DEPTH);
		return NULL;
	}
	return (struct json *)j;
}

struct json *json_load(const char *path, char *err, size_t errlen)
{
	char why[200], *text = NULL;
	struct json *j = NULL;
	struct stat st;
	size_t len;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((unsigned long long)st.st_size > JSON_MAX_FILE) {
		snprintf(err, errlen, "%s: larger than %u bytes", path,
			 JSON_MAX_FILE);
		goto out;
	}
	text = malloc(st.st_size + 1);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	len = fread(text, 1, st.st_size + 1, f);
	if (ferror(f) || len > (size_t)st.st_size) {
		snprintf(err, errlen, "cannot read %s%s", path,
			 ferror(f) ? "" : ": it grew while being read");
		goto out;
	}
	j = json_parse(text, len, why, sizeof(why));
	if (!j)
		snprintf(err, errlen, "%s: not valid JSON: %s", path, why);
out:
	free(text);
	fclose(f);
	return j;
}

void json_free(struct json *j)
{
	json_decref(J(j));
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (!obj || !json_is_object(CJ(obj)))
		return NULL;
	return (const struct json *)json_object_get(CJ(obj), key);
}

const struct json *json_at(const struct json *arr, size_t i)
{
	if (!arr || !json_is_array(CJ(arr)))
		return NULL;
	return (const struct json *)json_array_get(CJ(arr), i);
}

size_t json_len(const struct json *arr)
{
	return arr && json_is_array(CJ(arr)) ? json_array_size(CJ(arr)) : 0;
}

bool json_is_num(const struct json *j)
{
	return j && json_is_number(CJ(j));
}

double json_num(const struct json *j, double dflt)
{
	return json_is_num(j) ? json_number_value(CJ(j)) : dflt;
}

const char *json_str(const struct json *j, const char *dflt)
{
	return j && json_is_string(CJ(j)) ? json_string_value(CJ(j)) : dflt;
}

bool json_truthy(const struct json *j)
{
	return j && json_is_true(CJ(j));
}

const struct json *json_path(const struct json *j, ...)
{
	const char *key;
	va_list ap;

	va_start(ap, j);
	while (j && (key = va_arg(ap, const char *)))
		j = json_get(j, key);
	va_end(ap);
	return j;
}
