/* SPDX-License-Identifier: Apache-2.0 */
/* Host paths walked on file descriptors (host_path.h says why). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "auto_fd.h"
#include "host_path.h"

static bool no_openat2;

void rp_host_path_no_openat2(bool on)
{
    no_openat2 = on;
}

/* The next component of *p into name; 0 at the end of the path. */
static int next_name(const char **p, char name[NAME_MAX + 1])
{
    while (**p == '/')
        (*p)++;
    size_t n = strcspn(*p, "/");
    if (n == 0)
        return 0;
    if (n > NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(name, *p, n);
    name[n] = '\0';
    *p += n;
    return 1;
}

static bool at_end(const char *p)
{
    while (*p == '/')
        p++;
    return *p == '\0';
}

/* One component below dir, never through a symlink: openat2 refuses one
 * with ELOOP, the fallback opens the link itself and looks. */
static int open_one(int dir, const char *name)
{
    if (!no_openat2) {
        struct open_how how = {
            .flags = O_PATH | O_CLOEXEC,
            .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, dir, name, &how, sizeof(how));
        if (fd >= 0)
            return (int)fd;
        if (errno != ENOSYS)
            return -errno;
        no_openat2 = true;
    }
    int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
        int e = S_ISLNK(st.st_mode) ? ELOOP : errno;
        close(fd);
        return -e;
    }
    return fd;
}

static void name_prefix(char *where, size_t len, const char *path, const char *end)
{
    if (where && len)
        snprintf(where, len, "%.*s", (int)(end - path), path);
}

int rp_host_open_nofollow(const char *path, bool create, bool *made, char *where, size_t len)
{
    if (made)
        *made = false;
    if (path[0] != '/')
        return -EINVAL;
    RP_AUTO_FD int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -errno;
    /* The whole path in one call where it exists. */
    if (!no_openat2) {
        const char *rel = path;
        while (*rel == '/')
            rel++;
        int fd = open_one(root, *rel ? rel : ".");
        if (fd >= 0 || (fd != -ENOENT && fd != -ELOOP && fd != -ENOSYS))
            return fd;
        /* ENOENT: made below; ELOOP: the walk finds where the link is. */
    }
    int cur = fcntl(root, F_DUPFD_CLOEXEC, 0);
    if (cur < 0)
        return -errno;
    const char *p = path;
    char name[NAME_MAX + 1];
    int r;
    while ((r = next_name(&p, name)) > 0) {
        bool last = at_end(p);
        int fd = open_one(cur, name);
        if (fd == -ENOENT && create) {
            /* 0700 until the caller gave it its owner and mode: nobody
             * else can use it in between. */
            if (mkdirat(cur, name, last ? 0700 : 0755) == 0) {
                if (last && made)
                    *made = true;
            } else if (errno != EEXIST) {
                fd = -errno;
            }
            if (fd == -ENOENT)
                fd = open_one(cur, name);
        }
        close(cur);
        if (fd == -ELOOP)
            name_prefix(where, len, path, p);
        if (fd < 0)
            return fd;
        cur = fd;
    }
    if (r < 0) {
        close(cur);
        return r;
    }
    return cur;
}

static bool avoided(const struct stat *st, const struct rp_dev_ino *avoid, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (avoid[i].dev == st->st_dev && avoid[i].ino == st->st_ino)
            return true;
    return false;
}

int rp_host_open_following(const char *path, const struct rp_dev_ino *avoid, size_t n_avoid,
                           char *where, size_t len)
{
    if (path[0] != '/')
        return -EINVAL;
    /* rest: what is left to walk; a symlink's target goes in front. */
    char rest[2 * PATH_MAX], tmp[2 * PATH_MAX];
    if (strlen(path) >= sizeof(rest))
        return -ENAMETOOLONG;
    strcpy(rest, path);
    int cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cur < 0)
        return -errno;
    /* The walked part, for the message: the path as written, then the
     * symlinks' targets. */
    char walked[PATH_MAX] = "";
    int links = 0;
    const char *p = rest;
    char name[NAME_MAX + 1];
    int r;
    while ((r = next_name(&p, name)) > 0) {
        if (!strcmp(name, "."))
            continue;
        int fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
            r = -errno;
            if (fd >= 0)
                close(fd);
            break;
        }
        size_t wl = strlen(walked);
        if (!strcmp(name, ".."))
            snprintf(walked + wl, sizeof(walked) - wl, "/..");
        else
            snprintf(walked + wl, sizeof(walked) - wl, "/%s", name);
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
            close(fd);
            if (n < 0 || ++links > 40) {
                r = n < 0 ? -errno : -ELOOP;
                break;
            }
            target[n] = '\0';
            /* The link's name leaves the walked part; its target's
             * components are added as they are walked. */
            if (target[0] == '/')
                walked[0] = '\0';
            else
                *strrchr(walked, '/') = '\0';
            if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", target, p) >= sizeof(tmp)) {
                r = -ENAMETOOLONG;
                break;
            }
            strcpy(rest, tmp);
            p = rest;
            if (target[0] == '/') {
                int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (root < 0) {
                    r = -errno;
                    break;
                }
                close(cur);
                cur = root;
            }
            continue;
        }
        close(cur);
        cur = fd;
        if (!at_end(p) && avoided(&st, avoid, n_avoid)) {
            if (where && len)
                snprintf(where, len, "%s", walked);
            r = -EXDEV;
            break;
        }
    }
    if (r < 0) {
        close(cur);
        return r;
    }
    return cur;
}
