/* SPDX-License-Identifier: Apache-2.0 */
/* Specification of the value grammars: sizes, modes, paths, names, ids and
 * owners, as docs/node-format.md, "Value types", fixes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grammar.h"

static char why[RP_WHY_MAX];

static uint64_t size_ok(const char *s, bool allow_max)
{
    uint64_t v = 0;
    why[0] = '\0';
    assert_true(rp_grammar_size(s, allow_max, &v, why, sizeof(why)));
    return v;
}

static void size_bad(const char *s, bool allow_max, const char *reason)
{
    uint64_t v = 42;
    assert_false(rp_grammar_size(s, allow_max, &v, why, sizeof(why)));
    assert_int_equal(v, 42);
    assert_non_null(strstr(why, reason));
}

static void test_size_is_bytes_or_a_power_of_1024_suffix(void **state)
{
    assert_int_equal(size_ok("0", false), 0);
    assert_int_equal(size_ok("4096", false), 4096);
    assert_int_equal(size_ok("64K", false), 64 * 1024);
    assert_int_equal(size_ok("64k", false), 64 * 1024);
    assert_int_equal(size_ok("8M", false), 8 << 20);
    assert_int_equal(size_ok("8m", false), 8 << 20);
    assert_int_equal(size_ok("1G", false), 1 << 30);
    assert_int_equal(size_ok("1g", false), 1 << 30);
    assert_int_equal(size_ok("0G", false), 0);
    assert_int_equal(size_ok("007M", false), 7 << 20);
}

static void test_size_rejects_other_spellings(void **state)
{
    size_bad("", false, "expected a size");
    size_bad("M", false, "expected a size");
    size_bad("1.5M", false, "expected a size");
    size_bad("-1", false, "expected a size");
    size_bad("+1", false, "expected a size");
    size_bad("1 M", false, "expected a size");
    size_bad(" 1M", false, "expected a size");
    size_bad("1T", false, "expected a size");
    size_bad("1MB", false, "expected a size");
    size_bad("1KiB", false, "expected a size");
    size_bad("0x10", false, "expected a size");
    size_bad("1e6", false, "expected a size");
    size_bad("64MB", false, "got \"64MB\"");
}

static void test_size_max_only_where_allowed(void **state)
{
    assert_true(size_ok("max", true) == UINT64_MAX);
    size_bad("max", false, "expected a size");
    size_bad("MAX", true, "or \"max\"");
    size_bad("Max", true, "or \"max\"");
}

static void test_size_overflow_is_an_error(void **state)
{
    /* 17179869184 GiB = 2^64 bytes. */
    size_bad("17179869184G", false, "larger than");
    size_bad("17179869184G", true, "larger than");
    assert_true(size_ok("17179869183G", false) == UINT64_C(17179869183) << 30);
    size_bad("18446744073709551616", false, "larger than");
    size_bad("99999999999999999999999999", false, "larger than");
    size_bad("18014398509481984K", false, "larger than");
    size_bad("17592186044416M", false, "larger than");
    assert_true(size_ok("18446744073709551614", false) == UINT64_MAX - 1);
    /* UINT64_MAX is how "max" travels: a byte count cannot spell it. */
    size_bad("18446744073709551615", true, "write \"max\"");
}

static mode_t mode_ok(const char *s)
{
    mode_t m = 0;
    assert_true(rp_grammar_mode(s, &m, why, sizeof(why)));
    return m;
}

static void mode_bad(const char *s)
{
    mode_t m = 0123;
    assert_false(rp_grammar_mode(s, &m, why, sizeof(why)));
    assert_int_equal(m, 0123);
    assert_non_null(strstr(why, "expected an octal mode"));
}

static void test_mode_is_an_octal_string_up_to_07777(void **state)
{
    assert_int_equal(mode_ok("0755"), 0755);
    assert_int_equal(mode_ok("1777"), 01777);
    assert_int_equal(mode_ok("0644"), 0644);
    assert_int_equal(mode_ok("0"), 0);
    assert_int_equal(mode_ok("0000"), 0);
    assert_int_equal(mode_ok("755"), 0755);
    assert_int_equal(mode_ok("07777"), 07777);
    assert_int_equal(mode_ok("7777"), 07777);
}

static void test_mode_rejects_hex_decimal_and_too_large(void **state)
{
    mode_bad("0x10");
    mode_bad("0o755");
    mode_bad("0800");
    mode_bad("0759");
    mode_bad("17777");
    mode_bad("10000");
    mode_bad("007777");
    mode_bad("");
    mode_bad("-755");
    mode_bad("rwxr-xr-x");
    mode_bad(" 0755");
}

static char *path_ok(const char *s)
{
    char *out = NULL;
    assert_true(rp_grammar_node_path(s, &out, why, sizeof(why)));
    return out;
}

static void path_is(const char *s, const char *want)
{
    char *out = path_ok(s);
    assert_string_equal(out, want);
    free(out);
    assert_true(rp_grammar_host_path(s, &out, why, sizeof(why)));
    assert_string_equal(out, want);
    free(out);
}

static void path_bad(const char *s, const char *reason)
{
    char *out = (char *)"untouched";
    assert_false(rp_grammar_node_path(s, &out, why, sizeof(why)));
    assert_string_equal(out, "untouched");
    assert_non_null(strstr(why, reason));
    assert_false(rp_grammar_host_path(s, &out, why, sizeof(why)));
    assert_string_equal(out, "untouched");
    assert_non_null(strstr(why, reason));
}

static void test_paths_are_normalised(void **state)
{
    path_is("/data", "/data");
    path_is("//a//b/", "/a/b");
    path_is("/a/./b/.", "/a/b");
    path_is("/./a", "/a");
    path_is("/etc/redis/redis.conf", "/etc/redis/redis.conf");
    path_is("/a/.b/..c/...", "/a/.b/..c/...");
    path_is("/with space/ü", "/with space/ü");
}

static void test_root_alone_is_a_node_path(void **state)
{
    path_is("/", "/");
    path_is("//", "/");
    path_is("/./", "/");
}

static void test_paths_reject_dotdot_relative_and_empty(void **state)
{
    path_bad("/a/../b", "\"..\"");
    path_bad("/..", "\"..\"");
    path_bad("/a/..", "\"..\"");
    path_bad("/a/../", "\"..\"");
    path_bad("a/b", "absolute");
    path_bad("./a", "absolute");
    path_bad("", "empty");
    path_bad("~/data", "absolute");
}

static void test_paths_longer_than_path_max_are_rejected(void **state)
{
    char *long_path = malloc(5000);
    long_path[0] = '/';
    memset(long_path + 1, 'a', 4998);
    long_path[4999] = '\0';
    path_bad(long_path, "limit is 4095");
    free(long_path);
}

static void test_node_name(void **state)
{
    assert_true(rp_grammar_node_name("redis", why, sizeof(why)));
    assert_true(rp_grammar_node_name("0", why, sizeof(why)));
    assert_true(rp_grammar_node_name("redis-7.2_cache", why, sizeof(why)));
    char name[65];
    memset(name, 'a', 63);
    name[63] = '\0';
    assert_true(rp_grammar_node_name(name, why, sizeof(why)));
    name[63] = 'a';
    name[64] = '\0';
    assert_false(rp_grammar_node_name(name, why, sizeof(why)));
    assert_false(rp_grammar_node_name("", why, sizeof(why)));
    assert_false(rp_grammar_node_name("Redis", why, sizeof(why)));
    assert_false(rp_grammar_node_name("-redis", why, sizeof(why)));
    assert_false(rp_grammar_node_name(".redis", why, sizeof(why)));
    assert_false(rp_grammar_node_name("_redis", why, sizeof(why)));
    assert_false(rp_grammar_node_name("re dis", why, sizeof(why)));
    assert_false(rp_grammar_node_name("re/dis", why, sizeof(why)));
    assert_non_null(strstr(why, "expected a node name"));
}

static void test_hostname(void **state)
{
    assert_true(rp_grammar_hostname("redis", why, sizeof(why)));
    assert_true(rp_grammar_hostname("Redis-1.example.org", why, sizeof(why)));
    assert_true(rp_grammar_hostname("local", why, sizeof(why)));
    char name[66];
    memset(name, 'h', 64);
    name[64] = '\0';
    assert_true(rp_grammar_hostname(name, why, sizeof(why)));
    name[64] = 'h';
    name[65] = '\0';
    assert_false(rp_grammar_hostname(name, why, sizeof(why)));
    assert_false(rp_grammar_hostname("", why, sizeof(why)));
    assert_false(rp_grammar_hostname("red_is", why, sizeof(why)));
    assert_false(rp_grammar_hostname("red is", why, sizeof(why)));
    assert_false(rp_grammar_hostname("redis\n", why, sizeof(why)));
    assert_non_null(strstr(why, "[A-Za-z0-9.-]"));
    /* The reason quotes the value in a form that stays on one line. */
    assert_non_null(strstr(why, "\"redis\\x0a\""));
}

static void test_id_ref_number(void **state)
{
    struct rp_id_ref r = {0};
    assert_true(rp_grammar_id_ref("999", &r, why, sizeof(why)));
    assert_true(r.set);
    assert_false(r.is_name);
    assert_int_equal(r.id, 999);
    assert_null(r.name);
    assert_true(rp_grammar_id_ref("0", &r, why, sizeof(why)));
    assert_int_equal(r.id, 0);
    assert_true(rp_grammar_id_ref("4294967294", &r, why, sizeof(why)));
    assert_int_equal(r.id, 4294967294u);
}

static void test_id_ref_minus_one_and_beyond_are_rejected(void **state)
{
    struct rp_id_ref r = {0};
    assert_false(rp_grammar_id_ref("4294967295", &r, why, sizeof(why)));
    assert_non_null(strstr(why, "0 to 4294967294"));
    assert_false(rp_grammar_id_ref("99999999999999999999", &r, why, sizeof(why)));
    assert_false(rp_grammar_id_ref("-1", &r, why, sizeof(why)));
    assert_false(rp_grammar_id_ref("12abc", &r, why, sizeof(why)));
    assert_false(r.set);
}

static void test_id_ref_name(void **state)
{
    struct rp_id_ref r = {0};
    assert_true(rp_grammar_id_ref("redis", &r, why, sizeof(why)));
    assert_true(r.set);
    assert_true(r.is_name);
    assert_string_equal(r.name, "redis");
    free(r.name);
    const char *good[] = {"_apt",   "systemd-network",
                          "nobody", "host$",
                          "a",      "abcdefghijklmnopqrstuvwxyz012345"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct rp_id_ref g = {0};
        assert_true(rp_grammar_id_ref(good[i], &g, why, sizeof(why)));
        assert_string_equal(g.name, good[i]);
        free(g.name);
    }
    const char *bad[] = {"",       "Redis", "-redis", "re dis",
                         "re$dis", "$",     "re:dis", "abcdefghijklmnopqrstuvwxyz0123456"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct rp_id_ref b = {0};
        assert_false(rp_grammar_id_ref(bad[i], &b, why, sizeof(why)));
        assert_false(b.set);
        assert_null(b.name);
    }
}

static void test_owner_numbers_and_names(void **state)
{
    struct rp_owner o = {0};
    o.pos.line = 7;
    o.user.pos.line = 7;
    assert_true(rp_grammar_owner("999:999", &o, why, sizeof(why)));
    assert_true(o.set && o.user.set && o.group.set);
    assert_int_equal(o.user.id, 999);
    assert_int_equal(o.group.id, 999);
    assert_false(o.user.is_name || o.group.is_name);
    assert_int_equal(o.pos.line, 7);
    assert_int_equal(o.user.pos.line, 7);

    struct rp_owner n = {0};
    assert_true(rp_grammar_owner("redis:0", &n, why, sizeof(why)));
    assert_true(n.user.is_name);
    assert_string_equal(n.user.name, "redis");
    assert_false(n.group.is_name);
    assert_int_equal(n.group.id, 0);
    free(n.user.name);

    struct rp_owner m = {0};
    assert_true(rp_grammar_owner("0:redis", &m, why, sizeof(why)));
    assert_string_equal(m.group.name, "redis");
    free(m.group.name);
}

static void test_owner_needs_both_sides(void **state)
{
    const char *bad[] = {"999",   "redis",     ":999",         "999:", ":",
                         "1:2:3", "999:Redis", "4294967295:0", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct rp_owner o = {0};
        assert_false(rp_grammar_owner(bad[i], &o, why, sizeof(why)));
        assert_false(o.set);
        assert_null(o.user.name);
        assert_null(o.group.name);
    }
    struct rp_owner o = {0};
    assert_false(rp_grammar_owner("999", &o, why, sizeof(why)));
    assert_non_null(strstr(why, "expected \"UID:GID\""));
    assert_false(rp_grammar_owner("redis:Redis", &o, why, sizeof(why)));
    assert_non_null(strstr(why, "group"));
}

static void test_closest_finds_a_typo_within_two_edits(void **state)
{
    const char *keys[] = {"namespaces", "mounts", "tmpfs", "cgroup", "capabilities"};
    assert_string_equal(rp_closest("mount", keys, 5), "mounts");
    assert_string_equal(rp_closest("namespace", keys, 5), "namespaces");
    assert_string_equal(rp_closest("cgruop", keys, 5), "cgroup");
    assert_string_equal(rp_closest("capabilites", keys, 5), "capabilities");
    assert_string_equal(rp_closest("tmpfs", keys, 5), "tmpfs");
    assert_null(rp_closest("seccomp", keys, 5));
    assert_null(rp_closest("mnt", keys, 5));
    assert_null(rp_closest("", keys, 5));
    assert_null(rp_closest("mounts", keys, 0));
}

static void test_closest_prefers_the_nearest_then_the_first(void **state)
{
    const char *items[] = {"memory.max", "memory.min", "memory.high"};
    /* "memory.mix" is one edit from both max and min: the first wins. */
    assert_string_equal(rp_closest("memory.mix", items, 3), "memory.max");
    assert_string_equal(rp_closest("memory.mib", items, 3), "memory.min");
    const char *near[] = {"abcd", "abc"};
    assert_string_equal(rp_closest("abx", near, 2), "abc");
    char long_word[200];
    memset(long_word, 'a', sizeof(long_word) - 1);
    long_word[sizeof(long_word) - 1] = '\0';
    assert_null(rp_closest(long_word, items, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_is_bytes_or_a_power_of_1024_suffix),
        cmocka_unit_test(test_size_rejects_other_spellings),
        cmocka_unit_test(test_size_max_only_where_allowed),
        cmocka_unit_test(test_size_overflow_is_an_error),
        cmocka_unit_test(test_mode_is_an_octal_string_up_to_07777),
        cmocka_unit_test(test_mode_rejects_hex_decimal_and_too_large),
        cmocka_unit_test(test_paths_are_normalised),
        cmocka_unit_test(test_root_alone_is_a_node_path),
        cmocka_unit_test(test_paths_reject_dotdot_relative_and_empty),
        cmocka_unit_test(test_paths_longer_than_path_max_are_rejected),
        cmocka_unit_test(test_node_name),
        cmocka_unit_test(test_hostname),
        cmocka_unit_test(test_id_ref_number),
        cmocka_unit_test(test_id_ref_minus_one_and_beyond_are_rejected),
        cmocka_unit_test(test_id_ref_name),
        cmocka_unit_test(test_owner_numbers_and_names),
        cmocka_unit_test(test_owner_needs_both_sides),
        cmocka_unit_test(test_closest_finds_a_typo_within_two_edits),
        cmocka_unit_test(test_closest_prefers_the_nearest_then_the_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
