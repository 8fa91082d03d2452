/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a whole file descriptor into memory. */
#ifndef REDPAK_READ_ALL_H
#define REDPAK_READ_ALL_H

#include <stddef.h>

/* Reads fd until EOF into a malloc'd buffer, NUL-terminated (the NUL is not
 * counted in *len; len may be NULL). /proc files and pipes have no size, so
 * the buffer grows as data comes; a regular file's size only sizes the first
 * allocation. More than max bytes: -EFBIG. Other failures: -errno (EINTR is
 * retried). On failure *buf is left untouched. */
int rp_read_all(int fd, size_t max, char **buf, size_t *len);

#endif
