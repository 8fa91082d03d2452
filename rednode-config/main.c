/* SPDX-License-Identifier: Apache-2.0 */
/* rednode-config: validate node files, print the plan redwrap would apply,
 * print the JSON Schema of the format. Thin: the work is in libredpak. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "family_cmds.h"
#include "export.h"
#include "redpak/redpak.h"

extern const char rednode_schema_json[]; /* embedded at build time */

static void usage(FILE *out)
{
    fputs("Usage: rednode-config validate FILE...\n"
          "       rednode-config plan FILE [--json] [--set KEY=VALUE]...\n"
          "       rednode-config schema\n"
          "       rednode-config plan FILE --origin [--json]\n"
          "       rednode-config tree NODE\n"
          "       rednode-config create NAME [--extends PARENT] [--dir DIR]\n"
          "       rednode-config list\n"
          "       (any command: --policy FILE, root only: the admin policy to apply)\n"
          "       rednode-config export --oci-bundle DIR NODE [OPTIONS] [-- COMMAND...]\n"
          "\n"
          "validate  checks every file; prints every problem as\n"
          "          FILE:LINE:COLUMN: key.path: message; exits 1 if any\n"
          "plan      prints the numbered steps redwrap would apply, in order\n"
          "schema    prints the JSON Schema (draft 2020-12) of the node format\n"
          "--origin  each plan step and every value with the file:line:column that set it\n"
          "tree      the family of a node (a file, or a name in the node path)\n"
          "create    a node folder (node.yaml, data/) under DIR or the node path's first\n"
          "list      the nodes of the node path and their parents\n"
          "export    writes the node as an OCI runtime bundle (docs/oci.md)\n",
          out);
}

/* --policy FILE (root only) and --origin, for every command. */
static const char *policy_file;
static bool want_origins;

int rednode_config_load(const char *file, const char *const *sets, size_t n_sets,
                        struct rp_node **node, struct rp_plan **plan, struct rp_diags *diags)
{
    struct rp_parse_opts popts = {
        .caller_uid = getuid(),
        .caller_gid = getgid(),
        .sets = sets,
        .n_sets = n_sets,
        .origins = want_origins,
        .policy_file = policy_file,
    };
    struct rp_plan_opts plopts = {.caller_uid = getuid(), .caller_gid = getgid()};
    if (rp_node_parse_file(file, &popts, node, diags) < 0)
        return -1;
    return rp_plan_build(*node, &plopts, plan, diags);
}

static int cmd_validate(int argc, char **argv)
{
    int failed = 0;
    if (argc < 1) {
        usage(stderr);
        return 2;
    }
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "rednode-config: validate takes node files only, not '%s'\n", argv[i]);
            return 2;
        }
    }
    for (int i = 0; i < argc; i++) {
        struct rp_diags diags = {0};
        struct rp_node *node = NULL;
        struct rp_plan *plan = NULL;
        if (rednode_config_load(argv[i], NULL, 0, &node, &plan, &diags) < 0) {
            rp_diags_print(&diags, NULL, stderr);
            failed = 1;
        } else {
            printf("%s: valid\n", argv[i]);
        }
        rp_plan_free(plan);
        rp_node_free(node);
        rp_diags_free(&diags);
    }
    return failed;
}

static int cmd_plan(int argc, char **argv)
{
    const char *file = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof(*sets));
    size_t n_sets = 0;
    enum rp_plan_format format = RP_PLAN_TEXT;
    int status = 2;

    if (!sets)
        return 2;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            format = RP_PLAN_JSON;
        else if (!strcmp(argv[i], "--origin"))
            want_origins = true;
        else if (!strcmp(argv[i], "--set") && i + 1 < argc)
            sets[n_sets++] = argv[++i];
        else if (!strncmp(argv[i], "--set=", 6))
            sets[n_sets++] = argv[i] + 6;
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            usage(stderr);
            goto out;
        }
    }
    if (!file) {
        usage(stderr);
        goto out;
    }
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    struct rp_plan *plan = NULL;
    if (rednode_config_load(file, sets, n_sets, &node, &plan, &diags) < 0) {
        rp_diags_print(&diags, NULL, stderr);
        status = 1;
    } else {
        bool json = format == RP_PLAN_JSON;
        if (want_origins && json)
            fputs("{\"plan\": ", stdout);
        status = (want_origins ? rp_plan_print_origins : rp_plan_print)(plan, format, stdout) < 0
            ? 1
            : 0;
        if (want_origins && !status) {
            fputs(json ? ", \"origins\": " : "\norigins (key = value  # file:line:column)\n",
                  stdout);
            status = rp_node_print_origins(node, json, stdout) < 0 ? 1 : 0;
            if (json)
                fputs("}\n", stdout);
        }
    }
    rp_plan_free(plan);
    rp_node_free(node);
    rp_diags_free(&diags);
out:
    free(sets);
    return status;
}

int main(int argc, char **argv)
{
    rp_set_program_name("rednode-config");
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    /* The admin policy is root's to choose: a rootless caller cannot point
     * elsewhere, nor switch it off (docs/node-format.md, "Admin policy"). */
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--policy"))
            continue;
        if (i + 1 >= argc) {
            usage(stderr);
            return 2;
        }
        if (getuid() != 0) {
            fputs("rednode-config: --policy is for root only\n", stderr);
            return 2;
        }
        policy_file = argv[i + 1];
        memmove(argv + i, argv + i + 2, (size_t)(argc - i - 1) * sizeof(*argv));
        argc -= 2;
        break;
    }
    if (!strcmp(cmd, "validate"))
        return cmd_validate(argc - 2, argv + 2);
    if (!strcmp(cmd, "plan"))
        return cmd_plan(argc - 2, argv + 2);
    if (!strcmp(cmd, "tree"))
        return cmd_tree(argc - 2, argv + 2, policy_file);
    if (!strcmp(cmd, "create"))
        return cmd_create(argc - 2, argv + 2, policy_file);
    if (!strcmp(cmd, "list"))
        return cmd_list(argc - 2, argv + 2, policy_file);
    if (!strcmp(cmd, "export"))
        return rednode_config_export(argc - 2, argv + 2);
    if (!strcmp(cmd, "schema")) {
        fputs(rednode_schema_json, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("rednode-config %s\n", REDPAK_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "rednode-config: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
