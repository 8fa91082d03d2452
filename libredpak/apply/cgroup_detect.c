/* SPDX-License-Identifier: Apache-2.0 */
/* What the host offers for cgroup v2: where the unified hierarchy is mounted,
 * which controllers it has, and, when it lacks one, why (a hybrid host that
 * binds it to cgroup v1, or a kernel without it). Read before anything of
 * the node is made, so a required limit that cannot be applied fails first. */
#include "cgroup_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "mountinfo.h"
#include "statmount.h"
#include "redpak/plan.h"

/* The v2 names, as in cgroup.controllers, are rp_cgroup_controller_name's. */
static const struct {
    unsigned bit;
    const char *v1; /* name in /proc/cgroups and v1 mount options */
} controllers[] = {
    {RP_CTRL_CPUSET, "cpuset"}, {RP_CTRL_CPU, "cpu"},   {RP_CTRL_IO, "blkio"},
    {RP_CTRL_MEMORY, "memory"}, {RP_CTRL_PIDS, "pids"},
};
#define N_CONTROLLERS (sizeof(controllers) / sizeof(controllers[0]))

unsigned rp_cg_controllers_parse(const char *line)
{
    unsigned bits = 0;
    const char *s = line;
    while (*s) {
        s += strspn(s, " \t\n");
        size_t n = strcspn(s, " \t\n");
        for (size_t i = 0; i < N_CONTROLLERS; i++) {
            const char *v2 = rp_cgroup_controller_name(controllers[i].bit);
            if (n && strlen(v2) == n && !strncmp(s, v2, n))
                bits |= controllers[i].bit;
        }
        s += n;
    }
    return bits;
}

/* The controllers a v1 mount carries show up as its super-block options
 * ("rw,memory"; "rw,cpu,cpuacct"). */
static unsigned v1_controllers(const struct rp_mountinfo *fs)
{
    unsigned bits = 0;
    for (size_t i = 0; i < N_CONTROLLERS; i++)
        if (rp_mount_option(fs->super_options, controllers[i].v1))
            bits |= controllers[i].bit;
    return bits;
}

static unsigned kernel_controllers(void)
{
    RP_AUTO_FILE FILE *f = fopen("/proc/cgroups", "re");
    char name[64];
    unsigned hierarchy, count, enabled, bits = 0;
    if (!f)
        return 0;
    fscanf(f, "%*[^\n]\n"); /* the "#subsys_name hierarchy ..." header */
    while (fscanf(f, "%63s %u %u %u", name, &hierarchy, &count, &enabled) == 4)
        for (size_t i = 0; i < N_CONTROLLERS; i++)
            if (enabled && !strcmp(name, controllers[i].v1))
                bits |= controllers[i].bit;
    return bits;
}

static int read_offered(struct rp_cg_host *h, struct rp_error *err)
{
    char path[4096], line[512] = "";
    snprintf(path, sizeof(path), "%s/cgroup.controllers", h->mount);
    RP_AUTO_FILE FILE *f = fopen(path, "re");
    if (!f)
        return rp_error_set(err, errno, "cgroup: read %s", path);
    if (!fgets(line, sizeof(line), f))
        line[0] = '\0'; /* an empty file: a hierarchy without controllers */
    h->offered = rp_cg_controllers_parse(line);
    return 0;
}

static int set_mount(struct rp_cg_host *h, const char *target, const char *root,
                     struct rp_error *err)
{
    h->mount = strdup(target);
    h->mount_root = strdup(root);
    if (!h->mount || !h->mount_root) {
        rp_cg_host_free(h);
        return rp_error_set(err, ENOMEM, "cgroup: detect");
    }
    return 0;
}

/* The usual places: /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified
 * on a hybrid one, each asked of the kernel alone. 1 when found, 0 when
 * mountinfo must be read (an older kernel, cgroup2 mounted elsewhere). */
static int find_usual_mount(struct rp_cg_host *h, struct rp_error *err)
{
    static const char *const usual[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
    for (size_t i = 0; i < sizeof(usual) / sizeof(usual[0]); i++) {
        char fstype[32], root[4096];
        int r = rp_statmount_root(usual[i], fstype, sizeof(fstype), root, sizeof(root));
        if (r == -ENOSYS || r == -EINVAL)
            return 0;
        if (r == 0 && !strcmp(fstype, "cgroup2"))
            return set_mount(h, usual[i], root, err) < 0 ? -1 : 1;
    }
    return 0;
}

/* The first cgroup2 mount of the table: the usual places come first in any
 * table systemd or an init script made. */
static int find_mount_in_table(struct rp_cg_host *h, struct rp_error *err)
{
    __attribute__((cleanup(rp_mountinfo_free))) struct rp_mountinfo_table t = {0};
    int rc = rp_mountinfo_read(AT_FDCWD, "/proc/self/mountinfo", &t);
    if (rc < 0)
        return rp_error_set(err, -rc, "cgroup: read /proc/self/mountinfo");
    for (size_t i = 0; i < t.n; i++)
        if (!strcmp(t.e[i].fstype, "cgroup2"))
            return set_mount(h, t.e[i].target, t.e[i].root, err);
    return 0;
}

int rp_cg_host_detect(struct rp_cg_host *h, struct rp_error *err)
{
    memset(h, 0, sizeof(*h));
    int r = find_usual_mount(h, err);
    if (r == 0)
        r = find_mount_in_table(h, err);
    if (r < 0)
        return r;
    if (h->mount && (r = read_offered(h, err)) < 0) {
        rp_cg_host_free(h);
        return r;
    }
    return 0;
}

/* For the explanation only: which controllers cgroup v1 hierarchies hold. */
static unsigned v1_host_controllers(void)
{
    __attribute__((cleanup(rp_mountinfo_free))) struct rp_mountinfo_table t = {0};
    unsigned bits = 0;
    if (rp_mountinfo_read(AT_FDCWD, "/proc/self/mountinfo", &t) < 0)
        return 0;
    for (size_t i = 0; i < t.n; i++)
        if (!strcmp(t.e[i].fstype, "cgroup"))
            bits |= v1_controllers(&t.e[i]);
    return bits;
}

void rp_cg_host_free(struct rp_cg_host *h)
{
    free(h->mount);
    free(h->mount_root);
    h->mount = h->mount_root = NULL;
}

int rp_cg_self_dir(const struct rp_cg_host *h, char **dir, struct rp_error *err)
{
    RP_AUTO_FILE FILE *f = fopen("/proc/self/cgroup", "re");
    char line[4096];
    if (!f)
        return rp_error_set(err, errno, "cgroup: read /proc/self/cgroup");
    /* "0::/path" is the unified hierarchy's line; v1 lines carry an id and
     * controller names. The path is relative to redwrap's cgroup namespace,
     * which is the mount's root when the mount was made in that namespace. */
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "0::", 3))
            continue;
        line[strcspn(line, "\n")] = '\0';
        const char *p = line + 3;
        size_t rl = strlen(h->mount_root);
        if (strcmp(h->mount_root, "/") && !strncmp(p, h->mount_root, rl) &&
            (p[rl] == '/' || p[rl] == '\0'))
            p += rl;
        /* "/.." prefixes mean redwrap sits outside the mount's part of the
         * hierarchy: there is no path to it through this mount. */
        if (!strncmp(p, "/..", 3))
            return rp_error_set(err, 0,
                                "cgroup: redwrap's cgroup %s is outside the "
                                "cgroup2 mount at %s",
                                line + 3, h->mount);
        if (asprintf(dir, "%s%s", h->mount, strcmp(p, "/") ? p : "") < 0)
            return rp_error_set(err, ENOMEM, "cgroup: self");
        return 0;
    }
    return rp_error_set(err, 0, "cgroup: /proc/self/cgroup has no cgroup v2 (\"0::\") line");
}

void rp_cg_host_why_missing(const struct rp_cg_host *h, unsigned bit, char *buf, size_t len)
{
    if (!h->mount) {
        snprintf(buf, len, "this host has no cgroup v2 hierarchy mounted (%s)",
                 v1_host_controllers() ? "it runs cgroup v1 only"
                                       : "mount cgroup2 at /sys/fs/cgroup");
        return;
    }
    char offered[64] = "";
    for (size_t i = 0; i < N_CONTROLLERS; i++)
        if (h->offered & controllers[i].bit) {
            strcat(offered, " ");
            strcat(offered, rp_cgroup_controller_name(controllers[i].bit));
        }
    const char *reason;
    if (v1_host_controllers() & bit)
        reason = "this host runs cgroup v1 controllers, a hybrid setup";
    else if (!(kernel_controllers() & bit))
        reason = "the kernel does not have it enabled";
    else
        reason = "the cgroups above this mount did not delegate it";
    snprintf(buf, len, "the cgroup v2 hierarchy at %s offers %s%s (%s)", h->mount,
             offered[0] ? "only" : "none", offered, reason);
}
