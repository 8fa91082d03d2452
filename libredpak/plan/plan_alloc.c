/* SPDX-License-Identifier: Apache-2.0 */
/* The planner's allocators: a failure is recorded in the context
 * (ctx->oom) instead of being returned up every call chain, and
 * rp_plan_build reports -ENOMEM once at the end (docs/architecture.md,
 * "Out of memory"). */
#include "plan_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *plan_calloc(struct plan_ctx *c, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    void *v = calloc(n, size);
    if (!v)
        c->oom = true;
    return v;
}

char *plan_memdup(struct plan_ctx *c, const char *s, size_t len)
{
    if (!s)
        return NULL;
    char *copy = malloc(len + 1);
    if (!copy) {
        c->oom = true;
        return NULL;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *plan_strdup(struct plan_ctx *c, const char *s)
{
    return s ? plan_memdup(c, s, strlen(s)) : NULL;
}

char *plan_printf(struct plan_ctx *c, const char *fmt, ...)
{
    char *s;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0) {
        c->oom = true;
        return NULL;
    }
    return s;
}
