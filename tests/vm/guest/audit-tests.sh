#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# bes2600-top audit against the lab, in one boot: the exit-2 cases, then
# each variant under generator + nc stress, every report checked against
# the ground truth read before and after the audit (audit_check.py).
set -u
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$dir/lib.sh"
TOP=${TOP:-$LAB_TOP}
OUT=${VM_OUTDIR:-/tmp}/audit
mkdir -p "$OUT"
dmesg -C
# expect_exit2 DESC PATTERN CMD...: exit status 2 and a one-line reason.
expect_exit2() {
	local desc=$1 pat=$2 rc
	shift 2
	"$@" >"$OUT/x.out" 2>"$OUT/x.err"
	rc=$?
	if [ "$rc" = 2 ] && grep -q "$pat" "$OUT/x.err"; then
		ok "audit exits 2 $desc: $(head -1 "$OUT/x.err")"
	else
		not_ok "audit exits 2 $desc" "exit $rc: $(head -c 200 "$OUT/x.err")"
	fi
}

# The stress: generator frames through the chip, then an nc transfer
# between the two interfaces; the chip settles before the audit ends.
STRESS='. tests/vm/guest/lib.sh; lab_generate 1500 1000 0 30; lab_nc_transfer 131072 10; lab_settle; true'

# audit_run MODE VARIANT RACE_NS LABEL [AUDIT OPTIONS...]
audit_run() {
	local mode=$1 variant=$2 race=$3 label=$4 rc
	shift 4
	lab_load "$variant" "$race" && lab_net_up && lab_neigh_static || {
		not_ok "$label: lab loaded"
		lab_unload
		return 1
	}
	lab_truth >"$OUT/$label.before"
	(cd "$LAB_REPO" && "$TOP" audit -o "$OUT/$label.json" "$@" -- \
		bash -c "$STRESS") >"$OUT/$label.txt" 2>"$OUT/$label.err"
	rc=$?
	lab_truth >"$OUT/$label.after"
	lab_unload
	if [ ! -s "$OUT/$label.json" ]; then
		not_ok "$label: audit wrote its report" "exit $rc: $(head -c 200 "$OUT/$label.err")"
		return 1
	fi
	echo "# $label: $(head -1 "$OUT/$label.txt"), exit $rc"
	/usr/bin/python3 "$dir/audit_check.py" "$mode" "$OUT/$label.json" \
		"$OUT/$label.before" "$OUT/$label.after" "$rc" "$label" |
		tap_results
}

# 1. The audit cannot run: clear reason, exit 2.
expect_exit2 "without the driver" "no bes2600 driver loaded" "$TOP" audit -d 1
expect_exit2 "on a bad duration" "bad argument" "$TOP" audit -d soon
expect_exit2 "on an unknown option" "unrecognized option" "$TOP" audit --frobnicate
lab_load baseline
expect_exit2 "without privileges" "need root" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TOP" audit -d 1
expect_exit2 "on an unwritable report" "cannot write" "$TOP" audit -d 1 -o /proc/no/such.json
lab_unload

# c-v2 run N; the second is also recorded with its timelines, which
# run-tests.sh checks on the host after the guests.
audit_cv2() {
	if [ "$1" = 2 ]; then
		audit_run atomic-direct c-v2 20000 "c-v2-$1" --record "$OUT/c-v2.rec" \
			--perfetto "$OUT/c-v2.pftrace" --html "$OUT/c-v2.html"
		cp "$OUT/c-v2-$1.json" "$OUT/c-v2.json"
	else
		audit_run atomic-direct c-v2 20000 "c-v2-$1"
	fi
}

# 2. The variants.  Kernel stacks in the race run, for the report.  The
# core subset (LAB_SUBSET=core): the race, its record, c-v2 three times.
if lab_full; then
	audit_run baseline baseline 0 baseline
	audit_run race patch-c 20000 patch-c --stacks --record "$OUT/patch-c.rec" \
		--perfetto "$OUT/patch-c.pftrace" --html "$OUT/patch-c.html"
	audit_run race0 patch-c 0 patch-c-rw0
	# The cw1200 shape: the BH a kthread.
	lab_set_bh kthread
	audit_run race patch-c 20000 patch-c-kthread
	lab_set_bh work
	for i in 1 2 3 4 5; do
		audit_run atomic-queue c-prep 20000 "c-prep-$i"
		if [ "$i" = 1 ]; then
			audit_run atomic-direct c-v2 20000 "c-v2-$i" \
				--baseline "$OUT/c-prep-1.json" --delta-table "$OUT/c-prep-c-v2.md"
		else
			audit_cv2 "$i"
		fi
	done
else
	audit_run race patch-c 20000 patch-c --stacks --record "$OUT/patch-c.rec" \
		--perfetto "$OUT/patch-c.pftrace" --html "$OUT/patch-c.html"
	for i in 1 2 3; do
		audit_cv2 "$i"
	done
fi

# 3. The recorded patch-c stream replays offline to the same findings.
if [ -s "$OUT/patch-c.rec" ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TOP" audit --replay "$OUT/patch-c.rec" >"$OUT/replay.txt" 2>&1
	rc=$?
	if [ "$rc" = 1 ] && diff <(grep '^SUMMARY' "$OUT/patch-c.txt") \
		<(grep '^SUMMARY' "$OUT/replay.txt") >/dev/null; then
		ok "patch-c: unprivileged --replay of the record gives the live summary"
	else
		not_ok "patch-c: unprivileged --replay of the record gives the live summary" "exit $rc"
	fi
else
	not_ok "patch-c: --record wrote the stream"
fi

if ! lab_full; then
	# 7. Every report of this boot against the JSON Schema that is installed.
/usr/bin/python3 "$dir/schema_check.py" "$LAB_REPO/schemas/audit-report.schema.json" \
	"$OUT"/*.json | tap_results

problems=$(lab_dmesg_problems 1 | grep -v 'wsm_release_tx_buffer' | head -3)
	[ -z "$problems" ] && ok "audit runs: no kernel problem in dmesg" ||
		not_ok "audit runs: no kernel problem in dmesg" "$problems"
	exit 0
fi

# 4. C-prep against the baseline: the figures and writers, side by side.
"$TOP" audit --replay "$OUT/patch-c.rec" --baseline "$OUT/baseline.json" \
	--delta-table "$OUT/baseline-patch-c.md" >"$OUT/delta.txt" 2>&1
grep -q '^BASELINE' "$OUT/delta.txt" &&
	ok "--baseline prints the deltas against an earlier report" ||
	not_ok "--baseline prints the deltas against an earlier report" "$(head -c 200 "$OUT/delta.txt")"

# 5. The shared-state delta table: each counter's new writer context.
# md_row FILE COUNTER PATTERN: the counter's row matches.
md_row() { grep -F "| \`$2\` |" "$1" | grep -q -- "$3"; }
for c in 'hw_bufs_used' 'hw_bufs_used_vif[0]' 'wsm_tx_pending[0]'; do
	md_row "$OUT/baseline-patch-c.md" "$c" "| $LAB_BH_CTX ([a-z_0-9, ]*) | $LAB_BH_CTX ([a-z_0-9, ]*); + work:sdio_rx_work ([a-z_0-9, ]*) | plain; 2 contexts, interleaved [0-9]* times | convert to atomic_t[;a-z0-9 ()]* |" &&
		ok "delta table baseline -> patch-c: $c gains work:sdio_rx_work, plain: convert to atomic_t" ||
		not_ok "delta table baseline -> patch-c: $c gains work:sdio_rx_work" "$(grep -F "\`$c\`" "$OUT/baseline-patch-c.md")"
	md_row "$OUT/c-prep-c-v2.md" "$c" '+ work:sdio_rx_work ([a-z_0-9, ]*) | atomic; 2 contexts, interleaved [0-9]* times | OK: atomic' &&
		ok "delta table c-prep -> c-v2: $c gains work:sdio_rx_work, atomic: OK" ||
		not_ok "delta table c-prep -> c-v2: $c gains work:sdio_rx_work" "$(grep -F "\`$c\`" "$OUT/c-prep-c-v2.md")"
done
grep -q "^ROOT CAUSE hw_bufs_used: plain read-modify-writes from .*$LAB_BH_CTX (wsm_alloc_tx_buffer).* work:sdio_rx_work (wsm_release_tx_buffer).*; [0-9]* lost updates\\?, drift [-+][0-9]*" "$OUT/patch-c.txt" &&
	ok "patch-c: the report names hw_bufs_used's root cause on its second line" ||
	not_ok "patch-c: the report names hw_bufs_used's root cause" "$(sed -n 2p "$OUT/patch-c.txt")"

# 6. The Phase 7 protocol: three runs against three.  The moved release
# is a writer row new in every c-v2 run and gone from every c-prep one.
"$TOP" compare "$OUT"/c-prep-{1,2,3}.json -- "$OUT"/c-v2-{1,2,3}.json \
	>"$OUT/compare.txt" 2>&1
rc=$?
[ "$rc" = 1 ] &&
	grep -A1 '^  hw_bufs_used work:sdio_rx_work wsm_release_tx_buffer \[bes2600_lab\] atomic$' "$OUT/compare.txt" | grep -q 'new: not in any run before' &&
	grep -A1 "^  hw_bufs_used $LAB_BH_CTX wsm_release_tx_buffer \\[bes2600_lab\\] atomic\$" "$OUT/compare.txt" | grep -q 'gone: in no run after' &&
	grep -q '^  MB/s .*\[.*\].* -> .*\[' "$OUT/compare.txt" &&
	ok "compare: 3 c-prep runs -> 3 c-v2 runs: the release moved to sdio_rx_work, each figure with its spread" ||
	not_ok "compare: 3 c-prep runs -> 3 c-v2 runs" "exit $rc: $(head -c 300 "$OUT/compare.txt")"

# 7. Every report of this boot against the JSON Schema that is installed.
/usr/bin/python3 "$dir/schema_check.py" "$LAB_REPO/schemas/audit-report.schema.json" \
	"$OUT"/*.json | tap_results

problems=$(lab_dmesg_problems 1 | grep -v 'wsm_release_tx_buffer' | head -3)
[ -z "$problems" ] && ok "audit runs: no kernel problem in dmesg" ||
	not_ok "audit runs: no kernel problem in dmesg" "$problems"
