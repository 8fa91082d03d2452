/* SPDX-License-Identifier: Apache-2.0 */
/* Flags on a mount and the mounts that came with it: nosuid and nodev on a
 * fresh bind, read-only last of all in step 7.
 *
 * A flag must reach submounts: a bind of a host directory brings the
 * host's mounts below it (MS_REC), and each is a mount of its own with its
 * own flags. mount_setattr(AT_RECURSIVE) would set them all at once, but it
 * would also reach the node's own mounts below the path (a writable bind or
 * a tmpfs under a read-only root), which must keep their setting. So the
 * tree is read from mountinfo (mountinfo.c parses it), the mounts that came
 * with the top one are picked by their parent ids, and each is changed
 * alone. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "log.h"
#include "mount.h"
#include "mount_resolve.h"
#include "mountinfo.h"

/* The MS_* flags of mount(2) as the MOUNT_ATTR_* bits of mount_setattr(2). */
static uint64_t attr_bits(unsigned long flags)
{
    return (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
        (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) | (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
        (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0);
}

static bool is_own(int id, const struct rp_own_mount *own, size_t n_own)
{
    for (size_t i = 0; i < n_own; i++)
        if (own[i].id == id)
            return true;
    return false;
}

/* The flags an old-style remount must repeat: it sets all of them at
 * once, and in a user namespace the host's read-only, nosuid, nodev,
 * noexec and atime flags are locked: a remount that leaves one out fails
 * with EPERM. */
#define KEPT_FLAGS                                                                                 \
    (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME |     \
     MS_STRICTATIME)

static int change_one(int proc_fd, const struct rp_mountinfo *fs, unsigned long flags, int verbose)
{
    const char *target = fs->target;
    RP_AUTO_FD int fd = open(target, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    /* A mount covered by a later one at the same place cannot be reached
     * by path, by the workload either. */
    if (rp_fd_mount_id(proc_fd, fd) != fs->id) {
        rp_vlog(verbose, "mount flags: %s is covered by another mount, left as it is", target);
        return 0;
    }
    /* mount_setattr changes only the bits named; the others stay. */
    struct mount_attr attr = {.attr_set = attr_bits(flags)};
    if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0)
        return 0;
    if (errno != ENOSYS)
        return -errno;
    /* Before Linux 5.12: the old bind remount, repeating what it keeps. */
    unsigned long have = rp_mount_vfs_flags(fs->vfs_options);
    if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | ((have | flags) & KEPT_FLAGS), NULL) < 0)
        return -errno;
    return 0;
}

int rp_mount_set_flags_fresh(int fd, unsigned long flags)
{
    flags &= MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (!flags)
        return 0;
    struct mount_attr attr = {.attr_set = attr_bits(flags)};
    return mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0 ? -errno
                                                                                        : 0;
}

int rp_mount_set_flags(int proc_fd, int top_id, unsigned long flags, const struct rp_own_mount *own,
                       size_t n_own, int verbose, struct rp_error *err)
{
    flags &= MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (!flags)
        return 0;
    __attribute__((cleanup(rp_mountinfo_free))) struct rp_mountinfo_table tb = {0};
    int r = rp_mountinfo_read(proc_fd, "self/mountinfo", &tb);
    if (r < 0)
        return rp_mount_errno(err, r);

    size_t n = tb.n;
    const struct rp_mountinfo *fs = tb.e;
    RP_AUTO_FREE bool *picked = calloc(n + 1, sizeof(*picked));
    if (!picked)
        return rp_mount_errno(err, -ENOMEM);
    bool found = false;
    for (size_t i = 0; i < n; i++)
        found |= picked[i] = fs[i].id == top_id;
    if (!found)
        return rp_error_set(err, ENOENT, "mount %d is gone from the mount table", top_id);

    /* The top mount and, transitively, its children, except the node's
     * own mounts (and what is below them). */
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < n; i++) {
            if (picked[i] || is_own(fs[i].id, own, n_own))
                continue;
            for (size_t j = 0; j < n; j++) {
                if (picked[j] && fs[j].id == fs[i].parent_id) {
                    picked[i] = grew = true;
                    break;
                }
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!picked[i])
            continue;
        r = change_one(proc_fd, &fs[i], flags, verbose);
        if (r < 0)
            return rp_error_set(err, r, "%s", fs[i].target);
    }
    return 0;
}
