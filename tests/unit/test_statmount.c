/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of statmount.c against the kernel's own mountinfo: for
 * every mount of this process, statmount's filesystem type and root are
 * mountinfo's; a directory that is not a mount's root is refused. On a
 * kernel without statmount (before 6.8) there is nothing to compare. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "mount_resolve.h"
#include "mountinfo.h"
#include "statmount.h"

static void free_table(struct rp_mountinfo_table *t)
{
    rp_mountinfo_free(t);
}

/* The entry that is on top at target: the last one mounted there. */
static const struct rp_mountinfo *top_at(const struct rp_mountinfo_table *t, const char *target)
{
    const struct rp_mountinfo *top = NULL;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->e[i].target, target))
            top = &t->e[i];
    return top;
}

static void test_every_mount_reads_as_in_mountinfo(void **state)
{
    (void)state;
    __attribute__((cleanup(free_table))) struct rp_mountinfo_table t = {0};
    assert_int_equal(rp_mountinfo_read(AT_FDCWD, "/proc/self/mountinfo", &t), 0);
    char fstype[64], root[4096];
    int r = rp_statmount_root("/", fstype, sizeof(fstype), root, sizeof(root));
    if (r == -ENOSYS || r == -EINVAL)
        skip(); /* a kernel before 6.8: callers read mountinfo */
    size_t compared = 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct rp_mountinfo *m = top_at(&t, t.e[i].target);
        struct stat st;
        /* Only directories that are there to ask (not hidden under a later
         * mount, not a file bind), and only once per target. */
        if (m != &t.e[i] || stat(m->target, &st) < 0 || !S_ISDIR(st.st_mode))
            continue;
        r = rp_statmount_root(m->target, fstype, sizeof(fstype), root, sizeof(root));
        if (r == -ENOTDIR || r == -EACCES)
            continue; /* the path now reaches another mount (over-mounted parent) */
        assert_int_equal(r, 0);
        assert_string_equal(fstype, m->fstype);
        assert_string_equal(root, m->root);
        compared++;
    }
    assert_true(compared >= 2); /* at least / and /proc */
}

static void test_a_directory_that_is_not_a_mount_root_is_refused(void **state)
{
    (void)state;
    char fstype[64], root[4096];
    int r = rp_statmount_root("/", fstype, sizeof(fstype), root, sizeof(root));
    if (r == -ENOSYS || r == -EINVAL)
        skip();
    /* /proc/self/fd is inside procfs, never the root of a mount. */
    assert_int_equal(rp_statmount_root("/proc/self/fd", fstype, sizeof(fstype), root, sizeof(root)),
                     -ENOTDIR);
}

static void test_a_missing_path_is_an_error(void **state)
{
    (void)state;
    char fstype[64], root[4096];
    assert_int_equal(rp_statmount_root("/nonexistent/redpak", fstype, sizeof(fstype), root,
                                       sizeof(root)),
                     -ENOENT);
}

static void test_a_short_buffer_is_refused_not_cut(void **state)
{
    (void)state;
    char fstype[2], root[4096];
    int r = rp_statmount_root("/proc", fstype, sizeof(fstype), root, sizeof(root));
    if (r == -ENOSYS || r == -EINVAL)
        skip();
    assert_int_equal(r, -ENAMETOOLONG); /* "proc" does not fit in 2 bytes */
}

/* statx's mount id and fdinfo's are the same number (mount_resolve.c). */
static void test_descriptor_mount_id_is_fdinfos(void **state)
{
    (void)state;
    int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(proc >= 0 && fd >= 0);
    char name[64], buf[4096];
    snprintf(name, sizeof(name), "self/fdinfo/%d", fd);
    int info = openat(proc, name, O_RDONLY | O_CLOEXEC);
    assert_true(info >= 0);
    ssize_t n = read(info, buf, sizeof(buf) - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    const char *line = strstr(buf, "mnt_id:");
    assert_non_null(line);
    assert_int_equal(rp_fd_mount_id(proc, fd), atoi(line + strlen("mnt_id:")));
    close(info);
    close(fd);
    close(proc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_mount_reads_as_in_mountinfo),
        cmocka_unit_test(test_a_directory_that_is_not_a_mount_root_is_refused),
        cmocka_unit_test(test_a_missing_path_is_an_error),
        cmocka_unit_test(test_a_short_buffer_is_refused_not_cut),
        cmocka_unit_test(test_descriptor_mount_id_is_fdinfos),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
