/* SPDX-License-Identifier: Apache-2.0 */
/* A family parsed: the chain loaded (extends.c), merged one file at a time
 * from the root (merge.c), each merged step walked into a model and
 * checked against the step above it (tighten.c), the admin policy's own
 * rules applied to the node (policy.c). The node the caller gets is the
 * last step's model, holding the family (its files, the origins).
 *
 * Each step is walked, not only the last: a parent's values are validated
 * as the parent's (an error points into the file that has it, once), and
 * the tighten-only checks compare what each file asks for with what its
 * parent already had. */
#include "error_internal.h"
#include "family.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file that extends another, or drops an inherited entry (remove: true
 * with nothing to inherit is then said as such, by the merge). */
bool fam_extends(const struct yt_node *root)
{
    if (root->kind != YT_MAP)
        return false;
    if (yt_map_find(root, "extends"))
        return true;
    static const char *const lists[] = {"mounts", "tmpfs"};
    for (size_t k = 0; k < ARRAY_LEN(lists); k++) {
        const struct yt_pair *l = yt_map_find(root, lists[k]);
        for (size_t i = 0; l && l->value->kind == YT_SEQ && i < l->value->n; i++)
            if (l->value->items[i]->kind == YT_MAP && yt_map_find(l->value->items[i], "remove"))
                return true;
    }
    return false;
}

int fam_policy_path(const struct rp_parse_opts *opts, char **path, const char *leaf,
                    struct rp_diags *diags)
{
    *path = NULL;
    if (opts->no_policy)
        return 0;
    if (opts->policy_file) {
        struct stat st;
        if (stat(opts->policy_file, &st) < 0) {
            int e = errno;
            struct rp_pos pos = {opts->policy_file, 1, 1};
            rp_diags_add(diags, &pos, "", "cannot read the admin policy: %s", strerror(e));
            (void)leaf;
            return -e;
        }
        *path = rp_xstrdup(opts->policy_file);
        return 0;
    }
    /* The default policy applies when it exists: no file, no policy. */
    struct stat st;
    if (lstat(RP_POLICY_FILE_DEFAULT, &st) == 0)
        *path = rp_xstrdup(RP_POLICY_FILE_DEFAULT);
    return 0;
}

/* The tree an intermediate step is walked from: the merged one without
 * its mounts, which the merge itself checked (merge.c) and the last step
 * walks whole. A 16-level family of 1,000 mounts then costs one walk of
 * its mounts, not sixteen. */
static struct yt_node *for_checks(struct yt_doc *into, struct yt_node *merged)
{
    const struct yt_pair *mp = yt_map_find(merged, "mounts");
    if (!mp)
        return merged;
    struct yt_node *top = yt_copy_collection(into, merged);
    size_t n = 0;
    for (size_t i = 0; i < top->n; i++)
        if (top->pairs[i].value != mp->value)
            top->pairs[n++] = top->pairs[i];
    top->n = n;
    return top;
}

/* A policy may leave `node` out: the name its step gets for the walk. */
static struct yt_node *name_policy(struct yt_doc *into, struct yt_node *merged, const char *file)
{
    if (yt_map_find(merged, "node"))
        return merged;
    struct yt_node *k = yt_new_scalar(into, "node", 4, false);
    struct yt_node *v = yt_new_scalar(into, "policy", 6, false);
    k->file = v->file = file;
    k->line = v->line = merged->line;
    k->column = v->column = merged->column;
    yt_map_append(merged, k, v);
    return merged;
}

int fam_parse(const char *file, struct yt_doc *doc, const char *policy,
              const struct rp_parse_opts *opts, struct rp_node **out, struct rp_diags *diags)
{
    size_t first = diags->n;
    struct fam_chain ch = {0};
    struct yt_doc mdoc = {0};
    struct fam_policy *pol = NULL;
    struct rp_node *prev = NULL;
    struct yt_node *merged = NULL;
    bool complete = false; /* the last step was walked */
    *out = NULL;

    int rc = fam_load(file, doc, policy, &ch, diags);
    struct rp_family *fam = ch.fam;
    if (rc == 0 && policy && !(pol = fam_policy_parse(ch.docs[0].root, fam->files[0], diags)))
        rc = -EINVAL;
    for (size_t i = policy ? 1 : 0; rc == 0 && i < ch.n; i++) {
        const struct yt_pair *own = yt_map_find(ch.docs[i].root, "policy");
        if (own) {
            struct rp_pos pos = {own->key->file ? own->key->file : file, own->key->line,
                                 own->key->column};
            rp_diags_add(diags, &pos, "policy",
                         "only the admin policy has a policy section (unknown key 'policy')");
            rc = -EINVAL;
        }
        if (!yt_map_find(ch.docs[i].root, "node")) {
            /* A name inherited would give two nodes one name (their cgroups,
             * their logs): every node of a family names itself. */
            const struct yt_node *r = ch.docs[i].root;
            struct rp_pos pos = {r->file ? r->file : file, r->line, r->column};
            rp_diags_add(diags, &pos, "node",
                         "required key 'node' is missing: a node of a family names itself");
            rc = -EINVAL;
        }
    }
    for (size_t i = 0; rc == 0 && i < ch.n; i++) {
        bool last = i + 1 == ch.n;
        merged = fam_merge(&mdoc, merged, ch.docs[i].root, file, diags);
        if (i == 0 && policy)
            merged = name_policy(&mdoc, merged, fam->files[0]);
        if (diags->n > first)
            break;
        if (last && opts->n_sets) {
            mdoc.root = merged;
            rp_set_apply(&mdoc, opts->sets, opts->n_sets, diags);
            merged = mdoc.root;
            if (diags->n > first)
                break;
        }
        struct yt_node *walked = last ? merged : for_checks(&mdoc, merged);
        struct rp_node *cur =
            pc_walk_tree(last ? file : fam->files[i], fam->dirs[i], walked, fam, opts, diags);
        if (!cur)
            break;
        if (prev)
            fam_check_tighten(prev, cur, diags);
        if (i == 0 && pol)
            fam_policy_check(pol, cur, true, diags); /* a policy that contradicts itself */
        rp_node_free(prev);
        prev = cur;
        if (last)
            complete = true;
        if (diags->n > first)
            break;
    }
    /* The node breaking the policy is said even when it also loosened its
     * parent: both are the node's to fix. */
    if (complete && pol)
        fam_policy_check(pol, prev, false, diags);
    if (diags->n == first && opts->origins && merged)
        fam_collect_origins(fam, merged, prev->file);
    fam_policy_free(pol);
    mdoc.root = NULL;
    if (diags->n > first || !prev) {
        rp_node_free(prev);
        yt_free(&mdoc);
        fam_chain_free(&ch);
        return rc < 0 ? rc : -EINVAL;
    }
    prev->family = fam;
    ch.fam = NULL;
    yt_free(&mdoc);
    fam_chain_free(&ch);
    *out = prev;
    return 0;
}
