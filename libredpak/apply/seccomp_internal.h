/* SPDX-License-Identifier: Apache-2.0 */
/* Pieces of seccomp.c shared with seccomp_learn.c and the unit tests. */
#ifndef REDPAK_SECCOMP_INTERNAL_H
#define REDPAK_SECCOMP_INTERNAL_H

#include <seccomp.h>
#include <stdint.h>

#include "seccomp_filter.h"
#include "redpak/plan.h"

/* The libseccomp action for a node action (errnum: for RP_SC_ERRNO). */
uint32_t rp_seccomp_action_value(enum rp_seccomp_action action, int errnum);
/* A filter for the native ABI only: any other ABI kills the process. */
scmp_filter_ctx rp_seccomp_ctx_new(uint32_t default_action, struct rp_error *err);
/* For __attribute__((cleanup)) on a scmp_filter_ctx (NULL: nothing). */
static inline void rp_seccomp_ctx_release(scmp_filter_ctx *ctx)
{
    if (*ctx)
        seccomp_release(*ctx);
}
/* Adds rules, the later one winning for the same syscall (seccomp.c). */
int rp_seccomp_add_rules(scmp_filter_ctx ctx, uint32_t default_action,
                         const struct rp_seccomp_rule *rules, size_t n, struct rp_error *err);
/* The filter as a BPF program in memory. */
int rp_seccomp_export(scmp_filter_ctx ctx, struct rp_seccomp_prog *prog, struct rp_error *err);

#endif
