#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# vm/boot: boots the VM once per kernel (run.sh with VM_KERNEL), all at
# once when the host has a core for each: qemu's TCG runs both vCPUs of a
# VM on one host thread (thread=single), so the kernels then take about
# the time of one. Each run writes OUT/KERNEL (run.log, tap, results);
# vm/boot-KERNEL and vm/KERNEL/CASE give the verdicts from there. Exits 77
# (skipped) when no kernel could boot on this machine, else 0.
# Usage: boot-all.sh VM_SOURCE_DIR OUT "KERNEL..." PROGRAM...
set -eu
src=$1 out=$2 kernels=$3
shift 3

# boot KERNEL PROGRAM...
boot() {
    k=$1
    shift
    mkdir -p "$out/$k"
    rc=0
    VM_KERNEL=$k "$src/run.sh" "$src" "$out/$k" "$@" > "$out/$k/run.log" 2>&1 || rc=$?
    echo $rc > "$out/$k/run.rc"
}

mkdir -p "$out"
# The initramfs but the modules is the same for every kernel. (Without
# qemu each run.sh says so and skips, before it would need one.)
if command -v qemu-system-x86_64 >/dev/null; then
    "$src/make-initramfs.sh" "$out/base.cpio.gz" "$src" "$@"
    export INITRAMFS_BASE="$out/base.cpio.gz"
fi

n=$(echo $kernels | wc -w)
for k in $kernels; do
    rm -f "$out/$k/run.rc"
    if [ "$(nproc)" -ge "$n" ]; then
        boot "$k" "$@" &
    else
        boot "$k" "$@"
    fi
done
wait

skipped=0
for k in $kernels; do
    echo "==== $k (exit $(cat "$out/$k/run.rc"))"
    cat "$out/$k/run.log"
    [ "$(cat "$out/$k/run.rc")" != 77 ] || skipped=$((skipped + 1))
done
[ "$skipped" -lt "$n" ] || exit 77
