/* Shared by cgroup_detect.c (what the host offers) and cgroup.c (the node's
 * cgroup: create, enable, write, tear down). */
#ifndef REDPAK_CGROUP_INTERNAL_H
#define REDPAK_CGROUP_INTERNAL_H

#include <stdbool.h>

#include "redpak/error.h"

/* The cgroup v2 hierarchy as redwrap finds it in its mount namespace. */
struct rp_cg_host {
    char *mount;        /* mount point of cgroup2, NULL when none is mounted */
    char *mount_root;   /* the mount's root inside the hierarchy ("/" usually) */
    unsigned offered;   /* RP_CTRL_* in cgroup.controllers at the mount point */
    unsigned v1;        /* RP_CTRL_* bound to cgroup v1 hierarchies (hybrid hosts) */
    unsigned kernel;    /* RP_CTRL_* the kernel has enabled (/proc/cgroups) */
};

/* Reads /proc/self/mountinfo (libmount), the mount's cgroup.controllers and
 * /proc/cgroups. A host without cgroup2 is not an error: mount stays NULL. */
int rp_cg_host_detect(struct rp_cg_host *h, struct rp_error *err);
void rp_cg_host_free(struct rp_cg_host *h);

/* The directory of the cgroup redwrap runs in (/proc/self/cgroup's "0::"
 * line under the cgroup2 mount); malloc'd. */
int rp_cg_self_dir(const struct rp_cg_host *h, char **dir, struct rp_error *err);

/* Why controller bit is not usable on this host, for "needs the memory
 * controller, but ..." messages: "the cgroup v2 hierarchy at X offers
 * none (this host runs cgroup v1 controllers, a hybrid setup)". */
void rp_cg_host_why_missing(const struct rp_cg_host *h, unsigned bit, char *buf, size_t len);

/* "memory" for RP_CTRL_MEMORY; NULL for anything else. */
const char *rp_cg_controller_name(unsigned bit);
/* "cpuset cpu io" (a cgroup.controllers line) to RP_CTRL_* bits; other
 * controllers (hugetlb, rdma, misc) are not ours and ignored. */
unsigned rp_cg_controllers_parse(const char *line);

#endif
