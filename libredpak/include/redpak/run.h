/* SPDX-License-Identifier: Apache-2.0 */
/* The executor: applies a plan in the fixed order, runs the workload and
 * supervises the node until it ends. */
#ifndef REDPAK_RUN_H
#define REDPAK_RUN_H

#include <stdbool.h>

#include "redpak/error.h"
#include "redpak/export.h"
#include "redpak/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rp_run_opts {
    char *const *argv;         /* the command after --; NULL: process.command */
    char *const *environ;      /* redwrap's environment, for env.pass */
    int verbose;               /* > 0: one line per applied step on stderr */
    const char *seccomp_learn; /* write a learned seccomp fragment here */
    /* The fragment's default_action: kill_process instead of report. */
    bool seccomp_learn_kill;
    /* Once the node has run 100 ms, the calling process drops the resident
     * pages of its read-only code and data (every loaded object's, the
     * caller's too) and trims its heap: they fault back in when used.
     * redwrap sets it; the node's init always does it to itself. */
    bool trim_when_running;
};

/* Exit statuses of redwrap (docs/architecture.md, "Exit codes"). */
#define RP_EXIT_SETUP_FAILED 125
#define RP_EXIT_NOT_EXECUTABLE 126
#define RP_EXIT_NOT_FOUND 127

/* Builds the node, runs the workload, supervises, tears the node down.
 * Returns the status redwrap exits with: the workload's own, 128+N for a
 * signal, or 125/126/127 with err filled. */
RP_PUBLIC int rp_run(const struct rp_plan *plan, const struct rp_run_opts *opts,
                     struct rp_error *err);

#ifdef __cplusplus
}
#endif
#endif
