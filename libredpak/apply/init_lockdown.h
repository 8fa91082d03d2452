/* SPDX-License-Identifier: Apache-2.0 */
/* init_lockdown.c: what the node's init gives up once the workload runs. */
#ifndef REDPAK_INIT_LOCKDOWN_H
#define REDPAK_INIT_LOCKDOWN_H

#include <stdint.h>

#include "redpak/error.h"

/* Where the kernel reads /proc/PID/cmdline and /proc/PID/environ from:
 * redwrap's argument and environment strings, which init inherited with
 * its memory (fields 48-51 of /proc/PID/stat, proc(5)). */
struct rp_init_memory {
    uintptr_t arg_start, arg_end, env_start, env_end;
};

/* Reads the four addresses from /proc/self/stat. Called by the node's first
 * process while the host's /proc is still its /proc (before step 7): the
 * node may mount none. 0, or a negative errno-style code with err filled. */
int rp_init_memory_find(struct rp_init_memory *m, struct rp_error *err);

/* The command's arguments in memory of their own: the workload's process
 * reads them after rp_init_seal cleared redwrap's. NULL when out of memory. */
char **rp_init_argv_copy(char *const *argv);

/* Before init starts the workload: init's memory can no longer be opened
 * by another process of the node (/proc/1/mem, ptrace), and the strings of
 * m are cleared (/proc/1/cmdline, /proc/1/environ). */
int rp_init_seal(const struct rp_init_memory *m, struct rp_error *err);

/* After the workload's execve: drops every capability but CAP_KILL, sets
 * no_new_privs and loads init's own seccomp filter. 0, or a negative
 * errno-style code with err filled. */
int rp_init_lockdown(struct rp_error *err);

#endif
