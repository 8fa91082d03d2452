/* SPDX-License-Identifier: Apache-2.0 */
/* The maps a rootless caller cannot write itself. The kernel lets a writer
 * without CAP_SETUID (CAP_SETGID) above the namespace map one id, its own;
 * shadow's newuidmap and newgidmap are set-uid root and write any range
 * /etc/subuid (/etc/subgid) gives the calling user, after checking that
 * the target process is that user's. newgidmap also decides setgroups: it
 * leaves it allowed for a map within /etc/subgid (so redwrap does not
 * write "deny" first) and writes "deny" otherwise.
 *
 * The helper runs with a fixed environment and no descriptor of redwrap's
 * but its stderr, which is read into the error: a set-uid program is
 * given nothing of the caller's that it does not need. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto_fd.h"
#include "newidmap.h"
#include "step_message.h"

/* "PID inside outside count ...", one word per argv slot, in words (one
 * 11-byte slot per number). */
static char **build_argv(const char *tool, pid_t pid, const struct rp_id_map *m, size_t n)
{
    size_t words = 2 + 3 * n;
    char **argv = calloc(words + 1, sizeof(*argv));
    char *text = malloc((words - 1) * 12);
    if (!argv || !text) {
        free(argv);
        free(text);
        return NULL;
    }
    char *w = text;
    argv[0] = (char *)tool;
    argv[1] = w;
    w += snprintf(w, 12, "%d", (int)pid) + 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t v[3] = {m[i].inside, m[i].outside, m[i].count};
        for (int j = 0; j < 3; j++) {
            argv[2 + 3 * i + (size_t)j] = w;
            w += snprintf(w, 12, "%u", v[j]) + 1;
        }
    }
    return argv;
}

static void free_argv(char **argv)
{
    if (argv)
        free(argv[1]);
    free(argv);
}

/* The child: stdin and stdout /dev/null, stderr the pipe, nothing else;
 * default signal handling and mask, as a program expects to start. */
static void exec_helper(char **argv, int err_fd)
{
    static char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
    sigset_t all;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(127);
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
    execve(argv[0], argv, env);
    dprintf(2, "exec %s: %s", argv[0], strerror(errno));
    _exit(127);
}

/* What the helper printed, on one line, at most len - 1 bytes. */
static void read_stderr(int fd, char *buf, size_t len)
{
    size_t used = 0;
    ssize_t r;
    while (used + 1 < len && (r = read(fd, buf + used, len - 1 - used)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        used += (size_t)r;
    }
    buf[used] = '\0';
    while (used > 0 && (buf[used - 1] == '\n' || buf[used - 1] == ' '))
        buf[--used] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

static void join_argv(char **argv, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; argv[i] && used < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", argv[i]);
        if (w < 0)
            return;
        used += (size_t)w;
    }
}

int rp_newidmap_run(const char *tool, const char *file, pid_t pid, const struct rp_id_map *m,
                    size_t n, struct rp_error *err)
{
    char **argv = build_argv(tool, pid, m, n);
    int pipe_fd[2];
    if (!argv)
        return rp_step_error(err, RP_STEP_ID_MAPS, ENOMEM, "%s", file);
    if (pipe2(pipe_fd, O_CLOEXEC) < 0) {
        free_argv(argv);
        return rp_step_error(err, RP_STEP_ID_MAPS, errno, "%s: pipe", file);
    }
    RP_AUTO_FD int rd = pipe_fd[0];
    pid_t child = fork();
    if (child == 0)
        exec_helper(argv, pipe_fd[1]);
    int fork_errno = errno;
    close(pipe_fd[1]);
    if (child < 0) {
        free_argv(argv);
        return rp_step_error(err, RP_STEP_ID_MAPS, fork_errno, "%s: fork for %s", file, tool);
    }
    char said[512], cmd[512];
    read_stderr(rd, said, sizeof(said));
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    join_argv(argv, cmd, sizeof(cmd));
    free_argv(argv);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        return rp_step_error(err, RP_STEP_ID_MAPS, 0, "%s: %s: killed by signal %d%s%s", file, cmd,
                             WTERMSIG(status), said[0] ? ": " : "", said);
    return rp_step_error(err, RP_STEP_ID_MAPS, 0, "%s: %s: exit %d%s%s", file, cmd,
                         WEXITSTATUS(status), said[0] ? ": " : "", said);
}
