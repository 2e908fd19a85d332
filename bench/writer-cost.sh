#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Inside a lab guest (bench/run.sh): what each watcher adds to the writer.
# tests/abi-src/write_loop.ko stores one counter WRITES times in a loop,
# plain then atomic, from the writing task, and times the loop; the table
# gives ns per write under each watcher and the ratio to the floor (an
# empty raw_tp program on the same event) and to bpftrace; ring-floor
# only sends an empty record of the tools' size, the least a streamed
# write costs.  One vCPU is
# online: the loop's time is then the writer's own, the tool's consumer
# cannot run beside it, and the ring takes the whole burst.
set -u
# shellcheck source=../tests/vm/guest/lib.sh
. "$(dirname "$0")/../tests/vm/guest/lib.sh"
TOP=$LAB_TOP
B=$LAB_REPO/build/bench
KO=$LAB_REPO/build/$(uname -r)/abi-src/write_loop.ko
D=/sys/kernel/debug/write_loop
TRACEFS=/sys/kernel/tracing
WRITES=${WRITES:-200000}
ROUNDS=${ROUNDS:-3}
RUN=/tmp/bench-writer
mkdir -p "$RUN"

CPU1=/sys/devices/system/cpu/cpu1/online
[ -w $CPU1 ] && echo 0 >$CPU1
insmod "$KO" || { echo "cannot load $KO" >&2; exit 1; }

# loop KIND: ns per write of one loop of WRITES writes.
loop() {
	echo "$1 $WRITES" >$D/run
	sed -n 's/.*ns_per_write=\([0-9.]*\).*/\1/p' $D/result
}

# start NAME PATTERN CMD...: starts a watcher, waits for PATTERN.
start() {
	local name=$1 pat=$2
	shift 2
	"$@" >"$RUN/$name.out" 2>"$RUN/$name.err" &
	PID=$!
	for _ in $(seq 120); do
		grep -q "$pat" "$RUN/$name.out" "$RUN/$name.err" 2>/dev/null && return 0
		sleep 0.5
	done
	echo "# $name did not attach" >&2
}

stop() {
	kill -INT "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
}

: >"$RUN/raw"
for round in $(seq "$ROUNDS"); do
	for w in none floor ring-floor tracefs bpftrace audit dashboard; do
		case $w in
		none) ;;
		floor) start floor "^attached" "$B/floor" "$B/floor.bpf.o" ;;
		ring-floor) start ring "^attached" "$B/floor" "$B/floor.bpf.o" ring ;;
		tracefs)
			echo 1 >$TRACEFS/events/bes2600/hw_bufs_used/enable
			echo 1 >$TRACEFS/tracing_on ;;
		bpftrace) start bpftrace "^BEGIN" bpftrace -e \
			'BEGIN { printf("BEGIN\n"); } tracepoint:bes2600:* { @[probe] = count(); }' ;;
		audit) start audit "attached to" "$TOP" audit -v -o "$RUN/audit$round.json" ;;
		dashboard) start dashboard "attached to" "$TOP" -b -d 1 ;;
		esac
		p=$(loop plain)
		a=$(loop atomic)
		case $w in
		none) ;;
		tracefs)
			echo 0 >$TRACEFS/events/bes2600/hw_bufs_used/enable
			echo >$TRACEFS/trace ;;
		*) stop ;;
		esac
		echo "$round $w $p $a" >>"$RUN/raw"
		if [ "$w" = audit ]; then
			/usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("audit round %s: %d records, %d dropped" % (sys.argv[2], j["records"], j["drops"]["total"]))' \
				"$RUN/audit$round.json" "$round" >>"$RUN/drops"
		fi
	done
done
rmmod write_loop
[ -w $CPU1 ] && echo 1 >$CPU1

echo "writer-side cost: $WRITES writes per loop, $ROUNDS rounds, 1 vCPU (ns per write: median [min..max])"
/usr/bin/python3 - "$RUN/raw" <<'PYEOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r, w, p, a = line.split()
    rows.setdefault(w, ([], []))
    rows[w][0].append(float(p))
    rows[w][1].append(float(a))
med = {w: (statistics.median(v[0]), statistics.median(v[1])) for w, v in rows.items()}
def ratio(w, k, base):
    return med[w][k] / med[base][k] if base in med and med[base][k] else 0
print("%-12s %22s %22s %8s %8s %8s %8s" % ("watcher", "plain ns/write",
      "atomic ns/write", "plain", "atomic", "plain", "atomic"))
print("%-12s %22s %22s %8s %8s %8s %8s" % ("", "", "", "x floor", "x floor",
      "x bpft", "x bpft"))
for w, (p, a) in rows.items():
    print("%-12s %22s %22s %8.2f %8.2f %8.2f %8.2f" % (w,
          "%.0f [%.0f..%.0f]" % (med[w][0], min(p), max(p)),
          "%.0f [%.0f..%.0f]" % (med[w][1], min(a), max(a)),
          ratio(w, 0, "floor"), ratio(w, 1, "floor"),
          ratio(w, 0, "bpftrace"), ratio(w, 1, "bpftrace")))
PYEOF
cat "$RUN/drops"
