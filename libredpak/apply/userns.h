/* SPDX-License-Identifier: Apache-2.0 */
/* Step 5, parent side (userns.c): the id maps of the node's new user
 * namespace, and why a host refuses user namespaces. */
#ifndef REDPAK_USERNS_H
#define REDPAK_USERNS_H

#include <sys/types.h>

#include "redpak/plan.h"

int rp_userns_apply(pid_t pid, const struct rp_ns_plan *plan, struct rp_error *err);
/* Appends to err why this host refuses user namespaces and how to allow them. */
void rp_userns_explain(struct rp_error *err);

#endif
