/* SPDX-License-Identifier: Apache-2.0 */
/* Lookups confined to the node's root (mount_resolve.h explains why). */
#include "mount_resolve.h"
#include "auto_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Symlinks followed in one lookup before giving up, as the kernel does. */
#define MAX_LINKS 40

static int open_root(int root_fd)
{
    int fd = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* Where the walk of rp_resolve_walk stands. */
struct walk {
    int root_fd;
    struct stat root_st; /* to know the root when ".." reaches it */
    int cur;             /* O_PATH fd of the directory reached so far */
    /* The part still to walk, from p; a symlink's target is put in front
     * of it. */
    char todo[2 * PATH_MAX];
    char *p;
    int links; /* symlinks followed */
};

/* cur becomes next; cur's old fd is closed. */
static void step_to(struct walk *w, int next)
{
    close(w->cur);
    w->cur = next;
}

static bool is_root(int fd, const struct stat *root)
{
    struct stat st;
    return fstat(fd, &st) == 0 && st.st_dev == root->st_dev && st.st_ino == root->st_ino;
}

/* The next component of the path into name: 1, or 0 at the end of the
 * path, or -ENAMETOOLONG. */
static int next_component(struct walk *w, char name[NAME_MAX + 1])
{
    while (*w->p == '/')
        w->p++;
    if (!*w->p)
        return 0;
    char *end = strchrnul(w->p, '/');
    size_t n = (size_t)(end - w->p);
    if (n > NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(name, w->p, n);
    name[n] = '\0';
    w->p = end;
    return 1;
}

/* "..": the root is its own parent, as "/.." is. */
static int walk_up(struct walk *w)
{
    if (is_root(w->cur, &w->root_st))
        return 0;
    int up = openat(w->cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (up < 0)
        return -errno;
    step_to(w, up);
    return 0;
}

/* A symlink: its target replaces the component, read here rather than
 * followed by the kernel so that "/" means root_fd. A magic /proc link
 * reads as text too and is confined like any other. */
static int walk_link(struct walk *w, int link)
{
    char target[PATH_MAX];
    ssize_t len = readlinkat(link, "", target, sizeof(target) - 1);
    if (len < 0)
        return -errno;
    if (++w->links > MAX_LINKS)
        return -ELOOP;
    if (len == 0)
        return -ENOENT;
    size_t rest = strlen(w->p);
    if ((size_t)len + rest + 1 > sizeof(w->todo))
        return -ENAMETOOLONG;
    memmove(w->todo + len, w->p, rest + 1);
    memcpy(w->todo, target, (size_t)len);
    w->p = w->todo;
    if (w->todo[0] != '/')
        return 0;
    int top = open_root(w->root_fd);
    if (top < 0)
        return top;
    step_to(w, top);
    return 0;
}

/* A component other than "." and "..": steps into it, or expands it when
 * it is a symlink. */
static int walk_into(struct walk *w, const char *name)
{
    RP_AUTO_FD int next = openat(w->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0)
        return -errno;
    struct stat st;
    if (fstat(next, &st) < 0)
        return -errno;
    if (S_ISLNK(st.st_mode))
        return walk_link(w, next);
    step_to(w, next);
    next = -1; /* now w->cur */
    return 0;
}

int rp_resolve_walk(int root_fd, const char *path)
{
    struct walk w = {.root_fd = root_fd};
    if (strlen(path) >= PATH_MAX)
        return -ENAMETOOLONG;
    strcpy(w.todo, path);
    w.p = w.todo;
    if (fstat(root_fd, &w.root_st) < 0)
        return -errno;
    w.cur = open_root(root_fd);
    if (w.cur < 0)
        return w.cur;
    char name[NAME_MAX + 1];
    int r;
    while ((r = next_component(&w, name)) > 0) {
        if (strcmp(name, ".") == 0)
            continue;
        r = strcmp(name, "..") == 0 ? walk_up(&w) : walk_into(&w, name);
        if (r < 0)
            break;
    }
    if (r == 0)
        return w.cur;
    close(w.cur);
    return r;
}

/* openat2 where the kernel has it (remembered after the first ENOSYS),
 * the component walk where it does not. */
static int resolve_existing(int root_fd, const char *path)
{
    static bool no_openat2;
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    for (int tries = 0; !no_openat2 && tries < 8; tries++) {
        long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
        if (fd >= 0)
            return (int)fd;
        if (errno == ENOSYS)
            no_openat2 = true;
        /* EAGAIN: a rename raced with a ".." walk; the kernel asks for a
         * retry rather than risk an answer outside the root. */
        else if (errno != EAGAIN)
            return -errno;
    }
    return no_openat2 ? rp_resolve_walk(root_fd, path) : -EAGAIN;
}

/* Creates name in parent as a directory or an empty file with exactly mode
 * (fchmod, since the umask would otherwise take bits away). An existing
 * entry is left alone: the caller resolves it again and judges it. */
static int make_one(int parent, const char *name, enum rp_create kind, mode_t mode)
{
    RP_AUTO_FD int fd = -1;
    if (kind == RP_CREATE_DIR) {
        if (mkdirat(parent, name, mode) < 0)
            return errno == EEXIST ? 0 : -errno;
        fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    } else {
        fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0 && errno == EEXIST)
            return 0;
    }
    if (fd < 0)
        return -errno;
    return fchmod(fd, mode) < 0 ? -errno : 0;
}

/* Creates what is missing of path, one component at a time, each in a
 * parent that was itself resolved inside the root: a symlink met on the
 * way is followed inside the root, never created through to the outside. */
static int create_path(int root_fd, const char *path, enum rp_create create, mode_t mode)
{
    char prefix[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof(prefix))
        return -ENAMETOOLONG;
    size_t i = 0;
    for (;;) {
        while (path[i] == '/')
            i++;
        size_t start = i;
        while (path[i] && path[i] != '/')
            i++;
        size_t j = i;
        while (path[j] == '/')
            j++;
        bool last = path[j] == '\0';

        memcpy(prefix, path, i);
        prefix[i] = '\0';
        int fd = resolve_existing(root_fd, prefix);
        if (fd == -ENOENT) {
            memcpy(prefix, path, start);
            prefix[start] = '\0';
            RP_AUTO_FD int parent = resolve_existing(root_fd, start ? prefix : "/");
            if (parent < 0)
                return parent;
            char name[NAME_MAX + 1];
            if (i - start > NAME_MAX)
                return -ENAMETOOLONG;
            memcpy(name, path + start, i - start);
            name[i - start] = '\0';
            int r = last ? make_one(parent, name, create, mode)
                         : make_one(parent, name, RP_CREATE_DIR, 0755);
            if (r < 0)
                return r;
            memcpy(prefix, path, i);
            prefix[i] = '\0';
            fd = resolve_existing(root_fd, prefix);
        }
        if (fd < 0 || last)
            return fd;
        close(fd);
    }
}

int rp_resolve(int root_fd, const char *path, enum rp_create create, mode_t mode)
{
    int fd = resolve_existing(root_fd, path);
    if (fd != -ENOENT || create == RP_CREATE_NONE)
        return fd;
    return create_path(root_fd, path, create, mode);
}

int rp_resolve_parent(int root_fd, const char *path, int create, const char **base)
{
    char dir[PATH_MAX];
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    if (len >= sizeof(dir))
        return -ENAMETOOLONG;
    const char *slash = memrchr(path, '/', len);
    const char *name = slash ? slash + 1 : path;
    size_t dir_len = slash ? (size_t)(slash - path) : 0;
    if (name == path + len || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return -EINVAL;
    memcpy(dir, path, dir_len);
    dir[dir_len] = '\0';
    *base = name;
    return rp_resolve(root_fd, dir_len ? dir : "/", create ? RP_CREATE_DIR : RP_CREATE_NONE, 0755);
}

void rp_fd_path(char *buf, size_t len, const char *proc, int fd)
{
    snprintf(buf, len, "%s/self/fd/%d", proc, fd);
}

int rp_fd_mount_id(int proc_fd, int fd)
{
    /* statx names the mount directly since Linux 5.8; fdinfo is a
     * formatted /proc file, read only on older kernels. A 0 is no mount's
     * id: qemu-user sets the mask bit without copying the field. */
    struct statx stx;
    if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) == 0 &&
        (stx.stx_mask & STATX_MNT_ID) && stx.stx_mnt_id)
        return (int)stx.stx_mnt_id;
    char name[64];
    snprintf(name, sizeof(name), "self/fdinfo/%d", fd);
    RP_AUTO_FD int info = openat(proc_fd, name, O_RDONLY | O_CLOEXEC);
    if (info < 0)
        return -errno;
    char buf[4096];
    ssize_t n = read(info, buf, sizeof(buf) - 1);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    const char *line = strstr(buf, "mnt_id:");
    if (!line)
        return -ENOTSUP;
    return atoi(line + strlen("mnt_id:"));
}
