/* SPDX-License-Identifier: Apache-2.0 */
/* Resolving user and group names in a node's own passwd and group files. */
#include "users.h"
#include "auto_fd.h"
#include "read_all.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* An /etc/passwd larger than this is not a passwd file. */
#define USERS_FILE_MAX (16u << 20)

/* Opens rel under root as if root were "/": an image's etc/passwd may be
 * an absolute symlink ("/etc/passwd"), which must resolve inside the
 * image, never to the host's file of the same name. */
static int open_in_root(const char *root, const char *rel)
{
    RP_AUTO_FD int dirfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return -errno;
    struct open_how how = {
        .flags = O_RDONLY | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
    /* Kernels before 5.6: refuse symlinks rather than follow them out. */
    if (fd < 0 && errno == ENOSYS)
        fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    return fd < 0 ? -errno : fd;
}

/* Only a regular file is read: a FIFO or a device planted at etc/passwd
 * in an image would block or never end. */
static int read_table_file(int fd, char **out)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -EINVAL;
    return rp_read_all(fd, USERS_FILE_MAX, out, NULL);
}

static bool parse_id(const char *s, uint32_t *out)
{
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        /* (uint32_t)-1 is "no id" to the kernel: never a real one. */
        if (v >= UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* Splits line at ':' into at most max fields; returns how many. */
static size_t split_fields(char *line, char **field, size_t max)
{
    size_t n = 0;
    field[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == ':') {
            *p = '\0';
            field[n++] = p + 1;
        }
    }
    return n;
}

/* passwd: name:password:uid:gid:gecos:home:shell; group: name:password:gid:members.
 * Lines that do not parse (comments, NIS "+" entries, garbage) are skipped,
 * as the files NSS module skips them. */
static int parse_table(char *buf, bool group, struct rp_user_table *t)
{
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *f[4] = {0};
        size_t n = split_fields(line, f, group ? 3 : 4);
        uint32_t id, gid = 0;
        if (n < 3 || !f[0][0] || f[0][0] == '#' || f[0][0] == '+' || f[0][0] == '-')
            continue;
        if (group) {
            char *colon = strchr(f[2], ':');
            if (colon)
                *colon = '\0';
        } else {
            if (n < 4)
                continue;
            char *colon = strchr(f[3], ':');
            if (colon)
                *colon = '\0';
            if (!parse_id(f[3], &gid))
                continue;
        }
        if (!parse_id(f[2], &id))
            continue;
        struct rp_user_entry *v = realloc(t->v, (t->n + 1) * sizeof(*v));
        if (!v)
            return -ENOMEM;
        t->v = v;
        char *name = strdup(f[0]);
        if (!name)
            return -ENOMEM;
        t->v[t->n++] = (struct rp_user_entry){.name = name, .id = id, .gid = gid};
    }
    return 0;
}

static int table_load(struct rp_users *u, bool group)
{
    struct rp_user_table *t = group ? &u->group : &u->passwd;
    if (t->loaded)
        return t->err;
    t->loaded = true;
    RP_AUTO_FD int fd = open_in_root(u->root, group ? "etc/group" : "etc/passwd");
    if (fd < 0)
        return t->err = fd;
    RP_AUTO_FREE char *buf = NULL;
    t->err = read_table_file(fd, &buf);
    if (!t->err)
        t->err = parse_table(buf, group, t);
    return t->err;
}

int rp_users_init(struct rp_users *u, const char *root)
{
    *u = (struct rp_users){0};
    u->root = strdup(root && *root ? root : "/");
    return u->root ? 0 : -ENOMEM;
}

static void table_free(struct rp_user_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].name);
    free(t->v);
    *t = (struct rp_user_table){0};
}

void rp_users_free(struct rp_users *u)
{
    table_free(&u->passwd);
    table_free(&u->group);
    free(u->root);
    u->root = NULL;
}

static const struct rp_user_entry *table_find(const struct rp_user_table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i].name, name))
            return &t->v[i];
    return NULL;
}

int rp_users_find_user(struct rp_users *u, const char *name, uid_t *uid, gid_t *gid)
{
    int r = table_load(u, false);
    if (r < 0)
        return r;
    const struct rp_user_entry *e = table_find(&u->passwd, name);
    if (!e)
        return -ESRCH;
    *uid = e->id;
    if (gid)
        *gid = e->gid;
    return 0;
}

int rp_users_name_of(struct rp_users *u, uid_t uid, const char **name)
{
    int r = table_load(u, false);
    if (r < 0)
        return r;
    for (size_t i = 0; i < u->passwd.n; i++)
        if (u->passwd.v[i].id == uid) {
            *name = u->passwd.v[i].name;
            return 0;
        }
    return -ESRCH;
}

int rp_users_find_group(struct rp_users *u, const char *name, gid_t *gid)
{
    int r = table_load(u, true);
    if (r < 0)
        return r;
    const struct rp_user_entry *e = table_find(&u->group, name);
    if (!e)
        return -ESRCH;
    *gid = e->id;
    return 0;
}

const char *rp_users_file(const struct rp_users *u, bool group, char *buf, size_t len)
{
    size_t root_len = strlen(u->root);
    while (root_len > 0 && u->root[root_len - 1] == '/')
        root_len--;
    snprintf(buf, len, "%.*s/etc/%s", (int)root_len, u->root, group ? "group" : "passwd");
    return buf;
}
