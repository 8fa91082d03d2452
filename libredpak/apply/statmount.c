/* SPDX-License-Identifier: Apache-2.0 */
/* statmount(2) with the ABI spelled out here: the C library and kernel
 * headers of Debian 12 predate it (Linux 6.8, include/uapi/linux/mount.h). */
#include "statmount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_statmount
#define SYS_statmount 457 /* the same number on every architecture */
#endif
#define RP_STATX_MNT_ID_UNIQUE 0x4000U
#define RP_STATX_ATTR_MOUNT_ROOT 0x2000U
#define RP_STATMOUNT_MNT_ROOT 0x8U
#define RP_STATMOUNT_FS_TYPE 0x20U

struct rp_mnt_id_req {
    uint32_t size, spare;
    uint64_t mnt_id, param;
};

struct rp_statmount {
    uint32_t size, mnt_opts;
    uint64_t mask;
    uint32_t sb_dev_major, sb_dev_minor;
    uint64_t sb_magic;
    uint32_t sb_flags, fs_type;
    uint64_t mnt_id, mnt_parent_id;
    uint32_t mnt_id_old, mnt_parent_id_old;
    uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master, propagate_from;
    uint32_t mnt_root, mnt_point;
    uint64_t spare2[50];
    char str[];
};

static int copy_str(const struct rp_statmount *sm, size_t n, uint32_t off, char *out, size_t len)
{
    size_t base = offsetof(struct rp_statmount, str);
    if (base + off >= n)
        return -EINVAL;
    const char *s = sm->str + off;
    size_t l = strnlen(s, n - base - off);
    if (l >= len || base + off + l >= n)
        return -ENAMETOOLONG;
    memcpy(out, s, l + 1);
    return 0;
}

int rp_statmount_root(const char *path, char *fstype, size_t fstype_len, char *root,
                      size_t root_len)
{
    struct statx stx;
    if (statx(AT_FDCWD, path, AT_NO_AUTOMOUNT, RP_STATX_MNT_ID_UNIQUE, &stx) < 0)
        return -errno;
    /* Before 6.8 the kernel ignores the unknown mask bit: no unique id.
     * A 0 is none either (an emulator that passes the bit, not the id). */
    if (!(stx.stx_mask & RP_STATX_MNT_ID_UNIQUE) || !stx.stx_mnt_id)
        return -ENOSYS;
    if ((stx.stx_attributes_mask & RP_STATX_ATTR_MOUNT_ROOT) &&
        !(stx.stx_attributes & RP_STATX_ATTR_MOUNT_ROOT))
        return -ENOTDIR;
    struct rp_mnt_id_req req = {.size = sizeof(req),
                                .mnt_id = stx.stx_mnt_id,
                                .param = RP_STATMOUNT_FS_TYPE | RP_STATMOUNT_MNT_ROOT};
    union {
        struct rp_statmount sm;
        char bytes[sizeof(struct rp_statmount) + 8192];
    } buf;
    if (syscall(SYS_statmount, &req, &buf.sm, sizeof(buf), 0U) < 0)
        return -errno;
    const struct rp_statmount *sm = &buf.sm;
    if ((sm->mask & (RP_STATMOUNT_FS_TYPE | RP_STATMOUNT_MNT_ROOT)) !=
        (RP_STATMOUNT_FS_TYPE | RP_STATMOUNT_MNT_ROOT))
        return -ENOSYS;
    size_t size = sm->size < sizeof(buf) ? sm->size : sizeof(buf);
    int r = copy_str(sm, size, sm->fs_type, fstype, fstype_len);
    return r < 0 ? r : copy_str(sm, size, sm->mnt_root, root, root_len);
}
