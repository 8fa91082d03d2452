/* SPDX-License-Identifier: Apache-2.0 */
/* root, mounts and tmpfs: the keys each mount type takes, their defaults,
 * and the sizes, modes, owners and paths they are checked against. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "parse_helpers.h"

static void test_root_with_source_is_an_image(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "root:\n  source: /srv/rootfs//\n  readonly: true\n");
    assert_string_equal(n->root.source, "/srv/rootfs");
    assert_int_equal(n->root.source_pos.line, 4);
    assert_int_equal(n->root.source_pos.column, 11);
    rp_node_free(n);
}

static void test_root_size_and_mode_conflict_with_source(void **state)
{
    (void)state;
    const char *yaml = HEAD "root:\n  source: /srv/rootfs\n  size: 8M\n  mode: \"0755\"\n";
    expect_error(yaml, 5, 9, "root.size", "size has no meaning with root.source");
    expect_error(yaml, 6, 9, "root.mode", "mode has no meaning with root.source");
}

static void test_root_source_must_be_absolute_without_dotdot(void **state)
{
    (void)state;
    expect_error(HEAD "root: {source: srv/rootfs}\n", 3, 16, "root.source", "absolute host path");
    expect_error(HEAD "root: {source: /srv/../etc}\n", 3, 16, "root.source",
                 "must not contain \"..\"");
}

static void test_mode_must_be_quoted_string(void **state)
{
    (void)state;
    expect_error(HEAD "root:\n  mode: 0755\n", 4, 9, "root.mode",
                 "modes are octal strings: write \"0755\" (an unquoted 0755 is the decimal 755)");
    expect_error(HEAD "root:\n  mode: \"0855\"\n", 4, 9, "root.mode", "expected an octal mode");
    expect_error(HEAD "root:\n  mode: \"17777\"\n", 4, 9, "root.mode", "expected an octal mode");
}

static void test_sizes_take_suffixes_and_reject_overflow(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "root: {size: 1G}\ntmpfs: [{path: /t, size: 4096}, "
                                      "{path: /u, size: \"2k\"}]\n");
    assert_int_equal(n->root.size, 1u << 30);
    assert_int_equal(n->tmpfs[0].size, 4096);
    assert_int_equal(n->tmpfs[1].size, 2048);
    rp_node_free(n);
    expect_error(HEAD "root: {size: 99999999999999999999G}\n", 3, 14, "root.size",
                 "is larger than 2^64-1 bytes");
    expect_error(HEAD "root: {size: 17179869184G}\n", 3, 14, "root.size",
                 "is larger than 2^64-1 bytes");
    expect_error(HEAD "root: {size: 8MB}\n", 3, 14, "root.size", "expected a size");
    expect_error(HEAD "root: {size: -1}\n", 3, 14, "root.size", "a size cannot be negative");
    expect_error(HEAD "root: {size: max}\n", 3, 14, "root.size",
                 "expected a size: bytes or a number with K, M or G");
}

static void test_bind_mount_is_readonly_by_default(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "mounts:\n  - {type: bind, path: /usr, source: /usr}\n");
    assert_true(n->mounts[0].readonly);
    assert_false(n->mounts[0].optional);
    assert_false(n->mounts[0].create);
    assert_false(n->mounts[0].owner.set);
    rp_node_free(n);
}

static void test_mount_path_is_normalised(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "mounts:\n  - {type: dir, path: //var/./lib//app/}\n");
    assert_string_equal(n->mounts[0].path, "/var/lib/app");
    assert_int_equal(n->mounts[0].mode, 0755);
    assert_false(n->mounts[0].mode_set);
    rp_node_free(n);
}

static void test_mount_path_must_be_absolute_without_dotdot_and_not_root(void **state)
{
    (void)state;
    expect_error(HEAD "mounts:\n  - {type: proc, path: proc}\n", 4, 24, "mounts[0].path",
                 "expected an absolute path inside the node");
    expect_error(HEAD "mounts:\n  - {type: proc, path: /a/../proc}\n", 4, 24, "mounts[0].path",
                 "must not contain \"..\"");
    expect_error(HEAD "mounts:\n  - {type: proc, path: /}\n", 4, 24, "mounts[0].path",
                 "a mount cannot cover / itself");
    expect_error(HEAD "tmpfs:\n  - {path: //}\n", 4, 12, "tmpfs[0].path",
                 "a mount cannot cover / itself");
}

static void test_mount_needs_type_and_path(void **state)
{
    (void)state;
    expect_error(HEAD "mounts:\n  - {path: /x}\n", 4, 5, "mounts[0].type",
                 "required key 'type' is missing");
    expect_error(HEAD "mounts:\n  - {type: proc}\n", 4, 5, "mounts[0].path",
                 "required key 'path' is missing");
    expect_error(HEAD "mounts:\n  - {type: bind, path: /x}\n", 4, 5, "mounts[0].source",
                 "required key 'source' is missing");
    expect_error(HEAD "mounts:\n  - {type: symlink, path: /x}\n", 4, 5, "mounts[0].target",
                 "required key 'target' is missing");
    expect_error(HEAD "mounts:\n  - {type: overlay, path: /x}\n", 4, 12, "mounts[0].type",
                 "'overlay' is not one of bind, proc, dev, mqueue, symlink, dir or file");
    expect_error(HEAD "mounts:\n  - {type: bnd, path: /x}\n", 4, 12, "mounts[0].type",
                 "did you mean 'bind'?");
    expect_error(HEAD "mounts: {type: proc}\n", 3, 9, "mounts", "expected a sequence");
    expect_error(HEAD "mounts:\n  - /proc\n", 4, 5, "mounts[0]", "expected a mapping");
}

static void test_another_types_key_names_what_this_type_takes(void **state)
{
    (void)state;
    expect_error(HEAD "mounts:\n  - {type: proc, path: /proc, source: /proc}\n", 4, 31,
                 "mounts[0].source", "a proc mount takes no 'source' (its keys: type, path)");
    expect_error(HEAD "mounts:\n  - {type: symlink, path: /l, target: x, mode: \"0777\"}\n", 4, 42,
                 "mounts[0].mode",
                 "a symlink mount takes no 'mode' (its keys: type, path, "
                 "target)");
    expect_error(HEAD "mounts:\n  - {type: bind, path: /x, source: /x, readonyl: true}\n", 4, 40,
                 "mounts[0].readonyl", "unknown key 'readonyl'; did you mean 'readonly'?");
    expect_error(HEAD "mounts:\n  - {type: file, path: /x, readonly: true}\n", 4, 28,
                 "mounts[0].readonly", "a file mount takes no 'readonly'");
}

static void test_owner_on_bind_needs_create(void **state)
{
    (void)state;
    expect_error(HEAD "mounts:\n  - {type: bind, path: /d, source: /d, owner: \"1:1\"}\n", 4, 47,
                 "mounts[0].owner", "owner needs create: true");
    struct rp_node *n = parse_ok(HEAD "mounts:\n  - {type: bind, path: /d, source: /d, "
                                      "create: true, owner: \"redis:0\"}\n");
    assert_true(n->mounts[0].owner.set);
    assert_string_equal(n->mounts[0].owner.user.name, "redis");
    assert_int_equal(n->mounts[0].owner.group.id, 0);
    assert_int_equal(n->mounts[0].owner.pos.column, 61);
    rp_node_free(n);
}

static void test_owner_is_a_uid_gid_string(void **state)
{
    (void)state;
    expect_error(HEAD "mounts:\n  - {type: dir, path: /d, owner: 999}\n", 4, 34, "mounts[0].owner",
                 "an owner is \"UID:GID\": write \"999:999\"");
    expect_error(HEAD "mounts:\n  - {type: dir, path: /d, owner: \"999\"}\n", 4, 34,
                 "mounts[0].owner", "expected \"UID:GID\"");
    expect_error(HEAD "tmpfs:\n  - {path: /t, owner: \"Root:0\"}\n", 4, 23, "tmpfs[0].owner",
                 "in \"UID:GID\"");
}

static void test_file_mount_defaults_and_literal_content(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "mounts:\n  - {type: file, path: /etc/motd}\n"
                                      "  - {type: file, path: /etc/x, content: \"a$b`c\\0d\"}\n");
    assert_string_equal(n->mounts[0].content, "");
    assert_int_equal(n->mounts[0].mode, 0644);
    assert_false(n->mounts[0].readonly);
    /* $ and backticks are the file's bytes; so is a NUL. */
    assert_int_equal(n->mounts[1].content_len, 7);
    assert_memory_equal(n->mounts[1].content, "a$b`c\0d", 7);
    rp_node_free(n);
    expect_error(HEAD "mounts:\n  - {type: file, path: /x, content: 5}\n", 4, 37,
                 "mounts[0].content", "expected a string, found an int");
}

static void test_symlink_target_is_kept_as_written(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "mounts:\n  - {type: symlink, path: /lib64, "
                                      "target: ../usr/lib64}\n");
    assert_string_equal(n->mounts[0].target, "../usr/lib64");
    rp_node_free(n);
    expect_error(HEAD "mounts:\n  - {type: symlink, path: /l, target: \"\"}\n", 4, 39,
                 "mounts[0].target", "a symlink's target cannot be empty");
}

static void test_bind_flags_are_bools(void **state)
{
    (void)state;
    expect_error(HEAD "mounts:\n  - {type: bind, path: /x, source: /x, optional: yes}\n", 4, 50,
                 "mounts[0].optional",
                 "expected true or false, found a string (YAML 1.2: only "
                 "true and false are bools)");
    expect_error(HEAD "mounts:\n  - {type: bind, path: /x, source: /x, readonly: 1}\n", 4, 50,
                 "mounts[0].readonly", "expected true or false, found an int");
}

static void test_bind_source_expands_variables(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "mounts:\n  - {type: bind, path: /h, "
                                      "source: \"/home/${UID}/${NODE}-$${GID}\"}\n");
    assert_string_equal(n->mounts[0].source, "/home/1000/test-${GID}");
    rp_node_free(n);
}

static void test_tmpfs_defaults_and_keys(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "tmpfs:\n  - path: /tmp\n");
    assert_int_equal(n->n_tmpfs, 1);
    assert_int_equal(n->tmpfs[0].size, 0);
    assert_int_equal(n->tmpfs[0].mode, 01777);
    assert_false(n->tmpfs[0].owner.set);
    assert_int_equal(n->tmpfs[0].pos.line, 4);
    rp_node_free(n);
    expect_error(HEAD "tmpfs:\n  - {size: 1M}\n", 4, 5, "tmpfs[0].path",
                 "required key 'path' is missing");
    expect_error(HEAD "tmpfs:\n  - {path: /t, sise: 1M}\n", 4, 16, "tmpfs[0].sise",
                 "did you mean 'size'?");
    expect_error(HEAD "tmpfs:\n  - {path: /t, mode: 1777}\n", 4, 22, "tmpfs[0].mode",
                 "modes are octal strings");
}

static void test_dev_shm_size_defaults_to_64M_and_refuses_0(void **state)
{
    (void)state;
    struct rp_node *n = parse_ok(HEAD "mounts:\n  - {type: dev, path: /dev}\n");
    assert_int_equal(n->mounts[0].shm_size, 64ull << 20);
    rp_node_free(n);
    n = parse_ok(HEAD "mounts:\n  - {type: dev, path: /dev, shm_size: 128M}\n");
    assert_int_equal(n->mounts[0].shm_size, 128ull << 20);
    rp_node_free(n);
    expect_error(HEAD "mounts:\n  - {type: dev, path: /dev, shm_size: 0}\n", 4, 39,
                 "mounts[0].shm_size", "shm_size cannot be 0: tmpfs reads 0 as no limit");
    expect_error(HEAD "mounts:\n  - {type: dev, path: /dev, shm_size: 64MB}\n", 4, 39,
                 "mounts[0].shm_size", "");
    expect_error(HEAD "mounts:\n  - {type: proc, path: /proc, shm_size: 1M}\n", 4, 31,
                 "mounts[0].shm_size", "a proc mount takes no 'shm_size' (its keys: type, path)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_with_source_is_an_image),
        cmocka_unit_test(test_root_size_and_mode_conflict_with_source),
        cmocka_unit_test(test_root_source_must_be_absolute_without_dotdot),
        cmocka_unit_test(test_mode_must_be_quoted_string),
        cmocka_unit_test(test_sizes_take_suffixes_and_reject_overflow),
        cmocka_unit_test(test_bind_mount_is_readonly_by_default),
        cmocka_unit_test(test_mount_path_is_normalised),
        cmocka_unit_test(test_mount_path_must_be_absolute_without_dotdot_and_not_root),
        cmocka_unit_test(test_mount_needs_type_and_path),
        cmocka_unit_test(test_another_types_key_names_what_this_type_takes),
        cmocka_unit_test(test_owner_on_bind_needs_create),
        cmocka_unit_test(test_owner_is_a_uid_gid_string),
        cmocka_unit_test(test_file_mount_defaults_and_literal_content),
        cmocka_unit_test(test_symlink_target_is_kept_as_written),
        cmocka_unit_test(test_bind_flags_are_bools),
        cmocka_unit_test(test_bind_source_expands_variables),
        cmocka_unit_test(test_tmpfs_defaults_and_keys),
        cmocka_unit_test(test_dev_shm_size_defaults_to_64M_and_refuses_0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
