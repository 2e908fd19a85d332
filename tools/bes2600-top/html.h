/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --html: a self-contained HTML report: the summary, per counter instance
 * an SVG timeline of its value (each write coloured by its context while
 * there are few, else min..max per pixel column in the colour of the
 * context with the most writes there; findings marked in red), and the
 * text report as the terminal has it.  The writes come from a record
 * file, read once the analysis is finished (as perfetto.h's).
 */
#ifndef __BES2600_HTML_H
#define __BES2600_HTML_H

#include <stddef.h>

struct analysis;
struct report_meta;
struct symtab;

/* 0, or -1 with the reason in why; path is renamed into place whole. */
int html_write(const char *path, const char *record, const struct analysis *a,
	       struct symtab *syms, const struct report_meta *m, char *why,
	       size_t whylen);

#endif /* __BES2600_HTML_H */
