#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Makes ARCH's programs (arm64 or armhf) run on this host through
# qemu-user-static, for mmdebstrap --arch and dpkg --root: registers
# qemu-user-static's binfmt_misc entry (/usr/share/binfmts/qemu-ARCH) with
# the F flag (the interpreter is opened now, so it works inside a chroot)
# when binfmt_misc has none. binfmt_misc must be mounted. The entry is
# host-wide and stays (it is what `update-binfmts --enable` would leave);
# an existing one is left as it is. Exits 1 when ARCH cannot be made to run.
# Usage: binfmt.sh ARCH
set -eu
case "${1:-}" in
arm64) name=qemu-aarch64 ;;
armhf) name=qemu-arm ;;
*) echo "binfmt: ARCH is arm64 or armhf" >&2; exit 2 ;;
esac
dir=/proc/sys/fs/binfmt_misc
[ -e "$dir/register" ] || { echo "binfmt: $dir is not mounted" >&2; exit 1; }
if [ ! -e "$dir/$name" ]; then
    def=/usr/share/binfmts/$name
    [ -f "$def" ] || { echo "binfmt: no $def (qemu-user-static)" >&2; exit 1; }
    field() { sed -n "s/^$1 //p" "$def"; }
    interp=$(field interpreter)
    [ -x "$interp" ] || { echo "binfmt: no $interp" >&2; exit 1; }
    # The kernel decodes the \x escapes of magic and mask itself.
    printf ':%s:M:%s:%s:%s:%s:PF' "$name" "$(field offset)" "$(field magic)" "$(field mask)" \
        "$interp" > "$dir/register"
fi
[ "$(head -n 1 "$dir/$name")" = enabled ] || { echo "binfmt: $dir/$name is disabled" >&2; exit 1; }
