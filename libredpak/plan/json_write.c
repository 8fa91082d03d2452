/* SPDX-License-Identifier: Apache-2.0 */
/* The streaming JSON writer of json_write.h. */
#include "json_write.h"

#include <inttypes.h>
#include <string.h>

/* The plan's strings come from the node file, which the parser only
 * accepts as UTF-8: bytes above 0x7f pass through unchanged. */
void rp_json_quoted(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (ch < 0x20 || ch == 0x7f)
                fprintf(out, "\\u%04x", ch);
            else
                fputc(ch, out);
        }
    }
    fputc('"', out);
}

/* The separator, the indentation and the key of the next value. */
static void next(struct rp_json *j, const char *key)
{
    if (j->depth > 0) {
        fputs(j->first[j->depth] ? "\n" : ",\n", j->out);
        j->first[j->depth] = false;
    }
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->out);
    if (key) {
        rp_json_quoted(j->out, key, strlen(key));
        fputs(": ", j->out);
    }
}

static void open_level(struct rp_json *j, const char *key, char ch)
{
    next(j, key);
    fputc(ch, j->out);
    if (j->depth + 1 < RP_JSON_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
}

static void close_level(struct rp_json *j, char ch)
{
    bool empty = j->first[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (!empty) {
        fputc('\n', j->out);
        for (int i = 0; i < j->depth; i++)
            fputs("  ", j->out);
    }
    fputc(ch, j->out);
    if (j->depth == 0)
        fputc('\n', j->out);
}

void rp_json_object(struct rp_json *j, const char *key)
{
    open_level(j, key, '{');
}

void rp_json_array(struct rp_json *j, const char *key)
{
    open_level(j, key, '[');
}

void rp_json_end_object(struct rp_json *j)
{
    close_level(j, '}');
}

void rp_json_end_array(struct rp_json *j)
{
    close_level(j, ']');
}

void rp_json_str(struct rp_json *j, const char *key, const char *value)
{
    next(j, key);
    if (value)
        rp_json_quoted(j->out, value, strlen(value));
    else
        fputs("null", j->out);
}

void rp_json_u64(struct rp_json *j, const char *key, uint64_t value)
{
    next(j, key);
    fprintf(j->out, "%" PRIu64, value);
}

void rp_json_i64(struct rp_json *j, const char *key, int64_t value)
{
    next(j, key);
    fprintf(j->out, "%" PRId64, value);
}

void rp_json_bool(struct rp_json *j, const char *key, bool value)
{
    next(j, key);
    fputs(value ? "true" : "false", j->out);
}
