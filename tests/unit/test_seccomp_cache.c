/* SPDX-License-Identifier: Apache-2.0 */
/* The cache of compiled seccomp filters (apply/seccomp_cache.c,
 * apply/seccomp_cached.c): a filter read back is byte for byte the one
 * libseccomp compiles, and a file someone else could have written, or one
 * that is not what was stored, is ignored, never loaded. */
#include "plan_fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp_cached.h"
#include "seccomp_internal.h"
#include "seccomp_learn.h"

static char dir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int setup(void **state)
{
    strcpy(dir, "/tmp/rp-seccomp-cache.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    return nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* libseccomp asks the kernel which actions it has; under qemu-user, which
 * implements no seccomp(2), every compile fails with EINVAL
 * (scripts/cross-build.sh): nothing of the cache can be tested there. */
static void need_seccomp(void)
{
    struct rp_seccomp_plan tiny = {.enabled = true, .default_action = RP_SC_ALLOW};
    struct rp_seccomp_prog prog;
    struct rp_error err = {0};
    if (rp_seccomp_compile(&tiny, &prog, &err) < 0) {
        fprintf(stderr, "skipped: libseccomp compiles no filter here: %s\n", err.msg);
        skip();
    }
    rp_seccomp_prog_free(&prog);
}

static void assert_same_prog(const struct rp_seccomp_prog *a, const struct rp_seccomp_prog *b)
{
    assert_true(a->len > 0);
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->filter, b->filter, a->len * sizeof(*a->filter));
}

/* Through the cache c, the node's filter is what libseccomp compiles. */
static void assert_cached_is_compiled(const struct rp_seccomp_cache *c,
                                      const struct rp_seccomp_plan *sp)
{
    struct rp_error err = {0};
    struct rp_seccomp_prog fresh, got;
    assert_int_equal(rp_seccomp_compile(sp, &fresh, &err), 0);
    assert_int_equal(rp_seccomp_compile_cached(c, sp, &got, &err), 0);
    assert_same_prog(&fresh, &got);
    rp_seccomp_prog_free(&fresh);
    rp_seccomp_prog_free(&got);
}

static struct rp_seccomp_cache open_cache(void)
{
    struct rp_seccomp_cache c;
    rp_seccomp_cache_open_dir(&c, dir, 1);
    assert_true(c.dirfd >= 0);
    return c;
}

static void key_of(const struct rp_seccomp_plan *sp, uint8_t key[RP_SHA256_LEN])
{
    assert_true(rp_seccomp_cache_key(RP_SCK_NODE,
                                     rp_seccomp_action_value(sp->default_action, sp->default_errno),
                                     sp->rules, sp->n_rules, key));
}

static void test_default_profile_read_back_is_the_compiled_program(void **state)
{
    need_seccomp();
    struct planned p = plan_ok("seccomp: {base: default}\n", 0);
    struct rp_seccomp_cache c = open_cache();
    assert_cached_is_compiled(&c, &p.plan->seccomp);
    /* The second read comes from the file the first one stored. */
    uint8_t key[RP_SHA256_LEN];
    key_of(&p.plan->seccomp, key);
    char name[70];
    rp_seccomp_cache_name(key, name);
    struct stat st;
    assert_int_equal(fstatat(c.dirfd, name, &st, 0), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_cached_is_compiled(&c, &p.plan->seccomp);
    struct rp_error err = {0};
    struct rp_seccomp_prog term_fresh, term;
    assert_int_equal(rp_seccomp_compile_terminal(&p.plan->seccomp, &term_fresh, &err), 0);
    assert_int_equal(rp_seccomp_compile_terminal_cached(&c, &p.plan->seccomp, &term, &err), 0);
    rp_seccomp_prog_free(&term);
    assert_int_equal(rp_seccomp_compile_terminal_cached(&c, &p.plan->seccomp, &term, &err), 0);
    assert_same_prog(&term_fresh, &term);
    rp_seccomp_prog_free(&term_fresh);
    rp_seccomp_prog_free(&term);
    rp_seccomp_cache_close(&c);
    planned_free(&p);
}

static void test_other_rules_other_key(void **state)
{
    struct planned a = plan_ok("seccomp: {base: default}\n", 0);
    struct planned b = plan_ok("seccomp:\n  base: default\n  syscalls:\n"
                               "    - {action: errno, errno: EACCES, names: [getpid]}\n",
                               0);
    struct planned d = plan_ok("seccomp:\n  base: default\n  syscalls:\n"
                               "    - {action: errno, errno: EPERM, names: [getpid]}\n",
                               0);
    uint8_t ka[RP_SHA256_LEN], kb[RP_SHA256_LEN], kd[RP_SHA256_LEN];
    key_of(&a.plan->seccomp, ka);
    key_of(&b.plan->seccomp, kb);
    key_of(&d.plan->seccomp, kd);
    assert_memory_not_equal(ka, kb, RP_SHA256_LEN);
    assert_memory_not_equal(kb, kd, RP_SHA256_LEN);
    planned_free(&a);
    planned_free(&b);
    planned_free(&d);
}

/* The report filter's hand-over rule holds this run's socket and message
 * address: read back with them written in, it is what a fresh compile with
 * the same values gives, for a PIE's address and a static program's
 * (below 4 GiB), and when the node allows sendmsg outright. */
static void check_report(const char *rules)
{
    char *body = NULL;
    assert_true(asprintf(&body, "seccomp:\n  default_action: report\n  base: none\n  syscalls:\n%s",
                         rules) > 0);
    struct planned p = plan_ok(body, 0);
    free(body);
    const uint64_t addrs[] = {0x55d3a1c2b340ull, 0x4c7e20ull, 0x7ffc00001000ull};
    const uint64_t socks[] = {5, 9, 1000};
    for (size_t i = 0; i < 3; i++) {
        struct rp_seccomp_cache c = open_cache();
        struct rp_error err = {0};
        struct rp_seccomp_prog fresh, first, second;
        assert_int_equal(rp_seccomp_report_compile_at(&p.plan->seccomp, socks[i], addrs[i], &fresh,
                                                      &err),
                         0);
        assert_int_equal(rp_seccomp_report_compile_cached_at(&c, &p.plan->seccomp, socks[i],
                                                             addrs[i], &first, &err),
                         0);
        assert_int_equal(rp_seccomp_report_compile_cached_at(&c, &p.plan->seccomp, socks[i],
                                                             addrs[i], &second, &err),
                         0);
        assert_same_prog(&fresh, &first);
        assert_same_prog(&fresh, &second);
        rp_seccomp_prog_free(&fresh);
        rp_seccomp_prog_free(&first);
        rp_seccomp_prog_free(&second);
        rp_seccomp_cache_close(&c);
    }
    planned_free(&p);
}

static void test_report_filter_read_back_is_the_compiled_program(void **state)
{
    need_seccomp();
    check_report("    - action: allow\n"
                 "      names: [execve, read, write, exit_group, futex, mmap, openat, close]\n");
    check_report("    - action: allow\n"
                 "      names: [execve, read, write, exit_group, sendmsg, recvmsg]\n");
    /* Rules that compare with a stand-in's value, or set conditions on
     * sendmsg: compiled with the run's values, never cached. */
    check_report("    - action: allow\n"
                 "      names: [execve, read, write, exit_group]\n"
                 "    - {action: allow, names: [ioctl], args: [{index: 1, op: eq, value: "
                 "0x5ecc50c4}]}\n");
    check_report("    - action: allow\n"
                 "      names: [execve, read, write, exit_group]\n"
                 "    - {action: allow, names: [sendmsg], args: [{index: 2, op: eq, value: 0}]}\n");
}

/* Writes prog under key as the cache would, then lets fix() change it. */
static void plant(const uint8_t key[RP_SHA256_LEN], const struct rp_seccomp_prog *prog)
{
    struct rp_seccomp_cache c = open_cache();
    rp_seccomp_cache_store(&c, key, prog);
    rp_seccomp_cache_close(&c);
}

static void planted_path(const uint8_t key[RP_SHA256_LEN], char path[160])
{
    char name[70];
    rp_seccomp_cache_name(key, name);
    snprintf(path, 160, "%s/%s", dir, name);
}

/* The attack on a cache: someone else writes the file of a node's key with
 * a filter that allows everything. Its header is right (anyone can compute
 * a SHA-256): only its owner gives it away, and the cache must refuse it
 * and compile the node's own filter. */
static void test_a_planted_file_of_another_owner_is_ignored(void **state)
{
    need_seccomp();
    if (geteuid() != 0)
        skip(); /* chown to another uid needs root */
    struct planned p = plan_ok("seccomp: {base: default}\n", 0);
    struct planned open_ = plan_ok("seccomp:\n  default_action: allow\n  base: none\n", 0);
    struct rp_error err = {0};
    struct rp_seccomp_prog weak, got;
    assert_int_equal(rp_seccomp_compile(&open_.plan->seccomp, &weak, &err), 0);
    uint8_t key[RP_SHA256_LEN];
    key_of(&p.plan->seccomp, key);
    plant(key, &weak);
    char path[160];
    planted_path(key, path);
    /* Owned by us, the same file would be read: the owner is what stops it. */
    struct rp_seccomp_cache c = open_cache();
    assert_true(rp_seccomp_cache_load(&c, key, &got));
    assert_same_prog(&weak, &got);
    rp_seccomp_prog_free(&got);
    assert_int_equal(chown(path, 65534, 65534), 0);
    assert_false(rp_seccomp_cache_load(&c, key, &got));
    assert_cached_is_compiled(&c, &p.plan->seccomp);
    rp_seccomp_cache_close(&c);
    rp_seccomp_prog_free(&weak);
    planned_free(&p);
    planned_free(&open_);
}

static void test_a_changed_or_cut_or_open_file_is_ignored(void **state)
{
    need_seccomp();
    struct planned p = plan_ok("seccomp: {base: default}\n", 0);
    struct rp_error err = {0};
    struct rp_seccomp_prog fresh, got;
    assert_int_equal(rp_seccomp_compile(&p.plan->seccomp, &fresh, &err), 0);
    uint8_t key[RP_SHA256_LEN];
    key_of(&p.plan->seccomp, key);
    char path[160];
    planted_path(key, path);
    struct rp_seccomp_cache c = open_cache();

    /* One instruction changed (its jump), the header left as it was. */
    plant(key, &fresh);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    off_t at = st.st_size - 8 * 3;
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, at), 1);
    b ^= 0x40;
    assert_int_equal(pwrite(fd, &b, 1, at), 1);
    assert_false(rp_seccomp_cache_load(&c, key, &got));
    /* Cut short by one instruction. */
    plant(key, &fresh);
    assert_int_equal(ftruncate(fd = open(path, O_RDWR), st.st_size - 8), 0);
    close(fd);
    assert_false(rp_seccomp_cache_load(&c, key, &got));
    /* Writable by others. */
    plant(key, &fresh);
    assert_int_equal(chmod(path, 0666), 0);
    assert_false(rp_seccomp_cache_load(&c, key, &got));
    /* Another key's file renamed to this one's name. */
    uint8_t other[RP_SHA256_LEN];
    memcpy(other, key, sizeof(other));
    other[0] ^= 1;
    plant(other, &fresh);
    char other_path[160];
    planted_path(other, other_path);
    assert_int_equal(rename(other_path, path), 0);
    assert_false(rp_seccomp_cache_load(&c, key, &got));
    /* A symlink to a good file. */
    plant(other, &fresh);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink(other_path, path), 0);
    assert_false(rp_seccomp_cache_load(&c, key, &got));
    /* After all that, the filter is still compiled right. */
    assert_cached_is_compiled(&c, &p.plan->seccomp);
    rp_seccomp_cache_close(&c);
    rp_seccomp_prog_free(&fresh);
    planned_free(&p);
}

static void test_a_folder_others_can_write_is_not_used(void **state)
{
    need_seccomp();
    assert_int_equal(chmod(dir, 0777), 0);
    struct rp_seccomp_cache c;
    rp_seccomp_cache_open_dir(&c, dir, 1);
    assert_int_equal(c.dirfd, -1);
    assert_int_equal(chmod(dir, 0700), 0);
    if (geteuid() == 0) {
        assert_int_equal(chown(dir, 65534, 65534), 0);
        rp_seccomp_cache_open_dir(&c, dir, 1);
        assert_int_equal(c.dirfd, -1);
        assert_int_equal(chown(dir, 0, 0), 0);
    }
    /* Without a folder, every filter is compiled. */
    struct planned p = plan_ok("seccomp: {base: default}\n", 0);
    assert_cached_is_compiled(&c, &p.plan->seccomp);
    planned_free(&p);
}

static size_t files_in(const char *path)
{
    size_t n = 0;
    DIR *d = opendir(path);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* A store past 256 files empties the folder first: a tmpfs is not filled
 * by a caller's many distinct filters. */
static void test_the_folder_stays_bounded(void **state)
{
    need_seccomp();
    struct planned p = plan_ok("seccomp: {base: default}\n", 0);
    struct rp_error err = {0};
    struct rp_seccomp_prog prog;
    assert_int_equal(rp_seccomp_compile(&p.plan->seccomp, &prog, &err), 0);
    struct rp_seccomp_cache c = open_cache();
    c.verbose = 0;
    uint8_t key[RP_SHA256_LEN] = {0};
    for (unsigned i = 0; i < 256; i++) {
        key[0] = (uint8_t)i;
        rp_seccomp_cache_store(&c, key, &prog);
    }
    assert_int_equal(files_in(dir), 256);
    key[1] = 1;
    rp_seccomp_cache_store(&c, key, &prog);
    assert_int_equal(files_in(dir), 1);
    struct rp_seccomp_prog got;
    assert_true(rp_seccomp_cache_load(&c, key, &got));
    assert_same_prog(&prog, &got);
    rp_seccomp_prog_free(&got);
    rp_seccomp_prog_free(&prog);
    rp_seccomp_cache_close(&c);
    planned_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_profile_read_back_is_the_compiled_program,
                                        setup, teardown),
        cmocka_unit_test(test_other_rules_other_key),
        cmocka_unit_test_setup_teardown(test_report_filter_read_back_is_the_compiled_program, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_planted_file_of_another_owner_is_ignored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_changed_or_cut_or_open_file_is_ignored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_folder_others_can_write_is_not_used, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_folder_stays_bounded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
