/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of the capability step (10) and of identity (9): the masks
 * of a plan become exactly the process's sets. The applying tests run in a
 * forked child inside a user namespace of its own, where an unprivileged
 * user holds every capability, so they need no privileges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "identity.h"

#define BIT(c) (UINT64_C(1) << (c))

static bool has(cap_t caps, cap_value_t cap, cap_flag_t flag)
{
    cap_flag_value_t v;
    assert_int_equal(cap_get_flag(caps, cap, flag, &v), 0);
    return v == CAP_SET;
}

static void test_state_holds_exactly_the_masks_of_the_plan(void **state)
{
    struct rp_caps_plan plan = {
        .set = true,
        .permitted = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN),
        .effective = BIT(CAP_NET_BIND_SERVICE),
        .inheritable = BIT(CAP_CHOWN),
    };
    cap_t caps = rp_caps_state(&plan, CAP_LAST_CAP);
    assert_non_null(caps);
    for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
        assert_int_equal(has(caps, c, CAP_PERMITTED), !!(plan.permitted & BIT(c)));
        assert_int_equal(has(caps, c, CAP_EFFECTIVE), !!(plan.effective & BIT(c)));
        assert_int_equal(has(caps, c, CAP_INHERITABLE), !!(plan.inheritable & BIT(c)));
    }
    cap_free(caps);
}

static void test_capabilities_beyond_the_kernel_are_left_out(void **state)
{
    struct rp_caps_plan plan = {.set = true, .permitted = UINT64_MAX};
    cap_t caps = rp_caps_state(&plan, CAP_SYS_ADMIN);
    assert_non_null(caps);
    assert_true(has(caps, CAP_SYS_ADMIN, CAP_PERMITTED));
    assert_false(has(caps, CAP_SYS_ADMIN + 1, CAP_PERMITTED));
    cap_free(caps);
}

static void test_bounding_drops_are_every_kernel_capability_not_kept(void **state)
{
    struct rp_caps_plan plan = {.set = true, .bounding = BIT(CAP_NET_BIND_SERVICE)};
    uint64_t drops = rp_caps_bounding_drops(&plan, 40);
    assert_int_equal(drops, (BIT(41) - 1) & ~BIT(CAP_NET_BIND_SERVICE));
    plan.bounding = UINT64_MAX;
    assert_int_equal(rp_caps_bounding_drops(&plan, 40), 0);
    plan.bounding = 0;
    assert_int_equal(rp_caps_bounding_drops(&plan, 63), UINT64_MAX);
}

/* Runs body() in a child that is root of a new user namespace; returns its
 * exit code, or -1 when this host refuses user namespaces. */
static int in_user_namespace(int (*body)(void))
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWUSER) < 0)
            _exit(99);
        char map[64];
        int fd;
        /* An unprivileged map needs setgroups denied first. */
        if ((fd = open("/proc/self/setgroups", O_WRONLY)) < 0 || write(fd, "deny", 4) != 4)
            _exit(98);
        close(fd);
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
        if ((fd = open("/proc/self/uid_map", O_WRONLY)) < 0 ||
            write(fd, map, strlen(map)) != (ssize_t)strlen(map))
            _exit(98);
        close(fd);
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
        if ((fd = open("/proc/self/gid_map", O_WRONLY)) < 0 ||
            write(fd, map, strlen(map)) != (ssize_t)strlen(map))
            _exit(98);
        close(fd);
        _exit(body());
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 99)
        return -1;
    return WEXITSTATUS(status);
}

static const struct rp_caps_plan keep_plan = {
    .set = true,
    .bounding = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN),
    .permitted = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN),
    .effective = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN),
    .inheritable = BIT(CAP_NET_BIND_SERVICE),
    .ambient = BIT(CAP_NET_BIND_SERVICE),
};

/* Exit 0 when every set of the process equals plan's, or a code naming
 * the first set that differs. */
static int check_sets(const struct rp_caps_plan *plan)
{
    cap_t caps = cap_get_proc();
    if (!caps)
        return 10;
    for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
        cap_flag_value_t p, e, i;
        cap_get_flag(caps, c, CAP_PERMITTED, &p);
        cap_get_flag(caps, c, CAP_EFFECTIVE, &e);
        cap_get_flag(caps, c, CAP_INHERITABLE, &i);
        if ((p == CAP_SET) != !!(plan->permitted & BIT(c)))
            return 11;
        if ((e == CAP_SET) != !!(plan->effective & BIT(c)))
            return 12;
        if ((i == CAP_SET) != !!(plan->inheritable & BIT(c)))
            return 13;
        if ((prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) != !!(plan->bounding & BIT(c)))
            return 14;
        if ((prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1) !=
            !!(plan->ambient & BIT(c)))
            return 15;
    }
    cap_free(caps);
    return 0;
}

static int apply_keep_plan(void)
{
    struct rp_error err = {0};
    struct rp_process_plan process = {.uid = 0, .gid = 0};
    if (rp_identity_apply(&process, &err) < 0) {
        fprintf(stderr, "identity: %s\n", err.msg);
        return 20;
    }
    if (rp_caps_apply(&keep_plan, &err) < 0) {
        fprintf(stderr, "caps: %s\n", err.msg);
        return 21;
    }
    return check_sets(&keep_plan);
}

static void test_apply_gives_every_set_exactly_the_plan(void **state)
{
    int rc = in_user_namespace(apply_keep_plan);
    if (rc < 0)
        skip();
    assert_int_equal(rc, 0);
}

static int apply_unset_plan(void)
{
    struct rp_error err = {0};
    struct rp_caps_plan unset = {.set = false};
    uint64_t before = 0;
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        before |= prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1 ? BIT(c) : 0;
    if (rp_caps_apply(&unset, &err) < 0)
        return 21;
    for (int c = 0; c <= CAP_LAST_CAP; c++)
        if ((prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) != !!(before & BIT(c)))
            return 14;
    return 0;
}

static void test_plan_without_capabilities_section_changes_nothing(void **state)
{
    int rc = in_user_namespace(apply_unset_plan);
    if (rc < 0)
        skip();
    assert_int_equal(rc, 0);
}

static int nnp_then_read(void)
{
    struct rp_error err = {0};
    struct rp_process_plan off = {.no_new_privileges = false};
    struct rp_process_plan on = {.no_new_privileges = true};
    if (rp_no_new_privs_apply(&off, &err) < 0 || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
        return 30;
    if (rp_no_new_privs_apply(&on, &err) < 0 || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
        return 31;
    return 0;
}

static void test_no_new_privileges_is_set_only_when_the_plan_says_so(void **state)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(nnp_then_read());
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_holds_exactly_the_masks_of_the_plan),
        cmocka_unit_test(test_capabilities_beyond_the_kernel_are_left_out),
        cmocka_unit_test(test_bounding_drops_are_every_kernel_capability_not_kept),
        cmocka_unit_test(test_apply_gives_every_set_exactly_the_plan),
        cmocka_unit_test(test_plan_without_capabilities_section_changes_nothing),
        cmocka_unit_test(test_no_new_privileges_is_set_only_when_the_plan_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
