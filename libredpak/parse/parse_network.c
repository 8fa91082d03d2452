/* SPDX-License-Identifier: Apache-2.0 */
/* network: how the node's own network namespace reaches the host (none,
 * pasta, veth), its published ports, addresses, and the /etc/hosts and
 * /etc/resolv.conf entries written into it. Addresses are numeric only:
 * a name would be resolved by the host's resolver at every start, and a
 * node file must say the same thing on every host. */
#include "parse.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const network_keys[] = {
    "mode", "ports",  "address",   "host_address", "gateway",
    "mtu",  "bridge", "interface", "dns",          "hosts",
};

/* A numeric IPv4 or IPv6 address; af gets AF_INET or AF_INET6. */
static bool numeric_address(const char *s, int *af)
{
    unsigned char buf[16];
    if (inet_pton(AF_INET, s, buf) == 1)
        return *af = AF_INET, true;
    if (inet_pton(AF_INET6, s, buf) == 1)
        return *af = AF_INET6, true;
    return false;
}

static bool address_value(struct pctx *c, const struct yt_node *v, char **out, int *af)
{
    char *s;
    if (!pc_string(c, v, &s))
        return false;
    if (!numeric_address(s, af)) {
        pc_err(c, v, "'%s' is not a numeric IPv4 or IPv6 address", s);
        free(s);
        return false;
    }
    *out = s;
    return true;
}

/* "ADDR/PREFIX", the prefix in the family's range. */
static bool cidr_value(struct pctx *c, const struct yt_node *v, char **out)
{
    char *s;
    if (!pc_string(c, v, &s))
        return false;
    char *slash = strchr(s, '/');
    int af = 0;
    char *end = NULL;
    long prefix = -1;
    if (slash) {
        *slash = '\0';
        if (slash[1] >= '0' && slash[1] <= '9')
            prefix = strtol(slash + 1, &end, 10);
    }
    bool addr_ok = slash && numeric_address(s, &af);
    if (slash)
        *slash = '/';
    long max = af == AF_INET ? 32 : 128;
    if (!addr_ok || !end || *end || prefix < 0 || prefix > max) {
        if (!slash)
            pc_err(c, v, "'%s' has no prefix: write ADDRESS/PREFIX (10.88.0.2/24)", s);
        else if (!addr_ok)
            pc_err(c, v, "'%s' is not a numeric IPv4 or IPv6 address with a prefix", s);
        else
            pc_err(c, v, "'%s': the prefix must be 0 to %ld", s, max);
        free(s);
        return false;
    }
    *out = s;
    return true;
}

/* A network interface name as the kernel takes it (dev_valid_name): 1 to
 * 15 bytes, not "." or "..", no '/', ':' or white space. */
static bool ifname_value(struct pctx *c, const struct yt_node *v, char **out)
{
    char *s;
    if (!pc_string(c, v, &s))
        return false;
    size_t len = strlen(s);
    const char *bad = NULL;
    if (len == 0 || len > 15)
        bad = "an interface name has 1 to 15 characters";
    else if (!strcmp(s, ".") || !strcmp(s, ".."))
        bad = "an interface name is not '.' or '..'";
    else if (strpbrk(s, "/: \t\n\r\v\f"))
        bad = "an interface name has no '/', ':' or white space";
    if (bad) {
        pc_err(c, v, "'%s': %s", s, bad);
        free(s);
        return false;
    }
    *out = s;
    return true;
}

static bool port_number(struct pctx *c, const struct yt_node *v, uint16_t *out)
{
    int64_t x;
    if (!pc_int(c, v, 1, 65535, &x))
        return false;
    *out = (uint16_t)x;
    return true;
}

/* host: an int port (on 127.0.0.1), "ADDR:PORT" or "[V6]:PORT". */
static bool host_port(struct pctx *c, const struct yt_node *v, struct rp_net_port *p)
{
    if (v->kind == YT_SCALAR && v->type == YT_INT) {
        p->host_addr = rp_xstrdup("127.0.0.1");
        return port_number(c, v, &p->host_port);
    }
    char *s;
    if (!pc_string(c, v, &s))
        return false;
    char *colon = strrchr(s, ':');
    char *addr = s, *end = NULL;
    long port = -1;
    if (colon) {
        *colon = '\0';
        if (colon[1] >= '0' && colon[1] <= '9')
            port = strtol(colon + 1, &end, 10);
        size_t len = strlen(addr);
        if (addr[0] == '[' && len > 2 && addr[len - 1] == ']') {
            addr[len - 1] = '\0';
            addr++;
        }
    }
    int af;
    bool ok = colon && numeric_address(addr, &af) && (af == AF_INET || s[0] == '[');
    if (colon)
        *colon = ':';
    if (!ok) {
        pc_err(c, v, "'%s' is not ADDRESS:PORT (127.0.0.1:6380, [::1]:6380) or a port", s);
    } else if (!end || *end || port < 1 || port > 65535) {
        pc_err(c, v, "'%s': the port must be 1 to 65535", s);
        ok = false;
    } else {
        *colon = '\0';
        p->host_addr = rp_xstrdup(addr);
        p->host_port = (uint16_t)port;
    }
    free(s);
    return ok;
}

static void parse_port(struct pctx *c, const struct yt_node *v, struct rp_network *net)
{
    if (!pc_map(c, v))
        return;
    static const char *const keys[] = {"host", "node", "proto"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    struct rp_net_port p = {.proto = RP_NET_TCP, .pos = pc_pos(c, v)};
    size_t mark;
    const struct yt_node *x;
    bool ok = true;
    if ((x = pc_field(c, v, "host", &mark))) {
        ok = host_port(c, x, &p) && ok;
        pc_pop(c, mark);
    } else {
        pc_missing(c, v, "host");
        ok = false;
    }
    if ((x = pc_field(c, v, "node", &mark))) {
        ok = port_number(c, x, &p.node_port) && ok;
        pc_pop(c, mark);
    } else {
        pc_missing(c, v, "node");
        ok = false;
    }
    if ((x = pc_field(c, v, "proto", &mark))) {
        static const char *const protos[] = {"tcp", "udp"};
        int k;
        if (pc_enum(c, x, protos, ARRAY_LEN(protos), &k))
            p.proto = (enum rp_net_proto)k;
        else
            ok = false;
        pc_pop(c, mark);
    }
    for (size_t i = 0; ok && i < net->n_ports; i++) {
        const struct rp_net_port *o = &net->ports[i];
        if (o->proto == p.proto && o->host_port == p.host_port &&
            !strcmp(o->host_addr, p.host_addr)) {
            pc_err(c, v, "duplicate port: %s %s:%u is published at line %u already",
                   p.proto == RP_NET_TCP ? "tcp" : "udp", p.host_addr, p.host_port, o->pos.line);
            ok = false;
        }
    }
    if (!ok) {
        free(p.host_addr);
        return;
    }
    net->ports[net->n_ports++] = p;
}

static void parse_ports(struct pctx *c, const struct yt_node *v, struct rp_network *net)
{
    if (!pc_seq(c, v))
        return;
    net->ports = rp_xcalloc(v->n ? v->n : 1, sizeof(*net->ports));
    for (size_t i = 0; i < v->n; i++) {
        size_t mark = pc_push_index(c, i);
        parse_port(c, v->items[i], net);
        pc_pop(c, mark);
    }
}

static void parse_hosts(struct pctx *c, const struct yt_node *v, struct rp_network *net)
{
    if (!pc_seq(c, v))
        return;
    net->hosts = rp_xcalloc(v->n ? v->n : 1, sizeof(*net->hosts));
    static const char *const keys[] = {"address", "name"};
    for (size_t i = 0; i < v->n; i++) {
        size_t at = pc_push_index(c, i), mark;
        const struct yt_node *e = v->items[i], *x;
        if (pc_map(c, e)) {
            pc_check_keys(c, e, keys, ARRAY_LEN(keys));
            struct rp_net_host_entry h = {.pos = pc_pos(c, e)};
            int af;
            if ((x = pc_field(c, e, "address", &mark))) {
                address_value(c, x, &h.address, &af);
                pc_pop(c, mark);
            } else {
                pc_missing(c, e, "address");
            }
            if ((x = pc_field(c, e, "name", &mark))) {
                char why[RP_WHY_MAX];
                if (pc_string(c, x, &h.name) && !rp_grammar_hostname(h.name, why, sizeof(why))) {
                    pc_err(c, x, "%s", why);
                    free(h.name);
                    h.name = NULL;
                }
                pc_pop(c, mark);
            } else {
                pc_missing(c, e, "name");
            }
            if (h.address && h.name) {
                net->hosts[net->n_hosts++] = h;
            } else {
                free(h.address);
                free(h.name);
            }
        }
        pc_pop(c, at);
    }
}

static void parse_dns(struct pctx *c, const struct yt_node *v, struct rp_network *net)
{
    if (!pc_string_list(c, v, &net->dns))
        return;
    for (size_t i = 0; i < net->dns.n; i++) {
        int af;
        if (!numeric_address(net->dns.v[i], &af)) {
            size_t mark = pc_push_index(c, i);
            pc_err(c, v->items[i], "'%s' is not a numeric IPv4 or IPv6 address", net->dns.v[i]);
            pc_pop(c, mark);
        }
    }
}

/* A key that only one mode takes, written with another. */
static void only_for(struct pctx *c, const struct yt_node *map, const char *key, bool allowed,
                     const char *modes)
{
    size_t mark;
    const struct yt_node *x = pc_field(c, map, key, &mark);
    if (!x)
        return;
    if (!allowed)
        pc_err(c, x, "only with mode: %s", modes);
    pc_pop(c, mark);
}

void parse_network(struct pctx *c, const struct yt_node *v)
{
    struct rp_network *net = &c->node->network;
    if (!pc_map(c, v))
        return;
    pc_check_keys(c, v, network_keys, ARRAY_LEN(network_keys));
    net->present = true;
    net->pos = pc_pos(c, v);
    net->mode_pos = net->pos;
    size_t mark;
    const struct yt_node *x;
    bool mode_ok = true;
    if ((x = pc_field(c, v, "mode", &mark))) {
        static const char *const modes[] = {"none", "pasta", "veth"};
        int k;
        if (pc_enum(c, x, modes, ARRAY_LEN(modes), &k))
            net->mode = (enum rp_net_mode)k;
        else
            mode_ok = false;
        net->mode_pos = pc_pos(c, x);
        if (mode_ok && net->mode != RP_NET_NONE && c->node->ns[RP_NS_NET].mode != RP_NS_NEW) {
            pc_err(c, x, "mode: %s needs the node's own network namespace (namespaces.net: new)",
                   modes[k]);
            mode_ok = false;
        }
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "ports", &mark))) {
        parse_ports(c, x, net);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "address", &mark))) {
        net->address_pos = pc_pos(c, x);
        cidr_value(c, x, &net->address);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "host_address", &mark))) {
        net->host_address_pos = pc_pos(c, x);
        cidr_value(c, x, &net->host_address);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "gateway", &mark))) {
        int af;
        net->gateway_pos = pc_pos(c, x);
        address_value(c, x, &net->gateway, &af);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "mtu", &mark))) {
        int64_t mtu;
        if (pc_int(c, x, 68, 65535, &mtu))
            net->mtu = (uint32_t)mtu;
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "bridge", &mark))) {
        net->bridge_pos = pc_pos(c, x);
        ifname_value(c, x, &net->bridge);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "interface", &mark))) {
        ifname_value(c, x, &net->interface);
        pc_pop(c, mark);
    }
    if (!net->interface)
        net->interface = rp_xstrdup("eth0");
    if ((x = pc_field(c, v, "dns", &mark))) {
        parse_dns(c, x, net);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "hosts", &mark))) {
        parse_hosts(c, x, net);
        pc_pop(c, mark);
    }
    if (!mode_ok)
        return;
    bool veth = net->mode == RP_NET_VETH;
    only_for(c, v, "ports", net->mode == RP_NET_PASTA, "pasta");
    only_for(c, v, "address", veth, "veth");
    only_for(c, v, "host_address", veth, "veth");
    only_for(c, v, "gateway", veth, "veth");
    only_for(c, v, "bridge", veth, "veth");
    only_for(c, v, "mtu", net->mode != RP_NET_NONE, "pasta or veth");
    only_for(c, v, "interface", net->mode != RP_NET_NONE, "pasta or veth");
    if (veth && !net->address_pos.line)
        pc_missing(c, v, "address");
    if (veth && net->bridge_pos.line && net->host_address_pos.line)
        pc_err(c, v, "host_address and bridge: the host's end is either addressed or on a bridge");
    else if (veth && !net->bridge_pos.line && !net->host_address_pos.line)
        pc_err(c, v, "mode: veth needs host_address (the host's end) or bridge (an existing one)");
}
