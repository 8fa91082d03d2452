#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# One ctest test per VM case: prints what the VM reported for CASE and
# passes when it said "ok"; skipped (77) when the VM could not boot on
# this machine (no qemu, no kernel package: run.sh says why in OUT/skipped).
# Usage: check-case.sh OUT CASE
if [ -f "$1/skipped" ]; then
    cat "$1/skipped"
    exit 77
fi
f=$1/results/$2
if [ ! -f "$f" ]; then
    echo "vm case $2: no result (did its vm/boot test run? see $1/serial.log)"
    exit 1
fi
tail -n +2 "$f"
[ "$(head -n 1 "$f")" = ok ]
