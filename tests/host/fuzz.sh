#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Each fuzzer for FUZZ_CHECK_SECONDS (default 60), all at once, from fresh
# seeds and the corpus kept in build/fuzz/corpus (make fuzz-build first).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$REPO/build/fuzz
for n in record baseline suppress; do
	[ -x "$OUT/fuzz_$n" ] || { echo "not ok - fuzz $n: built # make fuzz-build"; exit 0; }
done
"$REPO/tests/fuzz/run.sh" "$OUT" "${FUZZ_CHECK_SECONDS:-60}" record baseline suppress
exit 0
