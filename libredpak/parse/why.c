/* SPDX-License-Identifier: Apache-2.0 */
/* Reasons for a rejected value: formatting and safe quoting of user input. */
#include "why.h"

#include <stdarg.h>
#include <stdio.h>

bool rp_why(char *why, size_t whylen, const char *fmt, ...)
{
    if (why && whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* A value can hold a terminal escape sequence or a megabyte of text; the
 * reason quotes a bounded, printable form so an error line stays one line. */
const char *rp_why_quote(const char *s, char buf[static RP_WHY_QUOTE_MAX * 4 + 8])
{
    static const char hex[] = "0123456789abcdef";
    char *o = buf;
    size_t i = 0;
    for (; s[i] && i < RP_WHY_QUOTE_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c >= 0x20 && c < 0x7f) {
            *o++ = (char)c;
        } else {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    if (s[i]) {
        *o++ = '.';
        *o++ = '.';
        *o++ = '.';
    }
    *o = '\0';
    return buf;
}
