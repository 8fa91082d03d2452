/* Logging of the executor: one line per message on stderr, prefixed like
 * every other message of the launcher, so a log of several tools stays
 * readable. */
#include <stdarg.h>
#include <stdio.h>

#include "exec.h"

/* The attribute tells clang that fmt is the callers' checked format. */
__attribute__((format(printf, 1, 0))) static void vlog_line(const char *fmt, va_list ap)
{
    /* One fprintf per piece would interleave with the node's own output;
     * format the whole line first and write it at once. */
    char line[2048];
    vsnprintf(line, sizeof(line), fmt, ap);
    fprintf(stderr, "redwrap: %s\n", line);
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
