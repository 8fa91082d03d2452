/* SPDX-License-Identifier: Apache-2.0 */
/* rp_plan_print: the plans as numbered steps under the thirteen headings
 * of the fixed order (docs/architecture.md, "The thirteen steps"), so
 * that what redwrap will do can be read (and tested) before anything is
 * done. This file walks the headings and passes what the step printers say
 * to the chosen format (plan_emit.h); it knows no format itself. */
#include "plan_print.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "alloc.h"
#include "step.h"

/* The heading of a step of the fixed order: its number and its name are
 * core/step.h's. */
static void emit_section(struct plan_emit *e, enum rp_step s)
{
    e->section = s;
    e->step = 0;
    e->ops->section(e, rp_step_name(s));
}

void emit_step(struct plan_emit *e, const char *op)
{
    e->step++;
    if (e->ops->step)
        e->ops->step(e, op);
}

void emit_origin(struct plan_emit *e, const struct rp_pos *pos)
{
    /* 1:1 is where the parser's defaults point (no value can be written
     * there: a value follows its key) */
    if (pos && pos->file && pos->line && !(pos->line == 1 && pos->column == 1))
        e->origin = pos;
}

void emit_line(struct plan_emit *e, const char *fmt, ...)
{
    char *buf = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&buf, fmt, ap);
    va_end(ap);
    if (r < 0) {
        e->failed = true;
        return;
    }
    const struct rp_pos *o = e->origins ? e->origin : NULL;
    e->origin = NULL;
    char *at = NULL;
    if (o && asprintf(&at, "%s:%u:%u", o->file, o->line, o->column) < 0) {
        e->failed = true;
        at = NULL;
    }
    if (at && e->ops->str) {
        e->ops->str(e, "origin", at); /* a field of its own: the line stays the plan's */
    } else if (at) {
        char *with = NULL;
        if (asprintf(&with, "%s  # %s", buf, at) < 0)
            e->failed = true;
        else {
            free(buf);
            buf = with;
        }
    }
    free(at);
    e->ops->step_end(e, buf);
    free(buf);
}

void emit_none(struct plan_emit *e, const char *why)
{
    emit_step(e, "none");
    emit_line(e, "nothing to do: %s", why);
}

void emit_str(struct plan_emit *e, const char *key, const char *value)
{
    if (e->ops->str)
        e->ops->str(e, key, value);
}

void emit_strn(struct plan_emit *e, const char *key, const char *value, size_t len)
{
    if (e->ops->strn)
        e->ops->strn(e, key, value, len);
}

void emit_u64(struct plan_emit *e, const char *key, uint64_t value)
{
    if (e->ops->u64)
        e->ops->u64(e, key, value);
}

void emit_i64(struct plan_emit *e, const char *key, int64_t value)
{
    if (e->ops->i64)
        e->ops->i64(e, key, value);
}

void emit_bool(struct plan_emit *e, const char *key, bool value)
{
    if (e->ops->boolean)
        e->ops->boolean(e, key, value);
}

void emit_mode(struct plan_emit *e, const char *key, mode_t mode)
{
    char buf[8];
    snprintf(buf, sizeof(buf), "%04o", (unsigned)mode);
    emit_str(e, key, buf);
}

void emit_strings(struct plan_emit *e, const char *key, char *const *v, size_t n)
{
    if (e->ops->strings)
        e->ops->strings(e, key, v, n);
}

void emit_idmap(struct plan_emit *e, const char *key, const struct rp_id_map *v, size_t n)
{
    if (e->ops->idmap)
        e->ops->idmap(e, key, v, n);
}

void emit_ids(struct plan_emit *e, const char *key, const gid_t *v, size_t n)
{
    if (e->ops->ids)
        e->ops->ids(e, key, v, n);
}

void emit_seccomp_args(struct plan_emit *e, const struct rp_seccomp_arg *v, size_t n)
{
    if (e->ops->seccomp_args)
        e->ops->seccomp_args(e, v, n);
}

void linebuf_add(struct linebuf *b, struct plan_emit *e, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = b->s ? vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap) : -1;
        va_end(ap);
        if (n >= 0 && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap * 2 + (n > 0 ? (size_t)n : 0) + 64;
        char *bigger = realloc(b->s, cap);
        if (!bigger) {
            e->failed = true;
            return;
        }
        b->s = bigger;
        b->cap = cap;
        b->s[b->len] = '\0';
    }
}

const char *linebuf_get(const struct linebuf *b)
{
    return b->s ? b->s : "";
}

static plan_step_printer *const printers[RP_STEP_COUNT + 1] = {
    [RP_STEP_PLAN] = plan_print_prepare,        [RP_STEP_HOST] = plan_print_host,
    [RP_STEP_CGROUP] = plan_print_cgroup,       [RP_STEP_CLONE] = plan_print_clone,
    [RP_STEP_ID_MAPS] = plan_print_maps,        [RP_STEP_NAMESPACES] = plan_print_namespaces,
    [RP_STEP_MOUNTS] = plan_print_mounts,       [RP_STEP_PROCESS] = plan_print_process,
    [RP_STEP_IDENTITY] = plan_print_identity,   [RP_STEP_CAPS] = plan_print_caps,
    [RP_STEP_NO_NEW_PRIVS] = plan_print_nnp,    [RP_STEP_SECCOMP] = plan_print_seccomp,
    [RP_STEP_SUPERVISE] = plan_print_supervise,
};

static const struct plan_emit_ops *const formats[] = {
    [RP_PLAN_TEXT] = &plan_text_ops,
    [RP_PLAN_JSON] = &plan_json_ops,
};

static int print_plan(const struct rp_plan *plan, enum rp_plan_format format, bool origins,
                      FILE *out)
{
    if (!plan || !plan->node || !out || (unsigned)format >= ARRAY_LEN(formats))
        return -EINVAL;
    struct plan_emit e = {.out = out, .ops = formats[format], .origins = origins};

    e.ops->begin(&e, plan);
    for (enum rp_step s = RP_STEP_PLAN; s <= RP_STEP_COUNT; s++) {
        emit_section(&e, s);
        printers[s](&e, plan);
    }
    if (e.ops->end)
        e.ops->end(&e);
    if (e.failed)
        return -ENOMEM;
    return fflush(out) == EOF || ferror(out) ? -EIO : 0;
}

int rp_plan_print(const struct rp_plan *plan, enum rp_plan_format format, FILE *out)
{
    return print_plan(plan, format, false, out);
}

int rp_plan_print_origins(const struct rp_plan *plan, enum rp_plan_format format, FILE *out)
{
    return print_plan(plan, format, true, out);
}
