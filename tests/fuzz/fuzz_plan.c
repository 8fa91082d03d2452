/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: any bytes as a node file, through the whole pure pipeline:
 * parse, plan, print as text and as JSON. A node the parser accepts must
 * plan either cleanly or with positioned problems, never crash, and every
 * plan must print. The low bit of the size picks the caller (root or a
 * user), so both default id maps are planned. Names resolve in the unit
 * tests' passwd fixture, never in the host's files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "redpak/node.h"
#include "redpak/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull && !(devnull = fopen("/dev/null", "w")))
        abort();
    uid_t caller = size & 1 ? 1000 : 0;
    struct rp_parse_opts opts = {.caller_uid = caller, .caller_gid = caller};
    struct rp_plan_opts popts = {.caller_uid = caller,
                                 .caller_gid = caller,
                                 .passwd_root = REDPAK_FUZZ_PASSWD_ROOT,
                                 /* not the host's /etc/subuid: the same input, the same plan */
                                 .subid_root = REDPAK_FUZZ_PASSWD_ROOT};
    struct rp_diags diags = {0};
    struct rp_node *node = NULL;
    struct rp_plan *plan = NULL;
    if (rp_node_parse_buffer("/fuzz/node.yaml", (const char *)data, size, &opts, &node, &diags) ==
        0) {
        int rc = rp_plan_build(node, &popts, &plan, &diags);
        if ((rc == 0) != (diags.n == 0) || (rc == 0) != (plan != NULL))
            abort();
        for (size_t i = 0; i < diags.n; i++)
            if (diags.v[i].line < 1 || diags.v[i].column < 1 || !diags.v[i].message[0])
                abort();
        if (plan &&
            (rp_plan_print(plan, RP_PLAN_TEXT, devnull) < 0 ||
             rp_plan_print(plan, RP_PLAN_JSON, devnull) < 0))
            abort();
    }
    rp_plan_free(plan);
    rp_node_free(node);
    rp_diags_free(&diags);
    return 0;
}
