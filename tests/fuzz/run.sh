#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# run.sh OUT SECONDS NAME...: the fuzzers NAME (record, baseline,
# suppress) for SECONDS each, all at once, from fresh seeds plus the
# corpus earlier runs grew in OUT/corpus/NAME.  One TAP line per fuzzer
# with its executions, executions per second and peak memory; a crash, a
# sanitizer report, a leak, a timeout (10 s on one input) or more than
# 2 GB fails it, its input kept in OUT/artifacts/.
set -u
OUT=$1
SECONDS_EACH=$2
shift 2
mkdir -p "$OUT/artifacts"
rm -rf "$OUT/seeds-corpus"
"$OUT/seeds" "$OUT/seeds-corpus" || { echo "not ok - fuzz: seeds made"; exit 1; }
pids=()
for n in "$@"; do
	mkdir -p "$OUT/corpus/$n"
	"$OUT/fuzz_$n" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$OUT/artifacts/$n-" \
		"$OUT/corpus/$n" "$OUT/seeds-corpus/$n" >"$OUT/$n.log" 2>&1 &
	pids+=($!)
done
fail=0
i=0
for n in "$@"; do
	wait "${pids[$i]}"
	rc=$?
	i=$((i + 1))
	stat() { sed -n "s/^stat::$1: *//p" "$OUT/$n.log" | tail -1; }
	figures="$(stat number_of_executed_units) executions in $SECONDS_EACH s, $(stat average_exec_per_sec)/s, peak $(stat peak_rss_mb) MB, corpus $(ls "$OUT/corpus/$n" | wc -l)"
	if [ "$rc" = 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$OUT/$n.log"; then
		echo "ok - fuzz $n: no crash, sanitizer report, leak, timeout or OOM ($figures)"
	else
		echo "not ok - fuzz $n: $(grep -m1 -E 'ERROR|runtime error' "$OUT/$n.log") # exit $rc, $figures, input in $OUT/artifacts/"
		fail=1
	fi
done
exit $fail
