/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/PID/mountinfo read whole and split into its fields (proc(5)):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   id parent dev root target vfs-options [optional fields] - fstype source super-options
 *
 * Our own reader rather than libmount's table: the callers need a handful
 * of fields, and libmount brings libblkid, libselinux and libpcre2 into
 * every redwrap (their resident memory, and their loading at every start)
 * and has no static library in Debian, so it kept REDPAK_STATIC from
 * linking. */
#ifndef REDPAK_MOUNTINFO_H
#define REDPAK_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

struct rp_mountinfo {
    int id, parent_id;
    /* Paths unescaped (the kernel writes space, tab, newline and backslash
     * as \ooo); all point into the table's text. */
    const char *root, *target, *vfs_options, *fstype, *source, *super_options;
};

struct rp_mountinfo_table {
    struct rp_mountinfo *e;
    size_t n;
    char *text;
};

/* Reads path (relative to dirfd, or absolute) in full: the kernel builds
 * the file as it is read, so one pass is one consistent snapshot only as
 * far as the mount table did not change meanwhile, as with any reader.
 * 0 or -errno (-EINVAL for a line that is not mountinfo). */
int rp_mountinfo_read(int dirfd, const char *path, struct rp_mountinfo_table *t);
void rp_mountinfo_free(struct rp_mountinfo_table *t);

/* Whether the comma-separated options hold name, alone or as name=value. */
bool rp_mount_option(const char *options, const char *name);

/* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC and the atime flags named in
 * a mountinfo vfs-options field. */
unsigned long rp_mount_vfs_flags(const char *vfs_options);

#endif
