/* SPDX-License-Identifier: Apache-2.0 */
/* rp_plan_build: the node model turned into plans, one builder per plan,
 * called in the order redwrap applies them (docs/architecture.md, "The
 * thirteen steps"). Pure: it reads the node, the node's passwd/group files
 * when a name needs them, and stat()s io.max device paths; it changes
 * nothing. */
#include "error_internal.h"
#include "plan_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Only positions in the same file are ordered: a --set value's problems
 * stay where they were found. */
int rp_plan_build(const struct rp_node *node, const struct rp_plan_opts *opts, struct rp_plan **out,
                  struct rp_diags *diags)
{
    static const struct rp_plan_opts no_opts;
    struct plan_ctx c = {
        .node = node,
        .opts = opts ? opts : &no_opts,
        .diags = diags,
        .diags_before = diags->n,
    };
    const char *names_root = c.opts->passwd_root ? c.opts->passwd_root
        : node->root.source                      ? node->root.source
                                                 : "/";

    *out = NULL;
    if (rp_users_init(&c.users, names_root) < 0)
        return -ENOMEM;
    struct rp_plan *p = plan_calloc(&c, 1, sizeof(*p));
    if (!p) {
        rp_users_free(&c.users);
        return -ENOMEM;
    }
    p->node = node;
    p->packages = node->packages.present ? &node->packages : NULL;

    plan_idmaps(p, &c);  /* 1. the maps every id is checked against */
    plan_host(p, &c);    /* 2. */
    plan_cgroup(p, &c);  /* 3. */
    plan_ns(p, &c);      /* 4-6. */
    plan_mounts(p, &c);  /* 7. root, mounts in written order */
    plan_network(p, &c); /* 5. network; its /etc files join the mounts */
    plan_tmpfs(p, &c);   /*    volatile areas */
    plan_finish(p, &c);  /*    pivot_root, read-only remounts */
    plan_process(p, &c); /* 8-9, 11. */
    plan_oci_image(p, &c);
    plan_caps(p, &c);    /* 10. */
    plan_seccomp(p, &c); /* 12. */

    rp_users_free(&c.users);
    rp_diags_sort(diags, c.diags_before);
    if (c.oom || diags->n > c.diags_before) {
        rp_plan_free(p);
        return c.oom ? -ENOMEM : -EINVAL;
    }
    *out = p;
    return 0;
}

char *plan_sysctl_path(struct plan_ctx *c, const char *key)
{
    char *path = plan_printf(c, "/proc/sys/%s", key);
    if (path)
        for (char *s = path + strlen("/proc/sys/"); *s; s++)
            if (*s == '.')
                *s = '/';
    return path;
}
