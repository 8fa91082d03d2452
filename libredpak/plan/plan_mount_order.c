/* SPDX-License-Identifier: Apache-2.0 */
/* Step 7's order: no mount hides another, and nothing is written into a
 * read-only bind.
 *
 * A mount hides whatever is at or below its path: a tmpfs at /run applied
 * after a bind at /run/redis-socket leaves the bind unreachable. So:
 *
 * - a tmpfs area that is an ancestor of a mounts[] path is applied just
 *   before the first such entry (in the mount plan), and before any tmpfs
 *   area below it that moved up; the others stay in the tmpfs plan, in
 *   written order, after every mounts[] entry;
 * - a mounts[] entry that mounts something (bind, proc, dev, mqueue) at an
 *   ancestor of an earlier entry's path would hide that entry: an error,
 *   since listing it first is what was meant; likewise a tmpfs area at an
 *   ancestor of an earlier tmpfs area;
 * - a dir, file or symlink step whose place is a read-only bind would
 *   fail at run time with EROFS (a bind is read-only as soon as it is made,
 *   mount.c): an error naming both entries.
 *
 * - a bind source (or root.source) at or below the source of a writable
 *   bind is an error, naming both: the workload writes into that source
 *   and, on a later run, could have put a symlink or a directory of its
 *   choice where the other source is looked up (a symlink there once made
 *   a read-only bind show the host's /proc). Two binds of the very same
 *   writable source are fine: they show one directory twice.
 *
 * All of it in one walk over the entries sorted by path with '/' ordered
 * first, which lists every directory right before what lies below it (a
 * pre-order walk of the tree): a stack then holds an entry's ancestors.
 * That costs O(n log n + n * depth), where comparing every pair would be
 * quadratic in the mounts a 1 MiB node file can hold. */
#include "plan_internal.h"

#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enum_names.h"

struct entry {
    const char *path;
    size_t index; /* in mounts[] or tmpfs[] */
    bool tmpfs;
};

/* Byte order, but '/' before every other byte: "/a" < "/a/b" < "/a-b". */
static int path_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned ca = *a == '/' ? 1 : (unsigned char)*a + 1u;
        unsigned cb = *b == '/' ? 1 : (unsigned char)*b + 1u;
        if (!*a)
            ca = 0;
        if (!*b)
            cb = 0;
        if (ca != cb || !ca)
            return ca < cb ? -1 : ca > cb;
    }
}

static int entry_cmp(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    int r = path_cmp(a->path, b->path);
    if (r)
        return r;
    if (a->tmpfs != b->tmpfs)
        return a->tmpfs ? 1 : -1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* dir is path or one of its ancestors. */
static bool at_or_above(const char *dir, const char *path)
{
    size_t len = strlen(dir);
    return strncmp(path, dir, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

static bool mounts_something(enum rp_mount_type t)
{
    return t == RP_MOUNT_BIND || t == RP_MOUNT_PROC || t == RP_MOUNT_DEV || t == RP_MOUNT_MQUEUE;
}

/* The entries at one path, as far as the walk needs them. */
struct level {
    const char *path;
    const struct entry *prev;     /* the last mounts[] entry here so far */
    const struct entry *mounting; /* the last one that mounts something */
    const struct entry *tmpfs;    /* the first tmpfs area here */
};

struct walk {
    struct plan_ctx *c;
    size_t *place; /* per tmpfs area */
    bool report;
    struct level *stack; /* the paths above the entry visited */
    size_t depth;
};

static void hides(struct walk *w, const char *list, size_t later, const char *later_path,
                  const struct rp_pos *later_pos, size_t earlier, const char *earlier_path,
                  const struct rp_pos *earlier_pos)
{
    char key[48], fix[4200];
    snprintf(key, sizeof(key), "%s[%zu].path", list, later);
    if (strcmp(later_path, earlier_path))
        snprintf(fix, sizeof(fix), "list %s first", later_path);
    else
        snprintf(fix, sizeof(fix), "keep one of them");
    rp_diags_add(w->c->diags, later_pos, key,
                 "%s[%zu] at %s would hide %s[%zu] at %s (line %u, column %u): %s", list, later,
                 later_path, list, earlier, earlier_path, earlier_pos->line, earlier_pos->column,
                 fix);
}

/* A path leaves the stack: what lies below it has been seen, so the place
 * of its tmpfs area is final, and an area above it written earlier must
 * come first. */
static void pop(struct walk *w)
{
    const struct entry *t = w->stack[--w->depth].tmpfs;
    if (!t)
        return;
    for (size_t i = 0; i < w->depth; i++) {
        const struct entry *a = w->stack[i].tmpfs;
        if (a && a->index < t->index && w->place[t->index] < w->place[a->index])
            w->place[a->index] = w->place[t->index];
    }
}

/* Where a dir, file or symlink lands: the last mount applied before it at
 * or above its path, that is the deepest (unless an entry hides another,
 * which is reported). A tmpfs area above it was moved before it. */
static void check_not_in_readonly_bind(struct walk *w, const struct entry *e)
{
    const struct rp_node *n = w->c->node;
    const struct rp_mount *m = &n->mounts[e->index];
    for (size_t i = w->depth; i-- > 0;) {
        const struct level *l = &w->stack[i];
        if (l->tmpfs && strcmp(l->path, e->path))
            return;
        if (!l->mounting || l->mounting->index > e->index)
            continue;
        const struct rp_mount *am = &n->mounts[l->mounting->index];
        if (am->type == RP_MOUNT_BIND && am->readonly) {
            char key[48];
            snprintf(key, sizeof(key), "mounts[%zu].path", e->index);
            rp_diags_add(w->c->diags, &m->pos, key,
                         "mounts[%zu] (%s %s) would be written into mounts[%zu], a read-only "
                         "bind at %s (line %u, column %u), and fail: make that bind "
                         "readonly: false, or put a tmpfs area between them",
                         e->index, rp_mount_type_name(m->type), e->path, l->mounting->index,
                         l->path, am->pos.line, am->pos.column);
        }
        return;
    }
}

/* The stack holds e's ancestors and, on top, maybe e's own path. */
static void visit_mount(struct walk *w, const struct entry *e)
{
    const struct rp_node *n = w->c->node;
    const struct rp_mount *m = &n->mounts[e->index];
    bool reported = !w->report;
    for (size_t i = 0; i < w->depth; i++) {
        const struct level *l = &w->stack[i];
        if (!strcmp(l->path, e->path)) {
            /* At the very same path, a later mount covers an entry whole. */
            if (!reported && mounts_something(m->type) && l->prev) {
                hides(w, "mounts", e->index, e->path, &m->pos, l->prev->index, l->path,
                      &n->mounts[l->prev->index].pos);
                reported = true;
            }
            continue;
        }
        if (l->tmpfs && e->index < w->place[l->tmpfs->index])
            w->place[l->tmpfs->index] = e->index;
        if (!reported && l->mounting && l->mounting->index > e->index) {
            hides(w, "mounts", l->mounting->index, l->path, &n->mounts[l->mounting->index].pos,
                  e->index, e->path, &m->pos);
            reported = true;
        }
    }
    if (w->report && !mounts_something(m->type))
        check_not_in_readonly_bind(w, e);
}

static void visit_tmpfs(struct walk *w, const struct entry *e)
{
    const struct rp_node *n = w->c->node;
    const struct rp_tmpfs *t = &n->tmpfs[e->index];
    for (size_t i = 0; i < w->depth && w->report; i++) {
        const struct level *l = &w->stack[i];
        bool here = !strcmp(l->path, e->path);
        if (l->tmpfs && (here || l->tmpfs->index > e->index)) {
            /* Sorted by index at one path: here, e is the later one. */
            const struct entry *later = here ? e : l->tmpfs, *earlier = here ? l->tmpfs : e;
            hides(w, "tmpfs", later->index, later->path, &n->tmpfs[later->index].pos,
                  earlier->index, earlier->path, &n->tmpfs[earlier->index].pos);
            return;
        }
        if (here && l->prev) {
            /* Whichever comes last covers the other whole. */
            const struct rp_mount *am = &n->mounts[l->prev->index];
            char key[48];
            snprintf(key, sizeof(key), "tmpfs[%zu].path", e->index);
            rp_diags_add(w->c->diags, &t->pos, key,
                         "tmpfs[%zu] and mounts[%zu] (line %u, column %u) are both at %s: "
                         "one would hide the other",
                         e->index, l->prev->index, am->pos.line, am->pos.column, e->path);
            return;
        }
    }
}

static void push(struct walk *w, const struct entry *e)
{
    if (!w->depth || strcmp(w->stack[w->depth - 1].path, e->path))
        w->stack[w->depth++] = (struct level){.path = e->path};
    struct level *l = &w->stack[w->depth - 1];
    if (e->tmpfs) {
        if (!l->tmpfs)
            l->tmpfs = e;
        return;
    }
    l->prev = e;
    if (mounts_something(w->c->node->mounts[e->index].type))
        l->mounting = e;
}

/* A host source of the node: a bind's, or root.source (index n_mounts). */
struct source {
    const char *path;
    size_t index;
    bool writable;
};

static int source_cmp(const void *pa, const void *pb)
{
    const struct source *a = pa, *b = pb;
    int r = path_cmp(a->path, b->path);
    if (r)
        return r;
    /* At one path, a writable source first: it is then on the stack when
     * the others there are visited. */
    if (a->writable != b->writable)
        return a->writable ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void below_writable(struct plan_ctx *c, const struct source *e, const struct source *w)
{
    const struct rp_node *n = c->node;
    const struct rp_mount *wm = &n->mounts[w->index];
    const struct rp_pos *wpos = wm->source_pos.line ? &wm->source_pos : &wm->pos;
    char key[48];
    const struct rp_pos *pos;
    if (e->index == n->n_mounts) {
        snprintf(key, sizeof(key), "root.source");
        pos = n->root.source_pos.line ? &n->root.source_pos : &n->root.pos;
    } else {
        const struct rp_mount *m = &n->mounts[e->index];
        snprintf(key, sizeof(key), "mounts[%zu].source", e->index);
        pos = m->source_pos.line ? &m->source_pos : &m->pos;
    }
    rp_diags_add(c->diags, pos, key,
                 "%s is %s the source of mounts[%zu] (line %u, column %u), a writable bind: the "
                 "workload can put a symlink or a directory there that a later run would "
                 "follow; use a source outside it, or make that bind readonly: true",
                 e->path, strcmp(e->path, w->path) ? "below" : "at", w->index, wpos->line,
                 wpos->column);
}

/* Sources sorted like the targets: a stack of writable sources holds
 * those above the source visited. */
static bool check_sources(struct plan_ctx *c)
{
    const struct rp_node *n = c->node;
    struct source *s = calloc(n->n_mounts + 1, sizeof(*s));
    const struct source **stack = calloc(n->n_mounts + 1, sizeof(*stack));
    if (!s || !stack) {
        free(s);
        free(stack);
        c->oom = true;
        return false;
    }
    size_t total = 0, depth = 0;
    for (size_t i = 0; i < n->n_mounts; i++)
        if (n->mounts[i].type == RP_MOUNT_BIND && n->mounts[i].source)
            s[total++] = (struct source){n->mounts[i].source, i, !n->mounts[i].readonly};
    if (n->root.source)
        s[total++] = (struct source){n->root.source, n->n_mounts, false};
    qsort(s, total, sizeof(*s), source_cmp);
    for (size_t k = 0; k < total; k++) {
        const struct source *e = &s[k];
        while (depth && !at_or_above(stack[depth - 1]->path, e->path))
            depth--;
        /* The same writable source bound twice shows one directory twice;
         * anything else at or below it is looked up in what the workload
         * wrote. */
        if (depth && (strcmp(stack[depth - 1]->path, e->path) || e->index == n->n_mounts))
            below_writable(c, e, stack[depth - 1]);
        if (e->writable && (!depth || strcmp(stack[depth - 1]->path, e->path)))
            stack[depth++] = e;
    }
    free(s);
    free(stack);
    return true;
}

bool plan_mount_order(struct plan_ctx *c, size_t *tmpfs_place, bool report)
{
    if (report && !check_sources(c))
        return false;
    const struct rp_node *n = c->node;
    size_t total = n->n_mounts + n->n_tmpfs;
    for (size_t i = 0; i < n->n_tmpfs; i++)
        tmpfs_place[i] = n->n_mounts;
    if (total == 0)
        return true;
    struct entry *sorted = calloc(total, sizeof(*sorted));
    struct walk w = {.c = c,
                     .place = tmpfs_place,
                     .report = report,
                     .stack = calloc(total, sizeof(*w.stack))};
    if (!sorted || !w.stack) {
        free(sorted);
        free(w.stack);
        c->oom = true;
        return false;
    }
    for (size_t i = 0; i < n->n_mounts; i++)
        sorted[i] = (struct entry){.path = n->mounts[i].path, .index = i};
    for (size_t i = 0; i < n->n_tmpfs; i++)
        sorted[n->n_mounts + i] =
            (struct entry){.path = n->tmpfs[i].path, .index = i, .tmpfs = true};
    qsort(sorted, total, sizeof(*sorted), entry_cmp);

    for (size_t k = 0; k < total; k++) {
        const struct entry *e = &sorted[k];
        while (w.depth && !at_or_above(w.stack[w.depth - 1].path, e->path))
            pop(&w);
        if (e->tmpfs)
            visit_tmpfs(&w, e);
        else
            visit_mount(&w, e);
        push(&w, e);
    }
    while (w.depth)
        pop(&w);
    free(sorted);
    free(w.stack);
    return true;
}
