/* SPDX-License-Identifier: Apache-2.0 */
/* The one format of the executor's step messages (step_message.h). */
#include "step_message.h"

#include "error_internal.h"

#include <stdarg.h>
#include <stdio.h>

#include "log.h"

/* "cgroup (step 3)", or with an item "mounts (step 7.5)". */
static const char *label(char *buf, size_t len, enum rp_step step, size_t item)
{
    if (item)
        snprintf(buf, len, "%s (step %d.%zu)", rp_step_name(step), (int)step, item);
    else
        snprintf(buf, len, "%s (step %d)", rp_step_name(step), (int)step);
    return buf;
}

__attribute__((format(printf, 5, 0))) static int step_error(struct rp_error *err, enum rp_step step,
                                                            size_t item, int errnum,
                                                            const char *fmt, va_list ap)
{
    char head[64], text[sizeof(err->msg)];
    vsnprintf(text, sizeof(text), fmt, ap);
    return rp_error_set(err, errnum, "%s: %s", label(head, sizeof(head), step, item), text);
}

__attribute__((format(printf, 4, 0))) static void step_vlog(int verbose, enum rp_step step,
                                                            size_t item, const char *fmt,
                                                            va_list ap)
{
    if (verbose <= 0)
        return;
    char head[64], text[1024];
    vsnprintf(text, sizeof(text), fmt, ap);
    rp_vlog(verbose, "%s: %s", label(head, sizeof(head), step, item), text);
}

int rp_step_error(struct rp_error *err, enum rp_step step, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = step_error(err, step, 0, errnum, fmt, ap);
    va_end(ap);
    return r;
}

int rp_step_item_error(struct rp_error *err, enum rp_step step, size_t item, int errnum,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = step_error(err, step, item, errnum, fmt, ap);
    va_end(ap);
    return r;
}

int rp_step_item_wrap(struct rp_error *err, enum rp_step step, size_t item, const char *fmt, ...)
{
    int code = err->code;
    char said[sizeof(err->msg)], text[sizeof(err->msg)];
    snprintf(said, sizeof(said), "%s", err->msg);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    rp_step_item_error(err, step, item, 0, "%s: %s", text, said);
    err->code = code;
    return code;
}

void rp_step_vlog(int verbose, enum rp_step step, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    step_vlog(verbose, step, 0, fmt, ap);
    va_end(ap);
}

void rp_step_item_vlog(int verbose, enum rp_step step, size_t item, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    step_vlog(verbose, step, item, fmt, ap);
    va_end(ap);
}
