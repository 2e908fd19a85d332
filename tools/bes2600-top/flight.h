/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The dashboard's flight recorder: the last N seconds of records in
 * memory, written on demand in the audit's record format so that
 * "bes2600-top audit --replay" can study the moments before a race.
 */
#ifndef __BES2600_FLIGHT_H
#define __BES2600_FLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include <bes2600/top_event.h>

/* At 100k events/s, 10 s: about 100 MiB at most. */
#define FLIGHT_MAX_EVENTS (1u << 20)

struct symtab;

struct flight {
	uint64_t span_ns;
	struct bes2600_event *v;
	size_t cap, head, n;	/* ring */
	uint64_t newest;
};

int flight_init(struct flight *f, double seconds);
void flight_free(struct flight *f);
void flight_add(struct flight *f, const struct bes2600_event *e);
/*
 * Writes what the ring holds to a new file "<dir>/bes2600-flight-<UTC
 * time>.rec" (name returned in path): 0, or -1 with a reason in err.
 */
int flight_write(struct flight *f, const char *dir, struct symtab *syms,
		 uint64_t window_ns, char *path, size_t pathlen, char *err,
		 size_t errlen);

#endif /* __BES2600_FLIGHT_H */
