/* SPDX-License-Identifier: Apache-2.0 */
/* Step 3, the cgroup plan: where the node's cgroup goes, which controllers
 * it needs from its parent, and the item writes in an order the kernel
 * accepts. Without a cgroup section the node still gets a cgroup of its
 * own where one can be made (so teardown finds every process), never a
 * required one (docs/architecture.md, "A cgroup for every node"). */
#include "error_internal.h"
#include "plan_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static unsigned item_controller(enum rp_cgroup_item_kind k)
{
    switch (k) {
    case RP_CG_CPUSET_CPUS:
    case RP_CG_CPUSET_MEMS:
    case RP_CG_CPUSET_CPUS_PARTITION: return RP_CTRL_CPUSET;
    case RP_CG_CPU_WEIGHT:
    case RP_CG_CPU_MAX: return RP_CTRL_CPU;
    case RP_CG_IO_MAX:
    case RP_CG_IO_WEIGHT: return RP_CTRL_IO;
    case RP_CG_PIDS_MAX: return RP_CTRL_PIDS;
    default: return RP_CTRL_MEMORY;
    }
}

/* io.max takes "MAJ:MIN key=value...". A device written as a path is
 * looked up here: the plan is where the host is read, and a missing disk
 * is better reported with its line than as EINVAL from the kernel. */
static char *io_max_value(struct plan_ctx *c, const char *line, size_t len,
                          const struct rp_pos *pos)
{
    const char *sp = memchr(line, ' ', len);
    size_t dlen = sp ? (size_t)(sp - line) : len;
    if (line[0] != '/')
        return plan_memdup(c, line, len);
    char *dev = plan_memdup(c, line, dlen);
    if (!dev)
        return NULL;
    struct stat st;
    char *out = NULL;
    if (stat(dev, &st) < 0)
        rp_diags_add(c->diags, pos, "cgroup.items.io.max", "%s: no such device on this host (%s)",
                     dev, strerror(errno));
    else if (!S_ISBLK(st.st_mode))
        rp_diags_add(c->diags, pos, "cgroup.items.io.max",
                     "%s is not a block device: io.max limits disks", dev);
    else
        out = plan_printf(c, "%u:%u%.*s", major(st.st_rdev), minor(st.st_rdev), (int)(len - dlen),
                          line + dlen);
    free(dev);
    return out;
}

static void add_write(struct rp_cgroup_plan *cg, struct plan_ctx *c,
                      const struct rp_cgroup_item *it, const char *value, size_t len)
{
    struct rp_cgroup_write *w = &cg->writes[cg->n_writes++];
    w->kind = it->kind;
    w->file = plan_strdup(c, rp_cgroup_item_name(it->kind));
    w->value = it->kind == RP_CG_IO_MAX ? io_max_value(c, value, len, &it->pos)
                                        : plan_memdup(c, value, len);
    w->controller = item_controller(it->kind);
    w->pos = it->pos;
    cg->controllers |= w->controller;
}

void plan_cgroup(struct rp_plan *p, struct plan_ctx *c)
{
    const struct rp_cgroup *in = &c->node->cgroup;
    struct rp_cgroup_plan *cg = &p->cgroup;
    size_t n = 0;

    cg->section_present = in->present;
    cg->required = in->present && in->required;
    cg->parent = plan_strdup(c, in->parent);
    cg->name = plan_strdup(c, c->node->name);
    /* io.max may name several devices, one line each; the kernel takes
     * one device per write. */
    for (size_t i = 0; i < in->n_items; i++)
        for (const char *s = in->items[i].value; s; s = strchr(s, '\n'), s = s ? s + 1 : s)
            n++;
    cg->writes = plan_calloc(c, n, sizeof(*cg->writes));
    if (!cg->writes)
        return;
    /* Writes go in the order of the item enum, whatever the file's order:
     * cpuset.cpus and cpuset.mems before cpuset.cpus.partition (a partition
     * root is refused while its CPUs are unset); memory.min and memory.low
     * before memory.high, high before max, so that limits coming down
     * throttle and reclaim before they OOM-kill; swap after memory. Items
     * of one kind (io.max devices) keep their written order. */
    for (int kind = 0; kind < RP_CG_ITEM_COUNT; kind++) {
        for (size_t i = 0; i < in->n_items; i++) {
            const struct rp_cgroup_item *it = &in->items[i];
            if ((int)it->kind != kind)
                continue;
            for (const char *s = it->value; s && *s;) {
                const char *nl = strchrnul(s, '\n');
                if (nl > s)
                    add_write(cg, c, it, s, (size_t)(nl - s));
                s = *nl ? nl + 1 : nl;
            }
        }
    }
}
