/* SPDX-License-Identifier: Apache-2.0 */
/* A node's family: freeing it with the node, and the read-only public
 * calls of redpak/family.h (the chain, the origins of --origin). */
#include "node_family.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redpak/node.h"

void rp_family_free(struct rp_family *fam)
{
    if (!fam)
        return;
    for (size_t i = 0; i < fam->n; i++) {
        free(fam->files[i]);
        free(fam->dirs[i]);
    }
    for (size_t i = 0; i < fam->n_origins; i++) {
        free(fam->origins[i].key);
        free(fam->origins[i].value);
    }
    free(fam->origins);
    free(fam->files);
    free(fam->dirs);
    free(fam);
}

size_t rp_node_family_files(const struct rp_node *node, const char *const **files, bool *has_policy)
{
    if (has_policy)
        *has_policy = node->family && node->family->has_policy;
    if (!node->family) {
        *files = (const char *const *)&node->file;
        return 1;
    }
    *files = (const char *const *)node->family->files;
    return node->family->n;
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

int rp_node_print_origins(const struct rp_node *node, bool json, FILE *out)
{
    const struct rp_family *f = node->family;
    size_t n = f ? f->n_origins : 0;
    if (json)
        fputs("[", out);
    for (size_t i = 0; i < n; i++) {
        const struct rp_origin *r = &f->origins[i];
        if (json) {
            fputs(i ? ",\n  {\"key\": " : "\n  {\"key\": ", out);
            json_string(out, r->key);
            fputs(", \"value\": ", out);
            json_string(out, r->value);
            fputs(", \"file\": ", out);
            json_string(out, r->pos.file);
            fprintf(out, ", \"line\": %u, \"column\": %u}", r->pos.line, r->pos.column);
        } else {
            /* A multi-line value (a file's content) shows its first line. */
            const char *nl = strchr(r->value, '\n');
            int vlen = nl ? (int)(nl - r->value) : (int)strlen(r->value);
            fprintf(out, "%s = %.*s%s  # %s:%u:%u\n", r->key, vlen, r->value, nl ? "..." : "",
                    r->pos.file, r->pos.line, r->pos.column);
        }
    }
    if (json)
        fputs(n ? "\n]\n" : "]\n", out);
    return ferror(out) ? -1 : 0;
}
