#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# folder_map.sh SOURCE_DIR: the folder map of docs/architecture.md ("The
# folders") lists exactly the files under libredpak/*/. A file the map does
# not name, or a name in the map that is not in the tree, fails the test,
# each printed on a line of its own.
#
# The map: under "## The folders", each "### `libredpak/FOLDER/`" heading
# starts a folder; in the table rows that follow it, every `name` in the
# first cell is a file of that folder.
export LC_ALL=C
src=${1:?usage: folder_map.sh SOURCE_DIR}
doc=$src/docs/architecture.md
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

[ -r "$doc" ] || { echo "folder_map: cannot read $doc"; exit 1; }

awk '
    /^## / { in_map = ($0 == "## The folders"); folder = ""; next }
    !in_map { next }
    /^### / {
        folder = ""
        if (match($0, /`libredpak\/[^`]*\/`/))
            folder = substr($0, RSTART + 1, RLENGTH - 2)
        next
    }
    folder != "" && /^\| *`/ {
        cell = $0
        sub(/^\| */, "", cell)
        sub(/ *\|.*/, "", cell)
        while (match(cell, /`[^`]+`/)) {
            print folder substr(cell, RSTART + 1, RLENGTH - 2)
            cell = substr(cell, RSTART + RLENGTH)
        }
    }
' "$doc" | sort > "$tmp/listed"
sort -u "$tmp/listed" > "$tmp/map"

if [ ! -s "$tmp/map" ]; then
    echo "folder_map: no file listed under \"## The folders\" in $doc"
    exit 1
fi

(cd "$src" && find libredpak -mindepth 2 -type f ! -name '.*' | sort) > "$tmp/tree"

status=0
comm -13 "$tmp/map" "$tmp/tree" > "$tmp/unlisted"
comm -23 "$tmp/map" "$tmp/tree" > "$tmp/missing"
uniq -d "$tmp/listed" > "$tmp/twice"
if [ -s "$tmp/unlisted" ]; then
    echo "in the tree, not in the map of docs/architecture.md:"
    sed 's/^/  /' "$tmp/unlisted"
    status=1
fi
if [ -s "$tmp/missing" ]; then
    echo "in the map of docs/architecture.md, not in the tree:"
    sed 's/^/  /' "$tmp/missing"
    status=1
fi
if [ -s "$tmp/twice" ]; then
    echo "listed twice in the map of docs/architecture.md:"
    sed 's/^/  /' "$tmp/twice"
    status=1
fi
if [ "$status" -eq 0 ]; then
    echo "folder map: $(wc -l < "$tmp/tree") files, all listed"
fi
exit $status
