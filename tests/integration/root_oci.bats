#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# root.image: oci:LAYOUT:TAG: an OCI image layout built in the test with
# umoci (a busybox layer, a layer with a file, a whiteout of it, a config
# with Entrypoint/Cmd, Env, WorkingDir, User) runs a node from the cache
# folder of its manifest's digest, reused on the next start; a layer whose
# digest does not match is refused (exit 125) and nothing unpacked stays.

load helpers

CACHE=/var/cache/redpak/oci

setup() {
    common_setup
    [ "$(id -u)" -eq 0 ] || skip "the image cache is root's"
    command -v umoci > /dev/null || skip "needs umoci (Debian: apt install umoci)"
    make_busybox_root "$SCRATCH/root"
    LAYOUT=$SCRATCH/layout
    umoci init --layout "$LAYOUT"
    umoci new --image "$LAYOUT:t"
    umoci insert --image "$LAYOUT:t" "$SCRATCH/root" /
    mkdir -p "$SCRATCH/extra"
    echo gone > "$SCRATCH/extra/removeme"
    echo kept > "$SCRATCH/extra/kept"
    umoci insert --image "$LAYOUT:t" "$SCRATCH/extra" /etc
    umoci insert --image "$LAYOUT:t" --whiteout /etc/removeme
    umoci config --image "$LAYOUT:t" --config.entrypoint /bin/sh --config.cmd -c \
        --config.cmd 'id -u; id -g; pwd; echo "$FOO"; cat /etc/kept; ls /etc/removeme' \
        --config.env FOO=from-image --config.workingdir /tmp --config.user 1000:1000
    DIGEST=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"].split(":")[1])' "$LAYOUT/index.json")
    ENTRY=$CACHE/sha256-$DIGEST
    cat > "$SCRATCH/node.yaml" <<YAML
version: 1
node: oci
root: {image: "oci:$LAYOUT:t"}
mounts:
  - {type: proc, path: /proc}
  - {type: dev, path: /dev}
tmpfs:
  - {path: /tmp, size: 1M}
YAML
}

teardown() {
    [ -n "${ENTRY:-}" ] && rm -rf "$ENTRY"
    common_teardown
}

@test "a node runs from an OCI layout with its layers, whiteout and config defaults, and the unpacked copy is reused" {
    run "$REDWRAP" -v --node "$SCRATCH/node.yaml"
    echo "$output"
    [ "$status" -eq 1 ] # ls of the whited-out file fails last
    [[ $output == *"unpacking into $ENTRY"* ]]
    out=$(printf '%s\n' "$output" | grep -v '^redwrap:')
    [ "$(sed -n 1p <<< "$out")" = 1000 ]
    [ "$(sed -n 2p <<< "$out")" = 1000 ]
    [ "$(sed -n 3p <<< "$out")" = /tmp ]
    [ "$(sed -n 4p <<< "$out")" = from-image ]
    [ "$(sed -n 5p <<< "$out")" = kept ]
    [[ $out == *"/etc/removeme: No such file or directory"* ]]
    [ -x "$ENTRY/rootfs/bin/busybox" ]
    # Reused, unchanged; the node file overrides the image's defaults.
    run "$REDWRAP" -v --node "$SCRATCH/node.yaml" --set process.user=0 --set process.group=0 \
        --set process.cwd=/ --set process.env.set.FOO=from-node
    echo "$output"
    [[ $output == *"unpacked already in $ENTRY"* ]]
    out=$(printf '%s\n' "$output" | grep -v '^redwrap:')
    [ "$(sed -n 1p <<< "$out")" = 0 ]
    [ "$(sed -n 3p <<< "$out")" = / ]
    [ "$(sed -n 4p <<< "$out")" = from-node ]
    [ -z "$(ls -A "$CACHE" | grep '^\.unpack-')" ]
}

@test "a layer whose content does not match its digest is refused with exit 125, and nothing unpacked is kept" {
    # The biggest blob is the busybox layer: replaced by another valid
    # gzip'd tar, the archive reads fine and only the digest tells.
    big=$(ls -S "$LAYOUT/blobs/sha256" | head -1)
    tar -C "$SCRATCH/extra" -cz kept > "$LAYOUT/blobs/sha256/$big"
    run "$REDWRAP" --node "$SCRATCH/node.yaml"
    echo "$output"
    [ "$status" -eq 125 ]
    [[ $output == *"umoci could not unpack it ("*"digest mismatch); nothing unpacked is used"* ]]
    [ ! -e "$ENTRY" ]
    [ -z "$(ls -A "$CACHE" | grep '^\.unpack-')" ]
}

@test "a layout without index.json, and a tag the layout lacks, are errors at root.image" {
    rm "$LAYOUT/index.json"
    run "$REDNODE_CONFIG" validate "$SCRATCH/node.yaml"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"node.yaml:3:15: root.image: oci:$LAYOUT:t: index.json: No such file or directory"* ]]
    umoci init --layout "$SCRATCH/layout2"
    umoci new --image "$SCRATCH/layout2:other"
    sed -i "s|$LAYOUT:t|$SCRATCH/layout2:t|" "$SCRATCH/node.yaml"
    run "$REDNODE_CONFIG" validate "$SCRATCH/node.yaml"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"root.image: oci:$SCRATCH/layout2:t: index.json has no manifest tagged t"* ]]
}
