/* SPDX-License-Identifier: Apache-2.0 */
/* Reasons for a rejected value. The grammars write a short sentence into a
 * caller's buffer ("expected an octal string like \"0755\"") that the parser
 * places after the key path; these helpers keep that writing uniform. */
#ifndef REDPAK_WHY_H
#define REDPAK_WHY_H

#include <stdbool.h>
#include <stddef.h>

/* The longest piece of a user's value quoted back in a reason. */
#define RP_WHY_QUOTE_MAX 48

/* Formats into why (which may be NULL) and returns false, so that a check
 * can end with `return rp_why(why, whylen, "...")`. */
bool rp_why(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A buffer for rp_why_quote, declared where a reason is written. */
#define QBUF char q[RP_WHY_QUOTE_MAX * 4 + 8]

/* s made safe to print inside double quotes: '"', '\\' and bytes outside
 * printable ASCII are escaped, and a long value is cut with "...". */
const char *rp_why_quote(const char *s, char buf[static RP_WHY_QUOTE_MAX * 4 + 8]);

#endif
