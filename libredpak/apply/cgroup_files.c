/* SPDX-License-Identifier: Apache-2.0 */
/* Small reads and writes of cgroup files, shared by cgroup.c and
 * cgroup_teardown.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auto_fd.h"
#include "cgroup_internal.h"

/* One write(2) per value: cgroup files parse what a single write brings. */
int rp_cg_write_at(int dirfd, const char *file, const char *value)
{
    RP_AUTO_FD int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = strlen(value);
    ssize_t n = write(fd, value, len);
    if (n < 0)
        return -errno;
    return (size_t)n == len ? 0 : -EIO;
}

int rp_cg_write(const char *dir, const char *file, const char *value)
{
    RP_AUTO_FD int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    return rp_cg_write_at(dfd, file, value);
}

/* Reads a small cgroup file into buf (NUL-terminated); -errno on failure. */
int rp_cg_read_at(int dirfd, const char *file, char *buf, size_t len)
{
    RP_AUTO_FD int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, len - 1);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return 0;
}

int rp_cg_read(const char *dir, const char *file, char *buf, size_t len)
{
    RP_AUTO_FD int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    return rp_cg_read_at(dfd, file, buf, len);
}

/* The value of "KEY VALUE" in a flat-keyed file (memory.events, cgroup.events). */
long long rp_cg_keyed(const char *text, const char *key)
{
    size_t kl = strlen(key);
    for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : s)
        if (!strncmp(s, key, kl) && s[kl] == ' ')
            return strtoll(s + kl + 1, NULL, 10);
    return -1;
}

char *rp_cg_dirname(const char *dir)
{
    char *p = strdup(dir);
    if (p) {
        char *slash = strrchr(p, '/');
        if (slash && slash != p)
            *slash = '\0';
    }
    return p;
}
