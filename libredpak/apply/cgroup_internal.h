/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the cgroup files: cgroup_detect.c (what the host offers),
 * cgroup.c (the node's cgroup: place, enable, write), cgroup_teardown.c
 * (kill, wait, remove; stale cgroups), cgroup_files.c (small file I/O). */
#ifndef REDPAK_CGROUP_INTERNAL_H
#define REDPAK_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "enum_names.h"
#include "redpak/error.h"

/* The node's cgroup is "redpak-<node>-<pid>-<random>". */
#define NODE_PREFIX "redpak-"
/* On the node's cgroup: the pid namespace of the redwrap that owns it. */
#define OWNER_XATTR "user.redpak.pidns"

/* cgroup_files.c. One write(2) per value; reads of small files into buf,
 * NUL-terminated. 0 or -errno. */
int rp_cg_write_at(int dirfd, const char *file, const char *value);
int rp_cg_write(const char *dir, const char *file, const char *value);
int rp_cg_read_at(int dirfd, const char *file, char *buf, size_t len);
int rp_cg_read(const char *dir, const char *file, char *buf, size_t len);
/* The value of "KEY VALUE" in a flat-keyed file (memory.events), -1 if absent. */
long long rp_cg_keyed(const char *text, const char *key);
/* The parent directory of dir, malloc'd. */
char *rp_cg_dirname(const char *dir);

/* cgroup_teardown.c. */
/* redwrap's pid namespace as "DEV:INODE", "" when unknown. */
void rp_cg_own_pidns(char *buf, size_t len);
/* Kills and removes the cgroups under parent left by a redwrap that is gone. */
void rp_cg_remove_stale(const char *parent, int verbose);
/* Removes the empty tree parentfd/name, deepest first, whatever its depth,
 * with a bounded number of descriptors; 0 or the first -errno. */
int rp_cg_remove_tree(int parentfd, const char *name);

/* The cgroup v2 hierarchy as redwrap finds it in its mount namespace. */
struct rp_cg_host {
    char *mount;      /* mount point of cgroup2, NULL when none is mounted */
    char *mount_root; /* the mount's root inside the hierarchy ("/" usually) */
    unsigned offered; /* RP_CTRL_* in cgroup.controllers at the mount point */
};

/* Finds the cgroup2 mount (statmount.c at the usual places, else
 * /proc/self/mountinfo) and reads its cgroup.controllers. A host without
 * cgroup2 is not an error: mount stays NULL. */
int rp_cg_host_detect(struct rp_cg_host *h, struct rp_error *err);
void rp_cg_host_free(struct rp_cg_host *h);

/* The directory of the cgroup redwrap runs in (/proc/self/cgroup's "0::"
 * line under the cgroup2 mount); malloc'd. */
int rp_cg_self_dir(const struct rp_cg_host *h, char **dir, struct rp_error *err);

/* Why controller bit is not usable on this host (reading mountinfo and
 * /proc/cgroups, on this error path only), for "needs the memory
 * controller, but ..." messages: "the cgroup v2 hierarchy at X offers
 * none (this host runs cgroup v1 controllers, a hybrid setup)". */
void rp_cg_host_why_missing(const struct rp_cg_host *h, unsigned bit, char *buf, size_t len);

/* "cpuset cpu io" (a cgroup.controllers line) to RP_CTRL_* bits; other
 * controllers (hugetlb, rdma, misc) are not ours and ignored. */
unsigned rp_cg_controllers_parse(const char *line);

#endif
