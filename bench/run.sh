#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# bes2600-top benchmarks; prints figures, asserts nothing (make bench).
#  1. memory: resident set of the audit's analysis after 1, 2, 5 and 10
#     million lab-like events (a replay of a generated record: the same
#     analysis as a live audit, without a guest);
#  1b. timelines: the size and write time of --perfetto and --html for
#     1 and 10 million events;
#  2. writer-side cost: in a 6.12 guest, ns each watcher adds to a
#     counter write (plain and atomic), next to the floor (an empty raw_tp
#     program, bench/floor.bpf.c) and bpftrace, and the audit's drops in
#     the burst (bench/writer-cost.sh);
#  3. cost and drops: in the same guest, CPU per event of the audit and
#     the dashboard next to a bpftrace counting one-liner, and drops at
#     rising event rates (bench/guest-cost.sh).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
B=build/bench
TOP=build/bes2600-top/bes2600-top
mkdir -p "$B"
cc -std=gnu11 -O2 -Wall -Iinclude -Itools/bes2600-top bench/mkrecord.c \
	build/bes2600-top/libbes2600top.a -ljansson -lz -lm -o "$B/mkrecord"
clang -g -O2 -target bpf -I"/usr/include/$(gcc -dumpmachine)" -Iinclude \
	-c bench/floor.bpf.c -o "$B/floor.bpf.o"
cc -O2 -Wall bench/floor.c -lbpf -o "$B/floor"

echo "== memory: peak resident set of 'bes2600-top audit --replay' (KiB)"
printf "%-12s %12s %10s\n" "events" "max RSS KiB" "replay s"
for n in 1000000 2000000 5000000 10000000; do
	"$B/mkrecord" "$B/m.rec" "$n" >/dev/null
	/usr/bin/python3 - "$TOP" "$B/m.rec" "$n" <<'EOF'
import resource, subprocess, sys, time
t = time.time()
rc = subprocess.call([sys.argv[1], "audit", "--replay", sys.argv[2]],
                     stdout=subprocess.DEVNULL)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%-12s %12d %10.1f%s" % (sys.argv[3], ru.ru_maxrss, time.time() - t,
      "" if rc == 0 else "  (exit %d)" % rc))
EOF
done
rm -f "$B/m.rec"

echo
echo "== timelines: 'audit --replay --perfetto --html' of a generated record"
printf "%-12s %12s %14s %10s %12s %10s\n" "events" "record MB" "perfetto MB" "x record" "html KB" "seconds"
for n in 1000000 10000000; do
	"$B/mkrecord" "$B/t.rec" "$n" >/dev/null
	s=$(date +%s.%N)
	"$TOP" audit --replay "$B/t.rec" --perfetto "$B/t.pftrace" --html "$B/t.html" >/dev/null
	e=$(date +%s.%N)
	/usr/bin/python3 -c 'import os, sys
r, p, h = (os.path.getsize(f) for f in sys.argv[2:5])
print("%-12s %12.1f %14.1f %10.2f %12.1f %10.1f" % (sys.argv[1], r / 1e6, p / 1e6,
      p / r, h / 1e3, float(sys.argv[6]) - float(sys.argv[5])))' \
		"$n" "$B/t.rec" "$B/t.pftrace" "$B/t.html" "$s" "$e"
done
rm -f "$B/t.rec" "$B/t.pftrace" "$B/t.html"

echo
echo "== in a 6.12 guest: writer-side cost, then cost and drops (c-v2, generator)"
KVER=${KVER:-$(ls /lib/modules | grep -- '^6\.12' | sort -V | tail -1)}
tests/vm/vm-run.sh -k "$KVER" -t 1800 -q -o "$B/vm" -- \
	bash -c 'bench/writer-cost.sh; echo; bench/guest-cost.sh'
cat "$B/vm/output.log"
