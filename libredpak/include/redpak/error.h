/* Errors travel as values: a library function returns 0 or a negative
 * errno-style code and fills one of these. The CLI prints it once. */
#ifndef REDPAK_ERROR_H
#define REDPAK_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A position in a node file (or in a --set argument). Lines and columns
 * are 1-based, as editors show them. */
struct rp_pos {
    const char *file;   /* borrowed from the node that owns it */
    unsigned line;
    unsigned column;
};

/* One problem found in a node description: FILE:LINE:COLUMN: key.path: message */
struct rp_diag {
    char *file;
    unsigned line;
    unsigned column;
    char *key_path;     /* "mounts[2].source"; "" for document-level problems */
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
    int code;           /* negative errno-style value, 0 when unset */
    char msg[1024];
};

void rp_diags_add(struct rp_diags *d, const struct rp_pos *pos, const char *key_path,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void rp_diags_free(struct rp_diags *d);
/* Puts d->v[first..] in file order (line, column; --set ones last), keeping
 * the order of discovery among equals. */
void rp_diags_sort(struct rp_diags *d, size_t first);
/* Writes "FILE:LINE:COLUMN: key.path: message\n" for each, prefixed by prog. */
void rp_diags_print(const struct rp_diags *d, const char *prog, void *stream);

/* Fills err with code (a positive errno is negated) and the formatted
 * message; a non-zero errno adds ": strerror(errno)". Returns the code. */
int rp_error_set(struct rp_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The name the library's own messages start with ("redwrap: ..."); the
 * calling program sets it once, before anything else. Default "redpak". */
void rp_set_program_name(const char *name);
const char *rp_program_name(void);

#ifdef __cplusplus
}
#endif
#endif
