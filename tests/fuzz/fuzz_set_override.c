/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: each input line is one --set KEY=VALUE, applied to a node that
 * has every kind of section (and an alias, so copy-on-write is exercised).
 * The node alone is valid; a problem is positioned either in the file (an
 * override can make a written value wrong: namespaces.net=host) or inside
 * one of the --set arguments given. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redpak/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char node_yaml[] =
    "version: 1\n"
    "node: fuzz\n"
    "namespaces: {net: new}\n"
    "sysctl: {net.core.somaxconn: 128}\n"
    "root: {size: 8M}\n"
    "mounts:\n"
    "  - {type: bind, path: /usr, source: /usr}\n"
    "  - {type: file, path: /etc/x, content: x}\n"
    "tmpfs:\n"
    "  - &t {path: /tmp, size: 1M}\n"
    "  - *t\n"
    "cgroup:\n"
    "  items: {memory.max: 64M, io.max: [\"8:0 rbps=1M\"]}\n"
    "capabilities: {keep: [chown]}\n"
    "seccomp:\n"
    "  syscalls: [{names: [read], action: allow, args: [{index: 0, op: eq, value: 0}]}]\n"
    "process:\n"
    "  command: [sh]\n"
    "  env: {set: {A: b}}\n"
    "  rlimits: {nofile: 64}\n"
    "host: {sysctl: {vm.swappiness: 1}}\n";

#define MAX_SETS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *sets[MAX_SETS];
    size_t n = 0;
    for (char *line = text; line && n < MAX_SETS;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        sets[n++] = line;
        line = nl ? nl + 1 : NULL;
    }
    struct rp_parse_opts opts = {.caller_uid = 0, .caller_gid = 0, .sets = sets, .n_sets = n};
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    int rc = rp_node_parse_buffer("/fuzz/node.yaml", node_yaml, sizeof(node_yaml) - 1, &opts, &node,
                                  &diags);
    if ((rc == 0) != (diags.n == 0))
        abort();
    for (size_t i = 0; i < diags.n; i++) {
        const struct rp_diag *d = &diags.v[i];
        bool in_set = !strcmp(d->file, "--set");
        if (d->line < 1 || d->column < 1 || (in_set && d->line > n))
            abort();
    }
    rp_node_free(node);
    rp_diags_free(&diags);
    free(text);
    return 0;
}
