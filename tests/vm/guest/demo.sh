#!/bin/bash
# The demo, inside a lab guest: the same stress in patch-c (plain counters,
# direct delivery, with a race window) and in c-v2 (atomic counters), each
# watched by a bpftrace count of who wrote which counter, then the lab's
# ground truth.  (bpftrace 0.17 fails to load a program when one trace
# point appears in two probes, so everything is in one block.)
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

BT='tracepoint:bes2600:hw_bufs_used,tracepoint:bes2600:hw_bufs_used_vif,tracepoint:bes2600:wsm_tx_pending
{
	@writes[probe, comm, args->atomic] = count();
	if (args->new < 0) { @stored_below_zero[probe] = count(); }
}'

demo_variant() { # VARIANT RACE_NS
	echo
	dmesg -C
	echo "=== $1 (race_window_ns=$2): generator 3000 x 1000 B + nc 256 KiB"
	lab_load "$1" "$2" && lab_net_up || return 1
	bpftrace -e "$BT" >/tmp/demo-bt.txt 2>&1 &
	bt=$!
	# bpftrace needs several seconds to attach under TCG.
	for _ in $(seq 60); do
		grep -q Attaching /tmp/demo-bt.txt && break
		sleep 1
	done
	sleep 2
	lab_generate 3000 1000 0 30 || echo "(traffic did not finish: the host's hw_bufs_used is wedged)"
	lab_nc_transfer 262144 10 || echo "(nc did not finish)"
	kill -INT $bt
	wait $bt
	echo "--- who wrote what (bpftrace: probe, task, atomic):"
	grep -v '^Attaching' /tmp/demo-bt.txt
	echo "--- ground truth (/sys/kernel/debug/bes2600_lab/truth):"
	lab_truth
	echo "--- Phase 7 figures (/sys/kernel/debug/bes2600_lab/stats):"
	grep -E '^(mb_per_s|rx_work_per_s|dispatches_per_1000_rx|bh_redispatches|tx_overruns)=' \
		"$LAB_DBG/stats" | tr '\n' ' '
	echo
	dmesg | grep -E 'WARNING:|wsm_release_tx_buffer failed' | head -3
	lab_unload
}

dmesg -C
demo_variant patch-c 20000
demo_variant c-v2 20000
