/* SPDX-License-Identifier: Apache-2.0 */
/* Node paths as keys: "//a/b/" and "/a/b" are one path. A small open-
 * addressing map from a normalised path to an index, so that merging or
 * checking lists of 1,000 mounts by path stays linear. */
#include "family.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void norm_path(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = in; *p && o + 1 < size; p++) {
        if (*p == '/' && o && out[o - 1] == '/')
            continue;
        out[o++] = *p;
    }
    while (o > 1 && out[o - 1] == '/')
        o--;
    out[o] = '\0';
}

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

void fam_pathmap_init(struct fam_pathmap *m, size_t cap)
{
    size_t size = 16;
    while (size < 2 * cap + 2)
        size *= 2;
    m->mask = size - 1;
    m->n = 0;
    m->slot = rp_xcalloc(size, sizeof(*m->slot));
    m->key = rp_xcalloc(size, sizeof(*m->key));
}

static size_t find(const struct fam_pathmap *m, const char *key)
{
    size_t h = hash_str(key) & m->mask;
    while (m->key[h] && strcmp(m->key[h], key))
        h = (h + 1) & m->mask;
    return h;
}

void fam_pathmap_put(struct fam_pathmap *m, const char *path, size_t val)
{
    char buf[4096];
    norm_path(path, buf, sizeof(buf));
    if (2 * (m->n + 1) > m->mask + 1) {
        /* Grown by rehashing: a caller may put more than it planned. */
        struct fam_pathmap old = *m;
        fam_pathmap_init(m, 2 * old.n + 2);
        for (size_t i = 0; i <= old.mask; i++) {
            if (!old.key[i])
                continue;
            size_t h = find(m, old.key[i]);
            m->key[h] = old.key[i];
            m->slot[h] = old.slot[i];
            m->n++;
        }
        free(old.key);
        free(old.slot);
    }
    size_t h = find(m, buf);
    if (m->key[h])
        return; /* the first of a path wins */
    m->key[h] = rp_xstrdup(buf);
    m->slot[h] = val;
    m->n++;
}

/* Most paths are written normalised: looked up as they are, uncopied. */
static bool is_normal(const char *p)
{
    size_t n = 0;
    for (; p[n]; n++)
        if (p[n] == '/' && n && p[n - 1] == '/')
            return false;
    return n < 4096 && !(n > 1 && p[n - 1] == '/');
}

long fam_pathmap_get(const struct fam_pathmap *m, const char *path)
{
    if (!m->n)
        return -1;
    char buf[4096];
    if (!is_normal(path)) {
        norm_path(path, buf, sizeof(buf));
        path = buf;
    }
    size_t h = find(m, path);
    return m->key[h] ? (long)m->slot[h] : -1;
}

void fam_pathmap_free(struct fam_pathmap *m)
{
    for (size_t i = 0; m->key && i <= m->mask; i++)
        free(m->key[i]);
    free(m->key);
    free(m->slot);
    memset(m, 0, sizeof(*m));
}
