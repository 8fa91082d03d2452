/* SPDX-License-Identifier: Apache-2.0 */
/* rednode-config export --oci-bundle DIR NODE: the node as an OCI runtime
 * bundle (libredpak's rp_oci_export; docs/oci.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "redpak/redpak.h"

static void export_usage(FILE *out)
{
    fputs("Usage: rednode-config export --oci-bundle DIR [--bind-root] [--id-base N]\n"
          "                             [--no-idmap] [--set KEY=VALUE]... NODE [-- COMMAND...]\n"
          "\n"
          "writes DIR/config.json (OCI runtime-spec 1.1) and DIR/rootfs/; DIR must not\n"
          "exist or be empty. What the spec cannot say is listed on stderr as note: lines.\n"
          "  --bind-root  root.source: rootfs/ is a bind mount (default: a copy)\n"
          "  --id-base N  the first host id of a private id range (default 524288)\n"
          "  --no-idmap   plain binds where redwrap idmaps them (runc 1.1)\n",
          out);
}

int rednode_config_export(int argc, char **argv)
{
    const char *dir = NULL, *file = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof(*sets));
    size_t n_sets = 0;
    struct rp_oci_opts opts = {.idmapped_mounts = true};
    if (!sets)
        return 2;
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--oci-bundle") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(a, "--bind-root"))
            opts.bind_root = true;
        else if (!strcmp(a, "--no-idmap"))
            opts.idmapped_mounts = false;
        else if (!strcmp(a, "--id-base") && i + 1 < argc)
            opts.id_base = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--set") && i + 1 < argc)
            sets[n_sets++] = argv[++i];
        else if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (a[0] != '-' && !file)
            file = a;
        else {
            export_usage(stderr);
            free(sets);
            return 2;
        }
    }
    if (!dir || !file) {
        export_usage(stderr);
        free(sets);
        return 2;
    }
    if (i < argc)
        opts.argv = argv + i;

    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    struct rp_plan *plan = NULL;
    int status = 0;
    if (rednode_config_load(file, sets, n_sets, &node, &plan, &diags) < 0) {
        rp_diags_print(&diags, NULL, stderr);
        status = 1;
    } else {
        struct rp_error err = {0};
        if (rp_oci_export(plan, dir, &opts, &err) < 0) {
            fprintf(stderr, "rednode-config: export: %s\n", err.msg);
            status = 1;
        }
    }
    rp_plan_free(plan);
    rp_node_free(node);
    rp_diags_free(&diags);
    free(sets);
    return status;
}
