/* SPDX-License-Identifier: Apache-2.0 */
/* Node file -> validated struct rp_node. The file becomes a YAML tree
 * (yaml_tree.c), the --set overrides edit that tree (set_override.c), and
 * the walk below checks every key of node-format.md, collecting every
 * problem so that one run shows them all. The sections live in files of
 * their own; this one walks the top level and the small scalar keys. */
#include "error_internal.h"
#include "parse.h"
#include "read_all.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "family.h"
#include "grammar.h"

static const char *const top_keys[] = {
    "version",  "node",       "description",  "namespaces",   "user_namespace",
    "hostname", "domainname", "time_offsets", "sysctl",       "root",
    "mounts",   "tmpfs",      "cgroup",       "capabilities", "seccomp",
    "process",  "host",       "packages",     "network",
};

static void parse_version(struct pctx *c, const struct yt_node *top)
{
    size_t mark;
    const struct yt_node *v = pc_field(c, top, "version", &mark);
    if (!v) {
        pc_missing(c, top, "version");
        return;
    }
    int64_t version;
    if (pc_int(c, v, INT64_MIN, INT64_MAX, &version) && version != 1)
        pc_err(c, v, "unsupported version %s: this redpak reads version 1", v->text);
    pc_pop(c, mark);
}

static void parse_name(struct pctx *c, const struct yt_node *top)
{
    size_t mark;
    const struct yt_node *v = pc_field(c, top, "node", &mark);
    if (!v) {
        pc_missing(c, top, "node");
        return;
    }
    /* The name is what ${NODE} expands to, so it is taken as written. */
    if (v->kind != YT_SCALAR || v->type != YT_STR) {
        pc_err(c, v, "expected a string, found %s", yt_describe(v));
    } else {
        char why[RP_WHY_MAX];
        if (strlen(v->text) != v->len || !rp_grammar_node_name(v->text, why, sizeof(why)))
            pc_err(c, v, "%s", strlen(v->text) != v->len ? "a node name has no NUL" : why);
        else
            c->node->name = rp_xstrdup(v->text);
    }
    pc_pop(c, mark);
}

static void parse_host(struct pctx *c, const struct yt_node *v)
{
    if (!pc_map(c, v))
        return;
    static const char *const keys[] = {"sysctl"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    size_t mark;
    const struct yt_node *s = pc_field(c, v, "sysctl", &mark);
    if (s) {
        parse_sysctl(c, s, true, &c->node->host_sysctl);
        pc_pop(c, mark);
    }
}

/* One key of the top level handed to its section. */
static void section(struct pctx *c, const struct yt_node *top, const char *key,
                    void (*fn)(struct pctx *, const struct yt_node *))
{
    size_t mark;
    const struct yt_node *v = pc_field(c, top, key, &mark);
    if (v) {
        fn(c, v);
        pc_pop(c, mark);
    }
}

static void parse_description(struct pctx *c, const struct yt_node *v)
{
    pc_string(c, v, &c->node->description);
}

static void parse_sysctl_section(struct pctx *c, const struct yt_node *v)
{
    parse_sysctl(c, v, false, &c->node->sysctl);
}

static void walk(struct pctx *c, const struct yt_node *top)
{
    pc_check_keys(c, top, top_keys, ARRAY_LEN(top_keys));
    parse_version(c, top);
    parse_name(c, top); /* first: ${NODE} expands to it */
    /* Namespaces next: other sections depend on which ones are new. */
    section(c, top, "namespaces", parse_namespaces);
    section(c, top, "user_namespace", parse_user_namespace);
    section(c, top, "description", parse_description);
    parse_uts_names(c, top);
    section(c, top, "time_offsets", parse_time_offsets);
    section(c, top, "sysctl", parse_sysctl_section);
    section(c, top, "root", parse_root);
    section(c, top, "mounts", parse_mounts);
    section(c, top, "tmpfs", parse_tmpfs);
    section(c, top, "cgroup", parse_cgroup);
    section(c, top, "capabilities", parse_capabilities);
    section(c, top, "seccomp", parse_seccomp);
    section(c, top, "process", parse_process);
    section(c, top, "host", parse_host);
    section(c, top, "packages", parse_packages); /* after root: it needs root.source */
    section(c, top, "network", parse_network);
}

struct rp_node *pc_walk_tree(const char *file, const char *dir, const struct yt_node *root,
                             const struct rp_family *fam, const struct rp_parse_opts *opts,
                             struct rp_diags *diags)
{
    size_t first = diags->n;
    struct rp_node *node = rp_node_new(file, dir);
    struct pctx c = {.node = node, .diags = diags, .opts = opts, .top = root, .fam = fam};
    walk(&c, root);
    if (diags->n > first) {
        rp_node_free(node);
        return NULL;
    }
    return node;
}

static int parse_node(const char *file, const char *dir, const char *buf, size_t len,
                      const struct rp_parse_opts *opts, struct rp_node **out,
                      struct rp_diags *diags)
{
    struct rp_parse_opts own = {.caller_uid = getuid(), .caller_gid = getgid()};
    if (!opts)
        opts = &own;
    size_t first = diags->n;
    *out = NULL;
    struct yt_doc doc;
    yt_parse(file, buf, len, &doc, diags);
    /* A node that extends another, or any node under an admin policy, is
     * a family: merged, then walked (family.c). */
    if (doc.root && diags->n == first) {
        char *policy = NULL;
        int prc = fam_policy_path(opts, &policy, file, diags);
        if (prc < 0 || policy || opts->origins || fam_extends(doc.root)) {
            int rc = prc < 0 ? prc : fam_parse(file, &doc, policy, opts, out, diags);
            free(policy);
            yt_free(&doc);
            if (diags->n > first)
                rp_diags_sort(diags, first);
            return rc;
        }
    }
    if (opts->n_sets)
        rp_set_apply(&doc, opts->sets, opts->n_sets, diags);
    struct rp_node *node = rp_node_new(file, dir);
    if (doc.root) {
        struct pctx c = {.node = node, .diags = diags, .opts = opts, .top = doc.root};
        walk(&c, doc.root);
    }
    yt_free(&doc);
    if (diags->n > first) {
        rp_diags_sort(diags, first);
        rp_node_free(node);
        return -EINVAL;
    }
    *out = node;
    return 0;
}

/* ${NODE_DIR}: the node file's folder, absolute, so that a bind source
 * written "${NODE_DIR}/data" is a valid host path from any working dir. */
char *pc_folder_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    char *dir =
        slash ? rp_xstrndup(file, slash == file ? 1 : (size_t)(slash - file)) : rp_xstrdup(".");
    char *real = realpath(dir, NULL);
    if (real) {
        free(dir);
        return real;
    }
    if (dir[0] != '/') {
        char cwd[PATH_MAX];
        char *abs;
        if (getcwd(cwd, sizeof(cwd)) && asprintf(&abs, "%s/%s", cwd, dir) >= 0) {
            free(dir);
            return abs;
        }
    }
    return dir;
}

int rp_node_parse_buffer(const char *name, const char *buf, size_t len,
                         const struct rp_parse_opts *opts, struct rp_node **out,
                         struct rp_diags *diags)
{
    char *dir = pc_folder_of(name);
    int rc = parse_node(name, dir, buf, len, opts, out, diags);
    free(dir);
    return rc;
}

int pc_read_node_file(const char *path, char **out, size_t *out_len, struct rp_diags *diags)
{
    struct rp_pos start = {path, 1, 1};
    *out = NULL;
    *out_len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        rp_diags_add(diags, &start, "", "cannot open the node file: %s", strerror(e));
        return -e;
    }
    /* A regular file too big is refused without reading it, with its size;
     * anything else (a pipe) is read up to the limit. */
    struct stat st;
    char *buf = NULL;
    size_t len = 0;
    int err = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > RP_NODE_MAX_BYTES) {
        rp_diags_add(diags, &start, "",
                     "the file is %lld bytes; a node file is at most %u bytes (1 MiB)",
                     (long long)st.st_size, RP_NODE_MAX_BYTES);
        err = -EFBIG;
    } else {
        err = rp_read_all(fd, RP_NODE_MAX_BYTES, &buf, &len);
        if (err == -EFBIG)
            rp_diags_add(diags, &start, "",
                         "the input is more than %u bytes; a node file is at most %u bytes "
                         "(1 MiB)",
                         RP_NODE_MAX_BYTES, RP_NODE_MAX_BYTES);
        else if (err < 0)
            rp_diags_add(diags, &start, "", "cannot read the node file: %s", strerror(-err));
    }
    close(fd);
    if (err)
        free(buf);
    *out = err ? NULL : buf;
    *out_len = err ? 0 : len;
    return err;
}

int rp_node_parse_file(const char *path, const struct rp_parse_opts *opts, struct rp_node **out,
                       struct rp_diags *diags)
{
    char *buf = NULL;
    size_t len = 0;
    *out = NULL;
    int err = pc_read_node_file(path, &buf, &len, diags);
    if (!err)
        err = rp_node_parse_buffer(path, buf, len, opts, out, diags);
    free(buf);
    return err;
}
