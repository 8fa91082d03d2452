/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of the mountinfo reader (mountinfo.c): fields, escapes,
 * optional fields, options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <cmocka.h>

#include "mountinfo.h"

static int read_text(const char *text, struct rp_mountinfo_table *t)
{
    char path[] = "/tmp/redpak-mountinfo-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    int r = rp_mountinfo_read(AT_FDCWD, path, t);
    unlink(path);
    return r;
}

static void test_fields_are_split_around_the_optional_ones(void **state)
{
    struct rp_mountinfo_table t;
    assert_int_equal(read_text("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 "
                               "/dev/root rw,errors=continue\n"
                               "40 36 0:30 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup "
                               "rw,memory\n",
                               &t),
                     0);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.e[0].id, 36);
    assert_int_equal(t.e[0].parent_id, 35);
    assert_string_equal(t.e[0].root, "/mnt1");
    assert_string_equal(t.e[0].target, "/mnt2");
    assert_string_equal(t.e[0].vfs_options, "rw,noatime");
    assert_string_equal(t.e[0].fstype, "ext3");
    assert_string_equal(t.e[0].source, "/dev/root");
    assert_string_equal(t.e[0].super_options, "rw,errors=continue");
    assert_string_equal(t.e[1].fstype, "cgroup");
    assert_string_equal(t.e[1].super_options, "rw,memory");
    rp_mountinfo_free(&t);
}

static void test_escaped_space_tab_newline_and_backslash_are_unescaped(void **state)
{
    struct rp_mountinfo_table t;
    assert_int_equal(read_text("50 1 0:40 / /a\\040b\\011c\\012d\\134e rw - tmpfs my\\040src rw\n",
                               &t),
                     0);
    assert_string_equal(t.e[0].target, "/a b\tc\nd\\e");
    assert_string_equal(t.e[0].source, "my src");
    rp_mountinfo_free(&t);
}

static void test_a_line_without_the_separator_is_invalid(void **state)
{
    struct rp_mountinfo_table t;
    assert_int_equal(read_text("36 35 98:0 / /mnt rw ext3 /dev/root rw\n", &t), -EINVAL);
    assert_int_equal(read_text("x 35 98:0 / /mnt rw - ext3 /dev/root rw\n", &t), -EINVAL);
}

static void test_options_match_whole_names_only(void **state)
{
    assert_true(rp_mount_option("rw,cpu,cpuacct", "cpu"));
    assert_true(rp_mount_option("rw,cpu,cpuacct", "cpuacct"));
    assert_false(rp_mount_option("rw,cpuacct", "cpu"));
    assert_true(rp_mount_option("rw,size=16k", "size"));
    assert_false(rp_mount_option("rw,size=16k", "siz"));
    assert_false(rp_mount_option("", "rw"));
}

static void test_vfs_options_give_the_remount_flags(void **state)
{
    assert_int_equal(rp_mount_vfs_flags("ro,nosuid,nodev,noexec,relatime"),
                     MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
    assert_int_equal(rp_mount_vfs_flags("rw,noatime"), MS_NOATIME);
    assert_int_equal(rp_mount_vfs_flags("rw"), 0);
}

static void test_this_process_table_has_its_root(void **state)
{
    struct rp_mountinfo_table t;
    assert_int_equal(rp_mountinfo_read(AT_FDCWD, "/proc/self/mountinfo", &t), 0);
    int roots = 0;
    for (size_t i = 0; i < t.n; i++)
        roots += strcmp(t.e[i].target, "/") == 0;
    assert_true(roots >= 1);
    rp_mountinfo_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_are_split_around_the_optional_ones),
        cmocka_unit_test(test_escaped_space_tab_newline_and_backslash_are_unescaped),
        cmocka_unit_test(test_a_line_without_the_separator_is_invalid),
        cmocka_unit_test(test_options_match_whole_names_only),
        cmocka_unit_test(test_vfs_options_give_the_remount_flags),
        cmocka_unit_test(test_this_process_table_has_its_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
