/* SPDX-License-Identifier: Apache-2.0 */
/* Idmapped binds of a root-started node, parent side (idmap.c). */
#ifndef REDPAK_IDMAP_H
#define REDPAK_IDMAP_H

#include <stdint.h>
#include <sys/types.h>

#include "host.h"
#include "redpak/plan.h"

/* Before the clone: a detached copy of each bind source the plan idmaps,
 * taken from the fds step 2 opened (sources), one fd per step of mount
 * (-1: none, a plain bind or a missing source). NULL: out of memory. */
int *rp_idmap_open(const struct rp_mount_plan *mount, const struct rp_host_sources *sources,
                   int verbose);
void rp_idmap_close(int *fds, size_t n);

/* Step 5, once the maps of the node's user namespace (userns, an fd of
 * it) are written: idmaps each detached copy through that namespace; where
 * it cannot, warns and chowns the folders created for it into the range
 * (base: the private range's). */
int rp_idmap_attach(int userns, const struct rp_plan *plan, const int *fds, uint32_t base,
                    int verbose, struct rp_error *err);

#endif
