/* SPDX-License-Identifier: Apache-2.0 */
/* root.image: the image file mounted through a loop device (loop_image.c). */
#ifndef RP_LOOP_IMAGE_H
#define RP_LOOP_IMAGE_H

#include "redpak/plan.h"

/* For the mount plan's loop image step, if any: the image mounted
 * read-only as a detached mount, stored in (*fds)[i] for the first
 * process to attach, as an idmapped copy would be (the array is made when
 * *fds is NULL; a copy idmap.c took of the image file is replaced).
 * Returns 0 at once, loading nothing, when the plan has no such step;
 * otherwise 0 or a negative code with err filled. */
int rp_loop_image_open(const struct rp_mount_plan *mount, int **fds, int verbose,
                       struct rp_error *err);

#endif
