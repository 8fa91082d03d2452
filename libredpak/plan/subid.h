/* SPDX-License-Identifier: Apache-2.0 */
/* The caller's subordinate ids: the ranges of /etc/subuid and /etc/subgid
 * that shadow's newuidmap and newgidmap let it map (subid.c). */
#ifndef REDPAK_SUBID_H
#define REDPAK_SUBID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* More ranges than one user needs; further lines of the same owner are
 * left out (fewer ids, never ids the helpers would refuse). */
#define RP_SUBID_MAX 32

struct rp_subid_range {
    uint32_t start, count;
};

struct rp_subids {
    struct rp_subid_range v[RP_SUBID_MAX];
    size_t n;
};

/* One line "OWNER:START:COUNT" (a trailing newline allowed): true and
 * *out set when it is well formed and OWNER is name or the decimal id. */
bool rp_subid_parse_line(const char *line, const char *name, uint32_t id,
                         struct rp_subid_range *out);

/* The ranges of name (or id) in path, in file order. A missing file has
 * none (0); any other failure to read it is -errno. */
int rp_subid_read(const char *path, const char *name, uint32_t id, struct rp_subids *out);

/* true when every id of [start, start + count) is in the ranges, ranges
 * that touch joined, as newuidmap checks a map line. */
bool rp_subid_covers(const struct rp_subids *s, uint64_t start, uint64_t count);

#endif
