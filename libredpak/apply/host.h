/* SPDX-License-Identifier: Apache-2.0 */
/* Step 2, the host plan (host.c): the only changes redwrap makes outside
 * the node, in the parent, before anything of the node exists. */
#ifndef REDPAK_HOST_H
#define REDPAK_HOST_H

#include <stddef.h>

#include "redpak/plan.h"

/* steps: the plan's host steps (rp_plan.host), n of them. */
int rp_host_apply(const struct rp_host_step *steps, size_t n, int verbose, struct rp_error *err);

#endif
