/* SPDX-License-Identifier: Apache-2.0 */
/* The node model: a typed, validated image of one node file (version 1).
 * The parser fills it; the planner reads it. Every value keeps the position
 * it was written at, so that a plan-time problem (an unmapped uid, an
 * unknown user name) still points at the line to fix. */
#ifndef REDPAK_NODE_H
#define REDPAK_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "redpak/error.h"
#include "redpak/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Namespaces in the order the kernel documents them; RP_NS_COUNT last. */
enum rp_ns_kind {
    RP_NS_USER,
    RP_NS_PID,
    RP_NS_NET,
    RP_NS_IPC,
    RP_NS_UTS,
    RP_NS_CGROUP,
    RP_NS_TIME,
    RP_NS_MOUNT,
    RP_NS_COUNT
};

enum rp_ns_mode { RP_NS_NEW, RP_NS_HOST, RP_NS_JOIN };

struct rp_ns_setting {
    enum rp_ns_mode mode; /* default RP_NS_NEW */
    char *path;           /* RP_NS_JOIN: the nsfs file, e.g. /proc/123/ns/net */
    struct rp_pos pos;
};

struct rp_string_list {
    char **v;
    struct rp_pos *pos; /* one per element */
    size_t n;
};

struct rp_kv {
    char *key;
    char *value;
    struct rp_pos pos;
};

struct rp_kv_list {
    struct rp_kv *v;
    size_t n;
};

struct rp_id_map {
    uint32_t inside, outside, count;
    struct rp_pos pos;
};

struct rp_id_map_list {
    struct rp_id_map *v;
    size_t n;
    bool set; /* written in the file; otherwise the planner's default */
};

/* A user or group reference: a number, or a name resolved at plan time in
 * the host's (or the image's) /etc/passwd and /etc/group. */
struct rp_id_ref {
    bool set;
    bool is_name;
    uint32_t id;
    char *name;
    struct rp_pos pos;
};

/* "UID:GID", each a number or a name. */
struct rp_owner {
    bool set;
    struct rp_id_ref user;
    struct rp_id_ref group;
    struct rp_pos pos;
};

struct rp_root {
    uint64_t size; /* bytes; default 8 MiB */
    mode_t mode;   /* default 0755 */
    bool readonly; /* default true */
    char *source;  /* NULL: a fresh tmpfs */
    struct rp_pos pos, size_pos, source_pos;
    /* root.image: a squashfs or erofs file, mounted through a loop device;
     * with image_tag (oci:PATH[:TAG], TAG default "latest"), an OCI image
     * layout's folder. NULL: no image. */
    char *image;
    char *image_tag;
    struct rp_pos image_pos;
};

enum rp_mount_type {
    RP_MOUNT_BIND,
    RP_MOUNT_PROC,
    RP_MOUNT_DEV,
    RP_MOUNT_MQUEUE,
    RP_MOUNT_SYMLINK,
    RP_MOUNT_DIR,
    RP_MOUNT_FILE
};

struct rp_mount {
    enum rp_mount_type type;
    char *path;    /* absolute, normalised, inside the node */
    char *source;  /* bind: host path, variables expanded */
    char *target;  /* symlink: the link's content */
    char *content; /* file */
    size_t content_len;
    bool readonly; /* bind: default true; file: default false */
    bool optional; /* bind: a missing source is skipped */
    bool create;   /* bind: create the source directory on the host */
    mode_t mode;   /* dir, file: default 0755 / 0644 */
    bool mode_set;
    uint64_t shm_size;     /* dev: bytes of its /dev/shm, default 64M, never 0 */
    struct rp_owner owner; /* dir, file; bind with create: the new source */
    struct rp_pos pos;     /* the mapping itself */
    struct rp_pos source_pos;
};

struct rp_tmpfs {
    char *path;
    uint64_t size; /* bytes; 0: the kernel's default (half of RAM) */
    mode_t mode;   /* default 1777 */
    struct rp_owner owner;
    struct rp_pos pos;
};

/* The fifteen cgroup v2 items of node-format.md. */
enum rp_cgroup_item_kind {
    RP_CG_CPUSET_CPUS,
    RP_CG_CPUSET_MEMS,
    RP_CG_CPUSET_CPUS_PARTITION,
    RP_CG_CPU_WEIGHT,
    RP_CG_CPU_MAX,
    RP_CG_IO_MAX,
    RP_CG_IO_WEIGHT,
    RP_CG_MEMORY_MIN,
    RP_CG_MEMORY_LOW,
    RP_CG_MEMORY_HIGH,
    RP_CG_MEMORY_MAX,
    RP_CG_MEMORY_SWAP_HIGH,
    RP_CG_MEMORY_SWAP_MAX,
    RP_CG_MEMORY_OOM_GROUP,
    RP_CG_PIDS_MAX,
    RP_CG_ITEM_COUNT
};

struct rp_cgroup_item {
    enum rp_cgroup_item_kind kind;
    /* The value in the kernel's own syntax, normalised by the item's grammar
     * ("16M" -> "16777216"). io.max keeps the device as written (a path is
     * resolved to MAJ:MIN at plan time, where the host is read). An io.max
     * written as a list gives one item per device, in the order written. */
    char *value;
    struct rp_pos pos;
};

struct rp_cgroup {
    bool present;                 /* a cgroup section was written */
    char *parent;                 /* NULL: the cgroup redwrap runs in */
    bool required;                /* default true */
    struct rp_cgroup_item *items; /* in the order written */
    size_t n_items;
    struct rp_pos pos, parent_pos;
};

enum rp_caps_mode { RP_CAPS_UNSET, RP_CAPS_KEEP, RP_CAPS_DROP };

struct rp_capabilities {
    enum rp_caps_mode mode;
    uint64_t list; /* bit N = capability N, for keep or drop */
    uint64_t ambient;
    bool ambient_set;
    struct rp_pos pos, list_pos, ambient_pos;
};

enum rp_seccomp_action {
    RP_SC_ALLOW,
    RP_SC_ERRNO,
    RP_SC_KILL_THREAD,
    RP_SC_KILL_PROCESS,
    RP_SC_TRAP,
    RP_SC_LOG,
    /* default_action only: default_errno, and redwrap's supervisor logs
     * the syscall's name (SECCOMP_RET_USER_NOTIF, seccomp_learn.c) */
    RP_SC_REPORT
};

enum rp_seccomp_op { RP_SC_EQ, RP_SC_NE, RP_SC_LT, RP_SC_LE, RP_SC_GT, RP_SC_GE, RP_SC_MASKED_EQ };

struct rp_seccomp_arg {
    unsigned index; /* 0-5 */
    enum rp_seccomp_op op;
    uint64_t value;
    uint64_t mask; /* masked_eq: (arg & mask) == value */
};

struct rp_seccomp_rule {
    struct rp_string_list names; /* checked against libseccomp's table */
    enum rp_seccomp_action action;
    int errnum; /* errno action: default the section's default_errno */
    struct rp_seccomp_arg args[6];
    size_t n_args;
    struct rp_pos pos;
};

enum rp_seccomp_base { RP_SC_BASE_DEFAULT, RP_SC_BASE_NONE };

struct rp_seccomp {
    bool present;
    enum rp_seccomp_action default_action; /* default errno */
    int default_errno;                     /* default EPERM */
    enum rp_seccomp_base base;             /* default "default" */
    struct rp_seccomp_rule *rules;
    size_t n_rules;
    struct rp_pos pos;
};

struct rp_rlimit {
    int resource;        /* RLIMIT_* */
    uint64_t soft, hard; /* RLIM_INFINITY for "unlimited" */
    struct rp_pos pos;
};

enum rp_wait_mode { RP_WAIT_ALL, RP_WAIT_MAIN };

struct rp_process {
    struct rp_string_list command; /* may be empty: the CLI gives one */
    struct rp_id_ref user;
    struct rp_id_ref group;
    struct rp_id_ref *groups;
    size_t n_groups;
    bool groups_set;
    char *cwd;                           /* default "/" */
    mode_t umask;                        /* default 0022 */
    bool no_new_privileges;              /* default true */
    struct rp_pos no_new_privileges_pos; /* where it is set to false, for the plan */
    bool env_clear;                      /* default true */
    struct rp_kv_list env_set;
    struct rp_string_list env_pass;
    struct rp_rlimit *rlimits;
    size_t n_rlimits;
    bool init;              /* default true */
    enum rp_wait_mode wait; /* default all */
    bool die_with_parent;   /* default true */
    struct rp_pos pos, cwd_pos;
    struct rp_pos umask_pos; /* line 0: not written (families compare a written umask) */
};

/* packages: a node that owns what is installed in its root.source, managed
 * by the DNF plugin (docs/packages.md). The node's repositories are its
 * own: the host's are used only with host_repos. */
struct rp_package_repo {
    char *name;    /* the repository id */
    char *baseurl; /* file://, http:// or https:// */
    bool gpgcheck; /* default true */
    char *gpgkey;  /* required when gpgcheck is true */
    struct rp_pos pos;
};

struct rp_packages {
    bool present;
    struct rp_package_repo *repos;
    size_t n_repos;
    struct rp_string_list install; /* what `dnf node NODE sync` installs */
    bool host_repos;               /* default false */
    char *releasever;              /* NULL: none given to DNF */
    struct rp_pos pos;
};

/* network: a node's own network namespace connected to the host. */
enum rp_net_mode {
    RP_NET_NONE,  /* lo only (the default) */
    RP_NET_PASTA, /* user-mode networking by pasta, root and rootless */
    RP_NET_VETH,  /* a veth pair, its host end addressed or on a bridge (root) */
};

enum rp_net_proto { RP_NET_TCP, RP_NET_UDP };

struct rp_net_port {
    char *host_addr;    /* numeric IPv4 or IPv6; "127.0.0.1" unless written */
    uint16_t host_port; /* 1-65535 */
    uint16_t node_port;
    enum rp_net_proto proto;
    struct rp_pos pos;
};

struct rp_net_host_entry {
    char *address; /* numeric */
    char *name;
    struct rp_pos pos;
};

struct rp_network {
    bool present; /* a network section was written */
    struct rp_pos pos;
    enum rp_net_mode mode;
    struct rp_pos mode_pos;
    struct rp_net_port *ports;
    size_t n_ports;
    char *address;      /* veth: the node's end, "ADDR/PREFIX" */
    char *host_address; /* veth: the host's end, "ADDR/PREFIX" (no bridge) */
    char *gateway;      /* veth: the node's default route */
    char *bridge;       /* veth: the host's end joins this existing bridge */
    char *interface;    /* the node's interface name; "eth0" */
    uint32_t mtu;       /* 0: the kernel's (veth) or pasta's default */
    struct rp_pos address_pos, host_address_pos, gateway_pos, bridge_pos;
    struct rp_string_list dns;       /* /etc/resolv.conf nameservers */
    struct rp_net_host_entry *hosts; /* /etc/hosts lines */
    size_t n_hosts;
};

struct rp_node {
    char *file; /* the node file as given; every rp_pos points here */
    char *dir;  /* its folder: ${NODE_DIR} */
    char *name;
    char *description;
    struct rp_ns_setting ns[RP_NS_COUNT];
    struct rp_id_map_list uid_map, gid_map;
    /* user_namespace: identity: a root-started node maps ids 0-65535 to the
     * same host ids (uid 0 inside is host root), only by asking. */
    bool user_namespace_identity;
    struct rp_pos user_namespace_pos;
    char *hostname, *domainname;
    struct rp_pos hostname_pos, domainname_pos;
    bool time_offsets_set;
    int64_t time_monotonic, time_boottime; /* seconds */
    struct rp_pos time_offsets_pos;
    struct rp_kv_list sysctl;
    struct rp_root root;
    struct rp_mount *mounts;
    size_t n_mounts;
    struct rp_tmpfs *tmpfs;
    size_t n_tmpfs;
    struct rp_cgroup cgroup;
    struct rp_capabilities caps;
    struct rp_seccomp seccomp;
    struct rp_process process;
    struct rp_network network;
    struct rp_kv_list host_sysctl;
    /* The chain of files the node was merged from (redpak/family.h); NULL
     * for a node file that extends nothing under no policy. */
    struct rp_family *family;
    struct rp_packages packages;
};

/* Limits that keep a hostile file from costing more than a bad error. */
#define RP_NODE_MAX_BYTES (1u << 20) /* 1 MiB of YAML */
#define RP_NODE_MAX_DEPTH 32         /* nesting of mappings and sequences */
#define RP_NODE_MAX_NODES 100000     /* after alias expansion */

/* A dev mount's /dev/shm when shm_size is not given: Docker's default. */
#define RP_DEV_SHM_SIZE_DEFAULT ((uint64_t)64 << 20)

struct rp_parse_opts {
    uid_t caller_uid; /* ${UID} */
    gid_t caller_gid; /* ${GID} */
    /* --set KEY=VALUE overrides, applied to the document before validation. */
    const char *const *sets;
    size_t n_sets;
    /* Keep where every value came from (rp_node_print_origins). */
    bool origins;
    /* The admin policy (docs/node-format.md, "Admin policy"): NULL reads
     * /etc/redpak/policy.yaml when it exists; a file given here must exist.
     * The CLIs let only root choose it. no_policy skips it (library tests). */
    const char *policy_file;
    bool no_policy;
};

/* Parses and validates a node file. Returns 0 and a node, or a negative
 * code with every problem found in diags. Reads nothing but the file. */
RP_PUBLIC int rp_node_parse_file(const char *path, const struct rp_parse_opts *opts,
                                 struct rp_node **out, struct rp_diags *diags);
/* The same from memory; name is what errors call the file. */
RP_PUBLIC int rp_node_parse_buffer(const char *name, const char *buf, size_t len,
                                   const struct rp_parse_opts *opts, struct rp_node **out,
                                   struct rp_diags *diags);
RP_PUBLIC void rp_node_free(struct rp_node *node);

RP_PUBLIC const char *rp_ns_name(enum rp_ns_kind kind);                /* "user", ... */
RP_PUBLIC const char *rp_cgroup_item_name(enum rp_cgroup_item_kind k); /* "memory.max" */
RP_PUBLIC const char *rp_seccomp_action_name(enum rp_seccomp_action a);

#ifdef __cplusplus
}
#endif
#endif
