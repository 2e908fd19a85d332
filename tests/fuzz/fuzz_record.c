// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer: a record file through "bes2600-top audit --replay FILE", the
 * reader, the analysis, the text report and the JSON report, as a user
 * runs it.  Any exit status is fine; a crash, a sanitizer report, a leak,
 * a hang or an allocation past -rss_limit_mb is not.  The checksums are
 * made right first, so that mutations reach past the reader's CRC checks
 * into the chunks' contents and the analysis (the checks themselves are
 * the unit tests').
 */
#define _GNU_SOURCE	/* memfd_create, in fuzz_file.h */
#include <stdint.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "fuzz_file.h"
#include "record.h"

static void fix_crcs(uint8_t *b, size_t n)
{
	uint32_t crc, len;
	size_t at;

	if (n < REC_HEADER_SIZE)
		return;
	crc = rec_crc32(0, b, REC_HEADER_SIZE - 4);
	memcpy(b + REC_HEADER_SIZE - 4, &crc, 4);
	for (at = REC_HEADER_SIZE; n - at >= REC_CHUNK_HEADER;) {
		memcpy(&len, b + at + 4, 4);
		if (len > n - at - REC_CHUNK_HEADER)
			break;
		crc = rec_crc32(rec_crc32(0, b + at, 8), b + at + REC_CHUNK_HEADER,
				len);
		memcpy(b + at + 8, &crc, 4);
		at += REC_CHUNK_HEADER + len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	char *argv[] = { "bes2600-top audit", "--replay", NULL, "-o",
			 "/dev/null", "--delta-table", "/dev/null", NULL };
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	fix_crcs(copy, size);
	if (!null)
		null = fopen("/dev/null", "w");
	argv[2] = (char *)fuzz_file(copy, size);
	free(copy);
	audit_cli(7, argv, null, null);
	return 0;
}
