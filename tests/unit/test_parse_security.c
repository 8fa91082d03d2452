/* SPDX-License-Identifier: Apache-2.0 */
/* capabilities and seccomp: names resolved through libcap and libseccomp,
 * and the keys that exclude or require each other. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <cmocka.h>

#include "grammar.h"
#include "names.h"
#include "parse_helpers.h"

#define BIT(c) (UINT64_C(1) << (c))

static void test_capability_names_take_any_case_and_prefix(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "capabilities:\n  drop: [SYS_ADMIN, cap_sys_module, "
                                      "Cap_Net_Raw]\n");
    assert_int_equal(n->caps.mode, RP_CAPS_DROP);
    assert_int_equal(n->caps.list, BIT(CAP_SYS_ADMIN) | BIT(CAP_SYS_MODULE) | BIT(CAP_NET_RAW));
    assert_false(n->caps.ambient_set);
    rp_node_free(n);
}

static void test_all_means_every_capability_libcap_knows(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "capabilities:\n  keep: all\n  ambient: [all]\n");
    assert_int_equal(n->caps.list, rp_cap_all_mask());
    assert_int_equal(n->caps.ambient, rp_cap_all_mask());
    rp_node_free(n);
}

static void test_keep_and_drop_exclude_each_other(void **state)
{
    (void)state;
    expect_error(HEAD "capabilities:\n  keep: [chown]\n  drop: [sys_admin]\n", 5, 9,
                 "capabilities.drop", "keep and drop exclude each other");
    /* The names of both lists are still checked. */
    struct rp_diags d = {0};
    struct rp_node *none = NULL;
    assert_true(parse_with_sets(HEAD "capabilities:\n  keep: [chwn]\n  drop: [sys_admn]\n"
                                     "  ambient: [net_rw]\n",
                                NULL, 0, &none, &d) < 0);
    assert_int_equal(d.n, 4);
    expect_diag_in(&d, TEST_FILE, 4, 10, "capabilities.keep[0]", "did you mean 'chown'?");
    expect_diag_in(&d, TEST_FILE, 5, 10, "capabilities.drop[0]", "did you mean 'sys_admin'?");
    expect_diag_in(&d, TEST_FILE, 6, 13, "capabilities.ambient[0]", "did you mean 'net_raw'?");
    rp_diags_free(&d);
    struct rp_node *n = parse_ok(HEAD "capabilities: {}\n");
    assert_int_equal(n->caps.mode, RP_CAPS_UNSET);
    rp_node_free(n);
}

static void test_unknown_capability_suggests_closest(void **state)
{
    (void)state;
    expect_error(HEAD "capabilities:\n  keep: [net_bind_servise]\n", 4, 10, "capabilities.keep[0]",
                 "unknown capability 'net_bind_servise'; did you mean "
                 "'net_bind_service'?");
    expect_error(HEAD "capabilities:\n  keep: [CAP_SYS_ADMN]\n", 4, 10, "capabilities.keep[0]",
                 "did you mean 'sys_admin'?");
    expect_error(HEAD "capabilities:\n  keep: [7]\n", 4, 10, "capabilities.keep[0]",
                 "expected a capability name, found an int");
}

static void test_ambient_must_be_in_the_kept_set(void **state)
{
    (void)state;
    expect_error(HEAD "capabilities:\n  keep: [chown]\n  ambient: [chown, net_raw]\n", 5, 20,
                 "capabilities.ambient[1]", "ambient capability 'net_raw' is not kept");
    expect_error(HEAD "capabilities:\n  drop: [net_raw]\n  ambient: [net_raw]\n", 5, 13,
                 "capabilities.ambient[0]", "is not kept");
    struct rp_node *n = parse_ok(HEAD "capabilities:\n  drop: [sys_admin]\n  ambient: [net_raw]\n");
    assert_int_equal(n->caps.ambient, BIT(CAP_NET_RAW));
    rp_node_free(n);
}

static void test_seccomp_errno_takes_a_name_or_a_number(void **state)
{
    (void)state;
    struct rp_node *n =
        parse_ok(HEAD "seccomp:\n  default_errno: 38\n  syscalls:\n"
                      "    - {names: [kexec_load], action: errno, errno: ENOSYS}\n");
    assert_int_equal(n->seccomp.default_errno, 38);
    assert_int_equal(n->seccomp.rules[0].errnum, ENOSYS);
    assert_true(n->seccomp.present);
    rp_node_free(n);
    expect_error(HEAD "seccomp:\n  default_errno: EPRM\n", 4, 18, "seccomp.default_errno",
                 "unknown errno 'EPRM'; did you mean 'EPERM'?");
    expect_error(HEAD "seccomp:\n  default_errno: 4096\n", 4, 18, "seccomp.default_errno",
                 "4096 is out of range: expected 1 to 4094");
}

static void test_seccomp_enums_are_checked(void **state)
{
    (void)state;
    expect_error(
        HEAD "seccomp:\n  default_action: deny\n", 4, 19, "seccomp.default_action",
        "'deny' is not one of allow, errno, kill_thread, kill_process, trap, log or report");
    expect_error(HEAD "seccomp:\n  base: docker\n", 4, 9, "seccomp.base",
                 "is not one of default or none");
    expect_error(HEAD "seccomp:\n  syscalls: [{names: [read], action: kil_process}]\n", 4, 38,
                 "seccomp.syscalls[0].action", "did you mean 'kill_process'?");
}

static void test_unknown_syscall_is_an_error(void **state)
{
    (void)state;
    expect_error(HEAD
                 "seccomp:\n  syscalls:\n    - {names: [read, not_a_syscall], action: allow}\n",
                 5, 22, "seccomp.syscalls[0].names[1]",
                 "unknown syscall 'not_a_syscall' (libseccomp knows it on no architecture)");
    expect_error(HEAD "seccomp:\n  syscalls:\n    - {names: [], action: allow}\n", 5, 15,
                 "seccomp.syscalls[0].names", "at least one syscall");
    expect_error(HEAD "seccomp:\n  syscalls:\n    - {action: allow}\n", 5, 7,
                 "seccomp.syscalls[0].names", "required key 'names' is missing");
    expect_error(HEAD "seccomp:\n  syscalls:\n    - {names: [read]}\n", 5, 7,
                 "seccomp.syscalls[0].action", "required key 'action' is missing");
}

/* A node file learned on one architecture runs on another: its names of
 * syscalls this one lacks are no error (the filter leaves them out). */
static void test_syscall_of_another_architecture_is_accepted(void **state)
{
    (void)state;
#if defined(__x86_64__)
    const char *other = "chown32"; /* i386 and arm */
#else
    const char *other = "arch_prctl"; /* x86_64 and i386 */
#endif
    char text[256];
    snprintf(text, sizeof(text),
             HEAD "seccomp:\n  syscalls:\n    - {names: [read, %s], action: allow}\n", other);
    struct rp_node *n = parse_ok(text);
    assert_int_equal(n->seccomp.rules[0].names.n, 2);
    assert_string_equal(n->seccomp.rules[0].names.v[1], other);
    rp_node_free(n);
}

static void test_errno_without_action_errno_is_an_error(void **state)
{
    (void)state;
    expect_error(HEAD "seccomp:\n  syscalls:\n    - {names: [read], action: allow, errno: EPERM}\n",
                 5, 45, "seccomp.syscalls[0].errno",
                 "errno needs action: errno (the action is "
                 "'allow')");
}

static void test_mask_without_masked_eq_is_an_error(void **state)
{
    (void)state;
    const char *head = HEAD "seccomp:\n  syscalls:\n    - names: [ioctl]\n      action: allow\n"
                            "      args:\n";
    char yaml[512];
    snprintf(yaml, sizeof(yaml), "%s        - {index: 1, op: eq, value: 1, mask: 3}\n", head);
    expect_error(yaml, 8, 46, "seccomp.syscalls[0].args[0].mask",
                 "mask needs op: masked_eq "
                 "(the op is 'eq')");
    snprintf(yaml, sizeof(yaml), "%s        - {index: 1, op: masked_eq, value: 1}\n", head);
    expect_error(yaml, 8, 11, "seccomp.syscalls[0].args[0].mask", "required key 'mask'");
    snprintf(yaml, sizeof(yaml), "%s        - {index: 6, op: eq, value: 1}\n", head);
    expect_error(yaml, 8, 19, "seccomp.syscalls[0].args[0].index",
                 "6 is out of range: expected "
                 "0 to 5");
    snprintf(yaml, sizeof(yaml), "%s        - {index: 0, op: eq, value: -1}\n", head);
    struct rp_node *n = parse_ok(yaml);
    assert_int_equal(n->seccomp.rules[0].args[0].value, UINT64_MAX); /* two's complement */
    rp_node_free(n);
}

static void test_a_rule_compares_at_most_six_arguments(void **state)
{
    (void)state;
    char yaml[1024];
    snprintf(yaml, sizeof(yaml),
             HEAD "seccomp:\n  syscalls:\n    - names: [read]\n"
                  "      action: allow\n      args:\n");
    for (int i = 0; i < 7; i++)
        snprintf(yaml + strlen(yaml), sizeof(yaml) - strlen(yaml),
                 "        - {index: %d, op: eq, value: 0}\n", i % 6);
    expect_error(yaml, 8, 9, "seccomp.syscalls[0].args", "7 argument comparisons");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capability_names_take_any_case_and_prefix),
        cmocka_unit_test(test_all_means_every_capability_libcap_knows),
        cmocka_unit_test(test_keep_and_drop_exclude_each_other),
        cmocka_unit_test(test_unknown_capability_suggests_closest),
        cmocka_unit_test(test_ambient_must_be_in_the_kept_set),
        cmocka_unit_test(test_seccomp_errno_takes_a_name_or_a_number),
        cmocka_unit_test(test_seccomp_enums_are_checked),
        cmocka_unit_test(test_unknown_syscall_is_an_error),
        cmocka_unit_test(test_syscall_of_another_architecture_is_accepted),
        cmocka_unit_test(test_errno_without_action_errno_is_an_error),
        cmocka_unit_test(test_mask_without_masked_eq_is_an_error),
        cmocka_unit_test(test_a_rule_compares_at_most_six_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
