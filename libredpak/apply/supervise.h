/* SPDX-License-Identifier: Apache-2.0 */
/* Step 13, parent side (supervise.c): the signals redwrap forwards to the
 * node, and the loop that supervises it until it ends. */
#ifndef REDPAK_SUPERVISE_H
#define REDPAK_SUPERVISE_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "redpak/error.h"

struct rp_signals {
    sigset_t forwarded; /* SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 SIGWINCH */
    sigset_t old_mask;  /* redwrap's mask before blocking them */
    int fd;             /* signalfd for forwarded + SIGCHLD, -1 when closed */
};
/* Blocks the forwarded signals and SIGCHLD before the clone, so none is
 * lost between the clone and the supervisor's first read. */
int rp_signals_block(struct rp_signals *sig, struct rp_error *err);
/* Restores redwrap's signal mask; closes the signalfd. */
void rp_signals_restore(struct rp_signals *sig);
/* In the workload before execve: default dispositions, redwrap's mask. */
void rp_signals_reset_child(const struct rp_signals *sig);

/* Forwards signals to pid, reaps, reads the child's reports from report_fd
 * until pid has ended; with learn, answers the learn filter's notifications
 * until no filtered process is left; with notify (NULL: none), relays the
 * workload's sd_notify messages to the service manager; with trim, lets go
 * of its set-up pages once the node ran RP_TRIM_AFTER_MS (trim.h). Returns
 * the exit status (0-255) and fills err when the child reported a failure. */
struct rp_learn_run;
struct rp_notify;
int rp_supervise(struct rp_signals *sig, pid_t pid, int report_fd, struct rp_learn_run *learn,
                 const struct rp_notify *notify, bool trim, int verbose, struct rp_error *err);

/* Exit status of a waitpid status: the code, or 128+N for signal N. */
int rp_wait_status(int wstatus);

#endif
