/* SPDX-License-Identifier: Apache-2.0 */
/* bench_parse_plan: how long a node takes from YAML text to plans.
 *
 * Usage: bench_parse_plan [ITERATIONS_SCALE]
 *   Builds in memory a node with N mounts (N = 10, 100, 1000: binds, dirs,
 *   files and symlinks in turn) and 100 environment variables, then times
 *   rp_node_parse_buffer + rp_plan_build on it, many times per N, and
 *   prints per N the median and minimum wall-clock time, the median CPU
 *   time of the thread, and the median CPU time of the plan's part alone.
 *   ITERATIONS_SCALE (default 1) multiplies the iteration counts.
 *   Target: 1000 mounts + 100 env variables under 10 ms. The verdict uses
 *   the median CPU time: parse + plan is CPU-bound (no file is read for a
 *   node without user names), and on a shared machine the wall clock
 *   mostly measures the other jobs (the load average is printed too). The
 *   last line says PASS or FAIL; the exit status is 0 or 1.
 *   Build: cmake --build BUILD --target bench_parse_plan (or `bench`, which
 *   runs every benchmark); use a release build, not ASan. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "median.h"
#include "redpak/redpak.h"

#define TARGET_MOUNTS 1000
#define TARGET_MS 10.0
#define ENV_VARS 100

struct buf {
    char *s;
    size_t len, cap;
};

static void __attribute__((format(printf, 2, 3))) put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n) * 2;
        if (!(b->s = realloc(b->s, b->cap)))
            abort();
    }
}

/* A node like a real one, only longer: every kind of entry the planner
 * turns into steps, owners resolved by number (names would time the
 * passwd file, not the planner). */
static char *make_node(unsigned mounts, size_t *len)
{
    struct buf b = {0};
    put(&b,
        "version: 1\nnode: bench\n"
        "hostname: bench\n"
        "sysctl: {net.core.somaxconn: \"1024\"}\n"
        "tmpfs: [{path: /tmp, size: 64M}]\n"
        "cgroup: {items: {memory.max: 256M, pids.max: 128, cpu.weight: 100}}\n"
        "capabilities: {keep: [net_bind_service]}\n"
        "mounts:\n"
        "  - {type: proc, path: /proc}\n"
        "  - {type: dev, path: /dev}\n");
    for (unsigned i = 2; i < mounts; i++) {
        switch (i % 4) {
        case 0:
            put(&b, "  - {type: bind, path: /srv/m%u, source: /usr/share/m%u, optional: true}\n", i,
                i);
            break;
        case 1:
            put(&b, "  - {type: dir, path: /var/lib/d%u, mode: \"0750\", owner: \"0:0\"}\n", i);
            break;
        case 2:
            put(&b, "  - {type: file, path: /etc/f%u.conf, content: \"key %u\\n\"}\n", i, i);
            break;
        default: put(&b, "  - {type: symlink, path: /l%u, target: usr/lib/l%u}\n", i, i);
        }
    }
    put(&b, "process:\n  command: [/usr/bin/true]\n  env:\n    set:\n");
    for (unsigned i = 0; i < ENV_VARS; i++)
        put(&b, "      VAR_%u: \"value number %u\"\n", i, i);
    *len = b.len;
    return b.s;
}

static double clock_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct sample {
    double wall, cpu, plan_cpu; /* milliseconds */
};

/* One parse + plan, timed; false if the node did not plan (a bench bug). */
static bool run_once(const char *yaml, size_t len, struct sample *s)
{
    struct rp_parse_opts popts = {.caller_uid = 0, .caller_gid = 0};
    struct rp_plan_opts opts = {.caller_uid = 0, .caller_gid = 0};
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    struct rp_plan *plan = NULL;
    double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
    int r = rp_node_parse_buffer("bench.yaml", yaml, len, &popts, &node, &diags);
    double c1 = clock_ms(CLOCK_THREAD_CPUTIME_ID);
    if (r == 0)
        r = rp_plan_build(node, &opts, &plan, &diags);
    double c2 = clock_ms(CLOCK_THREAD_CPUTIME_ID), w2 = clock_ms(CLOCK_MONOTONIC);
    *s = (struct sample){.wall = w2 - w0, .cpu = c2 - c0, .plan_cpu = c2 - c1};
    if (r < 0)
        rp_diags_print(&diags, "bench_parse_plan", stderr);
    rp_plan_free(plan);
    rp_node_free(node);
    rp_diags_free(&diags);
    return r == 0;
}

int main(int argc, char **argv)
{
    static const unsigned sizes[] = {10, 100, 1000};
    static const unsigned iterations[] = {2000, 500, 200};
    unsigned scale = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1;
    double target_cpu = 0, target_wall = 0, load[1] = {0};

    if (!scale)
        scale = 1;
    printf("%7s %5s %6s %12s %11s %11s %13s\n", "mounts", "env", "iters", "wall median", "wall min",
           "cpu median", "plan cpu med");
    for (size_t k = 0; k < 3; k++) {
        size_t len;
        char *yaml = make_node(sizes[k], &len);
        unsigned n = iterations[k] * scale;
        struct sample s;
        double *wall = malloc(n * sizeof(double)), *cpu = malloc(n * sizeof(double));
        double *plan_cpu = malloc(n * sizeof(double));
        if (!wall || !cpu || !plan_cpu)
            return 2;
        run_once(yaml, len, &s); /* warm the caches and the allocator */
        for (unsigned i = 0; i < n; i++) {
            if (!run_once(yaml, len, &s))
                return 2;
            wall[i] = s.wall;
            cpu[i] = s.cpu;
            plan_cpu[i] = s.plan_cpu;
        }
        double wall_med = median(wall, n), cpu_med = median(cpu, n);
        printf("%7u %5u %6u %9.3f ms %8.3f ms %8.3f ms %10.3f ms   (%zu bytes of YAML)\n", sizes[k],
               ENV_VARS, n, wall_med, wall[0], cpu_med, median(plan_cpu, n), len);
        if (sizes[k] == TARGET_MOUNTS) {
            target_cpu = cpu_med;
            target_wall = wall_med;
        }
        free(wall);
        free(cpu);
        free(plan_cpu);
        free(yaml);
    }
    getloadavg(load, 1);
    bool pass = target_cpu < TARGET_MS;
    printf("%s: %u mounts + %u env: median %.3f ms of CPU, %.3f ms wall at load %.2f "
           "(target: under %.0f ms)\n",
           pass ? "PASS" : "FAIL", TARGET_MOUNTS, ENV_VARS, target_cpu, target_wall, load[0],
           TARGET_MS);
    return pass ? 0 : 1;
}
