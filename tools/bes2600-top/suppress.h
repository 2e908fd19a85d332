/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Suppressions, ThreadSanitizer style: a file of "class:pattern" lines,
 * "#" starting a comment line.  class is a finding class name or "*";
 * pattern is an fnmatch(3) glob matched against the counter name
 * ("hw_bufs_used_vif[1]" and "hw_bufs_used_vif"), either context
 * ("work:sdio_rx_work") or either call site ("wsm_release_tx_buffer+0x4a
 * [bes2600_lab]", "wsm_release_tx_buffer+0x4a", "wsm_release_tx_buffer").
 * A pattern equal to a subject matches too, so "[1]" needs no escaping.
 * Limits: lines of at most SUPPRESS_MAX_LINE - 1 bytes, no NUL byte, at
 * most SUPPRESS_MAX_LINES lines; past them the file is refused, naming
 * the line.
 */
#ifndef __BES2600_SUPPRESS_H
#define __BES2600_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SUPPRESS_MAX_LINE 1024
#define SUPPRESS_MAX_LINES 100000

struct analysis;
struct symtab;

struct suppression {
	int cls;		/* enum finding_class, -1 for any */
	char *pattern;
	int line;
	uint64_t hits;		/* findings it suppressed */
};

struct suppressions {
	struct suppression *v;
	size_t n;
	char *path;
};

/* 0, or -1 with "FILE:LINE: reason" in err. */
int suppress_load(struct suppressions *s, const char *path, char *err,
		  size_t errlen);
/* Marks the findings the rules match as suppressed. */
void suppress_apply(struct suppressions *s, struct analysis *a,
		    struct symtab *syms);
/* The rules and how many findings each suppressed (for -v). */
void suppress_print(FILE *f, const struct suppressions *s);
void suppress_free(struct suppressions *s);

#endif /* __BES2600_SUPPRESS_H */
