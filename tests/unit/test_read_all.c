/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of rp_read_all (read_all.c): a whole descriptor into one
 * NUL-terminated buffer, with a size cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "read_all.h"

/* A regular file holding text, opened for reading and already unlinked. */
static int file_with(const char *text, size_t n)
{
    char path[] = "/tmp/redpak-read-all-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* The read end of a pipe whose writer wrote n bytes of 'x' and closed
 * (n stays under the pipe's 64 KiB, so the write does not block). */
static int pipe_with(size_t n)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    char *data = malloc(n);
    assert_non_null(data);
    memset(data, 'x', n);
    assert_int_equal(write(p[1], data, n), (ssize_t)n);
    free(data);
    close(p[1]);
    return p[0];
}

static void test_a_small_file_is_read_whole_and_nul_terminated(void **state)
{
    (void)state;
    int fd = file_with("root:x:0:0\n", 11);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(rp_read_all(fd, 100, &buf, &len), 0);
    assert_int_equal(len, 11);
    assert_string_equal(buf, "root:x:0:0\n");
    free(buf);
    close(fd);
}

static void test_an_empty_file_gives_an_empty_string(void **state)
{
    (void)state;
    int fd = file_with("", 0);
    char *buf = NULL;
    size_t len = 99;
    assert_int_equal(rp_read_all(fd, 100, &buf, &len), 0);
    assert_int_equal(len, 0);
    assert_string_equal(buf, "");
    free(buf);
    close(fd);
}

static void test_a_file_exactly_at_the_cap_is_read(void **state)
{
    (void)state;
    int fd = file_with("0123456789", 10);
    char *buf = NULL;
    assert_int_equal(rp_read_all(fd, 10, &buf, NULL), 0);
    assert_string_equal(buf, "0123456789");
    free(buf);
    close(fd);
}

static void test_a_file_over_the_cap_is_efbig_and_leaves_the_buffer_alone(void **state)
{
    (void)state;
    int fd = file_with("0123456789", 10);
    char *buf = NULL;
    assert_int_equal(rp_read_all(fd, 9, &buf, NULL), -EFBIG);
    assert_null(buf);
    close(fd);
}

static void test_a_pipe_is_read_to_eof_past_the_first_allocation(void **state)
{
    (void)state;
    int fd = pipe_with(20000);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(rp_read_all(fd, 1 << 20, &buf, &len), 0);
    assert_int_equal(len, 20000);
    assert_int_equal(strspn(buf, "x"), 20000);
    assert_int_equal(buf[20000], '\0');
    free(buf);
    close(fd);
}

static void test_a_pipe_over_the_cap_is_efbig(void **state)
{
    (void)state;
    int fd = pipe_with(20000);
    char *buf = NULL;
    assert_int_equal(rp_read_all(fd, 19999, &buf, NULL), -EFBIG);
    assert_null(buf);
    close(fd);
}

static void test_a_proc_file_without_a_size_is_read_anyway(void **state)
{
    (void)state;
    int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(rp_read_all(fd, SIZE_MAX, &buf, &len), 0);
    assert_true(len > 0);
    assert_int_equal(strlen(buf), len);
    free(buf);
    close(fd);
}

static void test_a_read_error_is_its_negative_errno(void **state)
{
    (void)state;
    int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(fd >= 0);
    char *buf = NULL;
    assert_int_equal(rp_read_all(fd, 100, &buf, NULL), -EISDIR);
    assert_null(buf);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_small_file_is_read_whole_and_nul_terminated),
        cmocka_unit_test(test_an_empty_file_gives_an_empty_string),
        cmocka_unit_test(test_a_file_exactly_at_the_cap_is_read),
        cmocka_unit_test(test_a_file_over_the_cap_is_efbig_and_leaves_the_buffer_alone),
        cmocka_unit_test(test_a_pipe_is_read_to_eof_past_the_first_allocation),
        cmocka_unit_test(test_a_pipe_over_the_cap_is_efbig),
        cmocka_unit_test(test_a_proc_file_without_a_size_is_read_anyway),
        cmocka_unit_test(test_a_read_error_is_its_negative_errno),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
