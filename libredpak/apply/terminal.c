/* SPDX-License-Identifier: Apache-2.0 */
/* The terminal redwrap was started from. A shell in the node does job
 * control: it moves its jobs into process groups of their own, makes one
 * the terminal's foreground group, and when done gives the terminal back
 * to the group it started in. That group must exist in the node's pid
 * namespace, or the shell fails with ESRCH ("Cannot set tty process
 * group"). So the node's first process leads a process group of its own
 * and takes the foreground; redwrap gives the terminal back to the
 * caller's group when the node has ended. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "step_message.h"
#include "terminal.h"

/* tcsetpgrp from a process outside the foreground group raises SIGTTOU,
 * which stops it; blocked, the call just succeeds. */
static void set_foreground(int fd, pid_t pgrp)
{
    sigset_t ttou, old;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, &old);
    tcsetpgrp(fd, pgrp);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

void rp_terminal_save(struct rp_terminal *t)
{
    t->fd = -1;
    for (int fd = 0; fd <= 2; fd++) {
        if (!isatty(fd))
            continue;
        /* Only when redwrap runs in the foreground: a background redwrap
         * must not steal the terminal from the shell that started it. */
        pid_t fg = tcgetpgrp(fd);
        if (fg > 0 && fg == getpgrp()) {
            t->fd = fd;
            t->foreground = fg;
        }
        return;
    }
}

void rp_terminal_take(const struct rp_terminal *t)
{
    if (t->fd < 0)
        return;
    if (setpgid(0, 0) == 0)
        set_foreground(t->fd, getpgrp());
}

void rp_terminal_restore(const struct rp_terminal *t)
{
    if (t->fd >= 0)
        set_foreground(t->fd, t->foreground);
}

/* A node without a filter has nothing that refuses TIOCSTI, which works on
 * the caller's terminal as long as it is the process's controlling
 * terminal. setsid leaves the node without one (bubblewrap's
 * --new-session): TIOCSTI then fails with EPERM, and no file of the node
 * can become that terminal's controlling process again (TIOCSCTTY on a
 * terminal another session holds needs CAP_SYS_ADMIN of the host). The
 * price: no job control for a shell in the node (no Ctrl-Z; Ctrl-C
 * reaches redwrap, which forwards SIGINT to the node). */
int rp_terminal_new_session(struct rp_error *err)
{
    if (setsid() < 0)
        return rp_step_error(err, RP_STEP_PROCESS, errno, "a new session (setsid)");
    return 0;
}
