/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --perfetto: the audit as a Perfetto trace (ui.perfetto.dev), in its
 * native protobuf format: a counter track per counter instance (its value
 * after each write), a track per context with each write an instant, the
 * sdio_rx_work runs as slices, the pending-count timer decisions, and
 * each finding, a lost update with a flow from the clobbered write to the
 * clobbering one.  docs/perfetto.md has the mapping.
 *
 * The events come from a record file (the audit's --record, the one it
 * replays, or a temporary one), read once the analysis is finished: the
 * tracks are the analysis's instances and contexts, the findings its own.
 */
#ifndef __BES2600_PERFETTO_H
#define __BES2600_PERFETTO_H

#include <stddef.h>
#include <stdint.h>

struct analysis;
struct symtab;

struct perfetto_stats {
	uint64_t packets, bytes;
};

/*
 * Writes the trace of record (analysed into a) to path, renamed into
 * place only when whole: 0, or -1 with the reason in why.
 */
int perfetto_write(const char *path, const char *record,
		   const struct analysis *a, struct symtab *syms,
		   struct perfetto_stats *st, char *why, size_t whylen);

#endif /* __BES2600_PERFETTO_H */
