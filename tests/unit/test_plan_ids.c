/* SPDX-License-Identifier: Apache-2.0 */
/* The planner's ids: default maps (docs/architecture.md, "Default id
 * maps"), names resolved in the node's passwd/group, and every id checked
 * against the maps. */
#include "plan_fixture.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "users.h"

static void test_unprivileged_caller_maps_own_uid_to_root(void **state)
{
    struct planned r = plan_ok("", 1000);
    const struct rp_ns_plan *ns = &r.plan->ns;
    assert_int_equal(ns->n_uid_map, 1);
    assert_int_equal(ns->uid_map[0].inside, 0);
    assert_int_equal(ns->uid_map[0].outside, 1000);
    assert_int_equal(ns->uid_map[0].count, 1);
    assert_int_equal(ns->n_gid_map, 1);
    assert_int_equal(ns->gid_map[0].outside, 1000);
    assert_true(ns->deny_setgroups);
    assert_int_equal(r.plan->process.uid, 0);
    assert_int_equal(r.plan->process.gid, 0);
    planned_free(&r);
}

static void test_root_caller_gets_a_private_range_picked_at_start(void **state)
{
    struct planned r = plan_ok("process: {user: 999, group: 999}\n", 0);
    const struct rp_ns_plan *ns = &r.plan->ns;
    assert_int_equal(ns->n_uid_map, 1);
    assert_int_equal(ns->uid_map[0].inside, 0);
    assert_int_equal(ns->uid_map[0].count, 65536);
    assert_true(ns->private_uid_range);
    assert_true(ns->private_gid_range);
    assert_false(ns->identity);
    assert_true(ns->become_root);
    assert_true(ns->idmap_binds);
    assert_false(ns->deny_setgroups);
    assert_int_equal(r.plan->process.uid, 999);
    assert_int_equal(r.plan->process.gid, 999);
    planned_free(&r);
}

static void test_identity_keeps_the_old_map_only_by_asking(void **state)
{
    struct planned r = plan_ok("user_namespace: identity\nprocess: {user: 999}\n", 0);
    const struct rp_ns_plan *ns = &r.plan->ns;
    assert_int_equal(ns->uid_map[0].inside, 0);
    assert_int_equal(ns->uid_map[0].outside, 0);
    assert_int_equal(ns->uid_map[0].count, 65536);
    assert_false(ns->private_uid_range);
    assert_false(ns->private_gid_range);
    assert_true(ns->identity);
    assert_false(ns->idmap_binds);
    planned_free(&r);

    /* An unprivileged caller has no host ids to map 1:1. */
    const struct rp_diag *d = plan_error(&r, "user_namespace: identity\n", 1000);
    assert_string_equal(d->key_path, "user_namespace");
    planned_free(&r);
}

static void test_pid_host_is_refused_while_root_inside_is_host_root(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r, "namespaces: {pid: host, user: host}\n", 0);
    char *text = diag_text(d);
    assert_non_null(strstr(text,
                           "t.yaml:3:19: namespaces.pid: pid: host while uid 0 inside is "
                           "host uid 0 (namespaces.user: host)"));
    free(text);
    planned_free(&r);

    d = plan_error(&r, "namespaces: {pid: host}\nuser_namespace: identity\n", 0);
    assert_string_equal(d->key_path, "namespaces.pid");
    assert_non_null(strstr(d->message, "maps 0 to 0"));
    planned_free(&r);

    d = plan_error(&r,
                   "namespaces: {pid: host}\n"
                   "user_namespace:\n"
                   "  uid_map: [{inside: 0, outside: 0, count: 1}]\n"
                   "  gid_map: [{inside: 0, outside: 0, count: 1}]\n",
                   0);
    assert_string_equal(d->key_path, "namespaces.pid");
    planned_free(&r);

    /* A private range, or an unprivileged caller: uid 0 inside is not root. */
    r = plan_ok("namespaces: {pid: host}\n", 0);
    planned_free(&r);
    r = plan_ok("namespaces: {pid: host, user: host}\n", 1000);
    planned_free(&r);
}

static void test_written_maps_replace_the_defaults(void **state)
{
    struct planned r = plan_ok("user_namespace:\n"
                               "  uid_map: [{inside: 0, outside: 100000, count: 1000}]\n"
                               "  gid_map: [{inside: 0, outside: 200000, count: 1000}]\n"
                               "process: {user: 999, group: 998}\n",
                               0);
    assert_int_equal(r.plan->ns.uid_map[0].outside, 100000);
    assert_int_equal(r.plan->ns.uid_map[0].count, 1000);
    assert_int_equal(r.plan->ns.gid_map[0].outside, 200000);
    planned_free(&r);
}

static void test_unprivileged_caller_may_write_a_map_of_its_own_id_only(void **state)
{
    struct planned r = plan_ok("user_namespace:\n"
                               "  uid_map: [{inside: 999, outside: 1000, count: 1}]\n"
                               "process: {user: 999, group: 0}\n",
                               1000);
    assert_int_equal(r.plan->ns.uid_map[0].inside, 999);
    planned_free(&r);

    const struct rp_diag *d = plan_error(&r,
                                         "user_namespace:\n"
                                         "  uid_map:\n"
                                         "    - {inside: 0, outside: 100000, count: 65536}\n",
                                         1000);
    char *text = diag_text(d);
    assert_string_equal(text,
                        "t.yaml:5:7: user_namespace.uid_map[0]: host uids 100000-165535 are "
                        "not the caller's: an unprivileged caller (app) maps its own uid 1000 "
                        "once and the subordinate ids /etc/subuid gives it (none)");
    free(text);
    planned_free(&r);
}

static void test_unmapped_process_user_is_plan_error_with_position(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "process:\n"
                                         "  user: 999\n",
                                         1000);
    char *text = diag_text(d);
    assert_string_equal(text,
                        "t.yaml:4:9: process.user: uid 999 is not mapped in the node's "
                        "user namespace (the default uid_map maps 0 only: one id, the "
                        "caller's own: /etc/subuid gives app no range (as root: usermod "
                        "--add-subuids 100000-165535 --add-subgids 100000-165535 app, with a "
                        "range no other user has)); add it to user_namespace.uid_map");
    free(text);
    planned_free(&r);
}

static void test_unmapped_id_in_written_map_names_its_ranges(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "user_namespace:\n"
                                         "  uid_map: [{inside: 0, outside: 1000, count: 1}, "
                                         "{inside: 1, outside: 100000, count: 100}]\n"
                                         "  gid_map: [{inside: 0, outside: 1000, count: 1}]\n"
                                         "process: {group: 5}\n",
                                         0);
    assert_string_equal(d->key_path, "process.group");
    assert_string_equal(d->message,
                        "gid 5 is not mapped in the node's user namespace (gid_map "
                        "maps 0 only); add it to user_namespace.gid_map");
    planned_free(&r);
    d = plan_error(&r,
                   "user_namespace:\n"
                   "  uid_map: [{inside: 0, outside: 1000, count: 1}, {inside: 1, outside: 100000, "
                   "count: 100}]\n"
                   "process: {user: 500}\n",
                   0);
    assert_non_null(strstr(d->message, "(uid_map maps 0, 1-100)"));
    planned_free(&r);
}

static void test_workload_root_must_be_mapped_when_process_user_is_unset(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r,
                                         "user_namespace:\n"
                                         "  uid_map: [{inside: 1000, outside: 1000, count: 1}]\n",
                                         0);
    char *text = diag_text(d);
    assert_string_equal(text,
                        "t.yaml:4:3: user_namespace.uid_map: uid 0 (the workload's uid: "
                        "process.user is not set) is not mapped in the node's user "
                        "namespace (uid_map maps 1000 only); add it to "
                        "user_namespace.uid_map");
    free(text);
    planned_free(&r);
}

static void test_user_name_resolved_in_the_nodes_passwd(void **state)
{
    struct planned r = plan_ok("process: {user: redis}\n", 0);
    assert_int_equal(r.plan->process.uid, 999);
    assert_int_equal(r.plan->process.gid, 998); /* its primary group */
    planned_free(&r);
}

static void test_group_names_resolved_in_the_nodes_group_file(void **state)
{
    struct planned r = plan_ok("process: {user: app, group: redis, groups: [audio, 0]}\n", 0);
    assert_int_equal(r.plan->process.uid, 1000);
    assert_int_equal(r.plan->process.gid, 998);
    assert_int_equal(r.plan->process.n_groups, 2);
    assert_int_equal(r.plan->process.groups[0], 29);
    assert_int_equal(r.plan->process.groups[1], 0);
    planned_free(&r);
}

static void test_numeric_user_without_group_gets_the_same_gid(void **state)
{
    struct planned r = plan_ok("process: {user: 4242}\n", 0);
    assert_int_equal(r.plan->process.uid, 4242);
    assert_int_equal(r.plan->process.gid, 4242);
    planned_free(&r);
}

static void test_unknown_user_name_is_plan_error_naming_the_file(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r, "process: {user: postgres}\n", 0);
    assert_string_equal(d->key_path, "process.user");
    assert_int_equal(d->line, 3);
    assert_string_equal(d->message, "no user 'postgres' in " FIXTURE_ROOT "/etc/passwd");
    planned_free(&r);
}

static void test_every_unmapped_id_is_reported_at_once(void **state)
{
    struct planned r = plan_for("process: {user: 5, group: 6}\n"
                                "tmpfs: [{path: /run/app, owner: \"7:0\"}]\n",
                                1000, 1000);
    assert_true(r.plan_rc < 0);
    assert_int_equal(r.diags.n, 3);
    assert_string_equal(r.diags.v[0].key_path, "process.user");
    assert_string_equal(r.diags.v[1].key_path, "process.group");
    assert_string_equal(r.diags.v[2].key_path, "tmpfs[0].owner");
    planned_free(&r);
}

static void test_host_user_namespace_takes_ids_as_host_ids(void **state)
{
    struct planned r = plan_ok("namespaces: {user: host}\n"
                               "process: {user: 999, group: 999}\n",
                               1000);
    assert_int_equal(r.plan->ns.n_uid_map, 0);
    assert_false(r.plan->ns.deny_setgroups);
    assert_int_equal(r.plan->process.uid, 999);
    planned_free(&r);
}

static void test_supplementary_groups_need_a_privileged_caller(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(&r, "process: {groups: [0]}\n", 1000);
    assert_string_equal(d->key_path, "process.groups");
    assert_non_null(strstr(d->message, "setgroups"));
    planned_free(&r);
}

/* Written maps other than the identity: the binds are idmapped, host id N
 * shows as id N inside, so the owner is the same number on the host. */
static void test_bind_create_owner_is_the_same_host_id_under_idmapped_binds(void **state)
{
    struct planned r =
        plan_ok("user_namespace:\n"
                "  uid_map: [{inside: 0, outside: 100000, count: 65536}]\n"
                "  gid_map: [{inside: 0, outside: 200000, count: 65536}]\n"
                "mounts:\n"
                "  - {type: bind, path: /data, source: /srv/t/data, readonly: false, create: true,"
                " owner: \"redis:redis\"}\n",
                0);
    assert_int_equal(r.plan->n_host, 1);
    const struct rp_host_step *s = &r.plan->host[0];
    assert_int_equal(s->op, RP_HOST_MKDIR);
    assert_string_equal(s->path, "/srv/t/data");
    assert_int_equal(s->mode, 0700);
    assert_true(s->has_owner);
    assert_int_equal(s->uid, 999);
    assert_int_equal(s->gid, 998);
    assert_true(r.plan->ns.idmap_binds);
    const struct rp_mount_step *bind = NULL;
    for (size_t i = 0; i < r.plan->mount.n; i++)
        if (r.plan->mount.steps[i].op == RP_MOP_BIND)
            bind = &r.plan->mount.steps[i];
    assert_non_null(bind);
    assert_string_equal(bind->path, "/data");
    assert_true(bind->idmap);
    planned_free(&r);
}

static void test_names_are_read_in_the_root_source_image(void **state)
{
    /* No passwd_root: with root.source the image's files are the ones. */
    const char *yaml = "version: 1\nnode: t\nroot: {source: " FIXTURE_ROOT "}\n"
                       "process: {user: redis}\n";
    struct rp_parse_opts popts = {0};
    struct rp_plan_opts opts = {0};
    struct rp_node *node = NULL;
    struct rp_plan *plan = NULL;
    struct rp_diags diags = {0};
    assert_int_equal(rp_node_parse_buffer("t.yaml", yaml, strlen(yaml), &popts, &node, &diags), 0);
    assert_int_equal(rp_plan_build(node, &opts, &plan, &diags), 0);
    assert_int_equal(plan->process.uid, 999);
    rp_plan_free(plan);
    rp_node_free(node);
    rp_diags_free(&diags);
}

static void test_users_file_symlink_resolves_inside_the_root(void **state)
{
    /* An image whose etc/passwd is an absolute symlink: it must name the
     * image's own file, never the host's. */
    char dir[] = "/tmp/redpak-users-XXXXXX";
    char path[256], target[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/etc", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/etc/passwd.real", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("root:x:4000:4000::/:/bin/sh\n", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/etc/passwd", dir);
    snprintf(target, sizeof(target), "/etc/passwd.real");
    assert_int_equal(symlink(target, path), 0);

    struct rp_users u;
    uid_t uid = 0;
    gid_t gid = 0;
    assert_int_equal(rp_users_init(&u, dir), 0);
    assert_int_equal(rp_users_find_user(&u, "root", &uid, &gid), 0);
    assert_int_equal(uid, 4000);
    assert_int_equal(rp_users_find_group(&u, "root", &gid), -ENOENT); /* no etc/group at all */
    assert_int_equal(rp_users_find_user(&u, "nobody", &uid, &gid), -ESRCH);
    rp_users_free(&u);

    unlink(path);
    snprintf(path, sizeof(path), "%s/etc/passwd.real", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/etc", dir);
    rmdir(path);
    rmdir(dir);
}

static void test_numeric_ids_read_no_passwd_file(void **state)
{
    const char *yaml = "version: 1\nnode: t\nprocess: {user: 5, group: 5, groups: [6]}\n"
                       "tmpfs: [{path: /run/a, owner: \"7:8\"}]\n";
    struct rp_parse_opts popts = {0};
    struct rp_plan_opts opts = {.passwd_root = "/nonexistent/redpak-root"};
    struct rp_node *node = NULL;
    struct rp_plan *plan = NULL;
    struct rp_diags diags = {0};
    assert_int_equal(rp_node_parse_buffer("t.yaml", yaml, strlen(yaml), &popts, &node, &diags), 0);
    assert_int_equal(rp_plan_build(node, &opts, &plan, &diags), 0);
    assert_int_equal(plan->process.groups[0], 6);
    assert_int_equal(plan->tmpfs.steps[0].uid, 7);
    rp_plan_free(plan);
    /* A name, on the other hand, needs the file, and says which. */
    yaml = "version: 1\nnode: t\nprocess: {user: redis}\n";
    rp_node_free(node);
    assert_int_equal(rp_node_parse_buffer("t.yaml", yaml, strlen(yaml), &popts, &node, &diags), 0);
    assert_int_equal(rp_plan_build(node, &opts, &plan, &diags), -EINVAL);
    assert_int_equal(diags.n, 1);
    assert_string_equal(diags.v[0].message,
                        "cannot resolve user 'redis': reading "
                        "/nonexistent/redpak-root/etc/passwd: No such file "
                        "or directory");
    rp_node_free(node);
    rp_diags_free(&diags);
}

static void test_created_source_owner_needs_known_maps(void **state)
{
    struct planned r;
    const struct rp_diag *d = plan_error(
        &r,
        "namespaces: {user: /proc/1/ns/user}\n"
        "mounts: [{type: bind, path: /d, source: /srv/d, create: true, owner: \"0:0\"}]\n",
        0);
    assert_string_equal(d->key_path, "mounts[0].owner");
    assert_non_null(strstr(d->message, "maps"));
    planned_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unprivileged_caller_maps_own_uid_to_root),
        cmocka_unit_test(test_root_caller_gets_a_private_range_picked_at_start),
        cmocka_unit_test(test_identity_keeps_the_old_map_only_by_asking),
        cmocka_unit_test(test_pid_host_is_refused_while_root_inside_is_host_root),
        cmocka_unit_test(test_written_maps_replace_the_defaults),
        cmocka_unit_test(test_unprivileged_caller_may_write_a_map_of_its_own_id_only),
        cmocka_unit_test(test_unmapped_process_user_is_plan_error_with_position),
        cmocka_unit_test(test_unmapped_id_in_written_map_names_its_ranges),
        cmocka_unit_test(test_workload_root_must_be_mapped_when_process_user_is_unset),
        cmocka_unit_test(test_user_name_resolved_in_the_nodes_passwd),
        cmocka_unit_test(test_group_names_resolved_in_the_nodes_group_file),
        cmocka_unit_test(test_numeric_user_without_group_gets_the_same_gid),
        cmocka_unit_test(test_unknown_user_name_is_plan_error_naming_the_file),
        cmocka_unit_test(test_every_unmapped_id_is_reported_at_once),
        cmocka_unit_test(test_host_user_namespace_takes_ids_as_host_ids),
        cmocka_unit_test(test_supplementary_groups_need_a_privileged_caller),
        cmocka_unit_test(test_bind_create_owner_is_the_same_host_id_under_idmapped_binds),
        cmocka_unit_test(test_names_are_read_in_the_root_source_image),
        cmocka_unit_test(test_users_file_symlink_resolves_inside_the_root),
        cmocka_unit_test(test_numeric_ids_read_no_passwd_file),
        cmocka_unit_test(test_created_source_owner_needs_known_maps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
