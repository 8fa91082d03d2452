/* SPDX-License-Identifier: Apache-2.0 */
/* What a node's network left on the host, named where the next start
 * finds it: /run/redpak/net/VETH, one file per veth pair, held by an
 * open-file-description lock (F_OFD_SETLK) for the node's life, as the id
 * ranges are (idpool.c). A redwrap killed with SIGKILL cannot remove its
 * pair; its lock goes with its last descriptor, so the next start that
 * can lock the file knows the pair is nobody's and deletes it. The pair
 * takes with it the host end's address, the routes the kernel made for it
 * and its bridge port; the file holds nothing else. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "log.h"
#include "net.h"

#define STATE_DIR "/run/redpak/net"

static int lock_file(int fd)
{
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    return fcntl(fd, F_OFD_SETLK, &lk);
}

/* The network namespace redwrap runs in, as the kernel names it
 * ("net:[4026531840]"): a pair lives in one, and only a start in the same
 * one can see and remove it. */
static void own_netns(char *out, size_t len)
{
    ssize_t n = readlink("/proc/self/ns/net", out, len - 1);
    out[n > 0 ? n : 0] = '\0';
}

static bool veth_name_ok(const char *name)
{
    return strncmp(name, "rpv", 3) == 0 && strlen(name) < 16 && !strchr(name, '/');
}

int rp_net_state_clean(const char *ip, int verbose)
{
    DIR *d = opendir(STATE_DIR);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!veth_name_ok(e->d_name))
            continue;
        RP_AUTO_FD int fd = openat(dirfd(d), e->d_name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 || lock_file(fd) < 0)
            continue; /* a running node's */
        char mine[64], theirs[64];
        own_netns(mine, sizeof(mine));
        ssize_t n = pread(fd, theirs, sizeof(theirs) - 1, 0);
        theirs[n > 0 ? n : 0] = '\0';
        if (strcmp(mine, theirs) != 0)
            continue; /* another namespace's: a start there removes it */
        /* veth_name_ok kept names of at most IFNAMSIZ - 1 bytes; %.15s says
         * so to the compiler too. */
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "link del %.15s\n", e->d_name);
        struct rp_error err = {0};
        /* Gone already when the node's namespace ended with it. */
        if (rp_net_link_exists(e->d_name)) {
            if (rp_net_ip(ip, -1, cmd, "remove a stale veth pair", &err) < 0)
                rp_log("warning: %s", err.msg);
            else
                rp_vlog(verbose, "network: removed %s, which a killed redwrap left", e->d_name);
        }
        unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    return 0;
}

int rp_net_state_take(struct rp_net_run *run, struct rp_error *err)
{
    if (mkdir("/run/redpak", 0755) < 0 && errno != EEXIST)
        return rp_error_set(err, errno, "network: mkdir /run/redpak");
    if (mkdir(STATE_DIR, 0700) < 0 && errno != EEXIST)
        return rp_error_set(err, errno, "network: mkdir " STATE_DIR);
    /* redwrap's pid: unique among running nodes, and short enough for
     * IFNAMSIZ. A file of the same name left by a dead redwrap was
     * removed by rp_net_state_clean. */
    snprintf(run->veth, sizeof(run->veth), "rpv%d", (int)getpid());
    char path[64];
    snprintf(path, sizeof(path), STATE_DIR "/%s", run->veth);
    run->state_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (run->state_fd < 0 || lock_file(run->state_fd) < 0) {
        int e = errno;
        run->veth[0] = '\0';
        return rp_error_set(err, e, "network: %s", path);
    }
    char ns[64];
    own_netns(ns, sizeof(ns));
    if (ftruncate(run->state_fd, 0) < 0 || pwrite(run->state_fd, ns, strlen(ns), 0) < 0)
        return rp_error_set(err, errno, "network: write %s", path);
    return 0;
}

void rp_net_state_drop(struct rp_net_run *run)
{
    if (run->state_fd < 0)
        return;
    char path[64];
    snprintf(path, sizeof(path), STATE_DIR "/%s", run->veth);
    unlink(path);
    rp_close_fd(&run->state_fd);
}
