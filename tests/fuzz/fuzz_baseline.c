// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer: a JSON report as --baseline reads it: the reader, the schema
 * check, the writer rows, the deltas and the delta table of the report
 * against itself.
 */
#define _GNU_SOURCE	/* memfd_create, in fuzz_file.h */
#include <stdint.h>
#include <stdio.h>

#include "baseline.h"
#include "delta.h"
#include "fuzz_file.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct writer_rows rows = { .runs = 2 };
	struct delta_table dt = { 0 };
	const struct json *base[1];
	char why[256];
	struct json *j;
	const char *path;

	if (!null)
		null = fopen("/dev/null", "w");
	path = fuzz_file(data, size);
	j = baseline_load(path, why, sizeof(why));
	if (!j)
		return 0;
	writer_rows_add(&rows, j, 0, ' ');
	writer_rows_add(&rows, j, 1, ' ');
	writer_rows_free(&rows);
	baseline_print(null, path, j, j);
	base[0] = j;
	if (!delta_build(&dt, j, base, 1, path))
		delta_print_md(null, &dt);
	delta_free(&dt);
	json_free(j);
	return 0;
}
