#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check-exports.sh NM LIBRARY EXPECTED: compares the dynamic symbols LIBRARY
# defines with the list in EXPECTED; prints every extra and every missing
# one and fails on any.
set -eu
nm=$1 lib=$2 expected=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$nm" -D --defined-only "$lib" >"$tmp/nm"
# Type A: the symbol a version node defines for itself (REDPAK_0, which
# llvm-nm prints as REDPAK_0@@REDPAK_0): the linker's, not a function.
awk '$(NF-1) != "A" {print $NF}' "$tmp/nm" | LC_ALL=C sort -u >"$tmp/actual"
grep -v -e '^#' -e '^[[:space:]]*$' "$expected" | LC_ALL=C sort -u >"$tmp/expected"
LC_ALL=C comm -23 "$tmp/actual" "$tmp/expected" >"$tmp/extra"
LC_ALL=C comm -13 "$tmp/actual" "$tmp/expected" >"$tmp/missing"

status=0
if [ -s "$tmp/extra" ]; then
    echo "FAIL: $lib exports symbols that are not in $expected:"
    sed 's/^/  + /' "$tmp/extra"
    echo "  A function is exported when its declaration in libredpak/include/redpak"
    echo "  carries RP_PUBLIC. Not meant as API: drop RP_PUBLIC. Meant as API: add"
    echo "  it to $expected (a new function goes in a new version node of"
    echo "  libredpak/libredpak.map)."
    status=1
fi
if [ -s "$tmp/missing" ]; then
    echo "FAIL: $lib no longer exports symbols that are in $expected:"
    sed 's/^/  - /' "$tmp/missing"
    echo "  Programs linked against the library call these: a declaration lost"
    echo "  RP_PUBLIC, or a function was removed or renamed, which breaks the ABI."
    status=1
fi
if [ "$status" -eq 0 ]; then
    echo "ok: $lib exports the $(wc -l <"$tmp/actual") symbols of $expected"
fi
exit "$status"
