# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# shellcheck shell=bash
# Helpers for scripts that run inside a lab guest (see tests/vm/vm-run.sh):
# loading the module in a variant, wiring the two interfaces, driving load,
# reading the ground truth, and TAP-style results the host counts.

LAB_REPO=${LAB_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
LAB_KO=${LAB_KO:-$LAB_REPO/build/$(uname -r)/driver/bes2600_lab.ko}
# bes2600-top for this machine: in an arm64 guest, the cross-built one.
if [ "$(uname -m)" = aarch64 ] && [ -x "$LAB_REPO/build/arm64/bes2600-top/bes2600-top" ]; then
	LAB_TOP=${LAB_TOP:-$LAB_REPO/build/arm64/bes2600-top/bes2600-top}
else
	LAB_TOP=${LAB_TOP:-$LAB_REPO/build/bes2600-top/bes2600-top}
fi
# LAB_SUBSET=core: each part runs its core checks only (all.sh sets it on
# arm64, whose emulation is about three times slower); all: everything.
LAB_SUBSET=${LAB_SUBSET:-all}
export LAB_SUBSET
lab_full() { [ "$LAB_SUBSET" = all ]; }
LAB_DBG=/sys/kernel/debug/bes2600_lab
LAB_TRACING=/sys/kernel/tracing
LAB_NS=labpeer
LAB_IP0=10.99.0.1
LAB_IP1=10.99.0.2

TAP_N=0
# ok DESCRIPTION / not_ok DESCRIPTION [DETAIL]: one result line each.
ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
	TAP_N=$((TAP_N + 1))
	echo "not ok $TAP_N - $1${2:+ # $2}"
}
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "command failed: $*"; fi
}

# The variants of the plan, as module parameters.
# "PASS desc" / "FAIL desc # detail" lines of a checker, as TAP lines
# (unnumbered: it runs at the end of a pipe, in a subshell).
tap_results() {
	local verdict rest
	while read -r verdict rest; do
		if [ "$verdict" = PASS ]; then echo "ok - $rest"; else echo "not ok - $rest"; fi
	done
}

# wait_until SECONDS COMMAND...: runs COMMAND every WAIT_POLL seconds
# (default 0.1) until it succeeds (0) or SECONDS pass (1).  Verdicts wait
# on their condition this way, never after a fixed sleep: load changes
# the time only.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep "${WAIT_POLL:-0.1}"
	done
}

# file_has FILE PATTERN: FILE exists and matches.
file_has() { grep -q -- "$2" "$1" 2>/dev/null; }

# wait_for SECONDS PATTERN FILE: until FILE matches (polled every 0.5 s).
wait_for() { WAIT_POLL=${WAIT_POLL:-0.5} wait_until "$1" file_has "$3" "$2"; }

# lab_no_bpf_left: none of bes2600-top's programs (the audit's, the
# dashboard's, state's) is loaded.
lab_no_bpf_left() {
	! bpftool prog show 2>/dev/null |
		grep -qE 'name (btf|raw)_(hw_bufs|wsm_tx|sdio_rx|pending)|name (st|state)_'
}

lab_variant_params() {
	case $1 in
	baseline) echo "counters=plain rx_deliver=queue" ;;
	patch-c) echo "counters=plain rx_deliver=direct" ;;
	c-prep) echo "counters=atomic rx_deliver=queue" ;;
	c-v2) echo "counters=atomic rx_deliver=direct" ;;
	*) echo "unknown variant $1" >&2; return 2 ;;
	esac
}

# The BH's shape (bh=work, the vendor's, by default; LAB_BH=kthread for
# cw1200's) and the context name the tools give it.
LAB_BH=${LAB_BH:-work}
lab_bh_ctx() {
	case $LAB_BH in
	kthread) echo "kthread:bes2600_bh" ;;
	*) echo "work:bes2600_bh_work" ;;
	esac
}
LAB_BH_CTX=$(lab_bh_ctx)
export LAB_BH LAB_BH_CTX
# lab_set_bh work|kthread: the shape of the next loads.
lab_set_bh() {
	LAB_BH=$1
	LAB_BH_CTX=$(lab_bh_ctx)
	export LAB_BH LAB_BH_CTX
}

# lab_load VARIANT [RACE_WINDOW_NS]
lab_load() {
	local params
	params=$(lab_variant_params "$1") || return 2
	# shellcheck disable=SC2086
	insmod "$LAB_KO" $params race_window_ns="${2:-0}" bh="$LAB_BH"
}

lab_unload() {
	lab_net_down
	rmmod bes2600_lab
}

lab_ifname() { # VIF -> interface name
	local d
	for d in /sys/class/net/beslab*; do
		[ -e "$d" ] || continue
		echo "${d##*/}"
	done | sed -n "$(($1 + 1))p"
}

# beslab0 stays here, beslab1 goes into a namespace: traffic must cross
# the chip instead of the local stack.
lab_net_up() {
	local if0 if1
	if0=$(lab_ifname 0)
	if1=$(lab_ifname 1)
	# No IPv6 (DAD, router and MLD chatter): the lab's traffic is the
	# stress's own, which the audit tests compare writes for writes.
	ip netns add "$LAB_NS" &&
		ip link set "$if1" netns "$LAB_NS" &&
		sysctl -qw "net.ipv6.conf.$if0.disable_ipv6=1" &&
		ip netns exec "$LAB_NS" sysctl -qw "net.ipv6.conf.$if1.disable_ipv6=1" &&
		ip addr add "$LAB_IP0/24" dev "$if0" &&
		ip link set "$if0" up &&
		ip -n "$LAB_NS" addr add "$LAB_IP1/24" dev "$if1" &&
		ip -n "$LAB_NS" link set "$if1" up &&
		ip -n "$LAB_NS" link set lo up
}

# Permanent neighbour entries both ways: no ARP probe seconds after the
# traffic, so every counter write belongs to the stress that caused it.
lab_neigh_static() {
	local if0 mac0 mac1
	if0=$(lab_ifname 0)
	mac0=$(cat "/sys/class/net/$if0/address")
	mac1=$(ip -n "$LAB_NS" -o link show | sed -n 's/.*beslab.*link\/ether \([0-9a-f:]*\).*/\1/p')
	ip neigh replace "$LAB_IP1" lladdr "$mac1" nud permanent dev "$if0" &&
		ip -n "$LAB_NS" neigh replace "$LAB_IP0" lladdr "$mac0" nud permanent \
			dev "$(ip -n "$LAB_NS" -o link show | sed -n 's/^[0-9]*: \(beslab[0-9]*\).*/\1/p')"
}

lab_net_down() {
	ip netns pids "$LAB_NS" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$LAB_NS" 2>/dev/null
	return 0
}

# lab_listening PORT: a TCP listener on PORT in the peer namespace.
lab_listening() {
	ip netns exec "$LAB_NS" ss -ltnH "sport = :$1" 2>/dev/null | grep -q .
}

lab_ping() {
	ip netns exec "$LAB_NS" ping -c 2 -W 5 -q "$LAB_IP0" >/dev/null
}

# lab_nc_transfer BYTES TIMEOUT: sends BYTES random bytes to the peer
# namespace with nc and checks they arrived intact.
lab_nc_transfer() {
	local bytes=$1 tmo=$2 dir rc srv
	dir=$(mktemp -d)
	head -c "$bytes" /dev/urandom >"$dir/tx"
	ip netns exec "$LAB_NS" timeout "$tmo" nc -l -p 5001 >"$dir/rx" &
	srv=$!
	wait_until "$tmo" lab_listening 5001
	timeout "$tmo" nc -N -w 5 "$LAB_IP1" 5001 <"$dir/tx"
	rc=$?
	wait "$srv"
	[ "$rc" = 0 ] && cmp -s "$dir/tx" "$dir/rx"
	rc=$?
	rm -rf "$dir"
	return $rc
}

# lab_generate COUNT SIZE RATE TIMEOUT: runs the built-in generator and
# waits until every frame came back or the timeout passed.
lab_generate() {
	local count=$1 size=$2 rate=$3 tmo=$4 end
	echo "count=$count size=$size rate=$rate" >"$LAB_DBG/generator" || return 1
	end=$((SECONDS + tmo))
	while [ $SECONDS -lt "$end" ]; do
		grep -q "received=$count " "$LAB_DBG/generator" && return 0
		sleep 0.5
	done
	return 1
}

# Every buffer confirmed, every pending count back: the ground truth's
# intended values are all 0 once the chip has answered every frame.
lab_confirmed() {
	awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^intended=/ && $i != "intended=0") n++ }
		END { exit n > 0 }' "$LAB_DBG/truth"
}

# The chip has settled: lab_confirmed, or, where a race wedged it, no
# counter written for half a second.
lab_quiet() {
	local w
	lab_confirmed && return 0
	w=$(lab_total_writes)
	sleep 0.5
	[ "$(lab_total_writes)" = "$w" ]
}

# lab_settle [SECONDS]: until lab_quiet (default deadline 30 s).
lab_settle() { wait_until "${1:-30}" lab_quiet; }

lab_generator_field() { # FIELD
	sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$LAB_DBG/generator"
}

lab_truth() { cat "$LAB_DBG/truth"; }

# lab_truth_field COUNTER[IDX] FIELD
lab_truth_field() {
	awk -v c="$1" -v f="$2" '$1 == c {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' \
		"$LAB_DBG/truth"
}

# Sum of |drift| over all counter instances.
lab_total_drift() {
	awk '/drift=/ { for (i = 2; i <= NF; i++) { split($i, kv, "=");
		if (kv[1] == "drift") s += (kv[2] < 0 ? -kv[2] : kv[2]) } }
		END { print s + 0 }' "$LAB_DBG/truth"
}

lab_total_writes() {
	awk '/_writes=/ { for (i = 2; i <= NF; i++) { split($i, kv, "=");
		if (kv[1] ~ /_writes$/) s += kv[2] } } END { print s + 0 }' \
		"$LAB_DBG/truth"
}

lab_stat() { sed -n "s/^$1=//p" "$LAB_DBG/stats"; }

# tracefs: record every bes2600 event in a large per-CPU buffer.
lab_trace_start() {
	echo 0 >"$LAB_TRACING/tracing_on"
	echo 16384 >"$LAB_TRACING/buffer_size_kb"
	: >"$LAB_TRACING/trace"
	echo 1 >"$LAB_TRACING/events/bes2600/enable"
	echo 1 >"$LAB_TRACING/tracing_on"
}

lab_trace_stop() {
	echo 0 >"$LAB_TRACING/tracing_on"
	echo 0 >"$LAB_TRACING/events/bes2600/enable"
}

# Prints "<count> <event>" for every bes2600 event in the trace buffer.
lab_trace_counts() {
	sed -n 's/.*[0-9]: \([a-z_]*\): hw=.*/\1/p' "$LAB_TRACING/trace" |
		sort | uniq -c
}

# Kernel log lines that must never appear; the patch-c underflow WARN is
# allowed where the caller says so.
lab_dmesg_problems() { # ALLOW_UNDERFLOW_WARN(0|1)
	dmesg | grep -E 'BUG:|Oops|general protection|blocked for more than|hung_task|WARNING:|rcu.*stall|Call Trace|leaked' |
		if [ "$1" = 1 ]; then
			# The WARNING line and its trace belong to the one allowed splat.
			grep -vE 'WARNING:.*wsm_release_tx_buffer|Call Trace'
		else
			cat
		fi
}
