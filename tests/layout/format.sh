#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# format.sh SOURCE_DIR: every tracked .c and .h file is as .clang-format
# writes it, and every source file carries its SPDX line.
set -u
src=$1
cd "$src" || exit 1
command -v clang-format >/dev/null || { echo "skip: clang-format is not installed"; exit 77; }
status=0
files=$(git ls-files '*.c' '*.h' 2>/dev/null) || { echo "skip: $src is not a git checkout"; exit 77; }
# shellcheck disable=SC2086
clang-format --dry-run --Werror --style=file $files || {
    echo "not formatted: run clang-format -i on the files above"
    status=1
}
missing=$(git ls-files '*.c' '*.h' '*.sh' '*.bats' '*.bash' '*.py' '*.cmake' 'CMakeLists.txt' '*/CMakeLists.txt' |
    grep -v '^tests/fuzz/corpus/' | xargs grep -L 'SPDX-License-Identifier: Apache-2.0')
if [ -n "$missing" ]; then
    echo "without an SPDX-License-Identifier line:"
    echo "$missing" | sed 's/^/  /'
    status=1
fi
exit $status
