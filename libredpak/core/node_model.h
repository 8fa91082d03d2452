/* SPDX-License-Identifier: Apache-2.0 */
/* The node model's life cycle inside the library: the public header
 * (redpak/node.h) declares the model and rp_node_free; the parser starts
 * from rp_node_new. */
#ifndef REDPAK_NODE_MODEL_H
#define REDPAK_NODE_MODEL_H

#include "redpak/node.h"

/* A node with every default of docs/node-format.md; aborts when out of
 * memory, like the rest of the parse stage (core/alloc.h). */
struct rp_node *rp_node_new(const char *file, const char *dir);

#endif
