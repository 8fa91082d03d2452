/* Step 2, the host plan (host.c): the only changes redwrap makes outside
 * the node, in the parent, before anything of the node exists. */
#ifndef REDPAK_HOST_H
#define REDPAK_HOST_H

#include "redpak/plan.h"

int rp_host_apply(const struct rp_plan *plan, int verbose, struct rp_error *err);

#endif
