/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp_learn.c: redwrap --seccomp-learn. The learn filter replaces the
 * node's own filter for that run: every native syscall of the workload and
 * of its children is handed to the parent, recorded and let through.
 * Parent, before clone: socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC);
 * compile with the child's end (the same number in the workload process,
 * which must keep it open through step 8). Child, step 12 instead of
 * rp_seccomp_apply: load, which sends the listener over that end. Parent:
 * close the child's end, poll its own end and call recv once readable
 * (listener -1: the workload ended before loading); then poll the listener
 * and call handle on POLLIN until POLLHUP (no filtered process left);
 * finally write the fragment. */
#ifndef REDPAK_SECCOMP_LEARN_H
#define REDPAK_SECCOMP_LEARN_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "seccomp_filter.h"
#include "redpak/error.h"

struct rp_seccomp_learned {
    int *nr; /* native syscall numbers seen, sorted */
    size_t n, cap;
};
/* Lets through the one sendmsg of rp_seccomp_listener_load on sock. */
int rp_seccomp_handover_rule(scmp_filter_ctx ctx, int sock, struct rp_error *err);
/* The same for a given socket number and message address (the cache's
 * stand-ins, seccomp_cached.c); the address of the real message: */
int rp_seccomp_handover_rule_at(scmp_filter_ctx ctx, uint64_t sock, uint64_t addr,
                                struct rp_error *err);
uint64_t rp_seccomp_handover_addr(void);
int rp_seccomp_learn_compile(int sock, struct rp_seccomp_prog *prog, struct rp_error *err);
/* default_action: report: the node's rules, and SECCOMP_RET_USER_NOTIF
 * for every other syscall, through the same hand-over as learning. */
int rp_seccomp_report_compile(const struct rp_seccomp_plan *plan, int sock,
                              struct rp_seccomp_prog *prog, struct rp_error *err);
int rp_seccomp_report_compile_at(const struct rp_seccomp_plan *plan, uint64_t sock, uint64_t addr,
                                 struct rp_seccomp_prog *prog, struct rp_error *err);
/* Loads a filter with a listener and sends the listener over sock (what:
 * "learn filter", "filter", for the messages). */
int rp_seccomp_listener_load(const struct rp_seccomp_prog *prog, int sock, const char *what,
                             struct rp_error *err);
int rp_seccomp_learn_recv(int sock, int *listener, struct rp_error *err);
int rp_seccomp_learn_handle(int listener, struct rp_seccomp_learned *l, struct rp_error *err);
/* A "seccomp:" section: default_action report (kill: kill_process), base
 * none, one allow rule with the sorted names of the syscalls seen. */
int rp_seccomp_learn_write(const struct rp_seccomp_learned *l, const char *path, bool kill,
                           struct rp_error *err);
void rp_seccomp_learn_free(struct rp_seccomp_learned *l);

/* default_action: report, parent side: each refused call is answered
 * errnum; one log line per syscall name, then at most one every 10 s with
 * the count since, and the rest when the node ends. */
struct rp_report_entry {
    int nr;
    unsigned long count, logged;
    time_t last_line;
};
struct rp_seccomp_report {
    int errnum; /* 0: not reporting */
    struct rp_report_entry *e;
    size_t n, cap;
};
int rp_seccomp_report_handle(int listener, struct rp_seccomp_report *rep, struct rp_error *err);
/* The counts not yet logged; frees the table. */
void rp_seccomp_report_end(struct rp_seccomp_report *rep);

/* --seccomp-learn or default_action: report, parent side: the socket the listener arrives on, then
 * the listener itself, and what was recorded. */
struct rp_learn_run {
    int sock;     /* -1 when not learning or once the listener came */
    int listener; /* -1 until received, and after POLLHUP */
    struct rp_seccomp_learned learned;
    struct rp_seccomp_report report; /* errnum > 0: the node's filter reports */
};

#endif
