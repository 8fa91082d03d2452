#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Bad input reaches redwrap, not only rednode-config: every malformed node
# file (schemas/invalid, and files whose bind source says create: true
# with an error elsewhere) and every --set value of bad-sets.txt is refused
# with exit 125 and FILE:LINE:COLUMN (--set:N:COLUMN), and nothing is made
# on the host: /tmp, the mount table, the cgroup tree and the bind sources
# are as before. bad_input.sh does the work in a private mount namespace.

@test "redwrap refuses every malformed node file and --set value with a position and 125, creating nothing" {
    run unshare --mount --propagation private "$BATS_TEST_DIRNAME/bad_input.sh"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" =~ ^([0-9]+)\ passed,\ 0\ failed ]]
    [ "${BASH_REMATCH[1]}" -ge 250 ]
}
