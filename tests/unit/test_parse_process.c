/* SPDX-License-Identifier: Apache-2.0 */
/* process, and the variables expanded in every string value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "parse_helpers.h"

static void test_user_and_group_are_ids_or_names(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "process:\n  user: redis\n  group: \"999\"\n  groups: []\n");
    assert_true(n->process.user.set);
    assert_true(n->process.user.is_name);
    assert_string_equal(n->process.user.name, "redis");
    assert_false(n->process.group.is_name);
    assert_int_equal(n->process.group.id, 999);
    assert_true(n->process.groups_set);
    assert_int_equal(n->process.n_groups, 0);
    assert_int_equal(n->process.user.pos.line, 4);
    assert_int_equal(n->process.user.pos.column, 9);
    rp_node_free(n);
    expect_error(HEAD "process:\n  user: -1\n", 4, 9, "process.user", "an id cannot be negative");
    expect_error(HEAD "process:\n  user: 4294967295\n", 4, 9, "process.user",
                 "expected a user or group id from 0 to 4294967294");
    expect_error(HEAD "process:\n  groups: [10, \"Bad Name\"]\n", 4, 16, "process.groups[1]",
                 "expected a user or group id");
    expect_error(HEAD "process:\n  group: true\n", 4, 10, "process.group",
                 "expected an int or a string, found a bool");
}

static void test_cwd_is_a_normalised_node_path(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "process: {cwd: /data/}\n");
    assert_string_equal(n->process.cwd, "/data");
    rp_node_free(n);
    expect_error(HEAD "process: {cwd: data}\n", 3, 16, "process.cwd", "absolute");
    expect_error(HEAD "process: {cwd: /data/../etc}\n", 3, 16, "process.cwd", "\"..\"");
}

static void test_umask_is_a_quoted_octal_string(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "process: {umask: \"027\"}\n");
    assert_int_equal(n->process.umask, 027);
    rp_node_free(n);
    expect_error(HEAD "process: {umask: 0077}\n", 3, 18, "process.umask",
                 "modes are octal strings: write \"0077\" (an unquoted 0077 is the decimal 77)");
    expect_error(HEAD "process: {umask: \"1777\"}\n", 3, 18, "process.umask",
                 "a umask clears permission bits");
}

static void test_env_names_and_values_are_checked(void **state)
{
    (void)state;
    expect_error(HEAD "process:\n  env:\n    set: {1BAD: x}\n", 5, 11, "process.env.set.1BAD",
                 "'1BAD' is not an environment variable name");
    expect_error(HEAD "process:\n  env:\n    set: {A: [x]}\n", 5, 14, "process.env.set.A",
                 "expected an int or a string, found a sequence");
    expect_error(HEAD "process:\n  env:\n    pass: [TERM, \"A-B\"]\n", 5, 18, "process.env.pass[1]",
                 "'A-B' is not an environment variable name");
    expect_error(HEAD "process:\n  env:\n    clear: 0\n", 5, 12, "process.env.clear",
                 "expected true or false");
}

static void test_rlimits_take_int_unlimited_or_soft_and_hard(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "process:\n  rlimits:\n    core: 0\n"
                                      "    nofile: {soft: 1024, hard: 4096}\n    cpu: unlimited\n");
    assert_int_equal(n->process.n_rlimits, 3);
    assert_int_equal(n->process.rlimits[0].resource, RLIMIT_CORE);
    assert_int_equal(n->process.rlimits[1].soft, 1024);
    assert_int_equal(n->process.rlimits[1].hard, 4096);
    assert_true(n->process.rlimits[2].hard == RLIM_INFINITY);
    rp_node_free(n);
    expect_error(HEAD "process:\n  rlimits: {nofle: 10}\n", 4, 13, "process.rlimits.nofle",
                 "unknown rlimit 'nofle'; did you mean 'nofile'?");
    expect_error(HEAD "process:\n  rlimits: {nofile: {soft: 10, hard: 5}}\n", 4, 28,
                 "process.rlimits.nofile.soft", "the soft limit is above the hard limit");
    expect_error(HEAD "process:\n  rlimits: {nofile: {soft: 10}}\n", 4, 21,
                 "process.rlimits.nofile.hard", "required key 'hard' is missing");
    expect_error(HEAD "process:\n  rlimits: {nofile: lots}\n", 4, 21, "process.rlimits.nofile",
                 "expected an int or \"unlimited\"");
    expect_error(HEAD "process:\n  rlimits: {nofile: -1}\n", 4, 21, "process.rlimits.nofile",
                 "out of range");
}

static void test_wait_and_the_bools(void **state)
{
    (void)state;
    expect_error(HEAD "process: {wait: first}\n", 3, 17, "process.wait",
                 "'first' is not one of all or main");
    expect_error(HEAD "process: {init: \"true\"}\n", 3, 17, "process.init",
                 "expected true or false, found a string");
    expect_error(HEAD "process: {command: redis-server}\n", 3, 20, "process.command",
                 "expected a sequence, found a string");
    expect_error(HEAD "process: {command: [redis, 6379]}\n", 3, 28, "process.command[1]",
                 "expected a string, found an int");
}

static void test_the_four_variables_are_expanded(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "process:\n  command: [\"${NODE}\", \"${NODE_DIR}/x\", "
                                      "\"${UID}:${GID}\", \"a$$b\", \"$${NODE}\"]\n");
    assert_string_equal(n->process.command.v[0], "test");
    assert_string_equal(n->process.command.v[1], "/srv/nodes/x");
    assert_string_equal(n->process.command.v[2], "1000:1001");
    assert_string_equal(n->process.command.v[3], "a$b");
    assert_string_equal(n->process.command.v[4], "${NODE}");
    rp_node_free(n);
}

static void test_variables_outside_the_four_are_errors(void **state)
{
    (void)state;
    expect_error(HEAD "description: \"${HOME}/x\"\n", 3, 14, "description",
                 "unknown variable '${HOME}': only ${NODE}, ${NODE_DIR}, ${UID} and ${GID}");
    expect_error(HEAD "description: \"${NODE\"\n", 3, 14, "description", "unknown variable");
    expect_error(HEAD "description: cost $5\n", 3, 14, "description",
                 "a lone '$': write $$ for a literal dollar");
    expect_error(HEAD "description: price$\n", 3, 14, "description", "write $$");
}

static void test_command_substitution_is_never_run(void **state)
{
    (void)state;
    expect_error(HEAD "process:\n  env:\n    set: {X: \"$(id -u)\"}\n", 5, 14, "process.env.set.X",
                 "'$(' is command substitution, which is never run");
    expect_error(HEAD "process:\n  command: [\"`id`\"]\n", 4, 13, "process.command[0]",
                 "a backtick is command substitution");
}

static void test_unknown_process_key_suggests_closest(void **state)
{
    (void)state;
    expect_error(HEAD "process:\n  no_new_privilege: true\n", 4, 3, "process.no_new_privilege",
                 "did you mean 'no_new_privileges'?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_and_group_are_ids_or_names),
        cmocka_unit_test(test_cwd_is_a_normalised_node_path),
        cmocka_unit_test(test_umask_is_a_quoted_octal_string),
        cmocka_unit_test(test_env_names_and_values_are_checked),
        cmocka_unit_test(test_rlimits_take_int_unlimited_or_soft_and_hard),
        cmocka_unit_test(test_wait_and_the_bools),
        cmocka_unit_test(test_the_four_variables_are_expanded),
        cmocka_unit_test(test_variables_outside_the_four_are_errors),
        cmocka_unit_test(test_command_substitution_is_never_run),
        cmocka_unit_test(test_unknown_process_key_suggests_closest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
