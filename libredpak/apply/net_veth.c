/* SPDX-License-Identifier: Apache-2.0 */
/* mode: veth. The pair is made in the host's network namespace with its
 * node end created straight in the node's (ip's "peer ... netns PID"), so
 * no moment exists where the node's interface sits on the host. The host
 * end is addressed or joins the bridge; the node end gets its address,
 * link and default route from a second ip, run in the node's namespace by
 * a child that setns(2)s into /proc/PID/ns/net: host root holds
 * CAP_NET_ADMIN over every namespace a descendant user namespace owns. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "log.h"
#include "net.h"
#include "step_message.h"

#define CMD_MAX 1024

/* IPv6 duplicate address detection would hold the address tentative for a
 * second or more: the node's link is new and point-to-point (or its
 * address checked against the host's in step 1). */
static const char *nodad(const char *cidr)
{
    return strchr(cidr, ':') ? " nodad" : "";
}

static int host_side(const struct rp_net_plan *net, const struct rp_net_run *run, pid_t pid,
                     int verbose, struct rp_error *err)
{
    char cmd[CMD_MAX], mtu[24] = "";
    if (net->mtu)
        snprintf(mtu, sizeof(mtu), " mtu %u", net->mtu);
    int n = snprintf(cmd, sizeof(cmd), "link add %s%s type veth peer name %s%s netns %d\n",
                     run->veth, mtu, net->interface, mtu, (int)pid);
    if (net->bridge)
        n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "link set %s master %s\n", run->veth,
                      net->bridge);
    if (net->host_address)
        n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "addr add %s dev %s%s\n", net->host_address,
                      run->veth, nodad(net->host_address));
    snprintf(cmd + n, sizeof(cmd) - (size_t)n, "link set %s up\n", run->veth);
    rp_step_vlog(verbose, RP_STEP_ID_MAPS, "network: veth %s (host) <-> %s (node)%s%s%s%s",
                 run->veth, net->interface, net->bridge ? ", on bridge " : "",
                 net->bridge ? net->bridge : "", net->host_address ? ", host end " : "",
                 net->host_address ? net->host_address : "");
    return rp_net_ip(run->ip, -1, cmd, "the veth pair", err);
}

static int node_side(const struct rp_net_plan *net, const struct rp_net_run *run, pid_t pid,
                     int verbose, struct rp_error *err)
{
    char path[64], cmd[CMD_MAX];
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
    RP_AUTO_FD int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "network: %s", path);
    int n = snprintf(cmd, sizeof(cmd), "addr add %s dev %s%s\nlink set %s up\n", net->address,
                     net->interface, nodad(net->address), net->interface);
    if (net->gateway)
        snprintf(cmd + n, sizeof(cmd) - (size_t)n, "route add default via %s dev %s\n",
                 net->gateway, net->interface);
    rp_step_vlog(verbose, RP_STEP_ID_MAPS, "network: %s %s in the node%s%s", net->interface,
                 net->address, net->gateway ? ", default route via " : "",
                 net->gateway ? net->gateway : "");
    return rp_net_ip(run->ip, fd, cmd, "the node's interface", err);
}

int rp_net_veth_attach(const struct rp_net_plan *net, struct rp_net_run *run, pid_t pid,
                       int verbose, struct rp_error *err)
{
    if (host_side(net, run, pid, verbose, err) < 0 || node_side(net, run, pid, verbose, err) < 0)
        return -1;
    return 0;
}

void rp_net_veth_remove(struct rp_net_run *run, int verbose)
{
    if (!run->veth[0])
        return;
    /* The pair goes with the node's namespace when the node's last
     * process ends; otherwise it is deleted here. */
    if (rp_net_link_exists(run->veth)) {
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "link del %s\n", run->veth);
        struct rp_error err = {0};
        /* The namespace may end, and the pair with it, meanwhile. */
        if (rp_net_ip(run->ip, -1, cmd, "remove the veth pair", &err) < 0 &&
            rp_net_link_exists(run->veth))
            rp_log("warning: teardown: %s", err.msg);
        else
            rp_vlog(verbose, "network: removed the veth pair %s", run->veth);
    }
    rp_net_state_drop(run);
    run->veth[0] = '\0';
}
