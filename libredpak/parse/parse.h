/* SPDX-License-Identifier: Apache-2.0 */
/* The node parser's shared walker: the context every section parser gets,
 * key-path building, the "expected X" checks of each value kind, variable
 * expansion and the unknown-key check with "did you mean". Each section
 * lives in a file of its own (parse_mounts.c, parse_cgroup.c, ...); parse.c
 * walks the top level and ties them together. */
#ifndef REDPAK_PARSE_H
#define REDPAK_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "grammar.h"
#include "names.h"
#include "node_model.h"
#include "redpak/node.h"
#include "yaml_tree.h"

struct pctx {
    struct rp_node *node;
    struct rp_diags *diags;
    const struct rp_parse_opts *opts;
    const struct yt_node *top; /* the document's mapping: where "missing" points */
    char path[1024];           /* the key path of the value being checked */
    size_t plen;
    /* The node's family, or NULL: ${NODE_DIR} is per file (family.h). */
    const struct rp_family *fam;
};

/* Positions and errors. pc_err reports at node n with the current key path. */
struct rp_pos pc_pos(const struct pctx *c, const struct yt_node *n);
void pc_err(struct pctx *c, const struct yt_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Key paths: push returns a mark that pop restores. */
size_t pc_push_key(struct pctx *c, const char *key);
size_t pc_push_index(struct pctx *c, size_t index);
void pc_pop(struct pctx *c, size_t mark);

/* Containers. pc_map/pc_seq report "expected a mapping" and return false. */
bool pc_map(struct pctx *c, const struct yt_node *v);
bool pc_seq(struct pctx *c, const struct yt_node *v);
/* Reports every key of map not in keys, at the key, with "did you mean". */
void pc_check_keys(struct pctx *c, const struct yt_node *map, const char *const *keys, size_t n);
/* The value of key in map, with key pushed on the path (pop with *mark),
 * or NULL with the path unchanged. */
const struct yt_node *pc_field(struct pctx *c, const struct yt_node *map, const char *key,
                               size_t *mark);
/* "required key 'x' is missing" at the mapping, with the path of the key. */
void pc_missing(struct pctx *c, const struct yt_node *map, const char *key);

/* Scalars. Each returns false after reporting at v. */
bool pc_string(struct pctx *c, const struct yt_node *v, char **out); /* expanded */
bool pc_string_literal(struct pctx *c, const struct yt_node *v, char **out, size_t *len);
bool pc_bool(struct pctx *c, const struct yt_node *v, bool *out);
bool pc_int(struct pctx *c, const struct yt_node *v, int64_t min, int64_t max, int64_t *out);
/* An int in 0..UINT64_MAX, or a negative one as its 64-bit two's complement
 * (seccomp compares raw register values). */
bool pc_u64_bits(struct pctx *c, const struct yt_node *v, uint64_t *out);
/* An int (its decimal text) or a string (expanded): "int or string" keys. */
bool pc_int_or_string(struct pctx *c, const struct yt_node *v, char **out);
/* A string that must be one of names; the index in *out. */
bool pc_enum(struct pctx *c, const struct yt_node *v, const char *const *names, size_t n, int *out);
bool pc_mode(struct pctx *c, const struct yt_node *v, mode_t *out);
bool pc_size(struct pctx *c, const struct yt_node *v, bool allow_max, uint64_t *out);
bool pc_node_path(struct pctx *c, const struct yt_node *v, char **out);
bool pc_host_path(struct pctx *c, const struct yt_node *v, char **out);
bool pc_owner(struct pctx *c, const struct yt_node *v, struct rp_owner *out);
/* A user or group: an int id or a name. */
bool pc_id_ref(struct pctx *c, const struct yt_node *v, struct rp_id_ref *out);
/* A sequence of strings (expanded); positions kept per element. */
bool pc_string_list(struct pctx *c, const struct yt_node *v, struct rp_string_list *out);

/* Variables: ${NODE} ${NODE_DIR} ${UID} ${GID}, $$ for a dollar. */
bool pc_expand(struct pctx *c, const struct yt_node *at, const char *in, char **out);

/* Sections (one file each). */
void parse_namespaces(struct pctx *c, const struct yt_node *v);
void parse_user_namespace(struct pctx *c, const struct yt_node *v);
void parse_uts_names(struct pctx *c, const struct yt_node *top);
void parse_time_offsets(struct pctx *c, const struct yt_node *v);
/* sysctl (host false: namespaced keys only) and host.sysctl (host true:
 * the allow-listed host-wide keys, int values in their ranges). */
void parse_sysctl(struct pctx *c, const struct yt_node *v, bool host, struct rp_kv_list *out);
void parse_root(struct pctx *c, const struct yt_node *v);
void parse_root_image(struct pctx *c, const struct yt_node *v); /* parse_root_image.c */
void parse_mounts(struct pctx *c, const struct yt_node *v);
void parse_tmpfs(struct pctx *c, const struct yt_node *v);
void parse_cgroup(struct pctx *c, const struct yt_node *v);
void parse_capabilities(struct pctx *c, const struct yt_node *v);
void parse_seccomp(struct pctx *c, const struct yt_node *v);
void parse_process(struct pctx *c, const struct yt_node *v);
void parse_packages(struct pctx *c, const struct yt_node *v);
void parse_network(struct pctx *c, const struct yt_node *v);

/* set_override.c: applies --set KEY=VALUE to the tree (docs/architecture.md,
 * "--set is validated like the file"). Errors are reported as
 * "--set:N:COL"; returns 0 or -EINVAL. */
int rp_set_apply(struct yt_doc *doc, const char *const *sets, size_t n_sets,
                 struct rp_diags *diags);

#endif
