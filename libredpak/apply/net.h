/* SPDX-License-Identifier: Apache-2.0 */
/* The node's network (docs/network.md): checked in step 1 before anything
 * exists, connected in step 5 by the parent through /proc/PID/ns/net of
 * the first process, undone at step 13 and, for what a killed redwrap
 * left, at the next start. */
#ifndef REDPAK_NET_H
#define REDPAK_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "redpak/error.h"
#include "redpak/plan.h"

/* What one run made, for its teardown. */
struct rp_net_run {
    char ip[256];    /* iproute2's ip, found in step 1 */
    char pasta[256]; /* pasta, found in step 1 */
    char veth[16];   /* the host's end of the veth pair; "" before it exists */
    int state_fd;    /* OFD-locked /run/redpak/net/VETH for the node's life; -1 */
    int pasta_pidfd; /* the pasta process redwrap started; -1 */
    pid_t pasta_pid;
};

#define RP_NET_RUN_INIT                                                                            \
    {                                                                                              \
        .state_fd = -1, .pasta_pidfd = -1                                                          \
    }

/* Step 1: the tools exist, the ports are free, the addresses unused on the
 * host, the bridge is one; what killed redwraps left is removed. */
int rp_net_check(const struct rp_net_plan *net, struct rp_net_run *run, int verbose,
                 struct rp_error *err);
/* Step 5, parent: connects the network namespace of pid. */
int rp_net_attach(const struct rp_net_plan *net, struct rp_net_run *run, pid_t pid, int verbose,
                  struct rp_error *err);
/* Step 13: pasta ended, the veth pair and its state file removed. */
void rp_net_teardown(struct rp_net_run *run, int verbose);

/* net_tools.c: a program in the system folders, then in PATH. */
bool rp_net_find_tool(const char *name, char *out, size_t len);
/* ip -batch - with commands on its standard input, in the network
 * namespace netns_fd (-1: redwrap's). Its stderr becomes err's message. */
int rp_net_ip(const char *ip, int netns_fd, const char *commands, const char *what,
              struct rp_error *err);

/* Links of redwrap's network namespace. */
bool rp_net_link_exists(const char *name);
bool rp_net_link_is_bridge(const char *name);

/* net_state.c: the state files of /run/redpak/net. */
int rp_net_state_clean(const char *ip, int verbose);
int rp_net_state_take(struct rp_net_run *run, struct rp_error *err);
void rp_net_state_drop(struct rp_net_run *run);

/* net_pasta.c, net_veth.c: the modes. */
int rp_net_pasta_start(const struct rp_net_plan *net, struct rp_net_run *run, pid_t pid,
                       int verbose, struct rp_error *err);
void rp_net_pasta_stop(struct rp_net_run *run, int verbose);
int rp_net_veth_attach(const struct rp_net_plan *net, struct rp_net_run *run, pid_t pid,
                       int verbose, struct rp_error *err);
void rp_net_veth_remove(struct rp_net_run *run, int verbose);

#endif
