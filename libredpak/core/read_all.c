/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a whole file descriptor: see read_all.h. */
#include "read_all.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int rp_read_all(int fd, size_t max, char **buf, size_t *len)
{
    size_t cap = 4096, have = 0;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        /* Refused before a byte is read; the loop below still checks, as a
         * file may grow between fstat and EOF. */
        if ((uint64_t)st.st_size > max)
            return -EFBIG;
        /* Two spare bytes: the NUL, and room for the read that sees EOF. */
        cap = (size_t)st.st_size + 2;
    }
    char *b = malloc(cap);
    if (!b)
        return -ENOMEM;
    for (;;) {
        if (cap - have < 2) {
            char *bigger = cap <= SIZE_MAX / 2 ? realloc(b, cap * 2) : NULL;
            if (!bigger) {
                free(b);
                return -ENOMEM;
            }
            b = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, b + have, cap - have - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(b);
            return -e;
        }
        if (n == 0)
            break;
        have += (size_t)n;
        if (have > max) {
            free(b);
            return -EFBIG;
        }
    }
    b[have] = '\0';
    *buf = b;
    if (len)
        *len = have;
    return 0;
}
