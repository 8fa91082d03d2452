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
        RP_MOP_ROOT_TMPFS, RP_MOP_BIND, RP_MOP_PROC, RP_MOP_DEV, RP_MOP_MQUEUE,
        RP_MOP_SYMLINK, RP_MOP_DIR, RP_MOP_FILE,
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
                               " readonly: false}]\n", 0);
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

static void test_tmpfs_areas_are_their_own_plan_with_size_mode_owner(void **state)
{
    struct planned r = plan_ok("tmpfs:\n"
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
    struct planned r = plan_ok("mounts:\n"
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
    const struct rp_diag *d = plan_error(&r, "mounts:\n"
                                             "  - {type: dir, path: /var/lib/app, owner: \"999:0\"}\n",
                                             1000);
    assert_string_equal(d->key_path, "mounts[0].owner");
    assert_int_equal(d->line, 4);
    assert_non_null(strstr(d->message, "uid 999 is not mapped"));
    planned_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_is_a_fresh_tmpfs_by_default),
        cmocka_unit_test(test_root_source_is_bound_as_the_root),
        cmocka_unit_test(test_mounts_keep_their_written_order),
        cmocka_unit_test(test_bind_mount_is_readonly_recursive_nosuid_nodev_by_default),
        cmocka_unit_test(test_bind_of_a_device_keeps_device_nodes_usable),
        cmocka_unit_test(test_proc_is_nosuid_nodev_noexec_and_dev_only_nosuid_noexec),
        cmocka_unit_test(test_tmpfs_areas_are_their_own_plan_with_size_mode_owner),
        cmocka_unit_test(test_readonly_bind_gets_recursive_remount_after_pivot),
        cmocka_unit_test(test_writable_root_gets_no_root_remount),
        cmocka_unit_test(test_unmapped_dir_owner_is_plan_error_with_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
