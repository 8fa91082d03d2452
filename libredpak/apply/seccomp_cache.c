/* SPDX-License-Identifier: Apache-2.0 */
/* The cache of compiled seccomp filters. libseccomp takes about 2 ms to
 * build the default profile's 494 instructions, the largest cost of a
 * node's start; the same rules, libseccomp and redpak always give the same
 * program, so it is built once per folder and read back afterwards.
 *
 * Whoever can write a file the cache trusts chooses the node's filter. So
 * a file is trusted only in a folder owned by the effective uid with no
 * permission for anyone else (no one but its owner and root can create,
 * replace or rename an entry in it), and only if it is itself a regular
 * file of that uid with mode 0600. The key and checksum in its header do
 * not stop a writer (anyone can compute a SHA-256): they catch a file that
 * is stale, cut short or corrupted. Anything off and the filter is
 * compiled as if there were no cache. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto_fd.h"
#include "env_value.h"
#include "log.h"
#include "seccomp_cache.h"

#define MAGIC "RPSCBPF1"
/* Past this many files a store empties the folder first: each distinct
 * filter of the caller's adds a file of a few KiB to a tmpfs. */
#define MAX_FILES 256

struct header {
    char magic[8];
    uint8_t key[RP_SHA256_LEN];
    uint8_t sum[RP_SHA256_LEN]; /* of the program */
    uint32_t len;               /* instructions */
    uint32_t zero;
};

static void vlog(const struct rp_seccomp_cache *c, const char *what, int errnum)
{
    if (c->verbose > 0)
        rp_log("seccomp cache: %s%s%s", what, errnum ? ": " : "", errnum ? strerror(errnum) : "");
}

/* A folder of ours alone: made 0700 if absent, then checked on its fd. */
static int open_private_dir(const char *path)
{
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return -1;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

void rp_seccomp_cache_open_dir(struct rp_seccomp_cache *c, const char *dir, int verbose)
{
    c->verbose = verbose;
    c->dirfd = open_private_dir(dir);
    if (c->dirfd < 0)
        vlog(c, "no usable folder, filters are compiled", errno);
}

void rp_seccomp_cache_open(struct rp_seccomp_cache *c, char *const *environ_, int verbose)
{
    *c = (struct rp_seccomp_cache){.dirfd = -1, .verbose = verbose};
    if (geteuid() == 0) {
        /* /run is root's: /run/redpak cannot be someone else's. */
        if (mkdir("/run/redpak", 0700) < 0 && errno != EEXIST)
            return vlog(c, "mkdir /run/redpak", errno);
        return rp_seccomp_cache_open_dir(c, RP_SECCOMP_CACHE_ROOT_DIR, verbose);
    }
    const char *run = rp_env_value(environ_, "XDG_RUNTIME_DIR");
    if (!run || run[0] != '/')
        return vlog(c, "no XDG_RUNTIME_DIR, filters are compiled", 0);
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/redpak", run) >= (int)sizeof(path))
        return vlog(c, "XDG_RUNTIME_DIR too long", 0);
    rp_seccomp_cache_open_dir(c, path, verbose);
}

void rp_seccomp_cache_close(struct rp_seccomp_cache *c)
{
    rp_close_fd(&c->dirfd);
}

void rp_seccomp_cache_name(const uint8_t key[RP_SHA256_LEN], char name[70])
{
    for (int i = 0; i < RP_SHA256_LEN; i++)
        snprintf(name + 2 * i, 3, "%02x", key[i]);
    memcpy(name + 2 * RP_SHA256_LEN, ".bpf", 5);
}

bool rp_seccomp_cache_load(const struct rp_seccomp_cache *c, const uint8_t key[RP_SHA256_LEN],
                           struct rp_seccomp_prog *prog)
{
    if (c->dirfd < 0)
        return false;
    char name[70];
    rp_seccomp_cache_name(key, name);
    /* O_NONBLOCK: a FIFO in its place must not hang the start. */
    RP_AUTO_FD int fd = openat(c->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            vlog(c, "open", errno);
        return false;
    }
    struct stat st;
    struct header h;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 07777) != 0600 || st.st_size < (off_t)sizeof(h) ||
        (st.st_size - (off_t)sizeof(h)) % (off_t)sizeof(struct sock_filter) != 0 ||
        (st.st_size - (off_t)sizeof(h)) / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
        vlog(c, "a file not owned by us alone, or of the wrong size: ignored", 0);
        return false;
    }
    size_t size = (size_t)st.st_size - sizeof(h);
    struct sock_filter *filter = malloc(size ? size : 1);
    if (!filter)
        return false;
    uint8_t sum[RP_SHA256_LEN];
    if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
        pread(fd, filter, size, sizeof(h)) != (ssize_t)size || memcmp(h.magic, MAGIC, 8) != 0 ||
        memcmp(h.key, key, RP_SHA256_LEN) != 0 || h.len != size / sizeof(*filter) || h.len == 0 ||
        (rp_sha256(filter, size, sum), memcmp(sum, h.sum, RP_SHA256_LEN) != 0)) {
        free(filter);
        vlog(c, "a file whose header does not match its name or content: ignored", 0);
        return false;
    }
    *prog = (struct rp_seccomp_prog){.filter = filter, .len = h.len};
    vlog(c, "filter read", 0);
    return true;
}

/* Ours: a filter, or the temporary file of a store that did not finish. */
static bool cache_file(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, ".bpf") == 0) ||
        (n > 4 && name[0] == '.' && strcmp(name + n - 4, ".tmp") == 0);
}

/* Past MAX_FILES entries, removes every file of ours (a store's rare cost). */
static void bound_folder(const struct rp_seccomp_cache *c)
{
    int fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    RP_AUTO_DIR DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += cache_file(e->d_name);
    if (n < MAX_FILES)
        return;
    rewinddir(d);
    for (struct dirent *e; (e = readdir(d));)
        if (cache_file(e->d_name))
            unlinkat(c->dirfd, e->d_name, 0);
}

void rp_seccomp_cache_store(const struct rp_seccomp_cache *c, const uint8_t key[RP_SHA256_LEN],
                            const struct rp_seccomp_prog *prog)
{
    if (c->dirfd < 0 || prog->len == 0)
        return;
    bound_folder(c);
    struct header h = {.magic = MAGIC, .len = (uint32_t)prog->len};
    memcpy(h.key, key, RP_SHA256_LEN);
    size_t size = prog->len * sizeof(*prog->filter);
    rp_sha256(prog->filter, size, h.sum);
    char name[70], tmp[96];
    rp_seccomp_cache_name(key, name);
    snprintf(tmp, sizeof(tmp), ".%ld.tmp", (long)getpid());
    RP_AUTO_FD int fd =
        openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    /* fchmod: the caller's umask may have taken bits of 0600 away. */
    if (fd < 0 || fchmod(fd, 0600) < 0 || write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
        write(fd, prog->filter, size) != (ssize_t)size ||
        renameat(c->dirfd, tmp, c->dirfd, name) < 0) {
        vlog(c, "storing the filter", errno);
        unlinkat(c->dirfd, tmp, 0);
        return;
    }
    vlog(c, "filter stored", 0);
}
