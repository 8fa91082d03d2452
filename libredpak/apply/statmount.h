/* SPDX-License-Identifier: Apache-2.0 */
/* One mount's filesystem type and root, asked of the kernel for that mount
 * alone (statmount(2), Linux 6.8) instead of reading the whole of
 * /proc/self/mountinfo, which the kernel formats line by line for every
 * mount (show_mountinfo) at every launch. */
#ifndef REDPAK_STATMOUNT_H
#define REDPAK_STATMOUNT_H

#include <stddef.h>

/* The mount whose root directory is path: its filesystem type and its root
 * inside that filesystem ("/" for a whole filesystem; for cgroup2, relative
 * to the caller's cgroup namespace, as in mountinfo). -ENOSYS or -EINVAL
 * on kernels without statmount or STATX_MNT_ID_UNIQUE (the caller reads
 * mountinfo then), -ENOTDIR when path is not a mount's root, -errno. */
int rp_statmount_root(const char *path, char *fstype, size_t fstype_len, char *root,
                      size_t root_len);

#endif
