/* Internal interfaces between the executor's files. run.c walks the fixed
 * order and calls one function per plan; each lives in the file named after
 * its concern. Child-side functions run inside the new namespaces, between
 * clone and execve: they must not allocate from locks held by other threads
 * (there are none: redwrap is single-threaded) and report through err. */
#ifndef REDPAK_EXEC_H
#define REDPAK_EXEC_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "redpak/plan.h"
#include "redpak/run.h"

#include "log.h"

/* host.c: step 2 (parent, before anything of the node exists). */
int rp_host_apply(const struct rp_plan *plan, int verbose, struct rp_error *err);

/* cgroup.c: step 3 and teardown (parent). */
struct rp_cgroup_run {
    int dirfd;              /* the node's cgroup directory, -1 when none */
    char *path;             /* its absolute path under the cgroup2 mount */
    bool created;
    /* What rp_cgroup_explain_end says, read once from the cgroup's
     * memory.events and pids.events, by it or by teardown before the
     * cgroup is removed, whichever comes first. */
    char end[256];
    bool explained;
};
/* Step 1: fails when a required item needs a controller the cgroup v2
 * hierarchy does not offer, before anything is changed (it touches nothing). */
int rp_cgroup_check(const struct rp_cgroup_plan *plan, struct rp_error *err);
/* Detects cgroup v2, creates the node's cgroup, enables the controllers,
 * writes the items. With required items on a host that cannot apply them,
 * fails naming the item, the controller and what was found. */
int rp_cgroup_prepare(const struct rp_cgroup_plan *plan, int verbose,
                      struct rp_cgroup_run *cg, struct rp_error *err);
/* Kills whatever is left in the cgroup and removes it. */
int rp_cgroup_teardown(struct rp_cgroup_run *cg, int verbose, struct rp_error *err);
/* After the node ended: a line such as "the node's cgroup hit memory.max
 * (oom_kill 1)" when the kernel's OOM killer acted in it; NULL otherwise. */
const char *rp_cgroup_explain_end(struct rp_cgroup_run *cg);

/* ns.c: steps 4-6. */
int rp_ns_setup_child(const struct rp_ns_plan *plan, struct rp_error *err);

/* mount.c: step 7 (child, in the new mount namespace). notify (NULL or a
 * proxy without socket: none) is bound inside the root before the finish
 * plan makes it read-only (notify.c). */
struct rp_notify;
int rp_mount_apply(const struct rp_plan *plan, const struct rp_notify *notify, int verbose,
                   struct rp_error *err);

/* identity.c, caps.c: steps 9-11 (child, after the mounts). */
int rp_identity_apply(const struct rp_process_plan *plan, struct rp_error *err);
int rp_caps_apply(const struct rp_caps_plan *plan, struct rp_error *err);
int rp_no_new_privs_apply(const struct rp_process_plan *plan, struct rp_error *err);

/* seccomp.c: compiled in the parent (step 1), loaded in the child last. */
struct rp_seccomp_prog {
    struct sock_filter *filter;
    size_t len;             /* 0: no filter */
};
int rp_seccomp_compile(const struct rp_seccomp_plan *plan, struct rp_seccomp_prog *prog,
                       struct rp_error *err);
int rp_seccomp_load(const struct rp_seccomp_prog *prog, struct rp_error *err);
void rp_seccomp_prog_free(struct rp_seccomp_prog *prog);

/* The executor's own internal pieces (run.c's helpers). */
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

/* ns.c, spawner side: joins the namespaces given by path (user first), so
 * that the first process is cloned inside them. Runs in a short-lived
 * helper process, never in redwrap itself. */
bool rp_ns_has_joins(const struct rp_ns_plan *plan);
int rp_ns_join(const struct rp_ns_plan *plan, struct rp_error *err);
/* The CLONE_NEW* flags given to clone: the plan's, except cgroup and time,
 * which the first process unshares itself (ns.c explains why). */
int rp_ns_clone_flags(const struct rp_ns_plan *plan);

/* userns.c: step 5, parent side. */
int rp_userns_write_maps(pid_t pid, const struct rp_ns_plan *plan, struct rp_error *err);
/* Appends to err why this host refuses user namespaces and how to allow them. */
void rp_userns_explain(struct rp_error *err);

/* clone.c: step 4. Creates the node's first process in its namespaces and
 * in cg (when cg->dirfd >= 0). Returns 0 in the first process, its pid in
 * the parent, or a negative code. The first process waits to be released. */
pid_t rp_clone_first(const struct rp_plan *plan, const struct rp_cgroup_run *cg, int verbose,
                     struct rp_error *err);

/* child_error.c: the first process reports a failed step to the parent
 * through a close-on-exec pipe; a successful execve closes it (EOF). */
struct rp_child_report {
    int32_t code;           /* negative errno-style value */
    int32_t status;         /* what the process exits with: 125, 126 or 127 */
    char msg[1024];
};
int rp_child_error_pipe(int fds[2], struct rp_error *err);
/* Child: sends "<plan> step N: ..." (plan NULL: the message as it is) and
 * returns status, for _exit(). */
int rp_child_error_send(int fd, const char *plan, int status, const struct rp_error *err);
/* Parent: 1 and *report filled, 0 at EOF, or a negative code. */
int rp_child_error_recv(int fd, struct rp_child_report *report);

/* process.c: step 8 (child) and the execve at the end of step 12. */
/* keep: descriptors the executor still needs (close-on-exec ones). */
int rp_process_apply(const struct rp_process_plan *plan, const int *keep, size_t n_keep,
                     struct rp_error *err);
/* The workload's environment: a malloc'd NULL-terminated array. */
char **rp_process_env(const struct rp_process_plan *plan, char *const *environ);
void rp_process_env_free(char **env);
/* execve with a PATH search in envp's PATH; returns only on failure with
 * err filled and the exit status (126 or 127). */
int rp_process_exec(char *const *argv, char *const *envp, struct rp_error *err);

/* supervise.c: the signals redwrap forwards to the node. */
struct rp_signals {
    sigset_t forwarded;     /* SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 SIGWINCH */
    sigset_t old_mask;      /* redwrap's mask before blocking them */
    int fd;                 /* signalfd for forwarded + SIGCHLD, -1 when closed */
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
int rp_supervise(struct rp_signals *sig, pid_t pid, int report_fd, struct rp_learn_run *learn,
                 const struct rp_notify *notify, bool trim, int verbose, struct rp_error *err);

/* terminal.c: the terminal's foreground process group, so that a shell in
 * the node can do job control. save (parent, before the clone), take (the
 * first process: a group of its own, in the foreground), restore (parent,
 * after the node ended). Nothing happens without a terminal. */
struct rp_terminal {
    int fd;                 /* a terminal among 0-2, -1 when none */
    pid_t foreground;       /* the caller's foreground group */
};
void rp_terminal_save(struct rp_terminal *t);
void rp_terminal_take(const struct rp_terminal *t);
void rp_terminal_restore(const struct rp_terminal *t);

/* init.c: the node's PID 1 with process.init. Starts workload(arg) in a
 * vfork child, reaps every process that ends up as its child, forwards the
 * signals, lets go of its set-up pages once the node ran RP_TRIM_AFTER_MS
 * (trim.h) and returns the status the node's first process exits with. A
 * stop signal (TERM INT HUP QUIT) ends the node also with wait: all: once
 * the workload exited, the rest gets the same signal (or, outside a pid
 * namespace of its own, init returns and the cgroup teardown ends them). */
int rp_init_run(const struct rp_process_plan *plan, const struct rp_signals *sig,
                int report_fd, int (*workload)(void *), void *arg);
/* Exit status of a waitpid status: the code, or 128+N for signal N. */
int rp_wait_status(int wstatus);

/* seccomp_learn.c: redwrap --seccomp-learn. The learn filter replaces the
 * node's own filter for that run: every native syscall of the workload and
 * of its children is handed to the parent, recorded and let through.
 * Parent, before clone: socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC);
 * compile with the child's end (the same number in the workload process,
 * which must keep it open through step 8). Child, step 12 instead of
 * rp_seccomp_load: load, which sends the listener over that end. Parent:
 * close the child's end, poll its own end and call recv once readable
 * (listener -1: the workload ended before loading); then poll the listener
 * and call handle on POLLIN until POLLHUP (no filtered process left);
 * finally write the fragment. */
struct rp_seccomp_learned {
    int *nr;                /* native syscall numbers seen, sorted */
    size_t n, cap;
};
int rp_seccomp_learn_compile(int sock, struct rp_seccomp_prog *prog, struct rp_error *err);
int rp_seccomp_learn_load(const struct rp_seccomp_prog *prog, int sock, struct rp_error *err);
int rp_seccomp_learn_recv(int sock, int *listener, struct rp_error *err);
int rp_seccomp_learn_handle(int listener, struct rp_seccomp_learned *l, struct rp_error *err);
/* A "seccomp:" section: default_action kill_process, base none, one allow
 * rule with the sorted names of the syscalls seen. */
int rp_seccomp_learn_write(const struct rp_seccomp_learned *l, const char *path,
                           struct rp_error *err);
void rp_seccomp_learn_free(struct rp_seccomp_learned *l);

/* --seccomp-learn, parent side: the socket the listener arrives on, then
 * the listener itself, and what was recorded (seccomp_learn.c). */
struct rp_learn_run {
    int sock;               /* -1 when not learning or once the listener came */
    int listener;           /* -1 until received, and after POLLHUP */
    struct rp_seccomp_learned learned;
};

/* notify.c: the NOTIFY_SOCKET proxy. When redwrap runs under a service
 * manager (NOTIFY_SOCKET set, Type=notify), the workload's sd_notify
 * messages reach the manager through redwrap: the parent opens a datagram
 * socket before the clone, the first process binds it at RP_NOTIFY_PATH in
 * the new root (step 7, before the read-only remounts), the workload gets
 * NOTIFY_SOCKET=RP_NOTIFY_PATH, and the supervisor relays each datagram. */
#include <sys/un.h>
#define RP_NOTIFY_DIR "/run/redpak"
#define RP_NOTIFY_PATH RP_NOTIFY_DIR "/notify"
struct rp_notify {
    int fd;                         /* the proxy's socket; -1: no NOTIFY_SOCKET */
    struct sockaddr_un target;      /* the manager's NOTIFY_SOCKET */
    socklen_t target_len;
};
/* Parent, before the clone: reads NOTIFY_SOCKET from environ_ (a path or
 * an @abstract name; anything else is an error), opens the socket. */
int rp_notify_open(struct rp_notify *n, char *const *environ_, struct rp_error *err);
/* First process, step 7: binds the socket at RP_NOTIFY_PATH below root_fd. */
int rp_notify_bind(const struct rp_notify *n, int root_fd, struct rp_error *err);
/* Workload: env (malloc'd, from rp_process_env) with NOTIFY_SOCKET set to
 * the proxy, possibly moved; NULL when out of memory. */
char **rp_notify_env(const struct rp_notify *n, char **env);
/* Supervisor: relays every datagram waiting on n->fd (MAINPID= rewritten
 * to redwrap's pid). */
void rp_notify_relay(const struct rp_notify *n, int verbose);
void rp_notify_close(struct rp_notify *n);

#endif
