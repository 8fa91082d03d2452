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

/* Step logging: -v prints one line per applied step. */
void rp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rp_vlog(int verbose, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* host.c: step 2 (parent, before anything of the node exists). */
int rp_host_apply(const struct rp_plan *plan, int verbose, struct rp_error *err);

/* cgroup.c: step 3 and teardown (parent). */
struct rp_cgroup_run {
    int dirfd;              /* the node's cgroup directory, -1 when none */
    char *path;             /* its absolute path under the cgroup2 mount */
    bool created;
    /* What rp_cgroup_explain_end says, kept by teardown from the cgroup's
     * memory.events and pids.events before it removes the cgroup. */
    char end[256];
};
/* Detects cgroup v2, creates the node's cgroup, enables the controllers,
 * writes the items. With required items on a host that cannot apply them,
 * fails naming the item, the controller and what was found. */
int rp_cgroup_prepare(const struct rp_cgroup_plan *plan, int verbose,
                      struct rp_cgroup_run *cg, struct rp_error *err);
/* Kills whatever is left in the cgroup and removes it. */
int rp_cgroup_teardown(struct rp_cgroup_run *cg, int verbose, struct rp_error *err);
/* After the node ended: a line such as "the node's cgroup hit memory.max
 * (oom_kill 1)" when the kernel's OOM killer acted in it; NULL otherwise. */
const char *rp_cgroup_explain_end(const struct rp_cgroup_run *cg);

/* ns.c: steps 4-6. */
int rp_ns_setup_child(const struct rp_ns_plan *plan, struct rp_error *err);

/* mount.c: step 7 (child, in the new mount namespace). */
int rp_mount_apply(const struct rp_plan *plan, int verbose, struct rp_error *err);

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

#endif
