#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The dashboard in a lab guest: batch JSONL against the ground truth, the
# full screen in tmux (patch-c and c-v2, keys, resize, SIGHUP), the driver
# lifecycle (wait, detach, re-attach) and the flight recorder.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$dir/lib.sh"
TOP=${TOP:-$LAB_TOP}
OUT=${VM_OUTDIR:-/tmp}/top
mkdir -p "$OUT"
export TMUX_TMPDIR=/tmp
PY=/usr/bin/python3

# The pane's text, into $OUT/screen-NAME.txt.
screen() { tmux capture-pane -p -t top >"$OUT/screen-$1.txt"; }

# screen_all NAME SECONDS PATTERN...: until the pane shows every PATTERN.
screen_all() {
	local name=$1 end=$((SECONDS + $2)) p missing
	shift 2
	while :; do
		screen "$name"
		missing=0
		for p in "$@"; do
			grep -q -- "$p" "$OUT/screen-$name.txt" || missing=1
		done
		[ $missing = 0 ] && return 0
		[ $SECONDS -lt $end ] || return 1
		sleep 0.5
	done
}

# screen_has NAME PATTERN [SECONDS]: until the pane shows PATTERN.
screen_has() { screen_all "$1" "${3:-20}" "$2"; }

gone() { ! pgrep -x bes2600-top >/dev/null; }

# Background load: frames at a fixed rate for long enough.
load_start() { echo "count=$1 size=1000 rate=$2" >"$LAB_DBG/generator"; }
load_stop() { echo stop >"$LAB_DBG/generator" 2>/dev/null; }

dmesg -C

# 1. Batch mode: JSON lines whose write counts match the ground truth.
# The load starts after the attach and ends before the last interval, so
# the count since the attach is the truth's delta exactly (BPF counts
# every write), whatever the machine's load; a rate over a window that
# included the tool's start-up was not.
lab_load c-v2 0
"$TOP" -b -n 8 --jsonl -d 1 >"$OUT/batch.jsonl" 2>"$OUT/batch.err" &
pid=$!
# The check below says it if the attach never came.
wait_for 240 "attached to" "$OUT/batch.err" || true
w0=$(lab_truth_field 'hw_bufs_used[0]' atomic_writes)
lab_generate 800 1000 400 30
# The last confirms release their buffers after the frames arrive.
lab_settle
w1=$(lab_truth_field 'hw_bufs_used[0]' atomic_writes)
wait $pid
rc=$?
lab_unload
$PY - "$OUT/batch.jsonl" "$rc" "$w0" "$w1" <<'EOF'
import json, sys
path, rc, w0, w1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lines = open(path).read().splitlines()
try:
    objs = [json.loads(l) for l in lines]
    ok = rc == 0 and len(objs) == 8
except ValueError as e:
    objs, ok = [], False
print(("ok" if ok else "not ok") + " - top -b -n 8 --jsonl: eight valid JSON lines, exit 0" +
      ("" if ok else " # exit %d, %d lines" % (rc, len(lines))))
seen = objs[-1]["counters"]["hw_bufs_used"]["writes"] if objs else -1
rates = sum(o["counters"]["hw_bufs_used"]["writes_per_s"] * o["interval_s"] for o in objs)
ok = w1 > w0 and seen == w1 - w0 and abs(rates - seen) <= len(objs)
print(("ok" if ok else "not ok") + " - top --jsonl: hw_bufs_used %d writes counted (rates add up to %.1f), ground truth %d" %
      (seen, rates, w1 - w0))
EOF

# 1b. sdio_rx_work, counted in BPF maps (c-v2 streams none of it): a load
# that starts after the attach and ends before the last interval, so the
# intervals' runs and packets add up to the lab's own counts.
lab_load c-v2 0
"$TOP" -b -n 6 --jsonl -d 1 >"$OUT/batch-rx.jsonl" 2>"$OUT/batch-rx.err" &
pid=$!
# The check below says it if the attach never came.
wait_for 240 "attached to" "$OUT/batch-rx.err" || true
r0=$(lab_stat rx_work_runs)
p0=$(lab_stat sdio_rx_packets)
lab_generate 800 1000 400 30
lab_settle
r1=$(lab_stat rx_work_runs)
p1=$(lab_stat sdio_rx_packets)
wait $pid
rc=$?
lab_unload
$PY - "$OUT/batch-rx.jsonl" "$rc" "$r0" "$r1" "$p0" "$p1" <<'EOF'
import json, sys
path, rc = sys.argv[1], int(sys.argv[2])
r0, r1, p0, p1 = map(int, sys.argv[3:])
try:
    objs = [json.loads(l) for l in open(path).read().splitlines()]
except ValueError:
    objs = []
# Rates are printed rounded: a run or two, a packet or two per interval.
runs = sum(o["sdio_rx_work"]["runs_per_s"] * o["interval_s"] for o in objs)
pkts = sum(o["sdio_rx_work"]["runs_per_s"] * o["interval_s"] *
           o["sdio_rx_work"]["packets_per_run"] for o in objs)
lat = [o["sdio_rx_work"] for o in objs if o["sdio_rx_work"]["runs_per_s"] > 0]
lat = bool(lat) and all(x["queue_to_start_us"]["p50"] > 0 and
                        x["run_us"]["p50"] > 0 for x in lat)
ok = (rc == 0 and len(objs) == 6 and r1 > r0 and
      abs(runs - (r1 - r0)) <= 2 and abs(pkts - (p1 - p0)) <= 2 * len(objs) and lat)
print(("ok" if ok else "not ok") +
      " - top --jsonl: sdio_rx_work %.1f runs, %.1f packets; the lab counted %d, %d; latencies measured: %s" %
      (runs, pkts, r1 - r0, p1 - p0, lat))
EOF

# The core subset (LAB_SUBSET=core): batch mode only.
if ! lab_full; then
	lab_no_bpf_left && ok "top -b: no BPF program left attached" ||
		not_ok "top -b: no BPF program left attached" "$(bpftool prog show | grep -c name)"
	exit 0
fi

# 2. Full screen in tmux, patch-c then c-v2, under load.
for variant in patch-c c-v2; do
	lab_load "$variant" 20000 && lab_net_up
	load_start 100000 400
	# 80x24 first: every section fits.
	tmux new-session -d -s top -x 80 -y 24 "TERM=xterm $TOP"
	if screen_all "$variant-80x24" 40 "^FINDINGS (" "^COUNTER " "^WRITERS" "^SDIO_RX_WORK"; then
		ok "top in tmux ($variant) at 80x24: counters, writers, sdio_rx_work, findings"
	else
		not_ok "top in tmux ($variant) at 80x24: every section" "$(head -c 300 "$OUT/screen-$variant-80x24.txt")"
	fi
	tmux resize-window -t top -x 100 -y 40
	# The writers, the counters and the sdio_rx_work figures at 100x40.
	want=("^hw_bufs_used  *${LAB_BH_CTX:0:20}" "^hw_bufs_used .*/16" "runs/s")
	[ "$variant" = patch-c ] && want+=("^hw_bufs_used  *work:sdio_rx_work")
	screen_all "$variant" 20 "${want[@]}"
	s=$OUT/screen-$variant.txt
	check "top ($variant): writers table shows $LAB_BH_CTX" \
		grep -q "^hw_bufs_used  *${LAB_BH_CTX:0:20}" "$s"
	check "top ($variant): counters hw_bufs_used and wsm_tx_pending[0] shown" \
		grep -q "^hw_bufs_used .*/16" "$s"
	check "top ($variant): sdio_rx_work figures shown" grep -q "runs/s" "$s"
	if [ "$variant" = patch-c ]; then
		check "top (patch-c): hw_bufs_used written by work:sdio_rx_work too" \
			grep -q "^hw_bufs_used  *work:sdio_rx_work" "$s"
		# f: the findings on the whole screen.
		tmux send-keys -t top f
		screen_has focus "BUG .*non-atomic-cross-context" 10 &&
			ok "top (patch-c): a live non-atomic-cross-context finding (key f)" ||
			not_ok "top (patch-c): a live non-atomic-cross-context finding (key f)"
		tmux send-keys -t top f
	else
		tmux send-keys -t top f
		screen_has focus-c-v2 "^FINDINGS (" 10
		check "top (c-v2): no non-atomic-cross-context or lost-update (key f)" \
			bash -c "! grep -q 'non-atomic-cross-context\|lost-update' '$OUT/screen-focus-c-v2.txt'"
		tmux send-keys -t top f
		# Keys, on c-v2.
		tmux send-keys -t top s
		screen_has sort "sort: total" 5 && ok "key s: writers sorted by total" ||
			not_ok "key s: writers sorted by total"
		tmux send-keys -t top / && screen_has prompt "^filter (counter" 5 &&
			tmux send-keys -t top "wsm_tx" Enter
		screen_has filter "filter: wsm_tx" 5 &&
			! grep -q "^hw_bufs_used " "$OUT/screen-filter.txt" &&
			ok "key /: filter wsm_tx hides hw_bufs_used" ||
			not_ok "key /: filter wsm_tx hides hw_bufs_used"
		tmux send-keys -t top / && screen_has prompt2 "^filter (counter" 5 &&
			tmux send-keys -t top Enter
		tmux send-keys -t top p
		screen_has pause "\[PAUSED\]" 5 && ok "key p: paused" || not_ok "key p: paused"
		tmux send-keys -t top p
		tmux send-keys -t top '?'
		screen_has help "rmmod fails with EBUSY" 5 && ok "key ?: help explains the module is held" ||
			not_ok "key ?: help"
		# "Any key returns": q and p close the help and do nothing else.
		tmux send-keys -t top q
		if screen_has help-q "^COUNTER " 5 && pgrep -x bes2600-top >/dev/null; then
			ok "help: q returns to the dashboard, does not quit"
		else
			not_ok "help: q returns to the dashboard, does not quit"
		fi
		tmux send-keys -t top '?'
		screen_has help2 "rmmod fails with EBUSY" 5
		tmux send-keys -t top p
		screen_has help-p "^COUNTER " 5 && ! grep -q "\[PAUSED\]" "$OUT/screen-help-p.txt" &&
			ok "help: p returns, does not pause" || not_ok "help: p returns, does not pause"
		tmux resize-window -t top -x 60 -y 20
		screen_has small "needs 80x24, the terminal is 60x20" 5 &&
			ok "resize to 60x20: a clear message" || not_ok "resize to 60x20: a clear message"
		tmux resize-window -t top -x 100 -y 40
		screen_has big "^COUNTER " 5 && ok "resize back: the dashboard again" ||
			not_ok "resize back: the dashboard again"
		tmux send-keys -t top q
		wait_until 20 gone && ok "key q: quits" || not_ok "key q: quits"
	fi
	tmux kill-server 2>/dev/null
	wait_until 20 gone || pkill -9 -x bes2600-top
	load_stop
	lab_unload
done

# 3. The terminal going away (tmux killed): nothing left running or
#    attached.  Each signal, 20 times, is signal-tests.sh's.
lab_load c-v2 0
tmux new-session -d -s top -x 110 -y 32 "TERM=xterm $TOP"
screen_has hup1 "attached" 240
tmux kill-server
wait_until 20 gone
check "tmux killed: no bes2600-top left, no BPF program attached" \
	bash -c "! pgrep -x bes2600-top && $(declare -f lab_no_bpf_left); lab_no_bpf_left"
lab_unload

# 4. Lifecycle: wait for the driver, attach, detach with d, rmmod, re-attach.
tmux new-session -d -s top -x 110 -y 32 "TERM=xterm $TOP"
screen_has wait "waiting for the bes2600 driver" 20 && ok "started before the driver: says it is waiting" ||
	not_ok "started before the driver: says it is waiting"
lab_load c-v2 0
screen_has attach "attached (the module is busy" 240 && ok "attaches when the module appears" ||
	not_ok "attaches when the module appears"
# The writers by name: the symbols are those of this load of the module,
# not of the table read when it was absent (cleanup_module+0x... then).
names_ok() { # SCREEN
	lab_net_up && lab_neigh_static && lab_generate 300 1000 0 30
	screen_has "$1" "wsm_release_tx_buffer" 10 &&
		grep -q "work:sdio_rx_work" "$OUT/screen-$1.txt" &&
		! grep -q "cleanup_module" "$OUT/screen-$1.txt"
	local rc=$?
	lab_net_down
	return $rc
}
names_ok names && ok "started before the driver: writers named (work:sdio_rx_work, wsm_release_tx_buffer)" ||
	not_ok "started before the driver: writers named" "$(grep -m2 'cleanup_module\|_tx_buffer' "$OUT/screen-names.txt")"
rmmod bes2600_lab 2>/dev/null && not_ok "attached: rmmod is refused (module busy)" ||
	ok "attached: rmmod is refused (module busy)"
tmux send-keys -t top d
screen_has detach "detached" 10
check "key d: detached, rmmod succeeds" rmmod bes2600_lab
lab_load c-v2 0
screen_has reattach "attached (the module is busy" 240 && ok "re-attaches on the next load" ||
	not_ok "re-attaches on the next load"
names_ok names-reload && ok "re-attached: writers named from the new load's symbols" ||
	not_ok "re-attached: writers named from the new load's symbols" "$(grep -m2 'cleanup_module\|_tx_buffer' "$OUT/screen-names-reload.txt")"
tmux kill-server
wait_until 20 gone
# SIGUSR2 does what d does, in batch mode too.
"$TOP" -b -d 1 >"$OUT/usr2.out" 2>"$OUT/usr2.err" &
pid=$!
wait_for 240 "attached" "$OUT/usr2.err"
kill -USR2 $pid
wait_for 10 "detached" "$OUT/usr2.err"
check "SIGUSR2: detached, rmmod succeeds" lab_unload
kill -INT $pid
wait $pid

# 5. Flight recorder: the first finding in patch-c leaves a record that
#    the audit replays to that finding.
mkdir -p "$OUT/flight"
lab_load patch-c 20000 && lab_net_up
load_start 100000 400
"$TOP" -b -n 8 -d 1 --flight 5 --flight-dir "$OUT/flight" >"$OUT/flight.out" 2>"$OUT/flight.err"
load_stop
lab_unload
rec=$(ls "$OUT"/flight/bes2600-flight-*.rec 2>/dev/null | head -1)
if [ -n "$rec" ] && grep -q "first error finding" "$OUT/flight.err"; then
	ok "flight recorder: a record on the first error finding ($(basename "$rec"))"
	"$TOP" audit --replay "$rec" >"$OUT/flight-replay.txt" 2>&1
	rc=$?
	[ "$rc" = 1 ] && grep -q "^BUG: non-atomic-cross-context" "$OUT/flight-replay.txt" &&
		ok "flight record: audit --replay reports the finding" ||
		not_ok "flight record: audit --replay reports the finding" "exit $rc"
else
	not_ok "flight recorder: a record on the first error finding" "$(head -c 200 "$OUT/flight.err")"
fi

# 6. Exit 2 cases.
# -n counts intervals whether attached or not: with no driver it ends.
if ! grep -q ' __tracepoint_hw_bufs_used' /proc/kallsyms; then
	timeout 30 "$TOP" -b -n 2 -d 0.2 >"$OUT/x.out" 2>"$OUT/x.err"
	rc=$?
	[ $rc = 2 ] && grep -q "waiting for the bes2600 driver" "$OUT/x.err" &&
		grep -q "no bes2600 driver to attach to in 2 intervals" "$OUT/x.err" &&
		ok "top -b -n 2 with no driver (it never ended): says it waits, exit 2 after 2 intervals" ||
		not_ok "top -b -n 2 with no driver ends" "exit $rc (124: hung): $(head -c 200 "$OUT/x.err")"
else
	not_ok "top -b -n 2 with no driver ends" "a bes2600 driver is still loaded"
fi
setpriv --reuid=65534 --regid=65534 --clear-groups "$TOP" -b -n 1 >/dev/null 2>"$OUT/x.err"
[ $? = 2 ] && grep -q "need root" "$OUT/x.err" && ok "top without privileges: exit 2, need root" ||
	not_ok "top without privileges: exit 2"
"$TOP" -d 0 >/dev/null 2>"$OUT/x.err"
[ $? = 2 ] && grep -q "bad argument" "$OUT/x.err" && ok "top -d 0: exit 2, bad argument" ||
	not_ok "top -d 0: exit 2"

problems=$(lab_dmesg_problems 1 | grep -v 'wsm_release_tx_buffer' | head -3)
[ -z "$problems" ] && ok "dashboard runs: no kernel problem in dmesg" ||
	not_ok "dashboard runs: no kernel problem in dmesg" "$problems"
