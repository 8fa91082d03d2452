/* SPDX-License-Identifier: Apache-2.0 */
/* The planner's inside: one builder per plan, called by rp_plan_build in
 * the fixed order, and the context they share. A builder never fails
 * halfway in a way the others must know about: node problems go to the
 * diagnostics (every one of them is reported, not just the first) and an
 * allocation failure sets ctx->oom; rp_plan_build looks at both at the end. */
#ifndef REDPAK_PLAN_INTERNAL_H
#define REDPAK_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "redpak/plan.h"
#include "users.h"

struct plan_ctx {
    const struct rp_node *node;
    const struct rp_plan_opts *opts;
    struct rp_diags *diags;
    size_t diags_before; /* diags->n when planning started */
    struct rp_users users;
    bool oom;
};

/* Allocation that records failure in the context instead of returning it
 * up every call chain: NULL and ctx->oom set. plan_strdup(NULL) is NULL. */
void *plan_calloc(struct plan_ctx *c, size_t n, size_t size);
char *plan_strdup(struct plan_ctx *c, const char *s);
char *plan_memdup(struct plan_ctx *c, const char *s, size_t len);
char *plan_printf(struct plan_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* plan_ids.c: step 1, the user namespace's maps and the ids of the node.
 * plan_idmaps decides p->ns.uid_map/gid_map (the node's, or the defaults)
 * and must run before anything that resolves an id. */
void plan_idmaps(struct rp_plan *p, struct plan_ctx *c);
/* An id inside the node: a number, or a name looked up in the node's
 * passwd/group; checked against the maps. false: a diagnostic was added. */
bool plan_uid(struct plan_ctx *c, const struct rp_plan *p, const struct rp_id_ref *ref,
              const char *key, uid_t *uid, gid_t *primary_gid);
bool plan_gid(struct plan_ctx *c, const struct rp_plan *p, const struct rp_id_ref *ref,
              const char *key, gid_t *gid);
/* Checks an id the plan derived rather than read (a default uid or gid);
 * origin says where it came from, after the id in the message. */
bool plan_id_mapped(struct plan_ctx *c, const struct rp_plan *p, bool group, uint32_t id,
                    const struct rp_pos *pos, const char *key, const char *origin);
/* Both sides of an owner "UID:GID", inside the node. */
bool plan_owner(struct plan_ctx *c, const struct rp_plan *p, const struct rp_owner *o,
                const char *key, uid_t *uid, gid_t *gid);
/* The host's id for an id inside the node (through the maps). */
uint32_t plan_id_to_host(const struct rp_id_map *map, size_t n, uint32_t inside);

/* plan_subid.c: a rootless caller's maps. The default map of one kind
 * (uid or gid): 0 to the caller's own id, then its subordinate ids when it
 * has a range and the helper is installed (p->ns.newuidmap/newgidmap set);
 * *n ranges; why in p->ns.uid_maps_why (gid_maps_why). */
struct rp_id_map *plan_subid_default(struct rp_plan *p, struct plan_ctx *c, bool group, size_t *n);
/* A map the node file wrote: the caller's own id once is redwrap's to
 * write; any other range must lie in the caller's subordinate ids, and is
 * the helper's to write. Problems go to the diagnostics at the range. */
void plan_subid_written(struct rp_plan *p, struct plan_ctx *c, const struct rp_id_map_list *l,
                        bool group);

/* One builder per plan, in the order the executor applies them. */
void plan_host(struct rp_plan *p, struct plan_ctx *c);
void plan_cgroup(struct rp_plan *p, struct plan_ctx *c);
void plan_ns(struct rp_plan *p, struct plan_ctx *c);
void plan_mounts(struct rp_plan *p, struct plan_ctx *c);
void plan_tmpfs(struct rp_plan *p, struct plan_ctx *c);
void plan_finish(struct rp_plan *p, struct plan_ctx *c);
void plan_process(struct rp_plan *p, struct plan_ctx *c);
/* plan_oci_image.c: root.image oci:'s cache folder, and the image config's
 * Env, Entrypoint/Cmd, WorkingDir and User where the node sets none. */
void plan_oci_image(struct rp_plan *p, struct plan_ctx *c);
void plan_caps(struct rp_plan *p, struct plan_ctx *c);
void plan_seccomp(struct rp_plan *p, struct plan_ctx *c);

/* plan_mount_order.c: where each tmpfs area is applied, tmpfs_place[i]
 * (n_tmpfs of them): the index of the mounts[] entry it goes before, in the
 * mount plan, or n_mounts: in the tmpfs plan, after every mounts[] entry.
 * With report, adds the errors of an order where a mount would hide an
 * entry or a step would write into a read-only bind. false: out of memory
 * (ctx->oom set). */
bool plan_mount_order(struct plan_ctx *c, size_t *tmpfs_place, bool report);

/* "/proc/sys/net/core/somaxconn" for "net.core.somaxconn". */
char *plan_sysctl_path(struct plan_ctx *c, const char *key);

/* plan_security.c: frees the seccomp plan's deep-copied rules. */
void plan_seccomp_rules_free(struct rp_seccomp_rule *rules, size_t n);

/* plan_net.c: step 5's network plan, and the /etc/hosts and
 * /etc/resolv.conf files it adds to the mount plan. After plan_mounts. */
void plan_network(struct rp_plan *p, struct plan_ctx *c);
void plan_net_free(struct rp_net_plan *net);

#endif
