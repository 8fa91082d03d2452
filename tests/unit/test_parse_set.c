/* SPDX-License-Identifier: Apache-2.0 */
/* --set KEY=VALUE: one scalar replaced or added before validation, checked
 * exactly like the file's own values, its errors at "--set:N:COL". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "parse_helpers.h"

#define SETS(...)                                                                                  \
    (const char *const[]){__VA_ARGS__},                                                            \
        sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)

static const char cgroup_node[] = HEAD "cgroup:\n  items:\n    memory.max: 256M\n";

static void test_set_overrides_cgroup_item_and_is_validated(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok_sets(cgroup_node, SETS("cgroup.items.memory.max=512M"));
    assert_int_equal(n->cgroup.n_items, 1);
    assert_string_equal(n->cgroup.items[0].value, "536870912");
    assert_string_equal(n->cgroup.items[0].pos.file, "--set");
    assert_int_equal(n->cgroup.items[0].pos.line, 1);
    assert_int_equal(n->cgroup.items[0].pos.column, 25);
    rp_node_free(n);
    expect_error_sets(cgroup_node, SETS("cgroup.items.memory.max=lots"), "--set", 1, 25,
                      "cgroup.items.memory.max", "expected a size");
}

static void test_set_adds_keys_and_sections_that_are_absent(void **state)
{
    (void)state;
    struct rp_node *n =
        parse_ok_sets(HEAD "process:\n",
                      SETS("process.user=999", "cgroup.items.pids.max=64", "hostname=box"));
    assert_int_equal(n->process.user.id, 999);
    assert_int_equal(n->cgroup.n_items, 1);
    assert_string_equal(n->cgroup.items[0].value, "64");
    assert_true(n->cgroup.present);
    assert_string_equal(n->hostname, "box");
    rp_node_free(n);
}

static void test_set_value_is_one_yaml_scalar(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok_sets(HEAD,
                                      SETS("root.readonly=false", "root.mode=\"0750\"",
                                           "description='a: b'", "process.umask='077'"));
    assert_false(n->root.readonly); /* false is a bool, as in the file */
    assert_int_equal(n->root.mode, 0750);
    assert_string_equal(n->description, "a: b");
    assert_int_equal(n->process.umask, 077);
    rp_node_free(n);
    expect_error_sets(HEAD, SETS("root.mode=0755"), "--set", 1, 11, "root.mode",
                      "modes are octal strings: write \"0755\"");
    expect_error_sets(HEAD, SETS("root.size=[1]"), "--set", 1, 11, "root.size",
                      "VALUE must be one scalar");
    expect_error_sets(HEAD, SETS("description=\"open"), "--set", 1, 18, "description",
                      "invalid YAML");
}

static void test_set_errors_number_each_set(void **state)
{
    (void)state;
    struct rp_diags d = {0};
    struct rp_node *n = NULL;
    const char *const sets[] = {"root.size=1M", "root.readonly=maybe"};
    assert_true(parse_with_sets(HEAD "hostname: 5\n", sets, 2, &n, &d) < 0);
    assert_int_equal(d.n, 2);
    /* The file's problems first, then the overrides'. */
    expect_diag_in(&d, TEST_FILE, 3, 11, "hostname", "expected a string");
    assert_string_equal(d.v[1].file, "--set");
    assert_int_equal(d.v[1].line, 2);
    assert_int_equal(d.v[1].column, 15);
    assert_string_equal(d.v[1].key_path, "root.readonly");
    rp_diags_free(&d);
}

static void test_set_unknown_key_points_at_the_key(void **state)
{
    (void)state;
    expect_error_sets(HEAD, SETS("root.sise=1M"), "--set", 1, 6, "root.sise",
                      "unknown key 'sise'; did you mean 'size'?");
}

static void test_set_keys_with_dots_after_map_prefixes(void **state)
{
    (void)state;
    struct rp_node *n =
        parse_ok_sets(HEAD,
                      SETS("sysctl.net.core.somaxconn=512", "host.sysctl.vm.swappiness=10",
                           "process.env.set.LANG=C.UTF-8", "process.rlimits.nofile=unlimited"));
    assert_string_equal(n->sysctl.v[0].key, "net.core.somaxconn");
    assert_string_equal(n->sysctl.v[0].value, "512");
    assert_string_equal(n->host_sysctl.v[0].key, "vm.swappiness");
    assert_string_equal(n->process.env_set.v[0].value, "C.UTF-8");
    assert_int_equal(n->process.n_rlimits, 1);
    rp_node_free(n);
    expect_error_sets(HEAD, SETS("sysctl.vm.swappiness=1"), "--set", 1, 8, "sysctl.vm.swappiness",
                      "not a namespaced sysctl");
}

static void test_set_indexes_sequences(void **state)
{
    (void)state;
    const char *yaml = HEAD "mounts:\n  - {type: bind, path: /usr, source: /usr}\n";
    struct rp_node *n = parse_ok_sets(yaml,
                                      SETS("mounts[0].readonly=false", "mounts[1].type=proc",
                                           "mounts[1].path=/proc"));
    assert_false(n->mounts[0].readonly);
    assert_int_equal(n->n_mounts, 2);
    assert_int_equal(n->mounts[1].type, RP_MOUNT_PROC);
    rp_node_free(n);
    /* [1] appends a mapping; validation then finds it incomplete. */
    expect_error_sets(yaml, SETS("mounts[1].type=proc"), "--set", 1, 7, "mounts[1].path",
                      "required key 'path' is missing");
    expect_error_sets(yaml, SETS("mounts[3].path=/x"), "--set", 1, 7, "mounts[3]",
                      "'mounts' has 1 elements: [1] adds one, [3] is past the end");
}

static void test_set_key_syntax_errors_point_into_the_argument(void **state)
{
    (void)state;
    expect_error_sets(HEAD, SETS("novalue"), "--set", 1, 1, "", "expected KEY=VALUE");
    expect_error_sets(HEAD, SETS("=1"), "--set", 1, 1, "", "expected KEY=VALUE");
    expect_error_sets(HEAD, SETS("root..size=1"), "--set", 1, 6, "root.", "an empty key");
    expect_error_sets(HEAD, SETS("mounts[x].path=/a"), "--set", 1, 7, "mounts",
                      "expected an index like [0]");
    expect_error_sets(HEAD, SETS("root.=1"), "--set", 1, 5, "root.", "KEY ends with '.'");
    expect_error_sets(HEAD "hostname: box\n", SETS("hostname.x=1"), "--set", 1, 10, "hostname.x",
                      "'hostname' is a string, not a mapping");
    expect_error_sets(HEAD "root: {size: 1M}\n", SETS("root[0]=1"), "--set", 1, 5, "root[0]",
                      "'root' is a mapping, not a sequence");
    /* An absent key takes the kind the path needs, and validation judges it. */
    expect_error_sets(HEAD, SETS("root[0]=1"), "--set", 1, 1, "root",
                      "expected a mapping, found a sequence");
}

static void test_set_does_not_change_an_aliased_anchor(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok_sets(HEAD "tmpfs:\n  - &t {path: /a, size: 1M}\n  - *t\n",
                                      SETS("tmpfs[1].path=/b"));
    assert_string_equal(n->tmpfs[0].path, "/a");
    assert_string_equal(n->tmpfs[1].path, "/b");
    assert_int_equal(n->tmpfs[1].size, 1u << 20);
    rp_node_free(n);
}

static void test_set_values_expand_variables(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok_sets(HEAD, SETS("process.cwd=/home/${UID}"));
    assert_string_equal(n->process.cwd, "/home/1000");
    rp_node_free(n);
    expect_error_sets(HEAD, SETS("description=$(reboot)"), "--set", 1, 13, "description",
                      "command substitution");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_overrides_cgroup_item_and_is_validated),
        cmocka_unit_test(test_set_adds_keys_and_sections_that_are_absent),
        cmocka_unit_test(test_set_value_is_one_yaml_scalar),
        cmocka_unit_test(test_set_errors_number_each_set),
        cmocka_unit_test(test_set_unknown_key_points_at_the_key),
        cmocka_unit_test(test_set_keys_with_dots_after_map_prefixes),
        cmocka_unit_test(test_set_indexes_sequences),
        cmocka_unit_test(test_set_key_syntax_errors_point_into_the_argument),
        cmocka_unit_test(test_set_does_not_change_an_aliased_anchor),
        cmocka_unit_test(test_set_values_expand_variables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
