/* SPDX-License-Identifier: Apache-2.0 */
/* A node as an OCI runtime bundle (runtime-spec 1.1): config.json and
 * rootfs/, so that crun, runc and what drives them (podman, containerd,
 * CRI-O) run the node with the isolation redwrap gives it. What the spec
 * has no field for is never dropped silently: each such item is one line
 * on opts->notes (docs/oci.md has the table). */
#ifndef REDPAK_OCI_H
#define REDPAK_OCI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "redpak/error.h"
#include "redpak/export.h"
#include "redpak/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rp_oci_opts {
    /* root.source: rootfs/ is a bind mount of the image on the host, which
     * the caller unmounts before removing the bundle (false: a copy, its
     * owners moved through the node's maps). */
    bool bind_root;
    /* A root-started node's private id range is picked at every start;
     * a bundle needs fixed maps: the range starts here (0: 524288). */
    uint32_t id_base;
    /* false: binds that redwrap idmaps are plain binds (for runtimes
     * without idmapped mounts, runc 1.1); the host folders the plan
     * creates are then owned by the ids the node's maps give. */
    bool idmapped_mounts;
    /* The command when the node names none (NULL-terminated), or NULL. */
    char *const *argv;
    /* Where the lines about what the bundle cannot say go; NULL: stderr. */
    FILE *notes;
};

/* Writes the bundle into dir, which must not exist or be empty (created
 * with mode 0700 when missing). Returns 0, or a negative code with err
 * filled; on failure what was written is removed. */
RP_PUBLIC int rp_oci_export(const struct rp_plan *plan, const char *dir,
                            const struct rp_oci_opts *opts, struct rp_error *err);

#ifdef __cplusplus
}
#endif
#endif
