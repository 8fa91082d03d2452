/* Printing a plan: plan_print.c walks the plans in the fixed order and
 * describes every step once, through these calls; the text form prints a
 * numbered line per step, the JSON form (plan_json.c) an object per step
 * with the same line as "text" and the step's values as fields. */
#ifndef REDPAK_PLAN_EMIT_H
#define REDPAK_PLAN_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "redpak/plan.h"

struct plan_emit {
    FILE *out;
    enum rp_plan_format format;
    unsigned section;       /* the current heading's number */
    unsigned step;          /* steps printed under it so far */
    bool failed;            /* out of memory: the output is incomplete */
};

/* JSON backend. */
void json_begin(struct plan_emit *e, const struct rp_plan *p);
void json_section(struct plan_emit *e, const char *name);
void json_step(struct plan_emit *e, const char *op);
void json_str(struct plan_emit *e, const char *key, const char *value);
void json_strn(struct plan_emit *e, const char *key, const char *value, size_t len);
void json_u64(struct plan_emit *e, const char *key, uint64_t value);
void json_i64(struct plan_emit *e, const char *key, int64_t value);
void json_bool(struct plan_emit *e, const char *key, bool value);
void json_strings(struct plan_emit *e, const char *key, char *const *v, size_t n);
void json_idmap(struct plan_emit *e, const char *key, const struct rp_id_map *v, size_t n);
void json_ids(struct plan_emit *e, const char *key, const gid_t *v, size_t n);
void json_seccomp_args(struct plan_emit *e, const struct rp_seccomp_arg *v, size_t n);
void json_step_end(struct plan_emit *e, const char *text);
void json_end(struct plan_emit *e);

#endif
