/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup: the section's keys, the fifteen item names and each item's value
 * reaching the model in the kernel's syntax. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "parse_helpers.h"

static struct rp_node *items(const char *body)
{
    char yaml[1024];
    snprintf(yaml, sizeof(yaml), HEAD "cgroup:\n  items:\n%s", body);
    return parse_ok(yaml);
}

static void test_items_are_normalised_to_the_kernels_syntax(void **state)
{
    (void)state;
    struct rp_node *n = items("    memory.max: 256M\n    memory.high: max\n    pids.max: \"64\"\n"
                              "    cpu.max: \"max\"\n    cpuset.cpus: 3\n");
    assert_int_equal(n->cgroup.n_items, 5);
    assert_int_equal(n->cgroup.items[0].kind, RP_CG_MEMORY_MAX);
    assert_string_equal(n->cgroup.items[0].value, "268435456");
    assert_string_equal(n->cgroup.items[1].value, "max");
    assert_string_equal(n->cgroup.items[2].value, "64");
    assert_int_equal(n->cgroup.items[3].kind, RP_CG_CPU_MAX);
    assert_int_equal(n->cgroup.items[4].kind, RP_CG_CPUSET_CPUS);
    assert_string_equal(n->cgroup.items[4].value, "3"); /* an int is a list of one */
    assert_int_equal(n->cgroup.items[0].pos.line, 5);
    assert_int_equal(n->cgroup.items[0].pos.column, 17);
    rp_node_free(n);
}

static void test_cgroup_section_defaults(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "cgroup: {}\n");
    assert_true(n->cgroup.present);
    assert_true(n->cgroup.required);
    assert_null(n->cgroup.parent);
    assert_int_equal(n->cgroup.n_items, 0);
    rp_node_free(n);
}

static void test_io_max_takes_a_list_with_one_item_per_device(void **state)
{
    (void)state;
    struct rp_node *n =
        items("    io.max:\n      - \"8:0 rbps=1M\"\n      - \"/dev/vda wiops=120\"\n");
    assert_int_equal(n->cgroup.n_items, 2);
    assert_int_equal(n->cgroup.items[0].kind, RP_CG_IO_MAX);
    assert_int_equal(n->cgroup.items[1].kind, RP_CG_IO_MAX);
    assert_int_equal(n->cgroup.items[1].pos.line, 7);
    rp_node_free(n);
    expect_error(HEAD "cgroup:\n  items:\n    io.max: [\"8:0 rbps=1\", 7]\n", 5, 28,
                 "cgroup.items.io.max[1]", "expected a string, found an int");
}

static void test_unknown_cgroup_item_suggests_closest(void **state)
{
    (void)state;
    expect_error(HEAD "cgroup:\n  items:\n    memory.maximum: 1G\n", 5, 5,
                 "cgroup.items.memory.maximum", "unknown cgroup item 'memory.maximum'");
    expect_error(HEAD "cgroup:\n  items:\n    memroy.max: 1G\n", 5, 5, "cgroup.items.memroy.max",
                 "did you mean 'memory.max'?");
    expect_error(HEAD "cgroup:\n  item: {}\n", 4, 3, "cgroup.item", "did you mean 'items'?");
}

static void test_malformed_item_values_are_reported_at_the_value(void **state)
{
    (void)state;
    expect_error(HEAD "cgroup:\n  items:\n    cpu.weight: 0\n", 5, 17, "cgroup.items.cpu.weight",
                 "expected an integer from 1 to 10000");
    expect_error(HEAD "cgroup:\n  items:\n    cpu.max: \"500 100000\"\n", 5, 14,
                 "cgroup.items.cpu.max", "QUOTA >= 1000");
    expect_error(HEAD "cgroup:\n  items:\n    cpuset.cpus: \"3-1\"\n", 5, 18,
                 "cgroup.items.cpuset.cpus", "runs backwards");
    expect_error(HEAD "cgroup:\n  items:\n    memory.oom.group: 2\n", 5, 23,
                 "cgroup.items.memory.oom.group", "expected 0 or 1");
    expect_error(HEAD "cgroup:\n  items:\n    pids.max: 0\n", 5, 15, "cgroup.items.pids.max",
                 "or max");
    expect_error(HEAD "cgroup:\n  items:\n    io.max: \"8:0 rbps=1M rbps=2M\"\n", 5, 13,
                 "cgroup.items.io.max", "got \"8:0 rbps=1M rbps=2M\"");
    expect_error(HEAD "cgroup:\n  items:\n    memory.max: 1.5G\n", 5, 17, "cgroup.items.memory.max",
                 "expected a size");
}

static void test_string_only_items_refuse_ints(void **state)
{
    (void)state;
    expect_error(HEAD "cgroup:\n  items:\n    cpu.max: 50000\n", 5, 14, "cgroup.items.cpu.max",
                 "expected a string, found an int");
    expect_error(HEAD "cgroup:\n  items:\n    memory.max: true\n", 5, 17, "cgroup.items.memory.max",
                 "expected an int or a string, found a bool");
}

static void test_parent_is_an_absolute_host_path_and_required_a_bool(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "cgroup: {parent: /sys/fs/cgroup/a/, required: false}\n");
    assert_string_equal(n->cgroup.parent, "/sys/fs/cgroup/a");
    assert_int_equal(n->cgroup.parent_pos.column, 18);
    assert_false(n->cgroup.required);
    rp_node_free(n);
    expect_error(HEAD "cgroup: {parent: redpak}\n", 3, 18, "cgroup.parent", "absolute");
    expect_error(HEAD "cgroup: {required: no}\n", 3, 20, "cgroup.required",
                 "expected true or false");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items_are_normalised_to_the_kernels_syntax),
        cmocka_unit_test(test_cgroup_section_defaults),
        cmocka_unit_test(test_io_max_takes_a_list_with_one_item_per_device),
        cmocka_unit_test(test_unknown_cgroup_item_suggests_closest),
        cmocka_unit_test(test_malformed_item_values_are_reported_at_the_value),
        cmocka_unit_test(test_string_only_items_refuse_ints),
        cmocka_unit_test(test_parent_is_an_absolute_host_path_and_required_a_bool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
