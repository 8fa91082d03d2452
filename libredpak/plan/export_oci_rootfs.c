/* SPDX-License-Identifier: Apache-2.0 */
/* The bundle's rootfs/ and the host folders a node's binds create.
 *
 * The spec has no operation to make a symlink, a folder or a file in the
 * root: those of the plan's step 7 are written into rootfs/ when rootfs/
 * is the bundle's own (a fresh folder for a tmpfs root, or a copy of
 * root.source), owned by the host ids the node's maps give the owner, so
 * that the container sees the owner the node file names. A bound image is
 * never written to (as redwrap never writes into root.source): such steps
 * are listed on the notes instead. */
#include "export_oci.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"

static uid_t host_uid(const struct oci_ctx *c, uid_t inside)
{
    return oci_host_id(c->uid_map, c->n_uid_map, c->userns, inside);
}

static gid_t host_gid(const struct oci_ctx *c, gid_t inside)
{
    return oci_host_id(c->gid_map, c->n_gid_map, c->userns, inside);
}

/* path (absolute, inside the node) opened below rootfs without leaving
 * it, through whatever symlinks a copied image has. */
static int open_in_rootfs(int rootfs, const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, rootfs, path, &how, sizeof(how));
    return fd < 0 ? -errno : fd;
}

/* The folder of path's last component, made (0755, the node's root as
 * owner) where missing; *leaf points into path. */
static int open_parent(struct oci_ctx *c, int rootfs, const char *path, const char **leaf)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", path);
    char *slash = strrchr(buf, '/');
    *leaf = path + (slash - buf) + 1;
    *slash = '\0'; /* buf: the parent, "" for "/" */
    for (char *p = buf + 1; buf[0]; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char save = *p;
        *p = '\0';
        char *last = strrchr(buf, '/');
        *last = '\0';
        RP_AUTO_FD int up = open_in_rootfs(rootfs, buf[0] ? buf : "/", O_PATH | O_DIRECTORY);
        *last = '/';
        if (up < 0)
            return up;
        if (mkdirat(up, last + 1, 0755) == 0)
            fchownat(up, last + 1, host_uid(c, 0), host_gid(c, 0), AT_SYMLINK_NOFOLLOW);
        else if (errno != EEXIST)
            return -errno;
        *p = save;
        if (!save)
            break;
    }
    return open_in_rootfs(rootfs, buf[0] ? buf : "/", O_PATH | O_DIRECTORY);
}

/* Whether an earlier mount of the plan covers path: written into rootfs/,
 * the step's result would be hidden below that mount. */
static const char *covered(const struct oci_ctx *c, size_t before, const char *path)
{
    const struct rp_mount_plan *plans[2] = {&c->plan->mount, &c->plan->tmpfs};
    for (int p = 0; p < 2; p++)
        for (size_t i = 0; i < plans[p]->n && (p == 1 || i < before); i++) {
            const struct rp_mount_step *s = &plans[p]->steps[i];
            if (s->op != RP_MOP_BIND && s->op != RP_MOP_PROC && s->op != RP_MOP_DEV &&
                s->op != RP_MOP_MQUEUE && s->op != RP_MOP_TMPFS)
                continue;
            size_t len = strlen(s->path);
            if (!strncmp(path, s->path, len) && (path[len] == '/' || len == 1))
                return s->path;
        }
    return NULL;
}

static int write_step(struct oci_ctx *c, int rootfs, const struct rp_mount_step *s)
{
    const char *leaf;
    RP_AUTO_FD int dir = open_parent(c, rootfs, s->path, &leaf);
    if (dir < 0)
        return dir;
    uid_t uid = host_uid(c, s->has_owner ? s->uid : 0);
    gid_t gid = host_gid(c, s->has_owner ? s->gid : 0);
    switch (s->op) {
    case RP_MOP_SYMLINK:
        if (symlinkat(s->target, dir, leaf) < 0 && errno != EEXIST)
            return -errno;
        fchownat(dir, leaf, host_uid(c, 0), host_gid(c, 0), AT_SYMLINK_NOFOLLOW);
        return 0;
    case RP_MOP_DIR:
        if (mkdirat(dir, leaf, s->mode) < 0 && errno != EEXIST)
            return -errno;
        if (fchownat(dir, leaf, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
        return fchmodat(dir, leaf, s->mode, 0) < 0 ? -errno : 0;
    case RP_MOP_FILE: {
        RP_AUTO_FD int fd =
            openat(dir, leaf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, s->mode);
        if (fd < 0)
            return -errno;
        if (write(fd, s->content, s->content_len) != (ssize_t)s->content_len)
            return -EIO;
        if (fchown(fd, uid, gid) < 0 || fchmod(fd, s->mode) < 0)
            return -errno;
        return 0;
    }
    default: return 0;
    }
}

static int write_steps(struct oci_ctx *c, int rootfs)
{
    const struct rp_mount_plan *m = &c->plan->mount;
    for (size_t i = 0; i < m->n; i++) {
        const struct rp_mount_step *s = &m->steps[i];
        if (s->op != RP_MOP_SYMLINK && s->op != RP_MOP_DIR && s->op != RP_MOP_FILE)
            continue;
        const char *above = covered(c, i, s->path);
        if (above || !c->rootfs_ours) {
            oci_note(c, "mounts", "%s: a %s the spec cannot make%s%s: not in the bundle", s->path,
                     s->op == RP_MOP_SYMLINK   ? "symlink"
                         : s->op == RP_MOP_DIR ? "folder"
                                               : "file",
                     above ? " below the mount at " : " in a bound root", above ? above : "");
            continue;
        }
        int r = write_step(c, rootfs, s);
        if (r < 0)
            return rp_error_set(c->err, r, "bundle rootfs%s", s->path);
    }
    return 0;
}

/* Runs cp -a: the copy keeps owners, modes, links, holes and extended
 * attributes as coreutils does, where a walk of our own would miss some. */
static int copy_tree(const char *from, const char *bundle, struct rp_error *err)
{
    char src[4096], dst[4096];
    snprintf(src, sizeof(src), "%s/.", from);
    snprintf(dst, sizeof(dst), "%s/rootfs/", bundle);
    pid_t pid = fork();
    if (pid < 0)
        return rp_error_set(err, errno, "bundle rootfs: fork");
    if (pid == 0) {
        execl("/bin/cp", "cp", "-a", "--", src, dst, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return rp_error_set(err, errno, "bundle rootfs: cp");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return oci_error(err, EIO, "bundle rootfs: cp -a %s failed", from);
    return 0;
}

/* The copy's owners moved through the node's maps, as redwrap's idmapped
 * root shows them: host id N is N inside. */
static const struct oci_ctx *shift_ctx;
static int shift_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)type;
    (void)ftw;
    uid_t u = host_uid(shift_ctx, st->st_uid);
    gid_t g = host_gid(shift_ctx, st->st_gid);
    if (lchown(path, u, g) < 0)
        return -1;
    /* chown clears set-id bits: put them back. */
    if (!S_ISLNK(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)))
        chmod(path, st->st_mode & 07777);
    return 0;
}

static int make_root_from_source(struct oci_ctx *c, const struct rp_mount_step *root)
{
    char dst[64];
    snprintf(dst, sizeof(dst), "/proc/self/fd/%d/rootfs", c->dir_fd);
    if (c->opts->bind_root) {
        if (mount(root->source, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
            return rp_error_set(c->err, errno, "bundle rootfs: bind %s", root->source);
        c->rootfs_bound = true;
        oci_note(c, "root.source",
                 "rootfs/ is a bind mount of %s (--bind-root): umount it before removing "
                 "the bundle; the runtime writes mount points into the image, and with a "
                 "user namespace its files show their host owners shifted (host root as "
                 "nobody)",
                 root->source);
        return 0;
    }
    int r = copy_tree(root->source, c->dir, c->err);
    if (r < 0)
        return r;
    c->rootfs_ours = true;
    if (root->idmap && c->userns) {
        shift_ctx = c;
        if (nftw(dst, shift_one, 64, FTW_PHYS) != 0)
            return rp_error_set(c->err, errno, "bundle rootfs: owners");
    }
    oci_note(c, "root.source", "rootfs/ is a copy of %s; the node's writes stay in the copy",
             root->source);
    return 0;
}

/* The host folders of binds marked create, made as redwrap's step 2
 * makes them: the spec's runtimes do not create a bind's source. */
static int make_host_dirs(struct oci_ctx *c)
{
    const struct rp_plan *p = c->plan;
    for (size_t i = 0; i < p->n_host; i++) {
        const struct rp_host_step *h = &p->host[i];
        if (h->op == RP_HOST_SYSCTL) {
            oci_note(c, "host.sysctl",
                     "%s = %s: the host's, not the container's: set it on the host", h->path,
                     h->value);
            continue;
        }
        if (mkdir(h->path, h->mode) < 0) {
            if (errno == EEXIST)
                continue;
            return rp_error_set(c->err, errno, "host folder %s", h->path);
        }
        uid_t uid = h->uid;
        gid_t gid = h->gid;
        /* Without idmapped binds, the node sees the host ids its maps
         * give: the owner inside is then the host id mapped from it. */
        if (h->has_owner && c->userns && !c->opts->idmapped_mounts && p->ns.idmap_binds) {
            uid = host_uid(c, h->uid);
            gid = host_gid(c, h->gid);
        }
        if (h->has_owner && chown(h->path, uid, gid) < 0)
            return rp_error_set(c->err, errno, "host folder %s", h->path);
        if (h->has_owner)
            oci_note(c, "mounts",
                     "%s: created now, owned by %u:%u on the host (the spec's runtimes create "
                     "no bind source, nor give one an owner)",
                     h->path, (unsigned)uid, (unsigned)gid);
    }
    return 0;
}

int oci_make_rootfs(struct oci_ctx *c)
{
    int r = make_host_dirs(c);
    if (r < 0)
        return r;
    const struct rp_mount_step *root = c->plan->mount.n ? &c->plan->mount.steps[0] : NULL;
    for (size_t i = 0; i < c->plan->mount.n; i++)
        if (c->plan->mount.steps[i].op == RP_MOP_ROOT_BIND ||
            c->plan->mount.steps[i].op == RP_MOP_ROOT_TMPFS)
            root = &c->plan->mount.steps[i];
    mode_t mode = root && root->op == RP_MOP_ROOT_TMPFS ? root->mode : 0755;
    if (mkdirat(c->dir_fd, "rootfs", mode) < 0 || fchmodat(c->dir_fd, "rootfs", mode, 0) < 0)
        return rp_error_set(c->err, errno, "bundle rootfs");
    if (root && root->op == RP_MOP_ROOT_BIND && root->loop_image)
        return oci_error(c->err, EINVAL,
                         "root.image %s: a bundle's root is a folder: unpack the image "
                         "(unsquashfs -d DIR, fsck.erofs --extract=DIR) and export with "
                         "root.source: DIR",
                         root->source);
    if (root && root->op == RP_MOP_ROOT_BIND) {
        if ((r = make_root_from_source(c, root)) < 0)
            return r;
    } else {
        c->rootfs_ours = true;
        if (fchownat(c->dir_fd, "rootfs", host_uid(c, 0), host_gid(c, 0), 0) < 0)
            return rp_error_set(c->err, errno, "bundle rootfs");
        oci_note(c, "root",
                 "a tmpfs in redwrap; in the bundle, rootfs/ is a folder (root.size is not "
                 "a limit)%s",
                 c->plan->node->root.readonly ? "" : " and the node's writes stay in it");
    }
    RP_AUTO_FD int rootfs = openat(c->dir_fd, "rootfs", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfs < 0)
        return rp_error_set(c->err, errno, "bundle rootfs");
    /* crun opens rootfs/dev to add its default devices even when no /dev
     * is mounted: an empty folder, as the root's owner. */
    if (c->rootfs_ours && mkdirat(rootfs, "dev", 0755) == 0)
        fchownat(rootfs, "dev", host_uid(c, 0), host_gid(c, 0), AT_SYMLINK_NOFOLLOW);
    return write_steps(c, rootfs);
}

bool oci_step_in_rootfs(const struct oci_ctx *c, size_t i)
{
    enum rp_mount_op op = c->plan->mount.steps[i].op;
    return op == RP_MOP_SYMLINK || op == RP_MOP_DIR || op == RP_MOP_FILE ||
        op == RP_MOP_ROOT_BIND || op == RP_MOP_ROOT_TMPFS;
}

void oci_release_rootfs(struct oci_ctx *c)
{
    char dst[64];
    snprintf(dst, sizeof(dst), "/proc/self/fd/%d/rootfs", c->dir_fd);
    if (c->rootfs_bound && umount2(dst, MNT_DETACH) == 0)
        c->rootfs_bound = false;
}
