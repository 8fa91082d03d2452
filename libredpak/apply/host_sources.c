/* SPDX-License-Identifier: Apache-2.0 */
/* The bind sources, opened once in the parent (host.h).
 *
 * Writable sources are opened without following any symlink: the
 * workload writes into them, so nothing in their path may be a link that
 * someone could have turned. The others (read-only binds, root.source)
 * follow the host's own symlinks (/lib -> usr/lib on merged-/usr hosts),
 * but never walk through a writable source of the node: what is below one
 * is the workload's, from an earlier run (plan_mount_order.c refuses
 * such a source as written; this catches it reached through a symlink).
 *
 * The fds live in the host's mount namespace, where the first process,
 * in its own, can neither open_tree nor bind them (the kernel answers
 * EINVAL for a mount of another namespace). It resolves the source again
 * in its copy of the host's tree and binds that fd only if it is the
 * same file (device and inode): a path swapped in between fails the
 * start, it never changes what is bound. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto_fd.h"
#include "host.h"
#include "mount_lock.h"
#include "host_path.h"
#include "step_message.h"

static bool is_source(const struct rp_mount_step *s)
{
    return (s->op == RP_MOP_BIND || s->op == RP_MOP_ROOT_BIND) && s->source;
}

static bool is_writable(const struct rp_mount_step *s)
{
    return s->op == RP_MOP_BIND && !s->readonly;
}

static int open_error(const struct rp_mount_step *s, int code, const char *where,
                      struct rp_error *err)
{
    if (code == -ELOOP && where[0])
        return rp_step_error(err, RP_STEP_HOST, 0,
                             "bind source %s: %s is a symlink; the source of a writable bind "
                             "must be a path without symlinks (whoever can write there could "
                             "point it anywhere): write the real path",
                             s->source, where);
    if (code == -EXDEV)
        return rp_step_error(err, RP_STEP_HOST, 0,
                             "bind source %s: the path goes through %s, the source of a "
                             "writable bind of this node: what is below it is the workload's "
                             "to change; use a source outside it",
                             s->source, where);
    return rp_step_error(err, RP_STEP_HOST, -code, "bind source %s", s->source);
}

static int open_one(const struct rp_mount_step *s, bool writable, const struct rp_dev_ino *avoid,
                    size_t n_avoid, int *out, struct rp_error *err)
{
    char where[4096] = "";
    int fd = writable ? rp_host_open_nofollow(s->source, false, NULL, where, sizeof(where))
                      : rp_host_open_following(s->source, avoid, n_avoid, where, sizeof(where));
    /* Skipped by the mount step when optional; otherwise the mount step
     * reports it, at its own line, as it finds it missing too (one that
     * appeared in between is not what was opened here). */
    if (fd == -ENOENT)
        return 0;
    if (fd < 0)
        return open_error(s, fd, where, err);
    *out = fd;
    return 0;
}

int rp_host_sources_open(const struct rp_mount_plan *mount, struct rp_host_sources *out,
                         int verbose, struct rp_error *err)
{
    out->n = mount->n;
    out->fd = malloc((mount->n + 1) * sizeof(*out->fd));
    struct rp_dev_ino *avoid = calloc(mount->n + 1, sizeof(*avoid));
    if (!out->fd || !avoid) {
        free(avoid);
        return rp_step_error(err, RP_STEP_HOST, ENOMEM, "bind sources");
    }
    for (size_t i = 0; i < mount->n; i++)
        out->fd[i] = -1;
    size_t n_avoid = 0;
    int r = 0;
    /* The writable ones first: the walk of the others avoids them. */
    for (int pass = 0; pass < 2 && r == 0; pass++) {
        for (size_t i = 0; i < mount->n && r == 0; i++) {
            const struct rp_mount_step *s = &mount->steps[i];
            if (!is_source(s) || is_writable(s) != (pass == 0))
                continue;
            rp_step_vlog(verbose, RP_STEP_HOST, "open bind source %s", s->source);
            r = open_one(s, pass == 0, avoid, n_avoid, &out->fd[i], err);
            struct stat st;
            if (r == 0 && pass == 0 && out->fd[i] >= 0 && fstat(out->fd[i], &st) == 0)
                avoid[n_avoid++] = (struct rp_dev_ino){st.st_dev, st.st_ino};
        }
    }
    free(avoid);
    return r;
}

void rp_host_sources_close(struct rp_host_sources *s)
{
    for (size_t i = 0; s->fd && i < s->n; i++)
        rp_close_fd(&s->fd[i]);
    free(s->fd);
    s->fd = NULL;
    s->n = 0;
    free(s->owners);
    s->owners = NULL;
    s->n_owners = 0;
}

/* fchownat on the descriptor, never the path: src is what was checked to
 * be the folder step 2 made. The kernel allows it to uid 0 of the node's
 * namespace because both the folder's ids (the caller's, mapped to 0) and
 * the new ones are mapped there. */
int rp_host_source_chown(const struct rp_host_sources *s, const char *source, int src,
                         const struct rp_ns_plan *ns, uint32_t base)
{
    for (size_t i = 0; s && i < s->n_owners; i++)
        if (!strcmp(s->owners[i].path, source) &&
            fchownat(src, "", rp_mount_lock_build_id(ns, base, false, s->owners[i].uid),
                     rp_mount_lock_build_id(ns, base, true, s->owners[i].gid), AT_EMPTY_PATH) < 0)
            return -errno;
    return 0;
}

int rp_host_source_check(const struct rp_host_sources *s, size_t i, int src)
{
    if (!s || i >= s->n || s->fd[i] < 0)
        return -EXDEV;
    struct stat a, b;
    if (fstat(s->fd[i], &a) < 0 || fstat(src, &b) < 0)
        return -errno;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? 0 : -EXDEV;
}
