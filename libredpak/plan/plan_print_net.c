/* SPDX-License-Identifier: Apache-2.0 */
/* Step 5's network, as the parent applies it once the maps are written:
 * pasta's published ports, or the veth pair and its addresses. The node's
 * /etc/hosts and /etc/resolv.conf show in step 7, files like any other. */
#include "plan_print.h"

static void print_port(struct plan_emit *e, const struct rp_net_port *p)
{
    const char *proto = p->proto == RP_NET_TCP ? "tcp" : "udp";
    bool v6 = false;
    for (const char *s = p->host_addr; *s; s++)
        v6 = v6 || *s == ':';
    emit_step(e, "publish");
    emit_str(e, "proto", proto);
    emit_str(e, "host_address", p->host_addr);
    emit_u64(e, "host_port", p->host_port);
    emit_u64(e, "node_port", p->node_port);
    emit_line(e, "pasta publishes %s %s%s%s:%u on the host as port %u in the node", proto,
              v6 ? "[" : "", p->host_addr, v6 ? "]" : "", p->host_port, p->node_port);
}

void plan_print_net(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_net_plan *net = &p->net;
    if (net->mode == RP_NET_PASTA) {
        emit_step(e, "pasta");
        emit_str(e, "interface", net->interface);
        emit_u64(e, "mtu", net->mtu);
        emit_bool(e, "join_userns", net->join_userns);
        emit_line(e,
                  "start pasta against the node's network namespace (%s, outbound access, no "
                  "other forwarding)%s",
                  net->interface, net->join_userns ? ", from inside its user namespace" : "");
        for (size_t i = 0; i < net->n_ports; i++)
            print_port(e, &net->ports[i]);
    } else if (net->mode == RP_NET_VETH) {
        emit_step(e, "veth");
        emit_str(e, "interface", net->interface);
        emit_str(e, "address", net->address);
        if (net->host_address)
            emit_str(e, "host_address", net->host_address);
        if (net->bridge)
            emit_str(e, "bridge", net->bridge);
        if (net->gateway)
            emit_str(e, "gateway", net->gateway);
        emit_u64(e, "mtu", net->mtu);
        emit_line(e, "add a veth pair rpvPID <-> %s %s, the host end %s %s%s%s", net->interface,
                  net->address, net->bridge ? "on bridge" : "at",
                  net->bridge ? net->bridge : net->host_address,
                  net->gateway ? ", default route via " : "", net->gateway ? net->gateway : "");
    }
}
