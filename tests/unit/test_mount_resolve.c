/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of lookups confined to a root (mount_resolve.c): symlinks
 * that point at "/" or climb with ".." resolve inside the tree, and the
 * component walk used on kernels without openat2 gives the same answers as
 * openat2(RESOLVE_IN_ROOT). No privileges needed: a scratch tree in /tmp
 * plays the node's root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "mount_resolve.h"

struct tree {
    char dir[64]; /* the scratch root, on the host */
    int fd;
};

static void put(const struct tree *t, const char *rel, const char *link_target)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
    if (link_target)
        assert_int_equal(symlink(link_target, path), 0);
    else if (rel[strlen(rel) - 1] == '/')
        assert_int_equal(mkdir(path, 0755), 0);
    else
        assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0644)), 0);
}

static int setup(void **state)
{
    struct tree *t = calloc(1, sizeof(*t));
    strcpy(t->dir, "/tmp/rp-resolve.XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    put(t, "etc/", NULL);
    put(t, "etc/inner", NULL);
    put(t, "a/", NULL);
    put(t, "a/b/", NULL);
    put(t, "evil", "/");
    put(t, "a/b/up", "../../../../..");
    put(t, "abs", "/etc/inner");
    put(t, "rel", "a/b/../../etc");
    put(t, "loop1", "loop2");
    put(t, "loop2", "loop1");
    put(t, "dangling", "/nowhere/x");
    put(t, "empty-dir-link", "a/b/");
    t->fd = open(t->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(t->fd >= 0);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct tree *t = *state;
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
    close(t->fd);
    free(t);
    return 0;
}

/* Both lookups of path agree with the host path expect (relative to the
 * tree), or both fail with err. */
static void expect(const struct tree *t, const char *path, const char *expect, int err)
{
    int fds[2] = {rp_resolve(t->fd, path, RP_CREATE_NONE, 0), rp_resolve_walk(t->fd, path)};
    for (int i = 0; i < 2; i++) {
        if (err) {
            assert_int_equal(fds[i], -err);
            continue;
        }
        assert_true(fds[i] >= 0);
        char host[256];
        snprintf(host, sizeof(host), "%s/%s", t->dir, expect);
        struct stat got, want;
        assert_int_equal(fstat(fds[i], &got), 0);
        assert_int_equal(stat(host, &want), 0);
        assert_int_equal(got.st_ino, want.st_ino);
        assert_int_equal(got.st_dev, want.st_dev);
        close(fds[i]);
    }
}

static void test_symlink_to_slash_means_the_root(void **state)
{
    expect(*state, "/evil/etc/inner", "etc/inner", 0);
    expect(*state, "evil/evil/evil", ".", 0);
}

static void test_dotdot_never_climbs_above_the_root(void **state)
{
    expect(*state, "/a/b/up/etc", "etc", 0);
    expect(*state, "/../../etc", "etc", 0);
    expect(*state, "/a/../../a/b", "a/b", 0);
}

static void test_absolute_and_relative_links_resolve_inside(void **state)
{
    expect(*state, "/abs", "etc/inner", 0);
    expect(*state, "/rel/inner", "etc/inner", 0);
    expect(*state, "/empty-dir-link", "a/b", 0);
}

static void test_failures_are_the_kernels(void **state)
{
    expect(*state, "/missing", NULL, ENOENT);
    expect(*state, "/dangling", NULL, ENOENT);
    expect(*state, "/loop1", NULL, ELOOP);
    expect(*state, "/etc/inner/below", NULL, ENOTDIR);
}

static void test_creation_follows_links_inside_the_root(void **state)
{
    struct tree *t = *state;
    mode_t old = umask(077);
    int fd = rp_resolve(t->fd, "/evil/new/deeper/file", RP_CREATE_FILE, 0640);
    umask(old);
    assert_true(fd >= 0);
    close(fd);
    char path[256];
    struct stat st;
    snprintf(path, sizeof(path), "%s/new/deeper/file", t->dir);
    assert_int_equal(stat(path, &st), 0);
    /* Exactly the mode asked for; parents 0755, whatever the umask. */
    assert_int_equal(st.st_mode & 07777, 0640);
    snprintf(path, sizeof(path), "%s/new", t->dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);

    fd = rp_resolve(t->fd, "/a/b/up/made-dir", RP_CREATE_DIR, 0700);
    assert_true(fd >= 0);
    close(fd);
    snprintf(path, sizeof(path), "%s/made-dir", t->dir);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0700);
}

static void test_creation_through_a_dangling_link_is_refused(void **state)
{
    struct tree *t = *state;
    assert_int_equal(rp_resolve(t->fd, "/dangling", RP_CREATE_DIR, 0755), -ENOENT);
    char path[256];
    snprintf(path, sizeof(path), "%s/nowhere", t->dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(access("/nowhere", F_OK), -1);
}

static void test_parent_and_base(void **state)
{
    struct tree *t = *state;
    const char *base = NULL;
    int fd = rp_resolve_parent(t->fd, "/evil/etc/inner", 0, &base);
    assert_true(fd >= 0);
    assert_string_equal(base, "inner");
    struct stat got, want;
    char path[256];
    snprintf(path, sizeof(path), "%s/etc", t->dir);
    assert_int_equal(fstat(fd, &got), 0);
    assert_int_equal(stat(path, &want), 0);
    assert_int_equal(got.st_ino, want.st_ino);
    close(fd);
    assert_int_equal(rp_resolve_parent(t->fd, "/", 0, &base), -EINVAL);
    assert_int_equal(rp_resolve_parent(t->fd, "/no/such/parent/x", 0, &base), -ENOENT);
}

/* From here on this process runs as on a kernel without openat2: the
 * calls fail with ENOSYS, and rp_resolve takes the component walk. */
static void forget_openat2(void)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
        abort();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_symlink_to_slash_means_the_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dotdot_never_climbs_above_the_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absolute_and_relative_links_resolve_inside, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failures_are_the_kernels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_creation_follows_links_inside_the_root, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_creation_through_a_dangling_link_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_parent_and_base, setup, teardown),
    };
    int failed = cmocka_run_group_tests_name("with openat2", tests, NULL, NULL);
    forget_openat2();
    return failed + cmocka_run_group_tests_name("without openat2", tests, NULL, NULL);
}
