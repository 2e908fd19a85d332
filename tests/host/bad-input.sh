#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Bad input as a careful user (or a fuzzer) gives it to bes2600-top, each
# case named after the symptom it once had: the run must end with exit 2
# and a clear message, never a hang or a crash, and every file the tool
# did not create must be left as it was.  Records come from the fuzzers'
# seed maker (make fuzz-build); header fields are patched here with their
# checksum made right, so that the reader's bounds are what is tested.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
TOP=$REPO/build/bes2600-top/bes2600-top
SEEDS=$REPO/build/fuzz/seeds
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ok() { echo "ok - bad input: $1"; }
not_ok() { echo "not ok - bad input: $1${2:+ # $2}"; }
[ -x "$TOP" ] && [ -x "$SEEDS" ] || { not_ok "tool and seeds built" "make tool fuzz-build"; exit 0; }
"$SEEDS" "$T/seeds" >/dev/null || { not_ok "seeds made"; exit 0; }
GOOD=$T/seeds/record/race.rec
BASE=$T/seeds/baseline/race.json
printf 'not a record at all' >"$T/bad.rec"

# run NAME PATTERN CMD...: exit 2 within 30 s, PATTERN on stderr.
run2() {
	local name=$1 pat=$2 rc
	shift 2
	timeout 30 "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$pat" "$T/err"; then
		ok "$name: exit 2, '$(head -1 "$T/err" | cut -c1-110)'"
	else
		not_ok "$name" "exit $rc (124: hung), stderr: $(head -c 200 "$T/err")"
	fi
}

# patch FILE OFFSET FORMAT VALUE: a header field, with the header's CRC.
patch() {
	python3 - "$@" <<'EOF'
import struct, sys, zlib
path, off, fmt, val = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
b = bytearray(open(path, "rb").read())
if fmt == "s":
    v = val.encode().decode("unicode_escape").encode("latin-1")
    b[off:off + len(v) + 1] = v + b"\0"
else:
    struct.pack_into("<" + fmt, b, off, int(val, 0))
struct.pack_into("<I", b, 188, zlib.crc32(bytes(b[:188])))
open(path, "wb").write(b)
EOF
}

# --- Outputs never cost data -------------------------------------------
run2 "a failed replay with -o /dev/null" "bad magic" "$TOP" audit --replay "$T/bad.rec" -o /dev/null
[ -c /dev/null ] && ok "/dev/null is still a character device after it" ||
	not_ok "/dev/null is still a character device" "$(ls -l /dev/null)"

cp "$GOOD" "$T/r.rec"
cp "$GOOD" "$T/r.keep"
run2 "-o naming the --replay file" "is the --replay input" "$TOP" audit --replay "$T/r.rec" -o "$T/r.rec"
cmp -s "$T/r.rec" "$T/r.keep" && ok "the record is left as it was" || not_ok "the record is left as it was"

cp "$BASE" "$T/b.json"
cp "$BASE" "$T/b.keep"
run2 "-o naming the --baseline file" "is the --baseline input" "$TOP" audit --replay "$GOOD" --baseline "$T/b.json" -o "$T/b.json"
run2 "--record naming the --baseline file" "is the --baseline input" "$TOP" audit -d 1 --baseline "$T/b.json" --record "$T/b.json"
run2 "--delta-table naming the --baseline file" "is the --baseline input" "$TOP" audit --replay "$GOOD" --baseline "$T/b.json" --delta-table "$T/b.json"
cmp -s "$T/b.json" "$T/b.keep" && ok "the baseline is left as it was" || not_ok "the baseline is left as it was"

(cd "$T" && run2 "--record ./X --replay X (one file, two spellings)" "is the --replay input" "$TOP" audit --record ./r.rec --replay r.rec)
ln -s r.rec "$T/link.rec"
run2 "-o naming a link to the --replay file" "is the --replay input" "$TOP" audit --replay "$T/r.rec" -o "$T/link.rec"
run2 "-o and --delta-table naming one file" "name the same file" "$TOP" audit --replay "$GOOD" -o "$T/x" --delta-table "$T/x"

echo "an earlier report" >"$T/report.json"
run2 "a failed replay with -o naming an existing report" "bad magic" "$TOP" audit --replay "$T/bad.rec" -o "$T/report.json"
[ "$(cat "$T/report.json")" = "an earlier report" ] && ok "the existing report is left as it was" ||
	not_ok "the existing report is left as it was" "$(head -c 100 "$T/report.json")"
left=$(find "$T" -maxdepth 1 -name '.report.json.*' | wc -l)
[ "$left" = 0 ] && ok "no temporary file is left behind" || not_ok "no temporary file is left behind" "$left"
timeout 30 "$TOP" audit --replay "$GOOD" -o "$T/report.json" >/dev/null 2>&1
rc=$?
[ "$rc" = 1 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/report.json" 2>/dev/null &&
	ok "a successful replay replaces the report with valid JSON (exit 1: findings)" ||
	not_ok "a successful replay replaces the report" "exit $rc"
timeout 30 "$TOP" audit --replay "$GOOD" -o - >"$T/stdout.json" 2>/dev/null
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/stdout.json" 2>/dev/null &&
	ok "-o - writes the JSON to stdout" || not_ok "-o - writes the JSON to stdout"

# --- Every header field within its bounds --------------------------------
for w in 1 7 9223372036854775808 18446744073709551615; do
	cp "$GOOD" "$T/w.rec"
	patch "$T/w.rec" 48 Q "$w"
	run2 "a record whose window_ns is $w (it hung)" "window_ns $w outside" "$TOP" audit --replay "$T/w.rec"
done
cp "$GOOD" "$T/c.rec"
patch "$T/c.rec" 24 i -5
run2 "a record whose capacity is -5" "capacity -5 outside" "$TOP" audit --replay "$T/c.rec"
cp "$GOOD" "$T/f.rec"
patch "$T/f.rec" 20 I 0x80
run2 "a record with undefined flags" "flags 0x80" "$TOP" audit --replay "$T/f.rec"

cp "$GOOD" "$T/esc.rec"
patch "$T/esc.rec" 56 s '\x1b[31m\x1b]0;owned\x07'
timeout 30 "$TOP" audit --replay "$T/esc.rec" >"$T/esc.txt" 2>&1
if grep -q "kernel ?\[31m?\]0;owned?" "$T/esc.txt" && ! grep -q $'\x1b' "$T/esc.txt"; then
	ok "a record's release with terminal escapes is printed with '?' for them"
else
	not_ok "a record's release with escapes is sanitised" "$(grep -a -m1 kernel "$T/esc.txt" | cat -v | head -c 200)"
fi

# --- Options: numbers are numbers, in range --------------------------------
for a in "--window nan" "--window inf" "--capacity nan" "--capacity 1.5" "--window -1"; do
	# shellcheck disable=SC2086
	run2 "audit $a (NaN passed every check)" "bad argument" "$TOP" audit --replay "$GOOD" $a
done
run2 "audit -d nan" "bad argument" "$TOP" audit -d nan
run2 "top -n nan" "bad argument" "$TOP" -b -n nan
run2 "top -n 1.5" "bad argument" "$TOP" -b -n 1.5
run2 "top --capacity inf" "bad argument" "$TOP" -b --capacity inf

# --- Suppressions and symbols ---------------------------------------------
{
	printf '# '
	head -c 2000 /dev/zero | tr '\0' x
	printf '*:*\n'
} >"$T/long.supp"
run2 "a suppression line of 2000 bytes (its tail '*:*' suppressed everything)" "long.supp:1: line longer than 1023 bytes" \
	"$TOP" audit --replay "$GOOD" --suppress "$T/long.supp"
printf 'lost-update:*\0:*\n' >"$T/nul.supp"
run2 "a suppression line with a NUL byte" "nul.supp:1: NUL byte" "$TOP" audit --replay "$GOOD" --suppress "$T/nul.supp"
mkdir "$T/dir"
run2 "--suppress naming a directory (read as empty)" "Is a directory" "$TOP" audit --replay "$GOOD" --suppress "$T/dir"
run2 "--kallsyms naming a directory (read as empty)" "Is a directory" "$TOP" audit --replay "$GOOD" --kallsyms "$T/dir"

# --- Baselines: what jansson refuses, and what it reads ---------------------
python3 - "$BASE" "$T" <<'EOF'
import sys
base, t = sys.argv[1], sys.argv[2]
text = open(base, "rb").read()
assert text.rstrip().endswith(b"}")
head = text.rstrip()[:-1]
open(t + "/long-number.json", "wb").write(head + b', "x": 1' + b"0" * 100 + b"}\n")
open(t + "/nul.json", "wb").write(head + b', "x": 1\0}\n')
open(t + "/utf8.json", "wb").write(head + b', "x": "\xff\xfe"}\n')
open(t + "/dup.json", "wb").write(head + b', "schema_version": 1}\n')
EOF
timeout 30 "$TOP" audit --replay "$GOOD" --baseline "$T/long-number.json" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 1 ] && ok "a baseline with a 101-digit number is read (it was refused as invalid)" ||
	not_ok "a baseline with a 101-digit number is read" "exit $rc: $(head -c 200 "$T/err")"
run2 "a baseline with a NUL byte (it was accepted)" "not valid JSON" "$TOP" audit --replay "$GOOD" --baseline "$T/nul.json"
run2 "a baseline with invalid UTF-8 (it was accepted)" "not valid JSON" "$TOP" audit --replay "$GOOD" --baseline "$T/utf8.json"
run2 "a baseline with a duplicate key" "not valid JSON" "$TOP" audit --replay "$GOOD" --baseline "$T/dup.json"
head -c $((17 << 20)) /dev/zero | tr '\0' ' ' >"$T/big.json"
run2 "a 17 MiB baseline (it took more than 2 GB)" "larger than 16777216 bytes" "$TOP" audit --replay "$GOOD" --baseline "$T/big.json"

# bes2600-top state: what it refuses before it loads anything (the
# kernel's own BTF stands in for a module's here).
S=("$TOP" state -m vmlinux -s file --others none)
run2 "state: no -f" "name the function" "${S[@]}"
run2 "state: a module with no BTF, saying how to make it" "pahole --btf_encode_detached" \
	"$TOP" state -m no_such_module -f x
run2 "state: a struct the BTF lacks" "no struct no_such_struct" \
	"$TOP" state -m vmlinux -s no_such_struct -f x
run2 "state: a function that takes no such pointer" "takes no pointer to struct file" \
	"${S[@]}" -f schedule
run2 "state: a baseline that is not JSON" "not a state report" "${S[@]}" -f fput --baseline /etc/passwd
run2 "state: a baseline that is an audit report" 'no "fields" array' "${S[@]}" -f fput --baseline "$BASE"
run2 "state: a baseline that is a directory" "not a regular file" "${S[@]}" -f fput --baseline /tmp
run2 "state: --watch-fields naming no member" "has no member f_nope" "${S[@]}" -f fput --watch-fields f_nope
run2 "state: --watch-ms below 10" "--watch-ms" "${S[@]}" -f fput --watch-ms 5
run2 "state: an unknown flavour" "auto, fentry or kprobe" "${S[@]}" -f fput --flavour uprobe
run2 "state: an unknown format" "text, md or json" "${S[@]}" -f fput -F xml
run2 "state: nine -f" "at most 8" "${S[@]}" -f a -f b -f c -f d -f e -f f -f g -f h -f i
echo '{"fields": []}' >"$T/keep.json"
run2 "state: -o that is the baseline" "is the --baseline report" "${S[@]}" -f fput \
	--baseline "$T/keep.json" -o "$T/keep.json"
cmp -s "$T/keep.json" <(echo '{"fields": []}') && ok "state: the baseline is left as it was" ||
	not_ok "state: the baseline is left as it was"

# (The dashboard with no driver needs a kernel with modules: top-tests.sh.)
exit 0
