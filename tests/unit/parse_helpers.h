/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the test_parse_*.c specifications: parse an inline YAML string
 * and assert on the model, or on one diagnostic's line, column, key path
 * and message. Included after cmocka.h. */
#ifndef REDPAK_TEST_PARSE_HELPERS_H
#define REDPAK_TEST_PARSE_HELPERS_H

#include <stdio.h>
#include <string.h>

#include "redpak/node.h"

/* Errors name this file; its folder is ${NODE_DIR}. */
#define TEST_FILE "/srv/nodes/test.yaml"
#define TEST_UID 1000
#define TEST_GID 1001

static inline int parse_with_sets(const char *yaml, const char *const *sets, size_t n_sets,
                                  struct rp_node **node, struct rp_diags *diags)
{
    struct rp_parse_opts opts = {.caller_uid = TEST_UID,
                                 .caller_gid = TEST_GID,
                                 .sets = sets,
                                 .n_sets = n_sets};
    return rp_node_parse_buffer(TEST_FILE, yaml, strlen(yaml), &opts, node, diags);
}

static inline void print_diags(const struct rp_diags *d)
{
    rp_diags_print(d, "diag", stderr);
}

/* Parses yaml (with sets) and fails the test unless it is accepted. */
static inline struct rp_node *parse_ok_sets(const char *yaml, const char *const *sets,
                                            size_t n_sets)
{
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    int rc = parse_with_sets(yaml, sets, n_sets, &node, &diags);
    if (rc != 0)
        print_diags(&diags);
    assert_int_equal(rc, 0);
    assert_int_equal(diags.n, 0);
    assert_non_null(node);
    rp_diags_free(&diags);
    return node;
}

static inline struct rp_node *parse_ok(const char *yaml)
{
    return parse_ok_sets(yaml, NULL, 0);
}

/* The parse must fail, and one of its diagnostics must sit at file:line:col
 * with exactly this key path and a message containing fragment. */
static inline void expect_diag_in(const struct rp_diags *d, const char *file, unsigned line,
                                  unsigned col, const char *path, const char *fragment)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct rp_diag *g = &d->v[i];
        if (!strcmp(g->file, file) && g->line == line && g->column == col &&
            !strcmp(g->key_path, path) && strstr(g->message, fragment))
            return;
    }
    fprintf(stderr, "expected %s:%u:%u: %s: ...%s...\nfound:\n", file, line, col, path, fragment);
    print_diags(d);
    fail();
}

static inline void expect_error_sets(const char *yaml, const char *const *sets, size_t n_sets,
                                     const char *file, unsigned line, unsigned col,
                                     const char *path, const char *fragment)
{
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    int rc = parse_with_sets(yaml, sets, n_sets, &node, &diags);
    assert_true(rc < 0);
    assert_null(node);
    expect_diag_in(&diags, file, line, col, path, fragment);
    rp_diags_free(&diags);
}

static inline void expect_error(const char *yaml, unsigned line, unsigned col, const char *path,
                                const char *fragment)
{
    expect_error_sets(yaml, NULL, 0, TEST_FILE, line, col, path, fragment);
}

/* The number of problems one parse reports (it must fail). */
static inline size_t count_errors(const char *yaml)
{
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    assert_true(parse_with_sets(yaml, NULL, 0, &node, &diags) < 0);
    size_t n = diags.n;
    rp_diags_free(&diags);
    return n;
}

/* A minimal valid node; tests append a section to it. */
#define HEAD "version: 1\nnode: test\n"

#endif
