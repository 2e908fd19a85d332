#!/bin/bash
# The demo, inside a lab guest: the same stress audited by bes2600-top in
# patch-c (plain counters, direct delivery, with a race window) and in c-v2
# (atomic counters), each report followed by the lab's ground truth.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
TOP=$LAB_REPO/build/bes2600-top/bes2600-top
STRESS='. tests/vm/guest/lib.sh
lab_generate 3000 1000 0 30 || echo "(generator did not finish: the host view of the chip is wedged)"
lab_nc_transfer 262144 10 || echo "(nc did not finish)"
sleep 1'

demo_variant() { # VARIANT RACE_NS
	local rc
	echo
	echo "######## $1 (race_window_ns=$2): bes2600-top audit -- generator 3000 x 1000 B + nc 256 KiB"
	dmesg -C
	lab_load "$1" "$2" && lab_net_up || return 1
	(cd "$LAB_REPO" && "$TOP" audit -- bash -c "$STRESS")
	rc=$?
	echo "######## $1: audit exit status $rc (0 clean, 1 findings, 2 could not run)"
	echo "--- ground truth (/sys/kernel/debug/bes2600_lab/truth):"
	lab_truth
	dmesg | grep -E 'WARNING:|wsm_release_tx_buffer failed' | head -3
	lab_unload
}

demo_variant patch-c 20000
demo_variant c-v2 20000
