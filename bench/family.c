/* SPDX-License-Identifier: Apache-2.0 */
/* bench_family: what a family costs over one file.
 *
 * Usage: bench_family [ITERATIONS]   (default 200)
 *   Writes to a fresh folder under /tmp the same node twice: once as one
 *   file of 1,000 mounts (binds, dirs, files and symlinks in turn) and 100
 *   environment variables, once as a 16-level family (each level extends
 *   the one above and adds 1/16 of the mounts; the leaf adds the rest and
 *   the environment). Then times rp_node_parse_file + rp_plan_build of each,
 *   ITERATIONS times, interleaved, and prints the median CPU time of the
 *   thread for both and their ratio. Target (issue 15): the family at most
 *   twice the single file. The last line says PASS or FAIL; the exit
 *   status is 0 or 1. No admin policy is read (no_policy): the figure is
 *   the family's own cost.
 *   Build: cmake --build BUILD --target bench_family (-DREDPAK_BENCH=ON). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "median.h"
#include "redpak/redpak.h"

#define MOUNTS 1000
#define LEVELS 16
#define ENV_VARS 100

static void mount_line(FILE *f, unsigned i)
{
    switch (i % 4) {
    case 0:
        fprintf(f, "  - {type: bind, path: /srv/m%u, source: /usr/share/m%u, optional: true}\n", i,
                i);
        break;
    case 1:
        fprintf(f, "  - {type: dir, path: /var/lib/d%u, mode: \"0750\", owner: \"0:0\"}\n", i);
        break;
    case 2:
        fprintf(f, "  - {type: file, path: /etc/f%u.conf, content: \"key %u\\n\"}\n", i, i);
        break;
    default: fprintf(f, "  - {type: symlink, path: /l%u, target: usr/lib/l%u}\n", i, i);
    }
}

/* Level k of n (0 the root) holding mounts [from, to); the root carries the
 * node's small sections, the leaf the environment, as a family would. */
static void write_level(const char *path, unsigned k, unsigned n, unsigned from, unsigned to)
{
    FILE *f = fopen(path, "w");
    if (!f)
        exit(2);
    fprintf(f, "version: 1\nnode: level%u\n", k);
    if (k)
        fprintf(f, "extends: level%u.yaml\n", k - 1);
    if (k == 0)
        fputs("hostname: bench\n"
              "sysctl: {net.core.somaxconn: \"1024\"}\n"
              "tmpfs: [{path: /tmp, size: 64M}]\n"
              "cgroup: {items: {memory.max: 256M, pids.max: 128, cpu.weight: 100}}\n"
              "capabilities: {keep: [net_bind_service]}\n"
              "mounts:\n  - {type: proc, path: /proc}\n  - {type: dev, path: /dev}\n",
              f);
    else if (from < to)
        fputs("mounts:\n", f);
    for (unsigned i = from; i < to; i++)
        mount_line(f, i);
    if (k + 1 == n) {
        fputs("process:\n  command: [/usr/bin/true]\n  env:\n    set:\n", f);
        for (unsigned i = 0; i < ENV_VARS; i++)
            fprintf(f, "      VAR_%u: \"value number %u\"\n", i, i);
    }
    fclose(f);
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double once(const char *file, size_t *n_mounts)
{
    struct rp_parse_opts popts = {.no_policy = true};
    struct rp_plan_opts opts = {0};
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    struct rp_plan *plan = NULL;
    double t0 = cpu_ms();
    int r = rp_node_parse_file(file, &popts, &node, &diags);
    if (r == 0)
        r = rp_plan_build(node, &opts, &plan, &diags);
    double t1 = cpu_ms();
    if (r < 0) {
        rp_diags_print(&diags, "bench_family", stderr);
        exit(2);
    }
    *n_mounts = node->n_mounts;
    rp_plan_free(plan);
    rp_node_free(node);
    rp_diags_free(&diags);
    return t1 - t0;
}

int main(int argc, char **argv)
{
    unsigned iters = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 200;
    char dir[] = "/tmp/bench-family-XXXXXX", single[64], leaf[64], path[64];
    if (!iters || !mkdtemp(dir))
        return 2;
    snprintf(single, sizeof(single), "%s/single.yaml", dir);
    write_level(single, 0, 1, 2, MOUNTS);
    unsigned per = (MOUNTS - 2) / LEVELS;
    for (unsigned k = 0; k < LEVELS; k++) {
        snprintf(path, sizeof(path), "%s/level%u.yaml", dir, k);
        write_level(path, k, LEVELS, k == 0 ? 2 : 2 + k * per,
                    k + 1 == LEVELS ? MOUNTS : 2 + (k + 1) * per);
    }
    snprintf(leaf, sizeof(leaf), "%s/level%u.yaml", dir, LEVELS - 1);

    double *a = malloc(iters * sizeof(double)), *b = malloc(iters * sizeof(double));
    size_t na = 0, nb = 0;
    if (!a || !b)
        return 2;
    once(single, &na); /* warm the caches and the allocator */
    once(leaf, &nb);
    for (unsigned i = 0; i < iters; i++) {
        a[i] = once(single, &na);
        b[i] = once(leaf, &nb);
    }
    if (na != nb || na != MOUNTS) {
        fprintf(stderr, "bench_family: %zu mounts in the file, %zu in the family\n", na, nb);
        return 2;
    }
    double ma = median(a, iters), mb = median(b, iters), ratio = mb / ma;
    printf("single file, %u mounts + %u env:      %8.3f ms CPU (median of %u)\n", MOUNTS, ENV_VARS,
           ma, iters);
    printf("%u-level family, same node:          %8.3f ms CPU (median of %u)\n", LEVELS, mb, iters);
    bool pass = ratio <= 2.0;
    printf("%s: the family costs %.2fx the single file (target: at most 2x)\n",
           pass ? "PASS" : "FAIL", ratio);
    char cmd[96];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 2;
    free(a);
    free(b);
    return pass ? 0 : 1;
}
