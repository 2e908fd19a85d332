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

# bes2600-top state's object, as make and make ARCH=arm64 built it (its
# kprobes read registers: the arm64 one needs arm64's vmlinux.h): both
# flavours of entry and return, and the watchpoint program.
for obj in build/bpf/state.bpf.o build/arm64/bpf/state.bpf.o; do
	secs=$(llvm-objdump -h "$obj" 2>/dev/null | awk '{ print $2 }')
	missing=
	for s in fentry/bes2600_state_target fexit/bes2600_state_target kprobe kretprobe perf_event; do
		grep -qx "$s" <<<"$secs" || missing="$missing $s"
	done
	[ -z "$missing" ] && echo "ok - $obj: fentry, fexit, kprobe, kretprobe and watchpoint programs" ||
		echo "not ok - $obj: state programs # missing:$missing"
done
