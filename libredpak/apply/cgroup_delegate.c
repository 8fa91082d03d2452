/* SPDX-License-Identifier: Apache-2.0 */
/* The node's cgroup, delegated to its root when that root is an
 * unprivileged host id (a private id range, idpool.c).
 *
 * Writes to cgroupfs are checked against the files' owners, like any
 * file's: a cgroup owned by host root is read-only to a node whose uid 0
 * is host uid 524288+, which could then neither make sub-cgroups nor move
 * its processes between them. The kernel's delegation model
 * (Documentation/admin-guide/cgroup-v2.rst, "Delegation") gives a
 * delegatee the directory and its cgroup.procs, cgroup.threads and
 * cgroup.subtree_control files, and nothing else: the limits redwrap
 * wrote stay root's, and a sub-cgroup's own cgroup.max.depth or
 * memory.max cannot loosen them (the kernel applies each ancestor's). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "step_message.h"

int rp_cgroup_delegate(struct rp_cgroup_run *cg, uid_t uid, gid_t gid, int verbose,
                       struct rp_error *err)
{
    static const char *const files[] = {"", "cgroup.procs", "cgroup.threads",
                                        "cgroup.subtree_control"};
    if (cg->dirfd < 0 || !cg->created)
        return 0;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        int flags = files[i][0] ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH;
        if (fchownat(cg->dirfd, files[i], uid, gid, flags) < 0 && errno != ENOENT)
            return rp_step_error(err, RP_STEP_ID_MAPS, errno, "delegate the node's cgroup %s%s%s",
                                 cg->path, files[i][0] ? "/" : "", files[i]);
    }
    rp_step_vlog(verbose, RP_STEP_ID_MAPS, "the node's cgroup %s delegated to host %u:%u", cg->path,
                 (unsigned)uid, (unsigned)gid);
    return 0;
}
