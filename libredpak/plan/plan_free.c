/* SPDX-License-Identifier: Apache-2.0 */
/* rp_plan_free: a plan owns every string and array it holds (only the
 * positions' file names are borrowed from the node). */
#include "plan_internal.h"

#include <stdlib.h>

static void kvs_free(struct rp_kv *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].value);
    }
    free(v);
}

static void strings_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void mount_steps_free(struct rp_mount_plan *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->steps[i].path);
        free(m->steps[i].source);
        free(m->steps[i].target);
        free(m->steps[i].content);
        free(m->steps[i].oci_layout);
        free(m->steps[i].oci_tag);
    }
    free(m->steps);
}

void rp_plan_free(struct rp_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_host; i++) {
        free(p->host[i].path);
        free(p->host[i].value);
    }
    free(p->host);

    free(p->cgroup.parent);
    free(p->cgroup.name);
    for (size_t i = 0; i < p->cgroup.n_writes; i++) {
        free(p->cgroup.writes[i].file);
        free(p->cgroup.writes[i].value);
    }
    free(p->cgroup.writes);

    for (int k = 0; k < RP_NS_COUNT; k++)
        free(p->ns.ns[k].path);
    free(p->ns.uid_map);
    free(p->ns.gid_map);
    free(p->ns.newuidmap);
    free(p->ns.newgidmap);
    free(p->ns.uid_maps_why);
    free(p->ns.gid_maps_why);
    free(p->ns.hostname);
    free(p->ns.domainname);
    kvs_free(p->ns.sysctl, p->ns.n_sysctl);

    mount_steps_free(&p->mount);
    mount_steps_free(&p->tmpfs);
    mount_steps_free(&p->finish);

    strings_free(p->process.argv, p->node ? p->node->process.command.n : 0);
    kvs_free(p->process.env_set, p->process.n_env_set);
    strings_free(p->process.env_pass, p->process.n_env_pass);
    free(p->process.cwd);
    free(p->process.rlimits);
    free(p->process.groups);

    plan_seccomp_rules_free(p->seccomp.rules, p->seccomp.n_rules);
    plan_seccomp_rules_free(p->seccomp.terminal, p->seccomp.n_terminal);
    plan_net_free(&p->net);
    free(p);
}
