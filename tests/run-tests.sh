#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The whole test suite: one boot per kernel running every kernel test
# inside it, and meanwhile the host tests (unit tests, also under ASan and
# UBSan, the fuzzers for a minute, bad input, DKMS, the porting kit, the
# arm64 build).  The kernels boot in
# parallel (one TCG thread each on the 2-core host): the amd64 ones with
# headers here, and Debian's arm64 kernel of the arm64 kit (make
# ARCH=arm64), which runs the core subset of the tests.  Ends with
# "N passed, N failed", which CI reads.
#
#   tests/run-tests.sh [KVER...]     default: every kernel with headers,
#                                    and the arm64 kit's kernels
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 2
OUT=${TEST_OUT:-$REPO/build/test-results}
rm -rf "$OUT"
mkdir -p "$OUT"

ARM64_MISSING=0
if [ $# -gt 0 ]; then
	KVERS=("$@")
else
	mapfile -t KVERS < <(for d in /lib/modules/*/build; do
		[ -d "$d" ] && basename "$(dirname "$d")"; done)
	kit=$(scripts/arm64-kit.sh --dir)
	if [ -d "$kit/kdir" ] && [ -x build/arm64/bes2600-top/bes2600-top ]; then
		mapfile -t -O ${#KVERS[@]} KVERS < <(ls "$kit/kdir")
	else
		ARM64_MISSING=1
	fi
fi
[ ${#KVERS[@]} -gt 0 ] || { echo "run-tests: no kernel with headers" >&2; exit 2; }
# The host tests take the amd64 kernels only (DKMS builds for them).
HOST_KVERS=()
for k in "${KVERS[@]}"; do
	case $k in *-arm64) ;; *) HOST_KVERS+=("$k") ;; esac
done

T0=$SECONDS
stamp() { echo "== $1: $((SECONDS - T0)) s"; }

# Host-side tests print TAP lines, collected in $OUT/host.tap.
run_host_tests() {
	local t
	for t in tests/host/*.sh; do
		[ -x "$t" ] || continue
		"$t" "${HOST_KVERS[@]}" | tee -a "$OUT/host.tap"
	done
}

stamp "start"
: >"$OUT/host.tap"

# One guest per kernel, in parallel; each runs tests/vm/guest/all.sh.  The
# host tests run meanwhile: the guests are the long pole.
pids=()
for k in "${KVERS[@]}"; do
	mkdir -p "$OUT/$k"
	(
		s=$SECONDS
		tests/vm/vm-run.sh -q -k "$k" -o "$OUT/$k" -t 3600 -- \
			tests/vm/guest/all.sh >/dev/null 2>"$OUT/$k/vm-run.err"
		echo $? >"$OUT/$k/rc"
		echo "== kernel $k: $((SECONDS - s)) s (exit $(cat "$OUT/$k/rc"))"
	) &
	pids+=($!)
done
run_host_tests
stamp "host tests"
wait "${pids[@]}"
stamp "kernel tests"

# The timelines of the guests' patch-c and c-v2 runs, on the host (its
# headless Chromium): the trace against the report, the page as read.
for k in "${KVERS[@]}"; do
	for run in patch-c c-v2; do
		d=$OUT/$k/audit
		[ -f "$d/$run.json" ] || continue
		for f in "$d/$run.pftrace" "$d/$run.html"; do
			[ -s "$f" ] && echo "ok - [$k] $run: the live audit wrote $(basename "$f")" ||
				echo "not ok - [$k] $run: the live audit wrote $(basename "$f")"
		done
		/usr/bin/python3 tests/timelines/perfetto_check.py "$d/$run.pftrace" \
			"$d/$run.json" "[$k] $run" 2>&1
		/usr/bin/python3 tests/timelines/html_check.py "$d/$run.html" \
			"$d/$run.json" "$d/$run.png" "[$k] $run" 2>&1
	done
done | sed 's/^PASS /ok - /; s/^FAIL /not ok - /' | tee -a "$OUT/host.tap"
stamp "timelines"

pass=0
fail=0
skip=0
count() { # FILE: counts TAP lines, prints the failures and the skips
	local p f k
	p=$(grep -c '^ok ' "$1")
	k=$(grep -c '^ok .*# SKIP' "$1")
	f=$(grep -c '^not ok ' "$1")
	grep '^not ok ' "$1" | sed "s|^|FAIL [$2] |"
	grep '^ok .*# SKIP' "$1" | sed "s|^|SKIP [$2] |"
	pass=$((pass + p - k))
	skip=$((skip + k))
	fail=$((fail + f))
}

count "$OUT/host.tap" host
if [ "$ARM64_MISSING" = 1 ]; then
	echo "FAIL [arm64] no arm64 build: run make ARCH=arm64 (make check does)"
	fail=$((fail + 1))
fi
for k in "${KVERS[@]}"; do
	echo "--- $k"
	cat "$OUT/$k/vm-run.err" 2>/dev/null
	if [ ! -s "$OUT/$k/output.log" ]; then
		echo "FAIL [$k] guest produced no output (exit $(cat "$OUT/$k/rc"))"
		fail=$((fail + 1))
		continue
	fi
	grep -E '^(RESULT|# .* took)' "$OUT/$k/output.log"
	count "$OUT/$k/output.log" "$k"
	# The boot as a whole: a guest that died early is a failure too.
	if [ "$(cat "$OUT/$k/rc")" = 0 ] && grep -q '^# all guest tests done' "$OUT/$k/output.log"; then
		pass=$((pass + 1))
	else
		echo "FAIL [$k] guest run did not complete (exit $(cat "$OUT/$k/rc"))"
		tail -5 "$OUT/$k/console.log" 2>/dev/null
		fail=$((fail + 1))
	fi
done
stamp "total"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
