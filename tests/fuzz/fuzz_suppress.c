// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer: a suppressions file as --suppress reads it, then listed.
 */
#define _GNU_SOURCE	/* memfd_create, in fuzz_file.h */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_file.h"
#include "suppress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct suppressions s;
	char why[256];

	if (!null)
		null = fopen("/dev/null", "w");
	if (!suppress_load(&s, fuzz_file(data, size), why, sizeof(why))) {
		suppress_print(null, &s);
		suppress_free(&s);
	}
	return 0;
}
