/* SPDX-License-Identifier: Apache-2.0 */
/* term_probe: the terminal, file descriptor and keyring leaks of a node
 * (tests/security/terminal.bats), one attempt per run. It prints one line,
 * "escaped: ..." when the attempt worked, "refused: ... errno=N" when it
 * did not, and exits 0 either way (the test reads the line). Static and
 * small: it runs under the shipped Redis node's allow-list, so it makes
 * no syscall beyond the one it tries, write and exit.
 *
 *   term_probe tiocsti       ioctl(fd, TIOCSTI) on the first terminal among 0-2
 *   term_probe tiocsti-high  the same with bit 32 set in the request
 *   term_probe tioclinux     ioctl(fd, TIOCLINUX) (a subcode that pastes)
 *   term_probe fchdir0       fchdir(0) then stat of MARKER (a host path)
 *   term_probe fdtype        the file type of fds 0-2 and whether O_PATH
 *   term_probe keyring NAME  finds key "user"/NAME in the session keyring
 *   term_probe addkey NAME CMD...  (host side) a new session keyring with
 *                                  key NAME in it, then execs CMD
 *   term_probe newuser       clone(CLONE_NEWUSER) (the Redis profile's class 8)
 *   term_probe vsock         socket(AF_VSOCK) */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int tty_fd(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (isatty(fd))
            return fd;
    return -1;
}

static int tiocsti(unsigned long request)
{
    int fd = tty_fd();
    if (fd < 0) {
        printf("skipped: no terminal among fds 0-2\n");
        return 0;
    }
    /* A comment character: if it lands in the caller's shell, it does
     * nothing there. */
    char c = '#';
    long rc = syscall(SYS_ioctl, fd, request, &c);
    if (rc == 0)
        printf("escaped: ioctl(%d, %#lx) pushed a byte into the terminal\n", fd, request);
    else
        printf("refused: ioctl(%d, %#lx) errno=%d\n", fd, request, errno);
    return 0;
}

static int tioclinux(void)
{
    int fd = tty_fd();
    if (fd < 0) {
        printf("skipped: no terminal among fds 0-2\n");
        return 0;
    }
    char sub = 3; /* TIOCL_PASTESEL */
    long rc = syscall(SYS_ioctl, fd, TIOCLINUX, &sub);
    /* Only seccomp answers EPERM before the tty layer looks at the
     * request; a pseudo-terminal answers ENOTTY or EINVAL otherwise. */
    if (rc < 0 && errno == EPERM)
        printf("refused: TIOCLINUX errno=%d\n", errno);
    else
        printf("escaped: TIOCLINUX reached the terminal (rc=%ld errno=%d)\n", rc,
               rc < 0 ? errno : 0);
    return 0;
}

static int fchdir0(const char *marker)
{
    if (fchdir(0) < 0) {
        printf("refused: fchdir(0) errno=%d\n", errno);
        return 0;
    }
    struct stat st;
    /* stdin was the host's /: the marker is then reachable by its host
     * path, relative to the new working directory. */
    if (fstatat(AT_FDCWD, marker[0] == '/' ? marker + 1 : marker, &st, 0) == 0)
        printf("escaped: fchdir(0) reached the host's %s\n", marker);
    else
        printf("refused: fchdir(0) worked but %s is not there errno=%d\n", marker, errno);
    return 0;
}

static int fdtype(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        struct stat st;
        int fl = fcntl(fd, F_GETFL);
        if (fstat(fd, &st) < 0) {
            printf("fd%d=closed ", fd);
            continue;
        }
        const char *t = S_ISDIR(st.st_mode) ? "dir"
            : S_ISREG(st.st_mode)           ? "reg"
            : S_ISCHR(st.st_mode)           ? "chr"
            : S_ISFIFO(st.st_mode)          ? "fifo"
            : S_ISSOCK(st.st_mode)          ? "sock"
            : S_ISLNK(st.st_mode)           ? "lnk"
            : S_ISBLK(st.st_mode)           ? "blk"
                                            : "other";
        printf("fd%d=%s%s ", fd, t, fl >= 0 && (fl & O_PATH) ? "+path" : "");
    }
    printf("\n");
    return 0;
}

static int keyring(const char *name)
{
    long id = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", name, 0);
    if (id < 0) {
        printf("refused: key %s not found in the session keyring errno=%d\n", name, errno);
        return 0;
    }
    char buf[64] = {0};
    long n = syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof(buf) - 1);
    if (n < 0)
        printf("refused: key %s found but unreadable errno=%d\n", name, errno);
    else
        printf("escaped: key %s read from the caller's session keyring: %s\n", name, buf);
    return 0;
}

static int addkey(const char *name, char **cmd)
{
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0) {
        perror("term_probe: join a session keyring");
        return 1;
    }
    static const char secret[] = "caller-secret";
    if (syscall(SYS_add_key, "user", name, secret, sizeof(secret) - 1, KEY_SPEC_SESSION_KEYRING) <
        0) {
        perror("term_probe: add_key");
        return 1;
    }
    execvp(cmd[0], cmd);
    perror("term_probe: exec");
    return 127;
}

/* A fork-like clone: the child leaves at once. */
static int newuser(void)
{
    long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
    if (pid == 0)
        _exit(0);
    if (pid < 0) {
        printf("refused: clone(CLONE_NEWUSER) errno=%d\n", errno);
        return 0;
    }
    waitpid((pid_t)pid, NULL, 0);
    printf("escaped: clone(CLONE_NEWUSER) made a user namespace\n");
    return 0;
}

static int vsock(void)
{
    int fd = socket(40 /* AF_VSOCK */, SOCK_STREAM, 0);
    /* EPERM is the filter's answer. Without the vsock module the kernel
     * answers EAFNOSUPPORT: the call still reached it, which the profile
     * must not allow. */
    if (fd < 0 && errno == EPERM) {
        printf("refused: socket(AF_VSOCK) errno=%d\n", errno);
        return 0;
    }
    printf("escaped: socket(AF_VSOCK) reached the kernel (fd %d errno=%d)\n", fd,
           fd < 0 ? errno : 0);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *what = argc > 1 ? argv[1] : "";
    if (!strcmp(what, "tiocsti"))
        return tiocsti(TIOCSTI);
    if (!strcmp(what, "tiocsti-high"))
        return tiocsti(1ul << 32 | TIOCSTI);
    if (!strcmp(what, "tioclinux"))
        return tioclinux();
    if (!strcmp(what, "fchdir0") && argc > 2)
        return fchdir0(argv[2]);
    if (!strcmp(what, "fdtype"))
        return fdtype();
    if (!strcmp(what, "keyring") && argc > 2)
        return keyring(argv[2]);
    if (!strcmp(what, "newuser"))
        return newuser();
    if (!strcmp(what, "vsock"))
        return vsock();
    if (!strcmp(what, "addkey") && argc > 3)
        return addkey(argv[2], argv + 3);
    fprintf(stderr,
            "usage: term_probe tiocsti|tiocsti-high|tioclinux|fchdir0 MARKER|fdtype|"
            "keyring NAME|addkey NAME CMD...|newuser|vsock\n");
    return 2;
}
