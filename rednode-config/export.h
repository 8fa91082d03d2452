/* SPDX-License-Identifier: Apache-2.0 */
/* rednode-config's export subcommand (export.c). */
#ifndef REDNODE_CONFIG_EXPORT_H
#define REDNODE_CONFIG_EXPORT_H

/* argv: the arguments after "export"; returns the exit status. */
int rednode_config_export(int argc, char **argv);

#endif
