#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Signals under load: SIGINT, SIGTERM and SIGHUP, each SIGNAL_RUNS times
# (default 20 on 6.1, 6 elsewhere) to the full-screen dashboard in tmux,
# and TOOL_RUNS times (default 2) to the audit and to state (the core
# subset has no dashboard part), each attached to the lab
# while frames flow, or still starting.  Each run must end (deadline
# 120 s), the pane's terminal must be back on the main screen with its
# modes, nothing may stay attached, and the audit and state must still
# write their reports.  The median and worst time from the signal to the
# exit are printed per tool and signal: figures, not verdicts (the target
# is a second; issue 33's note has the measured ones).
set -u
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$dir/lib.sh"
TOP=${TOP:-$LAB_TOP}
OUT=${VM_OUTDIR:-/tmp}/signal
mkdir -p "$OUT"
export TMUX_TMPDIR=/tmp
# 20 on 6.1, the kernel of issue 33's failure; 6 on the others, where the
# suite's boots share the two host cores with it.
case $(uname -r) in
6.1.*) RUNS=${SIGNAL_RUNS:-20} ;;
*) RUNS=${SIGNAL_RUNS:-6} ;;
esac
TOOL_RUNS=${TOOL_RUNS:-2}
SIGNALS="INT TERM HUP"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# lib.sh's wait_until, every 20 ms: the exit times are the figures.
until_true() { WAIT_POLL=0.02 wait_until "$@"; }

gone() { ! kill -0 "$1" 2>/dev/null; }
pane_main_screen() { [ "$(tmux display -p -t sig '#{alternate_on}')" = 0 ]; }
pane_has() { tmux capture-pane -p -t sig | grep -q -- "$1"; }

# summary TOOL SIG FILE: the times in FILE (ms, one a line).
summary() {
	sort -n "$3" | awk -v t="$1" -v s="$2" '{ v[NR] = $1 }
		END { printf "# %s SIG%s: %d runs, exit after the signal: median %d ms, worst %d ms\n",
			t, s, NR, v[int((NR + 1) / 2)], v[NR] }'
}

# start_offset RUN: when an even run signals a starting tool, in seconds
# after it appeared: 0, 0.15, ... 1.05, in turn (a stimulus, not a wait).
start_offset() {
	local ms=$(($1 / 2 % 8 * 150))
	printf "%d.%02d" $((ms / 1000)) $((ms % 1000 / 10))
}

# record TOOL SIG MS: one time, kept for the summary and the file.
record() { echo "$3" >>"$OUT/$1-$2.ms"; }

# signal_timed SIG PID KIND: sends SIG, records the time to the exit
# under KIND; 1 (and SIGKILL) when PID is still there after 120 s.
signal_timed() {
	local t0
	t0=$(now_ms)
	kill -"$1" "$2"
	if until_true 120 gone "$2"; then
		record "$3" "$1" $(($(now_ms) - t0))
		return 0
	fi
	kill -9 "$2"
	return 1
}
rm -f "$OUT"/*.ms

lab_load c-v2 0 && lab_net_up && lab_neigh_static
echo "count=1000000 size=1000 rate=400" >"$LAB_DBG/generator"

# 1. The dashboard, full screen in a tmux pane's shell: in the full
#    subset, as top-tests.sh's screens (arm64's core subset runs batch
#    mode only).
dashboard_runs() {
	local sig i pid t0 kind late alt modes left started
	tmux new-session -d -s sig -x 100 -y 40 bash
	tmux send-keys -t sig "stty -a > $OUT/stty-before.txt" Enter
	until_true 10 file_has "$OUT/stty-before.txt" icanon
	# Odd runs signal once the dashboard is attached; even runs while it is
	# still starting (reading symbols, loading and attaching its programs),
	# at 0, 150, ... 1050 ms after it appears: a session dropped at once.
	for sig in $SIGNALS; do
		: >"$OUT/dash-$sig.ms"
		: >"$OUT/dash-start-$sig.ms"
		late=0 alt=0 modes=0 left=0 started=0
		for i in $(seq "$RUNS"); do
			tmux send-keys -t sig "clear; TERM=xterm $TOP" Enter
			if ! until_true 30 pgrep -x bes2600-top >/dev/null; then
				continue
			fi
			pid=$(pgrep -x bes2600-top | head -1)
			t0=$(now_ms)
			kind=dash
			if [ $((i % 2)) = 0 ]; then
				kind=dash-start
				sleep "$(start_offset "$i")"
			elif until_true 240 pane_has "attached to"; then
				record dash-attach "" $(($(now_ms) - t0))
			else
				pkill -9 -x bes2600-top
				continue
			fi
			started=$((started + 1))
			signal_timed "$sig" "$pid" "$kind" || late=$((late + 1))
			until_true 5 pane_main_screen || alt=$((alt + 1))
			rm -f "$OUT/stty-after.txt"
			tmux send-keys -t sig "stty -a > $OUT/stty-after.txt" Enter
			until_true 10 file_has "$OUT/stty-after.txt" icanon
			grep -q " icanon" "$OUT/stty-after.txt" && grep -q " echo " "$OUT/stty-after.txt" ||
				modes=$((modes + 1))
			lab_no_bpf_left || left=$((left + 1))
		done
		summary "dashboard (attached)" "$sig" "$OUT/dash-$sig.ms"
		summary "dashboard (starting)" "$sig" "$OUT/dash-start-$sig.ms"
		[ "$started" = "$RUNS" ] && [ "$late" = 0 ] &&
			ok "dashboard, SIG$sig x $RUNS under load: every run ended" ||
			not_ok "dashboard, SIG$sig x $RUNS under load: every run ended" "$started signalled, $late still running after 120 s"
		[ "$alt" = 0 ] && [ "$modes" = 0 ] &&
			ok "dashboard, SIG$sig: 0 terminals left on the alternate screen or without icanon/echo" ||
			not_ok "dashboard, SIG$sig: terminals restored" "$alt on the alternate screen, $modes without icanon/echo"
		[ "$left" = 0 ] && ok "dashboard, SIG$sig: no BPF program left attached" ||
			not_ok "dashboard, SIG$sig: no BPF program left attached" "$left runs left one"
	done
	summary "dashboard start-up to attached" "" "$OUT/dash-attach-.ms" | sed 's/ SIG: / /'
	tmux kill-server 2>/dev/null
}
lab_full && dashboard_runs

# 2. The audit and state, in the background as a script runs them: odd
#    runs signal once attached, and the report must be written on each of
#    the three signals; even runs while starting, as the dashboard's.
# tool_runs NAME READY_PATTERN COMMAND...: RUNS runs per signal.
tool_runs() {
	local name=$1 ready=$2 sig i pid t0 late started noreport kind RUNS=$TOOL_RUNS
	shift 2
	for sig in $SIGNALS; do
		: >"$OUT/$name-$sig.ms"
		: >"$OUT/$name-start-$sig.ms"
		late=0 started=0 noreport=0
		for i in $(seq "$RUNS"); do
			rm -f "$OUT/$name.json"
			# A script's background job starts with SIGINT ignored; a
			# terminal's does not: the tool gets it as from a terminal.
			env --default-signal=INT "$@" -o "$OUT/$name.json" >"$OUT/$name.out" 2>"$OUT/$name.err" &
			pid=$!
			t0=$(now_ms)
			kind=$name
			if [ $((i % 2)) = 0 ]; then
				kind=$name-start
				sleep "$(start_offset "$i")"
			elif until_true 240 file_has "$OUT/$name.err" "$ready"; then
				record "$name-attach" "" $(($(now_ms) - t0))
			else
				kill -9 "$pid"
				wait "$pid" 2>/dev/null
				continue
			fi
			started=$((started + 1))
			signal_timed "$sig" "$pid" "$kind" || late=$((late + 1))
			wait "$pid" 2>/dev/null
			[ "$kind" = "$name" ] && [ ! -s "$OUT/$name.json" ] && noreport=$((noreport + 1))
		done
		summary "$name (attached)" "$sig" "$OUT/$name-$sig.ms"
		summary "$name (starting)" "$sig" "$OUT/$name-start-$sig.ms"
		[ "$started" = "$RUNS" ] && [ "$late" = 0 ] && [ "$noreport" = 0 ] &&
			ok "$name, SIG$sig x $RUNS under load: every run ended, each attached one wrote its report" ||
			not_ok "$name, SIG$sig x $RUNS under load: every run ended, each attached one wrote its report" \
				"$started signalled, $late still running after 120 s, $noreport without a report: $(tail -c 200 "$OUT/$name.err")"
	done
	summary "$name start-up to attached" "" "$OUT/$name-attach-.ms" | sed 's/ SIG: / /'
	lab_no_bpf_left && ok "$name: no BPF program left attached" ||
		not_ok "$name: no BPF program left attached"
}
tool_runs audit "attached to" "$TOP" audit -v
# state reads the module's BTF; where the kernel made none, pahole does.
STATE_BTF=()
if [ ! -e /sys/kernel/btf/bes2600_lab ]; then
	pahole --btf_encode_detached="$OUT/bes2600_lab.btf" \
		--btf_base /sys/kernel/btf/vmlinux "$LAB_KO" &&
		STATE_BTF=(--btf "$OUT/bes2600_lab.btf")
fi
tool_runs state "attached (" "$TOP" state -f bes2600_bh_handle_rx_skb "${STATE_BTF[@]}" -F json

echo stop >"$LAB_DBG/generator"
lab_unload
