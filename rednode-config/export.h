/* SPDX-License-Identifier: Apache-2.0 */
/* rednode-config's export subcommand (export.c). */
#ifndef REDNODE_CONFIG_EXPORT_H
#define REDNODE_CONFIG_EXPORT_H

struct rp_node;
struct rp_plan;
struct rp_diags;

/* Parses and plans file for the calling user (main.c): 0, or negative
 * with the problems in diags. */
int rednode_config_load(const char *file, const char *const *sets, size_t n_sets,
                        struct rp_node **node, struct rp_plan **plan, struct rp_diags *diags);

/* argv: the arguments after "export"; returns the exit status. */
int rednode_config_export(int argc, char **argv);

#endif
