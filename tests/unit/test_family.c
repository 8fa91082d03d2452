/* SPDX-License-Identifier: Apache-2.0 */
/* Node families (docs/node-format.md, "Families", "Admin policy"): the
 * merge table case by case, every loosening refused with both positions,
 * the chain's errors at the extends line, and the admin policy. Each test
 * writes its files in a fresh folder under /tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "redpak/redpak.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/rp-family-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    chmod(dir, 0755); /* a policy's folder must not be writable by others */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* dir/name, written with text; the path is returned in a static ring. */
static const char *put(const char *name, const char *text)
{
    static char paths[8][256];
    static unsigned next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static const char *path_of(const char *name)
{
    static char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return p;
}

static int parse(const char *file, const char *policy, struct rp_node **node,
                 struct rp_diags *diags)
{
    struct rp_parse_opts o = {.caller_uid = 1000,
                              .caller_gid = 1000,
                              .origins = true,
                              .policy_file = policy,
                              .no_policy = policy == NULL};
    return rp_node_parse_file(file, &o, node, diags);
}

static struct rp_node *ok(const char *file)
{
    struct rp_diags d = {0};
    struct rp_node *n = NULL;
    int rc = parse(file, NULL, &n, &d);
    if (rc)
        rp_diags_print(&d, "diag", stderr);
    assert_int_equal(rc, 0);
    rp_diags_free(&d);
    return n;
}

/* The parse fails with a diagnostic at name:line:col, key, whose message
 * has every fragment given (NULL-terminated). */
static void refused(const char *file, const char *policy, const char *name, unsigned line,
                    unsigned col, const char *key, ...)
{
    struct rp_diags d = {0};
    struct rp_node *n = NULL;
    assert_true(parse(file, policy, &n, &d) < 0);
    assert_null(n);
    char want[256];
    snprintf(want, sizeof(want), "%s/%s", dir, name);
    for (size_t i = 0; i < d.n; i++) {
        const struct rp_diag *g = &d.v[i];
        if (strcmp(g->file, want) || g->line != line || g->column != col ||
            strcmp(g->key_path, key))
            continue;
        va_list ap;
        va_start(ap, key);
        bool all = true;
        for (const char *f; (f = va_arg(ap, const char *));)
            all &= strstr(g->message, f) != NULL;
        va_end(ap);
        if (all) {
            rp_diags_free(&d);
            return;
        }
    }
    fprintf(stderr, "expected %s:%u:%u: %s, found:\n", want, line, col, key);
    rp_diags_print(&d, "diag", stderr);
    fail();
}

#define PARENT_POS(line, col) "parent.yaml:" #line ":" #col

/* A parent every tighten test extends. Lines are counted by the tests. */
static const char *const PARENT = "version: 1\n"                                    /* 1 */
                                  "node: parent\n"                                  /* 2 */
                                  "namespaces: {net: new}\n"                        /* 3 */
                                  "capabilities: {keep: [chown, net_raw]}\n"        /* 4 */
                                  "process: {no_new_privileges: true}\n"            /* 5 */
                                  "mounts:\n"                                       /* 6 */
                                  "  - {type: bind, path: /usr, source: /usr}\n"    /* 7 */
                                  "seccomp:\n"                                      /* 8 */
                                  "  default_action: errno\n"                       /* 9 */
                                  "  syscalls:\n"                                   /* 10 */
                                  "    - {names: [ptrace], action: kill_process}\n" /* 11 */
                                  "cgroup:\n"                                       /* 12 */
                                  "  items:\n"                                      /* 13 */
                                  "    memory.max: 256M\n"                          /* 14 */
                                  "    memory.high: 200M\n"                         /* 15 */
                                  "    memory.swap.max: 0\n"                        /* 16 */
                                  "    pids.max: 128\n"                             /* 17 */
                                  "    cpu.max: \"50000 100000\"\n"                 /* 18 */
                                  "    io.max: \"8:0 rbps=1M\"\n";                  /* 19 */

static const char *child(const char *body)
{
    put("parent.yaml", PARENT);
    char text[2048];
    snprintf(text, sizeof(text), "version: 1\nnode: child\nextends: parent.yaml\n%s", body);
    return put("child.yaml", text);
}

/* ---- the merge table ---- */

static void test_scalars_child_wins(void **s)
{
    (void)s;
    put("p.yaml", "version: 1\nnode: p\nhostname: base\ndescription: from p\n");
    struct rp_node *n = ok(put("c.yaml", "version: 1\nnode: c\nextends: p.yaml\nhostname: mine\n"));
    assert_string_equal(n->name, "c");
    assert_string_equal(n->hostname, "mine");
    assert_string_equal(n->description, "from p");
    rp_node_free(n);
}

static void test_maps_merge_by_key_env_by_name(void **s)
{
    (void)s;
    put("p.yaml",
        "version: 1\nnode: p\nprocess: {env: {set: {A: a, B: b}}, cwd: /tmp}\n"
        "sysctl: {net.core.somaxconn: 100}\n");
    struct rp_node *n = ok(put("c.yaml",
                               "version: 1\nnode: c\nextends: p.yaml\n"
                               "process: {env: {set: {B: c, C: d}}}\n"
                               "sysctl: {net.ipv4.ip_forward: 0}\n"));
    assert_int_equal(n->process.env_set.n, 3);
    assert_string_equal(n->process.env_set.v[0].key, "A");
    assert_string_equal(n->process.env_set.v[1].value, "c");
    assert_string_equal(n->process.env_set.v[2].key, "C");
    assert_string_equal(n->process.cwd, "/tmp");
    assert_int_equal(n->sysctl.n, 2);
    rp_node_free(n);
}

static void test_cgroup_items_merge_by_item(void **s)
{
    (void)s;
    put("p.yaml", "version: 1\nnode: p\ncgroup: {items: {memory.max: 256M, pids.max: 64}}\n");
    struct rp_node *n = ok(
        put("c.yaml", "version: 1\nnode: c\nextends: p.yaml\ncgroup: {items: {pids.max: 32}}\n"));
    assert_int_equal(n->cgroup.n_items, 2);
    assert_string_equal(n->cgroup.items[0].value, "268435456");
    assert_string_equal(n->cgroup.items[1].value, "32");
    rp_node_free(n);
}

static void test_mounts_same_path_replaced_whole_in_place(void **s)
{
    (void)s;
    put("p.yaml",
        "version: 1\nnode: p\nmounts:\n"
        "  - {type: bind, path: /usr, source: /usr, optional: true}\n"
        "  - {type: proc, path: /proc}\n");
    struct rp_node *n = ok(put("c.yaml",
                               "version: 1\nnode: c\nextends: p.yaml\nmounts:\n"
                               "  - {type: dir, path: /var}\n"
                               "  - {type: bind, path: /usr/, source: /usr}\n"));
    assert_int_equal(n->n_mounts, 3);
    assert_string_equal(n->mounts[0].path, "/usr");
    assert_false(n->mounts[0].optional); /* whole: the parent's optional is gone */
    assert_int_equal(n->mounts[0].pos.line, 6);
    assert_int_equal(n->mounts[1].type, RP_MOUNT_PROC);
    assert_string_equal(n->mounts[2].path, "/var");
    rp_node_free(n);
}

static void test_mounts_remove_drops_inherited(void **s)
{
    (void)s;
    put("p.yaml",
        "version: 1\nnode: p\nmounts: [{type: proc, path: /proc}, {type: dev, path: /dev}]\n"
        "tmpfs: [{path: /tmp}, {path: /run}]\n");
    struct rp_node *n = ok(put("c.yaml",
                               "version: 1\nnode: c\nextends: p.yaml\n"
                               "mounts: [{path: /proc, remove: true}]\n"
                               "tmpfs: [{path: /run, remove: true}, {path: /tmp, size: 1M}]\n"));
    assert_int_equal(n->n_mounts, 1);
    assert_int_equal(n->mounts[0].type, RP_MOUNT_DEV);
    assert_int_equal(n->n_tmpfs, 1);
    assert_int_equal(n->tmpfs[0].size, 1 << 20);
    rp_node_free(n);
}

static void test_remove_of_nothing_is_an_error(void **s)
{
    (void)s;
    put("p.yaml", "version: 1\nnode: p\n");
    refused(put("c.yaml",
                "version: 1\nnode: c\nextends: p.yaml\nmounts: [{path: /x, remove: true}]\n"),
            NULL, "c.yaml", 4, 29, "mounts", "no inherited entry at path '/x'", NULL);
}

static void test_seccomp_rules_append_child_wins_per_syscall(void **s)
{
    (void)s;
    put("p.yaml",
        "version: 1\nnode: p\nseccomp:\n  default_action: allow\n  syscalls:\n"
        "    - {names: [ptrace, personality], action: errno}\n"
        "    - {names: [kexec_load], action: errno}\n");
    struct rp_node *n = ok(put("c.yaml",
                               "version: 1\nnode: c\nextends: p.yaml\nseccomp:\n"
                               "  syscalls: [{names: [ptrace], action: kill_process}]\n"));
    assert_int_equal(n->seccomp.n_rules, 3);
    assert_int_equal(n->seccomp.rules[0].names.n, 1);
    assert_string_equal(n->seccomp.rules[0].names.v[0], "personality");
    assert_string_equal(n->seccomp.rules[1].names.v[0], "kexec_load");
    assert_int_equal(n->seccomp.rules[2].action, RP_SC_KILL_PROCESS);
    assert_int_equal(n->seccomp.default_action, RP_SC_ALLOW);
    rp_node_free(n);
}

static void test_capabilities_keep_or_drop_is_one_choice(void **s)
{
    (void)s;
    put("p.yaml", "version: 1\nnode: p\ncapabilities: {drop: [sys_admin]}\n");
    struct rp_node *n = ok(put("c.yaml",
                               "version: 1\nnode: c\nextends: p.yaml\n"
                               "capabilities: {keep: [chown]}\n"));
    assert_int_equal(n->caps.mode, RP_CAPS_KEEP);
    rp_node_free(n);
}

static void test_lists_child_wins_whole(void **s)
{
    (void)s;
    put("p.yaml", "version: 1\nnode: p\nprocess: {command: [/bin/a, x, y]}\n");
    struct rp_node *n =
        ok(put("c.yaml", "version: 1\nnode: c\nextends: p.yaml\nprocess: {command: [/bin/b]}\n"));
    assert_int_equal(n->process.command.n, 1);
    assert_string_equal(n->process.command.v[0], "/bin/b");
    rp_node_free(n);
}

static void test_node_dir_is_the_writing_files_folder(void **s)
{
    (void)s;
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/base", dir);
    mkdir(sub, 0755);
    put("base/p.yaml",
        "version: 1\nnode: p\nmounts: [{type: bind, path: /a, source: \"${NODE_DIR}/a\"}]\n");
    struct rp_node *n = ok(put("c.yaml",
                               "version: 1\nnode: c\nextends: base/p.yaml\n"
                               "mounts: [{type: bind, path: /b, source: \"${NODE_DIR}/b\"}]\n"));
    char want[160];
    snprintf(want, sizeof(want), "%s/base/a", dir);
    assert_string_equal(n->mounts[0].source, want);
    snprintf(want, sizeof(want), "%s/b", dir);
    assert_string_equal(n->mounts[1].source, want);
    rp_node_free(n);
}

static void test_parent_by_name_in_node_path(void **s)
{
    (void)s;
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/nodes/platform", dir);
    mkdir(path_of("nodes"), 0755);
    mkdir(sub, 0755);
    put("nodes/platform/node.yaml", "version: 1\nnode: platform\nhostname: plat\n");
    char np[200];
    snprintf(np, sizeof(np), "/nonexistent:%s/nodes", dir);
    setenv("REDPAK_NODE_PATH", np, 1);
    struct rp_node *n = ok(put("c.yaml", "version: 1\nnode: c\nextends: platform\n"));
    unsetenv("REDPAK_NODE_PATH");
    assert_string_equal(n->hostname, "plat");
    const char *const *files;
    assert_int_equal(rp_node_family_files(n, &files, NULL), 2);
    rp_node_free(n);
}

static void test_set_applies_to_the_merged_node(void **s)
{
    (void)s;
    put("p.yaml", "version: 1\nnode: p\nhostname: a\n");
    const char *c = put("c.yaml", "version: 1\nnode: c\nextends: p.yaml\n");
    const char *sets[] = {"hostname=b"};
    struct rp_parse_opts o = {.no_policy = true, .sets = sets, .n_sets = 1};
    struct rp_diags d = {0};
    struct rp_node *n = NULL;
    assert_int_equal(rp_node_parse_file(c, &o, &n, &d), 0);
    assert_string_equal(n->hostname, "b");
    rp_node_free(n);
}

static void test_origins_name_the_writing_file(void **s)
{
    (void)s;
    put("p.yaml", "version: 1\nnode: p\nhostname: a\n");
    struct rp_node *n = ok(put("c.yaml", "version: 1\nnode: c\nextends: p.yaml\n"));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rp_node_print_origins(n, false, f);
    fclose(f);
    char want[160];
    snprintf(want, sizeof(want), "hostname = a  # %s/p.yaml:3:11\n", dir);
    assert_non_null(strstr(buf, want));
    free(buf);
    rp_node_free(n);
}

/* ---- the chain's errors ---- */

static void test_cycle_names_the_chain(void **s)
{
    (void)s;
    put("b.yaml", "version: 1\nnode: b\nextends: a.yaml\n");
    refused(put("a.yaml", "version: 1\nnode: a\nextends: b.yaml\n"), NULL, "b.yaml", 3, 10,
            "extends", "cycle", "a.yaml -> ", "b.yaml -> ", NULL);
}

static void test_missing_parent(void **s)
{
    (void)s;
    refused(put("a.yaml", "version: 1\nnode: a\nextends: gone.yaml\n"), NULL, "a.yaml", 3, 10,
            "extends", "parent 'gone.yaml' not found", NULL);
}

static void test_other_version(void **s)
{
    (void)s;
    put("p.yaml", "version: 2\nnode: p\n");
    refused(put("a.yaml", "version: 1\nnode: a\nextends: p.yaml\n"), NULL, "a.yaml", 3, 10,
            "extends", "version 2", NULL);
}

static void test_deep_chain_stops_at_16_quickly(void **s)
{
    (void)s;
    char name[32], text[128];
    for (int i = 1; i <= 1000; i++) {
        snprintf(name, sizeof(name), "d%d.yaml", i);
        snprintf(text, sizeof(text), "version: 1\nnode: d%d\nextends: d%d.yaml\n", i, i + 1);
        put(name, text);
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    refused(path_of("d1.yaml"), NULL, "d16.yaml", 3, 10, "extends", "at most 16", NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    assert_true(ms < 50);
}

/* ---- security only tightens: each refusal at the child, naming the parent ---- */

static void test_tighten_accepts_tighter(void **s)
{
    (void)s;
    rp_node_free(
        ok(child("capabilities: {keep: [chown]}\n"
                 "cgroup: {items: {memory.max: 128M, pids.max: 64, cpu.max: \"10000 100000\","
                 " io.max: \"8:0 rbps=512K wbps=1M\"}}\n"
                 "seccomp: {default_action: kill_process}\n")));
}

static void test_namespace_host_under_new(void **s)
{
    (void)s;
    refused(child("namespaces: {net: host}\n"), NULL, "child.yaml", 4, 19, "namespaces.net",
            "'host' loosens", PARENT_POS(3, 19), NULL);
}

static void test_keep_a_capability_the_parent_leaves_out(void **s)
{
    (void)s;
    refused(child("capabilities: {keep: [chown, sys_admin]}\n"), NULL, "child.yaml", 4, 22,
            "capabilities", "keeps sys_admin", PARENT_POS(4, 22), NULL);
}

static void test_drop_keeps_what_the_parent_dropped(void **s)
{
    (void)s;
    put("p.yaml", "version: 1\nnode: p\ncapabilities: {drop: [sys_admin]}\n");
    refused(put("c.yaml", "version: 1\nnode: c\nextends: p.yaml\ncapabilities: {drop: [chown]}\n"),
            NULL, "c.yaml", 4, 22, "capabilities", "keeps sys_admin, which the parent drops",
            "p.yaml:3:22", NULL);
}

static void test_no_new_privileges_off(void **s)
{
    (void)s;
    refused(child("process: {no_new_privileges: false}\n"), NULL, "child.yaml", 4, 30,
            "process.no_new_privileges", "turns off", PARENT_POS(5, 30), NULL);
}

static void test_read_only_mount_made_writable(void **s)
{
    (void)s;
    refused(child("mounts: [{type: bind, path: /usr, source: /usr, readonly: false}]\n"), NULL,
            "child.yaml", 4, 10, "mounts", "writable where the parent mounted it read-only",
            PARENT_POS(7, 5), NULL);
}

static void test_remove_then_writable_is_refused(void **s)
{
    (void)s;
    refused(child("mounts:\n"
                  "  - {path: /usr, remove: true}\n"
                  "  - {type: bind, path: /usr, source: /usr, readonly: false}\n"),
            NULL, "child.yaml", 6, 5, "mounts", "writable where the parent mounted it read-only",
            PARENT_POS(7, 5), NULL);
}

static void test_writable_bind_below_read_only(void **s)
{
    (void)s;
    refused(child("mounts: [{type: bind, path: /usr/local/w, source: /tmp, readonly: false}]\n"),
            NULL, "child.yaml", 4, 10, "mounts", "below the parent's read-only '/usr'",
            PARENT_POS(7, 5), NULL);
}

static void test_writable_root_under_read_only(void **s)
{
    (void)s;
    put("p.yaml", "version: 1\nnode: p\nroot: {size: 1M}\n");
    refused(put("c.yaml", "version: 1\nnode: c\nextends: p.yaml\nroot: {readonly: false}\n"), NULL,
            "c.yaml", 4, 7, "root.readonly", "writable root", "p.yaml:3:7", NULL);
}

static void test_seccomp_weaker_default_action(void **s)
{
    (void)s;
    refused(child("seccomp: {default_action: log}\n"), NULL, "child.yaml", 4, 10,
            "seccomp.default_action", "'log' is less strict than the parent's 'errno'",
            PARENT_POS(9, 3), NULL);
}

static void test_seccomp_base_none_under_default(void **s)
{
    (void)s;
    refused(child("seccomp: {base: none}\n"), NULL, "child.yaml", 4, 10, "seccomp.base",
            "'none' drops the base profile", PARENT_POS(9, 3), NULL);
}

static void test_seccomp_allow_a_refused_syscall(void **s)
{
    (void)s;
    /* ptrace: the parent's rule is replaced by the merge (the child's wins
     * per syscall), yet the parent refused it: refused at the child's name. */
    refused(child("seccomp: {syscalls: [{names: [ptrace], action: allow}]}\n"), NULL, "child.yaml",
            4, 31, "seccomp.syscalls[0]", "'ptrace' is allowed where the parent refuses it",
            PARENT_POS(11, 7), NULL);
    /* mount: refused by the parent's default action. */
    refused(child("seccomp: {syscalls: [{names: [mount], action: allow}]}\n"), NULL, "child.yaml",
            4, 31, "seccomp.syscalls[1]", "'mount' is allowed", PARENT_POS(9, 3), NULL);
}

static void test_cgroup_limits_raised(void **s)
{
    (void)s;
    static const struct {
        const char *body, *key, *parent;
        unsigned col;
    } cases[] = {
        {"cgroup: {items: {memory.max: 1G}}\n", "cgroup.items.memory.max", PARENT_POS(14, 17), 30},
        {"cgroup: {items: {memory.high: max}}\n", "cgroup.items.memory.high", PARENT_POS(15, 18),
         31},
        {"cgroup: {items: {memory.swap.max: 1M}}\n", "cgroup.items.memory.swap.max",
         PARENT_POS(16, 22), 35},
        {"cgroup: {items: {pids.max: 129}}\n", "cgroup.items.pids.max", PARENT_POS(17, 15), 28},
        {"cgroup: {items: {cpu.max: \"60000 100000\"}}\n", "cgroup.items.cpu.max",
         PARENT_POS(18, 14), 27},
        {"cgroup: {items: {io.max: \"8:0 rbps=2M\"}}\n", "cgroup.items.io.max", PARENT_POS(19, 13),
         26},
        {"cgroup: {items: {io.max: \"8:0 wbps=1M\"}}\n", "cgroup.items.io.max", PARENT_POS(19, 13),
         26},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        refused(child(cases[i].body), NULL, "child.yaml", 4, cases[i].col, cases[i].key, "above",
                cases[i].parent, NULL);
}

static void test_cgroup_required_dropped(void **s)
{
    (void)s;
    refused(child("cgroup: {required: false}\n"), NULL, "child.yaml", 4, 9, "cgroup.required",
            "drops the parent's required cgroup", NULL);
}

/* ---- the admin policy ---- */

static const char *policy(const char *text)
{
    const char *p = put("policy.yaml", text);
    chmod(p, 0644);
    return p;
}

static bool as_root(void)
{
    return geteuid() == 0; /* a policy must be root's: only root can write one */
}

static void test_policy_forbids_host_network_at_its_line(void **s)
{
    (void)s;
    if (!as_root())
        skip();
    const char *pol = policy("version: 1\npolicy:\n  forbid: {namespaces.net: host}\n");
    const char *n = put("n.yaml", "version: 1\nnode: n\nnamespaces: {net: host}\n");
    refused(n, pol, "policy.yaml", 3, 12, "policy.forbid.namespaces.net", "node n", "n.yaml:3:19",
            "forbids", NULL);
}

static void test_policy_values_are_inherited_and_tighten_only(void **s)
{
    (void)s;
    if (!as_root())
        skip();
    const char *pol = policy("version: 1\nprocess: {no_new_privileges: true}\n");
    const char *n = put("n.yaml", "version: 1\nnode: n\nprocess: {no_new_privileges: false}\n");
    refused(n, pol, "n.yaml", 3, 30, "process.no_new_privileges", "policy.yaml:2:30", NULL);
}

static void test_policy_writable_by_others_refused(void **s)
{
    (void)s;
    const char *pol = put("policy.yaml", "version: 1\n");
    chmod(pol, 0666);
    refused(put("n.yaml", "version: 1\nnode: n\n"), pol, "policy.yaml", 1, 1, "",
            "owned by root and writable by no one else", NULL);
}

static void test_policy_contradicting_itself(void **s)
{
    (void)s;
    if (!as_root())
        skip();
    const char *pol = policy("version: 1\npolicy:\n  forbid: {seccomp.base: none}\n"
                             "  require: {seccomp.base: none}\n");
    refused(put("n.yaml", "version: 1\nnode: n\n"), pol, "policy.yaml", 4, 27,
            "policy.require.seccomp.base", "require 'default'", NULL);
    pol = policy("version: 1\nnamespaces: {net: host}\npolicy: {forbid: {namespaces.net: host}}\n");
    refused(put("n.yaml", "version: 1\nnode: n\n"), pol, "policy.yaml", 3, 19,
            "policy.forbid.namespaces.net", "contradicts itself", NULL);
}

static void test_policy_requires_and_allowed_sources(void **s)
{
    (void)s;
    if (!as_root())
        skip();
    const char *pol = policy("version: 1\npolicy:\n  require: [cgroup.items.memory.max]\n"
                             "  allowed_sources: [/srv]\n");
    refused(put("n.yaml", "version: 1\nnode: n\n"), pol, "policy.yaml", 3, 13,
            "policy.require.cgroup.items.memory.max", "sets no memory.max", NULL);
    refused(put("n.yaml",
                "version: 1\nnode: n\ncgroup: {items: {memory.max: 1G}}\n"
                "mounts: [{type: bind, path: /x, source: /etc}]\n"),
            pol, "policy.yaml", 4, 3, "policy.allowed_sources", "binds '/etc'", NULL);
    struct rp_diags d = {0};
    struct rp_node *n = NULL;
    assert_int_equal(parse(put("n.yaml",
                               "version: 1\nnode: n\ncgroup: {items: {memory.max: 1G}}\n"
                               "mounts: [{type: bind, path: /x, source: /srv/x}]\n"),
                           pol, &n, &d),
                     0);
    rp_node_free(n);
}

/* ---- the sections tighten_more.c compares ---- */

static const char *pc(const char *parent_body, const char *child_body)
{
    char text[1024];
    snprintf(text, sizeof(text), "version: 1\nnode: p\n%s", parent_body);
    put("p.yaml", text);
    snprintf(text, sizeof(text), "version: 1\nnode: c\nextends: p.yaml\n%s", child_body);
    return put("c.yaml", text);
}

static void test_network_mode_none_to_pasta(void **s)
{
    (void)s;
    refused(pc("network: {mode: none}\n", "network: {mode: pasta}\n"), NULL, "c.yaml", 4, 17,
            "network.mode", "'pasta' loosens the parent's network mode 'none'", "p.yaml:3:17",
            NULL);
    refused(pc("network: {mode: pasta}\n",
               "network: {mode: veth, address: 10.0.0.2/24, host_address: 10.0.0.1/24}\n"),
            NULL, "c.yaml", 4, 17, "network.mode", "'veth' loosens", "p.yaml:3:17", NULL);
    /* none is tighter; the same mode is kept */
    rp_node_free(ok(pc("network: {mode: pasta}\n", "network: {mode: none}\n")));
    /* a parent that wrote no network section binds nobody */
    rp_node_free(ok(pc("hostname: p\n", "network: {mode: pasta}\n")));
}

static void test_network_ports_and_bridge_added(void **s)
{
    (void)s;
    const char *parent =
        "network: {mode: pasta, ports: [{host: \"127.0.0.1:6380\", node: 6379}]}\n";
    refused(pc(parent, "network: {ports: [{host: \"0.0.0.0:6380\", node: 6379}]}\n"), NULL,
            "c.yaml", 4, 19, "network.ports", "publishes 0.0.0.0:6380", "p.yaml:3:10", NULL);
    rp_node_free(ok(pc(parent, "network: {ports: []}\n")));
    refused(pc("network: {mode: veth, address: 10.0.0.2/24, bridge: br0}\n",
               "network: {bridge: br1}\n"),
            NULL, "c.yaml", 4, 19, "network.bridge", "joins bridge 'br1'", "p.yaml:3:53", NULL);
}

static void test_user_namespace_identity_or_wider_maps(void **s)
{
    (void)s;
    refused(pc("namespaces: {user: new}\n", "user_namespace: identity\n"), NULL, "c.yaml", 4, 17,
            "user_namespace", "'identity' maps host ids", "p.yaml:3:20", NULL);
    const char *maps = "user_namespace:\n"
                       "  uid_map: [{inside: 0, outside: 100000, count: 1000}]\n"
                       "  gid_map: [{inside: 0, outside: 100000, count: 1000}]\n";
    refused(pc(maps, "user_namespace: {uid_map: [{inside: 0, outside: 100000, count: 2000}]}\n"),
            NULL, "c.yaml", 4, 28, "user_namespace.uid_map", "outside the parent's map",
            "p.yaml:4:13", NULL);
    refused(pc(maps, "user_namespace: identity\n"), NULL, "c.yaml", 4, 17, "user_namespace",
            "has its own maps", "p.yaml:4:3", NULL);
    rp_node_free(
        ok(pc(maps, "user_namespace: {uid_map: [{inside: 0, outside: 100000, count: 10}]}\n")));
}

static void test_host_sysctl_added(void **s)
{
    (void)s;
    refused(pc("host: {sysctl: {vm.overcommit_memory: 1}}\n",
               "host: {sysctl: {vm.swappiness: 10}}\n"),
            NULL, "c.yaml", 4, 32, "host.sysctl", "'vm.swappiness' is a host sysctl the parent",
            "p.yaml:3:39", NULL);
    rp_node_free(ok(pc("host: {sysctl: {vm.overcommit_memory: 1}}\n",
                       "host: {sysctl: {vm.overcommit_memory: 2}}\n")));
}

static void test_tmpfs_grown_or_dropped(void **s)
{
    (void)s;
    const char *parent = "tmpfs: [{path: /tmp, size: 16M}]\n";
    refused(pc(parent, "tmpfs: [{path: /tmp, size: 32M}]\n"), NULL, "c.yaml", 4, 9, "tmpfs",
            "larger than the parent's 16777216", "p.yaml:3:9", NULL);
    refused(pc(parent, "tmpfs: [{path: /tmp}]\n"), NULL, "c.yaml", 4, 9, "tmpfs",
            "without a size (half of RAM)", "p.yaml:3:9", NULL);
    /* dropped: what it hid of the parent's bind shows again */
    refused(pc("mounts: [{type: bind, path: /srv, source: /srv}]\n"
               "tmpfs: [{path: /srv/secret}]\n",
               "tmpfs: [{path: /srv/secret, remove: true}]\n"),
            NULL, "c.yaml", 4, 9, "tmpfs", "drops the parent's tmpfs at '/srv/secret'",
            "p.yaml:4:9", NULL);
    rp_node_free(ok(pc(parent, "tmpfs: [{path: /tmp, size: 8M}]\n")));
}

static void test_process_keys_loosened(void **s)
{
    (void)s;
    refused(pc("process: {user: 1000}\n", "process: {user: 0}\n"), NULL, "c.yaml", 4, 17,
            "process.user", "root where the parent runs as a user", "p.yaml:3:17", NULL);
    refused(pc("process: {user: 1000, group: 1000}\n", "process: {user: root, group: 0}\n"), NULL,
            "c.yaml", 4, 17, "process.user", "root", "p.yaml:3:17", NULL);
    refused(pc("process: {umask: \"0077\"}\n", "process: {umask: \"0022\"}\n"), NULL, "c.yaml", 4,
            18, "process.umask", "0022 lets new files keep bits the parent's 0077 clears",
            "p.yaml:3:18", NULL);
    refused(pc("process: {rlimits: {nofile: 1024}}\n", "process: {rlimits: {nofile: 4096}}\n"),
            NULL, "c.yaml", 4, 29, "process.rlimits.nofile", "raises the parent's limit",
            "p.yaml:3:29", NULL);
    rp_node_free(ok(pc("process: {user: 1000, umask: \"0022\", rlimits: {nofile: 1024}}\n",
                       "process: {user: 1001, umask: \"0077\", rlimits: {nofile: 512}}\n")));
    /* the namespaced sysctls are the node's own: any file may change them */
    rp_node_free(
        ok(pc("sysctl: {net.ipv4.ip_forward: 0}\n", "sysctl: {net.ipv4.ip_forward: 1}\n")));
}

static void test_seccomp_base_default_in_allow_checks(void **s)
{
    (void)s;
    /* read: the parent's base profile allows it, so may the child */
    rp_node_free(ok(child("seccomp: {syscalls: [{names: [read], action: allow}]}\n")));
    /* clone: the base allows it without namespace flags only */
    refused(child("seccomp: {syscalls: [{names: [clone], action: allow}]}\n"), NULL, "child.yaml",
            4, 31, "seccomp.syscalls[1]", "'clone' is allowed where the parent refuses it",
            "for some arguments only", PARENT_POS(9, 3), NULL);
    /* clone3: refused by the base's own rule even under a default allow */
    refused(pc("seccomp: {default_action: allow}\n",
               "seccomp: {syscalls: [{names: [clone3], action: allow}]}\n"),
            NULL, "c.yaml", 4, 31, "seccomp.syscalls[0]", "'clone3' is allowed",
            "its base profile 'default' refuses it", "p.yaml:3:10", NULL);
}

static void test_policy_forbids_network_host_sysctl_identity(void **s)
{
    (void)s;
    if (!as_root())
        skip();
    const char *pol = policy("version: 1\npolicy:\n  forbid:\n"
                             "    network.mode: pasta|veth\n" /* 4 */
                             "    host.sysctl: set\n"         /* 5 */
                             "    user_namespace: identity\n" /* 6 */
                             "    network.ports: set\n");     /* 7 */
    refused(put("n.yaml", "version: 1\nnode: n\nnetwork: {mode: pasta}\n"), pol, "policy.yaml", 4,
            5, "policy.forbid.network.mode", "node n: network.mode is 'pasta' (", "n.yaml:3:17",
            "forbids pasta|veth", NULL);
    refused(put("n.yaml", "version: 1\nnode: n\nhost: {sysctl: {vm.swappiness: 10}}\n"), pol,
            "policy.yaml", 5, 5, "policy.forbid.host.sysctl", "the host sysctl vm.swappiness",
            "n.yaml:3:32", NULL);
    refused(put("n.yaml", "version: 1\nnode: n\nuser_namespace: identity\n"), pol, "policy.yaml", 6,
            5, "policy.forbid.user_namespace", "n.yaml:3:17", NULL);
    refused(put("n.yaml",
                "version: 1\nnode: n\nnetwork: {mode: pasta, ports: [{host: \"127.0.0.1:80\", "
                "node: 80}]}\n"),
            pol, "policy.yaml", 7, 5, "policy.forbid.network.ports", "publishes 127.0.0.1:80",
            NULL);
    struct rp_diags d = {0};
    struct rp_node *n = NULL;
    assert_int_equal(parse(put("n.yaml", "version: 1\nnode: n\nnetwork: {mode: none}\n"), pol, &n,
                           &d),
                     0);
    rp_node_free(n);
    /* an unknown mode is an error at the rule */
    pol = policy("version: 1\npolicy: {forbid: {network.mode: host}}\n");
    refused(put("n.yaml", "version: 1\nnode: n\n"), pol, "policy.yaml", 2, 33,
            "policy.forbid.network.mode", "forbid 'pasta', 'veth' or 'pasta|veth'", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scalars_child_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_maps_merge_by_key_env_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cgroup_items_merge_by_item, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mounts_same_path_replaced_whole_in_place, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mounts_remove_drops_inherited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_of_nothing_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seccomp_rules_append_child_wins_per_syscall, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_capabilities_keep_or_drop_is_one_choice, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lists_child_wins_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_dir_is_the_writing_files_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parent_by_name_in_node_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_applies_to_the_merged_node, setup, teardown),
        cmocka_unit_test_setup_teardown(test_origins_name_the_writing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cycle_names_the_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_chain_stops_at_16_quickly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tighten_accepts_tighter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_namespace_host_under_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_a_capability_the_parent_leaves_out, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_drop_keeps_what_the_parent_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_new_privileges_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_mount_made_writable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writable_bind_below_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_then_writable_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writable_root_under_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seccomp_weaker_default_action, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seccomp_base_none_under_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seccomp_allow_a_refused_syscall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cgroup_limits_raised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cgroup_required_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_forbids_host_network_at_its_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_policy_values_are_inherited_and_tighten_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_policy_writable_by_others_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_contradicting_itself, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_requires_and_allowed_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_network_mode_none_to_pasta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_network_ports_and_bridge_added, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_namespace_identity_or_wider_maps, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_host_sysctl_added, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tmpfs_grown_or_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_process_keys_loosened, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seccomp_base_default_in_allow_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_forbids_network_host_sysctl_identity, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
