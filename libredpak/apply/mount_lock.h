/* SPDX-License-Identifier: Apache-2.0 */
/* A nested build (mount_lock.c): the node's root built in an outer user
 * namespace, then entered through the node's own, which locks its mounts. */
#ifndef REDPAK_MOUNT_LOCK_H
#define REDPAK_MOUNT_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "redpak/plan.h"

#include <sys/types.h>

struct rp_mount_lock {
    int userns_fd;         /* the node's user namespace, made before step 7; -1: none */
    int net_fd;            /* the node's network namespace when it is new; -1: none */
    int sys_fd;            /* the host's /proc/sys: the holder's pid back, the sysctls */
    pid_t holder;          /* the process in the node's namespaces until released; -1 */
    pid_t holder_host_pid; /* the same, as the host's /proc names it */
    int holder_go;         /* closed: the holder ends */
};
#define RP_MOUNT_LOCK_INIT                                                                         \
    {                                                                                              \
        .userns_fd = -1, .net_fd = -1, .sys_fd = -1, .holder = -1, .holder_host_pid = -1,          \
        .holder_go = -1                                                                            \
    }

/* Whether the node is built nested: redwrap made both its user and its
 * mount namespace. */
bool rp_mount_lock_wanted(const struct rp_ns_plan *ns);
/* The id step 7 writes for an owner id inside the node (gid: a group id):
 * in a nested build the outer namespace's, which is the host's; otherwise
 * id itself. (uint32_t)-1 when the node does not map it. */
uint32_t rp_mount_lock_build_id(const struct rp_ns_plan *ns, uint32_t base, bool gid, uint32_t id);
/* First process, once released in the outer namespace: with ns->
 * become_root, the host ids of the node's uid and gid 0, no supplementary
 * group, its capabilities kept. */
int rp_mount_lock_become_owner(const struct rp_ns_plan *ns, uint32_t base, struct rp_error *err);
/* Before step 7, while the host's /proc is there: makes the node's user
 * namespace with its maps (base: the private range's), and its network
 * namespace when new, held by lk->holder (its host pid for the parent's
 * idmapped binds and network, net.c) and by lk's fds. */
int rp_mount_lock_prepare(const struct rp_ns_plan *ns, uint32_t base, struct rp_mount_lock *lk,
                          struct rp_error *err);
/* Once the parent is done with the holder: ends it and gives its pid back. */
int rp_mount_lock_release_holder(const struct rp_ns_plan *ns, struct rp_mount_lock *lk,
                                 struct rp_error *err);
/* After step 7: enters the node's namespace, unshares the mount namespace
 * (locked) and the UTS, IPC and cgroup ones, enters the network one, mounts mount's
 * mqueue steps, sets the rest of step 6, and closes lk's descriptors, on
 * success or not. */
int rp_mount_lock_apply(const struct rp_ns_plan *ns, const struct rp_mount_plan *mount,
                        struct rp_mount_lock *lk, int verbose, struct rp_error *err);
void rp_mount_lock_close(struct rp_mount_lock *lk);

#endif
