/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON form of a printed plan (rednode-config plan --json):
 *   {"node": NAME, "file": FILE, "sections": [
 *     {"number": 3, "name": "cgroup", "steps": [
 *       {"id": "3.2", "op": "write", "file": "memory.max", "value": "268435456",
 *        "text": "write memory.max = 268435456"}, ...]}, ...]}
 * The "text" of a step is the line the text form prints. A node with a
 * packages section also gets, before "sections":
 *   "packages": {"root": DIR, "lock": FILE, "host_repos": false,
 *     "releasever": null, "repos": [{"name", "baseurl", "gpgcheck",
 *     "gpgkey"}], "install": [NAMES]}
 * which is all the DNF plugin reads of the node (docs/packages.md). */
#include "plan_emit.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "enum_names.h"
#include "json_write.h"
#include "node_lock.h"

static void json_string(FILE *out, const char *s)
{
    if (s)
        rp_json_quoted(out, s, strlen(s));
    else
        fputs("null", out);
}

static void json_packages(struct plan_emit *e, const struct rp_plan *p)
{
    const struct rp_packages *k = p->packages;
    char *lock = rp_node_lock_path(p->node->root.source);
    if (!lock)
        e->failed = true;
    fputs(", \"packages\": {\"root\": ", e->out);
    json_string(e->out, p->node->root.source);
    fputs(", \"lock\": ", e->out);
    json_string(e->out, lock);
    free(lock);
    fprintf(e->out, ", \"host_repos\": %s, \"releasever\": ", k->host_repos ? "true" : "false");
    json_string(e->out, k->releasever);
    fputs(", \"repos\": [", e->out);
    for (size_t i = 0; i < k->n_repos; i++) {
        fputs(i ? ", {\"name\": " : "{\"name\": ", e->out);
        json_string(e->out, k->repos[i].name);
        fputs(", \"baseurl\": ", e->out);
        json_string(e->out, k->repos[i].baseurl);
        fprintf(e->out,
                ", \"gpgcheck\": %s, \"gpgkey\": ", k->repos[i].gpgcheck ? "true" : "false");
        json_string(e->out, k->repos[i].gpgkey);
        fputc('}', e->out);
    }
    fputs("], \"install\": [", e->out);
    for (size_t i = 0; i < k->install.n; i++) {
        if (i)
            fputs(", ", e->out);
        json_string(e->out, k->install.v[i]);
    }
    fputs("]}", e->out);
}

static void json_begin(struct plan_emit *e, const struct rp_plan *p)
{
    fputs("{\"node\": ", e->out);
    json_string(e->out, p->node ? p->node->name : NULL);
    fputs(", \"file\": ", e->out);
    json_string(e->out, p->node ? p->node->file : NULL);
    if (p->packages && p->node->root.source)
        json_packages(e, p);
    fputs(", \"sections\": [", e->out);
}

static void json_section(struct plan_emit *e, const char *name)
{
    if (e->section > 1)
        fputs("\n  ]},", e->out);
    fprintf(e->out, "\n  {\"number\": %u, \"name\": ", e->section);
    json_string(e->out, name);
    fputs(", \"steps\": [", e->out);
}

static void json_step(struct plan_emit *e, const char *op)
{
    fprintf(e->out, "%s\n    {\"id\": \"%u.%u\", \"op\": ", e->step > 1 ? "," : "", e->section,
            e->step);
    json_string(e->out, op);
}

static void json_str(struct plan_emit *e, const char *key, const char *value)
{
    fprintf(e->out, ", \"%s\": ", key);
    json_string(e->out, value);
}

static void json_strn(struct plan_emit *e, const char *key, const char *value, size_t len)
{
    fprintf(e->out, ", \"%s\": ", key);
    rp_json_quoted(e->out, value ? value : "", value ? len : 0);
}

static void json_u64(struct plan_emit *e, const char *key, uint64_t value)
{
    fprintf(e->out, ", \"%s\": %" PRIu64, key, value);
}

static void json_i64(struct plan_emit *e, const char *key, int64_t value)
{
    fprintf(e->out, ", \"%s\": %" PRId64, key, value);
}

static void json_bool(struct plan_emit *e, const char *key, bool value)
{
    fprintf(e->out, ", \"%s\": %s", key, value ? "true" : "false");
}

static void json_strings(struct plan_emit *e, const char *key, char *const *v, size_t n)
{
    fprintf(e->out, ", \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", e->out);
        json_string(e->out, v[i]);
    }
    fputc(']', e->out);
}

static void json_idmap(struct plan_emit *e, const char *key, const struct rp_id_map *v, size_t n)
{
    fprintf(e->out, ", \"%s\": [", key);
    for (size_t i = 0; i < n; i++)
        fprintf(e->out, "%s{\"inside\": %u, \"outside\": %u, \"count\": %u}", i ? ", " : "",
                v[i].inside, v[i].outside, v[i].count);
    fputc(']', e->out);
}

static void json_ids(struct plan_emit *e, const char *key, const gid_t *v, size_t n)
{
    fprintf(e->out, ", \"%s\": [", key);
    for (size_t i = 0; i < n; i++)
        fprintf(e->out, "%s%u", i ? ", " : "", (unsigned)v[i]);
    fputc(']', e->out);
}

static void json_seccomp_args(struct plan_emit *e, const struct rp_seccomp_arg *v, size_t n)
{
    fputs(", \"args\": [", e->out);
    for (size_t i = 0; i < n; i++) {
        fprintf(e->out, "%s{\"index\": %u, \"op\": \"%s\", \"value\": %" PRIu64, i ? ", " : "",
                v[i].index, rp_seccomp_op_name(v[i].op), v[i].value);
        if (v[i].op == RP_SC_MASKED_EQ)
            fprintf(e->out, ", \"mask\": %" PRIu64, v[i].mask);
        fputc('}', e->out);
    }
    fputc(']', e->out);
}

static void json_step_end(struct plan_emit *e, const char *line)
{
    fputs(", \"text\": ", e->out);
    json_string(e->out, line);
    fputc('}', e->out);
}

static void json_end(struct plan_emit *e)
{
    if (e->section > 0)
        fputs("\n  ]}", e->out);
    fputs("\n]}\n", e->out);
}

const struct plan_emit_ops plan_json_ops = {
    .begin = json_begin,
    .section = json_section,
    .step = json_step,
    .step_end = json_step_end,
    .end = json_end,
    .str = json_str,
    .strn = json_strn,
    .u64 = json_u64,
    .i64 = json_i64,
    .boolean = json_bool,
    .strings = json_strings,
    .idmap = json_idmap,
    .ids = json_ids,
    .seccomp_args = json_seccomp_args,
};
