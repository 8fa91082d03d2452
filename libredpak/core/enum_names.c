/* SPDX-License-Identifier: Apache-2.0 */
/* One name table per enum of the node model and the plans (enum_names.h). */
#include "enum_names.h"

#include "alloc.h"

#define NAME_OR_UNKNOWN(table, v)                                                                  \
    ((unsigned)(v) < ARRAY_LEN(table) && (table)[v] ? (table)[v] : "?")

const char *rp_ns_name(enum rp_ns_kind kind)
{
    static const char *const names[RP_NS_COUNT] = {
        [RP_NS_USER] = "user", [RP_NS_PID] = "pid",    [RP_NS_NET] = "net",
        [RP_NS_IPC] = "ipc",   [RP_NS_UTS] = "uts",    [RP_NS_CGROUP] = "cgroup",
        [RP_NS_TIME] = "time", [RP_NS_MOUNT] = "mount"};
    return NAME_OR_UNKNOWN(names, kind);
}

const char *rp_cgroup_item_name(enum rp_cgroup_item_kind k)
{
    static const char *const names[RP_CG_ITEM_COUNT] = {
        [RP_CG_CPUSET_CPUS] = "cpuset.cpus",
        [RP_CG_CPUSET_MEMS] = "cpuset.mems",
        [RP_CG_CPUSET_CPUS_PARTITION] = "cpuset.cpus.partition",
        [RP_CG_CPU_WEIGHT] = "cpu.weight",
        [RP_CG_CPU_MAX] = "cpu.max",
        [RP_CG_IO_MAX] = "io.max",
        [RP_CG_IO_WEIGHT] = "io.weight",
        [RP_CG_MEMORY_MIN] = "memory.min",
        [RP_CG_MEMORY_LOW] = "memory.low",
        [RP_CG_MEMORY_HIGH] = "memory.high",
        [RP_CG_MEMORY_MAX] = "memory.max",
        [RP_CG_MEMORY_SWAP_HIGH] = "memory.swap.high",
        [RP_CG_MEMORY_SWAP_MAX] = "memory.swap.max",
        [RP_CG_MEMORY_OOM_GROUP] = "memory.oom.group",
        [RP_CG_PIDS_MAX] = "pids.max"};
    return NAME_OR_UNKNOWN(names, k);
}

const char *const rp_mount_type_names[RP_MOUNT_TYPE_COUNT] = {
    [RP_MOUNT_BIND] = "bind",     [RP_MOUNT_PROC] = "proc",       [RP_MOUNT_DEV] = "dev",
    [RP_MOUNT_MQUEUE] = "mqueue", [RP_MOUNT_SYMLINK] = "symlink", [RP_MOUNT_DIR] = "dir",
    [RP_MOUNT_FILE] = "file",
};

const char *rp_mount_type_name(enum rp_mount_type t)
{
    return NAME_OR_UNKNOWN(rp_mount_type_names, t);
}

const char *const rp_seccomp_action_names[RP_SC_ACTION_COUNT] = {
    [RP_SC_ALLOW] = "allow",
    [RP_SC_ERRNO] = "errno",
    [RP_SC_KILL_THREAD] = "kill_thread",
    [RP_SC_KILL_PROCESS] = "kill_process",
    [RP_SC_TRAP] = "trap",
    [RP_SC_LOG] = "log",
    [RP_SC_REPORT] = "report",
};

const char *rp_seccomp_action_name(enum rp_seccomp_action a)
{
    return NAME_OR_UNKNOWN(rp_seccomp_action_names, a);
}

const char *const rp_seccomp_op_names[RP_SC_OP_COUNT] = {
    [RP_SC_EQ] = "eq",
    [RP_SC_NE] = "ne",
    [RP_SC_LT] = "lt",
    [RP_SC_LE] = "le",
    [RP_SC_GT] = "gt",
    [RP_SC_GE] = "ge",
    [RP_SC_MASKED_EQ] = "masked_eq",
};

const char *rp_seccomp_op_name(enum rp_seccomp_op op)
{
    return NAME_OR_UNKNOWN(rp_seccomp_op_names, op);
}

const char *const rp_wait_mode_names[RP_WAIT_MODE_COUNT] = {
    [RP_WAIT_ALL] = "all",
    [RP_WAIT_MAIN] = "main",
};

const char *rp_wait_mode_name(enum rp_wait_mode w)
{
    return NAME_OR_UNKNOWN(rp_wait_mode_names, w);
}

const char *rp_mount_op_name(enum rp_mount_op op)
{
    static const char *const names[RP_MOUNT_OP_COUNT] = {
        [RP_MOP_ROOT_TMPFS] = "root-tmpfs",
        [RP_MOP_ROOT_BIND] = "root-bind",
        [RP_MOP_BIND] = "bind",
        [RP_MOP_PROC] = "proc",
        [RP_MOP_DEV] = "dev",
        [RP_MOP_MQUEUE] = "mqueue",
        [RP_MOP_SYMLINK] = "symlink",
        [RP_MOP_DIR] = "dir",
        [RP_MOP_FILE] = "file",
        [RP_MOP_TMPFS] = "tmpfs",
        [RP_MOP_PIVOT_ROOT] = "pivot_root",
        [RP_MOP_REMOUNT_RO] = "remount-ro",
    };
    return NAME_OR_UNKNOWN(names, op);
}

const char *rp_host_op_name(enum rp_host_op op)
{
    static const char *const names[RP_HOST_OP_COUNT] = {
        [RP_HOST_SYSCTL] = "sysctl",
        [RP_HOST_MKDIR] = "mkdir",
    };
    return NAME_OR_UNKNOWN(names, op);
}

/* Indexed by the bit's position. */
#define BIT(c) __builtin_ctz(c)
static const char *const controller_names[RP_CTRL_COUNT] = {
    [BIT(RP_CTRL_CPUSET)] = "cpuset", [BIT(RP_CTRL_CPU)] = "cpu",   [BIT(RP_CTRL_IO)] = "io",
    [BIT(RP_CTRL_MEMORY)] = "memory", [BIT(RP_CTRL_PIDS)] = "pids",
};
#undef BIT

const char *rp_cgroup_controller_name(unsigned bit)
{
    for (unsigned i = 0; i < RP_CTRL_COUNT; i++)
        if (bit == 1u << i)
            return controller_names[i];
    return NULL;
}
