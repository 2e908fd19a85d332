#!/bin/bash
# Inside a lab guest (bench/run.sh): the CPU cost of watching the bes2600
# events (audit, dashboard, bpftrace), the drops at rising rates.  Cost = CPU time of the
# whole guest (all CPUs, /proc/stat) while the generator sends a fixed load
# at a fixed rate, minus the same without any tool, per event seen.
set -u
# shellcheck source=../tests/vm/guest/lib.sh
. "$(dirname "$0")/../tests/vm/guest/lib.sh"
TOP=$LAB_REPO/build/bes2600-top/bes2600-top
OUT=${VM_OUTDIR:-/tmp}/bench
FRAMES=${FRAMES:-12000}
RATE=${RATE:-1500}
mkdir -p "$OUT"

busy_ticks() { # all CPUs: user nice system irq softirq steal
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# Starts the tool given as arguments in the background, waits until it
# prints PATTERN (attached), then sends the load; prints busy ticks.
measure() { # NAME PATTERN CMD...
	local name=$1 pat=$2 t0 t1 pid=
	shift 2
	if [ $# -gt 0 ]; then
		"$@" >"$OUT/$name.out" 2>"$OUT/$name.err" &
		pid=$!
		for _ in $(seq 120); do
			grep -q "$pat" "$OUT/$name.out" "$OUT/$name.err" 2>/dev/null && break
			sleep 0.5
		done
		sleep 1
	fi
	t0=$(busy_ticks)
	lab_generate "$FRAMES" 1000 "$RATE" 120 || echo "# $name: generator did not finish" >&2
	t1=$(busy_ticks)
	if [ -n "$pid" ]; then
		kill -INT "$pid"
		sleep 1
		kill -INT "$pid" 2>/dev/null
		wait "$pid"
	fi
	echo $((t1 - t0))
}

lab_load c-v2 0 || exit 1
hz=$(getconf CLK_TCK)
measure warmup "" >/dev/null	# the first load after insmod costs more
# Two rounds, interleaved, so that a drift of the host's speed over the
# run spreads over every mode; the sums are compared.
none=0 bt=0 audit=0 dash=0
for round in 1 2; do
	none=$((none + $(measure none "")))
	bt=$((bt + $(measure bpftrace "^BEGIN" bpftrace -e \
		'BEGIN { printf("BEGIN\n"); } tracepoint:bes2600:* { @[probe] = count(); }')))
	audit=$((audit + $(measure audit "attached to" "$TOP" audit -v -o "$OUT/audit$round.json")))
	dash=$((dash + $(measure dashboard "attached to" "$TOP" -b -d 1)))
done
events=0
for round in 1 2; do
	events=$((events + $(/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["records"])' "$OUT/audit$round.json")))
done
drops=$(/usr/bin/python3 -c 'import json, sys
print(sum(json.load(open(f))["drops"]["total"] for f in sys.argv[1:]))' "$OUT"/audit[12].json)
lab_unload

awk -v none="$none" -v bt="$bt" -v audit="$audit" -v dash="$dash" -v ev="$events" \
	-v hz="$hz" -v drops="$drops" -v frames="$FRAMES" -v rate="$RATE" 'BEGIN {
	ns = 1e9 / hz
	printf "load: 2 x %d frames of 1000 B at %d frames/s (c-v2), %d bes2600 events\n", frames, rate, ev
	printf "%-34s %10s %14s\n", "", "CPU ms", "added ns/event"
	printf "%-34s %10.0f %14s\n", "no tool", none * ns / 1e6, "-"
	printf "%-34s %10.0f %14.0f\n", "bpftrace @[probe] = count()", bt * ns / 1e6, (bt - none) * ns / ev
	printf "%-34s %10.0f %14.0f\n", "bes2600-top audit", audit * ns / 1e6, (audit - none) * ns / ev
	printf "%-34s %10.0f %14.0f\n", "bes2600-top -b (dashboard)", dash * ns / 1e6, (dash - none) * ns / ev
	if (bt > none) {
		printf "audit / bpftrace added cost: %.2f (must be <= 2)\n", (audit - none) / (bt - none)
		printf "dashboard / bpftrace added cost: %.2f (must be <= 1)\n", (dash - none) / (bt - none)
	}
	printf "audit drops: %d\n", drops
}'

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
	/usr/bin/python3 - "$OUT/rate.json" "$r" "$mbs" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
print("%-12s %10s %12.0f %8d" % (sys.argv[2] if sys.argv[2] != "0" else "max",
      sys.argv[3], j["records"] / j["duration_s"], j["drops"]["total"]))
EOF
done
