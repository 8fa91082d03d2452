#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The examples are promises: minimal.yaml runs as root and rootless, and
# rootless-busybox-shell.yaml runs rootless once its image is made with the
# recipe written in it. Runs copies in a scratch folder, so ${NODE_DIR} never
# points into the source tree. A case this host cannot run is skipped,
# saying why (tests/integration/host-probe.sh). Ends with
# "N passed, N failed, N skipped".
set -u
: "${REDWRAP:?the redwrap under test}"
: "${REDPAK_SOURCE_DIR:?the source tree}"
ROOTLESS_UID=${ROOTLESS_UID:-65534}

# Root runs the root case and becomes the unprivileged user for the others.
if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: needs root"
    exit 77
fi
# What this host lets a node do (host-probe.sh): without a user and a
# time namespace no node runs at all.
probe() {
    "$REDPAK_SOURCE_DIR/tests/integration/host-probe.sh" "$@"
}
for feature in userns timens; do
    why=$(probe $feature) || { echo "skipped: $why"; exit 77; }
done

passed=0
failed=0
skipped=0
check() {   # NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1)); echo "ok     $1"
    else
        failed=$((failed + 1)); echo "FAILED $1: expected '$2', got '$3'"
    fi
}
as_user() {
    setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_UID" --clear-groups \
        --inh-caps=-all -- "$@"
}

scratch=$(mktemp -d /tmp/redpak-examples.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
cp "$REDPAK_SOURCE_DIR"/schemas/examples/*.yaml "$scratch/"
chmod 0755 "$scratch"
chmod 0644 "$scratch"/*.yaml
cd "$scratch" || exit 1

skip() {     # NAME WHY
    skipped=$((skipped + 1)); echo "skip   $1: $2"
}

# The command of README.md, "A first node": the shell is PID 2 under the
# node's init.
out=$("$REDWRAP" --node minimal.yaml -- /bin/sh -c 'echo $$; hostname' 2>&1 | tr '\n' ' ')
check "minimal.yaml as root" "2 minimal " "$out"
rootless_why=$(probe rootless "$REDWRAP" "$scratch/minimal.yaml") || rootless_why=${rootless_why:-?}
if [ -z "$rootless_why" ]; then
    out=$(as_user "$REDWRAP" --node minimal.yaml -- /bin/sh -c 'echo $$; hostname; id -u' 2>&1 | tr '\n' ' ')
    check "minimal.yaml rootless (caller is uid 0 inside)" "2 minimal 0 " "$out"
else
    skip "minimal.yaml rootless" "$rootless_why"
fi

# The recipe of rootless-busybox-shell.yaml, as written in its comment.
if [ -n "$rootless_why" ]; then
    skip "rootless-busybox-shell.yaml rootless" "$rootless_why"
elif ! busybox_why=$(probe busybox); then
    skip "rootless-busybox-shell.yaml rootless" "$busybox_why"
else
    d=busybox-root
    mkdir -p $d/bin $d/etc $d/proc $d/dev $d/tmp
    cp /bin/busybox $d/bin/
    for a in $(/bin/busybox --list); do [ -e $d/bin/$a ] || ln -s busybox $d/bin/$a; done
    printf 'root:x:0:0:root:/:/bin/sh\n' > $d/etc/passwd
    printf 'root:x:0:\n' > $d/etc/group
    chmod -R a+rX $d
    out=$(echo 'hostname; id -u; ls /' | as_user "$REDWRAP" --node rootless-busybox-shell.yaml 2>&1 | tr '\n' ' ')
    check "rootless-busybox-shell.yaml rootless" "busybox 0 bin dev etc proc tmp " "$out"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
