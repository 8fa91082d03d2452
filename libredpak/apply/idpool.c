/* SPDX-License-Identifier: Apache-2.0 */
/* The private id ranges of root-started nodes, as systemd-nspawn's
 * --private-users=pick: 65536 host ids per node, from 524288 on, that
 * overlap no user or group of the host (/etc/passwd, /etc/group), no
 * subordinate range (/etc/subuid, /etc/subgid) and no other running node.
 *
 * No daemon: a range is taken by an open-file-description lock
 * (F_OFD_SETLK) on /run/redpak/ids/BASE, held by redwrap for the node's
 * life. The kernel drops the lock with the last descriptor of the file, so
 * a redwrap that crashed or was killed frees its range by dying; the file
 * itself stays, and is what the next redwrap locks. The descriptor is
 * opened after the clone, so the node never holds it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "idpool.h"

#define POOL_DIR "/run/redpak/ids"

/* [lo, hi) ranges the host's files name. */
struct taken {
    uint64_t lo, hi;
};

struct taken_list {
    struct taken *v;
    size_t n, cap;
};

static int taken_add(struct taken_list *l, uint64_t lo, uint64_t count)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        struct taken *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (struct taken){lo, lo + count};
    return 0;
}

/* field: the 0-based ':' field with the id (2 in passwd and group);
 * range: "name:start:count" (subuid, subgid). A missing file names none. */
static int read_ids(const char *path, int field, bool range, struct taken_list *l)
{
    RP_AUTO_FILE FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : -errno;
    char line[4096];
    while (fgets(line, sizeof(line), f)) {
        char *p = line;
        for (int i = 0; i < field && p; i++)
            p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
        if (!p)
            continue;
        char *end;
        errno = 0;
        unsigned long long id = strtoull(p, &end, 10);
        if (errno || end == p || (*end != ':' && *end != '\n' && *end))
            continue;
        unsigned long long count = 1;
        if (range) {
            if (*end != ':')
                continue;
            char *q = end + 1;
            count = strtoull(q, &end, 10);
            if (end == q)
                continue;
        }
        int r = taken_add(l, id, count);
        if (r < 0)
            return r;
    }
    return 0;
}

static bool overlaps(const struct taken_list *l, uint64_t lo, uint64_t hi)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].lo < hi && lo < l->v[i].hi)
            return true;
    return false;
}

static int mkdir_private(const char *path)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    return -errno;
}

/* Locks BASE's file; 0, -EAGAIN when another redwrap holds it. */
static int lock_range(int dir, uint32_t base, int *fd_out)
{
    char name[16];
    snprintf(name, sizeof(name), "%" PRIu32, base);
    int fd = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
        int e = errno;
        close(fd);
        return e == EACCES ? -EAGAIN : -e;
    }
    *fd_out = fd;
    return 0;
}

int rp_idpool_pick(struct rp_idrange *out, struct rp_error *err)
{
    struct taken_list l = {0};
    int r = read_ids("/etc/passwd", 2, false, &l);
    if (r == 0)
        r = read_ids("/etc/group", 2, false, &l);
    if (r == 0)
        r = read_ids("/etc/subuid", 1, true, &l);
    if (r == 0)
        r = read_ids("/etc/subgid", 1, true, &l);
    if (r < 0) {
        free(l.v);
        return rp_error_set(err, r, "private id range: reading the host's users");
    }
    if ((r = mkdir_private("/run/redpak")) < 0 || (r = mkdir_private(POOL_DIR)) < 0) {
        free(l.v);
        return rp_error_set(err, r, "private id range: mkdir %s", POOL_DIR);
    }
    RP_AUTO_FD int dir = open(POOL_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0) {
        free(l.v);
        return rp_error_set(err, errno, "private id range: open %s", POOL_DIR);
    }
    for (uint64_t base = RP_IDPOOL_FIRST; base + RP_IDPOOL_COUNT <= RP_IDPOOL_END;
         base += RP_IDPOOL_COUNT) {
        if (overlaps(&l, base, base + RP_IDPOOL_COUNT))
            continue;
        int fd = -1;
        r = lock_range(dir, (uint32_t)base, &fd);
        if (r == -EAGAIN)
            continue;
        free(l.v);
        if (r < 0)
            return rp_error_set(err, r, "private id range: lock %s/%" PRIu64, POOL_DIR, base);
        *out = (struct rp_idrange){.base = (uint32_t)base, .count = RP_IDPOOL_COUNT, .fd = fd};
        return 0;
    }
    free(l.v);
    return rp_error_set(err, EUSERS,
                        "private id range: every range of %u ids from %u to %u is in use or "
                        "overlaps the host's users",
                        RP_IDPOOL_COUNT, RP_IDPOOL_FIRST, RP_IDPOOL_END);
}

void rp_idpool_release(struct rp_idrange *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
}
