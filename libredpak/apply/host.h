/* SPDX-License-Identifier: Apache-2.0 */
/* Step 2, the host plan (host.c): the only changes redwrap makes outside
 * the node, in the parent, before anything of the node exists. */
#ifndef REDPAK_HOST_H
#define REDPAK_HOST_H

#include <stddef.h>
#include <sys/types.h>

#include "redpak/plan.h"

struct rp_host_sources;
/* steps: the plan's host steps (rp_plan.host), n of them. A folder made
 * whose owner is the node's to set (owner_in_node) is added to
 * sources->owners. */
int rp_host_apply(const struct rp_host_step *steps, size_t n, struct rp_host_sources *sources,
                  int verbose, struct rp_error *err);

/* The bind sources (and root.source) of the mount plan, opened once in
 * the parent, after step 2 made what it creates (host_sources.c). fd[i]
 * is for the mount plan's step i: -1 for a step that binds nothing, or
 * a source that is missing. The first process binds nothing
 * but these: mount.c checks that what it resolved in its own mount
 * namespace is the same directory or file (rp_host_source_check). */
struct rp_host_owner {
    const char *path; /* the host step's, borrowed from the plan */
    uid_t uid;        /* as seen inside the node */
    gid_t gid;
};

struct rp_host_sources {
    int *fd;
    size_t n;
    /* Folders step 2 made for a rootless node, owned by the caller, whose
     * owner the first process sets (rp_host_source_chown). */
    struct rp_host_owner *owners;
    size_t n_owners;
};

int rp_host_sources_open(const struct rp_mount_plan *mount, struct rp_host_sources *out,
                         int verbose, struct rp_error *err);
void rp_host_sources_close(struct rp_host_sources *s);

/* First process, uid 0 of the node's user namespace: gives src (the
 * checked source of a bind) the owner step 2 left to the node, if source
 * is such a folder. 0, or -errno of the chown. */
/* ns, base: owners written as a nested build writes them
 * (rp_mount_lock_build_id). */
int rp_host_source_chown(const struct rp_host_sources *s, const char *source, int src,
                         const struct rp_ns_plan *ns, uint32_t base);

/* 0 when src (resolved by the first process) is the file or directory
 * that step i's source was in the parent; -EXDEV when it is not. */
int rp_host_source_check(const struct rp_host_sources *s, size_t i, int src);

#endif
