/* SPDX-License-Identifier: Apache-2.0 */
/* An i386 program (built with the i686 cross compiler): its syscalls enter the kernel through
 * the 32-bit ABI, whose numbers differ from x86_64's. A seccomp filter
 * written for x86_64 must not let them through. Prints "alive". */
#include <unistd.h>

int main(void)
{
    return write(1, "alive\n", 6) == 6 ? 0 : 1;
}
