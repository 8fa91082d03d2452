/* SPDX-License-Identifier: Apache-2.0 */
/* config.json's "linux" object: namespaces, id maps, time offsets,
 * sysctls, resources (every cgroup item in linux.resources.unified, and
 * in the structured fields where one means exactly the same), seccomp in
 * the spec's JSON, and the read-only paths of proc. */
#include "export_oci.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error_internal.h"
#include "names.h"

/* The spec's names, in enum rp_ns_kind's order. */
static const char *const oci_ns_names[RP_NS_COUNT] = {
    [RP_NS_USER] = "user", [RP_NS_PID] = "pid",     [RP_NS_NET] = "network",
    [RP_NS_IPC] = "ipc",   [RP_NS_UTS] = "uts",     [RP_NS_CGROUP] = "cgroup",
    [RP_NS_TIME] = "time", [RP_NS_MOUNT] = "mount",
};

static int write_namespaces(struct oci_ctx *c, struct rp_json *j)
{
    const struct rp_ns_plan *ns = &c->plan->ns;
    rp_json_array(j, "namespaces");
    for (int k = 0; k < RP_NS_COUNT; k++) {
        const struct rp_ns_setting *s = &ns->ns[k];
        if (s->mode == RP_NS_HOST)
            continue;
        /* A time namespace without offsets reads the host's clocks: left
         * out, for runtimes without time namespaces (runc 1.1). */
        if (k == RP_NS_TIME && s->mode == RP_NS_NEW && !ns->set_time_offsets) {
            oci_note(c, "namespaces.time",
                     "new, without offsets: left out (the clocks read the same)");
            continue;
        }
        struct stat st;
        if (s->mode == RP_NS_JOIN && stat(s->path, &st) < 0)
            return rp_error_set(c->err, errno, "%s:%d:%d: namespaces.%s: %s", c->plan->node->file,
                                s->pos.line, s->pos.column, rp_ns_name((enum rp_ns_kind)k),
                                s->path);
        rp_json_object(j, NULL);
        rp_json_str(j, "type", oci_ns_names[k]);
        if (s->mode == RP_NS_JOIN)
            rp_json_str(j, "path", s->path);
        rp_json_end_object(j);
    }
    rp_json_end_array(j);
    return 0;
}

static void write_time_offsets(struct rp_json *j, const struct rp_ns_plan *ns)
{
    rp_json_object(j, "timeOffsets");
    rp_json_object(j, "monotonic");
    rp_json_i64(j, "secs", ns->time_monotonic);
    rp_json_u64(j, "nanosecs", 0);
    rp_json_end_object(j);
    rp_json_object(j, "boottime");
    rp_json_i64(j, "secs", ns->time_boottime);
    rp_json_u64(j, "nanosecs", 0);
    rp_json_end_object(j);
    rp_json_end_object(j);
}

/* The plan's sysctls are /proc/sys paths; the spec names them dotted. */
static void write_sysctl(struct rp_json *j, const struct rp_ns_plan *ns)
{
    rp_json_object(j, "sysctl");
    for (size_t i = 0; i < ns->n_sysctl; i++) {
        const char *k = ns->sysctl[i].key;
        if (strncmp(k, "/proc/sys/", 10) == 0)
            k += 10;
        char name[256];
        snprintf(name, sizeof(name), "%s", k);
        for (char *p = name; *p; p++)
            if (*p == '/')
                *p = '.';
        rp_json_str(j, name, ns->sysctl[i].value);
    }
    rp_json_end_object(j);
}

/* A cgroup value as the spec's int64: "max" is -1. */
static int64_t cg_int(const char *v)
{
    return strcmp(v, "max") == 0 ? -1 : (int64_t)strtoll(v, NULL, 10);
}

/* The structured fields that say exactly what one item says; the rest
 * (weights, memory.high, swap, io.max, oom.group, the partition) are in
 * unified only: the structured ones are cgroup v1's units (shares, swap
 * as memory plus swap), which the runtimes convert with a loss. */
static void write_structured(struct rp_json *j, const struct rp_cgroup_plan *cg)
{
    const struct rp_cgroup_write *mem_max = NULL, *mem_low = NULL, *pids = NULL, *cpus = NULL,
                                 *mems = NULL, *cpu_max = NULL;
    for (size_t i = 0; i < cg->n_writes; i++) {
        const struct rp_cgroup_write *w = &cg->writes[i];
        switch (w->kind) {
        case RP_CG_MEMORY_MAX: mem_max = w; break;
        case RP_CG_MEMORY_LOW: mem_low = w; break;
        case RP_CG_PIDS_MAX: pids = w; break;
        case RP_CG_CPUSET_CPUS: cpus = w; break;
        case RP_CG_CPUSET_MEMS: mems = w; break;
        case RP_CG_CPU_MAX: cpu_max = w; break;
        default: break;
        }
    }
    if (mem_max || mem_low) {
        rp_json_object(j, "memory");
        if (mem_max)
            rp_json_i64(j, "limit", cg_int(mem_max->value));
        if (mem_low)
            rp_json_i64(j, "reservation", cg_int(mem_low->value));
        rp_json_end_object(j);
    }
    if (cpus || mems || cpu_max) {
        rp_json_object(j, "cpu");
        if (cpu_max) {
            char quota[32] = "";
            unsigned long long period = 100000;
            sscanf(cpu_max->value, "%31s %llu", quota, &period);
            rp_json_i64(j, "quota", cg_int(quota));
            rp_json_u64(j, "period", period);
        }
        if (cpus)
            rp_json_str(j, "cpus", cpus->value);
        if (mems)
            rp_json_str(j, "mems", mems->value);
        rp_json_end_object(j);
    }
    if (pids) {
        rp_json_object(j, "pids");
        rp_json_i64(j, "limit", cg_int(pids->value));
        rp_json_end_object(j);
    }
}

static void write_resources(struct oci_ctx *c, struct rp_json *j)
{
    const struct rp_cgroup_plan *cg = &c->plan->cgroup;
    if (cg->n_writes == 0)
        return;
    rp_json_object(j, "resources");
    write_structured(j, cg);
    rp_json_object(j, "unified");
    for (size_t i = 0; i < cg->n_writes; i++) {
        const struct rp_cgroup_write *w = &cg->writes[i];
        /* io.max written per device: one file, one line each. */
        size_t len = strlen(w->value) + 1;
        char *all = strdup(w->value);
        for (size_t k = i + 1; all && k < cg->n_writes; k++)
            if (!strcmp(cg->writes[k].file, w->file)) {
                char *more = realloc(all, len + strlen(cg->writes[k].value) + 1);
                if (!more)
                    break;
                all = more;
                strcat(strcat(all, "\n"), cg->writes[k].value);
                len = strlen(all) + 1;
            }
        bool seen = false;
        for (size_t k = 0; k < i; k++)
            seen |= !strcmp(cg->writes[k].file, w->file);
        if (!seen && all)
            rp_json_str(j, w->file, all);
        free(all);
    }
    rp_json_end_object(j);
    rp_json_end_object(j);
    if (!cg->required)
        oci_note(c, "cgroup.required",
                 "false: the runtime fails when a limit cannot be set, where redwrap warns");
}

static const char *sc_action(enum rp_seccomp_action a)
{
    switch (a) {
    case RP_SC_ALLOW: return "SCMP_ACT_ALLOW";
    case RP_SC_KILL_THREAD: return "SCMP_ACT_KILL_THREAD";
    case RP_SC_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
    case RP_SC_TRAP: return "SCMP_ACT_TRAP";
    case RP_SC_LOG: return "SCMP_ACT_LOG";
    case RP_SC_ERRNO:
    case RP_SC_REPORT: return "SCMP_ACT_ERRNO";
    }
    return "SCMP_ACT_ERRNO";
}

static const char *sc_op(enum rp_seccomp_op op)
{
    static const char *const names[] = {
        [RP_SC_EQ] = "SCMP_CMP_EQ",
        [RP_SC_NE] = "SCMP_CMP_NE",
        [RP_SC_LT] = "SCMP_CMP_LT",
        [RP_SC_LE] = "SCMP_CMP_LE",
        [RP_SC_GT] = "SCMP_CMP_GT",
        [RP_SC_GE] = "SCMP_CMP_GE",
        [RP_SC_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
    };
    return names[op];
}

/* Whether a rule allows ioctl with no condition: the terminal rules then
 * cannot share its filter (libseccomp keeps one action per syscall
 * without arguments), where redwrap loads them as a filter of their own. */
static bool ioctl_allowed_outright(const struct rp_seccomp_plan *sp)
{
    for (size_t i = 0; i < sp->n_rules; i++)
        for (size_t k = 0; k < sp->rules[i].names.n; k++)
            if (!strcmp(sp->rules[i].names.v[k], "ioctl") && sp->rules[i].n_args == 0)
                return true;
    return false;
}

static void write_rule(struct oci_ctx *c, struct rp_json *j, const struct rp_seccomp_rule *r)
{
    size_t known = 0;
    for (size_t k = 0; k < r->names.n; k++)
        known += rp_syscall_lookup(r->names.v[k]) >= 0;
    if (known == 0)
        return;
    rp_json_object(j, NULL);
    rp_json_array(j, "names");
    for (size_t k = 0; k < r->names.n; k++)
        /* As redwrap does: a name this architecture lacks is left out
         * (the same node file serves x86_64 and arm64). */
        if (rp_syscall_lookup(r->names.v[k]) >= 0)
            rp_json_str(j, NULL, r->names.v[k]);
    rp_json_end_array(j);
    rp_json_str(j, "action", sc_action(r->action));
    if (r->action == RP_SC_ERRNO)
        rp_json_u64(j, "errnoRet", (uint64_t)r->errnum);
    if (r->n_args) {
        rp_json_array(j, "args");
        for (size_t a = 0; a < r->n_args; a++) {
            const struct rp_seccomp_arg *arg = &r->args[a];
            rp_json_object(j, NULL);
            rp_json_u64(j, "index", arg->index);
            /* libseccomp's masked_eq: the mask first, then the value. */
            if (arg->op == RP_SC_MASKED_EQ) {
                rp_json_u64(j, "value", arg->mask);
                rp_json_u64(j, "valueTwo", arg->value);
            } else {
                rp_json_u64(j, "value", arg->value);
            }
            rp_json_str(j, "op", sc_op(arg->op));
            rp_json_end_object(j);
        }
        rp_json_end_array(j);
    }
    rp_json_end_object(j);
    (void)c;
}

static void write_seccomp(struct oci_ctx *c, struct rp_json *j)
{
    const struct rp_seccomp_plan *sp = &c->plan->seccomp;
    if (!sp->enabled) {
        oci_note(c, "seccomp",
                 "no section: no filter; redwrap's terminal rules (ioctl TIOCSTI, TIOCLINUX) "
                 "are replaced by the runtime's new session");
        return;
    }
    rp_json_object(j, "seccomp");
    rp_json_str(j, "defaultAction", sc_action(sp->default_action));
    if (sp->default_action == RP_SC_ERRNO || sp->default_action == RP_SC_REPORT)
        rp_json_u64(j, "defaultErrnoRet", (uint64_t)sp->default_errno);
    rp_json_array(j, "syscalls");
    for (size_t i = 0; i < sp->n_rules; i++)
        write_rule(c, j, &sp->rules[i]);
    bool outright = ioctl_allowed_outright(sp);
    for (size_t i = 0; !outright && i < sp->n_terminal; i++)
        write_rule(c, j, &sp->terminal[i]);
    rp_json_end_array(j);
    rp_json_end_object(j);
    if (sp->default_action == RP_SC_REPORT)
        oci_note(c, "seccomp.default_action",
                 "report: written as errno %s; the runtime does not log the syscall's name",
                 rp_errno_name(sp->default_errno));
    if (outright)
        oci_note(c, "seccomp",
                 "ioctl is allowed outright: redwrap's terminal rules (TIOCSTI, TIOCLINUX: "
                 "EPERM), a second filter there, cannot join it; process.terminal is false");
}

/* What redwrap binds read-only in every proc it mounts (apply/mount_proc.c). */
static void write_readonly_paths(struct oci_ctx *c, struct rp_json *j)
{
    static const char *const entries[] = {"sys", "sysrq-trigger", "irq", "bus", "fs"};
    const struct rp_mount_plan *m = &c->plan->mount;
    rp_json_array(j, "readonlyPaths");
    for (size_t i = 0; i < m->n; i++) {
        if (m->steps[i].op != RP_MOP_PROC)
            continue;
        for (size_t e = 0; e < sizeof(entries) / sizeof(entries[0]); e++) {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s",
                     strcmp(m->steps[i].path, "/") ? m->steps[i].path : "", entries[e]);
            rp_json_str(j, NULL, path);
        }
    }
    rp_json_end_array(j);
    rp_json_array(j, "maskedPaths");
    rp_json_end_array(j);
}

int oci_write_linux(struct oci_ctx *c, struct rp_json *j)
{
    const struct rp_plan *p = c->plan;
    rp_json_object(j, "linux");
    int r = write_namespaces(c, j);
    if (r < 0)
        return r;
    if (c->userns) {
        oci_write_id_mappings(j, "uidMappings", c->uid_map, c->n_uid_map);
        oci_write_id_mappings(j, "gidMappings", c->gid_map, c->n_gid_map);
        if (p->ns.private_uid_range || p->ns.private_gid_range)
            oci_note(c, "user_namespace",
                     "redwrap picks a private range of host ids at every start; the bundle's "
                     "is fixed at %u (--id-base)",
                     (unsigned)c->uid_map[0].outside);
    }
    if (p->ns.identity)
        oci_note(c, "user_namespace", "identity: uid 0 inside is the host's root");
    if (p->ns.set_time_offsets) {
        write_time_offsets(j, &p->ns);
        oci_note(c, "time_offsets",
                 "in linux.timeOffsets (runtime-spec 1.1): a runtime that predates it runs "
                 "the node without them or refuses the time namespace");
    }
    write_sysctl(j, &p->ns);
    write_resources(c, j);
    if (p->cgroup.parent) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/redpak-%s", p->cgroup.parent, p->node->name);
        rp_json_str(j, "cgroupsPath", path);
        oci_note(c, "cgroup.parent",
                 "the runtime uses cgroupsPath %s as it is, without redwrap's unique suffix "
                 "per start",
                 path);
    }
    write_seccomp(c, j);
    write_readonly_paths(c, j);
    rp_json_end_object(j);
    return 0;
}
