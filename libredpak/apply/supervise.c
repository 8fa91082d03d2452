/* SPDX-License-Identifier: Apache-2.0 */
/* Step 13, parent side: forward signals to the node, reap, and learn how
 * the node ended. One poll loop over a signalfd (the signals) and the
 * first process's report pipe (a failed step before execve). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_error.h"
#include "error_internal.h"
#include "log.h"
#include "notify.h"
#include "seccomp_learn.h"
#include "supervise.h"
#include "trim.h"
#include "redpak/run.h"

static const int forwarded_signals[] = {
    SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

int rp_signals_block(struct rp_signals *sig, struct rp_error *err)
{
    sigset_t all;
    sigemptyset(&sig->forwarded);
    for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
        sigaddset(&sig->forwarded, forwarded_signals[i]);
    all = sig->forwarded;
    sigaddset(&all, SIGCHLD);
    /* Blocked before the clone: a SIGTERM that arrives while the node is
     * being built waits in the signalfd and is forwarded once it runs,
     * instead of killing redwrap and leaving a half-built node behind. */
    if (sigprocmask(SIG_BLOCK, &all, &sig->old_mask) < 0)
        return rp_error_set(err, errno, "block signals");
    sig->fd = signalfd(-1, &all, SFD_CLOEXEC);
    if (sig->fd < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &sig->old_mask, NULL);
        return rp_error_set(err, e, "signalfd");
    }
    return 0;
}

void rp_signals_restore(struct rp_signals *sig)
{
    if (sig->fd < 0)
        return;
    close(sig->fd);
    sig->fd = -1;
    sigprocmask(SIG_SETMASK, &sig->old_mask, NULL);
}

void rp_signals_reset_child(const struct rp_signals *sig)
{
    /* init installed handlers; a signal between here and execve must act
     * on the workload as it would after execve: by default. */
    for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
        signal(forwarded_signals[i], SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, &sig->old_mask, NULL);
}

int rp_wait_status(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return RP_EXIT_SETUP_FAILED;
}

/* Reaps every child that ended (redwrap is a subreaper when it joined
 * namespaces, so there may be others); true once pid has. */
static bool reap(pid_t pid, int *status)
{
    bool ended = false;
    int ws;
    pid_t r;
    while ((r = waitpid(-1, &ws, WNOHANG)) > 0) {
        if (r == pid) {
            *status = rp_wait_status(ws);
            ended = true;
        }
    }
    return ended;
}

/* A report the first process sent before it ended; 0 when none. */
static int take_report(int fd, bool wait, struct rp_error *err)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (fd < 0 || (!wait && poll(&p, 1, 0) <= 0))
        return 0;
    struct rp_child_report report;
    int r = rp_child_error_recv(fd, &report);
    if (r <= 0)
        return r;
    err->code = report.code;
    memcpy(err->msg, report.msg, sizeof(err->msg));
    return report.status;
}

/* The kernel drops a signal sent to a namespace's PID 1 that has no handler
 * for it (only SIGKILL and SIGSTOP always arrive). With process.init false
 * the workload is that PID 1: say why a SIGTERM did nothing. */
static void warn_if_dropped(pid_t pid, int signo)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    unsigned long long caught = ~0ULL;
    bool pid1 = false;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "SigCgt:", 7) == 0)
            caught = strtoull(line + 7, NULL, 16);
        else if (strncmp(line, "NSpid:", 6) == 0) {
            const char *last = strrchr(line, '\t');
            pid1 = last && strtol(last + 1, NULL, 10) == 1;
        }
    }
    fclose(f);
    if (pid1 && !(caught & (1ULL << (signo - 1))))
        rp_log("warning: SIG%s not delivered: the workload is PID 1 of its namespace "
               "(process.init: false) and has no handler for it; process.init: true "
               "forwards it",
               sigabbrev_np(signo));
}

/* --seccomp-learn: the listener arrives once the workload loaded the
 * filter; then each of its syscalls waits here for an answer. The same
 * for default_action: report, where only the syscalls no rule names do. */
static void learn_events(struct rp_learn_run *l, const struct pollfd *p)
{
    if (p[0].revents) {
        struct rp_error e = {0};
        if (rp_seccomp_learn_recv(l->sock, &l->listener, &e) < 0)
            rp_log("warning: %s", e.msg);
        close(l->sock);
        l->sock = -1;
    }
    if (p[1].revents & POLLIN) {
        struct rp_error e = {0};
        int rc = l->report.errnum ? rp_seccomp_report_handle(l->listener, &l->report, &e)
                                  : rp_seccomp_learn_handle(l->listener, &l->learned, &e);
        if (rc < 0)
            rp_log("warning: %s", e.msg);
    } else if (p[1].revents) {
        /* POLLHUP: no process under the filter is left. */
        close(l->listener);
        l->listener = -1;
    }
}

int rp_supervise(struct rp_signals *sig, pid_t pid, int report_fd, struct rp_learn_run *learn,
                 const struct rp_notify *notify, bool trim, int verbose, struct rp_error *err)
{
    int status = RP_EXIT_SETUP_FAILED, reported = 0;
    bool ended = false;
    struct pollfd fds[5] = {
        {.fd = sig->fd, .events = POLLIN},
        {.fd = report_fd, .events = POLLIN},
        {.fd = learn ? learn->sock : -1, .events = POLLIN},
        {.fd = learn ? learn->listener : -1, .events = POLLIN},
        {.fd = notify ? notify->fd : -1, .events = POLLIN},
    };
    bool trimmed = !trim;
    /* Until the first process ended, and while a learned workload may
     * still be parked in a syscall waiting for its answer. */
    while (!ended || fds[2].fd >= 0 || fds[3].fd >= 0) {
        int ready = poll(fds, 5, ended ? 1000 : trimmed ? -1 : RP_TRIM_AFTER_MS);
        if (ready == 0 && !ended) {
            rp_trim_pages(); /* the node runs on: only this loop is left */
            trimmed = true;
            continue;
        }
        if (ready == 0)
            break; /* a learn channel that never closes: stop waiting */
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            if (ended)
                break;
            /* Cannot watch the node any more: end it rather than leave it. */
            rp_error_set(err, errno, "supervise: poll");
            kill(pid, SIGKILL);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            return RP_EXIT_SETUP_FAILED;
        }
        if (fds[4].revents)
            rp_notify_relay(notify, verbose);
        if (learn) {
            learn_events(learn, &fds[2]);
            fds[2].fd = learn->sock;
            fds[3].fd = learn->listener;
        }
        if (fds[1].revents) {
            /* A record, or EOF: the workload's execve succeeded (or the
             * first process ended); either way the pipe has said all. */
            int r = take_report(fds[1].fd, true, err);
            if (r > 0)
                reported = r;
            else
                fds[1].fd = -1;
        }
        if (!(fds[0].revents & POLLIN))
            continue;
        struct signalfd_siginfo si;
        if (read(sig->fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
            continue;
        if (si.ssi_signo != SIGCHLD) {
            rp_vlog(verbose, "forward SIG%s to the node", sigabbrev_np((int)si.ssi_signo));
            if (!ended) {
                kill(pid, (int)si.ssi_signo);
                warn_if_dropped(pid, (int)si.ssi_signo);
            }
            continue;
        }
        if (!ended && reap(pid, &status))
            ended = true;
    }
    if (learn && learn->report.errnum)
        rp_seccomp_report_end(&learn->report);
    /* What the workload said last (STOPPING=1) before it ended. */
    if (notify)
        rp_notify_relay(notify, verbose);
    /* The report, if any, was written before the process ended. */
    int r = take_report(fds[1].fd, false, err);
    if (r > 0)
        reported = r;
    return reported ? reported : status;
}
