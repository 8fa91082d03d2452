#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the kernel-independent part of the VM tests' initramfs:
# busybox-static, the programs under test with every shared library ldd
# names for them (at the same paths, so the build tree's RUNPATH still
# resolves), redis-server and redis-cli, the host's shell tools and bats
# (so an integration suite runs in the VM as on the host) and the test
# scripts. pack-modules.sh adds a kernel's modules (the kernel unpacks
# both archives, one after the other).
# Usage: make-initramfs.sh OUT.cpio.gz VM_SOURCE_DIR PROGRAM...
# Environment: INTEGRATION_DIR (tests/integration) and PROBES (the built
# probes), carried to /vmtest/integration and /vmtest/probes when set.
set -eu
out=$1 src=$2
shift 2

stage=$(mktemp -d)
progs=$(mktemp)
trap 'rm -rf "$stage" "$progs"' EXIT

# Merged /usr as on Debian: a node that binds /usr and links /lib to
# usr/lib (helpers.bash's write_host_usr_node) finds every library.
mkdir -p "$stage/bin" "$stage/usr/local/bin" "$stage/usr/bin" "$stage/usr/sbin" \
         "$stage/usr/lib/modules" "$stage/usr/lib64" "$stage/etc" "$stage/vmtest"
ln -s usr/lib "$stage/lib"
ln -s usr/lib64 "$stage/lib64"
cp /bin/busybox "$stage/bin/busybox"

# copy DEST PROGRAM...: the programs now (one cp: a process is dear on a
# loaded host), their libraries with everyone's.
copy() {
    dest=$1
    shift
    cp "$@" "$stage$dest/"
    printf '%s\n' "$@" >> "$progs"
}

# Every library of every program copied, once: one ldd for all of them
# ("libx.so => /path (addr)", the loader as "/path (addr)").
copy_libs() {
    xargs ldd < "$progs" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }' | sort -u |
    while read -r lib; do
        mkdir -p "$stage$(dirname "$lib")"
        cp -L "$lib" "$stage$lib"
        # A library of the build tree (libredpak) is found through the
        # binary's RUNPATH, which may point under /tmp (a CI clone there):
        # the VM mounts a tmpfs on /tmp, so put a copy where the loader
        # looks by default as well.
        case "$lib" in
        /lib/* | /lib64/* | /usr/lib/* | /usr/lib64/*) ;;
        *) cp -L "$lib" "$stage/usr/lib/$(basename "$lib")" ;;
        esac
    done
}

copy /usr/local/bin "$@"

# The tools the integration suites and their nodes use, in /usr/bin and
# /usr/sbin (a package's /bin and /sbin are /usr's on a merged host). They
# come before busybox's applets in PATH.
host_tools() {
    for pkg in coreutils grep sed findutils diffutils bash dash hostname; do
        dpkg -L "$pkg" | grep -E '^(/usr)?/s?bin/[^/]+$'
    done
    echo /usr/bin/bats /bin/ps /usr/bin/pgrep /usr/bin/pkill /sbin/ip /bin/ip \
         /usr/bin/ipcmk /usr/bin/ipcs /usr/bin/ipcrm /usr/bin/setpriv /usr/bin/nsenter \
         /usr/bin/unshare /usr/bin/setsid
}
tools=$(host_tools | sort -u)
for dir in bin sbin; do
    copy /usr/$dir $(for tool in $tools; do
        case "$tool" in */$dir/*) [ -f "$tool" ] && echo "$tool" ;; esac
    done)
done
ln -sf dash "$stage/usr/bin/sh"
cp -r /usr/lib/bats-core "$stage/usr/lib/"
mkdir -p "$stage/usr/libexec"
cp -r /usr/libexec/bats-core "$stage/usr/libexec/"
if [ -n "${INTEGRATION_DIR:-}" ]; then
    mkdir -p "$stage/vmtest/integration"
    cp "$INTEGRATION_DIR"/*.bats "$INTEGRATION_DIR"/helpers.bash "$stage/vmtest/integration/"
fi
if [ -n "${PROBES:-}" ] && [ -d "$PROBES" ]; then
    cp -r "$PROBES" "$stage/vmtest/probes"
fi
copy /usr/local/bin "$(command -v redis-server)" "$(command -v redis-cli)"
copy_libs

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$stage/etc/group"

cp "$src/init-stage1.sh" "$stage/init"
cp "$src/init.sh" "$src/lib.sh" "$stage/vmtest/"
cp -r "$src/cases" "$stage/vmtest/"
chmod +x "$stage/init" "$stage/vmtest/init.sh"

(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
