/* SPDX-License-Identifier: Apache-2.0 */
/* The end of step 7 (mount_lock.c): the node's mounts locked by the
 * kernel, through a nested user and mount namespace. */
#ifndef REDPAK_MOUNT_LOCK_H
#define REDPAK_MOUNT_LOCK_H

#include "redpak/plan.h"

/* Descriptors on the host's /proc taken before step 7 hides it; -1: none. */
struct rp_mount_lock {
    int self_fd; /* /proc/self: the maps of the nested namespace */
    int sys_fd;  /* /proc/sys: the net sysctls again, the helper's pid back */
};

/* Whether the node's mounts get locked: redwrap made both its user and
 * its mount namespace. */
bool rp_mount_lock_wanted(const struct rp_ns_plan *ns);
/* Before step 7, while the host's /proc is there. */
int rp_mount_lock_prepare(const struct rp_ns_plan *ns, struct rp_mount_lock *lk,
                          struct rp_error *err);
/* After step 7: moves this process into the nested namespaces and closes
 * lk's descriptors, on success or not. */
int rp_mount_lock_apply(const struct rp_ns_plan *ns, struct rp_mount_lock *lk, int verbose,
                        struct rp_error *err);
void rp_mount_lock_close(struct rp_mount_lock *lk);

#endif
