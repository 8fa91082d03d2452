/* SPDX-License-Identifier: Apache-2.0 */
/* The probe of locked_proc.bats, run inside a node that keeps every
 * capability and has no seccomp filter: it tries to take away or make
 * writable one read-only mount of the node (argv[1], /proc/sys or /usr),
 * and with /proc/sys to mount a fresh proc, then to write through whatever
 * it got. One line per attempt, "NAME refused ERRNO" or "NAME WORKED";
 * exit 0 when every attempt was refused.
 *
 * kernel.core_pattern is written with the value it has: the probe never
 * changes the host, it only learns whether it could. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
struct mount_attr {
    unsigned long long attr_set, attr_clr, propagation, userns_fd;
};
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

static int worked;

static void result(const char *name, int rc)
{
    if (rc < 0) {
        printf("%s refused %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
    } else {
        printf("%s WORKED\n", name);
        worked = 1;
    }
    fflush(stdout);
}

/* Writes back what the file holds; rc of the write. */
static int rewrite(const char *path)
{
    char value[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, value, sizeof(value));
    close(fd);
    if (n <= 0)
        return -1;
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, value, (size_t)n);
    int e = errno;
    close(fd);
    errno = e;
    return w == n ? 0 : -1;
}

/* A fresh proc in a new mount and pid namespace (the workload's own, so
 * that only the mount can be refused, not the pid namespace's owner). */
static void fresh_proc(void)
{
    int fds[2];
    if (pipe(fds) < 0 || unshare(CLONE_NEWNS | CLONE_NEWPID) < 0) {
        result("fresh-proc-namespaces", -1);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        int rc = mkdir("/tmp/freshproc", 0700);
        if (rc == 0 || errno == EEXIST)
            rc = mount("proc", "/tmp/freshproc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        int e = errno;
        char line[256];
        if (rc == 0) {
            int w = rewrite("/tmp/freshproc/sys/kernel/core_pattern");
            snprintf(line, sizeof(line), "0 %d %d", w, errno);
        } else {
            snprintf(line, sizeof(line), "%d %d %d", rc, e, 0);
        }
        if (write(fds[1], line, strlen(line)) < 0)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    char line[256] = {0};
    if (read(fds[0], line, sizeof(line) - 1) < 0)
        line[0] = 0;
    waitpid(pid, NULL, 0);
    int rc = -1, e = 0, w = -1;
    sscanf(line, "%d %d %d", &rc, &e, &w);
    errno = e;
    result("fresh-proc-mount", rc);
    if (rc == 0) {
        errno = w;
        result("fresh-proc-write-core_pattern", w == 0 ? 0 : -1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    const char *target = argv[1];
    char name[128];
    snprintf(name, sizeof(name), "umount2 %s", target);
    result(name, umount2(target, MNT_DETACH));
    snprintf(name, sizeof(name), "remount-bind-rw %s", target);
    result(name, mount(NULL, target, NULL, MS_REMOUNT | MS_BIND, NULL));
    snprintf(name, sizeof(name), "remount-rw %s", target);
    result(name, mount(NULL, target, NULL, MS_REMOUNT, NULL));
    struct mount_attr attr = {.attr_clr = MOUNT_ATTR_RDONLY};
    snprintf(name, sizeof(name), "mount_setattr-clear-rdonly %s", target);
    result(name,
           (int)syscall(SYS_mount_setattr, AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof(attr)));
    if (strcmp(target, "/proc/sys") == 0) {
        result("write /proc/sys/kernel/core_pattern", rewrite("/proc/sys/kernel/core_pattern"));
        fresh_proc();
    } else {
        char path[256];
        snprintf(path, sizeof(path), "%s/.lock_probe", target);
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        result("create a file in it", fd);
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
    }
    return worked;
}
