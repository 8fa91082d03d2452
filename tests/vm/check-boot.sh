#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# vm/boot-KERNEL: passes when the VM on that kernel got through all its
# cases (whatever their verdicts) and says how long it took; skipped (77)
# when it could not boot on this machine (run.sh says why in OUT/skipped).
# Usage: check-boot.sh OUT   (OUT: the kernel's directory of boot-all.sh)
if [ -f "$1/skipped" ]; then
    cat "$1/skipped"
    exit 77
fi
if grep -q '^# vm-done' "$1/tap" 2>/dev/null; then
    grep -E '^# (kernel|vm:)' "$1/tap"
    exit 0
fi
echo "vm: the VM did not finish (exit $(cat "$1/run.rc" 2>/dev/null)); the end of $1/run.log:"
tail -n 20 "$1/run.log" 2>/dev/null
exit 1
