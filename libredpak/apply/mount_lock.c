/* SPDX-License-Identifier: Apache-2.0 */
/* The end of step 7: the node's mounts locked by the kernel.
 *
 * When a mount namespace is copied into a new one owned by a less
 * privileged user namespace, the kernel marks every copied mount
 * MNT_LOCKED, and MNT_LOCK_READONLY, _NODEV, _NOSUID, _NOEXEC, _ATIME for
 * the flags it has (fs/namespace.c: copy_mnt_ns, lock_mnt_tree). It then
 * refuses to unmount such a mount (EINVAL) or to clear those flags (EPERM),
 * whatever the caller's capabilities, keeps the locks on every copy (a new
 * mount namespace, a recursive bind), refuses a non-recursive bind of a
 * mount with locked mounts over it, and refuses a fresh proc or sysfs
 * while the visible one has locked mounts over non-empty directories
 * (mount_too_revealing). So the read-only binds over /proc/sys and the
 * other kernel knobs (mount_proc.c), the read-only binds and the
 * read-only root stay as step 7 left them, even for a workload that keeps
 * CAP_SYS_ADMIN and has no seccomp filter.
 *
 * The first process therefore unshares a user namespace nested in the
 * node's, with a mount namespace, and maps the node's ids onto themselves:
 * ids, file access and capabilities are as before, counted in the nested
 * namespace. Namespaces count capabilities in the user namespace that
 * owns them, the node's for those of step 4: the network, UTS and cgroup
 * namespaces are made again here, owned by the nested one, with the same
 * contents (names and cgroup root copied by the kernel, the loopback and
 * the net sysctls set again), so that CAP_NET_BIND_SERVICE, CAP_NET_ADMIN,
 * sethostname and a cgroup mount still work in them. The IPC namespace
 * stays (the node's /dev/mqueue shows the one it was mounted in), and so
 * does the pid namespace (this process is its init).
 *
 * Only when redwrap made both the user and the mount namespace: with the
 * host's user namespace the workload holds the caller's capabilities over
 * the host (a nested one would take away those it keeps on purpose, over
 * the host's network for one), and a joined one owns namespaces the node
 * shares with others, over which the same would happen.
 *
 * A process that made a user namespace may map only its own id in it; a
 * range needs CAP_SETUID and CAP_SETGID in the parent namespace, from a
 * process there (user_namespaces(7)): a helper forked beforehand, still in
 * the node's namespace with its capabilities, writes the maps. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto_fd.h"
#include "log.h"
#include "mount_lock.h"
#include "ns.h"
#include "read_all.h"
#include "step_message.h"

/* The kernel's limit of 340 lines of at most 33 bytes. */
#define MAP_MAX (340 * 34)

bool rp_mount_lock_wanted(const struct rp_ns_plan *ns)
{
    return ns->ns[RP_NS_USER].mode == RP_NS_NEW && ns->ns[RP_NS_MOUNT].mode == RP_NS_NEW;
}

void rp_mount_lock_close(struct rp_mount_lock *lk)
{
    rp_close_fd(&lk->self_fd);
    rp_close_fd(&lk->sys_fd);
}

int rp_mount_lock_prepare(const struct rp_ns_plan *ns, struct rp_mount_lock *lk,
                          struct rp_error *err)
{
    if (!rp_mount_lock_wanted(ns))
        return 0;
    /* The host's proc names this process by its pid there; the directory
     * fd reaches the maps of whatever user namespace it is in later. */
    lk->self_fd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (lk->self_fd < 0)
        return rp_step_error(err, RP_STEP_MOUNTS, errno, "lock the mounts: open /proc/self");
    lk->sys_fd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (lk->sys_fd < 0)
        return rp_step_error(err, RP_STEP_MOUNTS, errno, "lock the mounts: open /proc/sys");
    return 0;
}

/* "inside outside count" lines of /proc/self/{uid,gid}_map read in the
 * node's namespace become "inside inside count": the same ids, one level
 * down. */
static int identity_map(int self_fd, const char *name, char *out, size_t len)
{
    RP_AUTO_FD int fd = openat(self_fd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    char *text = NULL;
    int r = rp_read_all(fd, MAP_MAX, &text, NULL);
    if (r < 0)
        return r;
    size_t off = 0;
    unsigned long inside, outside, count;
    int used;
    for (char *p = text; sscanf(p, "%lu %lu %lu%n", &inside, &outside, &count, &used) == 3;
         p += used) {
        int w = snprintf(out + off, len - off, "%lu %lu %lu\n", inside, inside, count);
        if (w < 0 || (size_t)w >= len - off) {
            free(text);
            return -ENOSPC;
        }
        off += (size_t)w;
    }
    free(text);
    return off ? 0 : -ENOENT;
}

static int write_map(int self_fd, const char *name, const char *text)
{
    RP_AUTO_FD int fd = openat(self_fd, name, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len)
        return errno ? errno : EIO;
    return 0;
}

/* The helper took the node's next pid: it gives it back, so that the
 * workload is pid 2 as without it. Setting the pid namespace's last pid
 * needs CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE) in its owner, the
 * node's user namespace, where only the helper still is; the pid is free
 * again once the first process has reaped the helper, before any fork. */
static int give_back_pid(int sys_fd)
{
    char text[24];
    int len = snprintf(text, sizeof(text), "%d", (int)getpid() - 1);
    RP_AUTO_FD int fd = openat(sys_fd, "kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, (size_t)len) != len)
        return errno ? errno : EIO;
    return 0;
}

struct helper_args {
    int go_fd, self_fd, sys_fd;
    bool own_pid_ns; /* the node's pid namespace is new: its pid is ours to give back */
    const char *gid_map, *uid_map;
};

/* The helper: waits for the first process to have unshared, writes its
 * maps (gid first, as step 5 does), and exits with 0 or the errno. */
static int helper(const struct helper_args *a)
{
    char go;
    /* The first process died: its own parent ends the node. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || read(a->go_fd, &go, 1) != 1)
        return ECANCELED;
    int e = write_map(a->self_fd, "gid_map", a->gid_map);
    if (!e)
        e = write_map(a->self_fd, "uid_map", a->uid_map);
    if (!e && a->own_pid_ns)
        e = give_back_pid(a->sys_fd);
    return e;
}

static int unshare_flags(const struct rp_ns_plan *ns)
{
    int flags = CLONE_NEWUSER | CLONE_NEWNS;
    if (ns->ns[RP_NS_NET].mode == RP_NS_NEW)
        flags |= CLONE_NEWNET;
    if (ns->ns[RP_NS_UTS].mode == RP_NS_NEW)
        flags |= CLONE_NEWUTS;
    if (ns->ns[RP_NS_CGROUP].mode == RP_NS_NEW)
        flags |= CLONE_NEWCGROUP;
    return flags;
}

/* Unshares, releases the helper, reaps it: no zombie is left under the
 * pid namespace's init. Returns 0 or an errno and what failed. */
static int nest(const struct rp_ns_plan *ns, struct helper_args *a, const char **what)
{
    int go[2];
    if (pipe2(go, O_CLOEXEC) < 0)
        return *what = "pipe", errno;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(go[0]);
        close(go[1]);
        return *what = "fork the helper", e;
    }
    if (pid == 0) {
        close(go[1]);
        a->go_fd = go[0];
        _exit(helper(a));
    }
    close(go[0]);
    int e = 0;
    if (unshare(unshare_flags(ns)) < 0)
        e = errno, *what = "unshare a nested user and mount namespace";
    else if (write(go[1], "1", 1) != 1)
        e = errno, *what = "release the helper";
    close(go[1]); /* EOF: a helper not released exits */
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return e ? e : (*what = "reap the helper", errno);
    if (e)
        return e;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *what = "the helper's write of the nested id maps";
        return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
    }
    return 0;
}

int rp_mount_lock_apply(const struct rp_ns_plan *ns, struct rp_mount_lock *lk, int verbose,
                        struct rp_error *err)
{
    if (!rp_mount_lock_wanted(ns))
        return 0;
    static char uid_map[MAP_MAX], gid_map[MAP_MAX];
    int r = identity_map(lk->self_fd, "uid_map", uid_map, sizeof(uid_map));
    if (r == 0)
        r = identity_map(lk->self_fd, "gid_map", gid_map, sizeof(gid_map));
    if (r < 0) {
        rp_mount_lock_close(lk);
        return rp_step_error(err, RP_STEP_MOUNTS, -r, "lock the mounts: read the node's id maps");
    }
    rp_step_vlog(verbose, RP_STEP_MOUNTS, "lock the mounts: a nested user namespace");
    const char *what = NULL;
    struct helper_args a = {
        .self_fd = lk->self_fd,
        .sys_fd = lk->sys_fd,
        .own_pid_ns = ns->ns[RP_NS_PID].mode == RP_NS_NEW,
        .gid_map = gid_map,
        .uid_map = uid_map,
    };
    int e = nest(ns, &a, &what);
    if (e) {
        rp_mount_lock_close(lk);
        return rp_step_error(err, RP_STEP_MOUNTS, e, "lock the mounts: %s", what);
    }
    r = ns->ns[RP_NS_NET].mode == RP_NS_NEW ? rp_ns_net_again(ns, lk->sys_fd, err) : 0;
    rp_mount_lock_close(lk);
    return r;
}
