/* SPDX-License-Identifier: Apache-2.0 */
/* Value grammars of the node format (docs/node-format.md, "Value types"):
 * sizes, modes, paths, names, ids, owners. The parser and the --set
 * overrides both call these, so a value means the same thing wherever it
 * is written. */
#include "grammar.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "why.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

/* Decimal digits only (no sign, no spaces, no 0x) into a uint64_t.
 * Returns false on anything else; *overflow tells the two failures apart. */
static bool parse_u64(const char *s, size_t len, uint64_t *out, bool *overflow)
{
    uint64_t v = 0;
    *overflow = false;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i]))
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) {
            *overflow = true;
            return false;
        }
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool rp_grammar_size(const char *s, bool allow_max, uint64_t *out, char *why, size_t whylen)
{
    QBUF;
    const char *expected = allow_max
        ? "expected a size: bytes, a number with K, M or G (powers of 1024), or \"max\""
        : "expected a size: bytes or a number with K, M or G (powers of 1024)";
    if (allow_max && strcmp(s, "max") == 0) {
        *out = UINT64_MAX;
        return true;
    }
    size_t len = strlen(s);
    unsigned shift = 0;
    if (len > 0) {
        switch (s[len - 1]) {
        case 'K':
        case 'k': shift = 10; break;
        case 'M':
        case 'm': shift = 20; break;
        case 'G':
        case 'g': shift = 30; break;
        default: break;
        }
    }
    size_t ndigits = shift ? len - 1 : len;
    uint64_t v;
    bool overflow;
    if (!parse_u64(s, ndigits, &v, &overflow)) {
        if (overflow)
            return rp_why(why, whylen, "size \"%s\" is larger than 2^64-1 bytes",
                          rp_why_quote(s, q));
        return rp_why(why, whylen, "%s, got \"%s\"", expected, rp_why_quote(s, q));
    }
    if (shift && v > (UINT64_MAX >> shift))
        return rp_why(why, whylen, "size \"%s\" is larger than 2^64-1 bytes", rp_why_quote(s, q));
    /* "max" is UINT64_MAX: a byte count that spells the same number would be
     * read back as "max" by everyone downstream, so it cannot be a size. */
    if ((v << shift) == UINT64_MAX)
        return rp_why(why, whylen, "size \"%s\" is larger than 2^64-2 bytes%s", rp_why_quote(s, q),
                      allow_max ? " (write \"max\")" : "");
    *out = v << shift;
    return true;
}

/* Permission bits plus setuid, setgid and sticky: what chmod(2) takes.
 * One to four octal digits, optionally after a leading 0 ("0755", "1777",
 * "755", "07777"). Not "0o755" nor "0x1ed": a mode is written as chmod(1)
 * would read it. */
bool rp_grammar_mode(const char *s, mode_t *out, char *why, size_t whylen)
{
    QBUF;
    size_t len = strlen(s);
    const char *d = s;
    if (len == 5 && s[0] == '0') {
        d++;
        len--;
    }
    bool ok = len >= 1 && len <= 4;
    mode_t m = 0;
    for (size_t i = 0; ok && i < len; i++) {
        if (d[i] < '0' || d[i] > '7')
            ok = false;
        else
            m = (mode_t)(m * 8 + (mode_t)(d[i] - '0'));
    }
    if (!ok)
        return rp_why(why, whylen,
                      "expected an octal mode from \"0000\" to \"07777\" like \"0755\", got \"%s\"",
                      rp_why_quote(s, q));
    *out = m;
    return true;
}

/* Splits s on '/', drops empty and "." components (so "//" and "/./" fold
 * and a trailing '/' goes away) and refuses "..": a path that climbs could
 * name a different file depending on symlinks met on the way, and inside
 * the node it could climb out of the new root. */
static bool normalise_path(const char *s, const char *what, char **out, char *why, size_t whylen)
{
    QBUF;
    size_t len = strlen(s);
    if (len == 0)
        return rp_why(why, whylen, "expected an absolute %s, got an empty string", what);
    if (s[0] != '/')
        return rp_why(why, whylen, "expected an absolute %s (starting with '/'), got \"%s\"", what,
                      rp_why_quote(s, q));
    if (len >= PATH_MAX)
        return rp_why(why, whylen, "%s is %zu bytes long; the limit is %d", what, len,
                      PATH_MAX - 1);
    char *norm = malloc(len + 1);
    if (!norm)
        return rp_why(why, whylen, "out of memory");
    size_t o = 0;
    const char *p = s;
    while (*p) {
        while (*p == '/')
            p++;
        const char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            free(norm);
            return rp_why(why, whylen, "a %s must not contain \"..\", got \"%s\"", what,
                          rp_why_quote(s, q));
        }
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            norm[o++] = '/';
            memcpy(norm + o, p, n);
            o += n;
        }
        p = end;
    }
    if (o == 0)
        norm[o++] = '/';
    norm[o] = '\0';
    *out = norm;
    return true;
}

/* "/" itself is a valid node path (process.cwd defaults to it); the parser
 * refuses it where it makes no sense, as a mount's or a tmpfs's path. */
bool rp_grammar_node_path(const char *s, char **out, char *why, size_t whylen)
{
    return normalise_path(s, "path inside the node", out, why, whylen);
}

bool rp_grammar_host_path(const char *s, char **out, char *why, size_t whylen)
{
    return normalise_path(s, "host path", out, why, whylen);
}

bool rp_grammar_node_name(const char *s, char *why, size_t whylen)
{
    QBUF;
    size_t len = strlen(s);
    bool ok = len >= 1 && len <= 63 && (is_lower(s[0]) || is_digit(s[0]));
    for (size_t i = 1; ok && i < len; i++)
        ok = is_lower(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-';
    if (!ok)
        return rp_why(why, whylen,
                      "expected a node name of 1 to 63 characters [a-z0-9_.-] starting with "
                      "a letter or digit, got \"%s\"",
                      rp_why_quote(s, q));
    return true;
}

/* sethostname(2) takes up to 64 bytes (__NEW_UTS_LEN) of anything; the
 * format narrows that to what resolvers and prompts handle. */
bool rp_grammar_hostname(const char *s, char *why, size_t whylen)
{
    QBUF;
    size_t len = strlen(s);
    bool ok = len >= 1 && len <= 64;
    for (size_t i = 0; ok && i < len; i++)
        ok = is_lower(s[i]) || (s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i]) || s[i] == '.' ||
            s[i] == '-';
    if (!ok)
        return rp_why(why, whylen, "expected 1 to 64 characters [A-Za-z0-9.-], got \"%s\"",
                      rp_why_quote(s, q));
    return true;
}

/* The name rule is shadow-utils' default NAME_REGEX, with the trailing '$'
 * of Samba machine accounts; 32 bytes is useradd's limit. */
#define RP_ID_NAME_MAX 32

static bool id_name_ok(const char *s, size_t len)
{
    if (len < 1 || len > RP_ID_NAME_MAX || !(is_lower(s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++) {
        bool last = i == len - 1;
        if (!(is_lower(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-' ||
              (last && s[i] == '$')))
            return false;
    }
    return true;
}

/* A number or a name, from len bytes of s. 4294967295 ((uid_t)-1) is
 * excluded: setresuid(2) and chown(2) read it as "leave unchanged". */
static bool id_ref_n(const char *s, size_t len, const char *what, struct rp_id_ref *out, char *why,
                     size_t whylen)
{
    QBUF;
    char *copy = strndup(s, len);
    if (!copy)
        return rp_why(why, whylen, "out of memory");
    uint64_t v;
    bool overflow;
    if (len > 0 && is_digit(s[0])) {
        bool ok = parse_u64(s, len, &v, &overflow) && v <= UINT32_MAX - 1;
        if (!ok) {
            rp_why(why, whylen, "expected a %s id from 0 to 4294967294 or a name, got \"%s\"", what,
                   rp_why_quote(copy, q));
            free(copy);
            return false;
        }
        free(copy);
        out->set = true;
        out->is_name = false;
        out->id = (uint32_t)v;
        out->name = NULL;
        return true;
    }
    if (!id_name_ok(s, len)) {
        rp_why(why, whylen,
               "expected a %s id from 0 to 4294967294 or a name like \"redis\" "
               "([a-z_][a-z0-9_-]*, up to 32 characters), got \"%s\"",
               what, rp_why_quote(copy, q));
        free(copy);
        return false;
    }
    out->set = true;
    out->is_name = true;
    out->id = 0;
    out->name = copy;
    return true;
}

bool rp_grammar_id_ref(const char *s, struct rp_id_ref *out, char *why, size_t whylen)
{
    return id_ref_n(s, strlen(s), "user or group", out, why, whylen);
}

bool rp_grammar_owner(const char *s, struct rp_owner *out, char *why, size_t whylen)
{
    QBUF;
    const char *colon = strchr(s, ':');
    if (!colon || strchr(colon + 1, ':'))
        return rp_why(why, whylen,
                      "expected \"UID:GID\" like \"999:999\" or \"redis:redis\", "
                      "got \"%s\"",
                      rp_why_quote(s, q));
    struct rp_id_ref user = {0}, group = {0};
    char part[RP_WHY_MAX];
    if (!id_ref_n(s, (size_t)(colon - s), "user", &user, part, sizeof(part)))
        return rp_why(why, whylen, "in \"UID:GID\": %s", part);
    if (!id_ref_n(colon + 1, strlen(colon + 1), "group", &group, part, sizeof(part))) {
        free(user.name);
        return rp_why(why, whylen, "in \"UID:GID\": %s", part);
    }
    out->set = true;
    out->user.set = true;
    out->user.is_name = user.is_name;
    out->user.id = user.id;
    out->user.name = user.name;
    out->group.set = true;
    out->group.is_name = group.is_name;
    out->group.id = group.id;
    out->group.name = group.name;
    return true;
}
