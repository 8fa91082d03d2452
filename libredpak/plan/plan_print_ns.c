/* SPDX-License-Identifier: Apache-2.0 */
/* The namespaces, as printed: the clone and the namespaces it makes, the
 * new user namespace's maps and time offsets, and what the child joins and
 * sets inside them. */
#include "plan_print.h"

#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

void plan_print_clone(struct plan_emit *e, const struct rp_plan *p)
{
    static const struct {
        int flag;
        const char *name;
    } flags[] = {
        {CLONE_NEWUSER, "CLONE_NEWUSER"}, {CLONE_NEWPID, "CLONE_NEWPID"},
        {CLONE_NEWNET, "CLONE_NEWNET"},   {CLONE_NEWIPC, "CLONE_NEWIPC"},
        {CLONE_NEWUTS, "CLONE_NEWUTS"},   {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
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
    emit_step(e, "clone");
    emit_u64(e, "flags", (unsigned)p->ns.clone_flags);
    emit_strings(e, "namespaces", names, n);
    emit_line(e, "clone the node's first process with %s, into the node's cgroup",
              n ? text : "no new namespace");
}

static void map_line(struct plan_emit *e, const char *file, const struct rp_id_map *m, size_t n,
                     bool picked, const char *helper)
{
    struct linebuf t = {0};
    if (helper) {
        emit_str(e, "helper", helper);
        for (size_t i = 0; i < n; i++)
            linebuf_add(&t, e, " %u %u %u", m[i].inside, m[i].outside, m[i].count);
        emit_line(e, "run %s PID%s (the caller's subordinate ids)", helper, linebuf_get(&t));
        free(t.s);
        return;
    }
    if (picked) {
        emit_line(e,
                  "write %s 0 BASE %u, BASE: a private range of host ids picked at start "
                  "(>= 524288, none of the host's users, no other node's)",
                  file, m[0].count);
        return;
    }
    for (size_t i = 0; i < n; i++)
        linebuf_add(&t, e, "%s%u %u %u", i ? ", " : "", m[i].inside, m[i].outside, m[i].count);
    emit_line(e, "write %s %s", file, linebuf_get(&t));
    free(t.s);
}

void plan_print_maps(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_ns_plan *ns = &p->ns;

    if (ns->ns[RP_NS_USER].mode != RP_NS_NEW && !ns->set_time_offsets && p->net.mode == RP_NET_NONE)
        emit_none(e,
                  ns->ns[RP_NS_USER].mode == RP_NS_HOST ? "the host's user namespace"
                                                        : "the joined user namespace has its maps");
    if (ns->ns[RP_NS_USER].mode == RP_NS_NEW) {
        if (ns->gid_maps_why) {
            emit_step(e, "gid_map-chosen");
            emit_str(e, "why", ns->gid_maps_why);
            emit_line(e, "rootless gid_map: %s", ns->gid_maps_why);
        }
        if (ns->deny_setgroups) {
            emit_step(e, "setgroups-deny");
            emit_line(e, "write deny to setgroups (an unprivileged gid_map needs it)");
        }
        emit_step(e, "gid_map");
        emit_idmap(e, "ranges", ns->gid_map, ns->n_gid_map);
        emit_bool(e, "private_range", ns->private_gid_range);
        map_line(e, "gid_map", ns->gid_map, ns->n_gid_map, ns->private_gid_range, ns->newgidmap);
        if (ns->uid_maps_why) {
            emit_step(e, "uid_map-chosen");
            emit_str(e, "why", ns->uid_maps_why);
            emit_line(e, "rootless uid_map: %s", ns->uid_maps_why);
        }
        emit_step(e, "uid_map");
        emit_idmap(e, "ranges", ns->uid_map, ns->n_uid_map);
        emit_bool(e, "private_range", ns->private_uid_range);
        if (ns->identity)
            emit_line(e,
                      "write uid_map 0 0 65536: user_namespace: identity, uid 0 inside is "
                      "host root (warned at every start)");
        else
            map_line(e, "uid_map", ns->uid_map, ns->n_uid_map, ns->private_uid_range,
                     ns->newuidmap);
        if (ns->become_root) {
            emit_step(e, "become-root");
            emit_line(e,
                      "the first process becomes uid 0 and gid 0 of its namespace, with no "
                      "supplementary group");
        }
    }
    if (ns->set_time_offsets) {
        emit_step(e, "time-offsets");
        emit_i64(e, "monotonic", ns->time_monotonic);
        emit_i64(e, "boottime", ns->time_boottime);
        emit_line(e, "write timens_offsets monotonic %" PRId64 " boottime %" PRId64,
                  ns->time_monotonic, ns->time_boottime);
    }
    plan_print_net(e, p);
}

void plan_print_namespaces(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_ns_plan *ns = &p->ns;
    size_t before = e->step;

    for (int k = 0; k < RP_NS_COUNT; k++) {
        if (ns->ns[k].mode != RP_NS_JOIN)
            continue;
        emit_step(e, "join");
        emit_str(e, "namespace", rp_ns_name((enum rp_ns_kind)k));
        emit_str(e, "path", ns->ns[k].path);
        emit_line(e, "join the %s namespace %s", rp_ns_name((enum rp_ns_kind)k), ns->ns[k].path);
    }
    if (ns->hostname) {
        emit_step(e, "hostname");
        emit_origin(e, &p->node->hostname_pos);
        emit_str(e, "value", ns->hostname);
        emit_line(e, "set hostname %s", ns->hostname);
    }
    if (ns->domainname) {
        emit_step(e, "domainname");
        emit_origin(e, &p->node->domainname_pos);
        emit_str(e, "value", ns->domainname);
        emit_line(e, "set domainname %s", ns->domainname);
    }
    if (ns->loopback_up) {
        emit_step(e, "loopback-up");
        emit_line(e, "bring lo up in the new network namespace");
    }
    for (size_t i = 0; i < ns->n_sysctl; i++) {
        emit_step(e, "sysctl");
        emit_origin(e, &ns->sysctl[i].pos);
        emit_str(e, "path", ns->sysctl[i].key);
        emit_str(e, "value", ns->sysctl[i].value);
        emit_line(e, "sysctl %s = %s", ns->sysctl[i].key, ns->sysctl[i].value);
    }
    if (e->step == before)
        emit_none(e, "no namespace to join or set up");
}
