/* SPDX-License-Identifier: Apache-2.0 */
/* Prints the identity and privilege lines of /proc/self/status: Uid, Gid,
 * Groups, the five capability sets, NoNewPrivs and Seccomp. Static, so that
 * it runs in a bare node and under a tight seccomp filter. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const wanted[] = {
    "Uid:",    "Gid:",    "Groups:", "CapInh:",     "CapPrm:",
    "CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:", "Seccomp:",
};

int main(void)
{
    static char buf[16384];
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0) {
        perror("procstatus: /proc/self/status");
        return 2;
    }
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 2;
    buf[n] = '\0';
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
            if (strncmp(line, wanted[i], strlen(wanted[i])) == 0)
                printf("%s\n", line);
    return 0;
}
