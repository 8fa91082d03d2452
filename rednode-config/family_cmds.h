/* SPDX-License-Identifier: Apache-2.0 */
/* rednode-config's family commands (family_cmds.c). policy: the --policy
 * FILE root gave, or NULL for the default. Each returns the exit status. */
#ifndef REDNODE_CONFIG_FAMILY_CMDS_H
#define REDNODE_CONFIG_FAMILY_CMDS_H

int cmd_tree(int argc, char **argv, const char *policy);
int cmd_create(int argc, char **argv, const char *policy);
int cmd_list(int argc, char **argv, const char *policy);

#endif
