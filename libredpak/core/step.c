/* SPDX-License-Identifier: Apache-2.0 */
/* The one name table of the thirteen steps (core/step.h). */
#include "step.h"

#include "alloc.h"

static const char *const step_names[] = {
    [RP_STEP_PLAN] = "parse, validate, plan",
    [RP_STEP_HOST] = "host",
    [RP_STEP_CGROUP] = "cgroup",
    [RP_STEP_CLONE] = "clone",
    [RP_STEP_ID_MAPS] = "user namespace maps",
    [RP_STEP_NAMESPACES] = "namespaces",
    [RP_STEP_MOUNTS] = "mounts",
    [RP_STEP_PROCESS] = "process",
    [RP_STEP_IDENTITY] = "identity",
    [RP_STEP_CAPS] = "capabilities",
    [RP_STEP_NO_NEW_PRIVS] = "no_new_privs",
    [RP_STEP_SECCOMP] = "seccomp",
    [RP_STEP_SUPERVISE] = "supervise and teardown",
};

const char *rp_step_name(enum rp_step step)
{
    if ((unsigned)step >= ARRAY_LEN(step_names) || !step_names[step])
        return "?";
    return step_names[step];
}
