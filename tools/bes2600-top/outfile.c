// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Output files: temporary, then renamed into place (see outfile.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

static void seterr(char *why, size_t len, const char *path, const char *what)
{
	snprintf(why, len, "cannot write %s: %s", path, what);
}

static mode_t umask_value(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

bool path_is_special(const char *path)
{
	struct stat st;

	if (!strcmp(path, "-"))
		return true;
	return !stat(path, &st) && !S_ISREG(st.st_mode);
}

int outfile_open(struct outfile *o, const char *path, bool binary,
		 char *why, size_t whylen)
{
	char *dir_copy, *base_copy;
	const char *target;
	struct stat st;
	int fd;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!strcmp(path, "-")) {
		o->special = true;
		o->f = stdout;
		return 0;
	}
	if (path_is_special(path)) {
		o->special = true;
		o->f = fopen(path, binary ? "wbe" : "we");
		if (!o->f) {
			seterr(why, whylen, path, strerror(errno));
			return -1;
		}
		return 0;
	}
	/* The file a link names is replaced, not the link. */
	if (!lstat(path, &st) && S_ISLNK(st.st_mode)) {
		o->real = realpath(path, NULL);
		if (!o->real) {
			seterr(why, whylen, path, strerror(errno));
			return -1;
		}
	}
	target = o->real ? o->real : path;
	/* rename() would replace a file the user may not write. */
	if (!access(target, F_OK) && access(target, W_OK)) {
		seterr(why, whylen, path, strerror(errno));
		outfile_abort(o);
		return -1;
	}
	dir_copy = strdup(target);
	base_copy = strdup(target);
	if (!dir_copy || !base_copy ||
	    asprintf(&o->tmp, "%s/.%s.XXXXXX", dirname(dir_copy),
		     basename(base_copy)) < 0) {
		o->tmp = NULL;
		free(dir_copy);
		free(base_copy);
		seterr(why, whylen, path, "out of memory");
		outfile_abort(o);
		return -1;
	}
	free(dir_copy);
	free(base_copy);
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		seterr(why, whylen, path, strerror(errno));
		/* Nothing was made: the template is no file of ours. */
		free(o->tmp);
		o->tmp = NULL;
		outfile_abort(o);
		return -1;
	}
	/* mkostemp makes it 0600; a report is as readable as any file. */
	fchmod(fd, 0666 & ~umask_value());
	o->f = fdopen(fd, binary ? "wb" : "w");
	if (!o->f) {
		seterr(why, whylen, path, strerror(errno));
		close(fd);
		outfile_abort(o);
		return -1;
	}
	return 0;
}

int outfile_commit(struct outfile *o, char *why, size_t whylen)
{
	int bad = 0, saved = 0;

	if (!o->f)
		return 0;
	if (o->f == stdout) {
		bad = fflush(stdout);
		saved = errno;
	} else {
		bad = ferror(o->f);
		if (fclose(o->f) && !bad) {
			bad = 1;
			saved = errno;
		}
	}
	o->f = NULL;
	if (bad) {
		seterr(why, whylen, o->path, saved ? strerror(saved) : "write error");
		outfile_abort(o);
		return -1;
	}
	if (o->tmp && rename(o->tmp, o->real ? o->real : o->path)) {
		seterr(why, whylen, o->path, strerror(errno));
		outfile_abort(o);
		return -1;
	}
	free(o->tmp);
	o->tmp = NULL;
	free(o->real);
	o->real = NULL;
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	free(o->real);
	o->real = NULL;
}

/* The resolved directory of path, and its last component. */
static int resolve(const char *path, char *out, size_t len)
{
	char *d = strdup(path), *b = strdup(path), *rd = NULL;
	int ret = -1;

	if (d && b) {
		rd = realpath(dirname(d), NULL);
		if (rd)
			ret = snprintf(out, len, "%s/%s", rd,
				       basename(b)) < (int)len ? 0 : -1;
	}
	free(rd);
	free(d);
	free(b);
	return ret;
}

bool path_same_file(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	struct stat sa, sb;
	int ea, eb;

	if (!strcmp(a, "-") || !strcmp(b, "-"))
		return false;
	ea = stat(a, &sa);
	eb = stat(b, &sb);
	/* Two writers of /dev/null do not clobber each other. */
	if (!ea && !eb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
		       S_ISREG(sa.st_mode);
	if (!ea || !eb)
		return false;
	return !resolve(a, ra, sizeof(ra)) && !resolve(b, rb, sizeof(rb)) &&
	       !strcmp(ra, rb);
}
