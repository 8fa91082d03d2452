/* SPDX-License-Identifier: Apache-2.0 */
/* libredpak: node file -> validated model -> plans -> a running REDNODE. */
#ifndef REDPAK_REDPAK_H
#define REDPAK_REDPAK_H

#include "redpak/error.h"
#include "redpak/family.h"
#include "redpak/node.h"
#include "redpak/oci.h"
#include "redpak/plan.h"
#include "redpak/run.h"

#define REDPAK_VERSION "0.1.0"

#endif
