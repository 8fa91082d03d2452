/* SPDX-License-Identifier: Apache-2.0 */
/* The node's PID 1 (process.init: true). A workload is rarely written to
 * be PID 1: the kernel gives PID 1 no default signal actions (a SIGTERM
 * it has no handler for is dropped) and makes it the parent of every
 * orphan, whose zombies nobody else will reap. This small init forks the
 * workload, forwards the signals it receives to it, reaps every child,
 * and exits with the workload's status.
 *
 * A stop signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT: Ctrl-C, systemctl stop,
 * a closed terminal) ends the whole node, also with wait: all. It goes to
 * the workload first, which may shut its own children down its way; once
 * the workload has exited, init sends the same signal to every process
 * left (kill(-1) from PID 1 reaches the whole pid namespace but init) and
 * the node ends when they are gone. Without that, an orphan would keep a
 * stopped node alive until the service manager's SIGKILL. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_error.h"
#include "error_internal.h"
#include "init.h"
#include "init_lockdown.h"
#include "supervise.h"
#include "trim.h"
#include "redpak/run.h"

/* What init knows of the node while it runs. */
struct node_init {
    const struct rp_process_plan *plan;
    bool pid1;       /* PID 1 of the node's own pid namespace */
    pid_t main_pid;  /* the workload, -1 once it was reaped */
    int main_status; /* its exit status once reaped */
    int stop;        /* the last stop signal received, 0 before any */
};

/* Never runs: the signals stay blocked and are read from a signalfd. But
 * PID 1 only receives a signal it has a handler for, so there must be one. */
static void pid1_accepts(int signo)
{
    (void)signo;
}

static int install_handlers(const sigset_t *all)
{
    struct sigaction sa = {.sa_handler = pid1_accepts};
    sigemptyset(&sa.sa_mask);
    for (int s = 1; s < NSIG; s++)
        if (sigismember(all, s) == 1 && sigaction(s, &sa, NULL) < 0)
            return -errno;
    return 0;
}

static bool is_stop_signal(int signo)
{
    return signo == SIGTERM || signo == SIGINT || signo == SIGHUP || signo == SIGQUIT;
}

/* A terminal sends its signals (Ctrl-C, Ctrl-\, a hangup, a resize) to its
 * whole foreground process group, from the kernel (SI_KERNEL): a workload
 * in init's group has its own copy already. A forwarded second one is not
 * the same thing: Redis takes a second SIGINT during its shutdown as "exit
 * now, without saving". */
static bool workload_has_it(const struct signalfd_siginfo *si, pid_t main_pid)
{
    return si->ssi_code == SI_KERNEL && getpgid(main_pid) == getpgrp();
}

static int init_fail(int report_fd, int e, const char *what)
{
    struct rp_error err = {0};
    rp_error_set(&err, e, "init: %s", what);
    return rp_child_error_send(report_fd, "process plan", RP_EXIT_SETUP_FAILED, &err);
}

/* The workload's process, with vfork: the workload borrows init's memory
 * until its execve, so the kernel copies none of init's page tables for a
 * process about to replace them, nor takes the copy-on-write faults that
 * would follow (docs/performance.md has the figures). init is suspended
 * until then and is single-threaded: the child may call into libc and
 * libcap (it frees what they allocate); it has its own signal handlers and
 * mask, and it leaves by execve or _exit, never by returning from here.
 * Linux before 6.2 refuses vfork (CLONE_VM) with EINVAL while the caller's
 * children are to enter another time namespace than its own, as the child
 * would share its vDSO clock page; the node's first process enters its new
 * time namespace itself (ns.c), so this happens only where it could not
 * (no /proc at step 6). There the workload gets a fork of its own. */
static pid_t start_workload(int (*workload)(void *), void *arg)
{
    pid_t pid = vfork();
    if (pid < 0 && errno == EINVAL)
        pid = fork();
    if (pid == 0)
        _exit(workload(arg));
    return pid;
}

/* Waits for init's next signal. The first time RP_TRIM_AFTER_MS pass
 * without one, the node runs on and only this loop is left: init lets go
 * of its set-up pages. 0 with *si filled; -1 when the signalfd failed. */
static int next_signal(int fd, bool *trimmed, struct signalfd_siginfo *si)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (!*trimmed && poll(&p, 1, RP_TRIM_AFTER_MS) == 0) {
            rp_trim_pages();
            *trimmed = true;
        }
        ssize_t n = read(fd, si, sizeof(*si));
        if (n == (ssize_t)sizeof(*si))
            return 0;
        if (n >= 0 || errno != EINTR)
            return -1;
    }
}

/* A signal other than SIGCHLD: to the workload while it lives; after it
 * (wait: all), to every process left: kill(-1) from PID 1 reaches the
 * whole namespace but init itself. In the host's or a joined pid namespace
 * it would reach processes that are not the node's: there a stop ends init
 * instead, and redwrap's teardown kills what is left through the node's
 * cgroup. True when init is done. */
static bool pass_signal(struct node_init *n, const struct signalfd_siginfo *si)
{
    int signo = (int)si->ssi_signo;
    if (is_stop_signal(signo))
        n->stop = signo;
    if (n->main_pid > 0) {
        if (!workload_has_it(si, n->main_pid))
            kill(n->main_pid, signo);
    } else if (n->pid1)
        kill(-1, signo);
    else if (n->stop)
        return true;
    return false;
}

/* The workload ended: wait: main ends the node here (init's exit ends the
 * namespace; the kernel kills every process left in it); after a stop the
 * rest follows it. True when init is done. */
static bool workload_ended(struct node_init *n, int wstatus)
{
    n->main_status = rp_wait_status(wstatus);
    n->main_pid = -1;
    if (n->plan->wait == RP_WAIT_MAIN || (n->stop && !n->pid1))
        return true;
    if (n->stop)
        kill(-1, n->stop);
    return false;
}

/* SIGCHLD: reaps every child that ended. With wait: all the node lives
 * until its last process has ended. True when init is done. */
static bool reap_children(struct node_init *n)
{
    int ws;
    pid_t r;
    while ((r = waitpid(-1, &ws, WNOHANG)) > 0)
        if (r == n->main_pid && workload_ended(n, ws))
            return true;
    return r < 0 && errno == ECHILD && n->main_pid < 0;
}

/* Until the node's end: the status init returns. */
static int watch_node(struct node_init *n, int fd)
{
    bool trimmed = false;
    struct signalfd_siginfo si;
    for (;;) {
        if (next_signal(fd, &trimmed, &si) < 0) {
            /* Without its signals init cannot do its job: end the node
             * (as PID 1, its exit ends everything else in it). */
            if (n->main_pid > 0)
                kill(n->main_pid, SIGKILL);
            return RP_EXIT_SETUP_FAILED;
        }
        bool done = si.ssi_signo == SIGCHLD ? reap_children(n) : pass_signal(n, &si);
        if (done)
            return n->main_status;
    }
}

int rp_init_run(const struct rp_process_plan *plan, const struct rp_signals *sig,
                const struct rp_init_memory *mem, int report_fd, int (*workload)(void *), void *arg)
{
    struct rp_error err = {0};
    struct node_init n = {.plan = plan, .pid1 = getpid() == 1, .main_status = RP_EXIT_SETUP_FAILED};
    sigset_t all = sig->forwarded;
    sigaddset(&all, SIGCHLD);
    if (install_handlers(&all) < 0)
        return init_fail(report_fd, errno, "install signal handlers");
    /* In a joined pid namespace init is not PID 1; as a subreaper it still
     * inherits the orphans of its own subtree. */
    if (!n.pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        return init_fail(report_fd, errno, "become a child subreaper");
    /* Before the workload exists: init's memory closed to the node, and
     * redwrap's strings in it gone (init_lockdown.c). */
    if (rp_init_seal(mem, &err) < 0)
        return rp_child_error_send(report_fd, "process plan", RP_EXIT_SETUP_FAILED, &err);
    n.main_pid = start_workload(workload, arg);
    if (n.main_pid < 0)
        return init_fail(report_fd, errno, "fork the workload");
    /* The workload runs: init gives up what it does not need to watch it
     * (init_lockdown.c). A failure ends the node rather than leave an init
     * that the workload could take over. */
    if (rp_init_lockdown(&err) < 0) {
        kill(n.main_pid, SIGKILL);
        return rp_child_error_send(report_fd, "process plan", RP_EXIT_SETUP_FAILED, &err);
    }
    /* Init keeps no descriptor but 0-2: the report pipe and a learn socket
     * are the workload's to close (by execve), and a parent waiting for
     * their EOF must not wait for init. */
    syscall(SYS_close_range, 3U, ~0U, 0U);
    /* The signals are still blocked (since before the clone): whatever
     * arrived meanwhile stays pending, and the signalfd sees it. */
    int fd = signalfd(-1, &all, SFD_CLOEXEC);
    if (fd < 0) {
        kill(n.main_pid, SIGKILL);
        return RP_EXIT_SETUP_FAILED;
    }
    return watch_node(&n, fd);
}
