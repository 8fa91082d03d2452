/* SPDX-License-Identifier: Apache-2.0 */
/* The NOTIFY_SOCKET proxy: sd_notify(3) through the node's walls.
 *
 * A service manager started redwrap with Type=notify and NOTIFY_SOCKET set:
 * it waits for READY=1 on that socket. The workload cannot reach it: the
 * path is the host's (/run/systemd/notify), outside the node's root, and an
 * abstract name lives in the host's network namespace, not the node's.
 * Passing the variable through would either fail or, with a bind of the
 * host's socket, let the node talk to the manager with nobody in between.
 *
 * So redwrap relays. Before the clone the parent makes a datagram socket;
 * the first process, which inherits it, binds it at RP_NOTIFY_PATH inside
 * the new root while the root is still writable (step 7, before the finish
 * plan's read-only remounts), so the socket file exists only in the node's
 * own filesystem and nothing is left on the host. The workload gets
 * NOTIFY_SOCKET=RP_NOTIFY_PATH. The parent keeps the same socket (one open
 * file, two descriptors) and forwards each datagram to the real
 * NOTIFY_SOCKET from its supervisor loop, as redwrap's own message: the
 * manager sees the unit's main process speak (NotifyAccess=main suffices),
 * and READY=1 reaches it exactly when the workload says it.
 *
 * One rewrite: MAINPID=. A pid the workload names is a pid of the node's
 * pid namespace, meaningless on the host; the process the manager tracks
 * is redwrap, so the line is rewritten to redwrap's pid. File descriptors
 * (FDSTORE=1, BARRIER=1's pipe) are passed on as they came. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "auto_fd.h"
#include "env_value.h"
#include "error_internal.h"
#include "log.h"
#include "mount.h"
#include "mount_resolve.h"
#include "notify.h"
#include "step_message.h"

/* The manager's messages are at most a pipe buffer (systemd reads 4096). */
#define NOTIFY_MAX 4096
/* SCM_RIGHTS with more descriptors than this is refused by systemd too. */
#define NOTIFY_MAX_FDS 768

/* "/run/systemd/notify" or "@abstract" (a leading NUL in sun_path). */
static int parse_target(struct rp_notify *n, const char *value, struct rp_error *err)
{
    size_t len = strlen(value);
    if ((value[0] != '/' && value[0] != '@') || len < 2)
        return rp_error_set(err, 0,
                            "NOTIFY_SOCKET=%s: only a unix socket path or an "
                            "@abstract name can be relayed into the node",
                            value);
    if (len >= sizeof(n->target.sun_path))
        return rp_error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET=%s", value);
    n->target.sun_family = AF_UNIX;
    memcpy(n->target.sun_path, value, len);
    if (value[0] == '@')
        n->target.sun_path[0] = '\0';
    /* An abstract name has no terminating NUL: its length is the address's. */
    n->target_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (value[0] == '/'));
    return 0;
}

int rp_notify_open(struct rp_notify *n, char *const *environ_, struct rp_error *err)
{
    n->fd = -1;
    const char *value = rp_env_value(environ_, "NOTIFY_SOCKET");
    if (!value || !value[0])
        return 0;
    int r = parse_target(n, value, err);
    if (r < 0)
        return r;
    /* Non-blocking: the supervisor drains it after poll and must never
     * stall on it. Close-on-exec: the workload reaches it by path only. */
    n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (n->fd < 0)
        return rp_error_set(err, errno, "notify proxy: socket");
    return 0;
}

int rp_notify_bind(const struct rp_notify *n, int root_fd, struct rp_error *err)
{
    if (n->fd < 0)
        return 0;
    const char *base;
    RP_AUTO_FD int dir = rp_resolve_parent(root_fd, RP_NOTIFY_PATH, 1, &base);
    if (dir < 0)
        return rp_step_error(err, RP_STEP_MOUNTS, -dir, "notify proxy: %s", RP_NOTIFY_DIR);
    /* bind(2) takes a path, not a directory fd: reach the directory that
     * was resolved inside the root through its /proc magic link, so a
     * symlink in an image cannot move the socket out of the root. */
    char dir_path[64];
    rp_fd_path(dir_path, sizeof(dir_path), RP_STAGE_PROC, dir);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int len = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s", dir_path, base);
    /* The socket file takes its mode from the umask; the workload, under
     * another uid, must be able to write to it (connect and sendto check
     * write permission on the socket file). */
    mode_t old = umask(0);
    int r = bind(n->fd, (struct sockaddr *)&addr,
                 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)len + 1));
    int e = errno;
    umask(old);
    if (r < 0)
        return rp_step_error(err, RP_STEP_MOUNTS, e, "notify proxy: bind %s", RP_NOTIFY_PATH);
    return 0;
}

char **rp_notify_env(const struct rp_notify *n, char **env)
{
    if (n->fd < 0)
        return env;
    static char entry[] = "NOTIFY_SOCKET=" RP_NOTIFY_PATH;
    size_t count = 0;
    bool replaced = false;
    for (; env[count]; count++) {
        if (strncmp(env[count], "NOTIFY_SOCKET=", 14) == 0) {
            env[count] = entry;
            replaced = true;
        }
    }
    if (replaced)
        return env;
    /* The child's copy of the array: freed by execve, never by us. */
    char **grown = realloc(env, (count + 2) * sizeof(*env));
    if (!grown)
        return NULL;
    grown[count] = entry;
    grown[count + 1] = NULL;
    return grown;
}

/* Copies msg to out line by line, MAINPID= rewritten to redwrap's pid. */
static size_t rewrite(const char *msg, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(msg + i, '\n', len - i);
        size_t line = nl ? (size_t)(nl - (msg + i)) : len - i;
        int w;
        if (line >= 8 && memcmp(msg + i, "MAINPID=", 8) == 0)
            w = snprintf(out + o, cap - o, "MAINPID=%d%s", (int)getpid(), nl ? "\n" : "");
        else
            w = snprintf(out + o, cap - o, "%.*s%s", (int)line, msg + i, nl ? "\n" : "");
        if (w < 0 || (size_t)w >= cap - o)
            return 0;
        o += (size_t)w;
        i += line + (nl ? 1 : 0);
    }
    return o;
}

static void close_passed_fds(struct msghdr *mh)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int *fds = (int *)CMSG_DATA(c);
        for (size_t i = 0; i < nfds; i++)
            close(fds[i]);
    }
}

/* One datagram from the node to the manager. 1: relayed or dropped,
 * 0: nothing was waiting. */
static int relay_one(const struct rp_notify *n, int verbose)
{
    char msg[NOTIFY_MAX + 1];
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * NOTIFY_MAX_FDS)];
    } control;
    struct iovec iov = {.iov_base = msg, .iov_len = sizeof(msg) - 1};
    struct msghdr mh = {.msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = control.buf,
                        .msg_controllen = sizeof(control.buf)};
    ssize_t len = recvmsg(n->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
    if (len < 0)
        return errno == EINTR ? 1 : 0;
    char out[NOTIFY_MAX + 64];
    size_t out_len = 0;
    if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || (size_t)len > NOTIFY_MAX)
        rp_log("warning: notify proxy: dropped a message of %zd bytes from the node", len);
    else if ((out_len = rewrite(msg, (size_t)len, out, sizeof(out))) == 0 && len > 0)
        rp_log("warning: notify proxy: dropped a message the MAINPID rewrite overflowed");
    if (out_len > 0) {
        msg[len] = '\0';
        rp_vlog(verbose, "notify proxy: relay \"%.*s\"", (int)strcspn(msg, "\n"), msg);
        /* Only the descriptors travel on; the node's credentials do not
         * (the kernel puts redwrap's on this message). */
        struct msghdr fwd = {.msg_name = (void *)&n->target,
                             .msg_namelen = n->target_len,
                             .msg_iov = &(struct iovec){.iov_base = out, .iov_len = out_len},
                             .msg_iovlen = 1};
        char fwd_control[sizeof(control.buf)];
        size_t fwd_len = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
                fwd_len + CMSG_ALIGN(c->cmsg_len) <= sizeof(fwd_control)) {
                memcpy(fwd_control + fwd_len, c, c->cmsg_len);
                fwd_len += CMSG_ALIGN(c->cmsg_len);
            }
        }
        if (fwd_len) {
            fwd.msg_control = fwd_control;
            fwd.msg_controllen = fwd_len;
        }
        /* MSG_DONTWAIT: a manager that does not read must not stall the
         * supervisor, which also forwards signals. */
        if (sendmsg(n->fd, &fwd, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
            rp_log("warning: notify proxy: relay to NOTIFY_SOCKET: %s", strerror(errno));
    }
    /* The manager has its own copies now (sendmsg duplicated them). */
    close_passed_fds(&mh);
    return 1;
}

void rp_notify_relay(const struct rp_notify *n, int verbose)
{
    if (n->fd < 0)
        return;
    while (relay_one(n, verbose))
        ;
}

void rp_notify_close(struct rp_notify *n)
{
    rp_close_fd(&n->fd);
}
