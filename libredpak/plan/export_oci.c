/* SPDX-License-Identifier: Apache-2.0 */
/* rp_oci_export: a plan as an OCI runtime bundle (runtime-spec 1.1).
 *
 * The bundle is written from the plan, not from the node file, so that it
 * says what redwrap would apply: the seccomp base profile expanded, names
 * resolved to ids, sizes in bytes, cgroup values in the kernel's syntax.
 * This file writes config.json's process, root, hostname and mounts;
 * export_oci_linux.c the linux object; export_oci_rootfs.c rootfs/.
 * config.json is written under a temporary name and renamed, so that a
 * failed export never leaves a bundle a runtime would take. */
#include "export_oci.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "names.h"

#define DEFAULT_ID_BASE 524288u

void oci_note(struct oci_ctx *c, const char *key, const char *fmt, ...)
{
    va_list ap;
    fprintf(c->notes, "note: %s: ", key);
    va_start(ap, fmt);
    vfprintf(c->notes, fmt, ap);
    va_end(ap);
    fputc('\n', c->notes);
}

int oci_error(struct rp_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    err->code = -code;
    return -code;
}

uint32_t oci_host_id(const struct rp_id_map *map, size_t n, bool userns, uint32_t inside)
{
    if (!userns)
        return inside;
    for (size_t i = 0; i < n; i++)
        if (inside >= map[i].inside && inside - map[i].inside < map[i].count)
            return map[i].outside + (inside - map[i].inside);
    return (uint32_t)-1;
}

/* The plan's maps with a private range given its fixed base. */
static int fix_maps(struct oci_ctx *c, const struct rp_id_map *v, size_t n, bool private_range,
                    struct rp_id_map **out, size_t *n_out)
{
    *out = calloc(n ? n : 1, sizeof(**out));
    if (!*out)
        return rp_error_set(c->err, ENOMEM, "export");
    uint32_t base = c->opts->id_base ? c->opts->id_base : DEFAULT_ID_BASE;
    for (size_t i = 0; i < n; i++) {
        (*out)[i] = v[i];
        if (private_range)
            (*out)[i].outside = base + v[i].inside;
    }
    *n_out = n;
    return 0;
}

static void write_caps(struct oci_ctx *c, struct rp_json *j)
{
    const struct rp_caps_plan *cp = &c->plan->caps;
    uint64_t all = rp_cap_all_mask();
    uint64_t sets[5] = {cp->bounding, cp->effective, cp->inheritable, cp->permitted, cp->ambient};
    static const char *const names[5] = {"bounding", "effective", "inheritable", "permitted",
                                         "ambient"};
    if (!cp->set) {
        /* What execve gives the workload's uid in its namespace: root
         * keeps the full set, any other uid none. */
        bool root = c->plan->process.uid == 0;
        uint64_t given = root ? all : 0;
        uint64_t v[5] = {all, given, 0, given, 0};
        memcpy(sets, v, sizeof(sets));
        oci_note(c, "capabilities",
                 "no section: written as what execve gives uid %u (%s), which the spec "
                 "needs spelled out",
                 (unsigned)c->plan->process.uid, root ? "every capability" : "none");
    }
    rp_json_object(j, "capabilities");
    for (int s = 0; s < 5; s++) {
        rp_json_array(j, names[s]);
        for (int cap = 0; cap < 64; cap++) {
            const char *name = (sets[s] >> cap) & 1 ? rp_cap_name(cap) : NULL;
            if (!name)
                continue;
            char up[64] = "CAP_";
            for (size_t k = 0; name[k] && k + 5 < sizeof(up); k++)
                up[4 + k] = (char)toupper((unsigned char)name[k]);
            rp_json_str(j, NULL, up);
        }
        rp_json_end_array(j);
    }
    rp_json_end_object(j);
}

static void write_rlimits(struct oci_ctx *c, struct rp_json *j)
{
    const struct rp_process_plan *p = &c->plan->process;
    rp_json_array(j, "rlimits");
    for (size_t i = 0; i < p->n_rlimits; i++) {
        const char *name = rp_rlimit_name(p->rlimits[i].resource);
        char up[32] = "RLIMIT_";
        for (size_t k = 0; name && name[k] && k + 8 < sizeof(up); k++)
            up[7 + k] = (char)toupper((unsigned char)name[k]);
        rp_json_object(j, NULL);
        rp_json_str(j, "type", up);
        rp_json_u64(j, "hard", p->rlimits[i].hard);
        rp_json_u64(j, "soft", p->rlimits[i].soft);
        rp_json_end_object(j);
    }
    rp_json_end_array(j);
}

/* One "KEY=VALUE" of process.env. */
static void env_entry(struct rp_json *j, const char *key, const char *value)
{
    size_t len = strlen(key) + strlen(value) + 2;
    char *kv = malloc(len);
    if (!kv)
        return;
    snprintf(kv, len, "%s=%s", key, value);
    rp_json_str(j, NULL, kv);
    free(kv);
}

static void write_env(struct oci_ctx *c, struct rp_json *j)
{
    const struct rp_process_plan *p = &c->plan->process;
    rp_json_array(j, "env");
    for (size_t i = 0; i < p->n_env_set; i++)
        env_entry(j, p->env_set[i].key, p->env_set[i].value);
    /* The spec's environment is fixed in the bundle: a name to pass takes
     * its value now, from the exporter's environment. */
    for (size_t i = 0; i < p->n_env_pass; i++) {
        const char *v = getenv(p->env_pass[i]);
        if (!v) {
            oci_note(c, "process.env.pass",
                     "%s: not set where the bundle was made, left out (the spec has no "
                     "variable passed at start)",
                     p->env_pass[i]);
            continue;
        }
        env_entry(j, p->env_pass[i], v);
        oci_note(c, "process.env.pass",
                 "%s: its value where the bundle was made is fixed in config.json", p->env_pass[i]);
    }
    rp_json_end_array(j);
    if (!p->env_clear)
        oci_note(c, "process.env.clear",
                 "false: the spec starts the process with config.json's environment only; "
                 "the caller's is not inherited");
}

static int write_process(struct oci_ctx *c, struct rp_json *j)
{
    const struct rp_process_plan *p = &c->plan->process;
    char *const *argv = p->argv ? p->argv : c->opts->argv;
    if (!argv || !argv[0])
        return oci_error(c->err, EINVAL,
                         "process.command: the node names no command: give one after the "
                         "node file");
    rp_json_object(j, "process");
    rp_json_bool(j, "terminal", false);
    rp_json_object(j, "user");
    rp_json_u64(j, "uid", p->uid);
    rp_json_u64(j, "gid", p->gid);
    rp_json_u64(j, "umask", p->umask);
    rp_json_array(j, "additionalGids");
    for (size_t i = 0; i < p->n_groups; i++)
        rp_json_u64(j, NULL, p->groups[i]);
    rp_json_end_array(j);
    rp_json_end_object(j);
    rp_json_array(j, "args");
    for (size_t i = 0; argv[i]; i++)
        rp_json_str(j, NULL, argv[i]);
    rp_json_end_array(j);
    write_env(c, j);
    rp_json_str(j, "cwd", p->cwd ? p->cwd : "/");
    write_caps(c, j);
    write_rlimits(c, j);
    rp_json_bool(j, "noNewPrivileges", p->no_new_privileges);
    rp_json_end_object(j);

    if (p->init)
        oci_note(c, "process.init",
                 "true: the spec runs the command as the container's PID 1, without "
                 "redwrap's init (no reaping of orphans, no signal forwarding)");
    if (p->wait == RP_WAIT_MAIN)
        oci_note(c, "process.wait",
                 "main: the spec has no wait mode; the container ends with its PID 1");
    oci_note(c, "notify",
             "redwrap's NOTIFY_SOCKET proxy is not in the bundle: the runtime relays "
             "READY=1 with its own --notify-socket, or not at all");
    if (p->die_with_parent)
        oci_note(c, "process.die_with_parent",
                 "true: the spec has no such setting; the node's lifetime is the runtime's");
    return 0;
}

/* The options every mount step's flags give. */
static void mount_flag_options(struct rp_json *j, unsigned long flags)
{
    if (flags & MS_NOSUID)
        rp_json_str(j, NULL, "nosuid");
    if (flags & MS_NODEV)
        rp_json_str(j, NULL, "nodev");
    if (flags & MS_NOEXEC)
        rp_json_str(j, NULL, "noexec");
}

void oci_write_id_mappings(struct rp_json *j, const char *key, const struct rp_id_map *v, size_t n)
{
    rp_json_array(j, key);
    for (size_t i = 0; i < n; i++) {
        rp_json_object(j, NULL);
        rp_json_u64(j, "containerID", v[i].inside);
        rp_json_u64(j, "hostID", v[i].outside);
        rp_json_u64(j, "size", v[i].count);
        rp_json_end_object(j);
    }
    rp_json_end_array(j);
}

static void write_bind(struct oci_ctx *c, struct rp_json *j, const struct rp_mount_step *s)
{
    bool idmap = s->idmap && c->userns && c->opts->idmapped_mounts;
    rp_json_object(j, NULL);
    rp_json_str(j, "destination", s->path);
    rp_json_str(j, "type", "bind");
    rp_json_str(j, "source", s->source);
    rp_json_array(j, "options");
    rp_json_str(j, NULL, "rbind");
    rp_json_str(j, NULL, s->readonly ? "ro" : "rw");
    mount_flag_options(j, s->flags);
    /* crun's spelling of an idmapped mount through the container's user
     * namespace; the spec's own is the mount's uidMappings below. */
    if (idmap)
        rp_json_str(j, NULL, "idmap");
    rp_json_end_array(j);
    if (idmap) {
        oci_write_id_mappings(j, "uidMappings", c->uid_map, c->n_uid_map);
        oci_write_id_mappings(j, "gidMappings", c->gid_map, c->n_gid_map);
    }
    rp_json_end_object(j);
    if (s->idmap && c->userns && !c->opts->idmapped_mounts)
        oci_note(c, "mounts",
                 "%s: a plain bind (--no-idmap): its files show with the ids the node's "
                 "maps give them, not as on the host",
                 s->path);
}

static void write_simple(struct rp_json *j, const char *dest, const char *type, unsigned long flags,
                         const char *const *extra)
{
    rp_json_object(j, NULL);
    rp_json_str(j, "destination", dest);
    rp_json_str(j, "type", type);
    rp_json_str(j, "source", type);
    rp_json_array(j, "options");
    mount_flag_options(j, flags);
    for (size_t i = 0; extra && extra[i]; i++)
        rp_json_str(j, NULL, extra[i]);
    rp_json_end_array(j);
    rp_json_end_object(j);
}

/* The /dev the spec describes: a tmpfs the runtime fills with its default
 * devices (null zero full random urandom tty, ptmx, the fd links), devpts
 * and a /dev/shm of the node's size: what redwrap's minimal /dev has. */
static void write_dev(struct rp_json *j, const struct rp_mount_step *s)
{
    char path[4096], opt[64];
    const char *dev[] = {"strictatime", "mode=755", "size=65536k", NULL};
    write_simple(j, s->path, "tmpfs", MS_NOSUID | MS_NOEXEC, dev);
    const char *pts[] = {"newinstance", "ptmxmode=0666", "mode=0620", NULL};
    snprintf(path, sizeof(path), "%s/pts", strcmp(s->path, "/") ? s->path : "");
    write_simple(j, path, "devpts", MS_NOSUID | MS_NOEXEC, pts);
    snprintf(opt, sizeof(opt), "size=%llu", (unsigned long long)s->size);
    const char *shm[] = {"mode=1777", opt, NULL};
    snprintf(path, sizeof(path), "%s/shm", strcmp(s->path, "/") ? s->path : "");
    write_simple(j, path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm);
}

static void write_tmpfs(struct rp_json *j, const struct rp_mount_step *s)
{
    char size[40], mode[16], uid[24], gid[24];
    const char *extra[5] = {0};
    size_t n = 0;
    snprintf(mode, sizeof(mode), "mode=%o", (unsigned)s->mode);
    extra[n++] = mode;
    if (s->size) {
        snprintf(size, sizeof(size), "size=%llu", (unsigned long long)s->size);
        extra[n++] = size;
    }
    if (s->has_owner) {
        snprintf(uid, sizeof(uid), "uid=%u", (unsigned)s->uid);
        snprintf(gid, sizeof(gid), "gid=%u", (unsigned)s->gid);
        extra[n++] = uid;
        extra[n++] = gid;
    }
    write_simple(j, s->path, "tmpfs", s->flags, extra);
}

static void write_mount_step(struct oci_ctx *c, struct rp_json *j, const struct rp_mount_step *s)
{
    switch (s->op) {
    case RP_MOP_BIND:
        if (s->optional && access(s->source, F_OK) < 0) {
            oci_note(c, "mounts",
                     "%s: optional, and %s is missing now: left out (the spec has no "
                     "optional bind)",
                     s->path, s->source);
            return;
        }
        if (s->optional)
            oci_note(c, "mounts", "%s: optional: the runtime fails if %s is missing at start",
                     s->path, s->source);
        write_bind(c, j, s);
        return;
    case RP_MOP_PROC: write_simple(j, s->path, "proc", s->flags, NULL); return;
    case RP_MOP_DEV: write_dev(j, s); return;
    case RP_MOP_MQUEUE: write_simple(j, s->path, "mqueue", s->flags, NULL); return;
    case RP_MOP_TMPFS: write_tmpfs(j, s); return;
    default: return; /* the root, and what is written into rootfs/ */
    }
}

static void write_mounts(struct oci_ctx *c, struct rp_json *j)
{
    const struct rp_mount_plan *m = &c->plan->mount, *t = &c->plan->tmpfs;
    bool dev = false;
    for (size_t i = 0; i < m->n; i++)
        dev |= m->steps[i].op == RP_MOP_DEV;
    if (!dev)
        oci_note(c, "mounts",
                 "no dev mount: the spec's runtime still supplies /dev/null, zero, full, "
                 "random, urandom, tty and ptmx, in rootfs/dev");
    rp_json_array(j, "mounts");
    for (size_t i = 0; i < m->n; i++)
        if (!oci_step_in_rootfs(c, i))
            write_mount_step(c, j, &m->steps[i]);
    for (size_t i = 0; i < t->n; i++)
        write_mount_step(c, j, &t->steps[i]);
    rp_json_end_array(j);
}

static int write_config(struct oci_ctx *c, FILE *out)
{
    const struct rp_plan *p = c->plan;
    struct rp_json j = {.out = out};
    rp_json_object(&j, NULL);
    rp_json_str(&j, "ociVersion", "1.1.0");
    int r = write_process(c, &j);
    if (r < 0)
        return r;
    rp_json_object(&j, "root");
    rp_json_str(&j, "path", "rootfs");
    rp_json_bool(&j, "readonly", p->node->root.readonly);
    rp_json_end_object(&j);
    if (p->ns.hostname)
        rp_json_str(&j, "hostname", p->ns.hostname);
    if (p->ns.domainname)
        rp_json_str(&j, "domainname", p->ns.domainname);
    write_mounts(c, &j);
    rp_json_object(&j, "annotations");
    rp_json_str(&j, "org.redpak.node", p->node->name);
    rp_json_end_object(&j);
    if ((r = oci_write_linux(c, &j)) < 0)
        return r;
    rp_json_end_object(&j);
    return 0;
}

/* dir must not exist or be an empty folder: a bundle is never written
 * over files someone has. 0755: the container's root, a host id of the
 * node's range, passes through it to rootfs/. */
static int open_bundle_dir(const char *dir, bool *made, struct rp_error *err)
{
    *made = false;
    if (mkdir(dir, 0755) == 0)
        *made = true;
    else if (errno != EEXIST)
        return rp_error_set(err, errno, "bundle %s", dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return rp_error_set(err, errno, "bundle %s", dir);
    int dup_fd = dup(fd);
    DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
    if (!d) {
        close(fd);
        return rp_error_set(err, errno, "bundle %s", dir);
    }
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = false;
    closedir(d);
    if (!empty) {
        close(fd);
        return oci_error(err, EEXIST, "bundle %s: exists and is not empty", dir);
    }
    return fd;
}

/* What a failed export wrote: the bundle's entries (the folder too when
 * the export made it). Removed through the descriptor, never following
 * a symlink rootfs/ holds. */
static void remove_tree_at(int dirfd, const char *name)
{
    RP_AUTO_FD int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        DIR *d = fdopendir(dup(fd));
        struct dirent *e;
        while (d && (e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                remove_tree_at(fd, e->d_name);
        if (d)
            closedir(d);
        unlinkat(dirfd, name, AT_REMOVEDIR);
        return;
    }
    unlinkat(dirfd, name, 0);
}

int rp_oci_export(const struct rp_plan *plan, const char *dir, const struct rp_oci_opts *opts,
                  struct rp_error *err)
{
    struct rp_oci_opts defaults = {.idmapped_mounts = true};
    if (!opts)
        opts = &defaults;
    struct oci_ctx c = {
        .plan = plan,
        .opts = opts,
        .notes = opts->notes ? opts->notes : stderr,
        .err = err,
        .dir = dir,
        .userns = plan->ns.ns[RP_NS_USER].mode == RP_NS_NEW,
    };
    int r = 0;
    if (c.userns &&
        ((r = fix_maps(&c, plan->ns.uid_map, plan->ns.n_uid_map, plan->ns.private_uid_range,
                       &c.uid_map, &c.n_uid_map)) < 0 ||
         (r = fix_maps(&c, plan->ns.gid_map, plan->ns.n_gid_map, plan->ns.private_gid_range,
                       &c.gid_map, &c.n_gid_map)) < 0)) {
        free(c.uid_map);
        return r;
    }
    bool made = false;
    c.dir_fd = open_bundle_dir(dir, &made, err);
    if (c.dir_fd < 0) {
        free(c.uid_map);
        free(c.gid_map);
        return c.dir_fd;
    }
    r = oci_make_rootfs(&c);
    FILE *out = NULL;
    if (r >= 0) {
        RP_AUTO_FD int fd =
            openat(c.dir_fd, ".config.json.tmp", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        out = fd < 0 ? NULL : fdopen(fd, "w");
        if (out)
            fd = -1;
        else
            r = rp_error_set(err, errno, "bundle %s: config.json", dir);
    }
    if (r >= 0) {
        r = write_config(&c, out);
        if (fclose(out) != 0 && r >= 0)
            r = rp_error_set(err, errno, "bundle %s: config.json", dir);
        if (r >= 0 && renameat(c.dir_fd, ".config.json.tmp", c.dir_fd, "config.json") < 0)
            r = rp_error_set(err, errno, "bundle %s: config.json", dir);
    }
    if (r < 0) {
        oci_release_rootfs(&c);
        remove_tree_at(c.dir_fd, "rootfs");
        remove_tree_at(c.dir_fd, "files");
        unlinkat(c.dir_fd, ".config.json.tmp", 0);
        if (made)
            rmdir(dir);
    }
    close(c.dir_fd);
    free(c.uid_map);
    free(c.gid_map);
    return r;
}
