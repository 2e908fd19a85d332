// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The flight recorder (see flight.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "flight.h"
#include "record.h"
#include "symbols.h"

int flight_init(struct flight *f, double seconds)
{
	memset(f, 0, sizeof(*f));
	f->span_ns = seconds * 1e9;
	f->cap = 4096;
	f->v = malloc(f->cap * sizeof(*f->v));
	return f->v ? 0 : -1;
}

void flight_free(struct flight *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static const struct bes2600_event *at(const struct flight *f, size_t i)
{
	return &f->v[(f->head + i) % f->cap];
}

static void drop_oldest(struct flight *f)
{
	f->head = (f->head + 1) % f->cap;
	f->n--;
}

/* Doubles the ring, up to FLIGHT_MAX_EVENTS: 0, or -1 when it cannot. */
static int grow(struct flight *f)
{
	size_t cap = f->cap * 2, i;
	struct bes2600_event *v;

	if (cap > FLIGHT_MAX_EVENTS)
		return -1;
	v = malloc(cap * sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; i < f->n; i++)
		v[i] = *at(f, i);
	free(f->v);
	f->v = v;
	f->cap = cap;
	f->head = 0;
	return 0;
}

void flight_add(struct flight *f, const struct bes2600_event *e)
{
	if (e->ts_ns > f->newest)
		f->newest = e->ts_ns;
	/* Forget what fell out of the span (records are nearly sorted). */
	while (f->n && at(f, 0)->ts_ns + f->span_ns < f->newest)
		drop_oldest(f);
	/* Full and no room to grow: the oldest record goes. */
	if (f->n == f->cap && grow(f))
		drop_oldest(f);
	f->v[(f->head + f->n) % f->cap] = *e;
	f->n++;
}

/* Each symbol once: call sites and work functions of the records. */
static int add_symbols(struct recorder *r, const struct flight *f,
		       struct symtab *syms)
{
	const struct sym **seen = NULL;
	size_t n = 0, i, k;
	int ret = 0;

	seen = calloc(2 * f->n + 1, sizeof(*seen));
	if (!seen)
		return -1;
	for (i = 0; i < f->n && !ret; i++) {
		const struct bes2600_event *e = at(f, i);
		uint64_t addrs[2] = { e->ctx_func,
			e->type == BES2600_EV_COUNTER ? e->ctr.caller : 0 };
		int j;

		for (j = 0; j < 2; j++) {
			const struct sym *s = addrs[j] ?
				symtab_lookup(syms, addrs[j]) : NULL;

			if (!s)
				continue;
			for (k = 0; k < n && seen[k] != s; k++)
				;
			if (k < n)
				continue;
			seen[n++] = s;
			ret = recorder_symbol(r, s->addr, symtab_size(syms, s),
					      s->name, s->module);
		}
	}
	free(seen);
	return ret;
}

int flight_write(struct flight *f, const char *dir, struct symtab *syms,
		 uint64_t window_ns, char *path, size_t pathlen, char *err,
		 size_t errlen)
{
	struct rec_header h = { .window_ns = window_ns };
	struct recorder *r;
	struct timespec rt;
	struct utsname u;
	char stamp[32];
	size_t i;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &rt);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&rt.tv_sec));
	snprintf(path, pathlen, "%s/bes2600-flight-%s.%03ld.rec", dir, stamp,
		 rt.tv_nsec / 1000000);
	h.start_ns = f->n ? at(f, 0)->ts_ns : 0;
	h.start_realtime_ns = (uint64_t)rt.tv_sec * 1000000000ULL + rt.tv_nsec;
	if (!uname(&u)) {
		snprintf(h.release, sizeof(h.release), "%.63s", u.release);
		snprintf(h.machine, sizeof(h.machine), "%.31s", u.machine);
	}
	r = recorder_open(path, &h, err, errlen);
	if (!r)
		return -1;
	for (i = 0; i < f->n && !ret; i++)
		ret = recorder_event(r, at(f, i));
	if (!ret && syms)
		ret = add_symbols(r, f, syms);
	if (ret) {
		recorder_discard(r);
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	if (recorder_close(r, f->newest, err, errlen))
		return -1;
	return 0;
}
