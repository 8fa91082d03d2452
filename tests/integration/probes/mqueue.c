/* SPDX-License-Identifier: Apache-2.0 */
/* mqueue: creates a file in the mqueue mount given as argv[1], then opens
 * the queue of that name with mq_open(3), which goes through the caller's
 * IPC namespace's own instance. It prints "same" when the two are one
 * queue (the mount shows the caller's IPC namespace), "other" when
 * mq_open finds nothing. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mqueue MOUNT\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/redpak-probe", argv[1]);
    int fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) {
        fprintf(stderr, "create %s: %s\n", path, strerror(errno));
        return 1;
    }
    close(fd);
    mqd_t q = mq_open("/redpak-probe", O_RDONLY);
    puts(q == (mqd_t)-1 ? "other" : "same");
    unlink(path);
    return 0;
}
