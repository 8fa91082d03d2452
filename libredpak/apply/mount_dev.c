/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal /dev for the node: what programs expect to find and nothing of
 * the host's hardware. The same set as bubblewrap's --dev. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "mount.h"
#include "mount_resolve.h"

static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty"};

static const struct {
    const char *name, *target;
} links[] = {
    {"fd", "/proc/self/fd"},
    {"stdin", "/proc/self/fd/0"},
    {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"},
    /* The pts instance below is the node's own; its ptmx is the one that
     * hands out ptys in it. */
    {"ptmx", "pts/ptmx"},
};

static int mount_at(int dir, const char *name, const char *source, const char *fstype,
                    unsigned long flags, const char *data)
{
    RP_AUTO_FD int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    char target[64];
    rp_fd_path(target, sizeof(target), RP_STAGE_PROC, fd);
    return mount(source, target, fstype, flags, data) < 0 ? -errno : 0;
}

/* A user namespace may not mknod (and a tmpfs it mounts is nodev anyway):
 * the host's node is bound onto an empty file instead. The bind keeps the
 * flags of the host's /dev mount, where device nodes open, and is then made
 * read-only: the bound inode is the host's own, which a root-started
 * node's uid 0 (the host's uid 0 by the default id map) owns, so it could
 * chmod, chown or touch the host's /dev/null. A read-only mount refuses
 * those (EROFS) and still opens a device for writing. */
static int bind_device(int dev, int host_fd, const char *name)
{
    char host_path[64];
    snprintf(host_path, sizeof(host_path), "/dev/%s", name);
    RP_AUTO_FD int src = rp_resolve(host_fd, host_path, RP_CREATE_NONE, 0);
    if (src < 0)
        return src;
    struct stat st;
    if (fstat(src, &st) < 0)
        return -errno;
    if (!S_ISCHR(st.st_mode))
        return -ENODEV;
    int fd = openat(dev, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return -errno;
    close(fd);
    char source[64];
    rp_fd_path(source, sizeof(source), RP_STAGE_PROC, src);
    int r = mount_at(dev, name, source, NULL, MS_BIND, NULL);
    if (r < 0)
        return r;
    /* A remount must repeat the flags the kernel locked when the host's
     * mounts were copied into the node's user namespace: nosuid and the
     * atime ones, read from the source mount. */
    struct statvfs vfs;
    if (fstatvfs(src, &vfs) < 0)
        return -errno;
    unsigned long keep = (vfs.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
        (vfs.f_flag & ST_NOEXEC ? MS_NOEXEC : 0) | (vfs.f_flag & ST_NOATIME ? MS_NOATIME : 0) |
        (vfs.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0) |
        (vfs.f_flag & ST_RELATIME ? MS_RELATIME : 0);
    /* Looked up again, to reach the bind rather than the file below it. */
    return mount_at(dev, name, NULL, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL);
}

/* The tmpfs at path that holds the rest. */
static int dev_tmpfs(int root_fd, const char *path)
{
    RP_AUTO_FD int at = rp_resolve(root_fd, path, RP_CREATE_DIR, 0755);
    if (at < 0)
        return at;
    char target[64];
    rp_fd_path(target, sizeof(target), RP_STAGE_PROC, at);
    /* nosuid, noexec: nothing here is a program. Not nodev: it would not
     * matter to the bound nodes, which keep their own mount's flags. */
    if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") < 0)
        return -errno;
    return 0;
}

/* A fresh filesystem at dev/name. */
static int dev_fs(int dev, const char *name, const char *fstype, unsigned long flags,
                  const char *data)
{
    if (mkdirat(dev, name, 0755) < 0)
        return -errno;
    return mount_at(dev, name, fstype, fstype, flags, data);
}

int rp_mount_dev(int root_fd, int host_fd, const char *path, uint64_t shm_size,
                 struct rp_error *err)
{
    int r = dev_tmpfs(root_fd, path);
    if (r < 0)
        return rp_error_set(err, r, "tmpfs");
    /* Looked up again: the fd of dev_tmpfs is the directory under the tmpfs. */
    RP_AUTO_FD int dev = rp_resolve(root_fd, path, RP_CREATE_NONE, 0);
    if (dev < 0)
        return rp_error_set(err, dev, "tmpfs");

    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
        if ((r = bind_device(dev, host_fd, devices[i])) < 0)
            return rp_error_set(err, r, "%s", devices[i]);

    /* newinstance: the node's ptys are its own, not the host's; ptmxmode
     * lets any uid open pts/ptmx. No gid=: the host's tty group is
     * usually not mapped into the node. */
    r = dev_fs(dev, "pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620");
    if (r < 0)
        return rp_error_set(err, r, "pts");
    /* Sized: an unsized tmpfs may take half of RAM, past the node's other
     * limits where it has no memory controller (hybrid hosts, rootless
     * without delegation). A plan with no size (built by hand, not from a
     * node file) still gets the default, never an unsized shm. */
    char shm_opts[48];
    snprintf(shm_opts, sizeof(shm_opts), "mode=1777,size=%" PRIu64,
             shm_size ? shm_size : RP_DEV_SHM_SIZE_DEFAULT);
    r = dev_fs(dev, "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm_opts);
    if (r < 0)
        return rp_error_set(err, r, "shm");

    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (symlinkat(links[i].target, dev, links[i].name) < 0)
            return rp_error_set(err, errno, "%s", links[i].name);
    return 0;
}
