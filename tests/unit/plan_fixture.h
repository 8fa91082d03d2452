/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the test_plan_*.c specs: a node from a few lines of YAML,
 * planned for a given caller, with names resolved in the fixture root
 * tests/unit/fixtures/passwd-root (redis is uid 999, primary gid 998). */
#ifndef REDPAK_TEST_PLAN_FIXTURE_H
#define REDPAK_TEST_PLAN_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "redpak/redpak.h"

#define FIXTURE_ROOT UNIT_FIXTURES "/passwd-root"

struct planned {
    struct rp_node *node;
    struct rp_plan *plan;
    struct rp_diags diags;
    int parse_rc, plan_rc;
};

/* body: the YAML after "version: 1\nnode: t\n", planned with opts. */
static inline struct planned plan_with(const char *body, const struct rp_plan_opts *opts)
{
    struct planned r = {0};
    char *yaml = NULL;
    assert_true(asprintf(&yaml, "version: 1\nnode: t\n%s", body) > 0);
    struct rp_parse_opts popts = {.caller_uid = opts->caller_uid, .caller_gid = opts->caller_gid};
    r.parse_rc = rp_node_parse_buffer("t.yaml", yaml, strlen(yaml), &popts, &r.node, &r.diags);
    free(yaml);
    if (r.parse_rc == 0)
        r.plan_rc = rp_plan_build(r.node, opts, &r.plan, &r.diags);
    return r;
}

static inline struct planned plan_for(const char *body, uid_t caller_uid, gid_t caller_gid)
{
    struct rp_plan_opts opts = {
        .caller_uid = caller_uid,
        .caller_gid = caller_gid,
        .passwd_root = FIXTURE_ROOT,
        /* No etc/subuid there: a rootless caller gets its own id only,
         * whatever the host running the tests has (test_subid.c has the
         * subordinate ids). */
        .subid_root = FIXTURE_ROOT,
        .idmap_tools = UNIT_FIXTURES "/subid-tools",
    };
    return plan_with(body, &opts);
}

/* Parsed and planned without a problem (the problems are printed if not). */
static inline struct planned plan_ok(const char *body, uid_t caller_uid)
{
    struct planned r = plan_for(body, caller_uid, caller_uid);
    rp_diags_print(&r.diags, "plan_ok", stderr);
    assert_int_equal(r.parse_rc, 0);
    assert_int_equal(r.plan_rc, 0);
    assert_non_null(r.plan);
    return r;
}

/* Parsed, but the plan refused it: the one diagnostic is returned. */
static inline const struct rp_diag *plan_error(struct planned *r, const char *body,
                                               uid_t caller_uid)
{
    *r = plan_for(body, caller_uid, caller_uid);
    rp_diags_print(&r->diags, "plan_error", stderr);
    assert_int_equal(r->parse_rc, 0);
    assert_true(r->plan_rc < 0);
    assert_null(r->plan);
    assert_int_equal(r->diags.n, 1);
    return &r->diags.v[0];
}

static inline void planned_free(struct planned *r)
{
    rp_plan_free(r->plan);
    rp_node_free(r->node);
    rp_diags_free(&r->diags);
}

/* The message of a diagnostic as printed: "FILE:LINE:COLUMN: key: message". */
static inline char *diag_text(const struct rp_diag *d)
{
    char *s = NULL;
    assert_true(
        asprintf(&s, "%s:%u:%u: %s: %s", d->file, d->line, d->column, d->key_path, d->message) > 0);
    return s;
}

#endif
