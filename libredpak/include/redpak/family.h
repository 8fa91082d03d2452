/* SPDX-License-Identifier: Apache-2.0 */
/* Node families (docs/node-format.md, "Families"): what a parsed node
 * keeps of the chain of files it was merged from, where each value came
 * from, and the node path that parents and `rednode-config list` use. */
#ifndef REDPAK_FAMILY_PUBLIC_H
#define REDPAK_FAMILY_PUBLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "redpak/export.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rp_node;

/* The files the node was merged from, root first (the admin policy, when
 * one applied, is [0] and *has_policy is set); the node's own file last.
 * A node without a family gives its own file alone. */
RP_PUBLIC size_t rp_node_family_files(const struct rp_node *node, const char *const **files,
                                      bool *has_policy);
/* Every value of the merged node file with the file:line:column that wrote
 * it, as "key = value  # file:line:col" lines, or a JSON array. */
RP_PUBLIC int rp_node_print_origins(const struct rp_node *node, bool json, FILE *out);
/* The i-th folder of the node path (REDPAK_NODE_PATH, or
 * /etc/redpak/nodes:/usr/share/redpak/nodes): malloc'd, NULL past the end. */
RP_PUBLIC char *rp_node_path_dir(size_t i);
/* A node found by name in the node path: DIR/NAME/node.yaml or
 * DIR/NAME.yaml, the first that exists; malloc'd, or NULL. */
RP_PUBLIC char *rp_node_find(const char *name);

#ifdef __cplusplus
}
#endif
#endif
