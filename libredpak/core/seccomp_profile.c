/* SPDX-License-Identifier: Apache-2.0 */
/* The `default` seccomp base profile.
 *
 * Reference: Docker's default profile, moby/moby profiles/seccomp/default.json
 * (https://github.com/moby/moby/blob/master/profiles/seccomp/default.json),
 * read in its 2023 form. We take its shape: default action errno EPERM, an
 * allow-list of ordinary syscalls, socket() without AF_VSOCK, personality()
 * limited to the harmless personas, clone() without namespace flags and
 * clone3() answering ENOSYS. We differ where moby's rules depend on the
 * container's capabilities (we have no such conditions: a node that needs
 * one of those syscalls names it in its own rules) and where we are
 * stricter; docs/security-seccomp.md lists each difference and why.
 *
 * Left out, so the node's default action answers them (EPERM unless the
 * node says otherwise): the mount API (mount, umount2, fsopen, fsconfig,
 * fsmount, fspick, move_mount, open_tree, mount_setattr), pivot_root,
 * chroot, reboot, kexec_load, kexec_file_load, init_module, finit_module,
 * delete_module, bpf, perf_event_open, add_key, request_key, keyctl,
 * userfaultfd, open_by_handle_at, iopl, ioperm, swapon, swapoff, acct,
 * settimeofday, stime, clock_settime, clock_adjtime, adjtimex, unshare,
 * setns, sethostname, setdomainname, ptrace, process_vm_readv,
 * process_vm_writev, kcmp, pidfd_getfd, process_madvise, lookup_dcookie,
 * nfsservctl, quotactl, quotactl_fd, syslog, uselib, vhangup, sysfs,
 * _sysctl, create_module, get_kernel_syms, query_module, ustat,
 * fanotify_init, io_uring_setup, io_uring_enter, io_uring_register,
 * mbind, set_mempolicy, get_mempolicy, move_pages, migrate_pages; and
 * ioctl's TIOCSTI and TIOCLINUX requests. */
#include <sched.h>
#include <stdint.h>

#include "seccomp_profile.h"

/* One rule's name list; the positions are zero (the profile has no file). */
#define COUNT(...) (sizeof((char *[]){__VA_ARGS__}) / sizeof(char *))
#define NAMES(...)                                                                                 \
    {                                                                                              \
        .v = (char *[]){__VA_ARGS__}, .pos = (struct rp_pos[COUNT(__VA_ARGS__)]){{0}},             \
        .n = COUNT(__VA_ARGS__),                                                                   \
    }

/* clone() flags that make a namespace. CLONE_NEWTIME is missing on
 * purpose: in clone()'s first argument its bit (0x80) belongs to the exit
 * signal, the kernel only takes it from unshare() and clone3(), both of
 * which are refused here. */
#define NS_CLONE_FLAGS                                                                             \
    (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |     \
     CLONE_NEWCGROUP)

#define AF_VSOCK_NUMBER 40 /* <sys/socket.h> names it AF_VSOCK; pinned here */

/* personality(): Linux, Linux32 (for 32-bit uname), UNAME26 with either,
 * and 0xffffffff, which only queries. */
#define PERSONA(v)                                                                                 \
    {                                                                                              \
        .names = NAMES("personality"), .action = RP_SC_ALLOW,                                      \
        .args = {{.index = 0, .op = RP_SC_EQ, .value = (v)}}, .n_args = 1,                         \
    }

/* ioctl() for every request but TIOCSTI (0x5412), which pushes bytes into
 * the input of a terminal the node shares with the host's shell (they run
 * there when the node ends: an escape, as bubblewrap's CVE-2017-5226), and
 * TIOCLINUX (0x541c), which pastes on a virtual console. The kernel reads
 * the request as 32 bits: a filter comparing 64 would let 1 << 32 | 0x5412
 * through. And libseccomp takes one comparison per argument in a rule, so
 * "low 32 bits not one of the two" is written as the rules one of which
 * any other request matches: a bit the two share, set differently (bits 0
 * and 4-31), or bits 1-3 (where 0x5412 has 001 and 0x541c 110) set to one
 * of the six other patterns. The rest gets the default action. */
#define TIOCSTI_NUMBER 0x5412
#define IOCTL_BIT(b)                                                                               \
    {                                                                                              \
        .names = NAMES("ioctl"), .action = RP_SC_ALLOW,                                            \
        .args = {{.index = 1,                                                                      \
                  .op = RP_SC_MASKED_EQ,                                                           \
                  .mask = 1ull << (b),                                                             \
                  .value = ~(uint64_t)TIOCSTI_NUMBER & (1ull << (b))}},                            \
        .n_args = 1,                                                                               \
    }
#define IOCTL_BITS_1_3(v)                                                                          \
    {                                                                                              \
        .names = NAMES("ioctl"), .action = RP_SC_ALLOW,                                            \
        .args = {{.index = 1, .op = RP_SC_MASKED_EQ, .mask = 0xe, .value = (v)}}, .n_args = 1,     \
    }

static const struct rp_seccomp_rule base_default[] = {
    {
        .names = NAMES(
            "accept", "accept4", "access", "alarm", "arch_prctl", "bind", "brk", "capget", "capset",
            "chdir", "chmod", "chown", "chown32", "clock_getres", "clock_getres_time64",
            "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64",
            "close", "close_range", "connect", "copy_file_range", "creat", "dup", "dup2", "dup3",
            "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
            "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve",
            "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
            "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown",
            "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr",
            "flock", "fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64",
            "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_time64",
            "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
            "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
            "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
            "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit",
            "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt",
            "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr",
            "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel",
            "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get",
            "ioprio_set", "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule",
            "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr",
            "link", "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr",
            "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "membarrier", "memfd_create",
            "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2",
            "mlockall", "mmap", "mmap2", "modify_ldt", "mprotect", "mq_getsetattr", "mq_notify",
            "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
            "mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd",
            "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep",
            "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open",
            "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect",
            "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
            "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2",
            "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
            "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat",
            "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
            "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
            "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr",
            "sched_getparam", "sched_get_priority_max", "sched_get_priority_min",
            "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
            "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
            "sched_yield", "seccomp", "select", "semctl", "semget", "semop", "semtimedop",
            "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto",
            "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
            "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
            "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32",
            "setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area",
            "set_tid_address", "setuid", "setuid32", "setxattr", "shmat", "shmctl", "shmdt",
            "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask",
            "sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
            "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs",
            "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun",
            "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
            "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
            "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask",
            "uname", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes",
            "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev"),
        .action = RP_SC_ALLOW,
    },
    /* Every address family but AF_VSOCK, which reaches the hypervisor. */
    {
        .names = NAMES("socket"),
        .action = RP_SC_ALLOW,
        .args = {{.index = 0, .op = RP_SC_NE, .value = AF_VSOCK_NUMBER}},
        .n_args = 1,
    },
    PERSONA(0x0),
    PERSONA(0x8),
    PERSONA(0x20000),
    PERSONA(0x20008),
    PERSONA(0xffffffff),
    IOCTL_BIT(0),
    IOCTL_BIT(4),
    IOCTL_BIT(5),
    IOCTL_BIT(6),
    IOCTL_BIT(7),
    IOCTL_BIT(8),
    IOCTL_BIT(9),
    IOCTL_BIT(10),
    IOCTL_BIT(11),
    IOCTL_BIT(12),
    IOCTL_BIT(13),
    IOCTL_BIT(14),
    IOCTL_BIT(15),
    IOCTL_BIT(16),
    IOCTL_BIT(17),
    IOCTL_BIT(18),
    IOCTL_BIT(19),
    IOCTL_BIT(20),
    IOCTL_BIT(21),
    IOCTL_BIT(22),
    IOCTL_BIT(23),
    IOCTL_BIT(24),
    IOCTL_BIT(25),
    IOCTL_BIT(26),
    IOCTL_BIT(27),
    IOCTL_BIT(28),
    IOCTL_BIT(29),
    IOCTL_BIT(30),
    IOCTL_BIT(31),
    IOCTL_BITS_1_3(0x0),
    IOCTL_BITS_1_3(0x4),
    IOCTL_BITS_1_3(0x6),
    IOCTL_BITS_1_3(0x8),
    IOCTL_BITS_1_3(0xa),
    IOCTL_BITS_1_3(0xe),
    /* fork()-like clones and threads; any namespace flag falls to the default. */
    {
        .names = NAMES("clone"),
        .action = RP_SC_ALLOW,
        .args = {{.index = 0, .op = RP_SC_MASKED_EQ, .value = 0, .mask = NS_CLONE_FLAGS}},
        .n_args = 1,
    },
    /* clone3() passes its flags in memory, where seccomp cannot look.
     * ENOSYS makes glibc fall back to clone(), whose flags are checked. */
    {
        .names = NAMES("clone3"),
        .action = RP_SC_ERRNO,
        .errnum = 38 /* ENOSYS */,
    },
};

/* TIOCSTI pushes bytes into the input of the terminal, TIOCLINUX (0x541c)
 * pastes the selection of a virtual console: both make the caller's shell
 * run what the node typed once the node ends. Refused in every filter,
 * whatever the node's rules: they are a filter of their own (see
 * rp_seccomp_plan.terminal), because libseccomp, given an unconditional
 * rule and a conditional one for the same syscall, keeps the unconditional
 * one alone (an ioctl allowed outright would drop these). The kernel reads
 * the request as 32 bits: the mask leaves the upper half out, so
 * 1 << 32 | 0x5412 is refused too. */
#define TIOCLINUX_NUMBER 0x541c
#define TERMINAL_RULE(request)                                                                     \
    {                                                                                              \
        .names = NAMES("ioctl"), .action = RP_SC_ERRNO, .errnum = 1 /* EPERM */,                   \
        .args = {{.index = 1, .op = RP_SC_MASKED_EQ, .mask = 0xffffffffu, .value = (request)}},    \
        .n_args = 1,                                                                               \
    }

static const struct rp_seccomp_rule terminal_rules[] = {
    TERMINAL_RULE(TIOCSTI_NUMBER),
    TERMINAL_RULE(TIOCLINUX_NUMBER),
};

const struct rp_seccomp_rule *rp_seccomp_terminal_rules(size_t *n)
{
    *n = sizeof(terminal_rules) / sizeof(terminal_rules[0]);
    return terminal_rules;
}

const struct rp_seccomp_rule *rp_seccomp_base_default(size_t *n)
{
    *n = sizeof(base_default) / sizeof(base_default[0]);
    return base_default;
}
