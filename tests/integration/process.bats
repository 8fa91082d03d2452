#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The process plan and redwrap's exit statuses: the workload's own code,
# 128+N for a signal, 125 when redwrap fails, 126 not executable, 127 not
# found; environment, cwd, umask, rlimits, inherited descriptors.

load helpers

setup() {
    common_setup
}

teardown() {
    common_teardown
}

node() {
    write_host_usr_node "$SCRATCH/node.yaml" proc
}

wrap() {
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- "$@"
}

@test "exit: the workload's own exit code is redwrap's" {
    node </dev/null
    run wrap /bin/sh -c 'exit 42'
    [ "$status" -eq 42 ]
}

@test "exit: a workload killed by signal N gives 128+N" {
    node </dev/null
    run wrap /bin/sh -c 'kill -KILL $$'
    [ "$status" -eq 137 ]
}

@test "exit: a bad node file gives 125 and its position" {
    printf 'version: 1\nnode: bad\nhostname: [not, a, string]\n' > "$SCRATCH/node.yaml"
    run wrap /bin/true
    [ "$status" -eq 125 ]
    [[ $output == *"node.yaml:3:"* ]]
}

@test "exit: a setup failure in the node gives 125 naming the plan and the path" {
    node <<'YAML'
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: bind, path: /data, source: /nonexistent/redpak-source}
YAML
    run wrap /usr/bin/true
    [ "$status" -eq 125 ]
    [[ $output == "redwrap: mounts (step 7.4): bind /nonexistent/redpak-source -> /data: No such file or directory"* ]]
}

@test "exit: a failed namespace step names its plan, step and reason" {
    node <<<'sysctl: {net.ipv4.no_such_sysctl: 1}'
    run wrap /bin/true
    [ "$status" -eq 125 ]
    [[ $output == *"redwrap: namespaces (step 6): sysctl /proc/sys/net/ipv4/no_such_sysctl: No such file or directory"* ]]
}

@test "exit: a command that is not found gives 127" {
    node </dev/null
    run wrap redpak-no-such-command
    [ "$status" -eq 127 ]
    [[ $output == *"redpak-no-such-command: command not found"* ]]
}

@test "exit: a command that is not executable gives 126" {
    node </dev/null
    run wrap /usr/share/common-licenses/GPL-3
    [ "$status" -eq 126 ]
    [[ $output == *"Permission denied"* ]]
}

@test "exit: a program whose ELF interpreter is missing gives 127 and says so" {
    node <<<'mounts: [{type: bind, path: /usr, source: /usr}]'
    run wrap /usr/bin/true
    [ "$status" -eq 127 ]
    [[ $output == *"/usr/bin/true: its interpreter (ELF loader or #! line) is missing"* ]]
}

@test "exit: a directory as command gives 126" {
    node </dev/null
    run wrap /usr/share
    [ "$status" -eq 126 ]
}

@test "exit: no command anywhere is a setup failure" {
    node </dev/null
    run "$REDWRAP" --node "$SCRATCH/node.yaml"
    [ "$status" -eq 125 ]
    [[ $output == *"no command"* ]]
}

@test "command: process.command runs when none is given after --" {
    node <<<'process: {command: [/bin/sh, -c, "echo from the node file"]}'
    run "$REDWRAP" --node "$SCRATCH/node.yaml"
    [ "$status" -eq 0 ]
    [ "$output" = "from the node file" ]
}

@test "env: the environment is cleared by default" {
    node </dev/null
    REDPAK_SECRET=leak run wrap /usr/bin/env
    [ "$status" -eq 0 ]
    [[ $output != *REDPAK_SECRET* ]]
}

@test "env: set and pass reach the workload, set wins" {
    node <<'YAML'
process:
  env:
    set: {GREETING: hello, REDPAK_PASSED: from-set}
    pass: [REDPAK_PASSED, REDPAK_ONLY_PASSED, REDPAK_UNSET_VAR]
YAML
    REDPAK_PASSED=from-host REDPAK_ONLY_PASSED=passed REDPAK_OTHER=no run wrap /usr/bin/env
    [ "$status" -eq 0 ]
    [[ $output == *"GREETING=hello"* ]]
    [[ $output == *"REDPAK_PASSED=from-set"* ]]
    [[ $output == *"REDPAK_ONLY_PASSED=passed"* ]]
    [[ $output != *REDPAK_OTHER* ]]
    [[ $output != *REDPAK_UNSET_VAR* ]]
}

@test "env: clear false keeps redwrap's environment" {
    node <<<'process: {env: {clear: false}}'
    REDPAK_KEPT=yes run wrap /usr/bin/env
    [[ $output == *"REDPAK_KEPT=yes"* ]]
}

@test "process: cwd and umask are the node's" {
    node <<<'process: {cwd: /usr/share, umask: "0027"}'
    run wrap /bin/sh -c 'pwd; umask'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = /usr/share ]
    [ "${lines[1]}" = 0027 ]
}

@test "process: rlimits are set before the workload starts" {
    node <<<'process: {rlimits: {nofile: {soft: 123, hard: 456}, core: 0}}'
    run wrap /bin/sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 123 ]
    [ "${lines[1]}" = 456 ]
    [ "${lines[2]}" = 0 ]
}

@test "process: no descriptor but 0-2 is inherited" {
    node </dev/null
    # fd 7 is open in redwrap; inside, ls's own directory fd is the only extra.
    run wrap /bin/ls /proc/self/fd 7<"$BATS_TEST_FILENAME"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "process: die_with_parent ends the node when redwrap is killed" {
    node </dev/null
    local marker="sleep 1000$$"
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c "$marker" &
    local pid=$!
    # The node's sleep itself, not redwrap's command line that names it.
    for _ in $(seq 50); do pgrep -fx "$marker" >/dev/null && break; sleep 0.1; done
    pgrep -fx "$marker" >/dev/null
    kill -KILL "$pid"
    for _ in $(seq 50); do pgrep -f "$marker" >/dev/null || break; sleep 0.1; done
    ! pgrep -f "$marker"
}

@test "process: die_with_parent holds for a pid 1 workload that changed its uid" {
    node <<<'process: {init: false, user: 65534, group: 65534}'
    local marker="sleep 1001$$"
    "$REDWRAP" --node "$SCRATCH/node.yaml" -- /bin/sh -c "exec $marker" &
    local pid=$!
    for _ in $(seq 50); do pgrep -f "^$marker\$" >/dev/null && break; sleep 0.1; done
    # Root-started: uid 65534 inside is host id BASE + 65534 of the private range.
    local child base
    child=$(pgrep -f "^$marker\$")
    base=$(awk '$1 == 0 { print $2 }' "/proc/$child/uid_map")
    [ "$(stat -c %u "/proc/$child")" -eq $((base + 65534)) ]
    kill -KILL "$pid"
    for _ in $(seq 50); do pgrep -f "^$marker\$" >/dev/null || break; sleep 0.1; done
    ! pgrep -f "^$marker\$"
}

@test "verbose: -v prints one line per step of the fixed order" {
    node </dev/null
    run "$REDWRAP" -v --node "$SCRATCH/node.yaml" -- /bin/true
    [ "$status" -eq 0 ]
    local step
    for step in 1 2 3 4 5 6 7 8 13; do
        [[ $output == *"(step $step): "* ]]
    done
}

@test "host.sysctl: root writes it and logs the old value" {
    local path=/proc/sys/vm/swappiness
    local old
    old=$(cat "$path")
    node <<<"host: {sysctl: {vm.swappiness: $old}}"
    run wrap /bin/true
    [ "$status" -eq 0 ]
    [[ $output == *"host sysctl $path = $old (was $old; kept when the node ends)"* ]]
}

@test "host.mkdir: a bind source marked create is made with its mode and owner" {
    node <<YAML
mounts:
  - {type: bind, path: /usr, source: /usr}
  - {type: symlink, path: /lib, target: usr/lib}
  - {type: symlink, path: /lib64, target: usr/lib64}
  - {type: bind, path: /data, source: $SCRATCH/made/here, create: true, owner: "65534:65534", readonly: false}
YAML
    run wrap /usr/bin/true
    [ "$status" -eq 0 ]
    [ "$(stat -c '%u:%g %a' "$SCRATCH/made/here")" = "65534:65534 700" ]
}

@test "terminal: an interactive shell in a node with a filter does job control and exits with its status" {
    # script(1) gives the run a terminal; dash's job control must find the
    # process groups it uses inside the node's pid namespace. A filter
    # refuses TIOCSTI, so the node may keep the terminal.
    printf 'sleep 0.1 & wait; echo inside-$((40+2)); exit 5\n' > "$SCRATCH/typed"
    run timeout 20 script -qec "$REDWRAP --node $REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml \
        --set seccomp.default_action=errno --set process.no_new_privileges=true" \
        /dev/null < "$SCRATCH/typed"
    [ "$status" -eq 5 ]
    [[ $output == *inside-42* ]]
    [[ $output != *"Cannot set tty process group"* ]]
    [[ $output != *"job control turned off"* ]]
}

@test "terminal: without a filter the shell runs in a session of its own, without job control" {
    # No filter to refuse TIOCSTI: setsid, as bubblewrap's --new-session.
    printf 'sleep 0.1 & wait; echo inside-$((40+2)); exit 5\n' > "$SCRATCH/typed"
    run timeout 20 script -qec "$REDWRAP --node $REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml" \
        /dev/null < "$SCRATCH/typed"
    [ "$status" -eq 5 ]
    [[ $output == *inside-42* ]]
    [[ $output == *"job control turned off"* ]]
}

@test "terminal: the caller's shell gets its terminal back after the node" {
    # Without it the caller's next read from the terminal would stop it
    # (SIGTTIN) and time out.
    printf 'hello\n' > "$SCRATCH/typed"
    run timeout 20 script -qec \
        "sh -c '$REDWRAP --node $REDPAK_SOURCE_DIR/schemas/examples/minimal.yaml -- /bin/true; read line; echo after:\$line'" \
        /dev/null < "$SCRATCH/typed"
    [ "$status" -eq 0 ]
    [[ $output == *after:hello* ]]
}
