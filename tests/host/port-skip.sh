#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The porting kit's tests on a user's clone, which has no ../shared: a
# copy of tests/host/port.sh in a tree with nothing beside it must skip
# with its reason and fail nothing; asked to require the snapshot
# (VENDOR_SNAPSHOT_REQUIRED=1, as .ci/run does), it must fail.  TAP lines.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/clone/tests/host"
cp "$REPO/tests/host/port.sh" "$TMP/clone/tests/host/"

env -u VENDOR_SNAPSHOT -u VENDOR_SNAPSHOT_REQUIRED \
	bash "$TMP/clone/tests/host/port.sh" >"$TMP/plain.tap" 2>&1
if grep -q '^ok .* # SKIP no vendor snapshot at .*VENDOR_SNAPSHOT=DIR' "$TMP/plain.tap" &&
	! grep -q '^not ok' "$TMP/plain.tap"; then
	echo "ok - port on a plain clone: skips, saying why and how to point it at a tree"
else
	echo "not ok - port on a plain clone: skips, saying why # $(head -c 300 "$TMP/plain.tap")"
fi

env -u VENDOR_SNAPSHOT VENDOR_SNAPSHOT_REQUIRED=1 \
	bash "$TMP/clone/tests/host/port.sh" >"$TMP/required.tap" 2>&1
if grep -q '^not ok .*snapshot.*missing' "$TMP/required.tap" &&
	! grep -q '^ok' "$TMP/required.tap"; then
	echo "ok - port with VENDOR_SNAPSHOT_REQUIRED=1 and no snapshot: fails"
else
	echo "not ok - port with VENDOR_SNAPSHOT_REQUIRED=1 and no snapshot: fails # $(head -c 300 "$TMP/required.tap")"
fi
