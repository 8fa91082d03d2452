/* SPDX-License-Identifier: Apache-2.0 */
/* A small YAML tree built from libyaml's events: scalars, sequences and
 * mappings with their 1-based positions and YAML 1.2 core types. The node
 * parser walks it; --set overrides edit it before the walk, so a value
 * given on the command line is validated exactly like one in the file.
 *
 * The builder enforces the limits of a hostile file (RP_NODE_MAX_BYTES,
 * RP_NODE_MAX_DEPTH, RP_NODE_MAX_NODES counting alias expansions) and the
 * rules libyaml leaves to its caller (duplicate keys, one document, a
 * mapping at the top). */
#ifndef REDPAK_YAML_TREE_H
#define REDPAK_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "redpak/error.h"

enum yt_kind { YT_SCALAR, YT_SEQ, YT_MAP };

/* The YAML 1.2 core schema's resolution of a scalar. Every quoted scalar
 * is a string, whatever it looks like. */
enum yt_type { YT_NULL, YT_BOOL, YT_INT, YT_FLOAT, YT_STR };

struct yt_node;

struct yt_pair {
    struct yt_node *key; /* always a scalar */
    struct yt_node *value;
};

struct yt_node {
    enum yt_kind kind;
    const char *file;      /* NULL: the document's file; "--set" for overrides */
    unsigned line, column; /* 1-based; for --set: which --set, column in it */
    /* An alias shares its anchor's node: refs > 1 means an edit must copy. */
    unsigned refs;
    uint64_t weight; /* nodes in this subtree, alias expansions counted */
    unsigned height; /* nesting of collections below and including it */

    /* YT_SCALAR */
    char *text; /* NUL-terminated; a "\0" escape can hide a NUL inside */
    size_t len;
    bool quoted; /* any style but plain */
    /* A key written again in its mapping: reported once by the builder,
     * then skipped by every walker (only the first counts). */
    bool duplicate;
    enum yt_type type;
    bool boolean;  /* YT_BOOL */
    bool negative; /* YT_INT: sign and magnitude, overflow kept apart */
    uint64_t magnitude;
    bool int_overflow; /* |value| does not fit in 64 bits */

    /* YT_SEQ: items; YT_MAP: pairs. n entries each. */
    struct yt_node **items;
    struct yt_pair *pairs;
    size_t n, cap;
};

struct yt_doc {
    struct yt_node *root;  /* NULL after an error that stopped the build */
    unsigned line, column; /* where the document starts */
    /* Every node ever allocated for this document, freed together: aliases
     * make the tree a DAG, so ownership is the document's, not a parent's. */
    struct yt_node **all;
    size_t n_all, cap_all;
    uint64_t expanded; /* node count so far, aliases expanded */
};

/* Where the text being parsed sits when it is not a file of its own: a
 * --set VALUE is reported as "--set:N:COL". */
struct yt_origin {
    const char *file;
    unsigned line;          /* every position gets this line */
    unsigned column_offset; /* added to the 1-based column */
};

/* Parses buf (len bytes, no NUL needed) as one YAML document whose top
 * level is a mapping. Every problem goes to diags as "file:line:col";
 * returns 0, or -EINVAL when anything was reported. */
int yt_parse(const char *file, const char *buf, size_t len, struct yt_doc *doc,
             struct rp_diags *diags);
/* Parses buf as a stand-alone YAML value into doc's node set (the --set
 * VALUE); *out is NULL for an empty stream. No top-level rule applies. */
int yt_parse_value(const struct yt_origin *origin, const char *buf, size_t len, struct yt_doc *doc,
                   struct yt_node **out, struct rp_diags *diags);
void yt_free(struct yt_doc *doc);

/* A new node owned by doc, refs 1. Scalars copy text and resolve their type. */
struct yt_node *yt_new_scalar(struct yt_doc *doc, const char *text, size_t len, bool quoted);
struct yt_node *yt_new_collection(struct yt_doc *doc, enum yt_kind kind);
/* A shallow copy of a shared collection, for copy-on-write edits. */
struct yt_node *yt_copy_collection(struct yt_doc *doc, struct yt_node *n);
void yt_seq_append(struct yt_node *seq, struct yt_node *item);
void yt_map_append(struct yt_node *map, struct yt_node *key, struct yt_node *value);
/* The value of key in a mapping (compared as text), or NULL. */
struct yt_pair *yt_map_find(const struct yt_node *map, const char *key);

/* Replaces control characters (a quoted "\e[2J" in a key, say) with '?',
 * so that no message written from a node file can drive the terminal. */
void yt_defang(char *s);

/* "a string", "an int", "a mapping"... for "expected X, found Y". */
const char *yt_describe(const struct yt_node *n);

#endif
