/* SPDX-License-Identifier: Apache-2.0 */
/* Diagnostics (node-file problems) and run-time errors as values. */
#include "error_internal.h"
#include "redpak/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *xstrdup_or_empty(const char *s)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        abort(); /* out of memory while reporting: nothing sensible left */
    return copy;
}

void rp_diags_add(struct rp_diags *d, const struct rp_pos *pos, const char *key_path,
                  const char *fmt, ...)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        struct rp_diag *v = realloc(d->v, cap * sizeof(*v));
        if (!v)
            abort();
        d->v = v;
        d->cap = cap;
    }
    struct rp_diag *diag = &d->v[d->n++];
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&diag->message, fmt, ap) < 0)
        abort();
    va_end(ap);
    diag->file = xstrdup_or_empty(pos ? pos->file : NULL);
    diag->line = pos ? pos->line : 0;
    diag->column = pos ? pos->column : 0;
    diag->key_path = xstrdup_or_empty(key_path);
}

void rp_diags_free(struct rp_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].key_path);
        free(d->v[i].message);
    }
    free(d->v);
    d->v = NULL;
    d->n = d->cap = 0;
}

/* Problems are found section by section, plan by plan; they are shown in
 * file order (the --set ones after the file's), as a compiler shows them.
 * Two at one position keep the order they were found in: qsort is not
 * stable, so the original index breaks ties. */
struct ranked_diag {
    struct rp_diag d;
    size_t found;
};

static int diag_order(const void *a, const void *b)
{
    const struct ranked_diag *x = a, *y = b;
    bool xs = !strcmp(x->d.file, "--set"), ys = !strcmp(y->d.file, "--set");
    if (xs != ys)
        return xs ? 1 : -1;
    if (x->d.line != y->d.line)
        return x->d.line < y->d.line ? -1 : 1;
    if (x->d.column != y->d.column)
        return x->d.column < y->d.column ? -1 : 1;
    return x->found < y->found ? -1 : x->found > y->found;
}

void rp_diags_sort(struct rp_diags *d, size_t first)
{
    if (first >= d->n)
        return;
    size_t n = d->n - first;
    struct ranked_diag *r = calloc(n, sizeof(*r));
    if (!r)
        abort();
    for (size_t i = 0; i < n; i++)
        r[i] = (struct ranked_diag){d->v[first + i], i};
    qsort(r, n, sizeof(*r), diag_order);
    for (size_t i = 0; i < n; i++)
        d->v[first + i] = r[i].d;
    free(r);
}

void rp_diags_print(const struct rp_diags *d, const char *prog, void *stream)
{
    FILE *out = stream;
    for (size_t i = 0; i < d->n; i++) {
        const struct rp_diag *g = &d->v[i];
        if (prog)
            fprintf(out, "%s: ", prog);
        fprintf(out, "%s:%u:%u: ", g->file, g->line, g->column);
        if (g->key_path[0])
            fprintf(out, "%s: ", g->key_path);
        fprintf(out, "%s\n", g->message);
    }
}

int rp_error_set(struct rp_error *err, int errnum, const char *fmt, ...)
{
    if (errnum > 0)
        errnum = -errnum;
    if (!err)
        return errnum ? errnum : -EINVAL;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    if (errnum && len >= 0 && (size_t)len < sizeof(err->msg))
        snprintf(err->msg + len, sizeof(err->msg) - (size_t)len, ": %s", strerror(-errnum));
    err->code = errnum ? errnum : -EINVAL;
    return err->code;
}
