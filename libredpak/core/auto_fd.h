/* A file descriptor closed when its variable leaves scope:
 *     RP_AUTO_FD int fd = open(...);
 * A negative value (a failed open) is left alone, so no path needs a
 * special case before returning. */
#ifndef REDPAK_AUTO_FD_H
#define REDPAK_AUTO_FD_H

#include <unistd.h>

static inline void rp_close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

#define RP_AUTO_FD __attribute__((cleanup(rp_close_fd)))

#endif
