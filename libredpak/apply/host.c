/* SPDX-License-Identifier: Apache-2.0 */
/* Step 2, the host plan: the only changes redwrap makes outside the node,
 * made before anything of the node exists so that a refusal costs nothing.
 * Both are explicit opt-ins of the node file: host.sysctl, and bind
 * sources marked create: true. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto_fd.h"
#include "host.h"
#include "host_path.h"
#include "log.h"
#include "step_message.h"

/* Creates path and its missing parents, walked on file descriptors and
 * never through a symlink (host_path.c): a symlink planted anywhere in
 * the path by someone who can write there fails the step instead of
 * having root make and chown a directory where it points. Only the last
 * component gets the step's owner and mode, on its own fd; the parents
 * get 0755 like mkdir -p. An existing source is used as it is. item: the
 * step's number under step 2, for messages. */
static int host_mkdir(const struct rp_host_step *s, size_t item, struct rp_host_sources *sources,
                      struct rp_error *err)
{
    bool made;
    char where[4096] = "";
    RP_AUTO_FD int at = rp_host_open_nofollow(s->path, true, &made, where, sizeof(where));
    if (at == -ELOOP)
        return rp_step_item_error(err, RP_STEP_HOST, item, 0,
                                  "mkdir %s: %s is a symlink; redwrap does not follow symlinks "
                                  "in the path of a created source (someone who can write "
                                  "there could point it anywhere): write the real path",
                                  s->path, where);
    if (at < 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, -at, "mkdir %s", s->path);
    RP_AUTO_FD int fd = openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "mkdir %s", s->path);
    if (!made)
        return 0;
    /* The caller's until the node's root gives it the owner (plan_host.c). */
    if (s->has_owner && s->owner_in_node)
        sources->owners[sources->n_owners++] =
            (struct rp_host_owner){s->path, s->node_uid, s->node_gid};
    /* Owner first, then the mode: until both are set it is 0700 root's. */
    else if (s->has_owner && fchown(fd, s->uid, s->gid) < 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "chown %s %u:%u", s->path,
                                  (unsigned)s->uid, (unsigned)s->gid);
    if (fchmod(fd, s->mode & 07777) < 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "chmod %s", s->path);
    return 0;
}

/* Writes a host sysctl. It changes the whole machine, so it is root only
 * (checked here, at run time, since the same node may be planned by
 * anyone) and always logged with the value it replaced. */
static int host_sysctl(const struct rp_host_step *s, size_t item, struct rp_error *err)
{
    if (geteuid() != 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, 0,
                                  "sysctl %s: host.sysctl changes the host and needs root "
                                  "(redwrap runs as uid %u); remove it from the node or run "
                                  "redwrap as root",
                                  s->path, (unsigned)geteuid());
    char old[256] = "";
    RP_AUTO_FD int fd = open(s->path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "sysctl %s", s->path);
    ssize_t len = read(fd, old, sizeof(old) - 1);
    if (len > 0) {
        old[len] = '\0';
        old[strcspn(old, "\n")] = '\0';
    }
    size_t vlen = strlen(s->value);
    if (pwrite(fd, s->value, vlen, 0) != (ssize_t)vlen)
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "sysctl %s = %s", s->path,
                                  s->value);
    rp_log("host sysctl %s = %s (was %s)", s->path, s->value, old);
    return 0;
}

/* Step i of steps is line i + 1 of step 2 in `rednode-config plan`. */
int rp_host_apply(const struct rp_host_step *steps, size_t n, struct rp_host_sources *sources,
                  int verbose, struct rp_error *err)
{
    sources->owners = calloc(n + 1, sizeof(*sources->owners));
    if (!sources->owners)
        return rp_step_error(err, RP_STEP_HOST, ENOMEM, "host plan");
    for (size_t i = 0; i < n; i++) {
        const struct rp_host_step *s = &steps[i];
        int r;
        switch (s->op) {
        case RP_HOST_MKDIR:
            rp_step_item_vlog(verbose, RP_STEP_HOST, i + 1, "mkdir %s mode %04o", s->path,
                              (unsigned)s->mode);
            r = host_mkdir(s, i + 1, sources, err);
            break;
        case RP_HOST_SYSCTL:
            rp_step_item_vlog(verbose, RP_STEP_HOST, i + 1, "sysctl %s = %s", s->path, s->value);
            r = host_sysctl(s, i + 1, err);
            break;
        default:
            r = rp_step_item_error(err, RP_STEP_HOST, i + 1, EINVAL, "unknown operation %d",
                                   (int)s->op);
        }
        if (r < 0)
            return r;
    }
    return 0;
}
