// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer: a record file through "bes2600-top audit --replay FILE", the
 * reader, the analysis, the text report and the JSON report, as a user
 * runs it.  Any exit status is fine; a crash, a sanitizer report, a leak,
 * a hang or an allocation past -rss_limit_mb is not.
 */
#define _GNU_SOURCE	/* memfd_create, in fuzz_file.h */
#include <stdint.h>
#include <stdio.h>

#include "audit.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	char *argv[] = { "bes2600-top audit", "--replay", NULL, "-o",
			 "/dev/null", "--delta-table", "/dev/null", NULL };

	if (!null)
		null = fopen("/dev/null", "w");
	argv[2] = (char *)fuzz_file(data, size);
	audit_cli(7, argv, null, null);
	return 0;
}
