/* SPDX-License-Identifier: Apache-2.0 */
/* The lock of a node that owns its packages (docs/packages.md, "The lock"):
 * a DNF transaction holds it exclusively, every redwrap start of the node
 * holds it shared, so a transaction never changes a root a running node
 * sees, and no node starts on a root being changed. */
#ifndef REDPAK_NODE_LOCK_H
#define REDPAK_NODE_LOCK_H

#include <stdbool.h>

/* The lock file of the root folder DIR/NAME: DIR/.NAME.lock, in the node's
 * own folder, next to what it guards. malloc'd; NULL when out of memory or
 * when root_source has no parent folder ("/"). */
char *rp_node_lock_path(const char *root_source);

/* Takes the lock without waiting: flock(2), shared or exclusive, on the
 * lock file (created 0600 if needed). Returns the descriptor (close it to
 * release; a process that dies releases it), -EWOULDBLOCK when another
 * holder excludes this one, or -errno. */
int rp_node_lock_take(const char *root_source, bool exclusive);

#endif
