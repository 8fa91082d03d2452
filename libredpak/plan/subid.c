/* SPDX-License-Identifier: Apache-2.0 */
/* /etc/subuid and /etc/subgid, read as shadow's newuidmap and newgidmap
 * read them (lib/subordinateio.c): one "OWNER:START:COUNT" per line, the
 * owner a user name or a uid in decimal, a line that is not of that form
 * skipped. The files are parsed here rather than through libsubid
 * (libsubid-dev), which would bring PAM, SELinux and libsemanage into
 * every launch and has no static library; what that leaves out is
 * subordinate ids served by NSS ("subid:" in /etc/nsswitch.conf), which
 * the helpers would then accept and the plan does not offer. */
#include "subid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auto_fd.h"

/* A decimal number of at most 10 digits, all of [s, end). */
static bool decimal(const char *s, const char *end, uint64_t *out)
{
    uint64_t v = 0;
    if (s == end || end - s > 10)
        return false;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return true;
}

static bool owner_is(const char *s, size_t len, const char *name, uint32_t id)
{
    uint64_t n;
    if (name && strlen(name) == len && memcmp(s, name, len) == 0)
        return true;
    return decimal(s, s + len, &n) && n == id;
}

bool rp_subid_parse_line(const char *line, const char *name, uint32_t id,
                         struct rp_subid_range *out)
{
    size_t len = strcspn(line, "\n");
    const char *end = line + len;
    const char *c1 = memchr(line, ':', len);
    const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
    uint64_t start, count;
    /* Exactly three fields, none empty, the last two numbers. */
    if (!c1 || !c2 || c1 == line || memchr(c2 + 1, ':', (size_t)(end - c2 - 1)))
        return false;
    if (!decimal(c1 + 1, c2, &start) || !decimal(c2 + 1, end, &count))
        return false;
    /* Ids are 32 bits and (uid_t)-1 is no id: a range must end below it. */
    if (count == 0 || start + count > UINT32_MAX)
        return false;
    if (!owner_is(line, (size_t)(c1 - line), name, id))
        return false;
    *out = (struct rp_subid_range){(uint32_t)start, (uint32_t)count};
    return true;
}

int rp_subid_read(const char *path, const char *name, uint32_t id, struct rp_subids *out)
{
    out->n = 0;
    RP_AUTO_FILE FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : -errno;
    char line[1024];
    bool whole = true;
    while (fgets(line, sizeof(line), f)) {
        /* A line longer than the buffer is malformed; its tail is no line. */
        bool was_whole = whole;
        whole = strchr(line, '\n') != NULL || feof(f);
        struct rp_subid_range r;
        if (!was_whole || !whole || !rp_subid_parse_line(line, name, id, &r))
            continue;
        if (out->n < RP_SUBID_MAX)
            out->v[out->n++] = r;
    }
    return ferror(f) ? -EIO : 0;
}

bool rp_subid_covers(const struct rp_subids *s, uint64_t start, uint64_t count)
{
    uint64_t end = start + count;
    if (count == 0)
        return false;
    /* Walks forward through whichever range holds the next id needed. */
    for (bool moved = true; moved && start < end;) {
        moved = false;
        for (size_t i = 0; i < s->n; i++) {
            uint64_t lo = s->v[i].start, hi = lo + s->v[i].count;
            if (start >= lo && start < hi) {
                start = hi;
                moved = true;
            }
        }
    }
    return start >= end;
}
