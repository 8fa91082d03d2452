/* SPDX-License-Identifier: Apache-2.0 */
/* Step 5, parent side (userns.c): the id maps of the node's new user
 * namespace, and why a host refuses user namespaces. */
#ifndef REDPAK_USERNS_H
#define REDPAK_USERNS_H

#include <sys/types.h>

#include "redpak/plan.h"

#include <stdint.h>

/* Which map step 5 writes for pid's namespace. */
enum rp_map_view {
    RP_MAP_NODE,  /* the node's own maps, by the parent */
    RP_MAP_OUTER, /* a nested build's outer namespace: each host id the
                   * node's maps use, onto itself (mount_lock.c) */
    RP_MAP_INNER, /* the node's maps, written from the outer namespace */
};

/* Writes the maps; base is the outside of a private range (plan->
 * private_uid_range, private_gid_range), picked by idpool.c. */
int rp_userns_apply(pid_t pid, const struct rp_ns_plan *plan, uint32_t base, enum rp_map_view view,
                    struct rp_error *err);
/* Child, once released: with plan->become_root, uid and gid 0 of the new
 * namespace and no supplementary group (the host's root ids it came in
 * with are unmapped in a private range: a tmpfs it mounted would fail
 * with EOVERFLOW). */
int rp_userns_become_root(const struct rp_ns_plan *plan, struct rp_error *err);
/* The host id that id inside the node is under map m (n entries), or
 * (uint32_t)-1 when unmapped; picked: the map's outside is a private range
 * starting at base. */
uint32_t rp_userns_host_id(const struct rp_id_map *m, size_t n, uint32_t base, bool picked,
                           uint32_t id);
/* Appends to err why this host refuses user namespaces and how to allow them. */
void rp_userns_explain(struct rp_error *err);

#endif
