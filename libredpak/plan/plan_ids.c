/* SPDX-License-Identifier: Apache-2.0 */
/* Step 1 of the fixed order, the identity part: which ids the node's user
 * namespace maps, and every user and group the node names, resolved to
 * numbers and checked against those maps. An id the maps leave out would
 * only fail at run time, deep inside the child (setuid: EINVAL, chown:
 * EINVAL, files owned by "nobody"), so it is a plan error that points at
 * the line to fix. */
#include "error_internal.h"
#include "plan_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Root maps the first 65536 ids to a private range of host ids that the
 * executor picks at step 5 (apply/idpool.c): the map
 * reads {0, 0, 65536} here and *private is set; with user_namespace:
 * identity, to the same host ids (docs/architecture.md, "Default id
 * maps"). An unprivileged caller's maps are plan_subid.c's. */
static struct rp_id_map *default_map(struct plan_ctx *c, bool identity, bool *private)
{
    struct rp_id_map *m = plan_calloc(c, 1, sizeof(*m));
    if (m)
        *m = (struct rp_id_map){.inside = 0, .outside = 0, .count = 65536};
    *private = !identity;
    return m;
}

/* Every range maps its ids to the same host ids. */
static bool identity_map(const struct rp_id_map *m, size_t n, bool picked)
{
    if (picked)
        return false;
    for (size_t i = 0; i < n; i++)
        if (m[i].inside != m[i].outside)
            return false;
    return true;
}

/* Host uid 0 is uid 0 inside: the node's root is the host's. */
static bool root_is_host_root(const struct rp_plan *p, const struct rp_node *n, bool root)
{
    if (!root)
        return false;
    if (n->ns[RP_NS_USER].mode == RP_NS_HOST)
        return true;
    if (n->ns[RP_NS_USER].mode != RP_NS_NEW || p->ns.private_uid_range)
        return false;
    return plan_id_to_host(p->ns.uid_map, p->ns.n_uid_map, 0) == 0;
}

/* With the host's pid namespace and host root inside, the node can signal
 * or ptrace every host process of root, redwrap's supervisor included. */
static void check_pid_host(struct rp_plan *p, struct plan_ctx *c, bool root)
{
    const struct rp_node *n = c->node;
    if (n->ns[RP_NS_PID].mode != RP_NS_HOST || !root_is_host_root(p, n, root))
        return;
    rp_diags_add(c->diags, &n->ns[RP_NS_PID].pos, "namespaces.pid",
                 "pid: host while uid 0 inside is host uid 0 (%s) would let the node kill "
                 "any process of the host's root, redwrap included: use namespaces.user: new "
                 "with the default private id range (no user_namespace: identity, no map of "
                 "uid 0 to 0), or pid: new",
                 n->ns[RP_NS_USER].mode == RP_NS_HOST ? "namespaces.user: host"
                                                      : "the user namespace maps 0 to 0");
}

static struct rp_id_map *copy_map(struct plan_ctx *c, const struct rp_id_map_list *l)
{
    struct rp_id_map *m = plan_calloc(c, l->n, sizeof(*m));
    if (m)
        memcpy(m, l->v, l->n * sizeof(*m));
    return m;
}

void plan_idmaps(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_node *n = c->node;
    bool root = c->opts->caller_uid == 0;

    if (n->ns[RP_NS_USER].mode != RP_NS_NEW) {
        check_pid_host(p, c, root);
        return;
    }
    if (n->user_namespace_identity && !root)
        rp_diags_add(c->diags, &n->user_namespace_pos, "user_namespace",
                     "identity maps host ids 0-65535 and needs redwrap run as root (an "
                     "unprivileged caller maps its own id only): remove it");
    if (!root && n->uid_map.set)
        plan_subid_written(p, c, &n->uid_map, false);
    if (!root && n->gid_map.set)
        plan_subid_written(p, c, &n->gid_map, true);
    if (n->uid_map.set) {
        p->ns.uid_map = copy_map(c, &n->uid_map);
        p->ns.n_uid_map = p->ns.uid_map ? n->uid_map.n : 0;
    } else if (!root) {
        p->ns.uid_map = plan_subid_default(p, c, false, &p->ns.n_uid_map);
    } else {
        p->ns.uid_map = default_map(c, n->user_namespace_identity, &p->ns.private_uid_range);
        p->ns.n_uid_map = p->ns.uid_map ? 1 : 0;
    }
    if (n->gid_map.set) {
        p->ns.gid_map = copy_map(c, &n->gid_map);
        p->ns.n_gid_map = p->ns.gid_map ? n->gid_map.n : 0;
    } else if (!root) {
        p->ns.gid_map = plan_subid_default(p, c, true, &p->ns.n_gid_map);
    } else {
        p->ns.gid_map = default_map(c, n->user_namespace_identity, &p->ns.private_gid_range);
        p->ns.n_gid_map = p->ns.gid_map ? 1 : 0;
    }
    p->ns.identity = root && n->user_namespace_identity;
    /* The first process of a root-started node comes in with host uid 0,
     * which only the identity map keeps: it becomes its namespace's root. */
    p->ns.become_root = root;
    /* Idmapped binds need CAP_SYS_ADMIN over the host's filesystems: root's
     * nodes only, and only where host ids and ids inside differ. The mount
     * namespace is always new (node-format.md). */
    p->ns.idmap_binds = root &&
        !(identity_map(p->ns.uid_map, p->ns.n_uid_map, p->ns.private_uid_range) &&
          identity_map(p->ns.gid_map, p->ns.n_gid_map, p->ns.private_gid_range));
    check_pid_host(p, c, root);
    /* Since Linux 3.19 a process without CAP_SETGID in the parent namespace
     * may write gid_map only after writing "deny" to setgroups: otherwise
     * it could drop a group that was denying it access. newgidmap has
     * CAP_SETGID, and leaves setgroups allowed when the map is in the
     * caller's /etc/subgid ranges (those groups were the caller's to give
     * away). */
    p->ns.deny_setgroups = !root && !p->ns.newgidmap;
}

static bool map_covers(const struct rp_id_map *map, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (id >= map[i].inside && id - map[i].inside < map[i].count)
            return true;
    return false;
}

uint32_t plan_id_to_host(const struct rp_id_map *map, size_t n, uint32_t inside)
{
    for (size_t i = 0; i < n; i++)
        if (inside >= map[i].inside && inside - map[i].inside < map[i].count)
            return map[i].outside + (inside - map[i].inside);
    return (uint32_t)-1;
}

/* "0 only", "0-65535", "0, 1000-1999": what a map lets through. */
static void describe_map(const struct rp_id_map *map, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (n == 1 && map[0].count == 1) {
        snprintf(buf, len, "%u only", map[0].inside);
        return;
    }
    for (size_t i = 0; i < n && used < len; i++) {
        int w;
        if (i == 4) {
            snprintf(buf + used, len - used, ", ...");
            return;
        }
        if (map[i].count == 1)
            w = snprintf(buf + used, len - used, "%s%u", i ? ", " : "", map[i].inside);
        else
            w = snprintf(buf + used, len - used, "%s%u-%u", i ? ", " : "", map[i].inside,
                         map[i].inside + (map[i].count - 1));
        if (w < 0)
            return;
        used += (size_t)w;
    }
}

/* With namespaces.user host the ids are the host's, and a joined user
 * namespace has the maps its owner wrote: only a new one is checked. */
static bool id_mapped(struct plan_ctx *c, const struct rp_plan *p, bool group, uint32_t id,
                      const char *name, const struct rp_pos *pos, const char *key,
                      const char *origin)
{
    if (c->node->ns[RP_NS_USER].mode != RP_NS_NEW)
        return true;
    const struct rp_id_map *map = group ? p->ns.gid_map : p->ns.uid_map;
    size_t n = group ? p->ns.n_gid_map : p->ns.n_uid_map;
    bool written = group ? c->node->gid_map.set : c->node->uid_map.set;
    const char *which = group ? "gid" : "uid";
    char maps[128];

    const char *why = group ? p->ns.gid_maps_why : p->ns.uid_maps_why;
    if (map_covers(map, n, id))
        return true;
    describe_map(map, n, maps, sizeof(maps));
    rp_diags_add(c->diags, pos, key,
                 "%s %u%s%s%s%s is not mapped in the node's user namespace (%s%s_map maps %s%s%s); "
                 "add it to user_namespace.%s_map",
                 which, id, name ? " (" : "", name ? name : "", name ? ")" : "",
                 origin ? origin : "", written ? "" : "the default ", which, maps, why ? ": " : "",
                 why ? why : "", which);
    return false;
}

static bool lookup_failed(struct plan_ctx *c, int r, bool group, const struct rp_id_ref *ref,
                          const char *key)
{
    char buf[4096];
    const char *file = rp_users_file(&c->users, group, buf, sizeof(buf));
    if (r == -ESRCH)
        rp_diags_add(c->diags, &ref->pos, key, "no %s '%s' in %s", group ? "group" : "user",
                     ref->name, file);
    else if (r == -ENOMEM)
        c->oom = true;
    else
        rp_diags_add(c->diags, &ref->pos, key, "cannot resolve %s '%s': reading %s: %s",
                     group ? "group" : "user", ref->name, file, strerror(-r));
    return false;
}

bool plan_uid(struct plan_ctx *c, const struct rp_plan *p, const struct rp_id_ref *ref,
              const char *key, uid_t *uid, gid_t *primary_gid)
{
    gid_t gid = ref->id;
    *uid = ref->id;
    if (ref->is_name) {
        int r = rp_users_find_user(&c->users, ref->name, uid, &gid);
        if (r < 0)
            return lookup_failed(c, r, false, ref, key);
    }
    if (primary_gid)
        *primary_gid = gid;
    return id_mapped(c, p, false, *uid, ref->is_name ? ref->name : NULL, &ref->pos, key, NULL);
}

bool plan_gid(struct plan_ctx *c, const struct rp_plan *p, const struct rp_id_ref *ref,
              const char *key, gid_t *gid)
{
    *gid = ref->id;
    if (ref->is_name) {
        int r = rp_users_find_group(&c->users, ref->name, gid);
        if (r < 0)
            return lookup_failed(c, r, true, ref, key);
    }
    return id_mapped(c, p, true, *gid, ref->is_name ? ref->name : NULL, &ref->pos, key, NULL);
}

bool plan_id_mapped(struct plan_ctx *c, const struct rp_plan *p, bool group, uint32_t id,
                    const struct rp_pos *pos, const char *key, const char *origin)
{
    return id_mapped(c, p, group, id, NULL, pos, key, origin);
}

bool plan_owner(struct plan_ctx *c, const struct rp_plan *p, const struct rp_owner *o,
                const char *key, uid_t *uid, gid_t *gid)
{
    bool ok = plan_uid(c, p, &o->user, key, uid, NULL);
    return plan_gid(c, p, &o->group, key, gid) && ok;
}
