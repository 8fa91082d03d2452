/* SPDX-License-Identifier: Apache-2.0 */
/* root.image oci:LAYOUT:TAG: the image unpacked into its cache folder
 * (oci_unpack.c). */
#ifndef RP_OCI_UNPACK_H
#define RP_OCI_UNPACK_H

#include "redpak/plan.h"

/* For the mount plan's OCI image step, if any: unpacks the image into the
 * step's source when that folder is missing. 0 at once without such a
 * step; otherwise 0 or a negative code with err filled. */
int rp_oci_unpack(const struct rp_mount_plan *mount, int verbose, struct rp_error *err);

#endif
