/* SPDX-License-Identifier: Apache-2.0 */
/* terminal.c: the terminal's foreground process group, so that a shell in
 * the node can do job control. save (parent, before the clone), take (the
 * first process: a group of its own, in the foreground), restore (parent,
 * after the node ended). Nothing happens without a terminal. */
#ifndef REDPAK_TERMINAL_H
#define REDPAK_TERMINAL_H

#include <sys/types.h>

#include "redpak/error.h"

struct rp_terminal {
    int fd;           /* a terminal among 0-2, -1 when none */
    pid_t foreground; /* the caller's foreground group */
};
void rp_terminal_save(struct rp_terminal *t);
void rp_terminal_take(const struct rp_terminal *t);
void rp_terminal_restore(const struct rp_terminal *t);
/* The first process of a node without seccomp filter: a session of its
 * own, so the caller's terminal is not its controlling terminal (no
 * TIOCSTI into it); save/take/restore are then not used. */
int rp_terminal_new_session(struct rp_error *err);

#endif
