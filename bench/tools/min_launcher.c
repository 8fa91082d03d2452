/* SPDX-License-Identifier: Apache-2.0 */
/* The least a launcher can do to run a command in the node the launch
 * benchmark measures, as a reference for what the kernel's own work costs
 * on this machine: the namespaces of bwrap --unshare-all (user, ipc, pid,
 * net, uts, cgroup), the root read-only, /proc, a /dev of bind-mounted
 * devices with devpts and shm, a tmpfs at /tmp, pivot_root, and an init
 * that starts the command with vfork and waits for it.
 *
 * Nothing else: no parsing, no cgroup, no checks of paths, no read-only
 * /proc knobs or device nodes, no signal forwarding, no capabilities or
 * identity. It is not a sandbox to use; it is the floor under redwrap and
 * bwrap alike.
 *
 *   min_launcher [--cgroup PARENT] ROOT CMD [ARG]...     (as root)
 *
 * --cgroup adds what node-format.md promises every node and bwrap does not
 * do: a cgroup of its own under PARENT (mkdir, clone3 into it, rmdir once
 * the node ended).
 */
#include <fcntl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    perror(what);
    _exit(1);
}

static void must(int r, const char *what)
{
    if (r < 0)
        die(what);
}

static void write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
        die(path);
    close(fd);
}

static void loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    must(s, "socket");
    must(ioctl(s, SIOCGIFFLAGS, &ifr), "SIOCGIFFLAGS");
    ifr.ifr_flags |= IFF_UP;
    must(ioctl(s, SIOCSIFFLAGS, &ifr), "SIOCSIFFLAGS");
    close(s);
}

static void build_root(const char *root)
{
    static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty"};
    char src[64], dst[64];
    must(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), "make / private");
    must(mount("tmpfs", "/tmp", "tmpfs", 0, "size=16k"), "staging tmpfs");
    must(mkdir("/tmp/n", 0755), "mkdir /tmp/n");
    must(mount(root, "/tmp/n", NULL, MS_BIND | MS_REC, NULL), "bind root");
    must(mount(NULL, "/tmp/n", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL), "root read-only");
    must(mount("proc", "/tmp/n/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), "proc");
    must(mount("tmpfs", "/tmp/n/dev", "tmpfs", MS_NOSUID, "mode=0755,size=64k"), "dev");
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        snprintf(src, sizeof(src), "/dev/%s", devices[i]);
        snprintf(dst, sizeof(dst), "/tmp/n/dev/%s", devices[i]);
        int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
        must(fd, dst);
        close(fd);
        must(mount(src, dst, NULL, MS_BIND, NULL), src);
    }
    must(mkdir("/tmp/n/dev/pts", 0755), "mkdir pts");
    must(mount("devpts", "/tmp/n/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
               "newinstance,ptmxmode=0666"),
         "devpts");
    must(mkdir("/tmp/n/dev/shm", 0755), "mkdir shm");
    must(mount("tmpfs", "/tmp/n/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, NULL), "shm");
    must(mount("tmpfs", "/tmp/n/tmp", "tmpfs", MS_NOSUID | MS_NODEV, NULL), "tmp");
    must(chdir("/tmp/n"), "chdir");
    must((int)syscall(SYS_pivot_root, ".", "."), "pivot_root");
    must(umount2(".", MNT_DETACH), "detach the old root");
    must(chdir("/"), "chdir /");
}

static int first_process(int release, const char *root, char **argv)
{
    char go;
    if (read(release, &go, 1) != 1)
        return 1;
    loopback_up();
    build_root(root);
    pid_t pid = vfork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int ws;
    must(pid, "vfork");
    while (waitpid(pid, &ws, 0) < 0)
        ;
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

int main(int argc, char **argv)
{
    const char *cg_parent = NULL;
    if (argc > 2 && !strcmp(argv[1], "--cgroup")) {
        cg_parent = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: min_launcher [--cgroup PARENT] ROOT CMD [ARG]...\n");
        return 2;
    }
    int release[2];
    must(pipe2(release, O_CLOEXEC), "pipe");
    struct clone_args ca = {
        .flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS |
            CLONE_NEWIPC | CLONE_NEWCGROUP,
        .exit_signal = SIGCHLD,
    };
    char cg[4096] = "";
    if (cg_parent) {
        snprintf(cg, sizeof(cg), "%s/min-launcher-%d", cg_parent, (int)getpid());
        must(mkdir(cg, 0755), cg);
        int fd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        must(fd, cg);
        ca.flags |= CLONE_INTO_CGROUP;
        ca.cgroup = (unsigned)fd;
    }
    pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
    must(pid, "clone3");
    if (pid == 0) {
        close(release[1]);
        _exit(first_process(release[0], argv[1], argv + 2));
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
    write_file(path, "deny");
    snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
    write_file(path, "0 0 1\n");
    snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
    write_file(path, "0 0 1\n");
    must((int)write(release[1], "1", 1), "release");
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        ;
    if (cg[0])
        must(rmdir(cg), "rmdir the cgroup");
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 1;
}
