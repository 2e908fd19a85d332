#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Tests of tools/bpftrace/*.bt and of the one-liners of docs/oneliners.md,
# inside a lab guest: each runs against the lab under the generator's load
# and its output is checked for the facts it must show.  bpftrace takes
# seconds to start under TCG, so the programs of a variant start together
# and the load begins once all of them are attached.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

BT=$LAB_REPO/tools/bpftrace
OUT=$(mktemp -d)
t0=$SECONDS

# start NAME COMMAND...: runs one bpftrace program in the background.
PIDS=()
OUTS=()
CMDS=()
start() {
	local name=$1
	shift
	"$@" >"$OUT/$name.out" 2>&1 &
	PIDS+=($!)
	OUTS+=("$OUT/$name.out")
	CMDS+=("$*")
}

# Waits until every started program is attached: the scripts print their
# "Tracing" header from BEGIN, which runs once every probe is attached;
# the one-liners print only "Attaching N probes", before they attach, and
# are attached once bpftool lists their trace points for that process:
# N less BEGIN, END and interval or profile probes, which it does not list.
attachments() { # PID: from $PERF, bpftool perf show's lines
	grep -c "^pid $1 " <<<"$PERF"
}
unlisted() { # PROGRAM TEXT
	grep -oE '\<(BEGIN|END)\>|\<(interval|profile):' <<<"$1" | wc -l
}
wait_attached() {
	local f n i want end=$((SECONDS + 600))
	while [ $SECONDS -lt $end ]; do
		n=0
		PERF=$(bpftool perf show 2>/dev/null)
		for i in "${!PIDS[@]}"; do
			f=${OUTS[$i]}
			case $f in
			*/doc-*)
				want=$(sed -n 's/^Attaching \([0-9]*\) probe.*/\1/p' "$f")
				[ -n "$want" ] && want=$((want - $(unlisted "${CMDS[$i]}"))) &&
					[ "$(attachments "${PIDS[$i]}")" -ge "$want" ] ;;
			*) grep -q '^Tracing ' "$f" ;;
			esac && n=$((n + 1))
		done
		[ "$n" -ge ${#PIDS[@]} ] && return 0
		sleep 1
	done
	return 1
}

# SIGINT ends a bpftrace program and prints its maps.  Symbolising stacks
# and call sites at exit reads /proc/kallsyms, which takes tens of seconds
# under TCG while the other guest loads the host, so one still there after
# 120 s did not end cleanly.
any_alive() {
	local p
	for p in "${PIDS[@]}"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

STUCK=0
stop_all() {
	local p i
	# bpftrace ignores SIGINT (inherited from the background shell) until
	# it installed its handler, so a signal that came too early is sent
	# again.
	for i in $(seq 120); do
		[ $((i % 15)) = 1 ] && kill -INT "${PIDS[@]}" 2>/dev/null
		any_alive || break
		sleep 1
	done
	for p in "${PIDS[@]}"; do
		if kill -0 "$p" 2>/dev/null; then
			STUCK=$((STUCK + 1))
			ps -o args= -p "$p" | sed 's/^/# did not end on SIGINT: /'
			kill -KILL "$p"
		fi
	done
	wait "${PIDS[@]}"
	PIDS=()
	OUTS=()
	CMDS=()
}

# Keeps the programs' output beside the run's results (vm-run.sh -o).
keep_outputs() { # VARIANT
	[ -n "${VM_OUTDIR:-}" ] || return 0
	mkdir -p "$VM_OUTDIR/oneliners-$1" && cp "$OUT"/*.out "$VM_OUTDIR/oneliners-$1/"
}

truth_writes() { # COUNTER[IDX]: plain + atomic writes so far
	echo $(($(lab_truth_field "$1" plain_writes) + $(lab_truth_field "$1" atomic_writes)))
}

# Sums the counts of a script's map lines matching a pattern.
sum_counts() { # FILE PATTERN
	grep -E "$2" "$1" | awk -F': ' '{ s += $NF } END { print s + 0 }'
}

within_5pct() { # A B
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d * 100 <= b * 5) }'
}

check_writers() { # VARIANT: script 1 against the ground truth's write counts
	local v=$1 inst ev idx got want
	for inst in 'hw_bufs_used[0]' 'hw_bufs_used_vif[0]' 'wsm_tx_pending[0]'; do
		ev=${inst%%[*}
		idx=${inst#*[}
		idx=${idx%]}
		got=$(sum_counts "$OUT/writers.out" "^@by_(work|task)\[tracepoint:bes2600:$ev, $idx,")
		want=$(($(truth_writes "$inst") - ${BEFORE[$inst]}))
		if within_5pct "$got" "$want"; then
			ok "$v: bes2600-writers.bt counts $inst writes like the ground truth ($got vs $want)"
		else
			not_ok "$v: bes2600-writers.bt counts $inst writes like the ground truth" "$got vs $want"
		fi
	done
}

# Once every program is attached: the truth's counts, the generator's
# load (3000 x 1000 B), then SIGINT to all programs.
load_while_attached() { # WHAT
	if wait_attached; then
		ok "$v: $1 attached ($((SECONDS - s)) s)"
	else
		not_ok "$v: $1 attached" "$(grep -L '^Attaching' "$OUT"/*.out | tr '\n' ' ')"
	fi
	snapshot_truth
	lab_generate 3000 1000 0 40 >/dev/null
	lab_settle
	stop_all
}

declare -A BEFORE
snapshot_truth() {
	local inst
	for inst in 'hw_bufs_used[0]' 'hw_bufs_used_vif[0]' 'wsm_tx_pending[0]'; do
		BEFORE[$inst]=$(truth_writes "$inst")
	done
}

# ---- patch-c with a race window: every script under the same load ----
v=patch-c
s=$SECONDS
# The core subset (LAB_SUBSET=core): the three scripts of the race.
if lab_full; then
	SCRIPTS=("$BT"/*.bt)
else
	SCRIPTS=("$BT"/bes2600-{writers,underflow,lostupdate}.bt)
fi
echo "# oneliners: $v race_window_ns=20000, ${#SCRIPTS[@]} scripts"
dmesg -C
lab_load "$v" 20000 && lab_net_up
for f in "${SCRIPTS[@]}"; do
	n=$(basename "$f" .bt)
	start "${n#bes2600-}" bpftrace "$f"
done
load_while_attached "${#SCRIPTS[@]} scripts"
underflows=$(lab_stat release_underflows)

for f in "$OUT"/*.out; do
	n=$(basename "$f" .out)
	if grep -q '^Tracing ' "$f" && ! grep -q 'ERROR' "$f"; then
		ok "$v: bes2600-$n.bt prints its header and ends cleanly on SIGINT"
	else
		not_ok "$v: bes2600-$n.bt runs" "$(head -3 "$f" | tr '\n' ' ')"
	fi
done
check_writers "$v"
# Script 3 against the lab's own underflow count: a stack through
# wsm_release_tx_buffer exactly when hw_bufs_used went below zero.
if [ "$underflows" -gt 0 ]; then
	if grep -q 'wsm_release_tx_buffer' "$OUT/underflow.out" &&
		grep -q 'negative_stores\[tracepoint:bes2600:hw_bufs_used' "$OUT/underflow.out"; then
		ok "$v: bes2600-underflow.bt shows the stack through wsm_release_tx_buffer ($underflows underflows)"
	else
		not_ok "$v: bes2600-underflow.bt shows wsm_release_tx_buffer" "lab counted $underflows"
	fi
elif grep -q 'negative_stores\[tracepoint:bes2600:hw_bufs_used,' "$OUT/underflow.out"; then
	not_ok "$v: bes2600-underflow.bt agrees with the lab" "lab counted no hw_bufs_used underflow"
else
	ok "$v: bes2600-underflow.bt reports no hw_bufs_used underflow, as the lab counted none"
fi
flagged=$(sum_counts "$OUT/lostupdate.out" '^@flagged\[')
if [ "$flagged" -gt 0 ] && grep -q '^LOST? ' "$OUT/lostupdate.out"; then
	ok "$v: bes2600-lostupdate.bt flags lost updates ($flagged)"
else
	not_ok "$v: bes2600-lostupdate.bt flags lost updates" "truth drift $(lab_total_drift)"
fi
if lab_full; then
check "$v: bes2600-hwbufs-hist.bt prints the histogram" grep -q '^\[15, 16)' "$OUT/hwbufs-hist.out"
check "$v: bes2600-rxwork-lat.bt prints both histograms" \
	bash -c "grep -q '^@queue_to_start_us' $OUT/rxwork-lat.out && grep -q '^@run_time_us' $OUT/rxwork-lat.out"
check "$v: bes2600-rxwork-size.bt prints per-second runs and packets" \
	bash -c "awk '\$2 > 0 && \$3 > 0' $OUT/rxwork-size.out | grep -q '^[0-9][0-9]:'"
check "$v: bes2600-redispatch.bt prints per-second interrupts" \
	bash -c "awk '\$2 > 0' $OUT/redispatch.out | grep -q '^[0-9][0-9]:'"
check "$v: bes2600-capacity.bt saw the chip fill" \
	bash -c "awk '\$3 > 0' $OUT/capacity.out | grep -q '^[0-9][0-9]:'"
check "$v: bes2600-pending-timer.bt counts decisions" grep -qE '^@(mod|del)_timer\[0\]' "$OUT/pending-timer.out"
check "$v: bes2600-rate.bt prints per-second transitions" grep -q '^@transitions\[tracepoint:bes2600:hw_bufs_used, 0\]' "$OUT/rate.out"
fi
for n in underflow lostupdate; do
	sed -n '1,12p' "$OUT/$n.out" | sed "s/^/# [$v $n] /"
done
keep_outputs "$v"
lab_unload
echo "# part oneliners $v: $((SECONDS - s)) s"

# ---- c-v2: no lost update flagged; and the docs' one-liners ----
v=c-v2
s=$SECONDS
rm -f "$OUT"/*.out
echo "# oneliners: $v race_window_ns=20000, scripts 1 and 4 and the docs' one-liners"
lab_load "$v" 20000 && lab_net_up
start writers bpftrace "$BT/bes2600-writers.bt"
start lostupdate bpftrace "$BT/bes2600-lostupdate.bt"
# docs/oneliners.md: the fenced block after each "<!-- oneliner: NAME -->"
# (not in the core subset).
: >"$OUT/doc-oneliners.tsv"
if lab_full; then
	awk '/^<!-- oneliner: / { name = $3; next }
		name && /^```sh/ { grab = 1; next }
		grab && /^```/ { grab = 0; name = ""; next }
		grab { print name "\t" $0 }' "$LAB_REPO/docs/oneliners.md" >"$OUT/doc-oneliners.tsv"
	n_doc=$(wc -l <"$OUT/doc-oneliners.tsv")
	[ "$n_doc" -ge 10 ] && ok "docs/oneliners.md has $n_doc one-liners" ||
		not_ok "docs/oneliners.md has at least 10 one-liners" "$n_doc"
fi
while IFS=$'\t' read -r name cmd; do
	# exec: a background shell ignores SIGINT, bpftrace handles it.
	start "doc-$name" bash -c "exec $cmd"
done <"$OUT/doc-oneliners.tsv"
load_while_attached "scripts and doc one-liners"
check_writers "$v"
if grep -q 'sdio_rx_work, wsm_release_tx_buffer, 1\]' "$OUT/writers.out"; then
	ok "$v: bes2600-writers.bt shows the atomic release in sdio_rx_work"
else
	not_ok "$v: bes2600-writers.bt shows the release in sdio_rx_work"
fi
if grep -q '^LOST? ' "$OUT/lostupdate.out" || grep -q '^@flagged\[' "$OUT/lostupdate.out"; then
	not_ok "$v: bes2600-lostupdate.bt flags nothing" "$(grep -m2 LOST "$OUT/lostupdate.out")"
else
	ok "$v: bes2600-lostupdate.bt flags nothing with atomic counters"
fi
# With atomic counters nothing goes below zero and nothing is lost: those
# two one-liners must stay silent, the others must print their maps.
while IFS=$'\t' read -r name _; do
	f=$OUT/doc-$name.out
	if grep -q ERROR "$f" || ! grep -q '^Attaching' "$f"; then
		not_ok "docs one-liner '$name' runs" "$(head -3 "$f" | tr '\n' ' ')"
	elif [ "$name" = underflow ] || [ "$name" = lostupdate ]; then
		if grep -q '^@' "$f"; then
			not_ok "docs one-liner '$name' silent in $v" "$(grep -m2 '^@' "$f")"
		else
			ok "docs one-liner '$name' runs and reports nothing in $v"
		fi
	elif grep -q '^@' "$f"; then
		ok "docs one-liner '$name' runs and prints its maps"
	else
		not_ok "docs one-liner '$name' prints its maps" "$(head -3 "$f" | tr '\n' ' ')"
	fi
done <"$OUT/doc-oneliners.tsv"
keep_outputs "$v"
lab_unload
echo "# part oneliners $v: $((SECONDS - s)) s"
[ "$STUCK" = 0 ] && ok "every bpftrace program ended on SIGINT" ||
	not_ok "every bpftrace program ended on SIGINT" "$STUCK did not"
problems=$(lab_dmesg_problems 1)
[ -z "$problems" ] && ok "oneliners: dmesg clean" || not_ok "oneliners: dmesg clean" "$problems"
rm -rf "$OUT"
echo "# oneliners tests took $((SECONDS - t0)) s"
