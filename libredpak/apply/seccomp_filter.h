/* SPDX-License-Identifier: Apache-2.0 */
/* Step 12 (seccomp.c): the filter, compiled in the parent (step 1) and
 * loaded in the workload's process last, before execve. */
#ifndef REDPAK_SECCOMP_FILTER_H
#define REDPAK_SECCOMP_FILTER_H

#include <linux/filter.h>
#include <stddef.h>

#include "redpak/plan.h"

struct rp_seccomp_prog {
    struct sock_filter *filter;
    size_t len; /* 0: no filter */
};
int rp_seccomp_compile(const struct rp_seccomp_plan *plan, struct rp_seccomp_prog *prog,
                       struct rp_error *err);
/* The terminal rules' own filter (default allow), loaded before the node's
 * or the learn filter. */
int rp_seccomp_compile_terminal(const struct rp_seccomp_plan *plan, struct rp_seccomp_prog *prog,
                                struct rp_error *err);
/* The names of the node's own rules that this architecture has no syscall
 * for (open on aarch64), which the filter leaves out, as one line for -v:
 * "access (x86_64), open (x86_64)"; NULL when there is none (or no memory). */
char *rp_seccomp_absent_names(const struct rp_seccomp_plan *plan);
int rp_seccomp_apply(const struct rp_seccomp_prog *prog, struct rp_error *err);
void rp_seccomp_prog_free(struct rp_seccomp_prog *prog);

#endif
