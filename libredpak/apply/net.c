/* SPDX-License-Identifier: Apache-2.0 */
/* The node's network, one entry per step (net.h): step 1's checks, so that
 * a port taken, an address in use, a missing bridge or tool stops the
 * start before anything exists; step 5's attach by mode; step 13's
 * teardown. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "log.h"
#include "net.h"
#include "step_message.h"

/* Problems in the node's values carry their place in the file, like the
 * parser's: the user fixes the line, not the host. */
static int at(struct rp_error *err, const struct rp_pos *pos, const char *key, int errnum,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int at(struct rp_error *err, const struct rp_pos *pos, const char *key, int errnum,
              const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return rp_step_error(err, RP_STEP_PLAN, errnum, "%s:%u:%u: %s: %s", pos->file ? pos->file : "",
                         pos->line, pos->column, key, what);
}

/* The same bind pasta will make: a port in use fails here, not after the
 * node exists. */
static int check_port(const struct rp_net_port *p, size_t i, struct rp_error *err)
{
    union {
        struct sockaddr_in v4;
        struct sockaddr_in6 v6;
    } sa = {0};
    socklen_t len;
    int af = strchr(p->host_addr, ':') ? AF_INET6 : AF_INET;
    if (af == AF_INET) {
        sa.v4 = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(p->host_port)};
        inet_pton(AF_INET, p->host_addr, &sa.v4.sin_addr);
        len = sizeof(sa.v4);
    } else {
        sa.v6 = (struct sockaddr_in6){.sin6_family = AF_INET6, .sin6_port = htons(p->host_port)};
        inet_pton(AF_INET6, p->host_addr, &sa.v6.sin6_addr);
        len = sizeof(sa.v6);
    }
    bool tcp = p->proto == RP_NET_TCP;
    RP_AUTO_FD int fd = socket(af, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || (tcp && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0))
        return rp_step_error(err, RP_STEP_PLAN, errno, "network: socket");
    if (bind(fd, (struct sockaddr *)&sa, len) == 0)
        return 0;
    int e = errno;
    char key[48], port[64];
    snprintf(key, sizeof(key), "network.ports[%zu].host", i);
    snprintf(port, sizeof(port), "%s %s:%u", tcp ? "tcp" : "udp", p->host_addr, p->host_port);
    if (e == EADDRINUSE)
        return at(err, &p->pos, key, 0, "%s is already in use on the host", port);
    if (e == EADDRNOTAVAIL)
        return at(err, &p->pos, key, 0, "%s: %s is no address of this host", port, p->host_addr);
    return at(err, &p->pos, key, e, "%s", port);
}

/* An address the host has already: the node's would answer for it. */
static bool host_has(const struct ifaddrs *list, const char *cidr)
{
    char addr[64];
    snprintf(addr, sizeof(addr), "%s", cidr);
    char *slash = strchr(addr, '/');
    if (slash)
        *slash = '\0';
    unsigned char want[16];
    int af = strchr(addr, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(af, addr, want) != 1)
        return false;
    for (const struct ifaddrs *i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != af)
            continue;
        const void *have = af == AF_INET
            ? (const void *)&((const struct sockaddr_in *)i->ifa_addr)->sin_addr
            : (const void *)&((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
        if (memcmp(have, want, af == AF_INET ? 4 : 16) == 0)
            return true;
    }
    return false;
}

static int check_veth(const struct rp_net_plan *net, struct rp_error *err)
{
    if (net->bridge && !rp_net_link_exists(net->bridge))
        return at(err, &net->bridge_pos, "network.bridge", 0,
                  "bridge %s does not exist on the host (make it first: ip link add %s type "
                  "bridge)",
                  net->bridge, net->bridge);
    if (net->bridge && !rp_net_link_is_bridge(net->bridge))
        return at(err, &net->bridge_pos, "network.bridge", 0, "%s is not a bridge", net->bridge);
    struct ifaddrs *list;
    if (getifaddrs(&list) < 0)
        return rp_step_error(err, RP_STEP_PLAN, errno, "network: getifaddrs");
    int r = 0;
    if (host_has(list, net->address))
        r = at(err, &net->address_pos, "network.address", 0, "%s is in use on the host already",
               net->address);
    else if (net->host_address && host_has(list, net->host_address))
        r = at(err, &net->host_address_pos, "network.host_address", 0,
               "%s is in use on the host already", net->host_address);
    freeifaddrs(list);
    return r;
}

int rp_net_check(const struct rp_net_plan *net, struct rp_net_run *run, int verbose,
                 struct rp_error *err)
{
    bool have_ip = rp_net_find_tool("ip", run->ip, sizeof(run->ip));
    /* Every start cleans, whatever its mode: what a killed node left
     * should not wait for the next veth node. */
    if (have_ip && geteuid() == 0)
        rp_net_state_clean(run->ip, verbose);
    if (net->mode == RP_NET_NONE)
        return 0;
    if (net->mode == RP_NET_PASTA) {
        if (!rp_net_find_tool("pasta", run->pasta, sizeof(run->pasta)))
            return rp_step_error(err, RP_STEP_PLAN, 0,
                                 "network: mode: pasta, but pasta is not installed (Debian: "
                                 "apt install passt)");
        /* pasta opens the tap device inside the node's namespaces with the
         * caller's own rights on the device node. */
        if (access("/dev/net/tun", R_OK | W_OK) < 0)
            return rp_step_error(err, RP_STEP_PLAN, errno,
                                 "network: mode: pasta needs /dev/net/tun (read and write for "
                                 "this user; Debian makes it 0666)");
        for (size_t i = 0; i < net->n_ports; i++)
            if (check_port(&net->ports[i], i, err) < 0)
                return -1;
        rp_step_vlog(verbose, RP_STEP_PLAN, "network: pasta %s, %zu ports free", run->pasta,
                     net->n_ports);
        return 0;
    }
    if (!have_ip)
        return rp_step_error(err, RP_STEP_PLAN, 0,
                             "network: mode: veth, but ip is not installed (Debian: apt install "
                             "iproute2)");
    if (check_veth(net, err) < 0 || rp_net_state_take(run, err) < 0)
        return -1;
    rp_step_vlog(verbose, RP_STEP_PLAN, "network: %s; the host end will be %s", run->ip, run->veth);
    return 0;
}

/* The parser makes sure the node has a network namespace of its own; this
 * makes sure the first process is in it, so that nothing meant for the
 * node ever changes redwrap's own network. */
static int own_namespace(pid_t pid, struct rp_error *err)
{
    char path[64];
    struct stat self, node;
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
    if (stat("/proc/self/ns/net", &self) < 0 || stat(path, &node) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "network: %s", path);
    if (self.st_dev == node.st_dev && self.st_ino == node.st_ino)
        return rp_step_error(err, RP_STEP_ID_MAPS, 0,
                             "network: the first process is in redwrap's own network namespace");
    return 0;
}

int rp_net_attach(const struct rp_net_plan *net, struct rp_net_run *run, pid_t pid, int verbose,
                  struct rp_error *err)
{
    if (net->mode != RP_NET_NONE && own_namespace(pid, err) < 0)
        return -1;
    switch (net->mode) {
    case RP_NET_NONE: return 0;
    case RP_NET_PASTA: return rp_net_pasta_start(net, run, pid, verbose, err);
    case RP_NET_VETH: return rp_net_veth_attach(net, run, pid, verbose, err);
    }
    return 0;
}

void rp_net_teardown(struct rp_net_run *run, int verbose)
{
    rp_net_pasta_stop(run, verbose);
    rp_net_veth_remove(run, verbose);
}
