/* SPDX-License-Identifier: Apache-2.0 */
/* The aborting allocators of core/alloc.h. */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *rp_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

void *rp_xrealloc(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        abort();
    void *q = realloc(p, n && size ? n * size : 1);
    if (!q)
        abort();
    return q;
}

char *rp_xstrndup(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (!p)
        abort();
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *rp_xstrdup(const char *s)
{
    return rp_xstrndup(s, strlen(s));
}
