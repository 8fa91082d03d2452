/* SPDX-License-Identifier: Apache-2.0 */
/* The node lock (node_lock.h). flock(2) and not a lock on a pid file: the
 * kernel drops it when the last descriptor of its open file goes, so a
 * holder killed with SIGKILL leaves nothing to clean and no stale lock, and
 * DNF's plugin (Python's fcntl.flock) takes the very same lock. */
#include "node_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

char *rp_node_lock_path(const char *root_source)
{
    const char *slash = strrchr(root_source, '/');
    if (!slash || !slash[1])
        return NULL;
    char *path = NULL;
    int dirlen = (int)(slash - root_source);
    if (asprintf(&path, "%.*s/.%s.lock", dirlen, root_source, slash + 1) < 0)
        return NULL;
    return path;
}

int rp_node_lock_take(const char *root_source, bool exclusive)
{
    char *path = rp_node_lock_path(root_source);
    if (!path)
        return -EINVAL;
    /* O_NOFOLLOW: the node's folder may belong to someone else than root;
     * a symlink planted there must not make root create or lock a file
     * elsewhere. */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    free(path);
    if (fd < 0)
        return -errno;
    while (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
        int e = errno;
        if (e == EINTR)
            continue;
        close(fd);
        return -e;
    }
    return fd;
}
