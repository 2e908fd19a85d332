// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON reader (see json.h): recursive descent with a depth limit.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define MAX_DEPTH 64
#define MAX_FILE (64u << 20)

struct parser {
	const char *s, *end;
	const char *at;
	const char *why;
	int depth;
};

void json_free(struct json *j)
{
	size_t i;

	if (!j)
		return;
	for (i = 0; i < j->n; i++) {
		json_free(j->kids[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->kids);
	free(j->keys);
	free(j->str);
	free(j);
}

static void *fail(struct parser *p, const char *why)
{
	if (!p->why) {
		p->why = why;
		p->at = p->s;
	}
	return NULL;
}

static void skip_ws(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' ||
				 *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static bool lit(struct parser *p, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n))
		return false;
	p->s += n;
	return true;
}

static int hex4(struct parser *p, unsigned int *v)
{
	int i;

	*v = 0;
	if (p->end - p->s < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = *p->s++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = 0xc0 | cp >> 6;
		o[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = 0xe0 | cp >> 12;
		o[1] = 0x80 | ((cp >> 6) & 0x3f);
		o[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	o[0] = 0xf0 | cp >> 18;
	o[1] = 0x80 | ((cp >> 12) & 0x3f);
	o[2] = 0x80 | ((cp >> 6) & 0x3f);
	o[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* A string at p->s (past its quote); escapes are never longer decoded. */
static char *parse_string(struct parser *p)
{
	const char *q = p->s;
	char *out, *o;
	unsigned int cp, lo;

	while (q < p->end && *q != '"')
		q += *q == '\\' && q + 1 < p->end ? 2 : 1;
	if (q >= p->end)
		return fail(p, "unterminated string");
	out = o = malloc(q - p->s + 1);
	if (!out)
		return fail(p, "out of memory");
	while (*p->s != '"') {
		unsigned char c = *p->s++;

		if (c < 0x20) {
			free(out);
			return fail(p, "control character in string");
		}
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		switch (*p->s++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(p, &cp))
				goto bad;
			/* A surrogate pair makes one code point. */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (!lit(p, "\\u") || hex4(p, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				goto bad;
			}
			if (!cp)
				goto bad;
			o += put_utf8(o, cp);
			break;
		default:
			goto bad;
		}
	}
	p->s++;
	*o = '\0';
	return out;
bad:
	free(out);
	return fail(p, "bad escape in string");
}

static struct json *parse_value(struct parser *p);

static int append(struct json *j, struct json *kid, char *key)
{
	struct json **k = realloc(j->kids, (j->n + 1) * sizeof(*k));

	if (!k)
		return -1;
	j->kids = k;
	if (j->type == JSON_OBJ) {
		char **ks = realloc(j->keys, (j->n + 1) * sizeof(*ks));

		if (!ks)
			return -1;
		j->keys = ks;
		j->keys[j->n] = key;
	}
	j->kids[j->n++] = kid;
	return 0;
}

static struct json *parse_container(struct parser *p, struct json *j,
				    char close)
{
	skip_ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		return j;
	}
	for (;;) {
		struct json *kid;
		char *key = NULL;

		skip_ws(p);
		if (close == '}') {
			if (p->s >= p->end || *p->s != '"')
				return fail(p, "expected a key");
			p->s++;
			key = parse_string(p);
			if (!key)
				return NULL;
			skip_ws(p);
			if (p->s >= p->end || *p->s != ':') {
				free(key);
				return fail(p, "expected ':'");
			}
			p->s++;
		}
		kid = parse_value(p);
		if (!kid || append(j, kid, key)) {
			json_free(kid);
			free(key);
			return fail(p, "out of memory");
		}
		skip_ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			return j;
		}
		return fail(p, close == '}' ? "expected ',' or '}'" :
					      "expected ',' or ']'");
	}
}

static struct json *parse_value(struct parser *p)
{
	struct json *j;
	char *endp;

	skip_ws(p);
	if (p->s >= p->end)
		return fail(p, "unexpected end");
	if (++p->depth > MAX_DEPTH)
		return fail(p, "nested too deeply");
	j = calloc(1, sizeof(*j));
	if (!j)
		return fail(p, "out of memory");
	switch (*p->s) {
	case '{':
	case '[':
		j->type = *p->s == '{' ? JSON_OBJ : JSON_ARR;
		p->s++;
		if (!parse_container(p, j, j->type == JSON_OBJ ? '}' : ']'))
			goto bad;
		break;
	case '"':
		p->s++;
		j->type = JSON_STR;
		j->str = parse_string(p);
		if (!j->str)
			goto bad;
		break;
	case 't':
	case 'f':
		j->type = JSON_BOOL;
		j->b = *p->s == 't';
		if (!lit(p, j->b ? "true" : "false"))
			goto bad_lit;
		break;
	case 'n':
		if (!lit(p, "null"))
			goto bad_lit;
		break;
	default: {
		/* strtod stops at the end of the number; copy to bound it. */
		char num[64];
		size_t n = 0;

		while (p->s + n < p->end && n < sizeof(num) - 1 &&
		       strchr("+-0123456789.eE", p->s[n]))
			n++;
		memcpy(num, p->s, n);
		num[n] = '\0';
		if (!n || !(num[0] == '-' || (num[0] >= '0' && num[0] <= '9')))
			goto bad_lit;
		j->type = JSON_NUM;
		j->num = strtod(num, &endp);
		if (*endp)
			goto bad_lit;
		p->s += n;
		break;
	}
	}
	p->depth--;
	return j;
bad_lit:
	fail(p, "unexpected character");
bad:
	json_free(j);
	return NULL;
}

struct json *json_parse(const char *text, size_t len, char *err,
			size_t errlen)
{
	struct parser p = { .s = text, .end = text + len };
	struct json *j = parse_value(&p);
	size_t line = 1;
	const char *c;

	if (j) {
		skip_ws(&p);
		if (p.s != p.end) {
			json_free(j);
			j = fail(&p, "trailing data");
		}
	}
	if (!j) {
		for (c = text; c < p.at; c++)
			line += *c == '\n';
		snprintf(err, errlen, "%s at line %zu",
			 p.why ? p.why : "invalid JSON", line);
	}
	return j;
}

struct json *json_load(const char *path, char *err, size_t errlen)
{
	char why[128], *text = NULL;
	size_t len = 0, cap = 0, n;
	struct json *j = NULL;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	do {
		if (len == cap) {
			char *t;

			cap = cap ? cap * 2 : 65536;
			t = cap <= MAX_FILE ? realloc(text, cap) : NULL;
			if (!t) {
				snprintf(err, errlen, "%s: too large", path);
				goto out;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read %s", path);
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

const struct json *json_get(const struct json *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->kids[i];
	return NULL;
}

const struct json *json_at(const struct json *arr, size_t i)
{
	if (!arr || arr->type != JSON_ARR || i >= arr->n)
		return NULL;
	return arr->kids[i];
}

size_t json_len(const struct json *arr)
{
	return arr && arr->type == JSON_ARR ? arr->n : 0;
}

double json_num(const struct json *j, double dflt)
{
	return j && j->type == JSON_NUM ? j->num : dflt;
}

const char *json_str(const struct json *j, const char *dflt)
{
	return j && j->type == JSON_STR ? j->str : dflt;
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
