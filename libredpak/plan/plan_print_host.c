/* SPDX-License-Identifier: Apache-2.0 */
/* The parent's work before the clone, as printed: parse, validate and plan;
 * the host plan; the cgroup plan. */
#include "plan_print.h"

#include <string.h>

#include "enum_names.h"

void plan_print_prepare(struct plan_emit *e, const struct rp_plan *p)
{
    emit_step(e, "parse");
    emit_str(e, "file", p->node->file);
    emit_str(e, "node", p->node->name);
    emit_line(e, "parse and validate %s: node %s", p->node->file, p->node->name);
    emit_step(e, "resolve");
    emit_u64(e, "uid", p->process.uid);
    emit_u64(e, "gid", p->process.gid);
    emit_line(e, "resolve users and groups: the workload runs as uid %u, gid %u inside the node",
              (unsigned)p->process.uid, (unsigned)p->process.gid);
    if (p->seccomp.enabled) {
        emit_step(e, "seccomp-compile");
        emit_u64(e, "rules", p->seccomp.n_rules);
        emit_line(e, "compile the seccomp filter (%zu rules)", p->seccomp.n_rules);
    }
}

void plan_print_host(struct plan_emit *e, const struct rp_plan *p)
{
    if (!p->n_host)
        emit_none(e, "the node changes nothing outside itself");
    for (size_t i = 0; i < p->n_host; i++) {
        const struct rp_host_step *s = &p->host[i];
        char owner[128] = "";
        if (s->op == RP_HOST_SYSCTL) {
            emit_step(e, rp_host_op_name(s->op));
            emit_origin(e, &s->pos);
            emit_str(e, "path", s->path);
            emit_str(e, "value", s->value);
            emit_line(e, "host sysctl %s = %s (root only; kept when the node ends)", s->path,
                      s->value);
            continue;
        }
        emit_step(e, rp_host_op_name(s->op));
        emit_origin(e, &s->pos);
        emit_str(e, "path", s->path);
        emit_mode(e, "mode", s->mode);
        if (s->has_owner) {
            emit_u64(e, "uid", s->uid);
            emit_u64(e, "gid", s->gid);
            snprintf(owner, sizeof(owner), ", owner %u:%u on the host", (unsigned)s->uid,
                     (unsigned)s->gid);
        }
        if (s->has_owner && s->owner_in_node) {
            emit_bool(e, "owner_in_node", true);
            snprintf(owner + strlen(owner), sizeof(owner) - strlen(owner),
                     ", set by the node's first process as %u:%u inside", (unsigned)s->node_uid,
                     (unsigned)s->node_gid);
        }
        emit_line(e, "mkdir %s on the host if missing (mode %04o%s)", s->path, (unsigned)s->mode,
                  owner);
    }
}

void plan_print_cgroup(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_cgroup_plan *cg = &p->cgroup;
    char names[64] = "";
    char *list[RP_CTRL_COUNT];
    size_t n = 0;

    emit_step(e, "create");
    emit_str(e, "parent", cg->parent);
    emit_str(e, "name", cg->name);
    emit_bool(e, "required", cg->required);
    emit_bool(e, "section_present", cg->section_present);
    emit_line(e, "create cgroup redpak-%s-<pid>-<random> under %s (%s)", cg->name,
              cg->parent ? cg->parent : "the cgroup redwrap runs in",
              cg->required ? "required: a failure stops the node"
                           : "not required: where none can be made, the pid namespace ends "
                             "the node's processes");
    for (unsigned i = 0; i < RP_CTRL_COUNT; i++) {
        const char *name = rp_cgroup_controller_name(1u << i);
        if (!(cg->controllers & (1u << i)))
            continue;
        list[n++] = (char *)name;
        strcat(names, n > 1 ? " " : "");
        strcat(names, name);
    }
    if (n) {
        emit_step(e, "enable");
        emit_strings(e, "controllers", list, n);
        emit_line(e, "enable controllers %s in %s", names,
                  cg->parent ? cg->parent : "the parent cgroup");
    }
    for (size_t i = 0; i < cg->n_writes; i++) {
        emit_step(e, "write");
        emit_origin(e, &cg->writes[i].pos);
        emit_str(e, "file", cg->writes[i].file);
        emit_str(e, "value", cg->writes[i].value);
        emit_line(e, "write %s = %s", cg->writes[i].file, cg->writes[i].value);
    }
}
