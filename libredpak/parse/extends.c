/* SPDX-License-Identifier: Apache-2.0 */
/* `extends`: the chain of node files from the root ancestor down to the
 * node, with the admin policy above them all. Parents are found by path
 * (relative to the folder of the file that names them) or by name in the
 * node path. Every file is read once, at most RP_FAMILY_MAX_DEPTH of them,
 * so a 1,000-deep chain or a cycle costs seventeen small reads and one
 * error at an `extends` line, never a deep recursion. */
#include "error_internal.h"
#include "family.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *fam_node_path(size_t i, char *buf, size_t size)
{
    const char *path = getenv("REDPAK_NODE_PATH");
    if (!path || !*path)
        path = RP_NODE_PATH_DEFAULT;
    for (;;) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        if (len && i-- == 0) {
            if (len >= size)
                return NULL;
            memcpy(buf, path, len);
            buf[len] = '\0';
            return buf;
        }
        if (!colon)
            return NULL;
        path = colon + 1;
    }
}

char *rp_node_path_dir(size_t i)
{
    char buf[PATH_MAX];
    const char *d = fam_node_path(i, buf, sizeof(buf));
    return d ? rp_xstrdup(d) : NULL;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *fam_find_by_name(const char *name)
{
    char dir[PATH_MAX];
    for (size_t i = 0; fam_node_path(i, dir, sizeof(dir)); i++) {
        char *p;
        if (asprintf(&p, "%s/%s/node.yaml", dir, name) < 0)
            abort();
        if (is_file(p))
            return p;
        free(p);
        if (asprintf(&p, "%s/%s.yaml", dir, name) < 0)
            abort();
        if (is_file(p))
            return p;
        free(p);
    }
    return NULL;
}

char *rp_node_find(const char *name)
{
    char why[RP_WHY_MAX];
    if (!rp_grammar_node_name(name, why, sizeof(why)))
        return NULL;
    return fam_find_by_name(name);
}

/* A name is a node name; anything with a slash or a .yaml ending is a path. */
static bool names_a_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".yaml")) ||
        (n > 4 && !strcmp(s + n - 4, ".yml"));
}

/* "a.yaml -> b.yaml -> c.yaml", the chain as found so far, leaf first. */
static char *chain_text(char *const *files, size_t n, const char *last)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? " -> " : "", files[i]);
    if (last)
        fprintf(f, " -> %s", last);
    fclose(f);
    return buf;
}

static void __attribute__((format(printf, 7, 8)))
chain_err(struct rp_diags *d, const struct yt_node *at, const char *file, char *const *files,
          size_t n, const char *last, const char *fmt, ...)
{
    struct rp_pos pos = {at->file ? at->file : file, at->line, at->column};
    char *chain = chain_text(files, n, last);
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rp_diags_add(d, &pos, "extends", "%s (family: %s)", msg, chain);
    free(chain);
}

static const struct yt_node *top_value(const struct yt_node *root, const char *key)
{
    const struct yt_pair *p = root && root->kind == YT_MAP ? yt_map_find(root, key) : NULL;
    return p && !p->key->duplicate ? p->value : NULL;
}

/* Every node of doc that names no file gets file: the walk's positions,
 * ${NODE_DIR} and --origin then tell an ancestor's values from the node's. */
static void own_nodes(struct yt_doc *doc, const char *file)
{
    for (size_t i = 0; i < doc->n_all; i++)
        if (!doc->all[i]->file)
            doc->all[i]->file = file;
}

static int load_doc(const char *path, struct yt_doc *doc, struct rp_diags *diags)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = pc_read_node_file(path, &buf, &len, diags);
    if (rc == 0)
        rc = yt_parse(path, buf, len, doc, diags);
    free(buf);
    if (rc == 0 && !doc->root)
        rc = -EINVAL;
    if (rc == 0)
        own_nodes(doc, path);
    return rc;
}

/* The leaf first while the chain is found; reversed at the end. */
struct found {
    char *files[RP_FAMILY_MAX_DEPTH + 1];
    char *real[RP_FAMILY_MAX_DEPTH + 1];
    struct yt_doc docs[RP_FAMILY_MAX_DEPTH + 1];
    size_t n;
};

static char *resolve_parent(const char *child, const char *text)
{
    if (!names_a_path(text))
        return fam_find_by_name(text);
    if (text[0] == '/')
        return rp_xstrdup(text);
    /* Relative to the child's folder as the child was named, so that
     * messages show paths the way the user wrote them. */
    const char *slash = strrchr(child, '/');
    char *p;
    if (!slash)
        return rp_xstrdup(text);
    if (asprintf(&p, "%.*s/%s", (int)(slash - child), child, text) < 0)
        abort();
    return p;
}

static int find_chain(struct found *f, struct rp_diags *diags)
{
    for (;;) {
        size_t k = f->n - 1;
        const char *file = f->files[k];
        const struct yt_node *ext = top_value(f->docs[k].root, "extends");
        if (!ext)
            return 0;
        if (ext->kind != YT_SCALAR || ext->type != YT_STR || !*ext->text ||
            strlen(ext->text) != ext->len) {
            struct rp_pos pos = {ext->file ? ext->file : file, ext->line, ext->column};
            rp_diags_add(diags, &pos, "extends",
                         "expected a parent node: a path or a node name, found %s",
                         yt_describe(ext));
            return -EINVAL;
        }
        char *parent = resolve_parent(file, ext->text);
        if (!parent || !is_file(parent)) {
            chain_err(diags, ext, file, f->files, f->n, "?", "parent '%s' not found%s", ext->text,
                      names_a_path(ext->text) ? "" : " in the node path (REDPAK_NODE_PATH)");
            free(parent);
            return -ENOENT;
        }
        char *real = realpath(parent, NULL);
        for (size_t i = 0; real && i < f->n; i++) {
            if (f->real[i] && !strcmp(f->real[i], real)) {
                chain_err(diags, ext, file, f->files, f->n, parent,
                          "'%s' is a cycle: a node cannot extend itself", ext->text);
                free(parent);
                free(real);
                return -ELOOP;
            }
        }
        if (f->n == RP_FAMILY_MAX_DEPTH) {
            chain_err(diags, ext, file, f->files, f->n, parent,
                      "a family is at most %d node files deep; '%s' is one more",
                      RP_FAMILY_MAX_DEPTH, ext->text);
            free(parent);
            free(real);
            return -E2BIG;
        }
        f->files[f->n] = parent;
        f->real[f->n] = real;
        if (load_doc(parent, &f->docs[f->n], diags) < 0) {
            yt_free(&f->docs[f->n]);
            memset(&f->docs[f->n], 0, sizeof(f->docs[f->n]));
            free(parent);
            free(real);
            return -EINVAL;
        }
        f->n++;
        const struct yt_node *cv = top_value(f->docs[k].root, "version");
        const struct yt_node *pv = top_value(f->docs[f->n - 1].root, "version");
        if (cv && pv && cv->kind == YT_SCALAR && pv->kind == YT_SCALAR &&
            strcmp(cv->text, pv->text)) {
            chain_err(diags, ext, file, f->files, f->n, NULL,
                      "'%s' is version %.32s, this file version %.32s: a family shares one "
                      "version",
                      ext->text, pv->text, cv->text);
            return -EINVAL;
        }
    }
}

int fam_load(const char *leaf_file, struct yt_doc *leaf_doc, const char *policy_file,
             struct fam_chain *ch, struct rp_diags *diags)
{
    struct found f = {.n = 1};
    f.files[0] = rp_xstrdup(leaf_file);
    f.real[0] = realpath(leaf_file, NULL);
    f.docs[0] = *leaf_doc;
    memset(leaf_doc, 0, sizeof(*leaf_doc));
    int rc = find_chain(&f, diags);

    struct yt_doc pdoc = {0};
    if (rc == 0 && policy_file) {
        rc = fam_policy_check_file(policy_file, diags);
        if (rc == 0)
            rc = load_doc(policy_file, &pdoc, diags);
        const struct yt_node *ext = rc == 0 ? top_value(pdoc.root, "extends") : NULL;
        if (ext) {
            struct rp_pos pos = {policy_file, ext->line, ext->column};
            rp_diags_add(diags, &pos, "extends", "the admin policy extends nothing");
            rc = -EINVAL;
        }
    }

    struct rp_family *fam = rp_xcalloc(1, sizeof(*fam));
    size_t np = policy_file ? 1 : 0;
    fam->n = f.n + np;
    fam->has_policy = np;
    fam->files = rp_xcalloc(fam->n, sizeof(*fam->files));
    fam->dirs = rp_xcalloc(fam->n, sizeof(*fam->dirs));
    ch->fam = fam;
    ch->n = fam->n;
    if (np) {
        fam->files[0] = rp_xstrdup(policy_file);
        ch->docs[0] = pdoc;
    }
    for (size_t i = 0; i < f.n; i++) {
        size_t at = np + f.n - 1 - i; /* root first */
        fam->files[at] = f.files[i];
        ch->docs[at] = f.docs[i];
        free(f.real[i]);
    }
    for (size_t i = 0; i < fam->n; i++) {
        fam->dirs[i] = pc_folder_of(fam->files[i]);
        /* Positions borrow the family's strings: the policy's nodes named
         * the caller's; the node's own nodes name none (the node's file). */
        for (size_t j = 0; j < ch->docs[i].n_all; j++)
            if (ch->docs[i].all[j]->file)
                ch->docs[i].all[j]->file = i + 1 == fam->n ? NULL : fam->files[i];
        ch->extends_at[i] = top_value(ch->docs[i].root, "extends");
    }
    return rc;
}

void fam_chain_free(struct fam_chain *ch)
{
    for (size_t i = 0; i < ch->n; i++)
        yt_free(&ch->docs[i]);
    rp_family_free(ch->fam);
    memset(ch, 0, sizeof(*ch));
}

const char *fam_dir_of(const struct rp_family *fam, const char *file)
{
    for (size_t i = 0; fam && file && i < fam->n; i++)
        if (fam->files[i] == file)
            return fam->dirs[i];
    return NULL;
}
