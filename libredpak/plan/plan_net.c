/* SPDX-License-Identifier: Apache-2.0 */
/* Step 5's network plan (docs/network.md): the mode and its values copied
 * from the node, the checks only the caller decides (veth needs root), and
 * the node's /etc/hosts and /etc/resolv.conf as files of the mount plan, so
 * that they are written like any other file of the node, before the root
 * turns read-only. */
#include "error_internal.h"
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

void plan_net_free(struct rp_net_plan *net)
{
    for (size_t i = 0; i < net->n_ports; i++)
        free(net->ports[i].host_addr);
    free(net->ports);
    free(net->address);
    free(net->host_address);
    free(net->gateway);
    free(net->bridge);
    free(net->interface);
}

/* The text of a file, grown with plan_printf. */
static char *append(struct plan_ctx *c, char *text, const char *line)
{
    char *more = plan_printf(c, "%s%s", text ? text : "", line);
    free(text);
    return more;
}

static char *hosts_file(struct plan_ctx *c, const struct rp_network *net)
{
    const struct rp_node *n = c->node;
    const char *self = n->hostname ? n->hostname : n->name;
    char *text = append(c, NULL, "# Written by redwrap from the node file's network section.\n");
    char *line = plan_printf(c, "127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost\n", self);
    text = append(c, text, line ? line : "");
    free(line);
    for (size_t i = 0; i < net->n_hosts; i++) {
        line = plan_printf(c, "%s\t%s\n", net->hosts[i].address, net->hosts[i].name);
        text = append(c, text, line ? line : "");
        free(line);
    }
    return text;
}

static char *resolv_file(struct plan_ctx *c, const struct rp_network *net)
{
    char *text = append(c, NULL, "# Written by redwrap from the node file's network section.\n");
    for (size_t i = 0; i < net->dns.n; i++) {
        char *line = plan_printf(c, "nameserver %s\n", net->dns.v[i]);
        text = append(c, text, line ? line : "");
        free(line);
    }
    return text;
}

static void add_file(struct rp_plan *p, struct plan_ctx *c, const char *path, char *content,
                     struct rp_pos pos)
{
    if (!content)
        return;
    struct rp_mount_step *steps = realloc(p->mount.steps, (p->mount.n + 1) * sizeof(*steps));
    if (!steps) {
        c->oom = true;
        free(content);
        return;
    }
    p->mount.steps = steps;
    struct rp_mount_step *s = &steps[p->mount.n++];
    *s = (struct rp_mount_step){
        .op = RP_MOP_FILE,
        .path = plan_strdup(c, path),
        .content = content,
        .content_len = strlen(content),
        .mode = 0644,
        .pos = pos,
    };
}

static void copy_values(struct rp_net_plan *net, struct plan_ctx *c, const struct rp_network *n)
{
    net->mode = n->mode;
    net->mtu = n->mtu;
    net->address_pos = n->address_pos;
    net->host_address_pos = n->host_address_pos;
    net->bridge_pos = n->bridge_pos;
    net->address = plan_strdup(c, n->address);
    net->host_address = plan_strdup(c, n->host_address);
    net->gateway = plan_strdup(c, n->gateway);
    net->bridge = plan_strdup(c, n->bridge);
    net->interface = plan_strdup(c, n->interface);
    if (!n->n_ports)
        return;
    net->ports = plan_calloc(c, n->n_ports, sizeof(*net->ports));
    if (!net->ports)
        return;
    for (size_t i = 0; i < n->n_ports; i++) {
        net->ports[i] = n->ports[i];
        net->ports[i].host_addr = plan_strdup(c, n->ports[i].host_addr);
    }
    net->n_ports = n->n_ports;
}

void plan_network(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_network *n = &c->node->network;
    if (!n->present)
        return;
    copy_values(&p->net, c, n);
    bool root = c->opts->caller_uid == 0;
    /* A veth pair and the host end's address or bridge port are made in
     * the host's network namespace: CAP_NET_ADMIN there, which no user
     * namespace gives a rootless caller. */
    if (n->mode == RP_NET_VETH && !root)
        rp_diags_add(c->diags, &n->mode_pos, "network.mode",
                     "mode: veth needs root (a rootless node uses mode: pasta, or runs under "
                     "a privileged service such as systemd/redwrap@.service)");
    p->net.join_userns = !root && p->ns.ns[RP_NS_USER].mode == RP_NS_NEW;
    if (n->n_hosts)
        add_file(p, c, "/etc/hosts", hosts_file(c, n), n->pos);
    if (n->dns.n)
        add_file(p, c, "/etc/resolv.conf", resolv_file(c, n), n->dns.pos[0]);
}
