/* SPDX-License-Identifier: Apache-2.0 */
/* The programs the network steps run: iproute2's ip (netlink, as every
 * administrator reads it in -v) and pasta. Found once in step 1, so that a
 * missing one stops the start before anything exists. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "net.h"

static bool executable_in(const char *dir, size_t dlen, const char *name, char *out, size_t len)
{
    int n = snprintf(out, len, "%.*s/%s", (int)dlen, dir, name);
    return n > 0 && (size_t)n < len && access(out, X_OK) == 0;
}

bool rp_net_find_tool(const char *name, char *out, size_t len)
{
    /* The system folders first: a rootless caller's PATH often lacks sbin,
     * where Debian installs ip. */
    static const char *const dirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (executable_in(dirs[i], strlen(dirs[i]), name, out, len))
            return true;
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *end = strchrnul(path, ':');
        if (end > path && path[0] == '/' &&
            executable_in(path, (size_t)(end - path), name, out, len))
            return true;
        path = *end ? end + 1 : end;
    }
    return false;
}

/* The child: the namespace, the pipes, a clean signal mask, ip. */
static void ip_child(const char *ip, int netns_fd, int in, int errfd)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if ((netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0) || dup2(in, 0) < 0 ||
        dup2(errfd, 1) < 0 || dup2(errfd, 2) < 0)
        _exit(126);
    execl(ip, "ip", "-batch", "-", (char *)NULL);
    _exit(127);
}

int rp_net_ip(const char *ip, int netns_fd, const char *commands, const char *what,
              struct rp_error *err)
{
    int in[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return rp_error_set(err, errno, "network: %s: pipe", what);
    /* ip's messages, kept whole whatever their length: a pipe would fill. */
    RP_AUTO_FD int errfd = memfd_create("ip-stderr", MFD_CLOEXEC);
    if (errfd < 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        return rp_error_set(err, e, "network: %s: memfd", what);
    }
    pid_t pid = fork();
    if (pid == 0)
        ip_child(ip, netns_fd, in[0], errfd);
    int e = errno;
    close(in[0]);
    if (pid < 0) {
        close(in[1]);
        return rp_error_set(err, e, "network: %s: fork", what);
    }
    /* A few hundred bytes: far below the pipe's capacity. */
    size_t len = strlen(commands);
    ssize_t w = write(in[1], commands, len);
    close(in[1]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return rp_error_set(err, errno, "network: %s: wait for ip", what);
    if (w == (ssize_t)len && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    char msg[400] = "";
    ssize_t n = pread(errfd, msg, sizeof(msg) - 1, 0);
    msg[n > 0 ? n : 0] = '\0';
    for (char *nl; (nl = strchr(msg, '\n'));)
        *nl = nl[1] ? ' ' : '\0';
    return rp_error_set(err, 0, "network: %s: %s failed (status %d): %s", what, ip,
                        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                        msg[0] ? msg : "no message");
}

/* Asked of redwrap's own network namespace, not through /sys/class/net,
 * which shows the namespace sysfs was mounted in. */
bool rp_net_link_exists(const char *name)
{
    return if_nametoindex(name) != 0;
}

bool rp_net_link_is_bridge(const char *name)
{
    RP_AUTO_FD int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ethtool_drvinfo info = {.cmd = ETHTOOL_GDRVINFO};
    struct ifreq ifr = {.ifr_data = (void *)&info};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    return fd >= 0 && ioctl(fd, SIOCETHTOOL, &ifr) == 0 && strcmp(info.driver, "bridge") == 0;
}
