/* SPDX-License-Identifier: Apache-2.0 */
/* Idmapped binds of a root-started node (Linux 5.12+), parent side.
 *
 * The node's ids are a private range of host ids (idpool.c), so a host
 * file owned by root would show as "nobody" inside and a file the node's
 * redis writes would get a host id of the range. An idmapped mount
 * through the node's own user namespace undoes that: the kernel reads a
 * file's host owner N as if it were id N inside the namespace, so /usr
 * shows root-owned files and a folder the node file gives to redis:redis
 * on the host is redis's inside, and stays so for what redis writes (as
 * crun's "idmap" mount option and systemd-nspawn's --bind=...:idmap do).
 *
 * Only a process with CAP_SYS_ADMIN over the host's filesystems may make
 * one, so the parent does it: before the clone it takes a detached copy of
 * each bind source (open_tree(OPEN_TREE_CLONE)), which the first process
 * inherits with the rest of its fd table; once the maps are written it
 * idmaps them with the namespace's fd (mount_setattr(MOUNT_ATTR_IDMAP)),
 * before it releases the first process, which attaches them in step 7
 * (move_mount, mount.c). Where a filesystem (tmpfs before 6.3) or the
 * kernel cannot, the bind is a plain one, redwrap says so, and the
 * folders made for it (create: true, with an owner) are chowned into the
 * node's range instead. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "idmap.h"
#include "log.h"
#include "step_message.h"
#include "userns.h"

int *rp_idmap_open(const struct rp_mount_plan *mount, const struct rp_host_sources *sources,
                   int verbose)
{
    int *fds = malloc((mount->n + 1) * sizeof(*fds));
    if (!fds)
        return NULL;
    for (size_t i = 0; i < mount->n; i++) {
        const struct rp_mount_step *s = &mount->steps[i];
        fds[i] = -1;
        /* The source as step 2 opened it (host_sources.c, no symlink a
         * node could turn); a missing one is the first process's to
         * report (or skip). */
        int src = i < sources->n ? sources->fd[i] : -1;
        if ((s->op != RP_MOP_BIND && s->op != RP_MOP_ROOT_BIND) || !s->idmap || src < 0)
            continue;
        fds[i] =
            open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
        if (fds[i] < 0 && verbose)
            rp_log("idmap: open_tree %s: %s (a plain bind)", s->source, strerror(errno));
    }
    return fds;
}

void rp_idmap_close(int *fds, size_t n)
{
    if (!fds)
        return;
    for (size_t i = 0; i < n; i++)
        rp_close_fd(&fds[i]);
    free(fds);
}

/* The fallback: a created folder the bind could not idmap gets the host
 * ids its owner has inside the node, through fd (the copy of the folder
 * step 2 opened: no path is walked again). */
static void chown_created(const struct rp_plan *plan, const char *source, int fd, uint32_t base)
{
    const struct rp_ns_plan *ns = &plan->ns;
    for (size_t i = 0; i < plan->n_host; i++) {
        const struct rp_host_step *h = &plan->host[i];
        if (h->op != RP_HOST_MKDIR || !h->has_owner || strcmp(h->path, source) != 0)
            continue;
        uid_t uid =
            rp_userns_host_id(ns->uid_map, ns->n_uid_map, base, ns->private_uid_range, h->uid);
        gid_t gid =
            rp_userns_host_id(ns->gid_map, ns->n_gid_map, base, ns->private_gid_range, h->gid);
        if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
            rp_log("warning: idmap fallback: chown %s %u:%u: %s", h->path, (unsigned)uid,
                   (unsigned)gid, strerror(errno));
        else
            rp_log("idmap fallback: %s chowned to host %u:%u (uid %u:%u inside)", h->path,
                   (unsigned)uid, (unsigned)gid, (unsigned)h->uid, (unsigned)h->gid);
    }
}

static const char *fs_name(int fd, char *buf, size_t len)
{
    struct statfs sf;
    if (fstatfs(fd, &sf) < 0)
        return "unknown";
    snprintf(buf, len, "filesystem type 0x%lx", (unsigned long)sf.f_type);
    if (sf.f_type == 0x01021994)
        snprintf(buf, len, "tmpfs, which has idmapped mounts from Linux 6.3 on");
    return buf;
}

int rp_idmap_attach(int userns, const struct rp_plan *plan, const int *fds, uint32_t base,
                    int verbose, struct rp_error *err)
{
    const struct rp_mount_plan *mount = &plan->mount;
    for (size_t i = 0; i < mount->n; i++) {
        const struct rp_mount_step *s = &mount->steps[i];
        if ((s->op != RP_MOP_BIND && s->op != RP_MOP_ROOT_BIND) || !s->idmap)
            continue;
        int r = -EBADF;
        if (fds && fds[i] >= 0) {
            if (userns < 0)
                return rp_step_error(err, RP_STEP_ID_MAPS, EBADF,
                                     "idmapped binds: no handle on the node's user namespace");
            struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
            r = mount_setattr(fds[i], "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0
                ? -errno
                : 0;
        }
        if (r == 0) {
            rp_step_vlog(verbose, RP_STEP_ID_MAPS, "idmapped bind of %s", s->source);
            continue;
        }
        /* An image owned by host root would show as nobody's, and the node
         * could make no mount point in it: no fallback, but the way out. */
        if (s->op == RP_MOP_ROOT_BIND && (r != -EBADF || access(s->source, F_OK) == 0))
            return rp_step_error(err, RP_STEP_ID_MAPS, r == -EBADF ? ENOSYS : -r,
                                 "root.source %s: a root-started node with a private id range "
                                 "needs the image as an idmapped mount (Linux 5.12+, a filesystem "
                                 "that has them); on this host write user_namespace: identity",
                                 s->source);
        if (!fds || fds[i] < 0) /* missing source: step 7 says so */
            continue;
        char fs[96];
        /* Read-only, the shift changes what the node sees of the owners, not
         * what it may do: its files open and run by their "other" bits, as
         * a host user's would. Said with -v; a writable one at every start. */
        if (s->readonly) {
            rp_step_vlog(verbose, RP_STEP_ID_MAPS,
                         "%s cannot be an idmapped mount (%s: %s): a plain read-only bind, its "
                         "files show their host owners shifted into the node's range (host "
                         "root as nobody)",
                         s->source, fs_name(fds[i], fs, sizeof(fs)), strerror(-r));
            continue;
        }
        rp_log("warning: %s cannot be an idmapped mount (%s: %s): it is a plain bind, its "
               "files show their host owners shifted into the node's range (host root as "
               "nobody), and a folder created for it is chowned into the range instead",
               s->source, fs_name(fds[i], fs, sizeof(fs)), strerror(-r));
        chown_created(plan, s->source, fds[i], base);
    }
    return 0;
}
