#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Inside a lab guest (bench/run.sh): the CPU cost of watching the bes2600
# events (audit, dashboard, a bpftrace counting one-liner) under the same
# generator load, and the audit's drops at rising rates.  Cost per event =
# (the tool's BPF run time, from kernel.bpf_stats_enabled, + its process
# CPU time) / the events its programs ran for.
set -u
# shellcheck source=../tests/vm/guest/lib.sh
. "$(dirname "$0")/../tests/vm/guest/lib.sh"
TOP=$LAB_REPO/build/bes2600-top/bes2600-top
OUT=${VM_OUTDIR:-/tmp}/bench
FRAMES=${FRAMES:-6000}
RATE=${RATE:-600}
# The steady cost is measured: each tool first runs this long under the
# load, past its start-up (buffers growing, first symbol lookups).
WARMUP_S=${WARMUP_S:-3}
# What the tools write during a measurement goes to the guest's tmpfs:
# a write to the 9p output share costs more than the tools themselves.
RUN=/tmp/bench-run
mkdir -p "$OUT" "$RUN"

# Prints "events bpf_ns user_ns busy_ns" of the tool running as PID (0:
# none): busy_ns is the CPU time all CPUs were not idle, whoever ran.
tool_cpu() {
	/usr/bin/python3 "$(dirname "$0")/tool_cpu.py" "$1"
}

# measure NAME PATTERN CMD...: starts the tool (none without CMD), waits
# until it says PATTERN (attached), sends the load, prints
# "events bpf_ns user_ns busy_ns".
measure() {
	local name=$1 pat=$2 pid=0 a b
	shift 2
	if [ $# -gt 0 ]; then
		"$@" >"$RUN/$name.out" 2>"$RUN/$name.err" &
		pid=$!
		for _ in $(seq 120); do
			grep -q "$pat" "$RUN/$name.out" "$RUN/$name.err" 2>/dev/null && break
			sleep 0.5
		done
	fi
	[ "$WARMUP_S" -gt 0 ] && lab_generate $((WARMUP_S * RATE)) 1000 "$RATE" 60
	sleep 1
	a=$(tool_cpu "$pid")
	lab_generate "$FRAMES" 1000 "$RATE" 120 || echo "# $name: generator did not finish" >&2
	sleep 1
	b=$(tool_cpu "$pid")
	if [ "$pid" != 0 ]; then
		kill -INT "$pid"
		sleep 1
		kill -INT "$pid" 2>/dev/null
		wait "$pid"
	fi
	echo "$a $b" | awk '{ printf "%d %.0f %.0f %.0f\n", $5 - $1, $6 - $2, $7 - $3, $8 - $4 }'
}

# Single-threaded TCG runs the vCPUs in turns, and a task's run time
# (or a BPF program's) goes on while its vCPU waits for the other: with
# one vCPU online, run times are what was spent.  The drops test below
# runs with both.
CPU1=/sys/devices/system/cpu/cpu1/online
[ "${COST_CPUS:-1}" = 1 ] && [ -w $CPU1 ] && echo 0 >$CPU1
echo "cost measured with $(nproc) vCPU online"
sysctl -qw kernel.bpf_stats_enabled=1
lab_load c-v2 0 || exit 1
ROUNDS=${ROUNDS:-3}
: >"$OUT/cost.raw"
echo "load: $FRAMES frames of 1000 B at $RATE frames/s (c-v2) after ${WARMUP_S} s of warm-up, $ROUNDS rounds, tools interleaved"
for round in $(seq "$ROUNDS"); do
	for tool in none bpftrace audit dashboard; do
		case $tool in
		none) r=$(measure none "") ;;
		bpftrace) r=$(measure bpftrace "^BEGIN" bpftrace -e \
			'BEGIN { printf("BEGIN\n"); } tracepoint:bes2600:* { @[probe] = count(); }') ;;
		audit) r=$(measure audit "attached to" "$TOP" audit -v -o "$RUN/audit$round.json") ;;
		dashboard) r=$(measure dashboard "attached to" "$TOP" -b -d 1) ;;
		esac
		echo "$round $tool $r" >>"$OUT/cost.raw"
	done
done
drops=$(/usr/bin/python3 -c 'import json, sys
print(sum(json.load(open(f))["drops"]["total"] for f in sys.argv[1:]))' "$RUN"/audit[0-9]*.json)
lab_unload
sysctl -qw kernel.bpf_stats_enabled=0
[ -w $CPU1 ] && echo 1 >$CPU1
/usr/bin/python3 "$(dirname "$0")/cost_table.py" "$OUT/cost.raw"
echo "audit drops: $drops"

# Drops against the event rate: the generator's rate rises to the most
# the lab's chip takes (rate=0) under TCG.
echo
printf "%-12s %10s %12s %8s\n" "rate f/s" "MB/s" "writes/s" "drops"
for r in ${RATES-1000 2000 4000 0}; do
	lab_load c-v2 0 || exit 1
	echo reset >"$LAB_DBG/stats"
	"$TOP" audit -o "$OUT/rate.json" -- bash -c \
		". $LAB_REPO/tests/vm/guest/lib.sh; lab_generate 8000 1000 $r 120" >/dev/null 2>&1
	mbs=$(lab_stat mb_per_s)
	lab_unload
	/usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("%-12s %10s %12.0f %8d" % (sys.argv[2] if sys.argv[2] != "0" else "max",
      sys.argv[3], sum(i["writes"] for i in j["instances"]) / j["duration_s"],
      j["drops"]["total"]))' \
		"$OUT/rate.json" "$r" "$mbs"
done
