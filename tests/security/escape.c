/* SPDX-License-Identifier: Apache-2.0 */
/* escape: tries, from inside a hardened node, every way out we know of,
 * and prints one TAP line per attempt: "ok" when the attempt failed, with
 * its errno and the layer of redpak that stopped it, "not ok" when it
 * worked (an escape).
 *
 * Layers are told apart by errno. The test gives the node's seccomp
 * filter a default_errno of its own (seccomp_errno=N, 4094 unless told;
 * 0: none, EPERM is then either):
 * no kernel path returns it, so it can only come from the filter. The
 * others: EPERM, a capability the process lacks; EACCES, file modes
 * against a non-root uid; EROFS, a read-only mount; ENOENT and ESRCH,
 * what the node's namespaces and root do not show.
 *
 * Arguments are KEY=VALUE (all optional; an attempt without its argument
 * is skipped): host_pid, host_file, ro_file, ro_sub, suid, fcap,
 * abstract, tcp_port, seccomp_errno. "escape --ids" only prints the euid
 * and the effective capabilities (what suid and fcap run). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

/* <sys/ptrace.h> and <linux/ptrace.h> disagree; the request is all we need. */
#define PTRACE_ATTACH_NR 16

static int tap_n;
static int escapes;
static long seccomp_errno = 4094;

/* The layer an errno points at. ctx names the namespace for the errnos
 * of invisibility. */
static const char *layer_of(int e, const char *ctx)
{
    if (e == seccomp_errno)
        return "seccomp";
    switch (e) {
    case EPERM: return seccomp_errno ? "capabilities" : "seccomp or capabilities";
    case EACCES: return "uid and file modes";
    case EROFS: return "read-only mount";
    case ENOENT:
    case ESRCH:
    case ECONNREFUSED:
    case ENETUNREACH: return ctx ? ctx : "namespace";
    case EINVAL: /* an id the user namespace does not map */ return ctx ? ctx : "kernel";
    default: return "kernel";
    }
}

static void report(const char *what, long rc, int e, const char *ctx)
{
    tap_n++;
    if (rc >= 0) {
        escapes++;
        printf("not ok %d - %s: SUCCEEDED\n", tap_n, what);
    } else {
        const char *name = e == seccomp_errno ? "the filter's own" : strerrorname_np(e);
        if (!seccomp_errno && e == EPERM)
            name = "EPERM";
        printf("ok %d - %s: errno %d (%s) layer=%s\n", tap_n, what, e, name ? name : "?",
               layer_of(e, ctx));
    }
    fflush(stdout);
}

static void skip(const char *what, const char *why)
{
    printf("ok %d - %s # SKIP %s\n", ++tap_n, what, why);
    fflush(stdout);
}

/* Runs one raw call: the return value, and errno when it failed. */
#define TRY(what, ctx, call)                                                                       \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long rc_ = (long)(call);                                                                   \
        report(what, rc_, errno, ctx);                                                             \
    } while (0)

static long open_close(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC | (flags & O_CREAT ? O_EXCL : 0), 0644);
    if (fd >= 0) {
        close(fd);
        /* It worked, which the test reports: leave nothing behind. */
        if (flags & O_CREAT)
            unlink(path);
    }
    return fd;
}

static long write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    errno = e;
    return n < 0 ? -1 : 0;
}

/* Writes back the value a sysctl already has: changes nothing if it works,
 * but proves it could. */
static long sysctl_rewrite(const char *path)
{
    char value[256] = "";
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, value, sizeof(value) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    return write_file(path, value);
}

static const char *arg(int argc, char **argv, const char *key)
{
    size_t len = strlen(key);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, len) == 0 && argv[i][len] == '=')
            return argv[i] + len + 1;
    return NULL;
}

static int print_ids(void)
{
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    printf("euid=%u", (unsigned)geteuid());
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "CapEff:", 7) == 0)
            printf(" capeff=%s", line + 8 + strspn(line + 7, "\t "));
    if (f)
        fclose(f);
    return 0;
}

/* Runs "PATH --ids" and checks it gained nothing: the same euid as ours
 * and no effective capability. The layer: nosuid on the mount where the
 * file lives, else no_new_privs (or the capability bounding set). */
static void exec_gains_nothing(const char *what, const char *path)
{
    int p[2];
    if (pipe(p) < 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        execl(path, path, "--ids", (char *)NULL);
        printf("exec-failed=%d\n", errno);
        _exit(127);
    }
    close(p[1]);
    char out[256] = "";
    ssize_t n = read(p[0], out, sizeof(out) - 1);
    close(p[0]);
    waitpid(pid, NULL, 0);
    out[n > 0 ? n : 0] = '\0';
    out[strcspn(out, "\n")] = '\0';
    unsigned euid = ~0u;
    char cap[64] = "";
    int exec_errno = 0;
    if (sscanf(out, "exec-failed=%d", &exec_errno) == 1) {
        report(what, -1, exec_errno, "not in the root");
        return;
    }
    sscanf(out, "euid=%u capeff=%63s", &euid, cap);
    bool gained = euid != geteuid() || strspn(cap, "0") != strlen(cap) || !cap[0];
    struct statvfs vfs;
    bool nosuid = statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOSUID);
    tap_n++;
    if (gained) {
        escapes++;
        printf("not ok %d - %s: SUCCEEDED (%s)\n", tap_n, what, out);
    } else {
        printf("ok %d - %s: ran as %s layer=%s\n", tap_n, what, out,
               nosuid ? "nosuid mount" : "no_new_privs");
    }
    fflush(stdout);
}

static long unix_abstract(const char *name)
{
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    size_t len = strlen(name);
    if (len > sizeof(a.sun_path) - 1)
        len = sizeof(a.sun_path) - 1;
    memcpy(a.sun_path + 1, name, len);
    long rc = connect(s, (struct sockaddr *)&a,
                      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len));
    int e = errno;
    close(s);
    errno = e;
    return rc;
}

static long tcp_local(int port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    long rc = connect(s, (struct sockaddr *)&a, sizeof(a));
    int e = errno;
    close(s);
    errno = e;
    return rc;
}

/* A child in a new user namespace, which exits at once if it was made. */
static long clone_newuser(void)
{
    long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0)
        _exit(0);
    int e = errno;
    if (pid > 0)
        waitpid((pid_t)pid, NULL, 0);
    errno = e;
    return pid;
}

/* The cgroup the node runs in, and its parent's cgroup.procs. */
static long parent_cgroup_procs(void)
{
    char line[4096] = "", path[4200];
    FILE *f = fopen("/proc/self/cgroup", "r");
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "0::", 3) == 0)
            break;
    if (f)
        fclose(f);
    line[strcspn(line, "\n")] = '\0';
    char *cg = strncmp(line, "0::", 3) == 0 ? line + 3 : line;
    char *slash = strrchr(cg, '/');
    if (slash)
        *slash = '\0';
    snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", cg);
    char pid[32];
    snprintf(pid, sizeof(pid), "%d\n", getpid());
    return write_file(path, pid);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--ids") == 0)
        return print_ids();
    /* Never on the host itself: the attempts that must fail would work
     * there. The initial user namespace maps every id to itself. */
    char map[128] = "";
    FILE *f = fopen("/proc/self/uid_map", "r");
    if (f && fgets(map, sizeof(map), f) && strstr(map, "4294967295")) {
        fprintf(stderr, "escape: refusing to run outside a node (initial user namespace)\n");
        return 2;
    }
    if (f)
        fclose(f);
    const char *v;
    if ((v = arg(argc, argv, "seccomp_errno")))
        seccomp_errno = strtol(v, NULL, 0);
    printf("TAP version 13\n");

    /* Files of the host that are not mounted in the node. */
    TRY("read the host's /etc/shadow", "not in the root", open_close("/etc/shadow", O_RDONLY));
    if ((v = arg(argc, argv, "host_file")))
        TRY("read a host file by its host path", "not in the root", open_close(v, O_RDONLY));
    TRY("reach the host's root through /proc/1/root", "pid namespace",
        open_close("/proc/1/root/etc/shadow", O_RDONLY));

    /* The read-only root, binds and their submounts. */
    TRY("create a file in the read-only root", NULL, open_close("/escape", O_WRONLY | O_CREAT));
    TRY("create a file in the read-only /usr bind", NULL,
        open_close("/usr/escape", O_WRONLY | O_CREAT));
    if ((v = arg(argc, argv, "ro_file")))
        TRY("write a file of a read-only bind", NULL, open_close(v, O_WRONLY));
    if ((v = arg(argc, argv, "ro_sub"))) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/escape", v);
        TRY("create a file in a submount of a read-only bind", NULL,
            open_close(p, O_WRONLY | O_CREAT));
    }
    TRY("remount /usr read-write", NULL, mount(NULL, "/usr", NULL, MS_REMOUNT | MS_BIND, NULL));
    TRY("remount / read-write", NULL, mount(NULL, "/", NULL, MS_REMOUNT, NULL));

    /* Mounting, pivoting, chroot. */
    TRY("mount a tmpfs", NULL, mount("none", "/tmp", "tmpfs", 0, NULL));
    TRY("mount sysfs", NULL, mount("none", "/tmp", "sysfs", 0, NULL));
    TRY("mount cgroup2", NULL, mount("none", "/tmp", "cgroup2", 0, NULL));
    TRY("fsopen tmpfs (new mount API)", NULL, syscall(SYS_fsopen, "tmpfs", 0));
    TRY("open_tree / (clone the root)", NULL, syscall(SYS_open_tree, AT_FDCWD, "/", 1));
    TRY("umount2 /usr (uncover what is below)", NULL, umount2("/usr", MNT_DETACH));
    TRY("pivot_root", NULL, syscall(SYS_pivot_root, "/tmp", "/tmp"));
    TRY("chroot", NULL, chroot("/tmp"));

    /* Processes of the host. */
    if ((v = arg(argc, argv, "host_pid"))) {
        char p[64];
        TRY("signal a host process", "pid namespace", kill((pid_t)atoi(v), 0));
        snprintf(p, sizeof(p), "/proc/%s/status", v);
        TRY("see a host process in /proc", "pid namespace", open_close(p, O_RDONLY));
        TRY("ptrace-attach a host process", "pid namespace",
            syscall(SYS_ptrace, PTRACE_ATTACH_NR, atoi(v), 0, 0));
    }
    TRY("ptrace-attach the node's init", NULL, syscall(SYS_ptrace, PTRACE_ATTACH_NR, 1, 0, 0));
    TRY("process_vm_readv of the node's init", NULL,
        syscall(SYS_process_vm_readv, 1, NULL, 0, NULL, 0, 0));
    {
        /* Shocker: a file handle made up for the root of the host's
         * filesystem; the call needs CAP_DAC_READ_SEARCH of the host. */
        struct {
            unsigned int bytes;
            int type;
            unsigned char f[8];
        } h = {.bytes = 8, .type = 1, .f = {2, 0, 0, 0, 0, 0, 0, 0}};
        TRY("open_by_handle_at (shocker)", NULL,
            syscall(SYS_open_by_handle_at, AT_FDCWD, &h, O_RDONLY));
    }

    /* The host's names and clock. */
    TRY("sethostname", NULL, sethostname("escaped", 7));
    TRY("setdomainname", NULL, setdomainname("escaped", 7));
    {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        TRY("clock_settime (the host's clock)", NULL, clock_settime(CLOCK_REALTIME, &now));
        struct timeval tv = {.tv_sec = now.tv_sec};
        TRY("settimeofday", NULL, syscall(SYS_settimeofday, &tv, NULL));
    }

    /* Privileges back. */
    if ((v = arg(argc, argv, "suid")))
        exec_gains_nothing("exec a setuid-root copy", v);
    if ((v = arg(argc, argv, "fcap")))
        exec_gains_nothing("exec a file with cap_sys_admin+ep", v);
    TRY("setuid(0)", "user namespace: 0 is not mapped", setuid(0));
    TRY("unshare a user namespace", NULL, unshare(CLONE_NEWUSER));
    TRY("unshare a mount namespace", NULL, unshare(CLONE_NEWNS));
    TRY("clone with CLONE_NEWUSER", NULL, clone_newuser());
    TRY("setns into the host's mount namespace", NULL,
        syscall(SYS_setns, open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC), 0));

    /* Devices and kernel interfaces. */
    TRY("mknod a block device", NULL, mknod("/tmp/sda", S_IFBLK | 0600, makedev(8, 0)));
    TRY("mknod a char device (/dev/mem)", NULL, mknod("/tmp/mem", S_IFCHR | 0600, makedev(1, 1)));
    TRY("open /dev/kmsg", "not in the node's /dev", open_close("/dev/kmsg", O_RDWR));
    TRY("write /proc/sysrq-trigger", "not in this kernel or read-only",
        write_file("/proc/sysrq-trigger", "h"));
    TRY("read /proc/kcore", "not in this kernel or no capability",
        open_close("/proc/kcore", O_RDONLY));
    TRY("write a host sysctl (/proc/sys/vm/swappiness)", NULL,
        sysctl_rewrite("/proc/sys/vm/swappiness"));
    TRY("write kernel.core_pattern", NULL, sysctl_rewrite("/proc/sys/kernel/core_pattern"));
    TRY("write /sys (uevent_helper)", "no /sys in the node",
        write_file("/sys/kernel/uevent_helper", ""));
    TRY("join the parent cgroup (cgroup.procs)", "no cgroupfs in the node", parent_cgroup_procs());
    TRY("syslog (read the kernel log)", NULL, syscall(SYS_syslog, 3, NULL, 0));
    TRY("keyctl (the session keyring)", NULL,
        syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
    TRY("add_key", NULL, syscall(SYS_add_key, "user", "escape", "x", 1, KEY_SPEC_PROCESS_KEYRING));
    TRY("bpf (BPF_PROG_LOAD)", NULL, syscall(SYS_bpf, 5, NULL, 0));
    {
        unsigned char attr[128] = {0};
        attr[4] = 128; /* size */
        TRY("perf_event_open", NULL, syscall(SYS_perf_event_open, attr, 0, -1, -1, 0));
    }
    TRY("io_uring_setup", NULL, syscall(SYS_io_uring_setup, 1, NULL));
    TRY("userfaultfd", NULL, syscall(SYS_userfaultfd, 0));
    TRY("init_module", NULL, syscall(SYS_init_module, NULL, 0, ""));
    TRY("kexec_load", NULL, syscall(SYS_kexec_load, 0, 0, NULL, 0));
    TRY("reboot", NULL, syscall(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, NULL));

    /* The terminal: TIOCSTI pushes input into the terminal the node shares
     * with the host's shell; TIOCLINUX pastes on a virtual console. */
    if (isatty(0)) {
        TRY("TIOCSTI into the terminal", "no controlling terminal", ioctl(0, TIOCSTI, "#"));
#if ULONG_MAX > 0xffffffffUL
        /* The kernel reads the request as 32 bits: a filter must too. */
        TRY("TIOCSTI with high bits in the request", "no controlling terminal",
            syscall(SYS_ioctl, 0, 1ul << 32 | TIOCSTI, "#"));
#endif
        char sub = 3; /* TIOCL_PASTESEL */
        TRY("TIOCLINUX paste", NULL, ioctl(0, TIOCLINUX, &sub));
    } else {
        skip("TIOCSTI into the terminal", "stdin is not a terminal");
    }

    /* The host's abstract unix sockets and loopback. */
    if ((v = arg(argc, argv, "abstract")))
        TRY("connect to a host abstract unix socket", "network namespace", unix_abstract(v));
    if ((v = arg(argc, argv, "tcp_port")))
        TRY("connect to a listener on the host's 127.0.0.1", "network namespace",
            tcp_local(atoi(v)));

    printf("1..%d\n", tap_n);
    printf("# %d escape(s)\n", escapes);
    return escapes ? 1 : 0;
}
