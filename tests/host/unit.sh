#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The cmocka unit tests, as TAP lines the suite counts.  A test binary
# that dies (a sanitizer abort, a crash) before its summary is a failure
# of its own: cmocka's lines alone would just stop.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# UNIT_DIR: another build's tests (tests/vm/guest/unit-tests.sh, arm64).
for t in "${UNIT_DIR:-$REPO/build/unit}"/*_test; do
	[ -x "$t" ] || { echo "not ok - unit tests built # run make unit"; continue; }
	name=$(basename "$t")
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"/tmp/unit.$$.out" 2>&1
	rc=$?
	sed -E "s/^(ok|not ok) [0-9]+ - /\1 - $name: /; /^(ok|not ok) - $name/!s/^/# /" "/tmp/unit.$$.out"
	# cmocka exits with the number of failed tests; anything else, or no
	# plan line, means the binary did not finish.
	if ! grep -q '^1\.\.[0-9]' "/tmp/unit.$$.out" || [ "$rc" -gt 100 ]; then
		echo "not ok - $name: did not finish (exit $rc)"
	elif [ "$rc" -gt "$(grep -c '^not ok [0-9]* - ' "/tmp/unit.$$.out")" ]; then
		# A test's own output without a newline glues its "not ok"
		# to the end of a line: the exit status still counts it.
		echo "not ok - $name: $rc failed, not all of them on a TAP line of their own"
	fi
	rm -f "/tmp/unit.$$.out"
done
