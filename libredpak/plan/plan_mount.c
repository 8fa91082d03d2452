/* SPDX-License-Identifier: Apache-2.0 */
/* Step 7: the mount plan (the new root and the node's mounts in written
 * order), the tmpfs plan (volatile areas) and the finish plan (pivot_root,
 * then the read-only remounts). One op list each, applied in order.
 *
 * Flags are what each kind of mount should never need: nothing in a
 * sandbox gains from set-user-ID files, so every mount is nosuid; device
 * nodes work only where the node asked for them (dev, and binds from
 * /dev); proc, mqueue and dev hold nothing to execute. */
#include "plan_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#define RP_MS_BIND_FLAGS (MS_BIND | MS_REC | MS_NOSUID)

static struct rp_mount_step *add_step(struct rp_mount_plan *m, enum rp_mount_op op,
                                      const char *path, struct plan_ctx *c)
{
    struct rp_mount_step *s = &m->steps[m->n++];
    s->op = op;
    s->path = plan_strdup(c, path);
    return s;
}

static bool path_is_below(const char *path, const char *dir)
{
    size_t len = strlen(dir);
    return strncmp(path, dir, len) == 0 && path[len] == '/';
}

/* A bind of a device (a GPU, /dev/fuse) must keep its device nodes usable;
 * any other bind has no business holding them. */
static unsigned long bind_flags(const char *source)
{
    bool device = source && (path_is_below(source, "/dev") || !strcmp(source, "/dev"));
    return RP_MS_BIND_FLAGS | (device ? 0 : MS_NODEV);
}

static void owner(struct rp_mount_step *s, const struct rp_plan *p, struct plan_ctx *c,
                  const struct rp_owner *o, const char *what, size_t index)
{
    char key[48];
    if (!o->set)
        return;
    snprintf(key, sizeof(key), "%s[%zu].owner", what, index);
    s->has_owner = plan_owner(c, p, o, key, &s->uid, &s->gid);
}

static void plan_one_mount(struct rp_plan *p, struct plan_ctx *c, size_t i)
{
    const struct rp_mount *m = &c->node->mounts[i];
    static const enum rp_mount_op ops[] = {
        [RP_MOUNT_BIND] = RP_MOP_BIND,       [RP_MOUNT_PROC] = RP_MOP_PROC,
        [RP_MOUNT_DEV] = RP_MOP_DEV,         [RP_MOUNT_MQUEUE] = RP_MOP_MQUEUE,
        [RP_MOUNT_SYMLINK] = RP_MOP_SYMLINK, [RP_MOUNT_DIR] = RP_MOP_DIR,
        [RP_MOUNT_FILE] = RP_MOP_FILE,
    };
    struct rp_mount_step *s = add_step(&p->mount, ops[m->type], m->path, c);

    s->pos = m->pos;
    switch (m->type) {
    case RP_MOUNT_BIND:
        s->source = plan_strdup(c, m->source);
        s->readonly = m->readonly;
        s->optional = m->optional;
        s->flags = bind_flags(m->source);
        s->idmap = p->ns.idmap_binds;
        break;
    case RP_MOUNT_PROC:
    case RP_MOUNT_MQUEUE: s->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC; break;
    case RP_MOUNT_DEV:
        s->flags = MS_NOSUID | MS_NOEXEC;
        s->size = m->shm_size;
        break;
    case RP_MOUNT_SYMLINK: s->target = plan_strdup(c, m->target); break;
    case RP_MOUNT_DIR:
        s->mode = m->mode;
        owner(s, p, c, &m->owner, "mounts", i);
        break;
    case RP_MOUNT_FILE:
        s->content = plan_memdup(c, m->content ? m->content : "", m->content_len);
        s->content_len = m->content_len;
        s->mode = m->mode;
        s->readonly = m->readonly;
        owner(s, p, c, &m->owner, "mounts", i);
        break;
    }
}

static void plan_one_tmpfs(struct rp_mount_plan *m, struct rp_plan *p, struct plan_ctx *c, size_t i)
{
    const struct rp_tmpfs *t = &c->node->tmpfs[i];
    struct rp_mount_step *s = add_step(m, RP_MOP_TMPFS, t->path, c);
    s->size = t->size;
    s->mode = t->mode;
    s->flags = MS_NOSUID | MS_NODEV;
    s->pos = t->pos;
    owner(s, p, c, &t->owner, "tmpfs", i);
}

/* Where each tmpfs area goes (plan_mount_order.c), or NULL: out of memory
 * or no tmpfs areas. */
static size_t *tmpfs_places(struct plan_ctx *c, bool report)
{
    size_t *place = plan_calloc(c, c->node->n_tmpfs, sizeof(*place));
    if ((c->node->n_tmpfs && !place) || !plan_mount_order(c, place, report)) {
        free(place);
        return NULL;
    }
    return place;
}

/* The root, then mounts[] in written order; a tmpfs area above a mounts[]
 * path comes just before the first such entry, so that it hides nothing. */
void plan_mounts(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_node *n = c->node;
    struct rp_mount_step *s;

    size_t *place = tmpfs_places(c, true);
    p->mount.steps = plan_calloc(c, n->n_mounts + n->n_tmpfs + 1, sizeof(*p->mount.steps));
    if (!p->mount.steps || c->oom) {
        free(place);
        return;
    }
    if (n->root.source) {
        s = add_step(&p->mount, RP_MOP_ROOT_BIND, "/", c);
        s->source = plan_strdup(c, n->root.source);
        s->flags = bind_flags(n->root.source);
        s->idmap = p->ns.idmap_binds;
        s->pos = n->root.source_pos;
    } else if (n->root.image) {
        /* Layered like root.source once the parent has mounted it (a
         * loop device takes CAP_SYS_ADMIN of the host's user namespace). */
        s = add_step(&p->mount, RP_MOP_ROOT_BIND, "/", c);
        s->source = plan_strdup(c, n->root.image);
        s->flags = MS_NOSUID | MS_NODEV;
        s->idmap = p->ns.idmap_binds;
        s->loop_image = !n->root.image_tag;
        s->pos = n->root.image_pos;
        if (n->root.image_tag) { /* the cache folder: plan_oci_image.c */
            s->oci_layout = plan_strdup(c, n->root.image);
            s->oci_tag = plan_strdup(c, n->root.image_tag);
        }
    } else {
        s = add_step(&p->mount, RP_MOP_ROOT_TMPFS, "/", c);
        s->size = n->root.size;
        s->mode = n->root.mode;
        s->flags = MS_NOSUID | MS_NODEV;
        s->pos = n->root.pos;
    }
    s->readonly = n->root.readonly;
    for (size_t i = 0; i < n->n_mounts; i++) {
        for (size_t t = 0; t < n->n_tmpfs; t++)
            if (place[t] == i)
                plan_one_tmpfs(&p->mount, p, c, t);
        plan_one_mount(p, c, i);
    }
    free(place);
}

/* The tmpfs areas no mounts[] entry lies below, after all of them. */
void plan_tmpfs(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_node *n = c->node;

    size_t *place = tmpfs_places(c, false);
    p->tmpfs.steps = plan_calloc(c, n->n_tmpfs, sizeof(*p->tmpfs.steps));
    if (p->tmpfs.steps && !c->oom)
        for (size_t i = 0; i < n->n_tmpfs; i++)
            if (place[i] == n->n_mounts)
                plan_one_tmpfs(&p->tmpfs, p, c, i);
    free(place);
}

/* Read-only comes last: until then the new root must stay writable for
 * mount points, dirs and files to be made in it. A bind mount ignores
 * MS_RDONLY when it is made, so read-only is a second step, a remount.
 * Each is recursive: read-only must reach the mounts that came with the
 * root or the bind (the host's submounts under a source) but not the
 * node's own mounts below the path (a writable bind, a tmpfs), which keep
 * their own setting; the executor tells the two apart. */
void plan_finish(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_node *n = c->node;
    struct rp_mount_step *s;

    p->finish.steps = plan_calloc(c, n->n_mounts + 2, sizeof(*p->finish.steps));
    if (!p->finish.steps)
        return;
    s = add_step(&p->finish, RP_MOP_PIVOT_ROOT, "/", c);
    s->pos = n->root.pos;
    if (n->root.readonly) {
        s = add_step(&p->finish, RP_MOP_REMOUNT_RO, "/", c);
        s->readonly = true;
        s->flags =
            (p->mount.n ? p->mount.steps[0].flags : 0) | MS_REC | MS_REMOUNT | MS_BIND | MS_RDONLY;
        s->pos = n->root.pos;
    }
    for (size_t i = 0; i < n->n_mounts; i++) {
        const struct rp_mount *m = &n->mounts[i];
        if (m->type != RP_MOUNT_BIND || !m->readonly)
            continue;
        s = add_step(&p->finish, RP_MOP_REMOUNT_RO, m->path, c);
        s->source = plan_strdup(c, m->source);
        s->readonly = true;
        s->optional = m->optional;
        s->flags = bind_flags(m->source) | MS_REMOUNT | MS_RDONLY;
        s->pos = m->pos;
    }
}
