/* SPDX-License-Identifier: Apache-2.0 */
/* Opening paths inside the node's root without ever leaving it.
 *
 * A mount target is a path the node's author wrote, but it is looked up in
 * a tree that somebody else may control: an image directory (root.source)
 * or a bind source can hold a symlink "evil -> /" or "up -> ../..". Looked
 * up naively, /evil/etc/x would be the host's /etc/x, and the mount (or the
 * directory created for it) would land on the host. So every lookup here
 * treats a directory fd as "/": an absolute symlink restarts at it and ".."
 * never climbs above it, the way chroot(2) would, but without chroot. The
 * result is an O_PATH fd, and mounts are made onto the fd itself
 * (/proc/self/fd/N), so nothing is looked up by name a second time. */
#ifndef REDPAK_MOUNT_RESOLVE_H
#define REDPAK_MOUNT_RESOLVE_H

#include <sys/types.h>

/* What to create when the last component is missing. */
enum rp_create {
    RP_CREATE_NONE, /* a missing path is -ENOENT */
    RP_CREATE_DIR,
    RP_CREATE_FILE, /* an empty regular file */
};

/* Opens path (absolute or relative, both taken from root_fd) as an
 * O_PATH|O_CLOEXEC fd, following symlinks but never out of root_fd. Uses
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), or rp_resolve_walk on
 * kernels without it. With create, missing parents become directories
 * (0755) and a missing last component a directory or an empty file with
 * mode (the umask does not apply). Returns the fd or a negative errno. */
int rp_resolve(int root_fd, const char *path, enum rp_create create, mode_t mode);

/* The fallback of rp_resolve without creation: walks one component at a
 * time with O_PATH|O_NOFOLLOW and resolves each symlink itself, restarting
 * at root_fd for an absolute target. What it cannot do is openat2's check
 * against a directory renamed out of the tree while ".." is walked (the
 * kernel answers EAGAIN then): a host process that can rename inside a
 * writable bind source at that very moment could move the walk. Exported
 * for the unit tests, which check it agrees with openat2. */
int rp_resolve_walk(int root_fd, const char *path);

/* Opens the directory that holds path's last component (creating missing
 * directories when create is set) and points *base at that component
 * inside path. path must name something below root, not root itself. */
int rp_resolve_parent(int root_fd, const char *path, int create, const char **base);

/* "<proc>/self/fd/N": the path mount(2) is given for fd N. proc is where
 * the host's procfs is reachable at that moment. */
void rp_fd_path(char *buf, size_t len, const char *proc, int fd);

/* The id mountinfo shows for the mount fd lies on, read from the mnt_id
 * line of <proc_fd>/self/fdinfo/<fd>. Returns it or a negative errno. */
int rp_fd_mount_id(int proc_fd, int fd);

#endif
