/* SPDX-License-Identifier: Apache-2.0 */
/* Filling the error values of redpak/error.h: the parser and the planner
 * add diagnostics, the executor sets its run-time error. Programs only
 * read, print and free them, so these are not part of the API. */
#ifndef REDPAK_ERROR_INTERNAL_H
#define REDPAK_ERROR_INTERNAL_H

#include <stddef.h>

#include "redpak/error.h"

void rp_diags_add(struct rp_diags *d, const struct rp_pos *pos, const char *key_path,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Puts d->v[first..] in file order (line, column; --set ones last), keeping
 * the order of discovery among equals. */
void rp_diags_sort(struct rp_diags *d, size_t first);

/* Fills err with code (a positive errno is negated) and the formatted
 * message; a non-zero errno adds ": strerror(errno)". Returns the code. */
int rp_error_set(struct rp_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
