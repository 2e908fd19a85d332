#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The manual: mandoc -Tlint finds nothing, it has the sections a Debian
# user looks for, and it names every option each command's --help lists.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
MAN=$REPO/docs/bes2600-top.8
TOP=$REPO/build/bes2600-top/bes2600-top
out=$(mandoc -Tlint "$MAN" 2>&1)
[ -z "$out" ] && echo "ok - man page: mandoc -Tlint is clean" ||
	echo "not ok - man page: mandoc -Tlint # $(echo "$out" | head -2 | tr '\n' ' ')"
for sec in SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES TERMS; do
	grep -q "^\.SH \"\?$sec\"\?$" "$MAN" && echo "ok - man page: section $sec" ||
		echo "not ok - man page: section $sec"
done
# The page as text, with its hyphens plain, against each --help.
text=$(mandoc -Tascii "$MAN" | col -b)
for cmd in top audit state; do
	missing=
	for opt in $("$TOP" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$opt" <<<"$text" || missing="$missing $opt"
	done
	[ -z "$missing" ] && echo "ok - man page: every option of bes2600-top $cmd --help" ||
		echo "not ok - man page: options of bes2600-top $cmd --help missing:$missing"
done
"$TOP" --help | grep -q "bes2600-top audit" &&
	echo "ok - top-level --help names the other commands" ||
	echo "not ok - top-level --help names the other commands"
"$TOP" top --help | head -1 | grep -q "^Usage: bes2600-top top " &&
	echo "ok - bes2600-top top --help calls itself bes2600-top top" ||
	echo "not ok - bes2600-top top --help: $("$TOP" top --help | head -1)"
for cmd in "" top audit compare state; do
	v=$("$TOP" $cmd --version 2>&1)
	[ "$v" = "bes2600-top $(cat "$REPO/VERSION")" ] && echo "ok - bes2600-top $cmd --version: $v" ||
		echo "not ok - bes2600-top $cmd --version: $v"
done
