/* SPDX-License-Identifier: Apache-2.0 */
/* Printing a plan has two sides. The walker (plan_print*.c) visits the
 * plans in the fixed order and describes every step once, the same way for
 * every format: a heading per step of core/step.h, then for each step its
 * op, its values as typed fields and the line that says what it does. A
 * backend turns those calls into one format: plan_text.c prints a numbered
 * line per step, plan_json.c an object per step with the fields and the
 * same line as "text". */
#ifndef REDPAK_PLAN_EMIT_H
#define REDPAK_PLAN_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "redpak/plan.h"

struct plan_emit_ops;

/* One printing: where it goes, in which format, and where the walk is. */
struct plan_emit {
    FILE *out;
    const struct plan_emit_ops *ops;
    unsigned section;            /* the current heading's number (enum rp_step) */
    unsigned step;               /* steps begun under it so far */
    bool failed;                 /* out of memory: the output is incomplete */
    bool origins;                /* say the node value each step comes from (--origin) */
    const struct rp_pos *origin; /* the current step's, set by emit_origin */
};

/* A format. The walker calls begin once; then for each heading section,
 * and for each step under it step, any of the field calls and step_end
 * with the step's line; end last. e->section and e->step are the current
 * heading's and step's numbers when a call is made. begin, section and
 * step_end are always set; a format that shows no op, no fields or no
 * ending leaves those calls NULL. */
struct plan_emit_ops {
    void (*begin)(struct plan_emit *e, const struct rp_plan *p);
    void (*section)(struct plan_emit *e, const char *name);
    void (*step)(struct plan_emit *e, const char *op);
    void (*step_end)(struct plan_emit *e, const char *line);
    void (*end)(struct plan_emit *e);

    /* The fields of the current step. */
    void (*str)(struct plan_emit *e, const char *key, const char *value);
    void (*strn)(struct plan_emit *e, const char *key, const char *value, size_t len);
    void (*u64)(struct plan_emit *e, const char *key, uint64_t value);
    void (*i64)(struct plan_emit *e, const char *key, int64_t value);
    void (*boolean)(struct plan_emit *e, const char *key, bool value);
    void (*strings)(struct plan_emit *e, const char *key, char *const *v, size_t n);
    void (*idmap)(struct plan_emit *e, const char *key, const struct rp_id_map *v, size_t n);
    void (*ids)(struct plan_emit *e, const char *key, const gid_t *v, size_t n);
    void (*seccomp_args)(struct plan_emit *e, const struct rp_seccomp_arg *v, size_t n);
};

extern const struct plan_emit_ops plan_text_ops; /* plan_text.c */
extern const struct plan_emit_ops plan_json_ops; /* plan_json.c */

#endif
