/* SPDX-License-Identifier: Apache-2.0 */
/* packages: what a node that owns its root installs, and from where
 * (docs/packages.md). The DNF plugin reads it through `rednode-config plan
 * --json`, so everything DNF will be handed is checked here: a repository
 * id or a package name that DNF could take for an option is refused, and a
 * repository is trusted unsigned only when the file says so. */
#include <string.h>

#include "parse.h"

/* DNF's repository ids: letters, digits and "-_.:". */
static bool repo_id_ok(const char *s)
{
    if (!*s || strlen(s) > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("-_.:", *p)))
            return false;
    return true;
}

/* A package spec as DNF takes it on its command line (a name, optionally
 * with a version, an arch or a glob), never starting with '-' (an option)
 * and never a path or a URL (a file from outside the node's repositories). */
static bool package_spec_ok(const char *s)
{
    if (!*s || strlen(s) > 255 || *s == '-' || *s == '.')
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("-_.+:~^*?[]", *p)))
            return false;
    return true;
}

static bool url_ok(const char *s)
{
    static const char *const schemes[] = {"file:///", "http://", "https://"};
    for (size_t i = 0; i < ARRAY_LEN(schemes); i++)
        if (!strncmp(s, schemes[i], strlen(schemes[i])) && s[strlen(schemes[i])])
            return !strpbrk(s, " \t\n");
    return false;
}

static void parse_url(struct pctx *c, const struct yt_node *x, char **out)
{
    if (pc_string(c, x, out) && !url_ok(*out))
        pc_err(c, x, "expected a file:///, http:// or https:// URL without spaces");
}

static void parse_repo(struct pctx *c, const struct yt_node *v, struct rp_package_repo *r)
{
    if (!pc_map(c, v))
        return;
    static const char *const keys[] = {"name", "baseurl", "gpgcheck", "gpgkey"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    r->pos = pc_pos(c, v);
    r->gpgcheck = true;
    size_t mark;
    const struct yt_node *x;
    if ((x = pc_field(c, v, "name", &mark))) {
        if (pc_string(c, x, &r->name) && !repo_id_ok(r->name))
            pc_err(c, x, "a repository name is 1 to 64 letters, digits and '-_.:'");
        pc_pop(c, mark);
    } else {
        pc_missing(c, v, "name");
    }
    if ((x = pc_field(c, v, "baseurl", &mark))) {
        parse_url(c, x, &r->baseurl);
        pc_pop(c, mark);
    } else {
        pc_missing(c, v, "baseurl");
    }
    const struct yt_node *check = NULL;
    if ((x = pc_field(c, v, "gpgcheck", &mark))) {
        check = x;
        pc_bool(c, x, &r->gpgcheck);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "gpgkey", &mark))) {
        parse_url(c, x, &r->gpgkey);
        pc_pop(c, mark);
    }
    /* An unsigned repository is a choice the file states: without a key
     * DNF could verify nothing, so gpgcheck (true by default) needs one. */
    if (r->gpgcheck && !r->gpgkey) {
        size_t m = pc_push_key(c, "gpgcheck");
        pc_err(c, check ? check : v,
               "gpgcheck is true%s but no gpgkey is given: name the key, or write "
               "gpgcheck: false for an unsigned repository",
               check ? "" : " (the default)");
        pc_pop(c, m);
    }
}

static void parse_repos(struct pctx *c, const struct yt_node *v, struct rp_packages *p)
{
    if (!pc_seq(c, v))
        return;
    p->repos = rp_xcalloc(v->n ? v->n : 1, sizeof(*p->repos));
    for (size_t i = 0; i < v->n; i++) {
        size_t mark = pc_push_index(c, i);
        parse_repo(c, v->items[i], &p->repos[i]);
        for (size_t j = 0; j < i && p->repos[i].name; j++)
            if (p->repos[j].name && !strcmp(p->repos[j].name, p->repos[i].name)) {
                pc_err(c, v->items[i], "repository '%s' is already named by repos[%zu]",
                       p->repos[i].name, j);
                break;
            }
        pc_pop(c, mark);
    }
    p->n_repos = v->n;
}

static void parse_install(struct pctx *c, const struct yt_node *v, struct rp_packages *p)
{
    if (!pc_string_list(c, v, &p->install))
        return;
    for (size_t i = 0; i < p->install.n; i++)
        if (!package_spec_ok(p->install.v[i])) {
            size_t mark = pc_push_index(c, i);
            pc_err(c, v->items[i],
                   "a package is named by letters, digits and '-_.+:~^*?[]', not starting "
                   "with '-' or '.' (no paths, URLs or options)");
            pc_pop(c, mark);
        }
}

void parse_packages(struct pctx *c, const struct yt_node *v)
{
    struct rp_packages *p = &c->node->packages;
    if (!pc_map(c, v))
        return;
    static const char *const keys[] = {"repos", "install", "host_repos", "releasever"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    p->present = true;
    p->pos = pc_pos(c, v);
    size_t mark;
    const struct yt_node *x;
    if ((x = pc_field(c, v, "repos", &mark))) {
        parse_repos(c, x, p);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "install", &mark))) {
        parse_install(c, x, p);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "host_repos", &mark))) {
        pc_bool(c, x, &p->host_repos);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "releasever", &mark))) {
        if (pc_string(c, x, &p->releasever) && !package_spec_ok(p->releasever))
            pc_err(c, x, "a release version is letters, digits and '-_.+:~^'");
        pc_pop(c, mark);
    }
    /* The packages live in the node's own image folder: without one there
     * is nothing of the node's to install into, and the host's "/" is never
     * a node's package root. */
    const char *src = c->node->root.source;
    const struct yt_pair *root = yt_map_find(c->top, "root");
    bool source_written = root && root->value->kind == YT_MAP && yt_map_find(root->value, "source");
    if (!src && !source_written)
        pc_err(c, v,
               "packages needs root.source: the node's own image folder, which holds its rpm "
               "database");
    else if (src && !strcmp(src, "/"))
        pc_err(c, v,
               "packages cannot manage the host's '/': root.source must be the node's own "
               "image folder");
}
