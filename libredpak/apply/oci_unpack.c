/* SPDX-License-Identifier: Apache-2.0 */
/* root.image oci:LAYOUT:TAG, step 2: the image's layers, with their
 * whiteouts, unpacked by umoci (a maintained tool that verifies every blob
 * against its digest as it reads it) into the cache folder the plan named
 * after the manifest's digest.
 *
 * umoci unpacks into a fresh folder beside the cache entry, which is
 * renamed into place only once umoci succeeded: a corrupted layer (a
 * digest that does not match, a broken archive) leaves nothing a node
 * could use, and two nodes unpacking the same image at once both end with
 * one complete copy (the second rename fails, its copy is removed). An
 * entry is never changed afterwards: nodes use it as root.source, the
 * read-only lower layer of their overlay. */
#include "oci_unpack.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "log.h"
#include "read_all.h"
#include "step_message.h"

static const char *umoci_path(void)
{
    static const char *const candidates[] = {"/usr/bin/umoci", "/usr/local/bin/umoci",
                                             "/usr/sbin/umoci"};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
        if (access(candidates[i], X_OK) == 0)
            return candidates[i];
    return NULL;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_one, 64, FTW_DEPTH | FTW_PHYS);
}

/* umoci's last words on failure: its last non-empty line of stderr. */
static void last_line(char *buf, char *out, size_t len)
{
    char *line = NULL;
    for (char *p = strtok(buf, "\n"); p; p = strtok(NULL, "\n"))
        if (strspn(p, " \t") < strlen(p))
            line = p;
    if (line)
        line += strspn(line, " \t");
    if (line && strncmp(line, "\xe2\xa8\xaf ", 4) == 0) /* umoci's error mark */
        line += 4;
    snprintf(out, len, "%s", line ? line : "no message");
}

static int run_umoci(const char *umoci, const char *image, const char *dest, char *why,
                     size_t why_len)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return -errno;
    }
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        char *const argv[] = {(char *)umoci, "raw",        "unpack",    "--image",
                              (char *)image, (char *)dest, (char *)NULL};
        char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
        execve(umoci, argv, envp);
        _exit(127);
    }
    close(pipefd[1]);
    char *out = NULL;
    int r = rp_read_all(pipefd[0], 1u << 20, &out, NULL);
    close(pipefd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        free(out);
        return 0;
    }
    if (r == 0 && out)
        last_line(out, why, why_len);
    free(out);
    return -EINVAL;
}

int rp_oci_unpack(const struct rp_mount_plan *mount, int verbose, struct rp_error *err)
{
    const struct rp_mount_step *s = NULL;
    for (size_t i = 0; i < mount->n; i++)
        if (mount->steps[i].op == RP_MOP_ROOT_BIND && mount->steps[i].oci_layout)
            s = &mount->steps[i];
    if (!s)
        return 0;
    char entry[PATH_MAX], image[PATH_MAX];
    snprintf(entry, sizeof(entry), "%s", s->source);
    char *slash = strrchr(entry, '/'); /* .../sha256-HEX/rootfs -> .../sha256-HEX */
    if (!slash)
        return rp_step_error(err, RP_STEP_HOST, EINVAL, "root.image %s", s->source);
    *slash = '\0';
    snprintf(image, sizeof(image), "%s:%s", s->oci_layout, s->oci_tag);
    struct stat st;
    if (stat(s->source, &st) == 0 && S_ISDIR(st.st_mode)) {
        rp_step_vlog(verbose, RP_STEP_HOST, "root.image oci:%s: unpacked already in %s", image,
                     entry);
        return 0;
    }
    if (geteuid() != 0)
        return rp_step_error(err, RP_STEP_HOST, EPERM,
                             "root.image oci:%s: the image cache is root's: run the node as "
                             "root once to unpack it, or unpack it yourself (umoci raw unpack) "
                             "and use root.source",
                             image);
    const char *umoci = umoci_path();
    if (!umoci)
        return rp_step_error(err, RP_STEP_HOST, ENOENT,
                             "root.image oci:%s: needs umoci (Debian: apt install umoci)", image);
    char cache[PATH_MAX], tmp[PATH_MAX + 16], dest[PATH_MAX + 32];
    snprintf(cache, sizeof(cache), "%s", entry);
    *strrchr(cache, '/') = '\0';
    /* /var/cache/redpak/oci: every level, root's alone. */
    for (char *p = cache + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(cache, 0755);
            *p = '/';
        }
    if (mkdir(cache, 0700) < 0 && errno != EEXIST)
        return rp_step_error(err, RP_STEP_HOST, errno, "root.image cache %s", cache);
    snprintf(tmp, sizeof(tmp), "%s/.unpack-XXXXXX", cache);
    if (!mkdtemp(tmp))
        return rp_step_error(err, RP_STEP_HOST, errno, "root.image cache %s", cache);
    chmod(tmp, 0755);
    snprintf(dest, sizeof(dest), "%s/rootfs", tmp);
    rp_step_vlog(verbose, RP_STEP_HOST, "root.image oci:%s: unpacking into %s", image, entry);
    char why[512] = "";
    int r = run_umoci(umoci, image, dest, why, sizeof(why));
    if (r < 0) {
        remove_tree(tmp);
        return rp_step_error(err, RP_STEP_HOST, r == -EINVAL ? 0 : -r,
                             "root.image oci:%s: umoci could not unpack it (%s); nothing "
                             "unpacked is used",
                             image, why[0] ? why : "umoci failed");
    }
    if (rename(tmp, entry) < 0) {
        int e = errno;
        remove_tree(tmp);
        /* Another node unpacked the same digest meanwhile: its copy serves. */
        if ((e == EEXIST || e == ENOTEMPTY) && stat(s->source, &st) == 0)
            return 0;
        return rp_step_error(err, RP_STEP_HOST, e, "root.image cache %s", entry);
    }
    return 0;
}
