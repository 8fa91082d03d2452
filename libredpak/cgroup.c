/* Step 3 and the end of step 13: the node's cgroup v2.
 *
 * prepare: find the hierarchy and what it offers (cgroup_detect.c) before
 * anything is made, so a required limit the host cannot apply fails with
 * nothing built; pick the parent (cgroup.parent, or the cgroup redwrap runs
 * in, so a systemd unit with Delegate=yes just works); remove cgroups left
 * by a redwrap that was killed; enable the controllers the items need in
 * cgroup.subtree_control up the delegated subtree; create
 * "redpak-<node>-<pid>-<random>" (two nodes of one name run side by side,
 * and the owner's pid tells the next run whether it is stale); write the
 * items in the plan's order. The executor clones the first process straight
 * into cg->dirfd (clone3 CLONE_INTO_CGROUP).
 *
 * teardown: keep what memory.events/pids.events say, kill everything left
 * (cgroup.kill, or freeze + SIGKILL + thaw on kernels before 5.14), wait
 * until cgroup.events says "populated 0", remove the cgroup. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "exec.h"

#define NODE_PREFIX "redpak-"
/* A leaf of redwrap's own cgroup that redwrap moves into when it must
 * enable controllers there (see enable_in). */
#define SUPERVISOR_LEAF "supervisor"
/* On the node's cgroup: the pid namespace of the redwrap that owns it. */
#define OWNER_XATTR "user.redpak.pidns"
/* How long teardown waits for the killed processes to leave. */
#define EMPTY_TIMEOUT_MS 10000

static void free_str(char **s)
{
    free(*s);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

static void close_dir(DIR **d)
{
    if (*d)
        closedir(*d);
}

static void free_host(struct rp_cg_host *h)
{
    rp_cg_host_free(h);
}

/* One write(2) per value: cgroup files parse what a single write brings. */
static int write_at(int dirfd, const char *file, const char *value)
{
    __attribute__((cleanup(close_fd))) int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = strlen(value);
    ssize_t n = write(fd, value, len);
    if (n < 0)
        return -errno;
    return (size_t)n == len ? 0 : -EIO;
}

static int write_path(const char *dir, const char *file, const char *value)
{
    __attribute__((cleanup(close_fd))) int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    return write_at(dfd, file, value);
}

/* Reads a small cgroup file into buf (NUL-terminated); -errno on failure. */
static int read_at(int dirfd, const char *file, char *buf, size_t len)
{
    __attribute__((cleanup(close_fd))) int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, len - 1);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return 0;
}

static int read_path(const char *dir, const char *file, char *buf, size_t len)
{
    __attribute__((cleanup(close_fd))) int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    return read_at(dfd, file, buf, len);
}

/* The value of "KEY VALUE" in a flat-keyed file (memory.events, cgroup.events). */
static long long keyed(const char *text, const char *key)
{
    size_t kl = strlen(key);
    for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : s)
        if (!strncmp(s, key, kl) && s[kl] == ' ')
            return strtoll(s + kl + 1, NULL, 10);
    return -1;
}

/* ---- errors and warnings about items ---------------------------------- */

/* Controllers in bits cannot be used: fail naming the first item that needs
 * one (required) or warn once per item that needs one (not required). */
static int controllers_unusable(const struct rp_cgroup_plan *plan, unsigned bits,
                                const char *why_fixed, const struct rp_cg_host *h,
                                struct rp_error *err)
{
    for (size_t i = 0; i < plan->n_writes; i++) {
        const struct rp_cgroup_write *w = &plan->writes[i];
        if (!(w->controller & bits))
            continue;
        char why[512];
        if (why_fixed)
            snprintf(why, sizeof(why), "%s", why_fixed);
        else
            rp_cg_host_why_missing(h, w->controller, why, sizeof(why));
        if (plan->required)
            return rp_error_set(err, 0,
                                "cgroup: %s needs the %s controller, but %s; set "
                                "cgroup.required: false to run without limits",
                                w->file, rp_cg_controller_name(w->controller), why);
        rp_log("warning: cgroup: %s not applied: it needs the %s controller, but %s",
               w->file, rp_cg_controller_name(w->controller), why);
    }
    return 0;
}

/* ---- where the node's cgroup goes -------------------------------------- */

/* cgroup.parent is a directory under the cgroup2 mount
 * (/sys/fs/cgroup/redpak) or a path inside the hierarchy (/redpak, as
 * /proc/self/cgroup writes them); the second form is joined to the mount. */
static int parent_dir(const struct rp_cgroup_plan *plan, const struct rp_cg_host *h,
                      char **dir, struct rp_error *err)
{
    if (!plan->parent)
        return rp_cg_self_dir(h, dir, err);
    size_t ml = strlen(h->mount);
    const char *p = plan->parent;
    int r;
    if (!strncmp(p, h->mount, ml) && (p[ml] == '/' || p[ml] == '\0'))
        r = asprintf(dir, "%s", p);
    else
        r = asprintf(dir, "%s%s", h->mount, p);
    if (r < 0)
        return rp_error_set(err, ENOMEM, "cgroup: parent");
    /* Trailing slashes would make the parent of "x/" look like "x". */
    size_t l = strlen(*dir);
    while (l > 1 && (*dir)[l - 1] == '/')
        (*dir)[--l] = '\0';
    return 0;
}

/* mkdir -p below the mount; a parent made here stays (it is shared). */
static int make_parents(const char *mount, const char *dir, int verbose)
{
    __attribute__((cleanup(free_str))) char *copy = strdup(dir);
    if (!copy)
        return -ENOMEM;
    size_t ml = strlen(mount);
    if (!copy[ml])
        return 0;           /* the mount itself */
    for (char *slash = copy + ml + 1;; slash++) {
        slash = strchrnul(slash, '/');
        char c = *slash;
        *slash = '\0';
        if (mkdir(copy, 0755) == 0)
            rp_vlog(verbose, "cgroup: created the parent %s", copy);
        else if (errno != EEXIST)
            return -errno;
        *slash = c;
        if (!c)
            return 0;
    }
}

/* ---- enabling controllers up the delegated subtree --------------------- */

static char *dirname_of(const char *dir)
{
    char *p = strdup(dir);
    if (p) {
        char *slash = strrchr(p, '/');
        if (slash && slash != p)
            *slash = '\0';
    }
    return p;
}

/* redwrap moves itself into SELF/supervisor. The kernel's "no internal
 * processes" rule: a cgroup other than the root may hold processes or
 * enable controllers for its children, never both (cgroup.subtree_control
 * answers EBUSY). When the node goes under redwrap's own cgroup (a systemd
 * unit with Delegate=yes) and needs a controller, redwrap leaves for a leaf
 * of its own first, as systemd and crun do; the leaf stays until the unit's
 * cgroup is removed, since redwrap cannot go back into a cgroup that now
 * delegates controllers. */
static int move_self_to_leaf(const char *self, int verbose)
{
    __attribute__((cleanup(free_str))) char *leaf = NULL;
    if (asprintf(&leaf, "%s/" SUPERVISOR_LEAF, self) < 0)
        return -ENOMEM;
    if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
        return -errno;
    /* "0" names the writing process: the whole of redwrap moves. */
    int r = write_path(leaf, "cgroup.procs", "0");
    if (r == 0)
        rp_vlog(verbose, "cgroup: moved redwrap into %s (no internal processes in %s)", leaf,
                self);
    return r;
}

struct enabling {
    const struct rp_cg_host *h;
    const char *self;       /* redwrap's own cgroup directory */
    bool moved;
    int verbose;
    char why[512];          /* what failed, for the message */
};

/* Makes every controller in want available to the children of dir: offered
 * in dir/cgroup.controllers (enabling it in the parent first when not) and
 * written "+name" to dir/cgroup.subtree_control. Returns the controllers
 * that could not be enabled, with en->why saying where and why. */
static unsigned enable_in(struct enabling *en, const char *dir, unsigned want)
{
    char buf[512];
    int rr = read_path(dir, "cgroup.controllers", buf, sizeof(buf));
    if (rr < 0) {
        snprintf(en->why, sizeof(en->why), "%s/cgroup.controllers cannot be read: %s", dir,
                 strerror(-rr));
        return want;
    }
    unsigned have = rp_cg_controllers_parse(buf);
    unsigned failed = 0;
    if (want & ~have) {
        if (!strcmp(dir, en->h->mount)) {
            rp_cg_host_why_missing(en->h, want & ~have & -(want & ~have), en->why,
                                   sizeof(en->why));
            failed |= want & ~have;
        } else {
            __attribute__((cleanup(free_str))) char *up = dirname_of(dir);
            failed |= up ? enable_in(en, up, want & ~have) : want & ~have;
        }
    }
    if (read_path(dir, "cgroup.subtree_control", buf, sizeof(buf)) < 0)
        buf[0] = '\0';
    unsigned enabled = rp_cg_controllers_parse(buf);
    for (unsigned bit = 1; bit <= RP_CTRL_PIDS; bit <<= 1) {
        if (!(want & bit) || (failed & bit) || (enabled & bit))
            continue;
        char plus[32];
        snprintf(plus, sizeof(plus), "+%s", rp_cg_controller_name(bit));
        int r = write_path(dir, "cgroup.subtree_control", plus);
        if (r == -EBUSY && !en->moved && !strcmp(dir, en->self)) {
            en->moved = true;
            int m = move_self_to_leaf(dir, en->verbose);
            r = m < 0 ? m : write_path(dir, "cgroup.subtree_control", plus);
        }
        if (r == 0) {
            rp_vlog(en->verbose, "cgroup: enabled %s in %s/cgroup.subtree_control", plus, dir);
            continue;
        }
        failed |= bit;
        if (r == -EBUSY)
            snprintf(en->why, sizeof(en->why),
                     "enabling it in %s/cgroup.subtree_control failed: that cgroup holds "
                     "processes (the kernel's no-internal-processes rule); run redwrap in a "
                     "cgroup of its own, e.g. a systemd unit with Delegate=yes", dir);
        else if (r == -EACCES || r == -EPERM || r == -EROFS)
            snprintf(en->why, sizeof(en->why),
                     "enabling it in %s/cgroup.subtree_control failed: %s (no delegation: "
                     "run redwrap in a delegated cgroup, e.g. a systemd unit with "
                     "Delegate=yes, or set cgroup.parent)", dir, strerror(-r));
        else
            snprintf(en->why, sizeof(en->why),
                     "enabling it in %s/cgroup.subtree_control failed: %s", dir, strerror(-r));
    }
    return failed;
}

/* ---- killing and removing --------------------------------------------- */

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
    __attribute__((cleanup(close_fd))) int fd = openat(dirfd, "cgroup.events",
                                                        O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        char buf[256];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n < 0)
            return -errno;
        buf[n] = '\0';
        if (keyed(buf, key) == value)
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

/* Kernels before 5.14 have no cgroup.kill: freeze the subtree so nothing
 * forks while the pids are read, SIGKILL each pid of every cgroup in it
 * (a fatal signal gets through the v2 freezer), then thaw. */
static int kill_by_freezing(int dirfd)
{
    int r = write_at(dirfd, "cgroup.freeze", "1");
    if (r == 0)
        wait_events(dirfd, "frozen", 1, 2000);
    __attribute__((cleanup(close_fd))) int procs = openat(dirfd, "cgroup.procs",
                                                           O_RDONLY | O_CLOEXEC);
    if (procs >= 0) {
        FILE *f = fdopen(dup(procs), "re");
        long pid;
        while (f && fscanf(f, "%ld", &pid) == 1)
            kill((pid_t)pid, SIGKILL);
        if (f)
            fclose(f);
    }
    int dup_fd = dup(dirfd);
    __attribute__((cleanup(close_dir))) DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        __attribute__((cleanup(close_fd))) int child =
            openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (child >= 0)
            kill_by_freezing(child);
    }
    if (r == 0)
        write_at(dirfd, "cgroup.freeze", "0");
    return 0;
}

static int kill_all(int dirfd)
{
    /* cgroup.kill SIGKILLs every process of the subtree at once, including
     * any forked while it runs. */
    int r = write_at(dirfd, "cgroup.kill", "1");
    if (r == -ENOENT)
        return kill_by_freezing(dirfd);
    return r;
}

/* rmdir of a cgroup fails while it has children: remove the deepest first
 * (a node may have made cgroups of its own inside its namespace). */
static int remove_tree(int parentfd, const char *name)
{
    __attribute__((cleanup(close_fd))) int fd =
        openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        int dup_fd = dup(fd);
        __attribute__((cleanup(close_dir))) DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
        for (struct dirent *e; d && (e = readdir(d));)
            if (e->d_type == DT_DIR && e->d_name[0] != '.')
                remove_tree(fd, e->d_name);
    }
    return unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -errno : 0;
}

/* Kills and removes the cgroup dir/name; 0, or -errno. */
static int destroy(int parentfd, const char *name)
{
    __attribute__((cleanup(close_fd))) int fd =
        openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -errno;
    int r = kill_all(fd);
    if (r < 0)
        return r;
    r = wait_events(fd, "populated", 0, EMPTY_TIMEOUT_MS);
    if (r < 0)
        return r;
    return remove_tree(parentfd, name);
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
static void own_pidns(char *buf, size_t len)
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
    __attribute__((cleanup(free_str))) char *path = NULL;
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
static void remove_stale(const char *parent, int verbose)
{
    char mine[64];
    own_pidns(mine, sizeof(mine));
    __attribute__((cleanup(close_fd))) int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0)
        return;
    int dup_fd = dup(pfd);
    __attribute__((cleanup(close_dir))) DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
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

/* ---- the three entry points ------------------------------------------- */

/* The kernel accepts a partition type it cannot honour and reports it
 * only when read back: "root invalid (Cpu list in cpuset.cpus not
 * exclusive)". Such a partition isolates nothing: treat it as a failed
 * write. */
static int check_partition(int dirfd, const char *wanted, char *got, size_t len)
{
    int r = read_at(dirfd, "cpuset.cpus.partition", got, len);
    if (r < 0)
        return r;
    got[strcspn(got, "\n")] = '\0';
    return strcmp(got, wanted) ? -EINVAL : 0;
}

/* Without a cgroup of its own the node's processes are still ended by its
 * pid namespace: when its PID 1 dies the kernel kills the rest. That is
 * an error only when required items would go unapplied; items already
 * warned about (their controller missing, bits not in usable) are not
 * warned about twice. */
static int no_cgroup(const struct rp_cgroup_plan *plan, unsigned usable, const char *what,
                     int verbose, struct rp_error *err)
{
    bool pending = false;
    for (size_t i = 0; i < plan->n_writes; i++)
        pending |= (plan->writes[i].controller & usable) != 0;
    if (plan->required && pending)
        return rp_error_set(err, 0, "cgroup: cannot make the node's cgroup: %s; "
                            "set cgroup.required: false to run without limits", what);
    if (pending)
        rp_log("warning: cgroup: running without limits: %s", what);
    else
        rp_vlog(verbose, "cgroup: no cgroup of its own for the node (%s); its pid namespace "
                "ends its processes", what);
    return 0;
}

int rp_cgroup_prepare(const struct rp_cgroup_plan *plan, int verbose,
                      struct rp_cgroup_run *cg, struct rp_error *err)
{
    cg->dirfd = -1;
    cg->path = NULL;
    cg->created = false;
    cg->end[0] = '\0';

    __attribute__((cleanup(free_host))) struct rp_cg_host h;
    int r = rp_cg_host_detect(&h, err);
    if (r < 0)
        return r;
    /* Everything the items need is checked before anything is created. */
    unsigned missing = plan->controllers & ~h.offered;
    if (missing && (r = controllers_unusable(plan, missing, NULL, &h, err)) < 0)
        return r;
    if (!h.mount) {
        /* Every item was refused above; only the quiet note is left. */
        char why[256];
        rp_cg_host_why_missing(&h, 0, why, sizeof(why));
        rp_vlog(verbose, "cgroup: no cgroup of its own for the node (%s); its pid namespace "
                "ends its processes", why);
        return 0;
    }

    __attribute__((cleanup(free_str))) char *parent = NULL;
    if ((r = parent_dir(plan, &h, &parent, err)) < 0) {
        char what[sizeof(err->msg)];
        snprintf(what, sizeof(what), "%s", err->msg);
        return no_cgroup(plan, plan->controllers & h.offered, what, verbose, err);
    }
    if (plan->parent && (r = make_parents(h.mount, parent, verbose)) < 0) {
        char what[512];
        snprintf(what, sizeof(what), "creating the parent %s failed: %s", parent, strerror(-r));
        return no_cgroup(plan, plan->controllers & h.offered, what, verbose, err);
    }
    remove_stale(parent, verbose);

    __attribute__((cleanup(free_str))) char *self = NULL;
    struct rp_error ignored;
    if (rp_cg_self_dir(&h, &self, &ignored) < 0)
        self = NULL;
    struct enabling en = {.h = &h, .self = self ? self : "", .verbose = verbose};
    unsigned want = plan->controllers & h.offered;
    unsigned failed = want ? enable_in(&en, parent, want) : 0;
    if (failed && (r = controllers_unusable(plan, failed, en.why, &h, err)) < 0)
        return r;
    unsigned usable = want & ~failed;

    uint32_t rnd = 0;
    if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
        rnd = (uint32_t)now_ms() ^ (uint32_t)getpid() << 16;
    if (asprintf(&cg->path, "%s/" NODE_PREFIX "%s-%d-%08x", parent,
                 plan->name ? plan->name : "node", (int)getpid(), rnd) < 0) {
        cg->path = NULL;
        return rp_error_set(err, ENOMEM, "cgroup: name");
    }
    if (mkdir(cg->path, 0755) < 0) {
        char what[512];
        snprintf(what, sizeof(what), "mkdir %s: %s", cg->path, strerror(errno));
        free(cg->path);
        cg->path = NULL;
        return no_cgroup(plan, usable, what, verbose, err);
    }
    cg->created = true;
    rp_vlog(verbose, "cgroup: created %s", cg->path);
    char mine[64];
    own_pidns(mine, sizeof(mine));
    /* Best effort: a kernel without cgroupfs xattrs leaves the pid alone
     * to judge staleness (see owned_elsewhere). */
    if (mine[0])
        setxattr(cg->path, OWNER_XATTR, mine, strlen(mine), 0);
    /* clone3's CLONE_INTO_CGROUP takes a directory fd opened for reading. */
    cg->dirfd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg->dirfd < 0) {
        r = rp_error_set(err, errno, "cgroup: open %s", cg->path);
        rmdir(cg->path);
        free(cg->path);
        cg->path = NULL;
        return r;
    }

    for (size_t i = 0; i < plan->n_writes; i++) {
        const struct rp_cgroup_write *w = &plan->writes[i];
        if (!(w->controller & usable))
            continue;       /* already warned about */
        char got[256] = "";
        r = write_at(cg->dirfd, w->file, w->value);
        if (r == 0 && w->kind == RP_CG_CPUSET_CPUS_PARTITION &&
            (r = check_partition(cg->dirfd, w->value, got, sizeof(got))) == -EINVAL) {
            if (!plan->required) {
                rp_log("warning: cgroup: %s not applied: the kernel reads back \"%s\"",
                       w->file, got);
                continue;
            }
            rp_error_set(err, 0, "cgroup: %s: the kernel reads back \"%s\" after \"%s\" "
                         "was written to %s", w->file, got, w->value, cg->path);
            struct rp_error e2;
            rp_cgroup_teardown(cg, verbose, &e2);
            return err->code;
        }
        if (r == 0) {
            rp_vlog(verbose, "cgroup: write %s=%s", w->file, w->value);
            continue;
        }
        if (!plan->required) {
            rp_log("warning: cgroup: %s not applied: writing \"%s\" to %s/%s failed: %s",
                   w->file, w->value, cg->path, w->file, strerror(-r));
            continue;
        }
        rp_error_set(err, r, "cgroup: %s: writing \"%s\" to %s/%s", w->file, w->value, cg->path,
                     w->file);
        struct rp_error e2;
        rp_cgroup_teardown(cg, verbose, &e2);
        return err->code;
    }
    return 0;
}

/* Reads what the kernel counted in the node's cgroup into out ("" when
 * nothing happened worth a line). memory.events and pids.events count the
 * whole subtree. */
static void explain(int dirfd, char *out, size_t len)
{
    char ev[512], max[64] = "", group[16] = "";
    size_t used = 0;
    out[0] = '\0';
    if (read_at(dirfd, "memory.events", ev, sizeof(ev)) == 0) {
        long long oom_kill = keyed(ev, "oom_kill"), group_kill = keyed(ev, "oom_group_kill");
        read_at(dirfd, "memory.max", max, sizeof(max));
        max[strcspn(max, "\n")] = '\0';
        if (group_kill > 0) {
            read_at(dirfd, "memory.oom.group", group, sizeof(group));
            group[strcspn(group, "\n")] = '\0';
            used += snprintf(out + used, len - used,
                             "the whole node was killed by the kernel's OOM killer in its "
                             "cgroup (memory.max %s, memory.oom.group %s, oom_group_kill %lld)",
                             max, group, group_kill);
        } else if (oom_kill > 0) {
            used += snprintf(out + used, len - used,
                             "the node was killed by the kernel's OOM killer in its cgroup "
                             "(memory.max %s, oom_kill %lld)", max, oom_kill);
        }
    }
    if (used < len && read_at(dirfd, "pids.events", ev, sizeof(ev)) == 0) {
        long long hits = keyed(ev, "max");
        if (hits > 0) {
            read_at(dirfd, "pids.max", max, sizeof(max));
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
        free(cg->path);
        cg->path = NULL;
        return 0;
    }
    explain(cg->dirfd, cg->end, sizeof(cg->end));
    __attribute__((cleanup(free_str))) char *parent = dirname_of(cg->path);
    const char *name = strrchr(cg->path, '/') + 1;
    __attribute__((cleanup(close_fd))) int pfd =
        parent ? open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    int r = pfd < 0 ? -errno : destroy(pfd, name);
    if (r == 0)
        rp_vlog(verbose, "cgroup: killed what was left and removed %s", cg->path);
    else if (r == -ETIMEDOUT)
        rp_error_set(err, 0, "cgroup: tear down %s: processes still in it %d s after "
                     "cgroup.kill", cg->path, EMPTY_TIMEOUT_MS / 1000);
    else
        rp_error_set(err, r, "cgroup: tear down %s", cg->path);
    close(cg->dirfd);
    cg->dirfd = -1;
    free(cg->path);
    cg->path = NULL;
    return r;
}

const char *rp_cgroup_explain_end(const struct rp_cgroup_run *cg)
{
    /* Before teardown the files are read now; after, teardown kept them. */
    static char now[sizeof(cg->end)];
    if (cg->dirfd >= 0) {
        explain(cg->dirfd, now, sizeof(now));
        return now[0] ? now : NULL;
    }
    return cg->end[0] ? cg->end : NULL;
}
