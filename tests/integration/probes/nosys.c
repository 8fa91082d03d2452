/* SPDX-License-Identifier: Apache-2.0 */
/* nosys SYSCALL[,SYSCALL]... -- COMMAND [ARG]...: runs COMMAND as if on a
 * kernel that lacks those syscalls: each fails with ENOSYS, as it does where
 * it does not exist. The filter is inherited by every process COMMAND
 * makes, so a redwrap run under it takes its fallbacks:
 *   clone3                      -> clone(2) + cgroup.procs (Linux < 5.3)
 *   openat2, mount_setattr, open_tree, move_mount, fsopen, fsmount
 *                               -> the component walk, the old bind
 *                                  remount (Linux < 5.6 / 5.12) */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
    const char *name;
    int nr;
} known[] = {
    {"clone3", SYS_clone3},
    {"openat2", SYS_openat2},
    {"mount_setattr", SYS_mount_setattr},
    {"open_tree", SYS_open_tree},
    {"move_mount", SYS_move_mount},
    {"fsopen", SYS_fsopen},
    {"fsmount", SYS_fsmount},
    {"statx", SYS_statx},
    {"statmount", 457}, /* Linux 6.8; older headers lack the name */
};
#define N_KNOWN (sizeof(known) / sizeof(known[0]))

static int lookup(const char *name)
{
    for (size_t i = 0; i < N_KNOWN; i++)
        if (!strcmp(known[i].name, name))
            return known[i].nr;
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: nosys SYSCALL[,SYSCALL]... -- COMMAND [ARG]...\n");
        return 2;
    }
    /* Load the arch, let foreign ABIs through, load nr, then one
     * "equal? -> ENOSYS" pair per syscall, and allow the rest. */
    struct sock_filter filter[4 + 2 * N_KNOWN + 1] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    };
    unsigned short len = 4;
    char list[256];
    snprintf(list, sizeof(list), "%s", argv[1]);
    for (char *save = NULL, *name = strtok_r(list, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        int nr = lookup(name);
        if (nr < 0 || (size_t)len + 3 > sizeof(filter) / sizeof(filter[0])) {
            fprintf(stderr, "nosys: unknown or repeated syscall '%s'\n", name);
            return 2;
        }
        filter[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1);
        filter[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
    }
    filter[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = len, .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
        perror("nosys: seccomp");
        return 2;
    }
    execvp(argv[3], argv + 3);
    perror("nosys: exec");
    return 127;
}
