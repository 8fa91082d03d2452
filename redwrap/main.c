/* SPDX-License-Identifier: Apache-2.0 */
/* redwrap: build a REDNODE from a node file and run a command inside it.
 * Thin on purpose: arguments in, one call into libredpak, an exit status out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "redpak/redpak.h"

extern char **environ;

static void usage(FILE *out)
{
    fputs("Usage: redwrap --node FILE [--set KEY=VALUE]... [--dry-run] [-v]\n"
          "               [--seccomp-learn OUT.yaml [--seccomp-learn-kill]]\n"
          "               [--] [COMMAND [ARG]...]\n"
          "\n"
          "Builds the REDNODE described by FILE, runs COMMAND (or process.command)\n"
          "inside it, forwards signals, and tears the node down when it ends.\n"
          "\n"
          "  -n, --node FILE           the node description (YAML, version 1)\n"
          "  -s, --set KEY=VALUE       override one scalar, e.g. cgroup.items.memory.max=512M\n"
          "      --dry-run             print the plan and touch nothing\n"
          "      --policy FILE         root only: the admin policy instead of\n"
          "                            /etc/redpak/policy.yaml\n"
          "      --seccomp-learn OUT   record the syscalls the workload makes and write\n"
          "                            a seccomp: fragment allowing exactly those; other\n"
          "                            syscalls then fail with EPERM and are logged\n"
          "      --seccomp-learn-kill  the fragment kills the workload on other syscalls\n"
          "  -v, --verbose             one line per applied step on stderr\n"
          "  -h, --help                this text\n"
          "      --version             the version\n"
          "\n"
          "Exit status: the command's own; 128+N when it died of signal N;\n"
          "125 when redwrap failed; 126 command not executable; 127 not found.\n",
          out);
}

int main(int argc, char **argv)
{
    enum { OPT_DRY_RUN = 256, OPT_VERSION, OPT_LEARN, OPT_LEARN_KILL, OPT_POLICY };
    static const struct option options[] = {
        {"node", required_argument, NULL, 'n'},
        {"set", required_argument, NULL, 's'},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"policy", required_argument, NULL, OPT_POLICY},
        {"seccomp-learn", required_argument, NULL, OPT_LEARN},
        {"seccomp-learn-kill", no_argument, NULL, OPT_LEARN_KILL},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {0},
    };
    const char *node_file = NULL, *policy_file = NULL;
    const char **sets = calloc((size_t)argc, sizeof(*sets));
    size_t n_sets = 0;
    struct rp_run_opts run = {.environ = environ, .trim_when_running = true};
    int dry_run = 0, c;

    rp_set_program_name("redwrap");
    if (!sets)
        return RP_EXIT_SETUP_FAILED;
    /* '+': stop at the first non-option, so the command's own flags stay its own. */
    while ((c = getopt_long(argc, argv, "+n:s:vh", options, NULL)) != -1) {
        switch (c) {
        case 'n': node_file = optarg; break;
        case 's': sets[n_sets++] = optarg; break;
        case 'v': run.verbose++; break;
        case 'h': usage(stdout); return 0;
        case OPT_DRY_RUN: dry_run = 1; break;
        case OPT_LEARN: run.seccomp_learn = optarg; break;
        case OPT_LEARN_KILL: run.seccomp_learn_kill = true; break;
        case OPT_POLICY: policy_file = optarg; break;
        case OPT_VERSION: printf("redwrap %s\n", REDPAK_VERSION); return 0;
        default: usage(stderr); return RP_EXIT_SETUP_FAILED;
        }
    }
    if (!node_file) {
        fputs("redwrap: --node FILE is required (see redwrap --help)\n", stderr);
        return RP_EXIT_SETUP_FAILED;
    }
    if (optind < argc)
        run.argv = argv + optind;
    /* The admin policy is root's to choose; a rootless caller gets the
     * default one, which it cannot switch off. */
    if (policy_file && getuid() != 0) {
        fputs("redwrap: --policy is for root only\n", stderr);
        return RP_EXIT_SETUP_FAILED;
    }

    struct rp_parse_opts popts = {
        .caller_uid = getuid(),
        .caller_gid = getgid(),
        .sets = sets,
        .n_sets = n_sets,
        .policy_file = policy_file,
    };
    struct rp_plan_opts plopts = {.caller_uid = getuid(), .caller_gid = getgid()};
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    struct rp_plan *plan = NULL;
    int status = RP_EXIT_SETUP_FAILED;

    if (rp_node_parse_file(node_file, &popts, &node, &diags) < 0 ||
        rp_plan_build(node, &plopts, &plan, &diags) < 0) {
        rp_diags_print(&diags, "redwrap", stderr);
        goto out;
    }
    if (dry_run) {
        status = rp_plan_print(plan, RP_PLAN_TEXT, stdout) < 0 ? RP_EXIT_SETUP_FAILED : 0;
        goto out;
    }
    struct rp_error err = {0};
    status = rp_run(plan, &run, &err);
    if (err.code)
        fprintf(stderr, "redwrap: %s\n", err.msg);
out:
    rp_plan_free(plan);
    rp_node_free(node);
    rp_diags_free(&diags);
    free(sets);
    return status;
}
