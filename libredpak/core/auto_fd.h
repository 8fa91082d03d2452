/* SPDX-License-Identifier: Apache-2.0 */
/* Resources released when their variable leaves scope, so that no return
 * path needs a close or free of its own:
 *     RP_AUTO_FD int fd = open(...);
 *     RP_AUTO_FREE char *path = NULL;
 *     RP_AUTO_FILE FILE *f = fopen(...);
 *     RP_AUTO_DIR DIR *d = fdopendir(...);
 * A type whose release function takes a pointer to it is named directly:
 *     __attribute__((cleanup(rp_mountinfo_free))) struct rp_mountinfo_table t = {0};
 * What holds nothing (a negative fd, a NULL pointer: a failed open) is left
 * alone, so no path needs a special case before returning. */
#ifndef REDPAK_AUTO_FD_H
#define REDPAK_AUTO_FD_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Closes *fd and sets it to -1: also the way to close an fd kept in a
 * struct, which then reads as closed. */
static inline void rp_close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static inline void rp_free_ptr(void *p)
{
    free(*(void **)p);
}

static inline void rp_close_file(FILE **f)
{
    if (*f)
        fclose(*f);
}

static inline void rp_close_dir(DIR **d)
{
    if (*d)
        closedir(*d);
}

#define RP_AUTO_FD __attribute__((cleanup(rp_close_fd)))
#define RP_AUTO_FREE __attribute__((cleanup(rp_free_ptr)))
#define RP_AUTO_FILE __attribute__((cleanup(rp_close_file)))
#define RP_AUTO_DIR __attribute__((cleanup(rp_close_dir)))

#endif
