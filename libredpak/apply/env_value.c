/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "env_value.h"

const char *rp_env_value(char *const *env, const char *name)
{
    size_t len = strlen(name);
    for (; env && *env; env++)
        if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
            return *env + len + 1;
    return NULL;
}
