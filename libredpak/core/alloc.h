/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation for the parse stage and the node model: a node file is at
 * most RP_NODE_MAX_BYTES, so an allocation that fails there means the
 * process is out of memory and cannot report anything useful; these abort
 * (docs/architecture.md, "Out of memory"). The plan and apply stages return
 * -ENOMEM instead and never call these. */
#ifndef REDPAK_ALLOC_H
#define REDPAK_ALLOC_H

#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* calloc/realloc/strdup that abort on failure; a zero size still returns a
 * distinct pointer. rp_xrealloc checks n * size for overflow. */
void *rp_xcalloc(size_t n, size_t size);
void *rp_xrealloc(void *p, size_t n, size_t size);
char *rp_xstrndup(const char *s, size_t len);
char *rp_xstrdup(const char *s);

#endif
