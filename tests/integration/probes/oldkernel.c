/* oldkernel -- COMMAND [ARG]...: runs COMMAND as if on a kernel older than
 * Linux 5.6: openat2 and mount_setattr (and the rest of the new mount API)
 * fail with ENOSYS, as they do where they do not exist. The filter is
 * inherited by every process COMMAND makes, so a redwrap run under it
 * takes its fallbacks (the component walk, the old bind remount). */
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

#define NOSYS(nr)                                                  \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),               \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS)

int main(int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "--") != 0) {
        fprintf(stderr, "usage: oldkernel -- COMMAND [ARG]...\n");
        return 2;
    }
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        NOSYS(SYS_openat2),
        NOSYS(SYS_mount_setattr),
        NOSYS(SYS_open_tree),
        NOSYS(SYS_move_mount),
        NOSYS(SYS_fsopen),
        NOSYS(SYS_fsmount),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
        perror("oldkernel: seccomp");
        return 2;
    }
    execvp(argv[2], argv + 2);
    perror("oldkernel: exec");
    return 127;
}
