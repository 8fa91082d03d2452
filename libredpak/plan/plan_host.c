/* SPDX-License-Identifier: Apache-2.0 */
/* Step 2, the host plan: the only changes made outside the node, before
 * the node exists. Host sysctls are an explicit opt-in (root only, checked
 * when applied); bind sources marked create are made here so that the
 * mount plan finds them. */
#include "error_internal.h"
#include "plan_internal.h"

#include <stdio.h>

static void host_sysctls(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_kv_list *l = &c->node->host_sysctl;
    for (size_t i = 0; i < l->n; i++) {
        struct rp_host_step *s = &p->host[p->n_host++];
        s->op = RP_HOST_SYSCTL;
        s->path = plan_sysctl_path(c, l->v[i].key);
        s->value = plan_strdup(c, l->v[i].value);
        s->pos = l->v[i].pos;
    }
}

/* The owner of a created source is written as seen inside the node; the
 * directory is made on the host, so it gets the host ids the maps give,
 * or with idmapped binds the same ids. */
static void create_owner(struct rp_plan *p, struct plan_ctx *c, const struct rp_mount *m,
                         size_t index, struct rp_host_step *s)
{
    char key[48];
    uid_t uid;
    gid_t gid;

    snprintf(key, sizeof(key), "mounts[%zu].owner", index);
    if (c->node->ns[RP_NS_USER].mode == RP_NS_JOIN) {
        rp_diags_add(c->diags, &m->owner.pos, key,
                     "an owner for a created source needs to know the user namespace's "
                     "maps: the joined namespace's are not (use namespaces.user new or host)");
        return;
    }
    if (!plan_owner(c, p, &m->owner, key, &uid, &gid))
        return;
    s->has_owner = true;
    s->uid = uid;
    s->gid = gid;
    /* An idmapped bind shows host id N as id N inside: the owner the node
     * names is the host's owner too (apply/idmap.c; where the bind cannot
     * be idmapped, step 5 chowns the folder into the node's range). */
    if (c->node->ns[RP_NS_USER].mode == RP_NS_NEW && !p->ns.idmap_binds) {
        s->uid = plan_id_to_host(p->ns.uid_map, p->ns.n_uid_map, uid);
        s->gid = plan_id_to_host(p->ns.gid_map, p->ns.n_gid_map, gid);
    }
    /* Rootless, the folder the caller makes is the caller's, and chown(2)
     * to ids it does not hold needs CAP_CHOWN over the host's ids, which it
     * lacks; a subordinate id is such an id. Uid 0 of the node's user
     * namespace has CAP_CHOWN over every id mapped there, the caller's own
     * (the folder's) and the owner's: the first process sets the owner. */
    if (c->opts->caller_uid != 0 && c->node->ns[RP_NS_USER].mode == RP_NS_NEW &&
        (s->uid != c->opts->caller_uid || s->gid != c->opts->caller_gid)) {
        s->owner_in_node = true;
        s->node_uid = uid;
        s->node_gid = gid;
    }
}

static void host_mkdirs(struct rp_plan *p, struct plan_ctx *c)
{
    for (size_t i = 0; i < c->node->n_mounts; i++) {
        const struct rp_mount *m = &c->node->mounts[i];
        if (m->type != RP_MOUNT_BIND || !m->create)
            continue;
        struct rp_host_step *s = &p->host[p->n_host++];
        s->op = RP_HOST_MKDIR;
        s->path = plan_strdup(c, m->source);
        s->mode = m->mode_set ? m->mode : 0700;
        s->pos = m->source_pos.line ? m->source_pos : m->pos;
        if (m->owner.set)
            create_owner(p, c, m, i, s);
    }
}

void plan_host(struct rp_plan *p, struct plan_ctx *c)
{
    size_t n = c->node->host_sysctl.n;
    for (size_t i = 0; i < c->node->n_mounts; i++)
        n += c->node->mounts[i].type == RP_MOUNT_BIND && c->node->mounts[i].create;
    p->host = plan_calloc(c, n, sizeof(*p->host));
    if (!p->host)
        return;
    host_sysctls(p, c);
    host_mkdirs(p, c);
}
