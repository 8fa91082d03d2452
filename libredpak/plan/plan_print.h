/* SPDX-License-Identifier: Apache-2.0 */
/* The walker's side of printing a plan (plan_emit.h): the calls the step
 * printers make, whatever the format, and the printers themselves, one file
 * per group of steps. */
#ifndef REDPAK_PLAN_PRINT_H
#define REDPAK_PLAN_PRINT_H

#include <sys/types.h>

#include "plan_emit.h"

/* A step: emit_step with its op, then its fields, then emit_line, which
 * ends it with the line that says what it does. */
void emit_step(struct plan_emit *e, const char *op);
void emit_line(struct plan_emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The node value the current step comes from (a position of the node
 * file, or of the family's file that wrote it); a position without a line
 * (a default, the base profile) is none. Printed with the step's line when
 * the plan is printed with its origins. */
void emit_origin(struct plan_emit *e, const struct rp_pos *pos);
/* A whole step that says there is nothing to do, and why. */
void emit_none(struct plan_emit *e, const char *why);

/* The fields of the current step. */
void emit_str(struct plan_emit *e, const char *key, const char *value);
void emit_strn(struct plan_emit *e, const char *key, const char *value, size_t len);
void emit_u64(struct plan_emit *e, const char *key, uint64_t value);
void emit_i64(struct plan_emit *e, const char *key, int64_t value);
void emit_bool(struct plan_emit *e, const char *key, bool value);
void emit_mode(struct plan_emit *e, const char *key, mode_t mode); /* "0755" */
void emit_strings(struct plan_emit *e, const char *key, char *const *v, size_t n);
void emit_idmap(struct plan_emit *e, const char *key, const struct rp_id_map *v, size_t n);
void emit_ids(struct plan_emit *e, const char *key, const gid_t *v, size_t n);
void emit_seccomp_args(struct plan_emit *e, const struct rp_seccomp_arg *v, size_t n);

/* A part of a line of any length (a base profile's syscalls, argv, id
 * maps), built in memory; running out of it marks the printing failed. */
struct linebuf {
    char *s;
    size_t len, cap;
};

void linebuf_add(struct linebuf *b, struct plan_emit *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *linebuf_get(const struct linebuf *b); /* "" when nothing was added */

/* What each step of the fixed order prints under its heading. */
typedef void plan_step_printer(struct plan_emit *e, const struct rp_plan *p);

/* plan_print_host.c: what the parent does before the clone. */
plan_step_printer plan_print_prepare, plan_print_host, plan_print_cgroup;
/* plan_print_ns.c: the clone, the user namespace's maps, the namespaces. */
plan_step_printer plan_print_clone, plan_print_maps, plan_print_namespaces;
/* plan_print_mounts.c: the mount and tmpfs plans. */
plan_step_printer plan_print_mounts;
/* plan_print_process.c: the workload's process, identity, no_new_privs,
 * execve and supervision. */
plan_step_printer plan_print_process, plan_print_identity, plan_print_nnp, plan_print_supervise;
/* plan_print_security.c: capabilities and seccomp. */
plan_step_printer plan_print_caps, plan_print_seccomp;

/* plan_print_net.c: step 5's network (pasta and its ports, or the veth pair). */
void plan_print_net(struct plan_emit *e, const struct rp_plan *p);

#endif
