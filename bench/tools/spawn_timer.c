/* SPDX-License-Identifier: Apache-2.0 */
/* spawn_timer: how long a command takes from fork to its exit, N times.
 *
 * Usage: spawn_timer [-n RUNS] [-w WARMUP] [-l LABEL] -- CMD [ARG]...
 *        spawn_timer [-n RUNS] [-w WARMUP] -i -- LABEL1 CMD1 -- LABEL2 CMD2 [-- ...]
 *
 * Each run is a vfork + execvp + waitpid, timed with CLOCK_MONOTONIC around
 * the three, so the figure is what a caller of the command pays (exec, the
 * dynamic loader, the command's own work, its exit and the reaping) and the
 * timer adds only a vfork. The command's stdout and stderr go to /dev/null;
 * a run that does not exit 0 is an error (the timing of a failure says
 * nothing), reported with the command's status.
 *
 * With -i the commands are interleaved: run 1 of each, then run 2 of each,
 * and so on, so a slow phase of the machine (another build, a timer, the
 * page cache) weighs on all of them alike instead of on the one that
 * happened to run then.
 *
 * The CPU time of each run (user + system of the command and every
 * descendant it reaped, from wait4's rusage) is recorded too: on a busy
 * machine it moves much less than the wall-clock time.
 *
 * Prints one line per command, in microseconds:
 *   LABEL MEDIAN P90 MIN CPU_MEDIAN RUNS
 * Exit status 0, 1 if a run failed, 2 on a usage error. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
    const char *label;
    char **argv;
    double *us, *cpu;
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double tv_us(const struct timeval *tv)
{
    return (double)tv->tv_sec * 1e6 + (double)tv->tv_usec;
}

/* One run: vfork shares the parent's memory until the exec, so starting the
 * child costs no page-table copy, whatever the timer's size. */
static int run_once(const struct cmd *c, int devnull, double *elapsed, double *cpu)
{
    double t0 = now_us();
    pid_t pid = vfork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        dup2(devnull, 1);
        dup2(devnull, 2);
        execvp(c->argv[0], c->argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            return -errno;
    *elapsed = now_us() - t0;
    *cpu = tv_us(&ru.ru_utime) + tv_us(&ru.ru_stime);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "spawn_timer: %s: %s %d\n", c->label,
                WIFEXITED(status) ? "exit status" : "killed by signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return -ECHILD;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The value below which a fraction q of the sorted runs lie (nearest rank). */
static double quantile(const double *sorted, int n, double q)
{
    int i = (int)(q * n + 0.5) - 1;
    if (i < 0)
        i = 0;
    if (i >= n)
        i = n - 1;
    return sorted[i];
}

static void usage(void)
{
    fputs("usage: spawn_timer [-n RUNS] [-w WARMUP] [-l LABEL] -- CMD [ARG]...\n"
          "       spawn_timer [-n RUNS] [-w WARMUP] -i -- LABEL CMD [ARG]... [-- LABEL CMD ...]\n",
          stderr);
}

int main(int argc, char **argv)
{
    int runs = 200, warmup = 5, interleave = 0, opt;
    const char *label = NULL;

    while ((opt = getopt(argc, argv, "+n:w:l:i")) != -1) {
        switch (opt) {
        case 'n': runs = atoi(optarg); break;
        case 'w': warmup = atoi(optarg); break;
        case 'l': label = optarg; break;
        case 'i': interleave = 1; break;
        default: usage(); return 2;
        }
    }
    if (optind < argc && strcmp(argv[optind], "--") == 0)
        optind++;
    if (runs < 1 || warmup < 0 || optind >= argc) {
        usage();
        return 2;
    }

    /* Split the rest at "--" into commands; with -i each starts with its label. */
    struct cmd cmds[32];
    int n_cmds = 0;
    for (int i = optind; i < argc;) {
        if (n_cmds == 32) {
            usage();
            return 2;
        }
        struct cmd *c = &cmds[n_cmds++];
        c->label = interleave ? argv[i++] : (label ? label : argv[i]);
        c->argv = &argv[i];
        while (i < argc && strcmp(argv[i], "--") != 0)
            i++;
        if (i < argc)
            argv[i++] = NULL;
        if (!c->argv[0] || (!interleave && n_cmds > 1)) {
            usage();
            return 2;
        }
        c->us = calloc((size_t)runs, sizeof(double));
        c->cpu = calloc((size_t)runs, sizeof(double));
        if (!c->us || !c->cpu)
            return 2;
    }

    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull < 0) {
        perror("spawn_timer: /dev/null");
        return 2;
    }
    for (int r = -warmup; r < runs; r++)
        for (int k = 0; k < n_cmds; k++) {
            double t, cpu;
            if (run_once(&cmds[k], devnull, &t, &cpu) < 0)
                return 1;
            if (r >= 0) {
                cmds[k].us[r] = t;
                cmds[k].cpu[r] = cpu;
            }
        }
    for (int k = 0; k < n_cmds; k++) {
        qsort(cmds[k].us, (size_t)runs, sizeof(double), cmp_double);
        qsort(cmds[k].cpu, (size_t)runs, sizeof(double), cmp_double);
        printf("%s %.0f %.0f %.0f %.0f %d\n", cmds[k].label, quantile(cmds[k].us, runs, 0.5),
               quantile(cmds[k].us, runs, 0.9), cmds[k].us[0], quantile(cmds[k].cpu, runs, 0.5),
               runs);
    }
    return 0;
}
