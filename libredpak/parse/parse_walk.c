/* SPDX-License-Identifier: Apache-2.0 */
/* The walker's plumbing: positions, key paths, mappings with their
 * unknown-key check, and variable expansion. */
#include "parse.h"

#include "error_internal.h"
#include "family.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"

struct rp_pos pc_pos(const struct pctx *c, const struct yt_node *n)
{
    struct rp_pos pos = {c->node->file, 1, 1};
    if (n) {
        if (n->file)
            pos.file = n->file;
        pos.line = n->line;
        pos.column = n->column;
    }
    return pos;
}

void pc_err(struct pctx *c, const struct yt_node *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    yt_defang(msg);
    char path[sizeof(c->path)];
    memcpy(path, c->path, sizeof(path));
    yt_defang(path);
    struct rp_pos pos = pc_pos(c, n);
    rp_diags_add(c->diags, &pos, path, "%s", msg);
}

/* Appends to the path; a path longer than the buffer is cut, not lost. */
static void advance(struct pctx *c, int written)
{
    size_t room = sizeof(c->path) - c->plen;
    if (written > 0)
        c->plen = (size_t)written >= room ? sizeof(c->path) - 1 : c->plen + (size_t)written;
}

size_t pc_push_key(struct pctx *c, const char *key)
{
    size_t mark = c->plen;
    advance(c,
            snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "%s%s", c->plen ? "." : "",
                     key));
    return mark;
}

size_t pc_push_index(struct pctx *c, size_t index)
{
    size_t mark = c->plen;
    advance(c, snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "[%zu]", index));
    return mark;
}

void pc_pop(struct pctx *c, size_t mark)
{
    c->plen = mark;
    c->path[mark] = '\0';
}

bool pc_map(struct pctx *c, const struct yt_node *v)
{
    if (v->kind == YT_MAP)
        return true;
    pc_err(c, v, "expected a mapping, found %s", yt_describe(v));
    return false;
}

bool pc_seq(struct pctx *c, const struct yt_node *v)
{
    if (v->kind == YT_SEQ)
        return true;
    pc_err(c, v, "expected a sequence, found %s", yt_describe(v));
    return false;
}

void pc_check_keys(struct pctx *c, const struct yt_node *map, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < map->n; i++) {
        const struct yt_node *k = map->pairs[i].key;
        bool known = k->duplicate; /* already reported as a duplicate */
        for (size_t j = 0; j < n && !known; j++)
            known = !strcmp(k->text, keys[j]);
        if (known)
            continue;
        size_t mark = pc_push_key(c, k->text);
        const char *close = rp_closest(k->text, keys, n);
        if (close)
            pc_err(c, k, "unknown key '%s'; did you mean '%s'?", k->text, close);
        else
            pc_err(c, k, "unknown key '%s'", k->text);
        pc_pop(c, mark);
    }
}

const struct yt_node *pc_field(struct pctx *c, const struct yt_node *map, const char *key,
                               size_t *mark)
{
    const struct yt_pair *p = yt_map_find(map, key);
    if (!p)
        return NULL;
    *mark = pc_push_key(c, key);
    return p->value;
}

void pc_missing(struct pctx *c, const struct yt_node *map, const char *key)
{
    size_t mark = pc_push_key(c, key);
    pc_err(c, map, "required key '%s' is missing", key);
    pc_pop(c, mark);
}

/* Four variables, "$$" for a dollar, and nothing that looks like a shell's
 * command substitution: a user who wrote it expects it to run; it never
 * will, so it is an error rather than a surprise (docs/architecture.md,
 * "Variables run nothing"). */
bool pc_expand(struct pctx *c, const struct yt_node *at, const char *in, char **out)
{
    if (!strpbrk(in, "$`")) {
        *out = rp_xstrdup(in); /* the common case: nothing to expand */
        return true;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    bool ok = true;
    for (const char *p = in; *p && ok; p++) {
        if (*p == '`') {
            pc_err(c, at, "a backtick is command substitution, which is never run");
            ok = false;
        } else if (*p != '$') {
            fputc(*p, f);
        } else if (p[1] == '$') {
            fputc('$', f);
            p++;
        } else if (p[1] == '(') {
            pc_err(c, at, "'$(' is command substitution, which is never run");
            ok = false;
        } else if (p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            size_t n = end ? (size_t)(end - p - 2) : 0;
            if (end && n == 4 && !memcmp(p + 2, "NODE", 4)) {
                fputs(c->node->name ? c->node->name : "", f);
            } else if (end && n == 8 && !memcmp(p + 2, "NODE_DIR", 8)) {
                /* The folder of the file that wrote the value (a family). */
                const char *d = fam_dir_of(c->fam, at ? at->file : NULL);
                fputs(d ? d : c->node->dir, f);
            } else if (end && n == 3 && !memcmp(p + 2, "UID", 3)) {
                fprintf(f, "%u", (unsigned)c->opts->caller_uid);
            } else if (end && n == 3 && !memcmp(p + 2, "GID", 3)) {
                fprintf(f, "%u", (unsigned)c->opts->caller_gid);
            } else {
                pc_err(c, at,
                       "unknown variable '%.*s': only ${NODE}, ${NODE_DIR}, ${UID} and "
                       "${GID} are expanded",
                       end ? (int)(n + 3) : (int)strlen(p), p);
                ok = false;
            }
            p = end ? end : p + strlen(p) - 1;
        } else {
            pc_err(c, at, "a lone '$': write $$ for a literal dollar");
            ok = false;
        }
    }
    fclose(f);
    if (!ok) {
        free(buf);
        return false;
    }
    *out = buf;
    return true;
}
