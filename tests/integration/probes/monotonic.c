/* SPDX-License-Identifier: Apache-2.0 */
/* Prints CLOCK_MONOTONIC and CLOCK_BOOTTIME in whole seconds, one per
 * line: a time namespace's offsets show in both. */
#include <stdio.h>
#include <time.h>

int main(void)
{
    struct timespec mono, boot;
    if (clock_gettime(CLOCK_MONOTONIC, &mono) != 0 || clock_gettime(CLOCK_BOOTTIME, &boot) != 0)
        return 1;
    printf("%lld\n%lld\n", (long long)mono.tv_sec, (long long)boot.tv_sec);
    return 0;
}
