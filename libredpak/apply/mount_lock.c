/* SPDX-License-Identifier: Apache-2.0 */
/* A nested build: the node's mounts locked by the kernel, and the node's
 * user namespace a direct view of host ids.
 *
 * When a mount namespace is copied into a new one owned by another user
 * namespace, the kernel marks every copied mount MNT_LOCKED, and
 * MNT_LOCK_READONLY, _NODEV, _NOSUID, _NOEXEC, _ATIME for the flags it has
 * (fs/namespace.c: copy_mnt_ns, lock_mnt_tree). It then refuses to unmount
 * such a mount (EINVAL) or to clear those flags (EPERM), whatever the
 * caller's capabilities, keeps the locks on every copy (a new mount
 * namespace, a recursive bind), refuses a non-recursive bind of a mount
 * with locked mounts over it, and refuses a fresh proc or sysfs while the
 * visible one has locked mounts over non-empty directories
 * (mount_too_revealing). So the read-only binds over /proc/sys and the
 * other kernel knobs (mount_proc.c), the read-only binds and the read-only
 * root stay as step 7 left them, even for a workload that keeps
 * CAP_SYS_ADMIN and has no seccomp filter.
 *
 * So the node is built in two user namespaces, when redwrap makes both
 * the user and the mount namespace:
 *
 *   outer  made by the clone of step 4, with the pid, mount and IPC
 *          namespaces. Its maps (written by the parent, userns.c,
 *          RP_MAP_OUTER) map each host id the node's maps use onto
 *          itself, nothing else: the first process builds step 7 there,
 *          as the host id of the node's uid 0, so what it creates has the
 *          owner the node sees as root, and its capabilities reach no
 *          file of another host id (capable_wrt_inode_uidgid).
 *   node   a child of the outer one with the node's own maps. Written from
 *          the outer namespace, whose ids are host ids, its
 *          /proc/self/uid_map reads as the host's view: "0 524288 65536".
 *          The first process enters it after step 7 and unshares the mount
 *          namespace (the copy is locked) with the UTS, IPC and cgroup
 *          ones, and enters the network one the holder made with it: all
 *          owned by the node's namespace so that
 *          CAP_NET_ADMIN, CAP_NET_BIND_SERVICE and sethostname work there
 *          and the node's root owns their sysctls (the kernel gives a
 *          namespace's sysctl files to the uid 0 of its owner, which the
 *          outer namespace does not map). /dev/mqueue is mounted then,
 *          for the new IPC namespace (step 7 made its mount point).
 *
 * The pid namespace stays the outer one's: a proc is mounted for it in
 * step 7. Its owner being the outer namespace, the workload can mount no
 * proc of its own, nor set the pid namespace's last pid.
 *
 * The node's user namespace is made before step 7 (rp_mount_lock_prepare)
 * because the parent's idmapped binds need it, and the network namespace
 * with it because the parent connects it (pasta, veth: net.c) before the
 * node runs: a process cloned into both holds them while the first
 * process writes the maps and the parent does its part, then exits. Its
 * pid was the node's next one; the first process gives it back. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto_fd.h"
#include "log.h"
#include "mount.h"
#include "mount_lock.h"
#include "ns.h"
#include "read_all.h"
#include "step_message.h"
#include "userns.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

bool rp_mount_lock_wanted(const struct rp_ns_plan *ns)
{
    return ns->ns[RP_NS_USER].mode == RP_NS_NEW && ns->ns[RP_NS_MOUNT].mode == RP_NS_NEW;
}

uint32_t rp_mount_lock_build_id(const struct rp_ns_plan *ns, uint32_t base, bool gid, uint32_t id)
{
    if (!rp_mount_lock_wanted(ns))
        return id;
    return gid ? rp_userns_host_id(ns->gid_map, ns->n_gid_map, base, ns->private_gid_range, id)
               : rp_userns_host_id(ns->uid_map, ns->n_uid_map, base, ns->private_uid_range, id);
}

int rp_mount_lock_become_owner(const struct rp_ns_plan *ns, uint32_t base, struct rp_error *err)
{
    if (!ns->become_root)
        return 0;
    uint32_t uid = rp_mount_lock_build_id(ns, base, false, 0);
    uint32_t gid = rp_mount_lock_build_id(ns, base, true, 0);
    if (uid == (uint32_t)-1 || gid == (uint32_t)-1)
        return rp_step_error(err, RP_STEP_ID_MAPS, EINVAL,
                             "a root-started node needs uid and gid 0 in its maps");
    /* Host root's supplementary groups are unmapped here. 0 is not mapped
     * in the outer namespace of a private range, so the kernel sees no
     * change from or to root in what follows and keeps the capabilities
     * (cap_emulate_setxuid); gid before uid, while the uid may still change
     * the gid. */
    if (setgroups(0, NULL) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "setgroups to none");
    if (setresgid(gid, gid, gid) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno,
                             "become host gid %u, the node's gid 0, to build its root", gid);
    if (setresuid(uid, uid, uid) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno,
                             "become host uid %u, the node's uid 0, to build its root", uid);
    /* The change of euid cleared the dumpable flag, as for a set-uid
     * program; the first process stays as it was (init_lockdown.c decides
     * what init becomes). */
    if (prctl(PR_SET_DUMPABLE, 1) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "PR_SET_DUMPABLE");
    return 0;
}

/* The process that holds the node's user namespace until its maps are
 * written: it shares our memory (no page table copied) and returns at EOF. */
static int hold(void *arg)
{
    const int *go = arg;
    char c;
    /* Its copy of the write end would keep the pipe from ever ending. */
    close(go[1]);
    return (int)read(go[0], &c, 1) < 0;
}

/* The pid of pidfd's process in the host's pid namespace: the one of the
 * proc mounted at /proc (fdinfo counts in its proc's namespace), where
 * this process, still in the host's mount tree, opens the maps. */
static pid_t host_pid(int pidfd)
{
    char path[64], *text = NULL;
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
    RP_AUTO_FD int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || rp_read_all(fd, 4096, &text, NULL) < 0)
        return -1;
    const char *p = strstr(text, "\nPid:");
    long pid = p ? strtol(p + 5, NULL, 10) : -1;
    free(text);
    return pid > 0 ? (pid_t)pid : -1;
}

/* Opens /proc/PID/ns/NAME of the holder into *fd. */
static int open_ns(pid_t pid, const char *name, int *fd, struct rp_error *err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    return *fd < 0 ? rp_step_error(err, RP_STEP_ID_MAPS, errno, "nested build: open %s", path) : 0;
}

/* Clones the holder into a new user namespace, child of ours, with the
 * node's network namespace when it is new (owned by the node's user
 * namespace, and there before step 7 for the parent to connect, net.c),
 * writes its maps and keeps an fd of each. The holder stays until
 * rp_mount_lock_release_holder. */
static int make_node_userns(const struct rp_ns_plan *ns, uint32_t base, struct rp_mount_lock *lk,
                            struct rp_error *err)
{
    /* Static: the holder runs on this stack and reads go through its
     * argument, maybe after this function has returned. */
    static char stack[16384] __attribute__((aligned(16)));
    static int go[2];
    if (pipe2(go, O_CLOEXEC) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "nested build: pipe");
    lk->holder_go = go[1];
    int flags = CLONE_NEWUSER | CLONE_VM | CLONE_PIDFD | SIGCHLD;
    if (ns->ns[RP_NS_NET].mode == RP_NS_NEW)
        flags |= CLONE_NEWNET;
    int pidfd = -1;
    lk->holder = clone(hold, stack + sizeof(stack), flags, go, &pidfd);
    int e = errno;
    close(go[0]);
    if (lk->holder < 0) {
        rp_step_error(err, RP_STEP_ID_MAPS, e,
                      "nested build: clone a process into the node's user namespace");
        if (e == EPERM || e == ENOSPC || e == EUSERS)
            rp_userns_explain(err);
        return err->code;
    }
    lk->holder_host_pid = host_pid(pidfd);
    close(pidfd);
    if (lk->holder_host_pid < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, EPROTO,
                             "nested build: no pid in /proc/self/fdinfo of a pidfd");
    int r = rp_userns_apply(lk->holder_host_pid, ns, base, RP_MAP_INNER, err);
    if (r == 0)
        r = open_ns(lk->holder_host_pid, "user", &lk->userns_fd, err);
    if (r == 0 && (flags & CLONE_NEWNET))
        r = open_ns(lk->holder_host_pid, "net", &lk->net_fd, err);
    return r;
}

/* The holder took the node's next pid: it gives it back, so that the
 * workload is pid 2 as without it. ns_last_pid counts in the writer's pid
 * namespace and needs CAP_SYS_ADMIN in its owner, the outer namespace,
 * where this process still is. */
static int give_back_pid(int sys_fd, struct rp_error *err)
{
    RP_AUTO_FD int fd = openat(sys_fd, "kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "1", 1) != 1)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "nested build: kernel.ns_last_pid");
    return 0;
}

static void end_holder(struct rp_mount_lock *lk)
{
    rp_close_fd(&lk->holder_go); /* EOF: the holder returns */
    while (lk->holder > 0 && waitpid(lk->holder, NULL, 0) < 0 && errno == EINTR)
        ;
    lk->holder = -1;
}

void rp_mount_lock_close(struct rp_mount_lock *lk)
{
    end_holder(lk);
    rp_close_fd(&lk->userns_fd);
    rp_close_fd(&lk->net_fd);
    rp_close_fd(&lk->sys_fd);
}

int rp_mount_lock_release_holder(const struct rp_ns_plan *ns, struct rp_mount_lock *lk,
                                 struct rp_error *err)
{
    if (lk->holder <= 0)
        return 0;
    end_holder(lk);
    return ns->ns[RP_NS_PID].mode == RP_NS_NEW ? give_back_pid(lk->sys_fd, err) : 0;
}

int rp_mount_lock_prepare(const struct rp_ns_plan *ns, uint32_t base, struct rp_mount_lock *lk,
                          struct rp_error *err)
{
    if (!rp_mount_lock_wanted(ns))
        return 0;
    /* The host's: /proc/sys shows the namespaces of the process that opens
     * a file in it, and step 7 hides the host's /proc. */
    lk->sys_fd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (lk->sys_fd < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "nested build: open /proc/sys");
    return make_node_userns(ns, base, lk, err);
}

static int unshare_flags(const struct rp_ns_plan *ns)
{
    int flags = CLONE_NEWNS;
    if (ns->ns[RP_NS_UTS].mode == RP_NS_NEW)
        flags |= CLONE_NEWUTS;
    if (ns->ns[RP_NS_CGROUP].mode == RP_NS_NEW)
        flags |= CLONE_NEWCGROUP;
    if (ns->ns[RP_NS_IPC].mode == RP_NS_NEW)
        flags |= CLONE_NEWIPC;
    return flags;
}

int rp_mount_lock_apply(const struct rp_ns_plan *ns, const struct rp_mount_plan *mount,
                        struct rp_mount_lock *lk, int verbose, struct rp_error *err)
{
    if (!rp_mount_lock_wanted(ns))
        return 0;
    rp_step_vlog(verbose, RP_STEP_MOUNTS,
                 "lock the mounts: enter the node's user namespace, a new mount namespace");
    int r = 0;
    /* setns into a child namespace whose owner is our euid gives every
     * capability in it; the new namespaces are then owned by it. */
    if (setns(lk->userns_fd, CLONE_NEWUSER) < 0)
        r = rp_step_error(err, RP_STEP_MOUNTS, errno,
                          "lock the mounts: enter the node's user namespace");
    else if (lk->net_fd >= 0 && setns(lk->net_fd, CLONE_NEWNET) < 0)
        r = rp_step_error(err, RP_STEP_MOUNTS, errno,
                          "lock the mounts: enter the node's network namespace");
    else if (unshare(unshare_flags(ns)) < 0)
        r = rp_step_error(err, RP_STEP_MOUNTS, errno,
                          "lock the mounts: unshare the mount, network, UTS, IPC and cgroup "
                          "namespaces");
    else if ((r = rp_mount_mqueue(mount, err)) == 0)
        r = rp_ns_apply_deferred(ns, lk->sys_fd, err);
    rp_mount_lock_close(lk);
    return r;
}
