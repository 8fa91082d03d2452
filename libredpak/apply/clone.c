/* SPDX-License-Identifier: Apache-2.0 */
/* Step 4: the node's first process, created in its new namespaces and,
 * where the kernel can, directly in its cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto_fd.h"
#include "cgroup.h"
#include "clone.h"
#include "log.h"
#include "ns.h"
#include "step_message.h"
#include "userns.h"
#include "redpak/run.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* struct clone_args of linux/sched.h up to the cgroup field (version 2,
 * Linux 5.7); declared here so the build does not depend on the headers'
 * age. */
struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

/* fork(2) semantics (the child continues here on a copy of the stack)
 * with namespace flags: clone3 with no stack behaves like fork. */
static pid_t sys_clone3(int flags, int cgroup_fd)
{
    struct clone_args_v2 args = {.flags = (uint64_t)(unsigned)flags, .exit_signal = SIGCHLD};
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
    }
    return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* Returns the pid (0 in the child); *in_cgroup tells the parent whether the
 * kernel already placed the child in the cgroup. */
static pid_t clone_node(int flags, int cgroup_fd, bool *in_cgroup, struct rp_error *err)
{
    pid_t pid = -1;
    *in_cgroup = false;
    if (cgroup_fd >= 0) {
        /* CLONE_INTO_CGROUP: the process never runs outside its cgroup, not
         * even for the instant between clone and a write to cgroup.procs. */
        pid = sys_clone3(flags, cgroup_fd);
        if (pid >= 0) {
            *in_cgroup = true;
            return pid;
        }
        /* Before 5.7 (E2BIG, EINVAL, ENOSYS), or a cgroup that refuses the
         * process: clone without it and let cgroup.procs say why. */
    }
    pid = sys_clone3(flags, -1);
    if (pid < 0 && errno == ENOSYS)
        pid = (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
    if (pid < 0) {
        int e = errno;
        rp_step_error(err, RP_STEP_CLONE, e, "clone the first process (flags 0x%x)",
                      (unsigned)flags);
        if ((flags & CLONE_NEWUSER) && (e == EPERM || e == ENOSPC || e == EUSERS || e == EACCES))
            rp_userns_explain(err);
        return err->code;
    }
    return pid;
}

/* The fallback of CLONE_INTO_CGROUP. The child is still waiting to be
 * released, so it is in the cgroup before it runs any of the node. */
static int attach_to_cgroup(const struct rp_cgroup_plan *plan, const struct rp_cgroup_run *cg,
                            pid_t pid, int verbose, struct rp_error *err)
{
    char text[32];
    int len = snprintf(text, sizeof(text), "%d\n", (int)pid);
    RP_AUTO_FD int fd = openat(cg->dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
    int ok = fd >= 0 && write(fd, text, (size_t)len) == len;
    int e = errno;
    if (ok) {
        rp_vlog(verbose,
                "cgroup: moved the first process into %s/cgroup.procs (clone3 could "
                "not place it there)",
                cg->path ? cg->path : "the node's cgroup");
        return 0;
    }
    if (!plan->required) {
        rp_log("warning: cgroup: cannot move the node into %s/cgroup.procs (%s); it runs "
               "without its own cgroup",
               cg->path ? cg->path : "its cgroup", strerror(e));
        return 0;
    }
    return rp_step_error(err, RP_STEP_CLONE, e, "move the first process into %s/cgroup.procs",
                         cg->path ? cg->path : "the node's cgroup");
}

/* What the helper of clone_joined tells the parent. */
struct spawn_msg {
    pid_t pid; /* > 0: the first process */
    bool in_cgroup;
    struct rp_error err;
};

/* Namespaces given by path are joined by a helper that clones the first
 * process from inside them and exits at once: redwrap itself never
 * changes namespaces (it must still reach the host's cgroups and /proc
 * at teardown). redwrap is a child subreaper, so the first process,
 * orphaned when the helper exits, becomes redwrap's child. */
static pid_t clone_joined(const struct rp_ns_plan *plan, int cgroup_fd, bool *in_cgroup,
                          struct rp_error *err)
{
    int msg[2];
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        return rp_step_error(err, RP_STEP_CLONE, errno, "become a child subreaper");
    if (pipe2(msg, O_CLOEXEC) < 0)
        return rp_step_error(err, RP_STEP_CLONE, errno, "pipe");
    pid_t helper = fork();
    if (helper < 0) {
        close(msg[0]);
        close(msg[1]);
        return rp_step_error(err, RP_STEP_CLONE, errno, "fork");
    }
    if (helper == 0) {
        /* The helper: a forked child ends with _exit, never returning
         * into the caller's code, except as the first process. */
        struct spawn_msg m = {0};
        close(msg[0]);
        if (rp_ns_join(plan, &m.err) == 0) {
            m.pid = clone_node(rp_ns_clone_flags(plan), cgroup_fd, &m.in_cgroup, &m.err);
            if (m.pid == 0) {
                close(msg[1]);
                return 0;
            }
        }
        if (write(msg[1], &m, sizeof(m)) != (ssize_t)sizeof(m))
            _exit(RP_EXIT_SETUP_FAILED);
        _exit(0);
    }
    close(msg[1]);
    struct spawn_msg m = {0};
    ssize_t n;
    do
        n = read(msg[0], &m, sizeof(m));
    while (n < 0 && errno == EINTR);
    close(msg[0]);
    while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
        ;
    if (n != (ssize_t)sizeof(m))
        return rp_step_error(err, RP_STEP_CLONE, EPROTO,
                             "the helper that joins namespaces ended without a word");
    if (m.pid <= 0) {
        *err = m.err;
        return err->code;
    }
    *in_cgroup = m.in_cgroup;
    return m.pid;
}

pid_t rp_clone_apply(const struct rp_ns_plan *ns, const struct rp_cgroup_plan *cgroup,
                     const struct rp_cgroup_run *cg, int verbose, struct rp_error *err)
{
    bool in_cgroup = false;
    pid_t pid = rp_ns_has_joins(ns) ? clone_joined(ns, cg->dirfd, &in_cgroup, err)
                                    : clone_node(rp_ns_clone_flags(ns), cg->dirfd, &in_cgroup, err);
    if (pid <= 0 || in_cgroup || cg->dirfd < 0)
        return pid;
    int r = attach_to_cgroup(cgroup, cg, pid, verbose, err);
    if (r < 0) {
        /* Not released yet: it has run nothing of the node. */
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return r;
    }
    return pid;
}
