#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Context classification: tests/abi-src/ctx_kinds.ko writes one counter
# from a hard hrtimer, a timer_list, a work item, a kthread and the task
# that asks for it; bes2600-top audit must put every write in the context
# the kernel itself saw (ctx_check.py).  Run on every architecture.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$dir/lib.sh"
TOP=${TOP:-$LAB_TOP}
KO=$LAB_REPO/build/$(uname -r)/abi-src/ctx_kinds.ko
OUT=${VM_OUTDIR:-/tmp}/ctx
ROUNDS=50
mkdir -p "$OUT"

if ! insmod "$KO"; then
	not_ok "ctx_kinds loaded" "insmod $KO failed"
	exit 0
fi
label="contexts on $(uname -m)"
# dd writes the request: the task context is "task:dd".
"$TOP" audit -o "$OUT/ctx.json" -- \
	sh -c "printf $ROUNDS | dd of=/sys/kernel/debug/ctx_kinds/run status=none" \
	>"$OUT/ctx.txt" 2>"$OUT/ctx.err"
rc=$?
cat /sys/kernel/debug/ctx_kinds/truth >"$OUT/truth"
if [ -s "$OUT/ctx.json" ]; then
	[ "$rc" = 0 ] && ok "$label: audit exit 0" ||
		not_ok "$label: audit exit 0" "exit $rc: $(head -c 200 "$OUT/ctx.err")"
	/usr/bin/python3 "$dir/ctx_check.py" "$OUT/ctx.json" "$OUT/truth" \
		"$ROUNDS" dd "$label" | while read -r verdict rest; do
		case $verdict in
		PASS) echo "ok - $rest" ;;
		FAIL) echo "not ok - $rest" ;;
		*) echo "$verdict $rest" ;;
		esac
	done
else
	not_ok "$label: audit wrote its report" "exit $rc: $(head -c 200 "$OUT/ctx.err")"
fi
rmmod ctx_kinds || not_ok "ctx_kinds unloaded"
