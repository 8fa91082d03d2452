/* SPDX-License-Identifier: Apache-2.0 */
/* The workload's process, as printed: rlimits, umask, cwd, environment and
 * init; its identity; no_new_privs; the execve and what redwrap does until
 * the node ends. */
#include "plan_print.h"

#include <inttypes.h>
#include <stdlib.h>

#include "enum_names.h"
#include "names.h"

void plan_print_process(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_process_plan *pp = &p->process;

    for (size_t i = 0; i < pp->n_rlimits; i++) {
        const struct rp_rlimit *r = &pp->rlimits[i];
        char soft[24] = "unlimited", hard[24] = "unlimited";
        const char *name = rp_rlimit_name(r->resource);
        if (r->soft != UINT64_MAX)
            snprintf(soft, sizeof(soft), "%" PRIu64, r->soft);
        if (r->hard != UINT64_MAX)
            snprintf(hard, sizeof(hard), "%" PRIu64, r->hard);
        emit_step(e, "rlimit");
        emit_origin(e, &r->pos);
        emit_str(e, "name", name);
        emit_str(e, "soft", soft);
        emit_str(e, "hard", hard);
        emit_line(e, "setrlimit %s soft %s hard %s", name ? name : "?", soft, hard);
    }
    emit_step(e, "umask");
    emit_origin(e, &p->node->process.umask_pos);
    emit_mode(e, "umask", pp->umask);
    emit_line(e, "umask %04o", (unsigned)pp->umask);
    emit_step(e, "chdir");
    emit_origin(e, &p->node->process.cwd_pos);
    emit_str(e, "path", pp->cwd);
    emit_line(e, "chdir %s", pp->cwd);
    emit_step(e, "env-clear");
    emit_bool(e, "clear", pp->env_clear);
    emit_line(e, "%s",
              pp->env_clear ? "start from an empty environment"
                            : "start from redwrap's environment");
    for (size_t i = 0; i < pp->n_env_set; i++) {
        emit_step(e, "env-set");
        emit_origin(e, &pp->env_set[i].pos);
        emit_str(e, "name", pp->env_set[i].key);
        emit_str(e, "value", pp->env_set[i].value);
        emit_line(e, "setenv %s=%s", pp->env_set[i].key, pp->env_set[i].value);
    }
    for (size_t i = 0; i < pp->n_env_pass; i++) {
        emit_step(e, "env-pass");
        emit_str(e, "name", pp->env_pass[i]);
        emit_line(e, "pass %s from redwrap's environment if set", pp->env_pass[i]);
    }
    emit_step(e, "close-fds");
    emit_line(e, "close every inherited file descriptor but 0, 1 and 2");
    emit_step(e, "init");
    emit_bool(e, "init", pp->init);
    emit_str(e, "wait", rp_wait_mode_name(pp->wait));
    emit_bool(e, "die_with_parent", pp->die_with_parent);
    emit_line(e, "%s; the node ends %s%s",
              pp->init ? "a small init is PID 1: it forks the workload, reaps, forwards signals"
                       : "the workload is PID 1 itself",
              pp->wait == RP_WAIT_ALL ? "when its last process ends" : "when the workload ends",
              pp->die_with_parent ? "; it is killed if redwrap dies" : "");
}

void plan_print_identity(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_process_plan *pp = &p->process;
    struct linebuf t = {0};

    emit_step(e, "setgroups");
    emit_ids(e, "groups", pp->groups, pp->n_groups);
    for (size_t i = 0; i < pp->n_groups; i++)
        linebuf_add(&t, e, " %u", (unsigned)pp->groups[i]);
    if (p->ns.deny_setgroups)
        emit_line(e, "keep the supplementary groups (setgroups is denied in this user namespace)");
    else
        emit_line(e, "setgroups%s", pp->n_groups ? linebuf_get(&t) : " (none)");
    free(t.s);
    emit_step(e, "setgid");
    emit_u64(e, "gid", pp->gid);
    emit_line(e, "setgid %u", (unsigned)pp->gid);
    emit_step(e, "setuid");
    emit_u64(e, "uid", pp->uid);
    emit_line(e, "setuid %u", (unsigned)pp->uid);
}

void plan_print_nnp(struct plan_emit *e, const struct rp_plan *p)
{
    emit_step(e, "no_new_privs");
    emit_origin(e, &p->node->process.no_new_privileges_pos);
    emit_bool(e, "set", p->process.no_new_privileges);
    emit_line(e, "%s",
              p->process.no_new_privileges
                  ? "prctl(PR_SET_NO_NEW_PRIVS): execve grants no privilege again"
                  : "not set (process.no_new_privileges: false)");
}

void plan_print_supervise(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_process_plan *pp = &p->process;
    struct linebuf t = {0};
    size_t argc = 0;

    for (; pp->argv && pp->argv[argc]; argc++)
        linebuf_add(&t, e, "%s%s", argc ? " " : "", pp->argv[argc]);
    emit_step(e, "execve");
    emit_strings(e, "argv", pp->argv, argc);
    emit_line(e, "execve %s", argc ? linebuf_get(&t) : "the command given after --");
    free(t.s);
    emit_step(e, "supervise");
    emit_line(e,
              "forward SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 SIGWINCH to the node, "
              "reap, exit with the workload's status (128+N for signal N)");
    emit_step(e, "teardown");
    emit_line(e,
              "kill what is left in the node's cgroup, remove the cgroup and what redwrap "
              "created at run time");
}
