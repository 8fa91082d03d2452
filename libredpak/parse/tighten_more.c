/* SPDX-License-Identifier: Apache-2.0 */
/* Security only tightens down a family, for the sections tighten.c does
 * not compare: the network a node reaches, its user namespace's maps, the
 * host sysctls it changes, its tmpfs sizes and the process keys that
 * widen what the workload may do (docs/node-format.md, "Security only
 * tightens"). As in tighten.c, only what a parent's file wrote binds a
 * child: a parent's default is not a decision (the admin policy, the root
 * ancestor of every node, would otherwise forbid every network). */
#include "error_internal.h"
#include "family.h"
#include "names.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static const char *net_mode(enum rp_net_mode m)
{
    return m == RP_NET_PASTA ? "pasta" : m == RP_NET_VETH ? "veth" : "none";
}

static const struct rp_pos *net_mode_pos(const struct rp_network *n)
{
    return n->mode_pos.line ? &n->mode_pos : &n->pos;
}

static bool same_port(const struct rp_net_port *a, const struct rp_net_port *b)
{
    return a->host_port == b->host_port && a->node_port == b->node_port && a->proto == b->proto &&
        !strcmp(a->host_addr ? a->host_addr : "", b->host_addr ? b->host_addr : "");
}

/* A written network section is the parent's choice of what the node may
 * reach: a child keeps its mode or goes to none, publishes no port and
 * joins no bridge the parent did not. */
static void check_network(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    const struct rp_network *pn = &p->network, *cn = &c->network;
    if (!pn->present)
        return;
    if (cn->mode != pn->mode && cn->mode != RP_NET_NONE)
        fam_refuse(d, net_mode_pos(cn), "network.mode", net_mode_pos(pn),
                   "'%s' loosens the parent's network mode '%s' (a child keeps it or sets none)",
                   net_mode(cn->mode), net_mode(pn->mode));
    for (size_t i = 0; i < cn->n_ports; i++) {
        bool had = false;
        for (size_t j = 0; j < pn->n_ports && !had; j++)
            had = same_port(&cn->ports[i], &pn->ports[j]);
        if (!had)
            fam_refuse(d, &cn->ports[i].pos, "network.ports", &pn->pos,
                       "publishes %s:%u, which the parent does not publish",
                       cn->ports[i].host_addr ? cn->ports[i].host_addr : "?",
                       cn->ports[i].host_port);
    }
    if (cn->bridge && (!pn->bridge || strcmp(cn->bridge, pn->bridge)))
        fam_refuse(d, &cn->bridge_pos, "network.bridge", pn->bridge ? &pn->bridge_pos : &pn->pos,
                   "joins bridge '%s', which the parent does not join", cn->bridge);
}

/* The child's map entry lies inside one of the parent's, with the same
 * inside-to-outside shift: the same ids, fewer of them. */
static bool map_within(const struct rp_id_map *m, const struct rp_id_map_list *pl)
{
    for (size_t i = 0; i < pl->n; i++) {
        const struct rp_id_map *q = &pl->v[i];
        if ((uint64_t)m->inside >= q->inside &&
            (uint64_t)m->inside + m->count <= (uint64_t)q->inside + q->count &&
            (int64_t)m->outside - m->inside == (int64_t)q->outside - q->inside)
            return true;
    }
    return false;
}

static void check_maps(const char *key, const struct rp_id_map_list *pl,
                       const struct rp_id_map_list *cl, struct rp_diags *d)
{
    if (!pl->set)
        return;
    for (size_t i = 0; i < cl->n; i++)
        if (!map_within(&cl->v[i], pl))
            fam_refuse(d, &cl->v[i].pos, key, &pl->v[0].pos,
                       "maps %u-%u to host %u-%u, outside the parent's map", cl->v[i].inside,
                       cl->v[i].inside + cl->v[i].count - 1, cl->v[i].outside,
                       cl->v[i].outside + cl->v[i].count - 1);
}

/* identity maps host root into the node: refused under a parent that
 * wrote its user namespace (namespaces.user: new or its own maps). */
static void check_userns(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    if (p->ns[RP_NS_USER].mode != RP_NS_NEW || p->user_namespace_identity)
        return;
    bool maps = p->uid_map.set || p->gid_map.set;
    const struct rp_pos *pp = maps ? &p->user_namespace_pos : &p->ns[RP_NS_USER].pos;
    bool wrote = maps || (pp->line && !(pp->file == p->file && pp->line == 1 && pp->column == 1));
    if (!wrote)
        return;
    if (c->user_namespace_identity) {
        fam_refuse(d, &c->user_namespace_pos, "user_namespace", pp,
                   "'identity' maps host ids 0-65535 (host root) where the parent's user "
                   "namespace %s",
                   maps ? "has its own maps" : "is new with a private range");
        return;
    }
    check_maps("user_namespace.uid_map", &p->uid_map, &c->uid_map, d);
    check_maps("user_namespace.gid_map", &p->gid_map, &c->gid_map, d);
}

/* host.sysctl changes the whole host: the parent's keys are the ones its
 * children may set (values are the host's limits, checked by the grammar). */
static void check_host_sysctl(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    if (!p->host_sysctl.n)
        return;
    for (size_t i = 0; i < c->host_sysctl.n; i++) {
        bool had = false;
        for (size_t j = 0; j < p->host_sysctl.n && !had; j++)
            had = !strcmp(c->host_sysctl.v[i].key, p->host_sysctl.v[j].key);
        if (!had)
            fam_refuse(d, &c->host_sysctl.v[i].pos, "host.sysctl", &p->host_sysctl.v[0].pos,
                       "'%s' is a host sysctl the parent does not set", c->host_sysctl.v[i].key);
    }
}

/* A tmpfs the parent sized keeps at most that size (0, the kernel's half
 * of RAM, is the largest); the merge refuses dropping one (merge.c). */
static void check_tmpfs(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    for (size_t i = 0; i < p->n_tmpfs; i++) {
        const struct rp_tmpfs *pt = &p->tmpfs[i];
        if (!pt->size)
            continue;
        for (size_t j = 0; j < c->n_tmpfs; j++) {
            const struct rp_tmpfs *ct = &c->tmpfs[j];
            if (strcmp(ct->path, pt->path))
                continue;
            if (!ct->size)
                fam_refuse(d, &ct->pos, "tmpfs", &pt->pos,
                           "'%s' without a size (half of RAM) is larger than the parent's %llu "
                           "bytes",
                           ct->path, (unsigned long long)pt->size);
            else if (ct->size > pt->size)
                fam_refuse(d, &ct->pos, "tmpfs", &pt->pos,
                           "'%s' of %llu bytes is larger than the parent's %llu", ct->path,
                           (unsigned long long)ct->size, (unsigned long long)pt->size);
            break;
        }
    }
}

static bool is_root(const struct rp_id_ref *r)
{
    return r->set && (r->is_name ? !strcmp(r->name, "root") : r->id == 0);
}

static uint64_t rl(uint64_t v)
{
    return v == RLIM_INFINITY ? UINT64_MAX : v;
}

static void check_process_more(const struct rp_node *p, const struct rp_node *c, struct rp_diags *d)
{
    const struct rp_process *pp = &p->process, *cp = &c->process;
    if (pp->user.set && !is_root(&pp->user) && is_root(&cp->user))
        fam_refuse(d, &cp->user.pos, "process.user", &pp->user.pos,
                   "root where the parent runs as a user that is not root");
    if (pp->group.set && !is_root(&pp->group) && is_root(&cp->group))
        fam_refuse(d, &cp->group.pos, "process.group", &pp->group.pos,
                   "root's group where the parent runs as another group");
    if (pp->umask_pos.line && (pp->umask & ~cp->umask))
        fam_refuse(d, cp->umask_pos.line ? &cp->umask_pos : &cp->pos, "process.umask",
                   &pp->umask_pos, "%04o lets new files keep bits the parent's %04o clears",
                   (unsigned)cp->umask, (unsigned)pp->umask);
    for (size_t i = 0; i < pp->n_rlimits; i++) {
        const struct rp_rlimit *pr = &pp->rlimits[i];
        const struct rp_rlimit *cr = NULL;
        for (size_t j = 0; j < cp->n_rlimits && !cr; j++)
            if (cp->rlimits[j].resource == pr->resource)
                cr = &cp->rlimits[j];
        char key[64];
        snprintf(key, sizeof(key), "process.rlimits.%s", rp_rlimit_name(pr->resource));
        if (!cr)
            fam_refuse(d, &cp->pos, key, &pr->pos, "no limit loosens the parent's");
        else if (rl(cr->soft) > rl(pr->soft) || rl(cr->hard) > rl(pr->hard))
            fam_refuse(d, &cr->pos, key, &pr->pos, "raises the parent's limit");
    }
}

void fam_check_tighten_more(const struct rp_node *parent, const struct rp_node *child,
                            struct rp_diags *diags)
{
    check_network(parent, child, diags);
    check_userns(parent, child, diags);
    check_host_sysctl(parent, child, diags);
    check_tmpfs(parent, child, diags);
    check_process_more(parent, child, diags);
}
