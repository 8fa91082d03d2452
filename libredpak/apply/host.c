/* SPDX-License-Identifier: Apache-2.0 */
/* Step 2, the host plan: the only changes redwrap makes outside the node,
 * made before anything of the node exists so that a refusal costs nothing.
 * Both are explicit opt-ins of the node file: host.sysctl, and bind
 * sources marked create: true. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auto_fd.h"
#include "host.h"
#include "log.h"
#include "step_message.h"

/* Creates path and its missing parents; only the last component gets the
 * step's mode and owner, the parents get 0755 like mkdir -p. item: the
 * step's number under step 2, for messages. */
static int host_mkdir(const struct rp_host_step *s, size_t item, struct rp_error *err)
{
    char buf[4096];
    if (strlen(s->path) >= sizeof(buf))
        return rp_step_item_error(err, RP_STEP_HOST, item, ENAMETOOLONG, "mkdir %s", s->path);
    strcpy(buf, s->path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return rp_step_item_error(err, RP_STEP_HOST, item, errno, "mkdir %s", buf);
        *p = '/';
    }
    if (mkdir(s->path, s->mode) < 0) {
        struct stat st;
        if (errno == EEXIST && stat(s->path, &st) == 0 && S_ISDIR(st.st_mode))
            return 0; /* an existing source is used as it is */
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "mkdir %s", s->path);
    }
    /* mkdir's mode went through the umask; the node asked for this one. */
    if (chmod(s->path, s->mode) < 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "chmod %s", s->path);
    if (s->has_owner && chown(s->path, s->uid, s->gid) < 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "chown %s %u:%u", s->path,
                                  (unsigned)s->uid, (unsigned)s->gid);
    return 0;
}

/* Writes a host sysctl. It changes the whole machine, so it is root only
 * (checked here, at run time, since the same node may be planned by
 * anyone) and always logged with the value it replaced. */
static int host_sysctl(const struct rp_host_step *s, size_t item, struct rp_error *err)
{
    if (geteuid() != 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, 0,
                                  "sysctl %s: host.sysctl changes the host and needs root "
                                  "(redwrap runs as uid %u); remove it from the node or run "
                                  "redwrap as root",
                                  s->path, (unsigned)geteuid());
    char old[256] = "";
    RP_AUTO_FD int fd = open(s->path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "sysctl %s", s->path);
    ssize_t len = read(fd, old, sizeof(old) - 1);
    if (len > 0) {
        old[len] = '\0';
        old[strcspn(old, "\n")] = '\0';
    }
    size_t vlen = strlen(s->value);
    if (pwrite(fd, s->value, vlen, 0) != (ssize_t)vlen)
        return rp_step_item_error(err, RP_STEP_HOST, item, errno, "sysctl %s = %s", s->path,
                                  s->value);
    rp_log("host sysctl %s = %s (was %s)", s->path, s->value, old);
    return 0;
}

/* Step i of steps is line i + 1 of step 2 in `rednode-config plan`. */
int rp_host_apply(const struct rp_host_step *steps, size_t n, int verbose, struct rp_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct rp_host_step *s = &steps[i];
        int r;
        switch (s->op) {
        case RP_HOST_MKDIR:
            rp_step_item_vlog(verbose, RP_STEP_HOST, i + 1, "mkdir %s mode %04o", s->path,
                              (unsigned)s->mode);
            r = host_mkdir(s, i + 1, err);
            break;
        case RP_HOST_SYSCTL:
            rp_step_item_vlog(verbose, RP_STEP_HOST, i + 1, "sysctl %s = %s", s->path, s->value);
            r = host_sysctl(s, i + 1, err);
            break;
        default:
            r = rp_step_item_error(err, RP_STEP_HOST, i + 1, EINVAL, "unknown operation %d",
                                   (int)s->op);
        }
        if (r < 0)
            return r;
    }
    return 0;
}
