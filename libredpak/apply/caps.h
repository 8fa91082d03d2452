/* SPDX-License-Identifier: Apache-2.0 */
/* Step 10, in the workload's process (caps.c), and the pieces of it the
 * unit tests reach. */
#ifndef REDPAK_CAPS_H
#define REDPAK_CAPS_H

#include <stdint.h>
#include <sys/capability.h>

#include "redpak/plan.h"

int rp_caps_apply(const struct rp_caps_plan *plan, struct rp_error *err);

/* The permitted, effective and inheritable sets of the plan as a libcap
 * state (cap_free it). Capabilities beyond last_cap (the kernel's highest)
 * are left out: the kernel would refuse them. NULL with errno on failure. */
cap_t rp_caps_state(const struct rp_caps_plan *plan, unsigned last_cap);
/* The capabilities, up to last_cap, to drop from the bounding set. */
uint64_t rp_caps_bounding_drops(const struct rp_caps_plan *plan, unsigned last_cap);

#endif
