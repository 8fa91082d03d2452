/* SPDX-License-Identifier: Apache-2.0 */
/* Small JSON files (an OCI image layout's index, manifest and config) read
 * with libyaml: JSON is YAML's flow style, and libyaml is a dependency
 * already, where a JSON library would be one more. */
#ifndef RP_JSON_READ_H
#define RP_JSON_READ_H

#include <stddef.h>
#include <yaml.h>

/* Loads path (below dirfd, at most max bytes) into doc. 0, or -errno
 * (-EINVAL: not JSON, with the parser's problem in why). */
int rp_json_load(int dirfd, const char *path, size_t max, yaml_document_t *doc, char *why,
                 size_t why_len);
/* The value of key in mapping map, or NULL. */
yaml_node_t *rp_json_get(yaml_document_t *d, yaml_node_t *map, const char *key);
/* A scalar's text, or NULL for anything else (and for NULL). */
const char *rp_json_text(yaml_node_t *n);
/* A sequence's length (0 for anything else), and its item i. */
size_t rp_json_len(yaml_node_t *seq);
yaml_node_t *rp_json_item(yaml_document_t *d, yaml_node_t *seq, size_t i);

#endif
