/* SPDX-License-Identifier: Apache-2.0 */
/* systry NAME [ARG]: makes one raw syscall and reports its outcome, so a
 * test can tell a seccomp errno, a kill and the kernel's own answer apart.
 * Prints "NAME: ok" or "NAME: errno N"; exits with the errno (0: success).
 * With several NAMEs, tries each in turn and exits with the last errno. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long try(const char *name)
{
    if (strcmp(name, "getppid") == 0)
        return syscall(SYS_getppid);
    if (strcmp(name, "getpgid") == 0)
        return syscall(SYS_getpgid, 0);
    if (strcmp(name, "unshare_user") == 0)
        return syscall(SYS_unshare, CLONE_NEWUSER);
    if (strcmp(name, "unshare_ns") == 0)
        return syscall(SYS_unshare, CLONE_NEWNS);
    if (strcmp(name, "mount") == 0)
        return syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL);
    if (strcmp(name, "ptrace") == 0)
        return syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
    if (strcmp(name, "keyctl") == 0)
        return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0);
    if (strcmp(name, "bpf") == 0)
        return syscall(SYS_bpf, 0, NULL, 0);
    if (strcmp(name, "clone3") == 0)
        return syscall(SYS_clone3, NULL, 0);
    if (strcmp(name, "fork") == 0) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid(pid, NULL, 0);
        return pid;
    }
#ifdef __x86_64__
    /* The x32 ABI: the same syscall table entry with bit 30 set. */
    if (strcmp(name, "x32_getpid") == 0)
        return syscall(0x40000000 | SYS_getpid);
#endif
    fprintf(stderr, "systry: unknown syscall %s\n", name);
    exit(200);
}

int main(int argc, char **argv)
{
    int last = 0;
    for (int i = 1; i < argc; i++) {
        errno = 0;
        long rc = try(argv[i]);
        last = rc < 0 ? errno : 0;
        if (last)
            printf("%s: errno %d\n", argv[i], last);
        else
            printf("%s: ok\n", argv[i]);
        fflush(stdout);
    }
    return last;
}
