#!/bin/bash
# Everything that runs inside one boot of a test kernel, in order, each
# part timed.  The host counts the TAP lines of the output.
set -u
dir=$(dirname "$0")
for part in lab-tests.sh audit-tests.sh abi-tests.sh top-tests.sh oneliners-tests.sh; do
	s=$SECONDS
	"$dir/$part"
	echo "# part $part on $(uname -r): $((SECONDS - s)) s"
done
echo "# all guest tests done"
