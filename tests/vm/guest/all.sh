#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Everything that runs inside one boot of a test kernel, in order, each
# part timed.  The host counts the TAP lines of the output.  On arm64 the
# parts run their core subset (LAB_SUBSET=core, lib.sh), the unit tests
# built for arm64 run too, and the tablet's native build is made.
set -u
dir=$(dirname "$0")
parts="lab-tests.sh audit-tests.sh abi-tests.sh ctx-tests.sh top-tests.sh signal-tests.sh burst-tests.sh oneliners-tests.sh state-tests.sh"
# The Debian packages are amd64's; one kernel installs them.
case $(uname -r) in 6.12*-amd64) parts="$parts package-tests.sh" ;; esac
if [ "$(uname -m)" = aarch64 ]; then
	export LAB_SUBSET=${LAB_SUBSET:-core}
	parts="unit-tests.sh lab-tests.sh audit-tests.sh ctx-tests.sh top-tests.sh signal-tests.sh oneliners-tests.sh state-tests.sh native-tests.sh"
fi
for part in $parts; do
	s=$SECONDS
	"$dir/$part"
	echo "# part $part on $(uname -r): $((SECONDS - s)) s"
done
echo "# all guest tests done"
