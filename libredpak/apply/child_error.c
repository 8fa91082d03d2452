/* SPDX-License-Identifier: Apache-2.0 */
/* The first process's report channel. Between clone and execve the node's
 * first process has no terminal of its own to speak of and must not print
 * half a story: it sends one fixed-size record through a pipe the parent
 * reads. The write end is close-on-exec, so a successful execve closes it
 * and the parent reads EOF: "the workload runs". A record smaller than
 * PIPE_BUF is written atomically, so the parent never sees half of one. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "child_error.h"
#include "error_internal.h"

_Static_assert(sizeof(struct rp_child_report) <= PIPE_BUF, "one atomic write");

int rp_child_error_pipe(int fds[2], struct rp_error *err)
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        return rp_error_set(err, errno, "report pipe");
    return 0;
}

int rp_child_error_send(int fd, const char *prefix, int status, const struct rp_error *err)
{
    struct rp_child_report r = {.code = err->code ? err->code : -EIO, .status = status};
    if (!prefix)
        prefix = "";
    const char *sep = *prefix ? ": " : "";
    /* A message that does not fit is cut: its start says what failed. */
    size_t room = sizeof(r.msg) - strlen(prefix) - strlen(sep) - 1;
    snprintf(r.msg, sizeof(r.msg), "%s%s%.*s", prefix, sep, (int)room, err->msg);
    ssize_t n;
    do
        n = write(fd, &r, sizeof(r));
    while (n < 0 && errno == EINTR);
    return status;
}

int rp_child_error_recv(int fd, struct rp_child_report *report)
{
    ssize_t n;
    do
        n = read(fd, report, sizeof(*report));
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (n == 0)
        return 0;
    if ((size_t)n != sizeof(*report))
        return -EPROTO;
    report->msg[sizeof(report->msg) - 1] = '\0';
    return 1;
}
