/* SPDX-License-Identifier: Apache-2.0 */
/* The text form of a printed plan (rednode-config plan): a title, each
 * heading as "N name", each step as "N.M line". A step's values are in its
 * line, so the fields show nothing here. */
#include "plan_emit.h"

static void text_begin(struct plan_emit *e, const struct rp_plan *p)
{
    fprintf(e->out, "node %s (%s): the steps redwrap applies, in order\n", p->node->name,
            p->node->file);
}

static void text_section(struct plan_emit *e, const char *name)
{
    fprintf(e->out, "%u %s\n", e->section, name);
}

static void text_step_end(struct plan_emit *e, const char *line)
{
    fprintf(e->out, "%u.%u %s\n", e->section, e->step, line);
}

const struct plan_emit_ops plan_text_ops = {
    .begin = text_begin,
    .section = text_section,
    .step_end = text_step_end,
};
