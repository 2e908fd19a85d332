#!/bin/bash
# The cmocka unit tests, as TAP lines the suite counts.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# UNIT_DIR: another build's tests (tests/vm/guest/unit-tests.sh, arm64).
for t in "${UNIT_DIR:-$REPO/build/unit}"/*_test; do
	[ -x "$t" ] || { echo "not ok - unit tests built # run make unit"; continue; }
	name=$(basename "$t")
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1 |
		sed -E "s/^(ok|not ok) [0-9]+ - /\1 - $name: /; /^(ok|not ok) - $name/!s/^/# /"
done
