#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The BPF object builds for arm64 (the user's tablet) as well as for the
# build machine, and holds both attach flavours of every program.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if clang -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_arm64 -Ibuild/bpf -Iinclude -Ibpf \
	-c bpf/bes2600_top.bpf.c -o "$TMP/arm64.bpf.o" 2>"$TMP/err"; then
	echo "ok - bes2600_top.bpf.c builds for arm64 (CO-RE, one object)"
else
	echo "not ok - bes2600_top.bpf.c builds for arm64 # $(head -1 "$TMP/err")"
fi

events="hw_bufs_used hw_bufs_used_vif wsm_tx_pending sdio_rx_work_queue sdio_rx_work_start sdio_rx_work_end pending_count_timer"
for obj in build/bpf/bes2600_top.bpf.o "$TMP/arm64.bpf.o"; do
	missing=
	secs=$(llvm-objdump -h "$obj" 2>/dev/null | awk '{ print $2 }')
	for e in $events; do
		for f in tp_btf raw_tp; do
			grep -qx "$f/$e" <<<"$secs" || missing="$missing $f/$e"
		done
	done
	[ -z "$missing" ] && echo "ok - $(basename "$obj"): tp_btf and raw_tp programs for every bes2600 event" ||
		echo "not ok - $(basename "$obj"): programs for every event # missing:$missing"
done
