/* SPDX-License-Identifier: Apache-2.0 */
/* Plans: the node model turned into small explicit steps, grouped by the
 * part of the system they touch and applied by the executor in one fixed
 * order (docs/apply-order.md). Building a plan is pure: it reads the node
 * and, for user names, io.max device paths and a rootless caller's
 * subordinate ids, the host's files; it changes nothing. */
#ifndef REDPAK_PLAN_H
#define REDPAK_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "redpak/error.h"
#include "redpak/export.h"
#include "redpak/node.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 2. host plan: changes outside the node, before it exists. */
enum rp_host_op {
    RP_HOST_SYSCTL, /* write value to path (/proc/sys/...) */
    RP_HOST_MKDIR,  /* create a bind source marked create: true */
};

struct rp_host_step {
    enum rp_host_op op;
    char *path;
    char *value; /* sysctl */
    mode_t mode; /* mkdir: 0700 unless the bind says mode */
    bool has_owner;
    uid_t uid; /* the host's ids */
    gid_t gid;
    /* Rootless with subordinate ids: the caller cannot chown to uid:gid on
     * the host, uid 0 of the node's user namespace can; the first process
     * sets node_uid:node_gid (the same owner, as seen inside) on the
     * folder step 2 made, through the source's fd (mount.c). */
    bool owner_in_node;
    uid_t node_uid;
    gid_t node_gid;
    struct rp_pos pos;
};

/* 3. cgroup plan. */
enum rp_cgroup_controller {
    RP_CTRL_CPUSET = 1 << 0,
    RP_CTRL_CPU = 1 << 1,
    RP_CTRL_IO = 1 << 2,
    RP_CTRL_MEMORY = 1 << 3,
    RP_CTRL_PIDS = 1 << 4,
};

struct rp_cgroup_write {
    enum rp_cgroup_item_kind kind;
    char *file;          /* "memory.max" */
    char *value;         /* the kernel's syntax; io.max with MAJ:MIN */
    unsigned controller; /* one RP_CTRL_* bit */
    struct rp_pos pos;
};

struct rp_cgroup_plan {
    /* NULL: under the cgroup redwrap runs in (a delegated subtree). */
    char *parent;
    /* true: a missing controller or an unwritable item is an error (125);
     * false: a warning. Without a cgroup section the node still gets a
     * cgroup where one can be made, and required is false. */
    bool required;
    bool section_present;
    char *name;           /* node name; the executor appends a unique suffix */
    unsigned controllers; /* RP_CTRL_* bits the writes need */
    struct rp_cgroup_write *writes;
    size_t n_writes;
};

/* 4-6. namespace plan. */
struct rp_ns_plan {
    struct rp_ns_setting ns[RP_NS_COUNT]; /* mode and join path per namespace */
    int clone_flags;                      /* CLONE_NEW* for every namespace marked new */
    struct rp_id_map *uid_map, *gid_map;
    size_t n_uid_map, n_gid_map;
    bool deny_setgroups; /* unprivileged maps need setgroups denied first */
    /* Rootless maps with the caller's subordinate ids (/etc/subuid,
     * /etc/subgid): shadow's set-uid newuidmap and newgidmap write them, at
     * these absolute paths. NULL: redwrap writes that map itself. */
    char *newuidmap, *newgidmap;
    /* Why a rootless node without maps of its own got the maps it has
     * (subordinate ids, or one id and how to get more); NULL otherwise. */
    char *uid_maps_why, *gid_maps_why;
    /* A root-started node without maps of its own: its maps read
     * {0, 0, 65536}, and the executor picks a private range of 65536 host
     * ids at step 5 (idpool.c) and writes it as the outside. */
    bool private_uid_range, private_gid_range;
    /* user_namespace: identity: uid 0 inside is host root (a warning at
     * every start). */
    bool identity;
    /* A root-started node whose first process comes in with host ids the
     * maps may leave out: it becomes uid and gid 0 of its namespace, with
     * no supplementary group, once the maps are written (step 5). */
    bool become_root;
    /* Binds are idmapped mounts through the node's user namespace: a
     * root-started node whose maps are not the identity. */
    bool idmap_binds;
    char *hostname, *domainname;
    bool set_time_offsets;
    int64_t time_monotonic, time_boottime;
    struct rp_kv *sysctl; /* key: /proc/sys/... path; value */
    size_t n_sysctl;
    bool loopback_up; /* a new net namespace: bring lo up */
};

/* 7. mount and tmpfs plans: one op list, bubblewrap style. */
enum rp_mount_op {
    RP_MOP_ROOT_TMPFS, /* a fresh tmpfs as the new root: size, mode */
    RP_MOP_ROOT_BIND,  /* the image at source: an overlay with a volatile upper layer */
    RP_MOP_BIND,       /* source -> path; readonly, optional */
    RP_MOP_PROC,
    RP_MOP_DEV, /* a minimal /dev on a tmpfs, devpts, shm */
    RP_MOP_MQUEUE,
    RP_MOP_SYMLINK,    /* path -> target */
    RP_MOP_DIR,        /* mode, owner */
    RP_MOP_FILE,       /* content, mode, owner */
    RP_MOP_TMPFS,      /* size, mode, owner (the tmpfs plan) */
    RP_MOP_PIVOT_ROOT, /* switch to the new root, detach the old one */
    RP_MOP_REMOUNT_RO, /* path, recursively: read-only reaches submounts */
};

struct rp_mount_step {
    enum rp_mount_op op;
    char *path;    /* inside the node */
    char *source;  /* bind: on the host */
    char *target;  /* symlink */
    char *content; /* file */
    size_t content_len;
    uint64_t size; /* tmpfs: bytes, 0 = kernel default; dev: its shm's bytes */
    mode_t mode;
    bool has_owner;
    uid_t uid; /* ids as seen inside the node */
    gid_t gid;
    unsigned long flags; /* MS_NOSUID | MS_NODEV | MS_NOEXEC ... */
    bool readonly;
    bool optional;
    /* bind: an idmapped mount through the node's user namespace, so that a
     * file owned by host id N shows as id N inside (apply/idmap.c). */
    bool idmap;
    /* root-bind: source is a squashfs or erofs file, mounted through a
     * loop device by the parent (apply/loop_image.c) */
    bool loop_image;
    /* root-bind of root.image: oci:LAYOUT:TAG: source is the cache folder
     * of the manifest's digest, unpacked from the layout at step 2 when
     * missing (apply/oci_unpack.c) */
    char *oci_layout, *oci_tag;
    struct rp_pos pos;
};

struct rp_mount_plan {
    struct rp_mount_step *steps;
    size_t n;
};

/* 8-9, 11. process plan: the workload's environment and identity. */
struct rp_process_plan {
    char **argv;           /* NULL-terminated; NULL when the node names none */
    struct rp_kv *env_set; /* in the order written */
    size_t n_env_set;
    char **env_pass; /* names copied from redwrap's environment if set */
    size_t n_env_pass;
    bool env_clear;
    char *cwd;
    mode_t umask;
    struct rp_rlimit *rlimits;
    size_t n_rlimits;
    uid_t uid; /* inside the node */
    gid_t gid;
    gid_t *groups;
    size_t n_groups;
    bool no_new_privileges;
    bool init;
    enum rp_wait_mode wait;
    bool die_with_parent;
};

/* 10. capability plan: masks of capability numbers for each set. */
struct rp_caps_plan {
    /* false: no capabilities section; the sets are what execve gives the
     * workload's uid (root inside keeps the namespace's full set). */
    bool set;
    uint64_t bounding, permitted, effective, inheritable, ambient;
    bool in_user_ns; /* the sets are the new user namespace's */
};

/* 12. seccomp plan: the base profile merged with the node's rules. */
struct rp_seccomp_plan {
    bool enabled;
    enum rp_seccomp_action default_action;
    int default_errno;
    struct rp_seccomp_rule *rules; /* base first, then the node's; owned */
    size_t n_rules;
    /* The terminal rules: ioctl's TIOCSTI and TIOCLINUX answer EPERM.
     * Loaded as a filter of their own (default allow) before the node's
     * filter or the learn filter, whenever one is loaded: the kernel runs
     * every filter and keeps the strictest answer, so no rule of the node
     * (an ioctl allowed outright, base: none) can undo them. Always
     * planned; owned. */
    struct rp_seccomp_rule *terminal;
    size_t n_terminal;
    /* No filter (no seccomp section): the node's first process starts a
     * new session instead (setsid), which leaves it without a controlling
     * terminal, so TIOCSTI on the caller's terminal fails (EPERM). */
    bool new_session;
};

/* 5. network plan: what the parent connects the node's network namespace
 * with, once the first process exists and before it is released. */
struct rp_net_plan {
    enum rp_net_mode mode;     /* RP_NET_NONE: nothing to do */
    struct rp_net_port *ports; /* pasta: published on the host */
    size_t n_ports;
    char *address;      /* veth: the node's end, ADDR/PREFIX */
    char *host_address; /* veth: the host's end, or NULL with a bridge */
    char *gateway;      /* veth: the node's default route, or NULL */
    char *bridge;       /* veth: an existing bridge, or NULL */
    char *interface;    /* the node's interface name */
    uint32_t mtu;       /* 0: the default */
    struct rp_pos address_pos, host_address_pos, bridge_pos; /* step 1's checks */
    /* pasta: a rootless caller reaches the node's network namespace only
     * from inside the node's user namespace; host root does from its own. */
    bool join_userns;
};

struct rp_plan {
    const struct rp_node *node; /* borrowed: free the plan first */
    struct rp_host_step *host;
    size_t n_host;
    struct rp_cgroup_plan cgroup;
    struct rp_ns_plan ns;
    struct rp_mount_plan mount;  /* root, binds, proc, dev, ..., files */
    struct rp_mount_plan tmpfs;  /* the volatile areas */
    struct rp_mount_plan finish; /* pivot_root, then the read-only remounts */
    struct rp_process_plan process;
    struct rp_caps_plan caps;
    struct rp_seccomp_plan seccomp;
    /* The node's packages section (docs/packages.md), borrowed from the
     * node; NULL without one. redwrap holds its lock shared while the node
     * runs, the DNF plugin exclusively during a transaction. */
    const struct rp_packages *packages;
    struct rp_net_plan net;
};

struct rp_plan_opts {
    uid_t caller_uid; /* who runs redwrap: decides the default id maps */
    gid_t caller_gid;
    /* Where /etc/passwd and /etc/group are read for names; NULL: "/" (or
     * root.source when the node has one). Tests point it at a fixture. */
    const char *passwd_root;
    /* Where etc/subuid and etc/subgid are read for a rootless caller's
     * subordinate ids; NULL: "/". */
    const char *subid_root;
    /* The one folder where newuidmap and newgidmap are looked for; NULL:
     * /usr/bin, then each folder of PATH. */
    const char *idmap_tools;
    /* The caller's user name, the owner /etc/subuid names; NULL: looked up
     * from caller_uid (getpwuid_r). */
    const char *caller_name;
};

RP_PUBLIC int rp_plan_build(const struct rp_node *node, const struct rp_plan_opts *opts,
                            struct rp_plan **out, struct rp_diags *diags);
RP_PUBLIC void rp_plan_free(struct rp_plan *plan);

enum rp_plan_format { RP_PLAN_TEXT, RP_PLAN_JSON };
/* Prints the numbered steps in the order redwrap applies them. */
RP_PUBLIC int rp_plan_print(const struct rp_plan *plan, enum rp_plan_format format, FILE *out);
/* The same, each step that comes from a value of the node file saying the
 * file:line:column that wrote it (in a family, the file of the family that
 * wrote it): "  # FILE:LINE:COLUMN" after the text line, an "origin" field
 * in JSON. */
RP_PUBLIC int rp_plan_print_origins(const struct rp_plan *plan, enum rp_plan_format format,
                                    FILE *out);

#ifdef __cplusplus
}
#endif
#endif
