/* SPDX-License-Identifier: Apache-2.0 */
/* The parts of a node's proc that reach the host's kernel, made read-only. */
#ifndef REDPAK_MOUNT_PROC_H
#define REDPAK_MOUNT_PROC_H

#include "redpak/error.h"

/* proc_fd: the node's freshly mounted proc (a directory fd), at path in
 * the node. Binds sys, sysrq-trigger, irq, bus and fs (those present)
 * onto themselves, read-only, nosuid, nodev, noexec. Returns 0, or a
 * negative code with err naming the entry. */
int rp_mount_proc_readonly(int proc_fd, const char *path, struct rp_error *err);

#endif
