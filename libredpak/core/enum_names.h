/* SPDX-License-Identifier: Apache-2.0 */
/* The names of the node model's and the plans' enums, one table per enum,
 * for every stage: the parser matches a node file's words against them,
 * the plan printer shows them (text and JSON), the executor's -v log and
 * messages name steps with them. rp_ns_name, rp_cgroup_item_name and
 * rp_seccomp_action_name, declared with the model in redpak/node.h, are
 * defined here too. */
#ifndef REDPAK_ENUM_NAMES_H
#define REDPAK_ENUM_NAMES_H

#include "redpak/node.h"
#include "redpak/plan.h"

/* How many values the enums without a _COUNT member have: the last + 1. */
#define RP_MOUNT_TYPE_COUNT (RP_MOUNT_FILE + 1)
#define RP_SC_ACTION_COUNT (RP_SC_REPORT + 1)
#define RP_SC_OP_COUNT (RP_SC_MASKED_EQ + 1)
#define RP_WAIT_MODE_COUNT (RP_WAIT_MAIN + 1)
#define RP_MOUNT_OP_COUNT (RP_MOP_REMOUNT_RO + 1)
#define RP_HOST_OP_COUNT (RP_HOST_MKDIR + 1)
#define RP_CTRL_COUNT 5 /* RP_CTRL_CPUSET (bit 0) to RP_CTRL_PIDS (bit 4) */

/* The words of the node format, indexed by the enum (for pc_enum). */
extern const char *const rp_mount_type_names[RP_MOUNT_TYPE_COUNT];    /* "bind", ... */
extern const char *const rp_seccomp_action_names[RP_SC_ACTION_COUNT]; /* "kill_process" */
extern const char *const rp_seccomp_op_names[RP_SC_OP_COUNT];         /* "masked_eq" */
extern const char *const rp_wait_mode_names[RP_WAIT_MODE_COUNT];      /* "all", "main" */

/* The same one at a time; "?" for a value outside the enum. */
const char *rp_mount_type_name(enum rp_mount_type t);
const char *rp_seccomp_op_name(enum rp_seccomp_op op);
const char *rp_wait_mode_name(enum rp_wait_mode w);
/* A mount step's op: "bind", "pivot_root", "remount-ro", ...; "?" outside
 * the enum. */
const char *rp_mount_op_name(enum rp_mount_op op);
/* A host step's op: "sysctl", "mkdir"; "?" outside the enum. */
const char *rp_host_op_name(enum rp_host_op op);
/* "memory" for RP_CTRL_MEMORY, as in cgroup.controllers; NULL for anything
 * but one RP_CTRL_* bit. */
const char *rp_cgroup_controller_name(unsigned bit);

#endif
