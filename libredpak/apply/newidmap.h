/* SPDX-License-Identifier: Apache-2.0 */
/* Step 5, parent side: a rootless node's maps with subordinate ids,
 * written by shadow's set-uid newuidmap or newgidmap (newidmap.c). */
#ifndef REDPAK_NEWIDMAP_H
#define REDPAK_NEWIDMAP_H

#include <stddef.h>
#include <sys/types.h>

#include "redpak/plan.h"

/* Runs tool (an absolute path, from the plan) as "tool PID inside outside
 * count ..." for the n ranges of m; file ("uid_map", "gid_map") names the
 * map in messages. 0, or err filled with the command and what the tool
 * printed on stderr. */
int rp_newidmap_run(const char *tool, const char *file, pid_t pid, const struct rp_id_map *m,
                    size_t n, struct rp_error *err);

#endif
