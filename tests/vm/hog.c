/* SPDX-License-Identifier: Apache-2.0 */
/* A memory hog for the VM cases: touches MIB mebibytes of anonymous memory
 * one page at a time (so the cgroup is charged as it goes, and memory.high
 * and memory.max act while it grows), then holds it for SECONDS.
 * Usage: hog MIB [SECONDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: hog MIB [SECONDS]\n");
        return 2;
    }
    long mib = strtol(argv[1], NULL, 10);
    long hold = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    long page = sysconf(_SC_PAGESIZE);
    for (long i = 0; i < mib; i++) {
        char *chunk = malloc(1 << 20);
        if (!chunk) {
            fprintf(stderr, "hog: malloc failed after %ld MiB\n", i);
            return 1;
        }
        for (long off = 0; off < (1 << 20); off += page)
            chunk[off] = (char)(i + 1); /* non-zero: zswap/KSM cannot fold it */
    }
    printf("hog: holding %ld MiB\n", mib);
    fflush(stdout);
    sleep((unsigned)hold);
    return 0;
}
