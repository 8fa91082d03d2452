/* SPDX-License-Identifier: Apache-2.0 */
/* Step 3 and the end of step 13: the node's cgroup v2.
 *
 * apply: find the hierarchy and what it offers (cgroup_detect.c) before
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
 * check, in step 1, runs the same detection alone: a required item whose
 * controller the hierarchy does not offer fails the run before the host
 * plan (step 2) changed anything. apply detects again (a few reads) and
 * warns about the items that are not required.
 *
 * Teardown is cgroup_teardown.c's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "auto_fd.h"
#include "cgroup.h"
#include "cgroup_internal.h"
#include "error_internal.h"
#include "log.h"

/* A leaf of redwrap's own cgroup that redwrap moves into when it must
 * enable controllers there (see enable_in). */
#define SUPERVISOR_LEAF "supervisor"

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
                                w->file, rp_cgroup_controller_name(w->controller), why);
        rp_log("warning: cgroup: %s not applied: it needs the %s controller, but %s", w->file,
               rp_cgroup_controller_name(w->controller), why);
    }
    return 0;
}

/* ---- where the node's cgroup goes -------------------------------------- */

/* Where the cgroup2 hierarchy is mounted on a pure v2 host, and where
 * node files say their cgroup.parent is. */
#define V2_MOUNT "/sys/fs/cgroup"

/* cgroup.parent is a directory under the cgroup2 mount as it is found
 * here, or one under /sys/fs/cgroup as node files write it for a pure v2
 * host (on a hybrid host that is the v1 tmpfs: /sys/fs/cgroup/redpak means
 * /sys/fs/cgroup/unified/redpak), or a path inside the hierarchy (/redpak,
 * as /proc/self/cgroup writes them). Each is joined to the mount. */
static int parent_dir(const struct rp_cgroup_plan *plan, const struct rp_cg_host *h, char **dir,
                      struct rp_error *err)
{
    if (!plan->parent)
        return rp_cg_self_dir(h, dir, err);
    const char *p = plan->parent;
    size_t ml = strlen(h->mount), vl = strlen(V2_MOUNT);
    if (!strncmp(p, h->mount, ml) && (p[ml] == '/' || p[ml] == '\0'))
        p += ml;
    else if (!strncmp(p, V2_MOUNT, vl) && (p[vl] == '/' || p[vl] == '\0'))
        p += vl;
    if (asprintf(dir, "%s%s", h->mount, p) < 0)
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
    RP_AUTO_FREE char *copy = strdup(dir);
    if (!copy)
        return -ENOMEM;
    size_t ml = strlen(mount);
    if (!copy[ml])
        return 0; /* the mount itself */
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

/* redwrap moves itself into SELF/supervisor. The kernel's "no internal
 * processes" rule: a cgroup other than the root may hold processes or
 * enable domain controllers for its children, never both
 * (cgroup.subtree_control answers EBUSY or EOPNOTSUPP). When the node goes
 * under redwrap's own cgroup (a systemd unit with Delegate=yes) and needs a
 * controller, redwrap leaves for a leaf of its own first, as systemd and
 * crun do; the leaf stays until the unit's cgroup is removed, since
 * redwrap cannot go back into a cgroup that now delegates controllers. */
static int move_self_to_leaf(const char *self, int verbose)
{
    RP_AUTO_FREE char *leaf = NULL;
    if (asprintf(&leaf, "%s/" SUPERVISOR_LEAF, self) < 0)
        return -ENOMEM;
    if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
        return -errno;
    /* "0" names the writing process: the whole of redwrap moves. */
    int r = rp_cg_write(leaf, "cgroup.procs", "0");
    if (r == 0)
        rp_vlog(verbose, "cgroup: moved redwrap into %s (no internal processes in %s)", leaf, self);
    return r;
}

struct enabling {
    const struct rp_cg_host *h;
    const char *self; /* redwrap's own cgroup directory */
    bool moved;
    int verbose;
    char why[512]; /* what failed, for the message */
};

/* Makes every controller in want available to the children of dir: offered
 * in dir/cgroup.controllers (enabling it in the parent first when not) and
 * written "+name" to dir/cgroup.subtree_control. Returns the controllers
 * that could not be enabled, with en->why saying where and why. */
static unsigned enable_in(struct enabling *en, const char *dir, unsigned want)
{
    char buf[512];
    int rr = rp_cg_read(dir, "cgroup.controllers", buf, sizeof(buf));
    if (rr < 0) {
        snprintf(en->why, sizeof(en->why), "%s/cgroup.controllers cannot be read: %s", dir,
                 strerror(-rr));
        return want;
    }
    unsigned have = rp_cg_controllers_parse(buf);
    unsigned failed = 0;
    if (want & ~have) {
        if (!strcmp(dir, en->h->mount)) {
            rp_cg_host_why_missing(en->h, want & ~have & -(want & ~have), en->why, sizeof(en->why));
            failed |= want & ~have;
        } else {
            RP_AUTO_FREE char *up = rp_cg_dirname(dir);
            failed |= up ? enable_in(en, up, want & ~have) : want & ~have;
        }
    }
    if (rp_cg_read(dir, "cgroup.subtree_control", buf, sizeof(buf)) < 0)
        buf[0] = '\0';
    unsigned enabled = rp_cg_controllers_parse(buf);
    for (unsigned bit = 1; bit <= RP_CTRL_PIDS; bit <<= 1) {
        if (!(want & bit) || (failed & bit) || (enabled & bit))
            continue;
        char plus[32];
        snprintf(plus, sizeof(plus), "+%s", rp_cgroup_controller_name(bit));
        /* Out of its own cgroup before the first controller, not on the
         * first EBUSY: the kernel lets the threaded controllers (cpu,
         * pids) in beside redwrap, which makes that cgroup a thread root;
         * memory then answers EOPNOTSUPP, and so does the node's cgroup
         * below it ("domain invalid") to CLONE_INTO_CGROUP. Found under
         * systemd as PID 1 (tests/vm/systemd). The root cgroup may hold
         * processes: redwrap stays there. */
        if (!en->moved && !strcmp(dir, en->self) && strcmp(dir, en->h->mount)) {
            en->moved = true;
            int m = move_self_to_leaf(dir, en->verbose);
            if (m < 0)
                rp_vlog(en->verbose, "cgroup: redwrap stays in %s: %s/" SUPERVISOR_LEAF ": %s", dir,
                        dir, strerror(-m));
        }
        int r = rp_cg_write(dir, "cgroup.subtree_control", plus);
        if (r == 0) {
            rp_vlog(en->verbose, "cgroup: enabled %s in %s/cgroup.subtree_control", plus, dir);
            continue;
        }
        failed |= bit;
        if (r == -EBUSY)
            snprintf(en->why, sizeof(en->why),
                     "enabling it in %s/cgroup.subtree_control failed: that cgroup holds "
                     "processes (the kernel's no-internal-processes rule); run redwrap in a "
                     "cgroup of its own, e.g. a systemd unit with Delegate=yes",
                     dir);
        else if (r == -EACCES || r == -EPERM || r == -EROFS)
            snprintf(en->why, sizeof(en->why),
                     "enabling it in %s/cgroup.subtree_control failed: %s (no delegation: "
                     "run redwrap in a delegated cgroup, e.g. a systemd unit with "
                     "Delegate=yes, or set cgroup.parent)",
                     dir, strerror(-r));
        else
            snprintf(en->why, sizeof(en->why),
                     "enabling it in %s/cgroup.subtree_control failed: %s", dir, strerror(-r));
    }
    return failed;
}

/* ---- the node's cgroup: place, create, write ------------------------- */

/* The kernel accepts a partition type it cannot honour and reports it
 * only when read back: "root invalid (Cpu list in cpuset.cpus not
 * exclusive)". Such a partition isolates nothing: treat it as a failed
 * write. */
static int check_partition(int dirfd, const char *wanted, char *got, size_t len)
{
    int r = rp_cg_read_at(dirfd, "cpuset.cpus.partition", got, len);
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
        return rp_error_set(err, 0,
                            "cgroup: cannot make the node's cgroup: %s; "
                            "set cgroup.required: false to run without limits",
                            what);
    if (pending)
        rp_log("warning: cgroup: running without limits: %s", what);
    else
        rp_vlog(verbose,
                "cgroup: no cgroup of its own for the node (%s); its pid namespace "
                "ends its processes",
                what);
    return 0;
}

int rp_cgroup_check(const struct rp_cgroup_plan *plan, struct rp_error *err)
{
    if (!plan->required || !plan->controllers)
        return 0;
    __attribute__((cleanup(rp_cg_host_free))) struct rp_cg_host h;
    int r = rp_cg_host_detect(&h, err);
    if (r < 0)
        return r;
    unsigned missing = plan->controllers & ~h.offered;
    return missing ? controllers_unusable(plan, missing, NULL, &h, err) : 0;
}

/* Where the node's cgroup goes: cgroup.parent (made when missing) or the
 * cgroup redwrap runs in. Returns 0 with *parent set, 1 when the node is
 * to run without a cgroup of its own (no_cgroup said why), or a negative
 * code. */
static int place(const struct rp_cgroup_plan *plan, const struct rp_cg_host *h, int verbose,
                 char **parent, struct rp_error *err)
{
    unsigned usable = plan->controllers & h->offered;
    int r = parent_dir(plan, h, parent, err);
    if (r < 0) {
        char what[sizeof(err->msg)];
        snprintf(what, sizeof(what), "%s", err->msg);
        r = no_cgroup(plan, usable, what, verbose, err);
        return r < 0 ? r : 1;
    }
    if (plan->parent && (r = make_parents(h->mount, *parent, verbose)) < 0) {
        char what[512];
        snprintf(what, sizeof(what), "creating the parent %s failed: %s", *parent, strerror(-r));
        r = no_cgroup(plan, usable, what, verbose, err);
        return r < 0 ? r : 1;
    }
    return 0;
}

/* Enables the controllers the items need up to parent; *usable gets those
 * the node's cgroup will have. The items whose controller could not be
 * enabled fail the run (required) or are warned about. */
static int enable_controllers(const struct rp_cgroup_plan *plan, const struct rp_cg_host *h,
                              const char *parent, int verbose, unsigned *usable,
                              struct rp_error *err)
{
    unsigned want = plan->controllers & h->offered;
    *usable = 0;
    if (!want)
        return 0;
    /* redwrap's own cgroup matters only to enabling controllers. */
    RP_AUTO_FREE char *self = NULL;
    struct rp_error ignored;
    if (!plan->parent)
        self = strdup(parent);
    else if (rp_cg_self_dir(h, &self, &ignored) < 0)
        self = NULL;
    struct enabling en = {.h = h, .self = self ? self : "", .verbose = verbose};
    unsigned failed = enable_in(&en, parent, want);
    int r;
    if (failed && (r = controllers_unusable(plan, failed, en.why, h, err)) < 0)
        return r;
    *usable = want & ~failed;
    return 0;
}

/* "<parent>/redpak-<node>-<pid>-<random>", malloc'd; NULL when out of memory. */
static char *node_cgroup_path(const struct rp_cgroup_plan *plan, const char *parent)
{
    uint32_t rnd = 0;
    if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
        rnd = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
    char *path;
    if (asprintf(&path, "%s/" NODE_PREFIX "%s-%d-%08x", parent, plan->name ? plan->name : "node",
                 (int)getpid(), rnd) < 0)
        return NULL;
    return path;
}

/* Makes the node's cgroup under parent and opens it for clone3. When it
 * cannot be made, no_cgroup decides (cg->created stays false). */
static int create(const struct rp_cgroup_plan *plan, const char *parent, unsigned usable,
                  int verbose, struct rp_cgroup_run *cg, struct rp_error *err)
{
    cg->path = node_cgroup_path(plan, parent);
    if (!cg->path)
        return rp_error_set(err, ENOMEM, "cgroup: name");
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
    rp_cg_own_pidns(mine, sizeof(mine));
    /* Best effort: a kernel without cgroupfs xattrs leaves the pid alone
     * to judge staleness (see owned_elsewhere). */
    if (mine[0])
        setxattr(cg->path, OWNER_XATTR, mine, strlen(mine), 0);
    /* clone3's CLONE_INTO_CGROUP takes a directory fd opened for reading. */
    cg->dirfd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg->dirfd < 0) {
        int r = rp_error_set(err, errno, "cgroup: open %s", cg->path);
        rmdir(cg->path);
        free(cg->path);
        cg->path = NULL;
        return r;
    }
    return 0;
}

/* Bounds on the tree the node may build inside its cgroup: each cgroup
 * costs the host kernel memory, and a deep tree once made teardown fail
 * (docs/node-format.md, "cgroup"). Not items of the node file: every node
 * gets them, and they are far above what a service, or a container engine
 * inside a node, makes. */
#define NODE_MAX_DEPTH "16"
#define NODE_MAX_DESCENDANTS "512"

static int write_tree_bounds(const struct rp_cgroup_run *cg, int verbose, struct rp_error *err)
{
    static const char *const files[][2] = {{"cgroup.max.depth", NODE_MAX_DEPTH},
                                           {"cgroup.max.descendants", NODE_MAX_DESCENDANTS}};
    for (size_t i = 0; i < 2; i++) {
        int r = rp_cg_write_at(cg->dirfd, files[i][0], files[i][1]);
        if (r < 0)
            return rp_error_set(err, r, "cgroup: writing \"%s\" to %s/%s", files[i][1], cg->path,
                                files[i][0]);
        rp_vlog(verbose, "cgroup: write %s=%s", files[i][0], files[i][1]);
    }
    return 0;
}

/* Writes one item. A failure is a warning (0) unless the plan requires
 * its items: then err says what failed. */
static int write_item(const struct rp_cgroup_plan *plan, const struct rp_cgroup_write *w,
                      int verbose, const struct rp_cgroup_run *cg, struct rp_error *err)
{
    char got[256] = "";
    int r = rp_cg_write_at(cg->dirfd, w->file, w->value);
    if (r == 0 && w->kind == RP_CG_CPUSET_CPUS_PARTITION &&
        (r = check_partition(cg->dirfd, w->value, got, sizeof(got))) == -EINVAL) {
        if (!plan->required) {
            rp_log("warning: cgroup: %s not applied: the kernel reads back \"%s\"", w->file, got);
            return 0;
        }
        return rp_error_set(err, 0,
                            "cgroup: %s: the kernel reads back \"%s\" after \"%s\" "
                            "was written to %s",
                            w->file, got, w->value, cg->path);
    }
    if (r == 0) {
        rp_vlog(verbose, "cgroup: write %s=%s", w->file, w->value);
        return 0;
    }
    if (!plan->required) {
        rp_log("warning: cgroup: %s not applied: writing \"%s\" to %s/%s failed: %s", w->file,
               w->value, cg->path, w->file, strerror(-r));
        return 0;
    }
    return rp_error_set(err, r, "cgroup: %s: writing \"%s\" to %s/%s", w->file, w->value, cg->path,
                        w->file);
}

/* The items in the plan's order; a required one that fails removes the
 * node's cgroup again. */
static int write_items(const struct rp_cgroup_plan *plan, unsigned usable, int verbose,
                       struct rp_cgroup_run *cg, struct rp_error *err)
{
    if (write_tree_bounds(cg, verbose, err) < 0) {
        struct rp_error e2;
        rp_cgroup_teardown(cg, verbose, &e2);
        return err->code;
    }
    for (size_t i = 0; i < plan->n_writes; i++) {
        const struct rp_cgroup_write *w = &plan->writes[i];
        if (!(w->controller & usable))
            continue; /* already warned about */
        if (write_item(plan, w, verbose, cg, err) < 0) {
            struct rp_error e2;
            rp_cgroup_teardown(cg, verbose, &e2);
            return err->code;
        }
    }
    return 0;
}

int rp_cgroup_apply(const struct rp_cgroup_plan *plan, int verbose, struct rp_cgroup_run *cg,
                    struct rp_error *err)
{
    *cg = (struct rp_cgroup_run){.dirfd = -1};
    __attribute__((cleanup(rp_cg_host_free))) struct rp_cg_host h;
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
        rp_vlog(verbose,
                "cgroup: no cgroup of its own for the node (%s); its pid namespace "
                "ends its processes",
                why);
        return 0;
    }
    RP_AUTO_FREE char *parent = NULL;
    if ((r = place(plan, &h, verbose, &parent, err)) != 0)
        return r < 0 ? r : 0;
    rp_cg_remove_stale(parent, verbose);
    unsigned usable;
    if ((r = enable_controllers(plan, &h, parent, verbose, &usable, err)) < 0 ||
        (r = create(plan, parent, usable, verbose, cg, err)) < 0 || !cg->created)
        return r;
    return write_items(plan, usable, verbose, cg, err);
}
