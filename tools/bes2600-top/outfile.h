/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Output files that cost nothing when a run fails: a regular file is
 * written to a temporary file beside it and renamed over it only by
 * outfile_commit(); a special file (a device, a pipe, "-" for stdout) is
 * written to directly and never replaced or removed.  The tool removes
 * only the temporary files it made.
 */
#ifndef __BES2600_OUTFILE_H
#define __BES2600_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct outfile {
	const char *path;	/* as given */
	char *real;		/* the file a symbolic link names, or NULL */
	char *tmp;		/* the temporary file, NULL for a special one */
	FILE *f;
	bool special;
};

/* 0, or -1 with the reason in why. */
int outfile_open(struct outfile *o, const char *path, bool binary,
		 char *why, size_t whylen);
/* Closes, then renames into place; -1 with the reason in why. */
int outfile_commit(struct outfile *o, char *why, size_t whylen);
/* Closes and removes the temporary file; the target is left as it was. */
void outfile_abort(struct outfile *o);

/*
 * Whether two paths name one file: the same device and inode when both
 * exist, else the same directory (resolved) and name.  For refusing an
 * output that is an input, or two outputs that are one file.
 */
bool path_same_file(const char *a, const char *b);
/* Whether path is a special file (not regular, not absent) or "-". */
bool path_is_special(const char *path);

#endif /* __BES2600_OUTFILE_H */
