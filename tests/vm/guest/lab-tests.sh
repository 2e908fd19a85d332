#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Kernel tests of the lab, run inside a guest by tests/run-tests.sh:
# module parameters, the four variants under nc and generator load (the BH
# as a work item, and patch-c and c-v2 again with it as a kthread), every
# trace event, the ground truth, dmesg, and unload/reload under traffic.
# Prints TAP-style "ok N - ..." lines and one "RESULT ..." line per variant.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

RACE_NS=${RACE_NS:-20000}
EVENTS="hw_bufs_used hw_bufs_used_vif wsm_tx_pending sdio_rx_work_queue
	sdio_rx_work_start sdio_rx_work_end pending_count_timer"
KVER=$(uname -r)

t0=$SECONDS
echo "# lab tests on $KVER, race window $RACE_NS ns"

bad_param() { # PARAMS... ; expects refusal and a message naming the param
	local name=${1%%=*}
	dmesg -C
	# shellcheck disable=SC2068
	if insmod "$LAB_KO" $@ 2>/dev/null; then
		rmmod bes2600_lab
		not_ok "insmod $* is refused" "it loaded"
	elif dmesg | grep -q "$name"; then
		ok "insmod $* is refused with a message naming $name"
	else
		not_ok "insmod $* is refused with a message" "dmesg: $(dmesg | tail -2)"
	fi
}

bad_param counters=fast
bad_param rx_deliver=sideways
bad_param race_window_ns=abc
bad_param race_window_ns=20000000
bad_param bh=softirq

# run_variant VARIANT RACE_NS
run_variant() {
	local v=$1 w=$2 tv=$SECONDS allow_warn=0 drift writes ms ev n lbl="$1 bh=$LAB_BH"
	local traffic=pass mb tps warns
	[ "$v" = patch-c ] && allow_warn=1
	echo "# variant $v race_window_ns=$w bh=$LAB_BH"
	dmesg -C
	if ! lab_load "$v" "$w"; then
		not_ok "$lbl: module loads"
		return
	fi
	ok "$lbl: module loads"
	check "$lbl: interfaces wired through the chip" lab_net_up
	lab_trace_start
	echo reset >"$LAB_DBG/stats"

	if [ "$v" = patch-c ] && [ "$w" != 0 ]; then
		# The race wedges the host's view of the chip by design: load
		# it, do not expect the traffic to finish.
		lab_generate 4000 1000 0 25 || traffic=wedged
		lab_nc_transfer 262144 10 || traffic=wedged
	else
		check "$lbl: ping crosses the chip" lab_ping
		if lab_nc_transfer 524288 60; then
			ok "$lbl: nc moves 512 KiB intact from beslab0 to beslab1"
		else
			not_ok "$lbl: nc moves 512 KiB intact" && traffic=fail
		fi
		if lab_generate 4000 1000 0 60; then
			ok "$lbl: generator frames all come back (4000 x 1000 B)"
		else
			not_ok "$lbl: generator frames all come back" \
				"$(cat "$LAB_DBG/generator")" && traffic=fail
		fi
	fi
	echo stop >"$LAB_DBG/generator"
	lab_settle
	lab_trace_stop

	for ev in $EVENTS; do
		n=$(lab_trace_counts | awk -v e="$ev" '$2 == e { print $1 }')
		if [ "${n:-0}" -gt 0 ]; then
			ok "$lbl: event bes2600:$ev fired ($n)"
		else
			not_ok "$lbl: event bes2600:$ev fired"
		fi
	done

	drift=$(lab_total_drift)
	if [ "$v" = patch-c ] && [ "$w" != 0 ]; then
		if [ "$drift" -gt 0 ]; then
			ok "$lbl: plain counters drift from their intended sums ($drift)"
		else
			not_ok "$lbl: plain counters drift" "$(lab_truth)"
		fi
	elif [ "$v" != patch-c ]; then
		if [ "$drift" = 0 ]; then
			ok "$lbl: ground truth drift is 0"
		else
			not_ok "$lbl: ground truth drift is 0" "$(lab_truth | tr '\n' ';')"
		fi
	fi
	lab_truth | sed 's/^/# /'
	grep -E '^(sdio_rx_bytes|rx_work_runs|bh_redispatches|mb_per_s|rx_work_per_s|dispatches_per_1000_rx)=' \
		"$LAB_DBG/stats" | tr '\n' ' ' | sed 's/^/# /; s/$/\n/'

	ms=$(lab_stat elapsed_ms)
	writes=$(lab_total_writes)
	mb=$(awk -v b="$(lab_stat sdio_rx_bytes)" 'BEGIN { printf "%.2f", b / 1e6 }')
	tps=$(awk -v w="$writes" -v ms="$ms" 'BEGIN { printf "%.0f", ms ? w * 1000 / ms : 0 }')

	if lab_unload; then
		ok "$lbl: rmmod"
	else
		not_ok "$lbl: rmmod"
	fi
	warns=$(dmesg | grep -c 'WARNING:')
	problems=$(lab_dmesg_problems "$allow_warn")
	if [ -z "$problems" ]; then
		ok "$lbl: dmesg has no BUG, Oops, hung task, leak or unexpected WARNING"
	else
		not_ok "$lbl: dmesg clean" "$(echo "$problems" | head -3 | tr '\n' ';')"
	fi
	echo "RESULT kernel=$KVER variant=$v bh=$LAB_BH race_window_ns=$w mb=$mb transitions_per_s=$tps drift=$drift warnings=$warns traffic=$traffic seconds=$((SECONDS - tv))"
}

lab_full && run_variant baseline "$RACE_NS"
run_variant patch-c "$RACE_NS"
lab_full && run_variant patch-c 0
lab_full && run_variant c-prep "$RACE_NS"
run_variant c-v2 "$RACE_NS"
if ! lab_full; then
	echo "# lab tests ($LAB_SUBSET) on $KVER took $((SECONDS - t0)) s"
	exit 0
fi
# The cw1200 shape of the BH, a kthread: the race and its fix again.
lab_set_bh kthread
run_variant patch-c "$RACE_NS"
run_variant c-v2 "$RACE_NS"
lab_set_bh work

# Unload while the generator and nc run, then reload and move traffic.
echo "# unload under traffic"
dmesg -C
lab_load c-v2 0 && lab_net_up
echo "count=1000000 size=1400 rate=0" >"$LAB_DBG/generator"
head -c 50000000 /dev/zero >/tmp/lab-big
ip netns exec "$LAB_NS" timeout 30 nc -l -p 5002 >/dev/null &
wait_until 30 lab_listening 5002
timeout 30 nc -w 5 "$LAB_IP1" 5002 </tmp/lab-big &
# Under traffic: frames of both kinds on their way when rmmod comes.
rx0=$(lab_generator_field received)
rx_grew() { [ "$(lab_generator_field received)" -gt $((rx0 + 100)) ]; }
wait_until 30 rx_grew
check "rmmod under generator and nc traffic" lab_unload
wait
rm -f /tmp/lab-big
check "reload after unload under traffic" lab_load c-v2 0
check "traffic after reload" bash -c ". $LAB_REPO/tests/vm/guest/lib.sh; lab_net_up && lab_nc_transfer 65536 30"
check "rmmod after reload" lab_unload
problems=$(lab_dmesg_problems 0)
if [ -z "$problems" ]; then
	ok "unload/reload: dmesg clean"
else
	not_ok "unload/reload: dmesg clean" "$(echo "$problems" | head -3 | tr '\n' ';')"
fi

echo "# lab tests on $KVER took $((SECONDS - t0)) s"
