/* SPDX-License-Identifier: Apache-2.0 */
/* Step 12: the seccomp filter. Compiled in the parent (step 1), where a
 * failure is still a clean setup error and libseccomp may allocate freely;
 * the child only hands the finished BPF program to the kernel, as the last
 * thing before execve.
 *
 * Other ABIs: on x86_64 a process can still enter the kernel through the
 * i386 ABI (int 0x80) or the x32 ABI (syscall numbers with bit 30 set), and
 * the same number means another syscall there (i386 26 is ptrace). We do
 * not translate the node's rules to them: the node names native syscalls,
 * i386 multiplexes socket and IPC calls through socketcall/ipc whose
 * arguments live in memory where seccomp cannot look, and a node's workload
 * is a native program. So any syscall from a non-native ABI kills the
 * process (libseccomp's "bad architecture" action, which also covers x32),
 * whatever the node's default action. */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "names.h"
#include "seccomp_filter.h"
#include "seccomp_internal.h"
#include "step_message.h"

uint32_t rp_seccomp_action_value(enum rp_seccomp_action action, int errnum)
{
    switch (action) {
    case RP_SC_ALLOW: return SCMP_ACT_ALLOW;
    case RP_SC_ERRNO: return SCMP_ACT_ERRNO((uint32_t)errnum);
    case RP_SC_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
    case RP_SC_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
    case RP_SC_TRAP: return SCMP_ACT_TRAP;
    case RP_SC_LOG: return SCMP_ACT_LOG;
    /* Answered by redwrap's supervisor (seccomp_learn.c); without it the
     * kernel answers ENOSYS: refused either way. */
    case RP_SC_REPORT: return SCMP_ACT_NOTIFY;
    }
    return SCMP_ACT_KILL_PROCESS;
}

static enum scmp_compare compare_op(enum rp_seccomp_op op)
{
    switch (op) {
    case RP_SC_EQ: return SCMP_CMP_EQ;
    case RP_SC_NE: return SCMP_CMP_NE;
    case RP_SC_LT: return SCMP_CMP_LT;
    case RP_SC_LE: return SCMP_CMP_LE;
    case RP_SC_GT: return SCMP_CMP_GT;
    case RP_SC_GE: return SCMP_CMP_GE;
    case RP_SC_MASKED_EQ: return SCMP_CMP_MASKED_EQ;
    }
    return _SCMP_CMP_MIN;
}

scmp_filter_ctx rp_seccomp_ctx_new(uint32_t default_action, struct rp_error *err)
{
    scmp_filter_ctx ctx = seccomp_init(default_action);
    if (!ctx) {
        rp_error_set(err, EINVAL, "seccomp: cannot start a filter");
        return NULL;
    }
    /* Only the native ABI is in the filter; everything else is killed (see
     * the top of this file). */
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc < 0) {
        seccomp_release(ctx);
        rp_error_set(err, -rc, "seccomp: cannot make other ABIs kill the process");
        return NULL;
    }
    /* A binary tree of syscall numbers instead of a linear list: a long
     * allow-list costs a few comparisons per syscall, not hundreds. */
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    if (rc < 0) {
        seccomp_release(ctx);
        rp_error_set(err, -rc, "seccomp: cannot ask libseccomp for a binary tree filter");
        return NULL;
    }
    return ctx;
}

/* Syscall numbers already decided by a later rule without arguments. */
struct claimed {
    int *nr;
    size_t n, cap;
};

static bool claimed_has(const struct claimed *c, int nr)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->nr[i] == nr)
            return true;
    return false;
}

static int claimed_add(struct claimed *c, int nr)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        int *v = realloc(c->nr, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        c->nr = v;
        c->cap = cap;
    }
    c->nr[c->n++] = nr;
    return 0;
}

static void claimed_free(struct claimed *c)
{
    free(c->nr);
}

static int add_rule(scmp_filter_ctx ctx, uint32_t default_action,
                    const struct rp_seccomp_rule *rule, const char *name, struct claimed *claimed,
                    struct rp_error *err)
{
    /* A name without a number here is one of the base profile's names for
     * another architecture (chown32 on x86_64); the parser already refused
     * such names in the node's own rules. */
    int nr = seccomp_syscall_resolve_name(name);
    if (nr < 0)
        return 0;
    if (claimed_has(claimed, nr))
        return 0;
    if (rule->n_args == 0) {
        int rc = claimed_add(claimed, nr);
        if (rc < 0)
            return rp_error_set(err, -rc, "seccomp: %s", name);
    }
    uint32_t action = rp_seccomp_action_value(rule->action, rule->errnum);
    /* libseccomp refuses a rule that repeats the default action: such a
     * rule means "these calls get the default", which is what leaving them
     * out of the filter does (having claimed them above, an earlier rule
     * cannot give them something else). */
    if (action == default_action)
        return 0;

    struct scmp_arg_cmp cmp[6];
    for (size_t i = 0; i < rule->n_args; i++) {
        const struct rp_seccomp_arg *a = &rule->args[i];
        cmp[i] = (struct scmp_arg_cmp){
            .arg = a->index,
            .op = compare_op(a->op),
            /* masked_eq compares (arg & datum_a) == datum_b */
            .datum_a = a->op == RP_SC_MASKED_EQ ? a->mask : a->value,
            .datum_b = a->op == RP_SC_MASKED_EQ ? a->value : 0,
        };
    }
    int rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)rule->n_args, cmp);
    /* EEXIST: a later rule with the very same conditions was added first
     * (we walk the rules backwards) and wins. */
    if (rc == -EEXIST)
        return 0;
    if (rc < 0)
        return rp_error_set(err, -rc, "seccomp: %s:%u:%u: rule for %s",
                            rule->pos.file ? rule->pos.file : "base profile", rule->pos.line,
                            rule->pos.column, name);
    return 0;
}

/* The node's rules come after the base profile's, and the later word wins.
 * For one syscall: the last rule without arguments decides it alone; if
 * there is none, all its rules with arguments apply together, the later
 * one winning where two have identical conditions. Walking the rules from
 * the last to the first lets the first rule seen claim the syscall. */
int rp_seccomp_add_rules(scmp_filter_ctx ctx, uint32_t default_action,
                         const struct rp_seccomp_rule *rules, size_t n, struct rp_error *err)
{
    struct claimed claimed __attribute__((cleanup(claimed_free))) = {0};
    for (size_t i = n; i-- > 0;) {
        const struct rp_seccomp_rule *rule = &rules[i];
        for (size_t j = rule->names.n; j-- > 0;) {
            int rc = add_rule(ctx, default_action, rule, rule->names.v[j], &claimed, err);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

int rp_seccomp_export(scmp_filter_ctx ctx, struct rp_seccomp_prog *prog, struct rp_error *err)
{
    /* libseccomp 2.5 exports only to a file descriptor: a memfd keeps the
     * program in memory. */
    RP_AUTO_FD int fd = memfd_create("redpak-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return rp_error_set(err, errno, "seccomp: memfd_create");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return rp_error_set(err, -rc, "seccomp: exporting the filter");
    struct stat st;
    if (fstat(fd, &st) < 0)
        return rp_error_set(err, errno, "seccomp: fstat on the exported filter");
    size_t size = (size_t)st.st_size;
    if (size == 0 || size % sizeof(struct sock_filter) != 0)
        return rp_error_set(err, EINVAL, "seccomp: the exported filter has %zu bytes", size);
    /* Said here, in the parent, rather than as an EINVAL from the child. */
    if (size / sizeof(struct sock_filter) > BPF_MAXINSNS)
        return rp_error_set(err, E2BIG,
                            "seccomp: the filter has %zu instructions, the "
                            "kernel takes at most %d: fewer rules or argument conditions",
                            size / sizeof(struct sock_filter), BPF_MAXINSNS);
    struct sock_filter *filter = malloc(size);
    if (!filter)
        return rp_error_set(err, ENOMEM, "seccomp: the filter's %zu bytes", size);
    if (pread(fd, filter, size, 0) != (ssize_t)size) {
        free(filter);
        return rp_error_set(err, errno ? errno : EIO, "seccomp: reading the exported filter");
    }
    prog->filter = filter;
    prog->len = size / sizeof(struct sock_filter);
    return 0;
}

/* One filter: def for what no rule matches, then the rules. */
static int compile_rules(uint32_t def, const struct rp_seccomp_rule *rules, size_t n,
                         struct rp_seccomp_prog *prog, struct rp_error *err)
{
    scmp_filter_ctx ctx __attribute__((cleanup(rp_seccomp_ctx_release))) =
        rp_seccomp_ctx_new(def, err);
    if (!ctx)
        return err->code;
    int rc = rp_seccomp_add_rules(ctx, def, rules, n, err);
    if (rc < 0)
        return rc;
    return rp_seccomp_export(ctx, prog, err);
}

int rp_seccomp_compile(const struct rp_seccomp_plan *plan, struct rp_seccomp_prog *prog,
                       struct rp_error *err)
{
    *prog = (struct rp_seccomp_prog){0};
    if (!plan->enabled)
        return 0;
    return compile_rules(rp_seccomp_action_value(plan->default_action, plan->default_errno),
                         plan->rules, plan->n_rules, prog, err);
}

/* The terminal rules (rp_seccomp_plan.terminal) as a filter of their own
 * whose default is allow. A separate filter and not rules merged into the
 * node's: libseccomp 2.5, given an unconditional rule and a conditional
 * one for the same syscall, keeps the unconditional one and silently drops
 * the other (in either order), so a node that allows ioctl outright would
 * lose them. The kernel runs every filter of a process and keeps the
 * strictest answer, so this one's EPERM wins over the node's allow, and a
 * kill of the node's still wins over it. */
int rp_seccomp_compile_terminal(const struct rp_seccomp_plan *plan, struct rp_seccomp_prog *prog,
                                struct rp_error *err)
{
    *prog = (struct rp_seccomp_prog){0};
    if (plan->n_terminal == 0)
        return 0;
    return compile_rules(SCMP_ACT_ALLOW, plan->terminal, plan->n_terminal, prog, err);
}

char *rp_seccomp_absent_names(const struct rp_seccomp_plan *plan)
{
    char *line = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&line, &size);
    if (!f)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; plan->enabled && i < plan->n_rules; i++) {
        const struct rp_seccomp_rule *r = &plan->rules[i];
        /* The base profile's rules have no position: its names of other
         * architectures (chown32 on x86_64) are on purpose. */
        if (r->pos.line == 0)
            continue;
        for (size_t j = 0; j < r->names.n; j++) {
            const char *other = rp_syscall_other_arch(r->names.v[j]);
            if (other)
                fprintf(f, "%s%s (%s)", n++ ? ", " : "", r->names.v[j], other);
        }
    }
    if (fclose(f) != 0 || n == 0) {
        free(line);
        return NULL;
    }
    return line;
}

int rp_seccomp_apply(const struct rp_seccomp_prog *prog, struct rp_error *err)
{
    if (prog->len == 0)
        return 0;
    struct sock_fprog fprog = {.len = (unsigned short)prog->len, .filter = prog->filter};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0)
        return 0;
    /* The kernel lets a process filter itself only under no_new_privs or
     * with CAP_SYS_ADMIN: otherwise a filter could mislead a setuid
     * program it then executes. */
    if (errno == EACCES)
        return rp_step_error(err, RP_STEP_SECCOMP, EACCES,
                             "loading the filter needs process.no_new_privileges: true (or "
                             "cap_sys_admin kept)");
    return rp_step_error(err, RP_STEP_SECCOMP, errno, "loading the filter");
}

void rp_seccomp_prog_free(struct rp_seccomp_prog *prog)
{
    free(prog->filter);
    *prog = (struct rp_seccomp_prog){0};
}
