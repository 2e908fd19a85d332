#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# bes2600-top against a driver that is not the lab: the test event source
# (tests/abi-src/) in its three ABI variants (first-version fields,
# counters only, no sdio_rx_work), alone and two modules at once, audited
# and watched by the dashboard, every report held against its ground
# truth (abi_check.py).
set -u
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$dir/lib.sh"
TOP=${TOP:-$LAB_TOP}
SRC=$LAB_REPO/build/$(uname -r)/abi-src
OUT=${VM_OUTDIR:-/tmp}/abi
PY=/usr/bin/python3
ROUNDS=2000
mkdir -p "$OUT"
dmesg -C

abi_truth() { cat "/sys/kernel/debug/$1/truth"; }

# abi_audit VARIANT MODE LABEL [shared] [-- AUDIT OPTIONS]
abi_audit() {
	local v=$1 mode=$2 label=$3 shared=${4:-} rc
	abi_truth "$v" >"$OUT/$label.before"
	"$TOP" audit -o "$OUT/$label.json" -- \
		sh -c "echo $ROUNDS > /sys/kernel/debug/$v/run" \
		>"$OUT/$label.txt" 2>"$OUT/$label.err"
	rc=$?
	abi_truth "$v" >"$OUT/$label.after"
	if [ ! -s "$OUT/$label.json" ]; then
		not_ok "$label: audit wrote its report" "exit $rc: $(head -c 200 "$OUT/$label.err")"
		return 1
	fi
	echo "# $label: $(head -1 "$OUT/$label.txt"), exit $rc"
	$PY "$dir/abi_check.py" "$v" "$mode" "$OUT/$label.json" \
		"$OUT/$label.before" "$OUT/$label.after" "$rc" "$label" $shared |
		tap_results
}

# abi_top VARIANT LABEL: the dashboard, started before the module as the
# README allows, names the counters and counts every write.
abi_top() {
	local v=$1 label=$2 pid want got
	"$TOP" -b --jsonl -d 0.5 >"$OUT/$label.jsonl" 2>"$OUT/$label.top.err" &
	pid=$!
	wait_for 60 "waiting for the bes2600 driver" "$OUT/$label.top.err"
	insmod "$SRC/$v.ko" race_window_us=20 || { kill "$pid"; not_ok "$label: $v loaded"; return 1; }
	for _ in $(seq 40); do
		grep -q "attached to $v" "$OUT/$label.top.err" && break
		sleep 0.5
	done
	echo $ROUNDS >"/sys/kernel/debug/$v/run"
	want=$(abi_truth "$v" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "=");
		if (kv[1] ~ /_writes$/) s[$1] += kv[2] } } END { for (c in s) printf "%s=%d ", c, s[c] }')
	want=$(echo "$want" | tr " " "\n" | sort | xargs)
	# Until a line counts them all (an interval is 0.5 s), at most 30 s.
	abi_top_got() {
		got=$(tail -1 "$OUT/$label.jsonl" 2>/dev/null | $PY -c '
import json, sys
c = json.loads(sys.stdin.read())["counters"]
print(" ".join("%s=%d" % (k if "[" in k else k + "[0]", v["writes"]) for k, v in c.items()))' 2>/dev/null)
		[ "$(echo "$got" | tr " " "\n" | sort | xargs)" = "$want" ]
	}
	wait_until 30 abi_top_got
	kill -INT "$pid"
	wait "$pid"
	if [ -n "$got" ] && [ "$(echo "$got" | tr " " "\n" | sort | xargs)" = "$(echo "$want" | tr " " "\n" | sort | xargs)" ]; then
		ok "$label: the dashboard, started first, names $v's counters and counts every write ($got)"
	else
		not_ok "$label: the dashboard names $v's counters and counts every write" "dashboard '$got', truth '$want'"
	fi
	# Its writers carry the names of this load of the module.
	sites=$(grep -h '"writers"' "$OUT/$label.jsonl" | $PY -c '
import json, sys
s = set()
for line in sys.stdin:
    for w in json.loads(line)["writers"]:
        s.add("%s %s" % (w["context"], w["call_site"].split("+")[0] + " " + w["call_site"].split(" ")[-1]))
print("; ".join(sorted(s)))')
	if echo "$sites" | grep -q "kthread:abi_src_tx abi_tx_alloc \[$v\]" &&
		echo "$sites" | grep -q "work:abi_src_work abi_rx_release \[$v\]" &&
		! echo "$sites" | tr ';' '\n' | grep -qv "\[$v\]"; then
		ok "$label: the dashboard, started first, names the writers' contexts and call sites in $v ($sites)"
	else
		not_ok "$label: the dashboard names the writers' call sites in $v" "$sites"
	fi
	rmmod "$v"
}

# 1. Each variant alone: plain with a race window, then atomic.
for v in abi_v1 abi_ctr abi_norx; do
	insmod "$SRC/$v.ko" race_window_us=20 && abi_audit "$v" race "$v-race"
	rmmod "$v"
	insmod "$SRC/$v.ko" atomic=1 && abi_audit "$v" atomic "$v-atomic"
	rmmod "$v"
done
grep -q "no now field: check-then-act decided from the writes' times" "$OUT/abi_v1-race.txt" &&
	ok "abi_v1: the report says what the four-field pending_count_timer leaves out" ||
	not_ok "abi_v1: the report says what the four-field pending_count_timer leaves out"

# 2. Two modules at once: the kernel attaches to the newest by name.
insmod "$SRC/abi_v1.ko" atomic=1 && insmod "$SRC/abi_ctr.ko" atomic=1 &&
	abi_audit abi_ctr atomic two-modules shared
grep -q "^note: abi_v1 also defines bes2600 events" "$OUT/two-modules.txt" &&
	ok "two modules: the report names the other one" ||
	not_ok "two modules: the report names the other one" "$(grep -m1 '^note' "$OUT/two-modules.txt")"
"$TOP" audit --driver abi_v1 -d 1 >"$OUT/x.out" 2>"$OUT/x.err"
rc=$?
[ "$rc" = 2 ] && grep -q "abi_ctr, loaded later, defines it too" "$OUT/x.err" &&
	ok "two modules: --driver for the older one exits 2 and says why: $(head -c 160 "$OUT/x.err")" ||
	not_ok "two modules: --driver for the older one exits 2 and says why" "exit $rc: $(head -c 200 "$OUT/x.err")"
"$TOP" audit --driver nosuch -d 1 >"$OUT/x.out" 2>"$OUT/x.err"
rc=$?
[ "$rc" = 2 ] && grep -q "\-\-driver nosuch: no loaded module" "$OUT/x.err" &&
	ok "--driver naming no module exits 2" ||
	not_ok "--driver naming no module exits 2" "exit $rc: $(head -c 200 "$OUT/x.err")"
"$TOP" -b -n 1 --driver abi_v1 >"$OUT/x.out" 2>"$OUT/x.err"
rc=$?
[ "$rc" = 2 ] && grep -q "abi_ctr, loaded later, defines it too" "$OUT/x.err" &&
	ok "two modules: the dashboard's --driver for the older one exits 2 and says why" ||
	not_ok "two modules: the dashboard's --driver for the older one exits 2" "exit $rc: $(head -c 200 "$OUT/x.err")"
"$TOP" -b -n 1 --jsonl --driver abi_ctr >"$OUT/x.out" 2>"$OUT/x.err"
rc=$?
[ "$rc" = 0 ] && grep -q "attached to abi_ctr" "$OUT/x.err" && [ "$(wc -l <"$OUT/x.out")" = 1 ] &&
	ok "two modules: the dashboard's --driver abi_ctr attaches to it" ||
	not_ok "two modules: the dashboard's --driver abi_ctr attaches to it" "exit $rc: $(head -c 200 "$OUT/x.err")"
rmmod abi_ctr abi_v1

# 3. The dashboard on each variant.
for v in abi_v1 abi_ctr abi_norx; do
	abi_top "$v" "$v-top"
done

problems=$(lab_dmesg_problems 0 | head -3)
[ -z "$problems" ] && ok "abi sources: no kernel problem in dmesg" ||
	not_ok "abi sources: no kernel problem in dmesg" "$problems"
