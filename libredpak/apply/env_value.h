/* SPDX-License-Identifier: Apache-2.0 */
/* A variable of an environment array (redwrap's, handed over in
 * rp_run_opts.environ, or the workload's): the executor reads the one it is
 * given, never its own process's. */
#ifndef REDPAK_ENV_VALUE_H
#define REDPAK_ENV_VALUE_H

/* The value of NAME in env (NULL-terminated "NAME=VALUE" strings; env may
 * be NULL), or NULL when it is not set. */
const char *rp_env_value(char *const *env, const char *name);

#endif
