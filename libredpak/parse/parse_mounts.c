/* SPDX-License-Identifier: Apache-2.0 */
/* root, mounts and tmpfs: what the node's file system is built from. */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "enum_names.h"
#include "grammar.h"

void parse_root(struct pctx *c, const struct yt_node *v)
{
    struct rp_root *r = &c->node->root;
    if (!pc_map(c, v))
        return;
    static const char *const keys[] = {"size", "mode", "readonly", "source", "image"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    r->pos = pc_pos(c, v);
    size_t mark;
    const struct yt_node *x;
    bool has_source = yt_map_find(v, "source") != NULL;
    if ((x = pc_field(c, v, "source", &mark))) {
        if (pc_host_path(c, x, &r->source))
            r->source_pos = pc_pos(c, x);
        pc_pop(c, mark);
    }
    /* With a source the root is that directory bound in place: there is
     * no tmpfs whose size or mode these could set. */
    if ((x = pc_field(c, v, "size", &mark))) {
        if (has_source)
            pc_err(c, x,
                   "size has no meaning with root.source: the root is then the source "
                   "directory, not a tmpfs");
        else if (pc_size(c, x, false, &r->size))
            r->size_pos = pc_pos(c, x);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "mode", &mark))) {
        if (has_source)
            pc_err(c, x,
                   "mode has no meaning with root.source: the source directory keeps "
                   "its own mode");
        else
            pc_mode(c, x, &r->mode);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "readonly", &mark))) {
        pc_bool(c, x, &r->readonly);
        pc_pop(c, mark);
    }
    parse_root_image(c, v);
}

/* A mount or tmpfs target: inside the node, and never "/" itself (the
 * root is the root section's business). */
static bool target_path(struct pctx *c, const struct yt_node *v, char **out)
{
    if (!pc_node_path(c, v, out))
        return false;
    if (strcmp(*out, "/"))
        return true;
    pc_err(c, v,
           "a mount cannot cover / itself: the root is set by the root section "
           "(root.source for an image)");
    free(*out);
    *out = NULL;
    return false;
}

static const char *const bind_keys[] = {"type",     "path",   "source", "readonly",
                                        "optional", "create", "owner"};
static const char *const bare_keys[] = {"type", "path"};
static const char *const dev_keys[] = {"type", "path", "shm_size"};
static const char *const symlink_keys[] = {"type", "path", "target"};
static const char *const dir_keys[] = {"type", "path", "mode", "owner"};
static const char *const file_keys[] = {"type", "path", "content", "mode", "owner"};
static const char *const any_keys[] = {"type",     "path",    "source",  "readonly",
                                       "optional", "create",  "owner",   "target",
                                       "mode",     "content", "shm_size"};

struct type_keys {
    const char *const *v;
    size_t n;
};

static struct type_keys keys_of(int type)
{
    switch ((enum rp_mount_type)type) {
    case RP_MOUNT_BIND: return (struct type_keys){bind_keys, ARRAY_LEN(bind_keys)};
    case RP_MOUNT_SYMLINK: return (struct type_keys){symlink_keys, ARRAY_LEN(symlink_keys)};
    case RP_MOUNT_DIR: return (struct type_keys){dir_keys, ARRAY_LEN(dir_keys)};
    case RP_MOUNT_FILE: return (struct type_keys){file_keys, ARRAY_LEN(file_keys)};
    case RP_MOUNT_DEV: return (struct type_keys){dev_keys, ARRAY_LEN(dev_keys)};
    default: return (struct type_keys){bare_keys, ARRAY_LEN(bare_keys)};
    }
}

static bool listed(const char *k, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(k, v[i]))
            return true;
    return false;
}

/* A key of another mount type gets a message naming what this type takes;
 * anything else is unknown, with "did you mean". */
static void check_mount_keys(struct pctx *c, const struct yt_node *map, int type)
{
    if (type < 0) {
        pc_check_keys(c, map, any_keys, ARRAY_LEN(any_keys));
        return;
    }
    struct type_keys tk = keys_of(type);
    char takes[128] = "";
    for (size_t i = 0; i < tk.n; i++) {
        strcat(takes, i ? ", " : "");
        strcat(takes, tk.v[i]);
    }
    for (size_t i = 0; i < map->n; i++) {
        const struct yt_node *k = map->pairs[i].key;
        if (k->duplicate || listed(k->text, tk.v, tk.n))
            continue;
        size_t mark = pc_push_key(c, k->text);
        const char *close = rp_closest(k->text, tk.v, tk.n);
        if (listed(k->text, any_keys, ARRAY_LEN(any_keys)))
            pc_err(c, k, "a %s mount takes no '%s' (its keys: %s)", rp_mount_type_names[type],
                   k->text, takes);
        else if (close)
            pc_err(c, k, "unknown key '%s'; did you mean '%s'?", k->text, close);
        else
            pc_err(c, k, "unknown key '%s' (a %s mount takes %s)", k->text,
                   rp_mount_type_names[type], takes);
        pc_pop(c, mark);
    }
}

static void get_bool(struct pctx *c, const struct yt_node *map, const char *key, bool *out)
{
    size_t mark;
    const struct yt_node *x = pc_field(c, map, key, &mark);
    if (x) {
        pc_bool(c, x, out);
        pc_pop(c, mark);
    }
}

static void get_mode(struct pctx *c, const struct yt_node *map, mode_t *out, bool *set)
{
    size_t mark;
    const struct yt_node *x = pc_field(c, map, "mode", &mark);
    if (x) {
        if (pc_mode(c, x, out) && set)
            *set = true;
        pc_pop(c, mark);
    }
}

static const struct yt_node *get_owner(struct pctx *c, const struct yt_node *map,
                                       struct rp_owner *out)
{
    size_t mark;
    const struct yt_node *x = pc_field(c, map, "owner", &mark);
    if (x) {
        pc_owner(c, x, out);
        pc_pop(c, mark);
    }
    return x;
}

static void parse_bind(struct pctx *c, const struct yt_node *map, struct rp_mount *m)
{
    size_t mark;
    const struct yt_node *x = pc_field(c, map, "source", &mark);
    if (x) {
        if (pc_host_path(c, x, &m->source))
            m->source_pos = pc_pos(c, x);
        pc_pop(c, mark);
    } else {
        pc_missing(c, map, "source");
    }
    get_bool(c, map, "readonly", &m->readonly);
    get_bool(c, map, "optional", &m->optional);
    get_bool(c, map, "create", &m->create);
    x = yt_map_find(map, "owner") ? yt_map_find(map, "owner")->value : NULL;
    if (x && !m->create) {
        mark = pc_push_key(c, "owner");
        pc_err(c, x,
               "owner needs create: true: it owns the source directory redwrap "
               "creates, and an existing source keeps its owner");
        pc_pop(c, mark);
    } else {
        get_owner(c, map, &m->owner);
    }
}

static void parse_mount(struct pctx *c, const struct yt_node *map, struct rp_mount *m)
{
    m->pos = pc_pos(c, map);
    size_t mark;
    int type = -1;
    const struct yt_node *x = pc_field(c, map, "type", &mark);
    if (x) {
        pc_enum(c, x, rp_mount_type_names, ARRAY_LEN(rp_mount_type_names), &type);
        pc_pop(c, mark);
    } else {
        pc_missing(c, map, "type");
    }
    check_mount_keys(c, map, type);
    if ((x = pc_field(c, map, "path", &mark))) {
        target_path(c, x, &m->path);
        pc_pop(c, mark);
    } else {
        pc_missing(c, map, "path");
    }
    if (type < 0)
        return;
    m->type = (enum rp_mount_type)type;
    switch (m->type) {
    case RP_MOUNT_BIND:
        m->readonly = true;
        parse_bind(c, map, m);
        break;
    case RP_MOUNT_SYMLINK:
        if ((x = pc_field(c, map, "target", &mark))) {
            if (pc_string(c, x, &m->target) && !m->target[0])
                pc_err(c, x, "a symlink's target cannot be empty");
            pc_pop(c, mark);
        } else {
            pc_missing(c, map, "target");
        }
        break;
    case RP_MOUNT_DIR:
        m->mode = 0755;
        get_mode(c, map, &m->mode, &m->mode_set);
        get_owner(c, map, &m->owner);
        break;
    case RP_MOUNT_FILE:
        m->mode = 0644;
        get_mode(c, map, &m->mode, &m->mode_set);
        get_owner(c, map, &m->owner);
        /* The content is the file's bytes: no variable is expanded in it. */
        if ((x = pc_field(c, map, "content", &mark))) {
            pc_string_literal(c, x, &m->content, &m->content_len);
            pc_pop(c, mark);
        } else {
            m->content = rp_xstrdup("");
        }
        break;
    case RP_MOUNT_DEV:
        m->shm_size = RP_DEV_SHM_SIZE_DEFAULT;
        if ((x = pc_field(c, map, "shm_size", &mark))) {
            /* tmpfs reads size=0 as no limit at all: the one value this
             * key exists to prevent. */
            uint64_t size;
            if (pc_size(c, x, false, &size)) {
                if (size)
                    m->shm_size = size;
                else
                    pc_err(c, x,
                           "shm_size cannot be 0: tmpfs reads 0 as no limit; give a size "
                           "such as 64M");
            }
            pc_pop(c, mark);
        }
        break;
    case RP_MOUNT_PROC:
    case RP_MOUNT_MQUEUE: break;
    }
}

void parse_mounts(struct pctx *c, const struct yt_node *v)
{
    if (!pc_seq(c, v))
        return;
    struct rp_node *n = c->node;
    n->mounts = rp_xcalloc(v->n, sizeof(*n->mounts));
    for (size_t i = 0; i < v->n; i++) {
        size_t mark = pc_push_index(c, i);
        if (pc_map(c, v->items[i]))
            parse_mount(c, v->items[i], &n->mounts[n->n_mounts++]);
        pc_pop(c, mark);
    }
}

void parse_tmpfs(struct pctx *c, const struct yt_node *v)
{
    if (!pc_seq(c, v))
        return;
    struct rp_node *n = c->node;
    n->tmpfs = rp_xcalloc(v->n, sizeof(*n->tmpfs));
    static const char *const keys[] = {"path", "size", "mode", "owner"};
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *map = v->items[i];
        size_t at = pc_push_index(c, i);
        if (!pc_map(c, map)) {
            pc_pop(c, at);
            continue;
        }
        struct rp_tmpfs *t = &n->tmpfs[n->n_tmpfs++];
        t->pos = pc_pos(c, map);
        t->mode = 01777;
        pc_check_keys(c, map, keys, ARRAY_LEN(keys));
        size_t mark;
        const struct yt_node *x;
        if ((x = pc_field(c, map, "path", &mark))) {
            target_path(c, x, &t->path);
            pc_pop(c, mark);
        } else {
            pc_missing(c, map, "path");
        }
        if ((x = pc_field(c, map, "size", &mark))) {
            pc_size(c, x, false, &t->size);
            pc_pop(c, mark);
        }
        get_mode(c, map, &t->mode, NULL);
        get_owner(c, map, &t->owner);
        pc_pop(c, at);
    }
}
