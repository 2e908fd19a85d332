#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# A burst that overflows the ring: the audit is stopped (SIGSTOP) while
# the generator runs at its top rate, so its ring fills and the BPF side
# drops records, deterministically; then it goes on and ends.  Its
# counts, drift and writers must still equal the lab's ground truth
# (burst_check.py), the report must name the gap, and no lost update may
# be claimed across it.  In c-v2 (atomic counters) nothing is dropped.
# Beside it, the batch dashboard must print a line per interval.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
TOP=$LAB_TOP
OUT=${VM_OUTDIR:-/tmp}/burst
mkdir -p "$OUT"
FRAMES=${BURST_FRAMES:-30000}

burst() { # VARIANT RACE_NS
	local v=$1 pid dpid
	lab_load "$v" "$2" && lab_net_up && lab_neigh_static || {
		not_ok "$v burst: lab up"
		lab_unload
		return
	}
	# Above the lab's kernel threads, which the generator at its top rate
	# keeps busy: a late line is then the dashboard's own work.
	nice -n -10 "$TOP" -b --jsonl -d 1 >"$OUT/$v-dash.jsonl" 2>"$OUT/$v-dash.err" &
	dpid=$!
	"$TOP" audit -v -o "$OUT/$v.json" >"$OUT/$v.txt" 2>"$OUT/$v.err" &
	pid=$!
	wait_for 240 "attached to" "$OUT/$v.err" || true
	wait_for 240 "attached to" "$OUT/$v-dash.err" || true
	lab_truth >"$OUT/$v.before"
	kill -STOP "$pid"
	lab_generate "$FRAMES" 1000 0 600 || not_ok "$v burst: generator finished"
	lab_settle
	lab_truth >"$OUT/$v.after"
	kill -CONT "$pid"
	# Two whole dashboard intervals after the last write.
	n=$(wc -l <"$OUT/$v-dash.jsonl")
	dash_grew() { [ "$(wc -l <"$OUT/$v-dash.jsonl")" -ge $((n + 2)) ]; }
	wait_until 30 dash_grew
	kill -INT "$pid" "$dpid"
	wait "$pid"
	echo "status=$?" >>"$OUT/$v.err"
	wait "$dpid"
	lab_unload
	/usr/bin/python3 "$(dirname "$0")/burst_check.py" "$v" "$OUT/$v.json" \
		"$OUT/$v.before" "$OUT/$v.after" "$OUT/$v-dash.jsonl" |
		tap_results
}

burst patch-c 2000
burst c-v2 0

# The JSONL lines of a burst, and the reports, against the schemas.
/usr/bin/python3 "$(dirname "$0")/schema_check.py" "$LAB_REPO/schemas/top-jsonl.schema.json" \
	"$OUT"/*-dash.jsonl | tap_results
/usr/bin/python3 "$(dirname "$0")/schema_check.py" "$LAB_REPO/schemas/audit-report.schema.json" \
	"$OUT"/*.json | tap_results
