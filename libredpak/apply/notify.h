/* SPDX-License-Identifier: Apache-2.0 */
/* notify.c: the NOTIFY_SOCKET proxy. When redwrap runs under a service
 * manager (NOTIFY_SOCKET set, Type=notify), the workload's sd_notify
 * messages reach the manager through redwrap: the parent opens a datagram
 * socket before the clone, the first process binds it at RP_NOTIFY_PATH in
 * the new root (step 7, before the read-only remounts), the workload gets
 * NOTIFY_SOCKET=RP_NOTIFY_PATH, and the supervisor relays each datagram. */
#ifndef REDPAK_NOTIFY_H
#define REDPAK_NOTIFY_H

#include <sys/socket.h>
#include <sys/un.h>

#include "redpak/error.h"

#define RP_NOTIFY_DIR "/run/redpak"
#define RP_NOTIFY_PATH RP_NOTIFY_DIR "/notify"
struct rp_notify {
    int fd;                    /* the proxy's socket; -1: no NOTIFY_SOCKET */
    struct sockaddr_un target; /* the manager's NOTIFY_SOCKET */
    socklen_t target_len;
};
/* Parent, before the clone: reads NOTIFY_SOCKET from environ_ (a path or
 * an @abstract name; anything else is an error), opens the socket. */
int rp_notify_open(struct rp_notify *n, char *const *environ_, struct rp_error *err);
/* First process, step 7: binds the socket at RP_NOTIFY_PATH below root_fd. */
int rp_notify_bind(const struct rp_notify *n, int root_fd, struct rp_error *err);
/* Workload: env (malloc'd, from rp_process_env) with NOTIFY_SOCKET set to
 * the proxy, possibly moved; NULL when out of memory. */
char **rp_notify_env(const struct rp_notify *n, char **env);
/* Supervisor: relays every datagram waiting on n->fd (MAINPID= rewritten
 * to redwrap's pid). */
void rp_notify_relay(const struct rp_notify *n, int verbose);
void rp_notify_close(struct rp_notify *n);

#endif
