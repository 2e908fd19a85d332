/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bes2600-top audit: the one-shot race audit.  Exit status 0: no
 * error-class finding; 1: at least one; 2: the audit could not run.
 */
#ifndef __BES2600_AUDIT_H
#define __BES2600_AUDIT_H

#include <stdint.h>
#include <stdio.h>

#include "live.h"

enum {
	AUDIT_CLEAN = 0,
	AUDIT_FINDINGS = 1,
	AUDIT_FAILED = 2,
};

/* argv[0] is "audit"; the report goes to stdout, reasons to stderr. */
int audit_main(int argc, char **argv);
/* The same, with the report and the reasons sent where the caller says. */
int audit_cli(int argc, char **argv, FILE *out, FILE *err);

/* audit_run.c: feeding the analysis and the recorder, live or replayed. */
int audit_feed(struct audit_run *run, const struct bes2600_event *e);
/* Creates the analysis and, with --record, the record file. */
int audit_make_analysis(struct audit_run *run, uint64_t window_ns,
			int32_t capacity, uint32_t flags);
/* Reads a record file into the run: 0, or -1 with reason set. */
int audit_replay(struct audit_run *run, const char *path);
/* Writes the stacks and symbols the stream used, then the end chunk. */
int audit_close_record(struct audit_run *run);

#endif /* __BES2600_AUDIT_H */
