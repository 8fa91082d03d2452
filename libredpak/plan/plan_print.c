/* rp_plan_print: the plans as numbered steps under the thirteen headings
 * of the fixed order (architecture.md), one line each, so that what
 * redwrap will do can be read (and tested) before anything is done. The
 * same walk feeds the JSON form; see plan_emit.h. */
#include "plan_emit.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "names.h"
#include "step.h"

static bool is_json(const struct plan_emit *e)
{
    return e->format == RP_PLAN_JSON;
}

/* The heading of a step of the fixed order: its number and its name are
 * core/step.h's. */
static void section(struct plan_emit *e, enum rp_step s)
{
    const char *name = rp_step_name(s);
    e->section = s;
    e->step = 0;
    if (is_json(e))
        json_section(e, name);
    else
        fprintf(e->out, "%u %s\n", e->section, name);
}

static void step(struct plan_emit *e, const char *op)
{
    e->step++;
    if (is_json(e))
        json_step(e, op);
}

/* Ends a step with its line. */
static void __attribute__((format(printf, 2, 3))) line(struct plan_emit *e, const char *fmt, ...)
{
    char *buf = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&buf, fmt, ap);
    va_end(ap);
    if (r < 0) {
        e->failed = true;
        return;
    }
    if (is_json(e))
        json_step_end(e, buf);
    else
        fprintf(e->out, "%u.%u %s\n", e->section, e->step, buf);
    free(buf);
}

/* A list of any length (a base profile's syscalls, argv, id maps) is
 * built in memory before it becomes part of a line. */
struct text {
    char *s;
    size_t len, cap;
};

static void __attribute__((format(printf, 3, 4)))
text_add(struct text *t, struct plan_emit *e, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = t->s ? vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap) : -1;
        va_end(ap);
        if (n >= 0 && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (n > 0 ? (size_t)n : 0) + 64;
        char *bigger = realloc(t->s, cap);
        if (!bigger) {
            e->failed = true;
            return;
        }
        t->s = bigger;
        t->cap = cap;
        t->s[t->len] = '\0';
    }
}

static const char *text_get(const struct text *t)
{
    return t->s ? t->s : "";
}

static void f_str(struct plan_emit *e, const char *key, const char *v)
{
    if (is_json(e))
        json_str(e, key, v);
}

static void f_u64(struct plan_emit *e, const char *key, uint64_t v)
{
    if (is_json(e))
        json_u64(e, key, v);
}

static void f_bool(struct plan_emit *e, const char *key, bool v)
{
    if (is_json(e))
        json_bool(e, key, v);
}

static void f_mode(struct plan_emit *e, const char *key, mode_t mode)
{
    char buf[8];
    snprintf(buf, sizeof(buf), "%04o", (unsigned)mode);
    f_str(e, key, buf);
}

/* Bytes as written in a node: "64M" when it divides evenly. */
static const char *size_text(uint64_t bytes, char buf[32])
{
    static const char unit[] = "GMK";
    for (int i = 0; i < 3; i++) {
        uint64_t scale = 1ull << (10 * (3 - i));
        if (bytes && bytes % scale == 0) {
            snprintf(buf, 32, "%" PRIu64 "%c", bytes / scale, unit[i]);
            return buf;
        }
    }
    snprintf(buf, 32, "%" PRIu64, bytes);
    return buf;
}

static const char *flags_text(unsigned long flags, char buf[64])
{
    buf[0] = '\0';
    if (flags & MS_NOSUID)
        strcat(buf, ",nosuid");
    if (flags & MS_NODEV)
        strcat(buf, ",nodev");
    if (flags & MS_NOEXEC)
        strcat(buf, ",noexec");
    return buf[0] ? buf + 1 : buf;
}

static const char *caps_text(uint64_t mask, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (!mask)
        return "none";
    if (mask == rp_cap_all_mask())
        return "all";
    for (int cap = 0; cap < 64 && used < len; cap++) {
        if (!(mask & (1ull << cap)))
            continue;
        const char *name = rp_cap_name(cap);
        int w = name ? snprintf(buf + used, len - used, "%s%s", used ? " " : "", name)
                     : snprintf(buf + used, len - used, "%s%d", used ? " " : "", cap);
        if (w > 0)
            used += (size_t)w;
    }
    return buf;
}

static void none(struct plan_emit *e, const char *why)
{
    step(e, "none");
    line(e, "nothing to do: %s", why);
}

static void print_prepare(struct plan_emit *e, const struct rp_plan *p)
{
    step(e, "parse");
    f_str(e, "file", p->node->file);
    f_str(e, "node", p->node->name);
    line(e, "parse and validate %s: node %s", p->node->file, p->node->name);
    step(e, "resolve");
    f_u64(e, "uid", p->process.uid);
    f_u64(e, "gid", p->process.gid);
    line(e, "resolve users and groups: the workload runs as uid %u, gid %u inside the node",
         (unsigned)p->process.uid, (unsigned)p->process.gid);
    if (p->seccomp.enabled) {
        step(e, "seccomp-compile");
        f_u64(e, "rules", p->seccomp.n_rules);
        line(e, "compile the seccomp filter (%zu rules)", p->seccomp.n_rules);
    }
}

static void print_host(struct plan_emit *e, const struct rp_plan *p)
{
    if (!p->n_host)
        none(e, "the node changes nothing outside itself");
    for (size_t i = 0; i < p->n_host; i++) {
        const struct rp_host_step *s = &p->host[i];
        char owner[48] = "";
        if (s->op == RP_HOST_SYSCTL) {
            step(e, "sysctl");
            f_str(e, "path", s->path);
            f_str(e, "value", s->value);
            line(e, "host sysctl %s = %s", s->path, s->value);
            continue;
        }
        step(e, "mkdir");
        f_str(e, "path", s->path);
        f_mode(e, "mode", s->mode);
        if (s->has_owner) {
            f_u64(e, "uid", s->uid);
            f_u64(e, "gid", s->gid);
            snprintf(owner, sizeof(owner), ", owner %u:%u on the host", (unsigned)s->uid,
                     (unsigned)s->gid);
        }
        line(e, "mkdir %s on the host if missing (mode %04o%s)", s->path, (unsigned)s->mode,
             owner);
    }
}

static void print_cgroup(struct plan_emit *e, const struct rp_plan *p)
{
    static const char *const ctrl[] = {"cpuset", "cpu", "io", "memory", "pids"};
    const struct rp_cgroup_plan *cg = &p->cgroup;
    char names[64] = "";
    char *list[5];
    size_t n = 0;

    step(e, "create");
    f_str(e, "parent", cg->parent);
    f_str(e, "name", cg->name);
    f_bool(e, "required", cg->required);
    f_bool(e, "section_present", cg->section_present);
    line(e, "create cgroup redpak-%s-<pid>-<random> under %s (%s)", cg->name,
         cg->parent ? cg->parent : "the cgroup redwrap runs in",
         cg->required ? "required: a failure stops the node"
                      : "not required: where none can be made, the pid namespace ends "
                        "the node's processes");
    for (int i = 0; i < 5; i++) {
        if (!(cg->controllers & (1u << i)))
            continue;
        list[n++] = (char *)ctrl[i];
        strcat(names, n > 1 ? " " : "");
        strcat(names, ctrl[i]);
    }
    if (n) {
        step(e, "enable");
        if (is_json(e))
            json_strings(e, "controllers", list, n);
        line(e, "enable controllers %s in %s", names,
             cg->parent ? cg->parent : "the parent cgroup");
    }
    for (size_t i = 0; i < cg->n_writes; i++) {
        step(e, "write");
        f_str(e, "file", cg->writes[i].file);
        f_str(e, "value", cg->writes[i].value);
        line(e, "write %s = %s", cg->writes[i].file, cg->writes[i].value);
    }
}

static void print_clone(struct plan_emit *e, const struct rp_plan *p)
{
    static const struct { int flag; const char *name; } flags[] = {
        {CLONE_NEWUSER, "CLONE_NEWUSER"}, {CLONE_NEWPID, "CLONE_NEWPID"},
        {CLONE_NEWNET, "CLONE_NEWNET"}, {CLONE_NEWIPC, "CLONE_NEWIPC"},
        {CLONE_NEWUTS, "CLONE_NEWUTS"}, {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
        {CLONE_NEWTIME, "CLONE_NEWTIME"}, {CLONE_NEWNS, "CLONE_NEWNS"},
    };
    char text[256] = "";
    char *names[8];
    size_t n = 0;

    for (size_t i = 0; i < 8; i++) {
        if (!(p->ns.clone_flags & flags[i].flag))
            continue;
        names[n++] = (char *)flags[i].name;
        strcat(text, n > 1 ? "|" : "");
        strcat(text, flags[i].name);
    }
    step(e, "clone");
    f_u64(e, "flags", (unsigned)p->ns.clone_flags);
    if (is_json(e))
        json_strings(e, "namespaces", names, n);
    line(e, "clone the node's first process with %s, into the node's cgroup",
         n ? text : "no new namespace");
}

static void map_line(struct plan_emit *e, const char *file, const struct rp_id_map *m,
                     size_t n)
{
    struct text t = {0};
    for (size_t i = 0; i < n; i++)
        text_add(&t, e, "%s%u %u %u", i ? ", " : "", m[i].inside, m[i].outside, m[i].count);
    line(e, "write %s %s", file, text_get(&t));
    free(t.s);
}

static void print_maps(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_ns_plan *ns = &p->ns;

    if (ns->ns[RP_NS_USER].mode != RP_NS_NEW && !ns->set_time_offsets)
        none(e, ns->ns[RP_NS_USER].mode == RP_NS_HOST ? "the host's user namespace"
                                                      : "the joined user namespace has its maps");
    if (ns->ns[RP_NS_USER].mode == RP_NS_NEW) {
        if (ns->deny_setgroups) {
            step(e, "setgroups-deny");
            line(e, "write deny to setgroups (an unprivileged gid_map needs it)");
        }
        step(e, "gid_map");
        if (is_json(e))
            json_idmap(e, "ranges", ns->gid_map, ns->n_gid_map);
        map_line(e, "gid_map", ns->gid_map, ns->n_gid_map);
        step(e, "uid_map");
        if (is_json(e))
            json_idmap(e, "ranges", ns->uid_map, ns->n_uid_map);
        map_line(e, "uid_map", ns->uid_map, ns->n_uid_map);
    }
    if (ns->set_time_offsets) {
        step(e, "time-offsets");
        if (is_json(e)) {
            json_i64(e, "monotonic", ns->time_monotonic);
            json_i64(e, "boottime", ns->time_boottime);
        }
        line(e, "write timens_offsets monotonic %" PRId64 " boottime %" PRId64,
             ns->time_monotonic, ns->time_boottime);
    }
}

static void print_namespaces(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_ns_plan *ns = &p->ns;
    size_t before;

    before = e->step;
    for (int k = 0; k < RP_NS_COUNT; k++) {
        if (ns->ns[k].mode != RP_NS_JOIN)
            continue;
        step(e, "join");
        f_str(e, "namespace", rp_ns_name((enum rp_ns_kind)k));
        f_str(e, "path", ns->ns[k].path);
        line(e, "join the %s namespace %s", rp_ns_name((enum rp_ns_kind)k), ns->ns[k].path);
    }
    if (ns->hostname) {
        step(e, "hostname");
        f_str(e, "value", ns->hostname);
        line(e, "set hostname %s", ns->hostname);
    }
    if (ns->domainname) {
        step(e, "domainname");
        f_str(e, "value", ns->domainname);
        line(e, "set domainname %s", ns->domainname);
    }
    if (ns->loopback_up) {
        step(e, "loopback-up");
        line(e, "bring lo up in the new network namespace");
    }
    for (size_t i = 0; i < ns->n_sysctl; i++) {
        step(e, "sysctl");
        f_str(e, "path", ns->sysctl[i].key);
        f_str(e, "value", ns->sysctl[i].value);
        line(e, "sysctl %s = %s", ns->sysctl[i].key, ns->sysctl[i].value);
    }
    if (e->step == before)
        none(e, "no namespace to join or set up");
}

static const char *owner_text(const struct rp_mount_step *s, char buf[48])
{
    if (!s->has_owner)
        return "";
    snprintf(buf, 48, ", owner %u:%u", (unsigned)s->uid, (unsigned)s->gid);
    return buf;
}

static void mount_fields(struct plan_emit *e, const struct rp_mount_step *s)
{
    f_str(e, "path", s->path);
    if (s->source)
        f_str(e, "source", s->source);
    if (s->target)
        f_str(e, "target", s->target);
    if (s->op == RP_MOP_FILE && is_json(e))
        json_strn(e, "content", s->content, s->content_len);
    if (s->op == RP_MOP_ROOT_TMPFS || s->op == RP_MOP_TMPFS)
        f_u64(e, "size", s->size);
    if (s->op == RP_MOP_ROOT_TMPFS || s->op == RP_MOP_TMPFS || s->op == RP_MOP_DIR ||
        s->op == RP_MOP_FILE)
        f_mode(e, "mode", s->mode);
    if (s->has_owner) {
        f_u64(e, "uid", s->uid);
        f_u64(e, "gid", s->gid);
    }
    f_u64(e, "flags", s->flags);
    f_bool(e, "readonly", s->readonly);
    f_bool(e, "optional", s->optional);
    f_bool(e, "recursive", (s->flags & MS_REC) != 0);
}

static void print_mount_step(struct plan_emit *e, const struct rp_mount_step *s)
{
    static const char *const op[] = {
        [RP_MOP_ROOT_TMPFS] = "root-tmpfs", [RP_MOP_ROOT_BIND] = "root-bind",
        [RP_MOP_BIND] = "bind", [RP_MOP_PROC] = "proc", [RP_MOP_DEV] = "dev",
        [RP_MOP_MQUEUE] = "mqueue", [RP_MOP_SYMLINK] = "symlink", [RP_MOP_DIR] = "dir",
        [RP_MOP_FILE] = "file", [RP_MOP_TMPFS] = "tmpfs", [RP_MOP_PIVOT_ROOT] = "pivot_root",
        [RP_MOP_REMOUNT_RO] = "remount-ro",
    };
    char sz[32], fl[64], own[48];
    const char *size = s->size ? size_text(s->size, sz) : "kernel default";

    step(e, op[s->op]);
    mount_fields(e, s);
    switch (s->op) {
    case RP_MOP_ROOT_TMPFS:
        line(e, "mount tmpfs as the new root (size %s, mode %04o) [%s]", size,
             (unsigned)s->mode, flags_text(s->flags, fl));
        break;
    case RP_MOP_ROOT_BIND:
        line(e, "overlay of %s as the new root (the image read-only below, the node's "
             "writes on a tmpfs above) [%s]", s->source, flags_text(s->flags, fl));
        break;
    case RP_MOP_BIND:
        line(e, "bind %s -> %s (%s, recursive%s) [%s]", s->source, s->path,
             s->readonly ? "read-only" : "read-write",
             s->optional ? ", optional: skipped when the source is missing" : "",
             flags_text(s->flags, fl));
        break;
    case RP_MOP_PROC:
        line(e, "mount proc on %s [%s]", s->path, flags_text(s->flags, fl));
        break;
    case RP_MOP_DEV:
        line(e, "mount a minimal /dev on %s (null zero full random urandom tty, pts, ptmx, "
             "shm, fd links) [%s]", s->path, flags_text(s->flags, fl));
        break;
    case RP_MOP_MQUEUE:
        line(e, "mount mqueue on %s [%s]", s->path, flags_text(s->flags, fl));
        break;
    case RP_MOP_SYMLINK:
        line(e, "symlink %s -> %s", s->path, s->target);
        break;
    case RP_MOP_DIR:
        line(e, "mkdir %s (mode %04o%s)", s->path, (unsigned)s->mode, owner_text(s, own));
        break;
    case RP_MOP_FILE:
        line(e, "write file %s (%zu bytes, mode %04o%s%s)", s->path, s->content_len,
             (unsigned)s->mode, owner_text(s, own), s->readonly ? ", read-only" : "");
        break;
    case RP_MOP_TMPFS:
        line(e, "mount tmpfs on %s (size %s, mode %04o%s) [%s]", s->path, size,
             (unsigned)s->mode, owner_text(s, own), flags_text(s->flags, fl));
        break;
    case RP_MOP_PIVOT_ROOT:
        line(e, "pivot_root into the new root, detach the old root");
        break;
    case RP_MOP_REMOUNT_RO:
        line(e, "remount %s read-only%s", s->path,
             s->flags & MS_REC ? ", recursively (the node's own mounts below keep their setting)"
                               : "");
        break;
    }
}

static void print_mounts(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_mount_plan *plans[] = {&p->mount, &p->tmpfs, &p->finish};

    step(e, "propagation");
    line(e, "make every mount private, so that no mount event reaches the host");
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < plans[k]->n; i++)
            print_mount_step(e, &plans[k]->steps[i]);
}

static void print_process(struct plan_emit *e, const struct rp_plan *p)
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
        step(e, "rlimit");
        f_str(e, "name", name);
        f_str(e, "soft", soft);
        f_str(e, "hard", hard);
        line(e, "setrlimit %s soft %s hard %s", name ? name : "?", soft, hard);
    }
    step(e, "umask");
    f_mode(e, "umask", pp->umask);
    line(e, "umask %04o", (unsigned)pp->umask);
    step(e, "chdir");
    f_str(e, "path", pp->cwd);
    line(e, "chdir %s", pp->cwd);
    step(e, "env-clear");
    f_bool(e, "clear", pp->env_clear);
    line(e, "%s", pp->env_clear ? "start from an empty environment"
                                : "start from redwrap's environment");
    for (size_t i = 0; i < pp->n_env_set; i++) {
        step(e, "env-set");
        f_str(e, "name", pp->env_set[i].key);
        f_str(e, "value", pp->env_set[i].value);
        line(e, "setenv %s=%s", pp->env_set[i].key, pp->env_set[i].value);
    }
    for (size_t i = 0; i < pp->n_env_pass; i++) {
        step(e, "env-pass");
        f_str(e, "name", pp->env_pass[i]);
        line(e, "pass %s from redwrap's environment if set", pp->env_pass[i]);
    }
    step(e, "close-fds");
    line(e, "close every inherited file descriptor but 0, 1 and 2");
    step(e, "init");
    f_bool(e, "init", pp->init);
    f_str(e, "wait", pp->wait == RP_WAIT_ALL ? "all" : "main");
    f_bool(e, "die_with_parent", pp->die_with_parent);
    line(e, "%s; the node ends %s%s",
         pp->init ? "a small init is PID 1: it forks the workload, reaps, forwards signals"
                  : "the workload is PID 1 itself",
         pp->wait == RP_WAIT_ALL ? "when its last process ends" : "when the workload ends",
         pp->die_with_parent ? "; it is killed if redwrap dies" : "");
}

static void print_identity(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_process_plan *pp = &p->process;
    struct text t = {0};

    step(e, "setgroups");
    if (is_json(e))
        json_ids(e, "groups", pp->groups, pp->n_groups);
    for (size_t i = 0; i < pp->n_groups; i++)
        text_add(&t, e, " %u", (unsigned)pp->groups[i]);
    if (p->ns.deny_setgroups)
        line(e, "keep the supplementary groups (setgroups is denied in this user namespace)");
    else
        line(e, "setgroups%s", pp->n_groups ? text_get(&t) : " (none)");
    free(t.s);
    step(e, "setgid");
    f_u64(e, "gid", pp->gid);
    line(e, "setgid %u", (unsigned)pp->gid);
    step(e, "setuid");
    f_u64(e, "uid", pp->uid);
    line(e, "setuid %u", (unsigned)pp->uid);
}

static void print_caps(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_caps_plan *cp = &p->caps;
    char buf[2048];

    if (!cp->set) {
        none(e, "no capabilities section: execve's rules apply (root of a new user "
                "namespace holds that namespace's full set)");
        return;
    }
    step(e, "bounding");
    f_u64(e, "mask", cp->bounding);
    line(e, "bounding set: keep %s", caps_text(cp->bounding, buf, sizeof(buf)));
    step(e, "sets");
    f_u64(e, "permitted", cp->permitted);
    f_u64(e, "effective", cp->effective);
    f_u64(e, "inheritable", cp->inheritable);
    f_bool(e, "in_user_ns", cp->in_user_ns);
    line(e, "permitted, effective, inheritable: %s%s",
         caps_text(cp->permitted, buf, sizeof(buf)),
         cp->in_user_ns ? " (of the node's user namespace)" : "");
    step(e, "ambient");
    f_u64(e, "mask", cp->ambient);
    line(e, "ambient: %s", caps_text(cp->ambient, buf, sizeof(buf)));
}

static void print_nnp(struct plan_emit *e, const struct rp_plan *p)
{
    step(e, "no_new_privs");
    f_bool(e, "set", p->process.no_new_privileges);
    line(e, "%s", p->process.no_new_privileges
                      ? "prctl(PR_SET_NO_NEW_PRIVS): execve grants no privilege again"
                      : "not set (process.no_new_privileges: false)");
}

static const char *action_text(enum rp_seccomp_action a, int errnum, char buf[48])
{
    const char *name = rp_seccomp_action_name(a);
    if (a != RP_SC_ERRNO)
        return name;
    const char *en = rp_errno_name(errnum);
    if (en)
        snprintf(buf, 48, "%s(%s)", name, en);
    else
        snprintf(buf, 48, "%s(%d)", name, errnum);
    return buf;
}

static void print_rule(struct plan_emit *e, const struct rp_seccomp_rule *r)
{
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">=", "&"};
    char act[48];
    struct text t = {0};

    for (size_t i = 0; i < r->names.n; i++)
        text_add(&t, e, "%s%s", i ? " " : "", r->names.v[i]);
    for (size_t i = 0; i < r->n_args; i++) {
        const struct rp_seccomp_arg *a = &r->args[i];
        if (a->op == RP_SC_MASKED_EQ)
            text_add(&t, e, " %s arg%u & %#" PRIx64 " == %" PRIu64, i ? "and" : "if",
                     a->index, a->mask, a->value);
        else
            text_add(&t, e, " %s arg%u %s %" PRIu64, i ? "and" : "if", a->index, ops[a->op],
                     a->value);
    }
    step(e, "rule");
    f_str(e, "action", rp_seccomp_action_name(r->action));
    if (r->action == RP_SC_ERRNO)
        f_u64(e, "errno", (unsigned)r->errnum);
    if (is_json(e)) {
        json_strings(e, "names", r->names.v, r->names.n);
        json_seccomp_args(e, r->args, r->n_args);
    }
    line(e, "%s: %s", action_text(r->action, r->errnum, act), text_get(&t));
    free(t.s);
}

static void print_seccomp(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_seccomp_plan *sp = &p->seccomp;
    char act[48];

    if (!sp->enabled) {
        none(e, "no seccomp section: no filter");
        return;
    }
    step(e, "load");
    f_str(e, "default_action", rp_seccomp_action_name(sp->default_action));
    f_u64(e, "default_errno", (unsigned)sp->default_errno);
    f_u64(e, "rules", sp->n_rules);
    line(e, "load the filter, last before execve: default action %s, %zu rules",
         action_text(sp->default_action, sp->default_errno, act), sp->n_rules);
    for (size_t i = 0; i < sp->n_rules; i++)
        print_rule(e, &sp->rules[i]);
}

static void print_supervise(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_process_plan *pp = &p->process;
    struct text t = {0};
    size_t argc = 0;

    for (; pp->argv && pp->argv[argc]; argc++)
        text_add(&t, e, "%s%s", argc ? " " : "", pp->argv[argc]);
    step(e, "execve");
    if (is_json(e))
        json_strings(e, "argv", pp->argv, argc);
    line(e, "execve %s", argc ? text_get(&t) : "the command given after --");
    free(t.s);
    step(e, "supervise");
    line(e, "forward SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 SIGWINCH to the node, "
            "reap, exit with the workload's status (128+N for signal N)");
    step(e, "teardown");
    line(e, "kill what is left in the node's cgroup, remove the cgroup and what redwrap "
            "created at run time");
}

typedef void step_printer(struct plan_emit *e, const struct rp_plan *p);

/* What each step of the fixed order prints under its heading. */
static step_printer *const printers[RP_STEP_COUNT + 1] = {
    [RP_STEP_PLAN] = print_prepare,
    [RP_STEP_HOST] = print_host,
    [RP_STEP_CGROUP] = print_cgroup,
    [RP_STEP_CLONE] = print_clone,
    [RP_STEP_ID_MAPS] = print_maps,
    [RP_STEP_NAMESPACES] = print_namespaces,
    [RP_STEP_MOUNTS] = print_mounts,
    [RP_STEP_PROCESS] = print_process,
    [RP_STEP_IDENTITY] = print_identity,
    [RP_STEP_CAPS] = print_caps,
    [RP_STEP_NO_NEW_PRIVS] = print_nnp,
    [RP_STEP_SECCOMP] = print_seccomp,
    [RP_STEP_SUPERVISE] = print_supervise,
};

int rp_plan_print(const struct rp_plan *plan, enum rp_plan_format format, FILE *out)
{
    struct plan_emit e = {.out = out, .format = format};

    if (!plan || !plan->node || !out)
        return -EINVAL;
    if (is_json(&e))
        json_begin(&e, plan);
    else
        fprintf(out, "node %s (%s): the steps redwrap applies, in order\n", plan->node->name,
                plan->node->file);
    for (enum rp_step s = RP_STEP_PLAN; s <= RP_STEP_COUNT; s++) {
        section(&e, s);
        printers[s](&e, plan);
    }
    if (is_json(&e))
        json_end(&e);
    if (e.failed)
        return -ENOMEM;
    return fflush(out) == EOF || ferror(out) ? -EIO : 0;
}
