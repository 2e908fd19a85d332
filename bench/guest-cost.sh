#!/bin/bash
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
mkdir -p "$OUT"

# Prints "events bpf_ns user_ns" of the tool running as PID.
tool_cpu() {
	/usr/bin/python3 "$(dirname "$0")/tool_cpu.py" "$1"
}

# measure NAME PATTERN CMD...: starts the tool, waits until it says
# PATTERN (attached), sends the load, prints "events bpf_ns user_ns".
measure() {
	local name=$1 pat=$2 pid a b
	shift 2
	"$@" >"$OUT/$name.out" 2>"$OUT/$name.err" &
	pid=$!
	for _ in $(seq 120); do
		grep -q "$pat" "$OUT/$name.out" "$OUT/$name.err" 2>/dev/null && break
		sleep 0.5
	done
	sleep 1
	a=$(tool_cpu "$pid")
	lab_generate "$FRAMES" 1000 "$RATE" 120 || echo "# $name: generator did not finish" >&2
	sleep 1
	b=$(tool_cpu "$pid")
	kill -INT "$pid"
	sleep 1
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	echo "$a $b" | awk '{ printf "%d %.0f %.0f\n", $4 - $1, $5 - $2, $6 - $3 }'
}

sysctl -qw kernel.bpf_stats_enabled=1
lab_load c-v2 0 || exit 1
echo "load: $FRAMES frames of 1000 B at $RATE frames/s (c-v2), twice per tool, interleaved"
declare -A tot
for round in 1 2; do
	for tool in bpftrace audit dashboard; do
		case $tool in
		bpftrace) r=$(measure bpftrace "^BEGIN" bpftrace -e \
			'BEGIN { printf("BEGIN\n"); } tracepoint:bes2600:* { @[probe] = count(); }') ;;
		audit) r=$(measure audit "attached to" "$TOP" audit -v -o "$OUT/audit$round.json") ;;
		dashboard) r=$(measure dashboard "attached to" "$TOP" -b -d 1) ;;
		esac
		tot[$tool]="${tot[$tool]:-} $r"
	done
done
drops=$(/usr/bin/python3 -c 'import json, sys
print(sum(json.load(open(f))["drops"]["total"] for f in sys.argv[1:]))' "$OUT"/audit[12].json)
lab_unload
sysctl -qw kernel.bpf_stats_enabled=0

printf "%-30s %9s %11s %11s %11s %8s\n" "" "events" "BPF ns/ev" "user ns/ev" "total ns/ev" "x bpftrace"
for tool in bpftrace audit dashboard; do
	echo "$tool ${tot[$tool]}"
done | awk '{
	e = $2 + $5; b = $3 + $6; u = $4 + $7
	name[NR] = $1; ev[NR] = e; bpf[NR] = e ? b / e : 0; usr[NR] = e ? u / e : 0
} END {
	label["bpftrace"] = "bpftrace @[probe] = count()"
	label["audit"] = "bes2600-top audit"
	label["dashboard"] = "bes2600-top -b (dashboard)"
	for (i = 1; i <= NR; i++)
		printf "%-30s %9d %11.0f %11.0f %11.0f %8.2f\n", label[name[i]], ev[i],
			bpf[i], usr[i], bpf[i] + usr[i], (bpf[i] + usr[i]) / (bpf[1] + usr[1])
	print "targets: audit <= 2.00 x bpftrace, dashboard <= 1.00 x bpftrace"
}'
echo "audit drops: $drops"

# Drops against the event rate: the generator's rate rises to the most
# the lab's chip takes (rate=0) under TCG.
echo
printf "%-12s %10s %12s %8s\n" "rate f/s" "MB/s" "events/s" "drops"
for r in 1000 2000 4000 0; do
	lab_load c-v2 0 || exit 1
	echo reset >"$LAB_DBG/stats"
	"$TOP" audit -o "$OUT/rate.json" -- bash -c \
		". $LAB_REPO/tests/vm/guest/lib.sh; lab_generate 8000 1000 $r 120" >/dev/null 2>&1
	mbs=$(lab_stat mb_per_s)
	lab_unload
	/usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("%-12s %10s %12.0f %8d" % (sys.argv[2] if sys.argv[2] != "0" else "max",
      sys.argv[3], j["records"] / j["duration_s"], j["drops"]["total"]))' \
		"$OUT/rate.json" "$r" "$mbs"
done
