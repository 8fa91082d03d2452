/* SPDX-License-Identifier: Apache-2.0 */
/* The parts of the OCI bundle writer (rp_oci_export, redpak/oci.h): the
 * context they share, config.json's linux section, rootfs/. */
#ifndef RP_EXPORT_OCI_H
#define RP_EXPORT_OCI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "json_write.h"
#include "redpak/oci.h"
#include "redpak/plan.h"

struct oci_ctx {
    const struct rp_plan *plan;
    const struct rp_oci_opts *opts;
    FILE *notes;
    struct rp_error *err;
    int dir_fd;      /* the bundle */
    const char *dir; /* its path, for cp */
    /* The maps the bundle gives: the plan's, with a private range fixed
     * at opts->id_base. Empty without a new user namespace. */
    struct rp_id_map *uid_map, *gid_map;
    size_t n_uid_map, n_gid_map;
    bool userns;
    bool rootfs_ours;  /* rootfs/ is a folder of the bundle (a tmpfs root or a copy) */
    bool rootfs_bound; /* rootfs/ is a bind mount of root.source */
};

/* One line on the notes stream: what the bundle cannot say, and why. */
void oci_note(struct oci_ctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A failure without a system error behind it: err holds the message
 * alone, the return value is -code. */
int oci_error(struct rp_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The host id an id inside the node has through map (the identity
 * without a user namespace); (uint32_t)-1 when unmapped. */
uint32_t oci_host_id(const struct rp_id_map *map, size_t n, bool userns, uint32_t inside);

/* An array of {containerID, hostID, size}: linux.uidMappings, a mount's. */
void oci_write_id_mappings(struct rp_json *j, const char *key, const struct rp_id_map *v, size_t n);

/* config.json's "linux" object. Returns 0 or a negative code with
 * c->err filled. */
int oci_write_linux(struct oci_ctx *c, struct rp_json *j);

/* rootfs/ and the host folders the plan creates; then the symlink, dir
 * and file steps written into rootfs/ where it is the bundle's own. */
int oci_make_rootfs(struct oci_ctx *c);
/* Whether step i of the mount plan is written into rootfs/ rather than
 * being a mount of config.json. */
bool oci_step_in_rootfs(const struct oci_ctx *c, size_t i);
/* Undoes oci_make_rootfs's bind mount, if any. */
void oci_release_rootfs(struct oci_ctx *c);

#endif
