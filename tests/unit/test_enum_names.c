/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of core/enum_names.h: every value of every enum of the
 * model and the plans has one name, no two values of an enum share one,
 * and a value outside the enum reads "?". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "enum_names.h"

typedef const char *name_fn(int v);

/* Each value 0..count-1 has a name of its own; count itself is "?". */
static void check_names(name_fn *name, int count)
{
    for (int v = 0; v < count; v++) {
        const char *n = name(v);
        assert_non_null(n);
        assert_string_not_equal(n, "?");
        assert_true(n[0] != '\0');
        for (int w = 0; w < v; w++)
            assert_string_not_equal(n, name(w));
    }
    assert_string_equal(name(count), "?");
    assert_string_equal(name(-1), "?");
}

#define ADAPT(fn, type)                                                                            \
    static const char *fn##_int(int v)                                                             \
    {                                                                                              \
        return fn((type)v);                                                                        \
    }
ADAPT(rp_ns_name, enum rp_ns_kind)
ADAPT(rp_cgroup_item_name, enum rp_cgroup_item_kind)
ADAPT(rp_seccomp_action_name, enum rp_seccomp_action)
ADAPT(rp_seccomp_op_name, enum rp_seccomp_op)
ADAPT(rp_mount_type_name, enum rp_mount_type)
ADAPT(rp_wait_mode_name, enum rp_wait_mode)
ADAPT(rp_mount_op_name, enum rp_mount_op)
ADAPT(rp_host_op_name, enum rp_host_op)

static void test_every_value_has_a_name_of_its_own(void **state)
{
    check_names(rp_ns_name_int, RP_NS_COUNT);
    check_names(rp_cgroup_item_name_int, RP_CG_ITEM_COUNT);
    check_names(rp_seccomp_action_name_int, RP_SC_ACTION_COUNT);
    check_names(rp_seccomp_op_name_int, RP_SC_OP_COUNT);
    check_names(rp_mount_type_name_int, RP_MOUNT_TYPE_COUNT);
    check_names(rp_wait_mode_name_int, RP_WAIT_MODE_COUNT);
    check_names(rp_mount_op_name_int, RP_MOUNT_OP_COUNT);
    check_names(rp_host_op_name_int, RP_HOST_OP_COUNT);
}

/* The tables the parser matches words against are the ones the names
 * come from. */
static void test_the_parser_tables_are_the_names(void **state)
{
    for (int v = 0; v < RP_MOUNT_TYPE_COUNT; v++)
        assert_ptr_equal(rp_mount_type_names[v], rp_mount_type_name((enum rp_mount_type)v));
    for (int v = 0; v < RP_SC_ACTION_COUNT; v++)
        assert_ptr_equal(rp_seccomp_action_names[v],
                         rp_seccomp_action_name((enum rp_seccomp_action)v));
    for (int v = 0; v < RP_SC_OP_COUNT; v++)
        assert_ptr_equal(rp_seccomp_op_names[v], rp_seccomp_op_name((enum rp_seccomp_op)v));
    for (int v = 0; v < RP_WAIT_MODE_COUNT; v++)
        assert_ptr_equal(rp_wait_mode_names[v], rp_wait_mode_name((enum rp_wait_mode)v));
}

/* The spellings the plan, the -v log and the node format show. */
static void test_names_as_shown(void **state)
{
    assert_string_equal(rp_mount_op_name(RP_MOP_PIVOT_ROOT), "pivot_root");
    assert_string_equal(rp_mount_op_name(RP_MOP_REMOUNT_RO), "remount-ro");
    assert_string_equal(rp_mount_type_name(RP_MOUNT_MQUEUE), "mqueue");
    assert_string_equal(rp_seccomp_op_name(RP_SC_MASKED_EQ), "masked_eq");
    assert_string_equal(rp_seccomp_action_name(RP_SC_KILL_PROCESS), "kill_process");
    assert_string_equal(rp_wait_mode_name(RP_WAIT_MAIN), "main");
    assert_string_equal(rp_host_op_name(RP_HOST_MKDIR), "mkdir");
    assert_string_equal(rp_cgroup_item_name(RP_CG_MEMORY_SWAP_MAX), "memory.swap.max");
    assert_string_equal(rp_ns_name(RP_NS_MOUNT), "mount");
}

static void test_controllers_by_bit(void **state)
{
    static const struct {
        unsigned bit;
        const char *name;
    } want[] = {
        {RP_CTRL_CPUSET, "cpuset"}, {RP_CTRL_CPU, "cpu"},   {RP_CTRL_IO, "io"},
        {RP_CTRL_MEMORY, "memory"}, {RP_CTRL_PIDS, "pids"},
    };
    assert_int_equal(sizeof(want) / sizeof(want[0]), RP_CTRL_COUNT);
    for (size_t i = 0; i < RP_CTRL_COUNT; i++)
        assert_string_equal(rp_cgroup_controller_name(want[i].bit), want[i].name);
    assert_null(rp_cgroup_controller_name(0));
    assert_null(rp_cgroup_controller_name(RP_CTRL_CPU | RP_CTRL_IO));
    assert_null(rp_cgroup_controller_name(1u << RP_CTRL_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_value_has_a_name_of_its_own),
        cmocka_unit_test(test_the_parser_tables_are_the_names),
        cmocka_unit_test(test_names_as_shown),
        cmocka_unit_test(test_controllers_by_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
