/* SPDX-License-Identifier: Apache-2.0 */
/* root.image: a squashfs or erofs file as the node's read-only lower layer.
 *
 * The kernel mounts a block filesystem only for CAP_SYS_ADMIN in the host's
 * user namespace, so the parent does it before the clone, like the idmapped
 * copies of bind sources (idmap.c), and hands the first process a detached
 * mount, which mount_image.c layers as it layers root.source.
 *
 * libmount's context API sets up the loop device (with autoclear: the
 * kernel frees it when the last mount of the image goes, so it goes with
 * the node's mount namespace, also after a killed redwrap) and detects the
 * filesystem. Only squashfs and erofs are accepted: read-only formats made
 * to be read from untrusted media, where the kernel's ext4 or xfs code
 * would parse a crafted image with far more state.
 *
 * Nothing of this reaches the host's mount table or the launch of other
 * nodes: a short-lived helper process makes a private mount namespace,
 * loads libmount there (dlopen: redwrap does not link it), mounts the image
 * on a tmpfs of its own with mtab/utab writes off, and sends back a
 * detached copy (open_tree) through a socket; its namespace and its mount
 * go when it exits, the copy keeps the image mounted. */
#include "loop_image.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auto_fd.h"
#include "error_internal.h"
#include "fd_pass.h"
#include "log.h"
#include "step_message.h"

struct reply {
    int code; /* 0, or a negative errno-style code */
    char msg[480];
};

#ifdef REDPAK_HAVE_LIBMOUNT
#include <libmount.h>

/* libmount's calls, looked up in the helper only. */
struct libmount {
    __typeof__(mnt_new_context) *new_context;
    __typeof__(mnt_free_context) *free_context;
    __typeof__(mnt_context_set_source) *set_source;
    __typeof__(mnt_context_set_target) *set_target;
    __typeof__(mnt_context_set_options) *set_options;
    __typeof__(mnt_context_set_fstype_pattern) *set_fstype_pattern;
    __typeof__(mnt_context_disable_mtab) *disable_mtab;
    __typeof__(mnt_context_disable_helpers) *disable_helpers;
    __typeof__(mnt_context_mount) *mount;
    __typeof__(mnt_context_get_excode) *get_excode;
};

static int load_libmount(struct libmount *m, struct reply *rp)
{
    void *h = dlopen("libmount.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        rp->code = -ENOSYS;
        snprintf(rp->msg, sizeof(rp->msg),
                 "root.image needs libmount.so.1 (util-linux's libmount1): %s", dlerror());
        return -1;
    }
#define SYM(field, name)                                                                           \
    if (!(m->field = (__typeof__(m->field))dlsym(h, name))) {                                      \
        rp->code = -ENOSYS;                                                                        \
        snprintf(rp->msg, sizeof(rp->msg), "libmount.so.1 has no %s", name);                       \
        return -1;                                                                                 \
    }
    SYM(new_context, "mnt_new_context")
    SYM(free_context, "mnt_free_context")
    SYM(set_source, "mnt_context_set_source")
    SYM(set_target, "mnt_context_set_target")
    SYM(set_options, "mnt_context_set_options")
    SYM(set_fstype_pattern, "mnt_context_set_fstype_pattern")
    SYM(disable_mtab, "mnt_context_disable_mtab")
    SYM(disable_helpers, "mnt_context_disable_helpers")
    SYM(mount, "mnt_context_mount")
    SYM(get_excode, "mnt_context_get_excode")
#undef SYM
    return 0;
}

/* A folder for the helper's tmpfs that does not hide the image. */
static const char *stage_for(const char *image)
{
    static const char *const candidates[] = {"/tmp", "/run", "/mnt", "/media", "/srv"};
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        size_t len = strlen(candidates[i]);
        struct stat st;
        if (strncmp(image, candidates[i], len) == 0 && image[len] == '/')
            continue;
        if (lstat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode))
            return candidates[i];
    }
    return NULL;
}

/* The helper: mounts the image, returns a detached copy in *out. */
static int helper_mount(const char *image, int *out, struct reply *rp)
{
    struct libmount lm;
    if (load_libmount(&lm, rp) < 0)
        return -1;
    const char *stage = stage_for(image);
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        !stage || mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "size=16k,mode=0700") < 0) {
        rp->code = -errno;
        snprintf(rp->msg, sizeof(rp->msg), "a private mount namespace: %s", strerror(errno));
        return -1;
    }
    char target[64];
    snprintf(target, sizeof(target), "%s/image", stage);
    if (mkdir(target, 0700) < 0) {
        rp->code = -errno;
        snprintf(rp->msg, sizeof(rp->msg), "%s: %s", target, strerror(errno));
        return -1;
    }
    struct libmnt_context *cxt = lm.new_context();
    if (!cxt) {
        rp->code = -ENOMEM;
        snprintf(rp->msg, sizeof(rp->msg), "libmount: out of memory");
        return -1;
    }
    lm.disable_mtab(cxt, 1);
    lm.disable_helpers(cxt, 1);
    lm.set_source(cxt, image);
    lm.set_target(cxt, target);
    lm.set_fstype_pattern(cxt, "squashfs,erofs");
    lm.set_options(cxt, "loop,ro,nosuid,nodev");
    int rc = lm.mount(cxt);
    if (rc != 0) {
        char buf[400] = "";
        lm.get_excode(cxt, rc, buf, sizeof(buf));
        rp->code = -EINVAL;
        snprintf(rp->msg, sizeof(rp->msg),
                 "%s: not mountable as squashfs or erofs through a loop device: %s", image,
                 buf[0] ? buf : "libmount failed");
        lm.free_context(cxt);
        return -1;
    }
    lm.free_context(cxt);
    *out = open_tree(AT_FDCWD, target, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (*out < 0) {
        rp->code = -errno;
        snprintf(rp->msg, sizeof(rp->msg), "open_tree %s: %s", target, strerror(errno));
        return -1;
    }
    return 0;
}

#else
/* A static build, or one without libmount's header: the helper says so. */
static int helper_mount(const char *image, int *out, struct reply *rp)
{
    (void)image;
    (void)out;
    rp->code = -ENOSYS;
    snprintf(rp->msg, sizeof(rp->msg),
             "this redwrap was built without root.image (a static build, or no libmount-dev)");
    return -1;
}
#endif

static int mount_image(const char *image, int *out, struct rp_error *err)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return rp_step_error(err, RP_STEP_HOST, errno, "root.image %s", image);
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return rp_step_error(err, RP_STEP_HOST, errno, "root.image %s", image);
    }
    if (pid == 0) {
        struct reply rp = {0};
        int fd = -1;
        close(sv[0]);
        helper_mount(image, &fd, &rp);
        (void)rp_fd_send(sv[1], &rp, sizeof(rp), fd);
        _exit(0);
    }
    close(sv[1]);
    struct reply rp = {0};
    *out = -1;
    int r = rp_fd_recv(sv[0], &rp, sizeof(rp), out) == (ssize_t)sizeof(rp) ? 0 : -EPROTO;
    if (r < 0)
        rp_close_fd(out);
    close(sv[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (r < 0)
        return rp_step_error(err, RP_STEP_HOST, -r, "root.image %s: the mount helper", image);
    if (rp.code < 0 || *out < 0) {
        rp_close_fd(out);
        return rp_step_error(err, RP_STEP_HOST, 0, "root.image %s", rp.msg);
    }
    return 0;
}

int rp_loop_image_open(const struct rp_mount_plan *mount, int **fds, int verbose,
                       struct rp_error *err)
{
    size_t i = 0;
    while (i < mount->n && !(mount->steps[i].op == RP_MOP_ROOT_BIND && mount->steps[i].loop_image))
        i++;
    if (i == mount->n)
        return 0;
    const char *image = mount->steps[i].source;
    if (geteuid() != 0)
        return rp_step_error(err, RP_STEP_HOST, EPERM,
                             "root.image %s: an image is mounted through a loop device, which "
                             "only root may set up: run redwrap as root, or unpack the image "
                             "and use root.source",
                             image);
    if (!*fds) {
        *fds = malloc((mount->n + 1) * sizeof(**fds));
        if (!*fds)
            return rp_step_error(err, RP_STEP_HOST, ENOMEM, "root.image");
        for (size_t k = 0; k < mount->n; k++)
            (*fds)[k] = -1;
    }
    int fd;
    int r = mount_image(image, &fd, err);
    if (r < 0)
        return r;
    rp_close_fd(&(*fds)[i]);
    (*fds)[i] = fd;
    rp_step_vlog(verbose, RP_STEP_HOST, "root.image %s mounted through a loop device", image);
    return 0;
}
