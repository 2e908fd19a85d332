// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel symbol table (see symbols.h): an array sorted by address, names
 * in a string pool, looked up by binary search.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <sys/stat.h>

#include "names.h"
#include "symbols.h"

/* Without a known size, an offset past this is no longer the symbol's. */
#define SYM_MAX_GUESS 0x100000

struct symtab {
	struct sym *v;
	size_t n, cap;
	char **pool;		/* one allocation per string block */
	size_t npool;
	char *cur;
	size_t left;
	bool sorted;
	bool restricted;
	const volatile sig_atomic_t *cancel;
};

struct symtab *symtab_new(void)
{
	return calloc(1, sizeof(struct symtab));
}

void symtab_free(struct symtab *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->npool; i++)
		free(t->pool[i]);
	free(t->pool);
	free(t->v);
	free(t);
}

static char *intern(struct symtab *t, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	if (len > t->left) {
		size_t sz = len > 65536 ? len : 65536;
		char **v = realloc(t->pool, (t->npool + 1) * sizeof(*v));

		if (!v)
			return NULL;
		t->pool = v;
		p = malloc(sz);
		if (!p)
			return NULL;
		t->pool[t->npool++] = p;
		t->cur = p;
		t->left = sz;
	}
	p = t->cur;
	memcpy(p, s, len);
	t->cur += len;
	t->left -= len;
	return p;
}

int symtab_add(struct symtab *t, uint64_t addr, uint64_t size,
	       const char *name, const char *module)
{
	struct sym *s;
	char *n, *m;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct sym *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	s = &t->v[t->n];
	s->addr = addr;
	s->size = size;
	n = intern(t, name);
	m = module && *module ? intern(t, module) : NULL;
	if (!n || (module && *module && !m))
		return -1;
	/* A record's symbols are anyone's bytes. */
	text_printable(n);
	if (m)
		text_printable(m);
	s->name = n;
	s->module = m;
	t->n++;
	t->sorted = false;
	return 0;
}

static int cmp_sym(const void *pa, const void *pb)
{
	const struct sym *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	/* Prefer the entry with a size (from a record), then by name. */
	if (!!a->size != !!b->size)
		return a->size ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void sort(struct symtab *t)
{
	if (t->sorted)
		return;
	/* qsort's base must not be NULL, even for no element. */
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_sym);
	t->sorted = true;
}

long symtab_load_kallsyms(struct symtab *t, const char *path)
{
	char *line = NULL, name[256], mod[128], type;
	unsigned long long addr;
	long added = 0, zero = 0, seen = 0;
	FILE *f = fopen(path, "re");
	size_t cap = 0;
	struct stat st;

	if (!f)
		return -1;
	/* fopen() opens a directory; reading it would look like no symbol. */
	errno = 0;
	if (fstat(fileno(f), &st) || S_ISDIR(st.st_mode)) {
		int e = errno;

		fclose(f);
		errno = e ? e : EISDIR;
		return -1;
	}
	/* Whole lines: a long one is skipped, never read as two. */
	while (getline(&line, &cap, f) >= 0) {
		int n;

		if (t->cancel && *t->cancel) {
			free(line);
			fclose(f);
			errno = EINTR;
			return -1;
		}
		mod[0] = '\0';
		n = sscanf(line, "%llx %c %255s [%127[^]]]", &addr, &type,
			   name, mod);
		if (n < 3)
			continue;
		seen++;
		if (!addr) {
			zero++;
			continue;
		}
		/* Call sites, work functions and stacks are all text. */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (symtab_add(t, addr, 0, name, mod)) {
			free(line);
			fclose(f);
			errno = ENOMEM;
			return -1;
		}
		added++;
	}
	free(line);
	fclose(f);
	if (seen && zero == seen)
		t->restricted = true;
	/*
	 * Sorted now, at start-up: the first lookup would otherwise sort
	 * 100k+ symbols in the middle of a live session.
	 */
	sort(t);
	return added;
}

void symtab_set_cancel(struct symtab *t, const volatile sig_atomic_t *flag)
{
	t->cancel = flag;
}

bool symtab_restricted(const struct symtab *t)
{
	return t->restricted;
}

size_t symtab_count(const struct symtab *t)
{
	return t->n;
}

const struct sym *symtab_lookup(struct symtab *t, uint64_t addr)
{
	size_t lo = 0, hi, i;
	const struct sym *s;
	uint64_t end;

	sort(t);
	hi = t->n;
	/* The last symbol starting at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	i = lo - 1;
	/* Aliases share an address: take the first of them. */
	while (i > 0 && t->v[i - 1].addr == t->v[i].addr)
		i--;
	s = &t->v[i];
	if (s->size) {
		end = s->addr + s->size;
	} else {
		end = s->addr + SYM_MAX_GUESS;
		if (lo < t->n && t->v[lo].addr < end)
			end = t->v[lo].addr;
	}
	return addr < end ? s : NULL;
}

uint64_t symtab_size(struct symtab *t, const struct sym *s)
{
	size_t i = s - t->v;
	uint64_t end = s->addr + SYM_MAX_GUESS;

	if (s->size)
		return s->size;
	while (i < t->n && t->v[i].addr == s->addr)
		i++;
	if (i < t->n && t->v[i].addr < end)
		end = t->v[i].addr;
	return end - s->addr;
}

void symtab_format(struct symtab *t, uint64_t addr, char *buf, size_t len)
{
	const struct sym *s = t ? symtab_lookup(t, addr) : NULL;

	if (!s)
		snprintf(buf, len, "0x%" PRIx64, addr);
	else if (s->module)
		snprintf(buf, len, "%s+0x%" PRIx64 " [%s]", s->name,
			 addr - s->addr, s->module);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, s->name, addr - s->addr);
}

void symtab_name(struct symtab *t, uint64_t addr, char *buf, size_t len)
{
	const struct sym *s = t ? symtab_lookup(t, addr) : NULL;

	if (s && s->addr == addr)
		snprintf(buf, len, "%s", s->name);
	else
		symtab_format(t, addr, buf, len);
}

uint32_t symtab_modules_stamp(void)
{
	char buf[4096];
	uint32_t crc = 0;
	size_t n;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return 0;
	/* Sizes and reference counts change too: only names and addresses. */
	while (fgets(buf, sizeof(buf), f)) {
		char name[64];
		unsigned long long addr = 0;
		char *at = strstr(buf, " 0x");

		if (sscanf(buf, "%63s", name) != 1)
			continue;
		if (at)
			addr = strtoull(at + 1, NULL, 16);
		n = strlen(name);
		crc = crc32(crc, (const unsigned char *)name, n);
		crc = crc32(crc, (const unsigned char *)&addr, sizeof(addr));
	}
	fclose(f);
	return crc ? crc : 1;
}
