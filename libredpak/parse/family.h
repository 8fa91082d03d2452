/* SPDX-License-Identifier: Apache-2.0 */
/* Node families (docs/node-format.md, "Families"): a node file that
 * `extends` another, the chain of files from the admin policy down to the
 * node, the one merge of their YAML trees, and the checks that security
 * only tightens down the chain. The walker (parse.c) sees one merged tree;
 * every node of it keeps the file that wrote it, so positions, ${NODE_DIR}
 * and `--origin` name the right file. */
#ifndef REDPAK_FAMILY_H
#define REDPAK_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

#include "node_family.h"
#include "parse.h"
#include "redpak/family.h"
#include "yaml_tree.h"

#define RP_FAMILY_MAX_DEPTH 16 /* node files in a chain, the policy not counted */
#define RP_NODE_PATH_DEFAULT "/etc/redpak/nodes:/usr/share/redpak/nodes"
#ifndef RP_POLICY_FILE_DEFAULT
#define RP_POLICY_FILE_DEFAULT "/etc/redpak/policy.yaml"
#endif

/* The loaded chain: one YAML document per file, root first. */
struct fam_chain {
    struct rp_family *fam;
    struct yt_doc docs[RP_FAMILY_MAX_DEPTH + 1];
    const struct yt_node *extends_at[RP_FAMILY_MAX_DEPTH + 1]; /* each file's extends value */
    size_t n;
};

/* parse.c: a node file read whole, with the size limit (errors at file:1:1). */
int pc_read_node_file(const char *path, char **buf, size_t *len, struct rp_diags *diags);
/* parse.c: the absolute folder of a file. */
char *pc_folder_of(const char *file);
/* parse.c: one walk of a (merged) tree into a model. */
struct rp_node *pc_walk_tree(const char *file, const char *dir, const struct yt_node *root,
                             const struct rp_family *fam, const struct rp_parse_opts *opts,
                             struct rp_diags *diags);

/* family.c: the entry of parse.c. fam_policy_path decides which policy
 * applies (*path NULL: none); fam_parse merges and walks the chain of a
 * leaf whose YAML is doc (taken over), checking each step. */
int fam_policy_path(const struct rp_parse_opts *opts, char **path, const char *leaf,
                    struct rp_diags *diags);
bool fam_extends(const struct yt_node *root);
int fam_parse(const char *file, struct yt_doc *doc, const char *policy,
              const struct rp_parse_opts *opts, struct rp_node **out, struct rp_diags *diags);

/* extends.c: the chain of leaf (already parsed into *leaf_doc, which the
 * chain takes over), with the policy at its root when one is given.
 * Returns 0, or -EINVAL with the problem at an `extends` line. */
int fam_load(const char *leaf_file, struct yt_doc *leaf_doc, const char *policy_file,
             struct fam_chain *ch, struct rp_diags *diags);
void fam_chain_free(struct fam_chain *ch);
/* Finds a parent named by name in the node path: NAME.yaml or NAME/node.yaml
 * under each folder of REDPAK_NODE_PATH. A malloc'd path or NULL. */
char *fam_find_by_name(const char *name);
/* The folder of the current node path entry i (NULL past the last). */
const char *fam_node_path(size_t i, char *buf, size_t size);

/* pathmap.c: normalised node paths ("//a/b/" is "/a/b") to an index. */
struct fam_pathmap {
    size_t *slot;
    char **key;
    size_t n, mask;
};
void fam_pathmap_init(struct fam_pathmap *m, size_t cap);
void fam_pathmap_put(struct fam_pathmap *m, const char *path, size_t val); /* first wins */
long fam_pathmap_get(const struct fam_pathmap *m, const char *path);       /* -1: none */
void fam_pathmap_free(struct fam_pathmap *m);

/* merge.c: the child's tree over the parent's (NULL: the child alone),
 * the table of node-format.md. New nodes belong to into. */
struct yt_node *fam_merge(struct yt_doc *into, const struct yt_node *parent,
                          const struct yt_node *child, const char *leaf, struct rp_diags *diags);
/* Every scalar of root, and every empty collection, with its key path. */
void fam_collect_origins(struct rp_family *fam, const struct yt_node *root, const char *leaf);

/* tighten.c: refuses what child loosens of parent, naming both positions
 * (the mounts are checked by the merge, which sees each file's entries). */
void fam_refuse(struct rp_diags *d, const struct rp_pos *child, const char *key,
                const struct rp_pos *parent, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void fam_check_tighten(const struct rp_node *parent, const struct rp_node *child,
                       struct rp_diags *diags);
/* tighten_more.c: network, user_namespace, host.sysctl, tmpfs, process keys. */
void fam_check_tighten_more(const struct rp_node *parent, const struct rp_node *child,
                            struct rp_diags *diags);

/* policy.c: the policy: section of the policy document. */
struct fam_policy;
struct fam_policy *fam_policy_parse(const struct yt_node *root, const char *file,
                                    struct rp_diags *diags);
/* The policy file may be trusted: root's, writable by nobody else. */
int fam_policy_check_file(const char *path, struct rp_diags *diags);
void fam_policy_check(const struct fam_policy *p, const struct rp_node *node, bool self,
                      struct rp_diags *diags);
void fam_policy_free(struct fam_policy *p);
/* policy_more.c: forbid rules for network.mode, network.ports, host.sysctl
 * and user_namespace. rule_more: 1 a valid rule, 0 not (why said), -1 not
 * one of these keys; breaks_more: whether node n breaks the rule. */
int fam_policy_rule_more(bool forbid, const char *key, const char *v, char *why, size_t wl);
bool fam_policy_breaks_more(const char *key, const char *value, const struct rp_node *n,
                            const struct rp_pos **where, char *what, size_t wl);

/* The folder of the file that wrote a value (its yt_node's file), for ${NODE_DIR}. */
const char *fam_dir_of(const struct rp_family *fam, const char *file);

#endif
