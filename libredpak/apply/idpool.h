/* SPDX-License-Identifier: Apache-2.0 */
/* Step 5, parent: the private id range of a root-started node (idpool.c). */
#ifndef REDPAK_IDPOOL_H
#define REDPAK_IDPOOL_H

#include <stdint.h>

#include "redpak/error.h"

/* As systemd-nspawn's pick: 0x80000 up to 0x6fff0000, 65536 at a time. */
#define RP_IDPOOL_FIRST 524288u
#define RP_IDPOOL_END 0x6fff0000u
#define RP_IDPOOL_COUNT 65536u

struct rp_idrange {
    uint32_t base, count;
    int fd; /* the lock's; -1: none */
};

/* Picks and locks a free range; the lock holds until rp_idpool_release or
 * the death of the process. */
int rp_idpool_pick(struct rp_idrange *out, struct rp_error *err);
void rp_idpool_release(struct rp_idrange *r);

#endif
