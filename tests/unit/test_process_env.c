/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of the workload's environment, the exec statuses and the
 * first process's error record: the pieces of the executor that need no
 * namespace to be checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "child_error.h"
#include "error_internal.h"
#include "ns.h"
#include "process.h"
#include "step_message.h"
#include "supervise.h"
#include "redpak/run.h"

static char *caller_env[] = {
    "PATH=/caller/bin", "HOME=/root", "TOKEN=secret", "PASSED=from-caller", NULL,
};

static size_t count(char **env)
{
    size_t n = 0;
    while (env[n])
        n++;
    return n;
}

static bool has(char **env, const char *entry)
{
    for (; *env; env++)
        if (strcmp(*env, entry) == 0)
            return true;
    return false;
}

static void test_env_clear_keeps_only_set_and_pass(void **state)
{
    struct rp_kv set[] = {{.key = "GREETING", .value = "hello"}};
    char *pass[] = {"PASSED", "NOT_IN_CALLER"};
    struct rp_process_plan p = {
        .env_clear = true,
        .env_set = set,
        .n_env_set = 1,
        .env_pass = pass,
        .n_env_pass = 2,
    };
    char **env = rp_process_env(&p, caller_env);
    assert_non_null(env);
    assert_int_equal(count(env), 2);
    assert_true(has(env, "GREETING=hello"));
    assert_true(has(env, "PASSED=from-caller"));
    rp_process_env_free(env);
}

static void test_env_set_wins_over_pass_and_inherited(void **state)
{
    struct rp_kv set[] = {{.key = "PASSED", .value = "from-node"},
                          {.key = "HOME", .value = "/data"}};
    char *pass[] = {"PASSED"};
    struct rp_process_plan p = {
        .env_clear = false,
        .env_set = set,
        .n_env_set = 2,
        .env_pass = pass,
        .n_env_pass = 1,
    };
    char **env = rp_process_env(&p, caller_env);
    assert_non_null(env);
    assert_int_equal(count(env), 4);
    assert_true(has(env, "PASSED=from-node"));
    assert_true(has(env, "HOME=/data"));
    assert_true(has(env, "TOKEN=secret"));
    assert_false(has(env, "HOME=/root"));
    rp_process_env_free(env);
}

static void test_env_clear_with_nothing_is_empty(void **state)
{
    struct rp_process_plan p = {.env_clear = true};
    char **env = rp_process_env(&p, caller_env);
    assert_non_null(env);
    assert_null(env[0]);
    rp_process_env_free(env);
}

static void test_exec_not_found_is_127_and_searches_the_workloads_path(void **state)
{
    char *argv[] = {"redpak-no-such-program", NULL};
    char *envp[] = {"PATH=/nonexistent-a:/nonexistent-b", NULL};
    struct rp_error err = {0};
    assert_int_equal(rp_process_exec(argv, envp, &err), RP_EXIT_NOT_FOUND);
    assert_int_equal(err.code, -ENOENT);
    assert_non_null(strstr(err.msg, "command not found in PATH /nonexistent-a:/nonexistent-b"));
}

static void test_exec_not_executable_is_126(void **state)
{
    char path[] = "/tmp/redpak-not-executable.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    /* 0644: even root may not execute a file without an x bit. */
    assert_int_equal(chmod(path, 0644), 0);
    char *argv[] = {path, NULL};
    char *envp[] = {NULL};
    struct rp_error err = {0};
    int status = rp_process_exec(argv, envp, &err);
    unlink(path);
    assert_int_equal(status, RP_EXIT_NOT_EXECUTABLE);
    assert_int_equal(err.code, -EACCES);
}

static void test_exec_a_directory_is_126(void **state)
{
    char *argv[] = {"/", NULL};
    char *envp[] = {NULL};
    struct rp_error err = {0};
    assert_int_equal(rp_process_exec(argv, envp, &err), RP_EXIT_NOT_EXECUTABLE);
}

static void test_wait_status_is_the_code_or_128_plus_the_signal(void **state)
{
    assert_int_equal(rp_wait_status(0), 0);
    assert_int_equal(rp_wait_status(42 << 8), 42); /* exited 42 */
    assert_int_equal(rp_wait_status(SIGTERM), 128 + SIGTERM);
    assert_int_equal(rp_wait_status(SIGKILL | 0x80), 128 + SIGKILL); /* with a core */
}

static void test_child_report_names_its_plan_and_step(void **state)
{
    int fds[2];
    struct rp_error err = {0};
    assert_int_equal(rp_child_error_pipe(fds, &err), 0);
    rp_step_error(&err, RP_STEP_NAMESPACES, ENOENT, "sysctl %s", "/proc/sys/net/x");
    assert_int_equal(rp_child_error_send(fds[1], NULL, 125, &err), 125);
    close(fds[1]);
    struct rp_child_report r;
    assert_int_equal(rp_child_error_recv(fds[0], &r), 1);
    assert_int_equal(r.status, 125);
    assert_int_equal(r.code, -ENOENT);
    assert_string_equal(r.msg,
                        "namespaces (step 6): sysctl /proc/sys/net/x: "
                        "No such file or directory");
    /* Then EOF: what a successful execve looks like to the parent. */
    assert_int_equal(rp_child_error_recv(fds[0], &r), 0);
    close(fds[0]);
}

static void test_child_report_without_plan_is_the_message_itself(void **state)
{
    int fds[2];
    struct rp_error err = {0};
    assert_int_equal(rp_child_error_pipe(fds, &err), 0);
    rp_error_set(&err, EPERM, "mounts (step 7.4): bind /a -> /b");
    rp_child_error_send(fds[1], NULL, 125, &err);
    struct rp_child_report r;
    assert_int_equal(rp_child_error_recv(fds[0], &r), 1);
    assert_string_equal(r.msg, "mounts (step 7.4): bind /a -> /b: Operation not permitted");
    close(fds[0]);
    close(fds[1]);
}

static void test_clone_flags_leave_cgroup_and_time_to_the_first_process(void **state)
{
    struct rp_ns_plan p = {
        .clone_flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | 0x80 /* NEWTIME */,
    };
    assert_int_equal(rp_ns_clone_flags(&p), CLONE_NEWUSER | CLONE_NEWPID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_env_clear_keeps_only_set_and_pass),
        cmocka_unit_test(test_env_set_wins_over_pass_and_inherited),
        cmocka_unit_test(test_env_clear_with_nothing_is_empty),
        cmocka_unit_test(test_exec_not_found_is_127_and_searches_the_workloads_path),
        cmocka_unit_test(test_exec_not_executable_is_126),
        cmocka_unit_test(test_exec_a_directory_is_126),
        cmocka_unit_test(test_wait_status_is_the_code_or_128_plus_the_signal),
        cmocka_unit_test(test_child_report_names_its_plan_and_step),
        cmocka_unit_test(test_child_report_without_plan_is_the_message_itself),
        cmocka_unit_test(test_clone_flags_leave_cgroup_and_time_to_the_first_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
