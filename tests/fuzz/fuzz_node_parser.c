/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: any bytes as a node file. The parser must never crash, leak or
 * run for long, and its answer must be coherent: success with no problem,
 * or failure with at least one, every one at a real 1-based position. */
#include <stdint.h>
#include <stdlib.h>

#include "redpak/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rp_parse_opts opts = {.caller_uid = 1000, .caller_gid = 1000};
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    int rc =
        rp_node_parse_buffer("/fuzz/node.yaml", (const char *)data, size, &opts, &node, &diags);
    if ((rc == 0) != (diags.n == 0) || (rc == 0) != (node != NULL))
        abort();
    for (size_t i = 0; i < diags.n; i++)
        if (diags.v[i].line < 1 || diags.v[i].column < 1 || !diags.v[i].message[0])
            abort();
    rp_node_free(node);
    rp_diags_free(&diags);
    return 0;
}
