/* SPDX-License-Identifier: Apache-2.0 */
/* Steps 9 and 11, in the workload's process (identity.c). */
#ifndef REDPAK_IDENTITY_H
#define REDPAK_IDENTITY_H

#include "redpak/plan.h"

/* Supplementary groups, gid, uid: exactly the process plan's. */
int rp_identity_apply(const struct rp_process_plan *plan, struct rp_error *err);
int rp_no_new_privs_apply(const struct rp_process_plan *plan, struct rp_error *err);

#endif
