/* SPDX-License-Identifier: Apache-2.0 */
/* The capability plan and the seccomp plan. */
#include "plan_fixture.h"

#include <errno.h>
#include <linux/capability.h>

#include "grammar.h"
#include "names.h"
#include "seccomp_profile.h"

#define BIT(cap) (UINT64_C(1) << (cap))

static void test_no_capabilities_section_plans_no_change(void **state)
{
    struct planned r = plan_ok("", 0);
    assert_false(r.plan->caps.set);
    planned_free(&r);
}

static void test_keep_leaves_only_the_kept_capabilities_in_every_set(void **state)
{
    struct planned r = plan_ok("capabilities: {keep: [net_bind_service, CAP_CHOWN],"
                               " ambient: [net_bind_service]}\n",
                               0);
    const struct rp_caps_plan *c = &r.plan->caps;
    uint64_t kept = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN);
    assert_true(c->set);
    assert_int_equal(c->bounding, kept);
    assert_int_equal(c->permitted, kept);
    assert_int_equal(c->effective, kept);
    assert_int_equal(c->inheritable, kept);
    assert_int_equal(c->ambient, BIT(CAP_NET_BIND_SERVICE));
    assert_true(c->in_user_ns);
    planned_free(&r);
}

static void test_drop_keeps_everything_else(void **state)
{
    struct planned r = plan_ok("namespaces: {user: host}\n"
                               "capabilities: {drop: [sys_admin, sys_module]}\n",
                               0);
    const struct rp_caps_plan *c = &r.plan->caps;
    uint64_t kept = rp_cap_all_mask() & ~(BIT(CAP_SYS_ADMIN) | BIT(CAP_SYS_MODULE));
    assert_int_equal(c->bounding, kept);
    assert_int_equal(c->permitted, kept);
    assert_int_equal(c->ambient, 0);
    assert_false(c->in_user_ns);
    planned_free(&r);
}

static void test_no_seccomp_section_means_no_filter(void **state)
{
    struct planned r = plan_ok("", 0);
    assert_false(r.plan->seccomp.enabled);
    assert_int_equal(r.plan->seccomp.n_rules, 0);
    planned_free(&r);
}

static bool rules_name(const struct rp_seccomp_rule *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < v[i].names.n; j++)
            if (!strcmp(v[i].names.v[j], name))
                return true;
    return false;
}

static void test_seccomp_base_rules_come_first_then_the_nodes(void **state)
{
    size_t n_base;
    const struct rp_seccomp_rule *base = rp_seccomp_base_default(&n_base);
    struct planned r = plan_ok("seccomp:\n"
                               "  syscalls:\n"
                               "    - {names: [ptrace], action: kill_process}\n",
                               0);
    const struct rp_seccomp_plan *s = &r.plan->seccomp;
    assert_true(s->enabled);
    assert_int_equal(s->default_action, RP_SC_ERRNO);
    assert_int_equal(s->default_errno, EPERM);
    assert_true(n_base > 0);
    assert_true(s->n_rules >= 1);
    assert_string_equal(s->rules[s->n_rules - 1].names.v[0], "ptrace");
    assert_int_equal(s->rules[s->n_rules - 1].action, RP_SC_KILL_PROCESS);
    assert_string_not_equal(base[0].names.v[0], "ptrace");
    assert_string_equal(s->rules[0].names.v[0], base[0].names.v[0]);
    planned_free(&r);
}

static void test_node_seccomp_rule_wins_over_the_base_for_its_syscall(void **state)
{
    size_t n_base;
    const struct rp_seccomp_rule *base = rp_seccomp_base_default(&n_base);
    assert_true(rules_name(base, n_base, "read"));
    struct planned r = plan_ok("seccomp:\n"
                               "  syscalls:\n"
                               "    - {names: [read], action: errno, errno: EIO}\n",
                               0);
    const struct rp_seccomp_plan *s = &r.plan->seccomp;
    assert_false(rules_name(s->rules, s->n_rules - 1, "read"));
    assert_string_equal(s->rules[s->n_rules - 1].names.v[0], "read");
    assert_int_equal(s->rules[s->n_rules - 1].errnum, EIO);
    /* Only the overridden syscall left the base: the others are all there. */
    assert_true(rules_name(s->rules, s->n_rules, "write"));
    planned_free(&r);
}

static void test_base_none_plans_only_the_nodes_rules(void **state)
{
    struct planned r = plan_ok("seccomp:\n"
                               "  default_action: allow\n"
                               "  base: none\n"
                               "  syscalls:\n"
                               "    - {names: [personality], action: allow,"
                               " args: [{index: 0, op: eq, value: 0}]}\n",
                               0);
    const struct rp_seccomp_plan *s = &r.plan->seccomp;
    assert_int_equal(s->default_action, RP_SC_ALLOW);
    assert_int_equal(s->n_rules, 1);
    assert_int_equal(s->rules[0].n_args, 1);
    assert_int_equal(s->rules[0].args[0].op, RP_SC_EQ);
    planned_free(&r);
}

static void test_no_new_privileges_false_with_seccomp_is_a_plan_error_at_both(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "process:\n"
                                         "  no_new_privileges: false\n"
                                         "seccomp: {base: default}\n",
                                         0);
    assert_int_equal(d->line, 4);
    assert_int_equal(d->column, 22);
    assert_string_equal(d->key_path, "process.no_new_privileges");
    assert_non_null(strstr(d->message, "cannot go with the seccomp filter of t.yaml:5:10"));
    planned_free(&r);
    /* Without a filter, or with no_new_privileges: true, nothing to refuse. */
    r = plan_ok("process: {no_new_privileges: false}\n", 0);
    planned_free(&r);
    r = plan_ok("process: {no_new_privileges: true}\nseccomp: {}\n", 0);
    planned_free(&r);
}

static void test_filter_refusing_execve_is_a_plan_error(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "seccomp:\n"
                                         "  default_action: errno\n"
                                         "  base: none\n"
                                         "  syscalls:\n"
                                         "    - {names: [exit_group], action: allow}\n",
                                         0);
    assert_int_equal(d->line, 4);
    assert_int_equal(d->column, 3);
    assert_string_equal(d->key_path, "seccomp");
    assert_non_null(strstr(d->message, "refuses execve"));
    planned_free(&r);
}

static void test_filter_refusing_exit_group_is_a_plan_error(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "seccomp:\n"
                                         "  default_action: allow\n"
                                         "  base: none\n"
                                         "  syscalls:\n"
                                         "    - {names: [exit_group], action: errno}\n",
                                         0);
    assert_non_null(strstr(d->message, "refuses exit_group"));
    planned_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_capabilities_section_plans_no_change),
        cmocka_unit_test(test_no_new_privileges_false_with_seccomp_is_a_plan_error_at_both),
        cmocka_unit_test(test_keep_leaves_only_the_kept_capabilities_in_every_set),
        cmocka_unit_test(test_drop_keeps_everything_else),
        cmocka_unit_test(test_no_seccomp_section_means_no_filter),
        cmocka_unit_test(test_seccomp_base_rules_come_first_then_the_nodes),
        cmocka_unit_test(test_node_seccomp_rule_wins_over_the_base_for_its_syscall),
        cmocka_unit_test(test_base_none_plans_only_the_nodes_rules),
        cmocka_unit_test(test_filter_refusing_execve_is_a_plan_error),
        cmocka_unit_test(test_filter_refusing_exit_group_is_a_plan_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
