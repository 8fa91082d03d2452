/* SPDX-License-Identifier: Apache-2.0 */
/* Step 7 (child, in the new mount namespace), and the interfaces between
 * its files: mount.c walks the plans; mount_dev.c, mount_flags.c and
 * mount_image.c do the larger ops. */
#ifndef REDPAK_MOUNT_H
#define REDPAK_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "host.h"
#include "redpak/plan.h"

/* The three plans of step 7, applied in this order (rp_plan has them side
 * by side). */
struct rp_mount_plans {
    const struct rp_mount_plan *mount;  /* root, binds, proc, dev, ..., files */
    const struct rp_mount_plan *tmpfs;  /* the volatile areas */
    const struct rp_mount_plan *finish; /* pivot_root, then the read-only remounts */
    /* The bind sources the parent opened (host.h); NULL: none checked. */
    const struct rp_host_sources *sources;
    /* NULL, or per step of mount a detached (idmapped) copy of the bind's
     * source that the parent made from sources (idmap.c), attached in its
     * place and closed; -1 where the step binds its source itself. */
    int *detached;
    /* Owners inside the node are written as rp_mount_lock_build_id gives
     * them (a nested build writes host ids); base: the private range's. */
    const struct rp_ns_plan *ns;
    uint32_t base;
};

/* Step i (from 0) of m, one of the three plans, as `rednode-config plan`
 * numbers it under step 7: the M of the messages' "mounts (step 7.M)". */
size_t rp_mount_item(const struct rp_mount_plans *plans, const struct rp_mount_plan *m, size_t i);

/* notify (NULL or a proxy without socket: none) is bound inside the root
 * before the finish plan makes it read-only (notify.c). */
struct rp_notify;
int rp_mount_apply(const struct rp_mount_plans *plans, const struct rp_notify *notify, int verbose,
                   struct rp_error *err);

/* A nested build, after step 7 (mount_lock.c): mqueue on the mount
 * points the mqueue steps of mount made, for this process's IPC
 * namespace. */
int rp_mount_mqueue(const struct rp_mount_plan *mount, struct rp_error *err);

/* Where the host's /proc is reachable while the new root is built: the
 * host's root sits at /oldroot of the staging tmpfs (mount.c). */
#define RP_STAGE_HOST "/oldroot"
#define RP_STAGE_PROC RP_STAGE_HOST "/proc"

/* A mount the node's plan made itself (root, binds, proc, dev, mqueue,
 * tmpfs), by its mountinfo id. */
struct rp_own_mount {
    const char *path; /* the step's path, borrowed from the plan */
    int id;
    bool readonly; /* made read-only, with what it brought, when made */
};

/* The functions of these files that take err fill it on failure with what
 * failed below the step (a part of /dev, a submount), if anything, and the
 * system's reason; mount.c puts "mounts (step 7.M): <op>: " in front. This
 * one says the reason alone, for a failure of code that needs no more
 * words. Returns code. */
int rp_mount_errno(struct rp_error *err, int code);

/* Builds the minimal /dev at path inside root_fd: a tmpfs with the host's
 * null zero full random urandom tty bound in, a private devpts with
 * ptmx -> pts/ptmx, a tmpfs at shm, and the fd/stdin/stdout/stderr links.
 * On failure, err names the part that failed. */
int rp_mount_dev(int root_fd, int host_fd, const char *path, uint64_t shm_size,
                 struct rp_error *err);

/* Sets flags (of MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC; others are
 * ignored) on the mount top_id and every mount beneath it that came with
 * it (a bind's submounts, an image's submounts), but not on the node's own
 * mounts below it (own): those keep their own settings. On failure, err
 * names the mount point that failed. */
int rp_mount_set_flags(int proc_fd, int top_id, unsigned long flags, const struct rp_own_mount *own,
                       size_t n_own, int verbose, struct rp_error *err);

/* The same for a mount just made (fd on it) whose subtree holds none of the
 * node's own mounts: one recursive mount_setattr, no mount table read.
 * -ENOSYS before Linux 5.12: use rp_mount_set_flags. */
int rp_mount_set_flags_fresh(int fd, unsigned long flags);

/* mount_image.c: root.source. Builds the node's root on /newroot of the
 * staging tmpfs from the image (src_fd, O_PATH on the host's directory),
 * so that nothing is ever written to the image: bound directly and
 * read-only at once when the plan (with a notify socket or not) creates
 * nothing in it and root.readonly holds (*readonly_now set); otherwise an
 * overlay whose lower layer is the image, read-only, and whose upper layer
 * is a tmpfs of the node; the bind of old where no overlay can be made
 * (-v says which and why). host_fd is the host's "/", for bind sources. */
struct rp_image_build {
    const struct rp_mount_plans *plans;
    const struct rp_mount_step *root; /* the plan's root-bind step */
    bool notify_socket;               /* the NOTIFY_SOCKET proxy binds a socket in the root */
    int host_fd, proc_fd, verbose;
};
int rp_mount_image(int src_fd, const struct rp_image_build *b, bool *readonly_now,
                   struct rp_error *err);

#endif
