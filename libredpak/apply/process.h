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
/* Any of fds 0-2 that is not a terminal, pipe, socket, regular file or
 * character device (a directory: a way out of the root), or is O_PATH,
 * becomes /dev/null. In the first process, before the mounts (the host's
 * /dev/null). */
int rp_process_std_fds(struct rp_error *err);
/* The first process joins a new anonymous session keyring. */
int rp_process_session_keyring(struct rp_error *err);
/* The workload's environment: a malloc'd NULL-terminated array. */
char **rp_process_env(const struct rp_process_plan *plan, char *const *environ);
void rp_process_env_free(char **env);
/* execve with a PATH search in envp's PATH; returns only on failure with
 * err filled and the exit status (126 or 127). */
int rp_process_exec(char *const *argv, char *const *envp, struct rp_error *err);

#endif
