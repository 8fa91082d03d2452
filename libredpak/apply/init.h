/* SPDX-License-Identifier: Apache-2.0 */
/* init.c: the node's PID 1 with process.init. */
#ifndef REDPAK_INIT_H
#define REDPAK_INIT_H

#include "redpak/plan.h"

struct rp_signals;
struct rp_init_memory;

/* Starts workload(arg) in a vfork child, reaps every process that ends up
 * as its child, forwards the signals, lets go of its set-up pages once the
 * node ran RP_TRIM_AFTER_MS (trim.h) and returns the status the node's
 * first process exits with. A stop signal (TERM INT HUP QUIT) ends the
 * node also with wait: all: once the workload exited, the rest gets the
 * same signal (or, outside a pid namespace of its own, init returns and
 * the cgroup teardown ends them). Once the workload runs, init locks
 * itself down (init_lockdown.h): mem says where redwrap's arguments and
 * environment are in its memory. */
int rp_init_run(const struct rp_process_plan *plan, const struct rp_signals *sig,
                const struct rp_init_memory *mem, int report_fd, int (*workload)(void *),
                void *arg);

#endif
