/* SPDX-License-Identifier: Apache-2.0 */
/* Step 5, parent side: the id maps of the node's new user namespace.
 * The parent writes them, not the child: only a process outside the
 * namespace, with the same euid as its creator (or CAP_SETUID/CAP_SETGID
 * above it), may map ids other than its own, and the child has no say in
 * what it is allowed to become. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "auto_fd.h"
#include "newidmap.h"
#include "step_message.h"
#include "userns.h"

/* The kernel takes a map in one write(2) and once only: a second write, or
 * a map split over two writes, fails with EPERM. */
static int write_proc_file(pid_t pid, const char *name, const char *text, struct rp_error *err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
    RP_AUTO_FD int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "open %s", path);
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len) {
        int e = errno;
        char shown[256];
        snprintf(shown, sizeof(shown), "%s", text);
        for (char *p = shown; *p; p++)
            if (*p == '\n')
                *p = ' ';
        rp_step_error(err, RP_STEP_ID_MAPS, e, "write %s '%s'", path, shown);
        if (e == EPERM)
            rp_userns_explain(err);
        return err->code;
    }
    return 0;
}

/* picked: the plan's default private map, whose outside is base. outer:
 * the map of the namespace a nested build starts in (mount_lock.c), which
 * maps each host id the node uses onto itself. */
static int format_map(const struct rp_id_map *map, size_t n, bool picked, uint32_t base, bool outer,
                      char *buf, size_t len)
{
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t outside = picked ? base + (map[i].outside - map[i].inside) : map[i].outside;
        int w = snprintf(buf + off, len - off, "%u %u %u\n", outer ? outside : map[i].inside,
                         outside, map[i].count);
        if (w < 0 || (size_t)w >= len - off)
            return -ENOSPC;
        off += (size_t)w;
    }
    return 0;
}

/* One map, by redwrap itself or, for subordinate ids, by the plan's helper
 * (newidmap.c). */
static int write_map(pid_t pid, const char *file, const struct rp_id_map *map, size_t n,
                     bool picked, uint32_t base, bool outer, const char *helper,
                     struct rp_error *err)
{
    /* 340 lines of at most 33 bytes: the kernel's own limit fits. */
    static char text[340 * 34];
    if (!n)
        return 0;
    if (helper && outer) {
        /* Subordinate ids are never a picked range. */
        struct rp_id_map same[340];
        for (size_t i = 0; i < n && i < 340; i++)
            same[i] = (struct rp_id_map){.inside = map[i].outside,
                                         .outside = map[i].outside,
                                         .count = map[i].count};
        return rp_newidmap_run(helper, file, pid, same, n < 340 ? n : 340, err);
    }
    if (helper)
        return rp_newidmap_run(helper, file, pid, map, n, err);
    if (format_map(map, n, picked, base, outer, text, sizeof(text)) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, ENOSPC, "%s", file);
    return write_proc_file(pid, file, text, err);
}

int rp_userns_apply(pid_t pid, const struct rp_ns_plan *plan, uint32_t base, enum rp_map_view view,
                    struct rp_error *err)
{
    if (plan->ns[RP_NS_USER].mode != RP_NS_NEW)
        return 0;
    int r;
    bool outer = view == RP_MAP_OUTER;
    /* The inner namespace of a nested build inherits the outer's setgroups
     * setting, and its maps are written from inside the outer one, with
     * CAP_SETGID there: no helper either. */
    bool inner = view == RP_MAP_INNER;
    /* Without CAP_SETGID above the namespace, gid_map may only be written
     * once setgroups(2) is denied in it: otherwise the mapped user could
     * drop a supplementary group the host uses to deny it access. */
    if (!inner && plan->deny_setgroups && (r = write_proc_file(pid, "setgroups", "deny", err)) < 0)
        return r;
    /* Then gid_map, then uid_map (docs/architecture.md, "The thirteen
     * steps"). The kernel checks each map against the writer's
     * credentials, not against the other map; the child waits for both
     * before it does anything. */
    if ((r = write_map(pid, "gid_map", plan->gid_map, plan->n_gid_map, plan->private_gid_range,
                       base, outer, inner ? NULL : plan->newgidmap, err)) < 0)
        return r;
    return write_map(pid, "uid_map", plan->uid_map, plan->n_uid_map, plan->private_uid_range, base,
                     outer, inner ? NULL : plan->newuidmap, err);
}

int rp_userns_become_root(const struct rp_ns_plan *plan, struct rp_error *err)
{
    if (plan->ns[RP_NS_USER].mode != RP_NS_NEW || !plan->become_root)
        return 0;
    /* Host root's supplementary groups are unmapped here (shown as
     * nogroup); gid before uid, while the uid may still change the gid. */
    if (setgroups(0, NULL) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "setgroups to none");
    if (setresgid(0, 0, 0) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno,
                             "become gid 0 of the node's user namespace (is gid 0 mapped?)");
    if (setresuid(0, 0, 0) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno,
                             "become uid 0 of the node's user namespace (is uid 0 mapped?)");
    /* The change of euid cleared the dumpable flag, as for a set-uid
     * program; the first process stays as it was before (what it becomes
     * later is init's concern). */
    if (prctl(PR_SET_DUMPABLE, 1) < 0)
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "PR_SET_DUMPABLE");
    return 0;
}

/* Reads a small integer sysctl; -1 when the file does not exist. */
static long read_sysctl(const char *path)
{
    RP_AUTO_FILE FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    long v = -1;
    if (fscanf(f, "%ld", &v) != 1)
        v = -1;
    return v;
}

static void append(struct rp_error *err, const char *text)
{
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof(err->msg) - len, "%s", text);
}

/* The three switches that turn user namespaces off, most decisive first.
 * Each says what it is and the command that turns it back on. */
void rp_userns_explain(struct rp_error *err)
{
    if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0) {
        append(err,
               " (user namespaces are disabled: user.max_user_namespaces is 0; "
               "allow them with: sysctl -w user.max_user_namespaces=15000)");
        return;
    }
    if (geteuid() != 0 && read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
        append(err,
               " (unprivileged user namespaces are disabled: "
               "kernel.unprivileged_userns_clone is 0; allow them with: "
               "sysctl -w kernel.unprivileged_userns_clone=1, or run redwrap as root)");
        return;
    }
    if (geteuid() != 0 &&
        read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
        append(err,
               " (AppArmor restricts unprivileged user namespaces: "
               "kernel.apparmor_restrict_unprivileged_userns is 1; allow them with: "
               "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give "
               "redwrap an AppArmor profile with the 'userns,' rule)");
        return;
    }
    if (read_sysctl("/proc/sys/user/max_user_namespaces") > 0)
        append(err,
               " (user namespaces are enabled on this host; the limit "
               "user.max_user_namespaces or a seccomp/LSM policy of the caller may "
               "refuse them)");
}

uint32_t rp_userns_host_id(const struct rp_id_map *m, size_t n, uint32_t base, bool picked,
                           uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (id >= m[i].inside && id - m[i].inside < m[i].count)
            return (picked ? base : m[i].outside) + (id - m[i].inside);
    return (uint32_t)-1;
}
