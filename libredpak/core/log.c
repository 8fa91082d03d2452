/* SPDX-License-Identifier: Apache-2.0 */
/* Messages of the library: one line each on stderr, prefixed with the
 * calling program's name, so that a log of several tools stays readable. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"
#include "redpak/error.h"

static const char *program = "redpak";

void rp_set_program_name(const char *name)
{
    if (name && *name)
        program = name;
}

/* The attribute tells clang that fmt is the callers' checked format. */
__attribute__((format(printf, 1, 0))) static void vlog_line(const char *fmt, va_list ap)
{
    /* One fprintf per piece would interleave with the node's own output;
     * format the whole line first and write it at once. */
    char line[2048];
    vsnprintf(line, sizeof(line), fmt, ap);
    fprintf(stderr, "%s: %s\n", program, line);
}

void rp_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog_line(fmt, ap);
    va_end(ap);
}

void rp_vlog(int verbose, const char *fmt, ...)
{
    if (verbose <= 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog_line(fmt, ap);
    va_end(ap);
}
