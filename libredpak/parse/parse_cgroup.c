/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup: parent, required, and the fifteen items, each checked by its
 * own grammar (cgroup_items.c) and kept in the kernel's syntax. */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "grammar.h"

/* Items whose value is a string only (docs/architecture.md, "Cgroup items
 * in the kernel's syntax"); the others take an int or a string. */
static bool string_only(enum rp_cgroup_item_kind k)
{
    return k == RP_CG_CPUSET_CPUS_PARTITION || k == RP_CG_CPU_MAX || k == RP_CG_IO_MAX;
}

static void add_item(struct pctx *c, enum rp_cgroup_item_kind kind, const struct yt_node *x)
{
    struct rp_cgroup *cg = &c->node->cgroup;
    char *text;
    if (string_only(kind) ? !pc_string(c, x, &text) : !pc_int_or_string(c, x, &text))
        return;
    char why[RP_WHY_MAX];
    char *value;
    if (rp_cgroup_item_normalize(kind, text, &value, why, sizeof(why))) {
        /* Capacity doubles at each power of two: an io.max list may be long. */
        if ((cg->n_items & (cg->n_items - 1)) == 0)
            cg->items =
                rp_xrealloc(cg->items, cg->n_items ? cg->n_items * 2 : 1, sizeof(*cg->items));
        cg->items[cg->n_items++] = (struct rp_cgroup_item){kind, value, pc_pos(c, x)};
    } else {
        pc_err(c, x, "%s", why);
    }
    free(text);
}

static void parse_items(struct pctx *c, const struct yt_node *v)
{
    if (!pc_map(c, v))
        return;
    const char *names[RP_CG_ITEM_COUNT];
    for (int k = 0; k < RP_CG_ITEM_COUNT; k++)
        names[k] = rp_cgroup_item_name((enum rp_cgroup_item_kind)k);
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *k = v->pairs[i].key, *x = v->pairs[i].value;
        if (k->duplicate)
            continue;
        size_t mark = pc_push_key(c, k->text);
        enum rp_cgroup_item_kind kind;
        if (!rp_cgroup_item_lookup(k->text, &kind)) {
            const char *close = rp_closest(k->text, names, RP_CG_ITEM_COUNT);
            if (close)
                pc_err(c, k, "unknown cgroup item '%s'; did you mean '%s'?", k->text, close);
            else
                pc_err(c, k,
                       "unknown cgroup item '%s' (redpak sets cpuset.*, cpu.weight, "
                       "cpu.max, io.max, io.weight, memory.* and pids.max)",
                       k->text);
        } else if (kind == RP_CG_IO_MAX && x->kind == YT_SEQ) {
            /* One string per device: io.max takes one line per write. */
            for (size_t j = 0; j < x->n; j++) {
                size_t at = pc_push_index(c, j);
                add_item(c, kind, x->items[j]);
                pc_pop(c, at);
            }
        } else {
            add_item(c, kind, x);
        }
        pc_pop(c, mark);
    }
}

void parse_cgroup(struct pctx *c, const struct yt_node *v)
{
    struct rp_cgroup *cg = &c->node->cgroup;
    if (!pc_map(c, v))
        return;
    cg->present = true;
    cg->pos = pc_pos(c, v);
    static const char *const keys[] = {"parent", "required", "items"};
    pc_check_keys(c, v, keys, ARRAY_LEN(keys));
    size_t mark;
    const struct yt_node *x;
    if ((x = pc_field(c, v, "parent", &mark))) {
        if (pc_host_path(c, x, &cg->parent))
            cg->parent_pos = pc_pos(c, x);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "required", &mark))) {
        pc_bool(c, x, &cg->required);
        pc_pop(c, mark);
    }
    if ((x = pc_field(c, v, "items", &mark))) {
        parse_items(c, x);
        pc_pop(c, mark);
    }
}
