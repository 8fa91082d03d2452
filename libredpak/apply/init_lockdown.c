/* SPDX-License-Identifier: Apache-2.0 */
/* The node's init, locked down once the workload runs. Init starts as the
 * node's first process: uid 0 of the node with every capability of its
 * user namespace, redwrap's memory (its arguments, its environment, the
 * plan) and no seccomp filter. Its job afterwards (reap, forward signals,
 * kill(-1) at a stop) needs none of that, and a workload that could run
 * code as init would get all of it. So init gives it up, in this order:
 *
 * 1. Before the workload starts (rp_init_seal): non-dumpable, so that
 *    nothing of the node can open its memory; redwrap's argument and
 *    environment strings overwritten (/proc/1/cmdline, /proc/1/environ).
 *    Both before the workload exists: no moment when it could read them.
 * 2. After the workload's execve (rp_init_lockdown): every capability but
 *    CAP_KILL leaves every set, the securebits are locked, then
 *    no_new_privs and a filter that allows the loop's syscalls only. The
 *    capabilities cannot go earlier: the workload's process starts with
 *    init's and takes from them what the node keeps.
 *
 * The filter goes last: it refuses what the steps before it call (capset,
 * prctl), and no_new_privs lets the kernel load it without CAP_SYS_ADMIN,
 * which init has just dropped. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc.h"
#include "auto_fd.h"
#include "error_internal.h"
#include "init_lockdown.h"

int rp_init_memory_find(struct rp_init_memory *m, struct rp_error *err)
{
    char buf[1024];
    RP_AUTO_FD int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rp_error_set(err, errno, "init: read /proc/self/stat");
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return rp_error_set(err, n < 0 ? errno : EIO, "init: read /proc/self/stat");
    buf[n] = '\0';
    /* Field 2, the command, is in parentheses and may hold spaces: count
     * from its closing one. */
    char *p = strrchr(buf, ')');
    for (int field = 2; p && field < 48; field++)
        p = strchr(p + 1, ' ');
    unsigned long long v[4];
    if (!p || sscanf(p, " %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3]) != 4 || v[1] < v[0] ||
        v[3] < v[2])
        return rp_error_set(err, EINVAL,
                            "init: /proc/self/stat has no argument and "
                            "environment addresses (fields 48-51)");
    *m =
        (struct rp_init_memory){(uintptr_t)v[0], (uintptr_t)v[1], (uintptr_t)v[2], (uintptr_t)v[3]};
    return 0;
}

/* ptrace_may_access(), which /proc/PID/mem, environ, maps and ptrace
 * itself go through, lets a same-uid caller (or one with CAP_SYS_PTRACE in
 * the target's user namespace: the node's root) at a target's memory only
 * while the target is dumpable; a non-dumpable one takes CAP_SYS_PTRACE in
 * the user namespace that owns its memory (mm->user_ns). Init is a fork of
 * redwrap, whose memory was made by execve on the host: its owner is the
 * host's initial user namespace, where the node holds nothing. Dumpability
 * belongs to the memory: the workload's process shares init's until its
 * execve, which gives it memory of its own and its own dumpability. The
 * kernel also makes init's /proc files the host root's. */
static int unpeekable(struct rp_error *err)
{
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return rp_error_set(err, errno, "init: PR_SET_DUMPABLE");
    return 0;
}

char **rp_init_argv_copy(char *const *argv)
{
    size_t n = 0;
    while (argv[n])
        n++;
    char **copy = calloc(n + 1, sizeof(*copy));
    for (size_t i = 0; copy && i < n; i++) {
        copy[i] = strdup(argv[i]);
        if (!copy[i]) {
            while (i-- > 0)
                free(copy[i]);
            free(copy);
            copy = NULL;
        }
    }
    return copy;
}

/* The kernel reads /proc/PID/cmdline and environ from these ranges of the
 * process's memory (fs/proc/base.c), which hold redwrap's command line
 * (the node file's host path, every --set) and its whole environment,
 * whatever env.clear gave the workload. They are overwritten in place;
 * cmdline then reads "init" and NUL bytes, environ only NUL bytes. Moving
 * the ranges instead (prctl PR_SET_MM) is refused to the node:
 * PR_SET_MM_ARG_START and its kin need CAP_SYS_RESOURCE in the host's
 * initial user namespace, and PR_SET_MM_MAP exists only with
 * CONFIG_CHECKPOINT_RESTORE and restates the whole memory map. Nothing
 * reads them afterwards: the workload's environment and arguments are
 * copies (rp_process_env, rp_init_argv_copy). */
static void clear_strings(const struct rp_init_memory *m)
{
    static const char name[] = "init";
    if (m->env_end > m->env_start)
        memset((void *)m->env_start, 0, m->env_end - m->env_start);
    size_t len = m->arg_end - m->arg_start;
    if (len == 0)
        return;
    memset((void *)m->arg_start, 0, len);
    if (len > sizeof(name))
        memcpy((void *)m->arg_start, name, sizeof(name));
}

static void free_caps(cap_t *caps)
{
    if (*caps)
        cap_free(*caps);
}

/* Every capability leaves every set but CAP_KILL, which stays permitted
 * and effective. Init signals the workload (forwarded signals) and every
 * process of the node (kill(-1) at a stop with wait: all), and the kernel
 * lets a signal through only when the sender's uid or euid is the target's
 * uid or saved uid, or the sender has CAP_KILL in the target's user
 * namespace (kill_ok_by_cred). Init stays uid 0 of the node; a workload of
 * another uid (Redis as redis), or any process of the node that changed
 * its uid, would be out of its reach without CAP_KILL, and a stop would
 * leave them running. Taking the workload's uid instead would fix one uid,
 * not the others. CAP_KILL reaches the node's user namespace and those
 * below it only: nothing of the host.
 *
 * Dropping from the bounding set and setting the securebits take
 * CAP_SETPCAP; a first process that has none (namespaces.user: host,
 * started by a user) has nothing to drop from, and exec, the only thing
 * the bounding set and securebits act on, is refused by init's filter. */
static int drop_caps(struct rp_error *err)
{
    cap_t caps __attribute__((cleanup(free_caps))) = cap_get_proc();
    if (!caps)
        return rp_error_set(err, errno, "init: read the capability sets");
    cap_flag_value_t setpcap = CAP_CLEAR, kill_cap = CAP_CLEAR;
    cap_get_flag(caps, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap);
    cap_get_flag(caps, CAP_KILL, CAP_PERMITTED, &kill_cap);
    if (setpcap == CAP_SET) {
        /* Root gains nothing at exec, uid changes keep no capability, the
         * ambient set stays empty, each one locked. */
        unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
            SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
            SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
        if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
            return rp_error_set(err, errno, "init: PR_SET_SECUREBITS");
        for (int cap = 0; cap < cap_max_bits(); cap++)
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
                return rp_error_set(err, errno, "init: drop capability %d from the bounding set",
                                    cap);
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return rp_error_set(err, errno, "init: clear the ambient set");
    cap_t kept __attribute__((cleanup(free_caps))) = cap_init();
    cap_value_t keep[] = {CAP_KILL};
    if (!kept ||
        (kill_cap == CAP_SET &&
         (cap_set_flag(kept, CAP_PERMITTED, 1, keep, CAP_SET) < 0 ||
          cap_set_flag(kept, CAP_EFFECTIVE, 1, keep, CAP_SET) < 0)) ||
        cap_set_proc(kept) < 0)
        return rp_error_set(err, errno, "init: drop the capabilities");
    return 0;
}

/* What init calls from here to its exit: reading its signalfd (after
 * making it, with the descriptors above 2 closed), poll, reaping, kill,
 * getpgid/getpgrp (whether the workload already has a terminal's signal),
 * trim.c's madvise and malloc_trim (brk, munmap), exit. Both variants
 * where the architecture has two. */
static const long init_syscalls[] = {
    SYS_read,
    SYS_close_range,
    SYS_signalfd4,
    SYS_wait4,
    SYS_waitid,
    SYS_kill,
    SYS_getpgid,
    SYS_madvise,
    SYS_brk,
    SYS_munmap,
    SYS_rt_sigreturn,
    SYS_exit_group,
    SYS_exit,
    SYS_ppoll,
#ifdef SYS_restart_syscall
    SYS_restart_syscall,
#endif
#ifdef SYS_poll
    SYS_poll,
#endif
#ifdef SYS_ppoll_time64
    SYS_ppoll_time64,
#endif
#ifdef SYS_getpgrp
    SYS_getpgrp,
#endif
};

/* x32 shares x86_64's audit arch, with bit 30 set in the number. */
#ifdef __x86_64__
#define X32_CHECK 1
#else
#define X32_CHECK 0
#endif
/* Instructions before the list (arch, its check, nr, the x32 check) and
 * after it (EPERM, allow, kill). */
enum { FILTER_HEAD = 3 + X32_CHECK, FILTER_TAIL = 3 };

static struct sock_filter jump(uint32_t code, uint32_t k, size_t at, size_t t, size_t f)
{
    /* Jump offsets count from the instruction after this one. */
    return (struct sock_filter)BPF_JUMP(code, k, (uint8_t)(t ? t - at - 1 : 0),
                                        (uint8_t)(f ? f - at - 1 : 0));
}

/* init's filter, by hand: a fixed allow-list needs no compiler, and init
 * builds it from constants without allocating. Another ABI than the
 * native one (i386 or x32 calls on x86_64) kills; a syscall outside the
 * list answers EPERM: init's loop goes on if libc ever takes another path,
 * and a refused call gives nothing. */
static size_t init_filter(struct sock_filter *f)
{
    const size_t list = ARRAY_LEN(init_syscalls);
    const size_t deny = FILTER_HEAD + list, allow = deny + 1, kill = allow + 1;
    size_t n = 0;
    f[n++] =
        (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    f[n] = jump(BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native(), n, 0, kill);
    n++;
    f[n++] =
        (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    if (X32_CHECK) {
        f[n] = jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, n, kill, 0);
        n++;
    }
    for (size_t i = 0; i < list; i++, n++)
        f[n] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)init_syscalls[i], n, allow, 0);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    return n;
}

static int load_filter(struct rp_error *err)
{
    struct sock_filter f[FILTER_HEAD + ARRAY_LEN(init_syscalls) + FILTER_TAIL];
    struct sock_fprog prog = {.len = (unsigned short)init_filter(f), .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return rp_error_set(err, errno, "init: PR_SET_NO_NEW_PRIVS");
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        return rp_error_set(err, errno, "init: load its seccomp filter");
    return 0;
}

int rp_init_seal(const struct rp_init_memory *m, struct rp_error *err)
{
    if (unpeekable(err) < 0)
        return err->code;
    clear_strings(m);
    return 0;
}

int rp_init_lockdown(struct rp_error *err)
{
    if (drop_caps(err) < 0 || load_filter(err) < 0)
        return err->code;
    return 0;
}
