/* SPDX-License-Identifier: Apache-2.0 */
/* rp_run: the fixed order (docs/architecture.md, "The thirteen steps"),
 * one call per plan. The parent (redwrap, on the host) does steps 1-5 and
 * 13; the node's first process does 6-8 and, through init's fork or by
 * itself, 9-12. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto_fd.h"
#include "caps.h"
#include "cgroup.h"
#include "child_error.h"
#include "clone.h"
#include "error_internal.h"
#include "host.h"
#include "idmap.h"
#include "idpool.h"
#include "identity.h"
#include "init.h"
#include "init_lockdown.h"
#include "log.h"
#include "loop_image.h"
#include "mount.h"
#include "mount_lock.h"
#include "node_lock.h"
#include "net.h"
#include "notify.h"
#include "ns.h"
#include "oci_unpack.h"
#include "process.h"
#include "seccomp_cached.h"
#include "seccomp_filter.h"
#include "seccomp_learn.h"
#include "step_message.h"
#include "supervise.h"
#include "terminal.h"
#include "userns.h"
#include "redpak/run.h"

/* Everything one run holds, shared by both sides of the clone. */
struct node_run {
    const struct rp_plan *plan;
    const struct rp_run_opts *opts;
    char *const *argv;
    struct rp_seccomp_prog filter;
    struct rp_seccomp_prog terminal; /* TIOCSTI, TIOCLINUX: loaded before filter */
    struct rp_cgroup_run cg;
    struct rp_signals sig;
    int release[2];     /* parent -> first process: the maps are written */
    int report[2];      /* first process -> parent: a failed step; EOF at execve */
    int learn_sock[2];  /* --seccomp-learn, report: the listener's way to the parent */
    int holder_sock[2]; /* nested build: the holder of the node's namespaces, to the parent
                         * (mount_lock.c) */
    struct rp_learn_run learn;
    struct rp_notify notify;        /* the NOTIFY_SOCKET proxy (notify.c) */
    struct rp_terminal term;        /* the caller's terminal, if any */
    struct rp_host_sources sources; /* the bind sources, opened in step 2 */
    char **env;                     /* the workload's, built by the first process */
    int *bind_fds;         /* idmapped binds: one detached mount per mount step (idmap.c) */
    struct rp_idrange ids; /* a root-started node's private id range (idpool.c) */
    struct rp_init_memory init_mem; /* what init clears of redwrap's memory */
    struct rp_net_run net;          /* pasta, the veth pair (net.c) */
    pid_t pid;                      /* the first process until it was reaped, else 0 */
    int node_lock;                  /* a node with packages: its lock, shared (core/node_lock.h) */
};

/* The first process (or the workload's) tells the parent which step
 * failed, in the step's own words, and exits with status. */
static int report(struct node_run *r, int status, const struct rp_error *err)
{
    return rp_child_error_send(r->report[1], NULL, status, err);
}

/* SIGKILL when the parent dies (process.die_with_parent); step: the one
 * that sets it, for the message. */
static int die_with_parent(const struct rp_process_plan *process, enum rp_step step,
                           struct rp_error *err)
{
    if (!process->die_with_parent || prctl(PR_SET_PDEATHSIG, SIGKILL) == 0)
        return 0;
    return rp_step_error(err, step, errno, "die_with_parent");
}

/* Step 12: the node's filter, or with --seccomp-learn the recording one
 * that replaces it for this run. */
static int load_filter(struct node_run *r, struct rp_error *err)
{
    int v = r->opts->verbose;
    if (r->terminal.len) {
        rp_step_vlog(v, RP_STEP_SECCOMP, "load the terminal rules (%zu instructions)",
                     r->terminal.len);
        if (rp_seccomp_apply(&r->terminal, err) < 0)
            return -1;
    }
    if (r->opts->seccomp_learn) {
        rp_step_vlog(v, RP_STEP_SECCOMP, "load the learn filter");
        return rp_seccomp_listener_load(&r->filter, r->learn_sock[1], "learn filter", err);
    }
    if (r->learn.report.errnum) {
        rp_step_vlog(v, RP_STEP_SECCOMP,
                     "load the filter (%zu instructions), its listener to redwrap", r->filter.len);
        return rp_seccomp_listener_load(&r->filter, r->learn_sock[1], "filter", err);
    }
    if (r->filter.len)
        rp_step_vlog(v, RP_STEP_SECCOMP, "load the filter (%zu instructions)", r->filter.len);
    else
        rp_step_vlog(v, RP_STEP_SECCOMP, "no filter");
    return rp_seccomp_apply(&r->filter, err);
}

/* Steps 9-12, last in the workload's own process: identity, capabilities,
 * no_new_privs, seccomp, and the execve that closes the report pipe. With
 * init this runs in a vfork child (init.c): it works on what the first
 * process prepared and leaves by execve or _exit. */
static int workload(void *arg)
{
    struct node_run *r = arg;
    const struct rp_plan *plan = r->plan;
    int v = r->opts->verbose;
    struct rp_error err = {0};
    rp_signals_reset_child(&r->sig);
    rp_step_vlog(v, RP_STEP_IDENTITY, "%zu groups, gid %u, uid %u", plan->process.n_groups,
                 (unsigned)plan->process.gid, (unsigned)plan->process.uid);
    /* prctl(2): a change of the effective or filesystem uid or gid clears
     * the parent-death signal; set it again for the workload, whose parent
     * is init or redwrap. */
    if (rp_identity_apply(&plan->process, &err) < 0 ||
        die_with_parent(&plan->process, RP_STEP_IDENTITY, &err) < 0)
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    rp_step_vlog(v, RP_STEP_CAPS, "bounding, permitted, effective, inheritable, ambient");
    if (rp_caps_apply(&plan->caps, &err) < 0)
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    rp_step_vlog(v, RP_STEP_NO_NEW_PRIVS, "no_new_privileges: %s",
                 plan->process.no_new_privileges ? "true" : "false");
    if (rp_no_new_privs_apply(&plan->process, &err) < 0 || load_filter(r, &err) < 0)
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    int status = rp_process_exec(r->argv, r->env, &err);
    return report(r, status, &err);
}

/* A nested build: the parent idmaps the binds through the node's user
 * namespace and connects its network namespace, which only now exist; it
 * releases us again once done, and the holder of both may go. */
static int handover_holder(struct node_run *r, struct rp_mount_lock *lk, struct rp_error *err)
{
    char go;
    pid_t pid = lk->holder_host_pid;
    if (write(r->holder_sock[1], &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
        return rp_step_error(err, RP_STEP_ID_MAPS, errno,
                             "nested build: tell redwrap the node's namespaces");
    rp_close_fd(&r->holder_sock[1]);
    /* EOF: the parent could not do its part; it says why itself. */
    if (read(r->release[0], &go, 1) != 1)
        _exit(RP_EXIT_SETUP_FAILED);
    return rp_mount_lock_release_holder(&r->plan->ns, lk, err);
}

/* Steps 6-8 in the node's first process, after the parent released it. */
static int first_process(struct node_run *r)
{
    const struct rp_plan *plan = r->plan;
    int verbose = r->opts->verbose;
    struct rp_error err = {0};
    char go;
    rp_close_fd(&r->release[1]);
    rp_close_fd(&r->report[0]);
    rp_close_fd(&r->sig.fd);
    rp_close_fd(&r->learn_sock[0]);
    rp_close_fd(&r->holder_sock[0]);
    rp_close_fd(&r->ids.fd); /* the range's lock is the parent's to hold */
    /* The node reaches its cgroup through its cgroup namespace, never
     * through redwrap's handle on the host's hierarchy. */
    rp_close_fd(&r->cg.dirfd);
    /* EOF: the parent could not write the maps; it says why itself. */
    if (read(r->release[0], &go, 1) != 1)
        return RP_EXIT_SETUP_FAILED;
    bool nested = rp_mount_lock_wanted(&plan->ns);
    if ((nested ? rp_mount_lock_become_owner(&plan->ns, r->ids.base, &err)
                : rp_userns_become_root(&plan->ns, &err)) < 0)
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    /* SIGKILL when redwrap dies: as PID 1 this ends the whole node. Set
     * after the release, when redwrap is the parent for sure (with joined
     * namespaces a helper cloned us and has exited since). */
    if (die_with_parent(&plan->process, RP_STEP_PROCESS, &err) < 0)
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    /* Found through the host's /proc, before the node's mounts. */
    if (plan->process.init && rp_init_memory_find(&r->init_mem, &err) < 0)
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    /* What the node would otherwise share with the caller's session: its
     * keyring, a directory (or other odd fd) as 0-2, and, without a
     * filter to refuse TIOCSTI, the controlling terminal. */
    if (rp_process_session_keyring(&err) < 0 || rp_process_std_fds(&err) < 0 ||
        (plan->seccomp.new_session && rp_terminal_new_session(&err) < 0))
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    struct rp_mount_lock lock __attribute__((cleanup(rp_mount_lock_close))) = RP_MOUNT_LOCK_INIT;
    if (nested) {
        rp_step_vlog(verbose, RP_STEP_ID_MAPS, "the node's user namespace, nested in this one");
        if (rp_mount_lock_prepare(&plan->ns, r->ids.base, &lock, &err) < 0 ||
            handover_holder(r, &lock, &err) < 0)
            return report(r, RP_EXIT_SETUP_FAILED, &err);
    }
    rp_close_fd(&r->release[0]);
    rp_step_vlog(verbose, RP_STEP_NAMESPACES, "%s",
                 nested ? "time offsets (the rest after step 7)"
                        : "hostname, domainname, loopback, sysctls");
    if (rp_ns_apply(&plan->ns, nested, &err) < 0)
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    rp_step_vlog(verbose, RP_STEP_MOUNTS, "mounts and tmpfs, then pivot_root");
    struct rp_mount_plans mounts = {&plan->mount, &plan->tmpfs, &plan->finish, &r->sources,
                                    r->bind_fds,  &plan->ns,    r->ids.base};
    int mounted = rp_mount_apply(&mounts, &r->notify, verbose, &err);
    /* They reach the host's tree: none may outlive step 7. */
    rp_host_sources_close(&r->sources);
    /* The lock's descriptors too: rp_mount_lock_apply closes them. */
    if (mounted < 0 || rp_mount_lock_apply(&plan->ns, &plan->mount, &lock, verbose, &err) < 0)
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    rp_step_vlog(verbose, RP_STEP_PROCESS, "rlimits, umask, cwd, inherited fds, environment");
    rp_terminal_take(&r->term);
    int keep[] = {r->report[1], r->learn_sock[1]};
    if (rp_process_apply(&plan->process, keep, 2, &err) < 0)
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    /* Built before seccomp and the identity change, which may forbid what
     * building it needs, and before init's vfork, whose child should not
     * allocate. */
    r->env = rp_process_env(&plan->process, r->opts->environ);
    if (r->env)
        r->env = rp_notify_env(&r->notify, r->env);
    if (!r->env) {
        rp_step_error(&err, RP_STEP_PROCESS, ENOMEM, "environment");
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    }
    /* init clears redwrap's arguments before the workload's process reads
     * its own among them. */
    if (plan->process.init && !(r->argv = rp_init_argv_copy(r->argv))) {
        rp_step_error(&err, RP_STEP_PROCESS, ENOMEM, "command");
        return report(r, RP_EXIT_SETUP_FAILED, &err);
    }
    if (plan->process.init)
        return rp_init_run(&plan->process, &r->sig, &r->init_mem, r->report[1], workload, r);
    return workload(r);
}

static int userns_of(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
    return open(path, O_RDONLY | O_CLOEXEC);
}

/* A nested build: the binds are idmapped through the node's user
 * namespace and its network connected, through the process that holds
 * them, whose pid the first process sends; then a second byte lets it go
 * on. A first process that failed before sends nothing: supervise reads
 * its report. */
static int handover_nested(struct node_run *r, struct rp_error *err)
{
    pid_t holder = 0;
    ssize_t n;
    do
        n = read(r->holder_sock[0], &holder, sizeof(holder));
    while (n < 0 && errno == EINTR);
    rp_close_fd(&r->holder_sock[0]);
    if (n != (ssize_t)sizeof(holder) || holder <= 0)
        return 0;
    int v = r->opts->verbose;
    int ret = rp_net_attach(&r->plan->net, &r->net, holder, v, err);
    if (ret == 0 && r->bind_fds) {
        RP_AUTO_FD int userns = userns_of(holder);
        ret = rp_idmap_attach(userns, r->plan, r->bind_fds, r->ids.base, v, err);
    }
    if (ret == 0 && write(r->release[1], "1", 1) != 1)
        ret = rp_step_error(err, RP_STEP_ID_MAPS, errno, "release the first process");
    return ret;
}

/* Step 5, parent: the id maps, then one byte that lets the child go on. */
static int release_first_process(struct node_run *r, struct rp_error *err)
{
    rp_close_fd(&r->release[0]);
    rp_close_fd(&r->report[1]);
    rp_close_fd(&r->learn_sock[1]);
    rp_close_fd(&r->holder_sock[1]);
    const struct rp_ns_plan *ns = &r->plan->ns;
    int v = r->opts->verbose;
    int ret = 0;
    bool nested = rp_mount_lock_wanted(ns);
    if (ns->gid_maps_why)
        rp_step_vlog(v, RP_STEP_ID_MAPS, "gid_map: %s", ns->gid_maps_why);
    if (ns->uid_maps_why)
        rp_step_vlog(v, RP_STEP_ID_MAPS, "uid_map: %s", ns->uid_maps_why);
    if (ns->identity)
        rp_log("warning: user_namespace: identity: uid 0 inside the node is the host's root "
               "(ids 0-65535 map to themselves); remove it for a private id range");
    if (ret == 0)
        ret = rp_userns_apply(r->pid, ns, r->ids.base, nested ? RP_MAP_OUTER : RP_MAP_NODE, err);
    /* The maps are written: pasta may join the node's user namespace.
     * The first process waits, so its network is there before step 6. */
    if (ret == 0 && !nested)
        ret = rp_net_attach(&r->plan->net, &r->net, r->pid, v, err);
    if (ret == 0 && r->bind_fds && !nested) {
        RP_AUTO_FD int userns = userns_of(r->pid);
        ret = rp_idmap_attach(userns, r->plan, r->bind_fds, r->ids.base, v, err);
    }
    if (ret == 0 && r->ids.fd >= 0)
        ret = rp_cgroup_delegate(&r->cg,
                                 rp_userns_host_id(ns->uid_map, ns->n_uid_map, r->ids.base,
                                                   ns->private_uid_range, 0),
                                 rp_userns_host_id(ns->gid_map, ns->n_gid_map, r->ids.base,
                                                   ns->private_gid_range, 0),
                                 v, err);
    if (ret == 0 && write(r->release[1], "1", 1) != 1)
        ret = rp_step_error(err, RP_STEP_ID_MAPS, errno, "release the first process");
    if (ret == 0 && nested)
        ret = handover_nested(r, err);
    /* The first process has its copies; the parent's would keep the
     * detached trees alive after the node's end. */
    rp_idmap_close(r->bind_fds, r->plan->mount.n);
    r->bind_fds = NULL;
    rp_close_fd(&r->release[1]);
    return ret;
}

/* A root-started node's private range, before the clone: a nested build
 * writes with its host ids from the start (mount_lock.c). */
static int pick_range(struct node_run *r, struct rp_error *err)
{
    const struct rp_ns_plan *ns = &r->plan->ns;
    if (ns->ns[RP_NS_USER].mode != RP_NS_NEW || !(ns->private_uid_range || ns->private_gid_range))
        return 0;
    if (rp_idpool_pick(&r->ids, err) < 0)
        return -1;
    rp_step_vlog(r->opts->verbose, RP_STEP_ID_MAPS, "private id range %u-%u", r->ids.base,
                 r->ids.base + (r->ids.count - 1));
    return 0;
}

static int open_channels(struct node_run *r, struct rp_error *err)
{
    /* A node in a session of its own cannot take the terminal's
     * foreground: the caller's group keeps it. */
    if (!r->plan->seccomp.new_session)
        rp_terminal_save(&r->term);
    if (rp_signals_block(&r->sig, err) < 0 || rp_child_error_pipe(r->release, err) < 0 ||
        rp_child_error_pipe(r->report, err) < 0 ||
        rp_notify_open(&r->notify, r->opts->environ, err) < 0)
        return -1;
    if (rp_mount_lock_wanted(&r->plan->ns) &&
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->holder_sock) < 0)
        return rp_error_set(err, errno, "socketpair for the node's user namespace");
    return 0;
}

static int pick_command(struct node_run *r, struct rp_error *err)
{
    r->argv = r->opts->argv && r->opts->argv[0] ? r->opts->argv : r->plan->process.argv;
    if (!r->argv || !r->argv[0])
        return rp_error_set(err, 0, "no command: give one after -- or set process.command");
    return 0;
}

/* Step 1's filter: the node's, or with --seccomp-learn the recording one
 * that replaces it for this run (seccomp_learn.c). The node's filters come
 * from the cache of compiled filters when it has them (seccomp_cached.c). */
static int compile_filters(struct node_run *r, const struct rp_seccomp_cache *cache,
                           struct rp_error *err)
{
    /* The terminal rules go with every filter, the learn filter included. */
    if ((r->plan->seccomp.enabled || r->opts->seccomp_learn) &&
        rp_seccomp_compile_terminal_cached(cache, &r->plan->seccomp, &r->terminal, err) < 0)
        return -1;
    const struct rp_seccomp_plan *sp = &r->plan->seccomp;
    bool report = sp->enabled && sp->default_action == RP_SC_REPORT;
    if (!r->opts->seccomp_learn && r->opts->verbose) {
        char *absent = rp_seccomp_absent_names(sp);
        if (absent)
            rp_log("seccomp: no such syscall on this architecture, left out of the filter: %s",
                   absent);
        free(absent);
    }
    if (!r->opts->seccomp_learn && !report)
        return rp_seccomp_compile_cached(cache, sp, &r->filter, err);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->learn_sock) < 0)
        return rp_error_set(err, errno, "seccomp: socketpair for the listener");
    r->learn.sock = r->learn_sock[0];
    r->learn_sock[0] = -1; /* now the supervisor's to close */
    if (r->opts->seccomp_learn)
        return rp_seccomp_learn_compile(r->learn_sock[1], &r->filter, err);
    r->learn.report.errnum = sp->default_errno;
    return rp_seccomp_report_compile_cached(cache, sp, r->learn_sock[1], &r->filter, err);
}

static int compile_filter(struct node_run *r, struct rp_error *err)
{
    if (!r->plan->seccomp.enabled && !r->opts->seccomp_learn)
        return 0;
    struct rp_seccomp_cache cache __attribute__((cleanup(rp_seccomp_cache_close)));
    rp_seccomp_cache_open(&cache, r->opts->environ, r->opts->verbose);
    return compile_filters(r, &cache, err);
}

/* After the node ended: the fragment that allows what the workload did. */
static int write_learned(struct node_run *r, int status, struct rp_error *err)
{
    if (!r->opts->seccomp_learn || err->code)
        return status;
    if (rp_seccomp_learn_write(&r->learn.learned, r->opts->seccomp_learn,
                               r->opts->seccomp_learn_kill, err) < 0)
        return RP_EXIT_SETUP_FAILED;
    rp_log("seccomp learn: %zu syscalls written to %s", r->learn.learned.n, r->opts->seccomp_learn);
    return status;
}

/* Whatever the way out, the node does not outlive rp_run: a first process
 * not yet reaped is killed, the cgroup emptied and removed. */
static void node_run_end(struct node_run *r)
{
    if (r->pid > 0) {
        kill(r->pid, SIGKILL);
        while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    rp_terminal_restore(&r->term);
    struct rp_error err = {0};
    if (rp_cgroup_teardown(&r->cg, r->opts->verbose, &err) < 0)
        rp_log("warning: teardown: %s", err.msg);
    rp_net_teardown(&r->net, r->opts->verbose);
    int *fds[] = {r->release, r->report, r->learn_sock, r->holder_sock};
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        for (int end = 0; end < 2; end++)
            rp_close_fd(&fds[i][end]);
    rp_close_fd(&r->learn.sock);
    rp_close_fd(&r->learn.listener);
    rp_seccomp_learn_free(&r->learn.learned);
    rp_seccomp_report_end(&r->learn.report);
    rp_notify_close(&r->notify);
    rp_host_sources_close(&r->sources);
    rp_idmap_close(r->bind_fds, r->plan->mount.n);
    rp_idpool_release(&r->ids);
    rp_signals_restore(&r->sig);
    rp_seccomp_prog_free(&r->filter);
    rp_seccomp_prog_free(&r->terminal);
    rp_close_fd(&r->node_lock);
}

/* A node that owns its packages starts only when no DNF transaction is
 * changing its root, and keeps one from starting while it runs
 * (docs/packages.md, "The lock"). */
static int lock_node(struct node_run *r, struct rp_error *err)
{
    const struct rp_plan *plan = r->plan;
    if (!plan->packages || !plan->node->root.source)
        return 0;
    r->node_lock = rp_node_lock_take(plan->node->root.source, false);
    if (r->node_lock == -EWOULDBLOCK)
        return rp_error_set(err, EWOULDBLOCK,
                            "host plan step 2: node %s: a package transaction (dnf node %s) is "
                            "changing its root; start it when that ends",
                            plan->node->name, plan->node->name);
    if (r->node_lock < 0)
        return rp_error_set(err, -r->node_lock, "host plan step 2: node %s: its lock next to %s",
                            plan->node->name, plan->node->root.source);
    return 0;
}

int rp_run(const struct rp_plan *plan, const struct rp_run_opts *opts, struct rp_error *err)
{
    struct node_run __attribute__((cleanup(node_run_end))) r = {
        .plan = plan,
        .opts = opts,
        .cg = {.dirfd = -1},
        .sig = {.fd = -1},
        .release = {-1, -1},
        .report = {-1, -1},
        .learn_sock = {-1, -1},
        .holder_sock = {-1, -1},
        .learn = {.sock = -1, .listener = -1},
        .notify = {.fd = -1},
        .term = {.fd = -1},
        .ids = {.fd = -1},
        .node_lock = -1,
        .net = RP_NET_RUN_INIT,
    };
    int v = opts->verbose;

    if (pick_command(&r, err) < 0)
        return RP_EXIT_SETUP_FAILED;
    rp_step_vlog(v, RP_STEP_PLAN, "compile the seccomp filter, check the cgroup controllers");
    if (compile_filter(&r, err) < 0 || rp_cgroup_check(&plan->cgroup, err) < 0 ||
        rp_net_check(&plan->net, &r.net, v, err) < 0)
        return RP_EXIT_SETUP_FAILED;
    rp_step_vlog(v, RP_STEP_HOST, "%zu changes outside the node", plan->n_host);
    if (lock_node(&r, err) < 0 || rp_host_apply(plan->host, plan->n_host, &r.sources, v, err) < 0 ||
        rp_oci_unpack(&plan->mount, v, err) < 0 ||
        rp_host_sources_open(&plan->mount, &r.sources, v, err) < 0)
        return RP_EXIT_SETUP_FAILED;
    rp_step_vlog(v, RP_STEP_CGROUP, "the node's cgroup");
    if (rp_cgroup_apply(&plan->cgroup, v, &r.cg, err) < 0)
        return RP_EXIT_SETUP_FAILED;
    rp_step_vlog(v, RP_STEP_CLONE, "the first process");
    if (plan->ns.idmap_binds && !(r.bind_fds = rp_idmap_open(&plan->mount, &r.sources, v))) {
        rp_error_set(err, ENOMEM, "idmapped binds");
        return RP_EXIT_SETUP_FAILED;
    }
    if (rp_loop_image_open(&plan->mount, &r.bind_fds, v, err) < 0)
        return RP_EXIT_SETUP_FAILED;
    if (pick_range(&r, err) < 0 || open_channels(&r, err) < 0 ||
        (r.pid = rp_clone_apply(&plan->ns, &plan->cgroup, &r.cg, v, err)) < 0)
        return RP_EXIT_SETUP_FAILED;
    if (r.pid == 0)
        _exit(first_process(&r)); /* a forked child never returns to the caller */
    /* Before the child unshares its cgroup namespace (step 6), whose root
     * in each v1 hierarchy is the cgroup it is in then. */
    if (plan->ns.ns[RP_NS_CGROUP].mode == RP_NS_NEW && rp_cgroup_v1_enter(&r.cg, r.pid, v, err) < 0)
        return RP_EXIT_SETUP_FAILED;
    rp_step_vlog(v, RP_STEP_ID_MAPS, "id maps of pid %d, then release it", (int)r.pid);
    if (release_first_process(&r, err) < 0)
        return RP_EXIT_SETUP_FAILED;
    rp_step_vlog(v, RP_STEP_SUPERVISE, "forward signals, reap, tear down");
    int status = rp_supervise(&r.sig, r.pid, r.report[0], &r.learn, &r.notify,
                              opts->trim_when_running, v, err);
    r.pid = 0;
    const char *why = rp_cgroup_explain_end(&r.cg);
    if (why)
        rp_log("%s", why);
    return write_learned(&r, status, err);
}
