#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Checks the Debian packages scripts/build-deb.sh made, then installs them
# into a throwaway Debian 12 and removes them again:
#   dpkg-deb -I   names, Architecture, Depends (from dpkg-shlibdeps),
#                 Suggests, conffiles, shlibs, the ldconfig trigger
#   dpkg-deb -c   every file that belongs in each package, none misplaced
#   dpkg -i       into an overlay on the minimal bookworm chroot
#                 (scripts/minimal-chroot.sh; the chroot itself is never
#                 written): redwrap --version, a node, rednode-config, a
#                 program built with pkg-config against libredpak
#   dpkg -r       nothing of the packages left but the two conffiles
#                 (the overlay's upper layer is exactly what changed)
#   dpkg -P       those gone too
# Usage: check-deb.sh PACKAGES_DIR VERSION. Exits 77 (skipped) without
# root or without the chroot.
set -eu
pkgs=$(cd "$1" && pwd)
version=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
arch=$(dpkg --print-architecture)
deb=$pkgs/redpak_${version}_$arch.deb
dev=$pkgs/redpak-dev_${version}_$arch.deb
failed=0

fail() {
    echo "FAIL: $*"
    failed=1
}
ok() { echo "ok: $*"; }

for f in "$deb" "$dev"; do
    [ -f "$f" ] || { echo "FAIL: no $f (ls: $(ls "$pkgs"))"; exit 1; }
done

# --- control fields ----------------------------------------------------------
field() { dpkg-deb -f "$1" "$2"; }
[ "$(field "$deb" Package)" = redpak ] || fail "Package: $(field "$deb" Package)"
[ "$(field "$dev" Package)" = redpak-dev ] || fail "Package: $(field "$dev" Package)"
for f in "$deb" "$dev"; do
    [ "$(field "$f" Architecture)" = "$arch" ] || fail "$f: Architecture $(field "$f" Architecture)"
    [ "$(field "$f" Version)" = "$version" ] || fail "$f: Version $(field "$f" Version)"
done
depends=$(field "$deb" Depends)
echo "redpak Depends: $depends"
for lib in libc6 libyaml-0-2 libcap2 libseccomp2; do
    echo "$depends" | grep -Eq "(^|, )$lib( |,|$)" || fail "Depends has no $lib"
done
echo "$depends" | grep -q redis && fail "Depends names redis: $depends"
[ "$(field "$deb" Suggests)" = redis-server ] || fail "Suggests: $(field "$deb" Suggests)"
[ "$(field "$dev" Depends)" = "redpak (= $version)" ] || fail "redpak-dev Depends: $(field "$dev" Depends)"
ctl=$(mktemp -d)
trap 'rm -rf "$ctl"' EXIT
dpkg-deb -e "$deb" "$ctl/deb"
printf '/etc/redpak/nodes/redis.yaml\n/etc/redpak/nodes/redis.env\n' | cmp -s - "$ctl/deb/conffiles" ||
    fail "conffiles: $(cat "$ctl/deb/conffiles")"
grep -qx "libredpak 0 redpak (>= $version)" "$ctl/deb/shlibs" || fail "shlibs: $(cat "$ctl/deb/shlibs")"
grep -qx 'activate-noawait ldconfig' "$ctl/deb/triggers" || fail "no ldconfig trigger"
[ $failed -eq 1 ] || ok "control fields of both packages"

# --- contents -----------------------------------------------------------------
contents() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's,^\./,/,; s,/$,,'; }
contents "$deb" > "$ctl/deb.list"
contents "$dev" > "$ctl/dev.list"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
lib=/usr/lib/$multiarch
for f in /usr/bin/redwrap /usr/bin/rednode-config "$lib/libredpak.so.0" "$lib/libredpak.so.$version" \
         /usr/share/man/man1/redwrap.1 /usr/share/man/man1/rednode-config.1 /usr/share/man/man5/rednode.5 \
         /usr/share/redpak/schemas/rednode.schema.json /usr/share/redpak/nodes/redis.yaml \
         /usr/lib/systemd/system/redwrap@.service /etc/redpak/nodes/redis.yaml \
         /etc/redpak/nodes/redis.env /usr/share/doc/redpak/copyright; do
    grep -qx "$f" "$ctl/deb.list" || fail "redpak has no $f"
done
for f in "$lib/libredpak.so" "$lib/pkgconfig/libredpak.pc" /usr/include/redpak/redpak.h \
         /usr/share/doc/redpak-dev/copyright; do
    grep -qx "$f" "$ctl/dev.list" || fail "redpak-dev has no $f"
done
grep -Eq '^/usr/include|\.pc$|libredpak\.so$' "$ctl/deb.list" && fail "development files in redpak"
grep -q '^/usr/local' "$ctl/deb.list" "$ctl/dev.list" && fail "files under /usr/local"
# (into files: grep -q ending early would kill dpkg-deb's tar with SIGPIPE)
dpkg-deb -c "$deb" > "$ctl/deb.c"
dpkg-deb -c "$dev" > "$ctl/dev.c"
grep -q "libredpak.so.0 -> libredpak.so.$version" "$ctl/deb.c" || fail "libredpak.so.0 is not the soname link"
grep -q "libredpak.so -> libredpak.so.0" "$ctl/dev.c" || fail "libredpak.so is not a link to the soname"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/redwrap@.service > "$ctl/unit"
grep -qx 'ExecStart=/usr/bin/redwrap --node /etc/redpak/nodes/%i.yaml $REDWRAP_OPTS' \
    "$ctl/unit" || fail "the unit's ExecStart does not name /usr/bin/redwrap"
[ $failed -eq 1 ] || ok "contents of both packages ($(wc -l < "$ctl/deb.list") + $(wc -l < "$ctl/dev.list") entries)"

# --- install, run, remove, purge in a throwaway Debian 12 --------------------
rc=0
chroot=$("$src/scripts/minimal-chroot.sh") || rc=$?
[ $rc -ne 77 ] || { echo "skipped: the install check needs the minimal chroot (above)"; exit 77; }
[ $rc -eq 0 ] || exit $rc
cp "$deb" "$dev" "$ctl/"
cat > "$ctl/in-chroot.sh" <<'SCRIPT'
set -eu
lower=$1 work=$2
upper=$work/ov/upper root=$work/root
mount -t tmpfs redpak-deb-check "$work/ov"
mkdir -p "$upper" "$work/ov/work" "$root"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work/ov/work" "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
mkdir -p "$root/tmp/debs"
cp "$work"/*.deb "$root/tmp/debs/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
# The kernel refuses a new user namespace to a chrooted process (the
# node's clone: EPERM): redwrap runs with the overlay pivoted to the root
# of a mount namespace of its own.
pivoted() {
    unshare --mount --propagation private sh -c 'cd "$1" && mkdir -p tmp/.old && pivot_root . tmp/.old &&
        shift && exec /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"' \
        sh "$root" "$@"
}
# What changed on the overlay besides dpkg's own records and the loader's cache.
# Files, and folders the chroot did not have, each as /PATH.
# /run is runtime state (a tmpfs on a booted system): the node run above
# leaves its id range's lock file there (/run/redpak/ids), not the package.
changed() {
    (cd "$upper" && find . -mindepth 1 | sed 's,^\.,,' |
        grep -Ev '^/(var/lib/dpkg|var/log|var/cache/ldconfig|etc/ld\.so\.cache|tmp|run|proc|dev|sys)(/|$)' |
        while read -r f; do
            [ -d "$upper$f" ] && [ -d "$lower$f" ] || echo "$f"
        done | sort) || true
}
echo "--- dpkg -i"
in_root sh -c "dpkg -i /tmp/debs/redpak_*.deb /tmp/debs/redpak-dev_*.deb"
in_root dpkg -s redpak | grep -qx 'Status: install ok installed'
in_root ldconfig -p | grep -q 'libredpak.so.0 ' || { echo "FAIL: ldconfig does not know libredpak.so.0"; exit 1; }
echo "--- redwrap --version: $(in_root redwrap --version)"
out=$(pivoted redwrap --node /usr/share/redpak/schemas/examples/minimal.yaml -- /bin/sh -c 'echo $$ $(hostname)')
echo "--- a node: $out"
[ "$out" = "2 minimal" ] || { echo "FAIL: the minimal node said '$out'"; exit 1; }
in_root rednode-config validate /usr/share/redpak/schemas/examples/minimal.yaml
printf '#include <redpak/redpak.h>\n#include <stdio.h>\nint main(void) { rp_set_program_name("v"); puts(REDPAK_VERSION); return 0; }\n' > "$root/tmp/v.c"
in_root sh -c 'cc -o /tmp/v /tmp/v.c $(pkg-config --cflags --libs libredpak) && /tmp/v && readelf -d /tmp/v > /tmp/v.dyn && grep -q "NEEDED.*libredpak.so.0" /tmp/v.dyn'
echo "--- dpkg -r"
in_root dpkg -r redpak-dev redpak
left=$(changed)
want=$(printf '/etc/redpak\n/etc/redpak/nodes\n/etc/redpak/nodes/redis.env\n/etc/redpak/nodes/redis.yaml')
if [ "$left" != "$want" ]; then
    echo "FAIL: after dpkg -r, left besides dpkg's records:"; echo "$left"; exit 1
fi
echo "left after dpkg -r: the conffiles only"
in_root dpkg -P redpak
left=$(changed)
[ -z "$left" ] || { echo "FAIL: after dpkg -P, left:"; echo "$left"; exit 1; }
[ ! -e "$root/etc/redpak" ] || { echo "FAIL: /etc/redpak left after dpkg -P"; exit 1; }
echo "left after dpkg -P: nothing"
SCRIPT
mkdir -p "$ctl/ov"
if unshare --mount --propagation private sh "$ctl/in-chroot.sh" "$chroot" "$ctl"; then
    ok "dpkg -i, run, dpkg -r, dpkg -P in a bookworm chroot"
else
    fail "install/remove in the chroot"
fi
exit $failed
