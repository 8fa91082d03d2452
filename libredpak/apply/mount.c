/* SPDX-License-Identifier: Apache-2.0 */
/* Step 7: the node's filesystem. Runs in the first process, inside the new
 * mount namespace (and the new user namespace, whose maps are written),
 * before anything of the workload. Three plans, one op list each, one
 * switch (apply_step) in the manner of bubblewrap:
 *
 *   mount:  the root, then binds, proc, dev, mqueue, symlinks, dirs, files
 *   tmpfs:  the volatile areas
 *   (the NOTIFY_SOCKET proxy's socket, notify.c, while the root is writable)
 *   finish: pivot_root into the new root, then the read-only remounts
 *
 * The new root is built on a staging tmpfs that exists only in this mount
 * namespace (stage_enter), so a run leaves nothing on the host: no
 * directory to remove, no mount to undo. Targets are resolved inside the
 * new root (mount_resolve.c) and mounted onto the fd that was resolved. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "auto_fd.h"
#include "enum_names.h"
#include "error_internal.h"
#include "log.h"
#include "mount.h"
#include "mount_lock.h"
#include "mount_proc.h"
#include "mount_resolve.h"
#include "notify.h"
#include "step_message.h"

/* The private propagation is line 1 of step 7 in `rednode-config plan`;
 * the steps of the three plans follow (rp_mount_item). */
#define PROPAGATION_ITEM 1

struct mount_ctx {
    const struct rp_mount_plans *plans;
    bool notify_socket; /* the NOTIFY_SOCKET proxy's socket goes into the root */
    int verbose;
    int host_fd; /* the host's "/" (at /oldroot) until the pivot */
    int proc_fd; /* the host's /proc: mount ids, mountinfo */
    int root_fd; /* the new root once a root step ran */
    bool pivoted;
    struct rp_own_mount *own; /* the mounts this node made, in order */
    size_t n_own;
    const char **skipped; /* paths of optional binds whose source is missing */
    size_t n_skipped;
};

static void ctx_release(struct mount_ctx *c)
{
    /* host_fd and proc_fd reach the host's tree: none may outlive step 7. */
    rp_close_fd(&c->host_fd);
    rp_close_fd(&c->proc_fd);
    rp_close_fd(&c->root_fd);
    free(c->own);
    free(c->skipped);
}

/* An owner the plan gives inside the node, as this process writes it. */
static unsigned build_id(const struct mount_ctx *c, bool gid, uint32_t id)
{
    return rp_mount_lock_build_id(c->plans->ns, c->plans->base, gid, id);
}

static const char *step_path(const struct rp_mount_step *s)
{
    return s->path ? s->path : "/";
}

/* "bind /srv/data -> /data", "symlink /bin -> usr/bin", "proc /proc". */
static void describe(const struct rp_mount_step *s, char *buf, size_t len)
{
    const char *op = rp_mount_op_name(s->op);
    if (s->source)
        snprintf(buf, len, "%s %s -> %s", op, s->source, step_path(s));
    else if (s->op == RP_MOP_SYMLINK)
        snprintf(buf, len, "%s %s -> %s", op, step_path(s), s->target ? s->target : "");
    else
        snprintf(buf, len, "%s %s", op, step_path(s));
}

int rp_mount_errno(struct rp_error *err, int code)
{
    snprintf(err->msg, sizeof(err->msg), "%s", strerror(-code));
    err->code = code;
    return code;
}

/* Remembers the mount now on top of path as one of the node's own. */
static int own_add(struct mount_ctx *c, const char *path)
{
    RP_AUTO_FD int fd = rp_resolve(c->root_fd, path, RP_CREATE_NONE, 0);
    if (fd < 0)
        return fd;
    int id = rp_fd_mount_id(c->proc_fd, fd);
    if (id < 0)
        return id;
    c->own[c->n_own++] = (struct rp_own_mount){.path = path, .id = id};
    return 0;
}

/* A bind takes no flags when it is made (the kernel copies the source
 * mount's), so nosuid, nodev and noexec are set on it, and on the
 * submounts it brought, once it is there; read-only too when asked
 * (readonly), see op_bind. */
static int bind_flags(struct mount_ctx *c, const struct rp_mount_step *s, bool readonly,
                      struct rp_error *err)
{
    unsigned long flags = (s->flags & ~(unsigned long)MS_RDONLY) | (readonly ? MS_RDONLY : 0);
    /* Below a fresh bind are only the mounts it brought from the host: the
     * node's own mounts are in the new root, which no host path reaches,
     * so none can be there yet. One recursive mount_setattr then changes
     * exactly what the walk of rp_mount_set_flags would, without reading
     * the whole mount table once per bind (n binds cost O(n^2)). The walk
     * stays for kernels before 5.12. */
    const char *path = c->own[c->n_own - 1].path;
    RP_AUTO_FD int fd = strcmp(path, "/") == 0 ? fcntl(c->root_fd, F_DUPFD_CLOEXEC, 0)
                                               : rp_resolve(c->root_fd, path, RP_CREATE_NONE, 0);
    if (fd < 0)
        return rp_mount_errno(err, strcmp(path, "/") == 0 ? -errno : fd);
    int r = rp_mount_set_flags_fresh(fd, flags);
    if (r == -ENOSYS)
        r = rp_mount_set_flags(c->proc_fd, c->own[c->n_own - 1].id, flags, c->own, c->n_own,
                               c->verbose, err);
    else if (r < 0)
        rp_error_set(err, r, "%s", path);
    c->own[c->n_own - 1].readonly = r == 0 && readonly;
    return r;
}

/* mount(2) onto an fd resolved inside the root. */
static int mount_on(int target_fd, const char *source, const char *fstype, unsigned long flags,
                    const char *data)
{
    char target[64];
    rp_fd_path(target, sizeof(target), RP_STAGE_PROC, target_fd);
    return mount(source, target, fstype, flags, data) < 0 ? -errno : 0;
}

/* Any existing directory will do as the staging mount point: the tmpfs
 * covers it only in this namespace, and only until the pivot below makes
 * the tmpfs the root and uncovers the host's /tmp again (at /oldroot/tmp,
 * so bind sources under /tmp stay reachable). */
static const char *stage_dir(void)
{
    static const char *const candidates[] = {"/tmp", "/run", "/mnt"};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        struct stat st;
        if (lstat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode))
            return candidates[i];
    }
    return NULL;
}

/* Private propagation, then a pivot into a staging tmpfs that holds two
 * empty directories: newroot (where the node's root is built) and oldroot
 * (where the host's tree now sits, and where bind sources are found). */
static int stage_enter(struct mount_ctx *c, struct rp_error *err)
{
    /* systemd makes / shared: without this, every mount below would
     * propagate to the host's namespace. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return rp_step_item_error(err, RP_STEP_MOUNTS, PROPAGATION_ITEM, errno, "make / private");
    const char *stage = stage_dir();
    if (!stage)
        return rp_step_error(err, RP_STEP_MOUNTS, ENOENT, "staging tmpfs");
    if (mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16k,mode=0700") < 0)
        return rp_step_error(err, RP_STEP_MOUNTS, errno, "staging tmpfs");
    RP_AUTO_FD int stage_fd = open(stage, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (stage_fd < 0 || mkdirat(stage_fd, "newroot", 0700) < 0 ||
        mkdirat(stage_fd, "oldroot", 0700) < 0)
        return rp_step_error(err, RP_STEP_MOUNTS, errno, "staging tmpfs");

    char put_old[64];
    snprintf(put_old, sizeof(put_old), "%s%s", stage, RP_STAGE_HOST);
    if (syscall(SYS_pivot_root, stage, put_old) < 0 || chdir("/") < 0)
        return rp_step_error(err, RP_STEP_MOUNTS, errno, "pivot into the staging tmpfs");
    c->host_fd = open(RP_STAGE_HOST, O_PATH | O_DIRECTORY | O_CLOEXEC);
    c->proc_fd = open(RP_STAGE_PROC, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->host_fd < 0 || c->proc_fd < 0)
        return rp_step_error(err, RP_STEP_MOUNTS, errno, "open the host's / and /proc");
    return 0;
}

static int root_ready(struct mount_ctx *c, const struct rp_mount_step *s, bool readonly_now,
                      struct rp_error *err)
{
    c->root_fd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->root_fd < 0)
        return rp_mount_errno(err, -errno);
    int id = rp_fd_mount_id(c->proc_fd, c->root_fd);
    if (id < 0)
        return rp_mount_errno(err, id);
    c->own[c->n_own++] = (struct rp_own_mount){.path = "/", .id = id};
    /* The root stays writable until the finish plan: mount points, dirs
     * and files are still to be made in it; unless nothing is (an image
     * bound directly, mount_image.c), then it is read-only at once. */
    return s->op == RP_MOP_ROOT_BIND ? bind_flags(c, s, readonly_now, err) : 0;
}

static int op_root_tmpfs(struct mount_ctx *c, const struct rp_mount_step *s, struct rp_error *err)
{
    char opts[96];
    int n = snprintf(opts, sizeof(opts), "mode=0%o", (unsigned)(s->mode & 07777));
    if (s->size)
        snprintf(opts + n, sizeof(opts) - (size_t)n, ",size=%" PRIu64, s->size);
    if (mount("tmpfs", "/newroot", "tmpfs", MS_NOSUID | MS_NODEV | s->flags, opts) < 0)
        return rp_mount_errno(err, -errno);
    return root_ready(c, s, false, err);
}

/* The parent's idmapped copy of the image (idmap.c), attached in the
 * staging tmpfs: the image as the node's ids see it, for mount_image.c. */
#define IDMAPPED_IMAGE "/idmapped"

static int attached_image(int *pre)
{
    if (mkdir(IDMAPPED_IMAGE, 0700) < 0)
        return -errno;
    int r =
        move_mount(*pre, "", AT_FDCWD, IDMAPPED_IMAGE, MOVE_MOUNT_F_EMPTY_PATH) < 0 ? -errno : 0;
    rp_close_fd(pre);
    if (r < 0)
        return r;
    int fd = open(IDMAPPED_IMAGE, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* The source of step i, resolved in this mount namespace: the file the
 * parent opened for it (host_sources.c), or an error. -ENOENT: the
 * parent found an optional source missing. */
static int open_source(struct mount_ctx *c, const struct rp_mount_step *s, size_t i,
                       struct rp_error *err)
{
    const struct rp_host_sources *hs = c->plans->sources;
    if (hs && i < hs->n && hs->fd[i] < 0 && s->optional)
        return -ENOENT;
    int src = rp_resolve(c->host_fd, s->source, RP_CREATE_NONE, 0);
    if (src == -ENOENT && s->optional && !hs)
        return src;
    if (src < 0)
        return rp_mount_errno(err, src);
    if (!hs)
        return src;
    int r = rp_host_source_check(hs, i, src);
    if (r == 0)
        return src;
    close(src);
    return r == -EXDEV ? rp_error_set(err, EXDEV,
                                      "%s is not what redwrap opened on the host a moment ago "
                                      "(a path in it was replaced): nothing was bound",
                                      s->source)
                       : rp_mount_errno(err, r);
}

/* The parent's detached copy of step i's source (idmap.c), or NULL. */
static int *detached(struct mount_ctx *c, size_t i)
{
    int *d = c->plans->detached;
    return d && i < c->plans->mount->n && d[i] >= 0 ? &d[i] : NULL;
}

static int op_root_bind(struct mount_ctx *c, const struct rp_mount_step *s, size_t i,
                        struct rp_error *err)
{
    int *pre = detached(c, i);
    RP_AUTO_FD int src = pre ? attached_image(pre) : open_source(c, s, i, err);
    if (pre && src < 0)
        return rp_mount_errno(err, src);
    if (src < 0)
        return src;
    struct rp_image_build b = {
        .plans = c->plans,
        .root = s,
        .notify_socket = c->notify_socket,
        .host_fd = c->host_fd,
        .proc_fd = c->proc_fd,
        .verbose = c->verbose,
    };
    bool readonly_now = false;
    int r = rp_mount_image(src, &b, &readonly_now, err);
    return r < 0 ? r : root_ready(c, s, readonly_now, err);
}

/* The mount point of a bind, made inside the root as the source's kind:
 * a directory for a directory, an empty file for anything else. */
static int bind_target(struct mount_ctx *c, const struct rp_mount_step *s, int src)
{
    struct stat st;
    if (fstat(src, &st) < 0)
        return -errno;
    bool dir = S_ISDIR(st.st_mode);
    return rp_resolve(c->root_fd, s->path, dir ? RP_CREATE_DIR : RP_CREATE_FILE, dir ? 0755 : 0644);
}

/* The parent's detached, idmapped copy of the source (idmap.c), moved
 * into place: it is the source as the parent found it before the clone. */
static int bind_detached(struct mount_ctx *c, const struct rp_mount_step *s, int *pre,
                         struct rp_error *err)
{
    RP_AUTO_FD int tgt = bind_target(c, s, *pre);
    if (tgt < 0)
        return rp_mount_errno(err, tgt);
    int r = move_mount(*pre, "", tgt, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0
        ? -errno
        : 0;
    rp_close_fd(pre);
    if (r < 0 || (r = own_add(c, s->path)) < 0)
        return rp_mount_errno(err, r);
    return bind_flags(c, s, s->readonly, err);
}

static int op_bind(struct mount_ctx *c, const struct rp_mount_step *s, size_t i, size_t item,
                   struct rp_error *err)
{
    int *pre = detached(c, i);
    if (pre)
        return bind_detached(c, s, pre, err);
    RP_AUTO_FD int src = open_source(c, s, i, err);
    if (src == -ENOENT && s->optional) {
        rp_step_item_vlog(c->verbose, RP_STEP_MOUNTS, item,
                          "skipped, optional source %s is missing", s->source);
        c->skipped[c->n_skipped++] = s->path;
        return 0;
    }
    if (src < 0)
        return src;
    int r = rp_host_source_chown(c->plans->sources, s->source, src, c->plans->ns, c->plans->base);
    if (r < 0)
        return rp_error_set(err, -r, "chown %s (made by step 2) to its owner inside the node",
                            s->source);
    RP_AUTO_FD int tgt = bind_target(c, s, src);
    if (tgt < 0)
        return rp_mount_errno(err, tgt);
    char source[64];
    rp_fd_path(source, sizeof(source), RP_STAGE_PROC, src);
    /* Recursive, so that the host's submounts are seen (and, readonly,
     * made read-only too) rather than the empty directories below them. */
    r = mount_on(tgt, source, NULL, MS_BIND | MS_REC, NULL);
    if (r < 0 || (r = own_add(c, s->path)) < 0)
        return rp_mount_errno(err, r);
    /* A read-only bind is read-only at once, not only in the finish plan:
     * until then a later step (a mount point made for a nested bind, a
     * file, a dir reached through an image's symlink) would write into the
     * host's directory. With it, such a step fails with EROFS instead. The
     * finish plan's remount of it then changes nothing. */
    return bind_flags(c, s, s->readonly, err);
}

/* proc, mqueue, tmpfs: a fresh filesystem on a directory. needs: why the
 * kernel refuses it with EPERM (NULL: nothing more to say). */
static int op_fs(struct mount_ctx *c, const struct rp_mount_step *s, const char *fstype,
                 unsigned long flags, const char *data, const char *needs, struct rp_error *err)
{
    RP_AUTO_FD int tgt = rp_resolve(c->root_fd, s->path, RP_CREATE_DIR, 0755);
    if (tgt < 0)
        return rp_mount_errno(err, tgt);
    int r = mount_on(tgt, fstype, fstype, flags | s->flags, data);
    if (r == -EPERM && needs)
        return rp_error_set(err, r, "from a new user namespace, %s needs %s", fstype, needs);
    if (r < 0 || (r = own_add(c, s->path)) < 0)
        return rp_mount_errno(err, r);
    return 0;
}

/* A proc of the node's own pid namespace: it shows the node's processes
 * only. The kernel allows it in a user namespace because the host's /proc
 * is still fully visible at /oldroot/proc, and only for a pid namespace
 * that user namespace owns. /proc/sys and the other host kernel knobs in
 * it are then made read-only (mount_proc.c says why). */
static int op_proc(struct mount_ctx *c, const struct rp_mount_step *s, struct rp_error *err)
{
    int r = op_fs(c, s, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, "namespaces.pid: new", err);
    if (r < 0)
        return r;
    RP_AUTO_FD int fd = rp_resolve(c->root_fd, s->path, RP_CREATE_NONE, 0);
    if (fd < 0)
        return rp_mount_errno(err, fd);
    return rp_mount_proc_readonly(fd, s->path, err);
}

static int op_dev(struct mount_ctx *c, const struct rp_mount_step *s, struct rp_error *err)
{
    int r = rp_mount_dev(c->root_fd, c->host_fd, s->path, s->size, err);
    if (r < 0)
        return r;
    r = own_add(c, s->path);
    return r < 0 ? rp_mount_errno(err, r) : 0;
}

static int op_tmpfs(struct mount_ctx *c, const struct rp_mount_step *s, struct rp_error *err)
{
    /* Owner as mount options: the kernel reads uid= and gid= in the
     * mounting process's user namespace, so ids inside the node are right. */
    char opts[128];
    int n = snprintf(opts, sizeof(opts), "mode=0%o", (unsigned)(s->mode & 07777));
    if (s->size)
        n += snprintf(opts + n, sizeof(opts) - (size_t)n, ",size=%" PRIu64, s->size);
    if (s->has_owner)
        snprintf(opts + n, sizeof(opts) - (size_t)n, ",uid=%u,gid=%u", build_id(c, false, s->uid),
                 build_id(c, true, s->gid));
    return op_fs(c, s, "tmpfs", MS_NOSUID | MS_NODEV, opts, NULL, err);
}

static int op_symlink(struct mount_ctx *c, const struct rp_mount_step *s, struct rp_error *err)
{
    const char *base;
    RP_AUTO_FD int parent = rp_resolve_parent(c->root_fd, s->path, 1, &base);
    if (parent < 0)
        return rp_mount_errno(err, parent);
    if (symlinkat(s->target, parent, base) == 0)
        return 0;
    if (errno != EEXIST)
        return rp_mount_errno(err, -errno);
    /* The same link already there (an image that has it) is fine. */
    char have[4096];
    ssize_t len = readlinkat(parent, base, have, sizeof(have) - 1);
    if (len < 0)
        return rp_mount_errno(err, -EEXIST);
    have[len] = '\0';
    return strcmp(have, s->target) == 0 ? 0 : rp_mount_errno(err, -EEXIST);
}

/* Mode and owner of an fd that can be written to: exactly the plan's. */
static int set_mode_owner(struct mount_ctx *c, int fd, const struct rp_mount_step *s,
                          struct rp_error *err)
{
    if (fchmod(fd, s->mode & 07777) < 0)
        return rp_mount_errno(err, -errno);
    if (s->has_owner && fchown(fd, build_id(c, false, s->uid), build_id(c, true, s->gid)) < 0)
        return rp_mount_errno(err, -errno);
    return 0;
}

static int op_dir(struct mount_ctx *c, const struct rp_mount_step *s, struct rp_error *err)
{
    RP_AUTO_FD int at = rp_resolve(c->root_fd, s->path, RP_CREATE_DIR, s->mode & 07777);
    if (at < 0)
        return rp_mount_errno(err, at);
    RP_AUTO_FD int dir = openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return rp_mount_errno(err, -errno);
    return set_mode_owner(c, dir, s, err);
}

/* A file step's path that is not there yet, created in its parent. */
static int create_for_content(struct mount_ctx *c, const struct rp_mount_step *s,
                              struct rp_error *err)
{
    const char *base;
    RP_AUTO_FD int parent = rp_resolve_parent(c->root_fd, s->path, 1, &base);
    if (parent < 0)
        return rp_mount_errno(err, parent);
    /* O_EXCL and O_NOFOLLOW: what appeared since the lookup (a dangling
     * symlink, say) is refused rather than written through. */
    int fd =
        openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, s->mode & 07777);
    if (fd < 0 && errno == EEXIST)
        return rp_error_set(err, errno, "a symlink to nothing inside the node is in the way");
    return fd < 0 ? rp_mount_errno(err, -errno) : fd;
}

static int open_for_content(struct mount_ctx *c, const struct rp_mount_step *s,
                            struct rp_error *err)
{
    RP_AUTO_FD int at = rp_resolve(c->root_fd, s->path, RP_CREATE_NONE, 0);
    if (at == -ENOENT)
        return create_for_content(c, s, err);
    if (at < 0)
        return rp_mount_errno(err, at);
    struct stat st;
    if (fstat(at, &st) < 0)
        return rp_mount_errno(err, -errno);
    if (S_ISDIR(st.st_mode))
        return rp_mount_errno(err, -EISDIR);
    if (!S_ISREG(st.st_mode))
        return rp_mount_errno(err, -EINVAL);
    /* Reopened through the fd, not the path: the file checked is the
     * file written. */
    char path[64];
    rp_fd_path(path, sizeof(path), RP_STAGE_PROC, at);
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    return fd < 0 ? rp_mount_errno(err, -errno) : fd;
}

static int op_file(struct mount_ctx *c, const struct rp_mount_step *s, struct rp_error *err)
{
    RP_AUTO_FD int fd = open_for_content(c, s, err);
    if (fd < 0)
        return fd;
    for (size_t done = 0; done < s->content_len;) {
        ssize_t n = write(fd, s->content + done, s->content_len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return rp_mount_errno(err, -errno);
        done += (size_t)n;
    }
    return set_mode_owner(c, fd, s, err);
}

/* The new root becomes "/"; the staging tmpfs, and the host's tree under
 * it, are detached, so nothing of the host is reachable by path again. */
static int op_pivot_root(struct mount_ctx *c, struct rp_error *err)
{
    /* The last handle on the host's tree goes first. */
    rp_close_fd(&c->host_fd);
    if (fchdir(c->root_fd) < 0)
        return rp_mount_errno(err, -errno);
    /* pivot_root(".", "."): the old root ends up stacked on top of the new
     * one, at "/", and needs no put_old directory inside the node. */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return rp_mount_errno(err, -errno);
    /* Private before the unmount: an unmount propagates like a mount does,
     * and must not reach a peer of the host's. */
    if (mount(NULL, ".", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return rp_mount_errno(err, -errno);
    if (umount2(".", MNT_DETACH) < 0)
        return rp_mount_errno(err, -errno);
    if (chdir("/") < 0)
        return rp_mount_errno(err, -errno);
    c->pivoted = true;
    return 0;
}

static int op_remount_ro(struct mount_ctx *c, const struct rp_mount_step *s, size_t item,
                         struct rp_error *err)
{
    const char *path = step_path(s);
    for (size_t i = c->n_own; i-- > 0;)
        if (strcmp(c->own[i].path, path) == 0) {
            /* Nothing can have come below a bind made read-only since,
             * but the node's own mounts, which keep their setting: the
             * walk of the mount table would change nothing. */
            if (c->own[i].readonly) {
                rp_step_item_vlog(c->verbose, RP_STEP_MOUNTS, item,
                                  "%s is read-only since it was bound", path);
                return 0;
            }
            return rp_mount_set_flags(c->proc_fd, c->own[i].id, MS_RDONLY, c->own, c->n_own,
                                      c->verbose, err);
        }
    for (size_t i = 0; i < c->n_skipped; i++) {
        if (strcmp(c->skipped[i], path) == 0) {
            rp_step_item_vlog(c->verbose, RP_STEP_MOUNTS, item, "skipped, nothing was bound at %s",
                              path);
            return 0;
        }
    }
    return rp_error_set(err, EINVAL, "not a mount made by this node");
}

/* As for proc: the ipc namespace must be owned by the mounting one. In a
 * nested build the node's comes after step 7 (mount_lock.c): only the
 * mount point now, the mount then (rp_mount_mqueue). */
static int op_mqueue(struct mount_ctx *c, const struct rp_mount_step *s, struct rp_error *err)
{
    if (!rp_mount_lock_wanted(c->plans->ns))
        return op_fs(c, s, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, "namespaces.ipc: new",
                     err);
    RP_AUTO_FD int tgt = rp_resolve(c->root_fd, s->path, RP_CREATE_DIR, 0755);
    return tgt < 0 ? rp_mount_errno(err, tgt) : 0;
}

int rp_mount_mqueue(const struct rp_mount_plan *mount, struct rp_error *err)
{
    for (size_t i = 0; i < mount->n; i++) {
        const struct rp_mount_step *s = &mount->steps[i];
        if (s->op != RP_MOP_MQUEUE)
            continue;
        /* fsopen: the mqueue instance is the caller's IPC namespace's; and
         * no /proc path is needed to name the target. */
        RP_AUTO_FD int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        RP_AUTO_FD int tgt = root < 0 ? -errno : rp_resolve(root, s->path, RP_CREATE_NONE, 0);
        RP_AUTO_FD int fs = tgt < 0 ? -1 : fsopen("mqueue", FSOPEN_CLOEXEC);
        RP_AUTO_FD int mnt = -1;
        unsigned attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
            (s->flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0);
        int r = tgt < 0 ? tgt : 0;
        if (r == 0 &&
            (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
             (mnt = fsmount(fs, FSMOUNT_CLOEXEC, attr)) < 0 ||
             move_mount(mnt, "", tgt, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0))
            r = -errno;
        if (r < 0)
            return rp_step_error(err, RP_STEP_MOUNTS, -r,
                                 "mqueue on %s, in the node's IPC namespace", s->path);
    }
    return 0;
}

/* Which steps need which stage of the build. */
static int check_stage(const struct mount_ctx *c, enum rp_mount_op op, struct rp_error *err)
{
    bool root_op = op == RP_MOP_ROOT_TMPFS || op == RP_MOP_ROOT_BIND;
    if (root_op && c->root_fd >= 0)
        return rp_error_set(err, EINVAL, "the node already has a root");
    if (!root_op && op != RP_MOP_REMOUNT_RO && c->root_fd < 0)
        return rp_error_set(err, EINVAL, "no root step before it");
    if (c->pivoted && op != RP_MOP_REMOUNT_RO)
        return rp_error_set(err, EINVAL, "after pivot_root");
    return 0;
}

static int apply_step(struct mount_ctx *c, const struct rp_mount_step *s, size_t i, size_t item,
                      struct rp_error *err)
{
    int r = check_stage(c, s->op, err);
    if (r < 0)
        return r;
    switch (s->op) {
    case RP_MOP_ROOT_TMPFS: return op_root_tmpfs(c, s, err);
    case RP_MOP_ROOT_BIND: return op_root_bind(c, s, i, err);
    case RP_MOP_BIND: return op_bind(c, s, i, item, err);
    case RP_MOP_PROC: return op_proc(c, s, err);
    case RP_MOP_DEV: return op_dev(c, s, err);
    case RP_MOP_MQUEUE: return op_mqueue(c, s, err);
    case RP_MOP_SYMLINK: return op_symlink(c, s, err);
    case RP_MOP_DIR: return op_dir(c, s, err);
    case RP_MOP_FILE: return op_file(c, s, err);
    case RP_MOP_TMPFS: return op_tmpfs(c, s, err);
    case RP_MOP_PIVOT_ROOT: return op_pivot_root(c, err);
    case RP_MOP_REMOUNT_RO: return op_remount_ro(c, s, item, err);
    }
    return rp_mount_errno(err, -EINVAL);
}

size_t rp_mount_item(const struct rp_mount_plans *plans, const struct rp_mount_plan *m, size_t i)
{
    size_t before = 0;
    if (m != plans->mount)
        before += plans->mount->n;
    if (m == plans->finish)
        before += plans->tmpfs->n;
    return PROPAGATION_ITEM + before + i + 1;
}

/* The op said what failed and why in err; the step and the op go in front. */
static int apply_plan(struct mount_ctx *c, const struct rp_mount_plan *m, struct rp_error *err)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct rp_mount_step *s = &m->steps[i];
        size_t item = rp_mount_item(c->plans, m, i);
        char desc[2 * 4096 + 32];
        describe(s, desc, sizeof(desc));
        rp_step_item_vlog(c->verbose, RP_STEP_MOUNTS, item, "%s", desc);
        /* i indexes the parent's sources only in the mount plan. */
        if (apply_step(c, s, m == c->plans->mount ? i : SIZE_MAX, item, err) < 0)
            return rp_step_item_wrap(err, RP_STEP_MOUNTS, item, "%s", desc);
    }
    return 0;
}

int rp_mount_apply(const struct rp_mount_plans *plans, const struct rp_notify *notify, int verbose,
                   struct rp_error *err)
{
    __attribute__((cleanup(ctx_release))) struct mount_ctx c = {
        .plans = plans,
        .notify_socket = notify && notify->fd >= 0,
        .verbose = verbose,
        .host_fd = -1,
        .proc_fd = -1,
        .root_fd = -1,
    };
    /* Bounded by the plans: each step makes at most one mount of its own. */
    c.own = calloc(plans->mount->n + plans->tmpfs->n + 1, sizeof(*c.own));
    c.skipped = calloc(plans->mount->n + 1, sizeof(*c.skipped));
    if (!c.own || !c.skipped)
        return rp_step_error(err, RP_STEP_MOUNTS, ENOMEM, "the list of the node's mounts");

    int r;
    if ((r = stage_enter(&c, err)) < 0 || (r = apply_plan(&c, plans->mount, err)) < 0 ||
        (r = apply_plan(&c, plans->tmpfs, err)) < 0 ||
        (notify && (r = rp_notify_bind(notify, c.root_fd, err)) < 0) ||
        (r = apply_plan(&c, plans->finish, err)) < 0)
        return r;
    /* Without the pivot the workload would sit in the staging tmpfs with
     * the host's whole tree at /oldroot. */
    if (!c.pivoted)
        return rp_step_error(err, RP_STEP_MOUNTS, 0, "no pivot_root step in the finish plan");
    return 0;
}
