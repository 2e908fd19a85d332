#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# make demo: boots the newest test kernel and runs the race demo in it.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
KVER=${KVER:-$(ls /lib/modules | sort -V | tail -1)}
exec tests/vm/vm-run.sh -k "$KVER" -t 900 -- tests/vm/guest/demo.sh
