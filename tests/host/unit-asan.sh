#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The unit tests built with ASan and UBSan (make unit-asan), as TAP lines:
# any sanitizer report fails the test it came from.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
UNIT_DIR=$REPO/build/asan/unit "$REPO/tests/host/unit.sh" | sed 's/^\(ok\|not ok\) - /\1 - asan+ubsan: /'
