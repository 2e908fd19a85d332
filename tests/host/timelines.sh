#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# audit --perfetto and --html on the fuzzers' seed records: the trace
# decodes and agrees with the JSON report of the same replay, the page
# opens in headless Chromium with the findings and a series per writing
# context and is not blank; a truncated or corrupted record gives exit 2
# and leaves no output behind.  (The lab's own records: run-tests.sh.)
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
TOP=$REPO/build/bes2600-top/bes2600-top
SEEDS=$REPO/build/fuzz/seeds
CHK=$REPO/tests/timelines
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
tap() { # checker lines as TAP
	local verdict rest
	while read -r verdict rest; do
		if [ "$verdict" = PASS ]; then echo "ok - $rest"; else echo "not ok - $rest"; fi
	done
}
[ -x "$TOP" ] && [ -x "$SEEDS" ] || { echo "not ok - timelines: tool and seeds built"; exit 0; }
"$SEEDS" "$T/seeds" >/dev/null
for s in race kinds; do
	"$TOP" audit --replay "$T/seeds/record/$s.rec" -o "$T/$s.json" \
		--perfetto "$T/$s.pftrace" --html "$T/$s.html" >/dev/null 2>"$T/$s.err"
	rc=$?
	if [ "$rc" -le 1 ] && [ -s "$T/$s.pftrace" ] && [ -s "$T/$s.html" ]; then
		echo "ok - timelines: $s: --perfetto and --html written (exit $rc)"
	else
		echo "not ok - timelines: $s: --perfetto and --html written # exit $rc: $(head -1 "$T/$s.err")"
		continue
	fi
	/usr/bin/python3 "$CHK/perfetto_check.py" "$T/$s.pftrace" "$T/$s.json" "$s" | tap
	/usr/bin/python3 "$CHK/html_check.py" "$T/$s.html" "$T/$s.json" "$T/$s.png" "$s" | tap
done
# A live audit's file: atomic writes only counted, the page says so.
"$TOP" audit --replay "$T/seeds/record/counted.rec" --html "$T/counted.html" >/dev/null 2>&1
grep -q "No write of it is in the stream" "$T/counted.html" 2>/dev/null &&
	echo "ok - timelines: counted: an instance without records says why it has no timeline" ||
	echo "not ok - timelines: counted: an instance without records says why it has no timeline"

# Bad records: exit 2, and nothing left where the outputs would go.
size=$(stat -c %s "$T/seeds/record/race.rec")
head -c $((size - 40)) "$T/seeds/record/race.rec" >"$T/trunc.rec"
cp "$T/seeds/record/race.rec" "$T/corrupt.rec"
printf '\xff\xff\xff\xff' | dd of="$T/corrupt.rec" bs=1 seek=$((size / 2)) conv=notrunc status=none
for bad in trunc corrupt; do
	"$TOP" audit --replay "$T/$bad.rec" --perfetto "$T/$bad.pftrace" --html "$T/$bad.html" \
		>/dev/null 2>"$T/$bad.err"
	rc=$?
	left=$(ls "$T" | grep -E "^$bad\.(pftrace|html)|^\.$bad|tmp" | tr '\n' ' ')
	if [ "$rc" = 2 ] && [ -z "$left" ]; then
		echo "ok - timelines: a $bad record: exit 2, no output left ($(head -1 "$T/$bad.err" | cut -c1-90))"
	else
		echo "not ok - timelines: a $bad record: exit 2, no output left # exit $rc, left: $left"
	fi
done
# The decoder itself tells a cut trace.
head -c $(($(stat -c %s "$T/race.pftrace") - 7)) "$T/race.pftrace" >"$T/cut.pftrace"
/usr/bin/python3 "$CHK/perfetto_check.py" --decode "$T/cut.pftrace" >/dev/null &&
	echo "not ok - timelines: a cut trace does not decode" ||
	echo "ok - timelines: a cut trace does not decode"
