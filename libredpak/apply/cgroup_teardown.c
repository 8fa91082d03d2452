/* SPDX-License-Identifier: Apache-2.0 */
/* The end of step 13 for the node's cgroup: keep what memory.events and
 * pids.events say, kill everything left (cgroup.kill, or freeze + SIGKILL +
 * thaw on kernels before 5.14), wait until cgroup.events says "populated
 * 0", remove the cgroup. Also the cleanup of cgroups whose redwrap was
 * killed before it could do this, run by the next rp_cgroup_apply. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "auto_fd.h"
#include "cgroup.h"
#include "cgroup_internal.h"
#include "error_internal.h"
#include "log.h"

/* How long teardown waits for the killed processes to leave. */
#define EMPTY_TIMEOUT_MS 10000

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until cgroup.events of dirfd says KEY VALUE. The kernel signals
 * every change of that file as POLLPRI on an open fd of it, so this sleeps
 * instead of spinning. */
static int wait_events(int dirfd, const char *key, long long value, int timeout_ms)
{
    RP_AUTO_FD int fd = openat(dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        char buf[256];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n < 0)
            return -errno;
        buf[n] = '\0';
        if (rp_cg_keyed(buf, key) == value)
            return 0;
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return -ETIMEDOUT;
        struct pollfd p = {.fd = fd, .events = POLLPRI};
        /* Also wake every 100 ms: a change between pread and poll is not
         * signalled again. */
        poll(&p, 1, left < 100 ? (int)left : 100);
    }
}

/* ---- walking a tree of any depth ------------------------------------- */

/* The child directories of one level, by name: the walk keeps names, not
 * descriptors, so its descriptors do not grow with the depth. */
struct level {
    char **names;
    size_t n, next;
};

static void level_free(struct level *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    *l = (struct level){0};
}

static int level_read(int fd, struct level *l)
{
    *l = (struct level){0};
    int dup_fd = dup(fd);
    RP_AUTO_DIR DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0)
            close(dup_fd);
        return -errno;
    }
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        if (l->n == cap) {
            cap = cap ? 2 * cap : 8;
            char **v = realloc(l->names, cap * sizeof(*v));
            if (!v)
                return -ENOMEM;
            l->names = v;
        }
        if (!(l->names[l->n] = strdup(e->d_name)))
            return -ENOMEM;
        l->n++;
    }
    return 0;
}

typedef int (*visit_fn)(int parentfd, const char *name, void *arg);

/* Calls visit on every cgroup of the tree at parentfd/name, children
 * before their parent, the top last. A node may have built a tree of any
 * depth (a 600-level chain made a recursive walk run out of descriptors
 * and teardown fail with EBUSY): the walk goes down by openat of a child
 * and up by "..", holding one directory (and briefly a second and a
 * listing) at a time; the kernel refuses to move a cgroup to another
 * parent, so ".." is where the walk came from. Returns the first
 * failure of visit, or 0; a cgroup that vanished meanwhile is skipped. */
static int walk_post(int parentfd, const char *name, visit_fn visit, void *arg)
{
    int cur = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cur < 0)
        return errno == ENOENT ? 0 : -errno;
    struct level *stack = NULL;
    size_t depth = 0, cap = 0;
    int first = 0, r;
    bool down = true; /* cur was just entered: list its children */
    for (;;) {
        if (down) {
            if (depth == cap) {
                cap = cap ? 2 * cap : 16;
                struct level *v = realloc(stack, cap * sizeof(*v));
                if (!v) {
                    first = first ? first : -ENOMEM;
                    break;
                }
                stack = v;
            }
            if ((r = level_read(cur, &stack[depth])) < 0 && !first)
                first = r;
            depth++;
            down = false;
        }
        struct level *l = &stack[depth - 1];
        if (l->next < l->n) {
            int child = openat(cur, l->names[l->next++], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (child < 0)
                continue;
            close(cur);
            cur = child;
            down = true;
            continue;
        }
        /* Every child of cur is done: cur itself is next. */
        level_free(l);
        depth--;
        if (depth == 0)
            break;
        int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (up < 0) {
            first = first ? first : -errno;
            break;
        }
        close(cur);
        cur = up;
        struct level *pl = &stack[depth - 1];
        if ((r = visit(cur, pl->names[pl->next - 1], arg)) < 0 && !first)
            first = r;
    }
    while (depth > 0)
        level_free(&stack[--depth]);
    free(stack);
    close(cur);
    if ((r = visit(parentfd, name, arg)) < 0 && !first)
        first = r;
    return first;
}

/* ---- kill ------------------------------------------------------------- */

static int kill_procs(int parentfd, const char *name, void *arg)
{
    (void)arg;
    RP_AUTO_FD int dir = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    RP_AUTO_FD int procs = dir < 0 ? -1 : openat(dir, "cgroup.procs", O_RDONLY | O_CLOEXEC);
    if (procs < 0)
        return 0;
    FILE *f = fdopen(dup(procs), "re");
    long pid;
    while (f && fscanf(f, "%ld", &pid) == 1)
        kill((pid_t)pid, SIGKILL);
    if (f)
        fclose(f);
    return 0;
}

/* Kernels before 5.14 have no cgroup.kill: freeze the subtree (the v2
 * freezer of a cgroup holds its descendants too) so nothing forks while
 * the pids are read, SIGKILL each pid of every cgroup in it (a fatal
 * signal gets through the v2 freezer), then thaw. */
static int kill_by_freezing(int parentfd, const char *name)
{
    RP_AUTO_FD int dirfd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return -errno;
    int r = rp_cg_write_at(dirfd, "cgroup.freeze", "1");
    if (r == 0)
        wait_events(dirfd, "frozen", 1, 2000);
    walk_post(parentfd, name, kill_procs, NULL);
    if (r == 0)
        rp_cg_write_at(dirfd, "cgroup.freeze", "0");
    return 0;
}

static int kill_all(int parentfd, const char *name, int dirfd)
{
    /* cgroup.kill SIGKILLs every process of the subtree at once, including
     * any forked while it runs. */
    int r = rp_cg_write_at(dirfd, "cgroup.kill", "1");
    if (r == -ENOENT)
        return kill_by_freezing(parentfd, name);
    return r;
}

/* ---- remove ----------------------------------------------------------- */

static int remove_one(int parentfd, const char *name, void *arg)
{
    (void)arg;
    /* A v1 cgroup (no populated event to wait for) may hold an exiting
     * process for a moment after the kill: a few short retries. */
    for (int i = 0; i < 50; i++) {
        if (unlinkat(parentfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            return -errno;
        usleep(10000);
    }
    return -EBUSY;
}

/* rmdir of a cgroup fails while it has children: remove the deepest first
 * (a node may have made cgroups of its own inside its namespace). */
int rp_cg_remove_tree(int parentfd, const char *name)
{
    return walk_post(parentfd, name, remove_one, NULL);
}

/* Kills and removes the cgroup dir/name; 0, or -errno. */
static int destroy(int parentfd, const char *name)
{
    /* Most nodes end with their pid namespace, which the kernel empties
     * before init is reaped: the cgroup is empty and has no children, and
     * rmdir alone removes it. EBUSY means processes or child cgroups. */
    if (unlinkat(parentfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
        return 0;
    if (errno != EBUSY)
        return -errno;
    RP_AUTO_FD int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -errno;
    int r = kill_all(parentfd, name, fd);
    if (r < 0)
        return r;
    r = wait_events(fd, "populated", 0, EMPTY_TIMEOUT_MS);
    if (r < 0)
        return r;
    return rp_cg_remove_tree(parentfd, name);
}

/* "redpak-<node>-<pid>-<random>": the owner's pid, or 0 when name is not
 * one of ours. The node name may hold dashes, so parse from the end. */
static pid_t owner_of(const char *name)
{
    if (strncmp(name, NODE_PREFIX, strlen(NODE_PREFIX)))
        return 0;
    const char *rnd = strrchr(name, '-');
    if (!rnd || rnd == name || strspn(rnd + 1, "0123456789abcdef") != strlen(rnd + 1))
        return 0;
    const char *p = rnd - 1;
    while (p > name && *p >= '0' && *p <= '9')
        p--;
    if (*p != '-' || p + 1 == rnd)
        return 0;
    return (pid_t)strtol(p + 1, NULL, 10);
}

/* redwrap's pid namespace as "DEV:INODE", "" when unknown. */
void rp_cg_own_pidns(char *buf, size_t len)
{
    struct stat st;
    buf[0] = '\0';
    if (stat("/proc/self/ns/pid", &st) == 0)
        snprintf(buf, len, "%lu:%lu", (unsigned long)st.st_dev, (unsigned long)st.st_ino);
}

/* A pid in a cgroup's name only means something in the pid namespace it
 * was taken in: a redwrap in a container that shares this parent has pids
 * of its own, and one of them being free here says nothing about it. The
 * owner's namespace rides along as an xattr (cgroupfs takes user.* xattrs
 * since Linux 5.7); without one, the name's pid is all there is. */
static bool owned_elsewhere(const char *parent, const char *name, const char *mine)
{
    char owner[64];
    RP_AUTO_FREE char *path = NULL;
    if (asprintf(&path, "%s/%s", parent, name) < 0)
        return true;
    ssize_t n = getxattr(path, OWNER_XATTR, owner, sizeof(owner) - 1);
    if (n < 0)
        return false;
    owner[n] = '\0';
    return strcmp(owner, mine) != 0;
}

/* A redwrap that was SIGKILLed never tore its node down. Its cgroup still
 * carries its pid: when that process is gone, kill what is left and remove
 * the cgroup. (A live process with a reused pid only delays the cleanup
 * to a later run.) */
void rp_cg_remove_stale(const char *parent, int verbose)
{
    char mine[64];
    rp_cg_own_pidns(mine, sizeof(mine));
    RP_AUTO_FD int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0)
        return;
    int dup_fd = dup(pfd);
    RP_AUTO_DIR DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        pid_t owner = e->d_type == DT_DIR ? owner_of(e->d_name) : 0;
        if (owner <= 0 || owner == getpid())
            continue;
        if (kill(owner, 0) == 0 || errno != ESRCH || owned_elsewhere(parent, e->d_name, mine))
            continue;
        int r = destroy(pfd, e->d_name);
        if (r == 0)
            rp_vlog(verbose, "cgroup: removed %s/%s, left by redwrap %d which is gone", parent,
                    e->d_name, (int)owner);
        else
            rp_vlog(verbose, "cgroup: cannot remove %s/%s, left by redwrap %d: %s", parent,
                    e->d_name, (int)owner, strerror(-r));
    }
}

/* Reads what the kernel counted in the node's cgroup into out ("" when
 * nothing happened worth a line). memory.events and pids.events count the
 * whole subtree. */
static void explain(int dirfd, char *out, size_t len)
{
    char ev[512], max[64] = "", group[16] = "";
    size_t used = 0;
    out[0] = '\0';
    if (rp_cg_read_at(dirfd, "memory.events", ev, sizeof(ev)) == 0) {
        long long oom_kill = rp_cg_keyed(ev, "oom_kill");
        long long group_kill = rp_cg_keyed(ev, "oom_group_kill");
        rp_cg_read_at(dirfd, "memory.max", max, sizeof(max));
        max[strcspn(max, "\n")] = '\0';
        if (group_kill > 0) {
            rp_cg_read_at(dirfd, "memory.oom.group", group, sizeof(group));
            group[strcspn(group, "\n")] = '\0';
            used += snprintf(out + used, len - used,
                             "the whole node was killed by the kernel's OOM killer in its "
                             "cgroup (memory.max %s, memory.oom.group %s, oom_group_kill %lld)",
                             max, group, group_kill);
        } else if (oom_kill > 0) {
            used += snprintf(out + used, len - used,
                             "the node was killed by the kernel's OOM killer in its cgroup "
                             "(memory.max %s, oom_kill %lld)",
                             max, oom_kill);
        }
    }
    if (used < len && rp_cg_read_at(dirfd, "pids.events", ev, sizeof(ev)) == 0) {
        long long hits = rp_cg_keyed(ev, "max");
        if (hits > 0) {
            rp_cg_read_at(dirfd, "pids.max", max, sizeof(max));
            max[strcspn(max, "\n")] = '\0';
            snprintf(out + used, len - used,
                     "%sthe node hit pids.max %s: fork or clone failed %lld time%s",
                     used ? "; " : "", max, hits, hits == 1 ? "" : "s");
        }
    }
}

int rp_cgroup_teardown(struct rp_cgroup_run *cg, int verbose, struct rp_error *err)
{
    if (cg->dirfd < 0) {
        /* Without a v2 cgroup, the end of the node's pid namespace ended
         * its processes: its v1 leaves are empty. */
        rp_cgroup_v1_remove(cg, verbose);
        free(cg->path);
        cg->path = NULL;
        return 0;
    }
    rp_cgroup_explain_end(cg);
    RP_AUTO_FREE char *parent = rp_cg_dirname(cg->path);
    const char *name = strrchr(cg->path, '/') + 1;
    RP_AUTO_FD int pfd = parent ? open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    int r = pfd < 0 ? -errno : destroy(pfd, name);
    if (r == 0)
        rp_vlog(verbose, "cgroup: killed what was left and removed %s", cg->path);
    else if (r == -ETIMEDOUT)
        rp_error_set(err, 0,
                     "cgroup: tear down %s: processes still in it %d s after "
                     "cgroup.kill",
                     cg->path, EMPTY_TIMEOUT_MS / 1000);
    else
        rp_error_set(err, r, "cgroup: tear down %s", cg->path);
    /* The kill above ended every process of the node: its v1 leaves are
     * empty now. */
    rp_cgroup_v1_remove(cg, verbose);
    rp_close_fd(&cg->dirfd);
    free(cg->path);
    cg->path = NULL;
    return r;
}

const char *rp_cgroup_explain_end(struct rp_cgroup_run *cg)
{
    /* Once the node has ended its counters no longer move: one read. */
    if (!cg->explained && cg->dirfd >= 0) {
        explain(cg->dirfd, cg->end, sizeof(cg->end));
        cg->explained = true;
    }
    return cg->end[0] ? cg->end : NULL;
}
