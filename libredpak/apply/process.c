/* SPDX-License-Identifier: Apache-2.0 */
/* Step 8, the process plan (rlimits, umask, cwd, environment, inherited
 * file descriptors), and the execve that ends step 12. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env_value.h"
#include "names.h"
#include "process.h"
#include "step_message.h"
#include "redpak/run.h"

/* Used to find a command when the workload's environment has no PATH. */
#define RP_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int close_from(unsigned first, unsigned last)
{
    if (first > last)
        return 0;
    if (syscall(SYS_close_range, first, last, 0) == 0)
        return 0;
    if (errno != ENOSYS)
        return -errno;
    /* Before 5.9: one close(2) each, up to the descriptor limit. */
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = first; fd <= (long)last && fd < max; fd++)
        close((int)fd);
    return 0;
}

/* Every descriptor redwrap inherited (a terminal's, a shell's, a socket a
 * service manager passed) would otherwise reach the workload: a directory
 * fd of the host is a way out of the new root. keep lists the executor's
 * own, which are close-on-exec. */
static int close_inherited_fds(const int *keep, size_t n_keep, struct rp_error *err)
{
    unsigned first = 3;
    int r = 0;
    /* close_range takes ranges: walk the kept fds in increasing order. */
    for (;;) {
        unsigned next = ~0U;
        for (size_t i = 0; i < n_keep; i++)
            if (keep[i] >= (int)first && (unsigned)keep[i] < next)
                next = (unsigned)keep[i];
        if (next == ~0U) {
            r = close_from(first, ~0U);
            break;
        }
        if (next > first && (r = close_from(first, next - 1)) < 0)
            break;
        first = next + 1;
    }
    if (r < 0)
        return rp_step_error(err, RP_STEP_PROCESS, r, "close inherited file descriptors");
    return 0;
}

/* Whether fd may reach the workload as one of 0-2: a terminal, a pipe, a
 * socket, a regular file or a character device (/dev/null), opened for
 * I/O. A directory is a way out of the new root (fchdir, openat ".."), an
 * O_PATH descriptor can be reopened through /proc/self/fd with other
 * access than the caller meant, and the rest (block devices, pidfds,
 * epoll and other anonymous inodes) is nothing a caller redirects on
 * purpose. A closed fd stays closed. */
static bool std_fd_ok(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_PATH))
        return false;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return false;
    return S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
        S_ISCHR(st.st_mode);
}

int rp_process_std_fds(struct rp_error *err)
{
    int null = -1;
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0 || std_fd_ok(fd))
            continue;
        if (null < 0 && (null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
            return rp_step_error(err, RP_STEP_PROCESS, errno,
                                 "/dev/null, for fd %d (neither a terminal, a pipe, a socket "
                                 "nor a file)",
                                 fd);
        if (dup2(null, fd) < 0) {
            int e = errno;
            close(null);
            return rp_step_error(err, RP_STEP_PROCESS, e, "/dev/null as fd %d", fd);
        }
    }
    if (null >= 0)
        close(null);
    return 0;
}

/* A new anonymous session keyring: the caller's (its login's, its ssh
 * agent's keys) is no longer the node's. Without keyring support in the
 * kernel (ENOSYS), or with keyctl refused by a filter redwrap itself runs
 * under (EPERM, EACCES: inherited by the node as well), there is nothing
 * the node could read. */
int rp_process_session_keyring(struct rp_error *err)
{
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) >= 0)
        return 0;
    if (errno == ENOSYS || errno == EPERM || errno == EACCES)
        return 0;
    return rp_step_error(err, RP_STEP_PROCESS, errno,
                         "a session keyring of its own (keyctl JOIN_SESSION_KEYRING)%s",
                         errno == EDQUOT ? ": the key quota of this uid is used up "
                                           "(/proc/sys/kernel/keys/maxkeys)"
                                         : "");
}

int rp_process_apply(const struct rp_process_plan *plan, const int *keep, size_t n_keep,
                     struct rp_error *err)
{
    for (size_t i = 0; i < plan->n_rlimits; i++) {
        const struct rp_rlimit *l = &plan->rlimits[i];
        struct rlimit rl = {.rlim_cur = l->soft, .rlim_max = l->hard};
        if (setrlimit(l->resource, &rl) < 0)
            return rp_step_error(err, RP_STEP_PROCESS, errno, "rlimit %s %llu %llu",
                                 rp_rlimit_name(l->resource), (unsigned long long)l->soft,
                                 (unsigned long long)l->hard);
    }
    umask(plan->umask);
    const char *cwd = plan->cwd ? plan->cwd : "/";
    if (chdir(cwd) < 0)
        return rp_step_error(err, RP_STEP_PROCESS, errno, "cwd %s", cwd);
    return close_inherited_fds(keep, n_keep, err);
}

/* Sets NAME=VALUE in the array of n entries, replacing an earlier one. */
static void env_put(char **env, size_t *n, const char *name, size_t name_len, char *entry)
{
    for (size_t i = 0; i < *n; i++) {
        if (strncmp(env[i], name, name_len) == 0 && env[i][name_len] == '=') {
            free(env[i]);
            env[i] = entry;
            return;
        }
    }
    env[(*n)++] = entry;
}

void rp_process_env_free(char **env)
{
    for (char **e = env; e && *e; e++)
        free(*e);
    free(env);
}

/* clear (default): only pass and set reach the workload, so nothing of the
 * caller's session (SSH_AUTH_SOCK, tokens) leaks in by accident. set wins
 * over pass, pass over the inherited environment. Every string is the
 * array's own (rp_process_env_free). */
char **rp_process_env(const struct rp_process_plan *plan, char *const *environ_)
{
    size_t n_inherited = 0;
    if (!plan->env_clear)
        while (environ_ && environ_[n_inherited])
            n_inherited++;
    char **env = calloc(n_inherited + plan->n_env_pass + plan->n_env_set + 1, sizeof(*env));
    if (!env)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < n_inherited; i++) {
        const char *eq = strchr(environ_[i], '=');
        char *entry = eq ? strdup(environ_[i]) : NULL;
        if (entry)
            env_put(env, &n, environ_[i], (size_t)(eq - environ_[i]), entry);
    }
    for (size_t i = 0; i < plan->n_env_pass; i++) {
        const char *name = plan->env_pass[i];
        const char *value = rp_env_value(environ_, name);
        char *entry;
        if (value) {
            if (asprintf(&entry, "%s=%s", name, value) < 0) {
                rp_process_env_free(env);
                return NULL;
            }
            env_put(env, &n, name, strlen(name), entry);
        }
    }
    for (size_t i = 0; i < plan->n_env_set; i++) {
        const struct rp_kv *kv = &plan->env_set[i];
        char *entry;
        if (asprintf(&entry, "%s=%s", kv->key, kv->value) < 0) {
            rp_process_env_free(env);
            return NULL;
        }
        env_put(env, &n, kv->key, strlen(kv->key), entry);
    }
    env[n] = NULL;
    return env;
}

/* 126: found but not executable (EACCES, ENOEXEC, a directory...);
 * 127: not found. The convention of shells, podman and docker. */
static int exec_status(int e)
{
    return e == ENOENT || e == ENOTDIR ? RP_EXIT_NOT_FOUND : RP_EXIT_NOT_EXECUTABLE;
}

/* execvpe(3) searches the PATH of the caller's environment, not of the one
 * it is given; the workload's PATH is the one that counts here. Like the
 * shells, a later PATH entry may still succeed after an EACCES, and
 * EACCES is reported when nothing was found at all. */
int rp_process_exec(char *const *argv, char *const *envp, struct rp_error *err)
{
    const char *cmd = argv[0];
    if (!cmd || !*cmd) {
        rp_step_error(err, RP_STEP_SUPERVISE, ENOENT, "exec: empty command");
        return RP_EXIT_NOT_FOUND;
    }
    if (strchr(cmd, '/')) {
        execve(cmd, argv, envp);
        int e = errno;
        /* ENOENT for a file that exists: its interpreter (the ELF loader
         * or a #! line) is what is missing from the node. */
        if (e == ENOENT && access(cmd, F_OK) == 0)
            rp_step_error(err, RP_STEP_SUPERVISE, e,
                          "exec %s: its interpreter (ELF loader or #! line) is missing in the "
                          "node",
                          cmd);
        else
            rp_step_error(err, RP_STEP_SUPERVISE, e, "exec %s", cmd);
        return exec_status(e);
    }
    const char *path = rp_env_value(envp, "PATH");
    if (!path)
        path = RP_DEFAULT_PATH;
    int saw_eacces = 0, last = ENOENT;
    char full[PATH_MAX];
    for (const char *p = path;;) {
        const char *end = strchrnul(p, ':');
        size_t dir_len = (size_t)(end - p);
        /* An empty entry means the current directory, as in POSIX. */
        int len = dir_len ? snprintf(full, sizeof(full), "%.*s/%s", (int)dir_len, p, cmd)
                          : snprintf(full, sizeof(full), "%s", cmd);
        if (len > 0 && (size_t)len < sizeof(full)) {
            execve(full, argv, envp);
            if (errno == EACCES)
                saw_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR)
                last = errno;
        }
        if (!*end)
            break;
        p = end + 1;
    }
    int e = saw_eacces ? EACCES : last;
    if (e == ENOENT) {
        rp_step_error(err, RP_STEP_SUPERVISE, 0, "exec %s: command not found in PATH %s", cmd,
                      path);
        err->code = -ENOENT;
    } else {
        rp_step_error(err, RP_STEP_SUPERVISE, e, "exec %s", cmd);
    }
    return exec_status(e);
}
