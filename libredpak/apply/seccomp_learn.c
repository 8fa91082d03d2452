/* SPDX-License-Identifier: Apache-2.0 */
/* redwrap --seccomp-learn: record every syscall the workload makes, without
 * an audit daemon, and write a seccomp: fragment that allows exactly those.
 *
 * The workload runs under a filter whose answer to every native syscall is
 * SECCOMP_RET_USER_NOTIF. The kernel then parks the calling thread and
 * hands the call to whoever holds the filter's listener fd; redwrap's
 * parent holds it, records the syscall number and answers
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE, which lets the kernel run the call as
 * if there were no filter. Children inherit the filter, so their calls are
 * recorded as well. Calls from other ABIs are killed, as in the real filter.
 *
 * Only the process that loads a filter receives its listener, and from
 * then on each of its syscalls waits for an answer: sending the listener
 * to the parent would wait for a parent that has no listener yet. So the
 * filter lets exactly one call through unrecorded: sendmsg() on the
 * hand-over socket with the address of this file's message as its second
 * argument. A workload cannot make that call by accident: it has its own
 * address space after execve, and the socket is close-on-exec. */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "fd_pass.h"
#include "log.h"
#include "seccomp_internal.h"
#include "seccomp_learn.h"
#include "step_message.h"

/* The one message the filter lets through; at the same address in the
 * parent that compiles the filter and in the child that loads it (a clone
 * without CLONE_VM copies the address space as it is). */
static struct msghdr handover_msg;

uint64_t rp_seccomp_handover_addr(void)
{
    return (uint64_t)(uintptr_t)&handover_msg;
}

int rp_seccomp_handover_rule(scmp_filter_ctx ctx, int sock, struct rp_error *err)
{
    return rp_seccomp_handover_rule_at(ctx, (uint64_t)sock, rp_seccomp_handover_addr(), err);
}

int rp_seccomp_handover_rule_at(scmp_filter_ctx ctx, uint64_t sock, uint64_t addr,
                                struct rp_error *err)
{
    /* Spelled out rather than SCMP_A0()/SCMP_A1(): the macros leave datum_b
     * to the compiler, which clang's -Wmissing-field-initializers refuses. */
    const struct scmp_arg_cmp args[] = {
        {.arg = 0, .op = SCMP_CMP_EQ, .datum_a = sock, .datum_b = 0},
        {.arg = 1, .op = SCMP_CMP_EQ, .datum_a = addr, .datum_b = 0},
    };
    int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sendmsg), 2, args);
    /* EEXIST: the node allows sendmsg outright, which lets it through too. */
    if (rc < 0 && rc != -EEXIST)
        return rp_error_set(err, -rc, "seccomp: the listener's hand-over rule");
    return 0;
}

int rp_seccomp_learn_compile(int sock, struct rp_seccomp_prog *prog, struct rp_error *err)
{
    *prog = (struct rp_seccomp_prog){0};
    scmp_filter_ctx ctx __attribute__((cleanup(rp_seccomp_ctx_release))) =
        rp_seccomp_ctx_new(SCMP_ACT_NOTIFY, err);
    if (!ctx)
        return err->code;
    if (rp_seccomp_handover_rule(ctx, sock, err) < 0)
        return -1;
    return rp_seccomp_export(ctx, prog, err);
}

int rp_seccomp_report_compile(const struct rp_seccomp_plan *plan, int sock,
                              struct rp_seccomp_prog *prog, struct rp_error *err)
{
    return rp_seccomp_report_compile_at(plan, (uint64_t)sock, rp_seccomp_handover_addr(), prog,
                                        err);
}

int rp_seccomp_report_compile_at(const struct rp_seccomp_plan *plan, uint64_t sock, uint64_t addr,
                                 struct rp_seccomp_prog *prog, struct rp_error *err)
{
    *prog = (struct rp_seccomp_prog){0};
    scmp_filter_ctx ctx __attribute__((cleanup(rp_seccomp_ctx_release))) =
        rp_seccomp_ctx_new(SCMP_ACT_NOTIFY, err);
    if (!ctx)
        return err->code;
    /* The node's rules first: a rule of its own for sendmsg without
     * arguments decides sendmsg alone (libseccomp keeps the unconditional
     * rule), so the hand-over rule is only added to conditional ones. */
    if (rp_seccomp_add_rules(ctx, SCMP_ACT_NOTIFY, plan->rules, plan->n_rules, err) < 0 ||
        rp_seccomp_handover_rule_at(ctx, sock, addr, err) < 0)
        return -1;
    return rp_seccomp_export(ctx, prog, err);
}

int rp_seccomp_listener_load(const struct rp_seccomp_prog *prog, int sock, const char *what,
                             struct rp_error *err)
{
    struct sock_fprog fprog = {.len = (unsigned short)prog->len, .filter = prog->filter};
    /* The listener is created close-on-exec: the workload never sees it. */
    int listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                                SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog);
    if (listener < 0) {
        if (errno == EACCES)
            return rp_step_error(err, RP_STEP_SECCOMP, EACCES,
                                 "loading the %s needs process.no_new_privileges: "
                                 "true (or cap_sys_admin kept)",
                                 what);
        return rp_step_error(err, RP_STEP_SECCOMP, errno, "loading the %s", what);
    }
    /* From here every syscall but the sendmsg below waits for the parent. */
    static char byte = 'L';
    static struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    static union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    handover_msg = (struct msghdr){
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof(control.buf),
    };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&handover_msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &listener, sizeof(int));
    ssize_t n;
    do
        n = sendmsg(sock, &handover_msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        return rp_step_error(err, RP_STEP_SECCOMP, n < 0 ? errno : EIO,
                             "%s: sending the listener (a rule of the node refuses sendmsg?)",
                             what);
    return 0;
}

int rp_seccomp_learn_recv(int sock, int *listener, struct rp_error *err)
{
    char byte;
    ssize_t n = rp_fd_recv(sock, &byte, 1, listener);
    if (n < 0)
        return rp_error_set(err, errno, "seccomp learn: receiving the listener");
    if (n == 0)
        return 0; /* the workload ended before loading the filter */
    if (*listener < 0)
        return rp_error_set(err, EPROTO, "seccomp learn: no listener in the message");
    return 0;
}

static int record(struct rp_seccomp_learned *l, int nr)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->nr[mid] == nr)
            return 0;
        if (l->nr[mid] < nr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 128;
        int *v = realloc(l->nr, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        l->nr = v;
        l->cap = cap;
    }
    memmove(&l->nr[lo + 1], &l->nr[lo], (l->n - lo) * sizeof(*l->nr));
    l->nr[lo] = nr;
    l->n++;
    return 0;
}

int rp_seccomp_learn_handle(int listener, struct rp_seccomp_learned *l, struct rp_error *err)
{
    /* The kernel insists on a zeroed request. */
    struct seccomp_notif req;
    memset(&req, 0, sizeof(req));
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
        /* ENOENT: the caller was interrupted by a signal before we took
         * the call; it will come back if the thread restarts it. */
        if (errno == ENOENT || errno == EINTR)
            return 0;
        return rp_error_set(err, errno, "seccomp learn: receiving a notification");
    }
    int rc = record(l, req.data.nr);
    struct seccomp_notif_resp resp = {
        .id = req.id,
        .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE,
    };
    /* Answer even when recording failed: a parked thread must not stay
     * parked. ENOENT: the caller died meanwhile. */
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
        return rp_error_set(err, errno, "seccomp learn: letting %d continue", req.pid);
    if (rc < 0)
        return rp_error_set(err, -rc, "seccomp learn: recording syscall %d", req.data.nr);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char ***names)
{
    for (char **p = *names; p && *p; p++)
        free(*p);
    free(*names);
}

/* Syscalls the vDSO usually answers in user space, so that they are rarely
 * seen here; whether the kernel is entered depends on the clock source of
 * the machine, not on the program, so the fragment always allows them. */
static const char *const vdso_calls[] = {
    "clock_gettime", "clock_getres", "gettimeofday", "time", "getcpu",
};
#define N_VDSO (sizeof(vdso_calls) / sizeof(vdso_calls[0]))

int rp_seccomp_learn_write(const struct rp_seccomp_learned *l, const char *path, bool kill,
                           struct rp_error *err)
{
    char **names __attribute__((cleanup(free_names))) = calloc(l->n + N_VDSO + 1, sizeof(*names));
    if (!names)
        return rp_error_set(err, ENOMEM, "seccomp learn: %zu names", l->n);
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, l->nr[i]);
        if (name)
            names[n++] = name;
    }
    for (size_t i = 0; i < N_VDSO; i++) {
        int nr = seccomp_syscall_resolve_name(vdso_calls[i]);
        bool seen = false;
        for (size_t j = 0; j < l->n; j++)
            seen = seen || l->nr[j] == nr;
        if (nr >= 0 && !seen && !(names[n++] = strdup(vdso_calls[i])))
            return rp_error_set(err, ENOMEM, "seccomp learn: names");
    }
    qsort(names, n, sizeof(*names), by_name);

    RP_AUTO_FILE FILE *out = fopen(path, "we");
    if (!out)
        return rp_error_set(err, errno, "seccomp learn: %s", path);
    fprintf(out,
            "# Written by redwrap --seccomp-learn: the %zu syscalls the workload made in\n"
            "# the recorded run (and the vDSO's clock calls). Put this section in the node\n"
            "# file; a syscall the workload did not make then %s.\n"
            "seccomp:\n"
            "  default_action: %s\n"
            "  base: none\n"
            "  syscalls:\n"
            "    - action: allow\n"
            "      names:\n",
            n,
            kill ? "kills it"
                 : "fails with EPERM and redwrap's log\n# names it (default_action: report)",
            kill ? "kill_process" : "report");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "        - %s\n", names[i]);
    if (fflush(out) != 0 || ferror(out))
        return rp_error_set(err, errno ? errno : EIO, "seccomp learn: writing %s", path);
    return 0;
}

void rp_seccomp_learn_free(struct rp_seccomp_learned *l)
{
    free(l->nr);
    *l = (struct rp_seccomp_learned){0};
}

/* default_action: report. Seconds between two lines for the same syscall:
 * a workload that retries a refused call in a loop must not fill the log. */
#define REPORT_EVERY_S 10

static struct rp_report_entry *report_entry(struct rp_seccomp_report *rep, int nr)
{
    for (size_t i = 0; i < rep->n; i++)
        if (rep->e[i].nr == nr)
            return &rep->e[i];
    if (rep->n == rep->cap) {
        size_t cap = rep->cap ? rep->cap * 2 : 16;
        struct rp_report_entry *v = realloc(rep->e, cap * sizeof(*v));
        if (!v)
            return NULL;
        rep->e = v;
        rep->cap = cap;
    }
    rep->e[rep->n] = (struct rp_report_entry){.nr = nr};
    return &rep->e[rep->n++];
}

static void report_line(int nr, const char *what, unsigned long n, int errnum, int pid)
{
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (pid)
        rp_log("seccomp: refused %s (syscall %d, not in the node's list) with %s, pid %d",
               name ? name : "?", nr, strerrorname_np(errnum), pid);
    else
        rp_log("seccomp: refused %s (syscall %d) %lu more time%s%s", name ? name : "?", nr, n,
               n == 1 ? "" : "s", what);
    free(name);
}

int rp_seccomp_report_handle(int listener, struct rp_seccomp_report *rep, struct rp_error *err)
{
    struct seccomp_notif req;
    memset(&req, 0, sizeof(req));
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
        if (errno == ENOENT || errno == EINTR)
            return 0;
        return rp_error_set(err, errno, "seccomp report: receiving a notification");
    }
    /* The answer first: the caller waits for it, the log can wait. error
     * is the negated errno, as a syscall returns it. */
    struct seccomp_notif_resp resp = {.id = req.id, .error = -rep->errnum};
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
        return rp_error_set(err, errno, "seccomp report: answering %d", req.pid);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct rp_report_entry *e = report_entry(rep, req.data.nr);
    if (!e)
        return rp_error_set(err, ENOMEM, "seccomp report: syscall %d", req.data.nr);
    e->count++;
    if (e->count == 1) {
        report_line(e->nr, "", 0, rep->errnum, (int)req.pid);
    } else if (now.tv_sec - e->last_line >= REPORT_EVERY_S) {
        report_line(e->nr, "", e->count - e->logged, rep->errnum, 0);
    } else {
        return 0;
    }
    e->logged = e->count;
    e->last_line = now.tv_sec;
    return 0;
}

void rp_seccomp_report_end(struct rp_seccomp_report *rep)
{
    for (size_t i = 0; i < rep->n; i++)
        if (rep->e[i].count > rep->e[i].logged)
            report_line(rep->e[i].nr, " before the node ended", rep->e[i].count - rep->e[i].logged,
                        rep->errnum, 0);
    free(rep->e);
    *rep = (struct rp_seccomp_report){.errnum = rep->errnum};
}
