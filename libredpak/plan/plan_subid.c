/* SPDX-License-Identifier: Apache-2.0 */
/* Step 1 for a rootless caller: which host ids the node's user namespace
 * maps. The kernel lets a writer without CAP_SETUID (CAP_SETGID) above the
 * namespace map one id, its own. Shadow's set-uid newuidmap and newgidmap
 * (Debian: uidmap) map more: the ranges /etc/subuid and /etc/subgid give
 * the caller. Without maps in the node file the node gets podman's
 * rootless layout: 0 inside is the caller, 1 to N its subordinate ids
 * (N at most 65535); without a range or the helpers, the caller's own id
 * only, and the plan says how to get more (docs/architecture.md,
 * "Default id maps"). */
#include "error_internal.h"
#include "plan_internal.h"
#include "subid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUBID_MAX_INSIDE 65535u

struct subid_kind {
    const char *file, *tool, *which;
};

static const struct subid_kind kinds[2] = {
    {"/etc/subuid", "newuidmap", "uid"},
    {"/etc/subgid", "newgidmap", "gid"},
};

/* The caller's ranges. Both files name a user (not a group), by name or
 * by uid; the name is the host's, not the node image's. */
static int read_ranges(struct plan_ctx *c, bool group, struct rp_subids *out, char *who,
                       size_t who_len)
{
    const char *root = c->opts->subid_root ? c->opts->subid_root : "/";
    const char *name = c->opts->caller_name;
    struct rp_users host;
    char path[4096];

    if (rp_users_init(&host, root) < 0) {
        c->oom = true;
        return 0;
    }
    if (!name && rp_users_name_of(&host, c->opts->caller_uid, &name) < 0)
        name = NULL; /* a line with the numeric uid still counts */
    snprintf(path, sizeof(path), "%s%s", strcmp(root, "/") ? root : "", kinds[group].file);
    int r = rp_subid_read(path, name, c->opts->caller_uid, out);
    if (name)
        snprintf(who, who_len, "%s", name);
    else
        snprintf(who, who_len, "%u", (unsigned)c->opts->caller_uid);
    rp_users_free(&host);
    return r;
}

static bool executable(const char *dir, size_t len, const char *tool, char *out, size_t size)
{
    struct stat st;
    if (len == 0 || dir[0] != '/' ||
        snprintf(out, size, "%.*s/%s", (int)len, dir, tool) >= (int)size)
        return false;
    return stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0;
}

/* The helper's absolute path: /usr/bin, where Debian's uidmap puts it,
 * then PATH's folders (relative ones skipped); NULL when none has it. The
 * executor runs exactly this file. */
static char *find_tool(struct plan_ctx *c, const char *tool)
{
    char path[4096];
    const char *dirs = c->opts->idmap_tools;
    if (dirs)
        return executable(dirs, strlen(dirs), tool, path, sizeof(path)) ? plan_strdup(c, path)
                                                                        : NULL;
    if (executable("/usr/bin", 8, tool, path, sizeof(path)))
        return plan_strdup(c, path);
    for (const char *d = getenv("PATH"); d && *d;) {
        size_t len = strcspn(d, ":");
        if (executable(d, len, tool, path, sizeof(path)))
            return plan_strdup(c, path);
        d += len + (d[len] == ':');
    }
    return NULL;
}

/* "200000-265535, 300000-300099": at most four ranges, for messages. */
static void describe_ranges(const struct rp_subids *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->n && i < 4 && used < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%u-%u", i ? ", " : "", s->v[i].start,
                         s->v[i].start + (s->v[i].count - 1));
        if (w < 0)
            return;
        used += (size_t)w;
    }
    if (s->n > 4 && used < len)
        snprintf(buf + used, len - used, ", ...");
}

struct rp_id_map *plan_subid_default(struct rp_plan *p, struct plan_ctx *c, bool group, size_t *n)
{
    const struct subid_kind *k = &kinds[group];
    uint32_t own = group ? c->opts->caller_gid : c->opts->caller_uid;
    struct rp_subids ids = {0};
    char who[64];
    int r = read_ranges(c, group, &ids, who, sizeof(who));
    char *tool = r == 0 && ids.n ? find_tool(c, k->tool) : NULL;
    struct rp_id_map *m = plan_calloc(c, ids.n + 1, sizeof(*m));
    char text[512];

    *n = 0;
    if (!m)
        return NULL;
    m[(*n)++] = (struct rp_id_map){.inside = 0, .outside = own, .count = 1};
    if (!tool) {
        if (r < 0)
            snprintf(text, sizeof(text), "one id, the caller's own: cannot read %s: %s", k->file,
                     strerror(-r));
        else if (!ids.n)
            snprintf(text, sizeof(text),
                     "one id, the caller's own: %s gives %s no range (as root: usermod "
                     "--add-subuids 100000-165535 --add-subgids 100000-165535 %s, with a range "
                     "no other user has)",
                     k->file, who, who);
        else
            snprintf(text, sizeof(text),
                     "one id, the caller's own: %s has ranges for it but %s is not "
                     "installed in /usr/bin or PATH (Debian: apt install uidmap)",
                     k->file, k->tool);
        *(group ? &p->ns.gid_maps_why : &p->ns.uid_maps_why) = plan_strdup(c, text);
        return m;
    }
    uint32_t inside = 1;
    for (size_t i = 0; i < ids.n && inside <= SUBID_MAX_INSIDE; i++) {
        uint32_t take = ids.v[i].count;
        if (take > SUBID_MAX_INSIDE + 1 - inside)
            take = SUBID_MAX_INSIDE + 1 - inside;
        m[(*n)++] = (struct rp_id_map){.inside = inside, .outside = ids.v[i].start, .count = take};
        inside += take;
    }
    if (group)
        p->ns.newgidmap = tool;
    else
        p->ns.newuidmap = tool;
    snprintf(text, sizeof(text),
             "0 is the caller's %s %u, 1-%u the subordinate ids %s gives it, written "
             "by %s",
             k->which, (unsigned)own, (unsigned)(inside - 1), k->file, tool);
    *(group ? &p->ns.gid_maps_why : &p->ns.uid_maps_why) = plan_strdup(c, text);
    return m;
}

void plan_subid_written(struct rp_plan *p, struct plan_ctx *c, const struct rp_id_map_list *l,
                        bool group)
{
    const struct subid_kind *k = &kinds[group];
    uint32_t own = group ? c->opts->caller_gid : c->opts->caller_uid;
    char key[48], have[96];
    struct rp_subids ids = {0};

    /* Its own id once: redwrap writes the map itself, no helper needed. */
    if (l->n == 1 && l->v[0].outside == own && l->v[0].count == 1)
        return;
    char who[64];
    int r = read_ranges(c, group, &ids, who, sizeof(who));
    for (size_t i = 0; i < l->n; i++) {
        const struct rp_id_map *m = &l->v[i];
        if ((m->count == 1 && m->outside == own) ||
            (r == 0 && rp_subid_covers(&ids, m->outside, m->count)))
            continue;
        snprintf(key, sizeof(key), "user_namespace.%s_map[%zu]", k->which, i);
        describe_ranges(&ids, have, sizeof(have));
        if (r < 0)
            rp_diags_add(c->diags, &m->pos, key,
                         "host %ss %u-%u need subordinate ids, and %s cannot be read: %s", k->which,
                         m->outside, m->outside + (m->count - 1), k->file, strerror(-r));
        else
            rp_diags_add(c->diags, &m->pos, key,
                         "host %ss %u-%u are not the caller's: an unprivileged caller (%s) maps "
                         "its own %s %u once and the subordinate ids %s gives it (%s)",
                         k->which, m->outside, m->outside + (m->count - 1), who, k->which,
                         (unsigned)own, k->file, ids.n ? have : "none");
        return;
    }
    char *tool = find_tool(c, k->tool);
    if (!tool) {
        snprintf(key, sizeof(key), "user_namespace.%s_map", k->which);
        rp_diags_add(c->diags, &l->v[0].pos, key,
                     "subordinate ids are mapped by %s, which is not installed in /usr/bin or "
                     "PATH (Debian: apt install uidmap)",
                     k->tool);
        return;
    }
    if (group)
        p->ns.newgidmap = tool;
    else
        p->ns.newuidmap = tool;
}
