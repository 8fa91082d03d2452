/* SPDX-License-Identifier: Apache-2.0 */
/* The node model's life cycle: the defaults of node-format.md, and
 * freeing. The names of its enums are in enum_names.c. */
#include "alloc.h"
#include "node_family.h"
#include "node_model.h"

#include <errno.h>
#include <stdlib.h>

struct rp_node *rp_node_new(const char *file, const char *dir)
{
    struct rp_node *n = rp_xcalloc(1, sizeof(*n));
    n->file = rp_xstrdup(file);
    n->dir = rp_xstrdup(dir);
    struct rp_pos start = {n->file, 1, 1};
    for (int k = 0; k < RP_NS_COUNT; k++) {
        n->ns[k].mode = RP_NS_NEW;
        n->ns[k].pos = start;
    }
    n->user_namespace_pos = n->hostname_pos = n->domainname_pos = start;
    n->time_offsets_pos = start;

    n->root.size = 8u << 20;
    n->root.mode = 0755;
    n->root.readonly = true;
    n->root.pos = n->root.size_pos = n->root.source_pos = start;

    n->cgroup.required = true;
    n->cgroup.pos = n->cgroup.parent_pos = start;
    n->caps.pos = n->caps.list_pos = n->caps.ambient_pos = start;

    n->seccomp.default_action = RP_SC_ERRNO;
    n->seccomp.default_errno = EPERM;
    n->seccomp.base = RP_SC_BASE_DEFAULT;
    n->seccomp.pos = start;

    struct rp_process *p = &n->process;
    p->cwd = rp_xstrdup("/");
    p->umask = 0022;
    p->no_new_privileges = true;
    p->env_clear = true;
    p->init = true;
    p->wait = RP_WAIT_ALL;
    p->die_with_parent = true;
    p->pos = p->cwd_pos = start;
    return n;
}

static void free_strings(struct rp_string_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->pos);
}

static void free_kvs(struct rp_kv_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].value);
    }
    free(l->v);
}

static void free_owner(struct rp_owner *o)
{
    free(o->user.name);
    free(o->group.name);
}

void rp_node_free(struct rp_node *n)
{
    if (!n)
        return;
    free(n->file);
    free(n->dir);
    free(n->name);
    free(n->description);
    for (int k = 0; k < RP_NS_COUNT; k++)
        free(n->ns[k].path);
    free(n->uid_map.v);
    free(n->gid_map.v);
    free(n->hostname);
    free(n->domainname);
    free_kvs(&n->sysctl);
    free(n->root.source);
    for (size_t i = 0; i < n->packages.n_repos; i++) {
        free(n->packages.repos[i].name);
        free(n->packages.repos[i].baseurl);
        free(n->packages.repos[i].gpgkey);
    }
    free(n->packages.repos);
    free_strings(&n->packages.install);
    free(n->packages.releasever);
    free(n->root.image);
    free(n->root.image_tag);
    for (size_t i = 0; i < n->n_mounts; i++) {
        struct rp_mount *m = &n->mounts[i];
        free(m->path);
        free(m->source);
        free(m->target);
        free(m->content);
        free_owner(&m->owner);
    }
    free(n->mounts);
    for (size_t i = 0; i < n->n_tmpfs; i++) {
        free(n->tmpfs[i].path);
        free_owner(&n->tmpfs[i].owner);
    }
    free(n->tmpfs);
    free(n->cgroup.parent);
    for (size_t i = 0; i < n->cgroup.n_items; i++)
        free(n->cgroup.items[i].value);
    free(n->cgroup.items);
    for (size_t i = 0; i < n->seccomp.n_rules; i++)
        free_strings(&n->seccomp.rules[i].names);
    free(n->seccomp.rules);
    struct rp_process *p = &n->process;
    free_strings(&p->command);
    free(p->user.name);
    free(p->group.name);
    for (size_t i = 0; i < p->n_groups; i++)
        free(p->groups[i].name);
    free(p->groups);
    free(p->cwd);
    free_kvs(&p->env_set);
    free_strings(&p->env_pass);
    free(p->rlimits);
    struct rp_network *net = &n->network;
    for (size_t i = 0; i < net->n_ports; i++)
        free(net->ports[i].host_addr);
    free(net->ports);
    free(net->address);
    free(net->host_address);
    free(net->gateway);
    free(net->bridge);
    free(net->interface);
    free_strings(&net->dns);
    for (size_t i = 0; i < net->n_hosts; i++) {
        free(net->hosts[i].address);
        free(net->hosts[i].name);
    }
    free(net->hosts);
    free_kvs(&n->host_sysctl);
    rp_family_free(n->family);
    free(n);
}
