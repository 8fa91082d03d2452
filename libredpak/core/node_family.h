/* SPDX-License-Identifier: Apache-2.0 */
/* What a node keeps of its family (struct rp_node.family): the files it
 * was merged from and where each value came from. The parser fills it
 * (parse/family.c); it is freed with the node, and read by the public
 * calls of redpak/family.h. Every rp_pos of the node whose file is an
 * ancestor's borrows its string from files[]. */
#ifndef REDPAK_NODE_FAMILY_H
#define REDPAK_NODE_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

#include "redpak/error.h"
#include "redpak/family.h"

/* One value of the merged node file and who wrote it, for --origin. */
struct rp_origin {
    char *key;   /* "mounts[3].source" */
    char *value; /* the scalar as written; "[]" / "{}" for an empty collection */
    struct rp_pos pos;
};

struct rp_family {
    char **files; /* the chain from the root down: [policy], ancestors, the node */
    char **dirs;  /* each one's folder: ${NODE_DIR} of the values it wrote */
    size_t n;
    bool has_policy; /* files[0] is the admin policy */
    struct rp_origin *origins;
    size_t n_origins;
};

void rp_family_free(struct rp_family *fam);

#endif
