/* SPDX-License-Identifier: Apache-2.0 */
/* Read-only kernel knobs in the node's proc.
 *
 * A node's proc is mounted in the node's pid namespace, but /proc/sys,
 * /proc/irq and /proc/sysrq-trigger below it are the host kernel's: most
 * sysctls are not namespaced. The kernel guards them with the file modes
 * only (0644, owner the host's root), checked against the caller's
 * euid: with the default id map of a root-started node (0..65535, the
 * identity), the node's uid 0 IS the host's uid 0, and could write
 * kernel.core_pattern, vm.* and the rest of the host's settings. A
 * read-only bind over each of them stops that for every uid.
 *
 * The binds are the node's own mounts, so a workload that keeps
 * CAP_SYS_ADMIN and may call umount2/mount (no seccomp filter, or one
 * that allows them) could take them away: the capability set and the
 * default seccomp profile are the layers that keep them in place. The
 * node's namespaced sysctls (the sysctl section) are written at step 6,
 * before this. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mount.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "mount.h"
#include "mount_proc.h"
#include "mount_resolve.h"

static const char *const kernel_entries[] = {"sys", "sysrq-trigger", "irq", "bus", "fs"};

/* Binds the entry onto itself, then remounts the bind read-only: a bind
 * takes no flags when it is made, only on a second, remounting call. The
 * remount goes through a fresh open of the name: the first fd still
 * names the entry below the bind. */
static int bind_readonly(int proc_fd, const char *name)
{
    char path[64];
    RP_AUTO_FD int entry = openat(proc_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (entry < 0)
        /* A kernel without CONFIG_MAGIC_SYSRQ has no sysrq-trigger. */
        return errno == ENOENT ? 0 : -errno;
    rp_fd_path(path, sizeof(path), RP_STAGE_PROC, entry);
    if (mount(path, path, NULL, MS_BIND, NULL) < 0)
        return -errno;
    RP_AUTO_FD int bound = openat(proc_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (bound < 0)
        return -errno;
    rp_fd_path(path, sizeof(path), RP_STAGE_PROC, bound);
    return mount(NULL, path, NULL,
                 MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0
        ? -errno
        : 0;
}

int rp_mount_proc_readonly(int proc_fd, const char *path, struct rp_error *err)
{
    for (size_t i = 0; i < sizeof(kernel_entries) / sizeof(kernel_entries[0]); i++) {
        int r = bind_readonly(proc_fd, kernel_entries[i]);
        if (r < 0)
            return rp_error_set(err, r, "read-only bind of %s/%s", path, kernel_entries[i]);
    }
    return 0;
}
