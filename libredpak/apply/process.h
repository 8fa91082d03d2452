/* SPDX-License-Identifier: Apache-2.0 */
/* Step 8 in the first process, and the execve that follows step 12
 * (process.c; `rednode-config plan` lists it first under step 13, and its
 * messages name that step). */
#ifndef REDPAK_PROCESS_H
#define REDPAK_PROCESS_H

#include <stddef.h>

#include "redpak/plan.h"

/* keep: descriptors the executor still needs (close-on-exec ones). */
int rp_process_apply(const struct rp_process_plan *plan, const int *keep, size_t n_keep,
                     struct rp_error *err);
/* The workload's environment: a malloc'd NULL-terminated array. */
char **rp_process_env(const struct rp_process_plan *plan, char *const *environ);
void rp_process_env_free(char **env);
/* execve with a PATH search in envp's PATH; returns only on failure with
 * err filled and the exit status (126 or 127). */
int rp_process_exec(char *const *argv, char *const *envp, struct rp_error *err);

#endif
