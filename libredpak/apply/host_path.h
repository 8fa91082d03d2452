/* SPDX-License-Identifier: Apache-2.0 */
/* Host paths that redwrap opens or makes as root before the node exists:
 * bind sources, root.source and the directories of create: true. Anybody
 * who can write in such a path (an unprivileged user of the host, or the
 * workload of an earlier run through a writable bind) could put a symlink
 * there and have redwrap make, chown or bind something else. So the walk
 * is done on file descriptors, one component at a time, never by path
 * after a check, and what it opened is what is used. */
#ifndef REDPAK_HOST_PATH_H
#define REDPAK_HOST_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A directory by identity: the same on both sides of the clone. */
struct rp_dev_ino {
    dev_t dev;
    ino_t ino;
};

/* Opens the absolute host path as an O_PATH|O_CLOEXEC fd without ever
 * following a symlink: openat2(RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH) from
 * an fd of "/", or, on kernels without openat2 (before 5.6), a walk of
 * O_PATH|O_NOFOLLOW opens. With create, missing directories are made
 * (mkdirat) in the fd of their parent: parents 0755, the last one 0700
 * (the caller then gives it its owner and mode on the fd); *made tells
 * whether the last one was made here. -ELOOP: a symlink is in the path,
 * and where (len bytes) holds the part of path that is one. */
int rp_host_open_nofollow(const char *path, bool create, bool *made, char *where, size_t len);

/* Opens the absolute host path as an O_PATH|O_CLOEXEC fd, following the
 * symlinks of the host's own tree (/lib -> usr/lib) but never through one
 * of the directories in avoid, the node's writable bind sources: reaching
 * one with more of the path left is -EXDEV, with where naming it (what is
 * below it is the workload's to change). At most 40 symlinks (-ELOOP). */
int rp_host_open_following(const char *path, const struct rp_dev_ino *avoid, size_t n_avoid,
                           char *where, size_t len);

/* Forces the component walk of rp_host_open_nofollow, as on a kernel
 * without openat2: for the unit tests. */
void rp_host_path_no_openat2(bool on);

#endif
