/* SPDX-License-Identifier: Apache-2.0 */
/* A small streaming JSON writer: nested objects and arrays with the commas
 * and indentation kept by the writer, so that a caller only says what comes
 * next. Shared by the plan's JSON form and the OCI bundle's config.json. */
#ifndef RP_JSON_WRITE_H
#define RP_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A JSON string of len bytes: quotes, backslashes and control characters
 * escaped, other bytes as they are. */
void rp_json_quoted(FILE *out, const char *s, size_t len);

#define RP_JSON_MAX_DEPTH 16

struct rp_json {
    FILE *out;
    int depth;
    bool first[RP_JSON_MAX_DEPTH]; /* nothing written yet at this depth */
};

/* key is NULL inside an array. */
void rp_json_object(struct rp_json *j, const char *key);
void rp_json_array(struct rp_json *j, const char *key);
void rp_json_end_object(struct rp_json *j);
void rp_json_end_array(struct rp_json *j);
void rp_json_str(struct rp_json *j, const char *key, const char *value);
void rp_json_u64(struct rp_json *j, const char *key, uint64_t value);
void rp_json_i64(struct rp_json *j, const char *key, int64_t value);
void rp_json_bool(struct rp_json *j, const char *key, bool value);

#endif
