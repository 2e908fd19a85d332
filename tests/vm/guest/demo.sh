#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The demo, inside a lab guest: the same stress audited by bes2600-top in
# the baseline, in patch-c (plain counters, direct delivery, with a race
# window), in c-prep and in c-v2.  Patch-c's report is shown against the
# baseline's, c-v2's against c-prep's: root causes first, then the
# shared-state delta table, then the evidence; each with the lab's ground
# truth.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
TOP=$LAB_TOP
OUT=${VM_OUTDIR:-/tmp}/demo
mkdir -p "$OUT"
STRESS='. tests/vm/guest/lib.sh
lab_generate 3000 1000 0 30 || echo "(generator did not finish: the host view of the chip is wedged)"
lab_nc_transfer 262144 10 || echo "(nc did not finish)"
lab_settle'

# demo_variant VARIANT RACE_NS SHOW [AUDIT OPTIONS]: SHOW=1 prints the report.
demo_variant() {
	local v=$1 race=$2 show=$3 rc
	shift 3
	echo
	echo "######## $v (race_window_ns=$race): bes2600-top audit -o $v.json $* -- generator 3000 x 1000 B + nc 256 KiB"
	dmesg -C
	lab_load "$v" "$race" && lab_net_up || return 1
	(cd "$LAB_REPO" && "$TOP" audit -o "$OUT/$v.json" "$@" -- bash -c "$STRESS") \
		>"$OUT/$v.txt"
	rc=$?
	if [ "$show" = 1 ]; then
		cat "$OUT/$v.txt"
	else
		head -1 "$OUT/$v.txt"
	fi
	echo "######## $v: audit exit status $rc (0 clean, 1 findings, 2 could not run)"
	echo "--- ground truth (/sys/kernel/debug/bes2600_lab/truth):"
	lab_truth
	dmesg | grep -E 'WARNING:|wsm_release_tx_buffer failed' | head -3
	lab_unload
}

demo_variant baseline 0 0
demo_variant patch-c 20000 1 --baseline "$OUT/baseline.json" \
	--delta-table "$OUT/baseline-patch-c.md"
demo_variant c-prep 20000 0
demo_variant c-v2 20000 1 --baseline "$OUT/c-prep.json" \
	--delta-table "$OUT/c-prep-c-v2.md"
echo
echo "######## the shared-state delta tables, as Markdown for a review"
cat "$OUT/baseline-patch-c.md"
echo
cat "$OUT/c-prep-c-v2.md"
