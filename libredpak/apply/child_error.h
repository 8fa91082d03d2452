/* SPDX-License-Identifier: Apache-2.0 */
/* child_error.c: the first process reports a failed step to the parent
 * through a close-on-exec pipe; a successful execve closes it (EOF). */
#ifndef REDPAK_CHILD_ERROR_H
#define REDPAK_CHILD_ERROR_H

#include <stdint.h>

#include "redpak/error.h"

struct rp_child_report {
    int32_t code;   /* negative errno-style value */
    int32_t status; /* what the process exits with: 125, 126 or 127 */
    char msg[1024];
};
int rp_child_error_pipe(int fds[2], struct rp_error *err);
/* Child: sends err's message, which names its step ("namespaces (step 6):
 * hostname ...", step_message.h), with "<prefix>: " in front unless prefix
 * is NULL, and returns status, for _exit(). */
int rp_child_error_send(int fd, const char *prefix, int status, const struct rp_error *err);
/* Parent: 1 and *report filled, 0 at EOF, or a negative code. */
int rp_child_error_recv(int fd, struct rp_child_report *report);

#endif
