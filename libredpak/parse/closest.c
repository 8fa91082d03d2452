/* SPDX-License-Identifier: Apache-2.0 */
/* "did you mean": the nearest candidate by edit distance. */
#include "grammar.h"

#include <string.h>

/* Keys and item names are short; anything longer than this is not a typo
 * of one of them. */
#define RP_CLOSEST_MAX 64
#define RP_CLOSEST_DISTANCE 2

/* Levenshtein distance with two rows; insertions, deletions and
 * substitutions cost one each. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t prev[RP_CLOSEST_MAX + 1], cur[RP_CLOSEST_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1;
            size_t ins = cur[j - 1] + 1;
            size_t m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
        }
        memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
    }
    return prev[lb];
}

const char *rp_closest(const char *word, const char *const *candidates, size_t n)
{
    size_t lw = strlen(word);
    if (lw > RP_CLOSEST_MAX)
        return NULL;
    const char *best = NULL;
    size_t best_d = RP_CLOSEST_DISTANCE + 1;
    for (size_t i = 0; i < n; i++) {
        size_t lc = strlen(candidates[i]);
        if (lc > RP_CLOSEST_MAX)
            continue;
        size_t gap = lc > lw ? lc - lw : lw - lc;
        if (gap > RP_CLOSEST_DISTANCE)
            continue;
        size_t d = edit_distance(word, lw, candidates[i], lc);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
