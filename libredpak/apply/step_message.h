/* SPDX-License-Identifier: Apache-2.0 */
/* Messages that name the step of docs/apply-order.md they come from, in
 * one format, for -v lines and for errors alike:
 *
 *     namespaces (step 6): hostname web1: Operation not permitted
 *     mounts (step 7.5): bind /srv/data -> /data: No such file or directory
 *
 * "N.M" is the M-th line `rednode-config plan` prints under step N; the
 * steps whose lines the executor walks one by one (host, mounts) name
 * them that way, so that a message leads to its line of the plan. */
#ifndef REDPAK_STEP_MESSAGE_H
#define REDPAK_STEP_MESSAGE_H

#include <stddef.h>

#include "redpak/error.h"
#include "step.h"

/* rp_error_set with the step in front: "<step> (step N): <fmt>". */
int rp_step_error(struct rp_error *err, enum rp_step step, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same for line item of the step: "<step> (step N.M): <fmt>". */
int rp_step_item_error(struct rp_error *err, enum rp_step step, size_t item, int errnum,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Puts "<step> (step N.M): <fmt>: " in front of what err says already;
 * err keeps its code. Returns it. */
int rp_step_item_wrap(struct rp_error *err, enum rp_step step, size_t item, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* rp_vlog in the same format. */
void rp_step_vlog(int verbose, enum rp_step step, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void rp_step_item_vlog(int verbose, enum rp_step step, size_t item, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
