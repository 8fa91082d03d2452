/* SPDX-License-Identifier: Apache-2.0 */
/* Errors travel as values: a library function returns 0 or a negative
 * errno-style code and fills one of these. The CLI prints it once. */
#ifndef REDPAK_ERROR_H
#define REDPAK_ERROR_H

#include <stddef.h>

#include "redpak/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A position in a node file (or in a --set argument). Lines and columns
 * are 1-based, as editors show them. */
struct rp_pos {
    const char *file; /* borrowed from the node that owns it */
    unsigned line;
    unsigned column;
};

/* One problem found in a node description: FILE:LINE:COLUMN: key.path: message */
struct rp_diag {
    char *file;
    unsigned line;
    unsigned column;
    char *key_path; /* "mounts[2].source"; "" for document-level problems */
    char *message;
};

/* Every problem found while parsing, validating and planning: a user wants
 * to fix them all in one edit, not one per run. */
struct rp_diags {
    struct rp_diag *v;
    size_t n;
    size_t cap;
};

/* A run-time failure: which step, which path, and the system's reason. */
struct rp_error {
    int code; /* negative errno-style value, 0 when unset */
    char msg[1024];
};

/* Frees what a parse or a plan left in d and empties it; d stays usable. */
RP_PUBLIC void rp_diags_free(struct rp_diags *d);
/* Writes "FILE:LINE:COLUMN: key.path: message\n" for each, prefixed by prog. */
RP_PUBLIC void rp_diags_print(const struct rp_diags *d, const char *prog, void *stream);

/* The name the library's own messages start with ("redwrap: ..."); the
 * calling program sets it once, before anything else. Default "redpak". */
RP_PUBLIC void rp_set_program_name(const char *name);

#ifdef __cplusplus
}
#endif
#endif
