/* SPDX-License-Identifier: Apache-2.0 */
/* init_probe: what a workload can do to or learn from the node's init
 * (tests/security/init_lockdown.bats), one attempt per run. It prints
 * "escaped: ..." when the attempt worked, "refused: ... errno=N" when it
 * did not, and exits 0 either way (the test reads the output). Static, so
 * it runs in a node without /usr.
 *
 *   init_probe mem        opens /proc/1/mem for writing and writes one byte
 *                         of init's memory back where it read it
 *   init_probe dump FILE  prints FILE with its NUL bytes as newlines, or
 *                         "refused: ..." when it cannot be read
 *   init_probe status     /proc/1/status, once init shows a seccomp filter
 *                         or after 2 s: init locks itself down only after
 *                         the workload's execve, so a fast probe could look
 *                         before it did */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* PATH's first bytes into buf, NUL-terminated; 0 when it cannot be read. */
static size_t read_head(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return n > 0 ? (size_t)n : 0;
}

/* Field 48 of /proc/1/stat, arg_start (proc(5)): an address that is
 * surely mapped in init. The kernel shows 0 to a reader without ptrace
 * access to init. */
static uint64_t init_arg_start(void)
{
    char buf[4096];
    if (!read_head("/proc/1/stat", buf, sizeof(buf)))
        return 0;
    /* Fields after the command's closing parenthesis; it is field 2. */
    char *p = strrchr(buf, ')');
    int field = 2;
    while (p && field < 48) {
        p = strchr(p + 1, ' ');
        field++;
    }
    return p ? strtoull(p + 1, NULL, 10) : 0;
}

static int mem(void)
{
    int fd = open("/proc/1/mem", O_RDWR);
    if (fd < 0) {
        printf("refused: open /proc/1/mem for writing errno=%d\n", errno);
        return 0;
    }
    uint64_t at = init_arg_start();
    unsigned char c;
    if (at == 0 || pread(fd, &c, 1, (off_t)at) != 1) {
        printf("refused: /proc/1/mem opened, but no address to read (arg_start %#" PRIx64
               ") errno=%d\n",
               at, errno);
        return 0;
    }
    if (pwrite(fd, &c, 1, (off_t)at) != 1)
        printf("refused: write to /proc/1/mem errno=%d\n", errno);
    else
        printf("escaped: wrote init's memory at %#" PRIx64 "\n", at);
    close(fd);
    return 0;
}

static int dump(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("refused: open %s errno=%d\n", path, errno);
        return 0;
    }
    char buf[4096];
    ssize_t n;
    size_t total = 0;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] == '\0')
                buf[i] = '\n';
        fwrite(buf, 1, (size_t)n, stdout);
        total += (size_t)n;
    }
    if (n < 0)
        printf("refused: read %s errno=%d\n", path, errno);
    printf("\n%s: %zu bytes\n", path, total);
    close(fd);
    return 0;
}

static int status(void)
{
    char buf[8192];
    for (int i = 0; i < 200; i++) {
        if (!read_head("/proc/1/status", buf, sizeof(buf)) || strstr(buf, "\nSeccomp:\t2\n"))
            break;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    return dump("/proc/1/status");
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "mem") == 0)
        return mem();
    if (strcmp(what, "status") == 0)
        return status();
    if (strcmp(what, "dump") == 0 && argc > 2)
        return dump(argv[2]);
    fprintf(stderr, "usage: init_probe mem | dump FILE | status\n");
    return 2;
}
