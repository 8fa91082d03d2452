#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Whether this host has a kernel feature or tool that a test needs:
#
#   host-probe.sh FEATURE [ARG]...
#
#   userns             root can make a user namespace (every node has one)
#   timens             time namespaces (every node has one unless it says
#                      namespaces.time: host)
#   rootless PATH...   uid ROOTLESS_UID (default 65534) can make a user
#                      namespace and map itself to root in it, and can reach
#                      each PATH (the programs and files a rootless run uses)
#   overlayfs [rootless]
#                      overlayfs, which a root.source image is layered
#                      under; rootless: also mountable in a user namespace
#   i386 PROGRAM       the kernel itself runs i386 programs: PROGRAM (an i386
#                      program that prints "alive") does, outside any node
#   busybox            a static /bin/busybox, to make a node's root of
#   suid DIR           DIR's filesystem honours setuid bits (not mounted nosuid)
#   cmd NAME...        these commands are installed
#
# Exits 0 when the host has it. Otherwise prints why not, one line for a
# test's skip, and exits 1. Each probe runs outside any node and leaves
# nothing behind.
set -u
ROOTLESS_UID=${ROOTLESS_UID:-65534}
ROOTLESS_GID=${ROOTLESS_GID:-65534}

no() {
    echo "$*"
    exit 1
}

sysctl_is() { # sysctl_is FILE VALUE: FILE exists and holds VALUE
    [ -r "$1" ] && [ "$(cat "$1")" = "$2" ]
}

# Why this host refuses user namespaces ($1: unshare's error).
userns_refused() {
    # The kernel refuses CLONE_NEWUSER to a chrooted caller. A chroot below
    # a mount point shows no mount at / in its mountinfo (the kernel lists
    # only the mounts reachable from the caller's root).
    awk '$5 == "/" { found = 1 } END { exit found }' /proc/self/mountinfo 2>/dev/null &&
        no "no user namespaces in a chroot (the kernel refuses them there)"
    sysctl_is /proc/sys/user/max_user_namespaces 0 &&
        no "user namespaces are disabled (user.max_user_namespaces = 0)"
    [ -n "${2:-}" ] && sysctl_is /proc/sys/kernel/unprivileged_userns_clone 0 &&
        no "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)"
    [ -n "${2:-}" ] && sysctl_is /proc/sys/kernel/apparmor_restrict_unprivileged_userns 1 &&
        no "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)"
    no "no user namespace here (unshare --user: ${1##*: }): a seccomp or LSM policy may refuse them"
}

as_user() {
    setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_GID" --clear-groups \
        --inh-caps=-all -- "$@"
}

feature=${1:?usage: host-probe.sh FEATURE [ARG]...}
shift
case $feature in
userns)
    err=$(unshare --user true 2>&1) || userns_refused "$err"
    ;;
timens)
    [ -e /proc/self/ns/time ] ||
        no "no time namespaces in this kernel (CONFIG_TIME_NS, Linux 5.6), and every node makes one"
    ;;
rootless)
    [ "$(id -u)" -eq 0 ] || no "rootless runs switch to uid $ROOTLESS_UID: needs root"
    err=$(as_user unshare --user --map-root-user true 2>&1) || userns_refused "$err" unprivileged
    for path in "$@"; do
        # access(2) as the user: every parent directory must be searchable.
        as_user test -r "$path" -a \( ! -d "$path" -o -x "$path" \) ||
            no "uid $ROOTLESS_UID cannot read $path (its mode or a parent directory's is closed to others)"
    done
    ;;
overlayfs)
    grep -qw overlay /proc/filesystems ||
        find "/lib/modules/$(uname -r)" -name 'overlay.ko*' 2>/dev/null | grep -q . ||
        no "no overlayfs in this kernel, and a root.source image is layered under one"
    if [ "${1:-}" = rootless ]; then
        v=$(uname -r)
        major=${v%%.*} rest=${v#*.}
        minor=${rest%%[!0-9]*}
        [ "$major" -gt 5 ] || { [ "$major" -eq 5 ] && [ "$minor" -ge 11 ]; } ||
            no "overlayfs mounts in a user namespace need Linux 5.11 (this is $v)"
    fi
    ;;
i386)
    prog=${1:?host-probe.sh i386 PROGRAM}
    [ -x "$prog" ] ||
        no "no i386 probe was built (needs x86_64 and i686-linux-gnu-gcc at configure time)"
    # A binfmt_misc handler for i386 ELF files (qemu-i386) would run the
    # program in an emulator that makes x86_64 system calls: no i386 path.
    for entry in /proc/sys/fs/binfmt_misc/*; do
        [ -f "$entry" ] && [ "$(head -n 1 "$entry")" = enabled ] || continue
        magic=$(sed -n 's/^magic //p' "$entry")
        # An ELF (7f 45 4c 46) of class 32-bit (01) whose e_machine (bytes
        # 18 and 19) is EM_386 (03 00).
        case $magic in 7f454c4601*) [ "${magic:36:4}" = 0300 ] &&
            no "i386 programs run through binfmt_misc's ${entry##*/}, an emulator, not the kernel's i386 ABI" ;;
        esac
    done
    # bash reports an ELF file the kernel refuses (ENOEXEC) rather than
    # reading it as a script.
    out=$("$prog" 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] && [ "$out" = alive ] ||
        no "this host's kernel runs no i386 program (${out##*: }): its IA32 emulation is absent or off, so there is no i386 path to filter"
    ;;
busybox)
    [ -x /bin/busybox ] || no "no /bin/busybox (busybox-static)"
    # ldd fails on a static program: a dynamic busybox would find no
    # libraries in the node's root.
    ! ldd /bin/busybox > /dev/null 2>&1 || no "/bin/busybox is linked dynamically (busybox-static has a static one)"
    ;;
suid)
    dir=${1:?host-probe.sh suid DIR}
    findmnt -n -o OPTIONS -T "$dir" | tr , '\n' | grep -qx nosuid &&
        no "$dir is on a nosuid mount: a setuid program there raises nothing, in a node or not"
    ;;
cmd)
    for name in "$@"; do
        command -v "$name" > /dev/null || no "$name is not installed (scripts/install-deps.sh installs it)"
    done
    ;;
*)
    echo "host-probe.sh: unknown feature $feature" >&2
    exit 2
    ;;
esac
exit 0
