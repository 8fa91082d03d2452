#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Boots one of Debian's cloud kernels (VM_KERNEL: 6.1, Debian 12's own, or
# 6.12; fetch-kernel.sh) under qemu (TCG: no KVM on the build hosts) with
# the test initramfs, two CPUs, a swap disk and an io disk, and collects
# the TAP the VM prints on its serial console.
# Writes OUT/serial.log, OUT/tap and OUT/results/<case> (first line "ok" or
# "not ok", then the case's diagnostics) for check-case.sh. Without qemu or
# the kernel it writes the reason to OUT/skipped and exits 77 (skipped).
# Usage: VM_KERNEL=6.1|6.12 run.sh VM_SOURCE_DIR OUT PROGRAM...
# (exit 1 when the VM did not finish). PROGRAMs go into the initramfs
# (make-initramfs.sh), unless INITRAMFS_BASE names one built already.
set -eu
src=$(cd "$1" && pwd)
out=$2
shift 2
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/results" "$out/skipped" "$out/tap"

skip() {
    echo "$*" | tee "$out/skipped" >&2
    exit 77
}
command -v qemu-system-x86_64 >/dev/null || skip "vm: no qemu-system-x86_64 (Debian: qemu-system-x86)"
rc=0
kernel=$("$src/fetch-kernel.sh" "${REDPAK_VM_CACHE:-$src/cache}" "${VM_KERNEL:-6.12}" 2>"$out/fetch.log") || rc=$?
cat "$out/fetch.log" >&2
[ $rc -ne 77 ] || skip "vm: $(tail -n 1 "$out/fetch.log")"
[ $rc -eq 0 ] || exit $rc
# The kernel-independent archive (boot-all.sh builds it once for all
# kernels: INITRAMFS_BASE), then this kernel's modules after it.
base=${INITRAMFS_BASE:-$out/base.cpio.gz}
[ -n "${INITRAMFS_BASE:-}" ] || "$src/make-initramfs.sh" "$base" "$src" "$@"
"$src/pack-modules.sh" "$out/modules.cpio.gz" "$kernel"
cat "$base" "$out/modules.cpio.gz" > "$out/initramfs.gz"

rm -f "$out/swap.img" "$out/io.img"
truncate -s 256M "$out/swap.img"
truncate -s 128M "$out/io.img"

t0=$(date +%s)
# -no-reboot turns the guest's final `reboot -f` into qemu's exit;
# loglevel=1 keeps the kernel's OOM reports out of the TAP stream.
# thread=single: with one host thread per vCPU (MTTCG) the guest's live
# code patching (static keys flip when the first memory cgroup appears)
# sometimes left a stale int3 that another vCPU hit: "Oops: int3" in
# __alloc_pages. One thread round-robins both vCPUs and never races.
timeout 900 qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp 2 -m 1024 \
    -nographic -no-reboot -nodefaults -serial stdio \
    -kernel "$kernel/boot/vmlinuz" -initrd "$out/initramfs.gz" \
    -append "console=ttyS0 loglevel=1 panic=-1 rdinit=/init" \
    -drive file="$out/swap.img",format=raw,if=virtio,cache=unsafe \
    -drive file="$out/io.img",format=raw,if=virtio,cache=none \
    </dev/null | tr -d '\r' > "$out/serial.log" || true
t1=$(date +%s)

grep -E '^(TAP version|1\.\.|ok |not ok |#)' "$out/serial.log" > "$out/tap" || true
echo "# vm: boot to power-off took $((t1 - t0)) s on the host" >> "$out/tap"
cat "$out/tap"

# One result file per case: its verdict, then the diagnostics printed
# before it (the case's output precedes its ok line in the TAP).
mkdir -p "$out/results"
awk -v dir="$out/results" '
    /^# vm-done/ { next }
    /^#/ { diag = diag $0 "\n"; next }
    /^(ok|not ok) [0-9]+ - / {
        name = $0; sub(/^(ok|not ok) [0-9]+ - /, "", name); sub(/ #.*/, "", name)
        verdict = ($1 == "ok") ? "ok" : "not ok"
        f = dir "/" name
        printf "%s\n%s", verdict, diag > f
        close(f); diag = ""
    }' "$out/tap"

# The verdicts are the vm/<case> tests' to give; this one fails only when
# the VM did not get through all cases.
grep -q '^# vm-done' "$out/tap" || { echo "vm: the VM did not finish (see $out/serial.log)" >&2; exit 1; }
