/* SPDX-License-Identifier: Apache-2.0 */
/* The mount, tmpfs and finish plans: the root, the node's mounts in
 * written order with the flags each kind needs, then pivot_root and the
 * read-only remounts. */
#include "plan_fixture.h"

#include <sys/mount.h>

static const struct rp_mount_step *find(const struct rp_mount_plan *m, enum rp_mount_op op,
                                        const char *path)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->steps[i].op == op && !strcmp(m->steps[i].path, path))
            return &m->steps[i];
    return NULL;
}

static void test_root_is_a_fresh_tmpfs_by_default(void **state)
{
    struct planned r = plan_ok("root: {size: 16M, mode: \"0750\"}\n", 0);
    const struct rp_mount_step *s = &r.plan->mount.steps[0];
    assert_int_equal(s->op, RP_MOP_ROOT_TMPFS);
    assert_string_equal(s->path, "/");
    assert_int_equal(s->size, 16u << 20);
    assert_int_equal(s->mode, 0750);
    assert_int_equal(s->flags & (MS_NOSUID | MS_NODEV), MS_NOSUID | MS_NODEV);
    planned_free(&r);
}

static void test_root_source_is_bound_as_the_root(void **state)
{
    struct planned r = plan_ok("root: {source: /srv/image}\n", 0);
    const struct rp_mount_step *s = &r.plan->mount.steps[0];
    assert_int_equal(s->op, RP_MOP_ROOT_BIND);
    assert_string_equal(s->source, "/srv/image");
    assert_true(s->flags & MS_REC);
    planned_free(&r);
}

static void test_mounts_keep_their_written_order(void **state)
{
    struct planned r = plan_ok("mounts:\n"
                               "  - {type: bind, path: /usr, source: /usr}\n"
                               "  - {type: proc, path: /proc}\n"
                               "  - {type: dev, path: /dev}\n"
                               "  - {type: mqueue, path: /dev/mqueue}\n"
                               "  - {type: symlink, path: /lib, target: usr/lib}\n"
                               "  - {type: dir, path: /var/lib/app, mode: \"0750\"}\n"
                               "  - {type: file, path: /etc/app.conf, content: \"port 0\\n\"}\n",
                               0);
    static const enum rp_mount_op want[] = {
        RP_MOP_ROOT_TMPFS, RP_MOP_BIND,    RP_MOP_PROC, RP_MOP_DEV,
        RP_MOP_MQUEUE,     RP_MOP_SYMLINK, RP_MOP_DIR,  RP_MOP_FILE,
    };
    assert_int_equal(r.plan->mount.n, 8);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(r.plan->mount.steps[i].op, want[i]);
    assert_string_equal(r.plan->mount.steps[5].target, "usr/lib");
    assert_int_equal(r.plan->mount.steps[6].mode, 0750);
    assert_int_equal(r.plan->mount.steps[7].content_len, 7);
    assert_memory_equal(r.plan->mount.steps[7].content, "port 0\n", 7);
    assert_int_equal(r.plan->mount.steps[7].mode, 0644);
    planned_free(&r);
}

static void test_bind_mount_is_readonly_recursive_nosuid_nodev_by_default(void **state)
{
    struct planned r = plan_ok("mounts: [{type: bind, path: /usr, source: /usr}]\n", 0);
    const struct rp_mount_step *s = find(&r.plan->mount, RP_MOP_BIND, "/usr");
    assert_non_null(s);
    assert_string_equal(s->source, "/usr");
    assert_true(s->readonly);
    assert_false(s->optional);
    assert_int_equal(s->flags, MS_BIND | MS_REC | MS_NOSUID | MS_NODEV);
    planned_free(&r);
}

static void test_bind_of_a_device_keeps_device_nodes_usable(void **state)
{
    struct planned r = plan_ok("mounts: [{type: bind, path: /dev/fuse, source: /dev/fuse,"
                               " readonly: false}]\n",
                               0);
    const struct rp_mount_step *s = find(&r.plan->mount, RP_MOP_BIND, "/dev/fuse");
    assert_non_null(s);
    assert_int_equal(s->flags & MS_NODEV, 0);
    planned_free(&r);
}

static void test_proc_is_nosuid_nodev_noexec_and_dev_only_nosuid_noexec(void **state)
{
    struct planned r = plan_ok("mounts: [{type: proc, path: /proc}, {type: dev, path: /dev}]\n", 0);
    assert_int_equal(find(&r.plan->mount, RP_MOP_PROC, "/proc")->flags,
                     MS_NOSUID | MS_NODEV | MS_NOEXEC);
    assert_int_equal(find(&r.plan->mount, RP_MOP_DEV, "/dev")->flags, MS_NOSUID | MS_NOEXEC);
    planned_free(&r);
}

static void test_dev_carries_its_shm_size(void **state)
{
    struct planned r = plan_ok("mounts: [{type: dev, path: /dev}]\n", 0);
    assert_int_equal(find(&r.plan->mount, RP_MOP_DEV, "/dev")->size, 64ull << 20);
    planned_free(&r);
    r = plan_ok("mounts: [{type: dev, path: /dev, shm_size: 1G}]\n", 0);
    assert_int_equal(find(&r.plan->mount, RP_MOP_DEV, "/dev")->size, 1ull << 30);
    planned_free(&r);
}

static void test_tmpfs_areas_are_their_own_plan_with_size_mode_owner(void **state)
{
    struct planned r =
        plan_ok("tmpfs:\n"
                "  - {path: /tmp, size: 64M}\n"
                "  - {path: /run/redis, size: 1M, mode: \"0750\", owner: \"redis:998\"}\n",
                0);
    assert_int_equal(r.plan->tmpfs.n, 2);
    const struct rp_mount_step *t = &r.plan->tmpfs.steps[0];
    assert_int_equal(t->op, RP_MOP_TMPFS);
    assert_int_equal(t->size, 64u << 20);
    assert_int_equal(t->mode, 01777);
    assert_false(t->has_owner);
    assert_int_equal(t->flags, MS_NOSUID | MS_NODEV);
    t = &r.plan->tmpfs.steps[1];
    assert_true(t->has_owner);
    assert_int_equal(t->uid, 999);
    assert_int_equal(t->gid, 998);
    assert_int_equal(t->mode, 0750);
    planned_free(&r);
}

static void test_readonly_bind_gets_recursive_remount_after_pivot(void **state)
{
    struct planned r =
        plan_ok("mounts:\n"
                "  - {type: bind, path: /usr, source: /usr}\n"
                "  - {type: bind, path: /data, source: /srv/data, readonly: false}\n"
                "  - {type: bind, path: /etc/ssl, source: /etc/ssl, optional: true}\n",
                0);
    const struct rp_mount_plan *f = &r.plan->finish;
    assert_int_equal(f->n, 4);
    assert_int_equal(f->steps[0].op, RP_MOP_PIVOT_ROOT);
    assert_int_equal(f->steps[1].op, RP_MOP_REMOUNT_RO);
    assert_string_equal(f->steps[1].path, "/");
    assert_int_equal(f->steps[2].op, RP_MOP_REMOUNT_RO);
    assert_string_equal(f->steps[2].path, "/usr");
    assert_true(f->steps[2].flags & MS_REC);
    assert_true(f->steps[2].flags & MS_RDONLY);
    /* The remount repeats the bind's flags: a remount that leaves out a
     * locked nosuid or nodev is refused in a user namespace. */
    assert_true(f->steps[2].flags & MS_NOSUID);
    assert_string_equal(f->steps[3].path, "/etc/ssl");
    assert_true(f->steps[3].optional);
    assert_null(find(f, RP_MOP_REMOUNT_RO, "/data"));
    planned_free(&r);
}

static void test_writable_root_gets_no_root_remount(void **state)
{
    struct planned r = plan_ok("root: {readonly: false}\n", 0);
    assert_int_equal(r.plan->finish.n, 1);
    assert_int_equal(r.plan->finish.steps[0].op, RP_MOP_PIVOT_ROOT);
    planned_free(&r);
}

static void test_unmapped_dir_owner_is_plan_error_with_position(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "mounts:\n"
                                         "  - {type: dir, path: /var/lib/app, owner: \"999:0\"}\n",
                                         1000);
    assert_string_equal(d->key_path, "mounts[0].owner");
    assert_int_equal(d->line, 4);
    assert_non_null(strstr(d->message, "uid 999 is not mapped"));
    planned_free(&r);
}

static void assert_ops(const struct rp_mount_plan *m, const enum rp_mount_op *op,
                       const char *const *path, size_t n)
{
    assert_int_equal(m->n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(m->steps[i].op, op[i]);
        assert_string_equal(m->steps[i].path, path[i]);
    }
}

static void test_tmpfs_above_a_mount_is_applied_before_it(void **state)
{
    struct planned r = plan_ok("mounts:\n"
                               "  - {type: bind, path: /usr, source: /usr}\n"
                               "  - {type: bind, path: /run/redis-socket, source: /srv/s}\n"
                               "  - {type: bind, path: /data, source: /srv/data}\n"
                               "tmpfs:\n"
                               "  - {path: /tmp}\n"
                               "  - {path: /run, size: 1M}\n",
                               0);
    static const enum rp_mount_op op[] = {RP_MOP_ROOT_TMPFS, RP_MOP_BIND, RP_MOP_TMPFS, RP_MOP_BIND,
                                          RP_MOP_BIND};
    static const char *const path[] = {"/", "/usr", "/run", "/run/redis-socket", "/data"};
    assert_ops(&r.plan->mount, op, path, 5);
    assert_int_equal(r.plan->mount.steps[2].size, 1u << 20);
    /* The others keep their place after every mounts[] entry. */
    assert_int_equal(r.plan->tmpfs.n, 1);
    assert_string_equal(r.plan->tmpfs.steps[0].path, "/tmp");
    planned_free(&r);
}

static void test_tmpfs_areas_moved_up_keep_their_written_order(void **state)
{
    /* /a/b must come before /a/b/c, and /a, written first, before /a/b. */
    struct planned r = plan_ok("mounts:\n"
                               "  - {type: bind, path: /a/b/c, source: /srv/c}\n"
                               "  - {type: file, path: /a/z}\n"
                               "tmpfs:\n"
                               "  - {path: /a}\n"
                               "  - {path: /a/b}\n",
                               0);
    static const enum rp_mount_op op[] = {RP_MOP_ROOT_TMPFS, RP_MOP_TMPFS, RP_MOP_TMPFS,
                                          RP_MOP_BIND, RP_MOP_FILE};
    static const char *const path[] = {"/", "/a", "/a/b", "/a/b/c", "/a/z"};
    assert_ops(&r.plan->mount, op, path, 5);
    assert_int_equal(r.plan->tmpfs.n, 0);
    planned_free(&r);
}

static void test_tmpfs_is_not_moved_for_a_mount_at_a_sibling_path(void **state)
{
    struct planned r = plan_ok("mounts: [{type: bind, path: /run-x, source: /srv/x}]\n"
                               "tmpfs: [{path: /run}]\n",
                               0);
    assert_int_equal(r.plan->mount.n, 2);
    assert_int_equal(r.plan->tmpfs.n, 1);
    planned_free(&r);
}

static void test_mount_above_an_earlier_entry_is_a_plan_error_naming_both(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "mounts:\n"
                                         "  - {type: bind, path: /usr, source: /usr}\n"
                                         "  - {type: proc, path: /proc}\n"
                                         "  - {type: bind, path: /run/x, source: /srv/x}\n"
                                         "  - {type: dir, path: /var/lib}\n"
                                         "  - {type: bind, path: /run, source: /srv/run}\n",
                                         0);
    char *text = diag_text(d);
    assert_string_equal(text,
                        "t.yaml:8:5: mounts[4].path: mounts[4] at /run would hide "
                        "mounts[2] at /run/x (line 6, column 5): list /run first");
    free(text);
    planned_free(&r);
}

static void test_mount_at_the_path_of_an_earlier_entry_hides_it(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "mounts:\n"
                                         "  - {type: file, path: /etc/app.conf}\n"
                                         "  - {type: bind, path: /etc/app.conf, source: /a}\n",
                                         0);
    assert_string_equal(d->key_path, "mounts[1].path");
    assert_string_equal(d->message,
                        "mounts[1] at /etc/app.conf would hide mounts[0] at "
                        "/etc/app.conf (line 4, column 5): keep one of them");
    planned_free(&r);
}

static void test_dir_below_a_later_dir_is_fine(void **state)
{
    /* Only what mounts something hides: a dir makes a directory. */
    struct planned r = plan_ok("mounts:\n"
                               "  - {type: file, path: /etc/app/app.conf}\n"
                               "  - {type: dir, path: /etc/app, mode: \"0750\"}\n",
                               0);
    assert_int_equal(r.plan->mount.n, 3);
    planned_free(&r);
}

static void test_tmpfs_above_an_earlier_tmpfs_is_a_plan_error(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "tmpfs:\n"
                                         "  - {path: /run/app}\n"
                                         "  - {path: /run}\n",
                                         0);
    char *text = diag_text(d);
    assert_string_equal(text,
                        "t.yaml:5:5: tmpfs[1].path: tmpfs[1] at /run would hide "
                        "tmpfs[0] at /run/app (line 4, column 5): list /run first");
    free(text);
    planned_free(&r);
}

static void test_second_tmpfs_at_one_path_hides_the_first(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r, "tmpfs: [{path: /run}, {path: /run, size: 1M}]\n", 0);
    assert_string_equal(d->key_path, "tmpfs[1].path");
    assert_string_equal(d->message,
                        "tmpfs[1] at /run would hide tmpfs[0] at /run "
                        "(line 3, column 9): keep one of them");
    planned_free(&r);
}

static void test_tmpfs_at_a_mounts_path_is_a_plan_error(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "mounts: [{type: bind, path: /data, source: /a}]\n"
                                         "tmpfs: [{path: /data}]\n",
                                         0);
    char *text = diag_text(d);
    assert_string_equal(text,
                        "t.yaml:4:9: tmpfs[0].path: tmpfs[0] and mounts[0] (line 3, "
                        "column 10) are both at /data: one would hide the other");
    free(text);
    planned_free(&r);
}

static void test_file_dir_symlink_in_a_readonly_bind_are_plan_errors(void **state)
{
    static const char *const steps[] = {
        "{type: file, path: /data/app.conf}",
        "{type: dir, path: /data/sub/d}",
        "{type: symlink, path: /data/l, target: x}",
        "{type: dir, path: /data}",
    };
    static const char *const want[] = {
        "mounts[2] (file /data/app.conf) would be written into mounts[1], a read-only bind "
        "at /data (line 5, column 5), and fail: make that bind readonly: false, or put a "
        "tmpfs area between them",
        "mounts[2] (dir /data/sub/d) would be written into mounts[1], a read-only bind "
        "at /data (line 5, column 5), and fail: make that bind readonly: false, or put a "
        "tmpfs area between them",
        "mounts[2] (symlink /data/l) would be written into mounts[1], a read-only bind "
        "at /data (line 5, column 5), and fail: make that bind readonly: false, or put a "
        "tmpfs area between them",
        "mounts[2] (dir /data) would be written into mounts[1], a read-only bind "
        "at /data (line 5, column 5), and fail: make that bind readonly: false, or put a "
        "tmpfs area between them",
    };
    for (size_t i = 0; i < 4; i++) {
        char *body = NULL;
        assert_true(asprintf(&body,
                             "mounts:\n"
                             "  - {type: bind, path: /usr, source: /usr}\n"
                             "  - {type: bind, path: /data, source: /srv/data}\n"
                             "  - %s\n",
                             steps[i]) > 0);
        struct planned r;
        const struct rp_diag *d = plan_error(&r, body, 0);
        assert_string_equal(d->key_path, "mounts[2].path");
        assert_int_equal(d->line, 6);
        assert_string_equal(d->message, want[i]);
        planned_free(&r);
        free(body);
    }
}

static void test_steps_in_a_writable_mount_inside_a_readonly_bind_are_fine(void **state)
{
    struct planned r =
        plan_ok("mounts:\n"
                "  - {type: bind, path: /data, source: /srv/data}\n"
                "  - {type: bind, path: /data/rw, source: /srv/rw, readonly: false}\n"
                "  - {type: file, path: /data/rw/app.conf}\n"
                "  - {type: dir, path: /data/tmp/d}\n"
                "  - {type: file, path: /data/rw-sibling/x}\n"
                "tmpfs:\n"
                "  - {path: /data/tmp}\n"
                "  - {path: /data/rw-sibling}\n",
                0);
    /* Each tmpfs area comes right before the step that writes into it,
     * after the read-only bind it is mounted on. */
    static const enum rp_mount_op op[] = {RP_MOP_ROOT_TMPFS, RP_MOP_BIND,  RP_MOP_BIND,
                                          RP_MOP_FILE,       RP_MOP_TMPFS, RP_MOP_DIR,
                                          RP_MOP_TMPFS,      RP_MOP_FILE};
    static const char *const path[] = {
        "/",         "/data",       "/data/rw",         "/data/rw/app.conf",
        "/data/tmp", "/data/tmp/d", "/data/rw-sibling", "/data/rw-sibling/x"};
    assert_ops(&r.plan->mount, op, path, 8);
    planned_free(&r);
}

static void test_steps_before_a_readonly_bind_at_a_sibling_are_fine(void **state)
{
    struct planned r = plan_ok("mounts:\n"
                               "  - {type: bind, path: /data, source: /srv/data}\n"
                               "  - {type: file, path: /data-x/app.conf}\n",
                               0);
    assert_int_equal(r.plan->mount.n, 3);
    planned_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_is_a_fresh_tmpfs_by_default),
        cmocka_unit_test(test_dev_carries_its_shm_size),
        cmocka_unit_test(test_root_source_is_bound_as_the_root),
        cmocka_unit_test(test_mounts_keep_their_written_order),
        cmocka_unit_test(test_bind_mount_is_readonly_recursive_nosuid_nodev_by_default),
        cmocka_unit_test(test_bind_of_a_device_keeps_device_nodes_usable),
        cmocka_unit_test(test_proc_is_nosuid_nodev_noexec_and_dev_only_nosuid_noexec),
        cmocka_unit_test(test_tmpfs_areas_are_their_own_plan_with_size_mode_owner),
        cmocka_unit_test(test_readonly_bind_gets_recursive_remount_after_pivot),
        cmocka_unit_test(test_writable_root_gets_no_root_remount),
        cmocka_unit_test(test_unmapped_dir_owner_is_plan_error_with_position),
        cmocka_unit_test(test_tmpfs_above_a_mount_is_applied_before_it),
        cmocka_unit_test(test_tmpfs_areas_moved_up_keep_their_written_order),
        cmocka_unit_test(test_tmpfs_is_not_moved_for_a_mount_at_a_sibling_path),
        cmocka_unit_test(test_mount_above_an_earlier_entry_is_a_plan_error_naming_both),
        cmocka_unit_test(test_mount_at_the_path_of_an_earlier_entry_hides_it),
        cmocka_unit_test(test_dir_below_a_later_dir_is_fine),
        cmocka_unit_test(test_tmpfs_above_an_earlier_tmpfs_is_a_plan_error),
        cmocka_unit_test(test_second_tmpfs_at_one_path_hides_the_first),
        cmocka_unit_test(test_tmpfs_at_a_mounts_path_is_a_plan_error),
        cmocka_unit_test(test_file_dir_symlink_in_a_readonly_bind_are_plan_errors),
        cmocka_unit_test(test_steps_in_a_writable_mount_inside_a_readonly_bind_are_fine),
        cmocka_unit_test(test_steps_before_a_readonly_bind_at_a_sibling_are_fine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
