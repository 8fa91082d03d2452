/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of the names the format borrows from the system:
 * capabilities, errno names, syscalls, rlimits, namespaced sysctls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "grammar.h"
#include "names.h"

static void test_cap_any_case_with_or_without_prefix(void **state)
{
    assert_int_equal(rp_cap_lookup("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
    assert_int_equal(rp_cap_lookup("sys_admin"), CAP_SYS_ADMIN);
    assert_int_equal(rp_cap_lookup("cap_sys_admin"), CAP_SYS_ADMIN);
    assert_int_equal(rp_cap_lookup("Sys_Admin"), CAP_SYS_ADMIN);
    assert_int_equal(rp_cap_lookup("SYS_ADMIN"), CAP_SYS_ADMIN);
    assert_int_equal(rp_cap_lookup("net_bind_service"), CAP_NET_BIND_SERVICE);
    assert_int_equal(rp_cap_lookup("chown"), CAP_CHOWN);
    assert_int_equal(rp_cap_lookup("Cap_Chown"), CAP_CHOWN);
}

static void test_cap_unknown_names_and_numbers_are_refused(void **state)
{
    assert_int_equal(rp_cap_lookup("sys_admn"), -1);
    assert_int_equal(rp_cap_lookup("cap_"), -1);
    assert_int_equal(rp_cap_lookup(""), -1);
    assert_int_equal(rp_cap_lookup("21"), -1);
    assert_int_equal(rp_cap_lookup("cap_21"), -1);
    /* "all" is a set, not one capability: the parser expands it with the mask. */
    assert_int_equal(rp_cap_lookup("all"), -1);
    assert_int_equal(rp_cap_lookup("sys admin"), -1);
    assert_int_equal(rp_cap_lookup("cap_cap_sys_admin"), -1);
    assert_int_equal(rp_cap_lookup("sys_admin,chown"), -1);
}

static void test_cap_name_is_lower_case_without_prefix(void **state)
{
    assert_string_equal(rp_cap_name(CAP_SYS_ADMIN), "sys_admin");
    assert_string_equal(rp_cap_name(CAP_NET_BIND_SERVICE), "net_bind_service");
    assert_string_equal(rp_cap_name(CAP_CHOWN), "chown");
    assert_null(rp_cap_name(-1));
    assert_null(rp_cap_name(64));
    assert_null(rp_cap_name(63));
    for (int c = 0; c <= CAP_SETFCAP; c++)
        assert_int_equal(rp_cap_lookup(rp_cap_name(c)), c);
}

static void test_cap_all_mask_covers_every_capability_of_the_kernel(void **state)
{
    uint64_t all = rp_cap_all_mask();
    /* Every capability up to CAP_SETFCAP (31) has been in Linux since 2.6.24. */
    assert_true((all & UINT64_C(0xffffffff)) == UINT64_C(0xffffffff));
    assert_true(all & (UINT64_C(1) << CAP_SYS_ADMIN));
    /* The mask is contiguous from bit 0 and has no bit beyond the kernel's. */
    assert_true((all & (all + 1)) == 0);
    assert_true(all != UINT64_MAX);
}

static void test_errno_names_and_numbers(void **state)
{
    assert_int_equal(rp_errno_lookup("EPERM"), EPERM);
    assert_int_equal(rp_errno_lookup("E2BIG"), E2BIG);
    assert_int_equal(rp_errno_lookup("EXDEV"), EXDEV);
    assert_int_equal(rp_errno_lookup("ENOSYS"), ENOSYS);
    assert_int_equal(rp_errno_lookup("EHWPOISON"), EHWPOISON);
    assert_int_equal(rp_errno_lookup("1"), 1);
    assert_int_equal(rp_errno_lookup("38"), 38);
    assert_int_equal(rp_errno_lookup("4094"), 4094);
    assert_int_equal(rp_errno_lookup("4095"), -1);
}

static void test_errno_unknown_zero_and_out_of_range_are_refused(void **state)
{
    assert_int_equal(rp_errno_lookup("0"), -1);
    assert_int_equal(rp_errno_lookup("4096"), -1);
    assert_int_equal(rp_errno_lookup("99999999999999999999"), -1);
    assert_int_equal(rp_errno_lookup("-1"), -1);
    assert_int_equal(rp_errno_lookup("01"), -1);
    assert_int_equal(rp_errno_lookup("1x"), -1);
    assert_int_equal(rp_errno_lookup("eperm"), -1);
    assert_int_equal(rp_errno_lookup("EPERMX"), -1);
    /* Aliases of another name's number are not in the schema's list. */
    assert_int_equal(rp_errno_lookup("EWOULDBLOCK"), -1);
    assert_int_equal(rp_errno_lookup("ENOTSUP"), -1);
    assert_int_equal(rp_errno_lookup("PERM"), -1);
    assert_int_equal(rp_errno_lookup(""), -1);
}

static void test_errno_name_prints_the_primary_name(void **state)
{
    assert_string_equal(rp_errno_name(EPERM), "EPERM");
    assert_string_equal(rp_errno_name(EAGAIN), "EAGAIN");
    assert_string_equal(rp_errno_name(EDEADLK), "EDEADLK");
    assert_string_equal(rp_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
    assert_string_equal(rp_errno_name(EXDEV), "EXDEV");
    assert_null(rp_errno_name(0));
    assert_null(rp_errno_name(4000));
}

static void test_syscalls_resolve_for_the_native_architecture(void **state)
{
    assert_int_equal(rp_syscall_lookup("read"), SYS_read);
    assert_int_equal(rp_syscall_lookup("ptrace"), SYS_ptrace);
    assert_int_equal(rp_syscall_lookup("process_vm_readv"), SYS_process_vm_readv);
    assert_int_equal(rp_syscall_lookup("personality"), SYS_personality);
}

static void test_unknown_syscalls_are_refused(void **state)
{
    assert_true(rp_syscall_lookup("no_such_syscall") < 0);
    assert_true(rp_syscall_lookup("") < 0);
    assert_true(rp_syscall_lookup("READ") < 0);
    assert_true(rp_syscall_lookup("0") < 0);
    assert_true(rp_syscall_lookup("read ") < 0);
#if defined(__x86_64__)
    /* socketcall exists on i386 only: libseccomp knows it, x86_64 does not. */
    assert_true(rp_syscall_lookup("socketcall") < 0);
#endif
}

static void test_syscalls_of_other_architectures_are_named(void **state)
{
    (void)state;
    /* Native names, typos and malformed names have no other architecture. */
    assert_null(rp_syscall_other_arch("read"));
    assert_null(rp_syscall_other_arch("no_such_syscall"));
    assert_null(rp_syscall_other_arch("READ"));
    assert_null(rp_syscall_other_arch(""));
#if defined(__x86_64__)
    assert_non_null(rp_syscall_other_arch("chown32"));
    assert_non_null(rp_syscall_other_arch("socketcall"));
#else
    /* open and arch_prctl: x86_64 has them, aarch64 and arm do not (arm
     * has open, but not arch_prctl). */
    assert_string_equal(rp_syscall_other_arch("arch_prctl"), "x86_64");
#endif
#if defined(__aarch64__)
    assert_string_equal(rp_syscall_other_arch("open"), "x86_64");
    assert_string_equal(rp_syscall_other_arch("epoll_wait"), "x86_64");
#endif
}

static void test_rlimits_by_name(void **state)
{
    const struct {
        const char *name;
        int resource;
    } t[] = {
        {"as", RLIMIT_AS},
        {"core", RLIMIT_CORE},
        {"cpu", RLIMIT_CPU},
        {"data", RLIMIT_DATA},
        {"fsize", RLIMIT_FSIZE},
        {"locks", RLIMIT_LOCKS},
        {"memlock", RLIMIT_MEMLOCK},
        {"msgqueue", RLIMIT_MSGQUEUE},
        {"nice", RLIMIT_NICE},
        {"nofile", RLIMIT_NOFILE},
        {"nproc", RLIMIT_NPROC},
        {"rss", RLIMIT_RSS},
        {"rtprio", RLIMIT_RTPRIO},
        {"rttime", RLIMIT_RTTIME},
        {"sigpending", RLIMIT_SIGPENDING},
        {"stack", RLIMIT_STACK},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        assert_int_equal(rp_rlimit_lookup(t[i].name), t[i].resource);
        assert_string_equal(rp_rlimit_name(t[i].resource), t[i].name);
    }
    assert_int_equal(rp_rlimit_lookup("NOFILE"), -1);
    assert_int_equal(rp_rlimit_lookup("RLIMIT_NOFILE"), -1);
    assert_int_equal(rp_rlimit_lookup("AS"), -1);
    assert_int_equal(rp_rlimit_lookup("files"), -1);
    assert_null(rp_rlimit_name(-1));
}

static void namespaced(const char *key, enum rp_ns_kind want)
{
    enum rp_ns_kind ns = RP_NS_COUNT;
    assert_true(rp_sysctl_is_namespaced(key, &ns));
    assert_int_equal(ns, want);
}

static void test_namespaced_sysctls(void **state)
{
    namespaced("net.core.somaxconn", RP_NS_NET);
    namespaced("net.ipv4.ip_unprivileged_port_start", RP_NS_NET);
    namespaced("net.ipv4.conf.all.forwarding", RP_NS_NET);
    const char *ipc[] = {"kernel.shmmax",          "kernel.shmall",      "kernel.shmmni",
                         "kernel.shm_rmid_forced", "kernel.msgmax",      "kernel.msgmnb",
                         "kernel.msgmni",          "kernel.sem",         "kernel.msg_next_id",
                         "kernel.sem_next_id",     "kernel.shm_next_id", "fs.mqueue.msg_max",
                         "fs.mqueue.queues_max"};
    for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
        namespaced(ipc[i], RP_NS_IPC);
}

static void test_host_wide_sysctls_are_not_namespaced(void **state)
{
    const char *host[] = {"vm.overcommit_memory",
                          "kernel.pid_max",
                          "kernel.hostname",
                          "kernel.shmmax.x",
                          "kernel.shm",
                          "kernel",
                          "net",
                          "net.",
                          "fs.mqueue",
                          "fs.mqueue.",
                          "fs.file-max",
                          "netx.core",
                          "kernel.sem_next",
                          ""};
    for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
        enum rp_ns_kind ns = RP_NS_COUNT;
        assert_false(rp_sysctl_is_namespaced(host[i], &ns));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cap_any_case_with_or_without_prefix),
        cmocka_unit_test(test_cap_unknown_names_and_numbers_are_refused),
        cmocka_unit_test(test_cap_name_is_lower_case_without_prefix),
        cmocka_unit_test(test_cap_all_mask_covers_every_capability_of_the_kernel),
        cmocka_unit_test(test_errno_names_and_numbers),
        cmocka_unit_test(test_errno_unknown_zero_and_out_of_range_are_refused),
        cmocka_unit_test(test_errno_name_prints_the_primary_name),
        cmocka_unit_test(test_syscalls_resolve_for_the_native_architecture),
        cmocka_unit_test(test_unknown_syscalls_are_refused),
        cmocka_unit_test(test_syscalls_of_other_architectures_are_named),
        cmocka_unit_test(test_rlimits_by_name),
        cmocka_unit_test(test_namespaced_sysctls),
        cmocka_unit_test(test_host_wide_sysctls_are_not_namespaced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
