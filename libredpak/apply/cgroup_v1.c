/* SPDX-License-Identifier: Apache-2.0 */
/* Hybrid hosts: the cgroup v1 hierarchies next to cgroup v2. A node's
 * cgroup namespace has, in every hierarchy, the cgroup its first process
 * is in when it unshares it as its root. Left in redwrap's own v1 cgroups
 * (often the top of the pids, cpu or freezer trees), a node that mounts a
 * v1 hierarchy from a nested user namespace sees the host's tree from
 * there and, as the owner of its files (uid 0 of the identity map), writes
 * the host's limits. So before the first process is released the parent
 * moves it into a fresh, empty leaf of every v1 hierarchy: its view of
 * each is that leaf, and nothing of the host's above it. Teardown removes
 * the leaves. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto_fd.h"
#include "cgroup.h"
#include "cgroup_internal.h"
#include "error_internal.h"
#include "log.h"
#include "mountinfo.h"

/* redwrap's cgroup in the v1 hierarchy whose /proc/self/cgroup field is
 * opts ("pids", "cpu,cpuacct", "name=systemd"), malloc'd; NULL if absent. */
static char *self_path(const char *cgroups, const char *opts)
{
    for (const char *line = cgroups; *line;) {
        const char *nl = strchrnul(line, '\n');
        const char *c1 = memchr(line, ':', (size_t)(nl - line));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;
        if (c2 && (size_t)(c2 - c1 - 1) == strlen(opts) && !strncmp(c1 + 1, opts, strlen(opts)))
            return strndup(c2 + 1, (size_t)(nl - c2 - 1));
        line = *nl ? nl + 1 : nl;
    }
    return NULL;
}

/* The hierarchy's name as /proc/self/cgroup writes it, from the mount's
 * super options: its controllers in order, or name=X. */
static void hierarchy_of(const char *super, char *out, size_t len)
{
    static const char *const known[] = {"cpuset",  "cpu",     "cpuacct", "blkio",      "memory",
                                        "devices", "freezer", "net_cls", "perf_event", "net_prio",
                                        "hugetlb", "pids",    "rdma",    "misc",       NULL};
    out[0] = '\0';
    char *copy = strdup(super);
    if (!copy)
        return;
    size_t used = 0;
    for (char *save, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool ctrl = !strncmp(tok, "name=", 5);
        for (size_t i = 0; !ctrl && known[i]; i++)
            ctrl = !strcmp(tok, known[i]);
        if (ctrl && used < len)
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "", tok);
    }
    free(copy);
}

static int copy_from_parent(const char *path, const char *file)
{
    char value[4096];
    RP_AUTO_FREE char *parent = rp_cg_dirname(path);
    int r = parent ? rp_cg_read(parent, file, value, sizeof(value)) : -ENOMEM;
    if (r == 0)
        r = rp_cg_write(path, file, value);
    errno = -r;
    return r;
}

static int enter_one(const struct rp_mountinfo *m, const char *cgroups, const char *leaf, pid_t pid,
                     int verbose, struct rp_cgroup_run *cg, struct rp_error *err)
{
    char hier[256];
    hierarchy_of(m->super_options, hier, sizeof(hier));
    RP_AUTO_FREE char *self = hier[0] ? self_path(cgroups, hier) : NULL;
    /* Only a mount of the hierarchy's top reaches redwrap's cgroup by its
     * /proc/self/cgroup path; another (a bind of a subtree) is skipped. */
    if (!self || strcmp(m->root, "/"))
        return 0;
    RP_AUTO_FREE char *path = NULL;
    if (asprintf(&path, "%s%s/%s", m->target, strcmp(self, "/") ? self : "", leaf) < 0)
        return rp_error_set(err, ENOMEM, "cgroup v1");
    if (mkdir(path, 0755) < 0) {
        /* Rootless: the host's v1 files are root's, which the node cannot
         * write either; nothing to protect. */
        if ((errno == EACCES || errno == EPERM || errno == EROFS) && geteuid() != 0) {
            rp_vlog(verbose, "cgroup: no v1 leaf in %s (%s): not root", hier, strerror(errno));
            return 0;
        }
        return rp_error_set(err, errno,
                            "cgroup: v1 hierarchy %s: a leaf for the node (mkdir %s), so that it "
                            "does not see the host's tree",
                            hier, path);
    }
    char **v = realloc(cg->v1_leaves, (cg->n_v1_leaves + 1) * sizeof(*v));
    if (!v) {
        rmdir(path);
        return rp_error_set(err, ENOMEM, "cgroup v1");
    }
    cg->v1_leaves = v;
    cg->v1_leaves[cg->n_v1_leaves++] = path;
    int r = 0;
    /* A new v1 cpuset has no CPUs and no memory nodes, and takes no
     * process until it has: its parent's, which bound it anyway. */
    if (strstr(hier, "cpuset"))
        r = copy_from_parent(path, "cpuset.cpus") < 0   ? -errno
            : copy_from_parent(path, "cpuset.mems") < 0 ? -errno
                                                        : 0;
    char text[32];
    snprintf(text, sizeof(text), "%d\n", (int)pid);
    if (r == 0)
        r = rp_cg_write(path, "cgroup.procs", text);
    path = NULL; /* owned by cg now */
    if (r < 0)
        return rp_error_set(err, r, "cgroup: v1 hierarchy %s: move the first process into %s", hier,
                            cg->v1_leaves[cg->n_v1_leaves - 1]);
    rp_vlog(verbose, "cgroup: the first process is in the v1 leaf %s",
            cg->v1_leaves[cg->n_v1_leaves - 1]);
    return 0;
}

int rp_cgroup_v1_enter(struct rp_cgroup_run *cg, pid_t pid, int verbose, struct rp_error *err)
{
    char cgroups[4096];
    if (rp_cg_read("/proc/self", "cgroup", cgroups, sizeof(cgroups)) < 0)
        return 0;
    if (!strchr(cgroups, ',') && !strstr(cgroups, ":name=") && !strstr(cgroups, ":pids:") &&
        !strstr(cgroups, ":memory:") && !strstr(cgroups, ":freezer:") && !strstr(cgroups, ":cpu"))
        return 0; /* a pure cgroup v2 host: "0::/..." alone */
    __attribute__((cleanup(rp_mountinfo_free))) struct rp_mountinfo_table mi = {0};
    int r = rp_mountinfo_read(AT_FDCWD, "/proc/self/mountinfo", &mi);
    if (r < 0)
        return rp_error_set(err, r, "cgroup: v1 hierarchies: /proc/self/mountinfo");
    /* One leaf name for every hierarchy: the v2 cgroup's, or one alike. */
    char leaf[128];
    const char *base = cg->path ? strrchr(cg->path, '/') : NULL;
    if (base)
        snprintf(leaf, sizeof(leaf), "%s", base + 1);
    else
        snprintf(leaf, sizeof(leaf), NODE_PREFIX "v1-%d-%08x", (int)getpid(), (unsigned)pid);
    for (size_t i = 0; i < mi.n; i++) {
        const struct rp_mountinfo *m = &mi.e[i];
        if (strcmp(m->fstype, "cgroup"))
            continue;
        /* A hierarchy mounted twice gets one leaf. */
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(mi.e[j].fstype, "cgroup") &&
                !strcmp(mi.e[j].super_options, m->super_options);
        if (!seen && (r = enter_one(m, cgroups, leaf, pid, verbose, cg, err)) < 0)
            return r;
    }
    return 0;
}

void rp_cgroup_v1_remove(struct rp_cgroup_run *cg, int verbose)
{
    for (size_t i = 0; i < cg->n_v1_leaves; i++) {
        char *path = cg->v1_leaves[i];
        char *slash = strrchr(path, '/');
        *slash = '\0';
        RP_AUTO_FD int pfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        *slash = '/';
        int r = pfd < 0 ? -errno : rp_cg_remove_tree(pfd, slash + 1);
        if (r < 0)
            rp_log("warning: cgroup: cannot remove the v1 leaf %s: %s", path, strerror(-r));
        else
            rp_vlog(verbose, "cgroup: removed the v1 leaf %s", path);
        free(path);
    }
    free(cg->v1_leaves);
    cg->v1_leaves = NULL;
    cg->n_v1_leaves = 0;
}
