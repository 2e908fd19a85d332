#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# bes2600-top state, with no tracepoint used: the test module's known
# writes (tests/abi-src/state_fields.c), exactly; then the lab's
# bes2600_bh_handle_rx_skb in the baseline (queued RX) and in Patch C
# (direct RX), against the ground truth and the audit of the same run.
# Where the kernel has no BTF for a module (6.1), it is generated with
# pahole and the kprobe flavour is used.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$dir/lib.sh"
TOP=${TOP:-$LAB_TOP}
OUT=${VM_OUTDIR:-/tmp}/state
mkdir -p "$OUT"
SF_KO=$LAB_REPO/build/$(uname -r)/abi-src/state_fields.ko
SF_RUN=/sys/kernel/debug/state_fields/run
SF=(-m state_fields -s sf_state -f sf_round)

expect_exit2() {
	local desc=$1 pat=$2 rc
	shift 2
	"$@" >"$OUT/x.out" 2>"$OUT/x.err"
	rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$pat" "$OUT/x.err"; then
		ok "state exits 2 $desc: $(head -1 "$OUT/x.err")"
	else
		not_ok "state exits 2 $desc" "exit $rc: $(head -c 300 "$OUT/x.err")"
	fi
}

check_py() {
	/usr/bin/python3 "$dir/state_check.py" "$@" | tap_results
}

# 1. What it cannot do, said in one line.
expect_exit2 "without -f" "name the function" "$TOP" state
expect_exit2 "for a module that is not loaded" "has no BTF" \
	"$TOP" state -m no_such_module -f x -d 1
expect_exit2 "on a bad format" "text, md or json" "$TOP" state "${SF[@]}" -F xml
insmod "$SF_KO" || not_ok "state_fields loaded"
# 2. The module's BTF: the kernel's, or made with pahole (6.1's headers
# have no vmlinux, so its modules are built without).
BTF=()
if [ -e /sys/kernel/btf/state_fields ]; then
	flavours="fentry kprobe"
else
	expect_exit2 "without the module's BTF, saying how to make it" \
		"pahole --btf_encode_detached" "$TOP" state "${SF[@]}" -d 1
	if pahole --btf_encode_detached="$OUT/state_fields.btf" \
		--btf_base /sys/kernel/btf/vmlinux "$SF_KO"; then
		ok "module BTF generated with pahole"
	else
		not_ok "module BTF generated with pahole"
	fi
	BTF=(--btf "$OUT/state_fields.btf")
	flavours=kprobe
	expect_exit2 "on fentry without the module's BTF in the kernel" \
		"use --flavour kprobe" "$TOP" state "${SF[@]}" "${BTF[@]}" --flavour fentry -d 1
fi
expect_exit2 "for an unknown function" "no function sf_nope" \
	"$TOP" state -m state_fields -s sf_state -f sf_nope "${BTF[@]}" -d 1
expect_exit2 "for a function that does not take the struct" "takes no pointer" \
	"$TOP" state -m state_fields -s sf_state -f sf_timer_fn "${BTF[@]}" -d 1
expect_exit2 "on an unwritable output" "/proc/no/such.json" \
	"$TOP" state "${SF[@]}" "${BTF[@]}" -d 1 -o /proc/no/such.json
if "$TOP" state "${SF[@]}" "${BTF[@]}" --list >"$OUT/list.txt" 2>&1 &&
	[ "$(cut -f1 "$OUT/list.txt" | sort | tr '\n' ' ')" = \
		"sf_round sf_write_array sf_write_atomic sf_write_nested sf_write_plain sf_write_slot " ]; then
	ok "--list: the six functions that take struct sf_state"
else
	not_ok "--list: the six functions that take struct sf_state" "$(head -c 300 "$OUT/list.txt")"
fi

# 3. The exact table, in each flavour this kernel has.
for fl in $flavours; do
	if "$TOP" state "${SF[@]}" "${BTF[@]}" --flavour "$fl" -F json \
		-o "$OUT/sf-$fl.json" -- sh -c "echo 40 > $SF_RUN" 2>"$OUT/sf-$fl.err"; then
		ok "state_fields ($fl): report written"
		check_py fields "$OUT/sf-$fl.json" 40 task:sh "state_fields ($fl)"
	else
		not_ok "state_fields ($fl): report written" "$(head -c 300 "$OUT/sf-$fl.err")"
	fi
done
# The Markdown table, and an unchanged run against the first as baseline.
if "$TOP" state "${SF[@]}" "${BTF[@]}" -F md --baseline "$OUT/sf-${flavours%% *}.json" \
	-- sh -c "echo 5 > $SF_RUN" >"$OUT/sf.md" 2>"$OUT/sf-md.err" &&
	grep -q '^| field | declared type | written by (function, context, count) | concurrent writers seen | protection seen | action suggested | change vs baseline |$' "$OUT/sf.md" &&
	grep -q '^| plain_count | int | sf_round (task:sh, 5); sf_write_plain (task:sh, 5) | none seen | plain int, one writer context (task:sh) | OK: single writer | unchanged |$' "$OUT/sf.md" &&
	[ "$(grep -c '^| ' "$OUT/sf.md")" = 4 ]; then
	ok "state_fields: Markdown table, unchanged against the baseline"
else
	not_ok "state_fields: Markdown table, unchanged against the baseline" \
		"$(head -c 600 "$OUT/sf.md") $(head -c 200 "$OUT/sf-md.err")"
fi
# As docs/state.md's first example: the text table for a duration, the
# tool started before the load, other writers chosen by name and glob.
"$TOP" state "${SF[@]}" "${BTF[@]}" --others 'sf_write_plain,sf_write_a*' -d 4 \
	>"$OUT/sf.txt" 2>"$OUT/sf-txt.err" &
pid=$!
wait_for 240 "attached" "$OUT/sf-txt.err" && sh -c "echo 10 > $SF_RUN"
wait "$pid"
rc=$?
if [ "$rc" = 0 ] && grep -q '^plain_count  (int, offset 0, 4 bytes)$' "$OUT/sf.txt" &&
	grep -q '^  written by:  sf_round (task:sh, 10); sf_write_plain (task:sh, 10)$' "$OUT/sf.txt" &&
	grep -q '^  written by:  sf_round (task:sh, 10); sf_write_atomic (task:sh, 10); sf_write_atomic (hardirq, 10)$' "$OUT/sf.txt" &&
	grep -q '^  protection:  plain int, one writer context (task:sh)$' "$OUT/sf.txt" &&
	[ "$(grep -c '^  written by:' "$OUT/sf.txt")" = 3 ] &&
	grep -q '^calls compared: 50 of 4 functions (10 of sf_round);' "$OUT/sf.txt" &&
	grep -q '4 functions of state_fields attached' "$OUT/sf-txt.err"; then
	ok "state_fields: the text table after -d 4, the others by name and glob"
else
	not_ok "state_fields: the text table after -d 4, the others by name and glob" \
		"exit $rc: $(head -c 600 "$OUT/sf.txt") $(head -c 200 "$OUT/sf-txt.err")"
fi
# 4. The precise mode: watchpoints on the three fields sf_round writes.
if "$TOP" state "${SF[@]}" "${BTF[@]}" --watch --watch-ms 100 -F json \
	-o "$OUT/sf-watch.json" -- sh -c "echo 20 > $SF_RUN; sleep 0.3; echo 300 > $SF_RUN" \
	2>"$OUT/sf-watch.err"; then
	echo "# $(grep "watched at once" "$OUT/sf-watch.err" | tail -1)"
	check_py watch "$OUT/sf-watch.json" task:sh "state_fields --watch"
else
	not_ok "state_fields --watch: report written" "$(head -c 300 "$OUT/sf-watch.err")"
fi
rmmod state_fields

# 5. The lab: bes2600_bh_handle_rx_skb in the BH, then in sdio_rx_work.
# The audit runs beside it: its tracepoint writers table is the check.
# Built like state_fields: without BTF where it had none.
LAB_BTF=()
if [ ${#BTF[@]} -gt 0 ] && pahole --btf_encode_detached="$OUT/bes2600_lab.btf" \
	--btf_base /sys/kernel/btf/vmlinux "$LAB_KO"; then
	LAB_BTF=(--btf "$OUT/bes2600_lab.btf")
fi
# The table: the diffs' writers and contexts (KIND diff), then the same
# with watchpoints in rounds (KIND watch), which confirm or refute each
# field the diffs found.
lab_state() { # KIND MODE VARIANT LABEL [STATE OPTIONS...]
	local kind=$1 mode=$2 variant=$3 label=$4 watch=()
	shift 4
	[ "$kind" = watch ] && watch=(--watch --watch-ms 100)
	lab_load "$variant" 20000 && lab_net_up && lab_neigh_static || {
		not_ok "$label: lab loaded"
		lab_unload
		return 1
	}
	(cd "$LAB_REPO" && "$TOP" state -f bes2600_bh_handle_rx_skb "${LAB_BTF[@]}" \
		"${watch[@]}" -F json -o "$OUT/$label.json" "$@" -- \
		bash -c '. tests/vm/guest/lib.sh; lab_generate 3000 500 1000 60; lab_settle') \
		2>"$OUT/$label.err"
	lab_unload
	if [ -s "$OUT/$label.json" ]; then
		ok "$label: report written ($(head -1 "$OUT/$label.err" | cut -c1-120))"
		check_py lab "$kind" "$mode" "$OUT/$label.json" "$LAB_BH_CTX" \
			work:sdio_rx_work "$label"
	else
		not_ok "$label: report written" "$(head -c 300 "$OUT/$label.err")"
	fi
}

# Every buffer confirmed, every pending count back (30 s at most).
lab_idle() { wait_until 30 lab_confirmed; }

# The counts: the counters watched the whole run, each write caught and
# put to the function and context that made it; the ground truth and
# the audit (tracepoints) count the same writes in the same window.
PINNED=hw_bufs_used.val,hw_bufs_used_vif[0].val,wsm_tx_pending[0].val,wsm_tx_pending[1].val
lab_counts() { # VARIANT LABEL
	local variant=$1 label=$2 spid apid
	lab_load "$variant" 20000 && lab_net_up && lab_neigh_static || {
		not_ok "$label: lab loaded"
		lab_unload
		return 1
	}
	"$TOP" state -f bes2600_bh_handle_rx_skb "${LAB_BTF[@]}" --watch-fields "$PINNED" \
		-F json -o "$OUT/$label.json" 2>"$OUT/$label.err" &
	spid=$!
	wait_for 240 "attached" "$OUT/$label.err" || true
	# A measured call that writes no counter: the tool learns the
	# instance from it (lab_generator_stop) and arms the watchpoints.
	echo stop >"$LAB_DBG/generator"
	wait_for 30 "watching wsm_tx_pending\[1\]" "$OUT/$label.err" ||
		not_ok "$label: the counters watched" "$(head -c 300 "$OUT/$label.err")"
	lab_idle || not_ok "$label: the lab idle after the first frames"
	"$TOP" audit -v -o "$OUT/$label-audit.json" >"$OUT/$label-audit.txt" \
		2>"$OUT/$label-audit.err" &
	apid=$!
	wait_for 240 "attached to" "$OUT/$label-audit.err" || true
	lab_truth >"$OUT/$label.before"
	lab_generate 2000 500 0 60
	lab_idle || not_ok "$label: the lab idle after the stress"
	lab_truth >"$OUT/$label.after"
	kill -INT "$apid" "$spid"
	wait "$apid" "$spid"
	lab_unload
	if [ -s "$OUT/$label.json" ] && [ -s "$OUT/$label-audit.json" ]; then
		check_py counts "$OUT/$label.json" "$OUT/$label.before" \
			"$OUT/$label.after" "$OUT/$label-audit.json" "$(uname -m)" "$label"
	else
		not_ok "$label: reports written" "$(head -c 300 "$OUT/$label.err")"
	fi
}

# The core subset (arm64): Patch C's table and its exact counts.
if lab_full; then
	lab_state diff queue baseline state-baseline
	lab_state diff direct patch-c state-patch-c --baseline "$OUT/state-baseline.json"
	lab_state watch queue baseline state-watch-baseline
	lab_state watch direct patch-c state-watch-patch-c
else
	lab_state diff direct patch-c state-patch-c
fi
lab_counts patch-c state-counts-patch-c

# Every report against its schema.
/usr/bin/python3 "$dir/schema_check.py" "$LAB_REPO/schemas/state-report.schema.json" \
	$(ls "$OUT"/*.json | grep -v -- -audit.json) | tap_results
