#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The porting kit (tools/port/README.md): instruments a vendor bes2600
# tree so that every write of hw_bufs_used, hw_bufs_used_vif[] and
# wsm_tx_pending[] fires the bes2600 trace events, in the plain flavour
# (today's load-and-store) or the atomic one (the plan's C-prep).  The
# tree is only read: the change is written as a patch to review and
# apply, with a table of every site it rewrote.
#
#   tools/port/port.sh VENDOR_DIR plain|atomic OUT_DIR
#
# Exit status 0: patch written (or nothing to do); 2: the tree cannot be
# handled, with the reason and the site on stderr.
set -euo pipefail

KIT=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$KIT/../.." && pwd)
VENDOR=${1:-}
FLAVOUR=${2:-plain}
OUT=${3:-$REPO/build/port}

die() { echo "port: $*" >&2; exit 2; }

[ -n "$VENDOR" ] || die "usage: make port VENDOR=DIR [FLAVOUR=plain|atomic]"
[ -d "$VENDOR" ] || die "$VENDOR: not a directory"
case $FLAVOUR in
plain) ATOMIC=false; DEFS=() ;;
atomic) ATOMIC=true; DEFS=(-D atomic) ;;
*) die "FLAVOUR=$FLAVOUR: use plain or atomic" ;;
esac
command -v spatch >/dev/null || die "spatch not found: apt-get install coccinelle"
VENDOR=$(cd "$VENDOR" && pwd)

# The driver's sources: VENDOR itself, or its bes2600/ directory.
if [ -f "$VENDOR/bh.c" ]; then
	SUB=.
elif [ -f "$VENDOR/bes2600/bh.c" ]; then
	SUB=bes2600
else
	die "$VENDOR: no bh.c in it or in bes2600/: not a bes2600 tree"
fi
SRC=$VENDOR/$SUB
HDR=$SRC/bes2600.h
[ -f "$HDR" ] || die "$SRC: no bes2600.h"
if grep -q 'struct bes2600_ctr[[:space:]]*hw_bufs_used' "$HDR"; then
	echo "port: $SRC is converted already (struct bes2600_ctr hw_bufs_used in bes2600.h): nothing to do"
	exit 0
fi
for f in 'int[[:space:]]*hw_bufs_used;' 'int[[:space:]]*hw_bufs_used_vif\[' 'int[[:space:]]*wsm_tx_pending\['; do
	grep -q "$f" "$HDR" ||
		die "$HDR: no field matching '$f' in struct bes2600_common: this kit knows the int counters of the public tree"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bes2600-port.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/a" "$WORK/b"
cp -a "$SRC/." "$WORK/a/$SUB"
cp -a "$SRC/." "$WORK/b/$SUB"
B=$WORK/b/$SUB

# 1. The semantic patches, on the copy.
cocci() { # SPFILE FILE...: the flavour matters to counters.cocci only
	local sp=$1 log defs=()
	shift
	log=$WORK/spatch.log
	[ "$sp" = counters.cocci ] && defs=("${DEFS[@]}")
	if ! spatch --sp-file "$KIT/$sp" "${defs[@]}" --in-place --very-quiet \
		--include-headers-for-types -I "$B" "$@" >"$log" 2>&1; then
		cat "$log" >&2
		die "spatch $sp failed on $*"
	fi
}
(cd "$B" && cocci counters.cocci ./*.c)
(cd "$B" && cocci fields.cocci bes2600.h)
[ -f "$B/bes2600_sdio.c" ] && (cd "$B" && cocci rx_work.cocci bes2600_sdio.c)

# 2. What a semantic patch does not express, done here and checked.
# bes2600.h includes the accessors (after its last system header).
last=$(grep -n '^#include <' "$B/bes2600.h" | tail -1 | cut -d: -f1)
[ -n "$last" ] || die "$HDR: no #include <...> line to add the accessors after"
sed -i "${last}a #include \"bes2600_port.h\"" "$B/bes2600.h"

# The work item: sdio_rx_work becomes a wrapper that fires the start and
# end events around the tree's own body (renamed sdio_rx_work_run).
if [ -f "$B/bes2600_sdio.c" ]; then
	def=$(grep -n '^static void sdio_rx_work(struct work_struct \*work)$' "$B/bes2600_sdio.c" | cut -d: -f1)
	[ -n "$def" ] || die "$SRC/bes2600_sdio.c: no 'static void sdio_rx_work(struct work_struct *work)' definition to wrap"
	end=$(awk -v d="$def" 'NR > d && /^}$/ { print NR; exit }' "$B/bes2600_sdio.c")
	[ -n "$end" ] || die "$SRC/bes2600_sdio.c:$def: sdio_rx_work has no closing brace in column 0"
	sed -i "${def}s/sdio_rx_work(/sdio_rx_work_run(/" "$B/bes2600_sdio.c"
	sed -i "${end}r $KIT/rx_work_wrapper.c" "$B/bes2600_sdio.c"
fi

# The trace points, the accessors and the flavour.
mkdir -p "$B/include/trace/events" "$B/include/bes2600"
cp "$REPO/include/trace/events/bes2600.h" "$B/include/trace/events/"
cp "$REPO/include/bes2600/abi.h" "$REPO/include/bes2600/counters.h" \
	"$B/include/bes2600/"
sed "s/@ATOMIC@/$ATOMIC/; s/@FLAVOUR@/$FLAVOUR/" "$KIT/bes2600_port.h.in" \
	>"$B/bes2600_port.h"
cp "$KIT/bes2600_trace.c" "$B/"
grep -q '^bes2600-y := \\$' "$B/Makefile" ||
	die "$SRC/Makefile: no 'bes2600-y := \\' line to add bes2600_trace.o to"
sed -i 's/^bes2600-y := \\$/bes2600-y := \\\n\tbes2600_trace.o \\/' "$B/Makefile"
printf '\n# bes2600 trace events and counter accessors (tools/port of bes2600-lab)\nccflags-y += -I$(src)/include\n' \
	>>"$B/Makefile"

# 3. Every field access left outside #if 0 is a site the kit missed.
left=$(python3 "$KIT/sites.py" raw "$B") || die "cannot scan $B"
if [ -n "$left" ]; then
	echo "$left" | sed "s|^|  $SRC/|" >&2
	die "these reads or writes were not rewritten; the tree is left as it was"
fi

# 4. The patch and the site table.
mkdir -p "$OUT"
PATCH=$OUT/bes2600-port-$FLAVOUR.patch
TABLE=$OUT/bes2600-port-$FLAVOUR.sites
# No timestamps in the headers: the same tree gives the same patch.
(cd "$WORK" && diff -ruNp a b) >"$WORK/diff" || [ $? = 1 ] ||
	die "diff failed"
sed -E 's/^((---|\+\+\+) [^\t]*)\t.*$/\1/' "$WORK/diff" >"$WORK/patch"
python3 "$KIT/sites.py" table "$WORK/patch" "$WORK/a" >"$WORK/table"
mv "$WORK/patch" "$PATCH"
mv "$WORK/table" "$TABLE"
cat "$TABLE"
echo
(cd "$WORK" && git apply --stat "$PATCH") || true
echo "port: flavour $FLAVOUR: $PATCH ($(grep -c '^+++ ' "$PATCH") files); review it, then: cd $VENDOR && patch -p1 < $PATCH"
