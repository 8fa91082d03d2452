/* SPDX-License-Identifier: Apache-2.0 */
/* `rednode-config plan --origin`: every value of the merged node file with
 * the file:line:column that wrote it. The merged tree still knows each
 * value's file (merge.c shares the files' own nodes), so the origins are
 * read from it once, after the final walk, and kept with the family
 * (printed by core/node_family.c). */
#include "family.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ocollect {
    struct rp_family *fam;
    const char *leaf;
    size_t cap;
    char path[1024];
};

static void add(struct ocollect *o, const struct yt_node *n, const char *value)
{
    struct rp_family *f = o->fam;
    if (f->n_origins == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 64;
        f->origins = rp_xrealloc(f->origins, o->cap, sizeof(*f->origins));
    }
    struct rp_origin *r = &f->origins[f->n_origins++];
    r->key = rp_xstrdup(o->path);
    r->value = rp_xstrdup(value);
    yt_defang(r->value);
    r->pos.file = n->file ? n->file : o->leaf;
    r->pos.line = n->line;
    r->pos.column = n->column;
}

static void walk(struct ocollect *o, const struct yt_node *n, size_t len)
{
    if (n->kind == YT_SCALAR) {
        add(o, n, n->text);
        return;
    }
    if (!n->n) {
        add(o, n, n->kind == YT_SEQ ? "[]" : "{}");
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        int w;
        const struct yt_node *v;
        if (n->kind == YT_SEQ) {
            w = snprintf(o->path + len, sizeof(o->path) - len, "[%zu]", i);
            v = n->items[i];
        } else {
            if (n->pairs[i].key->duplicate)
                continue;
            w = snprintf(o->path + len, sizeof(o->path) - len, "%s%s", len ? "." : "",
                         n->pairs[i].key->text);
            v = n->pairs[i].value;
        }
        size_t nl = w < 0 ? len : len + (size_t)w;
        if (nl >= sizeof(o->path))
            nl = sizeof(o->path) - 1;
        walk(o, v, nl);
        o->path[len] = '\0';
    }
}

void fam_collect_origins(struct rp_family *fam, const struct yt_node *root, const char *leaf)
{
    struct ocollect o = {.fam = fam, .leaf = leaf};
    walk(&o, root, 0);
}
