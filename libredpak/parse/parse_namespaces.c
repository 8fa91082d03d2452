/* SPDX-License-Identifier: Apache-2.0 */
/* namespaces, user_namespace, hostname, domainname, time_offsets and the
 * sysctls: the keys whose meaning depends on which namespaces are new. */
#include "parse.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"

static const char *mode_word(enum rp_ns_mode m)
{
    return m == RP_NS_NEW ? "new" : m == RP_NS_HOST ? "host" : "a path";
}

void parse_namespaces(struct pctx *c, const struct yt_node *v)
{
    if (!pc_map(c, v))
        return;
    const char *keys[RP_NS_COUNT];
    for (int k = 0; k < RP_NS_COUNT; k++)
        keys[k] = rp_ns_name((enum rp_ns_kind)k);
    pc_check_keys(c, v, keys, RP_NS_COUNT);
    for (int k = 0; k < RP_NS_COUNT; k++) {
        size_t mark;
        const struct yt_node *x = pc_field(c, v, keys[k], &mark);
        if (!x)
            continue;
        struct rp_ns_setting *ns = &c->node->ns[k];
        char *s;
        if (pc_string(c, x, &s)) {
            ns->pos = pc_pos(c, x);
            if (!strcmp(s, "new")) {
                ns->mode = RP_NS_NEW;
            } else if (!strcmp(s, "host")) {
                ns->mode = RP_NS_HOST;
            } else if (s[0] == '/') {
                if (pc_host_path(c, x, &ns->path))
                    ns->mode = RP_NS_JOIN;
            } else {
                pc_err(c, x,
                       "expected new, host or the absolute path of a namespace file "
                       "(like /proc/PID/ns/%s), found '%s'",
                       keys[k], s);
            }
            /* The node's root is built by mounting in this namespace: sharing
             * or joining one would build it in someone else's tree. */
            if (k == RP_NS_MOUNT && (ns->mode != RP_NS_NEW || ns->path)) {
                pc_err(c, x,
                       "the mount namespace is always new: the node's root is built "
                       "in it (found '%s')",
                       s);
                ns->mode = RP_NS_NEW;
            }
            free(s);
        }
        pc_pop(c, mark);
    }
}

/* One uid_map or gid_map: the kernel takes at most 340 lines
 * (user_namespaces(7)) and refuses overlapping ranges on either side. */
static void parse_id_map(struct pctx *c, const struct yt_node *v, struct rp_id_map_list *out)
{
    if (!pc_seq(c, v))
        return;
    if (v->n > 340) {
        pc_err(c, v, "%zu ranges: the kernel takes at most 340", v->n);
        return;
    }
    out->set = true;
    out->v = rp_xcalloc(v->n, sizeof(*out->v));
    static const char *const keys[] = {"inside", "outside", "count"};
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *e = v->items[i];
        size_t at = pc_push_index(c, i);
        if (!pc_map(c, e)) {
            pc_pop(c, at);
            continue;
        }
        pc_check_keys(c, e, keys, ARRAY_LEN(keys));
        int64_t val[3];
        bool ok = true;
        for (size_t k = 0; k < 3; k++) {
            size_t mark;
            const struct yt_node *x = pc_field(c, e, keys[k], &mark);
            if (!x) {
                pc_missing(c, e, keys[k]);
                ok = false;
                continue;
            }
            ok &= pc_int(c, x, k == 2 ? 1 : 0, UINT32_MAX, &val[k]);
            pc_pop(c, mark);
        }
        if (!ok) {
            pc_pop(c, at);
            continue;
        }
        if (val[0] + val[2] > (int64_t)UINT32_MAX + 1 ||
            val[1] + val[2] > (int64_t)UINT32_MAX + 1) {
            pc_err(c, e, "the range goes past id 4294967295");
            pc_pop(c, at);
            continue;
        }
        struct rp_id_map m = {(uint32_t)val[0], (uint32_t)val[1], (uint32_t)val[2], pc_pos(c, e)};
        for (size_t j = 0; j < out->n; j++) {
            const struct rp_id_map *o = &out->v[j];
            bool in = m.inside < (uint64_t)o->inside + o->count &&
                o->inside < (uint64_t)m.inside + m.count;
            bool outside = m.outside < (uint64_t)o->outside + o->count &&
                o->outside < (uint64_t)m.outside + m.count;
            if (in || outside)
                pc_err(c, e,
                       "this range overlaps range %zu on the %s side (the kernel refuses "
                       "overlapping ranges)",
                       j, in ? "inside" : "outside");
        }
        out->v[out->n++] = m;
        pc_pop(c, at);
    }
}

void parse_user_namespace(struct pctx *c, const struct yt_node *v)
{
    struct rp_node *n = c->node;
    n->user_namespace_pos = pc_pos(c, v);
    /* A conflict does not stop the maps' own checks: every problem in one run. */
    if (n->ns[RP_NS_USER].mode != RP_NS_NEW)
        pc_err(c, v,
               "user_namespace needs namespaces.user: new (it is %s): only a new user "
               "namespace gets id maps",
               mode_word(n->ns[RP_NS_USER].mode));
    /* The one scalar: the old 1:1 map of a root-started node, by asking. */
    if (v->kind == YT_SCALAR && v->type == YT_STR && strcmp(v->text, "identity") == 0) {
        n->user_namespace_identity = true;
        return;
    }
    if (v->kind == YT_SCALAR) {
        pc_err(c, v, "expected 'identity' or a mapping with uid_map and gid_map, got '%s'",
               v->text);
        return;
    }
    if (!pc_map(c, v))
        return;
    static const char *const keys[] = {"uid_map", "gid_map"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    size_t mark;
    const struct yt_node *x;
    if ((x = pc_field(c, v, "uid_map", &mark))) {
        parse_id_map(c, x, &n->uid_map);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "gid_map", &mark))) {
        parse_id_map(c, x, &n->gid_map);
        pc_pop(c, mark);
    }
}

/* hostname and domainname: sethostname(2) in a shared UTS namespace would
 * rename the host itself. */
void parse_uts_names(struct pctx *c, const struct yt_node *top)
{
    static const char *const keys[] = {"hostname", "domainname"};
    struct rp_node *n = c->node;
    char **dest[] = {&n->hostname, &n->domainname};
    struct rp_pos *pos[] = {&n->hostname_pos, &n->domainname_pos};
    for (size_t i = 0; i < 2; i++) {
        size_t mark;
        const struct yt_node *v = pc_field(c, top, keys[i], &mark);
        if (!v)
            continue;
        char *s;
        char why[RP_WHY_MAX];
        if (n->ns[RP_NS_UTS].mode != RP_NS_NEW)
            pc_err(c, v,
                   "%s needs namespaces.uts: new (it is %s): setting it would "
                   "rename the host",
                   keys[i], mode_word(n->ns[RP_NS_UTS].mode));
        if (pc_string(c, v, &s)) {
            if (rp_grammar_hostname(s, why, sizeof(why))) {
                *dest[i] = s;
                *pos[i] = pc_pos(c, v);
            } else {
                pc_err(c, v, "%s", why);
                free(s);
            }
        }
        pc_pop(c, mark);
    }
}

void parse_time_offsets(struct pctx *c, const struct yt_node *v)
{
    struct rp_node *n = c->node;
    if (n->ns[RP_NS_TIME].mode != RP_NS_NEW)
        pc_err(c, v,
               "time_offsets needs namespaces.time: new (it is %s): offsets belong to "
               "a new time namespace",
               mode_word(n->ns[RP_NS_TIME].mode));
    if (!pc_map(c, v))
        return;
    static const char *const keys[] = {"monotonic", "boottime"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    int64_t *dest[] = {&n->time_monotonic, &n->time_boottime};
    for (size_t i = 0; i < 2; i++) {
        size_t mark;
        const struct yt_node *x = pc_field(c, v, keys[i], &mark);
        if (x) {
            pc_int(c, x, INT64_MIN / 1000000000, INT64_MAX / 1000000000, dest[i]);
            pc_pop(c, mark);
        }
    }
    n->time_offsets_set = true;
    n->time_offsets_pos = pc_pos(c, v);
}

/* [a-z0-9_]+(\.[a-z0-9_-]+)+: the dotted form of a /proc/sys path; no '/',
 * no "..", so the planner can turn dots into slashes safely. */
static bool sysctl_key_ok(const char *k)
{
    size_t words = 0, len = 0;
    for (const char *p = k;; p++) {
        if (*p == '.' || !*p) {
            if (!len)
                return false;
            words++;
            len = 0;
            if (!*p)
                break;
            continue;
        }
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
            (*p == '-' && words > 0);
        if (!ok)
            return false;
        len++;
    }
    return words >= 2;
}

/* host.sysctl writes only the names of rp_host_sysctls (core/names.c). */
static void unknown_host_sysctl(struct pctx *c, const struct yt_node *k)
{
    const char *names[8];
    char list[256] = "";
    size_t n = 0;
    for (size_t i = 0; i < rp_n_host_sysctls && n < ARRAY_LEN(names); i++) {
        names[n++] = rp_host_sysctls[i].name;
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
                 rp_host_sysctls[i].name);
    }
    enum rp_ns_kind ns;
    if (rp_sysctl_is_namespaced(k->text, &ns)) {
        pc_err(c, k,
               "%s belongs to the %s namespace: write it under sysctl, with namespaces.%s: new "
               "(host.sysctl takes only host-wide settings: %s)",
               k->text, rp_ns_name(ns), rp_ns_name(ns), list);
        return;
    }
    const char *close = rp_closest(k->text, names, n);
    pc_err(c, k,
           "'%s' is not a host sysctl a node may set%s%s%s: host.sysctl takes %s; the "
           "machine's other settings belong in /etc/sysctl.d",
           k->text, close ? " (did you mean '" : "", close ? close : "", close ? "'?)" : "", list);
}

/* A host sysctl: a name of rp_host_sysctls and an int in its range. */
static void host_sysctl(struct pctx *c, const struct yt_node *k, const struct yt_node *x,
                        struct rp_kv_list *out)
{
    const struct rp_host_sysctl *hs = rp_host_sysctl_find(k->text);
    int64_t value;
    if (!hs) {
        unknown_host_sysctl(c, k);
        return;
    }
    if (!pc_int(c, x, hs->min, hs->max, &value))
        return;
    char text[24];
    snprintf(text, sizeof(text), "%" PRId64, value);
    struct rp_kv *kv = &out->v[out->n++];
    kv->key = rp_xstrdup(k->text);
    kv->value = rp_xstrdup(text);
    kv->pos = pc_pos(c, x);
}

void parse_sysctl(struct pctx *c, const struct yt_node *v, bool host, struct rp_kv_list *out)
{
    if (!pc_map(c, v))
        return;
    out->v = rp_xcalloc(v->n, sizeof(*out->v));
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *k = v->pairs[i].key, *x = v->pairs[i].value;
        if (k->duplicate)
            continue;
        size_t mark = pc_push_key(c, k->text);
        enum rp_ns_kind ns;
        char *value;
        if (!sysctl_key_ok(k->text)) {
            pc_err(c, k,
                   "'%s' is not a sysctl name: expected dotted lower-case words like "
                   "net.core.somaxconn",
                   k->text);
        } else if (host) {
            host_sysctl(c, k, x, out);
        } else if (!rp_sysctl_is_namespaced(k->text, &ns)) {
            pc_err(c, k,
                   "not a namespaced sysctl: it would change the host (host.sysctl is "
                   "the explicit opt-in)");
        } else if (c->node->ns[ns].mode != RP_NS_NEW) {
            pc_err(c, k,
                   "%s belongs to the %s namespace, which is not new (namespaces.%s: %s): "
                   "writing it would change the host",
                   k->text, rp_ns_name(ns), rp_ns_name(ns), mode_word(c->node->ns[ns].mode));
        } else if (pc_int_or_string(c, x, &value)) {
            struct rp_kv *kv = &out->v[out->n++];
            kv->key = rp_xstrdup(k->text);
            kv->value = value;
            kv->pos = pc_pos(c, x);
        }
        pc_pop(c, mark);
    }
}
