/* SPDX-License-Identifier: Apache-2.0 */
/* The admin policy (docs/node-format.md, "Admin policy"): a node file read
 * as the root ancestor of every node, plus a `policy:` section of rules no
 * node file can meet otherwise: what is forbidden, what is required, and
 * where binds may come from. A node breaking a rule fails before anything
 * is created, at the rule's line in the policy. */
#include "error_internal.h"
#include "family.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "enum_names.h"

enum rule_kind { FORBID, REQUIRE };

struct rule {
    enum rule_kind kind;
    char *key;   /* "namespaces.net", "capabilities", "cgroup.items.memory.max" */
    char *value; /* "host", "none", "set"...; NULL for a list (caps) */
    uint64_t caps;
    struct rp_pos pos;
};

struct fam_policy {
    const char *file;
    struct rule *rules;
    size_t n;
    char **sources;
    struct rp_pos *source_pos;
    size_t n_sources;
    bool has_sources;
    struct rp_pos sources_pos;
};

static struct rp_pos at(const struct fam_policy *p, const struct yt_node *n)
{
    return (struct rp_pos){p->file, n->line, n->column};
}

static bool is_text(const struct yt_node *n)
{
    return n->kind == YT_SCALAR && n->type != YT_NULL && strlen(n->text) == n->len;
}

/* The keys a rule may name and the values each takes ("set": any value). */
static bool rule_ok(enum rule_kind kind, const char *key, const char *v, char *why, size_t wl)
{
    if (!strncmp(key, "namespaces.", 11)) {
        bool known = false;
        for (int k = 0; k < RP_NS_COUNT; k++)
            known |= !strcmp(key + 11, rp_ns_name((enum rp_ns_kind)k));
        if (!known)
            return snprintf(why, wl, "unknown namespace '%s'", key + 11), false;
        if (kind == FORBID && strcmp(v, "host") && strcmp(v, "join"))
            return snprintf(why, wl, "a namespace may be forbidden 'host' or 'join'"), false;
        if (kind == REQUIRE && strcmp(v, "new"))
            return snprintf(why, wl, "a namespace may be required 'new'"), false;
        return true;
    }
    if (!strcmp(key, "seccomp") || !strcmp(key, "seccomp.base")) {
        if (kind == FORBID && !strcmp(v, "none"))
            return true;
        if (kind == REQUIRE && !strcmp(key, "seccomp.base") && !strcmp(v, "default"))
            return true;
        if (kind == REQUIRE && !strcmp(key, "seccomp") && !strcmp(v, "set"))
            return true;
        return snprintf(why, wl, "%s: forbid 'none'%s", key,
                        strcmp(key, "seccomp") ? " or require 'default'" : " or require 'set'"),
               false;
    }
    if (!strcmp(key, "seccomp.default_action")) {
        for (size_t i = 0; i < RP_SC_ACTION_COUNT; i++)
            if (kind == REQUIRE && !strcmp(v, rp_seccomp_action_names[i]))
                return true;
        return snprintf(why, wl, "require an action at least as strict as '%s'", v), false;
    }
    if (!strcmp(key, "process.no_new_privileges") || !strcmp(key, "root.readonly") ||
        !strcmp(key, "cgroup.required")) {
        if (!strcmp(v, kind == FORBID ? "false" : "true"))
            return true;
        return snprintf(why, wl, "%s: %s", key, kind == FORBID ? "forbid false" : "require true"),
               false;
    }
    if (!strncmp(key, "cgroup.items.", 13)) {
        for (int k = 0; k < RP_CG_ITEM_COUNT; k++)
            if (!strcmp(key + 13, rp_cgroup_item_name((enum rp_cgroup_item_kind)k)))
                return kind == REQUIRE ||
                    (snprintf(why, wl, "a cgroup item is required, not forbidden"), false);
        return snprintf(why, wl, "unknown cgroup item '%s'", key + 13), false;
    }
    int more = fam_policy_rule_more(kind == FORBID, key, v, why, wl);
    if (more >= 0)
        return more == 1;
    return snprintf(why, wl,
                    "unknown rule '%s': namespaces.KIND, capabilities, seccomp, seccomp.base, "
                    "seccomp.default_action, process.no_new_privileges, root.readonly, "
                    "cgroup.required, cgroup.items.ITEM, network.mode, network.ports, "
                    "host.sysctl, user_namespace",
                    key),
           false;
}

static void perr(struct rp_diags *d, const struct rp_pos *pos, const char *key, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));
static void perr(struct rp_diags *d, const struct rp_pos *pos, const char *key, const char *fmt,
                 ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    yt_defang(msg);
    rp_diags_add(d, pos, key, "%s", msg);
}

static void add_rule(struct fam_policy *p, enum rule_kind kind, const struct yt_node *k,
                     const struct yt_node *v, struct rp_diags *d)
{
    const char *section = kind == FORBID ? "policy.forbid" : "policy.require";
    char path[256];
    snprintf(path, sizeof(path), "%s.%s", section, k->text);
    struct rule r = {.kind = kind, .pos = at(p, k)};
    if (kind == FORBID && !strcmp(k->text, "capabilities")) {
        if (v->kind != YT_SEQ) {
            struct rp_pos vp = at(p, v);
            perr(d, &vp, path, "expected a list of capability names, found %s", yt_describe(v));
            return;
        }
        for (size_t i = 0; i < v->n; i++) {
            int cap = is_text(v->items[i]) ? rp_cap_lookup(v->items[i]->text) : -1;
            if (cap < 0) {
                struct rp_pos vp = at(p, v->items[i]);
                perr(d, &vp, path, "unknown capability '%s'",
                     v->items[i]->kind == YT_SCALAR ? v->items[i]->text : "?");
                return;
            }
            r.caps |= 1ull << cap;
        }
    } else {
        if (!v || !is_text(v)) {
            struct rp_pos vp = at(p, v ? v : k);
            perr(d, &vp, path, "expected a value, found %s", v ? yt_describe(v) : "nothing");
            return;
        }
        char why[512];
        if (!rule_ok(kind, k->text, v->text, why, sizeof(why))) {
            struct rp_pos vp = at(p, v);
            perr(d, &vp, path, "%s", why);
            return;
        }
        r.value = rp_xstrdup(v->text);
    }
    r.key = rp_xstrdup(k->text);
    p->rules = rp_xrealloc(p->rules, p->n + 1, sizeof(*p->rules));
    p->rules[p->n++] = r;
}

/* forbid and require: a mapping KEY: VALUE; require also takes a list of
 * KEY (any value) or KEY: VALUE entries. */
static void parse_rules(struct fam_policy *p, enum rule_kind kind, const struct yt_node *v,
                        struct rp_diags *d)
{
    const char *section = kind == FORBID ? "policy.forbid" : "policy.require";
    if (v->kind == YT_MAP) {
        for (size_t i = 0; i < v->n; i++)
            if (!v->pairs[i].key->duplicate)
                add_rule(p, kind, v->pairs[i].key, v->pairs[i].value, d);
        return;
    }
    if (v->kind == YT_SEQ && kind == REQUIRE) {
        for (size_t i = 0; i < v->n; i++) {
            const struct yt_node *e = v->items[i];
            if (e->kind == YT_MAP && e->n == 1) {
                add_rule(p, kind, e->pairs[0].key, e->pairs[0].value, d);
            } else if (is_text(e)) {
                struct yt_node set = {.kind = YT_SCALAR,
                                      .text = (char *)"set",
                                      .len = 3,
                                      .type = YT_STR,
                                      .line = e->line,
                                      .column = e->column};
                add_rule(p, kind, e, &set, d);
            } else {
                struct rp_pos ep = at(p, e);
                perr(d, &ep, section, "expected KEY or KEY: VALUE, found %s", yt_describe(e));
            }
        }
        return;
    }
    struct rp_pos vp = at(p, v);
    perr(d, &vp, section, "expected a mapping, found %s", yt_describe(v));
}

struct fam_policy *fam_policy_parse(const struct yt_node *root, const char *file,
                                    struct rp_diags *d)
{
    size_t first = d->n;
    struct fam_policy *p = rp_xcalloc(1, sizeof(*p));
    p->file = file;
    const struct yt_pair *sec = yt_map_find(root, "policy");
    if (!sec)
        return p;
    const struct yt_node *v = sec->value;
    struct rp_pos vp = at(p, v);
    if (v->kind != YT_MAP) {
        perr(d, &vp, "policy", "expected a mapping, found %s", yt_describe(v));
        fam_policy_free(p);
        return NULL;
    }
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *k = v->pairs[i].key, *x = v->pairs[i].value;
        if (k->duplicate)
            continue;
        if (!strcmp(k->text, "forbid")) {
            parse_rules(p, FORBID, x, d);
        } else if (!strcmp(k->text, "require")) {
            parse_rules(p, REQUIRE, x, d);
        } else if (!strcmp(k->text, "allowed_sources")) {
            p->has_sources = true;
            p->sources_pos = at(p, k);
            if (x->kind != YT_SEQ) {
                struct rp_pos xp = at(p, x);
                perr(d, &xp, "policy.allowed_sources", "expected a list of host paths, found %s",
                     yt_describe(x));
                continue;
            }
            p->sources = rp_xcalloc(x->n + 1, sizeof(*p->sources));
            p->source_pos = rp_xcalloc(x->n + 1, sizeof(*p->source_pos));
            for (size_t j = 0; j < x->n; j++) {
                char why[256], *norm = NULL;
                struct rp_pos xp = at(p, x->items[j]);
                if (!is_text(x->items[j]) ||
                    !rp_grammar_host_path(x->items[j]->text, &norm, why, sizeof(why))) {
                    perr(d, &xp, "policy.allowed_sources", "%s",
                         is_text(x->items[j]) ? why : "expected an absolute host path");
                    continue;
                }
                p->source_pos[p->n_sources] = xp;
                p->sources[p->n_sources++] = norm;
            }
        } else {
            struct rp_pos kp = at(p, k);
            static const char *const keys[] = {"forbid", "require", "allowed_sources"};
            const char *close = rp_closest(k->text, keys, ARRAY_LEN(keys));
            perr(d, &kp, "policy", "unknown key '%s'%s%s%s", k->text,
                 close ? "; did you mean '" : "", close ? close : "", close ? "'?" : "");
        }
    }
    if (d->n > first) {
        fam_policy_free(p);
        return NULL;
    }
    return p;
}

void fam_policy_free(struct fam_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->rules[i].key);
        free(p->rules[i].value);
    }
    for (size_t i = 0; i < p->n_sources; i++)
        free(p->sources[i]);
    free(p->sources);
    free(p->source_pos);
    free(p->rules);
    free(p);
}

/* The file decides what every node may do, so only root may have written
 * it: a regular file of root's, writable by no one else, in a folder of
 * root's that no one else can write to (else the file could be swapped
 * between this check and its read). */
int fam_policy_check_file(const char *path, struct rp_diags *d)
{
    struct rp_pos pos = {path, 1, 1};
    struct stat st;
    if (stat(path, &st) < 0) {
        int e = errno;
        perr(d, &pos, "", "cannot read the admin policy: %s", strerror(e));
        return -e;
    }
    if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
        perr(d, &pos, "",
             "the admin policy must be a regular file owned by root and writable by no one "
             "else (it is %s, uid %u, mode %04o)",
             S_ISREG(st.st_mode) ? "a file" : "not a regular file", (unsigned)st.st_uid,
             (unsigned)(st.st_mode & 07777));
        return -EPERM;
    }
    char *dir = pc_folder_of(path);
    struct stat ds;
    int rc = 0;
    if (stat(dir, &ds) < 0 || ds.st_uid != 0 || (ds.st_mode & 022)) {
        perr(d, &pos, "", "the admin policy's folder %s must be root's and writable by no one else",
             dir);
        rc = -EPERM;
    }
    free(dir);
    return rc;
}

static bool under(const char *path, const char *top)
{
    size_t n = strlen(top);
    if (!strcmp(top, "/"))
        return true;
    return !strncmp(path, top, n) && (path[n] == '\0' || path[n] == '/');
}

static uint64_t kept(const struct rp_capabilities *c)
{
    uint64_t all = rp_cap_all_mask();
    return c->mode == RP_CAPS_KEEP ? c->list & all : c->mode == RP_CAPS_DROP ? all & ~c->list : all;
}

static int strictness(const char *action)
{
    static const char *const order[] = {"allow", "log",         "errno",       "report",
                                        "trap",  "kill_thread", "kill_process"};
    static const int rank[] = {0, 1, 2, 2, 2, 3, 4};
    for (size_t i = 0; i < ARRAY_LEN(order); i++)
        if (!strcmp(order[i], action))
            return rank[i];
    return 4;
}

/* Does node break r? *where: the node's value, when it has one. */
static bool breaks(const struct rule *r, const struct rp_node *n, const struct rp_pos **where,
                   char *what, size_t wl)
{
    const char *k = r->key;
    *where = NULL;
    if (!strncmp(k, "namespaces.", 11)) {
        for (int i = 0; i < RP_NS_COUNT; i++) {
            if (strcmp(k + 11, rp_ns_name((enum rp_ns_kind)i)))
                continue;
            const struct rp_ns_setting *s = &n->ns[i];
            *where = &s->pos;
            const char *mode = s->mode == RP_NS_NEW ? "new"
                : s->mode == RP_NS_HOST             ? "host"
                                                    : "join";
            snprintf(what, wl, "%s is '%s'", k, mode);
            return r->kind == FORBID ? !strcmp(mode, r->value) : s->mode != RP_NS_NEW;
        }
        return false;
    }
    if (!strcmp(k, "capabilities")) {
        uint64_t bad = kept(&n->caps) & r->caps;
        if (!bad)
            return false;
        *where = n->caps.mode == RP_CAPS_UNSET ? NULL : &n->caps.list_pos;
        snprintf(what, wl, "the node keeps %s%s", rp_cap_name(__builtin_ctzll(bad)),
                 n->caps.mode == RP_CAPS_UNSET ? " (it has no capabilities section)" : "");
        return true;
    }
    if (!strcmp(k, "seccomp") || !strcmp(k, "seccomp.base")) {
        *where = &n->seccomp.pos;
        if (!n->seccomp.present) {
            snprintf(what, wl, "the node has no seccomp filter");
            return true;
        }
        snprintf(what, wl, "seccomp.base is '%s'",
                 n->seccomp.base == RP_SC_BASE_NONE ? "none" : "default");
        return !strcmp(k, "seccomp.base") && n->seccomp.base == RP_SC_BASE_NONE;
    }
    if (!strcmp(k, "seccomp.default_action")) {
        *where = &n->seccomp.pos;
        const char *a = rp_seccomp_action_name(n->seccomp.default_action);
        snprintf(what, wl, n->seccomp.present ? "seccomp.default_action is '%s'" : "%s",
                 n->seccomp.present ? a : "the node has no seccomp filter");
        return !n->seccomp.present || strictness(a) < strictness(r->value);
    }
    if (!strcmp(k, "process.no_new_privileges")) {
        *where = n->process.no_new_privileges_pos.line ? &n->process.no_new_privileges_pos : NULL;
        snprintf(what, wl, "process.no_new_privileges is false");
        return !n->process.no_new_privileges;
    }
    if (!strcmp(k, "root.readonly")) {
        *where = &n->root.pos;
        snprintf(what, wl, "the root is writable");
        return !n->root.readonly;
    }
    if (!strcmp(k, "cgroup.required")) {
        *where = &n->cgroup.pos;
        snprintf(what, wl, "cgroup.required is false");
        return !n->cgroup.present || !n->cgroup.required;
    }
    if (!strncmp(k, "cgroup.items.", 13)) {
        for (size_t i = 0; i < n->cgroup.n_items; i++) {
            const struct rp_cgroup_item *it = &n->cgroup.items[i];
            if (strcmp(rp_cgroup_item_name(it->kind), k + 13))
                continue;
            *where = &it->pos;
            if (!strcmp(r->value, "set"))
                return false;
            /* A value: a limit the node's may not exceed (sizes normalised). */
            uint64_t want = 0, have = 0;
            char why[128];
            bool num = rp_grammar_size(r->value, true, &want, why, sizeof(why)) &&
                rp_grammar_size(it->value, true, &have, why, sizeof(why));
            snprintf(what, wl, "%s is %s", k, it->value);
            return num ? have > want : strcmp(it->value, r->value) != 0;
        }
        snprintf(what, wl, "the node sets no %s", k + 13);
        return true;
    }
    return fam_policy_breaks_more(k, r->value, n, where, what, wl);
}

static void check_sources(const struct fam_policy *p, const struct rp_node *n, bool self,
                          struct rp_diags *d)
{
    if (!p->has_sources)
        return;
    for (size_t i = 0; i < n->n_mounts + 1; i++) {
        const char *src = i < n->n_mounts ? n->mounts[i].source : n->root.source;
        const struct rp_pos *pos = i < n->n_mounts ? &n->mounts[i].source_pos : &n->root.source_pos;
        if (!src || (i < n->n_mounts && n->mounts[i].type != RP_MOUNT_BIND))
            continue;
        bool ok = false;
        for (size_t j = 0; j < p->n_sources && !ok; j++)
            ok = under(src, p->sources[j]);
        if (!ok)
            perr(d, &p->sources_pos, "policy.allowed_sources",
                 "%s%s binds '%s' (%s:%u:%u), outside the sources the admin policy allows",
                 self ? "the policy contradicts itself: " : "", self ? "it" : n->name, src,
                 pos->file, pos->line, pos->column);
    }
}

void fam_policy_check(const struct fam_policy *p, const struct rp_node *n, bool self,
                      struct rp_diags *d)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct rule *r = &p->rules[i];
        if (self && r->kind == REQUIRE)
            continue; /* requirements are the nodes' to meet */
        const struct rp_pos *where;
        char what[256];
        if (!breaks(r, n, &where, what, sizeof(what)))
            continue;
        /* The policy breaks its own rule only with a value it wrote: a
         * default of its step (all capabilities, no filter) is the nodes'
         * to change. Defaults point at the step's own file name, 1:1. */
        if (self &&
            (!where || !where->line ||
             (where->file == n->file && where->line == 1 && where->column == 1)))
            continue;
        char key[300];
        snprintf(key, sizeof(key), "policy.%s.%s", r->kind == FORBID ? "forbid" : "require",
                 r->key);
        if (self)
            perr(d, &r->pos, key,
                 "the policy contradicts itself: it forbids what it writes: %s (line %u)", what,
                 where->line);
        else if (where && where->line)
            perr(d, &r->pos, key, "node %s: %s (%s:%u:%u); the admin policy %s %s", n->name, what,
                 where->file, where->line, where->column,
                 r->kind == FORBID ? "forbids" : "requires",
                 r->value && strcmp(r->value, "set") ? r->value : "it");
        else
            perr(d, &r->pos, key, "node %s: %s; the admin policy %s %s", n->name, what,
                 r->kind == FORBID ? "forbids" : "requires",
                 r->value && strcmp(r->value, "set") ? r->value : "it");
    }
    check_sources(p, n, self, d);
}
