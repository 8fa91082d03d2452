/* SPDX-License-Identifier: Apache-2.0 */
/* The node parser as a whole: a complete document becomes the expected
 * model, absent keys take node-format.md's defaults, and the top-level
 * keys (version, node, namespaces, user_namespace, hostname, domainname,
 * time_offsets, sysctl, host) reject what the format forbids. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "grammar.h"
#include "parse_helpers.h"

static const char full[] =
    "version: 1\n"
    "node: redis\n"
    "description: Redis cache, isolated, data kept on the host\n"
    "namespaces:\n"
    "  user: new\n"
    "  pid: new\n"
    "  net: new\n"
    "  ipc: new\n"
    "  uts: new\n"
    "  cgroup: new\n"
    "  time: new\n"
    "  mount: new\n"
    "user_namespace:\n"
    "  uid_map: [{inside: 0, outside: 1000, count: 1}]\n"
    "  gid_map: [{inside: 0, outside: 1000, count: 1}, {inside: 1, outside: 100000, count: "
    "65536}]\n"
    "hostname: redis\n"
    "domainname: local\n"
    "time_offsets: {monotonic: 10, boottime: -5}\n"
    "sysctl: {net.core.somaxconn: \"1024\", kernel.shmmax: 65536}\n"
    "root:\n"
    "  size: 16M\n"
    "  mode: \"0750\"\n"
    "  readonly: false\n"
    "mounts:\n"
    "  - {type: bind, path: /usr, source: /usr}\n"
    "  - {type: bind, path: /etc/ssl, source: /etc/ssl, optional: true}\n"
    "  - {type: bind, path: /data, source: \"${NODE_DIR}/data\", readonly: false, create: true, "
    "owner: \"999:999\"}\n"
    "  - {type: proc, path: /proc}\n"
    "  - {type: dev, path: /dev}\n"
    "  - {type: mqueue, path: /dev/mqueue}\n"
    "  - {type: symlink, path: /lib, target: usr/lib}\n"
    "  - {type: dir, path: /var/lib/app, mode: \"0750\", owner: \"999:redis\"}\n"
    "  - type: file\n"
    "    path: /etc/redis/redis.conf\n"
    "    mode: \"0640\"\n"
    "    content: |\n"
    "      port 0\n"
    "      dir ${NODE_DIR}\n"
    "tmpfs:\n"
    "  - {path: /tmp, size: 64M, mode: \"1777\"}\n"
    "  - {path: /run/redis, size: 1M, mode: \"0750\", owner: \"999:999\"}\n"
    "cgroup:\n"
    "  parent: /sys/fs/cgroup/redpak\n"
    "  required: false\n"
    "  items:\n"
    "    cpuset.cpus: \"0-1\"\n"
    "    cpuset.mems: \"0\"\n"
    "    cpuset.cpus.partition: member\n"
    "    cpu.weight: 100\n"
    "    cpu.max: \"50000 100000\"\n"
    "    io.max: \"/dev/vda rbps=1048576 wiops=120\"\n"
    "    io.weight: 100\n"
    "    memory.min: 0\n"
    "    memory.low: 16M\n"
    "    memory.high: 200M\n"
    "    memory.max: 256M\n"
    "    memory.swap.high: max\n"
    "    memory.swap.max: 0\n"
    "    memory.oom.group: 1\n"
    "    pids.max: 128\n"
    "capabilities:\n"
    "  keep: [net_bind_service, CAP_CHOWN]\n"
    "  ambient: [net_bind_service]\n"
    "seccomp:\n"
    "  default_action: kill_process\n"
    "  default_errno: EACCES\n"
    "  base: none\n"
    "  syscalls:\n"
    "    - {names: [ptrace, process_vm_readv], action: errno, errno: EPERM}\n"
    "    - {names: [personality], action: allow, args: [{index: 0, op: eq, value: 0}]}\n"
    "    - {names: [mkdirat], action: errno}\n"
    "    - {names: [ioctl], action: log, args: [{index: 1, op: masked_eq, value: 0x5400, mask: "
    "0xff00}]}\n"
    "process:\n"
    "  command: [redis-server, /etc/redis/redis.conf]\n"
    "  user: 999\n"
    "  group: redis\n"
    "  groups: [10, wheel]\n"
    "  cwd: /data\n"
    "  umask: \"0077\"\n"
    "  no_new_privileges: false\n"
    "  env:\n"
    "    clear: false\n"
    "    set: {HOME: /data, PATH: /usr/bin:/bin, SHLVL: 1}\n"
    "    pass: [TERM, TZ, LANG]\n"
    "  rlimits: {nofile: 10032, core: 0, stack: {soft: 99, hard: unlimited}, nproc: unlimited}\n"
    "  init: false\n"
    "  wait: main\n"
    "  die_with_parent: false\n"
    "host:\n"
    "  sysctl: {vm.overcommit_memory: 1}\n";

static void test_full_document_parses_into_the_model(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(full);

    assert_string_equal(n->file, TEST_FILE);
    assert_string_equal(n->dir, "/srv/nodes");
    assert_string_equal(n->name, "redis");
    assert_string_equal(n->description, "Redis cache, isolated, data kept on the host");
    for (int k = 0; k < RP_NS_COUNT; k++)
        assert_int_equal(n->ns[k].mode, RP_NS_NEW);
    assert_int_equal(n->ns[RP_NS_NET].pos.line, 7);
    assert_int_equal(n->ns[RP_NS_NET].pos.column, 8);

    assert_true(n->uid_map.set);
    assert_int_equal(n->uid_map.n, 1);
    assert_int_equal(n->uid_map.v[0].outside, 1000);
    assert_int_equal(n->gid_map.n, 2);
    assert_int_equal(n->gid_map.v[1].inside, 1);
    assert_int_equal(n->gid_map.v[1].outside, 100000);
    assert_int_equal(n->gid_map.v[1].count, 65536);

    assert_string_equal(n->hostname, "redis");
    assert_string_equal(n->domainname, "local");
    assert_true(n->time_offsets_set);
    assert_int_equal(n->time_monotonic, 10);
    assert_int_equal(n->time_boottime, -5);
    assert_int_equal(n->sysctl.n, 2);
    assert_string_equal(n->sysctl.v[0].key, "net.core.somaxconn");
    assert_string_equal(n->sysctl.v[0].value, "1024");
    assert_string_equal(n->sysctl.v[1].value, "65536");

    assert_int_equal(n->root.size, 16u << 20);
    assert_int_equal(n->root.mode, 0750);
    assert_false(n->root.readonly);
    assert_null(n->root.source);

    assert_int_equal(n->n_mounts, 9);
    struct rp_mount *m = n->mounts;
    assert_int_equal(m[0].type, RP_MOUNT_BIND);
    assert_string_equal(m[0].path, "/usr");
    assert_string_equal(m[0].source, "/usr");
    assert_true(m[0].readonly);
    assert_false(m[0].optional);
    assert_true(m[1].optional);
    assert_string_equal(m[2].source, "/srv/nodes/data");
    assert_false(m[2].readonly);
    assert_true(m[2].create);
    assert_true(m[2].owner.set);
    assert_int_equal(m[2].owner.user.id, 999);
    assert_int_equal(m[2].owner.group.id, 999);
    assert_int_equal(m[2].source_pos.line, 27);
    assert_int_equal(m[3].type, RP_MOUNT_PROC);
    assert_int_equal(m[4].type, RP_MOUNT_DEV);
    assert_int_equal(m[5].type, RP_MOUNT_MQUEUE);
    assert_string_equal(m[5].path, "/dev/mqueue");
    assert_int_equal(m[6].type, RP_MOUNT_SYMLINK);
    assert_string_equal(m[6].target, "usr/lib");
    assert_int_equal(m[7].type, RP_MOUNT_DIR);
    assert_int_equal(m[7].mode, 0750);
    assert_true(m[7].mode_set);
    assert_true(m[7].owner.group.is_name);
    assert_string_equal(m[7].owner.group.name, "redis");
    assert_int_equal(m[8].type, RP_MOUNT_FILE);
    assert_int_equal(m[8].mode, 0640);
    /* File content is literal: no variable is expanded in it. */
    assert_string_equal(m[8].content, "port 0\ndir ${NODE_DIR}\n");
    assert_int_equal(m[8].content_len, strlen("port 0\ndir ${NODE_DIR}\n"));
    assert_int_equal(m[8].pos.line, 33);

    assert_int_equal(n->n_tmpfs, 2);
    assert_string_equal(n->tmpfs[0].path, "/tmp");
    assert_int_equal(n->tmpfs[0].size, 64u << 20);
    assert_int_equal(n->tmpfs[0].mode, 01777);
    assert_int_equal(n->tmpfs[1].mode, 0750);
    assert_true(n->tmpfs[1].owner.set);

    assert_true(n->cgroup.present);
    assert_string_equal(n->cgroup.parent, "/sys/fs/cgroup/redpak");
    assert_false(n->cgroup.required);
    assert_int_equal(n->cgroup.n_items, 15);
    assert_int_equal(n->cgroup.items[0].kind, RP_CG_CPUSET_CPUS);
    assert_string_equal(n->cgroup.items[0].value, "0-1");
    assert_int_equal(n->cgroup.items[3].kind, RP_CG_CPU_WEIGHT);
    assert_string_equal(n->cgroup.items[3].value, "100");
    assert_int_equal(n->cgroup.items[10].kind, RP_CG_MEMORY_MAX);
    assert_string_equal(n->cgroup.items[10].value, "268435456");
    assert_int_equal(n->cgroup.items[10].pos.line, 56);
    assert_int_equal(n->cgroup.items[10].pos.column, 17);
    assert_string_equal(n->cgroup.items[11].value, "max");

    assert_int_equal(n->caps.mode, RP_CAPS_KEEP);
    assert_int_equal(n->caps.list, (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_CHOWN));
    assert_true(n->caps.ambient_set);
    assert_int_equal(n->caps.ambient, 1ull << CAP_NET_BIND_SERVICE);

    assert_true(n->seccomp.present);
    assert_int_equal(n->seccomp.default_action, RP_SC_KILL_PROCESS);
    assert_int_equal(n->seccomp.default_errno, EACCES);
    assert_int_equal(n->seccomp.base, RP_SC_BASE_NONE);
    assert_int_equal(n->seccomp.n_rules, 4);
    struct rp_seccomp_rule *r = n->seccomp.rules;
    assert_int_equal(r[0].names.n, 2);
    assert_string_equal(r[0].names.v[1], "process_vm_readv");
    assert_int_equal(r[0].action, RP_SC_ERRNO);
    assert_int_equal(r[0].errnum, EPERM);
    assert_int_equal(r[1].action, RP_SC_ALLOW);
    assert_int_equal(r[1].n_args, 1);
    assert_int_equal(r[1].args[0].op, RP_SC_EQ);
    assert_int_equal(r[2].errnum, EACCES); /* the section's default_errno */
    assert_int_equal(r[3].args[0].op, RP_SC_MASKED_EQ);
    assert_int_equal(r[3].args[0].index, 1);
    assert_int_equal(r[3].args[0].value, 0x5400);
    assert_int_equal(r[3].args[0].mask, 0xff00);

    struct rp_process *pr = &n->process;
    assert_int_equal(pr->command.n, 2);
    assert_string_equal(pr->command.v[0], "redis-server");
    assert_false(pr->user.is_name);
    assert_int_equal(pr->user.id, 999);
    assert_true(pr->group.is_name);
    assert_string_equal(pr->group.name, "redis");
    assert_int_equal(pr->n_groups, 2);
    assert_int_equal(pr->groups[0].id, 10);
    assert_string_equal(pr->groups[1].name, "wheel");
    assert_string_equal(pr->cwd, "/data");
    assert_int_equal(pr->umask, 0077);
    assert_false(pr->no_new_privileges);
    assert_false(pr->env_clear);
    assert_int_equal(pr->env_set.n, 3);
    assert_string_equal(pr->env_set.v[1].key, "PATH");
    assert_string_equal(pr->env_set.v[1].value, "/usr/bin:/bin");
    assert_string_equal(pr->env_set.v[2].value, "1");
    assert_int_equal(pr->env_pass.n, 3);
    assert_int_equal(pr->n_rlimits, 4);
    assert_int_equal(pr->rlimits[0].resource, RLIMIT_NOFILE);
    assert_int_equal(pr->rlimits[0].soft, 10032);
    assert_int_equal(pr->rlimits[0].hard, 10032);
    assert_int_equal(pr->rlimits[2].resource, RLIMIT_STACK);
    assert_int_equal(pr->rlimits[2].soft, 99);
    assert_true(pr->rlimits[2].hard == RLIM_INFINITY);
    assert_true(pr->rlimits[3].soft == RLIM_INFINITY);
    assert_false(pr->init);
    assert_int_equal(pr->wait, RP_WAIT_MAIN);
    assert_false(pr->die_with_parent);

    assert_int_equal(n->host_sysctl.n, 1);
    assert_string_equal(n->host_sysctl.v[0].key, "vm.overcommit_memory");
    assert_string_equal(n->host_sysctl.v[0].value, "1");
    rp_node_free(n);
}

static void test_absent_sections_take_the_documented_defaults(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD);
    for (int k = 0; k < RP_NS_COUNT; k++)
        assert_int_equal(n->ns[k].mode, RP_NS_NEW);
    assert_false(n->uid_map.set);
    assert_null(n->hostname);
    assert_false(n->time_offsets_set);
    assert_int_equal(n->root.size, 8u << 20);
    assert_int_equal(n->root.mode, 0755);
    assert_true(n->root.readonly);
    assert_int_equal(n->n_mounts, 0);
    assert_false(n->cgroup.present);
    assert_true(n->cgroup.required);
    assert_int_equal(n->caps.mode, RP_CAPS_UNSET);
    assert_false(n->seccomp.present);
    assert_int_equal(n->seccomp.default_action, RP_SC_ERRNO);
    assert_int_equal(n->seccomp.default_errno, EPERM);
    assert_int_equal(n->seccomp.base, RP_SC_BASE_DEFAULT);
    assert_string_equal(n->process.cwd, "/");
    assert_int_equal(n->process.umask, 0022);
    assert_true(n->process.no_new_privileges);
    assert_true(n->process.env_clear);
    assert_true(n->process.init);
    assert_int_equal(n->process.wait, RP_WAIT_ALL);
    assert_true(n->process.die_with_parent);
    assert_int_equal(n->process.command.n, 0);
    rp_node_free(n);
}

static void test_unknown_key_suggests_closest(void **state)
{
    (void)state;
    expect_error(HEAD "hostnme: box\n", 3, 1, "hostnme",
                 "unknown key 'hostnme'; did you mean "
                 "'hostname'?");
    expect_error(HEAD "zzzzzz: 1\n", 3, 1, "zzzzzz", "unknown key 'zzzzzz'");
    expect_error(HEAD "process:\n  comand: [x]\n", 4, 3, "process.comand",
                 "did you mean 'command'?");
}

static void test_every_problem_is_reported_in_file_order(void **state)
{
    (void)state;
    struct rp_diags d = {0};
    struct rp_node *n = NULL;
    const char *yaml = HEAD "hostname: 5\nroot: {mode: 755}\nprocess: {umask: 22}\n"
                            "tmpfs: [{path: tmp}]\n";
    assert_true(parse_with_sets(yaml, NULL, 0, &n, &d) < 0);
    assert_int_equal(d.n, 4);
    assert_int_equal(d.v[0].line, 3);
    assert_int_equal(d.v[1].line, 4);
    assert_int_equal(d.v[2].line, 5);
    assert_int_equal(d.v[3].line, 6);
    rp_diags_free(&d);
}

static void test_version_is_required_and_must_be_1(void **state)
{
    (void)state;
    expect_error("node: test\n", 1, 1, "version", "required key 'version' is missing");
    expect_error("version: 2\nnode: test\n", 1, 10, "version", "unsupported version 2");
    expect_error("version: \"1\"\nnode: test\n", 1, 10, "version",
                 "expected an int, found a "
                 "string");
}

static void test_node_name_is_required_and_checked(void **state)
{
    (void)state;
    expect_error("version: 1\n", 1, 1, "node", "required key 'node' is missing");
    expect_error("version: 1\nnode: Redis\n", 2, 7, "node", "expected a node name");
    expect_error("version: 1\nnode: 12\n", 2, 7, "node", "expected a string, found an int");
}

static void test_description_must_be_a_string(void **state)
{
    (void)state;
    expect_error(HEAD "description: [a]\n", 3, 14, "description",
                 "expected a string, found a sequence");
}

static void test_namespace_accepts_new_host_or_a_path(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "namespaces: {net: host, ipc: /proc/1/ns/ipc, "
                                      "uts: \"/proc/${UID}/ns//uts\"}\n");
    assert_int_equal(n->ns[RP_NS_NET].mode, RP_NS_HOST);
    assert_int_equal(n->ns[RP_NS_IPC].mode, RP_NS_JOIN);
    assert_string_equal(n->ns[RP_NS_IPC].path, "/proc/1/ns/ipc");
    assert_string_equal(n->ns[RP_NS_UTS].path, "/proc/1000/ns/uts");
    rp_node_free(n);
    expect_error(HEAD "namespaces: {pid: shared}\n", 3, 19, "namespaces.pid",
                 "expected new, host or the absolute path");
    expect_error(HEAD "namespaces: {pid: /proc/../1/ns/pid}\n", 3, 19, "namespaces.pid",
                 "must not contain \"..\"");
    expect_error(HEAD "namespaces: {usr: new}\n", 3, 14, "namespaces.usr", "did you mean 'user'?");
}

static void test_mount_namespace_must_be_new(void **state)
{
    (void)state;
    expect_error(HEAD "namespaces:\n  mount: host\n", 4, 10, "namespaces.mount",
                 "the mount namespace is always new");
    expect_error(HEAD "namespaces:\n  mount: /proc/1/ns/mnt\n", 4, 10, "namespaces.mount",
                 "the mount namespace is always new");
}

static void test_user_namespace_needs_a_new_user_namespace(void **state)
{
    (void)state;
    expect_error(HEAD "namespaces: {user: host}\nuser_namespace:\n  uid_map: []\n", 5, 3,
                 "user_namespace", "user_namespace needs namespaces.user: new (it is host)");
    /* The maps are still checked, so one run shows both problems. */
    assert_int_equal(count_errors(HEAD "namespaces: {user: host}\nuser_namespace:\n"
                                       "  uid_map: [{inside: 0, outside: 0, count: 0}]\n"),
                     2);
}

static void test_id_maps_are_checked_like_the_kernel_does(void **state)
{
    (void)state;
    expect_error(HEAD "user_namespace:\n  uid_map: [{inside: 0, outside: 1000, count: 0}]\n", 4, 47,
                 "user_namespace.uid_map[0].count", "0 is out of range: expected 1 to");
    expect_error(HEAD "user_namespace:\n  uid_map: [{inside: 0, outside: 1000}]\n", 4, 13,
                 "user_namespace.uid_map[0].count", "required key 'count' is missing");
    expect_error(HEAD "user_namespace:\n  gid_map: [{inside: 0, outside: 10, count: 5},\n"
                      "            {inside: 5, outside: 12, count: 1}]\n",
                 5, 13, "user_namespace.gid_map[1]", "overlaps range 0 on the outside side");
    expect_error(HEAD "user_namespace:\n  uid_map: [{inside: 0, outside: 4294967295, count: 2}]\n",
                 4, 13, "user_namespace.uid_map[0]", "goes past id 4294967295");
    expect_error(HEAD "user_namespace:\n  uid_map: [{inside: -1, outside: 0, count: 1}]\n", 4, 22,
                 "user_namespace.uid_map[0].inside", "-1 is out of range");
}

static void test_id_maps_hold_at_most_340_ranges(void **state)
{
    (void)state;
    char *yaml = malloc(64 * 1024);
    strcpy(yaml, HEAD "user_namespace:\n  uid_map:\n");
    for (int i = 0; i < 341; i++)
        sprintf(yaml + strlen(yaml), "    - {inside: %d, outside: %d, count: 1}\n", i, i);
    expect_error(yaml, 5, 5, "user_namespace.uid_map", "341 ranges: the kernel takes at most 340");
    free(yaml);
}

static void test_hostname_needs_a_new_uts_namespace(void **state)
{
    (void)state;
    expect_error(HEAD "namespaces: {uts: host}\nhostname: box\n", 4, 11, "hostname",
                 "hostname needs namespaces.uts: new (it is host)");
    expect_error(HEAD "namespaces: {uts: /proc/1/ns/uts}\ndomainname: lan\n", 4, 13, "domainname",
                 "domainname needs namespaces.uts: new (it is a path)");
    expect_error(HEAD "hostname: \"bad host\"\n", 3, 11, "hostname", "expected 1 to 64");
}

static void test_time_offsets_need_a_new_time_namespace(void **state)
{
    (void)state;
    expect_error(HEAD "namespaces: {time: host}\ntime_offsets: {monotonic: 5}\n", 4, 15,
                 "time_offsets", "time_offsets needs namespaces.time: new");
    expect_error(HEAD "time_offsets: {monotonic: 1.5}\n", 3, 27, "time_offsets.monotonic",
                 "expected an int, found a float");
    expect_error(HEAD "time_offsets: {realtime: 1}\n", 3, 16, "time_offsets.realtime",
                 "unknown key 'realtime'");
}

static void test_sysctl_must_be_namespaced(void **state)
{
    (void)state;
    expect_error(HEAD "sysctl:\n  vm.swappiness: 10\n", 4, 3, "sysctl.vm.swappiness",
                 "not a namespaced sysctl: it would change the host (host.sysctl is the explicit "
                 "opt-in)");
    expect_error(HEAD "sysctl:\n  kernel.hostname: x\n", 4, 3, "sysctl.kernel.hostname",
                 "not a namespaced sysctl");
}

static void test_sysctl_namespace_must_be_new(void **state)
{
    (void)state;
    expect_error(HEAD "namespaces: {net: host}\nsysctl:\n  net.core.somaxconn: 1024\n", 5, 3,
                 "sysctl.net.core.somaxconn", "belongs to the net namespace, which is not new");
    expect_error(HEAD "namespaces: {ipc: host}\nsysctl:\n  fs.mqueue.msg_max: 64\n", 5, 3,
                 "sysctl.fs.mqueue.msg_max", "belongs to the ipc namespace");
}

static void test_sysctl_values_are_int_or_string(void **state)
{
    (void)state;
    expect_error(HEAD "sysctl:\n  net.ipv4.ip_forward: true\n", 4, 24, "sysctl.net.ipv4.ip_forward",
                 "expected an int or a string, found a bool");
    expect_error(HEAD "sysctl:\n  net/../vm: 1\n", 4, 3, "sysctl.net/../vm",
                 "is not a sysctl name");
}

static void test_host_sysctl_takes_the_allow_list_with_int_ranges(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "host:\n  sysctl:\n    vm.swappiness: 10\n"
                                      "    vm.max_map_count: 0x40000\n");
    assert_int_equal(n->host_sysctl.n, 2);
    assert_string_equal(n->host_sysctl.v[0].value, "10");
    assert_string_equal(n->host_sysctl.v[1].value, "262144");
    rp_node_free(n);
    expect_error(HEAD "host:\n  sysctl: {swappiness: 1}\n", 4, 12, "host.sysctl.swappiness",
                 "is not a sysctl name");
    expect_error(HEAD "host:\n  sysctl: {kernel.core_pattern: x}\n", 4, 12,
                 "host.sysctl.kernel.core_pattern", "is not a host sysctl a node may set");
    expect_error(HEAD "host:\n  sysctl: {vm.overcommit_memroy: 1}\n", 4, 12,
                 "host.sysctl.vm.overcommit_memroy", "did you mean 'vm.overcommit_memory'?");
    expect_error(HEAD "host:\n  sysctl: {net.core.somaxconn: 1}\n", 4, 12,
                 "host.sysctl.net.core.somaxconn", "write it under sysctl");
    expect_error(HEAD "host:\n  sysctl: {vm.overcommit_memory: 3}\n", 4, 34,
                 "host.sysctl.vm.overcommit_memory", "expected 0 to 2");
    expect_error(HEAD "host:\n  sysctl: {vm.overcommit_memory: \"1\"}\n", 4, 34,
                 "host.sysctl.vm.overcommit_memory", "expected an int, found a string");
    expect_error(HEAD "host:\n  sysctl: {vm.max_map_count: 65529}\n", 4, 30,
                 "host.sysctl.vm.max_map_count", "expected 65530 to 2147483647");
    expect_error(HEAD "host:\n  sysctls: {}\n", 4, 3, "host.sysctls", "did you mean 'sysctl'?");
}

static void test_enum_names_are_the_formats_words(void **state)
{
    (void)state;
    assert_string_equal(rp_ns_name(RP_NS_USER), "user");
    assert_string_equal(rp_ns_name(RP_NS_MOUNT), "mount");
    assert_string_equal(rp_seccomp_action_name(RP_SC_KILL_PROCESS), "kill_process");
    assert_string_equal(rp_seccomp_action_name(RP_SC_LOG), "log");
    /* Every item name is one the grammar's lookup maps back to its kind. */
    for (int k = 0; k < RP_CG_ITEM_COUNT; k++) {
        enum rp_cgroup_item_kind back;
        assert_true(rp_cgroup_item_lookup(rp_cgroup_item_name((enum rp_cgroup_item_kind)k), &back));
        assert_int_equal(back, k);
    }
    assert_string_equal(rp_cgroup_item_name(RP_CG_MEMORY_SWAP_HIGH), "memory.swap.high");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_document_parses_into_the_model),
        cmocka_unit_test(test_absent_sections_take_the_documented_defaults),
        cmocka_unit_test(test_unknown_key_suggests_closest),
        cmocka_unit_test(test_every_problem_is_reported_in_file_order),
        cmocka_unit_test(test_version_is_required_and_must_be_1),
        cmocka_unit_test(test_node_name_is_required_and_checked),
        cmocka_unit_test(test_description_must_be_a_string),
        cmocka_unit_test(test_namespace_accepts_new_host_or_a_path),
        cmocka_unit_test(test_mount_namespace_must_be_new),
        cmocka_unit_test(test_user_namespace_needs_a_new_user_namespace),
        cmocka_unit_test(test_id_maps_are_checked_like_the_kernel_does),
        cmocka_unit_test(test_id_maps_hold_at_most_340_ranges),
        cmocka_unit_test(test_hostname_needs_a_new_uts_namespace),
        cmocka_unit_test(test_time_offsets_need_a_new_time_namespace),
        cmocka_unit_test(test_sysctl_must_be_namespaced),
        cmocka_unit_test(test_sysctl_namespace_must_be_new),
        cmocka_unit_test(test_sysctl_values_are_int_or_string),
        cmocka_unit_test(test_host_sysctl_takes_the_allow_list_with_int_ranges),
        cmocka_unit_test(test_enum_names_are_the_formats_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
