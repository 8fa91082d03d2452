/* SPDX-License-Identifier: Apache-2.0 */
/* root.source: an image directory becomes the node's root without being
 * written to.
 *
 * Building a root writes into it: mount points for binds the image lacks,
 * dir and file steps, and with root.readonly: false the workload itself.
 * Bound as the root (as bubblewrap does), the image on the host would keep
 * all of that; redpak leaves nothing behind.
 *
 * When the plan writes nothing (every mount target is already in the image
 * with the right type, every symlink step's link is already there, no dir
 * or file step, no notify socket, root.readonly), the image is bound as
 * the root and made read-only at once, as bubblewrap's --ro-bind does: an
 * overlay costs its mount, a private clone of the lower layer, and an RCU
 * grace period or two when the node's mounts are torn down. Being
 * read-only from the start, it cannot be written even if the host changes
 * the image between the check and the steps: a step would fail with EROFS
 * instead. Otherwise the root is an overlay:
 * the image is its lower layer, which overlayfs never writes, and all that
 * is written lands in the upper layer, on a tmpfs that exists only in the
 * node's mount namespace and is gone with it. In the staging tmpfs:
 *
 *   /image     the image with its submounts, read-only as soon as bound
 *   /upper     a tmpfs holding the overlay's upper/ and work/
 *   /newroot   the overlay, with the image's submounts bound onto it
 *
 * overlayfs takes one filesystem per layer: the image's own submounts (a
 * tmpfs at img/var/cache) are not in the lower layer, so each is bound at
 * its place on the overlay, read-only like the rest of the image.
 *
 * Where no overlay can be made (no overlayfs in the kernel; rootless before
 * Linux 5.11, which made it mountable in a user namespace; before 5.2 and
 * the fsopen API used here), the image is bound as the root directly and is
 * written while the node is built, as before: -v says so and why. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "log.h"
#include "mount.h"
#include "mount_resolve.h"
#include "mountinfo.h"
#include "step_message.h"

#define IMAGE "/image"
#define UPPER "/upper"

static int mount_id_of(int proc_fd, const char *path)
{
    RP_AUTO_FD int fd = open(path, O_PATH | O_CLOEXEC);
    return fd < 0 ? -errno : rp_fd_mount_id(proc_fd, fd);
}

/* The image at /image, its submounts with it, all read-only before the
 * overlay or a bind of a submount can reach them. */
static int bind_image(int src_fd, int proc_fd, int verbose, int *image_id, struct rp_error *err)
{
    char source[64];
    rp_fd_path(source, sizeof(source), RP_STAGE_PROC, src_fd);
    if (mkdir(IMAGE, 0700) < 0 || mount(source, IMAGE, NULL, MS_BIND | MS_REC, NULL) < 0)
        return rp_mount_errno(err, -errno);
    *image_id = mount_id_of(proc_fd, IMAGE);
    if (*image_id < 0)
        return rp_mount_errno(err, *image_id);
    return rp_mount_set_flags(proc_fd, *image_id, MS_RDONLY, NULL, 0, verbose, err);
}

/* The upper layer's tmpfs. No size: the kernel's default (half of RAM),
 * charged like any tmpfs page to the memory cgroup of the node that
 * writes it. The overlay's "/" takes its mode and owner from the upper
 * directory, not from the image: they are copied from the image's "/",
 * the owner only where the user namespace maps it (a chown to an unmapped
 * id fails with EINVAL; the node's root keeps it then). */
static int make_upper(int src_fd)
{
    struct stat st;
    if (fstat(src_fd, &st) < 0 || mkdir(UPPER, 0700) < 0 ||
        mount("tmpfs", UPPER, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0 ||
        mkdir(UPPER "/upper", 0700) < 0 || mkdir(UPPER "/work", 0700) < 0)
        return -errno;
    if (chown(UPPER "/upper", st.st_uid, st.st_gid) < 0 && errno != EINVAL)
        return -errno;
    return chmod(UPPER "/upper", st.st_mode & 07777) < 0 ? -errno : 0;
}

/* The overlay on /newroot. Through fsopen rather than mount(2): the
 * kernel says in the context's log why it refused, and why passes it on. */
static int make_overlay(struct rp_error *why)
{
    RP_AUTO_FD int fs = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs < 0)
        return rp_error_set(why, errno, "overlayfs");
    if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", IMAGE, 0) < 0 ||
        fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", UPPER "/upper", 0) < 0 ||
        fsconfig(fs, FSCONFIG_SET_STRING, "workdir", UPPER "/work", 0) < 0 ||
        fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
        int e = errno;
        char log[256];
        ssize_t n = read(fs, log, sizeof(log) - 1);
        log[n > 0 ? n : 0] = '\0';
        /* "e overlayfs: ...": the kernel's own words, without the level. */
        return rp_error_set(why, e, "%s", n > 2 ? log + 2 : "overlayfs");
    }
    RP_AUTO_FD int mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
    if (mnt < 0 || move_mount(mnt, "", AT_FDCWD, "/newroot", MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return rp_error_set(why, errno, "overlayfs");
    return 0;
}

/* Each mount directly below /image, bound (with what is below it) at the
 * same path on the overlay, where its mount point is a directory or file
 * of the lower layer. They stay read-only: a bind copies the flags. */
/* target: the submount's path below /image. */
static int bind_submount(int root, const char *target)
{
    RP_AUTO_FD int src = open(target, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (src < 0)
        return -errno;
    RP_AUTO_FD int tgt = rp_resolve(root, target + strlen(IMAGE), RP_CREATE_NONE, 0);
    if (tgt < 0)
        return tgt;
    char from[64], to[64];
    rp_fd_path(from, sizeof(from), RP_STAGE_PROC, src);
    rp_fd_path(to, sizeof(to), RP_STAGE_PROC, tgt);
    return mount(from, to, NULL, MS_BIND | MS_REC, NULL) < 0 ? -errno : 0;
}

/* Each mount directly below /image, bound (with what is below it) at the
 * same path on the overlay, where its mount point is a directory or file
 * of the lower layer. They stay read-only: a bind copies the flags. */
static int bind_submounts(int proc_fd, int image_id, struct rp_error *err)
{
    RP_AUTO_FD int root = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return rp_mount_errno(err, -errno);
    __attribute__((cleanup(rp_mountinfo_free))) struct rp_mountinfo_table tb = {0};
    int r = rp_mountinfo_read(proc_fd, "self/mountinfo", &tb);
    if (r < 0)
        return rp_mount_errno(err, r);
    for (size_t i = 0; i < tb.n; i++) {
        const char *target = tb.e[i].target;
        if (tb.e[i].parent_id != image_id || tb.e[i].id == image_id ||
            strncmp(target, IMAGE "/", strlen(IMAGE "/")) != 0)
            continue;
        if ((r = bind_submount(root, target)) < 0)
            return rp_error_set(err, r, "image submount %s", target + strlen(IMAGE));
    }
    return 0;
}

/* overlayfs takes a private copy of the lower layer's mount alone, without
 * what is mounted below it. The kernel refuses such a copy when the mounts
 * below are locked, as the host's mounts are once seen from a new user
 * namespace: the copy would uncover what they cover. The same copy asked
 * for here says so before the overlay fails with a bare EINVAL. Returns 0,
 * or a negative code with why filled when the image cannot be a layer. */
static int image_layerable(struct rp_error *why)
{
    RP_AUTO_FD int fd = open_tree(AT_FDCWD, IMAGE, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd >= 0 || errno != EINVAL)
        return 0;
    return rp_error_set(why, 0,
                        "the image has host mounts below it, which the node's user "
                        "namespace locks, and overlayfs cannot layer");
}

/* Opens path inside the image (src_fd as "/") without following any
 * symlink, not even in the last component. With no symlink on the way and
 * no node mount above it (see image_bindable), a step reaches the very
 * same inode when it runs. -ENOSYS without openat2 (before Linux 5.6). */
static int open_in_image(int src_fd, const char *path)
{
    struct open_how how = {
        .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, src_fd, path, &how, sizeof(how));
    return fd < 0 ? -errno : fd;
}

static bool is_mount_op(enum rp_mount_op op)
{
    return op == RP_MOP_BIND || op == RP_MOP_PROC || op == RP_MOP_DEV || op == RP_MOP_MQUEUE ||
        op == RP_MOP_TMPFS;
}

/* Whether a mount step of the plan (before the step at s) lies at or
 * above s's path: then s is resolved through that mount, not the image. */
static const struct rp_mount_step *mount_above(const struct rp_mount_step *const *all, size_t n,
                                               const char *path)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(all[i]->path);
        if (is_mount_op(all[i]->op) && strncmp(path, all[i]->path, len) == 0 &&
            (path[len] == '/' || path[len] == '\0'))
            return all[i];
    }
    return NULL;
}

/* A target that exists in the image as what the step mounts onto: a
 * directory, or for a bind of a file, something else than a directory. */
static bool target_present(int src_fd, const struct rp_image_build *b,
                           const struct rp_mount_step *s)
{
    bool dir = true, any = false;
    if (s->op == RP_MOP_BIND) {
        RP_AUTO_FD int host = rp_resolve(b->host_fd, s->source, RP_CREATE_NONE, 0);
        struct stat st;
        /* A missing optional source is skipped and makes nothing; should
         * it appear before the step, a target of either type is there. */
        if (host == -ENOENT && s->optional)
            any = true;
        else if (host < 0 || fstat(host, &st) < 0)
            return false; /* the step itself will say why */
        else
            dir = S_ISDIR(st.st_mode);
    }
    RP_AUTO_FD int fd = open_in_image(src_fd, s->path);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || S_ISLNK(st.st_mode))
        return false;
    return any || dir == (bool)S_ISDIR(st.st_mode);
}

/* A symlink step whose link the image already has, with the same target. */
static bool link_present(int src_fd, const struct rp_mount_step *s)
{
    RP_AUTO_FD int fd = open_in_image(src_fd, s->path);
    char have[4096];
    ssize_t len = fd < 0 ? -1 : readlinkat(fd, "", have, sizeof(have) - 1);
    if (len < 0)
        return false;
    have[len] = '\0';
    return strcmp(have, s->target) == 0;
}

/* Whether step s (line item of step 7), with above the node's mount it
 * is resolved through (NULL: the image), would write into the image; if
 * so, why says how. */
static int step_writes_image(int src_fd, const struct rp_image_build *b,
                             const struct rp_mount_step *s, const struct rp_mount_step *above,
                             size_t item, struct rp_error *why)
{
    if (s->op == RP_MOP_DIR || s->op == RP_MOP_FILE)
        return rp_step_item_error(why, RP_STEP_MOUNTS, item, 0, "makes %s", s->path);
    if (above)
        return rp_step_item_error(why, RP_STEP_MOUNTS, item, 0,
                                  "%s is below the node's mount at %s", s->path, above->path);
    if (s->op == RP_MOP_SYMLINK ? !link_present(src_fd, s) : !target_present(src_fd, b, s))
        return rp_step_item_error(why, RP_STEP_MOUNTS, item, 0, "%s is not in the image as %s",
                                  s->path,
                                  s->op == RP_MOP_SYMLINK ? "that symlink"
                                                          : "a mount point of its type");
    return 0;
}

/* Whether the image can be bound as the root directly: building the root
 * from the plan writes nothing into it. If not, why names the first step
 * that would. Errs towards "writes": the overlay is always correct, the
 * direct bind only cheaper. */
static int image_bindable(int src_fd, const struct rp_image_build *b, struct rp_error *why)
{
    const struct rp_mount_plans *plans = b->plans;
    const struct rp_mount_plan *mount = plans->mount, *tmpfs = plans->tmpfs;
    if (!b->root->readonly)
        return rp_error_set(why, 0, "root.readonly is false");
    if (b->notify_socket)
        return rp_error_set(why, 0, "the notify proxy's socket is made in it");
    /* Both plans in the order they are applied. */
    size_t n = 0, total = mount->n + tmpfs->n;
    RP_AUTO_FREE const struct rp_mount_step **all = calloc(total + 1, sizeof(*all));
    if (!all)
        return rp_error_set(why, 0, "out of memory");
    for (size_t i = 0; i < total; i++) {
        const struct rp_mount_plan *m = i < mount->n ? mount : tmpfs;
        size_t in_m = i < mount->n ? i : i - mount->n;
        const struct rp_mount_step *s = &m->steps[in_m];
        if (s->op == RP_MOP_ROOT_BIND || s->op == RP_MOP_ROOT_TMPFS)
            continue;
        const struct rp_mount_step *above = mount_above(all, n, s->path);
        all[n++] = s;
        int r = step_writes_image(src_fd, b, s, above, rp_mount_item(plans, m, in_m), why);
        if (r < 0)
            return r;
    }
    return 0;
}

/* Recursive: the image's own submounts come along (and are made read-only
 * with it, at once or in the finish plan). */
static int bind_as_root(const char *source, struct rp_error *err)
{
    if (mount(source, "/newroot", NULL, MS_BIND | MS_REC, NULL) < 0)
        return rp_mount_errno(err, -errno);
    return 0;
}

int rp_mount_image(int src_fd, const struct rp_image_build *b, bool *readonly_now,
                   struct rp_error *err)
{
    int proc_fd = b->proc_fd, verbose = b->verbose;
    struct rp_error why = {0};
    char source[64];
    rp_fd_path(source, sizeof(source), RP_STAGE_PROC, src_fd);
    *readonly_now = false;
    if (image_bindable(src_fd, b, &why) == 0) {
        rp_vlog(verbose,
                "root.source: bound read-only, no overlay: the plan makes nothing in "
                "the image");
        *readonly_now = true;
        return bind_as_root(source, err);
    }
    rp_vlog(verbose, "root.source: an overlay is needed: %s", why.msg);

    int image_id = -1;
    int r = bind_image(src_fd, proc_fd, verbose, &image_id, err);
    if (r < 0)
        return r;
    if ((r = make_upper(src_fd)) < 0)
        return rp_mount_errno(err, r);
    if (image_layerable(&why) == 0 && make_overlay(&why) == 0) {
        rp_vlog(verbose, "root.source: an overlay, the image read-only below it");
        return bind_submounts(proc_fd, image_id, err);
    }

    rp_vlog(verbose,
            "warning: root.source: no overlay (%s): the image is bound as the root "
            "and steps that create mount points, dirs or files write into it",
            why.msg);
    return bind_as_root(source, err);
}
