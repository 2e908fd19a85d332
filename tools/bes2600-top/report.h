/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The audit's report: text that reads like a KCSAN report made for
 * counters (report.c), and JSON for scripts (report_json.c, documented in
 * docs/audit-json.md).  Both read a finished analysis.
 */
#ifndef __BES2600_REPORT_H
#define __BES2600_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "findings.h"

struct analysis;
struct an_instance;
struct symtab;
struct driver_events;
struct delta_table;

#define AUDIT_JSON_SCHEMA 1

/* Where the stream came from and how it was analysed. */
struct report_meta {
	const char *source;		/* "live" or "replay" */
	const char *file;		/* replayed or recorded file, or NULL */
	const char *release;		/* kernel of the recording machine */
	const char *machine;
	const char *driver;		/* live: module with the events */
	const char *attach_mode;	/* live: tp_btf or raw_tp */
	uint64_t start_realtime_ns;
	uint64_t window_ns;
	int32_t capacity;		/* --capacity, 0: the driver's */
	const struct driver_events *events;	/* live: what it has */
	const struct delta_table *delta;	/* the shared-state table */
	const char *command;		/* -- COMMAND, or NULL */
	int command_status;		/* its exit status, -1 when none */
	bool syms_restricted;		/* kallsyms showed zero addresses */
	bool verbose;			/* also list suppressed findings */
};

/* Instances in report order (counter, idx, hw); caller frees. */
struct an_instance **report_instances(const struct analysis *a);
/* Findings of class c: total, occurrences, suppressed. */
void report_count(const struct analysis *a, enum finding_class c,
		  size_t *findings, uint64_t *occurrences, size_t *suppressed);
/* "--capacity", "driver" or "none": where the instance's bound is from. */
const char *report_capacity_source(const struct analysis *a,
				   const struct an_instance *in);
/* Seconds since the start of the audit. */
double report_secs(const struct analysis *a, uint64_t ts);

void report_text(FILE *f, const struct analysis *a, struct symtab *syms,
		 const struct report_meta *m);
void report_json(FILE *f, const struct analysis *a, struct symtab *syms,
		 const struct report_meta *m);

#endif /* __BES2600_REPORT_H */
