#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The cmocka unit tests built for this guest's architecture (make
# ARCH=arm64 puts them in build/arm64/unit), as TAP lines.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$dir/lib.sh"
case $(uname -m) in
aarch64) UNIT=$LAB_REPO/build/arm64/unit ;;
*) UNIT=$LAB_REPO/build/unit ;;
esac
UNIT_DIR=$UNIT "$LAB_REPO/tests/host/unit.sh" | sed "s/^\(ok\|not ok\) - /\1 - $(uname -m): /"
