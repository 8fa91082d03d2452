/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of the seccomp filter (step 12) and of the learn mode: the
 * built-in default profile, how rules combine, and what a loaded filter
 * does to a process. Filters are loaded in forked children under
 * no_new_privs, which needs no privileges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp_filter.h"
#include "seccomp_learn.h"
#include "seccomp_profile.h"

/* A rule for one syscall; the names live in static storage per call site. */
#define RULE(name, act, ...)                                                                       \
    {                                                                                              \
        .names = {.v = (char *[]){(char *)(name)}, .n = 1}, .action = (act), __VA_ARGS__           \
    }

static struct rp_seccomp_plan plan_of(enum rp_seccomp_action def, int def_errno,
                                      struct rp_seccomp_rule *rules, size_t n)
{
    return (struct rp_seccomp_plan){
        .enabled = true,
        .default_action = def,
        .default_errno = def_errno,
        .rules = rules,
        .n_rules = n,
    };
}

/* Compiles plan, loads it in a child which then runs probe(); returns the
 * child's wait status. */
static int run_filtered(const struct rp_seccomp_plan *plan, int (*probe)(void))
{
    struct rp_error err = {0};
    struct rp_seccomp_prog prog;
    if (rp_seccomp_compile(plan, &prog, &err) < 0)
        fail_msg("compile: %s", err.msg);
    assert_true(prog.len > 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || rp_seccomp_apply(&prog, &err) < 0)
            _exit(100);
        /* Straight to the kernel: a sanitizer's _exit would first run its
         * leak check, whose syscalls the filter may refuse. */
        syscall(SYS_exit_group, probe());
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    rp_seccomp_prog_free(&prog);
    return status;
}

static void assert_exit(int status, int code)
{
    if (!WIFEXITED(status))
        fail_msg("child died of signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    assert_int_equal(WEXITSTATUS(status), code);
}

/* Probes: the errno of one raw syscall (0 when it succeeded). */
static int errno_of(long rc)
{
    return rc < 0 ? errno : 0;
}

static int probe_getppid(void)
{
    return errno_of(syscall(SYS_getppid));
}
#if defined(__x86_64__)
/* The x32 ABI exists only on x86_64; elsewhere the probe would be unused. */
static int probe_x32_getpid(void)
{
    return errno_of(syscall(0x40000000 | SYS_getpid));
}
#endif
static int probe_unshare_user(void)
{
    return errno_of(syscall(SYS_unshare, CLONE_NEWUSER));
}
static int probe_mount(void)
{
    return errno_of(syscall(SYS_mount, "none", "/", "tmpfs", 0, 0));
}
static int probe_clone3(void)
{
    return errno_of(syscall(SYS_clone3, NULL, 0));
}
static int probe_ptrace(void)
{
    return errno_of(syscall(SYS_ptrace, 0 /* TRACEME */, 0, 0, 0));
}

static int probe_clone_newuser(void)
{
    long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0)
        _exit(0);
    if (pid > 0) {
        waitpid((pid_t)pid, NULL, 0);
        return 0;
    }
    return errno;
}

/* ioctl on /dev/null: the filter answers first, else the kernel says ENOTTY. */
static int ioctl_null(unsigned long request)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    char arg[64] = "#";
    return errno_of(syscall(SYS_ioctl, fd, request, arg));
}
static int probe_tiocsti(void)
{
    return ioctl_null(TIOCSTI);
}
#if ULONG_MAX > 0xffffffffUL
/* Bits above the 32 of the request exist only where unsigned long has them. */
static int probe_tiocsti_high_bits(void)
{
    return ioctl_null(1ul << 32 | TIOCSTI);
}
#endif
static int probe_tioclinux(void)
{
    return ioctl_null(TIOCLINUX);
}
static int probe_tcgets(void)
{
    return ioctl_null(TCGETS);
}
static int probe_tiocgwinsz(void)
{
    return ioctl_null(TIOCGWINSZ);
}
static int probe_tiocswinsz(void)
{
    return ioctl_null(TIOCSWINSZ);
}

static int probe_fork_works(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : 2;
}

/* The default base profile with the node's default action errno EPERM. */
static struct rp_seccomp_plan default_profile(struct rp_seccomp_rule **rules)
{
    size_t n;
    const struct rp_seccomp_rule *base = rp_seccomp_base_default(&n);
    *rules = calloc(n, sizeof(**rules));
    assert_non_null(*rules);
    memcpy(*rules, base, n * sizeof(**rules));
    return plan_of(RP_SC_ERRNO, EPERM, *rules, n);
}

static void test_default_profile_names_are_known_to_libseccomp(void **state)
{
    size_t n;
    const struct rp_seccomp_rule *base = rp_seccomp_base_default(&n);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < base[i].names.n; j++)
            if (seccomp_syscall_resolve_name(base[i].names.v[j]) == __NR_SCMP_ERROR)
                fail_msg("libseccomp does not know %s", base[i].names.v[j]);
    /* What every program needs is there on this architecture. */
    const char *basics[] = {"read",       "write",        "openat", "mmap",  "execve",
                            "exit_group", "rt_sigreturn", "futex",  "clone", "socket"};
    for (size_t k = 0; k < sizeof(basics) / sizeof(basics[0]); k++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < base[i].names.n; j++)
                found = found ||
                    (strcmp(base[i].names.v[j], basics[k]) == 0 && base[i].action == RP_SC_ALLOW);
        if (!found || seccomp_syscall_resolve_name(basics[k]) < 0)
            fail_msg("%s is not allowed natively", basics[k]);
    }
}

static void test_default_profile_never_allows_the_dangerous_syscalls(void **state)
{
    const char *dangerous[] = {
        "mount",
        "umount2",
        "fsopen",
        "fsconfig",
        "fsmount",
        "fspick",
        "move_mount",
        "open_tree",
        "mount_setattr",
        "pivot_root",
        "chroot",
        "reboot",
        "kexec_load",
        "kexec_file_load",
        "init_module",
        "finit_module",
        "delete_module",
        "bpf",
        "perf_event_open",
        "add_key",
        "request_key",
        "keyctl",
        "userfaultfd",
        "open_by_handle_at",
        "iopl",
        "ioperm",
        "swapon",
        "swapoff",
        "acct",
        "settimeofday",
        "clock_settime",
        "clock_adjtime",
        "adjtimex",
        "unshare",
        "setns",
        "ptrace",
        "process_vm_readv",
        "process_vm_writev",
        "lookup_dcookie",
        "quotactl",
        "syslog",
        "uselib",
        "vhangup",
        "sysfs",
        "_sysctl",
        "ustat",
        "create_module",
        "get_kernel_syms",
        "query_module",
        "nfsservctl",
        "clone3",
        "io_uring_setup",
    };
    size_t n;
    const struct rp_seccomp_rule *base = rp_seccomp_base_default(&n);
    for (size_t k = 0; k < sizeof(dangerous) / sizeof(dangerous[0]); k++)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < base[i].names.n; j++)
                if (strcmp(base[i].names.v[j], dangerous[k]) == 0 && base[i].action == RP_SC_ALLOW)
                    fail_msg("the default profile allows %s", dangerous[k]);
}

static void test_disabled_plan_compiles_to_no_filter(void **state)
{
    struct rp_seccomp_plan plan = {.enabled = false};
    struct rp_seccomp_prog prog;
    struct rp_error err = {0};
    assert_int_equal(rp_seccomp_compile(&plan, &prog, &err), 0);
    assert_int_equal(prog.len, 0);
    assert_int_equal(rp_seccomp_apply(&prog, &err), 0);
}

/* A node's name of another architecture only is left out of the filter,
 * which still compiles, and redwrap -v names it; the base profile's
 * (no position) are not named. */
static void test_names_of_other_architectures_are_left_out_and_named(void **state)
{
#if defined(__x86_64__)
    const char *other = "chown32";
#else
    const char *other = "arch_prctl";
#endif
    struct rp_seccomp_rule rules[] = {
        RULE(other, RP_SC_ALLOW),
        RULE(other, RP_SC_ALLOW, .pos = {.line = 3, .column = 5}),
        RULE("getppid", RP_SC_ALLOW, .pos = {.line = 4, .column = 5}),
    };
    struct rp_seccomp_plan plan = plan_of(RP_SC_ERRNO, EPERM, rules, 3);
    char *absent = rp_seccomp_absent_names(&plan);
    assert_non_null(absent);
    char want[64];
    snprintf(want, sizeof(want), "%s (", other);
    assert_ptr_equal(strstr(absent, want), absent);
    assert_null(strchr(absent, ',')); /* once: the base rule's is not named */
    free(absent);
    struct rp_seccomp_prog prog;
    struct rp_error err = {0};
    assert_int_equal(rp_seccomp_compile(&plan, &prog, &err), 0);
    assert_true(prog.len > 0);
    rp_seccomp_prog_free(&prog);
    rules[1] = (struct rp_seccomp_rule)RULE("getpid", RP_SC_ALLOW, .pos = {.line = 3});
    assert_null(rp_seccomp_absent_names(&plan));
}

static void test_denied_syscall_returns_its_configured_errno(void **state)
{
    struct rp_seccomp_rule rules[] = {
        RULE("getppid", RP_SC_ERRNO, .errnum = EACCES),
    };
    struct rp_seccomp_plan plan = plan_of(RP_SC_ALLOW, EPERM, rules, 1);
    assert_exit(run_filtered(&plan, probe_getppid), EACCES);
}

static void test_default_errno_answers_what_no_rule_allows(void **state)
{
    struct rp_seccomp_rule rules[] = {
        RULE("exit_group", RP_SC_ALLOW),
        RULE("exit", RP_SC_ALLOW),
    };
    struct rp_seccomp_plan plan = plan_of(RP_SC_ERRNO, ENOTSUP, rules, 2);
    assert_exit(run_filtered(&plan, probe_getppid), ENOTSUP);
}

static void test_kill_process_kills_with_sigsys(void **state)
{
    struct rp_seccomp_rule rules[] = {RULE("getppid", RP_SC_KILL_PROCESS)};
    struct rp_seccomp_plan plan = plan_of(RP_SC_ALLOW, EPERM, rules, 1);
    int status = run_filtered(&plan, probe_getppid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
}

static void test_later_rule_wins_over_an_earlier_one_for_the_same_syscall(void **state)
{
    struct rp_seccomp_rule rules[] = {
        RULE("getppid", RP_SC_ALLOW),                   /* as a base would */
        RULE("getppid", RP_SC_ERRNO, .errnum = ENOENT), /* the node's word */
        RULE("exit_group", RP_SC_ALLOW),
    };
    struct rp_seccomp_plan plan = plan_of(RP_SC_ERRNO, EPERM, rules, 3);
    assert_exit(run_filtered(&plan, probe_getppid), ENOENT);
}

static void test_rule_repeating_the_default_still_overrides_the_base(void **state)
{
    struct rp_seccomp_rule rules[] = {
        RULE("getppid", RP_SC_ALLOW),
        RULE("getppid", RP_SC_ERRNO, .errnum = EPERM), /* = the default */
        RULE("exit_group", RP_SC_ALLOW),
    };
    struct rp_seccomp_plan plan = plan_of(RP_SC_ERRNO, EPERM, rules, 3);
    assert_exit(run_filtered(&plan, probe_getppid), EPERM);
}

static void test_argument_conditions_select_the_calls(void **state)
{
    /* unshare(CLONE_NEWUSER) is refused, unshare(0) is not. */
    struct rp_seccomp_rule rules[] = {
        RULE("unshare", RP_SC_ERRNO, .errnum = EXDEV,
             .args = {{.index = 0,
                       .op = RP_SC_MASKED_EQ,
                       .mask = CLONE_NEWUSER,
                       .value = CLONE_NEWUSER}},
             .n_args = 1),
    };
    struct rp_seccomp_plan plan = plan_of(RP_SC_ALLOW, EPERM, rules, 1);
    assert_exit(run_filtered(&plan, probe_unshare_user), EXDEV);
}

static void test_x32_syscalls_are_killed(void **state)
{
#if defined(__x86_64__)
    /* Without a filter the x32 getpid is answered (or ENOSYS without x32). */
    struct rp_seccomp_rule rules[] = {RULE("getppid", RP_SC_ERRNO, .errnum = EACCES)};
    struct rp_seccomp_plan plan = plan_of(RP_SC_ALLOW, EPERM, rules, 1);
    int status = run_filtered(&plan, probe_x32_getpid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
#else
    skip();
#endif
}

static void test_default_profile_refuses_namespaces_mounts_and_ptrace(void **state)
{
    struct rp_seccomp_rule *rules;
    struct rp_seccomp_plan plan = default_profile(&rules);
    assert_exit(run_filtered(&plan, probe_unshare_user), EPERM);
    assert_exit(run_filtered(&plan, probe_clone_newuser), EPERM);
    assert_exit(run_filtered(&plan, probe_mount), EPERM);
    assert_exit(run_filtered(&plan, probe_ptrace), EPERM);
    free(rules);
}

static void test_default_profile_answers_clone3_with_enosys_and_lets_fork_work(void **state)
{
    struct rp_seccomp_rule *rules;
    struct rp_seccomp_plan plan = default_profile(&rules);
    assert_exit(run_filtered(&plan, probe_clone3), ENOSYS);
    assert_exit(run_filtered(&plan, probe_fork_works), 0);
    free(rules);
}

/* TIOCSTI would type into the host's terminal; the kernel reads the
 * request as 32 bits, so high bits must not get it through either. */
static void test_default_profile_refuses_tiocsti_and_tioclinux_only(void **state)
{
    struct rp_seccomp_rule *rules;
    struct rp_seccomp_plan plan = default_profile(&rules);
    assert_exit(run_filtered(&plan, probe_tiocsti), EPERM);
#if ULONG_MAX > 0xffffffffUL
    assert_exit(run_filtered(&plan, probe_tiocsti_high_bits), EPERM);
#endif
    assert_exit(run_filtered(&plan, probe_tioclinux), EPERM);
    assert_exit(run_filtered(&plan, probe_tcgets), ENOTTY);
    assert_exit(run_filtered(&plan, probe_tiocgwinsz), ENOTTY);
    assert_exit(run_filtered(&plan, probe_tiocswinsz), ENOTTY);
    free(rules);
}

/* Learn mode: the child's syscalls reach the parent, which lets them run. */
static void test_learn_mode_records_the_syscalls_of_the_child_and_its_children(void **state)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    struct rp_error err = {0};
    struct rp_seccomp_prog prog;
    if (rp_seccomp_learn_compile(sv[1], &prog, &err) < 0)
        fail_msg("learn compile: %s", err.msg);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            rp_seccomp_listener_load(&prog, sv[1], "learn filter", &err) < 0)
            _exit(100);
        if (syscall(SYS_getppid) <= 0)
            _exit(101);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            syscall(SYS_getpgid, 0);
            _exit(0);
        }
        waitpid(grandchild, NULL, 0);
        _exit(0);
    }
    close(sv[1]);
    int listener;
    if (rp_seccomp_learn_recv(sv[0], &listener, &err) < 0)
        fail_msg("learn recv: %s", err.msg);
    assert_true(listener >= 0);
    struct rp_seccomp_learned learned = {0};
    for (;;) {
        struct pollfd pfd = {.fd = listener, .events = POLLIN};
        assert_true(poll(&pfd, 1, 10000) > 0);
        if (pfd.revents & POLLIN) {
            if (rp_seccomp_learn_handle(listener, &learned, &err) < 0)
                fail_msg("learn handle: %s", err.msg);
            continue;
        }
        if (pfd.revents & (POLLHUP | POLLERR))
            break;
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_exit(status, 0);
    bool ppid = false, pgid = false, sendmsg_seen = false;
    for (size_t i = 0; i < learned.n; i++) {
        ppid = ppid || learned.nr[i] == SYS_getppid;
        pgid = pgid || learned.nr[i] == SYS_getpgid;
        sendmsg_seen = sendmsg_seen || learned.nr[i] == SYS_sendmsg;
    }
    assert_true(ppid);
    assert_true(pgid);          /* the grandchild's call */
    assert_false(sendmsg_seen); /* the hand-over is redwrap's, not the workload's */

    char path[] = "/tmp/test_seccomp_learn.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    if (rp_seccomp_learn_write(&learned, path, true, &err) < 0)
        fail_msg("learn write: %s", err.msg);
    FILE *f = fopen(path, "r");
    char text[16384];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    text[len] = '\0';
    fclose(f);
    unlink(path);
    assert_non_null(strstr(text, "seccomp:\n  default_action: kill_process\n  base: none\n"));
    assert_non_null(strstr(text, "        - getppid\n"));
    assert_non_null(strstr(text, "        - getpgid\n"));
    assert_non_null(strstr(text, "        - clock_gettime\n")); /* the vDSO's */
    /* sorted */
    assert_true(strstr(text, "- getpgid\n") < strstr(text, "- getppid\n"));
    rp_seccomp_learn_free(&learned);
    rp_seccomp_prog_free(&prog);
    close(listener);
    close(sv[0]);
}

static void test_filter_beyond_the_kernel_limit_is_refused_when_compiled(void **state)
{
    /* Conditions on values that share no half cost instructions of their
     * own: 200 rules of six such conditions need some 4800. (libseccomp
     * takes seconds for more: keep the count near the limit.) */
    enum { N = 200 };
    static char *personality[] = {"personality"};
    struct rp_seccomp_rule *rules = calloc(N, sizeof(*rules));
    assert_non_null(rules);
    for (size_t i = 0; i < N; i++) {
        rules[i] = (struct rp_seccomp_rule){
            .names = {.v = personality, .n = 1},
            .action = RP_SC_ALLOW,
            .n_args = 6,
        };
        for (unsigned a = 0; a < 6; a++) {
            uint64_t v = i * 6 + a + 1;
            rules[i].args[a] = (struct rp_seccomp_arg){
                .index = a,
                .op = RP_SC_EQ,
                .value = v << 32 | v,
            };
        }
    }
    struct rp_seccomp_plan plan = plan_of(RP_SC_ERRNO, EPERM, rules, N);
    struct rp_seccomp_prog prog;
    struct rp_error err = {0};
    assert_int_equal(rp_seccomp_compile(&plan, &prog, &err), -E2BIG);
    assert_non_null(strstr(err.msg, "at most 4096"));
    free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_profile_names_are_known_to_libseccomp),
        cmocka_unit_test(test_default_profile_never_allows_the_dangerous_syscalls),
        cmocka_unit_test(test_disabled_plan_compiles_to_no_filter),
        cmocka_unit_test(test_denied_syscall_returns_its_configured_errno),
        cmocka_unit_test(test_default_errno_answers_what_no_rule_allows),
        cmocka_unit_test(test_kill_process_kills_with_sigsys),
        cmocka_unit_test(test_later_rule_wins_over_an_earlier_one_for_the_same_syscall),
        cmocka_unit_test(test_rule_repeating_the_default_still_overrides_the_base),
        cmocka_unit_test(test_argument_conditions_select_the_calls),
        cmocka_unit_test(test_x32_syscalls_are_killed),
        cmocka_unit_test(test_filter_beyond_the_kernel_limit_is_refused_when_compiled),
        cmocka_unit_test(test_default_profile_refuses_namespaces_mounts_and_ptrace),
        cmocka_unit_test(test_default_profile_answers_clone3_with_enosys_and_lets_fork_work),
        cmocka_unit_test(test_default_profile_refuses_tiocsti_and_tioclinux_only),
        cmocka_unit_test(test_learn_mode_records_the_syscalls_of_the_child_and_its_children),
        cmocka_unit_test(test_names_of_other_architectures_are_left_out_and_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
