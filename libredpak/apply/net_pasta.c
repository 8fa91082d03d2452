/* SPDX-License-Identifier: Apache-2.0 */
/* mode: pasta. pasta (Debian's passt package, podman's rootless network)
 * joins the node's network namespace from the host, puts a tap interface
 * there with the host's address and routes (--config-net), and relays the
 * node's connections through ordinary sockets of its own: outbound access
 * without privileges. Published ports are sockets pasta binds on the host
 * and forwards into the node (-t, -u); every other forwarding is off: no
 * automatic ports either way (-t/-u/-T/-U none), and the gateway is not
 * the host's loopback (--no-map-gw), so the node reaches nothing of the
 * host that the file does not publish.
 *
 * pasta runs in the foreground as redwrap's child with SIGTERM as its
 * parent-death signal: it ends with redwrap even when redwrap is killed
 * (this pasta does not quit when the namespace's process ends). Ready is
 * when it wrote its pid (-P) into a pipe: it does so after it configured
 * the namespace and bound the ports. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "log.h"
#include "net.h"
#include "step_message.h"

#define ARGS_MAX 64
#define READY_MS 10000
#define READY_FD 3
#define NETNS_FD 4
#define USERNS_FD 5

struct args {
    char *v[ARGS_MAX];
    size_t n;
    char buf[4096];
    size_t used;
};

static void add(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct args *a, const char *fmt, ...)
{
    if (a->n + 1 >= ARGS_MAX || a->used >= sizeof(a->buf))
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(a->buf + a->used, sizeof(a->buf) - a->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(a->buf) - a->used)
        return;
    a->v[a->n++] = a->buf + a->used;
    a->used += (size_t)n + 1;
}

/* One -t or -u for each published port: ADDR/HOST:NODE. */
static void ports(struct args *a, const struct rp_net_plan *net, enum rp_net_proto proto)
{
    bool any = false;
    for (size_t i = 0; i < net->n_ports; i++) {
        const struct rp_net_port *p = &net->ports[i];
        if (p->proto != proto)
            continue;
        add(a, "%s", proto == RP_NET_TCP ? "-t" : "-u");
        add(a, "%s/%u:%u", p->host_addr, p->host_port, p->node_port);
        any = true;
    }
    if (!any) {
        add(a, "%s", proto == RP_NET_TCP ? "-t" : "-u");
        add(a, "none");
    }
}

static void build_args(struct args *a, const struct rp_net_plan *net)
{
    add(a, "pasta");
    add(a, "--foreground");
    add(a, "--quiet");
    add(a, "--config-net");
    add(a, "--ns-ifname");
    add(a, "%s", net->interface);
    if (net->mtu) {
        add(a, "--mtu");
        add(a, "%u", net->mtu);
    }
    ports(a, net, RP_NET_TCP);
    ports(a, net, RP_NET_UDP);
    add(a, "-T");
    add(a, "none");
    add(a, "-U");
    add(a, "none");
    add(a, "--no-map-gw");
    add(a, "--pid");
    add(a, "/proc/self/fd/%d", READY_FD);
    /* As root pasta would drop to nobody before it opens the namespace,
     * which nobody may not enter: it stays root, as redwrap is. */
    if (geteuid() == 0) {
        add(a, "--runas");
        add(a, "0:0");
    }
    /* Descriptors redwrap opened, not /proc/PID/ns/...: pasta drops its
     * capabilities first, and without CAP_SYS_PTRACE over the node's user
     * namespace it could not open another process's namespace files. */
    if (net->join_userns) {
        add(a, "--userns");
        add(a, "/proc/self/fd/%d", USERNS_FD);
    }
    add(a, "--netns");
    add(a, "/proc/self/fd/%d", NETNS_FD);
}

/* The node's namespace files, opened by redwrap. */
struct ns_fds {
    int net, user;
};

static int open_ns(pid_t pid, const char *name, int *fd, struct rp_error *err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "network: %s", path);
    return 0;
}

static void pasta_child(const char *pasta, struct args *a, int ready, int errfd, pid_t parent,
                        const struct ns_fds *ns)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
        _exit(125);
    /* Each source above the targets first: one of them may sit on another's
     * target number. */
    int from[] = {open("/dev/null", O_RDWR | O_CLOEXEC), errfd, ready, ns->net, ns->user};
    const int to[] = {0, 2, READY_FD, NETNS_FD, USERNS_FD};
    for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++)
        if (from[i] >= 0 && (from[i] = fcntl(from[i], F_DUPFD_CLOEXEC, 10)) < 0)
            _exit(125);
    if (from[0] < 0 || dup2(from[0], 1) < 0)
        _exit(125);
    for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++)
        if (from[i] >= 0 && dup2(from[i], to[i]) < 0)
            _exit(125);
    execv(pasta, a->v);
    _exit(127);
}

/* pasta's message when it failed, or the way it ended. */
static int failed(struct rp_net_run *run, int errfd, const char *why, struct rp_error *err)
{
    char msg[400] = "";
    ssize_t n = pread(errfd, msg, sizeof(msg) - 1, 0);
    msg[n > 0 ? n : 0] = '\0';
    for (char *nl; (nl = strchr(msg, '\n'));)
        *nl = nl[1] ? ' ' : '\0';
    rp_net_pasta_stop(run, 0);
    return rp_step_error(err, RP_STEP_ID_MAPS, 0, "network: %s %s%s%s", run->pasta, why,
                         msg[0] ? ": " : "", msg);
}

int rp_net_pasta_start(const struct rp_net_plan *net, struct rp_net_run *run, pid_t pid,
                       int verbose, struct rp_error *err)
{
    static struct args a;
    memset(&a, 0, sizeof(a));
    build_args(&a, net);
    if (verbose) {
        char line[1024];
        size_t used = 0;
        for (size_t i = 0; i < a.n && used < sizeof(line); i++)
            used +=
                (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", i ? " " : "", a.v[i]);
        rp_step_vlog(verbose, RP_STEP_ID_MAPS, "network: %s", line);
    }
    RP_AUTO_FD int netfd = -1;
    RP_AUTO_FD int userfd = -1;
    if (open_ns(pid, "net", &netfd, err) < 0 ||
        (net->join_userns && open_ns(pid, "user", &userfd, err) < 0))
        return -1;
    struct ns_fds ns = {netfd, userfd};
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "network: pipe");
    RP_AUTO_FD int errfd = memfd_create("pasta-stderr", MFD_CLOEXEC);
    pid_t parent = getpid();
    pid_t child = errfd < 0 ? -1 : fork();
    if (child == 0)
        pasta_child(run->pasta, &a, ready[1], errfd, parent, &ns);
    int e = errno;
    close(ready[1]);
    RP_AUTO_FD int rfd = ready[0];
    if (child < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, e, "network: start pasta");
    run->pasta_pid = child;
    run->pasta_pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    struct pollfd p = {.fd = rfd, .events = POLLIN};
    int r;
    while ((r = poll(&p, 1, READY_MS)) < 0 && errno == EINTR)
        ;
    char text[32];
    ssize_t n = r > 0 ? read(rfd, text, sizeof(text)) : 0;
    if (r == 0)
        return failed(run, errfd, "was not ready within 10 s", err);
    if (n <= 0)
        return failed(run, errfd, "ended before it was ready", err);
    rp_step_vlog(verbose, RP_STEP_ID_MAPS, "network: pasta is pid %d, %zu ports published",
                 (int)child, net->n_ports);
    return 0;
}

void rp_net_pasta_stop(struct rp_net_run *run, int verbose)
{
    if (run->pasta_pid <= 0)
        return;
    /* Through the pidfd: the supervisor may have reaped an early end of
     * pasta, and its pid may be another process's by now. */
    if (run->pasta_pidfd >= 0)
        syscall(SYS_pidfd_send_signal, run->pasta_pidfd, SIGTERM, NULL, 0);
    while (waitpid(run->pasta_pid, NULL, 0) < 0 && errno == EINTR)
        ;
    rp_close_fd(&run->pasta_pidfd);
    rp_vlog(verbose, "network: pasta ended");
    run->pasta_pid = 0;
}
