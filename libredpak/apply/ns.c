/* SPDX-License-Identifier: Apache-2.0 */
/* Namespaces: which ones the clone creates, joining the ones given by path,
 * and step 6 inside the new ones (hostname, domainname, loopback,
 * namespaced sysctls, time offsets). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auto_fd.h"
#include "mount_lock.h"
#include "ns.h"
#include "step_message.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int ns_clone_flag[RP_NS_COUNT] = {
    [RP_NS_USER] = CLONE_NEWUSER, [RP_NS_PID] = CLONE_NEWPID,  [RP_NS_NET] = CLONE_NEWNET,
    [RP_NS_IPC] = CLONE_NEWIPC,   [RP_NS_UTS] = CLONE_NEWUTS,  [RP_NS_CGROUP] = CLONE_NEWCGROUP,
    [RP_NS_TIME] = CLONE_NEWTIME, [RP_NS_MOUNT] = CLONE_NEWNS,
};

int rp_ns_clone_flags(const struct rp_ns_plan *plan)
{
    /* cgroup: the namespace's root is the cgroup its creator is in at that
     * moment. The first process unshares it after the parent moved it into
     * the node's cgroup, so the node sees its own cgroup as "/" whether or
     * not clone3 could place it there directly.
     * time: offsets can only be written while no process is in the new
     * time namespace, and clone would put the first process in it at once
     * (see setup_time below).
     * net, UTS, IPC: with a nested build (mount_lock.c) they are made
     * after step 7, owned by the node's user namespace, not by the outer
     * one the clone makes. */
    int later = CLONE_NEWCGROUP | CLONE_NEWTIME;
    if (rp_mount_lock_wanted(plan))
        later |= CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC;
    return plan->clone_flags & ~later;
}

bool rp_ns_has_joins(const struct rp_ns_plan *plan)
{
    for (int k = 0; k < RP_NS_COUNT; k++)
        if (plan->ns[k].mode == RP_NS_JOIN)
            return true;
    return false;
}

/* Joining happens before the clone, in a helper process: a process in a
 * new user namespace has no capability over namespaces owned by the host's
 * (a netns made by `ip netns add`), so the first process could not join
 * them itself; cloned from inside them it simply inherits them, and the
 * namespaces the clone creates are owned by the joined user namespace. */
int rp_ns_join(const struct rp_ns_plan *plan, struct rp_error *err)
{
    int fds[RP_NS_COUNT];
    for (int k = 0; k < RP_NS_COUNT; k++)
        fds[k] = -1;
    int r = 0;
    /* Open every path first: once in another user namespace, the paths
     * under /proc/PID/ns of the host may no longer be ours to open. */
    for (int k = 0; k < RP_NS_COUNT && r == 0; k++) {
        if (plan->ns[k].mode != RP_NS_JOIN)
            continue;
        fds[k] = open(plan->ns[k].path, O_RDONLY | O_CLOEXEC);
        if (fds[k] < 0)
            r = rp_step_error(err, RP_STEP_CLONE, errno, "open %s namespace %s",
                              rp_ns_name((enum rp_ns_kind)k), plan->ns[k].path);
    }
    /* The user namespace first: joining it grants the capabilities needed
     * to join the namespaces it owns. RP_NS_USER is the first kind. */
    for (int k = 0; k < RP_NS_COUNT && r == 0; k++) {
        if (fds[k] < 0)
            continue;
        /* Passing the type makes the kernel refuse a file of another kind. */
        if (setns(fds[k], ns_clone_flag[k]) < 0)
            r = rp_step_error(err, RP_STEP_CLONE, errno, "join %s namespace %s%s",
                              rp_ns_name((enum rp_ns_kind)k), plan->ns[k].path,
                              errno == EINVAL ? " (not a namespace of that kind?)" : "");
    }
    for (int k = 0; k < RP_NS_COUNT; k++)
        rp_close_fd(&fds[k]);
    return r;
}

/* The loopback device of a new network namespace exists but is down. */
static int loopback_up(struct rp_error *err)
{
    RP_AUTO_FD int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno, "loopback up: socket");
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno, "loopback up: SIOCGIFFLAGS lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno, "loopback up: SIOCSIFFLAGS lo");
    return 0;
}

/* /proc/sys shows the sysctls of the namespaces of the process that opens
 * it, so the host's /proc (the node's own is not mounted yet) reaches the
 * node's net and ipc namespaces from here. sys_fd: the host's /proc/sys,
 * or AT_FDCWD (the key's absolute path is then used as it is). */
static int write_sysctl(int sys_fd, const struct rp_kv *kv, struct rp_error *err)
{
    const char *rel = kv->key + (sys_fd == AT_FDCWD ? 0 : strlen("/proc/sys/"));
    RP_AUTO_FD int fd = openat(sys_fd, rel, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno, "sysctl %s", kv->key);
    size_t len = strlen(kv->value);
    if (write(fd, kv->value, len) != (ssize_t)len)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno, "sysctl %s = %s", kv->key, kv->value);
    return 0;
}

/* This process enters the time namespace it made for its children, so
 * that init and the workload are in it like every later process of the
 * node. Left for its children, Linux before 6.2 enters it at fork only:
 * not at the execve of the workload without init, and a child sharing
 * this process's memory (init's vfork) is refused with EINVAL. setns needs
 * CAP_SYS_ADMIN in the namespace's owner, which unshare needed too. With
 * no /proc here (a joined mount namespace without it) the children still
 * enter it at fork, and init starts the workload with fork (init.c). */
static int enter_time(struct rp_error *err)
{
    RP_AUTO_FD int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno,
                             "enter the new time namespace (/proc/self/ns/time_for_children)");
    return 0;
}

/* A new time namespace. The kernel accepts offsets only while no process
 * is in the namespace: the first task to enter it freezes its vDSO page
 * with the offsets it has then (EACCES afterwards). clone(CLONE_NEWTIME)
 * would put this process in at once, so it unshares instead: unshare
 * creates the namespace for its children only ("time_for_children"), the
 * offsets go to /proc/self/timens_offsets, which addresses exactly that
 * namespace, and then this process enters it (enter_time). Writing needs
 * CAP_SYS_TIME in the namespace's owner, the node's user namespace, where
 * we have it. */
static int setup_time(const struct rp_ns_plan *plan, struct rp_error *err)
{
    if (unshare(CLONE_NEWTIME) < 0)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno, "unshare time namespace");
    if (!plan->set_time_offsets)
        return enter_time(err);
    char text[128];
    int len = snprintf(text, sizeof(text), "monotonic %" PRId64 " 0\nboottime %" PRId64 " 0\n",
                       plan->time_monotonic, plan->time_boottime);
    RP_AUTO_FD int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, (size_t)len) != len)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno,
                             "time offsets monotonic %" PRId64 " boottime %" PRId64
                             " in /proc/self/timens_offsets",
                             plan->time_monotonic, plan->time_boottime);
    return enter_time(err);
}

static int names_and_net(const struct rp_ns_plan *plan, int sys_fd, struct rp_error *err)
{
    int r;
    if (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) < 0)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno, "hostname %s", plan->hostname);
    if (plan->domainname && setdomainname(plan->domainname, strlen(plan->domainname)) < 0)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno, "domainname %s", plan->domainname);
    if (plan->loopback_up && (r = loopback_up(err)) < 0)
        return r;
    for (size_t i = 0; i < plan->n_sysctl; i++)
        if ((r = write_sysctl(sys_fd, &plan->sysctl[i], err)) < 0)
            return r;
    return 0;
}

int rp_ns_apply(const struct rp_ns_plan *plan, bool defer, struct rp_error *err)
{
    int r;
    /* Deferred, the cgroup namespace comes with the others after step 7,
     * rooted at the same cgroup: nothing in step 7 reads it. */
    if (!defer && plan->ns[RP_NS_CGROUP].mode == RP_NS_NEW && unshare(CLONE_NEWCGROUP) < 0)
        return rp_step_error(err, RP_STEP_NAMESPACES, errno, "unshare cgroup namespace");
    if (!defer && (r = names_and_net(plan, AT_FDCWD, err)) < 0)
        return r;
    if (plan->ns[RP_NS_TIME].mode == RP_NS_NEW && (r = setup_time(plan, err)) < 0)
        return r;
    return 0;
}

int rp_ns_apply_deferred(const struct rp_ns_plan *plan, int sys_fd, struct rp_error *err)
{
    return names_and_net(plan, sys_fd, err);
}
